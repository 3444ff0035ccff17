//! `audit merge INPUT…`: the reports of several shards (or single accounts,
//! or snapshots, evaluated now) combined into one report over every
//! account, rendered and gated like any other; and `audit render REPORT`,
//! a saved report written in another format as it is.

use crate::cli::args::{MergeArgs, RenderArgs};
use crate::cli::pipeline;
use std::process::ExitCode;

pub fn run(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let (inputs, settings) = pipeline::load_report_args(&args.report)?;
    let mut reports = Vec::new();
    for path in &args.inputs {
        reports.push(pipeline::report_of(path, &inputs, &settings)?);
    }
    let report = crate::engine::org::merge(reports).map_err(anyhow::Error::msg)?;
    pipeline::finish_accounts(&report, &inputs, &settings)
}

pub fn render(args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let (inputs, settings) = pipeline::load_report_args(&args.args)?;
    let report = pipeline::read_report(&args.report)?;
    if report.accounts.is_empty() {
        let bytes = pipeline::render(&report, &inputs, &settings)?;
        crate::cli::output::write_output(settings.output.as_deref(), &bytes)
            .map_err(|e| e.context("the report was not written"))?;
        return Ok(pipeline::exit_code(&report, &settings));
    }
    pipeline::finish_accounts(&report, &inputs, &settings)
}
