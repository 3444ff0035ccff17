//! `audit probe`, and the probing step of `audit scan --probe`.

use super::scan::{exit_code, load_rules, options, render};
use super::{ProbeArgs, ProbeCommandArgs, write_output};
use crate::probe::{self, Target};
use crate::snapshot::{self, Snapshot};
use anyhow::{Context as _, bail};
use std::process::ExitCode;
use std::time::Duration;

/// Probe options from flags (reads the CA bundles).
fn probe_options(args: &ProbeArgs) -> anyhow::Result<probe::Options> {
    let mut extra_roots = Vec::new();
    for path in &args.ca_cert {
        extra_roots.extend(probe::read_ca_bundle(path)?);
    }
    Ok(probe::Options {
        timeout: Duration::from_secs_f64(args.timeout),
        concurrency: usize::from(args.concurrency),
        max_redirects: usize::from(args.max_redirects),
        extra_roots,
    })
}

/// Probes `targets` and returns the endpoints.
pub fn probe(targets: Vec<Target>, args: &ProbeArgs) -> anyhow::Result<Vec<crate::snapshot::edge::HttpEndpoint>> {
    let options = probe_options(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(probe::probe_all(targets, &options))
        .context("invalid TLS configuration (a --ca-cert certificate was refused)")
}

/// Probes the public endpoints found in `snapshot` and adds them to it.
pub fn probe_snapshot(snapshot: &mut Snapshot, args: &ProbeArgs) -> anyhow::Result<()> {
    let targets = probe::discover(snapshot);
    if targets.is_empty() {
        eprintln!(
            "note: --probe found no public endpoint in the snapshot (CloudFront distribution or internet-facing load balancer)"
        );
        return Ok(());
    }
    let endpoints = probe(targets, args)?;
    probe::merge(snapshot, endpoints);
    Ok(())
}

/// Writes a snapshot as JSON, atomically.
pub fn save_snapshot(snapshot: &Snapshot, path: &std::path::Path) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(snapshot)?;
    bytes.push(b'\n');
    write_output(Some(path), &bytes).with_context(|| format!("the snapshot was not saved to {}", path.display()))
}

pub fn run(args: &ProbeCommandArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(&args.selection)?;
    let mut targets = args
        .endpoints
        .iter()
        .map(|spec| probe::parse_target(spec, "cli"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut snapshot = match &args.snapshot {
        Some(path) => {
            let snapshot = snapshot::load(path)?;
            targets.extend(probe::discover(&snapshot));
            Some(snapshot)
        }
        None => None,
    };
    if targets.is_empty() {
        bail!(
            "nothing to probe: name endpoints (`audit probe app.example.com`), or give --snapshot with CloudFront distributions or internet-facing load balancers"
        );
    }
    let endpoints = probe(targets, &args.probe_options)?;
    let snapshot = match snapshot.take() {
        Some(mut snapshot) => {
            probe::merge(&mut snapshot, endpoints);
            snapshot
        }
        None => probe::snapshot_of(endpoints, chrono::Utc::now()),
    };
    if let Some(path) = &args.save_snapshot {
        save_snapshot(&snapshot, path)?;
    }
    let prepared = crate::prepare::prepare(&snapshot);
    let mut opts = options(&args.selection);
    opts.snapshot_path = args.snapshot.as_ref().map(|p| p.display().to_string());
    let report = crate::engine::evaluate(&rules, &prepared, &opts);
    let bytes = render(&report, &rules, args.output.format, args.output.output.is_none())?;
    write_output(args.output.output.as_deref(), &bytes).context("the report was not written")?;
    Ok(exit_code(&report, args.fail_on))
}
