//! The rule file format (`rules/<service>/<rule-id>.toml`), as parsed from
//! TOML before validation. Spans are kept where an error must point into the
//! file (the CEL expressions).

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Severity of a rule, from most to least severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Whether `self` is at least as severe as `threshold`.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }

    /// GitHub code scanning's `security-severity` score.
    pub fn score(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str() == s.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown severity `{s}`; use one of critical, high, medium, low, info"))
    }
}

/// The area of the pre-launch checklist a rule belongs to.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Network,
    Data,
    Secrets,
    Identity,
    Monitoring,
    Edge,
    Containers,
    Manual,
    #[default]
    Other,
}

impl Area {
    /// Checklist order.
    pub const ALL: [Area; 9] = [
        Area::Network,
        Area::Data,
        Area::Secrets,
        Area::Identity,
        Area::Monitoring,
        Area::Edge,
        Area::Containers,
        Area::Manual,
        Area::Other,
    ];

    /// The heading in the checklist.
    pub fn title(self) -> &'static str {
        match self {
            Area::Network => "Network",
            Area::Data => "Data",
            Area::Secrets => "Secrets",
            Area::Identity => "Identity",
            Area::Monitoring => "Logging and monitoring",
            Area::Edge => "Edge and TLS",
            Area::Containers => "Containers",
            Area::Manual => "Manual checks",
            Area::Other => "Other",
        }
    }
}

/// One kind or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A rule file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub id: Spanned<String>,
    pub title: String,
    pub severity: Severity,
    /// The checklist area: network, data, secrets, identity, monitoring,
    /// edge, containers, manual; `other` when absent.
    #[serde(default)]
    pub area: Area,
    /// The resource kind(s) the rule iterates over.
    pub resource: Spanned<OneOrMany>,
    /// Further kinds whose gaps make this rule's result incomplete (required
    /// for the synthetic kinds `account` and `region`).
    #[serde(default)]
    pub needs: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub source: Vec<String>,
    pub rationale: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub compliance: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub params: toml::Table,
    /// A manual checklist item: failing means "open", reported as `manual`,
    /// and fails the gate only with `--require-attestations`.
    #[serde(default)]
    pub manual: bool,
    pub check: Check,
    #[serde(default, rename = "test")]
    pub tests: Vec<TestCase>,
}

/// The logic of a rule, in CEL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The rule applies only to resources for which this is true.
    pub when: Option<Spanned<String>>,
    /// When it yields a string, the rule cannot decide for this resource and
    /// reports `error` with that reason (e.g. the endpoint could not be
    /// reached); `null` means the data is there.
    pub error: Option<Spanned<String>>,
    /// True for a compliant resource.
    pub assert: Spanned<String>,
    /// What exactly is wrong: a string or a list of strings.
    pub evidence: Option<Spanned<String>>,
}

/// An inline example, run by `audit rules test` and the test suite.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub name: String,
    /// `pass`, `fail`, `skip` or `error`.
    pub expect: Expect,
    /// The resource kind, when the rule iterates over several.
    pub kind: Option<String>,
    /// The resource under test (partial: absent fields take their defaults).
    /// Absent for the synthetic kinds `account` and `region`.
    pub resource: Option<toml::Table>,
    /// Other resources by kind, for the joins the rule reads.
    #[serde(default)]
    pub related: BTreeMap<String, Vec<toml::Table>>,
    /// Parameter overrides.
    #[serde(default)]
    pub params: toml::Table,
    /// Gaps in the example snapshot.
    #[serde(default)]
    pub gaps: Vec<toml::Table>,
    /// When collection happened (ages are computed from it); RFC 3339.
    pub collected_at: Option<String>,
    /// The evidence the failure must report, exactly.
    pub evidence: Option<Vec<String>>,
}

/// The expected outcome of a test case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Pass,
    Fail,
    Skip,
    Error,
}
