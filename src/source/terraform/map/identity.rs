//! Identity and secrets: IAM users (login profiles, group memberships,
//! attachments), groups, roles (trust policies, inline and attached
//! policies), customer managed and inline policies, access keys, the
//! password policy, Access Analyzer, KMS keys and aliases, Secrets Manager
//! secrets and their rotation.
//!
//! Attachments name AWS-managed policies by ARN
//! (`arn:aws:iam::aws:policy/AdministratorAccess`); they are kept as they
//! are, as the live collector keeps them.

use super::{Out, push};
use crate::source::terraform::view::{View, Want};
use serde_json::{Value, json};

const USER: &[&str] = &["aws_iam_user"];
const ROLE: &[&str] = &["aws_iam_role"];
const GROUP: &[&str] = &["aws_iam_group"];
const POLICY: &[&str] = &["aws_iam_policy"];

pub fn primary(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_iam_user" => out.add(
            "iam.user",
            v,
            json!({
                "region": "global",
                "created_at": null,
                "password_enabled": false,
                "password_last_used": null,
                "mfa_devices": [],
                "groups": [],
                "attached_policy_arns": [],
                "group_policy_arns": [],
            }),
        ),
        "aws_iam_role" => role(v, out),
        "aws_iam_policy" => {
            let document = v.document("document", "policy");
            out.add(
                "iam.policy",
                v,
                json!({
                    "region": "global",
                    "name": v.label("name"),
                    "policy_type": "managed",
                    "attached_to": [],
                    "document": document,
                }),
            );
        }
        "aws_iam_role_policy" => inline(v, out, "role", "role", ROLE),
        "aws_iam_user_policy" => inline(v, out, "user", "user", USER),
        "aws_iam_group_policy" => inline(v, out, "group", "group", GROUP),
        "aws_iam_access_key" => out.add(
            "iam.access_key",
            v,
            json!({
                "region": "global",
                "user": v.link("user", "user", USER, Want::Id).unwrap_or_default(),
                "status": v.text_or("status", "status", "Active"),
                "created_at": null,
                "last_used_at": null,
            }),
        ),
        "aws_iam_account_password_policy" => out.add(
            "iam.password_policy",
            v,
            json!({
                "id": v.cx.account_id,
                "region": "global",
                "minimum_length": v.int("minimum_length", "minimum_password_length", 6),
                "require_lowercase": v.flag("require_lowercase", "require_lowercase_characters", false),
                "require_uppercase": v.flag("require_uppercase", "require_uppercase_characters", false),
                "require_numbers": v.flag("require_numbers", "require_numbers", false),
                "require_symbols": v.flag("require_symbols", "require_symbols", false),
                "max_age_days": v.int("max_age_days", "max_password_age", 0),
                "reuse_prevention": v.int("reuse_prevention", "password_reuse_prevention", 0),
            }),
        ),
        "aws_accessanalyzer_analyzer" => out.add(
            "accessanalyzer.analyzer",
            v,
            json!({
                "id": v.label("analyzer_name"),
                "type": v.text_or("type", "type", "ACCOUNT"),
                "status": "ACTIVE",
            }),
        ),
        "aws_kms_key" => out.add(
            "kms.key",
            v,
            json!({
                "manager": "CUSTOMER",
                "state": if v.flag("state", "is_enabled", true) { "Enabled" } else { "Disabled" },
                "spec": v.text_or("spec", "customer_master_key_spec", "SYMMETRIC_DEFAULT"),
                "origin": "AWS_KMS",
                "rotation_enabled": v.flag("rotation_enabled", "enable_key_rotation", false),
                "aliases": [],
            }),
        ),
        "aws_secretsmanager_secret" => out.add(
            "secretsmanager.secret",
            v,
            json!({
                "kms_key_id": v.link("kms_key_id", "kms_key_id", &["aws_kms_key"], Want::Arn),
                "rotation_enabled": false,
                "rotation_days": null,
                "last_rotated": null,
                "schedule_expression": null,
            }),
        ),
        _ => return false,
    }
    true
}

pub fn patch(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_iam_user_login_profile" => {
            let users = v.link_positions("user", USER);
            out.patch("iam.user", v, &users, |u| {
                u.insert("password_enabled".into(), json!(true));
            });
        }
        "aws_iam_user_policy_attachment" => attach(v, out, "user", "iam.user", USER),
        "aws_iam_role_policy_attachment" => attach(v, out, "role", "iam.role", ROLE),
        "aws_iam_user_group_membership" => {
            let users = v.link_positions("user", USER);
            let groups = v.links("groups", "groups", GROUP, Want::Id);
            out.patch("iam.user", v, &users, |u| {
                for g in &groups {
                    push(u, "groups", json!(g));
                }
            });
        }
        "aws_iam_group_membership" => {
            let users = v.link_positions("users", USER);
            let group = v.link("groups", "group", GROUP, Want::Id).unwrap_or_default();
            out.patch("iam.user", v, &users, |u| push(u, "groups", json!(group)));
        }
        "aws_iam_policy_attachment" => {
            let policy = v
                .link("attached_policy_arns", "policy_arn", POLICY, Want::Arn)
                .unwrap_or_default();
            let policies = v.link_positions("policy_arn", POLICY);
            outside_policy(v, &policy, &policies);
            for (principal, path, kind, types) in
                [("user", "users", "iam.user", USER), ("role", "roles", "iam.role", ROLE)]
            {
                let targets = v.link_positions(path, types);
                let names: Vec<String> = targets.iter().map(|&t| v.cx.handles[t].id.clone()).collect();
                if !targets.is_empty() {
                    out.patch(kind, v, &targets, |p| push(p, "attached_policy_arns", json!(policy)));
                }
                for name in names {
                    note_attachment(out, &policies, &format!("{principal}/{name}"));
                }
            }
        }
        "aws_kms_alias" => {
            let keys = v.link_positions("target_key_id", &["aws_kms_key"]);
            let name = v.label("name");
            out.patch("kms.key", v, &keys, |k| push(k, "aliases", json!(name)));
        }
        "aws_secretsmanager_secret_rotation" => {
            let secrets = v.link_positions("secret_id", &["aws_secretsmanager_secret"]);
            let days = v
                .get("rotation_rules.0.automatically_after_days")
                .and_then(Value::as_i64);
            let schedule = v
                .s("schedule_expression", "rotation_rules.0.schedule_expression")
                .filter(|s| !s.is_empty());
            out.patch("secretsmanager.secret", v, &secrets, |s| {
                s.insert("rotation_enabled".into(), json!(true));
                s.insert("rotation_days".into(), json!(days));
                s.insert("schedule_expression".into(), json!(schedule));
            });
        }
        _ => return false,
    }
    true
}

/// After memberships: a group's attached policies reach its users.
pub fn late_patch(v: &View, out: &mut Out) {
    if v.instance.rtype != "aws_iam_group_policy_attachment" {
        return;
    }
    let group = v.link("groups", "group", GROUP, Want::Id).unwrap_or_default();
    let policy = v
        .link("group_policy_arns", "policy_arn", POLICY, Want::Arn)
        .unwrap_or_default();
    let policies = v.link_positions("policy_arn", POLICY);
    note_attachment(out, &policies, &format!("group/{group}"));
    let unknown = v.take_unknown();
    for e in out.entries.iter_mut().filter(|e| e.kind == "iam.user") {
        let member = e
            .value
            .get("groups")
            .and_then(Value::as_array)
            .is_some_and(|g| g.iter().any(|g| g == &json!(group)));
        if member {
            push(&mut e.value, "group_policy_arns", json!(policy));
            e.unknown.extend(unknown.iter().cloned());
        }
    }
}

/// Dedupes the lists attachments appended to.
pub fn finish(out: &mut Out) {
    for e in &mut out.entries {
        for key in [
            "attached_policy_arns",
            "group_policy_arns",
            "groups",
            "attached_to",
            "aliases",
        ] {
            if let Some(Value::Array(items)) = e.value.get_mut(key) {
                let mut seen = Vec::new();
                items.retain(|i| {
                    let new = !seen.contains(i);
                    if new {
                        seen.push(i.clone());
                    }
                    new
                });
            }
        }
    }
}

/// Records on a customer managed policy of the plan whom it is attached to.
fn note_attachment(out: &mut Out, policies: &[usize], principal: &str) {
    for e in out
        .entries
        .iter_mut()
        .filter(|e| e.kind == "iam.policy" && policies.contains(&e.position))
    {
        push(&mut e.value, "attached_to", json!(principal));
    }
}

/// A customer managed policy attached by ARN that the plan does not
/// manage: its document is unknown, so is what the attachment grants.
fn outside_policy(v: &View, arn: &str, policies: &[usize]) {
    if policies.is_empty() && !arn.starts_with("arn:aws:iam::aws:policy/") && !arn.contains(":iam::aws:policy/") {
        v.mark_outside("attached_policy_arns");
    }
}

fn attach(v: &View, out: &mut Out, principal: &str, kind: &str, types: &[&str]) {
    let targets = v.link_positions(principal, types);
    let policy = v
        .link("attached_policy_arns", "policy_arn", POLICY, Want::Arn)
        .unwrap_or_default();
    let policies = v.link_positions("policy_arn", POLICY);
    outside_policy(v, &policy, &policies);
    for &t in &targets {
        let name = v.cx.handles[t].id.clone();
        note_attachment(out, &policies, &format!("{principal}/{name}"));
    }
    out.patch(kind, v, &targets, |p| push(p, "attached_policy_arns", json!(policy)));
}

fn inline(v: &View, out: &mut Out, principal: &str, path: &str, types: &[&str]) {
    let owner = v.link("attached_to", path, types, Want::Id).unwrap_or_default();
    let name = v.label("name");
    let document = v.document("document", "policy");
    out.add(
        "iam.policy",
        v,
        inline_policy(&format!("{principal}/{owner}"), &name, document),
    );
}

/// An inline policy of `owner` (`role/NAME`), as the live collector keeps it.
fn inline_policy(owner: &str, name: &str, document: Value) -> Value {
    json!({
        "id": format!("{owner}/{name}"),
        "arn": "",
        "region": "global",
        "name": name,
        "policy_type": "inline",
        "attached_to": [owner],
        "document": document,
    })
}

fn role(v: &View, out: &mut Out) {
    let name = v.id();
    for (i, p) in v.blocks("inline_policy").iter().enumerate() {
        let policy_name = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        if policy_name.is_empty() {
            continue;
        }
        let document = v.document("document", &format!("inline_policy.{i}.policy"));
        out.add(
            "iam.policy",
            v,
            inline_policy(&format!("role/{name}"), &policy_name, document),
        );
    }
    // After the inline policies took their own unknown fields.
    let trust = v.document("trust_policy", "assume_role_policy");
    let managed = v.links("attached_policy_arns", "managed_policy_arns", POLICY, Want::Arn);
    for arn in &managed {
        let managed_here =
            v.cx.handles
                .iter()
                .zip(&v.cx.plan.instances)
                .any(|(h, i)| i.rtype == "aws_iam_policy" && &h.arn == arn);
        outside_policy(v, arn, if managed_here { &[0] } else { &[] });
    }
    out.add(
        "iam.role",
        v,
        json!({
            "region": "global",
            "attached_policy_arns": managed,
            "trust_policy": trust,
        }),
    );
}
