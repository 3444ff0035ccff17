//! The CEL environment rules are compiled in: the standard library, the
//! strings extension, and the helper functions that many rules need,
//! implemented once in Rust.
//!
//! | function | meaning |
//! |---|---|
//! | `covers_port(permission, port)` | a normalised security group permission (tcp or all protocols) includes `port` |
//! | `is_world_cidr(cidr)` | a public block of /8 (IPv4) or /16 (IPv6) or larger, `0.0.0.0/0` and `::/0` included |
//! | `looks_like_secret(name, value)` | an environment variable holds a secret in plain text |
//! | `mask_secret(value)` | at most three characters of a secret and its length |
//! | `secrets_in_text(text)` | masked findings in free text (user data) |
//! | `action_matches(actions, action)` | any IAM action pattern (wildcards) in the list matches `action` |
//! | `allows_on_every(statement, action, service, type)` | a normalised statement allows `action` on every resource of `type` of `service` (`Resource` `*` or `…:secret:*`, `NotAction`, `NotResource` included) |
//! | `unmatched_events(pattern, events)` | the events (JSON texts) a CloudWatch Logs filter pattern does not match (all of them when it cannot be read) |
//! | `arn_part(arn, part)` | `partition`, `service`, `region`, `account` or `resource` of an ARN |

use super::shared_map::SharedMap;
use crate::semantics::{iam_policy as policy, secrets};
use cel::common::types::{CelBool, CelInt, CelList, CelString};
use cel::common::value::Val;
use cel::{Env, ExecutionError};
use std::sync::{Arc, LazyLock};

/// The shared, immutable environment.
pub static ENV: LazyLock<Arc<Env>> = LazyLock::new(|| Arc::new(build()));

fn build() -> Env {
    let mut env = Env::stdlib();
    // Registration can only fail on a duplicate name, which is a bug caught by
    // every test that compiles a rule.
    let results = [
        env.add_extension(cel::extensions::strings),
        cel::add_overload!(env, fn covers_port: (SharedMap, CelInt) -> Result<CelBool>, name = "covers_port"),
        cel::add_overload!(env, fn is_world_cidr: (CelString) -> CelBool, name = "is_world_cidr"),
        cel::add_overload!(env, fn looks_like_secret: (CelString, CelString) -> CelBool, name = "looks_like_secret"),
        cel::add_overload!(env, fn mask_secret: (CelString) -> CelString, name = "mask_secret"),
        cel::add_overload!(env, fn secrets_in_text: (CelString) -> CelList, name = "secrets_in_text"),
        cel::add_overload!(env, fn action_matches: (CelList, CelString) -> CelBool, name = "action_matches"),
        cel::add_overload!(env, fn arn_part: (CelString, CelString) -> Result<CelString>, name = "arn_part"),
        cel::add_overload!(env, fn unmatched_events: (CelString, CelList) -> CelList, name = "unmatched_events"),
        cel::add_overload!(env, fn allows_on_every: (SharedMap, CelString, CelString, CelString) -> Result<CelBool>, name = "allows_on_every"),
    ];
    for result in results {
        if let Err(e) = result {
            panic!("the CEL helper functions are declared twice: {e}");
        }
    }
    env
}

fn field<'a>(map: &'a SharedMap, key: &str) -> Option<&'a (dyn Val + 'static)> {
    map.get_str(key)
}

fn int_field(map: &SharedMap, key: &str) -> Result<i64, ExecutionError> {
    field(map, key)
        .and_then(|v| v.downcast_ref::<CelInt>())
        .map(|i| *i.inner())
        .ok_or_else(|| ExecutionError::function_error("covers_port", format!("the permission has no integer `{key}`")))
}

fn covers_port(permission: &SharedMap, port: &CelInt) -> Result<CelBool, ExecutionError> {
    let protocol = field(permission, "protocol")
        .and_then(|v| v.downcast_ref::<CelString>())
        .map(|s| s.inner().to_string())
        .ok_or_else(|| ExecutionError::function_error("covers_port", "the permission has no string `protocol`"))?;
    let (from, to, port) = (
        int_field(permission, "from_port")?,
        int_field(permission, "to_port")?,
        *port.inner(),
    );
    Ok(CelBool::from(crate::semantics::network::covers_tcp_port(
        &protocol, from, to, port,
    )))
}

fn is_world_cidr(cidr: &CelString<'_>) -> CelBool {
    CelBool::from(crate::semantics::network::is_world_cidr(cidr.inner()))
}

fn looks_like_secret(name: &CelString<'_>, value: &CelString<'_>) -> CelBool {
    CelBool::from(secrets::looks_like_secret(name.inner(), value.inner()))
}

fn mask_secret(value: &CelString<'_>) -> CelString<'static> {
    CelString::from(secrets::mask(value.inner()))
}

fn secrets_in_text(text: &CelString<'_>) -> CelList<'static> {
    let found: Vec<Box<dyn Val>> = secrets::scan_text(text.inner())
        .into_iter()
        .map(|s| Box::new(CelString::from(s)) as Box<dyn Val>)
        .collect();
    CelList::from(found)
}

fn unmatched_events(pattern: &CelString<'_>, events: &CelList<'_>) -> CelList<'static> {
    let texts: Vec<&str> = events
        .inner()
        .iter()
        .filter_map(|v| v.downcast_ref::<CelString>().map(|s| s.inner()))
        .collect();
    let missed: Vec<Box<dyn Val>> = crate::semantics::log_filter::unmatched(pattern.inner(), &texts)
        .into_iter()
        .map(|e| Box::new(CelString::from(e.to_string())) as Box<dyn Val>)
        .collect();
    CelList::from(missed)
}

fn action_matches(actions: &CelList<'_>, action: &CelString<'_>) -> CelBool {
    let matched = actions.inner().iter().any(|pattern| {
        pattern
            .downcast_ref::<CelString>()
            .is_some_and(|p| policy::action_matches(p.inner(), action.inner()))
    });
    CelBool::from(matched)
}

/// The strings of a list field of a map (a normalised statement's `actions`).
fn string_list(map: &SharedMap, key: &str, function: &str) -> Result<Vec<String>, ExecutionError> {
    let list = field(map, key)
        .and_then(|v| v.downcast_ref::<CelList>())
        .ok_or_else(|| ExecutionError::function_error(function, format!("the statement has no list `{key}`")))?;
    Ok(list
        .inner()
        .iter()
        .filter_map(|v| v.downcast_ref::<CelString>().map(|s| s.inner().to_string()))
        .collect())
}

fn allows_on_every(
    statement: &SharedMap,
    action: &CelString<'_>,
    service: &CelString<'_>,
    resource_type: &CelString<'_>,
) -> Result<CelBool, ExecutionError> {
    let name = "allows_on_every";
    let effect = field(statement, "effect")
        .and_then(|v| v.downcast_ref::<CelString>())
        .map(|s| s.inner().to_string())
        .ok_or_else(|| ExecutionError::function_error(name, "the statement has no string `effect`"))?;
    let statement = policy::Statement {
        effect,
        actions: string_list(statement, "actions", name)?,
        not_actions: string_list(statement, "not_actions", name)?,
        resources: string_list(statement, "resources", name)?,
        not_resources: string_list(statement, "not_resources", name)?,
        ..policy::Statement::default()
    };
    Ok(CelBool::from(policy::allows_on_every(
        &statement,
        action.inner(),
        service.inner(),
        resource_type.inner(),
    )))
}

fn arn_part(arn: &CelString<'_>, part: &CelString<'_>) -> Result<CelString<'static>, ExecutionError> {
    let fields: Vec<&str> = arn.inner().splitn(6, ':').collect();
    if fields.len() < 6 || fields[0] != "arn" {
        return Ok(CelString::from(String::new()));
    }
    let index = match part.inner() {
        "partition" => 1,
        "service" => 2,
        "region" => 3,
        "account" => 4,
        "resource" => 5,
        other => {
            return Err(ExecutionError::function_error(
                "arn_part",
                format!("unknown part `{other}`; use partition, service, region, account or resource"),
            ));
        }
    };
    Ok(CelString::from(fields[index].to_string()))
}
