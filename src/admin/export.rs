//! Exports, from the CLI or a schedule: the FEC per company and fiscal year,
//! or the CSV of the posted batches not yet exported. Every file is written
//! to a temporary name, synced, then renamed; its batches become Exported,
//! or Export failed with the error (retried at the next run).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::config::overnight::ExportFormat;
use crate::export::csv::{write_csv, CsvEntry};
use crate::export::encoding::{encode, Encoding};
use crate::export::fec::{fec_file_name, write_fec, FecSeparator, NumberedEntry};
use crate::ledger::batch::ExportState;
use crate::pipeline::Site;
use crate::store::{Store, StoredEntry};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub out: PathBuf,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub company: Option<String>,
    /// Only this batch (id or number).
    #[serde(default)]
    pub batch: Option<String>,
    /// FEC only: `|` instead of tab.
    #[serde(default)]
    pub pipe: bool,
    /// FEC only (CSV takes `exports.csv.encoding`).
    #[serde(default)]
    pub latin9: bool,
}

/// What an export wrote: one line per file.
pub fn run(store: &mut Store, site: &Site, req: &ExportRequest, actor: &str) -> Result<Vec<String>> {
    std::fs::create_dir_all(&req.out).with_context(|| format!("creating {}", req.out.display()))?;
    let companies: Vec<_> = site.config.companies.iter().filter(|c| req.company.as_deref().is_none_or(|id| c.id == id)).collect();
    if companies.is_empty() {
        bail!("no company `{}` in the configuration", req.company.as_deref().unwrap_or_default());
    }
    let only_batch = match &req.batch {
        Some(b) => Some(store.batch(b)?),
        None => None,
    };
    let mut report = Vec::new();
    for c in companies {
        for (fy, fy_end) in store.fiscal_years(&c.id)? {
            if req.year.is_some_and(|y| y != fy) {
                continue;
            }
            let fec_name = fec_file_name(&c.siren, fy_end).replace(".txt", &format!("{}.txt", only_batch.as_ref().map(|b| format!("-{}", b.number)).unwrap_or_default()));
            if req.format == ExportFormat::Fec && !req.latin9 {
                // UTF-8 FEC: DuckDB's COPY writes it (the same text as write_fec, a
                // test holds them equal); the entries are never loaded here.
                let only = only_batch.as_ref().map(|b| b.id);
                let (batches, count) = store.posted_batches(&c.id, fy, only)?;
                if count == 0 {
                    continue;
                }
                let sep = if req.pipe { '|' } else { '\t' };
                let written = copy_atomically(&req.out, &fec_name, |tmp| store.copy_fec(&c.id, fy, sep, only, tmp).map(|_| ()));
                finish(store, &batches, written, &fec_name, fy, fy_end, count, 0, actor, &mut report)?;
                continue;
            }
            let mut stored = store.entries(&c.id, Some(fy))?;
            if let Some(b) = &only_batch {
                stored.retain(|e| e.batch_id == b.id);
            } else if req.format == ExportFormat::Csv && req.year.is_none() {
                // The CSV feeds the accounting software incrementally:
                // what it has not received yet (or failed to).
                let pending: std::collections::HashSet<i64> = store
                    .batches(&Default::default())?
                    .into_iter()
                    .filter(|b| b.export_state != ExportState::Exported)
                    .map(|b| b.id)
                    .collect();
                stored.retain(|e| pending.contains(&e.batch_id));
            }
            if stored.is_empty() {
                continue;
            }
            let mut batches: Vec<i64> = stored.iter().map(|s| s.batch_id).collect();
            batches.sort_unstable();
            batches.dedup();
            let suffix = only_batch.as_ref().map(|b| format!("-{}", b.number)).unwrap_or_default();
            let (name, bytes, lost) = match req.format {
                ExportFormat::Fec => {
                    let lettrage = store.lettrage(&c.id)?;
                    let entries = numbered(&stored, &lettrage);
                    let mut text = Vec::new();
                    write_fec(&mut text, &entries, if req.pipe { FecSeparator::Pipe } else { FecSeparator::Tab })?;
                    let (bytes, lost) = encode(std::str::from_utf8(&text).context("FEC text")?, Encoding::Latin9);
                    (fec_name, bytes, lost)
                }
                ExportFormat::Csv => {
                    let settings = &site.config.exports.csv;
                    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
                    let name = format!("{}-{fy}{suffix}-{stamp}.csv", c.id);
                    let numbers: std::collections::HashMap<i64, String> = batches.iter().filter_map(|id| store.batch(&id.to_string()).ok().map(|b| (*id, b.number))).collect();
                    let entries = numbered(&stored, &Default::default());
                    let rows: Vec<CsvEntry<'_>> = entries.iter().zip(&stored).map(|(n, s)| CsvEntry { numbered: n, batch: numbers.get(&s.batch_id).map(String::as_str).unwrap_or("") }).collect();
                    let text = write_csv(&rows, settings);
                    let enc = if settings.encoding == "iso-8859-15" { Encoding::Latin9 } else { Encoding::Utf8 };
                    let (bytes, lost) = encode(&text, enc);
                    (name, bytes, lost)
                }
            };
            let written = copy_atomically(&req.out, &name, |tmp| Ok(std::fs::write(tmp, &bytes).with_context(|| format!("writing {}", tmp.display()))?));
            finish(store, &batches, written, &name, fy, fy_end, stored.len(), lost, actor, &mut report)?;
        }
    }
    if report.is_empty() {
        report.push(format!("nothing to export{}", req.year.map(|y| format!(" for fiscal year {y}")).unwrap_or_default()));
    }
    Ok(report)
}

/// Mark the batches after a write: Exported, or Export failed with the reason.
#[allow(clippy::too_many_arguments)]
fn finish(store: &mut Store, batches: &[i64], written: Result<PathBuf>, name: &str, fy: i32, fy_end: chrono::NaiveDate, entries: usize, lost: usize, actor: &str, report: &mut Vec<String>) -> Result<()> {
    match written {
        Ok(dest) => {
            store.set_export_state(batches, ExportState::Exported, None, actor)?;
            let mut line = format!("{}: {entries} entries, fiscal year {fy} (closing {fy_end})", dest.display());
            if lost > 0 {
                line.push_str(&format!("; {lost} character(s) have no ISO-8859-15 form and were written as `?`"));
            }
            report.push(line);
            Ok(())
        }
        Err(e) => {
            // The batches wait for the next export, with the reason.
            let why = format!("{e:#}");
            store.set_export_state(batches, ExportState::ExportFailed, Some(&why), actor)?;
            Err(e.context(format!("exporting {name}; its {} batch(es) are marked export-failed", batches.len())))
        }
    }
}

fn numbered(stored: &[StoredEntry], lettrage: &std::collections::HashMap<i64, Vec<(usize, String, chrono::NaiveDate)>>) -> Vec<NumberedEntry> {
    stored
        .iter()
        .map(|s| NumberedEntry { entry: s.entry.clone(), number: s.number as u32, validated_on: s.validated_on, lettrage: lettrage.get(&s.id).cloned().unwrap_or_default() })
        .collect()
}

/// Write through `write` to a temporary name beside the target, sync,
/// rename: no reader ever sees half a file.
fn copy_atomically(out: &Path, name: &str, write: impl FnOnce(&Path) -> Result<()>) -> Result<PathBuf> {
    let dest = out.join(name);
    let tmp = out.join(format!(".{name}.tmp"));
    if tmp.is_dir() {
        bail!("cannot write {}: a folder has that name", tmp.display());
    }
    let result = write(&tmp).and_then(|()| {
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).with_context(|| format!("syncing {}", tmp.display()))?;
        std::fs::rename(&tmp, &dest).with_context(|| format!("renaming {} to {}", tmp.display(), dest.display()))
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(dest)
}
