//! `audit scan`: audit a snapshot file.

use super::{FailOn, ScanArgs, SelectionArgs, write_output};
use crate::engine::{self, Options};
use crate::report::{self, Format};
use crate::rules::{self, RuleSet};
use anyhow::{Context as _, bail};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Loads the rules and checks `--only` / `--skip` name existing rules.
pub fn load_rules(selection: &SelectionArgs) -> anyhow::Result<RuleSet> {
    let rules = rules::load(&selection.rules).map_err(|e| anyhow::anyhow!("invalid rule files:\n{e}"))?;
    for (flag, ids) in [("--only", &selection.only), ("--skip", &selection.skip)] {
        let unknown: Vec<&String> = ids.iter().filter(|id| rules.get(id).is_none()).collect();
        if !unknown.is_empty() {
            let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
            bail!(
                "{flag} names unknown rule(s): {}; see `audit rules list`",
                names.join(", ")
            );
        }
    }
    Ok(rules)
}

/// Selection flags as engine options.
pub fn options(selection: &SelectionArgs) -> Options {
    Options {
        only: selection.only.clone(),
        skip: selection.skip.clone(),
        min_severity: selection.min_severity,
        ..Options::default()
    }
}

/// Renders a report in `format`; colour only for a table on a terminal
/// without `NO_COLOR`.
pub fn render(report: &engine::Report, rules: &RuleSet, format: Format, to_stdout: bool) -> anyhow::Result<Vec<u8>> {
    let color = format == Format::Table
        && to_stdout
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut buffer = Vec::new();
    format
        .emitter()
        .emit(report, &report::Context { rules, color }, &mut buffer)?;
    Ok(buffer)
}

/// The exit code of a finished audit.
pub fn exit_code(report: &engine::Report, fail_on: FailOn) -> ExitCode {
    match fail_on {
        FailOn::Severity(threshold) if report.fails_at(threshold) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(&args.selection)?;
    let config = crate::config::load(args.config.as_deref())?;
    let mut snapshot = crate::snapshot::load(&args.snapshot)?;
    if args.probe {
        super::probe_cmd::probe_snapshot(&mut snapshot, &args.probe_options, &config)?;
    }
    if let Some(path) = &args.save_snapshot {
        super::probe_cmd::save_snapshot(&snapshot, path)?;
    }
    let prepared = crate::prepare::prepare(&snapshot);
    let mut options = options(&args.selection);
    options.snapshot_path = Some(args.snapshot.display().to_string());
    let report = engine::evaluate(&rules, &prepared, &options);
    let bytes = render(&report, &rules, args.output.format, args.output.output.is_none())?;
    write_output(args.output.output.as_deref(), &bytes).with_context(|| "the report was not written".to_string())?;
    Ok(exit_code(&report, args.fail_on))
}
