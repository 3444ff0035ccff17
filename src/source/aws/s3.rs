//! S3 buckets (global listing, per-bucket settings read in the bucket's own
//! region). An absent configuration (no policy, no Block Public Access, no
//! default encryption, no website) is data, not a gap; any other failure is a gap for
//! that one bucket.

use super::Part;
use crate::snapshot::data::{Bucket, BucketEncryption, BucketVersioning, PublicAccessBlock};
use aws_sdk_s3::Client;
use std::collections::HashMap;

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["s3.bucket", "s3.bucket_versioning"];

/// The kind a bucket's own settings are gaps of.
const BUCKET: &[&str] = &["s3.bucket"];

/// Buckets asked for per ListBuckets page (the API's maximum).
const LIST_PAGE: i32 = 10_000;

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

/// Run once per account.
pub async fn collect_global(global: super::Global) -> Part {
    collect(client_config(&global.base), &global.partition).await
}

pub async fn collect(config: aws_sdk_s3::Config, partition: &str) -> Part {
    let mut part = Part::default();
    let client = Client::from_conf(config.clone());
    // Paginated: accounts whose bucket quota was raised above 10,000 get
    // the rest only through continuation tokens.
    let buckets: Vec<String> = each_item!(
        part,
        "s3",
        "global",
        "ListBuckets",
        KINDS,
        client.list_buckets().max_buckets(LIST_PAGE),
        |b| b.name().map(String::from)
    )
    .into_iter()
    .flatten()
    .collect();
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
            // Its region unknown, its settings cannot be read: the bucket is
            // kept (region `global`, like the gap), so that its rules report
            // `error`. The buckets that deny the auditor are the sensitive ones.
            Err(e) => {
                let gap = super::resource_gap("s3", "global", "GetBucketLocation", KINDS, &name, &e);
                part.gaps.push(gap);
                part.resources.s3_bucket.push(Bucket {
                    arn: bucket_arn(partition, &name),
                    id: name,
                    region: "global".into(),
                    ..Bucket::default()
                });
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
        let bucket = settings(&c, &name, &region, partition, &mut part).await;
        part.resources.s3_bucket.push(bucket);
    }
    part
}

/// One bucket's settings, each read in the bucket's region; a failed read
/// is a gap naming the bucket, an absent setting is data.
async fn settings(c: &Client, name: &str, region: &str, partition: &str, part: &mut Part) -> Bucket {
    let mut bucket = Bucket {
        id: name.to_string(),
        arn: format!("arn:{partition}:s3:::{name}"),
        region: region.to_string(),
        ..Bucket::default()
    };
    let r = region;
    if let Some(out) = call!(
        part,
        "s3",
        r,
        "GetPublicAccessBlock",
        BUCKET,
        resource = name,
        absent = "NoSuchPublicAccessBlockConfiguration",
        c.get_public_access_block().bucket(name)
    ) {
        bucket.public_access_block = out.public_access_block_configuration().map(|p| PublicAccessBlock {
            block_public_acls: p.block_public_acls().unwrap_or(false),
            ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
            block_public_policy: p.block_public_policy().unwrap_or(false),
            restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
        });
    }
    if let Some(out) = call!(
        part,
        "s3",
        r,
        "GetBucketPolicy",
        BUCKET,
        resource = name,
        absent = "NoSuchBucketPolicy",
        c.get_bucket_policy().bucket(name)
    ) && let Some(text) = out.policy()
    {
        bucket.policy = Some(policy_document(text, r, name, part));
        bucket.policy_status_public = policy_status(c, name, part).await;
    }
    if let Some(out) = call!(
        part,
        "s3",
        r,
        "GetBucketEncryption",
        BUCKET,
        resource = name,
        absent = "ServerSideEncryptionConfigurationNotFoundError",
        c.get_bucket_encryption().bucket(name)
    ) {
        bucket.encryption = out
            .server_side_encryption_configuration()
            .and_then(|conf| conf.rules().first())
            .map(encryption_of);
    }
    acl_and_website(c, name, r, &mut bucket, part).await;
    versioning_and_logging(c, name, r, &mut bucket, part).await;
    bucket
}

/// Versioning (with MFA delete and Object Lock, its own kind) and server
/// access logging.
async fn versioning_and_logging(c: &Client, name: &str, r: &str, bucket: &mut Bucket, part: &mut Part) {
    // No Object Lock configuration is an answer: not locked.
    let lock = call!(
        part,
        "s3",
        r,
        "GetObjectLockConfiguration",
        &["s3.bucket_versioning"],
        resource = name,
        absent = "ObjectLockConfigurationNotFoundError",
        c.get_object_lock_configuration().bucket(name)
    )
    .and_then(|out| out.object_lock_configuration().cloned());
    let retention = lock
        .as_ref()
        .and_then(|l| l.rule())
        .and_then(|r| r.default_retention())
        .map(|d| {
            let mode = d.mode().map(|m| m.as_str()).unwrap_or_default();
            match (d.days(), d.years()) {
                (Some(days), _) => format!("{mode} {days} days"),
                (_, Some(years)) => format!("{mode} {years} years"),
                _ => mode.to_string(),
            }
        })
        .unwrap_or_default();
    if let Some(out) = call!(
        part,
        "s3",
        r,
        "GetBucketVersioning",
        &["s3.bucket_versioning"],
        resource = name,
        c.get_bucket_versioning().bucket(name)
    ) {
        part.resources.s3_bucket_versioning.push(BucketVersioning {
            id: name.into(),
            arn: bucket.arn.clone(),
            region: r.into(),
            status: out.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            mfa_delete: out.mfa_delete().is_some_and(|m| m.as_str() == "Enabled"),
            object_lock: lock
                .as_ref()
                .is_some_and(|l| l.object_lock_enabled().is_some_and(|e| e.as_str() == "Enabled")),
            object_lock_default_retention: retention,
        });
    }
    if let Some(out) = call!(
        part,
        "s3",
        r,
        "GetBucketLogging",
        BUCKET,
        resource = name,
        c.get_bucket_logging().bucket(name)
    ) {
        bucket.logging_target = out.logging_enabled().map(|l| l.target_bucket().to_string());
    }
}

/// AWS's `IsPublic` for the bucket policy. It only cross-checks the
/// policy document, which was read and is judged on its own, so a failure
/// here (emulators and some partitions lack the call) leaves it null
/// instead of making the bucket's rules undecided.
async fn policy_status(c: &Client, name: &str, part: &mut Part) -> Option<bool> {
    part.calls += 1;
    let out = c.get_bucket_policy_status().bucket(name).send().await.ok()?;
    out.policy_status().and_then(|s| s.is_public())
}

/// The ACL grants to AllUsers and AuthenticatedUsers, as `Group:PERMISSION`.
fn public_grants(grants: &[aws_sdk_s3::types::Grant]) -> Vec<String> {
    let mut out: Vec<String> = grants
        .iter()
        .filter_map(|g| {
            let uri = g.grantee()?.uri()?;
            if !PUBLIC_GROUPS.contains(&uri) {
                return None;
            }
            let group = uri.rsplit('/').next().unwrap_or(uri);
            let permission = g.permission().map_or("UNKNOWN", |p| p.as_str());
            Some(format!("{group}:{permission}"))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether the bucket's ACL grants to everyone, and whether it serves a
/// website.
async fn acl_and_website(c: &Client, name: &str, r: &str, bucket: &mut Bucket, part: &mut Part) {
    if let Some(out) = call!(
        part,
        "s3",
        r,
        "GetBucketAcl",
        BUCKET,
        resource = name,
        c.get_bucket_acl().bucket(name)
    ) {
        bucket.acl_public_grants = public_grants(out.grants());
        bucket.acl_public = !bucket.acl_public_grants.is_empty();
    }
    if call!(
        part,
        "s3",
        r,
        "GetBucketWebsite",
        BUCKET,
        resource = name,
        absent = "NoSuchWebsiteConfiguration",
        c.get_bucket_website().bucket(name)
    )
    .is_some()
    {
        bucket.website_enabled = true;
    }
}

/// A bucket policy as JSON. One that is not JSON is kept as text, with a
/// gap naming the bucket: "no policy" would read as "not public" and "not
/// TLS-only".
fn policy_document(text: &str, region: &str, bucket: &str, part: &mut Part) -> serde_json::Value {
    match serde_json::from_str(text) {
        Ok(document) => document,
        Err(e) => {
            part.gaps.push(unreadable_policy(region, bucket, &e));
            serde_json::Value::String(text.to_string())
        }
    }
}

/// The default encryption rule.
fn encryption_of(rule: &aws_sdk_s3::types::ServerSideEncryptionRule) -> BucketEncryption {
    let default = rule.apply_server_side_encryption_by_default();
    BucketEncryption {
        algorithm: default
            .map(|d| d.sse_algorithm().as_str().to_string())
            .unwrap_or_default(),
        kms_key_id: default.and_then(|d| d.kms_master_key_id()).map(String::from),
        bucket_key_enabled: rule.bucket_key_enabled().unwrap_or(false),
    }
}

/// A bucket's ARN in the account's partition (`aws`, `aws-cn`, `aws-us-gov`).
fn bucket_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:s3:::{name}")
}

/// The gap for a bucket policy that is not JSON.
fn unreadable_policy(region: &str, bucket: &str, error: &serde_json::Error) -> crate::snapshot::Gap {
    crate::snapshot::Gap {
        resource_id: Some(bucket.to_string()),
        ..super::call::note(
            "s3",
            region,
            "GetBucketPolicy",
            "UnreadablePolicy",
            format!("the bucket policy is not valid JSON: {error}"),
            BUCKET,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_policy_is_kept_with_a_gap_naming_the_bucket() {
        let mut part = Part::default();
        let document = policy_document("{\"Statement\": [", "eu-west-1", "logs", &mut part);
        assert_eq!(document, serde_json::Value::String("{\"Statement\": [".into()));
        let gap = &part.gaps[0];
        assert_eq!(
            (gap.resource_id.as_deref(), gap.code.as_str(), gap.region.as_str()),
            (Some("logs"), "UnreadablePolicy", "eu-west-1")
        );
        let mut part = Part::default();
        let document = policy_document("{\"Statement\": []}", "eu-west-1", "logs", &mut part);
        assert!(document.is_object() && part.gaps.is_empty());
    }

    #[test]
    fn bucket_arns_use_the_partition() {
        assert_eq!(bucket_arn("aws-cn", "b"), "arn:aws-cn:s3:::b");
        assert_eq!(bucket_arn("aws", "b"), "arn:aws:s3:::b");
    }
}
