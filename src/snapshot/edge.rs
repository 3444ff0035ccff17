//! The edge: CloudFront distributions and response headers policies, load
//! balancers and listeners, WAF web ACLs, ACM certificates, and HTTP endpoints
//! probed on the wire.

use super::impl_resource;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A CloudFront distribution. Derived: `all_behaviors` (the default behaviour
/// first, with `path_pattern` `*`), `default_headers` (the response headers
/// policy of the default behaviour, or null).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Distribution {
    /// Distribution id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// Always `global`.
    pub region: String,
    /// The domain name.
    pub domain_name: String,
    /// Alternate domain names (CNAMEs) the distribution serves.
    pub aliases: Vec<String>,
    /// Whether it is enabled.
    pub enabled: bool,
    /// The attached WAF web ACL (ARN for WAFv2, id for classic); empty when none.
    pub web_acl_id: String,
    /// The certificate and TLS settings viewers see.
    pub viewer_certificate: ViewerCertificate,
    /// The origins CloudFront fetches from.
    pub origins: Vec<Origin>,
    /// The default cache behaviour (path `*`).
    pub default_behavior: Behavior,
    /// Ordered cache behaviours besides the default one.
    pub behaviors: Vec<Behavior>,
}
impl_resource!(Distribution);

/// The viewer certificate settings of a distribution.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ViewerCertificate {
    /// Whether the `*.cloudfront.net` certificate is used (it accepts TLSv1).
    pub cloudfront_default_certificate: bool,
    /// e.g. `TLSv1.2_2021`.
    pub minimum_protocol_version: String,
    /// `sni-only`, `vip` or `static-ip`.
    pub ssl_support_method: String,
}

/// A distribution origin.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Origin {
    /// The id.
    pub id: String,
    /// The domain name.
    pub domain_name: String,
    /// Origin Access Control id; empty when none.
    pub origin_access_control_id: String,
    /// Legacy Origin Access Identity (`origin-access-identity/cloudfront/...`); empty when none.
    pub s3_origin_access_identity: String,
    /// Custom origin settings; null for an S3 REST origin.
    pub custom_origin: Option<CustomOrigin>,
}

/// Settings of a custom (non-S3-REST) origin.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CustomOrigin {
    /// `http-only`, `match-viewer` or `https-only`.
    pub origin_protocol_policy: String,
    /// e.g. `["TLSv1.2"]`.
    pub origin_ssl_protocols: Vec<String>,
}

/// A cache behaviour.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Behavior {
    /// Path pattern; `*` for the default behaviour.
    pub path_pattern: String,
    /// The origin this behaviour routes to.
    pub target_origin_id: String,
    /// `allow-all`, `redirect-to-https` or `https-only`.
    pub viewer_protocol_policy: String,
    /// Response headers policy id; empty when none.
    pub response_headers_policy_id: String,
    /// CloudFront Functions and Lambda@Edge functions that run on the
    /// response (`viewer-response`, `origin-response`): they can set or
    /// remove headers after the policy.
    pub response_functions: Vec<String>,
}

/// A CloudFront response headers policy (security headers part).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ResponseHeadersPolicy {
    /// Policy id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The name.
    pub name: String,
    /// Null when the policy does not set Strict-Transport-Security.
    pub strict_transport_security: Option<Hsts>,
    /// Whether the policy's Strict-Transport-Security replaces the one the
    /// origin sends (`Override`); with false, an origin's header wins. Null
    /// when not reported (snapshots written before it was read).
    pub hsts_override: Option<bool>,
    /// Whether `X-Content-Type-Options: nosniff` is set.
    pub content_type_options: bool,
    /// `DENY` or `SAMEORIGIN`; null when not set.
    pub frame_options: Option<String>,
    /// The Content-Security-Policy value; null when not set.
    pub content_security_policy: Option<String>,
    /// The Referrer-Policy value; null when not set.
    pub referrer_policy: Option<String>,
}
impl_resource!(ResponseHeadersPolicy, name);

/// Strict-Transport-Security settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Hsts {
    /// `max-age` in seconds.
    pub max_age: i64,
    /// Whether `includeSubDomains` is set.
    pub include_subdomains: bool,
    /// Whether `preload` is set.
    pub preload: bool,
}

/// An Elastic Load Balancing v2 load balancer. Derived: `listeners`,
/// `web_acl` (the associated web ACL, or null).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LoadBalancer {
    /// Load balancer name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `application`, `network` or `gateway`.
    pub r#type: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// The DNS name AWS assigned.
    pub dns_name: String,
    /// The VPC id, `vpc-...`.
    pub vpc_id: String,
    /// The availability zones it serves, e.g. `us-east-1a`.
    pub availability_zones: Vec<String>,
    /// Security group ids, `sg-...`.
    pub security_groups: Vec<String>,
    /// Load balancer attributes, e.g. `routing.http.drop_invalid_header_fields.enabled = "true"`.
    pub attributes: BTreeMap<String, String>,
    /// ARN of the associated WAFv2 web ACL; null when none.
    pub web_acl_arn: Option<String>,
}
impl_resource!(LoadBalancer);

/// A load balancer listener.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Listener {
    /// Listener id (last part of the ARN).
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The load balancer this listener belongs to.
    pub load_balancer_arn: String,
    /// The port it listens on.
    pub port: i64,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`.
    pub protocol: String,
    /// TLS security policy for HTTPS and TLS listeners, e.g. `ELBSecurityPolicy-TLS13-1-2-2021-06`.
    pub ssl_policy: String,
    /// What it does with requests that no rule matches.
    pub default_actions: Vec<ListenerAction>,
    /// The listener's rules besides the default one, by priority: requests
    /// that match one get its actions instead of the default ones.
    pub rules: Vec<ListenerRule>,
}
impl_resource!(Listener);

/// A listener's default action.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, ...
    pub r#type: String,
    /// For redirects: the target protocol (`HTTPS`, `#{protocol}`).
    pub redirect_protocol: String,
    /// For redirects: the target port.
    pub redirect_port: String,
    /// For redirects: `HTTP_301` or `HTTP_302`.
    pub redirect_status_code: String,
}

/// A listener rule (other than the default).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ListenerRule {
    /// The rule's priority, as a string (`1`, `2`, ...).
    pub priority: String,
    /// What it matches, e.g. `path-pattern /api/*`, `host-header app.example.com`.
    pub conditions: Vec<String>,
    /// What matching requests get.
    pub actions: Vec<ListenerAction>,
}

/// A WAFv2 web ACL.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WebAcl {
    /// Web ACL id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The name.
    pub name: String,
    /// `REGIONAL` or `CLOUDFRONT`.
    pub scope: String,
    /// `ALLOW` or `BLOCK`.
    pub default_action: String,
    /// The rules, by priority.
    pub rules: Vec<WebAclRule>,
}
impl_resource!(WebAcl, name);

/// One rule of a web ACL.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WebAclRule {
    /// The name.
    pub name: String,
    /// The evaluation priority (lower runs first).
    pub priority: i64,
    /// Whether the rule's statement is a rate-based statement.
    pub rate_based: bool,
    /// The rate limit of a rate-based statement.
    pub rate_limit: Option<i64>,
    /// `vendor/name` of a managed rule group statement.
    pub managed_rule_group: Option<String>,
    /// What a matching request gets: `block`, `count` (recorded only, not
    /// enforced), `allow`, `captcha`, `challenge`; empty for a rule group,
    /// which has an override action instead.
    pub action: String,
    /// The ARN of the customer rule group this rule references; null for
    /// other rules.
    pub rule_group_arn: Option<String>,
    /// For a rule group: `count` (every rule of the group only counts) or
    /// `none` (the group's own actions apply).
    pub override_action: String,
    /// The rules of the referenced rule group (one level: a rule group
    /// cannot reference another).
    pub group_rules: Vec<GroupRule>,
}

/// A rule inside a customer rule group.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GroupRule {
    /// The name.
    pub name: String,
    /// Whether the rule's statement is a rate-based statement.
    pub rate_based: bool,
    /// The rate limit of a rate-based statement.
    pub rate_limit: Option<i64>,
    /// `block`, `count`, `allow`, `captcha`, `challenge`.
    pub action: String,
}

/// An HTTP endpoint probed on the wire. Derived: `hsts` (the parsed
/// Strict-Transport-Security header of the HTTPS response, or null).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HttpEndpoint {
    /// The host name or URL probed.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// Always `global`.
    pub region: String,
    /// Where the endpoint was discovered: `cli`, `config`, `cloudfront`, `elbv2`.
    pub origin: String,
    /// The HTTPS response; null when the request failed (see `https_error`).
    pub https: Option<HttpResponse>,
    /// Why the HTTPS request failed; null when it succeeded.
    pub https_error: Option<ProbeError>,
    /// The plain HTTP response; null when the request failed.
    pub http: Option<HttpResponse>,
    /// Why the plain HTTP request failed; null when it succeeded.
    pub http_error: Option<ProbeError>,
}
impl_resource!(HttpEndpoint);

/// Why a probe request failed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProbeError {
    /// `timeout`, `connection_refused`, `dns`, `tls`, `http` (not a valid
    /// HTTP response) or `io`.
    pub code: String,
    /// What happened, e.g. `invalid peer certificate: certificate expired`.
    pub message: String,
}

/// What a probe received.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: i64,
    /// Response headers, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The URL this response answered (after same-host redirects).
    pub url: String,
    /// The `Location` of the last redirect, when the probe stopped at one.
    pub location: Option<String>,
    /// Whether the plain HTTP request redirected to an `https://` URL of the same host.
    pub redirects_to_https: bool,
    /// Why the probe stopped following redirects, when it did (too many,
    /// or a redirect to another host).
    pub note: Option<String>,
    /// e.g. `TLSv1.3`, for HTTPS.
    pub tls_version: Option<String>,
    /// For HTTPS: the start of the server certificate's validity.
    pub certificate_not_before: Option<DateTime<Utc>>,
    /// For HTTPS: the end of the server certificate's validity.
    pub certificate_not_after: Option<DateTime<Utc>>,
}

/// An ACM certificate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Certificate {
    /// The certificate id (last part of the ARN).
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    pub domain_name: String,
    /// `ISSUED`, `EXPIRED`, `PENDING_VALIDATION`, `REVOKED`, ...
    pub status: String,
    /// `AMAZON_ISSUED`, `IMPORTED` or `PRIVATE`.
    pub r#type: String,
    /// When it expires. Derived: `expires_in_days` (negative once expired).
    pub not_after: Option<DateTime<Utc>>,
    /// ARNs of the resources that use it (load balancers, distributions).
    pub in_use_by: Vec<String>,
    /// `ELIGIBLE` or `INELIGIBLE` for managed renewal.
    pub renewal_eligibility: String,
}
impl_resource!(Certificate, domain_name);
