//! Rendering a compliance view (see `crate::compliance`): a table, JSON or a
//! Markdown section, one line per control.

use crate::compliance::{ComplianceView, ControlStatus};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use std::fmt::Write as _;

fn label(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Fail => "❌ fail",
        ControlStatus::Error => "⚠️ undecided",
        ControlStatus::Open => "📝 open",
        ControlStatus::Waived => "🕓 waived",
        ControlStatus::Pass => "✅ pass",
        ControlStatus::NotApplicable => "➖ not applicable",
        ControlStatus::Manual => "manual",
        ControlStatus::NotCovered => "not covered",
    }
}

fn summary(view: &ComplianceView) -> String {
    let parts: Vec<String> = view.summary.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let scope = if view.complete {
        ""
    } else {
        " (this list covers part of the framework)"
    };
    format!(
        "{}: {} controls{scope}: {}",
        view.title,
        view.controls.len(),
        parts.join(", ")
    )
}

/// A terminal table.
pub fn table(view: &ComplianceView) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(140);
    t.set_header(vec!["Control", "Status", "Title", "Rules", "Failing"]);
    for c in &view.controls {
        t.add_row(vec![
            c.id.clone(),
            label(c.status).to_string(),
            c.title.clone(),
            c.rules.join("\n"),
            c.failing.join("\n"),
        ]);
    }
    format!("{t}\n\n{}\n", summary(view))
}

/// A Markdown section.
pub fn markdown(view: &ComplianceView) -> String {
    let mut md = format!(
        "## {}\n\n{}\n\n| Control | Status | Title | Failing |\n|---|---|---|---|\n",
        view.title,
        summary(view)
    );
    for c in &view.controls {
        let failing = c.failing.join("<br>").replace('|', "\\|");
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            c.id,
            label(c.status),
            c.title.replace('|', "\\|"),
            failing
        );
    }
    md
}
