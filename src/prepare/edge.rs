//! Derived fields of the edge kinds: CloudFront behaviours, header policies
//! and S3 origins; load balancer listeners and web ACLs; parsed HSTS.

use super::derive::{Derive, stored_only};
use super::{Join, Joins};
use crate::semantics::http::parse_hsts;
use crate::semantics::s3::s3_origin_bucket;
use crate::snapshot::edge::*;
use serde::Serialize;
use std::borrow::Cow;

/// An origin with the bucket it serves, when it is S3.
#[derive(Debug, Serialize)]
pub struct OriginView<'a> {
    #[serde(flatten)]
    pub origin: &'a Origin,
    pub s3_bucket: Option<String>,
    /// It is an S3 website endpoint (which speaks only HTTP).
    pub s3_website: bool,
}

/// An S3 origin as the S3 rules of a distribution read it.
#[derive(Debug, Serialize)]
pub struct S3OriginView<'a> {
    pub origin_id: &'a str,
    pub bucket: String,
    /// It is the website endpoint (public by design, no OAC possible).
    pub website: bool,
    pub uses_oac: bool,
    pub uses_oai: bool,
    /// The bucket is among this account's buckets in the snapshot.
    pub in_account: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct DistributionFields<'a> {
    /// The default behaviour (path pattern `*`) followed by the others.
    pub all_behaviors: Vec<Cow<'a, Behavior>>,
    pub default_headers: Option<&'a ResponseHeadersPolicy>,
    pub origins: Vec<OriginView<'a>>,
    /// Its S3 origins, each with whether its bucket is this account's.
    pub s3_origins: Vec<S3OriginView<'a>>,
}

impl Derive for Distribution {
    type Fields<'a> = DistributionFields<'a>;
    const JOINS: &'static [Join] = &[
        ("default_headers", &["cloudfront.response_headers_policy"]),
        ("s3_origins", &["s3.bucket"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let s3_origins = self
            .origins
            .iter()
            .filter_map(|o| {
                let (bucket, website) = s3_origin_bucket(&o.domain_name)?;
                Some(S3OriginView {
                    origin_id: &o.id,
                    in_account: joins.buckets.contains_key(bucket.as_str()),
                    bucket,
                    website,
                    uses_oac: !o.origin_access_control_id.is_empty(),
                    uses_oai: !o.s3_origin_access_identity.is_empty(),
                })
            })
            .collect();
        let default = if self.default_behavior.path_pattern.is_empty() {
            Cow::Owned(Behavior {
                path_pattern: "*".into(),
                ..self.default_behavior.clone()
            })
        } else {
            Cow::Borrowed(&self.default_behavior)
        };
        let mut all_behaviors = vec![default];
        all_behaviors.extend(self.behaviors.iter().map(Cow::Borrowed));
        DistributionFields {
            all_behaviors,
            default_headers: joins
                .headers_policies
                .get(self.default_behavior.response_headers_policy_id.as_str())
                .copied(),
            origins: self
                .origins
                .iter()
                .map(|origin| {
                    let s3 = s3_origin_bucket(&origin.domain_name);
                    OriginView {
                        origin,
                        s3_website: s3.as_ref().is_some_and(|(_, website)| *website),
                        s3_bucket: s3.map(|(b, _)| b),
                    }
                })
                .collect(),
            s3_origins,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct LoadBalancerFields<'a> {
    pub listeners: Vec<&'a Listener>,
    pub web_acl: Option<&'a WebAcl>,
}

impl Derive for LoadBalancer {
    type Fields<'a> = LoadBalancerFields<'a>;
    const JOINS: &'static [Join] = &[("listeners", &["elbv2.listener"]), ("web_acl", &["wafv2.web_acl"])];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        LoadBalancerFields {
            listeners: joins
                .listeners_by_lb
                .get(self.arn.as_str())
                .cloned()
                .unwrap_or_default(),
            web_acl: self.web_acl_arn.as_deref().and_then(|a| joins.web_acls.get(a)).copied(),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct HttpEndpointFields {
    /// The Strict-Transport-Security header, parsed; null without a valid one.
    pub hsts: Option<Hsts>,
}

impl Derive for HttpEndpoint {
    type Fields<'a> = HttpEndpointFields;
    fn derive<'a>(&'a self, _: &'a Joins<'a>) -> Self::Fields<'a> {
        let header = self
            .https
            .as_ref()
            .and_then(|h| h.headers.get("strict-transport-security"));
        HttpEndpointFields {
            hsts: header.and_then(|h| parse_hsts(h)),
        }
    }
}

super::derive::expires!(Certificate => not_after);

stored_only!(ResponseHeadersPolicy, Listener, WebAcl);
