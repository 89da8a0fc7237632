//! Copier bulk scans through `process` (the daemon's code path, DuckDB on
//! disk, real OCR): files holding several invoices, separated by blank
//! sheets, `PATCHT` barcode sheets, QR sheets naming the category, or
//! nothing at all, as JPEG-in-PDF and multi-page G4 TIFF, skewed, noisy,
//! some pages upside down. Each must come out as its documents, with the
//! page ranges of the ground truth and the split in the source's history.

mod support;

use std::collections::BTreeMap;

use paperledger::samplegen::{copier, Buyer};
use serde_json::Value;
use support::Site;

#[test]
fn bulk_scans_are_cut_into_their_documents() {
    let dir = tempfile::tempdir().unwrap();
    let opts = copier::CopierOptions { out_dir: dir.path().to_path_buf(), seed: 4, scans: 0, bulk: 4, max_docs: 3, buyer: Buyer::demo() };
    let files = copier::generate(&opts).expect("generating bulk scans");
    assert_eq!(files.len(), 4);
    let truth = |f: &std::path::Path| -> Value {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        serde_json::from_str(&std::fs::read_to_string(f.with_file_name(format!("{name}.truth.json"))).unwrap()).unwrap()
    };
    let truths: Vec<Value> = files.iter().map(|f| truth(f)).collect();
    // The fixture covers what a copier sends.
    let kinds: Vec<&str> = truths.iter().map(|t| t["separators"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["none", "blank", "barcode", "qr_category"]);
    assert!(truths.iter().any(|t| t["format"] == "g4_tiff") && truths.iter().any(|t| t["format"] == "jpeg_pdf"));
    assert!(truths.iter().any(|t| t["pages"].as_array().unwrap().iter().any(|p| p["upside_down"] == true)), "seed 4 has an upside-down page");

    let site = Site::new(1500, 0);
    let mut args = vec!["process".to_string(), "--config".into(), site.config.display().to_string(), "--json".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let out = site.cli(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in stdout.lines() {
        let o: Value = serde_json::from_str(line).unwrap();
        by_file.entry(o["file"].as_str().unwrap().to_string()).or_default().push(o);
    }

    let (mut totals_right, mut documents) = (0, 0);
    for (f, t) in files.iter().zip(&truths) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let docs = &by_file[&name];
        let got: Vec<Value> = docs.iter().map(|d| d["pages"].clone()).collect();
        let want: Vec<Value> = t["documents"].as_array().unwrap().iter().map(|d| d["pages"].clone()).collect();
        assert_eq!(got, want, "{name}: every document with its own pages, separator sheets in none");
        for (d, td) in docs.iter().zip(t["documents"].as_array().unwrap()) {
            assert_ne!(d["state"], "failed", "{name}: {d}");
            documents += 1;
            totals_right += (d["fields"]["gross_total"] == td["fields"]["gross_total"]) as usize;
            if t["separators"] == "qr_category" && d["pages"][0].as_u64() != Some(1) {
                assert_eq!(d["category"], td["category"], "{name}: the QR sheet names the category");
            }
        }
    }
    // OCR of noisy 200 dpi pages may miss a digit now and then; most totals must be right.
    assert!(totals_right * 10 >= documents * 8, "gross totals right: {totals_right}/{documents}");

    // The source's history shows the split, with a reason per document.
    let db = site.db();
    let splits: Vec<String> = db.prepare("SELECT detail FROM events WHERE kind = 'split' AND document_id IS NULL").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(splits.len(), 4, "one split event per source");
    let barcode = splits.iter().find(|s| s.contains("barcode PATCHT")).expect("the barcode file's split names its sheets");
    assert!(barcode.contains("separator sheet"), "{barcode}");
    let stored: i64 = db.query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
    assert_eq!(stored as usize, documents);
}

/// A copier without a duplex feeder: the fronts, then the stack turned over
/// (last back first). Invoice A is printed on both sides of one sheet, B and
/// C on one side each. The daemon collates the halves, drops the blank
/// backs, and keeps the halves.
#[test]
fn a_duplex_pair_is_collated_and_its_blank_backs_dropped() {
    use std::path::Path;
    use std::process::Command;
    let sample = |n: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/invoices").join(n);
    let work = tempfile::tempdir().unwrap();
    let w = |n: &str| work.path().join(n);
    // A blank page (a scanned empty back: no text, no ink).
    let blank = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\ntrailer << /Size 4 /Root 1 0 R >>\n%%EOF\n";
    std::fs::write(w("blank.pdf"), blank).unwrap();
    let (a, b, c) = (sample("inv-0001-din-en.pdf"), sample("inv-0002-utility-fr.pdf"), sample("inv-0003-letter-fr.pdf"));
    let qpdf = |args: Vec<&std::ffi::OsStr>| assert!(Command::new("qpdf").args(args).status().unwrap().success());
    qpdf(vec!["--empty".as_ref(), "--pages".as_ref(), a.as_os_str(), "1".as_ref(), b.as_os_str(), "1".as_ref(), c.as_os_str(), "1".as_ref(), "--".as_ref(), w("fronts.pdf").as_os_str()]);
    let blank_path = w("blank.pdf");
    qpdf(vec!["--empty".as_ref(), "--pages".as_ref(), blank_path.as_os_str(), blank_path.as_os_str(), a.as_os_str(), "2".as_ref(), "--".as_ref(), w("backs.pdf").as_os_str()]);

    let site = Site::new(800, 0);
    let pipeline = site.path("pipelines/purchase-invoices.yaml");
    let yaml = std::fs::read_to_string(&pipeline).unwrap().replace("      auto: true ", "      duplex: {fronts_suffix: _front, backs_suffix: _back, backs_reversed: true, wait_secs: 300}\n      auto: true ");
    std::fs::write(&pipeline, yaml).unwrap();
    let check = site.cli(&["check", "--config", site.config.to_str().unwrap()]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));

    let daemon = support::Daemon::start(&site);
    // The backs arrive first; the fronts a moment later.
    std::fs::copy(w("backs.pdf"), site.inbox().join("SCN_0007_back.pdf")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    std::fs::copy(w("fronts.pdf"), site.inbox().join("SCN_0007_front.pdf")).unwrap();
    support::wait_until("the collated file is archived", 180, || site.files("archive").iter().any(|f| f.to_string_lossy().ends_with("SCN_0007.duplex.pdf")));
    let log = daemon.log_text();
    assert_eq!(daemon.stop().code(), Some(0), "{log}");

    let halves = support::files_in(&site.path("archive/duplex-halves"));
    assert_eq!(halves.len(), 2, "both halves kept: {halves:?}");
    let db = site.db();
    let pages: Vec<String> = db.prepare("SELECT pages FROM documents ORDER BY id").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(pages, ["[1,2]", "[3]", "[5]"], "A on both sides of sheet 1, B and C alone; blank backs in no document");
    let split: String = db.query_row("SELECT detail FROM events WHERE kind = 'split' AND document_id IS NULL", [], |r| r.get(0)).unwrap();
    assert!(split.contains("blank back side"), "{split}");
}
