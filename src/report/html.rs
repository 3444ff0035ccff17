//! The HTML report: one self-contained page (CSS and a little JavaScript
//! inline, nothing fetched, a Content-Security-Policy that allows only those
//! two by hash), for handing results to people who do not read SARIF.
//! Templates are askama's (`templates/`), checked at compile time and
//! HTML-escaped by default: resource names, tags and evidence come from the
//! account and are attacker-controlled. Evidence is already masked by the
//! rules, as in every format.
//!
//! Failing findings are grouped by rule (the rule's rationale and
//! remediation once per group, not per finding, which keeps a 100k-resource
//! account's page small); passing findings are counted and listed only on
//! demand, from a JSON block the script renders.

use super::compliance::{ComplianceView, ControlStatus};
use super::{Context, Emitter, resource_label};
use crate::engine::{FailOn, Finding, Report, RuleInfo, Status};
use crate::rules::Severity;
use askama::Template;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write;

const STYLE: &str = include_str!("../../templates/report.css");
const SCRIPT: &str = include_str!("../../templates/report.js");

/// Passing findings listed in the page at most; the JSON report has them all.
const MAX_PASSING_LISTED: usize = 20_000;

pub struct HtmlEmitter;

/// One finding row.
struct Row {
    rule_id: String,
    severity: &'static str,
    service: String,
    area: String,
    region: String,
    account: String,
    status: &'static str,
    resource: String,
    kind: String,
    evidence: Vec<String>,
    message: String,
    detail: String,
}

/// A rule's failing findings, with the rule's documentation once.
struct RuleGroup {
    id: String,
    title: String,
    severity: &'static str,
    area: String,
    /// The area as the filter names it (lower case).
    area_key: String,
    service: String,
    /// The kinds of its failing resources, e.g. `ec2.security_group`.
    kinds: String,
    rationale: String,
    remediation: String,
    references: Vec<String>,
    compliance: Vec<String>,
    rows: Vec<Row>,
}

/// Undecided, waived, or open manual findings.
struct Other {
    title: &'static str,
    note: &'static str,
    column: &'static str,
    rows: Vec<Row>,
}

struct Filter {
    key: &'static str,
    label: &'static str,
    options: Vec<String>,
}

struct Chart {
    title: String,
    svg: String,
}

struct FrameworkView {
    title: String,
    summary: String,
    rows: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    title: String,
    csp: String,
    style: &'static str,
    script: &'static str,
    target: Vec<(&'static str, String)>,
    verdict: String,
    verdict_class: &'static str,
    counts: Vec<(&'static str, usize, &'static str)>,
    charts: Vec<Chart>,
    accounts: Vec<(String, String, String, usize, usize, String)>,
    filters: Vec<Filter>,
    listed: usize,
    failing: Vec<RuleGroup>,
    others: Vec<Other>,
    compliance: Vec<FrameworkView>,
    passing_count: usize,
    passing_listed: usize,
    passing_left_out: usize,
    passing_json: String,
    gaps: Vec<String>,
    tool_version: String,
}

/// The `sha256-…` CSP source of an inline block.
fn hash_source(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// Standard base64 with padding (RFC 4648), as CSP hashes are written.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// JSON that is safe inside a `<script type="application/json">`: no `<`,
/// `>` or `&` a parser could read as markup.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Text for an SVG `<text>` node (the SVG is inserted unescaped).
fn svg_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of `(label, count, class)`.
fn bar_chart(bars: &[(String, usize, String)]) -> String {
    let max = bars.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1);
    let (row, label_width, bar_width) = (22, 130, 170);
    let height = row * bars.len().max(1) + 4;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {} {height}\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">",
        label_width + bar_width + 50
    );
    if bars.is_empty() {
        let _ = write!(svg, "<text x=\"4\" y=\"16\">none</text>");
    }
    for (i, (label, n, class)) in bars.iter().enumerate() {
        let y = i * row + 2;
        let width = (n * bar_width).div_ceil(max).max(usize::from(*n > 0));
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"bar {}\" x=\"{label_width}\" y=\"{y}\" width=\"{width}\" height=\"16\"><title>{}: {n}</title></rect><text class=\"n\" x=\"{}\" y=\"{}\">{n}</text>",
            y + 13,
            svg_text(label),
            svg_text(class),
            svg_text(label),
            label_width + width + 4,
            y + 13
        );
    }
    svg.push_str("</svg>");
    svg
}

fn service_of(f: &Finding) -> String {
    f.resource.kind.split('.').next().unwrap_or("").to_string()
}

fn row(f: &Finding, rules: &BTreeMap<&str, &RuleInfo>) -> Row {
    let area = rules
        .get(&*f.rule_id)
        .map_or(String::new(), |r| r.area.title().to_lowercase());
    let detail = match (&f.waiver, f.status) {
        (Some(w), Status::Waived) => format!("waived until {} by {}: {}", w.expires, w.owner, w.reason),
        _ => String::new(),
    };
    Row {
        rule_id: f.rule_id.to_string(),
        severity: f.severity.as_str(),
        service: service_of(f),
        area,
        region: if f.resource.region.is_empty() {
            "global".into()
        } else {
            f.resource.region.clone()
        },
        account: f.account.as_ref().map(|a| a.label()).unwrap_or_default(),
        status: f.status.as_str(),
        resource: match &f.account {
            Some(_) => f.resource.display(),
            None => resource_label(f),
        },
        kind: f.resource.kind.clone(),
        evidence: f.evidence.clone(),
        message: f.message.clone(),
        detail,
    }
}

fn status_label(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Fail => "fail",
        ControlStatus::Error => "undecided",
        ControlStatus::Open => "open",
        ControlStatus::Waived => "waived",
        ControlStatus::Pass => "pass",
        ControlStatus::NotApplicable => "not applicable",
        ControlStatus::Manual => "manual",
        ControlStatus::NotCovered => "not covered",
    }
}

fn framework_view(view: &ComplianceView) -> FrameworkView {
    let summary: Vec<String> = view.summary.iter().map(|(k, v)| format!("{v} {k}")).collect();
    FrameworkView {
        title: view.title.clone(),
        summary: format!(
            "{} controls{}: {}",
            view.controls.len(),
            if view.complete { "" } else { " (part of the framework)" },
            summary.join(", ")
        ),
        rows: view
            .controls
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    status_label(c.status).to_string(),
                    c.title.clone(),
                    c.not_covered_reason.clone().unwrap_or_else(|| c.rules.join(", ")),
                )
            })
            .collect(),
    }
}

/// The verdict line: the gate's outcome at `fail_on`.
fn verdict(report: &Report, fail_on: FailOn) -> (String, &'static str) {
    match fail_on {
        FailOn::Never => (
            "Gate: off (--fail-on none); the findings below are for review".into(),
            "pass",
        ),
        FailOn::Severity(threshold) => {
            let failing = report
                .with_status(Status::Fail)
                .filter(|f| fail_on.counts(f.severity))
                .count();
            if failing > 0 {
                (
                    format!("Gate: FAIL at --fail-on {threshold}: {failing} failing findings at {threshold} or above"),
                    "fail",
                )
            } else {
                (
                    format!("Gate: PASS at --fail-on {threshold}: no failing finding at {threshold} or above"),
                    "pass",
                )
            }
        }
    }
}

fn page(report: &Report, context: &Context) -> Page {
    let rules: BTreeMap<&str, &RuleInfo> = report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let t = &report.target;
    let subject = if report.accounts.is_empty() {
        match &t.account.alias {
            Some(alias) => format!("account {} ({alias})", t.account.id),
            None => format!("account {}", t.account.id),
        }
    } else {
        format!("{} accounts of {}", report.accounts.len(), t.account.id)
    };
    let mut target = vec![
        ("Target", subject.clone()),
        ("Regions", t.regions.join(", ")),
        ("Collected", t.collected_at.format("%Y-%m-%d %H:%M UTC").to_string()),
        ("Rules", format!("{} evaluated", report.summary.rules_evaluated)),
        ("Tool", format!("posture-audit {}", report.tool_version)),
    ];
    if let Some(kinds) = &t.covered_kinds {
        target.push((
            "Covers",
            format!(
                "{} resource kinds only ({}); {} rules not evaluated",
                kinds.len(),
                kinds.join(", "),
                report.summary.rules_not_covered
            ),
        ));
    }
    if let Some(path) = &t.snapshot_path {
        target.push(("Snapshot", path.clone()));
    }
    if let Some(config) = &context.config_path {
        target.push(("Configuration", config.clone()));
    }
    let (verdict, verdict_class) = verdict(report, context.fail_on);
    let s = &report.summary;
    let counts = vec![
        ("fail", s.failed, "b-fail"),
        ("undecided", s.errors, "b-error"),
        ("waived", s.waived, "b-waived"),
        ("manual open", s.manual, "b-manual"),
        ("pass", s.passed, "b-pass"),
    ];

    // Failing findings, worst rule first.
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in report.with_status(Status::Fail) {
        groups.entry(&f.rule_id).or_default().push(f);
    }
    let mut failing: Vec<RuleGroup> = groups
        .into_iter()
        .map(|(id, findings)| {
            let info = rules.get(id);
            let severity = findings.first().map_or(Severity::Info, |f| f.severity);
            RuleGroup {
                id: id.to_string(),
                title: info.map_or_else(|| id.to_string(), |r| r.title.clone()),
                severity: severity.as_str(),
                area: info.map_or(String::new(), |r| r.area.title().to_string()),
                area_key: info.map_or(String::new(), |r| r.area.title().to_lowercase()),
                service: findings.first().map(|f| service_of(f)).unwrap_or_default(),
                kinds: findings
                    .iter()
                    .map(|f| f.resource.kind.as_str())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", "),
                rationale: info.map_or(String::new(), |r| r.rationale.clone()),
                remediation: info.map_or(String::new(), |r| r.remediation.clone()),
                references: info.map_or_else(Vec::new, |r| r.references.clone()),
                compliance: info.map_or_else(Vec::new, |r| {
                    r.compliance
                        .iter()
                        .flat_map(|(fw, ids)| ids.iter().map(move |c| format!("{fw} {c}")))
                        .collect()
                }),
                rows: findings.iter().map(|f| row(f, &rules)).collect(),
            }
        })
        .collect();
    failing.sort_by_key(|g| {
        (
            Severity::ALL.iter().position(|s| s.as_str() == g.severity),
            std::cmp::Reverse(g.rows.len()),
        )
    });
    let others: Vec<Other> = [
        (
            Status::Error,
            "Undecided",
            "The data needed could not be collected, or the rule failed: these may or may not comply.",
            "Why",
        ),
        (
            Status::Waived,
            "Waived",
            "Failing, and accepted until the date shown.",
            "Evidence and waiver",
        ),
        (
            Status::Manual,
            "Open checklist items",
            "Attest them in audit.toml once done.",
            "Item",
        ),
    ]
    .into_iter()
    .map(|(status, title, note, column)| Other {
        title,
        note,
        column,
        rows: report.with_status(status).map(|f| row(f, &rules)).collect(),
    })
    .filter(|o| !o.rows.is_empty())
    .collect();

    let listed: usize =
        failing.iter().map(|g| g.rows.len()).sum::<usize>() + others.iter().map(|o| o.rows.len()).sum::<usize>();
    let shown_rows = failing
        .iter()
        .flat_map(|g| g.rows.iter())
        .chain(others.iter().flat_map(|o| o.rows.iter()));
    let mut options: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for r in shown_rows {
        options.entry("sev").or_default().insert(r.severity.to_string());
        options.entry("svc").or_default().insert(r.service.clone());
        options.entry("area").or_default().insert(r.area.clone());
        options.entry("region").or_default().insert(r.region.clone());
        options.entry("status").or_default().insert(r.status.to_string());
        if !r.account.is_empty() {
            options.entry("account").or_default().insert(r.account.clone());
        }
    }
    let mut filters = Vec::new();
    for (key, label) in [
        ("sev", "Severity"),
        ("svc", "Service"),
        ("area", "Area"),
        ("region", "Region"),
        ("account", "Account"),
        ("status", "Status"),
    ] {
        if let Some(values) = options.remove(key) {
            let mut values: Vec<String> = values.into_iter().collect();
            if key == "sev" {
                values.sort_by_key(|v| Severity::ALL.iter().position(|s| s.as_str() == v));
            }
            filters.push(Filter {
                key,
                label,
                options: values,
            });
        }
    }

    // Charts: severity, area, service, and account for an organization.
    let failed: Vec<&Finding> = report.with_status(Status::Fail).collect();
    let count_by = |key: &dyn Fn(&Finding) -> String| {
        let mut map: BTreeMap<String, usize> = BTreeMap::new();
        for f in &failed {
            *map.entry(key(f)).or_default() += 1;
        }
        let mut bars: Vec<(String, usize, String)> = map.into_iter().map(|(k, n)| (k, n, "bar".into())).collect();
        bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        bars.truncate(12);
        bars
    };
    let by_severity: Vec<(String, usize, String)> = Severity::ALL
        .iter()
        .map(|sev| {
            (
                sev.as_str().to_string(),
                s.failed_by_severity.get(sev).copied().unwrap_or(0),
                format!("sev-{}", sev.as_str()),
            )
        })
        .collect();
    let area_of = |f: &Finding| {
        rules
            .get(&*f.rule_id)
            .map_or("other".to_string(), |r| r.area.title().to_string())
    };
    let mut charts = vec![
        Chart {
            title: "Failing findings by severity".into(),
            svg: bar_chart(&by_severity),
        },
        Chart {
            title: "Failing findings by checklist area".into(),
            svg: bar_chart(&count_by(&area_of)),
        },
        Chart {
            title: "Failing findings by service".into(),
            svg: bar_chart(&count_by(&|f: &Finding| service_of(f))),
        },
    ];
    if !report.accounts.is_empty() {
        charts.push(Chart {
            title: "Failing findings by account".into(),
            svg: bar_chart(&count_by(&|f: &Finding| {
                f.account.as_ref().map(|a| a.label()).unwrap_or_default()
            })),
        });
    }

    let passing: Vec<&Finding> = report.with_status(Status::Pass).collect();
    let listed_passing: Vec<serde_json::Value> = passing
        .iter()
        .take(MAX_PASSING_LISTED)
        .map(|f| serde_json::json!([f.rule_id.to_string(), resource_label(f), f.resource.region]))
        .collect();
    Page {
        title: format!("posture-audit: {subject}"),
        csp: format!(
            "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
            hash_source(STYLE),
            hash_source(SCRIPT)
        ),
        style: STYLE,
        script: SCRIPT,
        target,
        verdict,
        verdict_class,
        counts,
        charts,
        accounts: report
            .accounts
            .iter()
            .map(|a| {
                (
                    if a.name.is_empty() {
                        a.id.clone()
                    } else {
                        format!("{} ({})", a.name, a.id)
                    },
                    a.ou_path.clone(),
                    a.status.as_str().to_string(),
                    a.resources,
                    a.gaps,
                    a.message.clone().unwrap_or_default(),
                )
            })
            .collect(),
        filters,
        listed,
        failing,
        others,
        compliance: context.compliance.iter().map(framework_view).collect(),
        passing_count: passing.len(),
        passing_listed: listed_passing.len(),
        passing_left_out: passing.len() - listed_passing.len(),
        passing_json: script_json(&serde_json::Value::Array(listed_passing)),
        gaps: report
            .gaps
            .iter()
            .map(|g| {
                format!(
                    "{} {} in {}: {} {}",
                    g.service, g.operation, g.region, g.code, g.message
                )
            })
            .collect(),
        tool_version: report.tool_version.clone(),
    }
}

impl Emitter for HtmlEmitter {
    fn emit(&self, report: &Report, context: &Context, out: &mut dyn Write) -> Result<(), super::Error> {
        let html = page(report, context)
            .render()
            .map_err(|e| super::Error::Unsupported(format!("the HTML template failed: {e}")))?;
        out.write_all(html.as_bytes())?;
        Ok(())
    }
}
