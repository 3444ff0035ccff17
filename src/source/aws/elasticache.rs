//! ElastiCache in one region: replication groups (with the subnets and
//! security groups of their member clusters), cache clusters that belong to
//! no replication group (Memcached, single-node Redis), and serverless
//! caches.

use super::{Part, present};
use crate::snapshot::data::{CacheCluster, ReplicationGroup, ServerlessCache};
use aws_sdk_elasticache::Client;
use aws_sdk_elasticache::types::{
    CacheCluster as SdkCluster, ReplicationGroup as SdkGroup, ServerlessCache as SdkServerless,
};
use std::collections::HashMap;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &[
    "elasticache.replication_group",
    "elasticache.cache_cluster",
    "elasticache.serverless_cache",
];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let groups = each_item!(
        part,
        "elasticache",
        region,
        "DescribeReplicationGroups",
        &["elasticache.replication_group"],
        client.describe_replication_groups(),
        |g| g
    );
    // Subnet and security groups of a replication group belong to its
    // member clusters, so a failure here leaves both kinds unknown.
    let clusters = each_item!(
        part,
        "elasticache",
        region,
        "DescribeCacheClusters",
        &["elasticache.replication_group", "elasticache.cache_cluster"],
        client.describe_cache_clusters(),
        |c| c
    );
    if !groups.is_empty() || !clusters.is_empty() {
        let subnet_groups = subnet_groups(&client, region, &mut part).await;
        part.resources.elasticache_replication_group = groups
            .iter()
            .map(|g| replication_group(g, &clusters, &subnet_groups, region))
            .collect();
        part.resources.elasticache_cache_cluster = clusters
            .iter()
            .filter(|c| c.replication_group_id().is_none_or(str::is_empty))
            .map(|c| cache_cluster(c, &subnet_groups, region))
            .collect();
    }
    part.resources.elasticache_serverless_cache = each_item!(
        part,
        "elasticache",
        region,
        "DescribeServerlessCaches",
        &["elasticache.serverless_cache"],
        client.describe_serverless_caches(),
        |c| serverless_cache(&c, region)
    );
    part
}

/// Subnet ids by cache subnet group name.
async fn subnet_groups(client: &Client, region: &str, part: &mut Part) -> HashMap<String, Vec<String>> {
    each_item!(
        part,
        "elasticache",
        region,
        "DescribeCacheSubnetGroups",
        &["elasticache.replication_group", "elasticache.cache_cluster"],
        client.describe_cache_subnet_groups(),
        |g| (
            g.cache_subnet_group_name().unwrap_or_default().to_string(),
            g.subnets()
                .iter()
                .filter_map(|s| s.subnet_identifier().map(String::from))
                .collect()
        )
    )
    .into_iter()
    .collect()
}

fn security_group_ids<'a>(clusters: impl Iterator<Item = &'a SdkCluster>) -> Vec<String> {
    let mut ids: Vec<String> = clusters
        .flat_map(|c| c.security_groups())
        .filter_map(|s| s.security_group_id().map(String::from))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn replication_group(
    g: &SdkGroup,
    clusters: &[SdkCluster],
    subnet_groups: &HashMap<String, Vec<String>>,
    region: &str,
) -> ReplicationGroup {
    let id = g.replication_group_id().unwrap_or_default().to_string();
    let members: Vec<&SdkCluster> = clusters
        .iter()
        .filter(|c| c.replication_group_id() == Some(id.as_str()))
        .collect();
    let subnet_group = members
        .iter()
        .find_map(|c| c.cache_subnet_group_name())
        .unwrap_or_default()
        .to_string();
    ReplicationGroup {
        arn: g.arn().unwrap_or_default().into(),
        region: region.into(),
        engine: g.engine().unwrap_or("redis").into(),
        at_rest_encryption: g.at_rest_encryption_enabled().unwrap_or(false),
        transit_encryption: g.transit_encryption_enabled().unwrap_or(false),
        transit_encryption_mode: g
            .transit_encryption_mode()
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
        auth_token_enabled: g.auth_token_enabled().unwrap_or(false),
        snapshot_retention_limit: g.snapshot_retention_limit().map_or(0, i64::from),
        automatic_failover: g.automatic_failover().is_some_and(|f| f.as_str() == "enabled"),
        subnet_ids: subnet_groups.get(&subnet_group).cloned().unwrap_or_default(),
        subnet_group,
        security_groups: security_group_ids(members.into_iter()),
        id,
    }
}

fn cache_cluster(c: &SdkCluster, subnet_groups: &HashMap<String, Vec<String>>, region: &str) -> CacheCluster {
    let subnet_group = c.cache_subnet_group_name().unwrap_or_default().to_string();
    CacheCluster {
        id: c.cache_cluster_id().unwrap_or_default().into(),
        arn: c.arn().unwrap_or_default().into(),
        region: region.into(),
        engine: c.engine().unwrap_or_default().into(),
        engine_version: c.engine_version().unwrap_or_default().into(),
        at_rest_encryption: c.at_rest_encryption_enabled().unwrap_or(false),
        transit_encryption: c.transit_encryption_enabled().unwrap_or(false),
        transit_encryption_mode: c
            .transit_encryption_mode()
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
        auth_token_enabled: c.auth_token_enabled().unwrap_or(false),
        snapshot_retention_limit: c.snapshot_retention_limit().map_or(0, i64::from),
        subnet_ids: subnet_groups.get(&subnet_group).cloned().unwrap_or_default(),
        subnet_group,
        security_groups: security_group_ids(std::iter::once(c)),
    }
}

/// A serverless cache: always encrypted at rest and in transit, as the
/// ElastiCache Serverless documentation states, so those are set here.
fn serverless_cache(c: &SdkServerless, region: &str) -> ServerlessCache {
    ServerlessCache {
        id: c.serverless_cache_name().unwrap_or_default().into(),
        arn: c.arn().unwrap_or_default().into(),
        region: region.into(),
        engine: c.engine().unwrap_or_default().into(),
        status: c.status().unwrap_or_default().into(),
        at_rest_encryption: true,
        transit_encryption: true,
        transit_encryption_mode: "required".into(),
        kms_key_id: present(c.kms_key_id()),
        snapshot_retention_limit: c.snapshot_retention_limit().map_or(0, i64::from),
        subnet_ids: c.subnet_ids().to_vec(),
        security_groups: c.security_group_ids().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticache::types::{SecurityGroupMembership, TransitEncryptionMode};

    /// The mapping of answers moto cannot give (serverless caches) or gives
    /// without the transit mode, built as the SDK would decode them.
    #[test]
    fn answers_map_to_the_model() {
        let answer = SdkServerless::builder()
            .serverless_cache_name("sessions")
            .engine("valkey")
            .status("available")
            .security_group_ids("sg-cache")
            .subnet_ids("subnet-a")
            .snapshot_retention_limit(0)
            .build();
        let cache = serverless_cache(&answer, "us-east-1");
        assert_eq!(
            (
                cache.id.as_str(),
                cache.engine.as_str(),
                cache.transit_encryption_mode.as_str()
            ),
            ("sessions", "valkey", "required")
        );
        assert_eq!(
            (cache.security_groups, cache.subnet_ids),
            (vec!["sg-cache".into()], vec!["subnet-a".into()])
        );
        assert!(cache.kms_key_id.is_none());

        let member = SdkCluster::builder()
            .cache_cluster_id("cache-001")
            .replication_group_id("cache")
            .cache_subnet_group_name("private")
            .security_groups(SecurityGroupMembership::builder().security_group_id("sg-b").build())
            .security_groups(SecurityGroupMembership::builder().security_group_id("sg-a").build())
            .build();
        let group = SdkGroup::builder()
            .replication_group_id("cache")
            .transit_encryption_enabled(true)
            .transit_encryption_mode(TransitEncryptionMode::Preferred)
            .build();
        let subnets = HashMap::from([("private".to_string(), vec!["subnet-p".to_string()])]);
        let group = replication_group(&group, &[member], &subnets, "us-east-1");
        assert_eq!(group.transit_encryption_mode, "preferred");
        assert_eq!(group.security_groups, vec!["sg-a".to_string(), "sg-b".to_string()]);
        assert_eq!(group.subnet_ids, vec!["subnet-p".to_string()]);
    }
}
