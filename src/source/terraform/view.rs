//! Reading one planned resource instance: its values by attribute path,
//! whether a value is known only after apply, whether the configuration
//! sets it at all (an unset optional attribute takes the AWS default), and
//! the links to other instances through values or references.
//!
//! Every mapper records the model fields whose value it could not know; the
//! source turns them into a gap naming the resource and those fields, so
//! that exactly the rules reading them report `error`.

use super::plan::{Instance, Plan, references_of};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeSet;

/// The id and ARN an instance has in the snapshot: the real ones when the
/// plan knows them, else stand-ins built from its address, the same for the
/// instance and for everything that references it.
#[derive(Debug, Clone)]
pub struct Handle {
    pub id: String,
    pub arn: String,
}

/// Which handle a link wants.
#[derive(Debug, Clone, Copy)]
pub enum Want {
    Id,
    Arn,
}

/// Everything the mappers share: the plan, the handles, the account and the
/// region to assume when neither the resource nor its provider names one.
pub struct Context<'p> {
    pub plan: &'p Plan,
    pub handles: Vec<Handle>,
    pub account_id: String,
    pub partition: String,
    pub default_region: String,
}

/// A value at a dotted path (`metadata_options.0.http_tokens`).
pub fn at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = value;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        current = match current {
            Value::Object(map) => map.get(part)?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Whether anything at or under `path` of an `after_unknown` tree is
/// unknown.
fn any_unknown(tree: &Value, path: &str) -> bool {
    let mut current = tree;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        if current == &Value::Bool(true) {
            return true;
        }
        current = match current {
            Value::Object(map) => match map.get(part) {
                Some(v) => v,
                None => return false,
            },
            Value::Array(items) => match part.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    contains_true(current)
}

fn contains_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(contains_true),
        Value::Object(map) => map.values().any(contains_true),
        _ => false,
    }
}

/// The AWS id prefix of the types whose ids rules recognise by it (a route
/// to `igw-…` makes a subnet public), for stand-in ids.
fn id_prefix(rtype: &str) -> &'static str {
    match rtype {
        "aws_security_group" | "aws_default_security_group" => "sg-",
        "aws_vpc" | "aws_default_vpc" => "vpc-",
        "aws_subnet" | "aws_default_subnet" => "subnet-",
        "aws_internet_gateway" => "igw-",
        "aws_egress_only_internet_gateway" => "eigw-",
        "aws_nat_gateway" => "nat-",
        "aws_route_table" | "aws_default_route_table" => "rtb-",
        "aws_instance" => "i-",
        "aws_eip" => "eipalloc-",
        "aws_launch_template" => "lt-",
        "aws_network_acl" | "aws_default_network_acl" => "acl-",
        "aws_vpc_peering_connection" => "pcx-",
        "aws_ec2_transit_gateway" => "tgw-",
        "aws_network_interface" => "eni-",
        "aws_vpc_endpoint" => "vpce-",
        "aws_flow_log" => "fl-",
        _ => "",
    }
}

/// The attributes holding the id the snapshot uses for a type (the first
/// known one wins): a bucket by its name, a DB instance by its identifier.
fn id_attributes(rtype: &str) -> &'static [&'static str] {
    match rtype {
        "aws_s3_bucket" => &["bucket"],
        "aws_db_instance" | "aws_rds_cluster_instance" => &["identifier"],
        "aws_rds_cluster" => &["cluster_identifier"],
        "aws_db_parameter_group" | "aws_rds_cluster_parameter_group" | "aws_db_subnet_group" => &["name"],
        "aws_elasticache_replication_group" => &["replication_group_id"],
        "aws_elasticache_cluster" => &["cluster_id"],
        "aws_elasticache_serverless_cache" => &["name"],
        "aws_lambda_function" => &["function_name"],
        "aws_lb" | "aws_alb" => &["name"],
        "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_instance_profile" => &["name"],
        "aws_iam_policy" => &["arn"],
        "aws_kms_key" => &["key_id"],
        "aws_secretsmanager_secret" => &["name"],
        "aws_cloudtrail" => &["name"],
        "aws_cloudwatch_log_group" => &["name"],
        "aws_cloudwatch_metric_alarm" => &["alarm_name"],
        "aws_ecr_repository" => &["name"],
        "aws_wafv2_web_acl" => &["id"],
        "aws_elastic_beanstalk_environment" => &["name"],
        "aws_ecs_service" => &["name"],
        "aws_config_configuration_recorder" => &["name"],
        _ => &["id"],
    }
}

impl<'p> Context<'p> {
    pub fn new(plan: &'p Plan, account_id: String, partition: String, default_region: String) -> Context<'p> {
        let handles = plan
            .instances
            .iter()
            .map(|i| {
                let known = |key: &str| {
                    i.values
                        .get(key)
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty() && !any_unknown(&i.unknown, key))
                        .map(str::to_string)
                };
                let derived = derived_arn(&i.rtype, &known, &partition, &account_id);
                let id = id_attributes(&i.rtype)
                    .iter()
                    .find_map(|k| known(k))
                    .or_else(|| (i.rtype == "aws_iam_policy").then(|| derived.clone()).flatten())
                    .unwrap_or_else(|| format!("{}({})", id_prefix(&i.rtype), i.address));
                let arn = known("arn").or(derived).unwrap_or_else(|| {
                    let service = i.rtype.trim_start_matches("aws_").split('_').next().unwrap_or("aws");
                    format!(
                        "arn:{partition}:{service}:{}:{account_id}:({})",
                        region_of(plan, i, &default_region),
                        i.address
                    )
                });
                Handle { id, arn }
            })
            .collect();
        Context {
            plan,
            handles,
            account_id,
            partition,
            default_region,
        }
    }

    pub fn view(&'p self, position: usize) -> View<'p> {
        let instance = self.plan.instance(position);
        View {
            cx: self,
            position,
            instance,
            expressions: self.plan.config(instance).map(|c| &c.expressions),
            unknown_fields: RefCell::new(BTreeSet::new()),
            outside_fields: RefCell::new(BTreeSet::new()),
        }
    }
}

/// The ARN AWS will give a resource, when it follows from known values (a
/// bucket's from its name, an IAM entity's from its path and name): the
/// rules compare ARNs in policies with it.
fn derived_arn(rtype: &str, known: &dyn Fn(&str) -> Option<String>, partition: &str, account: &str) -> Option<String> {
    let path = || known("path").unwrap_or_else(|| "/".into());
    match rtype {
        "aws_s3_bucket" => known("bucket").map(|b| format!("arn:{partition}:s3:::{b}")),
        "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_policy" => {
            let what = rtype.trim_start_matches("aws_iam_");
            known("name").map(|n| format!("arn:{partition}:iam::{account}:{what}{}{n}", path()))
        }
        _ => None,
    }
}

/// The region of an instance: its own `region` argument (AWS provider 6),
/// else its provider configuration's, else the default.
fn region_of(plan: &Plan, instance: &Instance, default: &str) -> String {
    if let Some(region) = instance.values.get("region").and_then(Value::as_str)
        && !region.is_empty()
    {
        return region.to_string();
    }
    plan.config(instance)
        .and_then(|c| plan.provider_regions.get(&c.provider_key))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

/// One instance being mapped.
pub struct View<'p> {
    pub cx: &'p Context<'p>,
    pub position: usize,
    pub instance: &'p Instance,
    expressions: Option<&'p Value>,
    unknown_fields: RefCell<BTreeSet<String>>,
    outside_fields: RefCell<BTreeSet<String>>,
}

impl<'p> View<'p> {
    pub fn handle(&self) -> &'p Handle {
        &self.cx.handles[self.position]
    }

    pub fn id(&self) -> String {
        self.handle().id.clone()
    }

    pub fn arn(&self) -> String {
        self.handle().arn.clone()
    }

    pub fn region(&self) -> String {
        region_of(self.cx.plan, self.instance, &self.cx.default_region)
    }

    pub fn address(&self) -> &str {
        &self.instance.address
    }

    /// The model fields left unknown so far.
    pub fn take_unknown(&self) -> BTreeSet<String> {
        std::mem::take(&mut self.unknown_fields.borrow_mut())
    }

    /// Records that model field `field` is known only after apply.
    pub fn mark(&self, field: &str) {
        self.unknown_fields.borrow_mut().insert(field.to_string());
    }

    /// Records that model field `field` of an existing resource is set
    /// outside this plan (it cannot be known from the plan at all).
    pub fn mark_outside(&self, field: &str) {
        self.outside_fields.borrow_mut().insert(field.to_string());
    }

    /// The model fields set outside the plan, so far.
    pub fn take_outside(&self) -> BTreeSet<String> {
        std::mem::take(&mut self.outside_fields.borrow_mut())
    }

    pub fn get(&self, path: &str) -> Option<&'p Value> {
        at(&self.instance.values, path).filter(|v| !v.is_null())
    }

    pub fn is_unknown(&self, path: &str) -> bool {
        any_unknown(&self.instance.unknown, path)
    }

    /// Whether the configuration sets `path` (an expression is there). An
    /// unknown value that the configuration does not set is a provider
    /// default computed by AWS; one that it sets comes from something
    /// known only after apply.
    ///
    /// Inside nested blocks (a path with an index) the configuration's
    /// blocks need not line up with the planned ones (sets are reordered,
    /// `dynamic` blocks are not in it): there an unknown value always counts
    /// as configured, so it is never taken for a default.
    pub fn configured(&self, path: &str) -> bool {
        let Some(expressions) = self.expressions else {
            return false;
        };
        let top = path.split('.').next().unwrap_or_default();
        if at(expressions, top).is_none_or(|v| v.is_null()) {
            return false;
        }
        path.split('.').any(|p| p.parse::<usize>().is_ok()) || at(expressions, path).is_some_and(|v| !v.is_null())
    }

    /// A known string, or None (unset, or unknown: marked as `field`).
    pub fn s(&self, field: &str, path: &str) -> Option<String> {
        if self.is_unknown(path) {
            if self.configured(path) {
                self.mark(field);
            }
            return None;
        }
        self.get(path).and_then(Value::as_str).map(str::to_string)
    }

    /// A string that is only descriptive: unknown is empty, never a gap.
    pub fn label(&self, path: &str) -> String {
        self.get(path).and_then(Value::as_str).unwrap_or_default().to_string()
    }

    /// A boolean; unset or unknown-because-unset is `default` (AWS's
    /// documented default); unknown because configured from an unknown
    /// value is marked.
    pub fn flag(&self, field: &str, path: &str, default: bool) -> bool {
        match self.get(path) {
            _ if self.is_unknown(path) => {
                if self.configured(path) {
                    self.mark(field);
                }
                default
            }
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => default,
        }
    }

    /// An integer with the same rules as [`View::flag`].
    pub fn int(&self, field: &str, path: &str, default: i64) -> i64 {
        match self.get(path) {
            _ if self.is_unknown(path) => {
                if self.configured(path) {
                    self.mark(field);
                }
                default
            }
            Some(Value::Number(n)) => n.as_i64().unwrap_or(default),
            Some(Value::String(s)) => s.parse().unwrap_or(default),
            _ => default,
        }
    }

    /// A string with the same rules as [`View::flag`].
    pub fn text_or(&self, field: &str, path: &str, default: &str) -> String {
        match self.get(path) {
            _ if self.is_unknown(path) => {
                if self.configured(path) {
                    self.mark(field);
                }
                default.to_string()
            }
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => default.to_string(),
        }
    }

    /// The known strings of a list (or set) attribute; unknown elements mark
    /// `field`.
    pub fn strs(&self, field: &str, path: &str) -> Vec<String> {
        if self.is_unknown(path) && self.configured(path) {
            self.mark(field);
        }
        strings(self.get(path))
    }

    /// The items of a nested block list (`ingress`, `rule`, ...).
    pub fn blocks(&self, path: &str) -> Vec<Value> {
        match self.get(path) {
            Some(Value::Array(items)) => items.clone(),
            Some(v @ Value::Object(_)) => vec![v.clone()],
            _ => Vec::new(),
        }
    }

    /// The instances an attribute links to, of the given types: through its
    /// value when known, through the configuration's references when not.
    pub fn targets(&self, path: &str, types: &[&str]) -> Vec<usize> {
        let references = references_of(self.expressions.and_then(|e| at(e, path)));
        self.cx.plan.resolve(self.instance, &references, types)
    }

    /// The ids (or ARNs) an attribute holds, the unknown ones resolved
    /// through references to instances of `types`. An unknown value that
    /// no reference explains marks `field`.
    pub fn links(&self, field: &str, path: &str, types: &[&str], want: Want) -> Vec<String> {
        let mut out = strings(self.get(path));
        if self.is_unknown(path) {
            let targets = self.targets(path, types);
            if targets.is_empty() && self.configured(path) {
                self.mark(field);
            }
            for t in targets {
                let h = &self.cx.handles[t];
                let value = match want {
                    Want::Id => h.id.clone(),
                    Want::Arn => h.arn.clone(),
                };
                if !out.contains(&value) {
                    out.push(value);
                }
            }
        }
        // A known value naming an instance of the plan by its real id or
        // ARN needs no translation: handles use real ids when known.
        out
    }

    /// One link (the first).
    pub fn link(&self, field: &str, path: &str, types: &[&str], want: Want) -> Option<String> {
        self.links(field, path, types, want).into_iter().next()
    }

    /// The instance positions an attribute links to, whether its value is
    /// known or not: by reference, else by matching a known value against
    /// the handles of instances of `types`.
    pub fn link_positions(&self, path: &str, types: &[&str]) -> Vec<usize> {
        let by_reference = self.targets(path, types);
        if !by_reference.is_empty() {
            return by_reference;
        }
        let values = strings(self.get(path));
        self.cx
            .plan
            .instances
            .iter()
            .enumerate()
            .filter(|(_, i)| types.contains(&i.rtype.as_str()))
            .filter(|(p, i)| {
                let h = &self.cx.handles[*p];
                values
                    .iter()
                    .any(|v| v == &h.id || v == &h.arn || i.values.get("name").and_then(Value::as_str) == Some(v))
            })
            .map(|(p, _)| p)
            .collect()
    }

    /// The `Name` tag, or empty.
    pub fn name_tag(&self) -> String {
        self.label("tags.Name")
    }

    /// A JSON document held as a string attribute (a policy), parsed; an
    /// unknown document marks `field`, an unparsable one too (rules must
    /// not judge what they cannot read).
    pub fn document(&self, field: &str, path: &str) -> Value {
        if self.is_unknown(path) {
            if self.configured(path) {
                self.mark(field);
            }
            return Value::Null;
        }
        match self.get(path).and_then(Value::as_str) {
            Some(text) if !text.trim().is_empty() => match serde_json::from_str(text) {
                Ok(doc) => doc,
                Err(_) => {
                    self.mark(field);
                    Value::Null
                }
            },
            _ => Value::Null,
        }
    }

    /// The constant the configuration gives `path`, when it is one.
    pub fn constant(&self, path: &str) -> Option<&'p str> {
        self.expressions
            .and_then(|e| at(e, path))
            .and_then(|e| e.get("constant_value"))
            .and_then(Value::as_str)
    }
}

/// The strings of a string or list-of-strings value.
pub fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}
