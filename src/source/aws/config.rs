//! AWS Config in one region: configuration recorders and their status.

use super::Part;
use crate::snapshot::monitoring::Recorder;
use aws_sdk_config::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["config.recorder"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let kinds = &["config.recorder"];
    let Some(recorders) = call!(
        part,
        "config",
        region,
        "DescribeConfigurationRecorders",
        kinds,
        client.describe_configuration_recorders()
    ) else {
        return part;
    };
    if recorders.configuration_recorders().is_empty() {
        return part;
    }
    let Some(statuses) = call!(
        part,
        "config",
        region,
        "DescribeConfigurationRecorderStatus",
        kinds,
        client.describe_configuration_recorder_status()
    ) else {
        return part;
    };
    for r in recorders.configuration_recorders() {
        let name = r.name().unwrap_or_default();
        let status = statuses
            .configuration_recorders_status()
            .iter()
            .find(|s| s.name() == Some(name));
        let group = r.recording_group();
        part.resources.config_recorder.push(Recorder {
            id: name.into(),
            arn: r.arn().unwrap_or_default().into(),
            region: region.into(),
            recording: status.is_some_and(|s| s.recording()),
            all_supported: group.is_some_and(|g| g.all_supported()),
            include_global_resource_types: group.is_some_and(|g| g.include_global_resource_types()),
            last_status: status
                .and_then(|s| s.last_status())
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        });
    }
    part
}
