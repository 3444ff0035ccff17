//! The accounts file: the AWS accounts an organization scan reads, written by
//! `audit org discover` or by hand (plain JSON, format
//! `posture-audit/accounts` v1), and how a scan is split into shards.
//!
//! ```json
//! {
//!   "format": "posture-audit/accounts",
//!   "version": 1,
//!   "organization_id": "o-a1b2c3d4e5",
//!   "accounts": [
//!     { "id": "111122223333", "name": "shop-prod", "email": "prod@example.com",
//!       "ou_path": "/workloads/prod", "state": "ACTIVE", "tags": { "env": "prod" },
//!       "role_name": "posture-audit" }
//!   ]
//! }
//! ```
//!
//! Only `id` is required; `role_name` (and `external_id`) override the
//! scan's `--role-name` (`--external-id`) for that account.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The value of the `format` field.
pub const ACCOUNTS_FORMAT: &str = "posture-audit/accounts";
/// The accounts file version.
pub const ACCOUNTS_VERSION: i64 = 1;

/// The accounts of an organization (or any list of accounts).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountsFile {
    /// Always `posture-audit/accounts`.
    pub format: String,
    /// Always 1.
    pub version: i64,
    /// The organization's id (`o-…`), when discovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    pub accounts: Vec<AccountEntry>,
}

/// One account to scan.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    /// The 12-digit account id.
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// The organizational units from the root, `/workloads/prod`; `/` for
    /// an account directly under the root.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ou_path: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`; an account not ACTIVE is
    /// not scanned and ends `suspended`. Empty means ACTIVE.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The role to assume in this account, instead of `--role-name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// The external id this account's role requires, instead of `--external-id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

impl AccountEntry {
    /// Whether the account is to be scanned (ACTIVE, or no state given).
    pub fn active(&self) -> bool {
        self.state.is_empty() || self.state.eq_ignore_ascii_case("ACTIVE")
    }
}

impl AccountsFile {
    pub fn new(organization_id: Option<String>, mut accounts: Vec<AccountEntry>) -> AccountsFile {
        accounts.sort_by(|a, b| a.id.cmp(&b.id));
        AccountsFile {
            format: ACCOUNTS_FORMAT.into(),
            version: ACCOUNTS_VERSION,
            organization_id,
            accounts,
        }
    }
}

/// Why an accounts file could not be used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error("{path}: cannot read the accounts file: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a valid accounts file: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Reads and validates an accounts file.
pub fn load_accounts(path: &Path) -> Result<AccountsFile, AccountsError> {
    let text = std::fs::read_to_string(path).map_err(|source| AccountsError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_accounts(&text, path)
}

/// Parses and validates accounts file text; `path` is only used in errors.
pub fn parse_accounts(text: &str, path: &Path) -> Result<AccountsFile, AccountsError> {
    let parse_error = |e: serde_json::Error| AccountsError::Parse {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: crate::diag::strip_json_position(&e.to_string()),
    };
    let file: AccountsFile = serde_json::from_str(text).map_err(parse_error)?;
    let invalid = |message: String| AccountsError::Invalid {
        path: path.to_owned(),
        message,
    };
    if file.format != ACCOUNTS_FORMAT {
        return Err(invalid(format!(
            "`format` is `{}`, not `{ACCOUNTS_FORMAT}`",
            file.format
        )));
    }
    if file.version != ACCOUNTS_VERSION {
        return Err(invalid(format!(
            "version {} is not supported (this build reads version {ACCOUNTS_VERSION})",
            file.version
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, a) in file.accounts.iter().enumerate() {
        if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(format!(
                "accounts[{i}]: `{}` is not a 12-digit account id",
                a.id
            )));
        }
        if !seen.insert(a.id.as_str()) {
            return Err(invalid(format!("accounts[{i}]: account {} is listed twice", a.id)));
        }
        if let Some(role) = &a.role_name
            && !valid_role_name(role)
        {
            return Err(invalid(format!(
                "accounts[{i}]: `{role}` is not an IAM role name (or path/name)"
            )));
        }
    }
    Ok(file)
}

/// An IAM role name, optionally with a path (`path/to/name`): letters,
/// digits and `+=,.@_-`, 1 to 64 characters for the name.
pub fn valid_role_name(role: &str) -> bool {
    let name = role.rsplit('/').next().unwrap_or(role);
    !name.is_empty()
        && name.len() <= 64
        && role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
        && !role.starts_with('/')
        && !role.ends_with('/')
}

/// A part of a scan: shard `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// `i/n`, with `i` from 0 to n-1 (as Kubernetes and AWS Batch number
    /// them).
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard like 0/4 (index from 0 to count-1, then the count)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<usize>().map_err(|_| bad())?,
            n.trim().parse::<usize>().map_err(|_| bad())?,
        );
        Shard::new(index, count).ok_or_else(bad)
    }
}

/// The environment variables `--shard-from-env` reads, in this order:
/// ours (a GitHub Actions matrix sets them), a Kubernetes Indexed Job's
/// index with the completions count its manifest passes, an AWS Batch array
/// job's.
pub const SHARD_ENV: &[(&str, &str)] = &[
    ("AUDIT_SHARD_INDEX", "AUDIT_SHARD_COUNT"),
    ("JOB_COMPLETION_INDEX", "JOB_COMPLETIONS"),
    ("AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE"),
];

impl Shard {
    pub fn new(index: usize, count: usize) -> Option<Shard> {
        (count > 0 && index < count).then_some(Shard { index, count })
    }

    /// The shard the environment names (see [`SHARD_ENV`]), through `get`.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        for (index_var, count_var) in SHARD_ENV {
            let Some(index) = get(index_var) else { continue };
            let Some(count) = get(count_var) else {
                return Err(format!("{index_var} is set but {count_var} is not"));
            };
            return format!("{index}/{count}")
                .parse()
                .map_err(|e| format!("{index_var}={index}, {count_var}={count}: {e}"));
        }
        let names: Vec<String> = SHARD_ENV.iter().map(|(i, n)| format!("{i} and {n}")).collect();
        Err(format!("--shard-from-env found none of {}", names.join(", or ")))
    }

    /// This shard's contiguous part of `accounts` (sorted by id first): the
    /// parts of all shards cover every account once, and differ in size by
    /// at most one.
    pub fn select<'a>(&self, accounts: &'a [AccountEntry]) -> Vec<&'a AccountEntry> {
        let mut sorted: Vec<&AccountEntry> = accounts.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let (base, extra) = (sorted.len() / self.count, sorted.len() % self.count);
        let start = self.index * base + self.index.min(extra);
        let len = base + usize::from(self.index < extra);
        sorted.into_iter().skip(start).take(len).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(n: usize) -> Vec<AccountEntry> {
        (0..n)
            .map(|i| AccountEntry {
                id: format!("{:012}", 100 + (n - i)),
                ..AccountEntry::default()
            })
            .collect()
    }

    #[test]
    fn shards_cover_every_account_once_in_contiguous_parts() {
        for n in [0, 1, 5, 7, 50] {
            for count in 1..=8 {
                let list = accounts(n);
                let parts: Vec<Vec<&AccountEntry>> =
                    (0..count).map(|i| Shard { index: i, count }.select(&list)).collect();
                let flat: Vec<&str> = parts.iter().flatten().map(|a| a.id.as_str()).collect();
                let mut sorted: Vec<&str> = list.iter().map(|a| a.id.as_str()).collect();
                sorted.sort_unstable();
                assert_eq!(flat, sorted, "{n} accounts in {count} shards");
                let sizes: Vec<usize> = parts.iter().map(Vec::len).collect();
                let (min, max) = (sizes.iter().min(), sizes.iter().max());
                assert!(max.zip(min).is_some_and(|(a, b)| a - b <= 1), "{sizes:?}");
            }
        }
    }

    #[test]
    fn shard_specs_and_the_environment() {
        assert_eq!("1/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        assert!("4/4".parse::<Shard>().is_err());
        assert!("0/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2"), ("JOB_COMPLETIONS", "3")])),
            Ok(Shard { index: 2, count: 3 })
        );
        assert_eq!(
            Shard::from_env(env(&[
                ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
                ("AWS_BATCH_JOB_ARRAY_SIZE", "2")
            ])),
            Ok(Shard { index: 0, count: 2 })
        );
        assert!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2")])).is_err_and(|e| e.contains("JOB_COMPLETIONS is not"))
        );
        assert!(Shard::from_env(env(&[])).is_err_and(|e| e.contains("AUDIT_SHARD_INDEX")));
        assert!(Shard::from_env(env(&[("AUDIT_SHARD_INDEX", "3"), ("AUDIT_SHARD_COUNT", "3")])).is_err());
    }

    #[test]
    fn accounts_files_are_validated_with_positions() {
        let path = Path::new("accounts.json");
        let ok = r#"{"format":"posture-audit/accounts","version":1,"accounts":[{"id":"111122223333","name":"prod"}]}"#;
        assert_eq!(parse_accounts(ok, path).expect("valid").accounts[0].name, "prod");
        let e = parse_accounts(
            "{\"format\":\"posture-audit/accounts\",\n\"version\":1,\n\"accounts\":[{\"idd\":1}]}",
            path,
        )
        .expect_err("unknown field");
        assert!(e.to_string().starts_with("accounts.json:3:"), "{e}");
        let e = parse_accounts(
            r#"{"format":"posture-audit/accounts","version":1,"accounts":[{"id":"1111"}]}"#,
            path,
        )
        .expect_err("short id");
        assert!(e.to_string().contains("not a 12-digit account id"), "{e}");
        let e = parse_accounts(r#"{"format":"posture-audit/accounts","version":2,"accounts":[]}"#, path)
            .expect_err("version");
        assert!(e.to_string().contains("version 2 is not supported"), "{e}");
        let twice = r#"{"format":"posture-audit/accounts","version":1,"accounts":[{"id":"111122223333"},{"id":"111122223333"}]}"#;
        assert!(parse_accounts(twice, path).is_err_and(|e| e.to_string().contains("listed twice")));
        let role =
            r#"{"format":"posture-audit/accounts","version":1,"accounts":[{"id":"111122223333","role_name":"a b"}]}"#;
        assert!(parse_accounts(role, path).is_err_and(|e| e.to_string().contains("not an IAM role name")));
    }
}
