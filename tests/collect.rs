//! Live collection against the moto AWS emulator, started and seeded by
//! scripts/test.sh (MOTO_ENDPOINT). The real `audit` binary reads the
//! emulator through the AWS SDK, and the findings are asserted.
#![cfg(feature = "aws")]

use std::process::Command;

/// The emulator started by scripts/test.sh. Outside it, these tests are
/// skipped with a message; in CI (`CI` set) a missing emulator is a failure,
/// so that the live tests can never pass by not running.
fn moto_endpoint() -> Option<String> {
    match std::env::var("MOTO_ENDPOINT") {
        Ok(endpoint) => Some(endpoint),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but MOTO_ENDPOINT is not: scripts/test.sh starts moto")
        }
        Err(_) => {
            eprintln!("MOTO_ENDPOINT is not set: run scripts/test.sh, which starts and seeds moto");
            None
        }
    }
}

fn audit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(args)
        .output()
        .expect("audit runs")
}

#[test]
fn collect_reads_the_seeded_emulator_and_scan_reports_its_findings() {
    let Some(endpoint) = moto_endpoint() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let snapshot = dir.path().join("moto.json");
    let path = snapshot.to_str().expect("utf-8");
    let o = audit(&[
        "collect",
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--max-attempts",
        "1",
        "--call-timeout",
        "10",
        "-o",
        path,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("collected"),
        "the summary line"
    );
    let snap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("written")).expect("JSON");
    assert_eq!(snap["account"]["id"], "123456789012");
    assert_eq!(snap["gaps"], serde_json::json!([]), "{}", snap["gaps"]);

    // The buckets' settings, as collected.
    let buckets = snap["resources"]["s3.bucket"].as_array().expect("buckets");
    let bucket = |name: &str| buckets.iter().find(|b| b["id"] == name).expect("bucket").clone();
    assert_eq!(bucket("public-assets")["region"], "us-east-1");
    assert_eq!(bucket("public-assets")["public_access_block"], serde_json::Value::Null);
    assert_eq!(bucket("public-assets")["policy"]["Statement"][0]["Principal"], "*");
    assert_eq!(bucket("private-logs")["region"], "eu-west-1");
    assert_eq!(
        bucket("private-logs")["public_access_block"]["restrict_public_buckets"],
        true
    );
    assert_eq!(bucket("private-logs")["encryption"]["algorithm"], "aws:kms");

    let rules = "ec2-sg-no-public-ssh,ec2-ebs-default-encryption,ec2-eip-attached,vpc-has-private-subnets,s3-bucket-public-access-block";
    let o = audit(&[
        "scan",
        "--snapshot",
        path,
        "--only",
        rules,
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    let status = |rule: &str, name: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule_id"] == rule && (f["resource"]["name"] == name || f["resource"]["id"] == name))
            .map(|f| f["status"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(status("ec2-sg-no-public-ssh", "web-ssh"), vec!["fail"]);
    assert_eq!(status("ec2-sg-no-public-ssh", "db"), vec!["pass"]);
    assert_eq!(status("ec2-ebs-default-encryption", "us-east-1"), vec!["fail"]);
    assert_eq!(status("ec2-ebs-default-encryption", "eu-west-1"), vec!["pass"]);
    let idle: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "ec2-eip-attached")
        .collect();
    assert_eq!(idle.len(), 1);
    assert_eq!(idle[0]["status"], "fail", "the seeded address is idle");
    // The S3 rules also read CloudFront distributions and the account-level
    // Block Public Access, which this version does not collect yet: they are
    // not evaluated, rather than judged on missing data.
    assert_eq!(report["summary"]["rules_not_covered"], 1);
    assert!(
        report["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .all(|r| r["id"] != "s3-bucket-public-access-block")
    );
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
