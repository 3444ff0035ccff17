//! Logging, monitoring and detection: CloudTrail, AWS Config, CloudWatch Logs
//! and alarms, SNS topics, GuardDuty, Security Hub, and manual attestations.

use super::impl_resource;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A CloudTrail trail. Derived: `management_events` (whether any selector
/// records management events), `bucket` (`{id, public}` for a bucket of this
/// account, or null).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Trail {
    /// Trail name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The trail's home region.
    pub region: String,
    /// Whether the trail records every region.
    pub is_multi_region: bool,
    /// Whether it is an AWS Organizations trail.
    pub is_organization_trail: bool,
    /// From `GetTrailStatus`.
    pub is_logging: bool,
    /// Whether digest files allow validating the logs.
    pub log_file_validation: bool,
    /// The KMS key (id, ARN or alias); null when not encrypted with KMS.
    pub kms_key_id: Option<String>,
    /// The bucket logs are delivered to.
    pub s3_bucket: String,
    /// Whether events of global services (IAM, STS) are included.
    pub include_global_service_events: bool,
    /// Basic event selectors; empty with advanced selectors.
    pub event_selectors: Vec<EventSelector>,
    /// Advanced event selectors.
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
    /// The CloudWatch Logs log group the trail also delivers to (its ARN,
    /// `arn:…:logs:region:account:log-group:NAME:*`); null when none.
    pub cloudwatch_logs_log_group_arn: Option<String>,
}
impl_resource!(Trail);

/// A basic event selector.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EventSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    /// Whether management events are recorded.
    pub include_management_events: bool,
    /// Event sources whose management events are not recorded, e.g.
    /// `kms.amazonaws.com`.
    pub exclude_management_event_sources: Vec<String>,
    /// The data events recorded: `{type, values}`, e.g. `AWS::S3::Object`
    /// with `arn:aws:s3` (every bucket) or bucket ARNs.
    pub data_resources: Vec<DataResource>,
}

/// The data events of a basic event selector.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DataResource {
    /// `AWS::S3::Object`, `AWS::Lambda::Function`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// ARN prefixes: `arn:aws:s3` for every bucket, `arn:aws:s3:::b/` for one.
    pub values: Vec<String>,
}

impl Default for EventSelector {
    fn default() -> Self {
        EventSelector {
            read_write_type: "All".into(),
            include_management_events: true,
            exclude_management_event_sources: Vec::new(),
            data_resources: Vec::new(),
        }
    }
}

/// An advanced event selector.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AdvancedEventSelector {
    /// The selector name.
    pub name: String,
    /// Field name to the values it must equal, e.g. `eventCategory = ["Management"]`.
    pub equals: BTreeMap<String, Vec<String>>,
    /// Field name to the values it must not equal, e.g.
    /// `eventSource = ["kms.amazonaws.com"]`.
    pub not_equals: BTreeMap<String, Vec<String>>,
    /// Field name to the prefixes it must start with.
    pub starts_with: BTreeMap<String, Vec<String>>,
    /// Field name to the prefixes it must not start with.
    pub not_starts_with: BTreeMap<String, Vec<String>>,
    /// Field name to the suffixes it must end with.
    pub ends_with: BTreeMap<String, Vec<String>>,
    /// Field name to the suffixes it must not end with.
    pub not_ends_with: BTreeMap<String, Vec<String>>,
}

/// An AWS Config configuration recorder.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Recorder {
    /// Recorder name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// From the recorder status.
    pub recording: bool,
    /// Whether every supported resource type is recorded.
    pub all_supported: bool,
    /// Whether global resources (IAM) are recorded.
    pub include_global_resource_types: bool,
    /// `SUCCESS`, `FAILURE`, `PENDING`.
    pub last_status: String,
}
impl_resource!(Recorder);

/// A CloudWatch Logs metric filter: a pattern over a log group's events
/// that counts matches into a metric.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MetricFilter {
    /// The filter name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The log group it reads.
    pub log_group: String,
    /// The filter pattern, e.g. `{ ($.eventName = ConsoleLogin) && ... }`.
    pub pattern: String,
    /// The metrics it writes.
    pub metrics: Vec<MetricRef>,
}
impl_resource!(MetricFilter);

/// A CloudWatch metric by namespace and name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MetricRef {
    /// e.g. `CISBenchmark`.
    pub namespace: String,
    /// e.g. `UnauthorizedAPICalls`.
    pub name: String,
}

/// A CloudWatch Logs log group.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LogGroup {
    /// Log group name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Retention in days; null means never expire.
    pub retention_days: Option<i64>,
    /// The KMS key (id, ARN or alias); null when not encrypted with KMS.
    pub kms_key_id: Option<String>,
}
impl_resource!(LogGroup);

/// A CloudWatch metric alarm.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Alarm {
    /// Alarm name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The metric namespace, e.g. `AWS/RDS`.
    pub namespace: String,
    /// The metric, e.g. `CPUUtilization`.
    pub metric_name: String,
    /// The metric dimensions, e.g. `DBInstanceIdentifier = orders`.
    pub dimensions: BTreeMap<String, String>,
    /// Whether the alarm's actions run.
    pub actions_enabled: bool,
    /// ARNs notified on ALARM (SNS topics, auto scaling, ...).
    pub alarm_actions: Vec<String>,
}
impl_resource!(Alarm);

/// An SNS topic. Derived: `used_by_alarms` (names of alarms that notify it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Topic {
    /// Topic name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The topic's subscriptions.
    pub subscriptions: Vec<Subscription>,
}
impl_resource!(Topic);

/// A topic subscription.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Subscription {
    /// `email`, `sms`, `https`, `lambda`, `sqs`, ...
    pub protocol: String,
    /// The endpoint (an email address, URL or ARN).
    pub endpoint: String,
    /// Whether the subscription still awaits confirmation.
    pub pending_confirmation: bool,
}

/// A GuardDuty detector.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Detector {
    /// Detector id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
}
impl_resource!(Detector);

/// Security Hub in a region where it is enabled.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Hub {
    /// The hub ARN.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// When Security Hub was enabled.
    pub subscribed_at: Option<DateTime<Utc>>,
}
impl_resource!(Hub);

/// A manual checklist item attested by a person. Derived: `valid` (attested,
/// and not expired on the evaluation day: `--now`, else today).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Attestation {
    /// The checklist item, e.g. `backup-restore-tested`.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// Always `global`.
    pub region: String,
    /// Who attests.
    pub by: String,
    /// When the item was attested.
    pub attested_at: Option<DateTime<Utc>>,
    /// When the attestation stops counting.
    pub expires_at: Option<DateTime<Utc>>,
    /// A link to the evidence (a ticket, a runbook, a restore log).
    pub evidence: String,
}
impl_resource!(Attestation);
