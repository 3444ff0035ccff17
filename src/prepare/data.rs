//! Derived fields of the data stores: RDS parameters, subnets, security
//! groups, key manager and alarms; ElastiCache exposure; S3 bucket
//! policies, origins and publicity.

use super::derive::{Derive, SUBNETS, stored_only};
use super::joins::BucketOrigin;
use super::network::PermissionView;
use super::{Join, Joins};
use crate::semantics::iam_policy::{self, Statement};
use crate::semantics::network::world_sources;
use crate::semantics::s3::{bucket_public, denies_plain_http};
use crate::snapshot::data::*;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize)]
pub struct DbInstanceFields<'a> {
    /// Merged from its parameter groups, later groups winning.
    pub parameters: BTreeMap<&'a str, &'a str>,
    pub public_subnet_ids: Vec<&'a str>,
    pub ingress: Vec<PermissionView<'a>>,
    pub kms_key_manager: Option<&'a str>,
    pub alarm_metrics: Vec<&'a str>,
}

impl Derive for DbInstance {
    type Fields<'a> = DbInstanceFields<'a>;
    const JOINS: &'static [Join] = &[
        ("parameters", &["rds.parameter_group"]),
        ("public_subnet_ids", SUBNETS),
        ("ingress", &["ec2.security_group"]),
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
        let metrics = joins.alarm_metrics_by_db.get(&(self.region.as_str(), self.id.as_str()));
        DbInstanceFields {
            parameters,
            public_subnet_ids: joins.public_subnets(&self.region, &self.subnet_ids),
            ingress: PermissionView::ingress_of(joins, &self.region, &self.security_groups),
            kms_key_manager: self
                .kms_key_id
                .as_deref()
                .and_then(|k| joins.key_manager.get(k))
                .copied(),
            alarm_metrics: metrics.map_or_else(Vec::new, |m| m.iter().copied().collect()),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct ReplicationGroupFields<'a> {
    pub public_subnet_ids: Vec<&'a str>,
    /// Its security groups with an inbound source that is the whole internet.
    pub world_open_security_groups: Vec<&'a str>,
}

impl Derive for ReplicationGroup {
    type Fields<'a> = ReplicationGroupFields<'a>;
    const JOINS: &'static [Join] = &[
        ("public_subnet_ids", SUBNETS),
        ("world_open_security_groups", &["ec2.security_group"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let world_open = |id: &&String| {
            joins
                .security_groups
                .get(&(self.region.as_str(), id.as_str()))
                .is_some_and(|sg| {
                    sg.ingress.iter().any(|p| {
                        let cidrs: Vec<&str> = p.cidrs.iter().map(String::as_str).collect();
                        !world_sources(&cidrs, &joins.world).is_empty()
                    })
                })
        };
        ReplicationGroupFields {
            public_subnet_ids: joins.public_subnets(&self.region, &self.subnet_ids),
            world_open_security_groups: self
                .security_groups
                .iter()
                .filter(world_open)
                .map(String::as_str)
                .collect(),
        }
    }
}

/// The account's Block Public Access, as the four settings.
pub fn account_block(p: &AccountPublicAccessBlock) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: p.block_public_acls,
        ignore_public_acls: p.ignore_public_acls,
        block_public_policy: p.block_public_policy,
        restrict_public_buckets: p.restrict_public_buckets,
    }
}

#[derive(Debug, Default, Serialize)]
pub struct BucketFields<'a> {
    /// The bucket policy, normalised.
    pub statements: Vec<Statement>,
    pub cloudfront_origins: &'a [BucketOrigin<'a>],
    pub account_public_access_block: Option<PublicAccessBlock>,
    pub public: bool,
    /// A statement of the policy refuses every request without TLS (see
    /// `crate::semantics::s3::denies_plain_http`).
    pub enforces_tls: bool,
}

impl Derive for Bucket {
    type Fields<'a> = BucketFields<'a>;
    const JOINS: &'static [Join] = &[
        ("cloudfront_origins", &["cloudfront.distribution"]),
        ("account_public_access_block", &["s3.account_public_access_block"]),
        ("public", &["s3.account_public_access_block"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let statements = self.policy.as_ref().map(iam_policy::normalise).unwrap_or_default();
        let arn = if self.arn.is_empty() {
            format!("arn:aws:s3:::{}", self.id)
        } else {
            self.arn.clone()
        };
        BucketFields {
            enforces_tls: statements.iter().any(|s| denies_plain_http(s, &arn)),
            statements,
            cloudfront_origins: joins.origins_by_bucket.get(&self.id).map_or(&[], Vec::as_slice),
            account_public_access_block: joins.account_pab.map(account_block),
            public: bucket_public(self, joins.account_pab),
        }
    }
}

stored_only!(ParameterGroup, AccountPublicAccessBlock);
