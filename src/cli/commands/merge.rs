//! `audit merge INPUT…`: the reports of several shards (or single accounts,
//! or snapshots, evaluated now) combined into one report over every
//! account, rendered and gated like any other.

use crate::cli::args::MergeArgs;
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
