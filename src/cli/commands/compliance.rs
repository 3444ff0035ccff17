//! `audit compliance list`: the frameworks, and how much of each the rules
//! automate.

use crate::cli::pipeline::load_rules;
use std::process::ExitCode;

pub fn list() -> anyhow::Result<ExitCode> {
    let rules = load_rules(&[])?;
    let mut table =
        crate::report::style::plain(&["Framework", "Title", "Controls", "Automated", "Manual", "Not covered"]);
    for f in crate::report::compliance::frameworks()? {
        let coverage = crate::report::compliance::coverage(&f, &rules);
        let automated = f.controls.iter().filter(|c| coverage.contains_key(&c.id)).count();
        let manual = f
            .controls
            .iter()
            .filter(|c| c.manual && !coverage.contains_key(&c.id))
            .count();
        let scope = if f.complete {
            String::new()
        } else {
            " (partial list)".to_string()
        };
        table.add_row(vec![
            f.id.clone(),
            format!("{}{scope}", f.title),
            f.controls.len().to_string(),
            automated.to_string(),
            manual.to_string(),
            (f.controls.len() - automated - manual).to_string(),
        ]);
    }
    println!("{table}");
    Ok(ExitCode::SUCCESS)
}
