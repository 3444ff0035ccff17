//! Where each resource is written: the `resource "TYPE" "NAME"` block in
//! the `.tf` files of its module's folder, so that SARIF results point
//! GitHub at that line of the pull request.
//!
//! A small exact scanner, not an HCL parser: a block header is the keyword
//! `resource` at the start of a line followed by two quoted labels; lines in
//! comments (`#`, `//`, `/* … */`) and in heredocs are skipped. Module
//! folders come from `.terraform/modules/modules.json` (written by
//! `terraform init`) or, for local sources, from the `source` path. A
//! resource of a module whose code cannot be read points at the `module`
//! block that calls it.

use super::plan::Plan;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A block's place: file (as given, relative to the working folder when
/// the root folder was) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
}

/// Resource and module blocks by module key and `TYPE.NAME` (`module.NAME`
/// for module calls).
#[derive(Debug, Default)]
pub struct Locator {
    blocks: HashMap<(String, String), Place>,
}

impl Locator {
    /// Scans the root folder and every module folder of the plan.
    pub fn new(plan: &Plan, root: &Path) -> Locator {
        let mut locator = Locator::default();
        let installed = installed_modules(root);
        let mut dirs: HashMap<String, PathBuf> = HashMap::from([(String::new(), root.to_path_buf())]);
        let mut calls = plan.modules.clone();
        // Parents before children.
        calls.sort_by_key(|c| c.key.matches(".module.").count());
        for call in &calls {
            let parent_key = match call.key.rfind(".module.") {
                Some(i) => call.key[..i].to_string(),
                None => String::new(),
            };
            // modules.json keys are the call names joined by dots.
            let json_key = call.key.trim_start_matches("module.").replace(".module.", ".");
            let dir = installed.get(&json_key).map(|d| root.join(d)).or_else(|| {
                let local = call.source.starts_with("./") || call.source.starts_with("../");
                local
                    .then(|| dirs.get(&parent_key).map(|p| p.join(&call.source)))
                    .flatten()
            });
            if let Some(dir) = dir {
                dirs.insert(call.key.clone(), dir);
            }
        }
        for (key, dir) in &dirs {
            for (label, place) in scan_dir(dir) {
                locator.blocks.insert((key.clone(), label), place);
            }
        }
        locator
    }

    /// The place of the block of a configuration key
    /// (`module.app.aws_s3_bucket.logs`), or of the module call that holds
    /// it when its module's code was not found.
    pub fn place(&self, config_key: &str) -> Option<Place> {
        let (module, label) = split_key(config_key);
        if let Some(p) = self.blocks.get(&(module.clone(), label)) {
            return Some(p.clone());
        }
        // Up the chain of module calls.
        let mut module = module;
        while !module.is_empty() {
            let (parent, call) = split_key(&module);
            if let Some(p) = self.blocks.get(&(parent.clone(), call)) {
                return Some(p.clone());
            }
            module = parent;
        }
        None
    }
}

/// `module.a.module.b.aws_x.y` → (`module.a.module.b`, `aws_x.y`).
fn split_key(key: &str) -> (String, String) {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.len() < 2 {
        return (String::new(), key.to_string());
    }
    let label = parts[parts.len() - 2..].join(".");
    let module = parts[..parts.len() - 2].join(".");
    (module, label)
}

/// `.terraform/modules/modules.json`: call key → folder.
fn installed_modules(root: &Path) -> HashMap<String, String> {
    let path = root.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        return HashMap::new();
    };
    (doc.get("Modules").and_then(|m| m.as_array()).into_iter().flatten())
        .filter_map(|m| {
            let key = m.get("Key")?.as_str()?;
            let dir = m.get("Dir")?.as_str()?;
            (!key.is_empty()).then(|| (key.to_string(), dir.to_string()))
        })
        .collect()
}

/// The blocks of every `.tf` file of a folder, sorted by file name.
fn scan_dir(dir: &Path) -> Vec<(String, Place)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let shown = display(&file);
        for (label, line) in scan(&text) {
            out.push((
                label,
                Place {
                    file: shown.clone(),
                    line,
                },
            ));
        }
    }
    out
}

/// A path as SARIF wants it: forward slashes, no leading `./`, relative to
/// the working folder when it is under it.
fn display(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let mut text = relative.to_string_lossy().replace('\\', "/");
    while let Some(rest) = text.strip_prefix("./") {
        text = rest.to_string();
    }
    text.replace("/./", "/")
}

/// The `resource "T" "N"` and `module "N"` headers of one file, as
/// (`T.N` or `module.N`, line).
pub fn scan(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut in_comment = false;
    let mut heredoc: Option<String> = None;
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(marker) = &heredoc {
            if line == marker {
                heredoc = None;
            }
            continue;
        }
        if in_comment {
            if line.contains("*/") {
                in_comment = false;
            }
            continue;
        }
        if line.starts_with("/*") && !line.contains("*/") {
            in_comment = true;
            continue;
        }
        if line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        if let Some(i) = line.find("<<") {
            let marker = line[i + 2..].trim_start_matches('-').trim();
            if !marker.is_empty() && marker.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                heredoc = Some(marker.to_string());
            }
        }
        let mut words = Labels::new(line);
        match words.word() {
            Some("resource") => {
                if let (Some(t), Some(n)) = (words.quoted(), words.quoted()) {
                    out.push((format!("{t}.{n}"), number + 1));
                }
            }
            Some("module") => {
                if let Some(n) = words.quoted() {
                    out.push((format!("module.{n}"), number + 1));
                }
            }
            _ => {}
        }
    }
    out
}

/// Reads a block header: a bare word, then quoted labels.
struct Labels<'a> {
    rest: &'a str,
}

impl<'a> Labels<'a> {
    fn new(line: &'a str) -> Labels<'a> {
        Labels { rest: line }
    }

    fn word(&mut self) -> Option<&'a str> {
        let rest = self.rest.trim_start();
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
        let (word, tail) = rest.split_at(end);
        self.rest = tail;
        Some(word)
    }

    fn quoted(&mut self) -> Option<&'a str> {
        let rest = self.rest.trim_start().strip_prefix('"')?;
        let end = rest.find('"')?;
        self.rest = &rest[end + 1..];
        Some(&rest[..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_block_headers_and_skips_comments_and_heredocs() {
        let text = r#"
# resource "aws_s3_bucket" "commented" {
resource "aws_s3_bucket" "logs" {
  policy = <<EOF
resource "aws_s3_bucket" "in_heredoc" {
EOF
}
/*
resource "aws_instance" "in_block_comment" {}
*/
  resource   "aws_instance"   "web" {
module "db" {
resource_name = "not a block"
"#;
        assert_eq!(
            scan(text),
            vec![
                ("aws_s3_bucket.logs".to_string(), 3),
                ("aws_instance.web".to_string(), 11),
                ("module.db".to_string(), 12),
            ]
        );
    }

    #[test]
    fn keys_split_into_module_and_label() {
        assert_eq!(
            split_key("module.a.module.b.aws_x.y"),
            ("module.a.module.b".to_string(), "aws_x.y".to_string())
        );
        assert_eq!(split_key("aws_x.y"), (String::new(), "aws_x.y".to_string()));
    }
}
