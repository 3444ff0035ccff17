//! Compute and its configuration: ECS task definitions, Lambda functions,
//! Elastic Beanstalk environments, ECR repositories and registry scanning.

use super::impl_resource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One environment variable.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

/// An ECS task definition revision.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TaskDefinition {
    /// `family:revision`.
    pub id: String,
    pub arn: String,
    pub region: String,
    pub family: String,
    pub revision: i64,
    /// `ACTIVE` or `INACTIVE`.
    pub status: String,
    pub task_role_arn: Option<String>,
    pub containers: Vec<Container>,
}
impl_resource!(TaskDefinition);

/// A container definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Container {
    pub name: String,
    pub image: String,
    /// Plain-text environment variables.
    pub environment: Vec<EnvVar>,
    /// Variables injected from Secrets Manager or Parameter Store.
    pub secrets: Vec<ContainerSecret>,
}

/// A container secret reference.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContainerSecret {
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
    pub arn: String,
    pub region: String,
    pub runtime: String,
    /// Environment variables, sorted by name.
    pub environment: Vec<EnvVar>,
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
    pub arn: String,
    pub region: String,
    pub application: String,
    pub settings: Vec<OptionSetting>,
}
impl_resource!(BeanstalkEnvironment);

/// An Elastic Beanstalk option setting.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OptionSetting {
    pub namespace: String,
    pub option: String,
    pub value: String,
}

/// An ECR repository. Derived: `registry_scan_type` (`BASIC`, `ENHANCED`, or
/// null when unknown).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Repository {
    /// Repository name.
    pub id: String,
    pub arn: String,
    pub region: String,
    pub scan_on_push: bool,
    /// `MUTABLE` or `IMMUTABLE`.
    pub tag_mutability: String,
    pub encryption_type: String,
}
impl_resource!(Repository);

/// The registry scanning configuration of a region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RegistryScanning {
    /// The region name again.
    pub id: String,
    pub arn: String,
    pub region: String,
    /// `BASIC` or `ENHANCED`.
    pub scan_type: String,
    /// Scan frequencies of the rules, e.g. `SCAN_ON_PUSH`, `CONTINUOUS_SCAN`.
    pub rule_frequencies: Vec<String>,
}
impl_resource!(RegistryScanning);
