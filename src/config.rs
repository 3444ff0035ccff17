//! The configuration file: `audit.toml` in the working folder, or the file
//! named by `--config`.
//!
//! Parsed strictly (unknown keys are errors), then validated as a whole:
//! every problem is reported at once, each with the file, line and column,
//! like rule files. This module owns reading and validating; the commands
//! decide what the settings do.
//!
//! ```toml
//! [probe]
//! endpoints = ["app.example.com", "https://api.example.com/health"]
//! ca_certs = ["certs/corp-ca.pem"]   # relative to the configuration file
//! timeout_seconds = 5
//! ```

use crate::rules::Problem;
use crate::snapshot::line_column;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file read when no `--config` is given, if it exists.
pub const DEFAULT_FILE: &str = "audit.toml";

/// A validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from; `None` when there is no configuration file.
    pub path: Option<PathBuf>,
    pub probe: ProbeConfig,
}

/// The `[probe]` table.
#[derive(Debug, Clone, Default)]
pub struct ProbeConfig {
    /// Endpoints probed by `audit probe` and `audit scan --probe`, besides
    /// those on the command line and those found in the snapshot.
    pub endpoints: Vec<crate::probe::Target>,
    /// PEM bundles to trust, resolved against the configuration file's folder.
    pub ca_certs: Vec<PathBuf>,
    /// Seconds for each request, unless `--timeout` is given.
    pub timeout_seconds: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    probe: Option<RawProbe>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProbe {
    #[serde(default)]
    endpoints: Vec<Spanned<String>>,
    #[serde(default)]
    ca_certs: Vec<Spanned<String>>,
    #[serde(default)]
    timeout_seconds: Option<Spanned<f64>>,
}

/// Every problem found in a configuration file.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct ConfigErrors(pub Vec<Problem>);

/// Reads `explicit`, or `audit.toml` in the working folder when it exists, or
/// returns the empty configuration.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigErrors> {
    let path = match explicit {
        Some(path) => path.to_owned(),
        None if Path::new(DEFAULT_FILE).is_file() => PathBuf::from(DEFAULT_FILE),
        None => return Ok(Config::default()),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ConfigErrors(vec![Problem {
            path: path.clone(),
            line: 1,
            column: 1,
            message: format!("cannot read the configuration file: {e}"),
        }])
    })?;
    parse(&text, &path)
}

/// Parses and validates configuration text; `path` names it in errors and
/// anchors relative paths.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigErrors> {
    let at = |offset: usize, message: String| {
        let (line, column) = line_column(text, offset);
        Problem {
            path: path.to_owned(),
            line,
            column,
            message,
        }
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        ConfigErrors(vec![at(
            e.span().map_or(0, |s| s.start),
            e.message().trim().to_string(),
        )])
    })?;
    let mut problems = Vec::new();
    let mut config = Config {
        path: Some(path.to_owned()),
        ..Config::default()
    };
    if let Some(probe) = raw.probe {
        for spec in &probe.endpoints {
            match crate::probe::parse_target(spec.get_ref(), "config") {
                Ok(target) => config.probe.endpoints.push(target),
                Err(e) => problems.push(at(spec.span().start, e.to_string())),
            }
        }
        let folder = path.parent().unwrap_or(Path::new(""));
        for ca in &probe.ca_certs {
            let resolved = folder.join(ca.get_ref());
            if resolved.is_file() {
                config.probe.ca_certs.push(resolved);
            } else {
                problems.push(at(ca.span().start, format!("no CA bundle at {}", resolved.display())));
            }
        }
        if let Some(timeout) = &probe.timeout_seconds {
            let seconds = *timeout.get_ref();
            if seconds > 0.0 && seconds <= 300.0 {
                config.probe.timeout_seconds = Some(seconds);
            } else {
                problems.push(at(
                    timeout.span().start,
                    format!("timeout_seconds is {seconds}; use a number of seconds between 0 and 300"),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(ConfigErrors(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let text = "[probe]\nendpoints = [\"app.example.com\", \"ftp://x\"]\nca_certs = [\"missing.pem\"]\ntimeout_seconds = 0\n";
        let errors = parse(text, Path::new("conf/audit.toml")).expect_err("invalid");
        let positions: Vec<(usize, usize)> = errors.0.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(positions, vec![(2, 33), (3, 13), (4, 19)]);
        assert!(
            errors
                .to_string()
                .contains("conf/audit.toml:2:33: `ftp://x` is not an endpoint")
        );
        assert!(errors.to_string().contains("no CA bundle at conf/missing.pem"));
    }

    #[test]
    fn unknown_keys_are_errors_with_positions() {
        let errors = parse("[probe]\nendpoint = [\"a\"]\n", Path::new("audit.toml")).expect_err("typo");
        assert_eq!((errors.0[0].line, errors.0[0].column), (2, 1));
        assert!(
            errors.0[0].message.contains("unknown field `endpoint`"),
            "{}",
            errors.0[0].message
        );
    }

    #[test]
    fn a_valid_probe_table() {
        let config = parse(
            "[probe]\nendpoints = [\"app.example.com\"]\ntimeout_seconds = 2.5\n",
            Path::new("audit.toml"),
        )
        .expect("valid");
        assert_eq!(config.probe.endpoints[0].origin, "config");
        assert_eq!(config.probe.timeout_seconds, Some(2.5));
    }
}
