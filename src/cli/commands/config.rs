//! `audit config check`: validate the configuration without auditing.

use crate::cli::pipeline::{load_config, load_rules};
use std::process::ExitCode;

pub fn check(path: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let rules = load_rules(&[])?;
    let config = load_config(path, &rules)?;
    match &config.path {
        Some(path) => println!(
            "{}: valid ({} probe endpoints)",
            path.display(),
            config.probe.endpoints.len()
        ),
        None => println!(
            "no {} in this folder and no --config: nothing to check",
            crate::config::DEFAULT_FILE
        ),
    }
    Ok(ExitCode::SUCCESS)
}
