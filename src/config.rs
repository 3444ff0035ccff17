//! The configuration file: `audit.toml` in the working folder, or the file
//! named by `--config`.
//!
//! Parsed strictly (unknown keys are errors), then validated as a whole:
//! every problem is reported at once, each with the file, line and column,
//! like rule files. This module owns reading and validating; the commands
//! decide what the settings do.
//!
//! ```toml
//! [rules]
//! disable = ["ec2-eip-attached", "ecr-*"]   # ids, or globs with *
//! enable = ["rds-*", "ec2-sg-*"]            # when set: only these
//! services = ["rds", "ec2"]                 # when set: only these services
//! min_severity = "medium"
//!
//! [params.rds-backup-retention]
//! min_days = 14
//!
//! [defaults]
//! fail_on = "high"                          # unless --fail-on is given
//! format = "table"                          # unless --format is given
//!
//! [[waiver]]
//! rule = "ec2-sg-no-public-ssh"             # id or glob
//! resource = "sg-0legacy"                   # id, or ARN glob starting with arn:
//! region = "us-east-1"                      # optional; so is `account`
//! reason = "bastion replaced by SSM in ticket OPS-142"
//! owner = "platform@example.com"
//! expires = 2026-12-31                      # required; the last day it counts
//!
//! [[attestation]]                         # a manual checklist item, done
//! id = "backup-restore-tested"
//! by = "ops@example.com"
//! date = 2026-10-01
//! evidence = "https://tickets.example.com/OPS-201"
//! valid_days = 90                           # counts from `date`
//!
//! [network]
//! world_prefix_v4 = 8    # a public IPv4 block this large or larger is "the world"
//! world_prefix_v6 = 16   # likewise for IPv6
//!
//! [probe]
//! endpoints = ["app.example.com", "https://api.example.com/health"]
//! ca_certs = ["certs/corp-ca.pem"]   # relative to the configuration file
//! timeout_seconds = 5
//! ```

use crate::diag::{Problem, Problems, line_column};
use crate::engine::FailOn;
use crate::report::Format;
use crate::rules::{RuleSet, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file read when no `--config` is given, if it exists.
pub const DEFAULT_FILE: &str = "audit.toml";

/// A validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from; `None` when there is no configuration file.
    pub path: Option<PathBuf>,
    /// The file's text, for positions in later checks.
    text: String,
    pub rules: RuleSelection,
    /// Parameter overrides by rule id.
    pub params: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
    pub defaults: Defaults,
    pub waivers: Vec<crate::engine::Waiver>,
    /// Manual checklist items attested, as snapshot resources.
    pub attestations: Vec<crate::snapshot::monitoring::Attestation>,
    pub probe: ProbeConfig,
    /// `[network]`: how large a public block counts as the world.
    pub network: crate::semantics::network::World,
    /// Positions of the waivers' `rule` values, for `check_rules`.
    waiver_rules: Vec<Spanned<String>>,
}

/// The `[rules]` table: which rules run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSelection {
    /// When not empty, only rules matching one of these ids or globs.
    #[serde(default)]
    pub enable: Vec<Spanned<String>>,
    /// Rules never run: ids or globs.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// When not empty, only rules of these services (`rds`, `ec2`, ...).
    #[serde(default)]
    pub services: Vec<Spanned<String>>,
    /// Services whose rules never run.
    #[serde(default)]
    pub disable_services: Vec<Spanned<String>>,
    /// Only rules at least this severe.
    #[serde(default)]
    pub min_severity: Option<Severity>,
}

impl RuleSelection {
    /// Whether the configuration lets `rule` run.
    pub fn selects(&self, rule: &crate::rules::Rule) -> bool {
        let matches = |patterns: &[Spanned<String>]| patterns.iter().any(|p| glob(p.get_ref(), &rule.id));
        let service = |names: &[Spanned<String>]| names.iter().any(|s| s.get_ref() == rule.service());
        (self.enable.is_empty() || matches(&self.enable))
            && !matches(&self.disable)
            && (self.services.is_empty() || service(&self.services))
            && !service(&self.disable_services)
            && self.min_severity.is_none_or(|min| rule.severity.at_least(min))
    }
}

/// The `[defaults]` table: values for flags that were not given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Defaults {
    /// `critical`, `high`, `medium`, `low` or `none`.
    pub fail_on: Option<FailOn>,
    /// Any `--format` value: `table`, `json`, `sarif`, `markdown`, `junit`.
    pub format: Option<Format>,
}

/// The `[defaults]` table as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    fail_on: Option<Spanned<String>>,
    format: Option<Spanned<String>>,
}

fn glob(pattern: &str, text: &str) -> bool {
    crate::glob::wildcard_match(pattern.as_bytes(), text.as_bytes())
}

/// The `[probe]` table.
#[derive(Debug, Clone, Default)]
pub struct ProbeConfig {
    /// Endpoints probed by `audit probe` and `audit scan --probe`, besides
    /// those on the command line and those found in the snapshot.
    pub endpoints: Vec<crate::source::probe::Target>,
    /// PEM bundles to trust, resolved against the configuration file's folder.
    pub ca_certs: Vec<PathBuf>,
    /// Seconds for each request, unless `--timeout` is given.
    pub timeout_seconds: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: RuleSelection,
    #[serde(default)]
    params: BTreeMap<String, toml::Table>,
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default, rename = "waiver")]
    waivers: Vec<Spanned<RawWaiver>>,
    #[serde(default, rename = "attestation")]
    attestations: Vec<Spanned<RawAttestation>>,
    #[serde(default)]
    probe: Option<RawProbe>,
    #[serde(default)]
    network: Option<RawNetwork>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    world_prefix_v4: Option<Spanned<i64>>,
    world_prefix_v6: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttestation {
    id: String,
    by: String,
    date: Spanned<toml::value::Datetime>,
    evidence: String,
    valid_days: Spanned<i64>,
}

/// A TOML date (without a time) as a calendar day.
fn toml_date(value: &toml::value::Datetime) -> Option<chrono::NaiveDate> {
    value
        .date
        .filter(|_| value.time.is_none())
        .and_then(|d| chrono::NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Spanned<String>,
    resource: String,
    region: Option<String>,
    account: Option<String>,
    reason: String,
    owner: String,
    expires: Spanned<toml::value::Datetime>,
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
    let mut problems = Problems::new(path, text);
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.at(e.span().map_or(0, |s| s.start), e.message().trim().to_string());
            return Err(ConfigErrors(problems.list));
        }
    };
    let mut config = Config {
        path: Some(path.to_owned()),
        text: text.to_string(),
        ..Config::default()
    };
    params(raw.params, &mut config, &mut problems);
    config.defaults = defaults(&raw.defaults, &mut problems);
    config.rules = raw.rules;
    attestations(raw.attestations, &mut config, &mut problems);
    waivers(raw.waivers, &mut config, &mut problems);
    if let Some(probe) = raw.probe {
        config.probe = probe_table(&probe, &mut problems);
    }
    if let Some(network) = raw.network {
        config.network = network_table(&network, &mut problems);
    }
    if problems.list.is_empty() {
        Ok(config)
    } else {
        Err(ConfigErrors(problems.list))
    }
}

/// `[params.RULE]` tables, as JSON for the rules.
fn params(raw: BTreeMap<String, toml::Table>, config: &mut Config, problems: &mut Problems) {
    for (rule, table) in raw {
        match serde_json::to_value(&table) {
            Ok(serde_json::Value::Object(map)) => {
                config.params.insert(rule, map);
            }
            _ => problems.at(
                locate(problems.text, &format!("params.{rule}")),
                format!("[params.{rule}] is not a table of values"),
            ),
        }
    }
}

/// `[defaults]`: each value checked as its flag would check it.
fn defaults(raw: &RawDefaults, problems: &mut Problems) -> Defaults {
    let mut defaults = Defaults::default();
    if let Some(fail_on) = &raw.fail_on {
        match fail_on.get_ref().parse::<FailOn>() {
            Ok(value) => defaults.fail_on = Some(value),
            Err(_) => problems.at(
                fail_on.span().start,
                format!(
                    "defaults.fail_on is `{}`; use critical, high, medium, low or none",
                    fail_on.get_ref()
                ),
            ),
        }
    }
    if let Some(format) = &raw.format {
        match <Format as clap::ValueEnum>::from_str(format.get_ref(), false) {
            Ok(value) => defaults.format = Some(value),
            Err(_) => problems.at(
                format.span().start,
                format!(
                    "defaults.format is `{}`; use {}",
                    format.get_ref(),
                    one_of(&Format::names())
                ),
            ),
        }
    }
    defaults
}

/// `[[attestation]]`: manual checklist items done, as snapshot resources.
fn attestations(raw: Vec<Spanned<RawAttestation>>, config: &mut Config, problems: &mut Problems) {
    for spanned in raw {
        let start = spanned.span().start;
        let a = spanned.into_inner();
        let Some(date) = toml_date(a.date.get_ref()) else {
            problems.at(
                a.date.span().start,
                "an attestation's `date` must be a date, like 2026-10-01".into(),
            );
            continue;
        };
        let days = *a.valid_days.get_ref();
        if !(1..=3650).contains(&days) {
            problems.at(
                a.valid_days.span().start,
                format!("valid_days is {days}; use 1 to 3650"),
            );
            continue;
        }
        for (field, value) in [("id", &a.id), ("by", &a.by), ("evidence", &a.evidence)] {
            if value.trim().is_empty() {
                problems.at(start, format!("an attestation needs a non-empty `{field}`"));
            }
        }
        let midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        config.attestations.push(crate::snapshot::monitoring::Attestation {
            id: a.id,
            arn: String::new(),
            region: "global".into(),
            by: a.by,
            attested_at: midnight(date),
            expires_at: midnight(date + chrono::Duration::days(days)),
            evidence: a.evidence,
        });
    }
}

/// `[[waiver]]`: accepted, dated exceptions.
fn waivers(raw: Vec<Spanned<RawWaiver>>, config: &mut Config, problems: &mut Problems) {
    for spanned in raw {
        let start = spanned.span().start;
        let w = spanned.into_inner();
        let (line, _) = line_column(problems.text, start);
        let Some(expires) = toml_date(w.expires.get_ref()) else {
            problems.at(
                w.expires.span().start,
                "a waiver's `expires` must be a date, like 2026-12-31".into(),
            );
            continue;
        };
        for (field, value) in [("reason", &w.reason), ("owner", &w.owner), ("resource", &w.resource)] {
            if value.trim().is_empty() {
                problems.at(start, format!("a waiver needs a non-empty `{field}`"));
            }
        }
        config.waiver_rules.push(w.rule.clone());
        config.waivers.push(crate::engine::Waiver {
            rule: w.rule.into_inner(),
            resource: w.resource,
            region: w.region,
            account: w.account,
            reason: w.reason,
            owner: w.owner,
            expires,
            origin: format!("{}:{line}", problems.path.display()),
        });
    }
}

/// `[network]`: the prefix lengths at which a public block counts as the
/// world (open to the internet), for IPv4 and IPv6.
fn network_table(raw: &RawNetwork, problems: &mut Problems) -> crate::semantics::network::World {
    let mut world = crate::semantics::network::World::default();
    for (key, value, max, field) in [
        ("world_prefix_v4", &raw.world_prefix_v4, 32, &mut world.max_prefix_v4),
        ("world_prefix_v6", &raw.world_prefix_v6, 128, &mut world.max_prefix_v6),
    ] {
        let Some(value) = value else { continue };
        match u8::try_from(*value.get_ref()) {
            Ok(prefix) if i64::from(prefix) <= max => *field = prefix,
            _ => problems.at(
                value.span().start,
                format!(
                    "network.{key} is {}; use a prefix length from 0 to {max}",
                    value.get_ref()
                ),
            ),
        }
    }
    world
}

/// `[probe]`: endpoints, CA bundles (relative to the file), timeout.
fn probe_table(probe: &RawProbe, problems: &mut Problems) -> ProbeConfig {
    let mut config = ProbeConfig::default();
    for spec in &probe.endpoints {
        match crate::source::probe::parse_target(spec.get_ref(), "config") {
            Ok(target) => config.endpoints.push(target),
            Err(e) => problems.at(spec.span().start, e.to_string()),
        }
    }
    let folder = problems.path.parent().unwrap_or(Path::new(""));
    for ca in &probe.ca_certs {
        let resolved = folder.join(ca.get_ref());
        if resolved.is_file() {
            config.ca_certs.push(resolved);
        } else {
            problems.at(ca.span().start, format!("no CA bundle at {}", resolved.display()));
        }
    }
    if let Some(timeout) = &probe.timeout_seconds {
        let seconds = *timeout.get_ref();
        if seconds > 0.0 && seconds <= 300.0 {
            config.timeout_seconds = Some(seconds);
        } else {
            problems.at(
                timeout.span().start,
                format!("timeout_seconds is {seconds}; use a number of seconds between 0 and 300"),
            );
        }
    }
    config
}

/// `a, b or c`.
fn one_of(names: &[String]) -> String {
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The offset of the first occurrence of `needle`, or 0.
fn locate(text: &str, needle: &str) -> usize {
    text.find(needle).unwrap_or(0)
}

impl Config {
    /// Checks the parts that name rules against the loaded rule set: every
    /// id and glob matches a rule, every parameter exists with the same type.
    pub fn check_rules(&self, rules: &RuleSet) -> Result<(), ConfigErrors> {
        let Some(path) = &self.path else { return Ok(()) };
        let at = |offset: usize, message: String| {
            let (line, column) = line_column(&self.text, offset);
            Problem {
                path: path.clone(),
                line,
                column,
                message,
            }
        };
        let mut problems = Vec::new();
        let selection = &self.rules;
        for (key, patterns) in [("enable", &selection.enable), ("disable", &selection.disable)] {
            for p in patterns {
                if !rules.rules.iter().any(|r| glob(p.get_ref(), &r.id)) {
                    problems.push(at(
                        p.span().start,
                        format!("rules.{key}: `{}` matches no rule; see `audit rules list`", p.get_ref()),
                    ));
                }
            }
        }
        for (key, names) in [
            ("services", &selection.services),
            ("disable_services", &selection.disable_services),
        ] {
            for s in names {
                if !rules.rules.iter().any(|r| r.service() == s.get_ref()) {
                    problems.push(at(
                        s.span().start,
                        format!("rules.{key}: no rule is about the service `{}`", s.get_ref()),
                    ));
                }
            }
        }
        for rule in &self.waiver_rules {
            if !rules.rules.iter().any(|r| glob(rule.get_ref(), &r.id)) {
                problems.push(at(
                    rule.span().start,
                    format!("a waiver names `{}`, which matches no rule", rule.get_ref()),
                ));
            }
        }
        for (id, values) in &self.params {
            let offset = locate(&self.text, &format!("params.{id}"));
            let Some(rule) = rules.get(id) else {
                problems.push(at(
                    offset,
                    format!("[params.{id}] names no rule; see `audit rules list`"),
                ));
                continue;
            };
            for (name, value) in values {
                match rule.params.get(name) {
                    None => {
                        let known: Vec<&String> = rule.params.keys().collect();
                        problems.push(at(
                            offset,
                            format!("rule {id} has no parameter `{name}`; its parameters: {known:?}"),
                        ));
                    }
                    Some(default) if json_type(default) != json_type(value) => problems.push(at(
                        offset,
                        format!(
                            "{id}.{name} must be a {} like its default {default}, not {value}",
                            json_type(default)
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(problems))
        }
    }
}

fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "list",
        serde_json::Value::Object(_) => "table",
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
    fn rule_ids_services_and_parameters_are_checked_against_the_rules() {
        let rules = crate::rules::load(&[]).expect("rules");
        let text = "[rules]\ndisable = [\"nope-*\"]\nservices = [\"rds\", \"mainframe\"]\n\n[params.rds-backup-retention]\nmin_days = \"14\"\nmax_days = 3\n\n[params.no-such-rule]\nx = 1\n";
        let config = parse(text, Path::new("audit.toml")).expect("parses");
        let errors = config.check_rules(&rules).expect_err("invalid");
        let messages: Vec<String> = errors
            .0
            .iter()
            .map(|p| format!("{}:{} {}", p.line, p.column, p.message))
            .collect();
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert!(messages[0].starts_with("2:12 rules.disable: `nope-*` matches no rule"));
        assert!(messages[1].starts_with("3:20 rules.services: no rule is about the service `mainframe`"));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("rds-backup-retention.min_days must be a number like its default 7"))
        );
        assert!(messages.iter().any(|m| m.contains("has no parameter `max_days`")));
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("9:2 [params.no-such-rule] names no rule"))
        );
    }

    #[test]
    fn selection_by_glob_service_and_severity() {
        let rules = crate::rules::load(&[]).expect("rules");
        let text = "[rules]\nenable = [\"rds-*\", \"ec2-sg-*\"]\ndisable = [\"rds-multi-az\"]\ndisable_services = [\"ec2\"]\nmin_severity = \"high\"\n";
        let config = parse(text, Path::new("audit.toml")).expect("parses");
        config.check_rules(&rules).expect("valid");
        let selected: Vec<&str> = rules
            .rules
            .iter()
            .filter(|r| config.rules.selects(r))
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(
            selected,
            vec![
                "rds-backup-retention",
                "rds-force-ssl",
                "rds-in-private-subnets",
                "rds-no-public-access",
                "rds-sg-only-from-security-groups",
                "rds-snapshot-not-public",
                "rds-storage-encrypted"
            ]
        );
    }

    #[test]
    fn waivers_need_a_date_a_reason_and_an_owner() {
        let text = "[[waiver]]\nrule = \"ec2-sg-no-public-ssh\"\nresource = \"sg-1\"\nreason = \"\"\nowner = \"ops\"\nexpires = \"soon\"\n\n[[waiver]]\nrule = \"ec2-sg-no-public-ssh\"\nresource = \"sg-2\"\nreason = \"\"\nowner = \"ops\"\nexpires = 2026-12-31\n";
        let errors = parse(text, Path::new("audit.toml")).expect_err("invalid");
        let messages: Vec<String> = errors
            .0
            .iter()
            .map(|p| format!("{}:{} {}", p.line, p.column, p.message))
            .collect();
        assert_eq!(
            messages,
            ["6:11 invalid type: string \"soon\", expected a TOML datetime"]
        );
        let text = "[[waiver]]\nrule = \"ec2-sg-no-public-ssh\"\nresource = \"sg-2\"\nreason = \" \"\nowner = \"ops\"\nexpires = 2026-12-31\n";
        let errors = parse(text, Path::new("audit.toml")).expect_err("invalid");
        assert_eq!(errors.0[0].message, "a waiver needs a non-empty `reason`");
        let text = "[[waiver]]\nrule = \"ec2-sg-no-public-ssh\"\nresource = \"sg-2\"\nreason = \"r\"\nowner = \"ops\"\nexpires = 2026-12-31\n";
        let config = parse(text, Path::new("audit.toml")).expect("valid");
        assert_eq!(config.waivers[0].origin, "audit.toml:1");
        assert_eq!(config.waivers[0].expires.to_string(), "2026-12-31");
    }

    #[test]
    fn the_network_table_sets_what_counts_as_the_world() {
        let config = parse("[network]\nworld_prefix_v4 = 4\n", Path::new("audit.toml")).expect("valid");
        assert_eq!(config.network.max_prefix_v4, 4);
        assert_eq!(config.network.max_prefix_v6, 16, "the default stays");
        let errors = parse("[network]\nworld_prefix_v6 = 129\n", Path::new("audit.toml")).expect_err("invalid");
        assert_eq!(
            errors.0[0].to_string(),
            "audit.toml:2:19: network.world_prefix_v6 is 129; use a prefix length from 0 to 128"
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
