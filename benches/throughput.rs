//! Throughput benchmark (issue 2): documents per second through `process`
//! on generated born-digital invoices, time per stage, and `extract`
//! against poppler's `pdftotext` on the same files in the same run.
//!
//! Run: `cargo bench --bench throughput` (N=500 by default; `PL_BENCH_N` to change).
//! Prints a Markdown table for BENCHMARKS.md.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use paperledger::capture::pdf_text::extract_pages;
use paperledger::recognize::{CategoryRules, MarkRules, Recognizer};

fn main() {
    let n: usize = std::env::var("PL_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let bin = env!("CARGO_BIN_EXE_paperledger");
    let work = tempfile::tempdir().unwrap();
    let gen_dir = work.path().join("invoices");
    let opts = paperledger::samplegen::GenOptions { out_dir: gen_dir.clone(), count: n, seed: 2026, buyer: paperledger::samplegen::Buyer::demo() };
    paperledger::samplegen::generate(&opts).expect("generating invoices");
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&gen_dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
    pdfs.sort();
    let bytes: Vec<Vec<u8>> = pdfs.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let total_kb: usize = bytes.iter().map(|b| b.len()).sum::<usize>() / 1024;
    eprintln!("{n} invoices, {total_kb} KiB");

    // Reference: poppler's pdftotext, one process per file, as a user runs it.
    let t_pdftotext = time(|| {
        for p in &pdfs {
            run(Command::new("pdftotext").arg(p).arg("-"));
        }
    });
    let t_pdftotext_bbox = time(|| {
        for p in &pdfs {
            run(Command::new("pdftotext").arg("-bbox").arg(p).arg("-"));
        }
    });
    // Ours, the same way: `paperledger extract FILE --json`, capture + recognition.
    let t_extract_cli = time(|| {
        for p in &pdfs {
            run(Command::new(bin).arg("extract").arg(p).arg("--json"));
        }
    });

    // In-process stages on the same bytes.
    let mut pages_all = Vec::with_capacity(n);
    let t_text = time(|| {
        for b in &bytes {
            pages_all.push(extract_pages(b).expect("extract"));
        }
    });
    let recognizer = Recognizer::new(CategoryRules::builtin(), MarkRules::builtin(), Default::default(), Default::default());
    let mut recs = Vec::with_capacity(n);
    let t_recognize = time(|| {
        for pages in &pages_all {
            recs.push(recognizer.recognize(pages));
        }
    });
    let accounts = paperledger::ledger::AccountsRules::builtin();
    let suppliers = paperledger::ledger::SupplierDirectory::builtin();
    let company = paperledger::recognize::CompanyIdentity::default();
    let mut posted = 0usize;
    let t_post = time(|| {
        for r in &recs {
            if let Ok(f) = paperledger::pipeline::stages::facts_from(r, &company) {
                if paperledger::ledger::post_invoice(&f, &accounts, &suppliers, paperledger::ledger::UnknownSupplierPolicy::Create).is_ok() {
                    posted += 1;
                }
            }
        }
    });

    // The whole path: `process` into a fresh site's DuckDB, all cores.
    let site = work.path().join("site");
    run(Command::new(bin).arg("init").arg(&site));
    let config = site.join("paperledger.yaml");
    let t_process = time(|| {
        let mut cmd = Command::new(bin);
        cmd.args(["process", "--config"]).arg(&config).args(&pdfs);
        let out = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().unwrap();
        assert!(out.code().is_some());
    });
    let archived = std::fs::read_dir(site.join("archive")).map(|r| r.count()).unwrap_or(0);

    let per = |d: Duration| d.as_secs_f64() * 1000.0 / n as f64;
    println!("| measure ({n} invoices, {total_kb} KiB) | total s | ms / document | ratio |");
    println!("|---|---:|---:|---:|");
    println!("| `pdftotext FILE -` (reference, process per file) | {:.2} | {:.2} | 1.00 |", t_pdftotext.as_secs_f64(), per(t_pdftotext));
    println!("| `pdftotext -bbox FILE -` (word boxes, process per file) | {:.2} | {:.2} | {:.2} |", t_pdftotext_bbox.as_secs_f64(), per(t_pdftotext_bbox), ratio(t_pdftotext_bbox, t_pdftotext));
    println!("| `paperledger extract FILE --json` (process per file) | {:.2} | {:.2} | {:.2} |", t_extract_cli.as_secs_f64(), per(t_extract_cli), ratio(t_extract_cli, t_pdftotext));
    println!("| stage: text + word boxes (in process) | {:.2} | {:.2} | {:.2} |", t_text.as_secs_f64(), per(t_text), ratio(t_text, t_pdftotext));
    println!("| stage: categorize + recognize (in process) | {:.2} | {:.2} | {:.2} |", t_recognize.as_secs_f64(), per(t_recognize), ratio(t_recognize, t_pdftotext));
    println!("| stage: post (in process) | {:.3} | {:.3} | {:.3} |", t_post.as_secs_f64(), per(t_post), ratio(t_post, t_pdftotext));
    println!("| `paperledger process` all files, DuckDB on disk, all cores | {:.2} | {:.2} | {:.2} |", t_process.as_secs_f64(), per(t_process), ratio(t_process, t_pdftotext));
    println!();
    println!("process throughput: {:.1} documents/s ({archived} archived; {posted}/{n} postable in process)", n as f64 / t_process.as_secs_f64());
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn run(cmd: &mut Command) {
    let st = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(st.success(), "{cmd:?} failed");
}

