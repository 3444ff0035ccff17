//! Reports over several accounts: one report from each account's (the
//! account on every finding, each account's status), and the merge of such
//! reports, e.g. the shards of one organization scan. Both end in
//! [`assemble`], so that two shards merged give exactly the report one
//! unsharded run gives.

use super::finding::{AccountOutcome, AccountStatus, FindingAccount, Notice, Report, RuleInfo, Summary, Target};
use crate::snapshot::{Account, Gap};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One account of an organization scan: how it ended and, when it was
/// read, its report.
#[derive(Debug, Clone)]
pub struct AccountPart {
    pub status: AccountStatus,
    pub report: Option<Report>,
}

impl AccountPart {
    /// An account that was read: `ok`, or `partial` when its report has gaps.
    pub fn read(id: &str, name: &str, ou_path: &str, report: Report, snapshot: Option<String>) -> AccountPart {
        let gaps = report.gaps.len();
        AccountPart {
            status: AccountStatus {
                id: id.into(),
                name: name.into(),
                ou_path: ou_path.into(),
                status: if gaps == 0 {
                    AccountOutcome::Ok
                } else {
                    AccountOutcome::Partial
                },
                message: (gaps > 0).then(|| {
                    format!(
                        "{gaps} call{} failed; the rules reading that data are `error`",
                        if gaps == 1 { "" } else { "s" }
                    )
                }),
                gaps,
                resources: report.summary.resources,
                snapshot,
            },
            report: Some(report),
        }
    }

    /// An account that was not read, and why.
    pub fn unread(id: &str, name: &str, ou_path: &str, status: AccountOutcome, message: String) -> AccountPart {
        AccountPart {
            status: AccountStatus {
                id: id.into(),
                name: name.into(),
                ou_path: ou_path.into(),
                status,
                message: Some(message),
                gaps: 0,
                resources: 0,
                snapshot: None,
            },
            report: None,
        }
    }
}

/// The report over the accounts of `parts`. `organization` names the
/// target (the organization id, when known).
pub fn combine(parts: Vec<AccountPart>, organization: Option<&str>) -> Result<Report, String> {
    let mut pieces = Pieces::default();
    for part in parts {
        pieces.add(part.status, part.report)?;
    }
    Ok(pieces.assemble(organization))
}

/// Merges reports: organization reports (their accounts and findings as
/// they are) and single-account reports (each becomes one account, `ok` or
/// `partial`). An account in two inputs is an error: the shards of a scan
/// never overlap.
pub fn merge(reports: Vec<Report>) -> Result<Report, String> {
    let organizations: BTreeSet<String> = reports
        .iter()
        .filter(|r| !r.accounts.is_empty())
        .map(|r| r.target.account.id.clone())
        .collect();
    let mut pieces = Pieces::default();
    for report in reports {
        if report.accounts.is_empty() {
            let id = report.target.account.id.clone();
            let name = report.target.account.alias.clone().unwrap_or_default();
            let part = AccountPart::read(&id, &name, "", report, None);
            pieces.add(part.status, part.report)?;
        } else {
            pieces.add_org(report)?;
        }
    }
    let organization = (organizations.len() == 1)
        .then(|| organizations.into_iter().next())
        .flatten();
    Ok(pieces.assemble(organization.as_deref()))
}

/// What the accounts contribute, before the combined report is built.
#[derive(Default)]
struct Pieces {
    accounts: BTreeMap<String, AccountStatus>,
    findings: Vec<super::Finding>,
    gaps: Vec<Gap>,
    notices: Vec<Notice>,
    rules: BTreeMap<String, RuleInfo>,
    regions: BTreeSet<String>,
    collected_at: Option<DateTime<Utc>>,
    partition: Option<String>,
    rules_not_covered: usize,
}

impl Pieces {
    fn claim(&mut self, status: AccountStatus) -> Result<(), String> {
        if self.accounts.contains_key(&status.id) {
            return Err(format!(
                "account {} is in two of the inputs (shards of one scan never overlap)",
                status.id
            ));
        }
        self.accounts.insert(status.id.clone(), status);
        Ok(())
    }

    /// One account and, when it was read, its single-account report.
    fn add(&mut self, status: AccountStatus, report: Option<Report>) -> Result<(), String> {
        let account = Arc::new(FindingAccount {
            id: status.id.clone(),
            name: status.name.clone(),
            ou_path: status.ou_path.clone(),
        });
        self.claim(status)?;
        if let Some(report) = report {
            let tag = format!("[account {}] ", account.id);
            self.add_report(report, |f| f.account = Some(account.clone()), &tag);
        }
        Ok(())
    }

    /// An organization report: its accounts, and its findings already tagged.
    fn add_org(&mut self, mut report: Report) -> Result<(), String> {
        for status in std::mem::take(&mut report.accounts) {
            self.claim(status)?;
        }
        self.add_report(report, |_| {}, "");
        Ok(())
    }

    fn add_report(&mut self, report: Report, mut tag: impl FnMut(&mut super::Finding), prefix: &str) {
        self.collected_at = Some(
            self.collected_at
                .map_or(report.target.collected_at, |t| t.min(report.target.collected_at)),
        );
        self.partition.get_or_insert(report.target.account.partition.clone());
        self.regions.extend(report.target.regions.iter().cloned());
        self.rules_not_covered = self.rules_not_covered.max(report.summary.rules_not_covered);
        for mut f in report.findings {
            tag(&mut f);
            self.findings.push(f);
        }
        self.gaps.extend(report.gaps.into_iter().map(|mut g| {
            g.message = format!("{prefix}{}", g.message);
            g
        }));
        self.notices.extend(report.notices.into_iter().map(|mut n| {
            n.message = format!("{prefix}{}", n.message);
            n
        }));
        for rule in report.rules {
            self.rules.entry(rule.id.clone()).or_insert(rule);
        }
    }

    fn assemble(mut self, organization: Option<&str>) -> Report {
        // Findings by account, then as each account's report orders them
        // (rule, region, kind, resource): the same whatever the inputs' order.
        let account_of = |f: &super::Finding| f.account.as_ref().map(|a| a.id.clone()).unwrap_or_default();
        self.findings.sort_by(|a, b| {
            (
                account_of(a),
                &a.rule_id,
                &a.resource.region,
                &a.resource.kind,
                &a.resource.id,
            )
                .cmp(&(
                    account_of(b),
                    &b.rule_id,
                    &b.resource.region,
                    &b.resource.kind,
                    &b.resource.id,
                ))
        });
        self.gaps.sort_by(|a, b| {
            (&a.message, &a.service, &a.region, &a.operation).cmp(&(&b.message, &b.service, &b.region, &b.operation))
        });
        let accounts: Vec<AccountStatus> = self.accounts.into_values().collect();
        let summary = Summary {
            rules_evaluated: self.rules.len(),
            rules_not_covered: self.rules_not_covered,
            resources: accounts.iter().map(|a| a.resources).sum(),
            ..Summary::of(&self.findings)
        };
        Report {
            format: super::finding::REPORT_FORMAT.into(),
            version: super::finding::REPORT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            target: Target {
                account: Account {
                    id: organization.unwrap_or("organization").to_string(),
                    partition: self.partition.unwrap_or_else(|| "aws".into()),
                    alias: None,
                },
                collected_at: self.collected_at.unwrap_or_else(Utc::now),
                regions: self.regions.into_iter().collect(),
                snapshot_path: None,
                covered_kinds: None,
            },
            summary,
            findings: self.findings,
            gaps: self.gaps,
            notices: self.notices,
            rules: self.rules.into_values().collect(),
            accounts,
        }
    }
}

/// A report over several accounts split back into one single-account
/// report per account that was read, by account id: what SARIF needs for
/// one run per account, with the fingerprints a single-account scan gives.
/// Accounts not read have no report: their earlier results stay unknown.
pub fn split(report: &Report) -> Vec<(String, Report)> {
    report
        .accounts
        .iter()
        .filter(|a| a.status.was_read())
        .map(|a| {
            let prefix = format!("[account {}] ", a.id);
            let mine = |f: &&super::Finding| f.account.as_ref().is_some_and(|x| x.id == a.id);
            let findings: Vec<super::Finding> = (report.findings.iter())
                .filter(mine)
                .map(|f| super::Finding {
                    account: None,
                    ..f.clone()
                })
                .collect();
            let strip = |m: &str| m.strip_prefix(&prefix).map(String::from);
            let gaps = (report.gaps.iter())
                .filter_map(|g| strip(&g.message).map(|message| Gap { message, ..g.clone() }))
                .collect();
            let notices = (report.notices.iter())
                .filter_map(|n| strip(&n.message).map(|message| Notice { message, ..n.clone() }))
                .collect();
            let summary = Summary {
                rules_evaluated: report.summary.rules_evaluated,
                rules_not_covered: report.summary.rules_not_covered,
                resources: a.resources,
                ..Summary::of(&findings)
            };
            let part = Report {
                format: report.format.clone(),
                version: report.version,
                tool_version: report.tool_version.clone(),
                rules: report.rules.clone(),
                target: Target {
                    account: Account {
                        id: a.id.clone(),
                        partition: report.target.account.partition.clone(),
                        alias: (!a.name.is_empty()).then(|| a.name.clone()),
                    },
                    snapshot_path: a.snapshot.clone(),
                    ..report.target.clone()
                },
                summary,
                findings,
                gaps,
                notices,
                accounts: Vec::new(),
            };
            (a.id.clone(), part)
        })
        .collect()
}
