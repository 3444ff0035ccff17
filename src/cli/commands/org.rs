//! `audit org discover` and `audit org scan`: the accounts of an AWS
//! Organization listed into an accounts file, then collected through a role
//! in each (bounded across accounts), one snapshot per account written, and
//! one combined report rendered and gated like a single account's.

use crate::cli::args::{OrgDiscoverArgs, OrgScanArgs};
use crate::cli::commands::collect::{connect_options, options, with_progress};
use crate::cli::output::{save_snapshot, write_output};
use crate::cli::pipeline;
use crate::engine::finding::AccountOutcome;
use crate::engine::org::{AccountPart, combine};
use crate::snapshot::accounts::{AccountEntry, Shard, load_accounts, valid_role_name};
use crate::source::aws::CollectError;
use crate::source::aws::organizations::{collect_accounts, discover as discover_accounts};
use crate::source::aws::partition;
use anyhow::{Context as _, bail};
use std::process::ExitCode;

pub fn discover(args: &OrgDiscoverArgs) -> anyhow::Result<ExitCode> {
    let options = options(&args.aws);
    let file = with_progress(true, |_| async move { discover_accounts(&options, &args.ous).await })??;
    if !args.aws.connect.quiet {
        eprintln!(
            "discovered {} active account{}{}",
            file.accounts.len(),
            if file.accounts.len() == 1 { "" } else { "s" },
            file.organization_id
                .as_deref()
                .map(|o| format!(" in organization {o}"))
                .unwrap_or_default()
        );
    }
    let mut bytes = serde_json::to_vec_pretty(&file)?;
    bytes.push(b'\n');
    write_output(args.output.as_deref(), &bytes).context("the accounts file was not written")?;
    Ok(ExitCode::SUCCESS)
}

/// Why an account could not be read, as its status.
fn outcome(error: &CollectError) -> AccountOutcome {
    match error {
        CollectError::Unreachable(_) => AccountOutcome::Unreachable,
        CollectError::Regions(_) => AccountOutcome::Unreachable,
        CollectError::Credentials { .. } | CollectError::Organizations(_) => AccountOutcome::AssumeRoleFailed,
    }
}

pub fn scan(args: &OrgScanArgs) -> anyhow::Result<ExitCode> {
    // Every input is checked before the first AWS call.
    let (inputs, settings) = pipeline::load_report_args(&args.report)?;
    if !valid_role_name(&args.role_name) {
        bail!(
            "--role-name `{}` is not an IAM role name (or path/name)",
            args.role_name
        );
    }
    let file = load_accounts(&args.accounts)?;
    let shard = match (args.shard, args.shard_from_env) {
        (Some(shard), _) => Some(shard),
        (None, true) => Some(Shard::from_env(|k| std::env::var(k).ok()).map_err(anyhow::Error::msg)?),
        (None, false) => None,
    };
    let selected: Vec<&AccountEntry> = match shard {
        Some(shard) => shard.select(&file.accounts),
        None => {
            let mut all: Vec<&AccountEntry> = file.accounts.iter().collect();
            all.sort_by(|a, b| a.id.cmp(&b.id));
            all
        }
    };
    let (active, inactive): (Vec<&AccountEntry>, Vec<&AccountEntry>) = selected.into_iter().partition(|a| a.active());
    std::fs::create_dir_all(&args.snapshot_dir)
        .with_context(|| format!("cannot create {}", args.snapshot_dir.display()))?;

    let mut options = connect_options(&args.connect);
    options.external_id = args.external_id.clone();
    options.role_session_name = args.role_session_name.clone();
    options.adaptive_retry = true;
    let quiet = args.connect.quiet;
    let accounts: Vec<AccountEntry> = active.into_iter().cloned().collect();
    let count = accounts.len();
    let max_accounts = usize::from(args.max_accounts);
    let role_name = args.role_name.clone();
    let started = std::time::Instant::now();
    let (done, collected) = std::sync::mpsc::channel();
    let mut parts: Vec<AccountPart> = inactive
        .iter()
        .map(|a| {
            AccountPart::unread(
                &a.id,
                &a.name,
                &a.ou_path,
                AccountOutcome::Suspended,
                format!("state {} in the accounts file: not scanned", a.state),
            )
        })
        .collect();
    let mut calls = 0;
    // Collection runs on its own thread; each account is evaluated here as
    // soon as it arrives, while the others are still being read.
    let collection = std::thread::scope(|scope| -> anyhow::Result<()> {
        let collector = scope.spawn(move || {
            with_progress(quiet, |progress| async move {
                let partition = partition(&options).await?;
                collect_accounts(
                    &options,
                    accounts,
                    &role_name,
                    &partition,
                    max_accounts,
                    &progress,
                    done,
                )
                .await;
                Ok::<_, CollectError>(())
            })
        });
        for c in collected {
            calls += c.result.as_ref().map_or(0, |(_, stats)| stats.calls);
            parts.push(account_part(c, args, &inputs, &settings)?);
        }
        match collector.join() {
            Ok(result) => Ok(result??),
            Err(_) => bail!("the collection thread panicked"),
        }
    });
    collection?;
    parts.sort_by(|a, b| a.status.id.cmp(&b.status.id));
    let report = combine(parts, file.organization_id.as_deref()).map_err(anyhow::Error::msg)?;
    if !quiet {
        eprintln!(
            "scanned {count} account{} ({}) with {calls} calls in {:.1}s{}",
            if count == 1 { "" } else { "s" },
            crate::report::account_counts(&report),
            started.elapsed().as_secs_f64(),
            shard
                .map(|s| format!(", shard {}/{}", s.index, s.count))
                .unwrap_or_default()
        );
        for a in report.accounts.iter().filter(|a| a.status != AccountOutcome::Ok) {
            eprintln!(
                "warning: account {} ({}): {}: {}",
                a.id,
                a.name,
                a.status.as_str(),
                a.message.as_deref().unwrap_or("")
            );
        }
    }
    pipeline::finish_accounts(&report, &inputs, &settings)
}

/// One collected account: its snapshot written and evaluated, or why it
/// could not be read.
fn account_part(
    c: crate::source::aws::organizations::AccountCollection,
    args: &OrgScanArgs,
    inputs: &pipeline::Inputs,
    settings: &crate::cli::settings::Settings,
) -> anyhow::Result<AccountPart> {
    let AccountEntry { id, name, ou_path, .. } = &c.entry;
    Ok(match c.result {
        Ok((snapshot, _)) => {
            let path = args.snapshot_dir.join(format!("{id}.json"));
            save_snapshot(&snapshot, &path)?;
            let settings = settings.clone().snapshot_path(Some(&path));
            let report = pipeline::evaluate(snapshot, inputs, &settings);
            AccountPart::read(id, name, ou_path, report, Some(path.display().to_string()))
        }
        Err(e) => {
            let message = match &e {
                CollectError::Credentials { cause, .. } => format!(
                    "cannot assume role {}: {cause}",
                    c.entry.role_name.as_deref().unwrap_or(&args.role_name)
                ),
                other => other.to_string(),
            };
            AccountPart::unread(id, name, ou_path, outcome(&e), message)
        }
    })
}
