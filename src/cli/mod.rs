//! The command line: clap definitions, and one module per subcommand. The
//! only place that prints, reads the environment or decides exit codes.
//!
//! Exit codes: 0 nothing failing at or above `--fail-on`; 1 failing findings
//! at or above it; 2 usage, input or configuration error.

pub mod diff_cmd;
pub mod probe_cmd;
pub mod rules_cmd;
pub mod scan;

use crate::report::Format;
use crate::rules::spec::Severity;
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Without a subcommand, audit collects the account (read-only calls, every enabled region) and audits
it in one go: `audit --profile prod`. It takes the flags of `audit collect` and of `audit scan`.

Exit codes:
  0  nothing fails at or above --fail-on
  1  failing findings at or above --fail-on (also: errors with --fail-on-error, open manual
     items with --require-attestations)
  2  usage, input or configuration error (bad flag value, malformed snapshot, rule or
     configuration file), or an incomplete audit with --strict

Examples:
  audit --profile prod
  audit --profile prod --format sarif -o audit.sarif --fail-on high
  audit scan --snapshot fixtures/example-account.json
  audit scan --snapshot prod.json --format sarif -o audit.sarif
  audit scan --snapshot prod.json --fail-on high --only rds-no-public-access,ec2-sg-no-public-ssh
  audit scan --snapshot prod.json --probe --save-snapshot prod-probed.json
  audit probe app.example.com https://api.example.com/health
  audit config check
  audit rules list
  audit rules show rds-backup-retention
  audit rules test my-rules/";

/// Audits the security posture of an AWS account against rules derived from
/// real hardening guides.
#[derive(Debug, Parser)]
#[command(name = "audit", version, about, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a subcommand: collect the account and audit it in one go.
    #[cfg(feature = "aws")]
    #[command(flatten)]
    pub live: LiveArgs,
}

/// Flags of the one-step live audit, `audit [--profile P] [--region R]...`.
#[cfg(feature = "aws")]
#[derive(Debug, Args)]
pub struct LiveArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub audit: AuditArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit an account snapshot file (offline; no AWS access needed).
    Scan(ScanArgs),
    /// Read an account through the AWS APIs (read-only) and write its snapshot.
    #[cfg(feature = "aws")]
    Collect(CollectArgs),
    /// Probe HTTP endpoints on the wire (HSTS, HTTPS redirect, security
    /// headers) and audit what they actually send.
    Probe(ProbeCommandArgs),
    /// List, show and test rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Compare two audits: new, resolved and unchanged failures.
    Diff(DiffArgs),
    /// Compliance frameworks and how much of each the rules automate.
    #[command(subcommand)]
    Compliance(ComplianceCommand),
    /// Check the configuration file without auditing anything.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print the JSON Schema of the snapshot or report format.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        which: SchemaKind,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SchemaKind {
    /// The account snapshot (input of `audit scan`).
    Snapshot,
    /// The JSON report (`--format json`).
    Report,
}

/// Flags of `audit scan`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ScanArgs {
    /// The account snapshot to audit (JSON, format posture-audit/snapshot v1).
    /// Example: --snapshot fixtures/example-account.json
    #[arg(long, value_name = "FILE")]
    pub snapshot: PathBuf,
    #[command(flatten)]
    pub audit: AuditArgs,
}

/// Everything about auditing a snapshot once it is loaded or collected:
/// shared by `audit scan` and the one-step live audit.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The configuration file; default: audit.toml in the working folder, if any.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub gate: GateArgs,
    /// Also probe the account's public endpoints found in the snapshot
    /// (CloudFront domain names and aliases, internet-facing load balancers):
    /// sends requests to them. Off by default.
    #[arg(long)]
    pub probe: bool,
    #[command(flatten)]
    pub probe_options: ProbeArgs,
    /// Write the audited snapshot, probed endpoints included, to FILE, so it
    /// can be re-audited offline. Example: --save-snapshot prod-probed.json
    #[arg(long, value_name = "FILE")]
    pub save_snapshot: Option<PathBuf>,
}

/// Flags of `audit collect`: they follow the AWS CLI.
#[cfg(feature = "aws")]
#[derive(Debug, Args)]
#[command(after_help = "\
Credentials come from the standard chain: environment variables, the shared config and credentials
files (SSO and profiles), web identity (GitHub OIDC), container and instance metadata. Only read
calls are made. A call that fails (AccessDenied, throttling, a timeout) becomes a gap in the
snapshot, and every rule that needs that data reports `error`.

Examples:
  audit collect --profile prod -o prod.json
  audit collect --region us-east-1 --region eu-west-1 -o snapshot.json
  audit collect --endpoint-url http://127.0.0.1:5000 --region us-east-1 -o test.json
  audit collect --strict --quiet -o prod.json     # exit 2 if any call failed; no progress")]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Write the snapshot to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 2 when any call failed (a gap); the snapshot is still written,
    /// gaps included.
    #[arg(long)]
    pub strict: bool,
}

/// How to reach AWS; they follow the AWS CLI.
#[cfg(feature = "aws")]
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// The named profile of the shared AWS config. Example: --profile prod
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// A region to read (repeatable), or `all`; default: every enabled region.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Send every call to this endpoint (an emulator, a VPC endpoint).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Assume this role first (with the credentials found), and read the
    /// account as the role. Example: --role-arn arn:aws:iam::123456789012:role/audit
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The external id the role's trust policy requires.
    #[arg(long, value_name = "ID", requires = "role_arn")]
    pub external_id: Option<String>,
    /// The session name, visible in the role's CloudTrail events.
    #[arg(long, value_name = "NAME", default_value = "posture-audit", requires = "role_arn")]
    pub role_session_name: String,
    /// Services × regions read at the same time.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub max_concurrency: u16,
    /// Attempts per call, with backoff (throttling, 5xx).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: u32,
    /// Seconds allowed for one call, retries included.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = parse_seconds)]
    pub call_timeout: f64,
    /// No progress display and no summary line on standard error (errors
    /// are still reported). The progress display only ever shows on a
    /// terminal.
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

#[cfg(feature = "aws")]
impl AwsArgs {
    /// Collection options from the flags.
    pub fn options(&self) -> crate::collect::Options {
        crate::collect::Options {
            profile: self.profile.clone(),
            regions: self.regions.clone(),
            endpoint_url: self.endpoint_url.clone(),
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            role_session_name: self.role_session_name.clone(),
            max_concurrency: usize::from(self.max_concurrency),
            max_attempts: self.max_attempts,
            call_timeout: std::time::Duration::from_secs_f64(self.call_timeout),
        }
    }

    /// Collects a snapshot, drawing progress on standard error when it is a
    /// terminal, then one summary line (neither with --quiet).
    pub fn collect(&self) -> anyhow::Result<(crate::snapshot::Snapshot, crate::collect::Stats)> {
        use anyhow::Context as _;
        use std::io::{IsTerminal as _, Write as _};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let progress = std::sync::Arc::new(crate::collect::Progress::default());
        let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let display = (!self.quiet && std::io::stderr().is_terminal()).then(|| {
            let (progress, finished) = (progress.clone(), finished.clone());
            std::thread::spawn(move || {
                while !finished.load(std::sync::atomic::Ordering::Relaxed) {
                    // \r and "erase to end of line": one line, redrawn in place.
                    eprint!("\r{}\x1b[K", progress.line());
                    let _ = std::io::stderr().flush();
                    std::thread::sleep(std::time::Duration::from_millis(150));
                }
                eprint!("\r\x1b[K");
            })
        });
        let result = runtime.block_on(crate::collect::collect(&self.options(), &progress));
        finished.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(display) = display {
            let _ = display.join();
        }
        let (snapshot, stats) = result?;
        if !self.quiet {
            eprintln!(
                "collected {} resources in {} regions with {} calls, {} gap{}, in {:.1}s",
                stats.resources,
                stats.regions,
                stats.calls,
                stats.gaps,
                if stats.gaps == 1 { "" } else { "s" },
                stats.elapsed.as_secs_f64()
            );
        }
        Ok((snapshot, stats))
    }
}

/// Flags of `audit diff`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each input is a snapshot (evaluated now, with the same rules and configuration) or a JSON report
saved with --format json. A failure is identified by rule, resource kind, region and id.

Examples:
  audit diff last-week.json today.json
  audit diff baseline-report.json today.json --fail-on-new --fail-on high")]
pub struct DiffArgs {
    /// The baseline: a snapshot or a JSON report.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The audit to compare with it.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Exit 1 when NEW has a failure that OLD did not have (at least as
    /// severe as --fail-on): a gate that blocks only regressions.
    #[arg(long)]
    pub fail_on_new: bool,
    /// With --fail-on-new: the least severity that counts (default low).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,
    /// Output JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Write the result to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The configuration file, for evaluating snapshots.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// When the audit fails the gate.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Exit 1 when a finding at least this severe fails; `none` never fails.
    /// Info findings never fail the gate. Default: `[defaults] fail_on` of
    /// the configuration, else low. Example: --fail-on high
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,
    /// Exit 1 also when a finding is `error` (data missing, rule failed).
    #[arg(long)]
    pub fail_on_error: bool,
    /// Exit 1 also when a manual checklist item has no valid attestation.
    #[arg(long)]
    pub require_attestations: bool,
    /// Exit 2 when the audit is incomplete: any collection gap or `error`
    /// finding (the report is still written).
    #[arg(long)]
    pub strict: bool,
}

/// Flags of `audit probe`.
#[derive(Debug, Args)]
#[command(after_help = PROBE_HELP)]
pub struct ProbeCommandArgs {
    /// Endpoints: a host (app.example.com), an https:// URL, or
    /// `https://host:8443/=http://host:8080/` to name both ports.
    #[arg(value_name = "ENDPOINT")]
    pub endpoints: Vec<String>,
    /// Also probe the public endpoints of this snapshot, and audit the
    /// snapshot with them. Example: --snapshot prod.json
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// The configuration file, whose `[probe] endpoints` are probed too;
    /// default: audit.toml in the working folder, if any.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub probe_options: ProbeArgs,
    /// Write the probed endpoints (with the snapshot, if one was given) as a
    /// snapshot to FILE, for `audit scan` later. Example: --save-snapshot probed.json
    #[arg(long, value_name = "FILE")]
    pub save_snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub gate: GateArgs,
}

const PROBE_HELP: &str = "\
Each endpoint gets one GET over HTTPS (status, headers, TLS version, certificate dates) and one
over plain HTTP (does it redirect to HTTPS on the same host?). Redirects are followed within the
host only. Timeouts, refused connections, DNS and TLS failures are reported as `error` findings.

Examples:
  audit probe app.example.com
  audit probe https://internal.example.com/ --ca-cert corp-ca.pem
  audit probe https://127.0.0.1:8443/=http://127.0.0.1:8080/ --timeout 2
  audit probe --snapshot prod.json --save-snapshot prod-probed.json";

/// How to probe endpoints.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Seconds allowed for each request (connect, TLS and response head);
    /// default: `[probe] timeout_seconds` of the configuration, else 10.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<f64>,
    /// Endpoints probed at the same time.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Redirects followed within the same host.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub max_redirects: u8,
    /// PEM certificates to trust besides the public web PKI, for internal
    /// endpoints (repeatable). Example: --ca-cert corp-ca.pem
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 300.0 => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds between 0 and 300")),
    }
}

/// Output flags shared by every command that writes a report.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format; default: `[defaults] format` of the configuration, else
    /// table. Example: --format sarif
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output (written whole or
    /// not at all). Example: -o audit.sarif
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// SARIF only: the category GitHub code scanning files the alerts under
    /// (`runAutomationDetails.id`), so that several accounts or profiles can
    /// be uploaded side by side. Default: posture-audit/<account id>.
    /// Example: --sarif-category prod-eu
    #[arg(long, value_name = "NAME")]
    pub sarif_category: Option<String>,
    /// Group the findings by the controls of a framework instead (table,
    /// json or markdown): cis-aws-3.0 or fsbp. See `audit compliance list`.
    #[arg(long, value_name = "FRAMEWORK", value_parser = parse_framework)]
    pub compliance: Option<String>,
}

fn parse_framework(s: &str) -> Result<String, String> {
    let ids: Vec<String> = crate::compliance::frameworks().into_iter().map(|f| f.id).collect();
    if ids.iter().any(|id| id == s) {
        Ok(s.to_string())
    } else {
        Err(format!("unknown framework `{s}`; use one of {}", ids.join(", ")))
    }
}

/// Rule selection flags.
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Also load the rule files under DIR (repeatable). Example: --rules ./my-rules
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Run only these rules (comma-separated ids). Example: --only rds-no-public-access,ec2-sg-no-public-ssh
    #[arg(long, value_name = "RULE,...", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Do not run these rules (comma-separated ids). Example: --skip ec2-eip-attached
    #[arg(long, value_name = "RULE,...", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Run only rules at least this severe: critical, high, medium, low, info.
    /// Example: --min-severity medium
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub min_severity: Option<Severity>,
    /// Judge the expiry of waivers and attestations as of this day instead
    /// of today, for reproducible re-runs. Example: --now 2026-12-01
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub now: Option<chrono::NaiveDate>,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    s.parse().map_err(|_| format!("`{s}` is not a date like 2026-12-01"))
}

#[derive(Debug, Subcommand)]
pub enum ComplianceCommand {
    /// List the frameworks: controls, automated by rules, manual, not covered.
    List,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration file: every problem, with file, line and column.
    Check {
        /// The configuration file; default: audit.toml in the working folder.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules: id, severity, resource kind, title.
    List {
        /// Also load the rule files under DIR (repeatable).
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
        /// Output as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show a rule's documentation: rationale, remediation, references, logic.
    Show {
        /// The rule id. Example: rds-backup-retention
        id: String,
        /// Also load the rule files under DIR (repeatable).
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Run the inline examples of rules: the built-in catalogue, or the rule
    /// files under DIR.
    Test {
        /// A directory of rule files; without it, the built-in catalogue.
        dir: Option<PathBuf>,
    },
    /// List the resource kinds rules can iterate over.
    Kinds,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// Parses a `--fail-on` value (also used for `[defaults] fail_on`).
pub fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(FailOn::Never);
    }
    match s.parse::<Severity>() {
        Ok(Severity::Info) => {
            Err("`info` findings never fail the gate; use critical, high, medium, low or none".into())
        }
        Ok(sev) => Ok(FailOn::Severity(sev)),
        Err(_) => Err(format!(
            "unknown threshold `{s}`; use one of critical, high, medium, low, none"
        )),
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, usage errors
            // to stderr with exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let Some(command) = cli.command else {
        #[cfg(feature = "aws")]
        return finish(scan::run_live(&cli.live));
        #[cfg(not(feature = "aws"))]
        {
            use clap::CommandFactory as _;
            let _ = Cli::command().print_help();
            eprintln!(
                "\nerror: this build has no live collection (cargo feature `aws`); use `audit scan --snapshot FILE`"
            );
            return ExitCode::from(2);
        }
    };
    finish(match command {
        Command::Scan(args) => scan::run(&args),
        #[cfg(feature = "aws")]
        Command::Collect(args) => collect_cmd(&args),
        Command::Probe(args) => probe_cmd::run(&args),
        Command::Diff(args) => diff_cmd::run(&args),
        Command::Compliance(ComplianceCommand::List) => compliance_list(),
        Command::Config(ConfigCommand::Check { config }) => check_config(config.as_deref()),
        Command::Rules(command) => rules_cmd::run(&command),
        Command::Schema { which } => print_schema(which),
    })
}

/// The exit code of a command's result; errors are printed with their causes.
fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "aws")]
fn collect_cmd(args: &CollectArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    let (snapshot, stats) = args.aws.collect()?;
    let mut bytes = serde_json::to_vec_pretty(&snapshot)?;
    bytes.push(b'\n');
    write_output(args.output.as_deref(), &bytes).context("the snapshot was not written")?;
    if args.strict && stats.gaps > 0 {
        eprintln!(
            "error: --strict: {} call{} failed; the snapshot, written, lists them under `gaps`",
            stats.gaps,
            if stats.gaps == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn compliance_list() -> anyhow::Result<ExitCode> {
    let rules = crate::rules::load(&[]).map_err(|e| anyhow::anyhow!("invalid rule files:\n{e}"))?;
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "Framework",
        "Title",
        "Controls",
        "Automated",
        "Manual",
        "Not covered",
    ]);
    for f in crate::compliance::frameworks() {
        let coverage = crate::compliance::coverage(&f, &rules);
        let automated = f.controls.iter().filter(|c| coverage.contains_key(&c.id)).count();
        let manual = f
            .controls
            .iter()
            .filter(|c| c.manual && !coverage.contains_key(&c.id))
            .count();
        let scope = if f.complete {
            String::new()
        } else {
            " (partial list)".to_string()
        };
        table.add_row(vec![
            f.id.clone(),
            format!("{}{scope}", f.title),
            f.controls.len().to_string(),
            automated.to_string(),
            manual.to_string(),
            (f.controls.len() - automated - manual).to_string(),
        ]);
    }
    println!("{table}");
    Ok(ExitCode::SUCCESS)
}

fn check_config(path: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let rules = crate::rules::load(&[]).map_err(|e| anyhow::anyhow!("invalid rule files:\n{e}"))?;
    let config = scan::load_config(path, &rules)?;
    match &config.path {
        Some(path) => println!(
            "{}: valid ({} probe endpoints)",
            path.display(),
            config.probe.endpoints.len()
        ),
        None => println!(
            "no {} in this folder and no --config: nothing to check",
            crate::config::DEFAULT_FILE
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_schema(which: SchemaKind) -> anyhow::Result<ExitCode> {
    let schema = match which {
        SchemaKind::Snapshot => crate::snapshot::json_schema(),
        SchemaKind::Report => crate::report::json::json_schema(),
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &schema)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Writes `bytes` to `path` atomically (a temporary file renamed into place),
/// or to standard output.
pub fn write_output(path: Option<&std::path::Path>, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| "report".into());
            let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
            std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}
