//! ECR in one region: repositories and the registry scanning configuration.

use super::Part;
use crate::snapshot::compute::{RegistryScanning, Repository, ScanningRule};
use aws_sdk_ecr::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["ecr.repository", "ecr.registry_scanning"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    part.resources.ecr_repository = each_item!(
        part,
        "ecr",
        region,
        "DescribeRepositories",
        &["ecr.repository"],
        client.describe_repositories(),
        |r| Repository {
            id: r.repository_name().unwrap_or_default().into(),
            arn: r.repository_arn().unwrap_or_default().into(),
            region: region.into(),
            scan_on_push: r.image_scanning_configuration().is_some_and(|s| s.scan_on_push()),
            tag_mutability: r
                .image_tag_mutability()
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
            encryption_type: r
                .encryption_configuration()
                .map(|e| e.encryption_type().as_str().to_string())
                .unwrap_or_else(|| "AES256".into()),
        }
    );
    if let Some(out) = call!(
        part,
        "ecr",
        region,
        "GetRegistryScanningConfiguration",
        &["ecr.registry_scanning"],
        client.get_registry_scanning_configuration()
    ) {
        let configuration = out.scanning_configuration();
        part.resources.ecr_registry_scanning.push(RegistryScanning {
            id: region.into(),
            arn: String::new(),
            region: region.into(),
            scan_type: configuration
                .and_then(|c| c.scan_type())
                .map(|t| t.as_str().to_string())
                .unwrap_or_else(|| "BASIC".into()),
            rule_frequencies: configuration
                .map(|c| {
                    c.rules()
                        .iter()
                        .map(|r| r.scan_frequency().as_str().to_string())
                        .collect()
                })
                .unwrap_or_default(),
            rules: configuration
                .map(|c| {
                    c.rules()
                        .iter()
                        .map(|r| ScanningRule {
                            frequency: r.scan_frequency().as_str().to_string(),
                            filters: r.repository_filters().iter().map(|f| f.filter().to_string()).collect(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    part
}
