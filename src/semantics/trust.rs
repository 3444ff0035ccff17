//! Role trust policies: who may assume a role, and on which condition.
//! Three questions a reviewer asks of every trust policy, answered from its
//! normalised statements ([`super::iam_policy`]):
//!
//! - can anyone at all assume it (`Principal: *`, `AWS: *` or a
//!   `NotPrincipal`, with no condition that pins the caller's account,
//!   organization or ARN);
//! - can another account assume it without `sts:ExternalId` (the
//!   confused-deputy guard AWS documents for third parties), an
//!   organization condition, or MFA (which a vendor's service cannot
//!   present, so what assumes it is a person);
//! - can a GitHub Actions workflow assume it without a `sub` condition
//!   that names the repository's owner (without one, every repository on
//!   GitHub can).

use super::iam_policy::{Condition, Statement, allows_action, allows_public, is_everyone};
use serde::Serialize;

/// The actions that assume a role.
const ASSUME: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

/// GitHub's OIDC issuer, also the prefix of its condition keys (an
/// enterprise issuer adds `/<enterprise>`).
const GITHUB: &str = "token.actions.githubusercontent.com";

/// What a trust policy allows, as findings a rule can read.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Trust {
    /// The statements that let anyone assume the role, e.g. `statement 1: Principal *`.
    pub trust_public: Vec<String>,
    /// Principals of other accounts that may assume the role with no
    /// `sts:ExternalId`, organization or MFA condition.
    pub trust_cross_account_unguarded: Vec<String>,
    /// GitHub OIDC statements whose `sub` condition is missing or does not
    /// name an owner, e.g. `statement 1: sub repo:*`.
    pub trust_github_unscoped: Vec<String>,
}

/// Reads a role's trust policy. `own_account` is the role's account id (a
/// principal of it is not cross-account).
pub fn analyse(statements: &[Statement], own_account: &str) -> Trust {
    let mut trust = Trust::default();
    for (n, s) in statements.iter().enumerate() {
        if s.effect != "Allow" || !ASSUME.iter().any(|a| allows_action(s, a)) {
            continue;
        }
        let label = match s.sid.as_str() {
            "" => format!("statement {}", n + 1),
            sid => format!("statement {sid}"),
        };
        if allows_public(std::slice::from_ref(s)) {
            let who = if is_everyone(&s.principals) {
                "Principal *"
            } else {
                "NotPrincipal"
            };
            trust.trust_public.push(format!("{label}: {who}"));
            continue;
        }
        if allows_action(s, "sts:AssumeRole") && !guarded(&s.conditions) {
            for p in &s.principals {
                if let Some(account) = p.strip_prefix("AWS:").and_then(account_of)
                    && account != own_account
                {
                    trust.trust_cross_account_unguarded.push(p["AWS:".len()..].to_string());
                }
            }
        }
        let github = s
            .principals
            .iter()
            .any(|p| p.starts_with("Federated:") && p.contains(GITHUB));
        if github
            && allows_action(s, "sts:AssumeRoleWithWebIdentity")
            && let Some(why) = github_unscoped(&s.conditions)
        {
            trust.trust_github_unscoped.push(format!("{label}: {why}"));
        }
    }
    trust
}

/// The account id of an `AWS` principal: a bare 12-digit id, or the account
/// field of an IAM or STS ARN.
fn account_of(principal: &str) -> Option<&str> {
    let account = match principal.split(':').collect::<Vec<_>>().as_slice() {
        [id] => *id,
        ["arn", _, "iam" | "sts", "", account, _] => *account,
        _ => return None,
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Operators that require a value (negated ones let every other value in).
fn pinning(operator: &str) -> bool {
    let op = operator
        .trim_start_matches("ForAnyValue:")
        .trim_start_matches("ForAllValues:")
        .trim_end_matches("IfExists");
    matches!(op, "StringEquals" | "StringLike" | "StringEqualsIgnoreCase")
}

/// Whether a cross-account statement requires an external id, membership of
/// an organization, or MFA.
fn guarded(conditions: &[Condition]) -> bool {
    conditions.iter().any(|c| {
        let has_values = !c.values.is_empty() && c.values.iter().all(|v| !v.is_empty());
        let fixed = has_values && c.values.iter().all(|v| !v.contains(['*', '?']));
        match c.key.as_str() {
            "sts:externalid" => pinning(&c.operator) && has_values,
            "aws:principalorgid" | "aws:principalorgpaths" => pinning(&c.operator) && fixed,
            "aws:multifactorauthpresent" => {
                c.operator.trim_end_matches("IfExists") == "Bool"
                    && !c.operator.ends_with("IfExists")
                    && c.values.iter().all(|v| v.eq_ignore_ascii_case("true"))
                    && has_values
            }
            "aws:multifactorauthage" => c.operator.starts_with("NumericLess") && has_values,
            _ => false,
        }
    })
}

/// Why a GitHub OIDC statement lets in more than one owner's repositories;
/// `None` when every `sub` value names an owner.
fn github_unscoped(conditions: &[Condition]) -> Option<String> {
    let subs: Vec<&Condition> = conditions
        .iter()
        .filter(|c| c.key.starts_with(GITHUB) && c.key.ends_with(":sub") && pinning(&c.operator))
        .collect();
    if subs.is_empty() {
        return Some("no sub condition".into());
    }
    // Conditions are ANDed: one scoped `sub` condition scopes the statement.
    if subs
        .iter()
        .any(|c| !c.values.is_empty() && c.values.iter().all(|v| scoped(v)))
    {
        return None;
    }
    let loose: Vec<&str> = subs
        .iter()
        .flat_map(|c| c.values.iter())
        .filter(|v| !scoped(v))
        .map(String::as_str)
        .collect();
    Some(format!("sub {}", loose.join(", ")))
}

/// Whether a `sub` value names one owner: no wildcard at all (an exact
/// claim, whatever the subject template), or a wildcard only after an
/// owner written out in full and followed by `/` (`repo:octo-org/*`).
/// `repo:octo-org*` also matches `repo:octo-org-evil/…`.
fn scoped(value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    if !value.contains(['*', '?']) {
        return true;
    }
    match value.split_once('/') {
        Some((owner, _)) => !owner.contains(['*', '?']) && owner.contains(':') && !owner.ends_with(':'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::iam_policy::normalise;
    use serde_json::json;

    fn trust(statement: serde_json::Value) -> Trust {
        analyse(&normalise(&json!({"Statement": [statement]})), "123456789012")
    }

    #[test]
    fn anyone_in_every_spelling() {
        let t = trust(json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}));
        assert_eq!(t.trust_public, vec!["statement 1: Principal *"]);
        let t = trust(json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:*"}));
        assert_eq!(t.trust_public.len(), 1);
        let t = trust(
            json!({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}),
        );
        assert_eq!(t.trust_public, vec!["statement 1: NotPrincipal"]);
        // An organization condition makes it not public.
        let t = trust(
            json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}),
        );
        assert!(t.trust_public.is_empty());
        // A deny never grants.
        let t = trust(json!({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}));
        assert_eq!(t, Trust::default());
    }

    #[test]
    fn cross_account_needs_a_guard() {
        let t = trust(
            json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}),
        );
        assert_eq!(t.trust_cross_account_unguarded, vec!["arn:aws:iam::111122223333:root"]);
        let t = trust(
            json!({"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "f3b1"}}}),
        );
        assert!(t.trust_cross_account_unguarded.is_empty());
        let t = trust(
            json!({"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
        );
        assert!(t.trust_cross_account_unguarded.is_empty());
        // BoolIfExists is true when the key is absent, as it is for access keys.
        let t = trust(
            json!({"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}),
        );
        assert_eq!(t.trust_cross_account_unguarded.len(), 1);
        // A negated external id condition is no guard.
        let t = trust(
            json!({"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"sts:ExternalId": "x"}}}),
        );
        assert_eq!(t.trust_cross_account_unguarded.len(), 1);
        // The role's own account is not cross-account.
        let t = trust(
            json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/ci"}, "Action": "sts:AssumeRole"}),
        );
        assert!(t.trust_cross_account_unguarded.is_empty());
    }

    #[test]
    fn github_needs_an_owner_in_sub() {
        let federated =
            json!({"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"});
        let with = |condition: serde_json::Value| {
            trust(json!({"Effect": "Allow", "Principal": federated, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}))
                .trust_github_unscoped
        };
        assert_eq!(
            with(json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})),
            vec!["statement 1: no sub condition"]
        );
        assert!(
            with(json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/app:*"}})).is_empty()
        );
        assert!(with(json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}})).is_empty());
        assert!(
            with(json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:octo-org/app:ref:refs/heads/main"}}))
                .is_empty()
        );
        assert_eq!(
            with(json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}})),
            vec!["statement 1: sub repo:*"]
        );
        assert_eq!(
            with(json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org*"}})).len(),
            1
        );
        assert_eq!(
            with(json!({"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:octo-org/*", "*"]}})).len(),
            1
        );
        assert_eq!(
            with(json!({"StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:evil/*"}})).len(),
            1
        );
    }

    #[test]
    fn principal_accounts() {
        assert_eq!(account_of("111122223333"), Some("111122223333"));
        assert_eq!(account_of("arn:aws:iam::111122223333:root"), Some("111122223333"));
        assert_eq!(
            account_of("arn:aws-cn:sts::111122223333:assumed-role/a/b"),
            Some("111122223333")
        );
        assert_eq!(account_of("AIDAEXAMPLE"), None);
        assert_eq!(account_of("arn:aws:iam::*:root"), None);
    }
}
