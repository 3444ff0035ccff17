//! Evaluation: `fn(&RuleSet, &Prepared, &Options) -> Report`.
//!
//! Pure: no I/O, no clock. Rules are grouped by the kind they iterate over;
//! each resource's CEL value is borrowed by every rule of its kind, and
//! resources are evaluated in parallel with rayon. A rule whose data has a
//! gap in a resource's scope reports `error` for it (never `pass`), and one
//! `error` per affected region where no resource could be seen at all.
//! Findings are sorted so that output is deterministic.

pub mod finding;

use crate::prepare::{Item, Prepared};
use crate::rules::spec::Severity;
use crate::rules::value::cel_to_json;
use crate::rules::{Expr, Rule, RuleSet};
use crate::snapshot::Gap;
use cel::Context;
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
pub use finding::{Finding, Report, ResourceRef, RuleInfo, Status, Summary, Target};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Which rules to run, and parameter overrides.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Run only these rule ids (empty: all).
    pub only: Vec<String>,
    /// Never run these rule ids.
    pub skip: Vec<String>,
    /// Run only rules at least this severe.
    pub min_severity: Option<Severity>,
    /// Parameter overrides by rule id.
    pub params: HashMap<String, serde_json::Map<String, serde_json::Value>>,
    /// The snapshot file audited, for the report.
    pub snapshot_path: Option<String>,
}

impl Options {
    fn selects(&self, rule: &Rule) -> bool {
        (self.only.is_empty() || self.only.iter().any(|id| id == &rule.id))
            && !self.skip.iter().any(|id| id == &rule.id)
            && self.min_severity.is_none_or(|min| rule.severity.at_least(min))
    }
}

/// The variables a rule sees: `resource`, `params`, `account`.
struct Vars<'a> {
    resource: &'a dyn Val,
    params: &'a dyn Val,
    account: &'a dyn Val,
}

impl VariableResolver for Vars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        match variable {
            "resource" => Some(CowVal::Borrowed(self.resource)),
            "params" => Some(CowVal::Borrowed(self.params)),
            "account" => Some(CowVal::Borrowed(self.account)),
            _ => None,
        }
    }
}

/// The outcome of one rule on one resource, before it becomes a finding.
pub enum Outcome {
    /// Out of scope (`when` was false).
    OutOfScope,
    Pass,
    Fail(Vec<String>),
    Error(String),
}

fn run(expr: &Expr, vars: &Vars) -> Result<cel::Value, String> {
    let mut context = Context::with_env(crate::rules::functions::ENV.clone());
    context.set_variable_resolver(vars);
    expr.program
        .execute(&context)
        .map_err(|e| format!("`{}` failed: {e}", expr.source.trim()))
}

/// Evaluates one rule on one resource value.
fn outcome(rule: &Rule, resource: &dyn Val, params: &dyn Val, account: &dyn Val) -> Outcome {
    let vars = Vars {
        resource,
        params,
        account,
    };
    if let Some(when) = &rule.when {
        match run(when, &vars) {
            Ok(cel::Value::Bool(true)) => {}
            Ok(cel::Value::Bool(false)) => return Outcome::OutOfScope,
            Ok(other) => return Outcome::Error(format!("`check.when` returned {other:?}, not a bool")),
            Err(e) => return Outcome::Error(e),
        }
    }
    match run(&rule.assert, &vars) {
        Ok(cel::Value::Bool(true)) => Outcome::Pass,
        Ok(cel::Value::Bool(false)) => match &rule.evidence {
            None => Outcome::Fail(Vec::new()),
            Some(expr) => match run(expr, &vars) {
                Ok(value) => Outcome::Fail(evidence_strings(&value)),
                Err(e) => Outcome::Error(e),
            },
        },
        Ok(other) => Outcome::Error(format!("`check.assert` returned {other:?}, not a bool")),
        Err(e) => Outcome::Error(e),
    }
}

fn evidence_strings(value: &cel::Value) -> Vec<String> {
    match value {
        cel::Value::List(items) => items.iter().flat_map(evidence_strings).collect(),
        cel::Value::String(s) => vec![s.to_string()],
        cel::Value::Null => Vec::new(),
        other => vec![cel_to_json(other).to_string()],
    }
}

/// The gaps that make `rule`'s data incomplete for a resource in `region`.
fn gaps_for<'g>(gaps: &'g [Gap], rule: &Rule, region: &str, resource_id: Option<&str>) -> Vec<&'g Gap> {
    gaps.iter()
        .filter(|g| rule.needs.iter().any(|kind| g.covers(kind, region)))
        .filter(|g| match (&g.resource_id, resource_id) {
            (Some(gap_id), Some(id)) => gap_id == id,
            (Some(_), None) => false,
            (None, _) => true,
        })
        .collect()
}

fn gap_message(gaps: &[&Gap]) -> String {
    let parts: Vec<String> = gaps
        .iter()
        .map(|g| format!("{} {} in {} failed with {}", g.service, g.operation, g.region, g.code))
        .collect();
    format!("data incomplete, cannot decide: {}", parts.join("; "))
}

fn finding(rule: &Rule, status: Status, resource: Arc<ResourceRef>, message: String, evidence: Vec<String>) -> Finding {
    Finding {
        rule_id: rule.shared_id.clone(),
        status,
        severity: rule.severity,
        resource,
        message,
        evidence,
        compliance: rule.compliance.clone(),
    }
}

/// Evaluates one rule on one prepared item, gaps included.
pub fn evaluate_item(rule: &Rule, item: &Item, params: &dyn Val, account: &dyn Val, gaps: &[Gap]) -> Option<Finding> {
    let resource = item.resource.clone();
    let display = format!("{} {}", resource.kind, resource.display());
    let scope = if resource.region == "global" {
        String::new()
    } else {
        format!(" in {}", resource.region)
    };
    let missing = gaps_for(gaps, rule, item.region(), Some(item.id()));
    match outcome(rule, item.value.as_ref(), params, account) {
        // Out of scope on partial data may be wrong too, but saying nothing
        // about a resource the rule does not apply to is what the user expects;
        // the region-level error below still reports the gap.
        Outcome::OutOfScope => None,
        _ if !missing.is_empty() => Some(finding(
            rule,
            Status::Error,
            resource,
            format!("{display}{scope}: {}", gap_message(&missing)),
            Vec::new(),
        )),
        Outcome::Pass => Some(finding(
            rule,
            Status::Pass,
            resource,
            format!("{display}{scope} meets: {}", rule.title),
            Vec::new(),
        )),
        Outcome::Fail(evidence) => Some(finding(
            rule,
            Status::Fail,
            resource,
            format!("{display}{scope} does not meet: {}", rule.title),
            evidence,
        )),
        Outcome::Error(e) => Some(finding(
            rule,
            Status::Error,
            resource,
            format!("{display}{scope}: rule error: {e}"),
            Vec::new(),
        )),
    }
}

/// Evaluates `rules` against a prepared snapshot.
pub fn evaluate(rules: &RuleSet, prepared: &Prepared, options: &Options) -> Report {
    let selected: Vec<&Rule> = rules.rules.iter().filter(|r| options.selects(r)).collect();
    let params: Vec<Box<dyn Val>> = selected
        .iter()
        .map(|r| r.params_value(options.params.get(&r.id)))
        .collect();
    let account = crate::rules::value::json_to_val(&serde_json::json!({
        "id": prepared.account.id,
        "partition": prepared.account.partition,
        "regions": prepared.regions,
    }));

    // Rules by kind, so that each resource is visited once for all its rules.
    let mut by_kind: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, rule) in selected.iter().enumerate() {
        for kind in &rule.kinds {
            by_kind.entry(kind.as_str()).or_default().push(index);
        }
    }
    let work: Vec<(&Item, &Vec<usize>)> = by_kind
        .iter()
        .flat_map(|(kind, rule_indexes)| prepared.of_kind(kind).iter().map(move |item| (item, rule_indexes)))
        .collect();
    let mut findings: Vec<Finding> = work
        .par_iter()
        .with_min_len(64)
        .flat_map_iter(|(item, rule_indexes)| {
            rule_indexes
                .iter()
                .filter_map(|&i| evaluate_item(selected[i], item, params[i].as_ref(), account.as_ref(), &prepared.gaps))
        })
        .collect();

    // Regions where a rule's data has a gap but no resource reported it: the
    // resources there may simply not have been seen.
    let mut errored: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut seen_rules: BTreeSet<&str> = BTreeSet::new();
    for f in &findings {
        seen_rules.insert(&f.rule_id);
        if f.status == Status::Error {
            errored.insert((&f.rule_id, &f.resource.region));
        }
    }
    let mut extra = Vec::new();
    for rule in &selected {
        let mut regions: BTreeMap<&str, Vec<&Gap>> = BTreeMap::new();
        for gap in prepared.gaps.iter().filter(|g| g.resource_id.is_none()) {
            if rule.needs.iter().any(|kind| g_covers_any_region(gap, kind)) {
                regions.entry(gap.region.as_str()).or_default().push(gap);
            }
        }
        for (region, gaps) in regions {
            if !errored.contains(&(rule.id.as_str(), region)) {
                let resource = Arc::new(ResourceRef {
                    kind: "region".into(),
                    id: region.into(),
                    arn: String::new(),
                    region: region.into(),
                    name: String::new(),
                });
                extra.push(finding(
                    rule,
                    Status::Error,
                    resource,
                    format!("region {region}: {}", gap_message(&gaps)),
                    Vec::new(),
                ));
            }
        }
        if !seen_rules.contains(rule.id.as_str()) && !extra.iter().any(|f: &Finding| *f.rule_id == *rule.id) {
            let kinds = rule.kinds.join(", ");
            let resource = Arc::new(ResourceRef {
                kind: kinds.clone(),
                id: String::new(),
                arn: String::new(),
                region: String::new(),
                name: String::new(),
            });
            extra.push(finding(
                rule,
                Status::Skip,
                resource,
                format!("no {kinds} in scope"),
                Vec::new(),
            ));
        }
    }
    findings.append(&mut extra);
    findings.sort_by(|a, b| {
        (&a.rule_id, &a.resource.region, &a.resource.kind, &a.resource.id).cmp(&(
            &b.rule_id,
            &b.resource.region,
            &b.resource.kind,
            &b.resource.id,
        ))
    });

    let mut summary = Summary {
        rules_evaluated: selected.len(),
        resources: prepared.resource_count(),
        ..Summary::default()
    };
    for f in &findings {
        match f.status {
            Status::Pass => summary.passed += 1,
            Status::Fail => {
                summary.failed += 1;
                *summary.failed_by_severity.entry(f.severity).or_default() += 1;
            }
            Status::Error => summary.errors += 1,
            Status::Skip => summary.skipped += 1,
        }
    }
    Report {
        format: finding::REPORT_FORMAT.into(),
        version: finding::REPORT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        target: Target {
            account: prepared.account.clone(),
            collected_at: prepared.collected_at,
            regions: prepared.regions.clone(),
            snapshot_path: options.snapshot_path.clone(),
        },
        summary,
        findings,
        gaps: prepared.gaps.clone(),
        rules: selected.iter().map(|r| rule_info(r)).collect(),
    }
}

/// Whether a gap concerns `kind` at all (in its own region).
fn g_covers_any_region(gap: &Gap, kind: &str) -> bool {
    gap.covers(kind, &gap.region)
}

/// A rule's description for reports.
pub fn rule_info(rule: &Rule) -> RuleInfo {
    RuleInfo {
        id: rule.id.clone(),
        title: rule.title.clone(),
        severity: rule.severity,
        kinds: rule.kinds.clone(),
        rationale: rule.rationale.clone(),
        remediation: rule.remediation.clone(),
        references: rule.references.clone(),
        source: rule.source.clone(),
        compliance: (*rule.compliance).clone(),
    }
}
