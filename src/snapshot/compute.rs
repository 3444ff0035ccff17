//! Compute and its configuration: ECS task definitions and services, Lambda functions,
//! Elastic Beanstalk environments, ECR repositories and registry scanning.

use super::impl_resource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One environment variable.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EnvVar {
    /// The variable name.
    pub name: String,
    /// The value, as configured (may be a secret: never printed in full).
    pub value: String,
}

/// An ECS task definition revision.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TaskDefinition {
    /// `family:revision`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The task definition family: the name its revisions share.
    pub family: String,
    /// The revision number.
    pub revision: i64,
    /// `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// The IAM role the task's containers assume.
    pub task_role_arn: Option<String>,
    /// The container definitions.
    pub containers: Vec<Container>,
}
impl_resource!(TaskDefinition);

/// A container definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Container {
    /// The container name.
    pub name: String,
    /// The container image.
    pub image: String,
    /// Plain-text environment variables.
    pub environment: Vec<EnvVar>,
    /// Variables injected from Secrets Manager or Parameter Store.
    pub secrets: Vec<ContainerSecret>,
    /// The command's arguments (`--password=...` is a leak as much as an
    /// environment variable).
    pub command: Vec<String>,
    /// The entry point's arguments.
    pub entry_point: Vec<String>,
}

/// A container secret reference.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContainerSecret {
    /// The environment variable the secret is injected as.
    pub name: String,
    /// ARN of the secret or parameter.
    pub value_from: String,
}

/// A Lambda function.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Function {
    /// Function name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The runtime, e.g. `nodejs22.x`.
    pub runtime: String,
    /// Environment variables, sorted by name.
    pub environment: Vec<EnvVar>,
    /// The KMS key encrypting the environment, if customer managed.
    pub kms_key_arn: Option<String>,
}
impl_resource!(Function);

/// An Elastic Beanstalk environment. Derived: `environment` (the
/// `aws:elasticbeanstalk:application:environment` settings as name/value pairs).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BeanstalkEnvironment {
    /// Environment name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The application the environment belongs to.
    pub application: String,
    /// All option settings.
    pub settings: Vec<OptionSetting>,
}
impl_resource!(BeanstalkEnvironment);

/// An Elastic Beanstalk option setting.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OptionSetting {
    /// The namespace, e.g. `aws:elasticbeanstalk:application:environment`.
    pub namespace: String,
    /// The option name (for environment properties, the variable name).
    pub option: String,
    /// The value, as configured (may be a secret: never printed in full).
    pub value: String,
}

/// An ECR repository. Derived: `registry_scan_type` (`BASIC`, `ENHANCED`, or
/// null when unknown).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Repository {
    /// Repository name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Whether images are scanned when pushed.
    pub scan_on_push: bool,
    /// `MUTABLE` or `IMMUTABLE`.
    pub tag_mutability: String,
    /// `AES256` or `KMS`.
    pub encryption_type: String,
}
impl_resource!(Repository);

/// The registry scanning configuration of a region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RegistryScanning {
    /// The region name again.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `BASIC` or `ENHANCED`.
    pub scan_type: String,
    /// Scan frequencies of the rules, e.g. `SCAN_ON_PUSH`, `CONTINUOUS_SCAN`.
    pub rule_frequencies: Vec<String>,
    /// The rules with the repositories they apply to.
    pub rules: Vec<ScanningRule>,
}
impl_resource!(RegistryScanning);

/// A registry scanning rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ScanningRule {
    /// `SCAN_ON_PUSH`, `CONTINUOUS_SCAN` or `MANUAL`.
    pub frequency: String,
    /// Repository name filters (wildcards `*`), e.g. `prod-*`.
    pub filters: Vec<String>,
}

/// An ECS service with its network configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EcsService {
    /// Service name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The cluster's name.
    pub cluster: String,
    /// `FARGATE`, `EC2`, `EXTERNAL`; empty with a capacity provider strategy.
    pub launch_type: String,
    /// The task definition ARN it runs.
    pub task_definition: String,
    /// `awsvpcConfiguration.assignPublicIp` is `ENABLED`.
    pub assign_public_ip: bool,
    /// Security group ids of its tasks (awsvpc network mode); empty otherwise.
    pub security_groups: Vec<String>,
    /// Subnet ids of its tasks (awsvpc network mode).
    pub subnet_ids: Vec<String>,
    /// Target group ARNs it registers its tasks with.
    pub target_groups: Vec<String>,
    pub desired_count: i64,
}
impl_resource!(EcsService);
