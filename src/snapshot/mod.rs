//! The account snapshot: the versioned JSON document that is the contract
//! between collection and evaluation.
//!
//! This module owns the envelope (format, version, account, regions, source,
//! gaps), the typed resource model (one submodule per area) and loading a
//! snapshot from disk with errors that name the file, line and column.
//!
//! Invariants of the model, relied on by the rules:
//! - every field has a fixed shape: an absent value is `null`, an absent list
//!   is `[]`, an absent map is `{}`; rules never need `has()` for documented
//!   fields;
//! - every number is a signed 64-bit integer (CEL `int`), never `uint`;
//! - derived fields (joins across kinds, parsed policy documents) are *not*
//!   stored: they are computed when the snapshot is prepared for evaluation
//!   (`crate::prepare`), identically for collected data and rule test cases;
//!   so are the synthetic `account` and `region` kinds.
//!
//! The snapshot holds raw configuration, including environment variable
//! values: treat the file as sensitive. Reports never print secret values.

pub mod accounts;
pub mod compute;
pub mod data;
pub mod edge;
pub mod identity;
pub mod monitoring;
pub mod network;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The value of the `format` field of every snapshot.
pub const FORMAT: &str = "posture-audit/snapshot";
/// The snapshot format version this build reads and writes.
pub const VERSION: i64 = 1;

/// An account snapshot (format version 1).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always `posture-audit/snapshot`.
    pub format: String,
    /// Format version; this build reads version 1.
    pub version: i64,
    /// The audited account.
    pub account: Account,
    /// When collection finished (RFC 3339, UTC). Ages (of access keys,
    /// unused passwords) are computed relative to this instant, so that a
    /// snapshot re-audited later gives the same answers.
    pub collected_at: DateTime<Utc>,
    /// The regions that were collected, e.g. `["us-east-1", "eu-west-1"]`.
    #[serde(default)]
    pub regions: Vec<String>,
    /// What produced the snapshot.
    #[serde(default)]
    pub source: Source,
    /// Resources by kind; see the kind structs for their fields.
    #[serde(default)]
    pub resources: Resources,
    /// Data that could not be collected. Every rule that needs data covered
    /// by a gap reports `error`, never `pass`, for the gap's scope.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// The resource kinds this snapshot covers; absent means every kind. A
    /// partial snapshot (only probed endpoints, say) lists what it holds, and
    /// rules that need anything else are not evaluated on it rather than
    /// failing for lack of data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected: Option<Vec<String>>,
    /// Kinds not read but taken to have no resources, for the joins of the
    /// kinds that were (a Terraform plan's buckets are judged as if the
    /// account had no account-level Block Public Access, unless the plan
    /// manages it). Rules over these kinds themselves are not evaluated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumed_empty: Vec<String>,
    /// Kinds holding only some of the account's resources (a Terraform
    /// plan's roles are not all the account's roles): rules judging each
    /// resource apply, rules about the account or a region that read these
    /// kinds ("some role has AWSSupportAccess") are not evaluated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<String>,
    /// Where resources are declared in code, for a snapshot read from a
    /// Terraform plan: findings carry the address and `.tf` line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<CodeLocation>,
}

/// Where one resource of a snapshot is declared in code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CodeLocation {
    /// The resource's kind and id in the snapshot.
    pub kind: String,
    pub id: String,
    /// The Terraform address, e.g. `module.app.aws_s3_bucket.logs["eu"]`.
    pub address: String,
    /// The `.tf` file of its block, relative to the working folder, when
    /// found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The 1-based line of the block's header, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
}

/// The audited account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    /// The account alias, when one is set.
    pub alias: Option<String>,
}

/// What produced a snapshot.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Source {
    /// `live` (collected by `audit`), `example`, `synthetic`, or the name of
    /// another tool that wrote the file.
    pub kind: String,
    /// The AWS profile used, when collected live.
    pub profile: Option<String>,
    /// Version of the tool that wrote the snapshot.
    pub tool_version: Option<String>,
    /// The principal that collected it (the caller ARN, e.g. an assumed-role
    /// session), when collected live.
    pub principal: Option<String>,
}

/// Something that could not be collected.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Gap {
    /// The service prefix, as in resource kinds: `ec2`, `rds`, `iam`, ...
    pub service: String,
    /// The region, or `global` for global services. A global gap affects
    /// every region; a gap in any region affects account-wide rules.
    pub region: String,
    /// The API operation that failed, e.g. `DescribeSecurityGroups`.
    pub operation: String,
    /// The error code, e.g. `AccessDenied`, `Throttling`, `Timeout`.
    pub code: String,
    /// The error message as received.
    pub message: String,
    /// The resource kinds this gap leaves incomplete. Empty means every kind
    /// of `service`.
    pub kinds: Vec<String>,
    /// When the gap concerns one resource only (one bucket's policy), its id.
    pub resource_id: Option<String>,
    /// When only some fields of that resource are missing (values a
    /// Terraform plan knows only after apply), those model fields: the gap
    /// then concerns only the rules that read them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

impl Gap {
    /// Whether this gap leaves data of `kind` incomplete in `region`
    /// (regardless of resource).
    pub fn covers(&self, kind: &str, region: &str) -> bool {
        let kind_matches = if self.kinds.is_empty() {
            kind.split('.').next() == Some(self.service.as_str())
        } else {
            self.kinds.iter().any(|k| k == kind)
        };
        kind_matches && (self.region == region || self.region == "global" || region == "global")
    }

    /// Whether this gap leaves data of `kind` incomplete anywhere (in its
    /// own region).
    pub fn concerns(&self, kind: &str) -> bool {
        self.covers(kind, &self.region)
    }
}

/// The resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceRef {
    /// The kind, e.g. `ec2.security_group`; `region` for a finding about a
    /// whole region (a gap), `account` for the account.
    pub kind: String,
    pub id: String,
    pub arn: String,
    pub region: String,
    /// A human name when it differs from the id.
    pub name: String,
    /// Where the resource is declared in code (a Terraform plan's address
    /// and `.tf` line); absent for live resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<CodeLocation>,
}

impl ResourceRef {
    /// `name (id)` or `id`.
    pub fn display(&self) -> String {
        if self.name.is_empty() || self.name == self.id {
            self.id.clone()
        } else {
            format!("{} ({})", self.name, self.id)
        }
    }
}

/// Fields every resource kind has, read by the engine for findings.
pub trait Resource {
    /// The id, unique within kind and region.
    fn id(&self) -> &str;
    /// The ARN, empty when the kind has none.
    fn arn(&self) -> &str;
    /// The region, or `global`.
    fn region(&self) -> &str;
    /// A human name, when the kind has one distinct from the id.
    fn name(&self) -> &str {
        ""
    }
}

/// Implements [`Resource`] for a struct with `id`, `arn`, `region` (and
/// optionally `name`) string fields.
macro_rules! impl_resource {
    ($ty:ty $(, $name:ident)?) => {
        impl $crate::snapshot::Resource for $ty {
            fn id(&self) -> &str {
                &self.id
            }
            fn arn(&self) -> &str {
                &self.arn
            }
            fn region(&self) -> &str {
                &self.region
            }
            $(fn name(&self) -> &str {
                &self.$name
            })?
        }
    };
}
pub(crate) use impl_resource;

/// Declares the resource kinds once: the `Resources` struct (one list per
/// kind, keyed by the kind's name in JSON) and the list of kind names.
macro_rules! resource_kinds {
    ($( $(#[$doc:meta])* $kind:literal => $field:ident : $ty:ty ),* $(,)?) => {
        /// Resources by kind. Each key is a kind name (`service.type`), each
        /// value the list of resources of that kind.
        #[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
        #[serde(default, deny_unknown_fields)]
        pub struct Resources {
            $( $(#[$doc])* #[serde(rename = $kind, skip_serializing_if = "Vec::is_empty")] pub $field: Vec<$ty>, )*
        }

        /// Every stored resource kind, in declaration order.
        pub const KINDS: &[&str] = &[$($kind),*];

        /// The stored fields of a kind (the keys its model serialises), or
        /// None for an unknown kind.
        pub fn stored_fields(kind: &str) -> Option<&'static std::collections::BTreeSet<String>> {
            type Fields = std::collections::HashMap<&'static str, std::collections::BTreeSet<String>>;
            static FIELDS: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
            FIELDS
                .get_or_init(|| {
                    let mut fields = Fields::new();
                    $(
                        let value = serde_json::to_value(<$ty>::default()).unwrap_or_default();
                        fields.insert($kind, value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default());
                    )*
                    fields
                })
                .get(kind)
        }

        impl Resources {
            /// The number of resources of every kind.
            pub fn len(&self) -> usize {
                0 $(+ self.$field.len())*
            }

            /// Whether there are no resources at all.
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Each kind with the common fields of its resources, for
            /// validation and reporting.
            pub fn each_kind(&self) -> Vec<(&'static str, Vec<&dyn Resource>)> {
                vec![$( ($kind, self.$field.iter().map(|r| r as &dyn Resource).collect()) ),*]
            }

            /// Sorts each kind's resources by region and id (stable: equal
            /// keys keep their order), so that a snapshot does not depend on
            /// the order in which calls finished.
            pub fn sort(&mut self) {
                $( self.$field.sort_by(|a, b| {
                    (Resource::region(a), Resource::id(a)).cmp(&(Resource::region(b), Resource::id(b)))
                }); )*
            }

            /// Moves the resources of `other` into `self`.
            pub fn append(&mut self, other: &mut Resources) {
                $( self.$field.append(&mut other.$field); )*
            }

            /// Deserialises a list of resources of `kind` from a TOML or JSON
            /// value and appends them (used by rule test cases).
            pub fn push_value<'de, D: serde::Deserializer<'de>>(&mut self, kind: &str, value: D) -> Result<(), KindError<D::Error>> {
                match kind {
                    $( $kind => { self.$field.push(<$ty>::deserialize(value).map_err(KindError::Invalid)?); Ok(()) } )*
                    _ => Err(KindError::Unknown),
                }
            }
        }
    };
}

/// Why [`Resources::push_value`] failed.
#[derive(Debug)]
pub enum KindError<E> {
    /// No such resource kind.
    Unknown,
    /// The value does not fit the kind's model.
    Invalid(E),
}

/// The one list of stored resource kinds: `"kind" => field: Type`. Calls the
/// macro it is given with the whole list, so that every layer that needs a
/// per-kind table (the `Resources` struct here, the derive steps in
/// `crate::prepare`) generates it from this list instead of keeping its own.
macro_rules! for_each_kind {
    ($callback:ident) => {
        $callback! {
            /// EC2 security groups with normalised rules.
            "ec2.security_group" => ec2_security_group: $crate::snapshot::network::SecurityGroup,
            /// EC2 instances.
            "ec2.instance" => ec2_instance: $crate::snapshot::network::Instance,
            /// EC2 launch templates (default version).
            "ec2.launch_template" => ec2_launch_template: $crate::snapshot::network::LaunchTemplate,
            /// VPCs.
            "ec2.vpc" => ec2_vpc: $crate::snapshot::network::Vpc,
            /// Subnets.
            "ec2.subnet" => ec2_subnet: $crate::snapshot::network::Subnet,
            /// Route tables.
            "ec2.route_table" => ec2_route_table: $crate::snapshot::network::RouteTable,
            /// VPC flow logs.
            "ec2.flow_log" => ec2_flow_log: $crate::snapshot::network::FlowLog,
            /// Elastic IP addresses.
            "ec2.address" => ec2_address: $crate::snapshot::network::Address,
            /// EBS encryption-by-default setting, one per region.
            "ec2.ebs_encryption" => ec2_ebs_encryption: $crate::snapshot::network::EbsEncryption,
            /// Network ACLs with their entries.
            "ec2.network_acl" => ec2_network_acl: $crate::snapshot::network::NetworkAcl,
            /// Network interfaces with their security groups.
            "ec2.network_interface" => ec2_network_interface: $crate::snapshot::network::NetworkInterface,
            /// Managed prefix lists, with the entries of customer lists.
            "ec2.prefix_list" => ec2_prefix_list: $crate::snapshot::network::PrefixList,
            /// EBS snapshots the account owns, with their volume permissions.
            "ec2.snapshot" => ec2_snapshot: $crate::snapshot::network::EbsSnapshot,
            /// Instances registered with Systems Manager.
            "ssm.managed_instance" => ssm_managed_instance: $crate::snapshot::network::ManagedInstance,
            /// RDS DB instances.
            "rds.db_instance" => rds_db_instance: $crate::snapshot::data::DbInstance,
            /// RDS DB parameter groups with the parameters the rules read.
            "rds.parameter_group" => rds_parameter_group: $crate::snapshot::data::ParameterGroup,
            /// RDS DB clusters (Aurora and Multi-AZ DB clusters).
            "rds.db_cluster" => rds_db_cluster: $crate::snapshot::data::DbCluster,
            /// RDS DB cluster parameter groups with the parameters the rules read.
            "rds.cluster_parameter_group" => rds_cluster_parameter_group: $crate::snapshot::data::ParameterGroup,
            /// Manual RDS DB and DB cluster snapshots, with who may restore them.
            "rds.db_snapshot" => rds_db_snapshot: $crate::snapshot::data::DbSnapshot,
            /// ElastiCache replication groups.
            "elasticache.replication_group" => elasticache_replication_group: $crate::snapshot::data::ReplicationGroup,
            /// ElastiCache Serverless caches.
            "elasticache.serverless_cache" => elasticache_serverless_cache: $crate::snapshot::data::ServerlessCache,
            /// ElastiCache cache clusters outside any replication group.
            "elasticache.cache_cluster" => elasticache_cache_cluster: $crate::snapshot::data::CacheCluster,
            /// S3 buckets.
            "s3.bucket" => s3_bucket: $crate::snapshot::data::Bucket,
            /// S3 bucket versioning and MFA delete, one per bucket.
            "s3.bucket_versioning" => s3_bucket_versioning: $crate::snapshot::data::BucketVersioning,
            /// The account-level S3 Block Public Access setting (at most one).
            "s3.account_public_access_block" => s3_account_public_access_block: $crate::snapshot::data::AccountPublicAccessBlock,
            /// EFS file systems.
            "efs.file_system" => efs_file_system: $crate::snapshot::data::FileSystem,
            /// CloudFront distributions.
            "cloudfront.distribution" => cloudfront_distribution: $crate::snapshot::edge::Distribution,
            /// CloudFront response headers policies (custom and managed).
            "cloudfront.response_headers_policy" => cloudfront_response_headers_policy: $crate::snapshot::edge::ResponseHeadersPolicy,
            /// Elastic Load Balancing v2 load balancers.
            "elbv2.load_balancer" => elbv2_load_balancer: $crate::snapshot::edge::LoadBalancer,
            /// Elastic Load Balancing v2 listeners.
            "elbv2.listener" => elbv2_listener: $crate::snapshot::edge::Listener,
            /// WAFv2 web ACLs.
            "wafv2.web_acl" => wafv2_web_acl: $crate::snapshot::edge::WebAcl,
            /// ACM certificates.
            "acm.certificate" => acm_certificate: $crate::snapshot::edge::Certificate,
            /// HTTP endpoints probed on the wire.
            "http.endpoint" => http_endpoint: $crate::snapshot::edge::HttpEndpoint,
            /// ECS task definitions (active revisions).
            "ecs.task_definition" => ecs_task_definition: $crate::snapshot::compute::TaskDefinition,
            /// ECS services with their network configuration.
            "ecs.service" => ecs_service: $crate::snapshot::compute::EcsService,
            /// Lambda functions.
            "lambda.function" => lambda_function: $crate::snapshot::compute::Function,
            /// Elastic Beanstalk environments with their option settings.
            "elasticbeanstalk.environment" => elasticbeanstalk_environment: $crate::snapshot::compute::BeanstalkEnvironment,
            /// ECR repositories.
            "ecr.repository" => ecr_repository: $crate::snapshot::compute::Repository,
            /// ECR registry scanning configuration, one per region.
            "ecr.registry_scanning" => ecr_registry_scanning: $crate::snapshot::compute::RegistryScanning,
            /// Secrets Manager secrets (metadata only, never values).
            "secretsmanager.secret" => secretsmanager_secret: $crate::snapshot::identity::Secret,
            /// KMS keys.
            "kms.key" => kms_key: $crate::snapshot::identity::Key,
            /// IAM users.
            "iam.user" => iam_user: $crate::snapshot::identity::User,
            /// IAM access keys.
            "iam.access_key" => iam_access_key: $crate::snapshot::identity::AccessKey,
            /// IAM roles.
            "iam.role" => iam_role: $crate::snapshot::identity::Role,
            /// IAM server certificates.
            "iam.server_certificate" => iam_server_certificate: $crate::snapshot::identity::ServerCertificate,
            /// IAM virtual MFA devices and their users.
            "iam.virtual_mfa_device" => iam_virtual_mfa_device: $crate::snapshot::identity::VirtualMfaDevice,
            /// IAM Access Analyzer analyzers.
            "accessanalyzer.analyzer" => accessanalyzer_analyzer: $crate::snapshot::identity::Analyzer,
            /// IAM customer managed and inline policies.
            "iam.policy" => iam_policy: $crate::snapshot::identity::Policy,
            /// The account password policy (at most one; none when not set).
            "iam.password_policy" => iam_password_policy: $crate::snapshot::identity::PasswordPolicy,
            /// The root user, from the credential report (at most one).
            "iam.root_user" => iam_root_user: $crate::snapshot::identity::RootUser,
            /// CloudTrail trails.
            "cloudtrail.trail" => cloudtrail_trail: $crate::snapshot::monitoring::Trail,
            /// AWS Config configuration recorders.
            "config.recorder" => config_recorder: $crate::snapshot::monitoring::Recorder,
            /// CloudWatch Logs log groups.
            "logs.log_group" => logs_log_group: $crate::snapshot::monitoring::LogGroup,
            /// CloudWatch Logs metric filters.
            "logs.metric_filter" => logs_metric_filter: $crate::snapshot::monitoring::MetricFilter,
            /// CloudWatch metric alarms.
            "cloudwatch.alarm" => cloudwatch_alarm: $crate::snapshot::monitoring::Alarm,
            /// SNS topics with their subscriptions.
            "sns.topic" => sns_topic: $crate::snapshot::monitoring::Topic,
            /// GuardDuty detectors.
            "guardduty.detector" => guardduty_detector: $crate::snapshot::monitoring::Detector,
            /// Security Hub, one per region where it is enabled.
            "securityhub.hub" => securityhub_hub: $crate::snapshot::monitoring::Hub,
            /// Manual checklist items attested by a person.
            "attestation" => attestation: $crate::snapshot::monitoring::Attestation,
        }
    };
}
pub(crate) use for_each_kind;

for_each_kind!(resource_kinds);

/// Why a snapshot could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: cannot read the snapshot: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON, or does not fit the model.
    #[error("{path}:{line}:{column}: not a valid snapshot: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The envelope names another format or an unsupported version.
    #[error("{path}:{line}:{column}: {message}")]
    Version {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The snapshot parsed but breaks an invariant (a resource without id).
    #[error("{path}: invalid snapshot: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Reads and validates a snapshot file.
pub fn load(path: &Path) -> Result<Snapshot, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text, path)
}

/// Parses and validates snapshot text; `path` is only used in errors.
pub fn parse(text: &str, path: &Path) -> Result<Snapshot, LoadError> {
    check_envelope(text, path)?;
    let snapshot: Snapshot = serde_json::from_str(text).map_err(|e| LoadError::Parse {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: crate::diag::strip_json_position(&e.to_string()),
    })?;
    validate(&snapshot).map_err(|message| LoadError::Invalid {
        path: path.to_owned(),
        message,
    })?;
    Ok(snapshot)
}

/// Checks `format` and `version` before the full parse, so that a snapshot of
/// a newer version is reported as such rather than as an unknown field.
fn check_envelope(text: &str, path: &Path) -> Result<(), LoadError> {
    #[derive(Deserialize)]
    struct Envelope {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let envelope: Envelope = serde_json::from_str(text).map_err(|e| LoadError::Parse {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: crate::diag::strip_json_position(&e.to_string()),
    })?;
    let position = |key: &str| crate::diag::locate_key(text, key);
    match envelope.format.as_ref().and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        other => {
            let (line, column) = position("format");
            return Err(LoadError::Version {
                path: path.to_owned(),
                line,
                column,
                message: format!(
                    "the `format` field is {}, expected \"{FORMAT}\"; is this a posture-audit snapshot? (a JSON report cannot be scanned; pass the snapshot it was made from)",
                    other.map_or("missing".to_string(), |f| format!("\"{f}\""))
                ),
            });
        }
    }
    match envelope.version.as_ref().and_then(|v| v.as_i64()) {
        Some(VERSION) => Ok(()),
        other => {
            let (line, column) = position("version");
            Err(LoadError::Version {
                path: path.to_owned(),
                line,
                column,
                message: format!(
                    "snapshot format version {} is not supported; this build of audit {} reads version {VERSION}. Upgrade audit, or re-collect the snapshot with this version.",
                    other.map_or("(missing)".to_string(), |v| v.to_string()),
                    env!("CARGO_PKG_VERSION"),
                ),
            })
        }
    }
}

/// Checks invariants the types cannot express.
fn validate(snapshot: &Snapshot) -> Result<(), String> {
    let mut problems = Vec::new();
    for kind in (snapshot.collected.iter().flatten())
        .chain(&snapshot.assumed_empty)
        .chain(&snapshot.partial)
    {
        if !KINDS.contains(&kind.as_str()) {
            problems.push(format!("`collected` names unknown kind `{kind}`"));
        }
    }
    for (kind, resources) in snapshot.resources.each_kind() {
        for (index, resource) in resources.iter().enumerate() {
            if resource.id().is_empty() {
                problems.push(format!("resources.\"{kind}\"[{index}] has no `id`"));
            }
            if resource.region().is_empty() {
                problems.push(format!(
                    "resources.\"{kind}\"[{index}] ({}) has no `region` (use \"global\" for global services)",
                    resource.id()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// A JSON Schema of the snapshot format, as shipped in `docs/snapshot.schema.json`.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Snapshot)).unwrap_or_default()
}
