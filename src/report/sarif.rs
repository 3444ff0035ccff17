//! SARIF 2.1.0 for GitHub code scanning, built with `serde-sarif`.
//!
//! - one `reportingDescriptor` per evaluated rule (sorted by id) with short
//!   and full descriptions, help in text and Markdown, tags and
//!   `security-severity`;
//! - one result per failing finding: level from the severity, a message that
//!   names the resource, a physical location (the snapshot file when one was
//!   audited, else the stable pseudo-path `aws/<account>/<region>/<service>`;
//!   for a Terraform plan, the resource's `.tf` file and line),
//!   a logical location with the ARN, and `partialFingerprints` computed from
//!   account, region, resource and rule only, so GitHub keeps one alert per
//!   problem across runs;
//! - gaps and `error` findings as tool execution notifications, so an
//!   incomplete audit never looks clean.

use super::{Context, Emitter};
use crate::engine::{Finding, Report, Status};
use crate::rules::Severity;
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, Sarif, Suppression, Tool, ToolComponent,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;

pub struct SarifEmitter;

/// The SARIF schema URI written in `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn text(s: impl Into<String>) -> Message {
    Message::builder().text(s.into()).build()
}

fn multiformat(text: String, markdown: Option<String>) -> MultiformatMessageString {
    match markdown {
        Some(md) => MultiformatMessageString::builder().text(text).markdown(md).build(),
        None => MultiformatMessageString::builder().text(text).build(),
    }
}

/// The fingerprint of a finding: stable for the same account, region,
/// resource and rule, whatever else changes between runs.
pub fn fingerprint(account: &str, finding: &Finding) -> String {
    let mut hasher = Sha256::new();
    // A planned resource is known by its Terraform address: its id is a
    // stand-in until it exists, and changes when it is created.
    let id = match &finding.resource.location {
        Some(location) => &location.address,
        None => &finding.resource.id,
    };
    for part in [
        account,
        &finding.resource.region,
        &finding.resource.kind,
        id,
        &finding.rule_id,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The artifact a finding is reported against.
fn artifact_uri(report: &Report, finding: &Finding) -> String {
    if let Some(file) = finding.resource.location.as_ref().and_then(|l| l.file.as_ref()) {
        return file.replace('\\', "/");
    }
    match &report.target.snapshot_path {
        Some(path) => path.replace('\\', "/"),
        None => {
            let region = if finding.resource.region.is_empty() {
                "global"
            } else {
                &finding.resource.region
            };
            let service = finding.resource.kind.split('.').next().unwrap_or("aws");
            format!("aws/{}/{region}/{service}", report.target.account.id)
        }
    }
}

fn descriptor(rule: &crate::engine::RuleInfo) -> ReportingDescriptor {
    let service = rule
        .kinds
        .first()
        .and_then(|k| k.split('.').next())
        .unwrap_or("aws")
        .to_string();
    let mut tags = vec!["security".to_string(), "aws".to_string(), service];
    for (framework, controls) in &rule.compliance {
        tags.extend(controls.iter().map(|c| format!("{framework}:{c}")));
    }
    let mut properties = BTreeMap::new();
    if rule.severity != Severity::Info {
        properties.insert("security-severity".to_string(), json!(rule.severity.score()));
    }
    properties.insert("severity".to_string(), json!(rule.severity.as_str()));
    let help_text = format!("{}\n\nRemediation:\n{}", rule.rationale, rule.remediation);
    let mut md = format!(
        "**{}** ({})\n\n{}\n\n### Remediation\n\n```\n{}\n```\n",
        rule.title, rule.severity, rule.rationale, rule.remediation
    );
    if !rule.compliance.is_empty() {
        let controls: Vec<String> = rule
            .compliance
            .iter()
            .map(|(f, c)| format!("{f}: {}", c.join(", ")))
            .collect();
        md.push_str(&format!("\n**Compliance:** {}\n", controls.join("; ")));
    }
    if !rule.references.is_empty() {
        md.push_str("\n### References\n\n");
        for r in &rule.references {
            md.push_str(&format!("- <{r}>\n"));
        }
    }
    let builder = ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(rule.id.clone())
        .short_description(multiformat(rule.title.clone(), None))
        .full_description(multiformat(rule.rationale.clone(), None))
        .help(multiformat(help_text, Some(md)))
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(properties)
                .build(),
        );
    match rule.references.first() {
        Some(uri) => builder.help_uri(uri.clone()).build(),
        None => builder.build(),
    }
}

fn result(report: &Report, finding: &Finding, rule_index: i64) -> SarifResult {
    let mut message = finding.message.clone();
    if !finding.evidence.is_empty() {
        message.push_str(&format!(". Evidence: {}", finding.evidence.join("; ")));
    }
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(artifact_uri(report, finding)).build())
        .region(
            Region::builder()
                .start_line(finding.resource.location.as_ref().and_then(|l| l.line).unwrap_or(1))
                .build(),
        )
        .build();
    let logical_name = if finding.resource.arn.is_empty() {
        finding.resource.id.clone()
    } else {
        finding.resource.arn.clone()
    };
    let logical_name = match &finding.resource.location {
        Some(location) => location.address.clone(),
        None => logical_name,
    };
    let logical = LogicalLocation::builder()
        .name(finding.resource.display())
        .fully_qualified_name(logical_name)
        .kind("resource".to_string())
        .build();
    let location = Location::builder()
        .physical_location(physical)
        .logical_locations(vec![logical])
        .build();
    let hash = fingerprint(&report.target.account.id, finding);
    let fingerprints = BTreeMap::from([
        ("postureAudit/resourceRule/v1".to_string(), hash.clone()),
        // GitHub computes this one itself only for files in the repository;
        // the pseudo-paths are not, so give it the stable hash.
        ("primaryLocationLineHash".to_string(), hash),
    ]);
    let mut properties = BTreeMap::new();
    properties.insert("resourceKind".to_string(), json!(finding.resource.kind));
    properties.insert("resourceId".to_string(), json!(finding.resource.id));
    properties.insert("region".to_string(), json!(finding.resource.region));
    properties.insert("evidence".to_string(), json!(finding.evidence));
    let suppressions: Vec<Suppression> = finding
        .waiver
        .iter()
        .map(|w| {
            Suppression::builder()
                .kind(json!("external"))
                .status(json!("accepted"))
                .justification(format!("{} (owner {}, until {})", w.reason, w.owner, w.expires))
                .build()
        })
        .collect();
    let builder = SarifResult::builder()
        .rule_id(finding.rule_id.to_string())
        .rule_index(rule_index)
        .level(level(finding.severity))
        .message(text(message))
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(properties).build());
    if suppressions.is_empty() {
        builder.build()
    } else {
        builder.suppressions(suppressions).build()
    }
}

/// Builds the SARIF log of a report.
pub fn build(report: &Report) -> Sarif {
    build_with(report, &Limits::default()).0
}

/// GitHub code scanning's limits on one SARIF upload, and the run category.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Results per run (GitHub: 25,000).
    pub max_results: usize,
    /// Gzipped bytes per upload (GitHub: 10 MB).
    pub max_gzipped_bytes: usize,
    /// `runAutomationDetails.id` prefix; default `posture-audit/<account>`.
    pub category: Option<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_results: 25_000,
            max_gzipped_bytes: 10 * 1024 * 1024,
            category: None,
        }
    }
}

/// The gzipped size of a SARIF log.
pub fn gzipped_size(log: &Sarif) -> usize {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let written = serde_json::to_writer(&mut encoder, log).is_ok() && encoder.flush().is_ok();
    match (written, encoder.finish()) {
        (true, Ok(bytes)) => bytes.len(),
        _ => usize::MAX,
    }
}

/// Builds the SARIF log within `limits`: when there are too many results, or
/// the log is too large, the least severe results are left out, and the
/// returned warnings (also in the log's notifications) say so.
pub fn build_with(report: &Report, limits: &Limits) -> (Sarif, Vec<String>) {
    let mut rules: Vec<&crate::engine::RuleInfo> = report.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let index: BTreeMap<&str, i64> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i as i64))
        .collect();
    // Waived findings are results too, with an external suppression, so that
    // GitHub shows them as dismissed rather than losing them. Most severe
    // first (stable: report order within a severity), so that limits drop
    // the least severe.
    // Each result carries its index in the report, to restore report order.
    let mut reported: Vec<(usize, &Finding)> = report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.status, Status::Fail | Status::Waived))
        .collect();
    reported.sort_by_key(|(_, f)| (f.severity, f.status == Status::Waived));
    let total = reported.len();
    let mut keep = total.min(limits.max_results);
    let mut warnings = Vec::new();
    let category = limits
        .category
        .clone()
        .unwrap_or_else(|| format!("posture-audit/{}", report.target.account.id));
    let driver = ToolComponent::builder()
        .name("posture-audit".to_string())
        .semantic_version(report.tool_version.clone())
        .rules(rules.into_iter().map(descriptor).collect::<Vec<_>>())
        .build();
    loop {
        if keep < total {
            warnings.push(format!(
                "SARIF: {total} results exceed GitHub's limits; kept the {keep} most severe, left out {}",
                total - keep
            ));
        }
        let mut kept: Vec<&(usize, &Finding)> = reported.iter().take(keep).collect();
        // Back to report order (rule, region, resource) for a stable diff.
        kept.sort_unstable_by_key(|(position, _)| *position);
        let results: Vec<SarifResult> = kept
            .iter()
            .map(|(_, f)| result(report, f, index.get(&*f.rule_id).copied().unwrap_or(0)))
            .collect();
        let log = assemble(report, driver.clone(), results, &warnings, &category);
        if keep == 0 || gzipped_size(&log) <= limits.max_gzipped_bytes {
            return (log, warnings);
        }
        warnings.clear();
        keep = keep * 9 / 10;
    }
}

fn assemble(
    report: &Report,
    driver: ToolComponent,
    results: Vec<SarifResult>,
    warnings: &[String],
    category: &str,
) -> Sarif {
    let mut notifications: Vec<Notification> = report
        .gaps
        .iter()
        .map(|g| {
            Notification::builder()
                .level(json!("warning"))
                .message(text(format!(
                    "Could not collect {} {} in {}: {} {}",
                    g.service, g.operation, g.region, g.code, g.message
                )))
                .build()
        })
        .collect();
    notifications.extend(report.with_status(Status::Error).map(|f| {
        Notification::builder()
            .level(json!("error"))
            .message(text(format!("{}: {}", f.rule_id, f.message)))
            .build()
    }));
    notifications.extend(warnings.iter().map(|w| {
        Notification::builder()
            .level(json!("warning"))
            .message(text(w.clone()))
            .build()
    }));
    let invocation = Invocation::builder()
        .execution_successful(true)
        .tool_execution_notifications(notifications)
        .build();
    // GitHub keeps one set of alerts per category: everything up to the last `/`.
    let details = RunAutomationDetails::builder()
        .id(format!("{}/", category.trim_end_matches('/')))
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .automation_details(details)
        .results(results)
        .invocations(vec![invocation])
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI.to_string())
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// GitHub code scanning accepts at most this many runs in one upload.
pub const MAX_RUNS: usize = 20;

/// A report over several accounts as one SARIF log with one run per
/// account read, each under its own category (`<category>/<account id>`,
/// the category defaulting to `posture-audit`), so that GitHub keeps each
/// account's alerts apart and fingerprints match single-account scans.
pub fn build_accounts(report: &Report, limits: &Limits) -> (Sarif, Vec<String>) {
    let base = limits.category.clone().unwrap_or_else(|| "posture-audit".into());
    let mut runs = Vec::new();
    let mut warnings = Vec::new();
    for (account, part) in crate::engine::org::split(report) {
        let limits = Limits {
            category: Some(format!("{}/{}", base.trim_end_matches('/'), account)),
            ..limits.clone()
        };
        let (log, mut w) = build_with(&part, &limits);
        runs.extend(log.runs);
        warnings.append(&mut w);
    }
    if runs.len() > MAX_RUNS {
        warnings.push(format!(
            "SARIF: {} runs (one per account); GitHub accepts {MAX_RUNS} per upload: shard the scan (--shard) or upload per account",
            runs.len()
        ));
    }
    let log = Sarif::builder()
        .schema(SCHEMA_URI.to_string())
        .version(json!("2.1.0"))
        .runs(runs)
        .build();
    (log, warnings)
}

impl Emitter for SarifEmitter {
    fn emit(&self, report: &Report, context: &Context, out: &mut dyn Write) -> Result<(), super::Error> {
        let limits = Limits {
            category: context.sarif_category.clone(),
            ..Limits::default()
        };
        let (log, warnings) = if report.accounts.is_empty() {
            build_with(report, &limits)
        } else {
            build_accounts(report, &limits)
        };
        if let Ok(mut sink) = context.warnings.lock() {
            sink.extend(warnings);
        }
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)?;
        Ok(())
    }
}
