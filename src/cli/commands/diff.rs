//! `audit diff OLD NEW`: new, resolved and unchanged failures between two
//! audits, each given as a snapshot (evaluated now, with the same rules and
//! configuration) or as a saved JSON report.

use crate::cli::args::DiffArgs;
use crate::cli::output::write_output;
use crate::cli::pipeline::{self, Inputs};
use crate::cli::settings::Settings;
use crate::engine::diff::{Change, Diff, diff};
use crate::engine::{self, Report};
use crate::report::style;
use anyhow::{Context as _, bail};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// A report from a snapshot (evaluated) or a saved JSON report (read).
fn report_of(path: &Path, inputs: &Inputs, settings: &Settings) -> anyhow::Result<Report> {
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
                    "{}: report version {} is not supported; this build reads version {}",
                    path.display(),
                    report.version,
                    engine::finding::REPORT_VERSION
                );
            }
            Ok(report)
        }
        Some(crate::snapshot::FORMAT) => {
            let snapshot = crate::snapshot::parse(&text, path)?;
            let settings = settings.clone().snapshot_path(Some(path));
            Ok(pipeline::evaluate(snapshot, inputs, &settings))
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
    let mut t = style::table(&["Severity", "Rule", "Resource", "Region", "Evidence"]);
    for c in changes {
        let region = style::region_cell(&c.region);
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
    let inputs = pipeline::load(&args.selection, args.config.as_deref())?;
    // The same defaults as `scan`: `--fail-on`, else `[defaults] fail_on`, else low.
    let mut settings = Settings::new(&args.selection, &inputs.config, &inputs.rules);
    settings.fail_on(args.fail_on);
    let old = report_of(&args.old, &inputs, &settings)?;
    let new = report_of(&args.new, &inputs, &settings)?;
    let d = diff(&old, &new);
    write_output(args.output.as_deref(), &render(&d, args.json)?).context("the diff was not written")?;
    let regressed = d.new.iter().any(|c| settings.gate.fail_on.counts(c.severity));
    Ok(if args.fail_on_new && regressed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
