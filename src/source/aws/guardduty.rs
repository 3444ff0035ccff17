//! GuardDuty in one region: detectors and whether they are enabled.

use super::Part;
use crate::snapshot::monitoring::Detector;
use aws_sdk_guardduty::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["guardduty.detector"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let kinds = &["guardduty.detector"];
    let ids = each_item!(
        part,
        "guardduty",
        region,
        "ListDetectors",
        kinds,
        client.list_detectors(),
        |d| d
    );
    for id in ids {
        let out = call!(
            part,
            "guardduty",
            region,
            "GetDetector",
            kinds,
            resource = &id,
            client.get_detector().detector_id(&id)
        );
        part.resources.guardduty_detector.push(Detector {
            arn: String::new(),
            region: region.into(),
            status: out
                .and_then(|o| o.status().map(|s| s.as_str().to_string()))
                .unwrap_or_default(),
            id,
        });
    }
    part
}
