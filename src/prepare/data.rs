//! Derived fields of the data stores: RDS parameters, subnets, security
//! groups, key manager and alarms, for instances and clusters; ElastiCache
//! exposure for every kind of cache; S3 bucket policies, origins and
//! publicity.

use super::derive::{Derive, SECURITY_GROUPS, SUBNETS, stored_only};
use super::joins::BucketOrigin;
use super::network::PermissionView;
use super::{Join, Joins};
use crate::semantics::iam_policy::{self, Statement};
use crate::semantics::s3::{bucket_publicity, cloudfront_bypasses, denies_plain_http};
use crate::snapshot::data::*;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize)]
pub struct DbInstanceFields<'a> {
    /// See [`engine_family`].
    pub engine_family: &'a str,
    /// Merged from its parameter groups, later groups winning.
    pub parameters: BTreeMap<&'a str, &'a str>,
    pub public_subnet_ids: Vec<&'a str>,
    pub ingress: Vec<PermissionView<'a>>,
    pub kms_key_manager: Option<&'a str>,
    /// Metrics watched by alarms with actions on this instance, or (for a
    /// cluster member) on its cluster.
    pub alarm_metrics: Vec<&'a str>,
}

/// The engine without its edition: `postgres`, `mysql`, `mariadb`,
/// `aurora-postgresql`, `aurora-mysql` (also the legacy `aurora`),
/// `oracle`, `sqlserver`, `db2`, or the engine itself. Parameter names and
/// log types are per family, not per edition.
pub fn engine_family(engine: &str) -> &str {
    let engine = engine.strip_prefix("custom-").unwrap_or(engine);
    match engine {
        "aurora" => "aurora-mysql",
        e if e.starts_with("oracle-") => "oracle",
        e if e.starts_with("sqlserver-") => "sqlserver",
        e if e.starts_with("db2-") => "db2",
        e => e,
    }
}

/// `AWS`, `CUSTOMER` or null for the key `id`.
fn key_manager<'a>(joins: &Joins<'a>, id: &Option<String>) -> Option<&'a str> {
    id.as_deref().and_then(|k| joins.key_manager.get(k)).copied()
}

impl Derive for DbInstance {
    type Fields<'a> = DbInstanceFields<'a>;
    const JOINS: &'static [Join] = &[
        ("parameters", &["rds.parameter_group"]),
        ("public_subnet_ids", SUBNETS),
        ("ingress", SECURITY_GROUPS),
        ("kms_key_manager", &["kms.key"]),
        ("alarm_metrics", &["cloudwatch.alarm"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let mut parameters = BTreeMap::new();
        for name in &self.parameter_groups {
            if let Some(group) = joins.parameter_groups.get(&(self.region.as_str(), name.as_str())) {
                parameters.extend(group.parameters.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            }
        }
        let region = self.region.as_str();
        let own = joins.alarm_metrics_by_db.get(&(region, self.id.as_str()));
        let cluster = (self.cluster_id.as_deref()).and_then(|c| joins.alarm_metrics_by_cluster.get(&(region, c)));
        let mut alarm_metrics: Vec<&str> = own.into_iter().chain(cluster).flatten().copied().collect();
        alarm_metrics.sort_unstable();
        alarm_metrics.dedup();
        DbInstanceFields {
            engine_family: engine_family(&self.engine),
            parameters,
            public_subnet_ids: joins.public_subnets(&self.region, &self.subnet_ids),
            ingress: PermissionView::ingress_of(joins, &self.region, &self.security_groups),
            kms_key_manager: key_manager(joins, &self.kms_key_id),
            alarm_metrics,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct DbClusterFields<'a> {
    /// See [`engine_family`].
    pub engine_family: &'a str,
    /// From its cluster parameter group.
    pub parameters: BTreeMap<&'a str, &'a str>,
    /// The parameter group's name as a list, so that the rules read
    /// instances and clusters alike.
    pub parameter_groups: Vec<&'a str>,
    pub ingress: Vec<PermissionView<'a>>,
    pub kms_key_manager: Option<&'a str>,
    /// The member instances found in the snapshot.
    pub members: Vec<&'a str>,
    /// Null: a cluster is never a member of another (the rules that judge
    /// members at cluster level read this on both kinds).
    pub cluster_id: Option<&'a str>,
}

impl Derive for DbCluster {
    type Fields<'a> = DbClusterFields<'a>;
    const JOINS: &'static [Join] = &[
        ("parameters", &["rds.cluster_parameter_group"]),
        ("ingress", SECURITY_GROUPS),
        ("kms_key_manager", &["kms.key"]),
        ("members", &["rds.db_instance"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let region = self.region.as_str();
        let group = joins
            .cluster_parameter_groups
            .get(&(region, self.parameter_group.as_str()));
        DbClusterFields {
            engine_family: engine_family(&self.engine),
            parameters: group.map_or_else(BTreeMap::new, |g| {
                g.parameters.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
            }),
            parameter_groups: Some(self.parameter_group.as_str())
                .filter(|g| !g.is_empty())
                .into_iter()
                .collect(),
            ingress: PermissionView::ingress_of(joins, region, &self.security_groups),
            kms_key_manager: key_manager(joins, &self.kms_key_id),
            members: joins
                .instances_by_cluster
                .get(&(region, self.id.as_str()))
                .map_or_else(Vec::new, |m| m.iter().map(|d| d.id.as_str()).collect()),
            cluster_id: None,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct CacheFields<'a> {
    pub public_subnet_ids: Vec<&'a str>,
    /// Its security groups with an inbound source that is the whole internet.
    pub world_open_security_groups: Vec<&'a str>,
    pub ingress: Vec<PermissionView<'a>>,
}

const CACHE_JOINS: &[Join] = &[
    ("public_subnet_ids", SUBNETS),
    ("world_open_security_groups", SECURITY_GROUPS),
    ("ingress", SECURITY_GROUPS),
];

/// The exposure of a cache in `region` with these subnets and groups.
fn cache_fields<'a>(
    joins: &'a Joins<'a>,
    region: &'a str,
    subnet_ids: &'a [String],
    security_groups: &'a [String],
) -> CacheFields<'a> {
    let world_open = |id: &&String| {
        (joins.security_groups.get(&(region, id.as_str()))).is_some_and(|sg| {
            sg.ingress
                .iter()
                .any(|p| PermissionView::of(p, region, joins).open_to_world)
        })
    };
    CacheFields {
        public_subnet_ids: joins.public_subnets(region, subnet_ids),
        world_open_security_groups: security_groups.iter().filter(world_open).map(String::as_str).collect(),
        ingress: PermissionView::ingress_of(joins, region, security_groups),
    }
}

/// The three kinds of cache share their derived fields.
macro_rules! cache_derive {
    ($($kind:ty),*) => {$(
        impl Derive for $kind {
            type Fields<'a> = CacheFields<'a>;
            const JOINS: &'static [Join] = CACHE_JOINS;
            fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
                cache_fields(joins, &self.region, &self.subnet_ids, &self.security_groups)
            }
        }
    )*};
}
cache_derive!(ReplicationGroup, ServerlessCache, CacheCluster);

/// The account's Block Public Access, as the four settings.
pub fn account_block(p: &AccountPublicAccessBlock) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: p.block_public_acls,
        ignore_public_acls: p.ignore_public_acls,
        block_public_policy: p.block_public_policy,
        restrict_public_buckets: p.restrict_public_buckets,
    }
}

/// The stored fields a bucket's publicity is judged from.
const PUBLICITY: &[&str] = &[
    "policy",
    "public_access_block",
    "acl_public",
    "acl_public_grants",
    "policy_status_public",
    "id",
];

#[derive(Debug, Default, Serialize)]
pub struct BucketFields<'a> {
    /// The bucket policy, normalised.
    pub statements: Vec<Statement>,
    pub cloudfront_origins: &'a [BucketOrigin<'a>],
    pub account_public_access_block: Option<PublicAccessBlock>,
    /// Anyone can read or write it (see `crate::semantics::s3`).
    pub public: bool,
    pub public_read: bool,
    pub public_write: bool,
    /// `Enabled`, `Suspended` or empty (from `s3.bucket_versioning`).
    pub versioning: &'a str,
    pub mfa_delete: bool,
    /// Why anyone can read it, one sentence each.
    pub public_read_reasons: Vec<String>,
    /// Why anyone can write it.
    pub public_write_reasons: Vec<String>,
    /// The policy statements that let clients reach the bucket other than
    /// through this account's distributions serving it (see
    /// `crate::semantics::s3::cloudfront_bypasses`).
    pub cloudfront_bypasses: Vec<String>,
    /// A statement of the policy refuses every request without TLS (see
    /// `crate::semantics::s3::denies_plain_http`).
    pub enforces_tls: bool,
}

impl Derive for Bucket {
    type Fields<'a> = BucketFields<'a>;
    const JOINS: &'static [Join] = &[
        ("cloudfront_origins", &["cloudfront.distribution"]),
        ("cloudfront_bypasses", &["cloudfront.distribution"]),
        ("account_public_access_block", &["s3.account_public_access_block"]),
        ("public", &["s3.account_public_access_block"]),
        ("public_read", &["s3.account_public_access_block"]),
        ("public_write", &["s3.account_public_access_block"]),
        ("public_read_reasons", &["s3.account_public_access_block"]),
        ("versioning", &["s3.bucket_versioning"]),
        ("mfa_delete", &["s3.bucket_versioning"]),
        ("public_write_reasons", &["s3.account_public_access_block"]),
    ];
    const SOURCES: &'static [super::derive::Source] = &[
        ("statements", &["policy"]),
        ("enforces_tls", &["policy", "id", "arn"]),
        ("cloudfront_bypasses", &["policy", "id"]),
        ("cloudfront_origins", &["id"]),
        ("account_public_access_block", &[]),
        ("public", PUBLICITY),
        ("public_read", PUBLICITY),
        ("public_write", PUBLICITY),
        ("public_read_reasons", PUBLICITY),
        ("public_write_reasons", PUBLICITY),
        ("versioning", &["id"]),
        ("mfa_delete", &["id"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let statements = self.policy.as_ref().map(iam_policy::normalise).unwrap_or_default();
        let arn = if self.arn.is_empty() {
            format!("arn:aws:s3:::{}", self.id)
        } else {
            self.arn.clone()
        };
        let origins = joins.origins_by_bucket.get(&self.id).map_or(&[][..], Vec::as_slice);
        let distribution_ids: Vec<&str> = origins.iter().map(|o| o.distribution_id).collect();
        let publicity = bucket_publicity(self, joins.account_pab, &joins.world);
        BucketFields {
            enforces_tls: statements.iter().any(|s| denies_plain_http(s, &arn)),
            cloudfront_bypasses: cloudfront_bypasses(&statements, &distribution_ids, joins.account_id, &joins.world),
            statements,
            cloudfront_origins: origins,
            account_public_access_block: joins.account_pab.map(account_block),
            public: publicity.read || publicity.write,
            public_read: publicity.read,
            public_write: publicity.write,
            versioning: joins.versioning.get(self.id.as_str()).map_or("", |v| v.status.as_str()),
            mfa_delete: joins.versioning.get(self.id.as_str()).is_some_and(|v| v.mfa_delete),
            public_read_reasons: publicity.read_reasons,
            public_write_reasons: publicity.write_reasons,
        }
    }
}

stored_only!(
    ParameterGroup,
    AccountPublicAccessBlock,
    BucketVersioning,
    DbSnapshot,
    FileSystem
);
