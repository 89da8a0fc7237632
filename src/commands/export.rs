//! `export`: FEC files, written atomically (temporary name, sync, rename).

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::export::encoding::{encode, Encoding};
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
            let mut store_batches: Vec<i64> = stored.iter().map(|s| s.batch_id).collect();
            let entries: Vec<NumberedEntry> = stored
                .into_iter()
                .map(|s| NumberedEntry { entry: s.entry, number: s.number as u32, validated_on: s.validated_on })
                .collect();
            let name = fec_file_name(&c.siren, fy_end);
            let dest = out.join(&name);
            let tmp = out.join(format!(".{name}.tmp"));
            let mut text = Vec::new();
            write_fec(&mut text, &entries, sep)?;
            let (bytes, lost) = encode(std::str::from_utf8(&text).context("FEC text")?, enc);
            if lost > 0 {
                eprintln!("{name}: {lost} character(s) have no ISO-8859-15 form and were written as `?`");
            }
            {
                let mut f = std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
                f.write_all(&bytes)?;
                f.sync_all()?;
            }
            std::fs::rename(&tmp, &dest)?;
            let mut batches: Vec<i64> = store_batches.drain(..).collect();
            batches.sort_unstable();
            batches.dedup();
            store.set_export_state(&batches, crate::ledger::batch::ExportState::Exported, None, &crate::admin::cli_actor())?;
            println!("{}: {} entries, fiscal year {fy} (closing {fy_end})", dest.display(), entries.len());
            written += 1;
        }
    }
    if written == 0 {
        println!("nothing to export{}", year.map(|y| format!(" for fiscal year {y}")).unwrap_or_default());
    }
    Ok(())
}
