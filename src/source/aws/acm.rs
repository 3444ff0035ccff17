//! ACM in one region: every certificate (all key types: `ListCertificates`
//! returns only RSA-2048 ones unless asked) with its expiry and the
//! resources that use it.

use super::{Part, time};
use crate::snapshot::edge::Certificate;
use aws_sdk_acm::Client;
use aws_sdk_acm::types::{Filters, KeyAlgorithm};

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["acm.certificate"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let every_key_type = Filters::builder()
        .set_key_types(Some(
            KeyAlgorithm::values().iter().map(|v| KeyAlgorithm::from(*v)).collect(),
        ))
        .build();
    let summaries = each_item!(
        part,
        "acm",
        region,
        "ListCertificates",
        KINDS,
        client.list_certificates().includes(every_key_type),
        |c| c
    );
    for summary in summaries {
        let Some(arn) = summary.certificate_arn() else { continue };
        let id = super::last_part(arn).to_string();
        let out = call!(
            part,
            "acm",
            region,
            "DescribeCertificate",
            KINDS,
            resource = &id,
            client.describe_certificate().certificate_arn(arn)
        );
        // A certificate whose details failed is kept, from the summary,
        // with its gap: `error` on it.
        let mut certificate = Certificate {
            id,
            arn: arn.into(),
            region: region.into(),
            domain_name: summary.domain_name().unwrap_or_default().into(),
            status: summary.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            r#type: summary.r#type().map(|t| t.as_str().to_string()).unwrap_or_default(),
            not_after: time(summary.not_after()),
            in_use_by: Vec::new(),
            renewal_eligibility: String::new(),
        };
        if let Some(c) = out.as_ref().and_then(|o| o.certificate()) {
            certificate.status = c.status().map(|s| s.as_str().to_string()).unwrap_or_default();
            certificate.r#type = c.r#type().map(|t| t.as_str().to_string()).unwrap_or_default();
            certificate.not_after = time(c.not_after());
            certificate.in_use_by = c.in_use_by().to_vec();
            certificate.renewal_eligibility = c
                .renewal_eligibility()
                .map(|r| r.as_str().to_string())
                .unwrap_or_default();
        }
        part.resources.acm_certificate.push(certificate);
    }
    part
}
