//! Writing what a command produced: whole or not at all.

use anyhow::Context as _;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically (a temporary file renamed into place),
/// or to standard output.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| "report".into());
            let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
            std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

/// Writes a snapshot as JSON, atomically.
pub fn save_snapshot(snapshot: &crate::snapshot::Snapshot, path: &Path) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(snapshot)?;
    bytes.push(b'\n');
    write_output(Some(path), &bytes).with_context(|| format!("the snapshot was not saved to {}", path.display()))
}
