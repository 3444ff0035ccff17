//! Live collection against the moto AWS emulator, started and seeded by
//! scripts/test.sh (MOTO_ENDPOINT). The real `audit` binary reads the
//! emulator through the AWS SDK, and the findings are asserted.
#![cfg(feature = "aws")]

use std::process::Command;

mod common;
use common::moto_endpoint;

fn audit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(args)
        .output()
        .expect("audit runs")
}

/// Collects the seeded emulator once (both regions) for the tests that read
/// the snapshot: the path, and the collector's standard error.
fn collected(endpoint: &str) -> &'static (std::path::PathBuf, String) {
    static ONCE: std::sync::OnceLock<(std::path::PathBuf, String)> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        let snapshot = dir.join("moto.json");
        let o = audit(&[
            "collect",
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--max-attempts",
            "1",
            "--call-timeout",
            "10",
            "-o",
            snapshot.to_str().expect("utf-8"),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        (snapshot, stderr)
    })
}

fn load(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("written")).expect("JSON")
}

#[test]
fn collect_reads_every_seeded_service() {
    let Some(endpoint) = moto_endpoint() else { return };
    let (snapshot, stderr) = collected(&endpoint);
    assert!(stderr.contains("collected "), "the summary line: {stderr}");
    assert!(!stderr.contains("\r"), "no progress display off a terminal");
    let snap = load(snapshot);
    assert_eq!(snap["account"]["id"], "123456789012");
    let resources = &snap["resources"];
    let find = |kind: &str, id: &str| -> serde_json::Value {
        resources[kind]
            .as_array()
            .unwrap_or_else(|| panic!("no {kind}"))
            .iter()
            .find(|r| r["id"] == id || r["name"] == id)
            .unwrap_or_else(|| panic!("no {kind} {id}"))
            .clone()
    };
    // Every kind the build collects (as the snapshot lists them) was found,
    // except those the emulator cannot serve (see the gaps below).
    let cannot_serve = [
        "ssm.managed_instance",
        "cloudfront.response_headers_policy",
        "cloudwatch.alarm",
        "iam.root_user",
        "elasticache.serverless_cache",
        "s3.bucket_versioning",
        "accessanalyzer.analyzer",
    ];
    let collected = snap["collected"].as_array().expect("collected");
    assert!(collected.len() >= 40, "{collected:?}");
    for kind in collected.iter().filter_map(|k| k.as_str()) {
        if cannot_serve.contains(&kind) {
            continue;
        }
        assert!(
            resources[kind].as_array().is_some_and(|a| !a.is_empty()),
            "{kind} was not collected"
        );
    }

    // The S3 settings, each read in the bucket's own region.
    assert_eq!(find("s3.bucket", "public-assets")["region"], "us-east-1");
    assert_eq!(
        find("s3.bucket", "public-assets")["policy"]["Statement"][0]["Principal"],
        "*"
    );
    assert_eq!(find("s3.bucket", "private-logs")["region"], "eu-west-1");
    assert_eq!(find("s3.bucket", "private-logs")["encryption"]["algorithm"], "aws:kms");
    assert_eq!(
        find("s3.bucket", "org-trail-logs")["logging_target"],
        serde_json::Value::Null
    );
    // (moto 5.2.1 turns the canned `public-read-write` into a READ grant.)
    assert!(
        find("s3.bucket", "drop-box")["acl_public_grants"]
            .as_array()
            .is_some_and(|g| g.contains(&serde_json::json!("AllUsers:READ")))
    );
    // S3 Control, through the fixed-endpoint resolver.
    assert_eq!(
        find("s3.account_public_access_block", "123456789012")["restrict_public_buckets"],
        false
    );
    // User data, base64-decoded, and the metadata options.
    let instance = find("ec2.instance", "app-us-east-1");
    assert_eq!(instance["metadata_http_tokens"], "optional");
    assert!(
        instance["user_data"]
            .as_str()
            .is_some_and(|u| u.contains("DB_PASSWORD="))
    );
    assert_eq!(
        find("ec2.launch_template", "app-eu-west-1")["metadata_http_tokens"],
        "required"
    );
    // Network ACLs with their entries in rule-number order.
    let acls = resources["ec2.network_acl"].as_array().expect("network ACLs");
    assert!(acls.iter().any(|a| {
        a["is_default"] == true
            && a["entries"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["rule_number"] == 100 && e["allow"] == true))
    }));
    // Every version of a launch template, the default apart.
    let batch = find("ec2.launch_template", "batch");
    assert_eq!(batch["version"], 2);
    assert!(batch["user_data"].as_str().is_some_and(|u| u.contains("systemctl")));
    assert_eq!(batch["other_versions"][0]["version"], 1);
    assert!(
        batch["other_versions"][0]["user_data"]
            .as_str()
            .is_some_and(|u| u.contains("SLACK_TOKEN"))
    );
    // Customer prefix lists with their entries; AWS managed ones without.
    let partners = find("ec2.prefix_list", "partners");
    assert_eq!(partners["cidrs"], serde_json::json!(["0.0.0.0/1", "128.0.0.0/1"]));
    let aws_lists: Vec<&serde_json::Value> = resources["ec2.prefix_list"]
        .as_array()
        .expect("prefix lists")
        .iter()
        .filter(|l| l["owner_id"] == "AWS")
        .collect();
    assert!(!aws_lists.is_empty(), "moto serves AWS managed lists (com.amazonaws.*)");
    assert!(
        aws_lists
            .iter()
            .all(|l| l["cidrs"].as_array().is_some_and(Vec::is_empty))
    );
    // RDS parameters, only those the rules read.
    assert_eq!(
        find("rds.parameter_group", "pg-lax")["parameters"],
        serde_json::json!({"rds.force_ssl": "0"})
    );
    // Aurora: the cluster with its cluster parameter group, the member
    // instance joined to it.
    let cluster = find("rds.db_cluster", "multi-container-app");
    assert_eq!(
        (&cluster["engine"], &cluster["parameter_group"], &cluster["member_ids"]),
        (
            &serde_json::json!("aurora-postgresql"),
            &serde_json::json!("aurora-lax"),
            &serde_json::json!(["multi-container-app-1"])
        )
    );
    assert_eq!(
        find("rds.cluster_parameter_group", "aurora-lax")["parameters"],
        serde_json::json!({"rds.force_ssl": "0"})
    );
    assert_eq!(
        find("rds.db_instance", "multi-container-app-1")["cluster_id"],
        "multi-container-app"
    );
    // A cache cluster outside any replication group; the group's own member
    // is not listed twice.
    let pages = find("elasticache.cache_cluster", "pages");
    assert_eq!(
        (&pages["engine"], &pages["transit_encryption"]),
        (&serde_json::json!("memcached"), &serde_json::json!(true))
    );
    assert_eq!(resources["elasticache.cache_cluster"].as_array().map(Vec::len), Some(1));
    assert_eq!(find("ecs.task_definition", "api:1")["containers"][0]["name"], "api");
    assert_eq!(find("wafv2.web_acl", "api-acl")["rules"][0]["rate_limit"], 1000);
    // A customer rule group's rules, read through the reference.
    let shared = &find("wafv2.web_acl", "shared-acl")["rules"][0];
    assert_eq!(
        (&shared["override_action"], &shared["group_rules"][0]["rate_limit"]),
        (&serde_json::json!("none"), &serde_json::json!(500))
    );
    assert_eq!(resources["cloudfront.distribution"][0]["origins"][0]["id"], "assets");
    // IAM: the document URL-decoded, attachments from the users.
    let policy = find("iam.policy", "everything");
    assert_eq!(policy["document"]["Statement"][0]["Action"], "*");
    assert_eq!(policy["attached_to"], serde_json::json!(["user/alice"]));
    assert_eq!(find("iam.user", "alice")["password_enabled"], true);
    let bob = find("iam.user", "bob");
    assert_eq!(bob["groups"], serde_json::json!(["admins"]));
    assert_eq!(
        bob["group_policy_arns"],
        serde_json::json!(["arn:aws:iam::aws:policy/AdministratorAccess"])
    );
    assert_eq!(find("cloudtrail.trail", "org-trail")["is_logging"], true);
    assert_eq!(
        find("cloudtrail.trail", "org-trail")["cloudwatch_logs_log_group_arn"],
        "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail:*"
    );
    let filter = find("logs.metric_filter", "root-usage");
    assert_eq!(
        (&filter["log_group"], &filter["metrics"][0]["name"]),
        (&serde_json::json!("cloudtrail"), &serde_json::json!("RootAccountUsage"))
    );
    assert_eq!(find("sns.topic", "ops-alerts")["subscriptions"][0]["protocol"], "email");

    // Seed 002's backend: the ECS service with its network configuration.
    let service = find("ecs.service", "api");
    assert_eq!(
        (
            &service["cluster"],
            &service["launch_type"],
            &service["assign_public_ip"]
        ),
        (
            &serde_json::json!("app"),
            &serde_json::json!("FARGATE"),
            &serde_json::json!(true)
        )
    );
    assert_eq!(service["security_groups"].as_array().map(Vec::len), Some(1));
    assert_eq!(service["subnet_ids"].as_array().map(Vec::len), Some(2));
    assert!(
        service["target_groups"][0]
            .as_str()
            .is_some_and(|t| t.contains(":targetgroup/web/"))
    );
    // Snapshots with who may restore them.
    let public: Vec<&serde_json::Value> = (snap["resources"]["ec2.snapshot"].as_array().expect("snapshots").iter())
        .filter(|s| s["create_volume_permissions"] == serde_json::json!(["all"]))
        .collect();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["region"], "us-east-1");
    assert_eq!(
        find("rds.db_snapshot", "orders-export")["restore"],
        serde_json::json!(["all"])
    );
    assert_eq!(
        find("rds.db_snapshot", "orders-shared")["restore"],
        serde_json::json!(["111122223333"])
    );
    assert_eq!(find("rds.db_snapshot", "orders-shared")["source"], "orders");
    // Certificates, file systems, trust policies, MFA devices.
    let certificates = snap["resources"]["acm.certificate"].as_array().expect("certificates");
    assert_eq!(
        (
            &certificates[0]["domain_name"],
            &certificates[0]["type"],
            &certificates[0]["status"]
        ),
        (
            &serde_json::json!("shop.example.com"),
            &serde_json::json!("IMPORTED"),
            &serde_json::json!("ISSUED")
        )
    );
    assert!(certificates[0]["not_after"].as_str().is_some());
    assert!(
        find("iam.server_certificate", "old-www")["expires_at"]
            .as_str()
            .is_some()
    );
    let systems = snap["resources"]["efs.file_system"].as_array().expect("file systems");
    let shared = systems
        .iter()
        .find(|f| f["name"] == "shared")
        .expect("the shared file system");
    assert_eq!(
        (&shared["region"], &shared["encrypted"]),
        (&serde_json::json!("us-east-1"), &serde_json::json!(false))
    );
    assert_eq!(
        find("iam.role", "vendor-read")["trust_policy"]["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        "7f3c2a"
    );
    assert_eq!(
        find("iam.virtual_mfa_device", "arn:aws:iam::123456789012:mfa/spare-phone")["user_arn"],
        serde_json::Value::Null
    );

    // What moto 5.2.1 cannot answer is a gap, each named, never data.
    let gaps: Vec<String> = snap["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .map(|g| format!("{} {} {} {}", g["service"], g["region"], g["operation"], g["code"]).replace('"', ""))
        .collect();
    assert_eq!(
        gaps,
        vec![
            "accessanalyzer eu-west-1 ListAnalyzers HTTP 500",
            "accessanalyzer us-east-1 ListAnalyzers HTTP 500",
            "cloudfront global ListResponseHeadersPolicies HTTP 404",
            "cloudwatch eu-west-1 DescribeAlarms HTTP 404",
            "cloudwatch us-east-1 DescribeAlarms HTTP 404",
            "elasticache eu-west-1 DescribeServerlessCaches HTTP 500",
            "elasticache us-east-1 DescribeServerlessCaches HTTP 500",
            "elasticbeanstalk us-east-1 DescribeConfigurationSettings HTTP 500",
            "iam global GetCredentialReport NoRootRow",
            "s3 eu-west-1 GetBucketVersioning HTTP 200",
            "s3 us-east-1 GetBucketVersioning HTTP 200",
            "s3 us-east-1 GetBucketVersioning HTTP 200",
            "s3 us-east-1 GetBucketVersioning HTTP 200",
            "ssm eu-west-1 DescribeInstanceInformation HTTP 500",
            "ssm us-east-1 DescribeInstanceInformation HTTP 500",
        ]
    );
}

#[test]
fn the_collected_account_gets_the_right_findings() {
    let Some(endpoint) = moto_endpoint() else { return };
    let (snapshot, _) = collected(&endpoint);
    let path = snapshot.to_str().expect("utf-8");
    let o = audit(&["scan", "--snapshot", path, "--format", "json", "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    // The one distribution has a generated id.
    let distribution = load(snapshot)["resources"]["cloudfront.distribution"][0]["id"]
        .as_str()
        .expect("a distribution")
        .to_string();
    // The statuses of `rule` on the resource named (or with id) `name`;
    // `kind#name` and `name@region` narrow it down; `*` is any resource.
    let status = |rule: &str, name: &str| -> Vec<String> {
        let (kind, name) = name.split_once('#').map_or((None, name), |(k, n)| (Some(k), n));
        let (name, region) = name.split_once('@').map_or((name, None), |(n, r)| (n, Some(r)));
        let name = if name == "assets" { distribution.as_str() } else { name };
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| {
                f["rule_id"] == rule && (name == "*" || f["resource"]["name"] == name || f["resource"]["id"] == name)
            })
            .filter(|f| region.is_none_or(|r| f["resource"]["region"] == r))
            .filter(|f| kind.is_none_or(|k| f["resource"]["kind"] == k))
            .map(|f| f["status"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let expect = [
        // EC2 and the network.
        ("ec2-sg-no-public-ssh", "web-ssh", "fail"),
        ("ec2-sg-no-public-ssh", "db", "pass"),
        // Every default network ACL allows all inbound traffic (CIS 5.1).
        ("ec2-nacl-no-public-admin-ports", "*@eu-west-1", "fail"),
        // Groups carried by a network interface are in use; the others not.
        ("ec2-sg-unused", "web-ssh", "fail"),
        // A customer prefix list is read for what it holds.
        ("ec2-sg-no-public-rdp", "rdp-partners", "fail"),
        ("ec2-sg-no-public-rdp", "db", "pass"),
        ("ec2-ebs-default-encryption", "us-east-1", "fail"),
        ("ec2-ebs-default-encryption", "eu-west-1", "pass"),
        ("vpc-flow-logs-enabled", "*@eu-west-1", "pass"),
        ("vpc-flow-logs-enabled", "*@us-east-1", "fail"),
        ("ec2-instance-imdsv2-required", "app-us-east-1", "fail"),
        ("ec2-instance-imdsv2-required", "app-eu-west-1", "pass"),
        ("ec2-launch-template-imdsv2", "app-us-east-1", "fail"),
        ("ec2-launch-template-imdsv2", "batch", "pass"),
        ("ec2-no-secrets-in-user-data", "ec2.instance#app-us-east-1", "fail"),
        // Gzip-compressed user data is decoded before it is searched.
        ("ec2-no-secrets-in-user-data", "ec2.instance#worker-gzip", "fail"),
        (
            "ec2-no-secrets-in-user-data",
            "ec2.launch_template#app-us-east-1",
            "fail",
        ),
        ("ec2-no-secrets-in-user-data", "ec2.instance#app-eu-west-1", "pass"),
        // A secret in a launch template version that is no longer the default.
        ("ec2-no-secrets-in-user-data", "ec2.launch_template#batch", "fail"),
        // Data stores.
        ("rds-no-public-access", "orders-public", "fail"),
        ("rds-no-public-access", "orders", "pass"),
        ("rds-storage-encrypted", "orders-public", "fail"),
        ("rds-storage-encrypted", "orders", "pass"),
        ("rds-backup-retention", "orders-public", "fail"),
        ("rds-backup-retention", "orders", "pass"),
        ("rds-force-ssl", "orders-public", "fail"),
        ("rds-force-ssl", "orders", "pass"),
        ("elasticache-encrypted", "sessions", "fail"),
        ("elasticache-encrypted", "pages", "pass"),
        // Serverless caches cannot be listed by the emulator: the regions say so.
        ("elasticache-encrypted", "region#us-east-1", "error"),
        // Aurora: judged at cluster level, the member skipped.
        ("rds-force-ssl", "rds.db_cluster#multi-container-app", "fail"),
        ("rds-deletion-protection", "rds.db_cluster#multi-container-app", "fail"),
        ("rds-logs-exported", "rds.db_cluster#multi-container-app", "pass"),
        ("rds-storage-encrypted", "rds.db_cluster#multi-container-app", "pass"),
        ("s3-account-public-access-block", "123456789012", "fail"),
        ("s3-origin-uses-oac", "public-assets", "fail"),
        ("s3-bucket-no-public-read", "public-assets", "fail"),
        ("s3-bucket-no-public-write", "public-assets", "pass"),
        ("s3-bucket-no-public-write", "drop-box", "fail"),
        ("s3-bucket-no-public-read", "private-logs", "pass"),
        // Secrets out of environment variables.
        ("ecs-no-secrets-in-environment", "api:1@us-east-1", "fail"),
        ("ecs-no-secrets-in-environment", "api:1@eu-west-1", "pass"),
        ("lambda-no-secrets-in-environment", "worker@us-east-1", "fail"),
        ("lambda-no-secrets-in-environment", "worker@eu-west-1", "pass"),
        ("secretsmanager-rotation", "stripe", "fail"),
        // The edge.
        ("cloudfront-viewer-https", "assets", "fail"),
        ("cloudfront-s3-origin-oac", "assets", "fail"),
        ("cloudfront-s3-origin-exists", "assets", "fail"),
        ("elbv2-http-redirects-to-https", "web", "fail"),
        ("elbv2-waf-attached", "web", "fail"),
        // Identity, keys, logging, detection.
        ("iam-no-admin-policies", "everything", "fail"),
        ("iam-no-admin-attached", "alice", "fail"),
        ("iam-no-admin-attached", "bob", "fail"),
        ("iam-user-console-mfa", "alice", "fail"),
        ("iam-password-policy", "123456789012", "fail"),
        ("cloudtrail-multi-region", "123456789012", "pass"),
        ("cloudtrail-log-validation", "org-trail", "pass"),
        ("cloudtrail-bucket-access-logging", "org-trail", "fail"),
        // moto 5.2.1 answers GetBucketVersioning with a root element the SDK
        // rejects: versioning is unknown, and only the rule reading it says so.
        ("s3-bucket-mfa-delete", "org-trail-logs", "error"),
        ("guardduty-enabled", "us-east-1", "fail"),
        ("guardduty-enabled", "eu-west-1", "pass"),
        ("securityhub-enabled", "eu-west-1", "pass"),
        ("config-recorder-all-regions", "eu-west-1", "pass"),
        ("logs-retention-set", "/app/forever", "fail"),
        ("logs-retention-set", "/app/kept", "pass"),
        ("ecr-scan-on-push", "api", "fail"),
        // The emulator's gaps: `error` on exactly what they leave unknown.
        ("elasticbeanstalk-no-secrets-in-environment", "shop-prod", "error"),
        ("iam-root-mfa", "123456789012", "error"),
        ("cloudfront-hsts", "assets", "error"),
        ("rds-has-alarms", "orders", "error"),
        ("ec2-instance-managed-by-ssm", "app-us-east-1", "error"),
        // The CIS 4.3 filter is there; the alarms cannot be read from moto.
        ("cloudwatch-alarm-root-usage", "123456789012", "error"),
        // Seed 002's backend and the load balancer in front of it.
        ("ecs-service-no-public-ip", "api", "fail"),
        ("ecs-service-ingress-only-from-load-balancer", "api", "fail"),
        ("elbv2-deletion-protection", "web", "pass"),
        ("elbv2-desync-mitigation", "web", "fail"),
        ("elbv2-access-logs", "web", "fail"),
        // Snapshots, file systems, certificates.
        ("rds-snapshot-not-public", "orders-export", "fail"),
        ("rds-snapshot-not-public", "orders-shared", "pass"),
        ("efs-encrypted", "shared", "fail"),
        ("ec2-snapshot-not-public", "*@us-east-1", "fail"),
        ("ec2-snapshot-not-public", "*@eu-west-1", "pass"),
        ("ec2-instance-no-public-ip", "app-us-east-1", "fail"),
        ("iam-server-certificate-expired", "old-www", "fail"),
        // Trust policies: the GitHub role without `sub`, the vendor role with an external id.
        ("iam-role-github-oidc-scoped", "gha-audit", "fail"),
        ("iam-role-cross-account-external-id", "vendor-read", "pass"),
        ("iam-role-trust-not-public", "vendor-read", "pass"),
        ("cloudtrail-cloudwatch-logs", "org-trail", "pass"),
        // moto cannot list analyzers (500), nor serve versioning: undecided.
        ("access-analyzer-enabled", "us-east-1", "error"),
        ("cloudtrail-bucket-immutable", "org-trail", "error"),
        ("iam-root-hardware-mfa", "123456789012", "error"),
    ];
    let mut wrong = Vec::new();
    for (rule, resource, want) in expect {
        let got = status(rule, resource);
        if got != vec![want.to_string()] {
            wrong.push(format!("{rule} on {resource}: want {want}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // An Aurora member is not judged on what its cluster holds.
    for rule in [
        "rds-force-ssl",
        "rds-deletion-protection",
        "rds-multi-az",
        "rds-logs-exported",
    ] {
        assert!(
            status(rule, "rds.db_instance#multi-container-app-1").is_empty(),
            "{rule}"
        );
    }
    // The precision of gaps: a database rule that reads no alarm is decided.
    assert_eq!(status("rds-storage-encrypted", "orders"), vec!["pass"]);
    // No secret value from the seeded environment reaches the report.
    let text = String::from_utf8_lossy(&o.stdout);
    for secret in ["hunter2-prod-Zx81", "sk_live_51HxAbCdEfGhIjKlMnOpQr"] {
        assert!(!text.contains(secret), "{secret} printed in full");
    }
}

#[test]
fn strict_collection_exits_2_on_gaps_and_still_writes_the_snapshot() {
    let Some(endpoint) = moto_endpoint() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let snapshot = dir.path().join("strict.json");
    let o = audit(&[
        "collect",
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
        "--max-attempts",
        "1",
        "--strict",
        "--quiet",
        "-o",
        snapshot.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--strict") && err.contains("gaps"), "{err}");
    assert!(!err.contains("collected "), "--quiet drops the summary line: {err}");
    assert!(!load(&snapshot)["gaps"].as_array().expect("gaps").is_empty());
    // The snapshot holds raw configuration: readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&snapshot).expect("written").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}

#[test]
fn the_one_step_audit_collects_and_gates() {
    let Some(endpoint) = moto_endpoint() else { return };
    let o = audit(&[
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--max-attempts",
        "1",
        "--only",
        "ec2-sg-no-public-ssh",
        "--format",
        "json",
        "--now",
        "2026-11-24",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "SSH is open in us-east-1: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    assert_eq!(report["target"]["account"]["id"], "123456789012");
    assert_eq!(
        report["target"]["regions"],
        serde_json::json!(["us-east-1", "eu-west-1"])
    );
    let failing: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail")
        .filter_map(|f| f["resource"]["name"].as_str())
        .collect();
    assert_eq!(failing, vec!["web-ssh"]);
}

#[test]
fn missing_credentials_are_one_clear_sentence_and_exit_2() {
    let o = Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "collect",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1",
            "--max-attempts",
            "1",
            "--call-timeout",
            "5",
        ])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .output()
        .expect("audit runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no usable AWS credentials"), "{err}");
    assert!(
        err.contains("Attempted:") && err.contains("Environment:"),
        "the providers tried: {err}"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn collection_can_assume_a_role_first() {
    let Some(endpoint) = moto_endpoint() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let snapshot = dir.path().join("role.json");
    let path = snapshot.to_str().expect("utf-8");
    let base = [
        "collect",
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
        "--max-attempts",
        "1",
        "-o",
        path,
    ];
    let mut args: Vec<&str> = base.to_vec();
    args.extend([
        "--role-arn",
        "arn:aws:iam::123456789012:role/posture-audit",
        "--external-id",
        "ci",
        "--role-session-name",
        "test",
    ]);
    let o = audit(&args);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("written")).expect("JSON");
    assert_eq!(snap["account"]["id"], "123456789012");
    assert!(
        !snap["resources"]["ec2.security_group"]
            .as_array()
            .expect("groups")
            .is_empty()
    );
    assert_eq!(
        snap["source"]["principal"], "arn:aws:sts::123456789012:assumed-role/posture-audit/test",
        "the calls were made as the role"
    );
    // Without --role-arn, the base credentials make the calls. (moto accepts
    // any role, so a refused AssumeRole cannot be shown here.)
    let o = audit(&base);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("written")).expect("JSON");
    assert_ne!(
        snap["source"]["principal"],
        "arn:aws:sts::123456789012:assumed-role/posture-audit/test"
    );
}
