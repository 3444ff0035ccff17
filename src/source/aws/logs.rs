//! CloudWatch Logs in one region: log groups, retention and encryption; the
//! metric filters that turn log events (CloudTrail's) into metrics.

use super::{Part, present};
use crate::snapshot::monitoring::{LogGroup, MetricFilter, MetricRef};
use aws_sdk_cloudwatchlogs::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["logs.log_group", "logs.metric_filter"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    part.resources.logs_log_group = each_item!(
        part,
        "logs",
        region,
        "DescribeLogGroups",
        &["logs.log_group"],
        client.describe_log_groups(),
        |g| LogGroup {
            id: g.log_group_name().unwrap_or_default().into(),
            // The ARN without the trailing `:*` AWS appends.
            arn: g.arn().unwrap_or_default().trim_end_matches(":*").into(),
            region: region.into(),
            retention_days: g.retention_in_days().map(i64::from),
            kms_key_id: present(g.kms_key_id()),
        }
    );
    part.resources.logs_metric_filter = each_item!(
        part,
        "logs",
        region,
        "DescribeMetricFilters",
        &["logs.metric_filter"],
        client.describe_metric_filters(),
        |f| MetricFilter {
            id: f.filter_name().unwrap_or_default().into(),
            arn: String::new(),
            region: region.into(),
            log_group: f.log_group_name().unwrap_or_default().into(),
            pattern: f.filter_pattern().unwrap_or_default().into(),
            metrics: f
                .metric_transformations()
                .iter()
                .map(|m| MetricRef {
                    namespace: m.metric_namespace().into(),
                    name: m.metric_name().into(),
                })
                .collect(),
        }
    );
    part
}
