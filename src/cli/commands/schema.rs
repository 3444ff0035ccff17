//! `audit schema snapshot|report`: the JSON Schemas of the formats.

use crate::cli::args::SchemaKind;
use std::io::Write;
use std::process::ExitCode;

pub fn print(which: SchemaKind) -> anyhow::Result<ExitCode> {
    let schema = match which {
        SchemaKind::Snapshot => crate::snapshot::json_schema(),
        SchemaKind::Report => crate::report::json::json_schema(),
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &schema)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}
