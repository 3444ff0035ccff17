//! AWS Organizations: discovering the accounts of an organization (from the
//! management account or a delegated administrator), and collecting many
//! accounts at once through a role in each.
//!
//! Discovery pages `ListAccounts` until the token is null (AWS may return
//! empty pages with a token), keeps ACTIVE accounts (the newer `State`,
//! falling back to `Status`), and records each one's OU path (walking
//! `ListParents` up to the root, naming OUs with
//! `DescribeOrganizationalUnit`, each OU once) and tags.

use super::{CollectError, Options, Progress, Stats, call, sdk};
use crate::snapshot::Snapshot;
use crate::snapshot::accounts::{AccountEntry, AccountsFile};
use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{AccountState, AccountStatus};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A failed Organizations call: the organization cannot be listed.
fn failed<E: std::error::Error + 'static>(operation: &str, e: &E) -> CollectError {
    CollectError::Organizations(format!("{operation}: {}", call::cause_chain(e)))
}

/// The ACTIVE accounts of the organization, with OU paths and tags; with
/// `ous`, only those under one of these OUs (at any depth).
pub async fn discover(options: &Options, ous: &[String]) -> Result<AccountsFile, CollectError> {
    let base = sdk::base_config(options).await;
    // Organizations answers in us-east-1 (aws) for the whole organization.
    let config = sdk::config(options, Some("us-east-1"), Some(&base)).await;
    let client = Client::new(&config);
    let organization = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| failed("DescribeOrganization", &e))?
        .organization()
        .map(|o| o.id().unwrap_or_default().to_string());

    let mut listed = Vec::new();
    let mut pages = client.list_accounts().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| failed("ListAccounts", &e))?;
        listed.extend(page.accounts().iter().cloned());
    }

    let mut tree = Tree::default();
    let mut accounts = Vec::new();
    for a in listed {
        let Some(id) = a.id().map(String::from) else { continue };
        let state = match (a.state(), a.status()) {
            (Some(state), _) => state.as_str().to_string(),
            (None, Some(status)) => status.as_str().to_string(),
            (None, None) => String::new(),
        };
        let active = a.state().map_or_else(
            || a.status() == Some(&AccountStatus::Active),
            |s| s == &AccountState::Active,
        );
        if !active {
            continue;
        }
        let ancestors = tree.ancestors(&client, &id).await?;
        if !ous.is_empty() && !ancestors.iter().any(|(ou, _)| ous.contains(ou)) {
            continue;
        }
        let path: Vec<&str> = ancestors.iter().rev().map(|(_, name)| name.as_str()).collect();
        let tags = client
            .list_tags_for_resource()
            .resource_id(&id)
            .send()
            .await
            .map_err(|e| failed("ListTagsForResource", &e))?
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect::<BTreeMap<_, _>>();
        accounts.push(AccountEntry {
            id,
            name: a.name().unwrap_or_default().into(),
            email: a.email().unwrap_or_default().into(),
            ou_path: format!("/{}", path.join("/")),
            state,
            tags,
            role_name: None,
            external_id: None,
        });
    }
    Ok(AccountsFile::new(organization, accounts))
}

/// The OUs seen so far: each one's name and parent, so that every OU is
/// described once however many accounts it holds.
#[derive(Default)]
struct Tree {
    /// Child id → its parent (id, and whether it is an OU rather than the root).
    parents: HashMap<String, (String, bool)>,
    names: HashMap<String, String>,
}

impl Tree {
    async fn parent(&mut self, client: &Client, child: &str) -> Result<(String, bool), CollectError> {
        if let Some(p) = self.parents.get(child) {
            return Ok(p.clone());
        }
        let out = client
            .list_parents()
            .child_id(child)
            .send()
            .await
            .map_err(|e| failed("ListParents", &e))?;
        let parent = out
            .parents()
            .first()
            .map(|p| {
                (
                    p.id().unwrap_or_default().to_string(),
                    p.r#type() == Some(&aws_sdk_organizations::types::ParentType::OrganizationalUnit),
                )
            })
            .unwrap_or_default();
        self.parents.insert(child.to_string(), parent.clone());
        Ok(parent)
    }

    async fn name(&mut self, client: &Client, ou: &str) -> Result<String, CollectError> {
        if let Some(n) = self.names.get(ou) {
            return Ok(n.clone());
        }
        let out = client
            .describe_organizational_unit()
            .organizational_unit_id(ou)
            .send()
            .await
            .map_err(|e| failed("DescribeOrganizationalUnit", &e))?;
        let name = out
            .organizational_unit()
            .and_then(|u| u.name())
            .unwrap_or(ou)
            .to_string();
        self.names.insert(ou.to_string(), name.clone());
        Ok(name)
    }

    /// The OUs above `account`, nearest first, as (id, name); empty under
    /// the root. Bounded: AWS nests OUs at most five deep.
    async fn ancestors(&mut self, client: &Client, account: &str) -> Result<Vec<(String, String)>, CollectError> {
        let mut chain = Vec::new();
        let mut child = account.to_string();
        for _ in 0..8 {
            let (parent, is_ou) = self.parent(client, &child).await?;
            if !is_ou || parent.is_empty() {
                break;
            }
            let name = self.name(client, &parent).await?;
            chain.push((parent.clone(), name));
            child = parent;
        }
        Ok(chain)
    }
}

/// How collecting one account ended.
pub struct AccountCollection {
    pub entry: AccountEntry,
    pub result: Result<(Snapshot, Stats), CollectError>,
}

/// Collects every account of `accounts` through the role `role_name` (or
/// the account's own `role_name`) in it, at most `max_accounts` at a time,
/// each with the per-account concurrency of `options`. The role's
/// credentials refresh themselves (a chained role session lasts at most an
/// hour). Each account's result is sent to `done` as soon as it is
/// collected, so that the caller evaluates it while the others are still
/// being read.
pub async fn collect_accounts(
    options: &Options,
    accounts: Vec<AccountEntry>,
    role_name: &str,
    partition: &str,
    max_accounts: usize,
    progress: &Arc<Progress>,
    done: std::sync::mpsc::Sender<AccountCollection>,
) {
    let semaphore = Arc::new(tokio::sync::Semaphore::new(max_accounts.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for entry in accounts {
        let role = entry.role_name.clone().unwrap_or_else(|| role_name.to_string());
        let account_options = Options {
            role_arn: Some(format!("arn:{partition}:iam::{}:role/{role}", entry.id)),
            external_id: entry.external_id.clone().or_else(|| options.external_id.clone()),
            ..options.clone()
        };
        let (semaphore, progress, done) = (semaphore.clone(), progress.clone(), done.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let result = super::collect(&account_options, &progress).await;
            // The receiver is gone only when the caller gave up (an error).
            let _ = done.send(AccountCollection { entry, result });
        });
    }
    while tasks.join_next().await.is_some() {}
}
