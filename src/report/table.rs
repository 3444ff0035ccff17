//! The terminal table: failing findings grouped by severity (worst first)
//! with their evidence, then errors, then one summary line. Colour only when
//! the caller says so (a TTY without `NO_COLOR`).

use super::{Context, Emitter};
use crate::engine::{Finding, Report, Status};
use crate::rules::Severity;
use comfy_table::{Cell, Color, Table};
use std::io::Write;

pub struct TableEmitter;

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Info => Color::Grey,
    }
}

fn region_of(f: &Finding) -> &str {
    super::style::region_cell(&f.resource.region)
}

fn new_table(header: &[&str]) -> Table {
    super::style::table(header)
}

impl Emitter for TableEmitter {
    fn emit(&self, report: &Report, context: &Context, out: &mut dyn Write) -> Result<(), super::Error> {
        failing(report, context, out)?;
        undecided(report, out)?;
        manual(report, out)?;
        waived(report, out)?;
        let accounts = super::account_lines(report);
        if !accounts.is_empty() {
            writeln!(out, "\nAccounts ({}):", super::account_counts(report))?;
            for line in accounts {
                writeln!(out, "  {line}")?;
            }
        }
        writeln!(out, "\n{}", summary_line(report))?;
        Ok(())
    }

    fn emit_compliance(
        &self,
        view: &super::compliance::ComplianceView,
        out: &mut dyn Write,
    ) -> Result<(), super::Error> {
        out.write_all(super::compliance::table(view).as_bytes())?;
        Ok(())
    }
}

/// The failing findings, most severe first.
fn failing(report: &Report, context: &Context, out: &mut dyn Write) -> std::io::Result<()> {
    let mut failing: Vec<&Finding> = report.with_status(Status::Fail).collect();
    if failing.is_empty() {
        return Ok(());
    }
    let mut table = new_table(&["Severity", "Rule", "Resource", "Region", "Evidence"]);
    failing.sort_by_key(|f| f.severity);
    for f in failing {
        let mut severity = Cell::new(f.severity.as_str());
        if context.color {
            severity = severity.fg(severity_color(f.severity));
        }
        let resource = format!("{}\n{}", super::resource_label(f), f.resource.kind);
        table.add_row(vec![
            severity,
            Cell::new(&f.rule_id),
            Cell::new(resource),
            Cell::new(region_of(f)),
            Cell::new(f.evidence.join("\n")),
        ]);
    }
    writeln!(out, "{table}")
}

/// The findings that could not be decided, with why.
fn undecided(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let errors: Vec<&Finding> = report.with_status(Status::Error).collect();
    if errors.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nCould not decide ({} findings): the data was incomplete or the rule failed",
        errors.len()
    )?;
    let mut table = new_table(&["Rule", "Resource", "Region", "Why"]);
    for f in errors {
        table.add_row(vec![
            Cell::new(&f.rule_id),
            Cell::new(super::resource_label(f)),
            Cell::new(region_of(f)),
            Cell::new(&f.message),
        ]);
    }
    writeln!(out, "{table}")
}

/// The open manual checklist items.
fn manual(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let manual: Vec<&Finding> = report.with_status(Status::Manual).collect();
    if manual.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nOpen checklist items ({}): attest them in audit.toml once done",
        manual.len()
    )?;
    let mut table = new_table(&["Rule", "Item"]);
    for f in manual {
        table.add_row(vec![Cell::new(&f.rule_id), Cell::new(&f.message)]);
    }
    writeln!(out, "{table}")
}

/// The waived findings with their waivers.
fn waived(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let waived: Vec<&Finding> = report.with_status(Status::Waived).collect();
    if waived.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nWaived ({} findings): failing, and accepted until the date shown",
        waived.len()
    )?;
    let mut table = new_table(&["Rule", "Resource", "Until", "Owner", "Reason"]);
    for f in waived {
        if let Some(w) = &f.waiver {
            table.add_row(vec![
                Cell::new(&f.rule_id),
                Cell::new(super::resource_label(f)),
                Cell::new(w.expires),
                Cell::new(&w.owner),
                Cell::new(&w.reason),
            ]);
        }
    }
    writeln!(out, "{table}")
}

/// The counts, in one line.
fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|sev| s.failed_by_severity.get(sev).map(|n| format!("{n} {sev}")))
        .collect();
    let detail = if by_severity.is_empty() {
        String::new()
    } else {
        format!(" ({})", by_severity.join(", "))
    };
    let account = if !report.accounts.is_empty() {
        format!(
            " in {} accounts ({})",
            report.accounts.len(),
            super::account_counts(report)
        )
    } else if report.target.account.id.is_empty() {
        String::new()
    } else {
        format!(" in account {}", report.target.account.id)
    };
    let gaps = if report.gaps.is_empty() {
        String::new()
    } else {
        format!("; {} collection gaps", report.gaps.len())
    };
    // A partial snapshot (a plan) says what it covers, so that a short
    // list of findings is not read as a clean account.
    let covered = match &report.target.covered_kinds {
        Some(kinds) => format!(
            "; covers {} resource kinds ({}), {} rules not evaluated",
            kinds.len(),
            kinds.join(", "),
            s.rules_not_covered
        ),
        None => String::new(),
    };
    format!(
        "{} failed{detail}, {} passed, {} errors, {} skipped, {} waived, {} manual open — {} rules over {} resources{account}{gaps}{covered}",
        s.failed, s.passed, s.errors, s.skipped, s.waived, s.manual, s.rules_evaluated, s.resources,
    )
}
