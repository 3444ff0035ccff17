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
            let tmp = temp_path(path);
            std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

/// The temporary file next to `path` that is renamed into place.
fn temp_path(path: &Path) -> std::path::PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    dir.join(format!(".{file_name}.{}.tmp", std::process::id()))
}

/// Writes a snapshot as JSON, atomically, readable by its owner only: it
/// holds raw configuration (environment variable values among it).
pub fn save_snapshot(snapshot: &crate::snapshot::Snapshot, path: &Path) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(snapshot)?;
    bytes.push(b'\n');
    write_private(path, &bytes).with_context(|| format!("the snapshot was not saved to {}", path.display()))
}

/// [`write_output`] to a file created with mode 0600 (on Unix).
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = temp_path(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
