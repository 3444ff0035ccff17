//! CloudWatch Logs in one region: log groups, retention and encryption.

use super::{Part, present};
use crate::snapshot::monitoring::LogGroup;
use aws_sdk_cloudwatchlogs::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["logs.log_group"];

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
    part
}
