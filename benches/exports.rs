//! Export benchmark (issue 7): the FEC export of 5 million posted lines
//! through `paperledger::admin::export::run` (what `export` and the nightly
//! schedule run: file written to a temporary name, synced, renamed, batches
//! marked exported) against DuckDB's own `COPY (SELECT …) TO 'file.csv'`
//! of the same rows in the same run. Goal: at most 1.5x.
//!
//! Run: `CARGO_TARGET_DIR=$HOME/.cache/paperledger-bench cargo bench --bench exports`
//! (`PL_EXPORT_LINES`, default 5000000).

use std::time::{Duration, Instant};

use paperledger::admin::export::ExportRequest;
use paperledger::config::overnight::ExportFormat;
use paperledger::pipeline::Site;
use paperledger::store::Store;

#[path = "common/mod.rs"]
mod common;

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

fn main() {
    let lines: usize = std::env::var("PL_EXPORT_LINES").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000_000);
    let work = tempfile::tempdir_in(std::env::var("PL_BENCH_DIR").unwrap_or_else(|_| "/tmp".into())).unwrap();
    let bin = env!("CARGO_BIN_EXE_paperledger");
    assert!(std::process::Command::new(bin).arg("init").arg(work.path().join("site")).output().unwrap().status.success());
    let site = Site::load(&work.path().join("site/paperledger.yaml")).map_err(|e| format!("{:?}", e.0)).unwrap();
    drop(Store::open(&site.database).unwrap());
    let (_, t_build) = time(|| common::build_big(&site.database, lines / 4));
    let mut store = Store::open(&site.database).unwrap();

    // Warm DuckDB's buffers first, so neither side pays for reading the file.
    store.connection().query_row("SELECT count(*), sum(l.debit) FROM entries e JOIN entry_lines l ON l.entry_id = e.id", [], |r| r.get::<_, i64>(0)).unwrap();
    let t_copy1 = copy(&store, &work.path().join("reference1.csv"));
    let out = work.path().join("exports");
    let req = ExportRequest { format: ExportFormat::Fec, out: out.clone(), year: None, company: None, batch: None, pipe: false, latin9: false };
    let (report, t_fec) = time(|| paperledger::admin::export::run(&mut store, &site, &req, "bench").unwrap());
    let fec = out.join(report[0].split(": ").next().unwrap().rsplit('/').next().unwrap());
    let fec_lines = std::io::BufRead::lines(std::io::BufReader::new(std::fs::File::open(&fec).unwrap())).count();
    assert_eq!(fec_lines, lines / 4 * 4 + 1, "header + every line");

    // The same COPY with the FEC formatting alone, no sync/rename/marking: where the time goes.
    let (_, t_format) = time(|| store.copy_fec("demo", 2025, '\t', None, &work.path().join("format-only.txt")).unwrap());
    let t_copy2 = copy(&store, &work.path().join("reference2.csv"));
    let t_copy = (t_copy1 + t_copy2) / 2;
    let reference = work.path().join("reference1.csv");
    // The Rust writer (used for ISO-8859-15 files), on the same rows.
    let latin9 = ExportRequest { latin9: true, out: work.path().join("latin9"), ..req };
    let (_, t_latin9) = time(|| paperledger::admin::export::run(&mut store, &site, &latin9, "bench").unwrap());

    let s = |d: Duration| d.as_secs_f64();
    let mb = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    println!("| measure ({} lines; setup {:.1} s) | seconds | MB | ratio to COPY |", lines / 4 * 4, s(t_build));
    println!("|---|---:|---:|---:|");
    println!("| DuckDB `COPY (SELECT …) TO 'file.csv'` of the same rows (reference; mean of a run before and one after ours: {:.2} s, {:.2} s) | {:.2} | {:.0} | 1.00 |", s(t_copy1), s(t_copy2), s(t_copy), mb(&reference));
    println!("| `export --format fec` (UTF-8): COPY with FEC formatting, sync, rename, batches marked exported | {:.2} | {:.0} | **{:.2}** |", s(t_fec), mb(&fec), s(t_fec) / s(t_copy));
    println!("| of which: the FEC-formatting COPY alone (no sync, rename, marking) | {:.2} | | {:.2} |", s(t_format), s(t_format) / s(t_copy));
    println!("| `export --format fec --encoding iso-8859-15` (entries loaded, Rust writer, re-encoded) | {:.2} | | {:.2} |", s(t_latin9), s(t_latin9) / s(t_copy));
}

/// The reference: DuckDB's COPY of the same rows, raw.
fn copy(store: &Store, reference: &std::path::Path) -> Duration {
    time(|| {
        store
            .connection()
            .execute(
                &format!(
                    "COPY (SELECT e.journal, e.journal_label, e.number, e.entry_date, l.account, l.account_label, l.aux_account, l.aux_label, e.piece_ref, e.piece_date,
                             l.label, l.debit, l.credit, NULL, NULL, e.validated_at, NULL, NULL
                      FROM entries e JOIN entry_lines l ON l.entry_id = e.id ORDER BY e.journal, e.number, l.line_no) TO '{}' (FORMAT csv, DELIMITER '\t', HEADER true)",
                    reference.display()
                ),
                [],
            )
            .unwrap()
    })
    .1
}
