//! Every flag of the command line, as clap definitions: declarative, no
//! behaviour. [`super::settings`] merges them with the configuration.

use crate::engine::FailOn;
use crate::report::Format;
use crate::rules::Severity;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Without a subcommand, audit collects the account (read-only calls, every enabled region) and audits
it in one go: `audit --profile prod`. It takes the flags of `audit collect` and of `audit scan`.

Exit codes:
  0  nothing fails at or above --fail-on
  1  failing findings at or above --fail-on (also: errors with --fail-on-error, open manual
     items with --require-attestations)
  2  usage, input or configuration error (bad flag value, malformed snapshot, rule or
     configuration file), or an incomplete audit with --strict
  130  interrupted (Ctrl-C) while collecting: nothing is written

Examples:
  audit --profile prod
  audit --profile prod --format sarif -o audit.sarif --fail-on high
  audit scan --snapshot fixtures/example-account.json
  audit scan --snapshot prod.json --format sarif -o audit.sarif
  audit scan --snapshot prod.json --fail-on high --only rds-no-public-access,ec2-sg-no-public-ssh
  audit scan --snapshot prod.json --probe --save-snapshot prod-probed.json
  audit plan tfplan.json --format sarif -o plan.sarif --fail-on high
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
    /// Audit a Terraform plan (`terraform show -json tfplan`) with the same
    /// rules, before apply; findings point at the `.tf` lines.
    Plan(PlanCommandArgs),
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
    /// Every account of an AWS Organization: discover them, scan them
    /// through a role in each.
    #[cfg(feature = "aws")]
    #[command(subcommand)]
    Org(OrgCommand),
    /// Combine reports or snapshots (the shards of an organization scan,
    /// or single accounts) into one report.
    Merge(MergeArgs),
    /// Write a saved JSON report in another format (html, markdown, junit,
    /// sarif, table) without evaluating anything again.
    Render(RenderArgs),
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
    #[arg(long, value_name = "FILE", required_unless_present = "plan", conflicts_with = "plan")]
    pub snapshot: Option<PathBuf>,
    /// Audit a Terraform plan instead (JSON from `terraform show -json
    /// tfplan`); the same as `audit plan FILE`.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub plan_options: PlanOptions,
    #[command(flatten)]
    pub audit: AuditArgs,
}

const PLAN_AFTER_HELP: &str = "\
The plan is judged by the same rules, configuration, waivers and reports as a live account. Only the
kinds of resources the plan manages are judged: account-wide rules (CloudTrail, GuardDuty, the
password policy ...) apply only when the plan manages those resources. A value known only after apply
that a rule needs makes that finding `error` (\"known after apply\"), never `pass`.

In SARIF, each result points at the resource's block in the .tf files under --tf-dir (modules: their
own folder, from .terraform/modules/modules.json or a local `source`), so GitHub annotates the pull
request on that line.

Examples:
  terraform plan -out tfplan && terraform show -json tfplan > tfplan.json
  audit plan tfplan.json
  audit plan infra/tfplan.json --tf-dir infra --format sarif -o plan.sarif --fail-on high";

/// Flags of `audit plan`.
#[derive(Debug, Args)]
#[command(after_help = PLAN_AFTER_HELP)]
pub struct PlanCommandArgs {
    /// The plan as JSON: `terraform show -json tfplan > tfplan.json` (or
    /// `tofu show -json`). Plan format versions 0.x and 1.x.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    #[command(flatten)]
    pub plan_options: PlanOptions,
    #[command(flatten)]
    pub audit: AuditArgs,
}

/// How a Terraform plan is read.
#[derive(Debug, Args, Default)]
pub struct PlanOptions {
    /// With a plan: the folder of the root module's .tf files, to put
    /// findings on their lines. Default: the plan file's folder.
    #[arg(long, value_name = "DIR")]
    pub tf_dir: Option<PathBuf>,
    /// With a plan: the region of resources whose provider sets none as a
    /// constant. Default: the plan's aws_region data source, else us-east-1.
    #[arg(long = "plan-region", value_name = "REGION")]
    pub region: Option<String>,
    /// With a plan: the 12-digit account the plan deploys to, when it has no
    /// aws_caller_identity data source (rules on cross-account trust use it).
    #[arg(long, value_name = "ID", value_parser = account_id)]
    pub account_id: Option<String>,
}

fn account_id(value: &str) -> Result<String, String> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_string())
    } else {
        Err(format!("`{value}` is not a 12-digit AWS account id"))
    }
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
    #[command(flatten)]
    pub connect: ConnectArgs,
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
}

/// Credentials, regions, endpoint, concurrency and retries: how to reach
/// AWS, for one account or many.
#[cfg(feature = "aws")]
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The named profile of the shared AWS config. Example: --profile prod
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// A region to read (repeatable), or `all`; default: every enabled region.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Send every call to this endpoint (an emulator, a VPC endpoint).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
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
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// List the organization's ACTIVE accounts (name, email, OU path, tags)
    /// into an accounts file, from the management account or a delegated
    /// administrator.
    Discover(OrgDiscoverArgs),
    /// Collect and audit every account of an accounts file, assuming a role
    /// in each: one snapshot per account, one combined report.
    Scan(Box<OrgScanArgs>),
}

/// Flags of `audit org discover`.
#[cfg(feature = "aws")]
#[derive(Debug, Args)]
#[command(after_help = "\
The accounts file is plain JSON (format posture-audit/accounts v1, see the README): review it, drop
accounts, or give one account its own role_name or external_id before scanning.

Examples:
  audit org discover --profile management -o accounts.json
  audit org discover --profile management --ou ou-ab12-prod0001 -o prod-accounts.json")]
pub struct OrgDiscoverArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Keep only the accounts under this organizational unit, at any depth
    /// (repeatable). Example: --ou ou-ab12-34cd56ef
    #[arg(long = "ou", value_name = "OU_ID")]
    pub ous: Vec<String>,
    /// Write the accounts file to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Flags of `audit org scan`.
#[cfg(feature = "aws")]
#[derive(Debug, Args)]
#[command(after_help = "\
Each account ends ok, partial (collected with gaps), assume-role-failed, suspended (not ACTIVE in
the accounts file) or unreachable; the run goes on past failed accounts, and --strict makes any
account that is not ok exit 2. The default role, posture-audit, is the read-only role of
docs/org/posture-audit-role.yaml (SecurityAudit and ViewOnlyAccess); never use
OrganizationAccountAccessRole, an administrator role.

Examples:
  audit org scan --profile security --accounts accounts.json --format sarif -o org.sarif
  audit org scan --accounts accounts.json --role-name audit-ro --max-accounts 16 --snapshot-dir snaps
  audit org scan --accounts accounts.json --shard-from-env --format json -o shard.json
  audit merge shard-*.json -o org.json")]
pub struct OrgScanArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The accounts to scan (written by `audit org discover`, or by hand).
    #[arg(long, value_name = "FILE")]
    pub accounts: PathBuf,
    /// The role to assume in each account (an account's own `role_name`
    /// wins): arn:<partition>:iam::<account>:role/<NAME>.
    #[arg(long, value_name = "NAME", default_value = "posture-audit")]
    pub role_name: String,
    /// The external id the roles' trust policies require (an account's own
    /// `external_id` wins).
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// The session name, visible in each role's CloudTrail events.
    #[arg(long, value_name = "NAME", default_value = "posture-audit")]
    pub role_session_name: String,
    /// Accounts collected at the same time (each with --max-concurrency tasks).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub max_accounts: u16,
    /// Write each account's snapshot to DIR/<account id>.json.
    #[arg(long, value_name = "DIR", default_value = "snapshots")]
    pub snapshot_dir: PathBuf,
    /// Scan only part i of n of the accounts (sorted by id, split into n
    /// contiguous parts; i from 0). Example: --shard 0/4
    #[arg(long, value_name = "I/N", conflicts_with = "shard_from_env")]
    pub shard: Option<crate::snapshot::accounts::Shard>,
    /// Take the shard from the environment: AUDIT_SHARD_INDEX and
    /// AUDIT_SHARD_COUNT, or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX
    /// with JOB_COMPLETIONS, or an AWS Batch array job's
    /// AWS_BATCH_JOB_ARRAY_INDEX with AWS_BATCH_JOB_ARRAY_SIZE.
    #[arg(long)]
    pub shard_from_env: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// How a report over several accounts is evaluated, written and gated.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The configuration file; default: audit.toml in the working folder, if any.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// Flags of `audit merge`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each input is a JSON report (an organization scan's or one account's) or a snapshot (evaluated
now). An account may appear in one input only. The result is one report over every account, in
any format.

Examples:
  audit merge shard-0.json shard-1.json -o org.json
  audit merge shard-*.json --format sarif -o org.sarif --fail-on high")]
pub struct MergeArgs {
    /// The reports or snapshots to combine.
    #[arg(value_name = "REPORT_OR_SNAPSHOT", required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Flags of `audit render`.
#[derive(Debug, Args)]
#[command(after_help = "\
The report is read as saved (--format json), findings, waivers and statuses included; nothing is
evaluated again. --fail-on sets the gate of the exit code and of the HTML verdict line.

Examples:
  audit render report.json --format html -o report.html
  audit render org.json --format sarif -o org.sarif
  audit render report.json --format markdown >> \"$GITHUB_STEP_SUMMARY\"")]
pub struct RenderArgs {
    /// The JSON report to render.
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    #[command(flatten)]
    pub args: ReportArgs,
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
    /// With --fail-on-new: the least severity that counts; default:
    /// `[defaults] fail_on` of the configuration, else low.
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
    let frameworks = crate::report::compliance::frameworks().map_err(|e| e.to_string())?;
    let ids: Vec<String> = frameworks.into_iter().map(|f| f.id).collect();
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

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// Parses a `--fail-on` value.
fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    s.parse()
}
