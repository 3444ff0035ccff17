//! Security Hub in one region: the hub, when Security Hub is enabled. "Not
//! enabled" is an answer (no hub), not a gap.

use super::Part;
use crate::snapshot::monitoring::Hub;
use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::error::ProvideErrorMetadata;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["securityhub.hub"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    part.calls += 1;
    match client.describe_hub().send().await {
        Ok(out) => part.resources.securityhub_hub.push(Hub {
            id: out.hub_arn().unwrap_or_default().into(),
            arn: out.hub_arn().unwrap_or_default().into(),
            region: region.into(),
            subscribed_at: out
                .subscribed_at()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc)),
        }),
        // AWS answers InvalidAccessException ("not subscribed") when the
        // account has not enabled Security Hub in the region.
        Err(e)
            if e.code() == Some("InvalidAccessException")
                && !e.message().is_some_and(|m| m.contains("not authorized")) => {}
        Err(e) => part.gaps.push(super::gap(
            "securityhub",
            region,
            "DescribeHub",
            &["securityhub.hub"],
            &e,
        )),
    }
    part
}
