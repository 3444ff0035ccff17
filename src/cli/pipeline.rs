//! The one audit pipeline every command runs: load the rules and the
//! configuration (so that their errors come before any AWS call or probe),
//! obtain the snapshot, probe if asked, save if asked, prepare, evaluate,
//! render, and gate.

use super::args::{ProbeArgs, SelectionArgs};
use super::output::{save_snapshot, write_output};
use super::settings::{Settings, probe_options};
use crate::config::Config;
use crate::engine::{self, Report};
use crate::report;
use crate::rules::{self, RuleSet};
use crate::snapshot::Snapshot;
use crate::source::probe::{self, Target};
use anyhow::{Context as _, bail};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// The rules and the configuration, checked against each other.
pub struct Inputs {
    pub rules: RuleSet,
    pub config: Config,
}

/// Loads the built-in rules and those under `extra`.
pub fn load_rules(extra: &[std::path::PathBuf]) -> anyhow::Result<RuleSet> {
    rules::load(extra).map_err(invalid_rules)
}

/// Loads only the rule files under `dir`.
pub fn load_rule_dir(dir: &Path) -> anyhow::Result<RuleSet> {
    rules::load_dir(dir).map_err(invalid_rules)
}

fn invalid_rules(e: rules::LoadErrors) -> anyhow::Error {
    anyhow::anyhow!("invalid rule files:\n{e}")
}

/// Loads the rules (checking that `--only` / `--skip` name existing ones)
/// and the configuration (checked against the rules).
pub fn load(selection: &SelectionArgs, config: Option<&Path>) -> anyhow::Result<Inputs> {
    let rules = load_rules(&selection.rules)?;
    for (flag, ids) in [("--only", &selection.only), ("--skip", &selection.skip)] {
        let unknown: Vec<&str> = ids
            .iter()
            .filter(|id| rules.get(id).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            bail!(
                "{flag} names unknown rule(s): {}; see `audit rules list`",
                unknown.join(", ")
            );
        }
    }
    let config = load_config(config, &rules)?;
    Ok(Inputs { rules, config })
}

/// Loads the configuration and checks it against the rules.
pub fn load_config(path: Option<&Path>, rules: &RuleSet) -> anyhow::Result<Config> {
    let config = crate::config::load(path)?;
    config.check_rules(rules)?;
    Ok(config)
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

/// Evaluates a snapshot: the configuration's attestations are added, and
/// waivers and attestations are judged on the same evaluation day. Prints
/// the report's notices (expired and unused waivers) as warnings.
pub fn evaluate(mut snapshot: Snapshot, inputs: &Inputs, settings: &Settings) -> Report {
    snapshot
        .resources
        .attestation
        .extend(inputs.config.attestations.iter().cloned());
    let options = crate::prepare::Options {
        today: settings.options.evaluation_day(snapshot.collected_at),
        world: inputs.config.network,
    };
    let prepared = crate::prepare::prepare_with(&snapshot, &options);
    let report = engine::evaluate(&inputs.rules, &prepared, &settings.options);
    for notice in &report.notices {
        eprintln!("warning: {}", notice.message);
    }
    report
}

/// Renders a report (or its compliance view) in the chosen format; colour
/// only for a table on a terminal without `NO_COLOR`.
pub fn render(report: &Report, inputs: &Inputs, settings: &Settings) -> anyhow::Result<Vec<u8>> {
    let emitter = settings.format.emitter();
    let mut buffer = Vec::new();
    if let Some(id) = &settings.compliance {
        let Some(framework) = report::compliance::framework(id)? else {
            bail!("unknown framework `{id}`; see `audit compliance list`");
        };
        let view = report::compliance::view(&framework, report, &inputs.rules);
        emitter.emit_compliance(&view, &mut buffer)?;
        return Ok(buffer);
    }
    let context = report::Context {
        color: settings.format == report::Format::Table
            && settings.output.is_none()
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        sarif_category: settings.sarif_category.clone(),
        warnings: std::sync::Mutex::new(Vec::new()),
        fail_on: settings.gate.fail_on,
        config_path: inputs.config.path.as_ref().map(|p| p.display().to_string()),
        compliance: if settings.format == report::Format::Html {
            report::compliance::frameworks()?
                .iter()
                .map(|f| report::compliance::view(f, report, &inputs.rules))
                .collect()
        } else {
            Vec::new()
        },
    };
    emitter.emit(report, &context, &mut buffer)?;
    for warning in context.warnings.into_inner().unwrap_or_default() {
        eprintln!("warning: {warning}");
    }
    Ok(buffer)
}

/// The exit code of a finished audit under the gate.
pub fn exit_code(report: &Report, settings: &Settings) -> ExitCode {
    let (s, gate) = (&report.summary, &settings.gate);
    if gate.strict && (s.errors > 0 || !report.gaps.is_empty()) {
        eprintln!(
            "error: the audit is incomplete (--strict): {} collection gaps, {} findings could not be decided",
            report.gaps.len(),
            s.errors
        );
        return ExitCode::from(2);
    }
    let failing = report.fails(gate.fail_on);
    if failing || (gate.fail_on_error && s.errors > 0) || (gate.require_attestations && s.manual > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A report from a snapshot (evaluated) or a saved JSON report (read).
pub fn report_of(path: &Path, inputs: &Inputs, settings: &Settings) -> anyhow::Result<Report> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}:{}: not valid JSON: {e}", path.display(), e.line(), e.column()))?
        .get("format")
        .and_then(|f| f.as_str().map(String::from));
    match format.as_deref() {
        Some(engine::finding::REPORT_FORMAT) => parse_report(&text, path),
        Some(crate::snapshot::FORMAT) => {
            let snapshot = crate::snapshot::parse(&text, path)?;
            let settings = settings.clone().snapshot_path(Some(path));
            Ok(evaluate(snapshot, inputs, &settings))
        }
        _ => bail!(
            "{}: neither a posture-audit snapshot nor a JSON report (the `format` field)",
            path.display()
        ),
    }
}

/// The rules, configuration and settings of a command that writes a
/// report over several accounts (`org scan`, `merge`).
pub fn load_report_args(args: &super::args::ReportArgs) -> anyhow::Result<(Inputs, Settings)> {
    let inputs = load(&args.selection, args.config.as_deref())?;
    let settings = Settings::new(&args.selection, &inputs.config, &inputs.rules)
        .output(&args.output)
        .gate(&args.gate);
    Ok((inputs, settings))
}

/// Renders and writes a report over several accounts, and gates it: with
/// `--strict`, exit 2 unless every account is `ok`.
pub fn finish_accounts(report: &Report, inputs: &Inputs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let bytes = render(report, inputs, settings)?;
    write_output(settings.output.as_deref(), &bytes).context("the report was not written")?;
    if settings.gate.strict
        && report
            .accounts
            .iter()
            .any(|a| a.status != crate::engine::finding::AccountOutcome::Ok)
    {
        eprintln!("error: --strict: not every account is ok (see the accounts in the report)");
        return Ok(ExitCode::from(2));
    }
    Ok(exit_code(report, settings))
}

/// A saved JSON report, checked: the `format` names a report, the version
/// is this build's.
pub fn read_report(path: &Path) -> anyhow::Result<Report> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}:{}: not valid JSON: {e}", path.display(), e.line(), e.column()))?
        .get("format")
        .and_then(|f| f.as_str().map(String::from));
    if format.as_deref() != Some(engine::finding::REPORT_FORMAT) {
        bail!(
            "{}: not a posture-audit JSON report (the `format` field); render a snapshot with `audit scan --snapshot`",
            path.display()
        );
    }
    parse_report(&text, path)
}

fn parse_report(text: &str, path: &Path) -> anyhow::Result<Report> {
    let report: Report = serde_json::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a valid report: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if report.version != engine::finding::REPORT_VERSION {
        bail!(
            "{}: report version {} is not supported; this build reads version {}",
            path.display(),
            report.version,
            engine::finding::REPORT_VERSION
        );
    }
    Ok(report)
}

/// What to do with the snapshot before evaluating it.
#[derive(Default)]
pub struct Before<'a> {
    /// Probe its public endpoints with these options.
    pub probe: Option<&'a ProbeArgs>,
    /// Save it (probed endpoints included) here.
    pub save: Option<&'a Path>,
}

/// The whole pipeline on an obtained snapshot: probe and save if asked,
/// evaluate, write the report, and return the exit code.
pub fn audit(mut snapshot: Snapshot, inputs: &Inputs, settings: &Settings, before: Before) -> anyhow::Result<ExitCode> {
    if let Some(args) = before.probe {
        probe_snapshot(&mut snapshot, args, &inputs.config)?;
    }
    if let Some(path) = before.save {
        save_snapshot(&snapshot, path)?;
    }
    let report = evaluate(snapshot, inputs, settings);
    let bytes = render(&report, inputs, settings)?;
    write_output(settings.output.as_deref(), &bytes).context("the report was not written")?;
    Ok(exit_code(&report, settings))
}
