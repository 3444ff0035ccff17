//! IAM policy documents (identity and resource policies) in one normalised
//! shape, and the statement matching that rules and joins share.
//!
//! A document's statements become a list of [`Statement`] with every
//! string-or-list field turned into a list, principals flattened to
//! `TYPE:value` strings (`*` stays `*`, `{"AWS": "*"}` is `AWS:*`), and
//! conditions flattened to `{operator, key, values}` with the key in lower
//! case (IAM condition keys are case-insensitive) and every value a string.

use super::network::World;
use crate::glob::wildcard_match;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// One normalised policy statement.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
pub struct Statement {
    pub sid: String,
    /// `Allow` or `Deny`.
    pub effect: String,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    /// `*`, `AWS:arn:...`, `Service:cloudfront.amazonaws.com`, `Federated:...`.
    pub principals: Vec<String>,
    /// `NotPrincipal`, in the same form: an `Allow` with it grants everyone
    /// else.
    pub not_principals: Vec<String>,
    pub conditions: Vec<Condition>,
    /// An `Allow` of every action on every resource: `Action` `*` (or
    /// `*:*`), or a `NotAction` that leaves all but a few actions; on
    /// `Resource` `*` (`*:*`, `*/*`), or a `NotResource` that leaves all but
    /// a few resources. Conditions are not weighed: an administrator grant
    /// behind MFA is still one.
    pub full_access: bool,
}

/// One condition test.
#[derive(Debug, Clone, Default, Serialize, JsonSchema, PartialEq)]
pub struct Condition {
    /// e.g. `StringEquals`, `Bool`, `ArnLike`.
    pub operator: String,
    /// The condition key in lower case, e.g. `aws:securetransport`.
    pub key: String,
    pub values: Vec<String>,
}

/// Normalises a policy document; a document given as a JSON string is parsed
/// first. Anything unreadable yields no statements.
pub fn normalise(document: &Value) -> Vec<Statement> {
    let parsed;
    let document = match document {
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
            &parsed
        }
        other => other,
    };
    let statements = match document.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => Vec::new(),
    };
    statements.into_iter().map(statement).collect()
}

/// Patterns that match every action, or every resource.
const EVERYTHING: &[&str] = &["*", "*:*", "*/*"];

fn everything(patterns: &[String]) -> bool {
    patterns.iter().any(|p| EVERYTHING.contains(&p.trim()))
}

/// Whether a statement allows every action on every resource (see
/// [`Statement::full_access`]).
fn full_access(s: &Statement) -> bool {
    let all_actions = everything(&s.actions) || (!s.not_actions.is_empty() && !everything(&s.not_actions));
    let all_resources = everything(&s.resources) || (!s.not_resources.is_empty() && !everything(&s.not_resources));
    s.effect == "Allow" && all_actions && all_resources
}

fn statement(s: &Value) -> Statement {
    let mut statement = read_statement(s);
    statement.full_access = full_access(&statement);
    statement
}

fn read_statement(s: &Value) -> Statement {
    Statement {
        sid: s.get("Sid").and_then(Value::as_str).unwrap_or_default().to_string(),
        effect: s.get("Effect").and_then(Value::as_str).unwrap_or_default().to_string(),
        actions: strings(s.get("Action")),
        not_actions: strings(s.get("NotAction")),
        resources: strings(s.get("Resource")),
        not_resources: strings(s.get("NotResource")),
        principals: principals(s.get("Principal")),
        not_principals: principals(s.get("NotPrincipal")),
        conditions: conditions(s.get("Condition")),
        full_access: false,
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(list)) => list.iter().filter_map(scalar).collect(),
        Some(other) => scalar(other).into_iter().collect(),
        None => Vec::new(),
    }
}

fn principals(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Object(map)) => map
            .iter()
            .flat_map(|(kind, values)| strings(Some(values)).into_iter().map(move |p| format!("{kind}:{p}")))
            .collect(),
        _ => Vec::new(),
    }
}

fn conditions(v: Option<&Value>) -> Vec<Condition> {
    let Some(Value::Object(operators)) = v else {
        return Vec::new();
    };
    operators
        .iter()
        .flat_map(|(operator, keys)| {
            let keys = keys.as_object().cloned().unwrap_or_default();
            keys.into_iter().map(move |(key, values)| Condition {
                operator: operator.clone(),
                key: key.to_ascii_lowercase(),
                values: strings(Some(&values)),
            })
        })
        .collect()
}

/// Whether an IAM action pattern (with `*` and `?` wildcards, case-insensitive)
/// matches `action`, e.g. `secretsmanager:Get*` matches `secretsmanager:GetSecretValue`.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(
        pattern.to_ascii_lowercase().as_bytes(),
        action.to_ascii_lowercase().as_bytes(),
    )
}

/// Whether a principal list grants to everyone.
pub fn is_everyone(principals: &[String]) -> bool {
    principals.iter().any(|p| p == "*" || p == "AWS:*")
}

/// Whether a resource pattern covers every resource of `resource_type` of
/// `service`, whatever its name: `*`, or an ARN pattern whose service part
/// matches `service` and whose resource part matches any name of that type
/// (`arn:aws:secretsmanager:*:*:secret:*`, `…:us-east-1:123456789012:secret:*`).
/// Partition, region and account are not narrowing here: every secret of a
/// region is still every secret.
pub fn covers_every(pattern: &str, service: &str, resource_type: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    if pattern == "*" {
        return true;
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let glob = |p: &str, t: &str| crate::glob::wildcard_match(p.as_bytes(), t.as_bytes());
    // A name no real resource has: only a pattern that matches any name matches it.
    let any_name = format!("{}:\u{1}\u{2}/\u{3}", resource_type.to_ascii_lowercase());
    let any_path = format!("{}/\u{1}\u{2}/\u{3}", resource_type.to_ascii_lowercase());
    parts.len() == 6
        && parts[0] == "arn"
        && glob(parts[2], &service.to_ascii_lowercase())
        && (glob(parts[5], &any_name) || glob(parts[5], &any_path))
}

/// Whether a statement allows `action` on every resource of `resource_type`
/// of `service`: an `Allow` whose `Action` matches it (or whose `NotAction`
/// does not), on a resource pattern that covers them all (or a
/// `NotResource`, which allows everything it does not list).
pub fn allows_on_every(s: &Statement, action: &str, service: &str, resource_type: &str) -> bool {
    let action_allowed = s.actions.iter().any(|p| action_matches(p, action))
        || (!s.not_actions.is_empty() && !s.not_actions.iter().any(|p| action_matches(p, action)));
    let everywhere = s.resources.iter().any(|r| covers_every(r, service, resource_type))
        || (!s.not_resources.is_empty() && !s.not_resources.iter().any(|r| covers_every(r, service, resource_type)));
    s.effect == "Allow" && action_allowed && everywhere
}

/// Condition keys that, with a fixed value, restrict a statement to known
/// principals, accounts, networks or resources, as AWS decides whether a
/// bucket policy is public ("The meaning of public", Amazon S3 User Guide,
/// access-control-block-public-access.html).
const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
];

/// Operators that pin a value (with a negated operator, everyone but a few
/// is still everyone).
const PINNING_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "ArnEquals",
    "ArnLike",
    "IpAddress",
];

/// Whether a condition restricts who can use a statement: a restricting key
/// pinned to fixed, wildcard-free values (for `aws:SourceIp`, ranges that
/// together are not the world as `world` defines it: `0.0.0.0/1` with
/// `128.0.0.0/1` restricts nothing). `aws:Referer`, `aws:SecureTransport`
/// and the like restrict nothing: anyone can send them.
fn restricts(c: &Condition, world: &World) -> bool {
    let operator = c
        .operator
        .trim_start_matches("ForAnyValue:")
        .trim_start_matches("ForAllValues:")
        .trim_end_matches("IfExists");
    let fixed = |v: &String| !v.is_empty() && !v.contains(['*', '?']);
    RESTRICTING_KEYS.contains(&c.key.as_str())
        && PINNING_OPERATORS.contains(&operator)
        && !c.values.is_empty()
        && c.values.iter().all(fixed)
        && (c.key != "aws:sourceip" || {
            let cidrs: Vec<&str> = c.values.iter().map(String::as_str).collect();
            super::network::world_sources(&cidrs, world).is_empty()
        })
}

/// Whether a statement's actions include `action` (`Action` patterns, or
/// everything a `NotAction` leaves).
pub fn allows_action(s: &Statement, action: &str) -> bool {
    if s.actions.is_empty() {
        !s.not_actions.is_empty() && !s.not_actions.iter().any(|p| action_matches(p, action))
    } else {
        s.actions.iter().any(|p| action_matches(p, action))
    }
}

/// Whether a resource policy allows anyone at all: an `Allow` for everyone
/// (`*`, `AWS:*`, or a `NotPrincipal`) that no condition restricts to known
/// principals, accounts or networks, with the default limits of the world.
pub fn allows_public(statements: &[Statement]) -> bool {
    allows_public_in(statements, &World::default())
}

/// [`allows_public`], with the world as the configuration defines it.
pub fn allows_public_in(statements: &[Statement], world: &World) -> bool {
    statements.iter().any(|s| {
        s.effect == "Allow"
            && (is_everyone(&s.principals) || !s.not_principals.is_empty())
            && !s.conditions.iter().any(|c| restricts(c, world))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full(statement: serde_json::Value) -> bool {
        normalise(&json!({"Statement": statement}))[0].full_access
    }

    fn reads_every_secret(statement: serde_json::Value) -> bool {
        let s = &normalise(&json!({"Statement": statement}))[0];
        allows_on_every(s, "secretsmanager:GetSecretValue", "secretsmanager", "secret")
    }

    #[test]
    fn every_secret_in_every_spelling() {
        assert!(reads_every_secret(
            json!({"Effect": "Allow", "Action": "secretsmanager:Get*", "Resource": "*"})
        ));
        assert!(reads_every_secret(
            json!({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:*:*:secret:*"})
        ));
        assert!(reads_every_secret(
            json!({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:*"})
        ));
        assert!(reads_every_secret(
            json!({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})
        ));
        assert!(reads_every_secret(json!({"Effect": "Allow", "Action": "*",
            "NotResource": "arn:aws:secretsmanager:*:*:secret:break-glass-*"})));
    }

    #[test]
    fn scoped_secrets_are_not_every_secret() {
        assert!(!reads_every_secret(
            json!({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:*:*:secret:app/entry-encryption-key-*"})
        ));
        assert!(!reads_every_secret(
            json!({"Effect": "Allow", "Action": "secretsmanager:DescribeSecret", "Resource": "*"})
        ));
        assert!(!reads_every_secret(
            json!({"Effect": "Allow", "NotAction": "secretsmanager:*", "Resource": "*"})
        ));
        assert!(!reads_every_secret(
            json!({"Effect": "Deny", "Action": "*", "Resource": "*"})
        ));
        assert!(!reads_every_secret(
            json!({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"})
        ));
    }

    #[test]
    fn full_access_in_every_spelling() {
        assert!(full(json!({"Effect": "Allow", "Action": "*", "Resource": "*"})));
        assert!(full(json!({"Effect": "Allow", "Action": ["*:*"], "Resource": "*:*"})));
        assert!(full(
            json!({"Effect": "Allow", "NotAction": "iam:DeleteAccountPasswordPolicy", "Resource": "*"})
        ));
        assert!(full(
            json!({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::audit/*"})
        ));
        assert!(full(
            json!({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
        ));
    }

    #[test]
    fn scoped_or_denied_is_not_full_access() {
        assert!(!full(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})));
        assert!(!full(
            json!({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"})
        ));
        assert!(!full(json!({"Effect": "Deny", "Action": "*", "Resource": "*"})));
        // NotAction of everything allows nothing.
        assert!(!full(json!({"Effect": "Allow", "NotAction": "*", "Resource": "*"})));
    }

    #[test]
    fn normalises_string_or_list_fields_principals_and_conditions() {
        let doc = json!({"Statement": {"Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::1:root"], "Service": "cloudfront.amazonaws.com"},
            "Action": "s3:*", "Resource": ["arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": false}}}});
        let s = &normalise(&doc)[0];
        assert_eq!(s.actions, ["s3:*"]);
        assert_eq!(
            s.principals,
            ["AWS:arn:aws:iam::1:root", "Service:cloudfront.amazonaws.com"]
        );
        assert_eq!(
            s.conditions,
            [Condition {
                operator: "Bool".into(),
                key: "aws:securetransport".into(),
                values: vec!["false".into()]
            }]
        );
    }

    #[test]
    fn a_policy_given_as_text_is_parsed() {
        let doc = json!("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}]}");
        assert!(allows_public(&normalise(&doc)));
    }

    #[test]
    fn a_condition_makes_a_wildcard_principal_not_public() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]});
        assert!(!allows_public(&normalise(&doc)));
    }

    #[test]
    fn only_conditions_that_pin_who_can_use_it_make_a_statement_private() {
        let public = |condition: serde_json::Value| {
            allows_public(&normalise(&json!({"Statement": [{"Effect": "Allow", "Principal": "*",
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": condition}]})))
        };
        assert!(public(json!({"Bool": {"aws:SecureTransport": "true"}})));
        assert!(public(json!({"StringLike": {"aws:Referer": "https://example.com/*"}})));
        assert!(public(json!({"StringLike": {"aws:SourceVpce": "*"}})));
        assert!(public(json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})));
        assert!(public(
            json!({"StringNotEquals": {"aws:SourceAccount": "123456789012"}})
        ));
        assert!(!public(json!({"StringEquals": {"aws:SourceAccount": "123456789012"}})));
        assert!(!public(
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1"}})
        ));
        assert!(!public(json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}})));
        assert!(!public(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})));
    }

    #[test]
    fn an_allow_with_not_principal_grants_everyone_else() {
        let doc = json!({"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]});
        assert!(allows_public(&normalise(&doc)));
    }

    #[test]
    fn wildcards_match_actions_case_insensitively() {
        assert!(action_matches("secretsmanager:Get*", "secretsmanager:GetSecretValue"));
        assert!(action_matches("*", "secretsmanager:GetSecretValue"));
        assert!(action_matches(
            "SecretsManager:getsecretvalue",
            "secretsmanager:GetSecretValue"
        ));
        assert!(action_matches(
            "secretsmanager:Get?ecretValue",
            "secretsmanager:GetSecretValue"
        ));
        assert!(!action_matches("secretsmanager:List*", "secretsmanager:GetSecretValue"));
        assert!(!action_matches("s3:*", "secretsmanager:GetSecretValue"));
    }
}
