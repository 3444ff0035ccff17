//! RDS in one region: DB instances and DB clusters, and the parameter
//! groups they use with the parameters the rules read (only those: a group
//! has hundreds).

use super::{Part, present};
use crate::snapshot::data::{DbCluster, DbInstance, ParameterGroup};
use aws_sdk_rds::Client;
use aws_sdk_rds::operation::describe_db_parameter_groups::DescribeDbParameterGroupsOutput;
use aws_sdk_rds::types::{DbCluster as SdkCluster, DbParameterGroup};
use std::collections::BTreeSet;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &[
    "rds.db_instance",
    "rds.parameter_group",
    "rds.db_cluster",
    "rds.cluster_parameter_group",
];

/// The parameters kept from each group: the TLS-enforcement settings.
const PARAMETERS: &[&str] = &["rds.force_ssl", "require_secure_transport"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let instances = each_item!(
        part,
        "rds",
        region,
        "DescribeDBInstances",
        &["rds.db_instance"],
        client.describe_db_instances(),
        |d| {
            let subnet_group = d.db_subnet_group();
            DbInstance {
                id: d.db_instance_identifier().unwrap_or_default().into(),
                arn: d.db_instance_arn().unwrap_or_default().into(),
                region: region.into(),
                engine: d.engine().unwrap_or_default().into(),
                read_replica_source: present(d.read_replica_source_db_instance_identifier()),
                engine_version: d.engine_version().unwrap_or_default().into(),
                instance_class: d.db_instance_class().unwrap_or_default().into(),
                port: d
                    .endpoint()
                    .and_then(|e| e.port())
                    .or(d.db_instance_port())
                    .map_or(0, i64::from),
                publicly_accessible: d.publicly_accessible().unwrap_or(false),
                storage_encrypted: d.storage_encrypted().unwrap_or(false),
                kms_key_id: super::present(d.kms_key_id()),
                backup_retention_days: d.backup_retention_period().map_or(0, i64::from),
                multi_az: d.multi_az().unwrap_or(false),
                deletion_protection: d.deletion_protection().unwrap_or(false),
                auto_minor_version_upgrade: d.auto_minor_version_upgrade().unwrap_or(false),
                monitoring_interval: d.monitoring_interval().map_or(0, i64::from),
                cloudwatch_logs_exports: d.enabled_cloudwatch_logs_exports().to_vec(),
                vpc_id: subnet_group.and_then(|g| g.vpc_id()).unwrap_or_default().into(),
                subnet_group: subnet_group
                    .and_then(|g| g.db_subnet_group_name())
                    .unwrap_or_default()
                    .into(),
                subnet_ids: subnet_group
                    .map(|g| {
                        g.subnets()
                            .iter()
                            .filter_map(|s| s.subnet_identifier().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                security_groups: d
                    .vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(String::from))
                    .collect(),
                parameter_groups: d
                    .db_parameter_groups()
                    .iter()
                    .filter_map(|g| g.db_parameter_group_name().map(String::from))
                    .collect(),
                cluster_id: present(d.db_cluster_identifier()),
            }
        }
    );
    let used: BTreeSet<String> = instances
        .iter()
        .flat_map(|d| d.parameter_groups.iter().cloned())
        .collect();
    part.resources.rds_db_instance = instances;
    parameter_groups(&client, region, used, &mut part).await;
    let clusters = each_item!(
        part,
        "rds",
        region,
        "DescribeDBClusters",
        &["rds.db_cluster"],
        client.describe_db_clusters(),
        |c| cluster(&c, region)
    );
    let used: BTreeSet<String> = clusters
        .iter()
        .map(|c| c.parameter_group.clone())
        .filter(|g| !g.is_empty())
        .collect();
    part.resources.rds_db_cluster = clusters;
    cluster_parameter_groups(&client, region, used, &mut part).await;
    part
}

/// A DB cluster as the snapshot holds it.
fn cluster(c: &SdkCluster, region: &str) -> DbCluster {
    DbCluster {
        id: c.db_cluster_identifier().unwrap_or_default().into(),
        arn: c.db_cluster_arn().unwrap_or_default().into(),
        region: region.into(),
        engine: c.engine().unwrap_or_default().into(),
        engine_version: c.engine_version().unwrap_or_default().into(),
        engine_mode: c.engine_mode().unwrap_or_default().into(),
        port: c.port().map_or(0, i64::from),
        storage_encrypted: c.storage_encrypted().unwrap_or(false),
        kms_key_id: present(c.kms_key_id()),
        backup_retention_days: c.backup_retention_period().map_or(0, i64::from),
        multi_az: c.multi_az().unwrap_or(false),
        deletion_protection: c.deletion_protection().unwrap_or(false),
        iam_auth: c.iam_database_authentication_enabled().unwrap_or(false),
        cloudwatch_logs_exports: c.enabled_cloudwatch_logs_exports().to_vec(),
        subnet_group: c.db_subnet_group().unwrap_or_default().into(),
        security_groups: c
            .vpc_security_groups()
            .iter()
            .filter_map(|g| g.vpc_security_group_id().map(String::from))
            .collect(),
        parameter_group: c.db_cluster_parameter_group().unwrap_or_default().into(),
        member_ids: c
            .db_cluster_members()
            .iter()
            .filter_map(|m| m.db_instance_identifier().map(String::from))
            .collect(),
    }
}

/// The cluster parameter groups the clusters use, each with the parameters
/// kept. A group asked for by name and not returned is a gap, as for DB
/// parameter groups.
async fn cluster_parameter_groups(client: &Client, region: &str, used: BTreeSet<String>, part: &mut Part) {
    let kinds = &["rds.cluster_parameter_group"];
    for name in used {
        let Some(out) = call!(
            part,
            "rds",
            region,
            "DescribeDBClusterParameterGroups",
            kinds,
            client
                .describe_db_cluster_parameter_groups()
                .db_cluster_parameter_group_name(&name)
        ) else {
            continue;
        };
        let Some(group) = out
            .db_cluster_parameter_groups()
            .iter()
            .find(|g| g.db_cluster_parameter_group_name() == Some(name.as_str()))
        else {
            part.gaps.push(not_returned(
                "DescribeDBClusterParameterGroups",
                kinds[0],
                &name,
                region,
            ));
            continue;
        };
        let pages = each_page!(
            part,
            "rds",
            region,
            "DescribeDBClusterParameters",
            kinds,
            client
                .describe_db_cluster_parameters()
                .db_cluster_parameter_group_name(&name)
        );
        let parameters = kept(pages.iter().flat_map(|p| p.parameters()));
        part.resources.rds_cluster_parameter_group.push(ParameterGroup {
            arn: group.db_cluster_parameter_group_arn().unwrap_or_default().into(),
            region: region.into(),
            family: group.db_parameter_group_family().unwrap_or_default().into(),
            parameters,
            id: name,
        });
    }
}

/// The parameters the rules read, with their values.
fn kept<'a>(
    parameters: impl Iterator<Item = &'a aws_sdk_rds::types::Parameter>,
) -> std::collections::BTreeMap<String, String> {
    parameters
        .filter_map(|p| Some((p.parameter_name()?, p.parameter_value()?)))
        .filter(|(n, _)| PARAMETERS.contains(n))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// The gap for a parameter group asked for by name and not returned: the
/// rules that read its parameters must not take "not set" for an answer.
fn not_returned(operation: &str, kind: &str, name: &str, region: &str) -> crate::snapshot::Gap {
    super::call::note(
        "rds",
        region,
        operation,
        "IncompleteAnswer",
        format!("the parameter group `{name}` was not returned"),
        &[kind],
    )
}

/// The parameter groups the instances use, each with the parameters kept.
async fn parameter_groups(client: &Client, region: &str, used: BTreeSet<String>, part: &mut Part) {
    for name in used {
        let kinds = &["rds.parameter_group"];
        let Some(group) = call!(
            part,
            "rds",
            region,
            "DescribeDBParameterGroups",
            kinds,
            client.describe_db_parameter_groups().db_parameter_group_name(&name)
        ) else {
            continue;
        };
        let Some(group) = named_group(&group, &name, region, part) else {
            continue;
        };
        let pages = each_page!(
            part,
            "rds",
            region,
            "DescribeDBParameters",
            kinds,
            client.describe_db_parameters().db_parameter_group_name(&name)
        );
        let parameters = kept(pages.iter().flat_map(|p| p.parameters()));
        part.resources.rds_parameter_group.push(ParameterGroup {
            id: name.clone(),
            arn: group.db_parameter_group_arn().unwrap_or_default().into(),
            region: region.into(),
            family: group.db_parameter_group_family().unwrap_or_default().into(),
            parameters,
        });
    }
}

/// The group of a `DescribeDBParameterGroups` answer for `name`. Asked by
/// name and not returned is a gap: the rules that read its parameters must
/// not take "not set" for an answer.
fn named_group(
    out: &DescribeDbParameterGroupsOutput,
    name: &str,
    region: &str,
    part: &mut Part,
) -> Option<DbParameterGroup> {
    let group = out
        .db_parameter_groups()
        .iter()
        .find(|g| g.db_parameter_group_name() == Some(name));
    if group.is_none() {
        part.gaps.push(not_returned(
            "DescribeDBParameterGroups",
            "rds.parameter_group",
            name,
            region,
        ));
    }
    group.cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_asked_for_and_not_returned_is_a_gap() {
        let mut part = Part::default();
        let empty = DescribeDbParameterGroupsOutput::builder().build();
        assert!(named_group(&empty, "prod-pg", "eu-west-1", &mut part).is_none());
        assert_eq!(part.gaps.len(), 1);
        assert_eq!(
            (part.gaps[0].code.as_str(), part.gaps[0].kinds.as_slice()),
            ("IncompleteAnswer", &["rds.parameter_group".to_string()][..])
        );

        let mut part = Part::default();
        let answer = DescribeDbParameterGroupsOutput::builder()
            .db_parameter_groups(DbParameterGroup::builder().db_parameter_group_name("prod-pg").build())
            .build();
        assert!(named_group(&answer, "prod-pg", "eu-west-1", &mut part).is_some());
        assert!(part.gaps.is_empty());
    }
}
