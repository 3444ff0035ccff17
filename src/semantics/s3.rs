//! S3 as other services address it, and when a bucket is public.

use super::iam_policy::{self, Statement};
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

/// Whether a bucket is readable by anyone: not fully blocked (by the
/// bucket's or the account's Block Public Access), and its ACL or policy
/// grants access to everyone.
pub fn bucket_public(b: &Bucket, account: Option<&AccountPublicAccessBlock>) -> bool {
    let (bucket_acls, bucket_policy) = b
        .public_access_block
        .as_ref()
        .map_or((false, false), |p| (p.ignore_public_acls, p.restrict_public_buckets));
    let (account_acls, account_policy) =
        account.map_or((false, false), |p| (p.ignore_public_acls, p.restrict_public_buckets));
    let acl_public = b.acl_public && !(bucket_acls || account_acls);
    let policy_public = !(bucket_policy || account_policy)
        && b.policy
            .as_ref()
            .is_some_and(|p| iam_policy::allows_public(&iam_policy::normalise(p)));
    acl_public || policy_public
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
