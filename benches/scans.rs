//! Copier-scan benchmark (issue 3), all in one run on generated files:
//! - OCR speed: `paperledger extract` on JPEG-in-PDF scans against poppler's
//!   `pdftoppm` + the `tesseract` CLI alone on the same pages, with the same
//!   number of pages in flight (one per core);
//! - field accuracy per field on the scans against the same invoices born-digital;
//! - split precision and recall on bulk files (none / blank / barcode / QR separators).
//!
//! Run: `cargo bench --bench scans` (`PL_SCANS=24`, `PL_BULK=12`, `PL_MAX_DOCS=8` to change).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::Value;

const FIELDS: [&str; 11] =
    ["supplier_name", "supplier_vat_id", "supplier_siret", "iban", "invoice_number", "invoice_date", "due_date", "currency", "net_total", "vat_total", "gross_total"];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_paperledger");
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().to_path_buf();
    let (scans, bulk, max_docs) = (env("PL_SCANS", 24), env("PL_BULK", 12), env("PL_MAX_DOCS", 8));
    let buyer = paperledger::samplegen::Buyer::demo();
    paperledger::samplegen::generate(&paperledger::samplegen::GenOptions { out_dir: dir.clone(), count: scans, seed: 7, buyer: buyer.clone() }).unwrap();
    let files = paperledger::samplegen::copier::generate(&paperledger::samplegen::copier::CopierOptions { out_dir: dir.clone(), seed: 7, scans, bulk, max_docs, buyer }).unwrap();
    let truth = |f: &Path| -> Value {
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        serde_json::from_str(&std::fs::read_to_string(f.with_file_name(format!("{stem}.truth.json"))).unwrap()).unwrap()
    };
    let extract = |f: &Path| -> Value {
        let out = Command::new(bin).arg("extract").arg(f).arg("--json").stderr(Stdio::null()).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    };
    let singles: Vec<&PathBuf> = files.iter().filter(|f| f.file_name().unwrap().to_string_lossy().starts_with("scan-")).collect();
    let bulks: Vec<&PathBuf> = files.iter().filter(|f| f.file_name().unwrap().to_string_lossy().starts_with("bulk-")).collect();

    // 1. OCR speed on the JPEG-in-PDF scans.
    let pdf_scans: Vec<&PathBuf> = singles.iter().copied().filter(|f| f.extension().is_some_and(|e| e == "pdf")).collect();
    let pages: Vec<(PathBuf, u32)> = pdf_scans.iter().flat_map(|f| (1..=page_count(f)).map(move |k| ((*f).clone(), k))).collect();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let scratch = tempfile::tempdir().unwrap();
    // Same shape as ours: one file at a time, its pages spread over the cores.
    let t_ref = timed(|| {
        for f in &pdf_scans {
            let own: Vec<&(PathBuf, u32)> = pages.iter().filter(|(p, _)| p == *f).collect();
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..cores {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some((f, k)) = own.get(i).copied() else { break };
                    let i = i + 1000 * pages.iter().position(|(p, _)| p == f).unwrap_or(0);
                    let root = scratch.path().join(format!("r{i}"));
                    run(Command::new("pdftoppm").args(["-r", "300", "-gray", "-singlefile", "-f", &k.to_string(), "-l", &k.to_string()]).arg(f).arg(&root));
                    run(Command::new("tesseract")
                        .arg(root.with_extension("pgm"))
                        .arg(&root)
                        .args(["-l", "fra+deu+eng", "--psm", "3", "-c", "tessedit_create_tsv=1"])
                        .env("OMP_THREAD_LIMIT", "1"));
                });
            }
        });
        }
    });
    // Ours: one file at a time, its pages in parallel inside.
    let mut ours_out = BTreeMap::new();
    let t_ours = timed(|| {
        for f in &pdf_scans {
            ours_out.insert((*f).clone(), extract(f));
        }
    });

    // 2. Field accuracy: every single scan and its born-digital original.
    let mut right: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut total: BTreeMap<&str, usize> = BTreeMap::new();
    let t_tiff = timed(|| {
        for f in singles.iter().filter(|f| f.extension().is_some_and(|e| e == "tif")) {
            ours_out.insert((*f).clone(), extract(f));
        }
    });
    let tiff_pages: u32 = singles.iter().filter(|f| f.extension().is_some_and(|e| e == "tif")).map(|f| truth(f)["pages"].as_array().unwrap().len() as u32).sum();
    for f in &singles {
        let t = truth(f);
        let original = dir.join(format!("{}.pdf", t["sources"][0].as_str().unwrap()));
        let scanned = &ours_out[*f];
        let digital = extract(&original);
        for field in FIELDS {
            let want = &t["documents"][0]["fields"][field];
            if want.is_null() {
                continue;
            }
            *total.entry(field).or_default() += 1;
            for (kind, got) in [("scan", scanned), ("digital", &digital)] {
                let v = &got["documents"][0]["fields"][field]["value"];
                if same(field, v, want) {
                    *right.entry((kind, field)).or_default() += 1;
                } else if std::env::var_os("PL_MISSES").is_some() {
                    eprintln!("miss {kind} {} {field}: want {want}, got {v}", f.file_name().unwrap_or_default().to_string_lossy());
                }
            }
        }
    }

    // 3. Split precision / recall on the bulk files, and their fields.
    let (mut tp, mut fp, mut fneg, mut exact) = (0usize, 0usize, 0usize, 0usize);
    let (mut bulk_right, mut bulk_total) = (0usize, 0usize);
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let t_bulk = timed(|| {
        for f in &bulks {
            let t = truth(f);
            let got = extract(f);
            let starts = |docs: &Value| -> Vec<u64> { docs.as_array().map(|a| a.iter().skip(1).filter_map(|d| d["pages"][0].as_u64()).collect()).unwrap_or_default() };
            let (want, have) = (starts(&t["documents"]), starts(&got["documents"]));
            tp += have.iter().filter(|s| want.contains(s)).count();
            fp += have.iter().filter(|s| !want.contains(s)).count();
            fneg += want.iter().filter(|s| !have.contains(s)).count();
            let pages = |docs: &Value| -> Vec<Value> { docs.as_array().map(|a| a.iter().map(|d| d["pages"].clone()).collect()).unwrap_or_default() };
            let ok = pages(&t["documents"]) == pages(&got["documents"]);
            exact += ok as usize;
            let e = by_kind.entry(t["separators"].as_str().unwrap().to_string()).or_default();
            e.0 += ok as usize;
            e.1 += 1;
            for td in t["documents"].as_array().unwrap() {
                let gd = got["documents"].as_array().and_then(|a| a.iter().find(|d| d["pages"] == td["pages"]));
                for field in FIELDS {
                    let want = &td["fields"][field];
                    if want.is_null() {
                        continue;
                    }
                    bulk_total += 1;
                    let ok = gd.is_some_and(|d| same(field, &d["fields"][field]["value"], want));
                    bulk_right += ok as usize;
                    if !ok && std::env::var_os("PL_MISSES").is_some() {
                        let got = gd.map(|d| d["fields"][field]["value"].clone()).unwrap_or(Value::Null);
                        eprintln!("miss bulk {} {:?} {field}: want {want}, got {got}", f.file_name().unwrap_or_default().to_string_lossy(), td["pages"]);
                    }
                }
            }
        }
    });

    let n_pages = pages.len() as f64;
    println!("| measure | value |\n|---|---|");
    println!("| JPEG-in-PDF scan pages | {} ({} files, 200/300 dpi) |", pages.len(), pdf_scans.len());
    println!("| reference: pdftoppm 300 dpi + tesseract (psm 3, fra+deu+eng), one file at a time, its pages over {cores} cores | {:.2} s = {:.2} pages/s |", t_ref, n_pages / t_ref);
    println!("| paperledger extract (OSD, deskew, separator scan, recognition) | {:.2} s = {:.2} pages/s |", t_ours, n_pages / t_ours);
    println!("| **ratio extract / reference** | **{:.2}x** |", t_ours / t_ref);
    println!("| G4 TIFF scans: extract | {tiff_pages} pages in {t_tiff:.2} s = {:.2} pages/s |", tiff_pages as f64 / t_tiff);
    let sum = |kind: &str| FIELDS.iter().map(|f| right.get(&(kind, *f)).copied().unwrap_or(0)).sum::<usize>();
    let all: usize = total.values().sum();
    println!("\n| field | scans | born-digital |\n|---|---|---|");
    for f in FIELDS {
        let n = total.get(f).copied().unwrap_or(0);
        if n > 0 {
            println!("| {f} | {}/{n} | {}/{n} |", right.get(&("scan", f)).copied().unwrap_or(0), right.get(&("digital", f)).copied().unwrap_or(0));
        }
    }
    println!("| **all** | **{}/{all} = {:.1} %** | **{}/{all} = {:.1} %** |", sum("scan"), pct(sum("scan"), all), sum("digital"), pct(sum("digital"), all));
    println!("\n| split on {} bulk files ({:.1} s) | value |\n|---|---|", bulks.len(), t_bulk);
    println!("| boundaries: precision | {tp}/{} = {:.1} % |", tp + fp, pct(tp, tp + fp));
    println!("| boundaries: recall | {tp}/{} = {:.1} % |", tp + fneg, pct(tp, tp + fneg));
    println!("| files split exactly right | {exact}/{} |", bulks.len());
    for (k, (ok, n)) in &by_kind {
        println!("| separators `{k}` | {ok}/{n} files right |");
    }
    println!("| fields right in bulk documents | {bulk_right}/{bulk_total} = {:.1} % |", pct(bulk_right, bulk_total));
}

fn pct(a: usize, b: usize) -> f64 {
    100.0 * a as f64 / b.max(1) as f64
}

/// Names compare letters and digits only, case-insensitively; the rest exactly.
fn same(field: &str, got: &Value, want: &Value) -> bool {
    let norm = |v: &Value| v.as_str().map(|s| if field == "supplier_name" { s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect() } else { s.to_string() });
    norm(got).is_some() && norm(got) == norm(want)
}

fn page_count(f: &Path) -> u32 {
    let out = Command::new("pdfinfo").arg(f).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| l.strip_prefix("Pages:").map(|v| v.trim().parse().unwrap_or(1))).unwrap_or(1)
}

fn run(cmd: &mut Command) {
    let st = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().expect("tool installed");
    assert!(st.success(), "{cmd:?} failed");
}

fn timed(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}
