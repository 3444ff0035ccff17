//! `audit rules list|show|test|kinds`.

use crate::cli::args::RulesCommand;
use crate::cli::pipeline::load_rules as load;
use crate::engine::rule_tests as testing;
use crate::rules::Rule;
use anyhow::bail;
use comfy_table::ContentArrangement;
use std::io::Write;
use std::process::ExitCode;

pub fn run(command: &RulesCommand) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match command {
        RulesCommand::List { rules, json } => {
            let set = load(rules)?;
            if *json {
                let infos: Vec<_> = set.rules.iter().map(crate::engine::rule_info).collect();
                serde_json::to_writer_pretty(&mut out, &infos)?;
                writeln!(out)?;
            } else {
                let mut table = crate::report::style::plain(&["Rule", "Severity", "Resource", "Title"]);
                table.set_content_arrangement(ContentArrangement::Dynamic);
                for r in &set.rules {
                    table.add_row(vec![
                        r.id.clone(),
                        r.severity.to_string(),
                        r.kinds.join(", "),
                        r.title.clone(),
                    ]);
                }
                writeln!(out, "{table}\n{} rules", set.rules.len())?;
            }
        }
        RulesCommand::Show { id, rules } => {
            let set = load(rules)?;
            let Some(rule) = set.get(id) else {
                bail!("no rule `{id}`; see `audit rules list`");
            };
            write!(out, "{}", show(rule))?;
        }
        RulesCommand::Test { dir } => {
            let set = match dir {
                Some(dir) => crate::cli::pipeline::load_rule_dir(dir)?,
                None => load(&[])?,
            };
            let results: Vec<testing::CaseResult> = set.rules.iter().flat_map(testing::run_rule).collect();
            let failed: Vec<&testing::CaseResult> = results.iter().filter(|r| !r.passed).collect();
            for f in &failed {
                writeln!(out, "FAIL {} / {}: {}", f.rule_id, f.name, f.detail)?;
            }
            // The last line is the plain `N passed, N failed` that CI systems read.
            writeln!(out, "{} rules, {} examples", set.rules.len(), results.len())?;
            writeln!(
                out,
                "examples: {} passed, {} failed",
                results.len() - failed.len(),
                failed.len()
            )?;
            return Ok(if failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        RulesCommand::Kinds => {
            for kind in crate::snapshot::KINDS.iter().chain(crate::prepare::SYNTHETIC_KINDS) {
                writeln!(out, "{kind}")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The documentation of a rule, as text.
pub fn show(rule: &Rule) -> String {
    let mut s = format!(
        "{}  [{}]\n{}\n\nResource: {}\n",
        rule.id,
        rule.severity,
        rule.title,
        rule.kinds.join(", ")
    );
    if !rule.compliance.is_empty() {
        let controls: Vec<String> = rule
            .compliance
            .iter()
            .map(|(f, c)| format!("{f} {}", c.join(", ")))
            .collect();
        s.push_str(&format!("Compliance: {}\n", controls.join("; ")));
    }
    if !rule.source.is_empty() {
        s.push_str(&format!("Source: {}\n", rule.source.join("; ")));
    }
    s.push_str(&format!(
        "\nWhy it matters:\n{}\n\nRemediation:\n{}\n",
        indent(&rule.rationale),
        indent(&rule.remediation)
    ));
    if !rule.params.is_empty() {
        s.push_str("\nParameters:\n");
        for (k, v) in &rule.params {
            s.push_str(&format!("  {k} = {v}\n"));
        }
    }
    s.push_str("\nLogic (CEL):\n");
    if let Some(when) = &rule.when {
        s.push_str(&format!("  when:     {}\n", when.source.trim()));
    }
    s.push_str(&format!("  assert:   {}\n", rule.assert.source.trim()));
    if let Some(error) = &rule.error {
        s.push_str(&format!("  error:    {}\n", error.source.trim()));
    }
    if let Some(evidence) = &rule.evidence {
        s.push_str(&format!("  evidence: {}\n", evidence.source.trim()));
    }
    if !rule.references.is_empty() {
        s.push_str("\nReferences:\n");
        for r in &rule.references {
            s.push_str(&format!("  {r}\n"));
        }
    }
    s.push_str(&format!("\nDefined in {}\n", rule.path.display()));
    s
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}
