//! IAM Access Analyzer in one region: its analyzers, of every type.

use super::Part;
use crate::snapshot::identity::Analyzer;
use aws_sdk_accessanalyzer::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["accessanalyzer.analyzer"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let analyzers = each_item!(
        part,
        "accessanalyzer",
        region,
        "ListAnalyzers",
        KINDS,
        client.list_analyzers(),
        |a| a
    );
    part.resources.accessanalyzer_analyzer = analyzers
        .iter()
        .map(|a| Analyzer {
            id: a.name().into(),
            arn: a.arn().into(),
            region: region.into(),
            r#type: a.r#type().as_str().into(),
            status: a.status().as_str().into(),
        })
        .collect();
    part
}
