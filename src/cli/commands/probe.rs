//! `audit probe ENDPOINT...`: probe endpoints on the wire, alone or with a
//! snapshot's public endpoints, and audit what they send.

use crate::cli::args::ProbeCommandArgs;
use crate::cli::output::save_snapshot;
use crate::cli::pipeline::{self, Before};
use crate::cli::settings::Settings;
use crate::source::probe;
use anyhow::bail;
use std::process::ExitCode;

pub fn run(args: &ProbeCommandArgs) -> anyhow::Result<ExitCode> {
    let inputs = pipeline::load(&args.selection, args.config.as_deref())?;
    let settings = Settings::new(&args.selection, &inputs.config, &inputs.rules)
        .output(&args.output)
        .gate(&args.gate)
        .snapshot_path(args.snapshot.as_deref());
    let mut targets = args
        .endpoints
        .iter()
        .map(|spec| probe::parse_target(spec, "cli"))
        .collect::<Result<Vec<_>, _>>()?;
    targets.extend(inputs.config.probe.endpoints.iter().cloned());
    let snapshot = match &args.snapshot {
        Some(path) => {
            let snapshot = crate::snapshot::load(path)?;
            targets.extend(probe::discover(&snapshot));
            Some(snapshot)
        }
        None => None,
    };
    if targets.is_empty() {
        bail!(
            "nothing to probe: name endpoints (`audit probe app.example.com`), list them under [probe] in audit.toml, or give --snapshot with CloudFront distributions or internet-facing load balancers"
        );
    }
    let endpoints = pipeline::probe(targets, &args.probe_options, &inputs.config)?;
    let snapshot = match snapshot {
        Some(mut snapshot) => {
            probe::merge(&mut snapshot, endpoints);
            snapshot
        }
        None => probe::snapshot_of(endpoints, chrono::Utc::now()),
    };
    if let Some(path) = &args.save_snapshot {
        save_snapshot(&snapshot, path)?;
    }
    pipeline::audit(snapshot, &inputs, &settings, Before::default())
}
