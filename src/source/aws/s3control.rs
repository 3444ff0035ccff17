//! The account-level S3 Block Public Access setting, through S3 Control.
//!
//! S3 Control puts the account id in front of the endpoint's host name
//! (`123456789012.s3-control.us-east-1.amazonaws.com`). With `--endpoint-url`
//! (an emulator, a VPC endpoint) that name does not resolve, so this one
//! client then uses a resolver that returns the given URL unchanged.

use super::Part;
use crate::snapshot::data::AccountPublicAccessBlock;
use aws_sdk_s3control::Client;
use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};

/// The kinds this collector writes.
pub const KINDS: &[&str] = &["s3.account_public_access_block"];

/// Sends every request to one fixed URL.
#[derive(Debug)]
struct Fixed(String);

impl ResolveEndpoint for Fixed {
    fn resolve_endpoint<'a>(&'a self, _: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}

/// Run once per account.
pub async fn collect_global(global: super::Global) -> Part {
    collect(global.global, global.account_id).await
}

pub async fn collect(config: aws_config::SdkConfig, account_id: String) -> Part {
    let mut builder = aws_sdk_s3control::config::Builder::from(&config);
    if let Some(url) = config.endpoint_url() {
        builder = builder.endpoint_resolver(Fixed(url.to_string()));
    }
    let client = Client::from_conf(builder.build());
    let mut part = Part::default();
    // Not configured (NoSuchPublicAccessBlockConfiguration): no record,
    // which the rules read as "off".
    if let Some(out) = call!(
        part,
        "s3",
        "global",
        "GetPublicAccessBlock",
        KINDS,
        absent = "NoSuchPublicAccessBlockConfiguration",
        client.get_public_access_block().account_id(&account_id)
    ) {
        {
            if let Some(p) = out.public_access_block_configuration() {
                part.resources
                    .s3_account_public_access_block
                    .push(AccountPublicAccessBlock {
                        id: account_id.clone(),
                        arn: String::new(),
                        region: "global".into(),
                        block_public_acls: p.block_public_acls().unwrap_or(false),
                        ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
                        block_public_policy: p.block_public_policy().unwrap_or(false),
                        restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
                    });
            }
        }
    }
    part
}
