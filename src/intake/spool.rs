//! Claiming files into the spool and resuming it after a crash.
//!
//! A file is claimed by an atomic rename into `spool/<inbox>/`, under a
//! unique name `<time>-<pid>-<counter>__<original name>`; the name is the key
//! the database records, so a restart knows which spooled files were
//! already committed (finish their move) and which were not (process again).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::pipeline::{Claimed, InboxRuntime};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn spool_dir(spool: &Path, inbox: &InboxRuntime) -> PathBuf {
    spool.join(sanitize(&inbox.name))
}

fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' }).collect()
}

fn unique_name(original: &str) -> String {
    let now = chrono::Local::now();
    format!(
        "{}-{}-{:06}__{}",
        now.format("%Y%m%dT%H%M%S%.3f").to_string().replace('.', ""),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        original
    )
}

fn claimed(path: PathBuf, spool_name: String, original: String, inbox: &Arc<InboxRuntime>) -> Claimed {
    Claimed { spool_path: path, spool_name, original_name: original, inbox: inbox.clone(), received_at: chrono::Local::now().naive_local() }
}

/// Take a file from the inbox. `Ok(None)` when it vanished meanwhile
/// (another worker, or the user took it back).
pub fn claim_by_rename(file: &Path, spool: &Path, inbox: &Arc<InboxRuntime>) -> Result<Option<Claimed>> {
    let original = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = spool_dir(spool, inbox);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = unique_name(&original);
    let dest = dir.join(&name);
    match std::fs::rename(file, &dest) {
        Ok(()) => Ok(Some(claimed(dest, name, original, inbox))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("claiming {} into {}", file.display(), dir.display())),
    }
}

/// `process`: the file stays where it is; a copy enters the flow. Written
/// under a hidden temporary name, synced, then renamed, so recovery never
/// sees half a copy.
pub fn claim_by_copy(file: &Path, spool: &Path, inbox: &Arc<InboxRuntime>) -> Result<Claimed> {
    let original = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "document".into());
    let dir = spool_dir(spool, inbox);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = unique_name(&original);
    let tmp = dir.join(format!(".copy-{name}"));
    std::fs::copy(file, &tmp).with_context(|| format!("reading {}", file.display()))?;
    std::fs::File::open(&tmp)?.sync_all()?;
    let dest = dir.join(&name);
    std::fs::rename(&tmp, &dest)?;
    Ok(claimed(dest, name, original, inbox))
}

/// Files left in the spool by a previous run, per inbox; hidden partial
/// copies are removed (their originals were never moved).
pub fn leftovers(spool: &Path, inboxes: &[Arc<InboxRuntime>]) -> Vec<Claimed> {
    let mut out = Vec::new();
    for inbox in inboxes {
        let dir = spool_dir(spool, inbox);
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if name.starts_with(".copy-") {
                let _ = std::fs::remove_file(&path);
                continue;
            }
            let original = name.split_once("__").map(|(_, o)| o.to_string()).unwrap_or_else(|| name.clone());
            out.push(claimed(path, name, original, inbox));
        }
    }
    out
}
