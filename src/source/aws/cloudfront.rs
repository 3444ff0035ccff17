//! CloudFront (global): distributions with their origins, behaviours and
//! viewer TLS settings, and response headers policies (custom and managed).

use super::Part;
use crate::snapshot::Gap;
use crate::snapshot::edge::{
    Behavior, CustomOrigin, Distribution, Hsts, Origin, ResponseHeadersPolicy, ViewerCertificate,
};
use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::operation::get_distribution::GetDistributionOutput;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["cloudfront.distribution", "cloudfront.response_headers_policy"];

/// Run once per account.
pub async fn collect_global(global: super::Global) -> Part {
    collect(global.global).await
}

pub async fn collect(config: aws_config::SdkConfig) -> Part {
    let client = Client::new(&config);
    let mut part = Part::default();
    let pages = each_page!(
        part,
        "cloudfront",
        "global",
        "ListDistributions",
        &["cloudfront.distribution"],
        client.list_distributions()
    );
    let ids: Vec<String> = pages
        .iter()
        .filter_map(|p| p.distribution_list())
        .flat_map(|l| l.items())
        .map(|d| d.id().to_string())
        .collect();
    // The full configuration of each: summaries from some endpoints (the
    // emulator) leave fields out, and a missing field must not read as "off".
    for id in ids {
        let Some(out) = call!(
            part,
            "cloudfront",
            "global",
            "GetDistribution",
            &["cloudfront.distribution"],
            resource = &id,
            client.get_distribution().id(&id)
        ) else {
            // Kept with its gap, so that its rules report `error`.
            part.resources.cloudfront_distribution.push(Distribution {
                id,
                region: "global".into(),
                ..Distribution::default()
            });
            continue;
        };
        record(&id, &out, &mut part);
    }
    response_headers_policies(&client, &mut part).await;
    part
}

/// Records the distribution of a `GetDistribution` answer. An answer
/// without the distribution or its configuration keeps the distribution,
/// with a gap naming it, like a failed call: dropping it would hide it.
fn record(id: &str, out: &GetDistributionOutput, part: &mut Part) {
    let parts = out
        .distribution()
        .and_then(|distribution| Some((distribution, distribution.distribution_config()?)));
    match parts {
        Some((distribution, d)) => part
            .resources
            .cloudfront_distribution
            .push(distribution_of(distribution, d)),
        None => {
            part.gaps.push(Gap {
                resource_id: Some(id.to_string()),
                ..super::call::note(
                    "cloudfront",
                    "global",
                    "GetDistribution",
                    "IncompleteAnswer",
                    "the answer holds no distribution configuration".into(),
                    &["cloudfront.distribution"],
                )
            });
            part.resources.cloudfront_distribution.push(Distribution {
                id: id.to_string(),
                region: "global".into(),
                ..Distribution::default()
            });
        }
    }
}

/// The functions of a cache behaviour (default or not: two SDK types with
/// the same accessors) that run on the response.
macro_rules! response_functions {
    ($b:expr) => {{
        let on_response =
            |e: &aws_sdk_cloudfront::types::EventType| matches!(e.as_str(), "viewer-response" | "origin-response");
        let functions = ($b.function_associations().map(|f| f.items()).unwrap_or_default().iter())
            .filter(|f| on_response(f.event_type()))
            .map(|f| f.function_arn().to_string());
        let lambdas = ($b
            .lambda_function_associations()
            .map(|f| f.items())
            .unwrap_or_default()
            .iter())
        .filter(|f| on_response(f.event_type()))
        .map(|f| f.lambda_function_arn().to_string());
        functions.chain(lambdas).collect::<Vec<String>>()
    }};
}

/// A distribution from its full configuration.
fn distribution_of(
    distribution: &aws_sdk_cloudfront::types::Distribution,
    d: &aws_sdk_cloudfront::types::DistributionConfig,
) -> Distribution {
    let certificate = d.viewer_certificate();
    Distribution {
        id: distribution.id().into(),
        arn: distribution.arn().into(),
        region: "global".into(),
        domain_name: distribution.domain_name().into(),
        aliases: d.aliases().map(|a| a.items().to_vec()).unwrap_or_default(),
        enabled: d.enabled(),
        web_acl_id: d.web_acl_id().unwrap_or_default().into(),
        viewer_certificate: ViewerCertificate {
            cloudfront_default_certificate: certificate
                .and_then(|c| c.cloud_front_default_certificate())
                .unwrap_or(false),
            minimum_protocol_version: certificate
                .and_then(|c| c.minimum_protocol_version())
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
            ssl_support_method: certificate
                .and_then(|c| c.ssl_support_method())
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
        },
        origins: d
            .origins()
            .map(|o| o.items())
            .unwrap_or_default()
            .iter()
            .map(|o| Origin {
                id: o.id().into(),
                domain_name: o.domain_name().into(),
                origin_access_control_id: o.origin_access_control_id().unwrap_or_default().into(),
                s3_origin_access_identity: o
                    .s3_origin_config()
                    .map(|s| s.origin_access_identity().to_string())
                    .unwrap_or_default(),
                custom_origin: o.custom_origin_config().map(|c| CustomOrigin {
                    origin_protocol_policy: c.origin_protocol_policy().as_str().into(),
                    origin_ssl_protocols: c
                        .origin_ssl_protocols()
                        .map(|p| p.items().iter().map(|v| v.as_str().to_string()).collect())
                        .unwrap_or_default(),
                }),
            })
            .collect(),
        default_behavior: d
            .default_cache_behavior()
            .map(|b| Behavior {
                path_pattern: "*".into(),
                target_origin_id: b.target_origin_id().into(),
                viewer_protocol_policy: b.viewer_protocol_policy().as_str().into(),
                response_headers_policy_id: b.response_headers_policy_id().unwrap_or_default().into(),
                response_functions: response_functions!(b),
            })
            .unwrap_or_default(),
        behaviors: d
            .cache_behaviors()
            .map(|b| b.items())
            .unwrap_or_default()
            .iter()
            .map(|b| Behavior {
                path_pattern: b.path_pattern().into(),
                target_origin_id: b.target_origin_id().into(),
                viewer_protocol_policy: b.viewer_protocol_policy().as_str().into(),
                response_headers_policy_id: b.response_headers_policy_id().unwrap_or_default().into(),
                response_functions: response_functions!(b),
            })
            .collect(),
    }
}

/// Every response headers policy, following the marker (the operation has
/// no paginator).
async fn response_headers_policies(client: &Client, part: &mut Part) {
    let mut marker: Option<String> = None;
    loop {
        let Some(out) = call!(
            part,
            "cloudfront",
            "global",
            "ListResponseHeadersPolicies",
            &["cloudfront.response_headers_policy"],
            client.list_response_headers_policies().set_marker(marker.clone())
        ) else {
            return;
        };
        let Some(list) = out.response_headers_policy_list() else {
            return;
        };
        for policy in list.items().iter().filter_map(|s| s.response_headers_policy()) {
            let config = policy.response_headers_policy_config();
            let security = config.and_then(|c| c.security_headers_config());
            part.resources
                .cloudfront_response_headers_policy
                .push(ResponseHeadersPolicy {
                    id: policy.id().into(),
                    arn: String::new(),
                    region: "global".into(),
                    name: config.map(|c| c.name().to_string()).unwrap_or_default(),
                    strict_transport_security: security.and_then(|s| s.strict_transport_security()).map(|h| Hsts {
                        max_age: i64::from(h.access_control_max_age_sec()),
                        include_subdomains: h.include_subdomains().unwrap_or(false),
                        preload: h.preload().unwrap_or(false),
                    }),
                    hsts_override: security
                        .and_then(|s| s.strict_transport_security())
                        .map(|h| h.r#override()),
                    content_type_options: security.and_then(|s| s.content_type_options()).is_some(),
                    frame_options: security
                        .and_then(|s| s.frame_options())
                        .map(|f| f.frame_option().as_str().to_string()),
                    content_security_policy: security
                        .and_then(|s| s.content_security_policy())
                        .map(|c| c.content_security_policy().to_string()),
                    referrer_policy: security
                        .and_then(|s| s.referrer_policy())
                        .map(|r| r.referrer_policy().as_str().to_string()),
                });
        }
        marker = list.next_marker().filter(|m| !m.is_empty()).map(String::from);
        if marker.is_none() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_without_a_configuration_keeps_the_distribution_with_a_gap() {
        let mut part = Part::default();
        record("E1", &GetDistributionOutput::builder().build(), &mut part);
        let kept: Vec<&str> = part
            .resources
            .cloudfront_distribution
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(kept, ["E1"]);
        assert_eq!(part.gaps.len(), 1);
        assert_eq!(part.gaps[0].resource_id.as_deref(), Some("E1"));
        assert_eq!(part.gaps[0].code, "IncompleteAnswer");
    }
}
