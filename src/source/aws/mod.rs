//! Live collection: the only code that talks to AWS.
//!
//! Reads the account through the official AWS SDK for Rust (read-only calls
//! only), every selected region concurrently with a bounded number of tasks in
//! flight, and maps SDK types into the snapshot model. A call that fails
//! (AccessDenied, throttling after the SDK's retries, a timeout, a region that
//! is not enabled) becomes a gap in the snapshot; collection goes on. This
//! module never decides pass or fail.
//!
//! The snapshot lists the kinds it collected (`collected`), so that rules
//! about services not collected yet are not evaluated on missing data.

#[macro_use]
mod call;
mod registry;
mod sdk;

mod accessanalyzer;
mod acm;
mod cloudfront;
mod cloudtrail;
mod cloudwatch;
mod config;
mod ebs_snapshots;
mod ec2;
mod ecr;
mod ecs;
mod efs;
mod elasticache;
mod elasticbeanstalk;
mod elbv2;
mod guardduty;
mod iam;
mod interfaces;
mod kms;
mod lambda;
mod logs;
mod network_acls;
pub mod organizations;
mod prefix_lists;
mod progress;
mod rds;
mod rds_snapshots;
mod s3;
mod s3control;
mod secretsmanager;
mod securityhub;
mod sns;
mod ssm;
mod wafv2;

pub use progress::Progress;

use crate::snapshot::{self, Account, Gap, Resources, Snapshot, Source};
pub use call::{gap, resource_gap};
pub use registry::collected;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How to collect.
#[derive(Debug, Clone)]
pub struct Options {
    pub profile: Option<String>,
    /// Regions to read; empty means every region enabled for the account.
    pub regions: Vec<String>,
    /// An endpoint for every service (an emulator, a VPC endpoint).
    pub endpoint_url: Option<String>,
    /// A role to assume first, with the base credentials.
    pub role_arn: Option<String>,
    /// The external id the role's trust policy requires.
    pub external_id: Option<String>,
    /// The session name shown in the role's CloudTrail events.
    pub role_session_name: String,
    /// Tasks (service × region) in flight at once.
    pub max_concurrency: usize,
    /// Attempts per call, retries with backoff included.
    pub max_attempts: u32,
    /// Time allowed for one call, retries included.
    pub call_timeout: Duration,
    /// The SDK's adaptive retry mode: on throttling, the client also slows
    /// its own request rate (token bucket), which many accounts in flight
    /// against per-organization limits need; standard retries otherwise.
    pub adaptive_retry: bool,
}

/// What one collector returns.
#[derive(Debug, Default)]
pub struct Part {
    pub resources: Resources,
    pub gaps: Vec<Gap>,
    /// API calls made, for the summary line.
    pub calls: usize,
}

/// What collection did, for the summary line the CLI prints.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub resources: usize,
    pub regions: usize,
    pub calls: usize,
    pub gaps: usize,
    pub elapsed: Duration,
}

/// Why collection could not start.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no usable AWS credentials (profile {profile}): {cause}")]
    Credentials { cause: String, profile: String },
    #[error("cannot list the enabled regions: {0}; name them with --region")]
    Regions(String),
    /// AWS could not be reached (no connection, DNS, timeouts).
    #[error("AWS could not be reached: {0}")]
    Unreachable(String),
    /// The organization could not be listed.
    #[error(
        "cannot list the organization's accounts: {0} (run it from the management account or a delegated administrator)"
    )]
    Organizations(String),
}

/// The last part of an ARN-like path: `arn:...:topic/name` gives `name`.
pub fn last_part(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

/// An optional string, with empty meaning absent (emulators send empty
/// strings where AWS omits the element).
pub fn present(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(String::from)
}

/// An SDK timestamp as a chrono one.
pub fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<chrono::DateTime<chrono::Utc>> {
    t.and_then(|t| chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

/// Where global services (IAM, CloudFront, CloudFront-scope WAF) answer.
const GLOBAL_REGION: &str = "us-east-1";

/// One collector run: a service in a region, or a global service.
type Job = Pin<Box<dyn Future<Output = Part> + Send>>;

/// What a global collector (run once per account) starts from.
#[derive(Debug, Clone)]
pub struct Global {
    /// The configuration in the home region (S3 lists buckets from there).
    pub base: aws_config::SdkConfig,
    /// The configuration in us-east-1, where global services answer.
    pub global: aws_config::SdkConfig,
    pub account_id: String,
    /// `aws`, `aws-cn` or `aws-us-gov`, for ARNs the collectors build.
    pub partition: String,
}

/// Collects a snapshot, updating `progress` as collectors finish. Prints
/// nothing: the caller draws the progress and reports `Stats`.
pub async fn collect(options: &Options, progress: &Arc<Progress>) -> Result<(Snapshot, Stats), CollectError> {
    let started = std::time::Instant::now();
    let base = sdk::base_config(options).await;
    let profile = options.profile.clone().unwrap_or_else(|| "default".into());
    let identity = aws_sdk_sts::Client::new(&base)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            let cause = call::cause_chain(&e);
            // A credentials provider that failed (an assumed role refused) is
            // reported as a dispatch failure too: the cause says which.
            if unreachable(&e) && !cause.to_ascii_lowercase().contains("credentials") {
                CollectError::Unreachable(cause)
            } else {
                CollectError::Credentials {
                    cause,
                    profile: profile.clone(),
                }
            }
        })?;
    let account_id = identity.account().unwrap_or_default().to_string();
    let partition = identity
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    let regions = if options.regions.is_empty() || options.regions.iter().any(|r| r == "all") {
        ec2::enabled_regions(&base).await.map_err(CollectError::Regions)?
    } else {
        options.regions.clone()
    };

    // Every service × region is one task.
    let global = Global {
        base: base.clone(),
        global: sdk::config(options, Some(GLOBAL_REGION), Some(&base)).await,
        account_id: account_id.clone(),
        partition: partition.clone(),
    };
    let mut jobs: Vec<Job> = Vec::new();
    for region in &regions {
        let config = sdk::config(options, Some(region), Some(&base)).await;
        jobs.extend(registry::regional_jobs(&config, region));
    }
    jobs.extend(registry::global_jobs(&global));

    let Part {
        mut resources,
        mut gaps,
        calls,
    } = run(jobs, options.max_concurrency, progress).await;
    // Calls finish in any order: sorted, two collections of the same account
    // give the same file.
    resources.sort();
    gaps.sort_by(|a, b| {
        (&a.service, &a.region, &a.operation, &a.resource_id).cmp(&(
            &b.service,
            &b.region,
            &b.operation,
            &b.resource_id,
        ))
    });
    let stats = Stats {
        resources: resources.len(),
        regions: regions.len(),
        calls,
        gaps: gaps.len(),
        elapsed: started.elapsed(),
    };
    let snapshot = Snapshot {
        format: snapshot::FORMAT.into(),
        version: snapshot::VERSION,
        account: Account {
            id: account_id,
            partition,
            alias: None,
        },
        collected_at: chrono::Utc::now(),
        regions,
        source: Source {
            kind: "live".into(),
            profile: options.profile.clone(),
            tool_version: Some(env!("CARGO_PKG_VERSION").into()),
            principal: identity.arn().map(String::from),
        },
        resources,
        gaps,
        collected: Some(registry::collected().iter().map(|k| k.to_string()).collect()),
        assumed_empty: Vec::new(),
        partial: Vec::new(),
        locations: Vec::new(),
    };
    Ok((snapshot, stats))
}

/// The partition of the credentials `options` give (`aws`, `aws-cn`, …),
/// from their caller identity; an error when there are no usable ones.
pub async fn partition(options: &Options) -> Result<String, CollectError> {
    let base = sdk::base_config(options).await;
    let identity = aws_sdk_sts::Client::new(&base)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| CollectError::Credentials {
            cause: call::cause_chain(&e),
            profile: options.profile.clone().unwrap_or_else(|| "default".into()),
        })?;
    Ok(identity
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string())
}

/// Whether a failed call never reached AWS: no connection, or timed out.
fn unreachable<E>(e: &aws_sdk_sts::error::SdkError<E, aws_sdk_sts::config::http::HttpResponse>) -> bool {
    use aws_sdk_sts::error::SdkError;
    matches!(e, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_))
}

/// Runs the jobs, at most `concurrency` at a time (one slow service never
/// holds the others back beyond its slot), and merges what they collected.
async fn run(jobs: Vec<Job>, concurrency: usize, progress: &Arc<Progress>) -> Part {
    // Added, not set: several accounts may be collected at once.
    progress.total.fetch_add(jobs.len(), Ordering::Relaxed);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for job in jobs {
        let (semaphore, progress) = (semaphore.clone(), progress.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let part = job.await;
            progress.record(&part);
            part
        });
    }
    let mut all = Part::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(mut part) => {
                all.resources.append(&mut part.resources);
                all.gaps.append(&mut part.gaps);
                all.calls += part.calls;
            }
            // A collector that panicked: say so rather than lose its kinds
            // silently (the panic names no kind, so the whole run is marked).
            Err(e) => all.gaps.push(call::note(
                "collector",
                "global",
                "task",
                "Panic",
                e.to_string(),
                &registry::collected(),
            )),
        }
    }
    all
}
