//! CloudTrail in one region: the trails whose home is this region (each
//! trail is read once, where it lives), with status and event selectors.
//!
//! Shadow trails are included: without them, an organization trail is not
//! returned in a member account ("If you do not include shadow trails,
//! organization trails in a member account and Region replication trails
//! will not be returned", DescribeTrails), and the account would read as
//! having no trail. Status and selectors are read by ARN, which works for
//! a trail of another account; when it does not, the trail keeps a gap.

use super::{Part, present};
use crate::snapshot::monitoring::{AdvancedEventSelector, DataResource, EventSelector, Trail};
use aws_sdk_cloudtrail::Client;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["cloudtrail.trail"];

pub async fn collect(config: &aws_config::SdkConfig, region: &str) -> Part {
    let client = Client::new(config);
    let mut part = Part::default();
    let kinds = &["cloudtrail.trail"];
    let Some(out) = call!(
        part,
        "cloudtrail",
        region,
        "DescribeTrails",
        kinds,
        client.describe_trails().include_shadow_trails(true)
    ) else {
        return part;
    };
    for t in out.trail_list() {
        let (Some(name), Some(arn)) = (t.name(), t.trail_arn()) else {
            continue;
        };
        if t.home_region().is_some_and(|home| home != region) {
            continue;
        }
        let mut trail = Trail {
            id: name.into(),
            arn: arn.into(),
            region: region.into(),
            is_multi_region: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            is_logging: false,
            log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
            kms_key_id: present(t.kms_key_id()),
            s3_bucket: t.s3_bucket_name().unwrap_or_default().into(),
            include_global_service_events: t.include_global_service_events().unwrap_or(false),
            event_selectors: Vec::new(),
            advanced_event_selectors: Vec::new(),
            cloudwatch_logs_log_group_arn: present(t.cloud_watch_logs_log_group_arn()),
        };
        // A trail whose status or selectors failed is kept with its gap, so
        // it reports `error` rather than "not logging".
        if let Some(status) = call!(
            part,
            "cloudtrail",
            region,
            "GetTrailStatus",
            kinds,
            resource = name,
            client.get_trail_status().name(arn)
        ) {
            trail.is_logging = status.is_logging().unwrap_or(false);
        }
        let Some(selectors) = call!(
            part,
            "cloudtrail",
            region,
            "GetEventSelectors",
            kinds,
            resource = name,
            client.get_event_selectors().trail_name(arn)
        ) else {
            part.resources.cloudtrail_trail.push(trail);
            continue;
        };
        selectors_into(&selectors, &mut trail);
        part.resources.cloudtrail_trail.push(trail);
    }
    part
}

/// A trail's basic and advanced event selectors.
fn selectors_into(
    selectors: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
    trail: &mut Trail,
) {
    trail.event_selectors = selectors
        .event_selectors()
        .iter()
        .map(|s| EventSelector {
            read_write_type: s.read_write_type().map_or("All", |r| r.as_str()).into(),
            include_management_events: s.include_management_events().unwrap_or(true),
            exclude_management_event_sources: s.exclude_management_event_sources().to_vec(),
            data_resources: s
                .data_resources()
                .iter()
                .map(|d| DataResource {
                    kind: d.r#type().unwrap_or_default().into(),
                    values: d.values().to_vec(),
                })
                .collect(),
        })
        .collect();
    trail.advanced_event_selectors = selectors
        .advanced_event_selectors()
        .iter()
        .map(|s| AdvancedEventSelector {
            name: s.name().unwrap_or_default().into(),
            equals: by_field(s, |f| f.equals()),
            not_equals: by_field(s, |f| f.not_equals()),
            starts_with: by_field(s, |f| f.starts_with()),
            not_starts_with: by_field(s, |f| f.not_starts_with()),
            ends_with: by_field(s, |f| f.ends_with()),
            not_ends_with: by_field(s, |f| f.not_ends_with()),
        })
        .collect();
}

/// One operator of an advanced selector's field selectors, by field (fields
/// that do not use the operator are left out).
fn by_field(
    selector: &aws_sdk_cloudtrail::types::AdvancedEventSelector,
    operator: impl Fn(&aws_sdk_cloudtrail::types::AdvancedFieldSelector) -> &[String],
) -> std::collections::BTreeMap<String, Vec<String>> {
    selector
        .field_selectors()
        .iter()
        .filter(|f| !operator(f).is_empty())
        .map(|f| (f.field().to_string(), operator(f).to_vec()))
        .collect()
}
