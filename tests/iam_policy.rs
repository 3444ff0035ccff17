//! `docs/iam-policy.json` grants exactly the calls the collector makes, and
//! every one of them only reads. Adding a call to `src/source/aws/` without
//! adding its action to the policy (or leaving a stale action behind) fails
//! this test.

use std::collections::BTreeSet;
use std::path::Path;

/// IAM action names that differ from the API operation names, by module.
const RENAMED: &[(&str, &str, &str)] = &[
    ("s3", "ListBuckets", "ListAllMyBuckets"),
    ("s3", "GetObjectLockConfiguration", "GetBucketObjectLockConfiguration"),
    ("s3", "GetBucketEncryption", "GetEncryptionConfiguration"),
    ("s3", "GetPublicAccessBlock", "GetBucketPublicAccessBlock"),
    ("s3control", "GetPublicAccessBlock", "GetAccountPublicAccessBlock"),
];

/// The IAM service prefix of a collector module, where its name differs.
const PREFIXES: &[(&str, &str)] = &[
    ("mod", "sts"),
    ("s3control", "s3"),
    ("elbv2", "elasticloadbalancing"),
    ("prefix_lists", "ec2"),
    ("interfaces", "ec2"),
    ("network_acls", "ec2"),
    ("ebs_snapshots", "ec2"),
    ("rds_snapshots", "rds"),
    ("accessanalyzer", "access-analyzer"),
    ("efs", "elasticfilesystem"),
];

fn pascal(snake: &str) -> String {
    snake.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect()
}

/// The IAM actions of the SDK calls in the collector's source, lower case.
fn actions_called() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/source/aws");
    let call = regex::Regex::new(r"\.((?:describe|get|list|generate|put|create|delete|update|modify)_[a-z_]+)\(\)")
        .expect("valid regex");
    let mut actions = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("src/source/aws") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("source");
        // One module per service; mod.rs calls STS for the account id.
        let Some(module) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        // The plumbing modules call no service.
        if matches!(module, "progress" | "call" | "registry" | "sdk") {
            continue;
        }
        let prefix = PREFIXES.iter().find(|(m, _)| *m == module).map_or(module, |(_, p)| p);
        for caps in call.captures_iter(&text) {
            // `create_date()` and `create_volume_permissions()` read fields
            // of SDK outputs; no operation is named so.
            if matches!(&caps[1], "create_date" | "create_volume_permissions") {
                continue;
            }
            let operation = pascal(&caps[1]);
            let action = RENAMED
                .iter()
                .find(|(m, op, _)| *m == module && op.eq_ignore_ascii_case(&operation))
                .map_or(operation.clone(), |(_, _, a)| a.to_string());
            // IAM action names are case-insensitive (`DescribeDbInstances`
            // is `DescribeDBInstances`); compare them that way.
            actions.insert(format!("{prefix}:{action}").to_lowercase());
        }
    }
    actions
}

#[test]
fn the_shipped_policy_grants_exactly_the_calls_the_collector_makes() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/iam-policy.json")).expect("policy");
    let policy: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let granted: BTreeSet<String> = policy["Statement"][0]["Action"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a.as_str().map(str::to_lowercase))
        .collect();
    let called = actions_called();
    assert!(called.len() >= 15, "the call scan found too little: {called:?}");
    let missing: Vec<&String> = called.difference(&granted).collect();
    let stale: Vec<&String> = granted.difference(&called).collect();
    assert!(missing.is_empty(), "calls the policy does not grant: {missing:?}");
    assert!(stale.is_empty(), "granted actions the collector never calls: {stale:?}");
}

#[test]
fn the_collector_only_reads() {
    for action in actions_called() {
        let name = action.split(':').nth(1).unwrap_or_default();
        assert!(
            ["describe", "get", "list"].iter().any(|p| name.starts_with(p)) || name == "generatecredentialreport",
            "{action} is not a read-only call"
        );
    }
}
