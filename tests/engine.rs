//! Engine semantics on whole snapshots: gaps never pass, nothing in scope is
//! a skip, output is deterministic.

use posture_audit::engine::{self, Options, Status};
use posture_audit::{prepare, rules, snapshot};
use std::path::Path;

fn snapshot_from(json: serde_json::Value) -> snapshot::Snapshot {
    snapshot::parse(&json.to_string(), Path::new("test.json")).expect("valid snapshot")
}

fn run(snap: &snapshot::Snapshot, only: &[&str]) -> engine::Report {
    let rules = rules::load(&[]).expect("rules load");
    let options = Options {
        only: only.iter().map(|s| s.to_string()).collect(),
        ..Options::default()
    };
    engine::evaluate(&rules, &prepare::prepare(snap), &options)
}

fn base(resources: serde_json::Value, gaps: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "format": "posture-audit/snapshot", "version": 1,
        "account": {"id": "111122223333", "partition": "aws"},
        "collected_at": "2026-11-24T05:00:00Z", "regions": ["us-east-1", "eu-west-1"],
        "resources": resources, "gaps": gaps,
    })
}

#[test]
fn a_region_whose_security_groups_could_not_be_listed_reports_error_not_pass() {
    let snap = snapshot_from(base(
        serde_json::json!({"ec2.security_group": [{"id": "sg-1", "region": "us-east-1", "name": "web"}]}),
        serde_json::json!([{"service": "ec2", "region": "eu-west-1", "operation": "DescribeSecurityGroups", "code": "UnauthorizedOperation", "message": "denied"}]),
    ));
    let report = run(&snap, &["ec2-sg-no-public-ssh"]);
    let statuses: Vec<(Status, &str)> = report
        .findings
        .iter()
        .map(|f| (f.status, f.resource.region.as_str()))
        .collect();
    assert_eq!(
        statuses,
        vec![(Status::Error, "eu-west-1"), (Status::Pass, "us-east-1")]
    );
    assert!(report.findings[0].message.contains("DescribeSecurityGroups"));
}

#[test]
fn a_gap_in_joined_data_makes_the_resource_error() {
    // The flow logs of the region could not be read: the VPC cannot pass.
    let snap = snapshot_from(base(
        serde_json::json!({"ec2.vpc": [{"id": "vpc-1", "region": "us-east-1"}]}),
        serde_json::json!([{"service": "ec2", "region": "us-east-1", "operation": "DescribeFlowLogs", "code": "Throttling", "kinds": ["ec2.flow_log"]}]),
    ));
    let report = run(&snap, &["vpc-flow-logs-enabled"]);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].status, Status::Error);
    assert_eq!(report.findings[0].resource.id, "vpc-1");
}

#[test]
fn a_resource_whose_detail_call_failed_errors_even_when_the_rule_would_not_apply() {
    // `when` reads the user data the failed call would have returned.
    let snap = snapshot_from(base(
        serde_json::json!({"ec2.instance": [{"id": "i-1", "region": "us-east-1"}, {"id": "i-2", "region": "us-east-1"}]}),
        serde_json::json!([{"service": "ec2", "region": "us-east-1", "operation": "DescribeInstanceAttribute",
            "code": "UnauthorizedOperation", "kinds": ["ec2.instance"], "resource_id": "i-1"}]),
    ));
    let report = run(&snap, &["ec2-no-secrets-in-user-data"]);
    let statuses: Vec<(Status, &str)> = report
        .findings
        .iter()
        .map(|f| (f.status, f.resource.id.as_str()))
        .collect();
    // i-2 has no user data: out of scope, nothing said about it.
    assert_eq!(statuses, vec![(Status::Error, "i-1")]);
}

#[test]
fn a_resource_named_by_a_gap_but_never_seen_is_an_error_of_its_own() {
    let snap = snapshot_from(base(
        serde_json::json!({"s3.bucket": [{"id": "assets", "region": "us-east-1"}]}),
        serde_json::json!([{"service": "s3", "region": "global", "operation": "GetBucketLocation",
            "code": "AccessDenied", "kinds": ["s3.bucket"], "resource_id": "payroll"}]),
    ));
    let report = run(&snap, &["s3-bucket-encrypted"]);
    let statuses: Vec<(Status, &str)> = report
        .findings
        .iter()
        .map(|f| (f.status, f.resource.id.as_str()))
        .collect();
    assert!(statuses.contains(&(Status::Error, "payroll")), "{statuses:?}");
    assert!(
        statuses.iter().any(|(_, id)| *id == "assets"),
        "the bucket that was read is judged as usual: {statuses:?}"
    );
}

#[test]
fn a_gap_in_another_service_does_not_affect_unrelated_rules() {
    let snap = snapshot_from(base(
        serde_json::json!({"ec2.address": [{"id": "eipalloc-1", "region": "us-east-1", "instance_id": "i-1"}]}),
        serde_json::json!([{"service": "rds", "region": "us-east-1", "operation": "DescribeDBInstances", "code": "AccessDenied"}]),
    ));
    let report = run(&snap, &["ec2-eip-attached"]);
    assert_eq!(
        report.findings.iter().map(|f| f.status).collect::<Vec<_>>(),
        vec![Status::Pass]
    );
}

#[test]
fn nothing_in_scope_is_a_skip() {
    let snap = snapshot_from(base(serde_json::json!({}), serde_json::json!([])));
    let report = run(&snap, &["rds-no-public-access"]);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].status, Status::Skip);
    assert_eq!(report.summary.skipped, 1);
}

#[test]
fn a_cel_runtime_error_is_an_error_finding() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("ec2-bad-field.toml"),
        "id = \"ec2-bad-field\"\ntitle = \"x\"\nseverity = \"low\"\nresource = \"ec2.address\"\nrationale = \"r\"\nremediation = \"r\"\n[check]\nassert = \"resource.no_such_field == 1\"\n",
    )
    .expect("write");
    let rules = rules::load(&[dir.path().to_owned()]).expect("loads");
    let snap = snapshot_from(base(
        serde_json::json!({"ec2.address": [{"id": "eipalloc-1", "region": "us-east-1"}]}),
        serde_json::json!([]),
    ));
    let options = Options {
        only: vec!["ec2-bad-field".into()],
        ..Options::default()
    };
    let report = engine::evaluate(&rules, &prepare::prepare(&snap), &options);
    assert_eq!(report.findings[0].status, Status::Error);
    assert!(
        report.findings[0].message.contains("no_such_field"),
        "{}",
        report.findings[0].message
    );
}

#[test]
fn evaluation_is_deterministic() {
    let snap =
        snapshot::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json")).expect("example");
    let a = serde_json::to_string(&run(&snap, &[])).expect("json");
    let b = serde_json::to_string(&run(&snap, &[])).expect("json");
    assert_eq!(a, b);
}

#[test]
fn an_account_wide_rule_reports_a_regional_gap_once() {
    let snap = snapshot_from(base(
        serde_json::json!({"cloudtrail.trail": [{"id": "org", "region": "us-east-1", "is_multi_region": true, "is_logging": true}]}),
        serde_json::json!([{"service": "cloudtrail", "region": "eu-west-1", "operation": "DescribeTrails", "code": "AccessDenied"}]),
    ));
    let report = run(&snap, &["cloudtrail-multi-region"]);
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert_eq!(report.findings[0].status, Status::Error);
    assert_eq!(report.findings[0].resource.kind, "account");
}

fn waiver(rule: &str, resource: &str, region: Option<&str>, expires: &str) -> posture_audit::engine::Waiver {
    posture_audit::engine::Waiver {
        rule: rule.into(),
        resource: resource.into(),
        region: region.map(String::from),
        account: None,
        reason: "accepted for the migration".into(),
        owner: "platform@example.com".into(),
        expires: expires.parse().expect("date"),
        origin: "audit.toml:1".into(),
    }
}

fn example() -> snapshot::Snapshot {
    snapshot::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json")).expect("example")
}

fn with_waivers(waivers: Vec<posture_audit::engine::Waiver>, today: &str) -> engine::Report {
    let rules = rules::load(&[]).expect("rules");
    let options = Options {
        only: vec![
            "ec2-sg-no-public-ssh".into(),
            "ec2-eip-attached".into(),
            "elasticbeanstalk-no-secrets-in-environment".into(),
        ],
        waivers,
        today: Some(today.parse().expect("date")),
        ..Options::default()
    };
    engine::evaluate(&rules, &prepare::prepare(&example()), &options)
}

#[test]
fn an_unexpired_waiver_waives_the_failing_finding_it_matches() {
    let report = with_waivers(
        vec![waiver(
            "ec2-sg-no-public-ssh",
            "sg-0legacy",
            Some("us-east-1"),
            "2026-12-31",
        )],
        "2026-12-31",
    );
    let ssh = report
        .findings
        .iter()
        .find(|f| &*f.rule_id == "ec2-sg-no-public-ssh" && f.resource.id == "sg-0legacy")
        .expect("finding");
    assert_eq!(ssh.status, Status::Waived, "valid through its expiry day");
    assert_eq!(
        ssh.waiver.as_ref().map(|w| w.reason.as_str()),
        Some("accepted for the migration")
    );
    assert_eq!(report.summary.waived, 1);
    assert!(report.notices.is_empty(), "{:?}", report.notices);
    assert!(
        report
            .with_status(Status::Fail)
            .all(|f| &*f.rule_id != "ec2-sg-no-public-ssh"),
        "a waived finding is not a failing one, so it cannot fail the gate"
    );
}

#[test]
fn an_expired_waiver_stops_waiving_and_says_so() {
    let report = with_waivers(
        vec![waiver("ec2-sg-no-public-ssh", "sg-0legacy", None, "2026-11-30")],
        "2026-12-01",
    );
    let ssh = report
        .findings
        .iter()
        .find(|f| &*f.rule_id == "ec2-sg-no-public-ssh" && f.resource.id == "sg-0legacy")
        .expect("finding");
    assert_eq!(ssh.status, Status::Fail);
    assert_eq!(report.notices.len(), 1);
    assert_eq!(report.notices[0].kind.as_str(), "expired-waiver");
    assert!(
        report.notices[0].message.contains("expired on 2026-11-30"),
        "{}",
        report.notices[0].message
    );
}

#[test]
fn waivers_that_match_nothing_are_reported() {
    let report = with_waivers(
        vec![
            waiver("ec2-sg-no-public-ssh", "sg-0legacy", Some("eu-west-1"), "2027-01-01"),
            waiver("ec2-sg-no-public-ssh", "sg-0alb", None, "2027-01-01"),
        ],
        "2026-12-01",
    );
    let kinds: Vec<&str> = report.notices.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["unused-waiver", "unused-waiver"],
        "another region; a passing resource"
    );
    assert_eq!(report.summary.waived, 0);
}

#[test]
fn arn_globs_match_and_errors_are_never_waived() {
    let report = with_waivers(
        vec![
            waiver("ec2-*", "arn:aws:ec2:us-east-1:123456789012:*", None, "2027-01-01"),
            waiver("elasticbeanstalk-*", "*", None, "2027-01-01"),
        ],
        "2026-12-01",
    );
    let statuses: Vec<(&str, Status)> = report.findings.iter().map(|f| (&*f.rule_id, f.status)).collect();
    assert!(statuses.contains(&("ec2-sg-no-public-ssh", Status::Waived)));
    // The elastic IP has no ARN in the example, so the ARN glob does not match it.
    assert!(statuses.contains(&("ec2-eip-attached", Status::Fail)));
    assert!(
        statuses.contains(&("elasticbeanstalk-no-secrets-in-environment", Status::Error)),
        "{statuses:?}"
    );
}

#[test]
fn a_gap_in_one_kind_of_a_rule_leaves_its_other_kinds_decided() {
    // Serverless caches could not be listed: the replication group beside
    // them is still judged, and the region reports what is unknown.
    let snap = snapshot_from(base(
        serde_json::json!({"elasticache.replication_group": [{"id": "cache", "region": "us-east-1", "engine": "redis", "snapshot_retention_limit": 0}]}),
        serde_json::json!([{"service": "elasticache", "region": "us-east-1", "operation": "DescribeServerlessCaches", "code": "AccessDenied", "kinds": ["elasticache.serverless_cache"]}]),
    ));
    let report = run(&snap, &["elasticache-backups"]);
    let statuses: Vec<(Status, &str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.status, f.resource.kind.as_str(), f.resource.id.as_str()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (Status::Fail, "elasticache.replication_group", "cache"),
            (Status::Error, "region", "us-east-1"),
        ]
    );
}

#[test]
fn a_snapshot_saved_before_a_kind_was_collected_is_still_judged_on_the_others() {
    // `collected` does not list DB clusters: the instance rules still apply
    // to instances, and the rule says nothing about clusters it never saw.
    let mut json = base(
        serde_json::json!({"rds.db_instance": [{"id": "orders", "region": "us-east-1", "engine": "postgres", "deletion_protection": false}]}),
        serde_json::json!([]),
    );
    json["collected"] = serde_json::json!(["rds.db_instance", "rds.parameter_group"]);
    let report = run(&snapshot_from(json), &["rds-deletion-protection"]);
    let statuses: Vec<(Status, &str)> = report
        .findings
        .iter()
        .map(|f| (f.status, f.resource.kind.as_str()))
        .collect();
    assert_eq!(statuses, vec![(Status::Fail, "rds.db_instance")]);
}

/// The example account evaluated as another account id.
fn example_as(account: &str) -> engine::Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json");
    let mut snap = snapshot::load(&path).expect("example");
    snap.account.id = account.into();
    run(&snap, &[])
}

#[test]
fn merged_reports_tag_every_finding_with_its_account_and_refuse_overlaps() {
    use posture_audit::engine::finding::AccountOutcome;
    use posture_audit::engine::org::{AccountPart, combine, merge, split};
    let (a, b) = (example_as("111111111111"), example_as("222222222222"));
    let per_account = a.findings.len();
    let merged = merge(vec![b.clone(), a.clone()]).expect("distinct accounts");
    assert_eq!(merged.findings.len(), 2 * per_account);
    assert!(merged.findings.iter().all(|f| f.account.is_some()));
    let ids: Vec<&str> = merged.accounts.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["111111111111", "222222222222"],
        "sorted, whatever the input order"
    );
    assert_eq!(merged.summary.failed, a.summary.failed + b.summary.failed);
    // The example has one gap: each account is partial, its gap tagged.
    assert!(merged.accounts.iter().all(|s| s.status == AccountOutcome::Partial));
    assert!(
        merged
            .gaps
            .iter()
            .any(|g| g.message.starts_with("[account 222222222222] "))
    );
    // Merging is associative: a merge of merges is the merge of all.
    let c = example_as("333333333333");
    let left = merge(vec![merge(vec![a.clone(), b.clone()]).expect("ab"), c.clone()]).expect("(ab)c");
    let all = merge(vec![a.clone(), b.clone(), c.clone()]).expect("abc");
    assert_eq!(
        serde_json::to_value(&left.findings).expect("json"),
        serde_json::to_value(&all.findings).expect("json")
    );
    assert_eq!(left.accounts, all.accounts);
    // The same account twice is an error, not a double count.
    assert!(merge(vec![a.clone(), a.clone()]).is_err_and(|e| e.contains("111111111111")));
    // An account that could not be read adds a status and no finding; split
    // gives back each read account alone, with its own findings.
    let combined = combine(
        vec![
            AccountPart::read("111111111111", "prod", "/workloads", a.clone(), None),
            AccountPart::unread(
                "444444444444",
                "locked",
                "/workloads",
                AccountOutcome::AssumeRoleFailed,
                "AccessDenied".into(),
            ),
        ],
        Some("o-example"),
    )
    .expect("combined");
    assert_eq!(combined.target.account.id, "o-example");
    assert_eq!(combined.findings.len(), per_account);
    let parts = split(&combined);
    assert_eq!(parts.len(), 1, "only read accounts have a run");
    assert_eq!(parts[0].1.findings.len(), per_account);
    assert!(parts[0].1.findings.iter().all(|f| f.account.is_none()));
    assert_eq!(parts[0].1.gaps.len(), a.gaps.len());
}
