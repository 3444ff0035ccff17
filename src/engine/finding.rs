//! The report model that every output format reads: findings, their status,
//! the summary, and the rules that were evaluated.

use crate::rules::{Compliance, Severity};
pub use crate::snapshot::ResourceRef;
use crate::snapshot::{Account, Gap};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The value of the `format` field of a JSON report.
pub const REPORT_FORMAT: &str = "posture-audit/report";
/// The JSON report version.
pub const REPORT_VERSION: i64 = 1;

/// The outcome of one rule on one resource (or scope).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The resource complies.
    Pass,
    /// The resource does not comply.
    Fail,
    /// The data needed was not collected (a gap) or the rule failed to run;
    /// the resource may or may not comply.
    Error,
    /// Nothing was in scope for the rule.
    Skip,
    /// It fails, and an unexpired waiver accepts that (see `waiver`).
    Waived,
    /// A manual checklist item with no valid attestation: an open item.
    Manual,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skip => "skip",
            Status::Waived => "waived",
            Status::Manual => "manual",
        }
    }
}

/// One rule's outcome on one resource.
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule_id: Arc<str>,
    pub status: Status,
    pub severity: Severity,
    /// Shared by every finding about the same resource.
    pub resource: Arc<ResourceRef>,
    /// One sentence naming the resource and what is wrong (or why it errored).
    pub message: String,
    /// What exactly is wrong: ports and CIDRs, variable names (secrets masked).
    pub evidence: Vec<String>,
    /// Framework controls, e.g. `fsbp = ["EC2.13"]`.
    pub compliance: Compliance,
    /// For a waived finding, the waiver that accepts it; otherwise null.
    pub waiver: Option<AppliedWaiver>,
    /// In a report over several accounts, the account the finding is in;
    /// absent in a single-account report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Arc<FindingAccount>>,
}

/// The account of a finding in a report over several accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct FindingAccount {
    pub id: String,
    pub name: String,
    /// The organizational units from the root, e.g. `/workloads/prod`.
    pub ou_path: String,
}

impl FindingAccount {
    /// `name (id)`, or the id alone.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.id.clone()
        } else {
            format!("{} ({})", self.name, self.id)
        }
    }
}

/// How the scan of one account of an organization ended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AccountOutcome {
    /// Collected without a gap.
    Ok,
    /// Collected, with gaps: the rules reading the missing data are `error`.
    Partial,
    /// Its role could not be assumed: nothing was read.
    AssumeRoleFailed,
    /// Not ACTIVE in the organization (suspended, closing): not scanned.
    Suspended,
    /// AWS could not be reached for it (network, timeouts): nothing was read.
    Unreachable,
}

impl AccountOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountOutcome::Ok => "ok",
            AccountOutcome::Partial => "partial",
            AccountOutcome::AssumeRoleFailed => "assume-role-failed",
            AccountOutcome::Suspended => "suspended",
            AccountOutcome::Unreachable => "unreachable",
        }
    }

    /// Whether the account was read at all (its findings are known).
    pub fn was_read(self) -> bool {
        matches!(self, AccountOutcome::Ok | AccountOutcome::Partial)
    }
}

/// One account of a report over several accounts.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct AccountStatus {
    pub id: String,
    pub name: String,
    pub ou_path: String,
    pub status: AccountOutcome,
    /// What went wrong, for an account not `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Collection gaps in its snapshot.
    pub gaps: usize,
    /// Resources in its snapshot.
    pub resources: usize,
    /// Its snapshot file, when one was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
}

/// The waiver a waived finding carries.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct AppliedWaiver {
    pub reason: String,
    pub owner: String,
    /// The last day the waiver counts.
    pub expires: chrono::NaiveDate,
}

/// Something the user should know about the audit itself (a waiver that
/// expired or matched nothing).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Notice {
    pub kind: NoticeKind,
    pub message: String,
}

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// A waiver past its expiry date: it no longer waives.
    ExpiredWaiver,
    /// A waiver that matched no failing finding.
    UnusedWaiver,
}

/// Counts by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
    pub waived: usize,
    /// Open manual checklist items.
    pub manual: usize,
    /// Failing findings by severity.
    pub failed_by_severity: BTreeMap<Severity, usize>,
    pub rules_evaluated: usize,
    /// Rules not evaluated because the snapshot does not cover the kinds they
    /// need (a partial snapshot, see `collected`).
    pub rules_not_covered: usize,
    pub resources: usize,
}

impl Summary {
    /// The counts by status of `findings` (the rest left at zero).
    pub fn of(findings: &[Finding]) -> Summary {
        let mut summary = Summary::default();
        for f in findings {
            match f.status {
                Status::Pass => summary.passed += 1,
                Status::Fail => {
                    summary.failed += 1;
                    *summary.failed_by_severity.entry(f.severity).or_default() += 1;
                }
                Status::Error => summary.errors += 1,
                Status::Skip => summary.skipped += 1,
                Status::Waived => summary.waived += 1,
                Status::Manual => summary.manual += 1,
            }
        }
        summary
    }
}

/// A rule as described in reports.
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// The checklist area.
    pub area: crate::rules::Area,
    pub kinds: Vec<String>,
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub source: Vec<String>,
    pub compliance: BTreeMap<String, Vec<String>>,
}

/// What was audited.
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Target {
    pub account: Account,
    pub collected_at: DateTime<Utc>,
    pub regions: Vec<String>,
    /// The snapshot file audited, when there was one.
    pub snapshot_path: Option<String>,
    /// The kinds the audited snapshot covers, when it covers only some (a
    /// Terraform plan, probed endpoints); absent means every kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered_kinds: Option<Vec<String>>,
}

/// The result of an audit.
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Report {
    /// Always `posture-audit/report`.
    pub format: String,
    /// Report schema version.
    pub version: i64,
    pub tool_version: String,
    pub target: Target,
    pub summary: Summary,
    /// Every finding, sorted by rule id, then region, kind and resource id.
    pub findings: Vec<Finding>,
    /// Data that could not be collected.
    pub gaps: Vec<Gap>,
    /// Notices about the audit itself: expired and unused waivers.
    pub notices: Vec<Notice>,
    /// The rules evaluated, sorted by id.
    pub rules: Vec<RuleInfo>,
    /// In a report over several accounts, how each account's scan ended,
    /// sorted by id; absent in a single-account report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountStatus>,
}

/// The gate's threshold (`--fail-on`, `[defaults] fail_on`): failing
/// findings at least this severe fail the audit. Info findings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    /// `none`: findings never fail the gate.
    Never,
}

impl Default for FailOn {
    fn default() -> Self {
        FailOn::Severity(Severity::Low)
    }
}

impl FailOn {
    /// Whether a failing finding of `severity` fails the gate.
    pub fn counts(self, severity: Severity) -> bool {
        match self {
            FailOn::Severity(threshold) => severity != Severity::Info && severity.at_least(threshold),
            FailOn::Never => false,
        }
    }
}

impl std::str::FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
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
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::ExpiredWaiver => "expired-waiver",
            NoticeKind::UnusedWaiver => "unused-waiver",
        }
    }
}

impl Report {
    /// The findings with `status`.
    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.status == status)
    }

    /// Whether any failing finding is at least as severe as `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.fails(FailOn::Severity(threshold))
    }

    /// Whether any failing finding fails the gate at `fail_on`.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.with_status(Status::Fail).any(|f| fail_on.counts(f.severity))
    }
}
