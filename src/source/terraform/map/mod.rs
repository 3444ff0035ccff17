//! From planned resource instances to snapshot resources: one mapper per
//! Terraform resource type, grouped by area like the snapshot model.
//!
//! Mapping runs in two passes. Primary resources (a bucket, a security
//! group, a role) become snapshot resources first; then the resources that
//! only change another one (`aws_s3_bucket_policy`, `aws_security_group_rule`,
//! `aws_iam_role_policy_attachment`, ...) are applied to the resource they
//! link to, found through their value when known and through the
//! configuration's references when not. A child whose parent the plan does
//! not manage is left out (it cannot be judged without its parent) and
//! reported as a note.

mod compute;
mod data;
mod edge;
mod identity;
mod monitoring;
mod network;

use super::view::{Context, View};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// A snapshot resource being built.
pub struct Entry {
    pub kind: &'static str,
    pub value: Map<String, Value>,
    /// The plan instance it comes from.
    pub position: usize,
    /// Model fields known only after apply.
    pub unknown: BTreeSet<String>,
    /// Model fields of an existing resource set outside the plan.
    pub outside: BTreeSet<String>,
}

/// The mapped resources, and notes about what could not be mapped.
#[derive(Default)]
pub struct Out {
    pub entries: Vec<Entry>,
    pub notes: Vec<String>,
    /// Entries by the plan instance they come from.
    by_position: std::collections::HashMap<usize, Vec<usize>>,
}

impl Out {
    /// Adds a resource of `kind` for the instance `v`: `id`, `arn` and
    /// `region` come from its handle unless `value` sets them.
    pub fn add(&mut self, kind: &'static str, v: &View, value: Value) {
        let mut map = match value {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        map.entry("id").or_insert_with(|| Value::String(v.id()));
        map.entry("arn").or_insert_with(|| Value::String(v.arn()));
        map.entry("region").or_insert_with(|| Value::String(v.region()));
        self.push_entry(Entry {
            kind,
            value: map,
            position: v.position,
            unknown: v.take_unknown(),
            outside: v.take_outside(),
        });
    }

    /// Adds a built entry.
    pub fn push_entry(&mut self, entry: Entry) {
        self.by_position
            .entry(entry.position)
            .or_default()
            .push(self.entries.len());
        self.entries.push(entry);
    }

    /// Applies `change` to every resource of `kind` built from one of the
    /// instances at `targets`; the child's unknown fields become the
    /// parent's. Returns whether any was found; notes the child if not.
    pub fn patch(&mut self, kind: &str, v: &View, targets: &[usize], mut change: impl FnMut(&mut Map<String, Value>)) {
        let unknown = v.take_unknown();
        let outside = v.take_outside();
        let mut found = false;
        let indices: Vec<usize> = (targets.iter())
            .flat_map(|t| self.by_position.get(t).into_iter().flatten().copied())
            .collect();
        for i in indices {
            let e = &mut self.entries[i];
            if e.kind != kind {
                continue;
            }
            // A field the parent could not know and the child now sets (an
            // existing bucket's public access block) is known.
            let before: Vec<(String, Option<Value>)> = (e.unknown.iter().chain(&e.outside))
                .map(|k| (k.clone(), e.value.get(k).cloned()))
                .collect();
            change(&mut e.value);
            for (key, old) in before {
                if e.value.get(&key) != old.as_ref() {
                    e.unknown.remove(&key);
                    e.outside.remove(&key);
                }
            }
            e.unknown.extend(unknown.iter().cloned());
            e.outside.extend(outside.iter().cloned());
            found = true;
        }
        if !found {
            self.notes.push(format!(
                "{}: the {kind} it changes is not managed by this plan; not judged",
                v.address()
            ));
        }
    }

    /// The entries of `kind`.
    pub fn of_kind<'o>(&'o self, kind: &'o str) -> impl Iterator<Item = &'o Entry> + 'o {
        self.entries.iter().filter(move |e| e.kind == kind)
    }
}

/// Appends `item` to the list at `key` of `map`.
pub fn push(map: &mut Map<String, Value>, key: &str, item: Value) {
    match map.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(items) => items.push(item),
        other => *other = Value::Array(vec![item]),
    }
}

/// The Terraform resource types this source reads, each with the snapshot
/// kinds a plan holding it covers. A kind is judged only when the plan
/// manages a type that covers it; account- and region-wide settings the
/// plan does not manage are not evaluated at all.
pub const TYPES: &[(&str, &[&str])] = &[
    ("aws_security_group", &["ec2.security_group"]),
    ("aws_ec2_managed_prefix_list", &["ec2.prefix_list"]),
    ("aws_default_security_group", &["ec2.security_group"]),
    ("aws_security_group_rule", &["ec2.security_group"]),
    ("aws_vpc_security_group_ingress_rule", &["ec2.security_group"]),
    ("aws_vpc_security_group_egress_rule", &["ec2.security_group"]),
    ("aws_vpc", &["ec2.vpc", "ec2.flow_log"]),
    ("aws_default_vpc", &["ec2.vpc", "ec2.flow_log"]),
    ("aws_subnet", &["ec2.subnet"]),
    ("aws_route_table", &["ec2.route_table"]),
    ("aws_default_route_table", &["ec2.route_table"]),
    ("aws_route", &["ec2.route_table"]),
    ("aws_route_table_association", &["ec2.route_table"]),
    ("aws_main_route_table_association", &["ec2.route_table"]),
    ("aws_internet_gateway", &[]),
    ("aws_nat_gateway", &[]),
    ("aws_flow_log", &["ec2.flow_log"]),
    ("aws_eip", &["ec2.address"]),
    ("aws_eip_association", &["ec2.address"]),
    ("aws_ebs_encryption_by_default", &["ec2.ebs_encryption"]),
    ("aws_ebs_default_kms_key", &["ec2.ebs_encryption"]),
    ("aws_network_acl", &["ec2.network_acl"]),
    ("aws_default_network_acl", &["ec2.network_acl"]),
    ("aws_network_acl_rule", &["ec2.network_acl"]),
    ("aws_instance", &["ec2.instance"]),
    ("aws_launch_template", &["ec2.launch_template"]),
    ("aws_ec2_instance_metadata_defaults", &[]),
    ("aws_db_instance", &["rds.db_instance"]),
    ("aws_rds_cluster_instance", &["rds.db_instance"]),
    ("aws_rds_cluster", &["rds.db_cluster"]),
    ("aws_db_parameter_group", &["rds.parameter_group"]),
    ("aws_rds_cluster_parameter_group", &["rds.cluster_parameter_group"]),
    ("aws_db_subnet_group", &[]),
    ("aws_elasticache_replication_group", &["elasticache.replication_group"]),
    ("aws_elasticache_serverless_cache", &["elasticache.serverless_cache"]),
    ("aws_elasticache_cluster", &["elasticache.cache_cluster"]),
    ("aws_s3_bucket", &["s3.bucket", "s3.bucket_versioning"]),
    ("aws_s3_bucket_public_access_block", &["s3.bucket"]),
    ("aws_s3_bucket_policy", &["s3.bucket"]),
    ("aws_s3_bucket_server_side_encryption_configuration", &["s3.bucket"]),
    ("aws_s3_bucket_acl", &["s3.bucket"]),
    ("aws_s3_bucket_ownership_controls", &["s3.bucket"]),
    ("aws_s3_bucket_versioning", &["s3.bucket", "s3.bucket_versioning"]),
    ("aws_s3_bucket_object_lock_configuration", &["s3.bucket_versioning"]),
    ("aws_s3_bucket_logging", &["s3.bucket"]),
    ("aws_s3_bucket_website_configuration", &["s3.bucket"]),
    (
        "aws_s3_account_public_access_block",
        &["s3.account_public_access_block"],
    ),
    ("aws_efs_file_system", &["efs.file_system"]),
    ("aws_cloudfront_distribution", &["cloudfront.distribution"]),
    ("aws_cloudfront_origin_access_control", &[]),
    ("aws_cloudfront_origin_access_identity", &[]),
    (
        "aws_cloudfront_response_headers_policy",
        &["cloudfront.response_headers_policy"],
    ),
    ("aws_lb", &["elbv2.load_balancer"]),
    ("aws_alb", &["elbv2.load_balancer"]),
    ("aws_lb_listener", &["elbv2.listener"]),
    ("aws_alb_listener", &["elbv2.listener"]),
    ("aws_lb_listener_rule", &["elbv2.listener"]),
    ("aws_alb_listener_rule", &["elbv2.listener"]),
    ("aws_wafv2_web_acl", &["wafv2.web_acl"]),
    ("aws_wafv2_web_acl_association", &["elbv2.load_balancer"]),
    ("aws_ecs_task_definition", &["ecs.task_definition"]),
    ("aws_ecs_service", &["ecs.service"]),
    ("aws_lambda_function", &["lambda.function"]),
    ("aws_elastic_beanstalk_environment", &["elasticbeanstalk.environment"]),
    ("aws_ecr_repository", &["ecr.repository"]),
    ("aws_ecr_registry_scanning_configuration", &["ecr.registry_scanning"]),
    ("aws_secretsmanager_secret", &["secretsmanager.secret"]),
    ("aws_secretsmanager_secret_rotation", &["secretsmanager.secret"]),
    ("aws_kms_key", &["kms.key"]),
    ("aws_kms_alias", &["kms.key"]),
    ("aws_iam_user", &["iam.user"]),
    ("aws_iam_user_login_profile", &["iam.user"]),
    ("aws_iam_user_policy_attachment", &["iam.user"]),
    ("aws_iam_user_group_membership", &["iam.user"]),
    ("aws_iam_group_membership", &["iam.user"]),
    ("aws_iam_group", &[]),
    ("aws_iam_group_policy_attachment", &["iam.user"]),
    ("aws_iam_access_key", &["iam.access_key"]),
    ("aws_iam_role", &["iam.role"]),
    ("aws_iam_role_policy_attachment", &["iam.role"]),
    ("aws_iam_policy", &["iam.policy"]),
    ("aws_iam_role_policy", &["iam.policy"]),
    ("aws_iam_user_policy", &["iam.policy"]),
    ("aws_iam_group_policy", &["iam.policy"]),
    ("aws_iam_policy_attachment", &["iam.policy", "iam.role", "iam.user"]),
    ("aws_iam_account_password_policy", &["iam.password_policy"]),
    ("aws_accessanalyzer_analyzer", &["accessanalyzer.analyzer"]),
    ("aws_cloudtrail", &["cloudtrail.trail"]),
    ("aws_config_configuration_recorder", &["config.recorder"]),
    ("aws_config_configuration_recorder_status", &["config.recorder"]),
    ("aws_cloudwatch_log_group", &["logs.log_group"]),
    ("aws_cloudwatch_log_metric_filter", &["logs.metric_filter"]),
    ("aws_cloudwatch_metric_alarm", &["cloudwatch.alarm"]),
    ("aws_sns_topic", &["sns.topic"]),
    ("aws_sns_topic_subscription", &["sns.topic"]),
    ("aws_guardduty_detector", &["guardduty.detector"]),
    ("aws_securityhub_account", &["securityhub.hub"]),
];

/// The kinds whose resources, when a plan manages any, are taken to be all
/// of the account's: account- and region-wide settings and the CloudTrail
/// monitoring stack (trails, metric filters, alarms, topics), judged by
/// the rules about the account. Every other kind a plan covers is held in
/// part: a plan's roles are not all the account's roles.
pub const ACCOUNT_WIDE: &[&str] = &[
    "cloudtrail.trail",
    "config.recorder",
    "guardduty.detector",
    "securityhub.hub",
    "iam.password_policy",
    "ec2.ebs_encryption",
    "s3.account_public_access_block",
    "accessanalyzer.analyzer",
    "ecr.registry_scanning",
    "logs.metric_filter",
    "cloudwatch.alarm",
    "sns.topic",
];

/// The kinds a plan holding a type takes to be empty unless it manages
/// them: the account-level S3 Block Public Access (a bucket is judged on
/// its own settings), prefix lists (one named by a rule and not in the
/// plan makes that rule unknown), customer managed policies (one attached
/// and not in the plan makes the attachment unknown).
pub const ASSUMED: &[(&str, &[&str])] = &[
    ("aws_security_group", &["ec2.prefix_list"]),
    ("aws_default_security_group", &["ec2.prefix_list"]),
    ("aws_security_group_rule", &["ec2.prefix_list"]),
    ("aws_vpc_security_group_ingress_rule", &["ec2.prefix_list"]),
    ("aws_vpc_security_group_egress_rule", &["ec2.prefix_list"]),
    ("aws_s3_bucket", &["s3.account_public_access_block"]),
    ("aws_iam_role", &["iam.policy"]),
    ("aws_iam_user", &["iam.policy"]),
];

/// The kinds the types present in a plan take to be empty.
pub fn assumed_kinds<'a>(types: impl Iterator<Item = &'a str>) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for t in types {
        if let Some((_, kinds)) = ASSUMED.iter().find(|(name, _)| *name == t) {
            out.extend(kinds.iter().copied());
        }
    }
    out
}

/// Whether this source reads a resource type.
pub fn supports(rtype: &str) -> bool {
    TYPES.iter().any(|(t, _)| *t == rtype)
}

/// The kinds the types present in a plan cover.
pub fn covered_kinds<'a>(types: impl Iterator<Item = &'a str>) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for t in types {
        if let Some((_, kinds)) = TYPES.iter().find(|(name, _)| *name == t) {
            out.extend(kinds.iter().copied());
        }
    }
    out
}

/// Maps every supported instance of the plan.
pub fn map(cx: &Context) -> Out {
    let mut out = Out::default();
    let count = cx.plan.instances.len();
    for position in 0..count {
        let v = cx.view(position);
        let handled = network::primary(&v, &mut out)
            || data::primary(&v, &mut out)
            || edge::primary(&v, &mut out)
            || compute::primary(&v, &mut out)
            || identity::primary(&v, &mut out)
            || monitoring::primary(&v, &mut out);
        if !handled && !supports(&v.instance.rtype) && v.instance.rtype.starts_with("aws_") {
            out.notes
                .push(format!("{}: resource type not read by posture-audit", v.address()));
        }
    }
    // Children after every parent exists; the attachments of IAM after
    // group memberships, so a user gets its groups' policies.
    for pass in 0..2 {
        for position in 0..count {
            let v = cx.view(position);
            if pass == 0 {
                let _ = network::patch(&v, &mut out)
                    || data::patch(&v, &mut out)
                    || edge::patch(&v, &mut out)
                    || identity::patch(&v, &mut out)
                    || monitoring::patch(&v, &mut out);
            } else {
                identity::late_patch(&v, &mut out);
            }
        }
    }
    data::finish(&mut out);
    identity::finish(&mut out);
    out
}
