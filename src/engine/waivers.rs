//! Waivers: accepted, time-limited exceptions for failing findings.
//!
//! A waiver names a rule (id or glob), a resource (id, or ARN glob when the
//! pattern starts with `arn:`), optionally a region and an account, a reason,
//! an owner and an expiry date (inclusive). A failing finding it matches
//! becomes `waived`, carrying the reason. An expired waiver no longer waives
//! and is reported; so is a waiver that matched nothing, so that stale
//! exceptions get cleaned up. Only `fail` is waived: an `error` is not a
//! known problem that someone accepted.

use super::finding::{AppliedWaiver, Finding, Notice, NoticeKind, Status};
use crate::glob::wildcard_match;
use chrono::NaiveDate;

/// A waiver, as validated from the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub rule: String,
    pub resource: String,
    pub region: Option<String>,
    pub account: Option<String>,
    pub reason: String,
    pub owner: String,
    /// The last day the waiver counts.
    pub expires: NaiveDate,
    /// Where it was written (`audit.toml:12`), for notices.
    pub origin: String,
}

impl Waiver {
    /// Whether the waiver is about `finding` (expired or not).
    pub fn matches(&self, finding: &Finding, account: &str) -> bool {
        let glob = |pattern: &str, text: &str| wildcard_match(pattern.as_bytes(), text.as_bytes());
        let resource = if self.resource.starts_with("arn:") {
            &finding.resource.arn
        } else {
            &finding.resource.id
        };
        glob(&self.rule, &finding.rule_id)
            && glob(&self.resource, resource)
            && self.region.as_ref().is_none_or(|r| *r == finding.resource.region)
            && self.account.as_ref().is_none_or(|a| a == account)
    }

    fn describe(&self) -> String {
        format!("waiver for {} on {} ({})", self.rule, self.resource, self.origin)
    }
}

/// Applies waivers to failing findings as of `today`; returns the notices
/// about expired and unused waivers.
pub fn apply(findings: &mut [Finding], waivers: &[Waiver], account: &str, today: NaiveDate) -> Vec<Notice> {
    let mut used = vec![false; waivers.len()];
    let mut notices = Vec::new();
    for finding in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        let matching: Vec<usize> = (0..waivers.len())
            .filter(|&i| waivers[i].matches(finding, account))
            .collect();
        for &i in &matching {
            used[i] = true;
        }
        match matching.iter().map(|&i| &waivers[i]).find(|w| w.expires >= today) {
            Some(w) => {
                finding.status = Status::Waived;
                finding.waiver = Some(AppliedWaiver {
                    reason: w.reason.clone(),
                    owner: w.owner.clone(),
                    expires: w.expires,
                });
            }
            None => {
                for &i in &matching {
                    let w = &waivers[i];
                    notices.push(Notice {
                        kind: NoticeKind::ExpiredWaiver,
                        message: format!(
                            "{} expired on {}; {} {} fails again",
                            w.describe(),
                            w.expires,
                            finding.rule_id,
                            finding.resource.display()
                        ),
                    });
                }
            }
        }
    }
    for (waiver, used) in waivers.iter().zip(used) {
        if !used {
            notices.push(Notice {
                kind: NoticeKind::UnusedWaiver,
                message: format!(
                    "{} matched no failing finding; remove it if the problem is fixed",
                    waiver.describe()
                ),
            });
        }
    }
    notices
}
