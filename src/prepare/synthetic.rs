//! The synthetic kinds: one `account` resource holding the account-wide
//! settings, and one `region` resource per collected region. Rules over them
//! list the kinds they read in `needs`.

use super::derive::Derive;
use super::monitoring::TrailFields;
use super::{Joins, PreparedResource, data::account_block, partition};
use crate::cel::serialize::to_val;
use crate::cel::shared_map::SharedMap;
use crate::snapshot::data::PublicAccessBlock;
use crate::snapshot::identity::{Analyzer, PasswordPolicy, RootUser};
use crate::snapshot::monitoring::{Attestation, Detector, Recorder, Trail};
use crate::snapshot::{KINDS, Snapshot};
use serde::Serialize;

/// Synthetic kinds built when a snapshot is prepared: one `account` resource,
/// one `region` resource per collected region.
pub const SYNTHETIC_KINDS: &[&str] = &["account", "region"];

/// Whether `kind` is a kind rules may iterate over.
pub fn is_known_kind(kind: &str) -> bool {
    KINDS.contains(&kind) || SYNTHETIC_KINDS.contains(&kind)
}

/// A stored resource with its derived fields, inside a synthetic one.
#[derive(Serialize)]
struct WithFields<'a, T, F> {
    #[serde(flatten)]
    stored: &'a T,
    #[serde(flatten)]
    derived: F,
}

#[derive(Serialize)]
struct AccountValue<'a> {
    id: &'a str,
    arn: String,
    region: &'static str,
    partition: &'a str,
    root: Option<&'a RootUser>,
    /// Days since the root user's password was last used; null when never
    /// (or unknown).
    root_password_used_days: Option<i64>,
    password_policy: Option<&'a PasswordPolicy>,
    s3_public_access_block: Option<PublicAccessBlock>,
    trails: Vec<WithFields<'a, Trail, TrailFields<'a>>>,
    /// The root user has a virtual MFA device (CIS 1.6 asks for a
    /// hardware one).
    root_virtual_mfa: bool,
    /// The regions whose configuration recorder records global resource
    /// types (IAM) and every supported type, and is recording.
    global_resources_recorded_in: Vec<&'a str>,
    /// Roles with the AWSSupportAccess policy attached.
    support_roles: Vec<&'a str>,
    attestations: Vec<WithFields<'a, Attestation, <Attestation as Derive>::Fields<'a>>>,
}

/// The value of a conversion that cannot fail for these shapes (string
/// keys, no unsupported types); an empty map otherwise, which every rule
/// over it reads as missing data (its `needs` name the kinds).
fn value_of<T: Serialize>(value: &T) -> Box<dyn cel::common::value::Val> {
    to_val(value).unwrap_or_else(|_| Box::new(SharedMap::from_entries(Vec::new())))
}

pub fn account(snapshot: &Snapshot, joins: &Joins) -> PreparedResource {
    let (account, r) = (&snapshot.account, &snapshot.resources);
    let arn = format!("arn:{}:iam::{}:root", partition(account), account.id);
    let value = AccountValue {
        id: &account.id,
        arn: arn.clone(),
        region: "global",
        partition: partition(account),
        root: r.iam_root_user.first(),
        root_password_used_days: joins.days_since(r.iam_root_user.first().and_then(|u| u.password_last_used)),
        password_policy: r.iam_password_policy.first(),
        s3_public_access_block: joins.account_pab.map(account_block),
        trails: r
            .cloudtrail_trail
            .iter()
            .map(|t| WithFields {
                stored: t,
                derived: t.derive(joins),
            })
            .collect(),
        root_virtual_mfa: r.iam_virtual_mfa_device.iter().any(|d| {
            d.user_arn.as_deref().is_some_and(|u| u.ends_with(":root"))
                || d.id.ends_with(":mfa/root-account-mfa-device")
        }),
        global_resources_recorded_in: (r.config_recorder.iter())
            .filter(|c| c.recording && c.all_supported && c.include_global_resource_types)
            .map(|c| c.region.as_str())
            .collect(),
        support_roles: r
            .iam_role
            .iter()
            .filter(|role| {
                role.attached_policy_arns
                    .iter()
                    .any(|a| a.ends_with(":policy/AWSSupportAccess"))
            })
            .map(|role| role.id.as_str())
            .collect(),
        attestations: r
            .attestation
            .iter()
            .map(|a| WithFields {
                stored: a,
                derived: a.derive(joins),
            })
            .collect(),
    };
    PreparedResource::new(
        "account",
        &account.id,
        &arn,
        "global",
        account.alias.as_deref().unwrap_or_default(),
        value_of(&value),
    )
}

#[derive(Serialize)]
struct RegionValue<'a> {
    id: &'a str,
    region: &'a str,
    ebs_encryption_by_default: Option<bool>,
    ebs_default_kms_key_id: Option<&'a str>,
    config_recorders: Vec<&'a Recorder>,
    guardduty_detectors: Vec<&'a Detector>,
    securityhub_enabled: bool,
    access_analyzers: Vec<&'a Analyzer>,
}

pub fn regions(snapshot: &Snapshot) -> Vec<PreparedResource> {
    let r = &snapshot.resources;
    snapshot
        .regions
        .iter()
        .map(|region| {
            let ebs = r.ec2_ebs_encryption.iter().find(|e| &e.region == region);
            let value = RegionValue {
                id: region,
                region,
                ebs_encryption_by_default: ebs.map(|e| e.enabled),
                ebs_default_kms_key_id: ebs.and_then(|e| e.kms_key_id.as_deref()),
                config_recorders: r.config_recorder.iter().filter(|c| &c.region == region).collect(),
                guardduty_detectors: r.guardduty_detector.iter().filter(|d| &d.region == region).collect(),
                securityhub_enabled: r.securityhub_hub.iter().any(|h| &h.region == region),
                access_analyzers: r
                    .accessanalyzer_analyzer
                    .iter()
                    .filter(|a| &a.region == region)
                    .collect(),
            };
            PreparedResource::new("region", region, "", region, "", value_of(&value))
        })
        .collect()
}
