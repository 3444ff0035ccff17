//! S3 as other services address it, and when a bucket is public.

use super::iam_policy::{self, Statement};
use super::network::World;
use crate::snapshot::data::{AccountPublicAccessBlock, Bucket};

/// The bucket name served by an S3 origin domain, and whether it is the
/// website endpoint. `None` for a domain that is not S3.
pub fn s3_origin_bucket(domain: &str) -> Option<(String, bool)> {
    let domain = domain.to_ascii_lowercase();
    let rest = domain.strip_suffix(".amazonaws.com")?;
    // bucket.s3.amazonaws.com, bucket.s3.region.amazonaws.com,
    // bucket.s3-region.amazonaws.com, bucket.s3-website-region..., bucket.s3-website.region...
    let (bucket, endpoint) = rest
        .rsplit_once(".s3")
        .map(|(b, e)| (b, format!("s3{e}")))
        .filter(|(b, _)| !b.is_empty())?;
    let website = endpoint.starts_with("s3-website");
    Some((bucket.to_string(), website))
}

/// What everyone can do with a bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Publicity {
    /// Anyone can read or list objects (or the ACL).
    pub read: bool,
    /// Anyone can write, delete, or change the bucket's permissions.
    pub write: bool,
    /// Why anyone can read, one sentence each, for evidence.
    pub read_reasons: Vec<String>,
    /// Why anyone can write.
    pub write_reasons: Vec<String>,
}

impl Publicity {
    fn add(&mut self, write: bool, reason: String) {
        if write {
            self.write = true;
            self.write_reasons.push(reason);
        } else {
            self.read = true;
            self.read_reasons.push(reason);
        }
    }
}

/// Actions that read: one allowed to everyone makes the bucket public-read.
const READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:ListBucketVersions",
];

/// Actions that write or take over the bucket.
const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:DeleteBucket",
];

/// What everyone can do with a bucket, as AWS defines "public": an ACL
/// grant to AllUsers or AuthenticatedUsers unless `IgnorePublicAcls` (the
/// bucket's or the account's) neutralises it; a policy statement for
/// everyone that no condition restricts (see
/// `iam_policy::allows_public`), unless `RestrictPublicBuckets` does; and
/// AWS's own `IsPublic` verdict on the policy when it was read, which
/// counts as public read when no statement explains it.
pub fn bucket_publicity(b: &Bucket, account: Option<&AccountPublicAccessBlock>, world: &World) -> Publicity {
    let (bucket_acls, bucket_policy) = b
        .public_access_block
        .as_ref()
        .map_or((false, false), |p| (p.ignore_public_acls, p.restrict_public_buckets));
    let (account_acls, account_policy) =
        account.map_or((false, false), |p| (p.ignore_public_acls, p.restrict_public_buckets));
    let mut out = Publicity::default();
    if !(bucket_acls || account_acls) {
        acl_publicity(b, &mut out);
    }
    if !(bucket_policy || account_policy) {
        let statements = b.policy.as_ref().map(iam_policy::normalise).unwrap_or_default();
        for (i, s) in statements.iter().enumerate() {
            if !iam_policy::allows_public_in(std::slice::from_ref(s), world) {
                continue;
            }
            let name = if s.sid.is_empty() {
                format!("#{}", i + 1)
            } else {
                s.sid.clone()
            };
            for (actions, write, what) in [(READ_ACTIONS, false, "read"), (WRITE_ACTIONS, true, "write")] {
                if let Some(action) = actions.iter().find(|a| iam_policy::allows_action(s, a)) {
                    out.add(
                        write,
                        format!("policy statement {name} lets everyone {what} ({action})"),
                    );
                }
            }
        }
        if b.policy_status_public == Some(true) && !(out.read || out.write) {
            out.add(
                false,
                "AWS reports the bucket policy as public (GetBucketPolicyStatus)".into(),
            );
        }
    }
    out
}

/// The ACL's grants to everyone. A snapshot that records only `acl_public`
/// (written before the grants were kept) counts as public read.
fn acl_publicity(b: &Bucket, out: &mut Publicity) {
    if b.acl_public && b.acl_public_grants.is_empty() {
        out.add(false, "the ACL grants access to everyone".into());
    }
    for grant in &b.acl_public_grants {
        let permission = grant.rsplit(':').next().unwrap_or_default();
        if matches!(permission, "READ" | "READ_ACP" | "FULL_CONTROL") {
            out.add(false, format!("the ACL grants {grant}"));
        }
        if matches!(permission, "WRITE" | "WRITE_ACP" | "FULL_CONTROL") {
            out.add(true, format!("the ACL grants {grant}"));
        }
    }
}

/// The statements of a bucket policy that let clients reach the bucket
/// other than through this account's CloudFront distributions that serve
/// it, one sentence each. Judged: statements for everyone that no
/// condition restricts, principals of other accounts, and the CloudFront
/// service principal unless a positive `aws:SourceArn` condition pins it,
/// without wildcards, to distributions of `account_id` among
/// `distribution_ids`. Not judged: principals of this account (a deploy
/// role writing objects goes around nothing) and other AWS services (log
/// delivery).
pub fn cloudfront_bypasses(
    statements: &[Statement],
    distribution_ids: &[&str],
    account_id: &str,
    world: &World,
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, s) in statements.iter().enumerate().filter(|(_, s)| s.effect == "Allow") {
        let name = if s.sid.is_empty() {
            format!("#{}", i + 1)
        } else {
            s.sid.clone()
        };
        if iam_policy::allows_public_in(std::slice::from_ref(s), world) {
            out.push(format!("policy statement {name} allows everyone"));
            continue;
        }
        let foreign: Vec<&str> = s
            .principals
            .iter()
            .filter_map(|p| p.strip_prefix("AWS:"))
            .filter(|p| principal_account(p) != Some(account_id))
            .collect();
        if !foreign.is_empty() {
            out.push(format!(
                "policy statement {name} allows another account: {}",
                foreign.join(", ")
            ));
        }
        if s.principals.iter().any(|p| p == "Service:cloudfront.amazonaws.com")
            && !pinned_to(s, distribution_ids, account_id)
        {
            out.push(format!(
                "policy statement {name} lets CloudFront read for a distribution that does not serve this bucket, or of another account"
            ));
        }
    }
    out
}

/// The account of an IAM principal: an ARN's account, or a bare account id.
fn principal_account(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal);
    }
    principal.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Whether a statement's `aws:SourceArn` condition names, with a positive
/// operator and no wildcard, only distributions of `account_id` among `ids`.
fn pinned_to(s: &Statement, ids: &[&str], account_id: &str) -> bool {
    s.conditions.iter().any(|c| {
        let operator = c.operator.trim_end_matches("IfExists");
        c.key == "aws:sourcearn"
            && matches!(operator, "StringEquals" | "ArnEquals" | "ArnLike" | "StringLike")
            && !c.values.is_empty()
            && c.values.iter().all(|v| {
                !v.contains(['*', '?'])
                    && v.split(':').nth(4) == Some(account_id)
                    && ids.iter().any(|id| v.ends_with(&format!(":distribution/{id}")))
            })
    })
}

/// Whether anyone at all can read or write the bucket.
pub fn bucket_public(b: &Bucket, account: Option<&AccountPublicAccessBlock>, world: &World) -> bool {
    let p = bucket_publicity(b, account, world);
    p.read || p.write
}

/// Whether a bucket policy statement refuses every request without TLS: a
/// `Deny` for everyone (`*`), of every S3 action (`s3:*` or `*`, no
/// `NotAction`), on both the bucket and every object (`arn:…:::b` and
/// `arn:…:::b/*`, wildcards matched, no `NotResource`), whose only
/// condition is `aws:SecureTransport` = `false` (`Bool` or
/// `BoolIfExists`). A second condition is ANDed and leaves plain HTTP open
/// outside it; a Deny of `s3:GetObject` alone, or on the objects alone,
/// leaves the rest of the API open.
pub fn denies_plain_http(s: &Statement, bucket_arn: &str) -> bool {
    let glob = |p: &str, t: &str| {
        crate::glob::wildcard_match(p.to_ascii_lowercase().as_bytes(), t.to_ascii_lowercase().as_bytes())
    };
    // Names no real action or object has: only a pattern matching any matches them.
    let every_action = s.actions.iter().any(|a| glob(a, "s3:\u{1}\u{2}"));
    let bucket = s.resources.iter().any(|r| glob(r, bucket_arn));
    let objects = s
        .resources
        .iter()
        .any(|r| glob(r, &format!("{bucket_arn}/\u{1}/\u{2}")));
    let only_tls_condition = !s.conditions.is_empty()
        && s.conditions.iter().all(|c| {
            matches!(c.operator.as_str(), "Bool" | "BoolIfExists")
                && c.key == "aws:securetransport"
                && c.values.iter().any(|v| v.eq_ignore_ascii_case("false"))
        });
    s.effect == "Deny"
        && iam_policy::is_everyone(&s.principals)
        && s.not_actions.is_empty()
        && every_action
        && s.not_resources.is_empty()
        && bucket
        && objects
        && only_tls_condition
}

#[cfg(test)]
mod tests {
    use super::s3_origin_bucket;

    #[test]
    fn every_s3_endpoint_spelling_names_its_bucket() {
        let b = |d: &str| s3_origin_bucket(d);
        assert_eq!(b("assets.s3.amazonaws.com"), Some(("assets".into(), false)));
        assert_eq!(b("assets.s3.eu-west-1.amazonaws.com"), Some(("assets".into(), false)));
        assert_eq!(b("assets.s3-eu-west-1.amazonaws.com"), Some(("assets".into(), false)));
        assert_eq!(
            b("site.s3-website-us-east-1.amazonaws.com"),
            Some(("site".into(), true))
        );
        assert_eq!(
            b("my.dotted.bucket.s3-website.eu-west-1.amazonaws.com"),
            Some(("my.dotted.bucket".into(), true))
        );
        assert_eq!(b("d111.cloudfront.net"), None);
        assert_eq!(b("s3.amazonaws.com"), None);
    }
}

#[cfg(test)]
mod tls {
    use super::*;
    use serde_json::json;

    fn denies(statement: serde_json::Value) -> bool {
        let s = &iam_policy::normalise(&json!({"Statement": statement}))[0];
        denies_plain_http(s, "arn:aws:s3:::assets")
    }

    fn tls(extra: serde_json::Value) -> serde_json::Value {
        let mut base = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::assets", "arn:aws:s3:::assets/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        base
    }

    #[test]
    fn the_documented_statement_and_its_spellings_deny_plain_http() {
        assert!(denies(tls(json!({}))));
        assert!(denies(tls(
            json!({"Principal": {"AWS": "*"}, "Action": "*", "Resource": "arn:aws:s3:::assets*"})
        )));
        assert!(denies(tls(
            json!({"Condition": {"BoolIfExists": {"aws:SecureTransport": false}}})
        )));
    }

    #[test]
    fn narrower_denies_leave_plain_http_open() {
        assert!(!denies(tls(json!({"Action": "s3:GetObject"}))));
        assert!(!denies(tls(json!({"Resource": "arn:aws:s3:::assets/*"}))));
        assert!(!denies(tls(
            json!({"Resource": ["arn:aws:s3:::other", "arn:aws:s3:::other/*"]})
        )));
        assert!(!denies(tls(
            json!({"Principal": {"AWS": "arn:aws:iam::123456789012:role/app"}})
        )));
        assert!(!denies(tls(
            json!({"Condition": {"Bool": {"aws:SecureTransport": "false"},
            "StringNotEquals": {"aws:SourceVpce": "vpce-1"}}})
        )));
        assert!(!denies(tls(json!({"Effect": "Allow"}))));
        let mut not_action = tls(json!({}));
        if let Some(m) = not_action.as_object_mut() {
            m.remove("Action");
            m.insert("NotAction".into(), json!("s3:GetObject"));
        }
        assert!(!denies(not_action));
    }
}
