//! The pre-launch checklist in Markdown, for `$GITHUB_STEP_SUMMARY` or a
//! pull-request comment.
//!
//! Counts on top, then one table per area (network, data, secrets, ...), one
//! line per rule: ❌ failing, ⚠️ undecided (data missing), 🕓 waived (with
//! the expiry), 📝 manual item still open, ✅ passing, ➖ nothing in scope. A
//! rule shows the worst of its findings, and names its failing resources (the
//! first few, then how many more).

use super::{Context, Emitter};
use crate::engine::{Finding, Report, RuleInfo, Status};
use crate::rules::spec::Area;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

pub struct MarkdownEmitter;

/// Resources named per line before "and N more".
const SHOWN: usize = 5;

fn icon(status: Status) -> &'static str {
    match status {
        Status::Fail => "❌",
        Status::Error => "⚠️",
        Status::Waived => "🕓",
        Status::Manual => "📝",
        Status::Pass => "✅",
        Status::Skip => "➖",
    }
}

/// Statuses from worst to best.
const RANK: [Status; 6] = [
    Status::Fail,
    Status::Error,
    Status::Manual,
    Status::Waived,
    Status::Pass,
    Status::Skip,
];

/// The status that represents a rule: the worst of its findings.
fn worst(findings: &[&Finding]) -> Status {
    RANK.into_iter()
        .find(|status| findings.iter().any(|f| f.status == *status))
        .unwrap_or(Status::Skip)
}

/// Text for a table cell: no line breaks, no column separators.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn details(status: Status, findings: &[&Finding]) -> String {
    let of_status: Vec<&&Finding> = findings.iter().filter(|f| f.status == status).collect();
    let describe = |f: &Finding| {
        let place = if f.resource.region.is_empty() || f.resource.region == "global" {
            String::new()
        } else {
            format!(" ({})", f.resource.region)
        };
        let evidence = if f.evidence.is_empty() {
            String::new()
        } else {
            format!(": {}", f.evidence.join("; "))
        };
        match (status, &f.waiver) {
            (Status::Waived, Some(w)) => format!("`{}` until {}: {}", super::resource_label(f), w.expires, w.reason),
            (Status::Error, _) | (Status::Manual, _) => f.message.clone(),
            _ => format!("`{}`{place}{evidence}", super::resource_label(f)),
        }
    };
    match status {
        Status::Pass => format!("{} checked", findings.len()),
        Status::Skip => "nothing in scope".into(),
        _ => {
            let mut text: Vec<String> = of_status.iter().take(SHOWN).map(|f| describe(f)).collect();
            if of_status.len() > SHOWN {
                text.push(format!("and {} more", of_status.len() - SHOWN));
            }
            cell(&text.join("<br>"))
        }
    }
}

impl Emitter for MarkdownEmitter {
    fn emit(&self, report: &Report, _: &Context, out: &mut dyn Write) -> Result<(), super::Error> {
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &report.findings {
            by_rule.entry(&f.rule_id).or_default().push(f);
        }
        let rules: BTreeMap<&str, &RuleInfo> = report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
        for id in rules.keys() {
            let findings = by_rule.get(id).map_or(&[][..], Vec::as_slice);
            *counts.entry(worst(findings)).or_default() += 1;
        }
        let count = |s: Status| counts.get(&s).copied().unwrap_or(0);
        let t = &report.target;
        let mut md = String::new();
        let account = if !report.accounts.is_empty() {
            format!(" — {} accounts", report.accounts.len())
        } else if t.account.id.is_empty() {
            String::new()
        } else {
            match &t.account.alias {
                Some(alias) => format!(" — account {} ({alias})", t.account.id),
                None => format!(" — account {}", t.account.id),
            }
        };
        writeln!(md, "## Pre-launch checklist{account}\n")?;
        writeln!(
            md,
            "**{} ❌ failing · {} ⚠️ undecided · {} 📝 open manual · {} 🕓 waived · {} ✅ passing · {} ➖ not applicable** — {} checks, snapshot of {}\n",
            count(Status::Fail),
            count(Status::Error),
            count(Status::Manual),
            count(Status::Waived),
            count(Status::Pass),
            count(Status::Skip),
            rules.len(),
            t.collected_at.format("%Y-%m-%d %H:%M UTC"),
        )?;
        if let Some(kinds) = &t.covered_kinds {
            writeln!(
                md,
                "Covers only these resource kinds: {}. {} rules need others and were not evaluated.\n",
                kinds.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
                report.summary.rules_not_covered
            )?;
        }
        if !report.accounts.is_empty() {
            writeln!(md, "### Accounts ({})\n", super::account_counts(report))?;
            writeln!(md, "| Account | OU | Status | Resources | Gaps | Note |")?;
            writeln!(md, "|---|---|---|---|---|---|")?;
            for a in &report.accounts {
                let name = if a.name.is_empty() {
                    a.id.clone()
                } else {
                    format!("{} ({})", a.name, a.id)
                };
                writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} |",
                    cell(&name),
                    cell(&a.ou_path),
                    a.status.as_str(),
                    a.resources,
                    a.gaps,
                    cell(a.message.as_deref().unwrap_or(""))
                )?;
            }
            writeln!(md)?;
        }
        for area in Area::ALL {
            let in_area: Vec<&&RuleInfo> = rules.values().filter(|r| r.area == area).collect();
            if in_area.is_empty() {
                continue;
            }
            writeln!(md, "### {}\n", area.title())?;
            writeln!(md, "| | Check | Severity | Details |")?;
            writeln!(md, "|---|---|---|---|")?;
            let mut lines: Vec<(Status, String)> = in_area
                .iter()
                .map(|rule| {
                    let findings = by_rule.get(rule.id.as_str()).map_or(&[][..], Vec::as_slice);
                    let status = worst(findings);
                    let line = format!(
                        "| {} | {} (`{}`) | {} | {} |",
                        icon(status),
                        cell(&rule.title),
                        rule.id,
                        rule.severity,
                        details(status, findings)
                    );
                    (status, line)
                })
                .collect();
            // Worst first; a stable sort keeps rule id order within a status.
            lines.sort_by_key(|(status, _)| RANK.iter().position(|s| s == status));
            for (_, line) in lines {
                writeln!(md, "{line}")?;
            }
            writeln!(md)?;
        }
        if !report.gaps.is_empty() {
            writeln!(md, "### Collection gaps\n")?;
            for g in &report.gaps {
                writeln!(md, "- {} `{}` in {}: {}", g.service, g.operation, g.region, g.code)?;
            }
            writeln!(md)?;
        }
        for notice in &report.notices {
            writeln!(md, "> **Note:** {}\n", cell(&notice.message))?;
        }
        out.write_all(md.as_bytes())?;
        Ok(())
    }

    fn emit_compliance(
        &self,
        view: &super::compliance::ComplianceView,
        out: &mut dyn Write,
    ) -> Result<(), super::Error> {
        out.write_all(super::compliance::markdown(view).as_bytes())?;
        Ok(())
    }
}
