//! The JSON report.
//!
//! ## Wire format
//! One object: `format` (`posture-audit/report`), `version` (1),
//! `tool_version`, `target` (account, collected_at, regions, snapshot_path),
//! `summary` (passed, failed, errors, skipped, waived, manual,
//! failed_by_severity, rules_evaluated, rules_not_covered, resources),
//! `findings` (every finding, passes included, sorted by rule id, region,
//! kind and resource id), `gaps`, `notices` (expired and unused waivers), and
//! `rules` (the rules evaluated with their documentation). The JSON Schema is
//! `docs/report.schema.json`, generated from the types. Fields are only ever
//! added within a version.
//!
//! With `--compliance`, the object is the compliance view instead
//! (`posture-audit/compliance`).

use super::{Context, Emitter};
use crate::engine::Report;
use std::io::Write;

pub struct JsonEmitter;

impl Emitter for JsonEmitter {
    fn emit(&self, report: &Report, _: &Context, out: &mut dyn Write) -> Result<(), super::Error> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)?;
        Ok(())
    }

    fn emit_compliance(
        &self,
        view: &super::compliance::ComplianceView,
        out: &mut dyn Write,
    ) -> Result<(), super::Error> {
        serde_json::to_writer_pretty(&mut *out, view)?;
        writeln!(out)?;
        Ok(())
    }
}

/// The JSON Schema of the report, as shipped in `docs/report.schema.json`.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Report)).unwrap_or_default()
}
