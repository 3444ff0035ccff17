//! Derived fields of the identity kinds: access key ages, a user's keys,
//! MFA and unused password, normalised policy documents, what role trust
//! policies allow, certificate expiry.

use super::derive::{Derive, stored_only};
use super::{Join, Joins};
use crate::semantics::iam_policy::{self, Statement};
use crate::semantics::trust::{self, Trust};
use crate::snapshot::identity::*;
use serde::Serialize;

#[derive(Debug, Default, Serialize)]
pub struct AccessKeyFields {
    /// Days from creation to the collection.
    pub age_days: Option<i64>,
    /// Days from last use (else creation) to the collection.
    pub unused_days: Option<i64>,
}

impl AccessKeyFields {
    fn of(key: &AccessKey, joins: &Joins) -> AccessKeyFields {
        AccessKeyFields {
            age_days: joins.days_since(key.created_at),
            unused_days: joins.days_since(key.last_used_at.or(key.created_at)),
        }
    }
}

impl Derive for AccessKey {
    type Fields<'a> = AccessKeyFields;
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        AccessKeyFields::of(self, joins)
    }
}

/// An access key with its derived fields, as a user's `access_keys` list it.
#[derive(Debug, Serialize)]
pub struct AccessKeyView<'a> {
    #[serde(flatten)]
    pub key: &'a AccessKey,
    #[serde(flatten)]
    pub derived: AccessKeyFields,
}

/// The managed policies among `arns` that grant full access: AWS's
/// `AdministratorAccess` (in any partition), or a customer managed policy
/// of the snapshot with a full-access statement.
fn admin_policies<'a>(arns: impl Iterator<Item = &'a String>, joins: &Joins) -> Vec<&'a str> {
    let mut admin: Vec<&str> = arns
        .filter(|arn| {
            arn.ends_with(":iam::aws:policy/AdministratorAccess") || joins.admin_policies.contains(arn.as_str())
        })
        .map(String::as_str)
        .collect();
    admin.sort_unstable();
    admin.dedup();
    admin
}

/// The names of the AWS managed policies among `arns`
/// (`arn:<partition>:iam::aws:policy/[path/]Name`), sorted: their documents
/// are AWS's and are not collected, so rules recognise them by name.
fn aws_managed_policies<'a>(arns: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut names: Vec<&str> = arns
        .filter_map(|arn| arn.split_once(":iam::aws:policy/").map(|(_, path)| path))
        .map(|path| path.rsplit('/').next().unwrap_or(path))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[derive(Debug, Default, Serialize)]
pub struct UserFields<'a> {
    pub access_keys: Vec<AccessKeyView<'a>>,
    /// Attached policies, directly or through a group, that grant full access.
    pub admin_policies: Vec<&'a str>,
    /// Names of the AWS managed policies attached, directly or through a group.
    pub aws_managed_policies: Vec<&'a str>,
    /// Names of its inline policies.
    pub inline_policies: Vec<&'a str>,
    pub mfa_active: bool,
    /// Days since the console password was last used (else created); null
    /// without a console password.
    pub password_unused_days: Option<i64>,
}

impl Derive for User {
    type Fields<'a> = UserFields<'a>;
    const JOINS: &'static [Join] = &[
        ("access_keys", &["iam.access_key"]),
        ("admin_policies", &["iam.policy"]),
        ("inline_policies", &["iam.policy"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let keys = joins.keys_by_user.get(self.id.as_str()).map_or(&[][..], Vec::as_slice);
        UserFields {
            access_keys: keys
                .iter()
                .map(|key| AccessKeyView {
                    key,
                    derived: AccessKeyFields::of(key, joins),
                })
                .collect(),
            admin_policies: admin_policies(self.attached_policy_arns.iter().chain(&self.group_policy_arns), joins),
            aws_managed_policies: aws_managed_policies(self.attached_policy_arns.iter().chain(&self.group_policy_arns)),
            inline_policies: (joins.inline_by_user.get(self.id.as_str()))
                .map_or_else(Vec::new, |ps| ps.iter().map(|p| p.name.as_str()).collect()),
            mfa_active: !self.mfa_devices.is_empty(),
            password_unused_days: self
                .password_enabled
                .then(|| joins.days_since(self.password_last_used.or(self.created_at)))
                .flatten(),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct PolicyFields {
    /// The policy document, normalised.
    pub statements: Vec<Statement>,
}

impl Derive for Policy {
    type Fields<'a> = PolicyFields;
    const SOURCES: &'static [super::derive::Source] = &[("statements", &["document"])];
    fn derive<'a>(&'a self, _: &'a Joins<'a>) -> Self::Fields<'a> {
        PolicyFields {
            statements: iam_policy::normalise(&self.document),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct RoleFields<'a> {
    /// Attached policies that grant full access.
    pub admin_policies: Vec<&'a str>,
    /// Names of the AWS managed policies attached.
    pub aws_managed_policies: Vec<&'a str>,
    /// The trust policy, normalised.
    pub trust_statements: Vec<Statement>,
    /// What the trust policy allows (see `crate::semantics::trust`): the
    /// statements that let anyone assume it, the other accounts' principals
    /// that may without a guard, the GitHub OIDC statements not scoped to
    /// an owner. Kept as plain fields: derived fields are a flat struct.
    pub trust_public: Vec<String>,
    pub trust_cross_account_unguarded: Vec<String>,
    pub trust_github_unscoped: Vec<String>,
}

impl Derive for Role {
    type Fields<'a> = RoleFields<'a>;
    const JOINS: &'static [Join] = &[("admin_policies", &["iam.policy"])];
    const SOURCES: &'static [super::derive::Source] = &[
        ("admin_policies", &["attached_policy_arns"]),
        ("aws_managed_policies", &["attached_policy_arns"]),
        ("trust_statements", &["trust_policy"]),
        ("trust_public", &["trust_policy", "arn"]),
        ("trust_cross_account_unguarded", &["trust_policy", "arn"]),
        ("trust_github_unscoped", &["trust_policy", "arn"]),
    ];
    fn derive<'a>(&'a self, joins: &'a Joins<'a>) -> Self::Fields<'a> {
        let trust_statements = iam_policy::normalise(&self.trust_policy);
        let Trust {
            trust_public,
            trust_cross_account_unguarded,
            trust_github_unscoped,
        } = trust::analyse(&trust_statements, self.arn.split(':').nth(4).unwrap_or_default());
        RoleFields {
            admin_policies: admin_policies(self.attached_policy_arns.iter(), joins),
            aws_managed_policies: aws_managed_policies(self.attached_policy_arns.iter()),
            trust_public,
            trust_cross_account_unguarded,
            trust_github_unscoped,
            trust_statements,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct SecretFields {
    /// The longest interval between rotations, in days: `rotation_days`,
    /// or what the schedule expression gives; null when unknown.
    pub rotation_interval_days: Option<i64>,
}

impl Derive for Secret {
    type Fields<'a> = SecretFields;
    fn derive<'a>(&'a self, _: &'a Joins<'a>) -> Self::Fields<'a> {
        SecretFields {
            rotation_interval_days: self.rotation_days.or_else(|| {
                self.schedule_expression
                    .as_deref()
                    .and_then(crate::semantics::schedule::interval_days)
            }),
        }
    }
}

super::derive::expires!(ServerCertificate => expires_at);

stored_only!(Key, PasswordPolicy, RootUser, VirtualMfaDevice, Analyzer);
