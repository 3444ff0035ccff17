//! `audit scan --snapshot FILE`, `audit plan PLAN` (or `scan --plan`), and
//! the one-step live audit `audit [--profile P]`: all audit a snapshot
//! through the pipeline.

use crate::cli::args::{AuditArgs, PlanOptions, ScanArgs};
use crate::cli::pipeline::{self, Before};
use crate::cli::settings::Settings;
use crate::snapshot::Snapshot;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    match (&args.snapshot, &args.plan) {
        (_, Some(plan)) => run_plan(plan, &args.plan_options, &args.audit),
        (Some(snapshot), None) => audit_with(|| Ok(crate::snapshot::load(snapshot)?), &args.audit, Some(snapshot)),
        (None, None) => anyhow::bail!("pass --snapshot FILE or --plan FILE"),
    }
}

/// `audit plan PLAN`: the plan read into a snapshot, then audited. What the
/// plan holds that is not judged (unsupported types, children of resources
/// it does not manage) is listed on standard error.
pub fn run_plan(plan: &Path, options: &PlanOptions, args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let options = crate::source::terraform::Options {
        tf_dir: options.tf_dir.clone(),
        region: options.region.clone(),
        account_id: options.account_id.clone(),
    };
    audit_with(
        || {
            let read = crate::source::terraform::load(plan, &options)?;
            for note in &read.notes {
                eprintln!("note: {note}");
            }
            Ok(read.snapshot)
        },
        args,
        Some(plan),
    )
}

/// `audit [--profile P] ...`: collects the account, then audits it like `scan`.
#[cfg(feature = "aws")]
pub fn run_live(args: &crate::cli::args::LiveArgs) -> anyhow::Result<ExitCode> {
    audit_with(|| Ok(super::collect::collect(&args.aws)?.0), &args.audit, None)
}

/// Loads the rules and configuration first (so that their errors come
/// before any AWS call), obtains the snapshot, and audits it.
fn audit_with(
    snapshot: impl FnOnce() -> anyhow::Result<Snapshot>,
    args: &AuditArgs,
    path: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let inputs = pipeline::load(&args.selection, args.config.as_deref())?;
    let settings = Settings::new(&args.selection, &inputs.config, &inputs.rules)
        .output(&args.output)
        .gate(&args.gate)
        .snapshot_path(path);
    let snapshot = snapshot()?;
    let before = Before {
        probe: args.probe.then_some(&args.probe_options),
        save: args.save_snapshot.as_deref(),
    };
    pipeline::audit(snapshot, &inputs, &settings, before)
}
