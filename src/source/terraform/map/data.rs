//! Data stores: RDS instances, Aurora and Multi-AZ clusters and their
//! members, parameter groups, ElastiCache (replication groups, serverless
//! caches, standalone clusters), S3 buckets with every split resource of
//! AWS provider 4 and later, the account's S3 Block Public Access, EFS.
//!
//! Defaults are AWS's documented ones where the configuration is silent: a
//! new bucket is encrypted with SSE-S3 (since January 2023) and blocks
//! public access (since April 2023); a DB keeps backups one day.

use super::Out;
use crate::source::terraform::plan::Action;
use crate::source::terraform::view::{View, Want};
use serde_json::{Value, json};

const SG: &[&str] = &["aws_security_group", "aws_default_security_group"];
const BUCKET: &[&str] = &["aws_s3_bucket"];
const KEY: &[&str] = &["aws_kms_key"];
const SUBNET: &[&str] = &["aws_subnet", "aws_default_subnet"];

pub fn primary(v: &View, out: &mut Out) -> bool {
    match v.instance.rtype.as_str() {
        "aws_db_instance" => db_instance(v, out, false),
        "aws_rds_cluster_instance" => db_instance(v, out, true),
        "aws_rds_cluster" => db_cluster(v, out),
        "aws_db_parameter_group" => parameter_group(v, out, "rds.parameter_group"),
        "aws_rds_cluster_parameter_group" => parameter_group(v, out, "rds.cluster_parameter_group"),
        "aws_elasticache_replication_group" => replication_group(v, out),
        "aws_elasticache_serverless_cache" => serverless_cache(v, out),
        "aws_elasticache_cluster" => cache_cluster(v, out),
        "aws_s3_bucket" => bucket(v, out),
        "aws_s3_account_public_access_block" => out.add(
            "s3.account_public_access_block",
            v,
            json!({
                "id": v.cx.account_id,
                "region": "global",
                "block_public_acls": v.flag("block_public_acls", "block_public_acls", false),
                "ignore_public_acls": v.flag("ignore_public_acls", "ignore_public_acls", false),
                "block_public_policy": v.flag("block_public_policy", "block_public_policy", false),
                "restrict_public_buckets": v.flag("restrict_public_buckets", "restrict_public_buckets", false),
            }),
        ),
        "aws_efs_file_system" => out.add(
            "efs.file_system",
            v,
            json!({
                "name": v.name_tag(),
                "encrypted": v.flag("encrypted", "encrypted", false),
                "kms_key_id": v.link("kms_key_id", "kms_key_id", KEY, Want::Arn),
            }),
        ),
        _ => return false,
    }
    true
}

pub fn patch(v: &View, out: &mut Out) -> bool {
    let buckets = || v.link_positions("bucket", BUCKET);
    match v.instance.rtype.as_str() {
        "aws_s3_bucket_public_access_block" => {
            let block = json!({
                "block_public_acls": v.flag("public_access_block", "block_public_acls", false),
                "ignore_public_acls": v.flag("public_access_block", "ignore_public_acls", false),
                "block_public_policy": v.flag("public_access_block", "block_public_policy", false),
                "restrict_public_buckets": v.flag("public_access_block", "restrict_public_buckets", false),
            });
            out.patch("s3.bucket", v, &buckets(), |b| {
                b.insert("public_access_block".into(), block.clone());
            });
        }
        "aws_s3_bucket_policy" => {
            let policy = v.document("policy", "policy");
            out.patch("s3.bucket", v, &buckets(), |b| {
                b.insert("policy".into(), policy.clone());
            });
        }
        "aws_s3_bucket_server_side_encryption_configuration" => {
            let encryption = encryption(v, "rule.0.");
            out.patch("s3.bucket", v, &buckets(), |b| {
                b.insert("encryption".into(), encryption.clone());
            });
        }
        "aws_s3_bucket_acl" => {
            let grants = acl_grants(v, "acl", "access_control_policy.0.grant");
            out.patch("s3.bucket", v, &buckets(), |b| {
                b.insert("acl_public".into(), json!(!grants.is_empty()));
                b.insert("acl_public_grants".into(), json!(grants));
            });
        }
        "aws_s3_bucket_versioning" => {
            let status = v.text_or("status", "versioning_configuration.0.status", "");
            let status = if status == "Disabled" { String::new() } else { status };
            let mfa = v.text_or("mfa_delete", "versioning_configuration.0.mfa_delete", "Disabled") == "Enabled";
            out.patch("s3.bucket_versioning", v, &buckets(), |b| {
                b.insert("status".into(), json!(status));
                b.insert("mfa_delete".into(), json!(mfa));
            });
        }
        "aws_s3_bucket_object_lock_configuration" => {
            let mode = v.label("rule.0.default_retention.0.mode");
            let days = v.get("rule.0.default_retention.0.days").and_then(Value::as_i64);
            let years = v.get("rule.0.default_retention.0.years").and_then(Value::as_i64);
            let retention = match (mode.as_str(), days, years) {
                ("", _, _) => String::new(),
                (m, Some(d), _) if d > 0 => format!("{m} {d} days"),
                (m, _, Some(y)) if y > 0 => format!("{m} {y} years"),
                (m, _, _) => m.to_string(),
            };
            out.patch("s3.bucket_versioning", v, &buckets(), |b| {
                b.insert("object_lock".into(), json!(true));
                b.insert("object_lock_default_retention".into(), json!(retention));
            });
        }
        "aws_s3_bucket_logging" => {
            let target = v.link("logging_target", "target_bucket", BUCKET, Want::Id);
            out.patch("s3.bucket", v, &buckets(), |b| {
                b.insert("logging_target".into(), json!(target));
            });
        }
        "aws_s3_bucket_website_configuration" => {
            out.patch("s3.bucket", v, &buckets(), |b| {
                b.insert("website_enabled".into(), json!(true));
            });
        }
        "aws_s3_bucket_ownership_controls" => {}
        _ => return false,
    }
    true
}

/// Members of clusters: the cluster lists them, and they take the
/// cluster's storage encryption (an Aurora instance has none of its own).
pub fn finish(out: &mut Out) {
    let members: Vec<(String, String, bool)> = out
        .of_kind("rds.db_instance")
        .filter_map(|e| {
            let cluster = e.value.get("cluster_id")?.as_str()?.to_string();
            let id = e.value.get("id")?.as_str()?.to_string();
            Some((cluster, id, e.unknown.contains("cluster_id")))
        })
        .collect();
    let mut encryption: Vec<(String, Value, bool)> = Vec::new();
    for e in out.entries.iter_mut().filter(|e| e.kind == "rds.db_cluster") {
        let id = e
            .value
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let ids: Vec<&String> = members.iter().filter(|m| m.0 == id).map(|m| &m.1).collect();
        let serverless_v2_or_provisioned = e.value.get("engine_mode").and_then(Value::as_str) != Some("serverless");
        if !e.value.get("multi_az").is_some_and(|m| m == &json!(true)) {
            e.value
                .insert("multi_az".into(), json!(ids.len() > 1 && serverless_v2_or_provisioned));
        }
        e.value.insert("member_ids".into(), json!(ids));
        let unknown = e.unknown.contains("storage_encrypted");
        encryption.push((
            id,
            e.value.get("storage_encrypted").cloned().unwrap_or(json!(false)),
            unknown,
        ));
    }
    for e in out.entries.iter_mut().filter(|e| e.kind == "rds.db_instance") {
        let Some(cluster) = e.value.get("cluster_id").and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        if let Some((_, encrypted, unknown)) = encryption.iter().find(|c| c.0 == cluster) {
            e.value.insert("storage_encrypted".into(), encrypted.clone());
            if *unknown {
                e.unknown.insert("storage_encrypted".into());
            }
        }
    }
}

/// The subnets of a DB subnet group of the plan, by the group's link.
fn subnet_group_subnets(v: &View, path: &str) -> Vec<String> {
    v.link_positions(path, &["aws_db_subnet_group", "aws_elasticache_subnet_group"])
        .first()
        .map(|&p| v.cx.view(p).links("subnet_ids", "subnet_ids", SUBNET, Want::Id))
        .unwrap_or_default()
}

fn db_instance(v: &View, out: &mut Out, member: bool) {
    let cluster = member
        .then(|| v.link("cluster_id", "cluster_identifier", &["aws_rds_cluster"], Want::Id))
        .flatten();
    let subnet_group = v
        .link(
            "subnet_group",
            "db_subnet_group_name",
            &["aws_db_subnet_group"],
            Want::Id,
        )
        .unwrap_or_default();
    let parameter_groups: Vec<String> = v
        .link(
            "parameter_groups",
            "parameter_group_name",
            &["aws_db_parameter_group"],
            Want::Id,
        )
        .into_iter()
        .collect();
    let mut value = json!({
        "engine": v.label("engine"),
        "engine_version": v.label("engine_version"),
        "instance_class": v.label("instance_class"),
        "port": v.int("port", "port", 0),
        "publicly_accessible": v.flag("publicly_accessible", "publicly_accessible", false),
        "kms_key_id": v.link("kms_key_id", "kms_key_id", KEY, Want::Arn),
        "auto_minor_version_upgrade": v.flag("auto_minor_version_upgrade", "auto_minor_version_upgrade", true),
        "monitoring_interval": v.int("monitoring_interval", "monitoring_interval", 0),
        "cluster_id": cluster,
        "subnet_group": subnet_group,
        "subnet_ids": subnet_group_subnets(v, "db_subnet_group_name"),
        "parameter_groups": parameter_groups,
    });
    if !member {
        let extra = json!({
            "storage_encrypted": v.flag("storage_encrypted", "storage_encrypted", false),
            // CreateDBInstance keeps automated backups one day by default.
            "backup_retention_days": v.int("backup_retention_days", "backup_retention_period", 1),
            "multi_az": v.flag("multi_az", "multi_az", false),
            "deletion_protection": v.flag("deletion_protection", "deletion_protection", false),
            "cloudwatch_logs_exports": v.strs("cloudwatch_logs_exports", "enabled_cloudwatch_logs_exports"),
            "security_groups": v.links("security_groups", "vpc_security_group_ids", SG, Want::Id),
            "read_replica_source": v.link("read_replica_source", "replicate_source_db", &["aws_db_instance"], Want::Id),
        });
        if let (Value::Object(value), Value::Object(extra)) = (&mut value, extra) {
            value.extend(extra);
        }
    }
    out.add("rds.db_instance", v, value);
}

fn db_cluster(v: &View, out: &mut Out) {
    // A Multi-AZ DB cluster (not Aurora) is multi-AZ by construction.
    let multi_az_cluster = v
        .get("db_cluster_instance_class")
        .and_then(Value::as_str)
        .is_some_and(|c| !c.is_empty());
    out.add(
        "rds.db_cluster",
        v,
        json!({
            "engine": v.label("engine"),
            "engine_mode": v.text_or("engine_mode", "engine_mode", "provisioned"),
            "engine_version": v.label("engine_version"),
            "storage_encrypted": v.flag("storage_encrypted", "storage_encrypted", false),
            "kms_key_id": v.link("kms_key_id", "kms_key_id", KEY, Want::Arn),
            "backup_retention_days": v.int("backup_retention_days", "backup_retention_period", 1),
            "deletion_protection": v.flag("deletion_protection", "deletion_protection", false),
            "cloudwatch_logs_exports": v.strs("cloudwatch_logs_exports", "enabled_cloudwatch_logs_exports"),
            "iam_auth": v.flag("iam_auth", "iam_database_authentication_enabled", false),
            "parameter_group": v.link("parameter_group", "db_cluster_parameter_group_name", &["aws_rds_cluster_parameter_group"], Want::Id).unwrap_or_default(),
            "subnet_group": v.link("subnet_group", "db_subnet_group_name", &["aws_db_subnet_group"], Want::Id).unwrap_or_default(),
            "security_groups": v.links("security_groups", "vpc_security_group_ids", SG, Want::Id),
            "port": v.int("port", "port", 0),
            "multi_az": multi_az_cluster,
        }),
    );
}

fn parameter_group(v: &View, out: &mut Out, kind: &'static str) {
    let mut parameters = serde_json::Map::new();
    for (i, p) in v.blocks("parameter").iter().enumerate() {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        if v.is_unknown(&format!("parameter.{i}.value")) {
            v.mark("parameters");
        }
        let value = match p.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        parameters.insert(name.to_string(), json!(value));
    }
    out.add(
        kind,
        v,
        json!({ "family": v.label("family"), "parameters": parameters }),
    );
}

fn replication_group(v: &View, out: &mut Out) {
    let transit = v.flag("transit_encryption", "transit_encryption_enabled", false);
    let auth = v
        .get("auth_token")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.is_empty())
        || (v.is_unknown("auth_token") && v.configured("auth_token"));
    out.add(
        "elasticache.replication_group",
        v,
        json!({
            "engine": v.text_or("engine", "engine", "redis"),
            "at_rest_encryption": v.flag("at_rest_encryption", "at_rest_encryption_enabled", false),
            "transit_encryption": transit,
            "transit_encryption_mode": if transit { v.text_or("transit_encryption_mode", "transit_encryption_mode", "required") } else { String::new() },
            "auth_token_enabled": auth,
            "automatic_failover": v.flag("automatic_failover", "automatic_failover_enabled", false),
            "snapshot_retention_limit": v.int("snapshot_retention_limit", "snapshot_retention_limit", 0),
            "security_groups": v.links("security_groups", "security_group_ids", SG, Want::Id),
            "subnet_group": v.label("subnet_group_name"),
            "subnet_ids": subnet_group_subnets(v, "subnet_group_name"),
        }),
    );
}

/// ElastiCache Serverless is always encrypted at rest and in transit.
fn serverless_cache(v: &View, out: &mut Out) {
    out.add(
        "elasticache.serverless_cache",
        v,
        json!({
            "engine": v.label("engine"),
            "status": "available",
            "at_rest_encryption": true,
            "transit_encryption": true,
            "transit_encryption_mode": "required",
            "kms_key_id": v.link("kms_key_id", "kms_key_id", KEY, Want::Arn),
            "snapshot_retention_limit": v.int("snapshot_retention_limit", "snapshot_retention_limit", 0),
            "subnet_ids": v.links("subnet_ids", "subnet_ids", SUBNET, Want::Id),
            "security_groups": v.links("security_groups", "security_group_ids", SG, Want::Id),
        }),
    );
}

fn cache_cluster(v: &View, out: &mut Out) {
    // A member of a replication group is judged with its group.
    if v.configured("replication_group_id") || v.get("replication_group_id").is_some() {
        return;
    }
    let transit = v.flag("transit_encryption", "transit_encryption_enabled", false);
    out.add(
        "elasticache.cache_cluster",
        v,
        json!({
            "engine": v.label("engine"),
            "engine_version": v.label("engine_version"),
            "at_rest_encryption": false,
            "transit_encryption": transit,
            "transit_encryption_mode": if transit { "required" } else { "" },
            "auth_token_enabled": false,
            "snapshot_retention_limit": v.int("snapshot_retention_limit", "snapshot_retention_limit", 0),
            "security_groups": v.links("security_groups", "security_group_ids", SG, Want::Id),
            "subnet_group": v.label("subnet_group_name"),
            "subnet_ids": subnet_group_subnets(v, "subnet_group_name"),
        }),
    );
}

/// A bucket encryption rule at `base` (of the split resource, or of the
/// bucket's own deprecated block).
fn encryption(v: &View, base: &str) -> Value {
    let default = format!("{base}apply_server_side_encryption_by_default.0.");
    json!({
        "algorithm": v.text_or("encryption", &format!("{default}sse_algorithm"), "AES256"),
        "kms_key_id": v.link("encryption", &format!("{default}kms_master_key_id"), KEY, Want::Arn),
        "bucket_key_enabled": v.flag("encryption", &format!("{base}bucket_key_enabled"), false),
    })
}

/// The public grants of a canned ACL and of explicit grants, as
/// `Group:PERMISSION` like the live collector.
fn acl_grants(v: &View, canned_path: &str, grants_path: &str) -> Vec<String> {
    if v.is_unknown(canned_path) && v.configured(canned_path) {
        v.mark("acl_public_grants");
    }
    let mut out: Vec<String> = match v.label(canned_path).as_str() {
        "public-read" => vec!["AllUsers:READ".into()],
        "public-read-write" => vec!["AllUsers:READ".into(), "AllUsers:WRITE".into()],
        "authenticated-read" => vec!["AuthenticatedUsers:READ".into()],
        _ => Vec::new(),
    };
    for grant in v.blocks(grants_path) {
        let grantee = grant
            .pointer("/grantee/0")
            .or_else(|| grant.get("grantee"))
            .unwrap_or(&grant);
        let uri = grantee.get("uri").and_then(Value::as_str).unwrap_or_default();
        let group = uri.rsplit('/').next().unwrap_or_default();
        if !matches!(group, "AllUsers" | "AuthenticatedUsers") {
            continue;
        }
        let permissions: Vec<String> = match grant.get("permission").or_else(|| grant.get("permissions")) {
            Some(Value::String(p)) => vec![p.clone()],
            Some(Value::Array(ps)) => ps.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => vec!["UNKNOWN".into()],
        };
        out.extend(permissions.into_iter().map(|p| format!("{group}:{p}")));
    }
    out.sort();
    out.dedup();
    out
}

fn bucket(v: &View, out: &mut Out) {
    // Created by this plan, a bucket blocks public access unless a
    // public access block resource says otherwise; an existing one may
    // predate that default.
    let new = matches!(v.instance.action, Action::Create | Action::Replace);
    let block = if new {
        json!({ "block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true })
    } else {
        v.mark_outside("public_access_block");
        Value::Null
    };
    let inline_encryption = v.blocks("server_side_encryption_configuration.0.rule");
    let encryption = if inline_encryption.is_empty() {
        json!({ "algorithm": "AES256", "bucket_key_enabled": false, "kms_key_id": null })
    } else {
        encryption(v, "server_side_encryption_configuration.0.rule.0.")
    };
    let grants = acl_grants(v, "acl", "grant");
    let website = !v.blocks("website").is_empty();
    let logging = v.link("logging_target", "logging.0.target_bucket", BUCKET, Want::Id);
    let policy = v.document("policy", "policy");
    out.add(
        "s3.bucket",
        v,
        json!({
            "public_access_block": block,
            "policy": policy,
            "encryption": encryption,
            "acl_public": !grants.is_empty(),
            "acl_public_grants": grants,
            "website_enabled": website,
            "logging_target": logging,
            "policy_status_public": null,
        }),
    );
    let enabled = v.flag("status", "versioning.0.enabled", false);
    let versioning = json!({
        "status": if enabled { "Enabled" } else { "" },
        "mfa_delete": v.flag("mfa_delete", "versioning.0.mfa_delete", false),
        "object_lock": v.flag("object_lock", "object_lock_enabled", false),
        "object_lock_default_retention": "",
    });
    out.add("s3.bucket_versioning", v, versioning);
}
