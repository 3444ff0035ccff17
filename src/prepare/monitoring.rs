//! Derived fields of the monitoring kinds: whether a trail records
//! management events and whether its bucket is public, the alarms that
//! notify a topic, whether an attestation is valid.

use super::derive::{Derive, stored_only};
use super::{Join, Joins};
use crate::semantics::s3::bucket_public;
use crate::snapshot::monitoring::*;
use serde::Serialize;

/// A trail's bucket, when it is in the account.
#[derive(Debug, Default, Serialize)]
pub struct TrailBucket<'a> {
    pub id: &'a str,
    pub public: bool,
    /// The bucket its server access logs go to; null when off.
    pub logging_target: Option<&'a str>,
}

#[derive(Debug, Default, Serialize)]
pub struct TrailFields<'a> {
    /// It records every management event, read and write.
    pub management_events: bool,
    pub bucket: Option<TrailBucket<'a>>,
    /// The versioning, MFA delete and Object Lock of its bucket, when the
    /// bucket is in the account.
    pub bucket_versioning: Option<&'a crate::snapshot::data::BucketVersioning>,
    /// The metric filters on the log group the trail delivers to.
    pub metric_filters: Vec<FilterView<'a>>,
    /// Object-level (data) events of every S3 bucket it records.
    pub s3_data_events: S3DataEvents,
}

/// Which S3 object-level events a trail records for every bucket.
#[derive(Debug, Default, Serialize)]
pub struct S3DataEvents {
    pub read: bool,
    pub write: bool,
}

/// The S3 object events a trail records for every bucket: a basic selector
/// with `AWS::S3::Object` on `arn:<partition>:s3` (or `…:s3:::`), by its
/// read/write type; an advanced selector of `eventCategory` Data and
/// `resources.type` `AWS::S3::Object`, restricted by nothing but `readOnly`.
fn s3_data_events(t: &Trail) -> S3DataEvents {
    let mut out = S3DataEvents::default();
    let every_bucket = |v: &String| {
        let rest = v.trim_end_matches(":::").trim_end_matches("::");
        rest.starts_with("arn:") && rest.ends_with(":s3") && rest.matches(':').count() == 2
    };
    for s in &t.event_selectors {
        if s.data_resources
            .iter()
            .any(|d| d.kind == "AWS::S3::Object" && d.values.iter().any(every_bucket))
        {
            out.read |= s.read_write_type != "WriteOnly";
            out.write |= s.read_write_type != "ReadOnly";
        }
    }
    for s in &t.advanced_event_selectors {
        let is = |field: &str, value: &str| s.equals.get(field).is_some_and(|v| v.len() == 1 && v[0] == value);
        let restricted = s
            .equals
            .keys()
            .chain(s.not_equals.keys())
            .chain(s.starts_with.keys())
            .chain(s.not_starts_with.keys())
            .chain(s.ends_with.keys())
            .chain(s.not_ends_with.keys())
            .any(|f| !matches!(f.as_str(), "eventCategory" | "resources.type" | "readOnly"));
        if is("eventCategory", "Data") && is("resources.type", "AWS::S3::Object") && !restricted {
            let read_only = s.equals.get("readOnly").and_then(|v| v.first()).map(String::as_str);
            out.read |= read_only != Some("false");
            out.write |= read_only != Some("true");
        }
    }
    out
}

/// A metric filter on a trail's log group, with the alarms on its metrics.
#[derive(Debug, Serialize)]
pub struct FilterView<'a> {
    pub name: &'a str,
    pub log_group: &'a str,
    pub pattern: &'a str,
    pub alarms: Vec<FilterAlarm<'a>>,
}

/// An alarm on a metric filter's metric.
#[derive(Debug, Serialize)]
pub struct FilterAlarm<'a> {
    pub name: &'a str,
    /// Its actions are enabled and notify an SNS topic with a confirmed
    /// subscription: someone is told.
    pub confirmed: bool,
}

/// The metric filters on the log group at `arn`
/// (`arn:…:logs:region:account:log-group:NAME[:*]`).
fn trail_filters<'a>(arn: &str, joins: &'a Joins<'a>) -> Vec<FilterView<'a>> {
    let parts: Vec<&str> = arn.split(':').collect();
    let (Some(region), Some(group)) = (parts.get(3), parts.get(6)) else {
        return Vec::new();
    };
    let filters = joins
        .filters_by_group
        .get(&(*region, *group))
        .map_or(&[][..], Vec::as_slice);
    filters
        .iter()
        .map(|f| FilterView {
            name: &f.id,
            log_group: &f.log_group,
            pattern: &f.pattern,
            alarms: f
                .metrics
                .iter()
                .flat_map(|m| {
                    let key = (f.region.as_str(), m.namespace.as_str(), m.name.as_str());
                    joins.alarms_by_metric.get(&key).map_or(&[][..], Vec::as_slice)
                })
                .map(|a| FilterAlarm {
                    name: &a.id,
                    confirmed: a.actions_enabled
                        && a.alarm_actions
                            .iter()
                            .any(|t| joins.confirmed_topics.contains(t.as_str())),
                })
                .collect(),
        })
        .collect()
}

impl Derive for Trail {
    type Fields<'a> = TrailFields<'a>;
    const JOINS: &'static [Join] = &[
        ("bucket", &["s3.bucket", "s3.account_public_access_block"]),
        ("bucket_versioning", &["s3.bucket", "s3.bucket_versioning"]),
        (
            "metric_filters",
            &["logs.metric_filter", "cloudwatch.alarm", "sns.topic"],
        ),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        TrailFields {
            s3_data_events: s3_data_events(self),
            metric_filters: self
                .cloudwatch_logs_log_group_arn
                .as_deref()
                .map_or_else(Vec::new, |arn| trail_filters(arn, joins)),
            management_events: records_management_events(self),
            bucket_versioning: joins.versioning.get(self.s3_bucket.as_str()).copied(),
            bucket: joins.buckets.get(self.s3_bucket.as_str()).map(|b| TrailBucket {
                id: &b.id,
                public: bucket_public(b, joins.account_pab, &joins.world),
                logging_target: b.logging_target.as_deref(),
            }),
        }
    }
}

/// Whether a trail records every management event, read and write
/// (basic or advanced selectors), as CIS 3.1 and FSBP CloudTrail.1 require.
/// A basic selector must record management events of `All` types with no
/// excluded source; an advanced one must select `eventCategory` Management
/// and restrict nothing else (no `readOnly`, no `eventSource` exclusions).
fn records_management_events(t: &Trail) -> bool {
    if !t.advanced_event_selectors.is_empty() {
        return t.advanced_event_selectors.iter().any(all_management_events);
    }
    // A trail with no selectors at all records management events (the default).
    t.event_selectors.is_empty()
        || t.event_selectors.iter().any(|s| {
            s.include_management_events
                && (s.read_write_type.is_empty() || s.read_write_type == "All")
                && s.exclude_management_event_sources.is_empty()
        })
}

/// Whether an advanced selector selects every management event.
fn all_management_events(s: &AdvancedEventSelector) -> bool {
    let management = s
        .equals
        .get("eventCategory")
        .is_some_and(|v| v.iter().any(|c| c == "Management"));
    let restricted_elsewhere = s.equals.keys().any(|field| field != "eventCategory")
        || [
            &s.not_equals,
            &s.starts_with,
            &s.not_starts_with,
            &s.ends_with,
            &s.not_ends_with,
        ]
        .iter()
        .any(|operator| !operator.is_empty());
    management && !restricted_elsewhere
}

#[derive(Debug, Default, Serialize)]
pub struct TopicFields<'a> {
    /// The alarms that notify this topic.
    pub used_by_alarms: Vec<&'a str>,
}

impl Derive for Topic {
    type Fields<'a> = TopicFields<'a>;
    const JOINS: &'static [Join] = &[("used_by_alarms", &["cloudwatch.alarm"])];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        TopicFields {
            used_by_alarms: joins
                .alarms_by_action
                .get(self.arn.as_str())
                .cloned()
                .unwrap_or_default(),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct AttestationFields {
    /// Attested, and not expired on the evaluation day (the expiry day counts).
    pub valid: bool,
}

impl Derive for Attestation {
    type Fields<'a> = AttestationFields;
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        AttestationFields {
            valid: self.attested_at.is_some() && self.expires_at.is_some_and(|e| e.date_naive() >= joins.today),
        }
    }
}

stored_only!(Recorder, LogGroup, MetricFilter, Alarm, Detector, Hub);
