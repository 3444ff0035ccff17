//! The `audit` binary end to end: exit codes, formats, bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLE: &str = "fixtures/example-account.json";

/// Secret values present in the example snapshot; no output may contain them.
const SECRETS: &[&str] = &[
    "Mecove-Prod-2026!",
    "q9XbT2vL8mR4wZ6yK1nP5sD3fH7jC0aE",
    "Adm1n-Pa55-2026",
    "mecove-verify-2f8a91c3",
];

fn audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the audit binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a temporary file");
    path
}

#[test]
fn table_report_on_the_example_fails_the_gate() {
    // A fixed day: attestations expire, and snapshots must not.
    let o = audit(&["scan", "--snapshot", EXAMPLE, "--now", "2026-11-24"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("example_table", stdout(&o));
}

#[test]
fn json_report_on_the_example() {
    let o = audit(&[
        "scan",
        "--snapshot",
        EXAMPLE,
        "--format",
        "json",
        "--fail-on",
        "none",
        "--now",
        "2026-11-24",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(report["format"], "posture-audit/report");
    assert_eq!(report["summary"]["errors"], 1);
    insta::assert_snapshot!("example_json", stdout(&o));
}

#[test]
fn sarif_report_on_the_example() {
    let o = audit(&[
        "scan",
        "--snapshot",
        EXAMPLE,
        "--format",
        "sarif",
        "--fail-on",
        "none",
        "--now",
        "2026-11-24",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("example_sarif", stdout(&o));
}

#[test]
fn no_output_format_prints_a_secret_in_full() {
    // Every format that renders evidence.
    for format in posture_audit::report::Format::names() {
        let format = format.as_str();
        let o = audit(&["scan", "--snapshot", EXAMPLE, "--format", format]);
        let out = stdout(&o);
        assert!(
            out.contains("INTERNAL_SERVICE_SECRET"),
            "{format}: the variable name is reported"
        );
        for secret in SECRETS {
            assert!(!out.contains(secret), "{format} output contains the secret {secret}");
            // Progress, warnings and the summary go to standard error.
            assert!(
                !stderr(&o).contains(secret),
                "{format}: standard error contains the secret {secret}"
            );
        }
    }
    // What the rules say of themselves.
    for rule in [
        "ec2-no-secrets-in-user-data",
        "ecs-no-secrets-in-environment",
        "lambda-no-secrets-in-environment",
        "elasticbeanstalk-no-secrets-in-environment",
    ] {
        let o = audit(&["rules", "show", rule]);
        for secret in SECRETS {
            assert!(
                !stdout(&o).contains(secret) && !stderr(&o).contains(secret),
                "rules show {rule}"
            );
        }
    }
}

#[test]
fn error_messages_do_not_quote_a_secret_in_full() {
    // A secret where the model expects a number: the JSON error quotes the
    // value it found, and must not print it whole.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(EXAMPLE).expect("example")).expect("JSON");
    snapshot["resources"]["rds.db_instance"][0]["port"] = SECRETS[0].into();
    let path = dir.path().join("mistyped.json");
    std::fs::write(&path, serde_json::to_string_pretty(&snapshot).expect("JSON")).expect("write");
    let o = audit(&["scan", "--snapshot", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("mistyped.json:") && err.contains("invalid type"), "{err}");
    assert!(!err.contains(SECRETS[0]), "the error quotes the secret: {err}");
}

#[test]
fn fail_on_sets_the_threshold_of_the_gate() {
    let cases = [
        (vec!["--fail-on", "none"], 0),
        (vec!["--fail-on", "critical"], 1),
        // The only failing finding of this rule is low.
        (vec!["--only", "ec2-eip-attached", "--fail-on", "medium"], 0),
        (vec!["--only", "ec2-eip-attached", "--fail-on", "low"], 1),
        // Info findings never fail the gate.
        (vec!["--only", "manual-backup-restore-tested"], 0),
        (vec!["--min-severity", "critical", "--fail-on", "high"], 1),
        (
            vec![
                "--skip",
                "ecs-no-secrets-in-environment,rds-no-public-access",
                "--min-severity",
                "critical",
            ],
            0,
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["scan", "--snapshot", EXAMPLE, "--format", "json"];
        args.extend(flags.iter().copied());
        let o = audit(&args);
        assert_eq!(o.status.code(), Some(expected), "{flags:?}: {}", stderr(&o));
    }
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("audit.sarif");
    let o = audit(&[
        "scan",
        "--snapshot",
        EXAMPLE,
        "--format",
        "sarif",
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn malformed_snapshot_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = temp_file(
        dir.path(),
        "broken.json",
        "{\n  \"format\": \"posture-audit/snapshot\",\n  \"version\": 1,\n  \"account\": {\"id\": \"1\"}\n  \"regions\": []\n}\n",
    );
    let o = audit(&["scan", "--snapshot", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("broken.json:5:3"), "{err}");
    assert!(o.stdout.is_empty(), "no partial report");
}

#[test]
fn snapshot_with_a_wrong_field_type_names_its_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE))
        .expect("example")
        .replacen(
            "\"backup_retention_days\": 7",
            "\"backup_retention_days\": \"seven\"",
            1,
        );
    let path = temp_file(dir.path(), "typed.json", &text);
    let o = audit(&["scan", "--snapshot", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let line = text.lines().position(|l| l.contains("\"seven\"")).expect("edited line") + 1;
    assert!(err.contains(&format!("typed.json:{line}:")), "{err}");
    assert!(err.contains("invalid type"), "{err}");
}

#[test]
fn unknown_snapshot_version_is_refused_with_its_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = temp_file(
        dir.path(),
        "v9.json",
        "{\n  \"format\": \"posture-audit/snapshot\",\n  \"version\": 9,\n  \"account\": {\"id\": \"1\"},\n  \"collected_at\": \"2026-01-01T00:00:00Z\"\n}\n",
    );
    let o = audit(&["scan", "--snapshot", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("v9.json:3:3"), "{err}");
    assert!(err.contains("version 9 is not supported"), "{err}");
}

#[test]
fn missing_snapshot_file_is_an_input_error() {
    let o = audit(&["scan", "--snapshot", "no/such/file.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.json"));
}

#[test]
fn bad_rule_files_are_all_reported_with_positions() {
    let dir = tempfile::tempdir().expect("temp dir");
    temp_file(
        dir.path(),
        "broken-toml.toml",
        "id = \"broken-toml\"\ntitle = \"x\"\nseverity = \"high\"\nresource = [\n",
    );
    temp_file(
        dir.path(),
        "bad-cel.toml",
        "id = \"bad-cel\"\ntitle = \"x\"\nseverity = \"high\"\nresource = \"ec2.address\"\nrationale = \"r\"\nremediation = \"r\"\n\n[check]\nassert = \"resource.attached &&\"\n",
    );
    temp_file(
        dir.path(),
        "bad-severity.toml",
        "id = \"bad-severity\"\ntitle = \"x\"\nseverity = \"urgent\"\nresource = \"ec2.address\"\nrationale = \"r\"\nremediation = \"r\"\n[check]\nassert = \"true\"\n",
    );
    let o = audit(&[
        "scan",
        "--snapshot",
        EXAMPLE,
        "--rules",
        dir.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("broken-toml.toml:4:13: unclosed array"), "{err}");
    assert!(
        // The end of the expression: its closing quote.
        err.contains("bad-cel.toml:9:31: invalid CEL in `check.assert`"),
        "{err}"
    );
    assert!(err.contains("invalid CEL"), "{err}");
    assert!(err.contains("bad-severity.toml:3:12"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn unknown_flag_values_are_usage_errors() {
    for args in [
        vec!["scan", "--snapshot", EXAMPLE, "--format", "xml"],
        vec!["scan", "--snapshot", EXAMPLE, "--fail-on", "severe"],
        vec!["scan", "--snapshot", EXAMPLE, "--min-severity", "urgent"],
        vec!["scan", "--snapshot", EXAMPLE, "--only", "no-such-rule"],
        vec!["scan"],
    ] {
        let o = audit(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&o).is_empty());
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_user_rule_directory_extends_the_catalogue() {
    let dir = tempfile::tempdir().expect("temp dir");
    temp_file(
        dir.path(),
        "ec2-instance-has-name.toml",
        r#"id = "ec2-instance-has-name"
title = "Instances have a Name tag"
severity = "low"
resource = "ec2.instance"
rationale = "Unnamed instances are hard to attribute."
remediation = "aws ec2 create-tags --resources i-0123 --tags Key=Name,Value=api"
[check]
assert = "resource.name != ''"
[[test]]
name = "unnamed"
expect = "fail"
resource = { }
[[test]]
name = "named"
expect = "pass"
resource = { name = "api" }
"#,
    );
    let d = dir.path().to_str().expect("utf-8");
    let o = audit(&["rules", "test", d]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("1 rules, 2 examples\nexamples: 2 passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );
    let o = audit(&[
        "scan",
        "--snapshot",
        EXAMPLE,
        "--rules",
        d,
        "--only",
        "ec2-instance-has-name",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(report["summary"]["passed"], 2);
}

#[test]
fn rules_test_exits_1_when_an_example_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    temp_file(
        dir.path(),
        "ec2-wrong.toml",
        "id = \"ec2-wrong\"\ntitle = \"x\"\nseverity = \"low\"\nresource = \"ec2.address\"\nrationale = \"r\"\nremediation = \"r\"\n[check]\nassert = \"resource.attached\"\n[[test]]\nname = \"idle passes?\"\nexpect = \"pass\"\nresource = { }\n",
    );
    let o = audit(&["rules", "test", dir.path().to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL ec2-wrong / idle passes?: expected pass, got fail"),
        "{out}"
    );
    assert!(out.contains("has a failing example"), "{out}");
}

#[test]
fn rules_list_and_show_document_the_catalogue() {
    let o = audit(&["rules", "list"]);
    assert_eq!(o.status.code(), Some(0));
    let count = posture_audit::rules::load(&[]).expect("rules").rules.len();
    assert!(stdout(&o).contains(&format!("\n{count} rules")), "{}", stdout(&o));
    let o = audit(&["rules", "show", "rds-backup-retention"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for expected in [
        "rds-backup-retention  [high]",
        "fsbp RDS.11",
        "min_days = 7",
        "aws rds modify-db-instance",
        "assert:",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    let o = audit(&["rules", "show", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_shipped_json_schemas_are_current() {
    for (which, file) in [
        ("snapshot", "docs/snapshot.schema.json"),
        ("report", "docs/report.schema.json"),
    ] {
        let o = audit(&["schema", which]);
        assert_eq!(o.status.code(), Some(0));
        let shipped = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap_or_default();
        assert!(
            shipped == stdout(&o),
            "{file} is out of date: regenerate it with `cargo run -- schema {which} > {file}`"
        );
    }
}

#[test]
fn help_explains_flags_with_examples_and_exit_codes() {
    let o = audit(&["scan", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for expected in ["--fail-on", "--fail-on high", "Example:", "Exit codes:", "--format"] {
        assert!(out.contains(expected), "missing {expected:?}");
    }
}

#[test]
fn scan_probe_without_public_endpoints_says_so_and_saves_the_snapshot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let snapshot = temp_file(
        dir.path(),
        "private.json",
        r#"{"format": "posture-audit/snapshot", "version": 1, "account": {"id": "111122223333"},
            "collected_at": "2026-11-24T05:00:00Z", "regions": ["us-east-1"],
            "resources": {"ec2.address": [{"id": "eipalloc-1", "region": "us-east-1", "instance_id": "i-1"}]}}"#,
    );
    let saved = dir.path().join("saved.json");
    let o = audit(&[
        "scan",
        "--snapshot",
        snapshot.to_str().expect("utf-8"),
        "--probe",
        "--only",
        "ec2-eip-attached",
        "--save-snapshot",
        saved.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--probe found no public endpoint"),
        "{}",
        stderr(&o)
    );
    let o = audit(&[
        "scan",
        "--snapshot",
        saved.to_str().expect("utf-8"),
        "--only",
        "ec2-eip-attached",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(report["summary"]["passed"], 1);
}

#[test]
fn a_bad_configuration_file_is_reported_with_positions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = temp_file(
        dir.path(),
        "audit.toml",
        "[probe]\nendpoints = [\"ftp://nope\"]\nretries = 3\n",
    );
    let path = config.to_str().expect("utf-8");
    let o = audit(&["config", "check", "--config", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("audit.toml:3:1: unknown field `retries`"),
        "{}",
        stderr(&o)
    );
    let o = audit(&["scan", "--snapshot", EXAMPLE, "--config", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let valid = temp_file(dir.path(), "valid.toml", "[probe]\nendpoints = [\"app.example.com\"]\n");
    let o = audit(&["config", "check", "--config", valid.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("valid (1 probe endpoints)"), "{}", stdout(&o));
}

#[test]
fn the_configuration_selects_rules_overrides_parameters_and_sets_defaults() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = temp_file(
        dir.path(),
        "audit.toml",
        "[rules]\nenable = [\"rds-*\"]\ndisable = [\"rds-multi-az\"]\n\n[params.rds-backup-retention]\nmin_days = 14\n\n[defaults]\nfail_on = \"none\"\nformat = \"json\"\n",
    );
    let o = audit(&[
        "scan",
        "--snapshot",
        EXAMPLE,
        "--config",
        config.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "defaults.fail_on = none: {}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("defaults.format = json");
    let rule_ids: Vec<&str> = report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(
        rule_ids.iter().all(|id| id.starts_with("rds-")) && !rule_ids.contains(&"rds-multi-az"),
        "{rule_ids:?}"
    );
    let rds = posture_audit::rules::load(&[])
        .expect("rules")
        .rules
        .iter()
        .filter(|r| r.id.starts_with("rds-"))
        .count();
    assert_eq!(rule_ids.len(), rds - 1, "every rds rule less rds-multi-az");
    let prod_retention = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "rds-backup-retention" && f["resource"]["id"] == "mecove-prod")
        .expect("finding");
    assert_eq!(prod_retention["status"], "fail", "7 days kept, 14 required");
    assert_eq!(prod_retention["evidence"][0], "backups kept 7 days, fewer than 14");
    // Flags win over the configuration's defaults.
    let o = audit(&[
        "scan",
        "--snapshot",
        EXAMPLE,
        "--config",
        config.to_str().expect("utf-8"),
        "--fail-on",
        "high",
        "--format",
        "table",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("rds-backup-retention"));
}

#[test]
fn the_example_configuration_waives_attests_and_sets_the_gate() {
    let args = [
        "scan",
        "--snapshot",
        EXAMPLE,
        "--config",
        "fixtures/audit.toml",
        "--format",
        "json",
    ];
    let run = |now: &str, extra: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--now", now]);
        all.extend(extra);
        audit(&all)
    };
    let o = run("2026-11-24", &[]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(report["summary"]["waived"], 1);
    assert_eq!(report["summary"]["manual"], 0, "both manual items are attested");
    assert!(stderr(&o).is_empty(), "no notices: {}", stderr(&o));
    assert_eq!(
        o.status.code(),
        Some(1),
        "high findings remain, and defaults.fail_on is high"
    );

    // A month later the waiver has expired, and says so; the backup attestation still counts.
    let o = run("2027-01-05", &[]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(report["summary"]["waived"], 0);
    assert!(
        stderr(&o).contains(
            "warning: waiver for ec2-sg-no-public-ssh on sg-0legacy (fixtures/audit.toml:14) expired on 2026-12-31"
        ),
        "{}",
        stderr(&o)
    );
    // In March the backup-restore attestation (90 days from 2026-11-02) has expired too.
    let o = run("2027-03-01", &["--only", "manual-backup-restore-tested"]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(report["findings"][0]["status"], "manual");
    assert_eq!(
        o.status.code(),
        Some(0),
        "an open manual item does not fail the gate by default"
    );
    let o = run(
        "2027-03-01",
        &["--only", "manual-backup-restore-tested", "--require-attestations"],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn errors_fail_the_gate_only_when_asked() {
    let only = [
        "--only",
        "elasticbeanstalk-no-secrets-in-environment",
        "--skip",
        "ec2-eip-attached",
    ];
    let base = ["scan", "--snapshot", EXAMPLE, "--fail-on", "none", "--format", "json"];
    let run = |extra: &[&str]| {
        let mut all: Vec<&str> = base.to_vec();
        all.extend(only);
        all.extend(extra);
        audit(&all)
    };
    assert_eq!(run(&[]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on-error"]).status.code(), Some(1));
    let strict = run(&["--strict"]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        stderr(&strict).contains("the audit is incomplete (--strict): 1 collection gaps"),
        "{}",
        stderr(&strict)
    );
    assert!(!strict.stdout.is_empty(), "the report is still written");
}

#[test]
fn markdown_checklist_on_the_example() {
    let config = [
        "--config",
        "fixtures/audit.toml",
        "--now",
        "2026-11-24",
        "--fail-on",
        "none",
    ];
    let mut args = vec!["scan", "--snapshot", EXAMPLE, "--format", "markdown"];
    args.extend(config);
    let o = audit(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("| 🕓 | Security groups do not allow SSH from the internet (`ec2-sg-no-public-ssh`)"));
    insta::assert_snapshot!("example_markdown", md);
}

#[test]
fn junit_report_on_the_example() {
    // After the waiver and the backup attestation have expired.
    let args = [
        "scan",
        "--snapshot",
        EXAMPLE,
        "--config",
        "fixtures/audit.toml",
        "--now",
        "2027-03-01",
        "--format",
        "junit",
        "--fail-on",
        "none",
    ];
    let o = audit(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let xml = stdout(&o);
    assert!(xml.contains("<testcase classname=\"ec2-sg-no-public-ssh\" name=\"legacy-api (sg-0legacy) (us-east-1)\"><failure type=\"high\""));
    assert!(xml.contains("<skipped message=\"open checklist item: A backup restore has been tested recently\"/>"));
    insta::assert_snapshot!("example_junit", xml);
}

#[test]
fn diff_reports_new_resolved_and_unchanged_failures_and_gates_on_regressions() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The baseline: the example's JSON report.
    let baseline = dir.path().join("baseline.json");
    let o = audit(&[
        "scan",
        "--snapshot",
        EXAMPLE,
        "--format",
        "json",
        "--now",
        "2026-11-24",
        "-o",
        baseline.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Today: the staging database is private, and a new group opens SSH.
    let mut snapshot: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE)).expect("example"),
    )
    .expect("JSON");
    snapshot["resources"]["rds.db_instance"][1]["publicly_accessible"] = serde_json::json!(false);
    snapshot["resources"]["ec2.security_group"]
        .as_array_mut()
        .expect("groups")
        .push(serde_json::json!({
            "id": "sg-0new", "region": "us-east-1", "name": "debug",
            "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"]}]
        }));
    let today = temp_file(dir.path(), "today.json", &snapshot.to_string());
    let (old, new) = (baseline.to_str().expect("utf-8"), today.to_str().expect("utf-8"));

    let o = audit(&["diff", old, new, "--json", "--now", "2026-11-24"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "informational without --fail-on-new: {}",
        stderr(&o)
    );
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let ids = |list: &str| -> Vec<String> {
        d[list]
            .as_array()
            .expect("list")
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c["rule_id"].as_str().unwrap_or(""),
                    c["resource_id"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    assert_eq!(ids("resolved"), vec!["rds-no-public-access analytics-staging"]);
    assert_eq!(
        ids("new"),
        // The new group is also attached to nothing yet.
        vec![
            "ec2-sg-no-public-ssh sg-0new",
            "ec2-sg-public-only-web-ports sg-0new",
            "ec2-sg-unused sg-0new"
        ]
    );
    // Every failure of the baseline but the resolved one is still failing.
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).expect("baseline")).expect("JSON");
    assert_eq!(
        d["unchanged"].as_array().expect("list").len(),
        baseline["summary"]["failed"].as_u64().expect("count") as usize - 1
    );

    assert_eq!(
        audit(&["diff", old, new, "--fail-on-new", "--now", "2026-11-24"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        audit(&[
            "diff",
            old,
            new,
            "--fail-on-new",
            "--fail-on",
            "critical",
            "--now",
            "2026-11-24"
        ])
        .status
        .code(),
        Some(0)
    );
    // No regression from a snapshot to itself.
    assert_eq!(audit(&["diff", new, new, "--fail-on-new"]).status.code(), Some(0));
    // Anything else is refused.
    let other = temp_file(dir.path(), "other.json", "{\"format\": \"something\"}");
    let o = audit(&["diff", old, other.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("neither a posture-audit snapshot nor a JSON report"),
        "{}",
        stderr(&o)
    );
}
