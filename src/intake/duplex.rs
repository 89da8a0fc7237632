//! Duplex by two passes: a copier without a duplex feeder scans the front
//! sides (`NAME_front.pdf`), then the stack turned over (`NAME_back.pdf`,
//! last back first). When both halves are complete, they are collated into
//! one file, `NAME.duplex.pdf`, written into the inbox beside them (under a
//! temporary name, then renamed); the two halves are kept under
//! `archive/duplex-halves/`. The collated file is then an ordinary file of
//! the inbox; its name tells the split stage that even pages are back sides.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::pipeline::definition::DuplexStage;

/// Which half of a duplex pair a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Fronts,
    Backs,
}

/// The marker in a collated file's name.
pub const COLLATED_MARKER: &str = ".duplex.";

/// `(pair name, half)` for a file named like one half of a pair.
pub fn half_of(file_name: &str, d: &DuplexStage) -> Option<(String, Half)> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    if !ext.eq_ignore_ascii_case("pdf") {
        return None;
    }
    let lower = stem.to_lowercase();
    if let Some(n) = lower.strip_suffix(&d.fronts_suffix.to_lowercase()) {
        return Some((stem[..n.len()].to_string(), Half::Fronts));
    }
    if let Some(n) = lower.strip_suffix(&d.backs_suffix.to_lowercase()) {
        return Some((stem[..n.len()].to_string(), Half::Backs));
    }
    None
}

/// The other half's path, beside `path`.
pub fn partner(path: &Path, d: &DuplexStage) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let (pair, half) = half_of(name, d)?;
    let suffix = match half {
        Half::Fronts => &d.backs_suffix,
        Half::Backs => &d.fronts_suffix,
    };
    Some(path.with_file_name(format!("{pair}{suffix}.pdf")))
}

/// Page order of the collated file: front 1, back 1, front 2, back 2, …
/// Returns `(file, page)` pairs, file 0 = fronts, 1 = backs (1-based pages).
pub fn collated_order(fronts: u32, backs: u32, backs_reversed: bool) -> Vec<(u8, u32)> {
    let mut out = Vec::with_capacity((fronts + backs) as usize);
    for i in 1..=fronts.max(backs) {
        if i <= fronts {
            out.push((0, i));
        }
        if i <= backs {
            out.push((1, if backs_reversed { backs + 1 - i } else { i }));
        }
    }
    out
}

/// Collate both halves into `<inbox>/<pair>.duplex.pdf` with qpdf and keep
/// the halves in `halves_dir`. Returns the collated file's path.
pub fn collate(fronts: &Path, backs: &Path, d: &DuplexStage, halves_dir: &Path) -> Result<PathBuf> {
    let name = fronts.file_name().and_then(|n| n.to_str()).context("file name")?;
    let (pair, _) = half_of(name, d).context("not a fronts file")?;
    let count = |p: &Path| -> Result<u32> {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        Ok(crate::capture::pdf_text::page_count(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))? as u32)
    };
    let (nf, nb) = (count(fronts)?, count(backs)?);
    if nf != nb && nf != nb + 1 {
        bail!("{} has {nf} pages and {} has {nb}: a duplex pair has as many backs as fronts", fronts.display(), backs.display());
    }
    let order = collated_order(nf, nb, d.backs_reversed);
    let out = fronts.with_file_name(format!("{pair}{}pdf", COLLATED_MARKER));
    // A name the watcher ignores until the rename.
    let tmp = fronts.with_file_name(format!(".{pair}.duplex.pdf.part"));
    let mut cmd = Command::new("qpdf");
    cmd.arg("--empty").arg("--pages");
    for (file, page) in &order {
        cmd.arg(if *file == 0 { fronts } else { backs }).arg(page.to_string());
    }
    cmd.arg("--").arg(&tmp).stdin(Stdio::null()).stdout(Stdio::null());
    let out_put = cmd.output().context("running qpdf (install qpdf) to collate a duplex pair")?;
    // qpdf exits 3 for warnings with a usable output.
    if !(out_put.status.success() || out_put.status.code() == Some(3)) {
        let _ = std::fs::remove_file(&tmp);
        bail!("qpdf could not collate {} and {}: {}", fronts.display(), backs.display(), String::from_utf8_lossy(&out_put.stderr).trim());
    }
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::create_dir_all(halves_dir)?;
    let stamp = chrono::Local::now().format("%Y%m%dT%H%M%S");
    for half in [fronts, backs] {
        let keep = halves_dir.join(format!("{stamp}_{}", half.file_name().and_then(|n| n.to_str()).unwrap_or("half.pdf")));
        std::fs::rename(half, &keep).or_else(|_| std::fs::copy(half, &keep).and_then(|_| std::fs::remove_file(half))).with_context(|| format!("keeping {}", half.display()))?;
    }
    std::fs::rename(&tmp, &out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> DuplexStage {
        DuplexStage::default()
    }

    #[test]
    fn halves_are_recognized_by_their_suffix() {
        let d = settings();
        assert_eq!(half_of("SCN_0001_front.pdf", &d), Some(("SCN_0001".into(), Half::Fronts)));
        assert_eq!(half_of("SCN_0001_BACK.PDF", &d), Some(("SCN_0001".into(), Half::Backs)));
        assert_eq!(half_of("SCN_0001.pdf", &d), None);
        assert_eq!(partner(Path::new("/in/a_front.pdf"), &d), Some(PathBuf::from("/in/a_back.pdf")));
    }

    #[test]
    fn backs_scanned_last_first_are_put_behind_their_fronts() {
        assert_eq!(collated_order(3, 3, true), vec![(0, 1), (1, 3), (0, 2), (1, 2), (0, 3), (1, 1)]);
        assert_eq!(collated_order(2, 2, false), vec![(0, 1), (1, 1), (0, 2), (1, 2)]);
        assert_eq!(collated_order(3, 2, false), vec![(0, 1), (1, 1), (0, 2), (1, 2), (0, 3)]);
    }
}
