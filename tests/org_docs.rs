//! The deployment examples under docs/org/ parse, and pass the shard
//! variables `--shard-from-env` reads (so that copying one gives a working
//! sharded scan); the role template is read-only.

use posture_audit::snapshot::accounts::SHARD_ENV;
use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/org").join(name)).expect(name)
}

fn yaml(name: &str) -> Vec<Yaml> {
    YamlLoader::load_from_str(&read(name)).unwrap_or_else(|e| panic!("docs/org/{name}: {e}"))
}

/// The pair of shard variables named `index`, as `--shard-from-env` reads it.
fn pair(index: &str) -> &'static str {
    SHARD_ENV
        .iter()
        .find(|(i, _)| *i == index)
        .map(|(_, count)| *count)
        .unwrap_or_else(|| panic!("{index} is not a variable --shard-from-env reads"))
}

#[test]
fn the_kubernetes_indexed_job_passes_its_completions() {
    let docs = yaml("kubernetes-indexed-job.yaml");
    let job = docs
        .iter()
        .find(|d| d["spec"]["completionMode"].as_str() == Some("Indexed"))
        .expect("an Indexed Job");
    let completions = job["spec"]["completions"].as_i64().expect("completions");
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    let env = container["env"].as_vec().expect("env");
    let count_var = pair("JOB_COMPLETION_INDEX");
    let count = env
        .iter()
        .find(|e| e["name"].as_str() == Some(count_var))
        .and_then(|e| e["value"].as_str())
        .expect("the completions count passed to the pod");
    assert_eq!(count.parse::<i64>().ok(), Some(completions));
    let args = format!("{:?}", container["args"]);
    assert!(
        args.contains("--shard-from-env") && args.contains("JOB_COMPLETION_INDEX"),
        "{args}"
    );
    assert!(
        docs.iter().any(|d| format!("{:?}", d).contains("audit merge")),
        "a merge step"
    );
}

#[test]
fn the_github_actions_matrix_sets_both_shard_variables() {
    let docs = yaml("github-actions-org.yml");
    let shard = &docs[0]["jobs"]["shard"];
    let matrix = shard["strategy"]["matrix"]["shard"].as_vec().expect("matrix");
    let env = &shard["env"];
    let count_var = pair("AUDIT_SHARD_INDEX");
    assert!(
        env["AUDIT_SHARD_INDEX"]
            .as_str()
            .is_some_and(|v| v.contains("matrix.shard"))
    );
    assert_eq!(env[count_var].as_i64(), Some(matrix.len() as i64));
    let steps = format!("{:?}", shard["steps"]);
    assert!(steps.contains("--shard-from-env"));
    let merge = format!("{:?}", docs[0]["jobs"]["merge"]["steps"]);
    assert!(
        merge.contains("audit merge") && merge.contains("upload-sarif"),
        "{merge}"
    );
}

#[test]
fn the_batch_job_definition_passes_the_array_size() {
    let definition: serde_json::Value = serde_json::from_str(&read("batch-job-definition.json")).expect("JSON");
    let container = &definition["containerProperties"];
    let size_var = pair("AWS_BATCH_JOB_ARRAY_INDEX");
    let env = container["environment"].as_array().expect("environment");
    assert!(
        env.iter()
            .any(|e| e["name"] == size_var && e["value"].as_str().is_some_and(|v| v.parse::<u32>().is_ok()))
    );
    let command = container["command"].to_string();
    assert!(command.contains("--shard-from-env") && command.contains("AWS_BATCH_JOB_ARRAY_INDEX"));
}

#[test]
fn the_stackset_role_is_read_only() {
    let text = read("posture-audit-role.yaml");
    let docs = yaml("posture-audit-role.yaml");
    let role = &docs[0]["Resources"]["PostureAuditRole"]["Properties"];
    let policies = format!("{:?}", role["ManagedPolicyArns"]);
    assert!(policies.contains("policy/SecurityAudit") && policies.contains("job-function/ViewOnlyAccess"));
    assert_eq!(role["MaxSessionDuration"].as_i64(), Some(3600));
    assert!(!text.contains("AdministratorAccess"));
    let default_role = docs[0]["Parameters"]["RoleName"]["Default"].as_str();
    assert_eq!(default_role, Some("posture-audit"), "the default of --role-name");
}
