//! Random and mutated inputs never panic: every loader (snapshot, Terraform
//! plan, rule file, configuration, accounts file) and the AWS-semantics code
//! that reads account data (policy normalisation, CIDRs, secret scanning,
//! HSTS, user data, metric filter patterns, schedules) either succeeds or
//! returns an error, and a loader's parse error names a line and column.
//!
//! Valid inputs are mutated (truncated, a byte dropped or inserted, a value
//! replaced by another type, a huge number, deep nesting, a very long
//! string) as well as generated at random. Case counts are bounded so the
//! suite stays fast; `PROPTEST_CASES` raises them.

use posture_audit::semantics::{http, iam_policy, log_filter, network, schedule, secrets, user_data};
use posture_audit::snapshot::{self, accounts};
use posture_audit::source::terraform;
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

const SNAPSHOT: &str = include_str!("../fixtures/example-account.json");
const PLAN: &str = include_str!("../fixtures/terraform/tfplan.json");
const CONFIG: &str = include_str!("../fixtures/audit.toml");
const RULE: &str = include_str!("../rules/ec2/ec2-sg-no-public-ssh.toml");
const ACCOUNTS: &str = r#"{
  "format": "posture-audit/accounts",
  "version": 1,
  "organization_id": "o-a1b2c3d4e5",
  "accounts": [
    { "id": "111122223333", "name": "shop-prod", "email": "prod@example.com",
      "ou_path": "/workloads/prod", "state": "ACTIVE", "tags": { "env": "prod" } },
    { "id": "444455556666", "name": "legacy", "role_name": "audit-legacy", "external_id": "7f3c" }
  ]
}"#;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::String),
        Just(Value::String("x".repeat(100_000))),
        Just(serde_json::json!(18446744073709551615u64)),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,12}", inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A mutation of a valid text.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    DropByte(usize),
    Insert(usize, char),
    /// Replace the JSON value at the n-th position of a walk by another.
    Replace(usize, Value),
    Nest(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DropByte),
        (
            any::<usize>(),
            prop_oneof![
                Just('"'),
                Just('{'),
                Just(']'),
                Just(','),
                Just('\u{0}'),
                Just('é'),
                any::<char>()
            ]
        )
            .prop_map(|(i, c)| Mutation::Insert(i, c)),
        (any::<usize>(), json_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        (1usize..400).prop_map(Mutation::Nest),
    ]
}

fn char_boundary(text: &str, at: usize) -> usize {
    let mut i = at % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Replaces the n-th value (in a depth-first walk, modulo the count).
fn replace_nth(doc: &mut Value, n: usize, with: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, n: &mut usize, with: &Value) -> bool {
        if *n == 0 {
            *v = with.clone();
            return true;
        }
        *n -= 1;
        match v {
            Value::Array(a) => a.iter_mut().any(|x| walk(x, n, with)),
            Value::Object(o) => o.values_mut().any(|x| walk(x, n, with)),
            _ => false,
        }
    }
    let mut n = n % count(doc);
    walk(doc, &mut n, &with);
}

fn apply(text: &str, m: &Mutation) -> String {
    match m {
        Mutation::Truncate(at) => text[..char_boundary(text, *at)].to_string(),
        Mutation::DropByte(at) => {
            let i = char_boundary(text, *at);
            let mut s = text.to_string();
            if i < s.len() {
                s.remove(i);
            }
            s
        }
        Mutation::Insert(at, c) => {
            let mut s = text.to_string();
            s.insert(char_boundary(text, *at), *c);
            s
        }
        Mutation::Replace(n, with) => match serde_json::from_str::<Value>(text) {
            Ok(mut doc) => {
                replace_nth(&mut doc, *n, with.clone());
                doc.to_string()
            }
            // TOML: replace a line instead.
            Err(_) => {
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                if !lines.is_empty() {
                    let i = n % lines.len();
                    lines[i] = format!("{} = {}", "x".repeat(i % 5 + 1), with);
                }
                lines.join("\n")
            }
        },
        Mutation::Nest(depth) => format!("{}{}{}", "[".repeat(*depth), text, "]".repeat(*depth)),
    }
}

/// A loader's error, when it names a position, names a real one.
fn check_position(message: &str, text: &str) {
    // "path:LINE:COLUMN: ..." after the file name.
    let Some(rest) = message
        .split(".json:")
        .nth(1)
        .or_else(|| message.split(".toml:").nth(1))
    else {
        return;
    };
    let mut parts = rest.splitn(3, ':');
    if let (Some(line), Some(_column)) = (parts.next(), parts.next())
        && let Ok(line) = line.parse::<usize>()
    {
        assert!(
            line >= 1 && line <= text.lines().count().max(1) + 1,
            "line {line} outside the input: {message}"
        );
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_snapshots_load_or_fail_with_a_position(m in mutation()) {
        let text = apply(SNAPSHOT, &m);
        if let Err(e) = snapshot::parse(&text, Path::new("s.json")) {
            check_position(&e.to_string(), &text);
        }
    }

    #[test]
    fn random_json_is_no_snapshot_and_no_panic(v in json_value()) {
        let _ = snapshot::parse(&v.to_string(), Path::new("s.json"));
    }

    #[test]
    fn mutated_plans_read_or_fail_with_a_position(m in mutation()) {
        let text = apply(PLAN, &m);
        let options = terraform::Options { tf_dir: Some("fixtures/terraform".into()), ..Default::default() };
        if let Err(e) = terraform::parse(&text, Path::new("p.json"), &options) {
            check_position(&e.to_string(), &text);
        }
    }

    #[test]
    fn random_json_is_no_plan_and_no_panic(v in json_value()) {
        let mut doc = serde_json::json!({"format_version": "1.2", "resource_changes": [], "configuration": {}});
        // Random values where the source reads them.
        let slot = ["resource_changes", "configuration", "prior_state", "planned_values"][v.to_string().len() % 4];
        doc[slot] = v.clone();
        let options = terraform::Options::default();
        let _ = terraform::parse(&doc.to_string(), Path::new("p.json"), &options);
        let change = serde_json::json!({"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.x", "type": "aws_security_group", "name": "x", "mode": "managed",
             "change": {"actions": ["create"], "after": v.clone(), "after_unknown": v.clone()}},
            {"address": "aws_s3_bucket_policy.x", "type": "aws_s3_bucket_policy", "name": "x", "mode": "managed",
             "change": {"actions": ["create"], "after": {"bucket": v.clone(), "policy": v.to_string()}, "after_unknown": {}}}],
            "configuration": {"root_module": {"resources": [{"address": "aws_security_group.x", "expressions": v}]}}});
        let _ = terraform::parse(&change.to_string(), Path::new("p.json"), &options);
    }

    #[test]
    fn mutated_rule_files_compile_or_fail_with_a_position(m in mutation()) {
        let text = apply(RULE, &m);
        if let Err(problems) = posture_audit::rules::compile(Path::new("r.toml"), &text) {
            for p in problems {
                prop_assert!(p.line >= 1);
            }
        }
    }

    #[test]
    fn mutated_configurations_load_or_fail(m in mutation()) {
        let text = apply(CONFIG, &m);
        let _ = posture_audit::config::parse(&text, Path::new("audit.toml"));
    }

    #[test]
    fn mutated_accounts_files_load_or_fail_with_a_position(m in mutation()) {
        let text = apply(ACCOUNTS, &m);
        if let Err(e) = accounts::parse_accounts(&text, Path::new("a.json")) {
            check_position(&e.to_string(), &text);
        }
    }

    #[test]
    fn policy_normalisation_takes_any_document(v in json_value()) {
        let statements = iam_policy::normalise(&v);
        let _ = iam_policy::allows_public(&statements);
        let wrapped = serde_json::json!({"Statement": [v.clone(), {"Effect": "Allow", "Principal": v, "Action": "*", "Resource": "*"}]});
        let _ = iam_policy::normalise(&wrapped);
    }

    #[test]
    fn text_readers_take_any_string(s in ".{0,300}", bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = network::parse_cidr(&s);
        let _ = network::is_world_cidr(&s);
        let _ = secrets::looks_like_secret(&s, &s);
        let masked = secrets::mask(&s);
        if s.chars().count() > 12 {
            prop_assert_ne!(&masked, &s, "a long value is masked");
        }
        let _ = secrets::scan_text(&s);
        let _ = http::parse_hsts(&s);
        let _ = log_filter::parse(&s);
        let _ = schedule::interval_days(&s);
        let _ = user_data::decode(&bytes);
        let _ = user_data::decode_base64(Some(&s));
    }
}

#[test]
fn non_utf8_files_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("binary.json");
    std::fs::write(&path, [0xff, 0xfe, b'{', 0x80]).expect("write");
    let e = snapshot::load(&path).expect_err("not UTF-8");
    assert!(e.to_string().contains("binary.json"));
    let e = terraform::load(&path, &terraform::Options::default()).expect_err("not UTF-8");
    assert!(e.to_string().contains("binary.json"));
}

#[test]
fn gzip_bombs_and_deep_multipart_user_data_stay_bounded() {
    // A small input that expands hugely must be refused or cut, not fill memory.
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 64 * 1024 * 1024];
    encoder.write_all(&zeros).expect("gzip");
    let bomb = encoder.finish().expect("gzip");
    assert!(bomb.len() < 1024 * 1024);
    // User data is at most 16 KB on EC2; decoding stops at 4 MiB.
    if let Ok(text) = user_data::decode(&bomb) {
        assert!(text.len() <= 4 * 1024 * 1024, "decoded {} bytes", text.len());
    }
}
