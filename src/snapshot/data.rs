//! Data stores: RDS instances and parameter groups, ElastiCache replication
//! groups, S3 buckets and the account-level S3 Block Public Access.

use super::impl_resource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An RDS DB instance. Derived: `parameters` (merged from its parameter
/// groups), `public_subnet_ids`, `ingress` (the inbound permissions of its
/// security groups, each with `group_id`), `kms_key_manager`
/// (`CUSTOMER`, `AWS` or null when unknown), `alarm_metrics` (metrics watched
/// by alarms with actions on this instance).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DbInstance {
    /// DB instance identifier.
    pub id: String,
    pub arn: String,
    pub region: String,
    /// `postgres`, `mysql`, `mariadb`, `aurora-postgresql`, `oracle-ee`, ...
    pub engine: String,
    pub engine_version: String,
    pub instance_class: String,
    pub port: i64,
    pub publicly_accessible: bool,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    pub backup_retention_days: i64,
    pub multi_az: bool,
    pub deletion_protection: bool,
    pub auto_minor_version_upgrade: bool,
    /// Enhanced monitoring interval in seconds; 0 when off.
    pub monitoring_interval: i64,
    /// Log types exported to CloudWatch Logs.
    pub cloudwatch_logs_exports: Vec<String>,
    pub vpc_id: String,
    pub subnet_group: String,
    pub subnet_ids: Vec<String>,
    pub security_groups: Vec<String>,
    pub parameter_groups: Vec<String>,
}
impl_resource!(DbInstance);

/// A DB parameter group, with the parameters whose value is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ParameterGroup {
    /// Parameter group name.
    pub id: String,
    pub arn: String,
    pub region: String,
    pub family: String,
    /// Parameter name to value, e.g. `rds.force_ssl = "1"`.
    pub parameters: BTreeMap<String, String>,
}
impl_resource!(ParameterGroup);

/// An ElastiCache replication group. Derived: `public_subnet_ids`,
/// `world_open_security_groups`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReplicationGroup {
    /// Replication group id.
    pub id: String,
    pub arn: String,
    pub region: String,
    pub engine: String,
    pub at_rest_encryption: bool,
    pub transit_encryption: bool,
    pub auth_token_enabled: bool,
    pub snapshot_retention_limit: i64,
    pub automatic_failover: bool,
    pub subnet_group: String,
    pub subnet_ids: Vec<String>,
    pub security_groups: Vec<String>,
}
impl_resource!(ReplicationGroup);

/// The four Block Public Access settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

/// An S3 bucket. Derived: `statements` (the bucket policy, normalised),
/// `cloudfront_origins` (distribution origins that serve this bucket),
/// `account_public_access_block` (the account-level setting or null).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Bucket {
    /// Bucket name.
    pub id: String,
    pub arn: String,
    pub region: String,
    /// The bucket's Block Public Access settings; null when none are set.
    pub public_access_block: Option<PublicAccessBlock>,
    /// The bucket policy document as JSON; null when there is none.
    pub policy: Option<serde_json::Value>,
    /// Default encryption; null when none is configured.
    pub encryption: Option<BucketEncryption>,
    /// Whether the ACL grants anything to AllUsers or AuthenticatedUsers.
    pub acl_public: bool,
    pub website_enabled: bool,
    pub versioning: bool,
}
impl_resource!(Bucket);

/// A bucket's default encryption.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BucketEncryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: bool,
}

/// The account-level S3 Block Public Access setting.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccountPublicAccessBlock {
    /// The account id.
    pub id: String,
    pub arn: String,
    pub region: String,
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}
impl_resource!(AccountPublicAccessBlock);
