//! Compute: ECS task definitions (`container_definitions` is a JSON string)
//! and services, Lambda functions, Elastic Beanstalk environments (their
//! `setting` blocks), ECR repositories and registry scanning.

use super::Out;
use crate::source::terraform::view::{View, Want};
use serde_json::{Value, json};

const SG: &[&str] = &["aws_security_group", "aws_default_security_group"];
const SUBNET: &[&str] = &["aws_subnet", "aws_default_subnet"];

pub fn primary(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_ecs_task_definition" => task_definition(v, out),
        "aws_ecs_service" => service(v, out),
        "aws_lambda_function" => lambda(v, out),
        "aws_elastic_beanstalk_environment" => beanstalk(v, out),
        "aws_ecr_repository" => out.add(
            "ecr.repository",
            v,
            json!({
                "encryption_type": v.text_or("encryption_type", "encryption_configuration.0.encryption_type", "AES256"),
                "scan_on_push": v.flag("scan_on_push", "image_scanning_configuration.0.scan_on_push", false),
                "tag_mutability": v.text_or("tag_mutability", "image_tag_mutability", "MUTABLE"),
            }),
        ),
        "aws_ecr_registry_scanning_configuration" => {
            let rules: Vec<Value> = v
                .blocks("rule")
                .iter()
                .map(|r| {
                    let filters: Vec<Value> = (r
                        .get("repository_filter")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten())
                    .filter_map(|f| f.get("filter").cloned())
                    .collect();
                    json!({
                        "frequency": r.get("scan_frequency").cloned().unwrap_or(json!("")),
                        "filters": filters,
                    })
                })
                .collect();
            let frequencies: Vec<Value> = rules.iter().map(|r| r["frequency"].clone()).collect();
            out.add(
                "ecr.registry_scanning",
                v,
                json!({
                    "id": v.region(),
                    "arn": "",
                    "scan_type": v.text_or("scan_type", "scan_type", "BASIC"),
                    "rule_frequencies": frequencies,
                    "rules": rules,
                }),
            );
        }
        _ => return false,
    }
    true
}

/// Name and value pairs of a list of `{name, value}` objects.
fn pairs(items: Option<&Value>, value_key: &str, out_key: &str) -> Vec<Value> {
    (items.and_then(Value::as_array).into_iter().flatten())
        .map(|e| {
            json!({
                "name": e.get("name").and_then(Value::as_str).unwrap_or_default(),
                out_key: match e.get(value_key) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                },
            })
        })
        .collect()
}

fn task_definition(v: &View, out: &mut Out) {
    let definitions = v.document("containers", "container_definitions");
    let containers: Vec<Value> = (definitions.as_array().into_iter().flatten())
        .map(|c| {
            json!({
                "name": c.get("name").cloned().unwrap_or(json!("")),
                "image": c.get("image").cloned().unwrap_or(json!("")),
                "environment": pairs(c.get("environment"), "value", "value"),
                "secrets": pairs(c.get("secrets"), "valueFrom", "value_from"),
                "command": c.get("command").filter(|x| x.is_array()).cloned().unwrap_or(json!([])),
                "entry_point": c.get("entryPoint").filter(|x| x.is_array()).cloned().unwrap_or(json!([])),
            })
        })
        .collect();
    let family = v.label("family");
    let revision = v.get("revision").and_then(Value::as_i64).unwrap_or(0);
    let id = if revision > 0 {
        format!("{family}:{revision}")
    } else {
        format!("{family}:({})", v.address())
    };
    out.add(
        "ecs.task_definition",
        v,
        json!({
            "id": id,
            "family": family,
            "revision": revision,
            "status": "ACTIVE",
            "task_role_arn": v.link("task_role_arn", "task_role_arn", &["aws_iam_role"], Want::Arn),
            "containers": containers,
        }),
    );
}

fn service(v: &View, out: &mut Out) {
    let n = "network_configuration.0.";
    let target_groups: Vec<String> = (0..v.blocks("load_balancer").len())
        .filter_map(|i| {
            v.link(
                "target_groups",
                &format!("load_balancer.{i}.target_group_arn"),
                &["aws_lb_target_group", "aws_alb_target_group"],
                Want::Arn,
            )
        })
        .collect();
    let launch_type = if v.blocks("capacity_provider_strategy").is_empty() {
        v.text_or("launch_type", "launch_type", "EC2")
    } else {
        String::new()
    };
    out.add(
        "ecs.service",
        v,
        json!({
            "cluster": v.link("cluster", "cluster", &["aws_ecs_cluster"], Want::Arn).unwrap_or_default(),
            "launch_type": launch_type,
            "desired_count": v.int("desired_count", "desired_count", 0),
            "task_definition": v.link("task_definition", "task_definition", &["aws_ecs_task_definition"], Want::Arn).unwrap_or_default(),
            "security_groups": v.links("security_groups", &format!("{n}security_groups"), SG, Want::Id),
            "subnet_ids": v.links("subnet_ids", &format!("{n}subnets"), SUBNET, Want::Id),
            "assign_public_ip": v.flag("assign_public_ip", &format!("{n}assign_public_ip"), false),
            "target_groups": target_groups,
        }),
    );
}

fn lambda(v: &View, out: &mut Out) {
    if v.is_unknown("environment.0.variables") && v.configured("environment") {
        v.mark("environment");
    }
    let environment: Vec<Value> = (v
        .get("environment.0.variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten())
    .map(|(name, value)| json!({ "name": name, "value": value.as_str().unwrap_or_default() }))
    .collect();
    out.add(
        "lambda.function",
        v,
        json!({
            "runtime": v.label("runtime"),
            "environment": environment,
            "kms_key_arn": v.link("kms_key_arn", "kms_key_arn", &["aws_kms_key"], Want::Arn),
        }),
    );
}

fn beanstalk(v: &View, out: &mut Out) {
    if v.is_unknown("setting") && v.configured("setting") {
        v.mark("settings");
    }
    let settings: Vec<Value> = v
        .blocks("setting")
        .iter()
        .map(|s| {
            json!({
                "namespace": s.get("namespace").cloned().unwrap_or(json!("")),
                "option": s.get("name").cloned().unwrap_or(json!("")),
                "value": s.get("value").and_then(Value::as_str).unwrap_or_default(),
            })
        })
        .collect();
    out.add(
        "elasticbeanstalk.environment",
        v,
        json!({
            "application": v.link("application", "application", &["aws_elastic_beanstalk_application"], Want::Id).unwrap_or_default(),
            "settings": settings,
        }),
    );
}
