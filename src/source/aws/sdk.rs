//! The one place SDK configurations are built: retries, timeouts, the
//! profile, an endpoint override, and an assumed role, for every client.

use super::Options;
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;

/// A loader with the options every client shares; the profile only when
/// its credentials are wanted.
fn loader(options: &Options, region: Option<&str>, profile: bool) -> aws_config::ConfigLoader {
    let retry = if options.adaptive_retry {
        RetryConfig::adaptive()
    } else {
        RetryConfig::standard()
    };
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry.with_max_attempts(options.max_attempts.max(1)))
        .timeout_config(TimeoutConfig::builder().operation_timeout(options.call_timeout).build());
    if let Some(name) = options.profile.as_ref().filter(|_| profile) {
        loader = loader.profile_name(name);
    }
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region.to_string()));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader
}

/// An SDK configuration for `region`; with `credentials_from`, it shares that
/// configuration's credentials provider (and its cache), e.g. an assumed role.
pub async fn config(
    options: &Options,
    region: Option<&str>,
    credentials_from: Option<&aws_config::SdkConfig>,
) -> aws_config::SdkConfig {
    let mut loader = loader(options, region, true);
    if let Some(provider) = credentials_from.and_then(|c| c.credentials_provider()) {
        loader = loader.credentials_provider(provider);
    }
    loader.load().await
}

/// The configuration every other one takes its credentials from: in the
/// profile's region (else us-east-1), and with `--role-arn`, as the assumed
/// role: one provider and one credentials cache, shared by every client.
pub async fn base_config(options: &Options) -> aws_config::SdkConfig {
    let base = config(options, None, None).await;
    let home = base.region().map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
    let base = if base.region().is_none() {
        config(options, Some(&home), None).await
    } else {
        base
    };
    let Some(arn) = &options.role_arn else {
        return base;
    };
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(arn)
        .session_name(&options.role_session_name)
        .configure(&base);
    if let Some(id) = &options.external_id {
        builder = builder.external_id(id);
    }
    let provider = builder.build().await;
    // Past this point every call is the role's: the profile gave its
    // credentials to the provider and its region to `home`.
    loader(options, Some(&home), false)
        .credentials_provider(provider)
        .load()
        .await
}
