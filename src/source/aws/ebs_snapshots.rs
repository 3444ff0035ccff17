//! The EBS snapshots the account owns in one region, each with its
//! `createVolumePermission` attribute: `all` makes it public (FSBP EC2.1).
//! Snapshots shared *with* the account are not its own and are not listed.

use super::Part;
use crate::snapshot::network::EbsSnapshot;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::SnapshotAttributeName;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["ec2.snapshot"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let snapshots = each_item!(
        part,
        "ec2",
        region,
        "DescribeSnapshots",
        KINDS,
        client.describe_snapshots().owner_ids("self"),
        |s| s
    );
    for s in snapshots {
        let Some(id) = s.snapshot_id() else { continue };
        let mut snapshot = EbsSnapshot {
            id: id.into(),
            arn: String::new(),
            region: region.into(),
            volume_id: s.volume_id().unwrap_or_default().into(),
            encrypted: s.encrypted().unwrap_or_default(),
            create_volume_permissions: Vec::new(),
        };
        // A snapshot whose permissions failed is kept with its gap: `error`.
        if let Some(out) = call!(
            part,
            "ec2",
            region,
            "DescribeSnapshotAttribute",
            KINDS,
            resource = id,
            client
                .describe_snapshot_attribute()
                .snapshot_id(id)
                .attribute(SnapshotAttributeName::CreateVolumePermission)
        ) {
            snapshot.create_volume_permissions = permissions(&out);
        }
        part.resources.ec2_snapshot.push(snapshot);
    }
    part
}

/// `all` for the public group, else the account ids.
fn permissions(
    out: &aws_sdk_ec2::operation::describe_snapshot_attribute::DescribeSnapshotAttributeOutput,
) -> Vec<String> {
    out.create_volume_permissions()
        .iter()
        .filter_map(|p| match p.group() {
            Some(group) => Some(group.as_str().to_string()),
            None => p.user_id().map(String::from),
        })
        .collect()
}
