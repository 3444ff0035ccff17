//! EFS in one region: file systems and their encryption at rest.

use super::Part;
use crate::snapshot::data::FileSystem;
use aws_sdk_efs::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["efs.file_system"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let systems = each_item!(
        part,
        "efs",
        region,
        "DescribeFileSystems",
        KINDS,
        client.describe_file_systems(),
        |f| f
    );
    part.resources.efs_file_system = systems
        .iter()
        .map(|f| FileSystem {
            id: f.file_system_id().into(),
            arn: f.file_system_arn().unwrap_or_default().into(),
            region: region.into(),
            name: f.name().unwrap_or_default().into(),
            encrypted: f.encrypted().unwrap_or_default(),
            kms_key_id: super::present(f.kms_key_id()),
        })
        .collect();
    part
}
