//! Identity and secrets: IAM users, access keys, roles, policies, the password
//! policy, the root user, server certificates and virtual MFA devices; IAM
//! Access Analyzer analyzers; KMS keys; Secrets Manager secrets (metadata only).

use super::impl_resource;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Secrets Manager secret. The value is never collected.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Secret {
    /// Secret name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Whether automatic rotation is on.
    pub rotation_enabled: bool,
    /// Rotation interval in days; null when rotation is off.
    pub rotation_days: Option<i64>,
    /// The rotation schedule, when set as an expression (`rate(30 days)`,
    /// `cron(0 16 1 * ? *)`) rather than a number of days.
    pub schedule_expression: Option<String>,
    /// When the secret was last rotated.
    pub last_rotated: Option<DateTime<Utc>>,
    /// The KMS key (id, ARN or alias); null when not encrypted with KMS.
    pub kms_key_id: Option<String>,
}
impl_resource!(Secret);

/// A KMS key.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Key {
    /// Key id (a UUID).
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, ...
    pub spec: String,
    /// Where the key material comes from: `AWS_KMS`, `EXTERNAL` (imported,
    /// which cannot rotate automatically), `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: String,
    /// Whether automatic rotation is on.
    pub rotation_enabled: bool,
    /// The key's aliases, `alias/...`.
    pub aliases: Vec<String>,
}
impl_resource!(Key);

/// An IAM user. Derived: `access_keys` (this user's keys, with their derived
/// fields), `mfa_active`, `password_unused_days` (null without a password).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct User {
    /// User name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// Always `global`.
    pub region: String,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// Whether the user has a console password.
    pub password_enabled: bool,
    /// When the console password was last used.
    pub password_last_used: Option<DateTime<Utc>>,
    /// Serial numbers of the user's MFA devices.
    pub mfa_devices: Vec<String>,
    /// ARNs of the managed policies attached.
    pub attached_policy_arns: Vec<String>,
    /// The groups the user is in.
    pub groups: Vec<String>,
    /// ARNs of the managed policies attached to those groups: the user has
    /// their permissions too.
    pub group_policy_arns: Vec<String>,
}
impl_resource!(User);

/// An IAM access key. Derived: `age_days`, `unused_days` (days since last
/// use, or since creation when never used), both relative to `collected_at`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccessKey {
    /// Access key id, `AKIA...` (an identifier, not a secret).
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The IAM user name.
    pub user: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When the key was last used; null when never.
    pub last_used_at: Option<DateTime<Utc>>,
}
impl_resource!(AccessKey);

/// An IAM role.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Role {
    /// Role name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// ARNs of the managed policies attached.
    pub attached_policy_arns: Vec<String>,
    /// The trust policy (`AssumeRolePolicyDocument`), decoded. Derived:
    /// `trust_statements`, `trust_public`, `trust_cross_account_unguarded`,
    /// `trust_github_unscoped` (see the README).
    pub trust_policy: serde_json::Value,
}
impl_resource!(Role);

/// An IAM server certificate (the TLS certificates IAM stores for load
/// balancers and CloudFront where ACM is not used).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServerCertificate {
    /// Certificate name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// When it was uploaded.
    pub uploaded_at: Option<DateTime<Utc>>,
    /// When it expires. Derived: `expires_in_days` (negative once expired).
    pub expires_at: Option<DateTime<Utc>>,
}
impl_resource!(ServerCertificate);

/// An IAM virtual MFA device and the user it is assigned to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VirtualMfaDevice {
    /// The device's serial number (an ARN, `arn:aws:iam::…:mfa/NAME`).
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// ARN of the user it is assigned to (`arn:aws:iam::…:root` for the
    /// root user); null when unassigned.
    pub user_arn: Option<String>,
}
impl_resource!(VirtualMfaDevice);

/// A customer managed or inline IAM policy. Derived: `statements` (the
/// document normalised: see the README).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// The ARN for a managed policy; `user/NAME/POLICY`, `role/NAME/POLICY`
    /// or `group/NAME/POLICY` for an inline one.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The policy name.
    pub name: String,
    /// `managed` or `inline`.
    pub policy_type: String,
    /// Users, roles and groups it is attached to (`user/NAME`, ...).
    pub attached_to: Vec<String>,
    /// The policy document (default version for managed policies).
    pub document: serde_json::Value,
}
impl_resource!(Policy, name);

/// The account password policy.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    /// The account id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// The minimum password length.
    pub minimum_length: i64,
    /// Whether a symbol is required.
    pub require_symbols: bool,
    /// Whether a digit is required.
    pub require_numbers: bool,
    /// Whether an upper-case letter is required.
    pub require_uppercase: bool,
    /// Whether a lower-case letter is required.
    pub require_lowercase: bool,
    /// Number of previous passwords that cannot be reused; 0 when not set.
    pub reuse_prevention: i64,
    /// Maximum password age in days; 0 when passwords do not expire.
    pub max_age_days: i64,
}
impl_resource!(PasswordPolicy);

/// The root user, from the credential report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RootUser {
    /// The account id.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// Whether the root user has an MFA device.
    pub mfa_active: bool,
    /// Number of active root access keys.
    pub active_access_keys: i64,
    /// When the console password was last used.
    pub password_last_used: Option<DateTime<Utc>>,
    /// Whether the root user has a password (`GetAccountSummary`); false
    /// in member accounts whose root credentials are managed centrally by
    /// AWS Organizations; null when unknown.
    pub password_present: Option<bool>,
}
impl_resource!(RootUser);

/// An IAM Access Analyzer analyzer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Analyzer {
    /// Analyzer name.
    pub id: String,
    /// The ARN; empty when the kind has none.
    pub arn: String,
    /// The region, or `global` for global services.
    pub region: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, `ORGANIZATION_UNUSED_ACCESS`.
    pub r#type: String,
    /// `ACTIVE`, `CREATING`, `DISABLED` or `FAILED`.
    pub status: String,
}
impl_resource!(Analyzer);
