//! Flags and the configuration merged once, into what the pipeline runs
//! with: the flag when given, else the configuration's value, else the
//! default. Every command that audits builds its [`Settings`] here, so that
//! `scan`, `probe`, the live audit and `diff` agree on every default.

use super::args::{GateArgs, OutputArgs, ProbeArgs, SelectionArgs};
use crate::config::Config;
use crate::engine::{self, FailOn};
use crate::report::Format;
use crate::rules::RuleSet;
use crate::source::probe;
use std::path::PathBuf;
use std::time::Duration;

/// When an audit fails besides `fail_on`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gate {
    pub fail_on: FailOn,
    /// Exit 1 when a finding is `error`.
    pub fail_on_error: bool,
    /// Exit 1 when a manual item is open.
    pub require_attestations: bool,
    /// Exit 2 when the audit is incomplete.
    pub strict: bool,
}

/// Everything an audit runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub options: engine::Options,
    pub format: Format,
    pub gate: Gate,
    /// Where the report goes; standard output when `None`.
    pub output: Option<PathBuf>,
    pub sarif_category: Option<String>,
    /// A framework id: render the compliance view instead of the report.
    pub compliance: Option<String>,
}

impl Settings {
    /// The selection flags and the configuration: the flags narrow what the
    /// configuration selects; parameters and waivers come from the
    /// configuration; expiry is judged today unless `--now` says otherwise.
    pub fn new(selection: &SelectionArgs, config: &Config, rules: &RuleSet) -> Settings {
        let mut skip = selection.skip.clone();
        skip.extend(
            rules
                .rules
                .iter()
                .filter(|r| !config.rules.selects(r))
                .map(|r| r.id.clone()),
        );
        let options = engine::Options {
            only: selection.only.clone(),
            skip,
            min_severity: selection.min_severity,
            params: config.params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            waivers: config.waivers.clone(),
            today: Some(selection.now.unwrap_or_else(|| chrono::Utc::now().date_naive())),
            ..engine::Options::default()
        };
        Settings {
            options,
            format: config.defaults.format.unwrap_or(Format::Table),
            gate: Gate {
                fail_on: config.defaults.fail_on.unwrap_or_default(),
                ..Gate::default()
            },
            output: None,
            sarif_category: None,
            compliance: None,
        }
    }

    /// Applies the output flags.
    pub fn output(mut self, output: &OutputArgs) -> Settings {
        if let Some(format) = output.format {
            self.format = format;
        }
        self.output = output.output.clone();
        self.sarif_category = output.sarif_category.clone();
        self.compliance = output.compliance.clone();
        self
    }

    /// Applies the gate flags.
    pub fn gate(mut self, gate: &GateArgs) -> Settings {
        self.fail_on(gate.fail_on);
        self.gate.fail_on_error = gate.fail_on_error;
        self.gate.require_attestations = gate.require_attestations;
        self.gate.strict = gate.strict;
        self
    }

    /// Applies a `--fail-on` flag, when given.
    pub fn fail_on(&mut self, flag: Option<FailOn>) {
        if let Some(fail_on) = flag {
            self.gate.fail_on = fail_on;
        }
    }

    /// Names the audited snapshot file in the report.
    pub fn snapshot_path(mut self, path: Option<&std::path::Path>) -> Settings {
        self.options.snapshot_path = path.map(|p| p.display().to_string());
        self
    }
}

/// Probe options from the flags, then the configuration, then defaults
/// (reads the CA bundles).
pub fn probe_options(args: &ProbeArgs, config: &Config) -> anyhow::Result<probe::Options> {
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
