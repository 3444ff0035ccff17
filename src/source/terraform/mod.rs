//! Terraform plans as a snapshot source: `terraform show -json PLANFILE`
//! (and OpenTofu's `tofu show -json`) mapped into the snapshot model, so
//! that every rule judges a plan exactly as it judges a live account.
//!
//! - [`plan`] reads the document: planned values, unknowns, configuration
//!   and references;
//! - [`view`] reads one instance and resolves its links;
//! - [`map`] holds the mappers, one per resource type;
//! - [`locate`] finds each resource's block in the `.tf` files.
//!
//! What the snapshot says about a plan:
//! - `source.kind` is `terraform-plan`; `collected` lists only the kinds the
//!   plan's resource types cover, so account- and region-wide rules
//!   (CloudTrail, GuardDuty, the password policy …) are evaluated only when
//!   the plan manages those resources;
//! - a value a rule needs that is known only after apply is a gap naming the
//!   resource and the model fields (`code = "KnownAfterApply"`): the rules
//!   reading those fields report `error`, never `pass`;
//! - `locations` maps each resource to its Terraform address and `.tf` line.

pub mod locate;
pub mod map;
pub mod plan;
pub mod view;

use crate::snapshot::{Account, CodeLocation, FORMAT, Gap, KindError, Resources, Snapshot, Source, VERSION};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The plan format major versions this build reads: Terraform wrote 0.1
/// and 0.2 (0.12 to 0.15) and 1.x since 1.0; OpenTofu writes 1.x.
pub const SUPPORTED_MAJOR: &[u64] = &[0, 1];

/// Options of the plan source.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The folder of the root module's `.tf` files; default: the plan's.
    pub tf_dir: Option<PathBuf>,
    /// The region of resources whose provider sets none as a constant.
    pub region: Option<String>,
    /// The account the plan deploys to, when the plan does not say
    /// (through an `aws_caller_identity` data source).
    pub account_id: Option<String>,
}

/// A plan read into a snapshot, with notes on what was not read.
#[derive(Debug)]
pub struct PlanSnapshot {
    pub snapshot: Snapshot,
    /// Resources of unsupported types, children of unmanaged parents.
    pub notes: Vec<String>,
}

/// Why a plan could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{path}: cannot read the plan: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}:{line}:{column}: not a valid Terraform plan (JSON): {message}. Write the plan with `terraform show -json tfplan > tfplan.json`."
    )]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Format {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Reads a plan file into a snapshot.
pub fn load(path: &Path, options: &Options) -> Result<PlanSnapshot, PlanError> {
    let text = std::fs::read_to_string(path).map_err(|source| PlanError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text, path, options)
}

/// Reads plan text into a snapshot; `path` names the file in errors and is
/// where `.tf` files are looked for unless `options.tf_dir` says.
pub fn parse(text: &str, path: &Path, options: &Options) -> Result<PlanSnapshot, PlanError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| PlanError::Parse {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: crate::diag::strip_json_position(&e.to_string()),
    })?;
    check_format(&doc, text, path)?;
    let root = options
        .tf_dir
        .clone()
        .unwrap_or_else(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    from_plan(plan::Plan::from_document(doc), options, &root, path)
}

/// The document must be an object with a `format_version` of a supported
/// major version, and be a plan (not a state file).
fn check_format(doc: &Value, text: &str, path: &Path) -> Result<(), PlanError> {
    let format_error = |key: &str, message: String| {
        let (line, column) = crate::diag::locate_key(text, key);
        PlanError::Format {
            path: path.to_owned(),
            line,
            column,
            message,
        }
    };
    let Some(object) = doc.as_object() else {
        return Err(format_error(
            "",
            "not a Terraform plan: the document is not a JSON object".into(),
        ));
    };
    let version = match object.get("format_version") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => {
            return Err(format_error(
                "format_version",
                format!("`format_version` is {other}, expected a string such as \"1.2\""),
            ));
        }
        None => {
            return Err(format_error(
                "format_version",
                "not a Terraform plan: no `format_version` (write it with `terraform show -json tfplan`)".into(),
            ));
        }
    };
    let major = version.split('.').next().and_then(|m| m.parse::<u64>().ok());
    match major {
        Some(m) if SUPPORTED_MAJOR.contains(&m) => {}
        _ => {
            return Err(format_error(
                "format_version",
                format!(
                    "plan format version \"{version}\" is not supported; this build of audit {} reads format versions 0.x and 1.x. Upgrade audit.",
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
    }
    let is_plan = ["planned_values", "resource_changes", "configuration"]
        .iter()
        .any(|k| object.contains_key(*k));
    if !is_plan {
        let hint = if object.contains_key("values") {
            "this looks like a state (`terraform show -json` without a plan file)"
        } else {
            "it has no `planned_values`, `resource_changes` or `configuration`"
        };
        return Err(format_error(
            "format_version",
            format!("not a Terraform plan: {hint}; run `terraform plan -out tfplan` and `terraform show -json tfplan`"),
        ));
    }
    for key in ["resource_changes", "prior_state", "configuration"] {
        if let Some(v) = object.get(key)
            && !(v.is_object() || v.is_array() || v.is_null())
        {
            return Err(format_error(key, format!("`{key}` has the wrong type ({v})")));
        }
    }
    if let Some(changes) = object.get("resource_changes")
        && !changes.is_array()
    {
        return Err(format_error(
            "resource_changes",
            "`resource_changes` is not a list".into(),
        ));
    }
    Ok(())
}

/// The account a plan deploys to: an `aws_caller_identity` data source,
/// else the option, else the first account id in a known ARN.
fn account_of(plan: &plan::Plan, options: &Options) -> (String, bool) {
    let identity = plan
        .data
        .iter()
        .filter(|d| d.rtype == "aws_caller_identity")
        .find_map(|d| d.values.get("account_id").and_then(Value::as_str).map(str::to_string));
    if let Some(id) = identity.or_else(|| options.account_id.clone()) {
        return (id, true);
    }
    for i in &plan.instances {
        if let Some(arn) = i.values.get("arn").and_then(Value::as_str)
            && let Some(account) = arn.split(':').nth(4)
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit())
        {
            return (account.to_string(), true);
        }
    }
    ("000000000000".into(), false)
}

fn from_plan(plan: plan::Plan, options: &Options, root: &Path, path: &Path) -> Result<PlanSnapshot, PlanError> {
    let (account_id, account_known) = account_of(&plan, options);
    let partition = plan
        .data
        .iter()
        .filter(|d| d.rtype == "aws_partition")
        .find_map(|d| d.values.get("partition").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| "aws".into());
    let default_region = options
        .region
        .clone()
        .or_else(|| {
            plan.data
                .iter()
                .filter(|d| d.rtype == "aws_region")
                .find_map(|d| d.values.get("name").and_then(Value::as_str).map(str::to_string))
        })
        .unwrap_or_else(|| "us-east-1".into());
    let cx = view::Context::new(&plan, account_id.clone(), partition.clone(), default_region);
    let mut out = map::map(&cx);
    if !account_known {
        out.notes.push(
            "the plan does not say which account it deploys to (no aws_caller_identity data source): pass --account-id so that rules on cross-account access know it".into(),
        );
    }
    let locator = locate::Locator::new(&plan, root);
    let mut resources = Resources::default();
    let mut gaps = Vec::new();
    let mut locations = Vec::new();
    let mut regions = BTreeSet::new();
    for entry in out.entries {
        let instance = plan.instance(entry.position);
        let value = Value::Object(entry.value);
        let id = value.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
        let region = value
            .get("region")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Err(e) = resources.push_value(entry.kind, &value) {
            let message = match e {
                KindError::Unknown => format!("no resource kind {}", entry.kind),
                KindError::Invalid(e) => crate::diag::strip_json_position(&e.to_string()),
            };
            return Err(PlanError::Invalid {
                path: path.to_owned(),
                message: format!("{}: cannot be read as {}: {message}", instance.address, entry.kind),
            });
        }
        if region != "global" {
            regions.insert(region.clone());
        }
        if !entry.unknown.is_empty() || !entry.outside.is_empty() {
            let list = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
            let mut parts = Vec::new();
            if !entry.unknown.is_empty() {
                parts.push(format!("{} known only after apply", list(&entry.unknown)));
            }
            if !entry.outside.is_empty() {
                parts.push(format!("{} not set by this plan", list(&entry.outside)));
            }
            let fields: Vec<String> = entry.unknown.union(&entry.outside).cloned().collect();
            gaps.push(Gap {
                service: entry.kind.split('.').next().unwrap_or_default().to_string(),
                region: region.clone(),
                operation: "terraform plan".into(),
                code: "KnownAfterApply".into(),
                message: format!("{}: {}", instance.address, parts.join("; ")),
                kinds: vec![entry.kind.to_string()],
                resource_id: Some(id.clone()),
                fields,
            });
        }
        let place = locator.place(&instance.config_key);
        locations.push(CodeLocation {
            kind: entry.kind.to_string(),
            id,
            address: instance.address.clone(),
            file: place.as_ref().map(|p| p.file.clone()),
            line: place.map(|p| p.line as i64),
        });
    }
    let covered = map::covered_kinds(plan.instances.iter().map(|i| i.rtype.as_str()));
    let assumed_empty: Vec<String> = map::assumed_kinds(plan.instances.iter().map(|i| i.rtype.as_str()))
        .difference(&covered)
        .map(|k| k.to_string())
        .collect();
    let collected: Vec<String> = covered.into_iter().map(str::to_string).collect();
    let snapshot = Snapshot {
        format: FORMAT.into(),
        version: VERSION,
        account: Account {
            id: account_id,
            partition,
            alias: None,
        },
        collected_at: chrono::Utc::now(),
        regions: regions.into_iter().collect(),
        source: Source {
            kind: "terraform-plan".into(),
            profile: None,
            tool_version: Some(env!("CARGO_PKG_VERSION").into()),
            principal: None,
        },
        resources,
        gaps,
        collected: Some(collected.clone()),
        assumed_empty,
        partial: collected
            .into_iter()
            .filter(|k| !map::ACCOUNT_WIDE.contains(&k.as_str()))
            .collect(),
        locations,
    };
    Ok(PlanSnapshot {
        snapshot,
        notes: out.notes,
    })
}
