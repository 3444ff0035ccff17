//! SARIF output: valid against the official OASIS SARIF 2.1.0 schema, and
//! shaped the way GitHub code scanning needs it.

use posture_audit::engine::{self, Options, Status};
use posture_audit::report::sarif;
use posture_audit::rules::Severity;
use posture_audit::{prepare, rules, snapshot};
use std::path::Path;

fn example_report(path: &str) -> engine::Report {
    let snap = snapshot::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("example loads");
    let rules = rules::load(&[]).expect("rules load");
    engine::evaluate(&rules, &prepare::prepare(&snap), &Options::default())
}

fn validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.schema.json"))
            .expect("vendored schema");
    // The OASIS schema's `run.language` pattern has a stray `]`: a literal in
    // ECMA-262 regular expressions, which JSON Schema specifies, but an error
    // for the validator's regex engine. Escaping it keeps the ECMA meaning;
    // the vendored file itself stays byte-for-byte the official one.
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn sarif_is_valid_against_the_official_2_1_0_schema() {
    let log = serde_json::to_value(sarif::build(&example_report("fixtures/example-account.json"))).expect("serialises");
    let errors: Vec<String> = validator()
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema violations:\n{}", errors.join("\n"));
}

#[test]
fn the_validator_rejects_a_broken_log() {
    // Guards the test above against a validator that accepts anything.
    let broken =
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"message": {}}]}]});
    assert!(validator().iter_errors(&broken).next().is_some());
}

#[test]
fn results_are_what_github_code_scanning_needs() {
    let report = example_report("fixtures/example-account.json");
    let log = serde_json::to_value(sarif::build(&report)).expect("serialises");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), report.rules.len(), "every evaluated rule is described");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "rules are sorted");
    let ssh = rules
        .iter()
        .find(|r| r["id"] == "ec2-sg-no-public-ssh")
        .expect("ssh rule");
    assert_eq!(ssh["properties"]["security-severity"], "8.0");
    assert!(
        ssh["help"]["markdown"]
            .as_str()
            .is_some_and(|m| m.contains("### Remediation"))
    );
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.summary.failed);
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .is_some_and(|h| h.len() == 32)
        );
        assert!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string());
        assert!(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].is_string());
    }
    let ssh_result = results
        .iter()
        .find(|r| r["ruleId"] == "ec2-sg-no-public-ssh")
        .expect("ssh finding");
    assert_eq!(ssh_result["level"], "error");
    assert_eq!(
        ssh_result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0legacy"
    );
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(notes.iter().any(|n| {
        n["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("DescribeEnvironments"))
    }));
}

#[test]
fn fingerprints_are_stable_across_runs_and_distinct_across_resources() {
    let first = example_report("fixtures/example-account.json");
    // A later collection: other timestamp, other path, same account and resources.
    let mut later = first.clone();
    later.target.collected_at += chrono::Duration::days(1);
    later.target.snapshot_path = Some("elsewhere/prod.json".into());
    let prints = |r: &engine::Report| -> Vec<String> {
        r.with_status(engine::Status::Fail)
            .map(|f| sarif::fingerprint(&r.target.account.id, f))
            .collect()
    };
    assert_eq!(prints(&first), prints(&later));
    let mut unique = prints(&first);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.summary.failed);
}

#[test]
fn without_a_snapshot_file_locations_are_stable_pseudo_paths() {
    let mut report = example_report("fixtures/example-account.json");
    report.target.snapshot_path = None;
    let log = serde_json::to_value(sarif::build(&report)).expect("serialises");
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"aws/123456789012/us-east-1/rds"));
    assert!(uris.contains(&"aws/123456789012/global/iam"));
}

#[test]
fn waived_findings_are_results_with_an_external_suppression() {
    let snap =
        snapshot::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json")).expect("example");
    let rules = rules::load(&[]).expect("rules");
    let options = Options {
        waivers: vec![posture_audit::engine::Waiver {
            rule: "ec2-sg-no-public-ssh".into(),
            resource: "sg-0legacy".into(),
            region: None,
            account: None,
            reason: "replaced by SSM in OPS-142".into(),
            owner: "platform".into(),
            expires: "2027-01-01".parse().expect("date"),
            origin: "audit.toml:1".into(),
        }],
        today: Some("2026-12-01".parse().expect("date")),
        ..Options::default()
    };
    let report = engine::evaluate(&rules, &prepare::prepare(&snap), &options);
    let log = serde_json::to_value(sarif::build(&report)).expect("serialises");
    let errors: Vec<String> = validator().iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), report.summary.failed + report.summary.waived);
    let waived = results
        .iter()
        .find(|r| r["ruleId"] == "ec2-sg-no-public-ssh")
        .expect("waived result");
    assert_eq!(waived["suppressions"][0]["kind"], "external");
    assert_eq!(
        waived["suppressions"][0]["justification"],
        "replaced by SSM in OPS-142 (owner platform, until 2027-01-01)"
    );
}

#[test]
fn the_run_is_categorised_by_account_or_by_the_given_category() {
    let report = example_report("fixtures/example-account.json");
    let log = serde_json::to_value(sarif::build(&report)).expect("serialises");
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "posture-audit/123456789012/");
    let limits = sarif::Limits {
        category: Some("prod-eu".into()),
        ..sarif::Limits::default()
    };
    let (log, warnings) = sarif::build_with(&report, &limits);
    let log = serde_json::to_value(log).expect("serialises");
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "prod-eu/");
    assert!(warnings.is_empty());
}

#[test]
fn results_beyond_githubs_limits_keep_the_most_severe_and_warn() {
    let report = example_report("fixtures/example-account.json");
    let limits = sarif::Limits {
        max_results: 3,
        ..sarif::Limits::default()
    };
    let (log, warnings) = sarif::build_with(&report, &limits);
    let log = serde_json::to_value(&log).expect("serialises");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let rule_ids: Vec<&str> = results.iter().filter_map(|r| r["ruleId"].as_str()).collect();
    // The two critical findings, then the first high one in report order.
    assert!(
        rule_ids.contains(&"ecs-no-secrets-in-environment") && rule_ids.contains(&"rds-no-public-access"),
        "{rule_ids:?}"
    );
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("kept the 3 most severe, left out"),
        "{}",
        warnings[0]
    );
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(notes.iter().any(|n| n["message"]["text"] == warnings[0]));

    // A size limit below the log's gzipped size also drops results.
    let full = sarif::build(&report);
    let size = sarif::gzipped_size(&full);
    let limits = sarif::Limits {
        max_gzipped_bytes: size - 1,
        ..sarif::Limits::default()
    };
    let (smaller, warnings) = sarif::build_with(&report, &limits);
    assert!(sarif::gzipped_size(&smaller) < size);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn kept_results_stay_in_report_order() {
    // Limits keep the most severe results, and those come back in the
    // report's order (rule, region, resource), not by severity.
    let report = example_report("fixtures/example-account.json");
    // Every critical and high failure, and two medium ones.
    let severe = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.severity <= Severity::High)
        .count();
    let limits = sarif::Limits {
        max_results: severe + 2,
        ..sarif::Limits::default()
    };
    let log = serde_json::to_value(sarif::build_with(&report, &limits).0).expect("serialises");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let rule_ids: Vec<&str> = results.iter().filter_map(|r| r["ruleId"].as_str()).collect();
    let mut sorted = rule_ids.clone();
    sorted.sort();
    assert_eq!(rule_ids, sorted, "rule order, as in the report");
    let severities: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert!(
        severities.contains(&"error") && severities.contains(&"warning"),
        "the kept results mix levels, so a sort by severity would have reordered them: {severities:?}"
    );
}
