//! The Terraform plan document (`terraform show -json PLANFILE`, also
//! OpenTofu's): its resource instances as they will be after apply, the
//! configuration they come from, and the references between them.
//!
//! What a plan says about a resource, and how it is read here:
//! - `resource_changes[].change.after` is the planned state of a create,
//!   update or replacement (and of a `no-op`, the unchanged resource);
//!   `after_unknown` marks the values known only after apply; sensitive
//!   values are read like any other, since the secret rules must see them,
//!   and reports mask the values those rules report; a delete plans nothing;
//! - `prior_state` holds resources (and data sources read during the plan)
//!   that older plans do not list in `resource_changes` when unchanged;
//! - `configuration` holds each resource block's expressions, whose
//!   `references` name the resources a value comes from: the only link
//!   between a new bucket and its public access block while the bucket's id
//!   is still unknown. References inside a module are relative to it;
//!   `var.x` leads to the module call's argument in the parent and
//!   `module.m.out` to the child's output, both followed here.

use serde_json::Value;
use std::collections::HashMap;

/// What the plan does to an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Replace,
    NoOp,
}

/// One resource instance that exists after apply.
#[derive(Debug)]
pub struct Instance {
    /// `module.app.aws_s3_bucket.logs["eu"]`.
    pub address: String,
    /// The module instance it is in: `module.app[0]`, or `""` at the root.
    pub module: String,
    /// The configuration block it comes from, indexes removed:
    /// `module.app.aws_s3_bucket.logs`.
    pub config_key: String,
    pub rtype: String,
    pub name: String,
    /// The `count` index or `for_each` key, when there is one.
    pub index: Option<Value>,
    pub values: Value,
    pub unknown: Value,
    pub action: Action,
}

/// A resource block of the configuration.
#[derive(Debug)]
pub struct ConfigBlock {
    pub expressions: Value,
    pub provider_key: String,
}

/// A module call: where its code lives.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    /// `module.app.module.db`, indexes removed.
    pub key: String,
    /// The `source` argument as written: `./modules/db`, a registry address.
    pub source: String,
}

/// A parsed plan.
#[derive(Debug, Default)]
pub struct Plan {
    pub format_version: String,
    pub terraform_version: String,
    pub instances: Vec<Instance>,
    /// Data sources read during the plan (`aws_caller_identity`, ...).
    pub data: Vec<Instance>,
    pub configs: HashMap<String, ConfigBlock>,
    /// Module calls by key; the root is not one.
    pub modules: Vec<ModuleCall>,
    /// `expressions` of each module call, by key.
    call_args: HashMap<String, Value>,
    /// The `outputs` of each module, by module key (`""` for the root).
    outputs: HashMap<String, Value>,
    /// Constant `region` of each provider configuration, by its key.
    pub provider_regions: HashMap<String, String>,
    /// Instances by module instance and configuration key, and by those and index.
    by_config: HashMap<(String, String), Vec<usize>>,
    by_index: HashMap<(String, String, String), usize>,
}

/// The module key of a module instance address: `module.a[0].module.b` →
/// `module.a.module.b`.
pub fn strip_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut previous = '\0';
    for c in address.chars() {
        match c {
            '"' if depth > 0 && previous != '\\' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
        previous = c;
    }
    out
}

fn join(module: &str, rest: &str) -> String {
    if module.is_empty() {
        rest.to_string()
    } else {
        format!("{module}.{rest}")
    }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

impl Plan {
    /// Reads the parts of a plan document this source uses. The document's
    /// envelope (`format_version`) is checked by the caller.
    pub fn from_document(mut doc: Value) -> Plan {
        let mut plan = Plan {
            format_version: text(&doc, "format_version"),
            terraform_version: text(&doc, "terraform_version"),
            ..Plan::default()
        };
        if let Some(root) = doc.pointer("/configuration/root_module") {
            plan.read_module(root, "");
        }
        if let Some(providers) = doc.pointer("/configuration/provider_config").and_then(Value::as_object) {
            for (key, provider) in providers {
                if let Some(region) = provider
                    .pointer("/expressions/region/constant_value")
                    .and_then(Value::as_str)
                {
                    plan.provider_regions.insert(key.clone(), region.to_string());
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(Value::Array(changes)) = doc.get_mut("resource_changes").map(Value::take) {
            for mut change in changes {
                let address = text(&change, "address");
                seen.insert(address.clone());
                let actions: Vec<String> = change
                    .pointer("/change/actions")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default();
                let has = |a: &str| actions.iter().any(|x| x == a);
                let action = match (has("create"), has("delete"), has("update"), has("read")) {
                    (true, true, _, _) => Action::Replace,
                    (true, false, _, _) => Action::Create,
                    (false, true, _, _) => continue,
                    (_, _, true, _) => Action::Update,
                    (_, _, _, true) => Action::NoOp,
                    _ => Action::NoOp,
                };
                let mode = text(&change, "mode");
                let body = change.get_mut("change").map(Value::take).unwrap_or_default();
                let mut body = body;
                let instance = Instance {
                    module: text(&change, "module_address"),
                    config_key: String::new(),
                    rtype: text(&change, "type"),
                    name: text(&change, "name"),
                    index: change.get_mut("index").map(Value::take).filter(|v| !v.is_null()),
                    values: body.get_mut("after").map(Value::take).unwrap_or_default(),
                    unknown: body.get_mut("after_unknown").map(Value::take).unwrap_or_default(),
                    action,
                    address,
                };
                plan.push(instance, mode == "data");
            }
        }
        if let Some(root) = doc.pointer_mut("/prior_state/values/root_module").map(Value::take) {
            plan.read_state_module(root, &mut seen);
        }
        plan
    }

    fn push(&mut self, mut instance: Instance, data: bool) {
        instance.config_key = join(
            &strip_indexes(&instance.module),
            &format!("{}.{}", instance.rtype, instance.name),
        );
        if data {
            self.data.push(instance);
            return;
        }
        let position = self.instances.len();
        let key = (instance.module.clone(), instance.config_key.clone());
        if let Some(index) = &instance.index {
            self.by_index
                .insert((key.0.clone(), key.1.clone(), index_text(index)), position);
        }
        self.by_config.entry(key).or_default().push(position);
        self.instances.push(instance);
    }

    fn read_module(&mut self, module: &Value, key: &str) {
        for resource in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
            if text(resource, "mode") == "data" {
                continue;
            }
            let address = join(key, &text(resource, "address"));
            self.configs.insert(
                address,
                ConfigBlock {
                    expressions: resource.get("expressions").cloned().unwrap_or_default(),
                    provider_key: text(resource, "provider_config_key"),
                },
            );
        }
        if let Some(outputs) = module.get("outputs") {
            self.outputs.insert(key.to_string(), outputs.clone());
        }
        for (name, call) in module
            .get("module_calls")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let child = join(key, &format!("module.{name}"));
            self.modules.push(ModuleCall {
                key: child.clone(),
                source: text(call, "source"),
            });
            self.call_args
                .insert(child.clone(), call.get("expressions").cloned().unwrap_or_default());
            if let Some(inner) = call.get("module") {
                self.read_module(inner, &child);
            }
        }
    }

    /// Resources of the prior state that `resource_changes` did not list
    /// (plans before format 0.2 leave out unchanged resources).
    fn read_state_module(&mut self, mut module: Value, seen: &mut std::collections::HashSet<String>) {
        let module_address = text(&module, "address");
        if let Some(Value::Array(resources)) = module.get_mut("resources").map(Value::take) {
            for mut resource in resources {
                let address = text(&resource, "address");
                let data = text(&resource, "mode") == "data";
                if !seen.insert(address.clone()) && !data {
                    continue;
                }
                if data && self.data.iter().any(|d| d.address == address) {
                    continue;
                }
                let instance = Instance {
                    module: module_address.clone(),
                    config_key: String::new(),
                    rtype: text(&resource, "type"),
                    name: text(&resource, "name"),
                    index: resource.get_mut("index").map(Value::take).filter(|v| !v.is_null()),
                    values: resource.get_mut("values").map(Value::take).unwrap_or_default(),
                    unknown: Value::Null,
                    action: Action::NoOp,
                    address,
                };
                self.push(instance, data);
            }
        }
        if let Some(Value::Array(children)) = module.get_mut("child_modules").map(Value::take) {
            for child in children {
                self.read_state_module(child, seen);
            }
        }
    }

    /// The configuration block of an instance.
    pub fn config(&self, instance: &Instance) -> Option<&ConfigBlock> {
        self.configs.get(&instance.config_key)
    }

    pub fn instance(&self, position: usize) -> &Instance {
        &self.instances[position]
    }

    /// The instances a set of references (from an expression in `from`'s
    /// module) point at, of the given resource types, without duplicates.
    pub fn resolve(&self, from: &Instance, references: &[Value], types: &[&str]) -> Vec<usize> {
        let mut out = Vec::new();
        for reference in references.iter().filter_map(Value::as_str) {
            for position in self.resolve_one(&from.module, from.index.as_ref(), reference, types, 0) {
                if !out.contains(&position) {
                    out.push(position);
                }
            }
        }
        out
    }

    fn resolve_one(
        &self,
        module: &str,
        index: Option<&Value>,
        reference: &str,
        types: &[&str],
        depth: usize,
    ) -> Vec<usize> {
        // Modules calling modules calling ...: bounded, against cycles.
        if depth > 16 {
            return Vec::new();
        }
        let parts: Vec<&str> = reference.split('.').collect();
        match parts.as_slice() {
            ["var", name, ..] => {
                let name = strip_indexes(name);
                let Some(args) = self.call_args.get(&strip_indexes(module)) else {
                    return Vec::new();
                };
                let parent = parent_module(module);
                self.expression_refs(args.get(&name))
                    .iter()
                    .flat_map(|r| self.resolve_one(&parent, index, r, types, depth + 1))
                    .collect()
            }
            ["module", call, output, ..] => {
                let child_key = join(&strip_indexes(module), &format!("module.{}", strip_indexes(call)));
                let Some(outputs) = self.outputs.get(&child_key) else {
                    return Vec::new();
                };
                let output = strip_indexes(output);
                let references = self.expression_refs(outputs.get(&output).and_then(|o| o.get("expression")));
                // The child module instance: with the same index as the
                // call when it has one, else every instance of the call.
                let child_instance = join(module, call);
                let instances: Vec<String> = self
                    .instances
                    .iter()
                    .filter(|i| strip_indexes(&i.module) == child_key)
                    .map(|i| i.module.clone())
                    .filter(|m| !call.contains('[') || m.starts_with(&child_instance))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let mut out = Vec::new();
                for child in &instances {
                    for r in &references {
                        out.extend(self.resolve_one(child, None, r, types, depth + 1));
                    }
                }
                out
            }
            [first, ..] if ["data", "local", "count", "each", "path", "self", "terraform"].contains(first) => {
                Vec::new()
            }
            [rtype, name, ..] => {
                if !types.is_empty() && !types.contains(rtype) {
                    return Vec::new();
                }
                let (name, explicit) = split_index(name);
                let key = (
                    module.to_string(),
                    join(&strip_indexes(module), &format!("{rtype}.{name}")),
                );
                let by_index = |index: String| {
                    self.by_index
                        .get(&(key.0.clone(), key.1.clone(), index))
                        .map(|&p| vec![p])
                };
                if let Some(explicit) = explicit {
                    return by_index(explicit).unwrap_or_default();
                }
                let candidates = self.by_config.get(&key).cloned().unwrap_or_default();
                if candidates.len() <= 1 {
                    return candidates;
                }
                // `aws_s3_bucket.b[count.index]` is referenced as
                // `aws_s3_bucket.b`: pair instances by index.
                if let Some(paired) = index.and_then(|i| by_index(index_text(i))) {
                    return paired;
                }
                candidates
            }
            _ => Vec::new(),
        }
    }

    /// The references of an expression (`{"references": [...]}`), also
    /// inside a list or object of expressions.
    fn expression_refs(&self, expression: Option<&Value>) -> Vec<String> {
        let mut out = Vec::new();
        collect_refs(expression, &mut out);
        out
    }
}

fn collect_refs(expression: Option<&Value>, out: &mut Vec<String>) {
    match expression {
        Some(Value::Object(map)) => {
            if let Some(Value::Array(references)) = map.get("references") {
                out.extend(references.iter().filter_map(Value::as_str).map(str::to_string));
            } else {
                for v in map.values() {
                    collect_refs(Some(v), out);
                }
            }
        }
        Some(Value::Array(items)) => {
            for v in items {
                collect_refs(Some(v), out);
            }
        }
        _ => {}
    }
}

/// Every reference under an expression, in order.
pub fn references_of(expression: Option<&Value>) -> Vec<Value> {
    let mut out = Vec::new();
    collect_refs(expression, &mut out);
    out.into_iter().map(Value::String).collect()
}

fn parent_module(module: &str) -> String {
    match module.rfind(".module.") {
        Some(i) => module[..i].to_string(),
        None => String::new(),
    }
}

/// `b[0]` → (`b`, Some("0")); `b["x"]` → (`b`, Some("x")).
fn split_index(name: &str) -> (String, Option<String>) {
    match name.find('[') {
        Some(i) => {
            let inner = name[i + 1..].trim_end_matches(']').trim_matches('"');
            (name[..i].to_string(), Some(inner.to_string()))
        }
        None => (name.to_string(), None),
    }
}

fn index_text(index: &Value) -> String {
    match index {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_keys_drop_count_and_for_each_indexes() {
        assert_eq!(strip_indexes("module.a[0].module.b[\"x.y]\"]"), "module.a.module.b");
        assert_eq!(strip_indexes("aws_s3_bucket.b"), "aws_s3_bucket.b");
        assert_eq!(parent_module("module.a[0].module.b"), "module.a[0]");
        assert_eq!(parent_module("module.a"), "");
        assert_eq!(split_index("b[\"eu\"]"), ("b".to_string(), Some("eu".to_string())));
    }
}
