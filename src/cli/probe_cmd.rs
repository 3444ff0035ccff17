//! `audit probe`, and the probing step of `audit scan --probe`.

use super::scan::{audit, load_config, load_rules, options};
use super::{ProbeArgs, ProbeCommandArgs, write_output};
use crate::config::Config;
use crate::probe::{self, Target};
use crate::snapshot::{self, Snapshot};
use anyhow::{Context as _, bail};
use std::process::ExitCode;
use std::time::Duration;

/// Probe options from flags, then the configuration, then defaults (reads
/// the CA bundles).
fn probe_options(args: &ProbeArgs, config: &Config) -> anyhow::Result<probe::Options> {
    let mut extra_roots = Vec::new();
    for path in args.ca_cert.iter().chain(&config.probe.ca_certs) {
        extra_roots.extend(probe::read_ca_bundle(path)?);
    }
    let timeout = args.timeout.or(config.probe.timeout_seconds).unwrap_or(10.0);
    Ok(probe::Options {
        timeout: Duration::from_secs_f64(timeout),
        concurrency: usize::from(args.concurrency),
        max_redirects: usize::from(args.max_redirects),
        extra_roots,
    })
}

/// Probes `targets` and returns the endpoints.
pub fn probe(
    targets: Vec<Target>,
    args: &ProbeArgs,
    config: &Config,
) -> anyhow::Result<Vec<crate::snapshot::edge::HttpEndpoint>> {
    let options = probe_options(args, config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(probe::probe_all(targets, &options))
        .context("invalid TLS configuration (a --ca-cert certificate was refused)")
}

/// Probes the public endpoints found in `snapshot`, and those of the
/// configuration, and adds them to it.
pub fn probe_snapshot(snapshot: &mut Snapshot, args: &ProbeArgs, config: &Config) -> anyhow::Result<()> {
    let mut targets = probe::discover(snapshot);
    targets.extend(config.probe.endpoints.iter().cloned());
    if targets.is_empty() {
        eprintln!(
            "note: --probe found no public endpoint in the snapshot (CloudFront distribution or internet-facing load balancer) and none in the configuration"
        );
        return Ok(());
    }
    let endpoints = probe(targets, args, config)?;
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
    let config = load_config(args.config.as_deref(), &rules)?;
    let mut targets = args
        .endpoints
        .iter()
        .map(|spec| probe::parse_target(spec, "cli"))
        .collect::<Result<Vec<_>, _>>()?;
    targets.extend(config.probe.endpoints.iter().cloned());
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
            "nothing to probe: name endpoints (`audit probe app.example.com`), list them under [probe] in audit.toml, or give --snapshot with CloudFront distributions or internet-facing load balancers"
        );
    }
    let endpoints = probe(targets, &args.probe_options, &config)?;
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
    let mut opts = options(&args.selection, &config, &rules);
    opts.snapshot_path = args.snapshot.as_ref().map(|p| p.display().to_string());
    audit(snapshot, &rules, &config, &opts, &args.output, &args.gate)
}
