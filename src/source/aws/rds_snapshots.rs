//! Manual RDS DB snapshots and DB cluster snapshots in one region, each with
//! its `restore` attribute: `all` makes it public (FSBP RDS.1). Automated
//! snapshots cannot be shared, so only manual ones are read.

use super::Part;
use crate::snapshot::data::DbSnapshot;
use aws_sdk_rds::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["rds.db_snapshot"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let instance_snapshots = each_item!(
        part,
        "rds",
        region,
        "DescribeDBSnapshots",
        KINDS,
        client.describe_db_snapshots().snapshot_type("manual"),
        |s| s
    );
    for s in instance_snapshots {
        let Some(id) = s.db_snapshot_identifier() else { continue };
        let restore = call!(
            part,
            "rds",
            region,
            "DescribeDBSnapshotAttributes",
            KINDS,
            resource = id,
            client.describe_db_snapshot_attributes().db_snapshot_identifier(id)
        )
        .and_then(|out| {
            out.db_snapshot_attributes_result().map(|r| {
                restore_of((r.db_snapshot_attributes().iter()).map(|a| (a.attribute_name(), a.attribute_values())))
            })
        });
        part.resources.rds_db_snapshot.push(DbSnapshot {
            id: id.into(),
            arn: s.db_snapshot_arn().unwrap_or_default().into(),
            region: region.into(),
            cluster: false,
            source: s.db_instance_identifier().unwrap_or_default().into(),
            snapshot_type: s.snapshot_type().unwrap_or_default().into(),
            encrypted: s.encrypted().unwrap_or_default(),
            restore: restore.unwrap_or_default(),
        });
    }
    let cluster_snapshots = each_item!(
        part,
        "rds",
        region,
        "DescribeDBClusterSnapshots",
        KINDS,
        client.describe_db_cluster_snapshots().snapshot_type("manual"),
        |s| s
    );
    for s in cluster_snapshots {
        let Some(id) = s.db_cluster_snapshot_identifier() else {
            continue;
        };
        let restore = call!(
            part,
            "rds",
            region,
            "DescribeDBClusterSnapshotAttributes",
            KINDS,
            resource = id,
            client
                .describe_db_cluster_snapshot_attributes()
                .db_cluster_snapshot_identifier(id)
        )
        .and_then(|out| {
            out.db_cluster_snapshot_attributes_result().map(|r| {
                restore_of(
                    (r.db_cluster_snapshot_attributes().iter()).map(|a| (a.attribute_name(), a.attribute_values())),
                )
            })
        });
        part.resources.rds_db_snapshot.push(DbSnapshot {
            id: id.into(),
            arn: s.db_cluster_snapshot_arn().unwrap_or_default().into(),
            region: region.into(),
            cluster: true,
            source: s.db_cluster_identifier().unwrap_or_default().into(),
            snapshot_type: s.snapshot_type().unwrap_or_default().into(),
            encrypted: s.storage_encrypted().unwrap_or_default(),
            restore: restore.unwrap_or_default(),
        });
    }
    part
}

/// The values of the `restore` attribute among `(name, values)` pairs:
/// `all`, or account ids (instance and cluster snapshots answer alike).
fn restore_of<'a>(attributes: impl Iterator<Item = (Option<&'a str>, &'a [String])>) -> Vec<String> {
    attributes
        .filter(|(name, _)| *name == Some("restore"))
        .flat_map(|(_, values)| values.iter().cloned())
        .collect()
}
