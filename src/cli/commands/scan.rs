//! `audit scan --snapshot FILE`, and the one-step live audit `audit
//! [--profile P]`: both audit a snapshot through the pipeline.

use crate::cli::args::{AuditArgs, ScanArgs};
use crate::cli::pipeline::{self, Before};
use crate::cli::settings::Settings;
use crate::snapshot::Snapshot;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    audit_with(
        || Ok(crate::snapshot::load(&args.snapshot)?),
        &args.audit,
        Some(&args.snapshot),
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
