//! Manual RDS DB snapshots and DB cluster snapshots in one region, each with
//! its `restore` attribute: `all` makes it public (FSBP RDS.1). Automated
//! snapshots cannot be shared, so only manual ones are read.

use super::Part;
use crate::snapshot::data::DbSnapshot;
use aws_sdk_rds::Client;
use aws_sdk_rds::types::DbSnapshotAttributesResult;

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
        .and_then(|out| out.db_snapshot_attributes_result().map(restore_of));
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
                (r.db_cluster_snapshot_attributes().iter())
                    .filter(|a| a.attribute_name() == Some("restore"))
                    .flat_map(|a| a.attribute_values().iter().cloned())
                    .collect::<Vec<_>>()
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

/// The values of the `restore` attribute: `all`, or account ids.
fn restore_of(result: &DbSnapshotAttributesResult) -> Vec<String> {
    (result.db_snapshot_attributes().iter())
        .filter(|a| a.attribute_name() == Some("restore"))
        .flat_map(|a| a.attribute_values().iter().cloned())
        .collect()
}
