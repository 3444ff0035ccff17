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

mod ec2;
mod s3;

use crate::snapshot::{self, Account, Gap, Resources, Snapshot, Source};
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_ec2::error::ProvideErrorMetadata;
use std::sync::Arc;
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
    "ec2.vpc",
    "ec2.subnet",
    "ec2.route_table",
    "ec2.flow_log",
    "ec2.address",
    "ec2.ebs_encryption",
    "s3.bucket",
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

/// A gap from a failed call.
pub fn gap<E: ProvideErrorMetadata + std::fmt::Display>(
    service: &str,
    region: &str,
    operation: &str,
    kinds: &[&str],
    error: &E,
) -> Gap {
    Gap {
        service: service.into(),
        region: region.into(),
        operation: operation.into(),
        code: error.code().unwrap_or("Unknown").into(),
        message: error.message().map_or_else(|| error.to_string(), String::from),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        resource_id: None,
    }
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

/// Collects a snapshot. Prints nothing: the caller reports `Stats`.
pub async fn collect(options: &Options) -> Result<(Snapshot, Stats), CollectError> {
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

    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.max_concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for region in &regions {
        let config = sdk_config(options, Some(region), Some(&base)).await;
        let (semaphore, region) = (semaphore.clone(), region.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            ec2::collect(&config, &region).await
        });
    }
    {
        let config = s3::client_config(&base);
        let semaphore = semaphore.clone();
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            s3::collect(config).await
        });
    }
    let mut resources = Resources::default();
    let mut gaps = Vec::new();
    let mut calls = 0;
    while let Some(joined) = tasks.join_next().await {
        if let Ok(mut part) = joined {
            resources.append(&mut part.resources);
            gaps.append(&mut part.gaps);
            calls += part.calls;
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
