//! S3 buckets (global listing, per-bucket settings read in the bucket's own
//! region). An absent configuration (no policy, no Block Public Access, no
//! default encryption, no website) is data, not a gap; any other failure is a gap for
//! that one bucket.

use super::{Part, gap, resource_gap};
use crate::snapshot::data::{Bucket, BucketEncryption, PublicAccessBlock};
use aws_sdk_s3::Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use std::collections::HashMap;

/// An S3 client configuration; path-style addressing when an endpoint is
/// set (emulators and VPC endpoints do not resolve bucket subdomains).
pub fn client_config(base: &aws_config::SdkConfig) -> aws_sdk_s3::Config {
    aws_sdk_s3::config::Builder::from(base)
        .force_path_style(base.endpoint_url().is_some())
        .build()
}

const PUBLIC_GROUPS: &[&str] = &[
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

/// Whether an error code says the configuration simply is not there.
fn absent(code: Option<&str>, expected: &str) -> bool {
    code == Some(expected)
}

pub async fn collect(config: aws_sdk_s3::Config) -> Part {
    let mut part = Part::default();
    let client = Client::from_conf(config.clone());
    part.calls += 1;
    let buckets = match client.list_buckets().send().await {
        Ok(out) => out
            .buckets()
            .iter()
            .filter_map(|b| b.name().map(String::from))
            .collect::<Vec<_>>(),
        Err(e) => {
            part.gaps.push(gap("s3", "global", "ListBuckets", &["s3.bucket"], &e));
            return part;
        }
    };
    let mut regional: HashMap<String, Client> = HashMap::new();
    for name in buckets {
        part.calls += 1;
        let region = match client.get_bucket_location().bucket(&name).send().await {
            Ok(out) => match out.location_constraint().map(|c| c.as_str().to_string()) {
                None => "us-east-1".to_string(),
                Some(c) if c.is_empty() => "us-east-1".to_string(),
                Some(c) if c == "EU" => "eu-west-1".to_string(),
                Some(c) => c,
            },
            Err(e) => {
                let gap = resource_gap("s3", "global", "GetBucketLocation", &["s3.bucket"], &name, &e);
                part.gaps.push(gap);
                continue;
            }
        };
        let c = regional
            .entry(region.clone())
            .or_insert_with(|| {
                Client::from_conf(
                    config
                        .to_builder()
                        .region(aws_sdk_s3::config::Region::new(region.clone()))
                        .build(),
                )
            })
            .clone();
        let mut bucket = Bucket {
            id: name.clone(),
            arn: format!("arn:aws:s3:::{name}"),
            region: region.clone(),
            ..Bucket::default()
        };
        let mut failed = |gap: crate::snapshot::Gap| part.gaps.push(gap);
        let kinds = &["s3.bucket"];

        part.calls += 5;
        match c.get_public_access_block().bucket(&name).send().await {
            Ok(out) => {
                bucket.public_access_block = out.public_access_block_configuration().map(|p| PublicAccessBlock {
                    block_public_acls: p.block_public_acls().unwrap_or(false),
                    ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
                    block_public_policy: p.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
                })
            }
            Err(e) if absent(e.code(), "NoSuchPublicAccessBlockConfiguration") => {}
            Err(e) => failed(resource_gap("s3", &region, "GetPublicAccessBlock", kinds, &name, &e)),
        }
        match c.get_bucket_policy().bucket(&name).send().await {
            Ok(out) => bucket.policy = out.policy().and_then(|p| serde_json::from_str(p).ok()),
            Err(e) if absent(e.code(), "NoSuchBucketPolicy") => {}
            Err(e) => failed(resource_gap("s3", &region, "GetBucketPolicy", kinds, &name, &e)),
        }
        match c.get_bucket_encryption().bucket(&name).send().await {
            Ok(out) => {
                bucket.encryption = out
                    .server_side_encryption_configuration()
                    .and_then(|conf| conf.rules().first())
                    .map(|rule| BucketEncryption {
                        algorithm: rule
                            .apply_server_side_encryption_by_default()
                            .map(|d| d.sse_algorithm().as_str().to_string())
                            .unwrap_or_default(),
                        kms_key_id: rule
                            .apply_server_side_encryption_by_default()
                            .and_then(|d| d.kms_master_key_id())
                            .map(String::from),
                        bucket_key_enabled: rule.bucket_key_enabled().unwrap_or(false),
                    })
            }
            Err(e) if absent(e.code(), "ServerSideEncryptionConfigurationNotFoundError") => {}
            Err(e) => failed(resource_gap("s3", &region, "GetBucketEncryption", kinds, &name, &e)),
        }
        match c.get_bucket_acl().bucket(&name).send().await {
            Ok(out) => {
                bucket.acl_public = out.grants().iter().any(|g| {
                    g.grantee()
                        .and_then(|g| g.uri())
                        .is_some_and(|uri| PUBLIC_GROUPS.contains(&uri))
                })
            }
            Err(e) => failed(resource_gap("s3", &region, "GetBucketAcl", kinds, &name, &e)),
        }
        match c.get_bucket_website().bucket(&name).send().await {
            Ok(_) => bucket.website_enabled = true,
            Err(e) if absent(e.code(), "NoSuchWebsiteConfiguration") => {}
            Err(e) => failed(resource_gap("s3", &region, "GetBucketWebsite", kinds, &name, &e)),
        }
        part.resources.s3_bucket.push(bucket);
    }
    part
}
