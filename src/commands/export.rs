//! `export`: FEC files, written atomically (temporary name, sync, rename).

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::export::encoding::{encode, Encoding};
use crate::ledger::batch::ExportState;
use crate::export::fec::{fec_file_name, write_fec, FecSeparator, NumberedEntry};
use crate::pipeline::Site;
use crate::store::Store;

pub fn fec(site: &Site, out: &Path, year: Option<i32>, company: Option<&str>, sep: FecSeparator, enc: Encoding) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut store = Store::open(&site.database)?;
    let companies: Vec<_> = site.config.companies.iter().filter(|c| company.is_none_or(|id| c.id == id)).collect();
    if companies.is_empty() {
        bail!("no company `{}` in the configuration", company.unwrap_or_default());
    }
    let mut written = 0;
    for c in companies {
        for (fy, fy_end) in store.fiscal_years(&c.id)? {
            if year.is_some_and(|y| y != fy) {
                continue;
            }
            let stored = store.entries(&c.id, Some(fy))?;
            let mut batches: Vec<i64> = stored.iter().map(|s| s.batch_id).collect();
            batches.sort_unstable();
            batches.dedup();
            let entries: Vec<NumberedEntry> = stored
                .into_iter()
                .map(|s| NumberedEntry { entry: s.entry, number: s.number as u32, validated_on: s.validated_on })
                .collect();
            let name = fec_file_name(&c.siren, fy_end);
            let actor = crate::admin::cli_actor();
            match write_atomically(out, &name, &entries, sep, enc) {
                Ok(dest) => {
                    store.set_export_state(&batches, ExportState::Exported, None, &actor)?;
                    println!("{}: {} entries, fiscal year {fy} (closing {fy_end})", dest.display(), entries.len());
                }
                Err(e) => {
                    // The batches wait for the next export, with the reason.
                    let why = format!("{e:#}");
                    store.set_export_state(&batches, ExportState::ExportFailed, Some(&why), &actor)?;
                    return Err(e.context(format!("exporting {name}; its {} batch(es) are marked export-failed", batches.len())));
                }
            }
            written += 1;
        }
    }
    if written == 0 {
        println!("nothing to export{}", year.map(|y| format!(" for fiscal year {y}")).unwrap_or_default());
    }
    Ok(())
}

/// Write the FEC to a temporary name beside `name`, sync, rename: no reader
/// ever sees half a file.
fn write_atomically(out: &Path, name: &str, entries: &[NumberedEntry], sep: FecSeparator, enc: Encoding) -> Result<std::path::PathBuf> {
    let dest = out.join(name);
    let tmp = out.join(format!(".{name}.tmp"));
    let mut text = Vec::new();
    write_fec(&mut text, entries, sep)?;
    let (bytes, lost) = encode(std::str::from_utf8(&text).context("FEC text")?, enc);
    if lost > 0 {
        eprintln!("{name}: {lost} character(s) have no ISO-8859-15 form and were written as `?`");
    }
    let mut f = std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    f.write_all(&bytes).with_context(|| format!("writing {}", tmp.display()))?;
    f.sync_all().with_context(|| format!("syncing {}", tmp.display()))?;
    std::fs::rename(&tmp, &dest).with_context(|| format!("renaming {} to {}", tmp.display(), dest.display()))?;
    Ok(dest)
}
