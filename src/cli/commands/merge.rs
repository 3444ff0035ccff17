//! `audit merge INPUT…`: the reports of several shards (or single accounts,
//! or snapshots, evaluated now) combined into one report over every
//! account, rendered and gated like any other.

use crate::cli::args::MergeArgs;
use crate::cli::output::write_output;
use crate::cli::pipeline;
use crate::cli::settings::Settings;
use crate::engine::finding::AccountOutcome;
use anyhow::Context as _;
use std::process::ExitCode;

pub fn run(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let inputs = pipeline::load(&args.selection, args.config.as_deref())?;
    let settings = Settings::new(&args.selection, &inputs.config, &inputs.rules)
        .output(&args.output)
        .gate(&args.gate);
    let mut reports = Vec::new();
    for path in &args.inputs {
        reports.push(pipeline::report_of(path, &inputs, &settings)?);
    }
    let report = crate::engine::org::merge(reports).map_err(anyhow::Error::msg)?;
    let bytes = pipeline::render(&report, &inputs, &settings)?;
    write_output(settings.output.as_deref(), &bytes).context("the report was not written")?;
    if settings.gate.strict && report.accounts.iter().any(|a| a.status != AccountOutcome::Ok) {
        eprintln!("error: --strict: not every account is ok (see the accounts in the report)");
        return Ok(ExitCode::from(2));
    }
    Ok(pipeline::exit_code(&report, &settings))
}
