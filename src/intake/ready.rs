//! When is a file in an inbox ready to take? Only once it is complete:
//! size and mtime unchanged for the stability delay, and, for a PDF, its
//! end marker written (copiers write page by page, with pauses).

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

/// Names that are never documents: partial uploads, editor locks, OS litter.
pub fn is_ignored(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || lower.ends_with(".part")
        || lower.ends_with(".partial")
        || lower.ends_with(".tmp")
        || lower.ends_with(".crdownload")
        || lower.ends_with(".reason.txt")
        || lower == "thumbs.db"
        || lower == "desktop.ini"
}

/// What we last saw of a candidate file.
#[derive(Debug, Clone)]
pub struct Observation {
    pub size: u64,
    pub mtime: Option<SystemTime>,
    /// When size and mtime took their current values.
    pub since: Instant,
    /// When the file was first seen.
    pub first_seen: Instant,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Still being written, or not yet stable long enough.
    Wait,
    /// Complete: claim it.
    Ready,
}

/// Files still looking incomplete after this many stability delays are
/// taken anyway: the pipeline then fails them with a clear reason instead
/// of leaving them in the inbox forever.
const GIVE_UP_FACTOR: u32 = 20;

/// Update the observation of `path` and say whether it can be claimed.
pub fn observe(path: &Path, prev: Option<&Observation>, stability: Duration, now: Instant) -> Option<(Observation, Verdict)> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let size = meta.len();
    let mtime = meta.modified().ok();
    let first_seen = prev.map(|p| p.first_seen).unwrap_or(now);
    let since = match prev {
        Some(p) if p.size == size && p.mtime == mtime => p.since,
        _ => now,
    };
    let obs = Observation { size, mtime, since, first_seen };
    if now.duration_since(since) < stability || prev.is_none() {
        return Some((obs, Verdict::Wait));
    }
    let gave_up = now.duration_since(first_seen) >= stability * GIVE_UP_FACTOR;
    // An empty file is usually a copier that opened the file and has not
    // written yet; wait longer before calling it empty.
    if size == 0 && !gave_up {
        return Some((obs, Verdict::Wait));
    }
    if !gave_up && looks_like_unfinished_pdf(path, size) {
        return Some((obs, Verdict::Wait));
    }
    Some((obs, Verdict::Ready))
}

/// A file that starts like a PDF but has no `%%EOF` near its end yet.
/// Files that are not PDFs at all are not waited for: the pipeline reports them.
fn looks_like_unfinished_pdf(path: &Path, size: u64) -> bool {
    let Ok(mut f) = std::fs::File::open(path) else { return false };
    let mut head = [0u8; 1024];
    let n = f.read(&mut head).unwrap_or(0);
    if !head[..n].windows(5).any(|w| w == b"%PDF-") {
        return false;
    }
    let tail_len = size.min(2048);
    if f.seek(SeekFrom::Start(size - tail_len)).is_err() {
        return true;
    }
    let mut tail = Vec::with_capacity(tail_len as usize);
    if f.take(tail_len).read_to_end(&mut tail).is_err() {
        return true;
    }
    !tail.windows(5).any(|w| w == b"%%EOF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_temporary_and_hidden_files() {
        for n in [".hidden.pdf", "~$doc.pdf", "scan.pdf.part", "Thumbs.db", "DESKTOP.INI", "x.tmp", "a.pdf.reason.txt"] {
            assert!(is_ignored(n), "{n}");
        }
        for n in ["SCN_0001.pdf", "facture.PDF", "invoice.xml"] {
            assert!(!is_ignored(n), "{n}");
        }
    }

    #[test]
    fn waits_for_stability_and_pdf_end() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.pdf");
        std::fs::write(&p, b"%PDF-1.4\n1 0 obj\n").unwrap();
        let t0 = Instant::now();
        let stab = Duration::from_millis(100);
        let (o, v) = observe(&p, None, stab, t0).unwrap();
        assert_eq!(v, Verdict::Wait);
        // Stable but unfinished PDF: keep waiting.
        let (o, v) = observe(&p, Some(&o), stab, t0 + Duration::from_millis(150)).unwrap();
        assert_eq!(v, Verdict::Wait);
        // The copier writes the rest: changed, so the clock restarts.
        std::fs::write(&p, b"%PDF-1.4\n1 0 obj\nendobj\n%%EOF\n").unwrap();
        let (o, v) = observe(&p, Some(&o), stab, t0 + Duration::from_millis(200)).unwrap();
        assert_eq!(v, Verdict::Wait);
        let (_, v) = observe(&p, Some(&o), stab, t0 + Duration::from_millis(400)).unwrap();
        assert_eq!(v, Verdict::Ready);
    }

    #[test]
    fn a_file_that_is_not_a_pdf_is_not_waited_for_forever() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("notes.pdf");
        std::fs::write(&p, b"just some text").unwrap();
        let t0 = Instant::now();
        let stab = Duration::from_millis(100);
        let (o, _) = observe(&p, None, stab, t0).unwrap();
        let (_, v) = observe(&p, Some(&o), stab, t0 + Duration::from_millis(150)).unwrap();
        assert_eq!(v, Verdict::Ready);
    }
}
