//! Data stores: RDS instances, clusters and their parameter groups,
//! ElastiCache replication groups, serverless caches and standalone cache
//! clusters, S3 buckets and the account-level S3 Block Public Access, RDS
//! snapshots, EFS file systems.

use super::impl_resource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An RDS DB instance. Derived: `engine_family` (`postgres`, `oracle`,
/// `sqlserver`, `aurora-mysql`, ...: the engine without its edition),
/// `parameters` (merged from its parameter groups), `public_subnet_ids`, `ingress` (the inbound permissions of its
/// security groups, each with `group_id`), `kms_key_manager`
/// (`CUSTOMER`, `AWS` or null when unknown), `alarm_metrics` (metrics watched
/// by alarms with actions on this instance or, for a member, its cluster).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DbInstance {
    /// DB instance identifier.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `postgres`, `mysql`, `mariadb`, `aurora-postgresql`, `oracle-ee`, ...
    pub engine: String,
    /// The engine version.
    pub engine_version: String,
    /// The instance class, e.g. `db.t4g.medium`.
    pub instance_class: String,
    /// The port the database listens on.
    pub port: i64,
    /// Whether the instance has a publicly resolvable endpoint.
    pub publicly_accessible: bool,
    /// Whether storage is encrypted.
    pub storage_encrypted: bool,
    /// The KMS key (id, ARN or alias); null when not encrypted with KMS.
    pub kms_key_id: Option<String>,
    /// Days automated backups are kept; 0 when off.
    pub backup_retention_days: i64,
    /// Whether a standby runs in another availability zone.
    pub multi_az: bool,
    /// The instance this one is a read replica of; null for a primary.
    pub read_replica_source: Option<String>,
    /// Whether deletion protection is on.
    pub deletion_protection: bool,
    /// Whether minor engine upgrades apply automatically.
    pub auto_minor_version_upgrade: bool,
    /// Enhanced monitoring interval in seconds; 0 when off.
    pub monitoring_interval: i64,
    /// Log types exported to CloudWatch Logs.
    pub cloudwatch_logs_exports: Vec<String>,
    /// The VPC id, `vpc-...`.
    pub vpc_id: String,
    /// The subnet group name.
    pub subnet_group: String,
    /// Subnet ids, `subnet-...`.
    pub subnet_ids: Vec<String>,
    /// Security group ids, `sg-...`.
    pub security_groups: Vec<String>,
    /// Names of the DB parameter groups applied.
    pub parameter_groups: Vec<String>,
    /// The DB cluster this instance belongs to (Aurora, Multi-AZ DB
    /// clusters); null for a standalone instance. A member's Multi-AZ,
    /// deletion protection, backups, log exports and TLS settings are the
    /// cluster's: the rules judge them on `rds.db_cluster`.
    pub cluster_id: Option<String>,
}
impl_resource!(DbInstance);

/// An RDS DB cluster: Aurora (provisioned, Serverless v1 and v2) or a
/// Multi-AZ DB cluster. Derived: `engine_family`, `parameters` (from its
/// cluster parameter group) and `parameter_groups` (its name, as a list),
/// `ingress`, `kms_key_manager`, `members` (the ids of its member instances
/// in the snapshot), `cluster_id` (always null, so that rules read
/// instances and clusters alike).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DbCluster {
    /// DB cluster identifier.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `aurora-postgresql`, `aurora-mysql`, `postgres`, `mysql`, ...
    pub engine: String,
    /// The engine version.
    pub engine_version: String,
    /// `provisioned` or `serverless` (Aurora Serverless v1, which has no
    /// instances); empty when not reported.
    pub engine_mode: String,
    /// The port the database listens on.
    pub port: i64,
    /// Whether storage is encrypted.
    pub storage_encrypted: bool,
    /// The KMS key (id, ARN or alias); null when not encrypted with KMS.
    pub kms_key_id: Option<String>,
    /// Days automated backups are kept; 0 when off.
    pub backup_retention_days: i64,
    /// Whether the cluster has instances in more than one availability zone.
    pub multi_az: bool,
    /// Whether deletion protection is on.
    pub deletion_protection: bool,
    /// Whether IAM database authentication is on.
    pub iam_auth: bool,
    /// Log types exported to CloudWatch Logs.
    pub cloudwatch_logs_exports: Vec<String>,
    /// The subnet group name.
    pub subnet_group: String,
    /// Security group ids, `sg-...`.
    pub security_groups: Vec<String>,
    /// The name of the DB cluster parameter group applied.
    pub parameter_group: String,
    /// The ids of the member instances, as the cluster lists them.
    pub member_ids: Vec<String>,
}
impl_resource!(DbCluster);

/// A DB parameter group, with the parameters whose value is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ParameterGroup {
    /// Parameter group name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The parameter group family, e.g. `postgres16`, `mysql8.0`.
    pub family: String,
    /// Parameter name to value, e.g. `rds.force_ssl = "1"`.
    pub parameters: BTreeMap<String, String>,
}
impl_resource!(ParameterGroup);

/// An ElastiCache replication group. Derived: `public_subnet_ids`,
/// `world_open_security_groups`, `ingress` (the inbound permissions of its
/// security groups).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReplicationGroup {
    /// Replication group id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The engine: `redis` or `valkey`.
    pub engine: String,
    /// Whether data at rest is encrypted.
    pub at_rest_encryption: bool,
    /// Whether in-transit encryption (TLS) is on.
    pub transit_encryption: bool,
    /// `required` or `preferred` (TLS offered, plain text still accepted,
    /// while clients migrate); empty when not reported (engines before the
    /// mode existed, where TLS on means required).
    pub transit_encryption_mode: String,
    /// Whether Redis AUTH is required.
    pub auth_token_enabled: bool,
    /// Days automatic snapshots are kept; 0 when off.
    pub snapshot_retention_limit: i64,
    /// Whether automatic failover is on.
    pub automatic_failover: bool,
    /// The subnet group name.
    pub subnet_group: String,
    /// Subnet ids, `subnet-...`.
    pub subnet_ids: Vec<String>,
    /// Security group ids, `sg-...`.
    pub security_groups: Vec<String>,
}
impl_resource!(ReplicationGroup);

/// An ElastiCache Serverless cache. Data is always encrypted at rest and in
/// transit (AWS offers no way to turn either off), so `at_rest_encryption`
/// and `transit_encryption` are true and the mode `required`; they are
/// kept so that the same rules read every kind of cache. Derived:
/// `public_subnet_ids`, `world_open_security_groups`, `ingress`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServerlessCache {
    /// Serverless cache name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The engine: `redis`, `valkey` or `memcached`.
    pub engine: String,
    /// `available`, `creating`, ...
    pub status: String,
    /// Always true for a serverless cache.
    pub at_rest_encryption: bool,
    /// Always true for a serverless cache.
    pub transit_encryption: bool,
    /// Always `required` for a serverless cache.
    pub transit_encryption_mode: String,
    /// The KMS key; null for the AWS owned key.
    pub kms_key_id: Option<String>,
    /// Days automatic snapshots are kept; 0 when off.
    pub snapshot_retention_limit: i64,
    /// Subnet ids, `subnet-...`.
    pub subnet_ids: Vec<String>,
    /// Security group ids, `sg-...`.
    pub security_groups: Vec<String>,
}
impl_resource!(ServerlessCache);

/// An ElastiCache cache cluster that belongs to no replication group: a
/// Memcached cluster or a single-node Redis cluster (members of replication
/// groups are judged through their group). Derived: `public_subnet_ids`,
/// `world_open_security_groups`, `ingress`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CacheCluster {
    /// Cache cluster id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The engine: `redis`, `valkey` or `memcached`.
    pub engine: String,
    /// The engine version.
    pub engine_version: String,
    /// Whether data at rest is encrypted.
    pub at_rest_encryption: bool,
    /// Whether in-transit encryption (TLS) is on.
    pub transit_encryption: bool,
    /// `required` or `preferred`; empty when not reported.
    pub transit_encryption_mode: String,
    /// Whether Redis AUTH is required.
    pub auth_token_enabled: bool,
    /// Days automatic snapshots are kept; 0 when off (Memcached keeps none).
    pub snapshot_retention_limit: i64,
    /// The subnet group name.
    pub subnet_group: String,
    /// Subnet ids, `subnet-...`.
    pub subnet_ids: Vec<String>,
    /// Security group ids, `sg-...`.
    pub security_groups: Vec<String>,
}
impl_resource!(CacheCluster);

/// The four Block Public Access settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PublicAccessBlock {
    /// Rejects requests that add public ACLs.
    pub block_public_acls: bool,
    /// Ignores existing public ACLs.
    pub ignore_public_acls: bool,
    /// Rejects bucket policies that grant public access.
    pub block_public_policy: bool,
    /// Limits public-policy buckets to AWS services and the owner account.
    pub restrict_public_buckets: bool,
}

/// An S3 bucket. Derived: `statements` (the bucket policy, normalised),
/// `cloudfront_origins` (distribution origins that serve this bucket),
/// `account_public_access_block` (the account-level setting or null),
/// `public`, `public_read`, `public_write`, `public_read_reasons`,
/// `public_write_reasons`, `enforces_tls`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Bucket {
    /// Bucket name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The bucket's Block Public Access settings; null when none are set.
    pub public_access_block: Option<PublicAccessBlock>,
    /// The bucket policy document as JSON; null when there is none.
    pub policy: Option<serde_json::Value>,
    /// Default encryption; null when none is configured.
    pub encryption: Option<BucketEncryption>,
    /// Whether the ACL grants anything to AllUsers or AuthenticatedUsers.
    pub acl_public: bool,
    /// The ACL's grants to those groups, as `AllUsers:READ`,
    /// `AuthenticatedUsers:WRITE`, ... (`READ`, `WRITE`, `READ_ACP`,
    /// `WRITE_ACP`, `FULL_CONTROL`).
    pub acl_public_grants: Vec<String>,
    /// AWS's own verdict on the bucket policy (`GetBucketPolicyStatus`
    /// `IsPublic`); null when there is no policy or it could not be read.
    pub policy_status_public: Option<bool>,
    /// Whether static website hosting is on.
    pub website_enabled: bool,
    /// The bucket server access logs are delivered to; null when off.
    pub logging_target: Option<String>,
}
impl_resource!(Bucket);

/// A bucket's versioning (its own kind, so that a failed read leaves only
/// the rules that read versioning undecided).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BucketVersioning {
    /// The bucket name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `Enabled`, `Suspended`, or empty when versioning was never turned on.
    pub status: String,
    /// Whether deleting a version or changing versioning requires MFA.
    pub mfa_delete: bool,
    /// Whether S3 Object Lock is enabled on the bucket
    /// (`GetObjectLockConfiguration`).
    pub object_lock: bool,
    /// The default retention, e.g. `COMPLIANCE 365 days`; empty when none.
    pub object_lock_default_retention: String,
}
impl_resource!(BucketVersioning);

/// A bucket's default encryption.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BucketEncryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    /// The KMS key (id, ARN or alias); null when not encrypted with KMS.
    pub kms_key_id: Option<String>,
    /// Whether an S3 Bucket Key reduces KMS calls.
    pub bucket_key_enabled: bool,
}

/// The account-level S3 Block Public Access setting.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccountPublicAccessBlock {
    /// The account id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Rejects requests that add public ACLs.
    pub block_public_acls: bool,
    /// Ignores existing public ACLs.
    pub ignore_public_acls: bool,
    /// Rejects bucket policies that grant public access.
    pub block_public_policy: bool,
    /// Limits public-policy buckets to AWS services and the owner account.
    pub restrict_public_buckets: bool,
}
impl_resource!(AccountPublicAccessBlock);

/// A manual RDS DB snapshot or DB cluster snapshot, with who may restore it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DbSnapshot {
    /// Snapshot identifier.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Whether it is a DB cluster snapshot (Aurora, Multi-AZ DB cluster).
    pub cluster: bool,
    /// The DB instance or cluster it was taken from.
    pub source: String,
    /// `manual` or `automated` (only manual snapshots can be shared).
    pub snapshot_type: String,
    pub encrypted: bool,
    /// The `restore` attribute: `all` (public) or the account ids it is
    /// shared with.
    pub restore: Vec<String>,
}
impl_resource!(DbSnapshot);

/// An EFS file system.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FileSystem {
    /// File system id, `fs-...`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The `Name` tag.
    pub name: String,
    /// Encrypted at rest (chosen at creation; cannot be changed later).
    pub encrypted: bool,
    /// The KMS key; null when not encrypted.
    pub kms_key_id: Option<String>,
}
impl_resource!(FileSystem, name);
