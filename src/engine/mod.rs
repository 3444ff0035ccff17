//! Evaluation: `fn(&RuleSet, &Prepared, &Options) -> Report`.
//!
//! Pure: no I/O, no clock. Rules are grouped by the kind they iterate over;
//! each resource's CEL value is borrowed by every rule of its kind, and
//! resources are evaluated in parallel with rayon. A rule whose data has a
//! gap in a resource's scope reports `error` for it (never `pass`), and one
//! `error` per affected region where no resource could be seen at all.
//! Findings are sorted so that output is deterministic.

pub mod diff;
pub mod finding;
pub mod org;
pub mod rule_tests;
pub mod waivers;

use crate::cel::json::{cel_to_json, json_to_val};
use crate::prepare::{Prepared, PreparedResource};
use crate::rules::{Expr, Rule, RuleSet, Severity};
use crate::snapshot::{Account, Gap};
use cel::Context;
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
pub use finding::{FailOn, Finding, Notice, NoticeKind, Report, ResourceRef, RuleInfo, Status, Summary, Target};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
pub use waivers::Waiver;

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
    /// Waivers to apply to failing findings.
    pub waivers: Vec<Waiver>,
    /// The day waivers are judged on; default: the day the snapshot was collected.
    pub today: Option<chrono::NaiveDate>,
}

impl Options {
    /// The day waivers and attestations are judged on: `today` when set,
    /// else the day the snapshot was collected.
    pub fn evaluation_day(&self, collected_at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        self.today.unwrap_or_else(|| collected_at.date_naive())
    }

    fn selects(&self, rule: &Rule, prepared: &Prepared) -> bool {
        !covered_kinds(rule, prepared).is_empty() && self.selects_by_flags(rule)
    }

    fn selects_by_flags(&self, rule: &Rule) -> bool {
        (self.only.is_empty() || self.only.iter().any(|id| id == &rule.id))
            && !self.skip.iter().any(|id| id == &rule.id)
            && self.min_severity.is_none_or(|min| rule.severity.at_least(min))
    }
}

/// The kinds of `rule` that `prepared` covers with everything they need. A
/// partial snapshot (probed endpoints only, say, or one saved before a kind
/// was collected) says what it covers; a rule does not apply to the kinds
/// whose data it does not hold, and applies to the others.
///
/// A kind taken to be empty (`assumed_empty`) serves joins only: a rule
/// over it, or over the account or a region reading it, is not evaluated.
/// A kind held in part (`partial`) is judged resource by resource, never
/// by rules about the account or a region.
fn covered_kinds<'r>(rule: &'r Rule, prepared: &Prepared) -> Vec<&'r str> {
    rule.kinds
        .iter()
        .filter(|kind| !prepared.assumes_empty(kind))
        .filter(|kind| {
            let synthetic = crate::prepare::SYNTHETIC_KINDS.contains(&kind.as_str());
            rule.needs_for(kind).iter().all(|k| {
                if synthetic {
                    prepared.covers(k) && !prepared.is_partial(k)
                } else {
                    prepared.covers(k) || prepared.assumes_empty(k)
                }
            })
        })
        .map(String::as_str)
        .collect()
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
enum Outcome {
    /// Out of scope (`when` was false).
    OutOfScope,
    Pass,
    Fail(Vec<String>),
    /// `check.error` gave a reason the data does not allow a verdict.
    Undecided(String),
    Error(String),
}

/// The context every evaluation scope hangs off: the shared environment with
/// no variables. One per rayon job, so that the `Arc<Env>` is not cloned (and
/// its count contended between threads) on every expression.
fn root_context() -> Context<'static, 'static> {
    Context::with_env(crate::cel::functions::ENV.clone())
}

fn run(expr: &Expr, root: &Context, vars: &Vars) -> Result<cel::Value, String> {
    let mut context = root.new_inner_scope();
    context.set_variable_resolver(vars);
    expr.program
        .execute(&context)
        .map_err(|e| format!("`{}` failed: {e}", expr.source.trim()))
}

/// Evaluates one rule on one resource value.
fn outcome(rule: &Rule, root: &Context, resource: &dyn Val, params: &dyn Val, account: &dyn Val) -> Outcome {
    let vars = Vars {
        resource,
        params,
        account,
    };
    if let Some(when) = &rule.when {
        match run(when, root, &vars) {
            Ok(cel::Value::Bool(true)) => {}
            Ok(cel::Value::Bool(false)) => return Outcome::OutOfScope,
            Ok(other) => return Outcome::Error(format!("`check.when` returned {other:?}, not a bool")),
            Err(e) => return Outcome::Error(e),
        }
    }
    if let Some(error) = &rule.error {
        match run(error, root, &vars) {
            Ok(cel::Value::Null) => {}
            Ok(cel::Value::String(reason)) => return Outcome::Undecided(reason.to_string()),
            Ok(other) => return Outcome::Error(format!("`check.error` returned {other:?}, not a string or null")),
            Err(e) => return Outcome::Error(e),
        }
    }
    match run(&rule.assert, root, &vars) {
        Ok(cel::Value::Bool(true)) => Outcome::Pass,
        Ok(cel::Value::Bool(false)) => match &rule.evidence {
            None => Outcome::Fail(Vec::new()),
            Some(expr) => match run(expr, root, &vars) {
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

/// The gaps that make `rule`'s data incomplete for a resource of `kind` in
/// `region`.
fn gaps_for<'g>(gaps: &'g [Gap], rule: &Rule, kind: &str, region: &str, resource_id: Option<&str>) -> Vec<&'g Gap> {
    gaps.iter()
        .filter(|g| rule.needs_for(kind).iter().any(|k| g.covers(k, region)))
        .filter(|g| match (&g.resource_id, resource_id) {
            (None, _) => true,
            // A gap about one resource of the rule's own kind concerns that
            // resource only. About a resource of a kind the rule reads
            // through a join, or under an account- or region-wide rule, it
            // leaves the whole judgement incomplete.
            (Some(gap_id), Some(id)) => gap_id == id || !g.kinds.iter().any(|k| rule.kinds.contains(k)),
            (Some(_), None) => true,
        })
        // A gap about some fields of a resource of this very kind (values a
        // plan knows only after apply) concerns only the rules that read
        // them; about a joined kind, any rule reading through the join.
        .filter(|g| g.fields.is_empty() || g.kinds.iter().any(|k| k != kind) || rule.reads_any(kind, &g.fields))
        .collect()
}

fn gap_message(gaps: &[&Gap]) -> String {
    let parts: Vec<String> = gaps
        .iter()
        .map(|g| {
            if g.code == "KnownAfterApply" {
                // The message names the Terraform address and the fields.
                g.message.clone()
            } else {
                format!("{} {} in {} failed with {}", g.service, g.operation, g.region, g.code)
            }
        })
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
        waiver: None,
        account: None,
    }
}

/// The `account` variable every rule sees.
fn account_value(account: &Account, regions: &[String]) -> Box<dyn Val> {
    json_to_val(&serde_json::json!({
        "id": account.id,
        "partition": account.partition,
        "regions": regions,
    }))
}

/// Evaluates one rule on one prepared item, gaps included.
fn evaluate_item(
    rule: &Rule,
    root: &Context,
    item: &PreparedResource,
    params: &dyn Val,
    account: &dyn Val,
    gaps: &[Gap],
) -> Option<Finding> {
    let resource = item.resource.clone();
    let display = format!("{} {}", resource.kind, resource.display());
    let scope = if resource.region == "global" {
        String::new()
    } else {
        format!(" in {}", resource.region)
    };
    let missing = gaps_for(gaps, rule, &item.resource.kind, item.region(), Some(item.id()));
    // A gap naming this very resource (its detail call failed) leaves
    // unknown the very data `when` may read (user data, a distribution's
    // configuration): the rule cannot even say whether it applies.
    let own_gap = missing
        .iter()
        .any(|g| g.resource_id.as_deref() == Some(item.id()) && g.covers(&item.resource.kind, item.region()));
    match outcome(rule, root, item.value.as_ref(), params, account) {
        // Out of scope on partial data may be wrong too, but saying nothing
        // about a resource the rule does not apply to is what the user expects;
        // the region-level error below still reports the gap.
        Outcome::OutOfScope if !own_gap => None,
        _ if !missing.is_empty() => Some(finding(
            rule,
            Status::Error,
            resource,
            format!("{display}{scope}: {}", gap_message(&missing)),
            Vec::new(),
        )),
        // (Only reached without a gap: with an own gap, the arm above.)
        Outcome::OutOfScope => None,
        Outcome::Pass => Some(finding(
            rule,
            Status::Pass,
            resource,
            format!("{display}{scope} meets: {}", rule.title),
            Vec::new(),
        )),
        Outcome::Fail(evidence) if rule.manual => Some(finding(
            rule,
            Status::Manual,
            resource,
            format!("open checklist item: {}", rule.title),
            evidence,
        )),
        Outcome::Fail(evidence) => Some(finding(
            rule,
            Status::Fail,
            resource,
            format!("{display}{scope} does not meet: {}", rule.title),
            evidence,
        )),
        Outcome::Undecided(reason) => Some(finding(
            rule,
            Status::Error,
            resource,
            format!("{display}{scope}: cannot decide: {reason}"),
            Vec::new(),
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
    let selected: Vec<&Rule> = rules.rules.iter().filter(|r| options.selects(r, prepared)).collect();
    let not_covered = rules
        .rules
        .iter()
        .filter(|r| options.selects_by_flags(r) && !options.selects(r, prepared))
        .count();
    let params: Vec<Box<dyn Val>> = selected
        .iter()
        .map(|r| r.params_value(options.params.get(&r.id)))
        .collect();
    let account = account_value(&prepared.account, &prepared.regions);

    let mut per_rule = evaluate_by_kind(&selected, &params, account.as_ref(), prepared);
    for (rule, findings) in selected.iter().zip(per_rule.iter_mut()) {
        let several_kinds = rule.kinds.len() > 1;
        if scope_findings(rule, &prepared.gaps, findings) || several_kinds {
            findings.sort_by(|a, b| order_key(&a.resource).cmp(&order_key(&b.resource)));
        }
    }
    let mut findings: Vec<Finding> = per_rule.into_iter().flatten().collect();
    let today = options.evaluation_day(prepared.collected_at);
    let notices = waivers::apply(&mut findings, &options.waivers, &prepared.account.id, today);

    let summary = Summary {
        rules_evaluated: selected.len(),
        rules_not_covered: not_covered,
        resources: prepared.resource_count(),
        ..Summary::of(&findings)
    };
    Report {
        format: finding::REPORT_FORMAT.into(),
        version: finding::REPORT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        target: Target {
            account: prepared.account.clone(),
            collected_at: prepared.collected_at,
            regions: prepared.regions.clone(),
            snapshot_path: options.snapshot_path.clone(),
            covered_kinds: prepared.collected.clone(),
        },
        summary,
        findings,
        gaps: prepared.gaps.clone(),
        notices,
        rules: selected.iter().map(|r| rule_info(r)).collect(),
        accounts: Vec::new(),
    }
}

/// Every selected rule on every resource of its kinds: the findings of each
/// rule, in report order.
///
/// Item by item, every rule of the item's kind while its value is in cache
/// (rule by rule was slower: evaluation is bound by memory, not by CEL).
/// Each chunk of items fills one bucket per rule; items are sorted by
/// region and id (see `prepare`), so concatenating chunks in order gives
/// every rule's findings in report order, with no global sort.
fn evaluate_by_kind(
    selected: &[&Rule],
    params: &[Box<dyn Val>],
    account: &dyn Val,
    prepared: &Prepared,
) -> Vec<Vec<Finding>> {
    let mut by_kind: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, rule) in selected.iter().enumerate() {
        for kind in covered_kinds(rule, prepared) {
            by_kind.entry(kind).or_default().push(index);
        }
    }
    let mut per_rule: Vec<Vec<Finding>> = selected.iter().map(|_| Vec::new()).collect();
    for (kind, rule_indexes) in &by_kind {
        let chunks: Vec<Vec<Vec<Finding>>> = prepared
            .of_kind(kind)
            .par_chunks(256)
            .map_init(root_context, |root, chunk| {
                let mut buckets: Vec<Vec<Finding>> = rule_indexes.iter().map(|_| Vec::new()).collect();
                for item in chunk {
                    for (bucket, &i) in buckets.iter_mut().zip(rule_indexes) {
                        let (rule, params) = (selected[i], params[i].as_ref());
                        bucket.extend(evaluate_item(rule, root, item, params, account, &prepared.gaps));
                    }
                }
                buckets
            })
            .collect();
        for buckets in chunks {
            for (bucket, &i) in buckets.into_iter().zip(rule_indexes) {
                per_rule[i].extend(bucket);
            }
        }
    }
    per_rule
}

/// The order of findings within a rule.
fn order_key(r: &ResourceRef) -> (&str, &str, &str) {
    (&r.region, &r.kind, &r.id)
}

/// Adds the findings about a rule's scope rather than a resource: one `error`
/// per region whose data has a gap that no resource finding already reports
/// (the resources there may simply not have been seen), and one `skip` when
/// nothing at all was in scope. Returns whether anything was added.
fn scope_findings(rule: &Rule, gaps: &[Gap], findings: &mut Vec<Finding>) -> bool {
    // A gap is reported by an error finding of a kind that needs the gap's
    // data, in its region; an error on a global resource (the account)
    // already covers every region.
    let covered = |gap: &Gap| {
        findings.iter().any(|f| {
            f.status == Status::Error
                && (f.resource.region == "global" || f.resource.region == gap.region)
                && rule.needs_for(&f.resource.kind).iter().any(|k| gap.concerns(k))
        })
    };
    let mut regions: BTreeMap<&str, Vec<&Gap>> = BTreeMap::new();
    for gap in gaps.iter().filter(|g| g.resource_id.is_none()) {
        if rule.needs.iter().any(|kind| gap.concerns(kind)) && !covered(gap) {
            regions.entry(gap.region.as_str()).or_default().push(gap);
        }
    }
    let mut extra = Vec::new();
    // A resource named by a gap that was never seen (its listing detail
    // failed and the collector could not keep it): an error of its own.
    for gap in gaps {
        let Some(id) = gap.resource_id.as_deref() else { continue };
        // A gap about some fields of a resource that is in the snapshot
        // (a plan's unknowns) is judged with that resource.
        if !gap.fields.is_empty() {
            continue;
        }
        let Some(kind) = rule.kinds.iter().find(|k| gap.concerns(k)) else {
            continue;
        };
        let seen = findings.iter().any(|f| f.resource.id == id && f.resource.kind == *kind);
        if !seen {
            let resource = Arc::new(ResourceRef {
                kind: kind.clone(),
                id: id.into(),
                arn: String::new(),
                region: gap.region.clone(),
                name: String::new(),
                location: None,
            });
            let message = format!("{kind} {id}: {}", gap_message(&[gap]));
            extra.push(finding(rule, Status::Error, resource, message, Vec::new()));
        }
    }
    for (region, gaps) in regions {
        let resource = Arc::new(ResourceRef {
            kind: "region".into(),
            id: region.into(),
            arn: String::new(),
            region: region.into(),
            name: String::new(),
            location: None,
        });
        let message = format!("region {region}: {}", gap_message(&gaps));
        extra.push(finding(rule, Status::Error, resource, message, Vec::new()));
    }
    if findings.is_empty() && extra.is_empty() {
        let kinds = rule.kinds.join(", ");
        let resource = Arc::new(ResourceRef {
            kind: kinds.clone(),
            id: String::new(),
            arn: String::new(),
            region: String::new(),
            name: String::new(),
            location: None,
        });
        extra.push(finding(
            rule,
            Status::Skip,
            resource,
            format!("no {kinds} in scope"),
            Vec::new(),
        ));
    }
    let added = !extra.is_empty();
    findings.append(&mut extra);
    added
}

/// A rule's description for reports.
pub fn rule_info(rule: &Rule) -> RuleInfo {
    RuleInfo {
        id: rule.id.clone(),
        title: rule.title.clone(),
        severity: rule.severity,
        area: rule.area,
        kinds: rule.kinds.clone(),
        rationale: rule.rationale.clone(),
        remediation: rule.remediation.clone(),
        references: rule.references.clone(),
        source: rule.source.clone(),
        compliance: (*rule.compliance).clone(),
    }
}
