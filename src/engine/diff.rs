//! Baseline comparison: which failures are new, which were resolved, which
//! remain. Pure; the inputs are two reports (from two snapshots evaluated
//! with the same rules, or two saved JSON reports).
//!
//! A failure is identified by rule, resource kind, region and resource id
//! (and, in reports over several accounts, the account), the same identity
//! as SARIF fingerprints. A waived finding counts as failing here: waiving a
//! regression does not make it go away. A failure of an account the new
//! audit could not read (its role could not be assumed, it was unreachable
//! or suspended) is `unknown`, never `resolved`.

use super::finding::{Finding, Report, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// One failure in a comparison.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// The account, in reports over several accounts.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub account: String,
    pub rule_id: String,
    pub severity: crate::rules::Severity,
    pub kind: String,
    pub region: String,
    pub resource_id: String,
    /// `name (id)` or the id.
    pub resource: String,
    pub evidence: Vec<String>,
}

/// The result of comparing two audits.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Diff {
    /// Always `posture-audit/diff`.
    pub format: String,
    pub version: i64,
    /// Failing in the new audit, not in the old one.
    pub new: Vec<Change>,
    /// Failing in the old audit, not in the new one.
    pub resolved: Vec<Change>,
    /// Failing in both.
    pub unchanged: Vec<Change>,
    /// Failing in the old audit, in an account the new one could not read.
    pub unknown: Vec<Change>,
}

type Key = (String, String, String, String, String);

fn account_of(f: &Finding) -> String {
    f.account.as_ref().map(|a| a.id.clone()).unwrap_or_default()
}

fn failures(report: &Report) -> BTreeMap<Key, &Finding> {
    report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Waived))
        .map(|f| {
            let r = &f.resource;
            (
                (
                    account_of(f),
                    f.rule_id.to_string(),
                    r.kind.clone(),
                    r.region.clone(),
                    r.id.clone(),
                ),
                f,
            )
        })
        .collect()
}

fn change(f: &Finding) -> Change {
    Change {
        account: account_of(f),
        rule_id: f.rule_id.to_string(),
        severity: f.severity,
        kind: f.resource.kind.clone(),
        region: f.resource.region.clone(),
        resource_id: f.resource.id.clone(),
        resource: f.resource.display(),
        evidence: f.evidence.clone(),
    }
}

/// Compares `old` with `new`; every list is sorted by severity, then identity.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let (before, after) = (failures(old), failures(new));
    let mut result = Diff {
        format: "posture-audit/diff".into(),
        version: 1,
        new: vec![],
        resolved: vec![],
        unchanged: vec![],
        unknown: vec![],
    };
    let unread: std::collections::BTreeSet<&str> = (new.accounts.iter())
        .filter(|a| !a.status.was_read())
        .map(|a| a.id.as_str())
        .collect();
    for (key, f) in &after {
        if before.contains_key(key) {
            result.unchanged.push(change(f));
        } else {
            result.new.push(change(f));
        }
    }
    for (key, f) in &before {
        if unread.contains(key.0.as_str()) {
            result.unknown.push(change(f));
        } else if !after.contains_key(key) {
            result.resolved.push(change(f));
        }
    }
    for list in [
        &mut result.new,
        &mut result.resolved,
        &mut result.unchanged,
        &mut result.unknown,
    ] {
        list.sort_by(|a, b| {
            (a.severity, &a.rule_id, &a.account, &a.region, &a.resource_id).cmp(&(
                b.severity,
                &b.rule_id,
                &b.account,
                &b.region,
                &b.resource_id,
            ))
        });
    }
    result
}
