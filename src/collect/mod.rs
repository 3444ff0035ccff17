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

/// One call: counted; a failure becomes a gap for `kinds` (or, with
/// `resource = ID`, for that one resource) and yields `None`.
macro_rules! call {
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, resource = $id:expr, $request:expr) => {{
        $part.calls += 1;
        match $request.send().await {
            Ok(out) => Some(out),
            Err(e) => {
                $part.gaps.push($crate::collect::resource_gap(
                    $service, $region, $operation, $kinds, $id, &e,
                ));
                None
            }
        }
    }};
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, $request:expr) => {{
        $part.calls += 1;
        match $request.send().await {
            Ok(out) => Some(out),
            Err(e) => {
                $part
                    .gaps
                    .push($crate::collect::gap($service, $region, $operation, $kinds, &e));
                None
            }
        }
    }};
}

/// Follows a paginator to the end, mapping each item; the first failure
/// becomes a gap for `kinds` and ends that listing.
macro_rules! each_item {
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, $request:expr, |$item:ident| $map:expr) => {{
        $part.calls += 1;
        let mut pages = $request.into_paginator().items().send();
        let mut out = Vec::new();
        while let Some(item) = pages.next().await {
            match item {
                Ok($item) => out.push($map),
                Err(e) => {
                    $part
                        .gaps
                        .push($crate::collect::gap($service, $region, $operation, $kinds, &e));
                    break;
                }
            }
        }
        out
    }};
}

/// Every page of a paginated call, each counted; the first failure becomes a
/// gap for `kinds` and ends the listing.
macro_rules! each_page {
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, $request:expr) => {{
        let mut pages = $request.into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            $part.calls += 1;
            match page {
                Ok(page) => out.push(page),
                Err(e) => {
                    $part
                        .gaps
                        .push($crate::collect::gap($service, $region, $operation, $kinds, &e));
                    break;
                }
            }
        }
        out
    }};
}

mod cloudfront;
mod cloudtrail;
mod cloudwatch;
mod config;
mod ec2;
mod ecr;
mod ecs;
mod elasticache;
mod elasticbeanstalk;
mod elbv2;
mod guardduty;
mod iam;
mod kms;
mod lambda;
mod logs;
mod progress;
mod rds;
mod s3;
mod s3control;
mod secretsmanager;
mod securityhub;
mod sns;
mod ssm;
mod wafv2;

pub use progress::Progress;

use crate::snapshot::{self, Account, Gap, Resources, Snapshot, Source};
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
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
}

/// What one collector returns.
#[derive(Debug, Default)]
pub struct Part {
    pub resources: Resources,
    pub gaps: Vec<Gap>,
    /// API calls made, for the summary line.
    pub calls: usize,
}

/// The kinds this build collects.
pub const COLLECTED: &[&str] = &[
    "ec2.security_group",
    "ec2.instance",
    "ec2.launch_template",
    "ec2.vpc",
    "ec2.subnet",
    "ec2.route_table",
    "ec2.flow_log",
    "ec2.address",
    "ec2.ebs_encryption",
    "ssm.managed_instance",
    "rds.db_instance",
    "rds.parameter_group",
    "elasticache.replication_group",
    "s3.bucket",
    "s3.account_public_access_block",
    "cloudfront.distribution",
    "cloudfront.response_headers_policy",
    "elbv2.load_balancer",
    "elbv2.listener",
    "wafv2.web_acl",
    "ecs.task_definition",
    "lambda.function",
    "elasticbeanstalk.environment",
    "ecr.repository",
    "ecr.registry_scanning",
    "secretsmanager.secret",
    "kms.key",
    "iam.user",
    "iam.access_key",
    "iam.role",
    "iam.policy",
    "iam.password_policy",
    "iam.root_user",
    "cloudtrail.trail",
    "config.recorder",
    "logs.log_group",
    "cloudwatch.alarm",
    "sns.topic",
    "guardduty.detector",
    "securityhub.hub",
];

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
    #[error("no usable AWS credentials (profile {1}): {0}")]
    Credentials(String, String),
    #[error("cannot list the enabled regions: {0}; name them with --region")]
    Regions(String),
}

/// An error and its causes, each once, joined with ": " (the SDK's own
/// top-level message for a credentials failure is just "dispatch failure").
fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// A gap from a failed call. The code is the service's error code
/// (`AccessDenied`, `Throttling`, ...), or what went wrong on the way:
/// `Timeout`, `DispatchFailure` (no connection), `HTTP 500` (an error
/// answer without a code).
pub fn gap<E>(service: &str, region: &str, operation: &str, kinds: &[&str], error: &SdkError<E, HttpResponse>) -> Gap
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = match error {
        SdkError::ServiceError(e) => e
            .err()
            .code()
            .map_or_else(|| format!("HTTP {}", e.raw().status().as_u16()), String::from),
        SdkError::TimeoutError(_) => "Timeout".into(),
        SdkError::DispatchFailure(d) if d.is_timeout() => "Timeout".into(),
        SdkError::DispatchFailure(_) => "DispatchFailure".into(),
        SdkError::ResponseError(r) => format!("HTTP {}", r.raw().status().as_u16()),
        _ => "Unknown".into(),
    };
    Gap {
        service: service.into(),
        region: region.into(),
        operation: operation.into(),
        code,
        message: error.message().map_or_else(|| cause_chain(error), String::from),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        resource_id: None,
    }
}

/// A gap for one resource (a bucket, a trail): the rest of its kind is fine.
pub fn resource_gap<E>(
    service: &str,
    region: &str,
    operation: &str,
    kinds: &[&str],
    resource_id: &str,
    error: &SdkError<E, HttpResponse>,
) -> Gap
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    Gap {
        resource_id: Some(resource_id.into()),
        ..gap(service, region, operation, kinds, error)
    }
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

/// An SDK configuration for `region`; with `credentials_from`, it shares that
/// configuration's credentials provider (and its cache), e.g. an assumed role.
async fn sdk_config(
    options: &Options,
    region: Option<&str>,
    credentials_from: Option<&aws_config::SdkConfig>,
) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(options.max_attempts.max(1)))
        .timeout_config(TimeoutConfig::builder().operation_timeout(options.call_timeout).build());
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region.to_string()));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(provider) = credentials_from.and_then(|c| c.credentials_provider()) {
        loader = loader.credentials_provider(provider);
    }
    loader.load().await
}

/// Where global services (IAM, CloudFront, CloudFront-scope WAF) answer.
const GLOBAL_REGION: &str = "us-east-1";

/// One collector run: a service in a region, or a global service.
type Job = Pin<Box<dyn Future<Output = Part> + Send>>;

/// A job for each regional collector module, run once per selected region.
macro_rules! regional {
    ($($module:ident),* $(,)?) => {
        &[$(|c, r| Box::pin(async move { $module::collect(&c, &r).await })),*]
    };
}

/// The regional collectors, each run once per selected region.
const REGIONAL: &[fn(aws_config::SdkConfig, String) -> Job] = regional![
    ec2,
    ssm,
    rds,
    elasticache,
    elbv2,
    wafv2,
    ecs,
    lambda,
    elasticbeanstalk,
    ecr,
    secretsmanager,
    kms,
    cloudtrail,
    config,
    logs,
    cloudwatch,
    sns,
    guardduty,
    securityhub,
];

/// Collects a snapshot, updating `progress` as collectors finish. Prints
/// nothing: the caller draws the progress and reports `Stats`.
pub async fn collect(options: &Options, progress: &Arc<Progress>) -> Result<(Snapshot, Stats), CollectError> {
    let started = std::time::Instant::now();
    let base = sdk_config(options, None, None).await;
    let home = base.region().map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
    let base = if base.region().is_none() {
        sdk_config(options, Some(&home), None).await
    } else {
        base
    };
    // With --role-arn, every client uses the assumed role: one provider, one
    // credentials cache, shared through `base`.
    let base = match &options.role_arn {
        Some(arn) => {
            let mut builder = aws_config::sts::AssumeRoleProvider::builder(arn)
                .session_name(&options.role_session_name)
                .configure(&base);
            if let Some(id) = &options.external_id {
                builder = builder.external_id(id);
            }
            let provider = builder.build().await;
            let mut loader = aws_config::defaults(BehaviorVersion::latest())
                .region(aws_config::Region::new(home.clone()))
                .retry_config(RetryConfig::standard().with_max_attempts(options.max_attempts.max(1)))
                .timeout_config(TimeoutConfig::builder().operation_timeout(options.call_timeout).build())
                .credentials_provider(provider);
            if let Some(url) = &options.endpoint_url {
                loader = loader.endpoint_url(url);
            }
            loader.load().await
        }
        None => base,
    };
    let profile = options.profile.clone().unwrap_or_else(|| "default".into());
    let identity = aws_sdk_sts::Client::new(&base)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| CollectError::Credentials(cause_chain(&e), profile.clone()))?;
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

    // Every service × region is one task; a semaphore bounds how many run at
    // once, so one slow service never holds the others back beyond its slot.
    let global = sdk_config(options, Some(GLOBAL_REGION), Some(&base)).await;
    let mut jobs: Vec<Job> = Vec::new();
    for region in &regions {
        let config = sdk_config(options, Some(region), Some(&base)).await;
        for run in REGIONAL {
            jobs.push(run(config.clone(), region.clone()));
        }
    }
    jobs.push(Box::pin(s3::collect(s3::client_config(&base))));
    jobs.push(Box::pin(s3control::collect(global.clone(), account_id.clone())));
    jobs.push(Box::pin(cloudfront::collect(global.clone())));
    jobs.push(Box::pin(wafv2::collect_cloudfront(global.clone())));
    jobs.push(Box::pin(iam::collect(global.clone(), account_id.clone())));

    progress.total.store(jobs.len(), Ordering::Relaxed);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.max_concurrency.max(1)));
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
    let mut resources = Resources::default();
    let mut gaps = Vec::new();
    let mut calls = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(mut part) => {
                resources.append(&mut part.resources);
                gaps.append(&mut part.gaps);
                calls += part.calls;
            }
            // A collector that panicked: say so rather than lose its kinds
            // silently (the panic names no kind, so the whole run is marked).
            Err(e) => gaps.push(Gap {
                service: "collector".into(),
                region: "global".into(),
                operation: "task".into(),
                code: "Panic".into(),
                message: e.to_string(),
                kinds: COLLECTED.iter().map(|k| k.to_string()).collect(),
                resource_id: None,
            }),
        }
    }
    gaps.sort_by(|a, b| (&a.service, &a.region, &a.operation).cmp(&(&b.service, &b.region, &b.operation)));
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
        collected: Some(COLLECTED.iter().map(|k| k.to_string()).collect()),
    };
    Ok((snapshot, stats))
}
