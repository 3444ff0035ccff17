//! The built-in catalogue: every rule loads, documents itself, and passes its
//! own passing and failing examples.

use posture_audit::engine::rule_tests as testing;
use posture_audit::rules;
use std::path::Path;

#[test]
fn every_builtin_rule_passes_its_inline_examples() {
    let set = rules::load(&[]).expect("the built-in rules load");
    let failures: Vec<String> = set
        .rules
        .iter()
        .flat_map(testing::run_rule)
        .filter(|r| !r.passed)
        .map(|r| format!("{} / {}: {}", r.rule_id, r.name, r.detail))
        .collect();
    assert!(failures.is_empty(), "failing rule examples:\n{}", failures.join("\n"));
}

#[test]
fn every_builtin_rule_is_documented_and_traced_to_a_source() {
    let set = rules::load(&[]).expect("the built-in rules load");
    assert!(!set.rules.is_empty(), "the catalogue is embedded");
    for rule in &set.rules {
        assert!(
            !rule.rationale.is_empty() && !rule.remediation.is_empty(),
            "{} lacks documentation",
            rule.id
        );
        assert!(!rule.source.is_empty(), "{} names no seed document", rule.id);
        assert!(!rule.references.is_empty(), "{} has no reference", rule.id);
    }
}

#[test]
fn a_wrong_expectation_is_reported_as_a_failing_example() {
    let text = r#"
id = "demo-rule"
title = "Demo"
severity = "low"
resource = "ec2.address"
rationale = "r"
remediation = "r"
[check]
assert = "resource.attached"
[[test]]
name = "claims an idle address passes"
expect = "pass"
resource = { public_ip = "198.51.100.1" }
[[test]]
name = "attached passes"
expect = "pass"
resource = { instance_id = "i-1" }
"#;
    let rule = rules::compile(Path::new("demo-rule.toml"), text).expect("compiles");
    let results = testing::run_rule(&rule);
    let failed: Vec<&str> = results.iter().filter(|r| !r.passed).map(|r| r.name.as_str()).collect();
    assert_eq!(failed, vec!["claims an idle address passes", "has a failing example"]);
}

#[test]
fn a_gap_turns_a_would_be_pass_into_an_error() {
    let text = r#"
id = "demo-gap"
title = "Demo"
severity = "low"
resource = "ec2.address"
rationale = "r"
remediation = "r"
[check]
assert = "resource.attached"
[[test]]
name = "attached, but the region's addresses were throttled"
expect = "error"
resource = { instance_id = "i-1" }
gaps = [{ service = "ec2", region = "us-east-1", operation = "DescribeAddresses", code = "Throttling" }]
"#;
    let rule = rules::compile(Path::new("demo-gap.toml"), text).expect("compiles");
    let result = testing::run_case(&rule, &rule.tests[0]);
    assert!(result.passed, "{}", result.detail);
}

/// The central promise, proved for every rule of the catalogue rather than
/// for a sample: each passing example, with each kind of gap that concerns
/// its data (its kinds in the region, globally, their whole service in the
/// region, the resource alone), reports `error`, never `pass`.
#[test]
fn no_rule_passes_on_data_a_gap_left_incomplete() {
    let rules = posture_audit::rules::load(&[]).expect("the catalogue loads");
    let mut broken = Vec::new();
    let mut examples = 0;
    for rule in &rules.rules {
        examples += rule
            .tests
            .iter()
            .filter(|c| c.expect == posture_audit::rules::spec::Expect::Pass)
            .count();
        broken.extend(posture_audit::engine::rule_tests::gaps_never_pass(rule));
    }
    assert!(examples > 100, "the catalogue's passing examples were not found");
    assert!(
        broken.is_empty(),
        "{} broken promises:\n{}",
        broken.len(),
        broken.join("\n")
    );
}
