//! Compliance views: framework files, rule mappings, and grouping by control.

use posture_audit::engine::{self, Options};
use posture_audit::report::compliance::{self, ControlStatus};
use posture_audit::{prepare, rules, snapshot};
use std::path::Path;

#[test]
fn every_framework_file_parses_and_every_rule_mapping_names_a_real_control() {
    let frameworks = compliance::frameworks().expect("every framework file parses");
    let ids: Vec<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["cis-aws-3.0", "fsbp"], "a framework file failed to parse");
    let rules = rules::load(&[]).expect("rules");
    let mut unknown = Vec::new();
    for rule in &rules.rules {
        for (framework, controls) in rule.compliance.iter() {
            let Some(f) = frameworks.iter().find(|f| &f.id == framework) else {
                unknown.push(format!("{}: framework {framework}", rule.id));
                continue;
            };
            for control in controls {
                if !f.controls.iter().any(|c| &c.id == control) {
                    unknown.push(format!("{}: {framework} {control}", rule.id));
                }
            }
        }
    }
    assert!(unknown.is_empty(), "mappings to unknown controls: {unknown:?}");
}

#[test]
fn findings_are_grouped_by_control_with_manual_and_uncovered_controls_listed() {
    let snap =
        snapshot::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-account.json")).expect("example");
    let rules = rules::load(&[]).expect("rules");
    let report = engine::evaluate(&rules, &prepare::prepare(&snap), &Options::default());
    let cis = compliance::framework("cis-aws-3.0").expect("parses").expect("CIS");
    let view = compliance::view(&cis, &report, &rules);
    let control = |id: &str| view.controls.iter().find(|c| c.id == id).expect("control");
    let ssh = control("5.2");
    assert_eq!(ssh.status, ControlStatus::Fail);
    assert_eq!(ssh.rules, vec!["ec2-sg-no-public-rdp", "ec2-sg-no-public-ssh"]);
    assert_eq!(
        ssh.failing,
        vec!["ec2-sg-no-public-ssh: legacy-api (sg-0legacy) (us-east-1)"]
    );
    assert_eq!(
        control("1.5").status,
        ControlStatus::Pass,
        "root has MFA in the example"
    );
    assert_eq!(control("1.1").status, ControlStatus::Manual);
    assert_eq!(
        control("4.1").status,
        ControlStatus::Fail,
        "no trail delivers to CloudWatch Logs"
    );
    assert_eq!(
        control("5.1").status,
        ControlStatus::Fail,
        "the default network ACL allows everything"
    );
    assert_eq!(
        control("2.4.1").status,
        ControlStatus::Pass,
        "the example's file system is encrypted"
    );
    assert_eq!(
        control("1.6").status,
        ControlStatus::Fail,
        "root's MFA device is virtual"
    );
    assert!(
        view.controls.iter().all(|c| c.status != ControlStatus::NotCovered),
        "CIS 3.0 has no control left uncovered"
    );
    assert!(view.complete);
    let listed: Vec<&str> = view.controls.iter().map(|c| c.id.as_str()).collect();
    let framework: Vec<&str> = cis.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(listed, framework, "every control of the framework, in its order");
    let fsbp = compliance::framework("fsbp").expect("parses").expect("FSBP");
    let fsbp = compliance::view(&fsbp, &report, &rules);
    assert!(!fsbp.complete, "the FSBP list says it is partial");
    let s3_7 = fsbp.controls.iter().find(|c| c.id == "S3.7").expect("S3.7");
    assert_eq!(s3_7.status, ControlStatus::NotCovered);
    assert_eq!(
        s3_7.not_covered_reason.as_deref(),
        Some("needs bucket replication, not collected")
    );
}

#[test]
fn every_uncovered_control_says_why_and_no_covered_one_does() {
    let rules = rules::load(&[]).expect("rules");
    for framework in compliance::frameworks().expect("parses") {
        let coverage = compliance::coverage(&framework, &rules);
        for c in &framework.controls {
            let mapped = coverage.contains_key(&c.id);
            match (&c.not_covered, mapped) {
                (Some(why), true) => panic!(
                    "{} {}: says it is not covered ({why}) but {:?} map to it",
                    framework.id, c.id, coverage[&c.id]
                ),
                (None, false) if framework.id == "fsbp" => {
                    panic!("fsbp {}: no rule maps to it and no `not_covered` reason says why", c.id)
                }
                _ => {}
            }
        }
    }
}

#[test]
fn compliance_output_formats_and_errors() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_audit"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("audit runs")
    };
    let example = "fixtures/example-account.json";
    let o = run(&[
        "scan",
        "--snapshot",
        example,
        "--compliance",
        "fsbp",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let view: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(view["format"], "posture-audit/compliance");
    assert_eq!(view["framework"], "fsbp");
    let o = run(&[
        "scan",
        "--snapshot",
        example,
        "--compliance",
        "cis-aws-3.0",
        "--format",
        "markdown",
        "--fail-on",
        "none",
    ]);
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("| 5.4 | ❌ fail | Ensure the default security group of every VPC restricts all traffic |")
    );
    let o = run(&[
        "scan",
        "--snapshot",
        example,
        "--compliance",
        "cis-aws-3.0",
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["scan", "--snapshot", example, "--compliance", "pci-dss"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown framework `pci-dss`; use one of cis-aws-3.0, fsbp"));
    let o = run(&["compliance", "list"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("│ cis-aws-3.0 ┆ CIS AWS Foundations Benchmark v3.0.0"));
}
