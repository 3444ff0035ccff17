//! Conversion of JSON values into CEL values, done once per resource.
//!
//! Integers become CEL `int` (never `uint`), so that rules compare them with
//! plain literals (`resource.port == 5432`).

use super::shared_map::SharedMap;
use cel::common::types::{CelBool, CelDouble, CelInt, CelList, CelNull, CelString};
use cel::common::value::Val;
use serde_json::Value;

/// Converts a JSON value into an owned CEL value; objects become
/// [`SharedMap`]s.
pub fn json_to_val(value: &Value) -> Box<dyn Val> {
    match value {
        Value::Null => Box::new(CelNull),
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Box::new(CelInt::from(i)),
            // Larger than i64::MAX or fractional: a double keeps comparisons working.
            None => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::MAX))),
        },
        Value::String(s) => Box::new(CelString::from(s.clone())),
        Value::Array(items) => Box::new(CelList::from(items.iter().map(json_to_val).collect::<Vec<_>>())),
        Value::Object(map) => Box::new(SharedMap::new(
            map.iter().map(|(k, v)| (k.clone(), json_to_val(v))).collect(),
        )),
    }
}

/// Converts a CEL result into JSON (for evidence and test output).
pub fn cel_to_json(value: &cel::Value) -> Value {
    match value {
        cel::Value::Null => Value::Null,
        cel::Value::Bool(b) => Value::Bool(*b),
        cel::Value::Int(i) => Value::from(*i),
        cel::Value::UInt(u) => Value::from(*u),
        cel::Value::Float(f) => Value::from(*f),
        cel::Value::String(s) => Value::String(s.to_string()),
        cel::Value::List(items) => Value::Array(items.iter().map(cel_to_json).collect()),
        cel::Value::Map(map) => {
            let mut entries: Vec<(String, Value)> =
                map.map.iter().map(|(k, v)| (key_string(k), cel_to_json(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        other => Value::String(format!("{other:?}")),
    }
}

fn key_string(key: &cel::objects::Key) -> String {
    match key {
        cel::objects::Key::String(s) => s.to_string(),
        cel::objects::Key::Int(i) => i.to_string(),
        cel::objects::Key::Uint(u) => u.to_string(),
        cel::objects::Key::Bool(b) => b.to_string(),
    }
}
