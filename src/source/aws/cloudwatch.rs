//! CloudWatch in one region: metric alarms, their dimensions and actions.

use super::Part;
use crate::snapshot::monitoring::Alarm;
use aws_sdk_cloudwatch::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["cloudwatch.alarm"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let pages = each_page!(
        part,
        "cloudwatch",
        region,
        "DescribeAlarms",
        &["cloudwatch.alarm"],
        client.describe_alarms()
    );
    part.resources.cloudwatch_alarm = pages
        .iter()
        .flat_map(|p| p.metric_alarms())
        .map(|a| Alarm {
            id: a.alarm_name().unwrap_or_default().into(),
            arn: a.alarm_arn().unwrap_or_default().into(),
            region: region.into(),
            namespace: a.namespace().unwrap_or_default().into(),
            metric_name: a.metric_name().unwrap_or_default().into(),
            dimensions: a
                .dimensions()
                .iter()
                .filter_map(|d| Some((d.name()?.to_string(), d.value()?.to_string())))
                .collect(),
            actions_enabled: a.actions_enabled().unwrap_or(false),
            alarm_actions: a.alarm_actions().to_vec(),
        })
        .collect();
    part
}
