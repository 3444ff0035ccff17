//! Embeds every rule file under `rules/` and every framework under
//! `frameworks/` in the binary, so that `audit` works from any folder.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// Writes `OUT_DIR/<name>.rs`: a slice of (path under `folder`, contents).
fn embed(root: &Path, folder: &str, name: &str) {
    let dir = root.join(folder);
    println!("cargo::rerun-if-changed={folder}");
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut code = String::from("&[\n");
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
        let relative = file
            .strip_prefix(&dir)
            .expect("under the folder")
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({relative:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("write to a String");
    }
    code.push_str("]\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(format!("{name}.rs"));
    std::fs::write(out, code).expect("write the embedded file list");
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    embed(&root, "rules", "embedded_rules");
    embed(&root, "frameworks", "embedded_frameworks");
}
