//! `audit diff OLD NEW`: new, resolved, unchanged and unknown failures between two
//! audits, each given as a snapshot (evaluated now, with the same rules and
//! configuration) or as a saved JSON report.

use crate::cli::args::DiffArgs;
use crate::cli::output::write_output;
use crate::cli::pipeline;
use crate::cli::settings::Settings;
use crate::engine::diff::{Change, Diff, diff};
use crate::report::style;
use anyhow::Context as _;
use std::fmt::Write as _;
use std::process::ExitCode;

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
            if c.account.is_empty() {
                c.resource.clone()
            } else {
                format!("{}: {}", c.account, c.resource)
            },
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
    if !d.unknown.is_empty() {
        table("Unknown: the account could not be read this time", &d.unknown, &mut out)?;
    }
    writeln!(
        out,
        "{} new, {} resolved, {} still failing, {} unknown",
        d.new.len(),
        d.resolved.len(),
        d.unchanged.len(),
        d.unknown.len()
    )?;
    Ok(out.into_bytes())
}

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let inputs = pipeline::load(&args.selection, args.config.as_deref())?;
    // The same defaults as `scan`: `--fail-on`, else `[defaults] fail_on`, else low.
    let mut settings = Settings::new(&args.selection, &inputs.config, &inputs.rules);
    settings.fail_on(args.fail_on);
    let old = pipeline::report_of(&args.old, &inputs, &settings)?;
    let new = pipeline::report_of(&args.new, &inputs, &settings)?;
    let d = diff(&old, &new);
    write_output(args.output.as_deref(), &render(&d, args.json)?).context("the diff was not written")?;
    let regressed = d.new.iter().any(|c| settings.gate.fail_on.counts(c.severity));
    Ok(if args.fail_on_new && regressed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
