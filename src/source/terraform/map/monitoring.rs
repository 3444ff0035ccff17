//! Logging and detection: CloudTrail trails (event selectors, basic and
//! advanced), AWS Config recorders and their status, log groups, metric
//! filters, metric alarms, SNS topics and subscriptions, GuardDuty and
//! Security Hub.
//!
//! An email (or HTTP) subscription is pending until someone confirms it,
//! which no plan can know: such a topic's subscribers are unknown, so the
//! alarm rules that need a confirmed subscriber report `error`, not pass.

use super::{Out, push};
use crate::source::terraform::plan::Action;
use crate::source::terraform::view::{View, Want};
use serde_json::{Map, Value, json};

pub fn primary(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_cloudtrail" => trail(v, out),
        "aws_config_configuration_recorder" => out.add(
            "config.recorder",
            v,
            json!({
                "all_supported": v.flag("all_supported", "recording_group.0.all_supported", true),
                "include_global_resource_types": v.flag("include_global_resource_types", "recording_group.0.include_global_resource_types", false),
                // Recording starts with an aws_config_configuration_recorder_status.
                "recording": false,
                "last_status": "",
            }),
        ),
        "aws_cloudwatch_log_group" => {
            let days = v.int("retention_days", "retention_in_days", 0);
            out.add(
                "logs.log_group",
                v,
                json!({
                    "retention_days": if days > 0 { Some(days) } else { None },
                    "kms_key_id": v.link("kms_key_id", "kms_key_id", &["aws_kms_key"], Want::Arn),
                }),
            );
        }
        "aws_cloudwatch_log_metric_filter" => out.add(
            "logs.metric_filter",
            v,
            json!({
                "id": v.label("name"),
                "log_group": v.link("log_group", "log_group_name", &["aws_cloudwatch_log_group"], Want::Id).unwrap_or_default(),
                "pattern": v.s("pattern", "pattern").unwrap_or_default(),
                "metrics": v.blocks("metric_transformation").iter().map(|m| json!({
                    "name": m.get("name").cloned().unwrap_or(json!("")),
                    "namespace": m.get("namespace").cloned().unwrap_or(json!("")),
                })).collect::<Vec<_>>(),
            }),
        ),
        "aws_cloudwatch_metric_alarm" => {
            let dimensions: Map<String, Value> = (v.get("dimensions").and_then(Value::as_object).into_iter().flatten())
                .map(|(k, d)| (k.clone(), json!(d.as_str().unwrap_or_default())))
                .collect();
            out.add(
                "cloudwatch.alarm",
                v,
                json!({
                    "metric_name": v.label("metric_name"),
                    "namespace": v.label("namespace"),
                    "actions_enabled": v.flag("actions_enabled", "actions_enabled", true),
                    "alarm_actions": v.links("alarm_actions", "alarm_actions", &["aws_sns_topic"], Want::Arn),
                    "dimensions": dimensions,
                }),
            );
        }
        "aws_sns_topic" => out.add("sns.topic", v, json!({ "subscriptions": [] })),
        "aws_guardduty_detector" => out.add(
            "guardduty.detector",
            v,
            json!({ "status": if v.flag("status", "enable", true) { "ENABLED" } else { "DISABLED" } }),
        ),
        "aws_securityhub_account" => out.add("securityhub.hub", v, json!({ "subscribed_at": null })),
        _ => return false,
    }
    true
}

pub fn patch(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_config_configuration_recorder_status" => {
            let recorders = v.link_positions("name", &["aws_config_configuration_recorder"]);
            let enabled = v.flag("recording", "is_enabled", false);
            out.patch("config.recorder", v, &recorders, |r| {
                r.insert("recording".into(), json!(enabled));
            });
        }
        "aws_sns_topic_subscription" => {
            let topics = v.link_positions("topic_arn", &["aws_sns_topic"]);
            let protocol = v.label("protocol");
            let pending = match v.get("pending_confirmation").and_then(Value::as_bool) {
                Some(p) if !v.is_unknown("pending_confirmation") && v.instance.action != Action::Create => p,
                // Only these protocols need a person (or endpoint) to confirm.
                _ => {
                    let confirmed_by_hand = matches!(protocol.as_str(), "email" | "email-json" | "http" | "https");
                    if confirmed_by_hand {
                        v.mark("subscriptions");
                    }
                    confirmed_by_hand
                }
            };
            let subscription = json!({
                "protocol": protocol,
                "endpoint": v.label("endpoint"),
                "pending_confirmation": pending,
            });
            out.patch("sns.topic", v, &topics, |t| {
                push(t, "subscriptions", subscription.clone())
            });
        }
        _ => return false,
    }
    true
}

fn trail(v: &View, out: &mut Out) {
    let selectors: Vec<Value> = v
        .blocks("event_selector")
        .iter()
        .map(|s| {
            json!({
                "read_write_type": s.get("read_write_type").cloned().unwrap_or(json!("All")),
                "include_management_events": s.get("include_management_events").and_then(Value::as_bool).unwrap_or(true),
                "exclude_management_event_sources": s.get("exclude_management_event_sources").cloned().unwrap_or(json!([])),
                "data_resources": (s.get("data_resource").and_then(Value::as_array).into_iter().flatten()).map(|d| json!({
                    "type": d.get("type").cloned().unwrap_or(json!("")),
                    "values": d.get("values").cloned().unwrap_or(json!([])),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    if v.is_unknown("event_selector") && v.configured("event_selector") {
        v.mark("event_selectors");
    }
    if v.is_unknown("advanced_event_selector") && v.configured("advanced_event_selector") {
        v.mark("advanced_event_selectors");
    }
    let advanced: Vec<Value> = v
        .blocks("advanced_event_selector")
        .iter()
        .map(|s| {
            let mut operators: Map<String, Value> = Map::new();
            for op in [
                "equals",
                "not_equals",
                "starts_with",
                "not_starts_with",
                "ends_with",
                "not_ends_with",
            ] {
                let mut by_field = Map::new();
                for f in s.get("field_selector").and_then(Value::as_array).into_iter().flatten() {
                    let values = f.get(op).and_then(Value::as_array).cloned().unwrap_or_default();
                    if !values.is_empty() {
                        let field = f.get("field").and_then(Value::as_str).unwrap_or_default();
                        by_field.insert(field.to_string(), Value::Array(values));
                    }
                }
                operators.insert(op.to_string(), Value::Object(by_field));
            }
            operators.insert("name".into(), s.get("name").cloned().unwrap_or(json!("")));
            Value::Object(operators)
        })
        .collect();
    out.add(
        "cloudtrail.trail",
        v,
        json!({
            "is_multi_region": v.flag("is_multi_region", "is_multi_region_trail", false),
            "is_organization_trail": v.flag("is_organization_trail", "is_organization_trail", false),
            "is_logging": v.flag("is_logging", "enable_logging", true),
            "log_file_validation": v.flag("log_file_validation", "enable_log_file_validation", false),
            "kms_key_id": v.link("kms_key_id", "kms_key_id", &["aws_kms_key"], Want::Arn),
            "s3_bucket": v.link("s3_bucket", "s3_bucket_name", &["aws_s3_bucket"], Want::Id).unwrap_or_default(),
            "include_global_service_events": v.flag("include_global_service_events", "include_global_service_events", true),
            "cloudwatch_logs_log_group_arn": v.link("cloudwatch_logs_log_group_arn", "cloud_watch_logs_group_arn", &["aws_cloudwatch_log_group"], Want::Arn),
            "event_selectors": selectors,
            "advanced_event_selectors": advanced,
        }),
    );
}
