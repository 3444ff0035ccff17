//! ElastiCache in one region: replication groups, with the subnets and
//! security groups of their member clusters.

use super::Part;
use crate::snapshot::data::ReplicationGroup;
use aws_sdk_elasticache::Client;
use std::collections::HashMap;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["elasticache.replication_group"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let kinds = &["elasticache.replication_group"];
    let groups = each_item!(
        part,
        "elasticache",
        region,
        "DescribeReplicationGroups",
        kinds,
        client.describe_replication_groups(),
        |g| g
    );
    if groups.is_empty() {
        return part;
    }
    // Subnet and security groups belong to the member clusters.
    let clusters = each_item!(
        part,
        "elasticache",
        region,
        "DescribeCacheClusters",
        kinds,
        client.describe_cache_clusters(),
        |c| c
    );
    let subnet_groups: HashMap<String, Vec<String>> = each_item!(
        part,
        "elasticache",
        region,
        "DescribeCacheSubnetGroups",
        kinds,
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
    .collect();
    for g in groups {
        let id = g.replication_group_id().unwrap_or_default().to_string();
        let members: Vec<_> = clusters
            .iter()
            .filter(|c| c.replication_group_id() == Some(id.as_str()))
            .collect();
        let subnet_group = members
            .iter()
            .find_map(|c| c.cache_subnet_group_name())
            .unwrap_or_default()
            .to_string();
        let mut security_groups: Vec<String> = members
            .iter()
            .flat_map(|c| c.security_groups())
            .filter_map(|s| s.security_group_id().map(String::from))
            .collect();
        security_groups.sort();
        security_groups.dedup();
        part.resources.elasticache_replication_group.push(ReplicationGroup {
            arn: g.arn().unwrap_or_default().into(),
            region: region.into(),
            engine: g.engine().unwrap_or("redis").into(),
            at_rest_encryption: g.at_rest_encryption_enabled().unwrap_or(false),
            transit_encryption: g.transit_encryption_enabled().unwrap_or(false),
            auth_token_enabled: g.auth_token_enabled().unwrap_or(false),
            snapshot_retention_limit: g.snapshot_retention_limit().map_or(0, i64::from),
            automatic_failover: g.automatic_failover().is_some_and(|f| f.as_str() == "enabled"),
            subnet_ids: subnet_groups.get(&subnet_group).cloned().unwrap_or_default(),
            subnet_group,
            security_groups,
            id,
        });
    }
    part
}
