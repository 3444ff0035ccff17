//! Compliance views: findings grouped by the controls of a framework (CIS AWS
//! Foundations 3.0, AWS FSBP).
//!
//! The frameworks' control lists are data files under `frameworks/`,
//! embedded in the binary. Which rules automate a control is not written
//! there: it comes from the rules' `compliance` mappings, so the two cannot
//! drift apart. A control's status is the worst of its rules' findings;
//! controls no rule automates are listed as manual (the benchmark assesses
//! them by hand) or not covered. Pure: reads a report, decides nothing anew.
//!
//! Rendering: a table or a Markdown section, one line per control; JSON is
//! the view serialised.

use crate::engine::{Finding, Report, Status};
use crate::rules::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The framework files compiled into the binary.
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_frameworks.rs"));

/// A framework's control list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub title: String,
    pub url: String,
    /// Whether the list holds every control of the framework.
    pub complete: bool,
    #[serde(rename = "control")]
    pub controls: Vec<Control>,
}

/// One control.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// Assessed manually by the framework itself.
    #[serde(default)]
    pub manual: bool,
    /// Why no rule automates it (what is not collected, or how the nearest
    /// rule differs). A reason on a control a rule maps to is stale: the
    /// test suite refuses it.
    #[serde(default)]
    pub not_covered: Option<String>,
}

/// An embedded framework file that does not parse: a build defect (the test
/// suite parses every one), reported rather than dropped.
#[derive(Debug, thiserror::Error)]
#[error("frameworks/{path}: {message}")]
pub struct FrameworkError {
    pub path: String,
    pub message: String,
}

/// The embedded frameworks, by id.
pub fn frameworks() -> Result<Vec<Framework>, FrameworkError> {
    let mut list = EMBEDDED
        .iter()
        .map(|(path, text)| {
            toml::from_str::<Framework>(text).map_err(|e| FrameworkError {
                path: path.to_string(),
                message: e.message().trim().to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    list.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(list)
}

/// The framework with this id.
pub fn framework(id: &str) -> Result<Option<Framework>, FrameworkError> {
    Ok(frameworks()?.into_iter().find(|f| f.id == id))
}

/// Where a control stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    Fail,
    Error,
    /// A manual checklist item of ours, still open.
    Open,
    Waived,
    Pass,
    /// Automated, but nothing in scope.
    NotApplicable,
    /// The framework assesses it manually.
    Manual,
    /// No rule automates it.
    NotCovered,
}

/// One control in a view.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ControlView {
    pub id: String,
    pub title: String,
    pub status: ControlStatus,
    /// The rules that automate it.
    pub rules: Vec<String>,
    /// Failing resources, as `rule: resource (region)`.
    pub failing: Vec<String>,
    /// Why no rule automates it, when the framework file says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_covered_reason: Option<String>,
}

/// A report seen through a framework.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComplianceView {
    /// Always `posture-audit/compliance`.
    pub format: String,
    pub version: i64,
    pub framework: String,
    pub title: String,
    /// False when the framework list holds only part of its controls.
    pub complete: bool,
    pub controls: Vec<ControlView>,
    /// Controls by status.
    pub summary: BTreeMap<String, usize>,
}

/// The rules mapped to each control of `framework`.
pub fn coverage<'a>(framework: &Framework, rules: &'a RuleSet) -> BTreeMap<String, Vec<&'a str>> {
    let mut map: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for rule in &rules.rules {
        for control in rule.compliance.get(&framework.id).into_iter().flatten() {
            map.entry(control.clone()).or_default().push(&rule.id);
        }
    }
    map
}

fn status_of(findings: &[&Finding]) -> ControlStatus {
    let has = |s: Status| findings.iter().any(|f| f.status == s);
    if has(Status::Fail) {
        ControlStatus::Fail
    } else if has(Status::Error) {
        ControlStatus::Error
    } else if has(Status::Manual) {
        ControlStatus::Open
    } else if has(Status::Waived) {
        ControlStatus::Waived
    } else if has(Status::Pass) {
        ControlStatus::Pass
    } else {
        ControlStatus::NotApplicable
    }
}

/// Groups a report's findings by the controls of `framework`.
pub fn view(framework: &Framework, report: &Report, rules: &RuleSet) -> ComplianceView {
    let coverage = coverage(framework, rules);
    let evaluated: std::collections::BTreeSet<&str> = report.rules.iter().map(|r| r.id.as_str()).collect();
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_rule.entry(&f.rule_id).or_default().push(f);
    }
    let controls: Vec<ControlView> = framework
        .controls
        .iter()
        .map(|control| {
            let mapped: Vec<&str> = coverage.get(&control.id).cloned().unwrap_or_default();
            let ran: Vec<&str> = mapped.iter().copied().filter(|r| evaluated.contains(r)).collect();
            let findings: Vec<&Finding> = ran
                .iter()
                .flat_map(|r| by_rule.get(r).cloned().unwrap_or_default())
                .collect();
            let status = match (mapped.is_empty(), control.manual) {
                (true, true) => ControlStatus::Manual,
                (true, false) => ControlStatus::NotCovered,
                (false, _) => status_of(&findings),
            };
            let failing = findings
                .iter()
                .filter(|f| f.status == Status::Fail)
                .map(|f| {
                    let region = if f.resource.region.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", f.resource.region)
                    };
                    format!("{}: {}{region}", f.rule_id, f.resource.display())
                })
                .collect();
            ControlView {
                id: control.id.clone(),
                title: control.title.clone(),
                status,
                rules: mapped.iter().map(|s| s.to_string()).collect(),
                failing,
                not_covered_reason: control
                    .not_covered
                    .clone()
                    .filter(|_| status == ControlStatus::NotCovered),
            }
        })
        .collect();
    let mut summary = BTreeMap::new();
    for c in &controls {
        let key = serde_json::to_value(c.status)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        *summary.entry(key).or_insert(0) += 1;
    }
    ComplianceView {
        format: "posture-audit/compliance".into(),
        version: 1,
        framework: framework.id.clone(),
        title: framework.title.clone(),
        complete: framework.complete,
        controls,
        summary,
    }
}

fn label(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Fail => "❌ fail",
        ControlStatus::Error => "⚠️ undecided",
        ControlStatus::Open => "📝 open",
        ControlStatus::Waived => "🕓 waived",
        ControlStatus::Pass => "✅ pass",
        ControlStatus::NotApplicable => "➖ not applicable",
        ControlStatus::Manual => "manual",
        ControlStatus::NotCovered => "not covered",
    }
}

fn summary(view: &ComplianceView) -> String {
    let parts: Vec<String> = view.summary.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let scope = if view.complete {
        ""
    } else {
        " (this list covers part of the framework)"
    };
    format!(
        "{}: {} controls{scope}: {}",
        view.title,
        view.controls.len(),
        parts.join(", ")
    )
}

/// A terminal table.
pub fn table(view: &ComplianceView) -> String {
    let mut t = super::style::table(&["Control", "Status", "Title", "Rules", "Failing"]);
    for c in &view.controls {
        t.add_row(vec![
            c.id.clone(),
            label(c.status).to_string(),
            c.title.clone(),
            c.not_covered_reason
                .as_ref()
                .map_or_else(|| c.rules.join("\n"), |why| format!("why: {why}")),
            c.failing.join("\n"),
        ]);
    }
    format!("{t}\n\n{}\n", summary(view))
}

/// A Markdown section.
pub fn markdown(view: &ComplianceView) -> String {
    let mut md = format!(
        "## {}\n\n{}\n\n| Control | Status | Title | Failing |\n|---|---|---|---|\n",
        view.title,
        summary(view)
    );
    for c in &view.controls {
        let failing = match &c.not_covered_reason {
            Some(why) => format!("_{why}_").replace('|', "\\|"),
            None => c.failing.join("<br>").replace('|', "\\|"),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            c.id,
            label(c.status),
            c.title.replace('|', "\\|"),
            failing
        );
    }
    md
}
