//! Output formats. Each format is one module behind [`Emitter`]; all of them
//! read the same [`Report`](crate::engine::Report) and write to any `Write`,
//! so tests capture output without spawning a process.

pub mod compliance;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod table;

use crate::engine::Report;
use crate::rules::RuleSet;
use std::io::Write;

/// Everything an emitter may need besides the report.
pub struct Context<'a> {
    pub rules: &'a RuleSet,
    /// Colour the output (table only; decided by the caller from TTY and `NO_COLOR`).
    pub color: bool,
    /// SARIF `runAutomationDetails.id` category (`--sarif-category`).
    pub sarif_category: Option<String>,
    /// Warnings an emitter has for the user (results left out to fit
    /// limits); the caller prints them.
    pub warnings: std::sync::Mutex<Vec<String>>,
}

/// Writes a report in one format.
pub trait Emitter {
    fn emit(&self, report: &Report, context: &Context, out: &mut dyn Write) -> anyhow::Result<()>;
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
}

impl Format {
    pub fn emitter(self) -> Box<dyn Emitter> {
        match self {
            Format::Table => Box::new(table::TableEmitter),
            Format::Json => Box::new(json::JsonEmitter),
            Format::Sarif => Box::new(sarif::SarifEmitter),
            Format::Markdown => Box::new(markdown::MarkdownEmitter),
            Format::Junit => Box::new(junit::JunitEmitter),
        }
    }
}
