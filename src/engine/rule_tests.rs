//! Runs the inline test cases of rules (`[[test]]` in a rule file, what
//! `audit rules test` runs): each case becomes a small snapshot that is
//! prepared and evaluated exactly like collected data, and its outcome is
//! compared with the expectation. It lives in the engine because it
//! evaluates rules with the engine's own per-resource step.

use super::{Status, account_value, evaluate_item, root_context, scope_findings};
use crate::rules::Rule;
use crate::rules::spec::{Expect, TestCase};
use crate::snapshot::{self, Account, Gap, KindError, Resources, Snapshot, Source};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The account of every test snapshot.
pub const TEST_ACCOUNT: &str = "123456789012";
/// The region of every test snapshot, and of test resources that name none.
pub const TEST_REGION: &str = "us-east-1";
/// When test snapshots are taken, unless a case says otherwise.
pub const TEST_COLLECTED_AT: &str = "2026-06-01T00:00:00Z";

/// The result of one test case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub rule_id: String,
    pub name: String,
    pub passed: bool,
    /// What happened, when it is not what was expected.
    pub detail: String,
}

fn with_defaults(table: &toml::Table, id: &str) -> toml::Value {
    let mut table = table.clone();
    table.entry("id").or_insert_with(|| toml::Value::String(id.into()));
    table
        .entry("region")
        .or_insert_with(|| toml::Value::String(TEST_REGION.into()));
    toml::Value::Table(table)
}

fn push(resources: &mut Resources, kind: &str, value: toml::Value) -> Result<(), String> {
    resources.push_value(kind, value).map_err(|e| match e {
        KindError::Unknown => format!("unknown kind `{kind}`"),
        KindError::Invalid(e) => format!("a `{kind}` example does not fit the model: {}", e.message()),
    })
}

/// Builds the snapshot of one test case.
fn snapshot_of(rule: &Rule, case: &TestCase) -> Result<(Snapshot, String), String> {
    let kind = case
        .kind
        .clone()
        .or_else(|| rule.kinds.first().cloned())
        .unwrap_or_default();
    let mut resources = Resources::default();
    for (related_kind, list) in &case.related {
        for (i, table) in list.iter().enumerate() {
            push(
                &mut resources,
                related_kind,
                with_defaults(table, &format!("related-{i}")),
            )?;
        }
    }
    let id = match &case.resource {
        Some(table) => {
            let value = with_defaults(table, "test");
            let id = value
                .get("id")
                .and_then(toml::Value::as_str)
                .unwrap_or("test")
                .to_string();
            push(&mut resources, &kind, value)?;
            id
        }
        None if kind == "region" => TEST_REGION.to_string(),
        None => TEST_ACCOUNT.to_string(),
    };
    let gaps = case
        .gaps
        .iter()
        .map(|g| {
            Gap::deserialize(toml::Value::Table(g.clone()))
                .map_err(|e| format!("a gap does not fit the model: {}", e.message()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let collected_at = case.collected_at.as_deref().unwrap_or(TEST_COLLECTED_AT);
    let collected_at: DateTime<Utc> = collected_at
        .parse()
        .map_err(|e| format!("`collected_at` is not RFC 3339: {e}"))?;
    let snapshot = Snapshot {
        format: snapshot::FORMAT.into(),
        version: snapshot::VERSION,
        account: Account {
            id: TEST_ACCOUNT.into(),
            partition: "aws".into(),
            alias: None,
        },
        collected_at,
        regions: vec![TEST_REGION.into()],
        source: Source {
            kind: "test".into(),
            ..Source::default()
        },
        resources,
        gaps,
        collected: None,
        assumed_empty: Vec::new(),
        partial: Vec::new(),
        locations: Vec::new(),
    };
    Ok((snapshot, id))
}

/// Runs one case.
pub fn run_case(rule: &Rule, case: &TestCase) -> CaseResult {
    let result = |passed: bool, detail: String| CaseResult {
        rule_id: rule.id.clone(),
        name: case.name.clone(),
        passed,
        detail,
    };
    let (snapshot, id) = match snapshot_of(rule, case) {
        Ok(s) => s,
        Err(e) => return result(false, e),
    };
    let kind = case
        .kind
        .clone()
        .or_else(|| rule.kinds.first().cloned())
        .unwrap_or_default();
    let prepared = crate::prepare::prepare(&snapshot);
    let Some(item) = prepared.of_kind(&kind).iter().find(|i| i.id() == id) else {
        return result(false, format!("the example {kind} `{id}` is missing after preparation"));
    };
    let params = rule.params_value(
        match serde_json::to_value(&case.params) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            _ => None,
        }
        .as_ref(),
    );
    let account = account_value(&snapshot.account, &snapshot.regions);
    let root = root_context();
    let finding = evaluate_item(rule, &root, item, params.as_ref(), account.as_ref(), &prepared.gaps);
    let (status, evidence, message) = match &finding {
        None => (None, Vec::new(), "out of scope".to_string()),
        Some(f) => (Some(f.status), f.evidence.clone(), f.message.clone()),
    };
    let expected = match case.expect {
        Expect::Pass => Some(Status::Pass),
        // A manual item without an attestation is open: its failing outcome.
        Expect::Fail if rule.manual => Some(Status::Manual),
        Expect::Fail => Some(Status::Fail),
        Expect::Error => Some(Status::Error),
        Expect::Skip => None,
    };
    if status != expected {
        let got = status.map_or("skip", Status::as_str);
        let want = format!("{:?}", case.expect).to_lowercase();
        return result(false, format!("expected {want}, got {got}: {message}"));
    }
    if let Some(want) = &case.evidence
        && want != &evidence
    {
        return result(false, format!("expected evidence {want:?}, got {evidence:?}"));
    }
    result(true, String::new())
}

/// The tool's central promise, as a property of one rule: each of its
/// passing examples, with any gap that concerns the data it reads (one of
/// its kinds in the example's region, globally, or its whole service there;
/// the example's resource alone), gives `error`, never `pass`. Returns
/// what broke the promise, one line each.
pub fn gaps_never_pass(rule: &Rule) -> Vec<String> {
    let mut broken = Vec::new();
    for case in rule.tests.iter().filter(|c| c.expect == Expect::Pass) {
        let Ok((snapshot, id)) = snapshot_of(rule, case) else {
            // `run_case` reports examples that do not load.
            continue;
        };
        let kind = case
            .kind
            .clone()
            .or_else(|| rule.kinds.first().cloned())
            .unwrap_or_default();
        let synthetic = crate::prepare::SYNTHETIC_KINDS.contains(&kind.as_str());
        let mut kinds: Vec<String> = rule.needs_for(&kind).to_vec();
        if !synthetic && !kinds.contains(&kind) {
            kinds.push(kind.clone());
        }
        let gap = |kinds: Vec<String>, region: &str, resource_id: Option<String>| Gap {
            service: kinds
                .first()
                .and_then(|k| k.split('.').next())
                .unwrap_or_default()
                .to_string(),
            region: region.into(),
            operation: "Describe".into(),
            code: "Throttling".into(),
            message: "injected".into(),
            kinds,
            resource_id,
            fields: Vec::new(),
        };
        let mut variants: Vec<(String, Gap)> = Vec::new();
        for k in &kinds {
            let service = k.split('.').next().unwrap_or_default().to_string();
            variants.push((format!("{k} in {TEST_REGION}"), gap(vec![k.clone()], TEST_REGION, None)));
            variants.push((format!("{k} globally"), gap(vec![k.clone()], "global", None)));
            let mut whole = gap(vec![k.clone()], TEST_REGION, None);
            whole.kinds.clear();
            whole.service = service.clone();
            variants.push((format!("all of {service} in {TEST_REGION}"), whole));
        }
        if !synthetic {
            variants.push((
                format!("{kind} {id} alone"),
                gap(vec![kind.clone()], TEST_REGION, Some(id.clone())),
            ));
        }
        let params = rule.params_value(
            match serde_json::to_value(&case.params) {
                Ok(serde_json::Value::Object(map)) => Some(map),
                _ => None,
            }
            .as_ref(),
        );
        let root = root_context();
        for (what, gap) in variants {
            let mut with_gap = snapshot.clone();
            with_gap.gaps.push(gap);
            let prepared = crate::prepare::prepare(&with_gap);
            let account = account_value(&with_gap.account, &with_gap.regions);
            let mut findings: Vec<super::Finding> = (prepared.of_kind(&kind).iter())
                .filter_map(|item| evaluate_item(rule, &root, item, params.as_ref(), account.as_ref(), &prepared.gaps))
                .collect();
            scope_findings(rule, &prepared.gaps, &mut findings);
            if findings.iter().any(|f| f.status == Status::Pass) {
                broken.push(format!("{} / {}: passes with a gap in {what}", rule.id, case.name));
            } else if !findings.iter().any(|f| f.status == Status::Error) {
                broken.push(format!("{} / {}: no error with a gap in {what}", rule.id, case.name));
            }
        }
    }
    broken
}

/// Runs every case of `rule`, and checks that it has at least one passing and
/// one failing example.
pub fn run_rule(rule: &Rule) -> Vec<CaseResult> {
    let mut results: Vec<CaseResult> = rule.tests.iter().map(|case| run_case(rule, case)).collect();
    for (expect, word, value) in [(Expect::Pass, "passing", "pass"), (Expect::Fail, "failing", "fail")] {
        if !rule.tests.iter().any(|c| c.expect == expect) {
            results.push(CaseResult {
                rule_id: rule.id.clone(),
                name: format!("has a {word} example"),
                passed: false,
                detail: format!(
                    "every rule needs at least one {word} example (`[[test]]` with `expect = \"{value}\"`)"
                ),
            });
        }
    }
    results
}
