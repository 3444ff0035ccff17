//! Output formats. Each format is one module behind [`Emitter`]; all of them
//! read the same [`Report`](crate::engine::Report) (and, where the format
//! has one, the [`compliance`] view of it) and write to any `Write`, so
//! tests capture output without spawning a process.

pub mod compliance;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod style;
pub mod table;

use crate::engine::Report;
use compliance::ComplianceView;
use std::io::Write;

/// Everything an emitter may need besides the report.
#[derive(Debug, Default)]
pub struct Context {
    /// Colour the output (table only; decided by the caller from TTY and `NO_COLOR`).
    pub color: bool,
    /// SARIF `runAutomationDetails.id` category (`--sarif-category`).
    pub sarif_category: Option<String>,
    /// Warnings an emitter has for the user (results left out to fit
    /// limits); the caller prints them.
    pub warnings: std::sync::Mutex<Vec<String>>,
    /// The gate's threshold, for the HTML report's verdict line.
    pub fail_on: crate::engine::FailOn,
    /// The configuration file used, when there was one (HTML header).
    pub config_path: Option<String>,
    /// Every framework's view of the report (HTML only; empty otherwise).
    pub compliance: Vec<ComplianceView>,
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Fmt(#[from] std::fmt::Error),
    /// The format has no rendering of this (a compliance view in SARIF).
    #[error("{0}")]
    Unsupported(String),
}

/// Writes a report in one format.
pub trait Emitter {
    fn emit(&self, report: &Report, context: &Context, out: &mut dyn Write) -> Result<(), Error>;

    /// Writes a report grouped by the controls of a framework.
    fn emit_compliance(&self, _view: &ComplianceView, _out: &mut dyn Write) -> Result<(), Error> {
        Err(Error::Unsupported(
            "--compliance works with --format table, json or markdown".into(),
        ))
    }
}

/// The output formats. (The clap derive keeps the list of formats, their
/// names and their help in one place: adding a format is this enum and the
/// format's module.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Failing findings grouped by severity, then a summary line.
    Table,
    /// The whole report as one JSON document (schema: docs/report.schema.json).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// The pre-launch checklist in Markdown (for $GITHUB_STEP_SUMMARY or a PR comment).
    Markdown,
    /// JUnit XML: one test suite per rule, one test case per resource.
    Junit,
    /// One self-contained HTML page (nothing fetched): charts, filters,
    /// every finding with its evidence and remediation.
    Html,
}

impl Format {
    pub fn emitter(self) -> Box<dyn Emitter> {
        match self {
            Format::Table => Box::new(table::TableEmitter),
            Format::Json => Box::new(json::JsonEmitter),
            Format::Sarif => Box::new(sarif::SarifEmitter),
            Format::Markdown => Box::new(markdown::MarkdownEmitter),
            Format::Junit => Box::new(junit::JunitEmitter),
            Format::Html => Box::new(html::HtmlEmitter),
        }
    }

    /// The format's name, as `--format` takes it.
    pub fn name(self) -> String {
        clap::ValueEnum::to_possible_value(&self).map_or_else(String::new, |v| v.get_name().to_string())
    }

    /// Every format's name, for messages.
    pub fn names() -> Vec<String> {
        <Format as clap::ValueEnum>::value_variants()
            .iter()
            .map(|f| f.name())
            .collect()
    }
}

/// A finding's resource as reports name it: `name (id)`, preceded in a
/// report over several accounts by the account (`shop-prod (111122223333) · …`).
pub fn resource_label(f: &crate::engine::Finding) -> String {
    match &f.account {
        Some(account) => format!("{} · {}", account.label(), f.resource.display()),
        None => f.resource.display(),
    }
}

/// One line per account of a report over several accounts: how its scan
/// ended; empty for a single-account report.
pub fn account_lines(report: &crate::engine::Report) -> Vec<String> {
    report
        .accounts
        .iter()
        .map(|a| {
            let name = if a.name.is_empty() {
                a.id.clone()
            } else {
                format!("{} ({})", a.name, a.id)
            };
            let ou = if a.ou_path.is_empty() {
                String::new()
            } else {
                format!(" {}", a.ou_path)
            };
            let message = a.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
            format!("{name}{ou}: {}{message}", a.status.as_str())
        })
        .collect()
}

/// `3 ok, 1 partial, 1 assume-role-failed`: the accounts by status.
pub fn account_counts(report: &crate::engine::Report) -> String {
    let mut counts: std::collections::BTreeMap<crate::engine::finding::AccountOutcome, usize> =
        std::collections::BTreeMap::new();
    for a in &report.accounts {
        *counts.entry(a.status).or_default() += 1;
    }
    counts
        .iter()
        .map(|(status, n)| format!("{n} {}", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}
