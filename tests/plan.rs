//! Terraform plans judged by the existing rules: `audit plan` on the plan
//! fixtures of `fixtures/terraform` (written from Terraform's JSON output
//! format documentation by `make_plans.py`) and on small plans written
//! here, through the binary as a user runs it.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SEED: &str = "fixtures/terraform/tfplan.json";
const COMPLIANT: &str = "fixtures/terraform/compliant/tfplan.json";
/// The sensitive variable of the seed plan (a Lambda environment value).
const SENSITIVE: &str = "wa-verify-7Hq2Zp9Lx4Rt8Vn1";

fn audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("audit runs")
}

fn report(args: &[&str]) -> Value {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = audit(&all);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON report")
}

/// The status of `rule` on the resource at Terraform `address`.
fn status(report: &Value, rule: &str, address: &str) -> Option<String> {
    findings(report, rule, address)
        .first()
        .map(|f| f["status"].as_str().unwrap_or_default().to_string())
}

fn findings<'r>(report: &'r Value, rule: &str, address: &str) -> Vec<&'r Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule && f["resource"]["location"]["address"] == address)
        .collect()
}

fn evaluated(report: &Value, rule: &str) -> bool {
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .any(|r| r["id"] == rule)
}

#[test]
fn the_seed_plan_fails_on_every_spelling_of_its_mistakes() {
    let r = report(&[SEED]);
    // SSH "restricted" to two halves of the internet, in split rule resources.
    assert_eq!(
        status(&r, "ec2-sg-no-public-ssh", "aws_security_group.legacy").as_deref(),
        Some("fail")
    );
    assert_eq!(
        status(&r, "ec2-sg-no-public-ssh", "aws_security_group.alb").as_deref(),
        Some("pass")
    );
    // A bucket in a child module, its policy and public access block linked
    // to it only by references (its name is unknown until apply).
    let bucket = "module.frontend.aws_s3_bucket.site";
    assert_eq!(status(&r, "s3-bucket-no-public-read", bucket).as_deref(), Some("fail"));
    // The AWS-managed AdministratorAccess, and admin through NotAction.
    assert_eq!(
        status(&r, "iam-no-admin-attached", "aws_iam_role.deploy").as_deref(),
        Some("fail")
    );
    assert_eq!(
        status(&r, "iam-no-admin-policies", "aws_iam_policy.ops").as_deref(),
        Some("fail")
    );
    assert_eq!(
        status(&r, "iam-role-github-oidc-scoped", "aws_iam_role.deploy").as_deref(),
        Some("fail")
    );
    // A TLS 1.3 policy that still accepts TLS 1.0.
    assert_eq!(
        status(&r, "elbv2-modern-tls-policy", "aws_lb_listener.https").as_deref(),
        Some("fail")
    );
    assert_eq!(
        status(&r, "rds-storage-encrypted", "aws_db_instance.main").as_deref(),
        Some("fail")
    );
    // Unset, the backup retention is AWS's default of one day.
    assert_eq!(
        status(&r, "rds-backup-retention", "aws_db_instance.main").as_deref(),
        Some("fail")
    );
    // Aurora members (by count index) are judged at cluster level: the
    // cluster protects them, and its two members make it multi-AZ.
    assert_eq!(
        status(&r, "rds-deletion-protection", "aws_rds_cluster.aurora").as_deref(),
        Some("pass")
    );
    assert_eq!(
        status(&r, "rds-deletion-protection", "aws_rds_cluster_instance.aurora[1]"),
        None
    );
    assert_eq!(
        status(&r, "rds-multi-az", "aws_rds_cluster.aurora").as_deref(),
        Some("pass")
    );
    assert_eq!(
        status(&r, "rds-enhanced-monitoring", "aws_rds_cluster_instance.aurora[1]").as_deref(),
        Some("fail")
    );
    assert_eq!(
        status(&r, "ec2-no-secrets-in-user-data", "aws_instance.legacy").as_deref(),
        Some("fail")
    );
    // In a public subnet by for_each key, through a route table association.
    assert_eq!(
        status(&r, "ec2-instance-no-public-ip", "aws_instance.legacy").as_deref(),
        Some("fail")
    );
    assert_eq!(
        status(&r, "vpc-flow-logs-enabled", "aws_vpc.main").as_deref(),
        Some("fail")
    );
}

#[test]
fn a_value_known_only_after_apply_is_an_error_never_a_pass() {
    let r = report(&[SEED]);
    let f = findings(&r, "ec2-instance-imdsv2-required", "aws_instance.legacy");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["status"], "error");
    let message = f[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("metadata_http_tokens known only after apply"),
        "{message}"
    );
    // The gap concerns only the rules reading that field.
    assert_eq!(
        status(&r, "ec2-no-secrets-in-user-data", "aws_instance.legacy").as_deref(),
        Some("fail")
    );
    // An existing bucket's public access block is not in the plan at all.
    let f = findings(&r, "s3-bucket-public-access-block", "aws_s3_bucket.trail_logs");
    assert_eq!(f[0]["status"], "error");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not set by this plan")
    );
}

#[test]
fn a_plan_judges_only_what_it_manages() {
    let r = report(&[SEED]);
    // A deleted security group is not judged.
    let text = r.to_string();
    assert!(
        !text.contains("aws_security_group.old"),
        "a deleted resource was judged"
    );
    // Account-wide rules need the plan to manage those settings: GuardDuty,
    // the password policy are not evaluated; a support role is not asked
    // of a plan that manages some roles; CloudTrail is (it manages a trail).
    for rule in [
        "guardduty-enabled",
        "iam-password-policy",
        "iam-support-role",
        "securityhub-enabled",
    ] {
        assert!(
            !evaluated(&r, rule),
            "{rule} was evaluated on a plan that does not manage it"
        );
    }
    assert!(evaluated(&r, "cloudtrail-multi-region"));
    // The report says what the plan covers.
    let kinds = r["target"]["covered_kinds"].as_array().expect("covered kinds");
    assert!(kinds.contains(&json!("s3.bucket")) && !kinds.contains(&json!("guardduty.detector")));
    let table = String::from_utf8_lossy(&audit(&["plan", SEED]).stdout).to_string();
    assert!(
        table.contains(&format!("covers {} resource kinds", kinds.len())),
        "{table}"
    );
    assert!(table.contains("rules not evaluated"));
    let account: Vec<&Value> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "cloudtrail-multi-region")
        .collect();
    assert_eq!(account[0]["status"], "fail");
}

#[test]
fn the_compliant_seed_plan_passes_every_rule_it_is_judged_by() {
    let r = report(&[COMPLIANT, "--tf-dir", "fixtures/terraform"]);
    let bad: Vec<String> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail" || f["status"] == "error")
        .map(|f| format!("{} {} {}", f["status"], f["rule_id"], f["message"]))
        .collect();
    assert!(bad.is_empty(), "the compliant plan has findings:\n{}", bad.join("\n"));
    assert!(r["summary"]["passed"].as_i64().unwrap_or(0) > 50);
}

#[test]
fn sarif_results_point_at_the_tf_block_and_validate() {
    let o = audit(&["plan", SEED, "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let log: Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let place = |rule: &str, address: &str| {
        let r = results
            .iter()
            .find(|r| r["ruleId"] == rule && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == address)
            .unwrap_or_else(|| panic!("no SARIF result for {rule} on {address}"));
        let physical = &r["locations"][0]["physicalLocation"];
        (
            physical["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            physical["region"]["startLine"].as_i64().unwrap_or(0),
        )
    };
    assert_eq!(
        place("ec2-sg-no-public-ssh", "aws_security_group.legacy"),
        ("fixtures/terraform/main.tf".to_string(), 61)
    );
    // A module's resource: its own module's file.
    assert_eq!(
        place("s3-bucket-no-public-read", "module.frontend.aws_s3_bucket.site"),
        ("fixtures/terraform/modules/frontend/main.tf".to_string(), 4)
    );
    // An instance of a counted resource: the block's line.
    assert_eq!(
        place("rds-enhanced-monitoring", "aws_rds_cluster_instance.aurora[1]"),
        ("fixtures/terraform/main.tf".to_string(), 124)
    );
    let schema_text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.schema.json"))
            .expect("vendored schema")
            .replace(
                r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
                r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
            );
    let schema: Value = serde_json::from_str(&schema_text).expect("schema");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

fn fingerprint(log: &Value, rule: &str) -> String {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == rule)
        .map(|r| {
            r["partialFingerprints"]["postureAudit/resourceRule/v1"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .unwrap_or_default()
}

#[test]
fn fingerprints_stay_the_same_across_plans_of_the_same_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut plan: Value =
        serde_json::from_str(&std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)).expect("seed"))
            .expect("JSON");
    // The next plan, after the group was created: its id is known.
    let changes = plan["resource_changes"].as_array_mut().expect("changes");
    let legacy = changes
        .iter_mut()
        .find(|c| c["address"] == "aws_security_group.legacy")
        .expect("legacy");
    legacy["change"]["actions"] = json!(["no-op"]);
    legacy["change"]["after"]["id"] = json!("sg-0a1b2c3d4e5f");
    legacy["change"]["after_unknown"] = json!({});
    changes.reverse();
    let later = dir.path().join("later.json");
    std::fs::write(&later, plan.to_string()).expect("write");
    let sarif = |path: &str| -> Value {
        let o = audit(&["plan", path, "--tf-dir", "fixtures/terraform", "--format", "sarif"]);
        serde_json::from_slice(&o.stdout).expect("SARIF")
    };
    let first = sarif(SEED);
    let second = sarif(later.to_str().expect("utf-8"));
    let a = fingerprint(&first, "ec2-sg-no-public-ssh");
    assert!(!a.is_empty());
    assert_eq!(a, fingerprint(&second, "ec2-sg-no-public-ssh"));
}

#[test]
fn a_sensitive_value_is_never_printed() {
    for format in ["table", "json", "sarif", "markdown", "junit", "html"] {
        let o = audit(&["plan", SEED, "--format", format]);
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !out.contains(SENSITIVE) && !err.contains(SENSITIVE),
            "{format} printed the sensitive value"
        );
    }
    // And the rule still sees it: a secret in a Lambda environment.
    let r = report(&[SEED]);
    assert_eq!(
        status(&r, "lambda-no-secrets-in-environment", "aws_lambda_function.webhook").as_deref(),
        Some("fail")
    );
}

#[test]
fn scan_with_plan_is_the_same_audit() {
    let a = report(&[SEED]);
    let o = audit(&["scan", "--plan", SEED, "--format", "json"]);
    let b: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(a["findings"], b["findings"]);
    let o = audit(&["scan", "--plan", SEED, "--snapshot", "fixtures/example-account.json"]);
    assert_eq!(o.status.code(), Some(2), "--plan and --snapshot together");
}

/// A minimal plan of one security group open to the world on 22, in the
/// shape of a format version.
fn one_group_plan(version: &str) -> Value {
    let group = json!({
        "name": "web", "id": "sg-0web", "vpc_id": "vpc-0", "description": "",
        "ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"],
                     "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false, "description": ""}],
        "egress": [],
    });
    let config = json!({"root_module": {"resources": [{"address": "aws_security_group.web", "mode": "managed",
        "type": "aws_security_group", "name": "web", "provider_config_key": "aws", "expressions": {"name": {"constant_value": "web"}}}]}});
    if version.starts_with("0.1") {
        // Terraform 0.12's plans list unchanged resources only in the prior state.
        json!({
            "format_version": version,
            "prior_state": {"format_version": "0.1", "values": {"root_module": {"resources": [
                {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web", "values": group}
            ]}}},
            "planned_values": {"root_module": {}},
            "resource_changes": [],
            "configuration": config,
        })
    } else {
        json!({
            "format_version": version,
            "planned_values": {"root_module": {}},
            "resource_changes": [{"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group",
                "name": "web", "change": {"actions": ["create"], "after": group, "after_unknown": {}}}],
            "configuration": config,
        })
    }
}

#[test]
fn every_plan_format_version_terraform_wrote_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    for version in ["0.1", "0.2", "1.0", "1.1", "1.2"] {
        let path = dir.path().join(format!("plan-{version}.json"));
        std::fs::write(&path, one_group_plan(version).to_string()).expect("write");
        let r = report(&[path.to_str().expect("utf-8")]);
        assert_eq!(
            status(&r, "ec2-sg-no-public-ssh", "aws_security_group.web").as_deref(),
            Some("fail"),
            "format {version}"
        );
    }
}

fn refused(text: &str, name: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    let o = audit(&["plan", path.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{name} was not refused");
    assert!(o.stdout.is_empty(), "{name}: partial output");
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains(name), "{name}: the error does not name the file: {err}");
    err
}

#[test]
fn malformed_plans_are_refused_with_file_line_and_column() {
    let err = refused(
        "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\"address\": \n",
        "truncated.json",
    );
    assert!(err.contains("truncated.json:5:"), "{err}");
    let err = refused(
        "{\n  \"format_version\": \"2.0\",\n  \"resource_changes\": []\n}\n",
        "future.json",
    );
    assert!(
        err.contains("future.json:2:3") && err.contains("\"2.0\" is not supported"),
        "{err}"
    );
    let err = refused(
        "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {}}}",
        "state.json",
    );
    assert!(err.contains("looks like a state"), "{err}");
    let err = refused("[1, 2]", "list.json");
    assert!(err.contains("not a JSON object"), "{err}");
    let err = refused("{\"format_version\": 1.2, \"resource_changes\": []}", "number.json");
    assert!(err.contains("expected a string"), "{err}");
    let err = refused("{\"format_version\": \"1.2\", \"resource_changes\": {}}", "object.json");
    assert!(err.contains("resource_changes"), "{err}");
    let o = audit(&["plan", "fixtures/terraform/missing.json"]);
    assert_eq!(o.status.code(), Some(2));
    let o = audit(&["plan", SEED, "--account-id", "12345"]);
    assert_eq!(o.status.code(), Some(2), "a bad account id is a usage error");
}

#[test]
fn modules_installed_by_terraform_init_are_located_through_modules_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let module_dir = root.join(".terraform/modules/store");
    std::fs::create_dir_all(&module_dir).expect("dirs");
    std::fs::write(
        root.join(".terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"store","Source":"registry.terraform.io/x/store/aws","Dir":".terraform/modules/store"}]}"#,
    )
    .expect("modules.json");
    std::fs::write(
        root.join("main.tf"),
        "module \"store\" {\n  source = \"x/store/aws\"\n}\n",
    )
    .expect("main.tf");
    std::fs::write(
        module_dir.join("s3.tf"),
        "\n\n# the bucket\nresource \"aws_s3_bucket\" \"this\" {\n}\n",
    )
    .expect("s3.tf");
    let plan = json!({
        "format_version": "1.2",
        "resource_changes": [{"address": "module.store.aws_s3_bucket.this", "module_address": "module.store", "mode": "managed",
            "type": "aws_s3_bucket", "name": "this", "change": {"actions": ["create"], "after": {"bucket": "store-x", "acl": "public-read"}, "after_unknown": {}}}],
        "configuration": {"root_module": {"module_calls": {"store": {"source": "x/store/aws", "module": {"resources": [
            {"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "expressions": {}}]}}}}},
    });
    let path = root.join("tfplan.json");
    std::fs::write(&path, plan.to_string()).expect("plan");
    let r = report(&[path.to_str().expect("utf-8")]);
    let f = findings(&r, "s3-bucket-mfa-delete", "module.store.aws_s3_bucket.this");
    assert_eq!(f[0]["status"], "fail");
    let location = &f[0]["resource"]["location"];
    assert!(
        location["file"]
            .as_str()
            .unwrap_or_default()
            .ends_with(".terraform/modules/store/s3.tf"),
        "{location}"
    );
    assert_eq!(location["line"], 4);
}

#[test]
fn the_plan_fixtures_are_what_their_generator_writes() {
    let o = Command::new("python3")
        .args(["fixtures/terraform/make_plans.py", "--check"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A resource change and its configuration block, for plans written here.
struct Built {
    changes: Vec<Value>,
    configs: Vec<Value>,
}

impl Built {
    fn new() -> Built {
        Built {
            changes: Vec::new(),
            configs: Vec::new(),
        }
    }

    /// A created resource; `refs` are (attribute path, referenced resource)
    /// pairs whose values are unknown until apply.
    fn add(&mut self, rtype: &str, name: &str, after: Value, refs: &[(&str, &str)]) -> &mut Built {
        let mut unknown = json!({"id": true, "arn": true});
        let mut expressions = json!({});
        for (path, target) in refs {
            let references = json!({"references": [format!("{target}.id"), target]});
            set(&mut unknown, path, json!(true));
            set(&mut expressions, path, references);
        }
        if let Value::Object(after) = &after {
            for (k, v) in after {
                if !v.is_array() && !v.is_object() && expressions.get(k).is_none() {
                    expressions[k] = json!({"constant_value": v});
                }
            }
        }
        self.changes.push(
            json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": ["create"], "after": after, "after_unknown": unknown}}),
        );
        self.configs.push(
            json!({"address": format!("{rtype}.{name}"), "mode": "managed", "type": rtype, "name": name,
            "provider_config_key": "aws", "expressions": expressions}),
        );
        self
    }

    fn write(&self, dir: &Path) -> PathBuf {
        let plan = json!({"format_version": "1.2", "planned_values": {"root_module": {}},
            "resource_changes": self.changes, "configuration": {"root_module": {"resources": self.configs}}});
        let path = dir.join("tfplan.json");
        std::fs::write(&path, plan.to_string()).expect("write");
        path
    }
}

/// Sets `value` at a dotted path (numbers index lists), creating objects
/// and lists on the way.
fn set(tree: &mut Value, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let mut node = tree;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let next_is_index = parts.get(i + 1).is_some_and(|p| p.parse::<usize>().is_ok());
        if let Ok(index) = part.parse::<usize>() {
            let list = node.as_array_mut().expect("a list");
            while list.len() <= index {
                list.push(if next_is_index { json!([]) } else { json!({}) });
            }
            node = &mut list[index];
        } else {
            if !node.is_object() {
                *node = json!({});
            }
            let entry = node
                .as_object_mut()
                .expect("an object")
                .entry(part.to_string())
                .or_insert_with(|| if next_is_index { json!([]) } else { json!({}) });
            node = entry;
        }
        if last {
            *node = value;
            return;
        }
    }
}

#[test]
fn edge_compute_secrets_and_monitoring_resources_are_judged_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut b = Built::new();
    b.add("aws_s3_bucket", "site", json!({"bucket": "edge-site"}), &[])
        .add("aws_cloudfront_origin_access_control", "site", json!({"name": "site"}), &[])
        .add("aws_cloudfront_response_headers_policy", "weak", json!({"name": "weak",
            "security_headers_config": [{"strict_transport_security": [{"access_control_max_age_sec": 300,
                "include_subdomains": false, "preload": false, "override": true}],
                "content_type_options": [{"override": true}]}]}), &[])
        .add("aws_cloudfront_distribution", "site", json!({"enabled": true, "aliases": [],
            "origin": [{"origin_id": "s3"}],
            "default_cache_behavior": [{"target_origin_id": "s3", "viewer_protocol_policy": "allow-all"}],
            "viewer_certificate": [{"cloudfront_default_certificate": true}]}),
            &[("origin.0.domain_name", "aws_s3_bucket.site"), ("origin.0.origin_access_control_id", "aws_cloudfront_origin_access_control.site"),
              ("default_cache_behavior.0.response_headers_policy_id", "aws_cloudfront_response_headers_policy.weak")])
        .add("aws_lb", "web", json!({"name": "web", "internal": false}), &[])
        .add("aws_lb_listener", "http", json!({"port": 80, "protocol": "HTTP", "default_action": [{"type": "forward"}]}),
            &[("load_balancer_arn", "aws_lb.web")])
        .add("aws_ecs_task_definition", "api", json!({"family": "api", "container_definitions":
            json!([{"name": "api", "image": "api:1", "environment": [{"name": "STRIPE_SECRET_KEY", "value": "sk_live_51Habcdefghijklmnopqrstuv"}]}]).to_string()}), &[])
        .add("aws_ecs_service", "api", json!({"name": "api", "launch_type": "FARGATE", "desired_count": 2,
            "network_configuration": [{"assign_public_ip": true, "subnets": ["subnet-0a"], "security_groups": ["sg-0a"]}]}),
            &[("task_definition", "aws_ecs_task_definition.api")])
        .add("aws_elastic_beanstalk_environment", "admin", json!({"name": "admin", "application": "admin",
            "setting": [{"namespace": "aws:elasticbeanstalk:application:environment", "name": "DB_PASSWORD", "value": "Adm1n-Pa55-2026"}]}), &[])
        .add("aws_secretsmanager_secret", "rotated", json!({"name": "rotated"}), &[])
        .add("aws_secretsmanager_secret_rotation", "rotated", json!({"rotation_rules": [{"automatically_after_days": 30}]}),
            &[("secret_id", "aws_secretsmanager_secret.rotated")])
        .add("aws_secretsmanager_secret", "static", json!({"name": "static"}), &[])
        .add("aws_elasticache_replication_group", "cache", json!({"replication_group_id": "cache", "description": "c",
            "at_rest_encryption_enabled": true, "transit_encryption_enabled": false}), &[])
        .add("aws_launch_template", "app", json!({"name": "app", "metadata_options": [{"http_tokens": "optional"}]}), &[]);
    let path = b.write(dir.path());
    let r = report(&[path.to_str().expect("utf-8")]);
    let expect = [
        ("cloudfront-viewer-https", "aws_cloudfront_distribution.site", "fail"),
        ("cloudfront-hsts", "aws_cloudfront_distribution.site", "fail"),
        // The bucket knows its distribution through the unknown domain name's reference.
        ("cloudfront-s3-origin-oac", "aws_cloudfront_distribution.site", "pass"),
        // The listener joins its load balancer through the unknown ARN.
        ("elbv2-http-redirects-to-https", "aws_lb.web", "fail"),
        ("ecs-no-secrets-in-environment", "aws_ecs_task_definition.api", "fail"),
        ("ecs-service-no-public-ip", "aws_ecs_service.api", "fail"),
        (
            "elasticbeanstalk-no-secrets-in-environment",
            "aws_elastic_beanstalk_environment.admin",
            "fail",
        ),
        ("secretsmanager-rotation", "aws_secretsmanager_secret.rotated", "pass"),
        ("secretsmanager-rotation", "aws_secretsmanager_secret.static", "fail"),
        (
            "elasticache-encrypted",
            "aws_elasticache_replication_group.cache",
            "fail",
        ),
        ("ec2-launch-template-imdsv2", "aws_launch_template.app", "fail"),
    ];
    let mut wrong = Vec::new();
    for (rule, address, want) in expect {
        let got = status(&r, rule, address);
        if got.as_deref() != Some(want) {
            wrong.push(format!("{rule} on {address}: {got:?}, expected {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for secret in ["sk_live_51Habcdefghijklmnopqrstuv", "Adm1n-Pa55-2026"] {
        assert!(!r.to_string().contains(secret), "a secret was printed in full");
    }
}

#[test]
fn an_alarm_whose_subscriber_must_still_confirm_is_not_a_monitored_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut b = Built::new();
    b.add("aws_cloudwatch_log_group", "trail", json!({"name": "trail", "retention_in_days": 365}), &[])
        .add("aws_cloudtrail", "main", json!({"name": "main", "s3_bucket_name": "trail-logs", "is_multi_region_trail": true,
            "enable_log_file_validation": true}), &[("cloud_watch_logs_group_arn", "aws_cloudwatch_log_group.trail")])
        .add("aws_cloudwatch_log_metric_filter", "root", json!({"name": "root",
            "pattern": "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }",
            "metric_transformation": [{"name": "RootUsage", "namespace": "CIS", "value": "1"}]}),
            &[("log_group_name", "aws_cloudwatch_log_group.trail")])
        .add("aws_sns_topic", "alerts", json!({"name": "alerts"}), &[])
        .add("aws_sns_topic_subscription", "email", json!({"protocol": "email", "endpoint": "sec@example.com"}),
            &[("topic_arn", "aws_sns_topic.alerts")])
        .add("aws_cloudwatch_metric_alarm", "root", json!({"alarm_name": "root", "metric_name": "RootUsage", "namespace": "CIS",
            "comparison_operator": "GreaterThanOrEqualToThreshold", "threshold": 1, "evaluation_periods": 1, "period": 300,
            "statistic": "Sum"}), &[("alarm_actions", "aws_sns_topic.alerts")]);
    let path = b.write(dir.path());
    let r = report(&[path.to_str().expect("utf-8")]);
    let f: Vec<&Value> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "cloudwatch-alarm-root-usage")
        .collect();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["status"], "error", "{}", f[0]["message"]);
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("subscriptions known only after apply")
    );
}

#[test]
fn references_are_followed_through_module_variables_and_outputs() {
    // The root creates a bucket and passes its id to module "policy"
    // (var.bucket); module "store" creates another and exports it
    // (output "id"), which a root resource then uses. Every id is unknown.
    let change = |address: &str, module: Option<&str>, rtype: &str, name: &str, after: Value, unknown: Value| {
        let mut c = json!({"address": address, "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": ["create"], "after": after, "after_unknown": unknown}});
        if let Some(m) = module {
            c["module_address"] = json!(m);
        }
        c
    };
    let open = json!({"block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false});
    let public = json!({"policy": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "*"}]}).to_string()});
    let plan = json!({
        "format_version": "1.2",
        "resource_changes": [
            change("aws_s3_bucket.root", None, "aws_s3_bucket", "root", json!({}), json!({"id": true, "bucket": true})),
            change("aws_s3_bucket_public_access_block.root", None, "aws_s3_bucket_public_access_block", "root", open.clone(), json!({"bucket": true})),
            change("module.policy.aws_s3_bucket_policy.this", Some("module.policy"), "aws_s3_bucket_policy", "this", public.clone(), json!({"bucket": true})),
            change("module.store.aws_s3_bucket.this", Some("module.store"), "aws_s3_bucket", "this", json!({}), json!({"id": true, "bucket": true})),
            change("aws_s3_bucket_public_access_block.store", None, "aws_s3_bucket_public_access_block", "store", open, json!({"bucket": true})),
            change("aws_s3_bucket_policy.store", None, "aws_s3_bucket_policy", "store", public, json!({"bucket": true})),
        ],
        "configuration": {"root_module": {
            "resources": [
                {"address": "aws_s3_bucket.root", "mode": "managed", "type": "aws_s3_bucket", "name": "root", "expressions": {}},
                {"address": "aws_s3_bucket_public_access_block.root", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "root",
                 "expressions": {"bucket": {"references": ["aws_s3_bucket.root.id", "aws_s3_bucket.root"]}}},
                {"address": "aws_s3_bucket_public_access_block.store", "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "store",
                 "expressions": {"bucket": {"references": ["module.store.id", "module.store"]}}},
                {"address": "aws_s3_bucket_policy.store", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "store",
                 "expressions": {"bucket": {"references": ["module.store.id", "module.store"]}}},
            ],
            "module_calls": {
                "policy": {"source": "./modules/policy",
                    "expressions": {"bucket": {"references": ["aws_s3_bucket.root.id", "aws_s3_bucket.root"]}},
                    "module": {"resources": [{"address": "aws_s3_bucket_policy.this", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "this",
                        "expressions": {"bucket": {"references": ["var.bucket"]}}}]}},
                "store": {"source": "./modules/store",
                    "module": {"resources": [{"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "expressions": {}}],
                        "outputs": {"id": {"expression": {"references": ["aws_s3_bucket.this.id", "aws_s3_bucket.this"]}}}}},
            },
        }},
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tfplan.json");
    std::fs::write(&path, plan.to_string()).expect("write");
    let r = report(&[path.to_str().expect("utf-8")]);
    assert_eq!(
        status(&r, "s3-bucket-no-public-read", "aws_s3_bucket.root").as_deref(),
        Some("fail")
    );
    assert_eq!(
        status(&r, "s3-bucket-no-public-read", "module.store.aws_s3_bucket.this").as_deref(),
        Some("fail")
    );
}
