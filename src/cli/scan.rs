//! `audit scan`: audit a snapshot file.

pub use super::write_output;
use super::{FailOn, GateArgs, ScanArgs, SelectionArgs};
use crate::config::Config;
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

/// Selection flags and the configuration as engine options: the flags
/// narrow what the configuration selects; parameters come from the
/// configuration.
pub fn options(selection: &SelectionArgs, config: &Config, rules: &RuleSet) -> Options {
    let mut skip = selection.skip.clone();
    skip.extend(
        rules
            .rules
            .iter()
            .filter(|r| !config.rules.selects(r))
            .map(|r| r.id.clone()),
    );
    Options {
        only: selection.only.clone(),
        skip,
        min_severity: selection.min_severity,
        params: config.params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        waivers: config.waivers.clone(),
        today: Some(selection.now.unwrap_or_else(|| chrono::Utc::now().date_naive())),
        ..Options::default()
    }
}

/// Loads the configuration and checks it against the rules.
pub fn load_config(path: Option<&std::path::Path>, rules: &RuleSet) -> anyhow::Result<Config> {
    let config = crate::config::load(path)?;
    config.check_rules(rules)?;
    Ok(config)
}

/// The output format: the flag, else the configuration's default, else table.
pub fn format(flag: Option<Format>, config: &Config) -> Format {
    let configured = match config.defaults.format.as_deref() {
        Some("json") => Some(Format::Json),
        Some("sarif") => Some(Format::Sarif),
        Some("markdown") => Some(Format::Markdown),
        Some("junit") => Some(Format::Junit),
        _ => None,
    };
    flag.or(configured).unwrap_or(Format::Table)
}

/// The gate threshold: the flag, else the configuration's default, else low.
pub fn fail_on(flag: Option<FailOn>, config: &Config) -> FailOn {
    flag.or_else(|| {
        config
            .defaults
            .fail_on
            .as_deref()
            .and_then(|s| super::parse_fail_on(s).ok())
    })
    .unwrap_or(FailOn::Severity(crate::rules::spec::Severity::Low))
}

/// Renders a report in `format`; colour only for a table on a terminal
/// without `NO_COLOR`.
pub fn render(
    report: &engine::Report,
    rules: &RuleSet,
    format: Format,
    output: &super::OutputArgs,
) -> anyhow::Result<Vec<u8>> {
    let color = format == Format::Table
        && output.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let context = report::Context {
        rules,
        color,
        sarif_category: output.sarif_category.clone(),
        warnings: std::sync::Mutex::new(Vec::new()),
    };
    let mut buffer = Vec::new();
    format.emitter().emit(report, &context, &mut buffer)?;
    for warning in context.warnings.into_inner().unwrap_or_default() {
        eprintln!("warning: {warning}");
    }
    Ok(buffer)
}

/// Renders the report grouped by the controls of framework `id`.
fn render_compliance(report: &engine::Report, rules: &RuleSet, id: &str, format: Format) -> anyhow::Result<Vec<u8>> {
    let Some(framework) = crate::compliance::framework(id) else {
        bail!("unknown framework `{id}`; see `audit compliance list`");
    };
    let view = crate::compliance::view(&framework, report, rules);
    Ok(match format {
        Format::Table => report::compliance::table(&view).into_bytes(),
        Format::Markdown => report::compliance::markdown(&view).into_bytes(),
        Format::Json => {
            let mut bytes = serde_json::to_vec_pretty(&view)?;
            bytes.push(b'\n');
            bytes
        }
        Format::Sarif | Format::Junit => bail!("--compliance works with --format table, json or markdown"),
    })
}

/// Prints the report's notices (expired and unused waivers) as warnings on
/// standard error, whatever the output format.
pub fn warn(report: &engine::Report) {
    for notice in &report.notices {
        eprintln!("warning: {}", notice.message);
    }
}

/// The exit code of a finished audit under the gate flags.
pub fn exit_code(report: &engine::Report, gate: &GateArgs, config: &Config) -> ExitCode {
    let s = &report.summary;
    if gate.strict && (s.errors > 0 || !report.gaps.is_empty()) {
        eprintln!(
            "error: the audit is incomplete (--strict): {} collection gaps, {} findings could not be decided",
            report.gaps.len(),
            s.errors
        );
        return ExitCode::from(2);
    }
    let failing = match fail_on(gate.fail_on, config) {
        FailOn::Severity(threshold) => report.fails_at(threshold),
        FailOn::Never => false,
    };
    if failing || (gate.fail_on_error && s.errors > 0) || (gate.require_attestations && s.manual > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Adds the configuration's attestations to the snapshot.
pub fn add_attestations(snapshot: &mut crate::snapshot::Snapshot, config: &Config) {
    snapshot
        .resources
        .attestation
        .extend(config.attestations.iter().cloned());
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    audit_loaded(
        || Ok(crate::snapshot::load(&args.snapshot)?),
        &args.audit,
        Some(&args.snapshot),
    )
}

/// `audit [--profile P] ...`: collects the account, then audits it like `scan`.
#[cfg(feature = "aws")]
pub fn run_live(args: &super::LiveArgs) -> anyhow::Result<ExitCode> {
    audit_loaded(|| Ok(args.aws.collect()?.0), &args.audit, None)
}

/// Loads the rules and configuration (so that their errors come before any
/// AWS call), obtains the snapshot, probes if asked, saves it if asked, and
/// audits it.
fn audit_loaded(
    snapshot: impl FnOnce() -> anyhow::Result<crate::snapshot::Snapshot>,
    args: &super::AuditArgs,
    path: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let rules = load_rules(&args.selection)?;
    let config = load_config(args.config.as_deref(), &rules)?;
    let mut snapshot = snapshot()?;
    if args.probe {
        super::probe_cmd::probe_snapshot(&mut snapshot, &args.probe_options, &config)?;
    }
    if let Some(save) = &args.save_snapshot {
        super::probe_cmd::save_snapshot(&snapshot, save)?;
    }
    let mut options = options(&args.selection, &config, &rules);
    options.snapshot_path = path.map(|p| p.display().to_string());
    audit(snapshot, &rules, &config, &options, &args.output, &args.gate)
}

/// Evaluates a loaded snapshot, writes the report, and returns the exit code
/// (shared by `scan` and `probe`). The configuration's attestations count as
/// of the evaluation day.
pub fn audit(
    mut snapshot: crate::snapshot::Snapshot,
    rules: &RuleSet,
    config: &Config,
    options: &Options,
    output: &super::OutputArgs,
    gate: &GateArgs,
) -> anyhow::Result<ExitCode> {
    add_attestations(&mut snapshot, config);
    let today = options.today.unwrap_or_else(|| snapshot.collected_at.date_naive());
    let prepared = crate::prepare::prepare_on(&snapshot, today);
    let report = engine::evaluate(rules, &prepared, options);
    warn(&report);
    let bytes = match &output.compliance {
        Some(id) => render_compliance(&report, rules, id, format(output.format, config))?,
        None => render(&report, rules, format(output.format, config), output)?,
    };
    write_output(output.output.as_deref(), &bytes).context("the report was not written")?;
    Ok(exit_code(&report, gate, config))
}
