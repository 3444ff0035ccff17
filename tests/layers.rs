//! The layering rule of `src/lib.rs`, enforced: every `crate::` path (and
//! `super::` path between sibling files) in `src/` is read, and a module
//! that uses a module above it, or two sibling files that use each other,
//! fail this test. The checker is also run on a made-up tree with a
//! back-reference, to show that it catches one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module with the modules it may use (besides itself).
const LAYERS: &[(&str, &[&str])] = &[
    ("diag", &[]),
    ("glob", &[]),
    ("snapshot", &["diag", "glob"]),
    ("semantics", &["snapshot", "diag", "glob"]),
    ("cel", &["semantics", "snapshot", "diag", "glob"]),
    ("prepare", &["cel", "semantics", "snapshot", "diag", "glob"]),
    ("rules", &["prepare", "cel", "semantics", "snapshot", "diag", "glob"]),
    (
        "engine",
        &["rules", "prepare", "cel", "semantics", "snapshot", "diag", "glob"],
    ),
    (
        "report",
        &[
            "engine",
            "rules",
            "prepare",
            "cel",
            "semantics",
            "snapshot",
            "diag",
            "glob",
        ],
    ),
    // Sources produce snapshots: they know the model and what AWS settings
    // mean, nothing of rules or reports.
    ("source", &["semantics", "snapshot", "diag", "glob"]),
    (
        "config",
        &[
            "source",
            "report",
            "engine",
            "rules",
            "prepare",
            "cel",
            "semantics",
            "snapshot",
            "diag",
            "glob",
        ],
    ),
    (
        "cli",
        &[
            "config",
            "source",
            "report",
            "engine",
            "rules",
            "prepare",
            "cel",
            "semantics",
            "snapshot",
            "diag",
            "glob",
        ],
    ),
];

/// A source file: its module path (`["engine", "waivers"]`) and its code.
struct File {
    module: Vec<String>,
    text: String,
}

/// The module path of a file under `src/`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs").to_string();
        if stem != "mod" && stem != "lib" && stem != "main" {
            parts.push(stem);
        }
    }
    parts
}

fn read_tree(root: &Path) -> Vec<File> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable src/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).expect("under src/");
                files.push(File {
                    module: module_of(relative),
                    text: std::fs::read_to_string(&path).expect("source"),
                });
            }
        }
    }
    files
}

/// The code without comments (doc comments mention modules freely).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths after `prefix::` in `code`: `crate::engine::Status` gives
/// `["engine", "Status"]`; `crate::{a::b, c}` gives `["a", "b"]`, `["c"]`.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let needle = format!("{prefix}::");
    let mut rest = code;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + needle.len()..];
        // `$crate::` is a macro's crate path, and counts; `foo_crate::` does not.
        if before.is_some_and(ident) {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let segments: Vec<String> = item
                    .trim()
                    .split("::")
                    .map(|s| s.trim().chars().take_while(|c| ident(*c)).collect::<String>())
                    .filter(|s| !s.is_empty())
                    .collect();
                if !segments.is_empty() {
                    out.push(segments);
                }
            }
            continue;
        }
        let mut segments = Vec::new();
        let mut tail = rest;
        loop {
            let name: String = tail.chars().take_while(|c| ident(*c)).collect();
            if name.is_empty() {
                break;
            }
            tail = &tail[name.len()..];
            segments.push(name);
            match tail.strip_prefix("::") {
                Some(next) if next.starts_with(|c: char| ident(c)) => tail = next,
                _ => break,
            }
        }
        if !segments.is_empty() {
            out.push(segments);
        }
    }
    out
}

/// Every problem with the layering of `files`.
fn violations(files: &[File]) -> Vec<String> {
    let layers: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let mut problems = Vec::new();
    // Edges between sibling files of one folder (not its mod.rs).
    let mut siblings: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in files {
        let code = code(&file.text);
        let Some(top) = file.module.first() else { continue };
        for path in paths_after(&code, "crate") {
            let used = &path[0];
            if used == top {
                continue;
            }
            match layers.get(top.as_str()) {
                Some(allowed) if allowed.contains(&used.as_str()) => {}
                Some(_) if layers.contains_key(used.as_str()) => problems.push(format!(
                    "{} uses crate::{}: {top} may not use {used}",
                    file.module.join("::"),
                    path.join("::")
                )),
                Some(_) => {}
                None => problems.push(format!("{top} is not in the layering table of tests/layers.rs")),
            }
        }
        // A sibling used through `super::name` or `crate::<parent>::name`.
        if file.module.len() >= 2 {
            let parent = &file.module[..file.module.len() - 1];
            let mut used = Vec::new();
            used.extend(
                paths_after(&code, "super")
                    .into_iter()
                    .filter_map(|p| p.first().cloned()),
            );
            for path in paths_after(&code, "crate") {
                if path.len() > parent.len() && path[..parent.len()] == *parent {
                    used.push(path[parent.len()].clone());
                }
            }
            for name in used {
                let mut sibling = parent.to_vec();
                sibling.push(name);
                if sibling != file.module && modules.contains(&sibling) {
                    siblings.entry(file.module.clone()).or_default().insert(sibling);
                }
            }
        }
    }
    for (from, targets) in &siblings {
        for to in targets {
            if siblings.get(to).is_some_and(|back| back.contains(from)) && from < to {
                problems.push(format!("{} and {} use each other", from.join("::"), to.join("::")));
            }
        }
    }
    problems
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let files = read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(files.len() > 20, "src/ was read");
    let problems = violations(&files);
    assert!(problems.is_empty(), "layering violations:\n{}", problems.join("\n"));
}

#[test]
fn a_back_reference_is_caught() {
    let file = |module: &str, text: &str| File {
        module: module.split("::").map(String::from).collect(),
        text: text.into(),
    };
    let tree = [
        file("snapshot", "use crate::diag::line_column;"),
        file("prepare", "use crate::engine::ResourceRef; // the old cycle"),
        file("engine::finding", "use super::waivers::AppliedWaiver;"),
        file("engine::waivers", "use crate::engine::finding::{Finding, Status};"),
        file("rules", "use crate::{prepare::dependencies, report::Format};"),
    ];
    assert_eq!(
        violations(&tree),
        [
            "prepare uses crate::engine::ResourceRef: prepare may not use engine",
            "rules uses crate::report::Format: rules may not use report",
            "engine::finding and engine::waivers use each other",
        ]
    );
}

#[test]
fn comments_and_other_crates_are_not_uses() {
    let tree = [File {
        module: vec!["snapshot".into()],
        text: "//! Read by crate::engine.\nuse my_crate::engine::X;\nlet x = 1; // see crate::report\n".into(),
    }];
    assert!(violations(&tree).is_empty());
}
