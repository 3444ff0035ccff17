//! `audit diff OLD NEW`: new, resolved and unchanged failures between two
//! audits, each given as a snapshot (evaluated now, with the same rules and
//! configuration) or as a saved JSON report.

use super::scan::{load_config, load_rules, options, warn, write_output};
use super::{DiffArgs, FailOn};
use crate::engine::diff::{Change, Diff, diff};
use crate::engine::{self, Report};
use crate::rules::spec::Severity;
use anyhow::{Context as _, bail};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// A report from a snapshot (evaluated) or a saved JSON report (read).
fn report_of(
    path: &Path,
    args: &DiffArgs,
    rules: &crate::rules::RuleSet,
    config: &crate::config::Config,
) -> anyhow::Result<Report> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}:{}: not valid JSON: {e}", path.display(), e.line(), e.column()))?
        .get("format")
        .and_then(|f| f.as_str().map(String::from));
    match format.as_deref() {
        Some(engine::finding::REPORT_FORMAT) => {
            let report: Report = serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!(
                    "{}:{}:{}: not a valid report: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                )
            })?;
            if report.version != engine::finding::REPORT_VERSION {
                bail!(
                    "{}: report version {} is not supported; this build reads version 1",
                    path.display(),
                    report.version
                );
            }
            Ok(report)
        }
        Some(crate::snapshot::FORMAT) => {
            let mut snapshot = crate::snapshot::parse(&text, path)?;
            super::scan::add_attestations(&mut snapshot, config);
            let mut opts = options(&args.selection, config, rules);
            opts.snapshot_path = Some(path.display().to_string());
            let today = opts.today.unwrap_or_else(|| snapshot.collected_at.date_naive());
            let report = engine::evaluate(rules, &crate::prepare::prepare_on(&snapshot, today), &opts);
            warn(&report);
            Ok(report)
        }
        _ => bail!(
            "{}: neither a posture-audit snapshot nor a JSON report (the `format` field)",
            path.display()
        ),
    }
}

fn table(title: &str, changes: &[Change], out: &mut String) -> std::fmt::Result {
    writeln!(out, "{title} ({})", changes.len())?;
    if changes.is_empty() {
        return writeln!(out);
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(140);
    t.set_header(vec!["Severity", "Rule", "Resource", "Region", "Evidence"]);
    for c in changes {
        let region = if c.region.is_empty() { "-" } else { &c.region };
        t.add_row(vec![
            c.severity.to_string(),
            c.rule_id.clone(),
            c.resource.clone(),
            region.to_string(),
            c.evidence.join("\n"),
        ]);
    }
    writeln!(out, "{t}\n")
}

fn render(d: &Diff, json: bool) -> anyhow::Result<Vec<u8>> {
    if json {
        let mut bytes = serde_json::to_vec_pretty(d)?;
        bytes.push(b'\n');
        return Ok(bytes);
    }
    let mut out = String::new();
    table("New failures", &d.new, &mut out)?;
    table("Resolved", &d.resolved, &mut out)?;
    table("Still failing", &d.unchanged, &mut out)?;
    writeln!(
        out,
        "{} new, {} resolved, {} still failing",
        d.new.len(),
        d.resolved.len(),
        d.unchanged.len()
    )?;
    Ok(out.into_bytes())
}

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(&args.selection)?;
    let config = load_config(args.config.as_deref(), &rules)?;
    let old = report_of(&args.old, args, &rules, &config)?;
    let new = report_of(&args.new, args, &rules, &config)?;
    let d = diff(&old, &new);
    write_output(args.output.as_deref(), &render(&d, args.json)?).context("the diff was not written")?;
    let threshold = match args.fail_on {
        Some(FailOn::Never) => return Ok(ExitCode::SUCCESS),
        Some(FailOn::Severity(s)) => s,
        None => Severity::Low,
    };
    let regressed = d
        .new
        .iter()
        .any(|c| c.severity != Severity::Info && c.severity.at_least(threshold));
    Ok(if args.fail_on_new && regressed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
