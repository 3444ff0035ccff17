//! S3 as other services address it, and when a bucket is public.

use super::iam_policy;
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
