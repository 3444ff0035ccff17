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
