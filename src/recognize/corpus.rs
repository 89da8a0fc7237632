//! End-to-end accuracy: born-digital PDFs through the real text extractor
//! and the recognizer, compared field by field with their ground truth.
//!
//! * generated invoices (the project's sample generator, in memory),
//! * the committed `samples/invoices/*.pdf` with their `*.truth.json`,
//! * the public Factur-X corpus PDF (values from its embedded XML, read in
//!   place under `../shared/corpus`).
//!
//! `PAPERLEDGER_ACCURACY_N=500 cargo test --lib recognize::corpus -- --nocapture`
//! runs a bigger generated set and prints the per-field table;
//! `PAPERLEDGER_ACCURACY_SEED=100` draws other invoices.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::text::{fold, phrase_tokens};
use super::*;
use crate::capture::pdf_text::extract_pages;
use crate::samplegen::{self, Buyer};

/// Per-field right/total, and the misses for the report.
#[derive(Default)]
struct Tally {
    fields: BTreeMap<String, (usize, usize)>,
    misses: Vec<String>,
}

impl Tally {
    fn add(&mut self, field: &str, ok: bool, what: impl FnOnce() -> String) {
        let e = self.fields.entry(field.to_string()).or_default();
        e.1 += 1;
        if ok {
            e.0 += 1;
        } else {
            self.misses.push(what());
        }
    }
    fn total(&self) -> (usize, usize) {
        self.fields.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    }
    fn ratio(&self) -> f64 {
        let (r, t) = self.total();
        r as f64 / t.max(1) as f64
    }
    fn report(&self, title: &str) -> String {
        let mut s = format!("{title}: {:.1} % of fields right\n", 100.0 * self.ratio());
        for (k, (r, t)) in &self.fields {
            s.push_str(&format!("  {k:<16} {r:>4}/{t:<4} {:.1} %\n", 100.0 * *r as f64 / (*t).max(1) as f64));
        }
        for m in self.misses.iter().take(40) {
            s.push_str(&format!("  miss: {m}\n"));
        }
        s
    }
}

/// Names compare on their words (case, accents, punctuation ignored).
fn same_name(a: &str, b: &str) -> bool {
    phrase_tokens(&fold(a)) == phrase_tokens(&fold(b))
}

/// Compare one recognition with one truth document (`fields` and
/// `vat_breakdown` as in the truth JSON).
fn compare(name: &str, r: &Recognition, truth: &Value, tally: &mut Tally) {
    let want_cat = truth["category"].as_str().unwrap_or("");
    tally.add("category", r.category == want_cat, || format!("{name} category {} ({}) want {want_cat}", r.category, r.category_reason));
    let fields = truth["fields"].as_object().cloned().unwrap_or_default();
    for (k, want) in &fields {
        let want = want.as_str().unwrap_or("");
        let got = r.value(k).unwrap_or("");
        let ok = if k == "supplier_name" { same_name(got, want) } else { got == want };
        tally.add(k, ok, || format!("{name} {k}: got {got:?} want {want:?} ({})", r.fields.get(k).map(|f| f.source.as_str()).unwrap_or("-")));
    }
    let want_vat: Vec<(String, String, String)> =
        truth["vat_breakdown"].as_array().map(|a| a.iter().map(|l| (s(&l["rate"]), s(&l["base"]), s(&l["amount"]))).collect()).unwrap_or_default();
    let mut got_vat: Vec<(String, String, String)> =
        r.vat_breakdown.iter().map(|l| (l.rate.normalize().to_string(), amount::format_amount(l.base), amount::format_amount(l.amount))).collect();
    let mut want_sorted = want_vat.clone();
    want_sorted.sort();
    got_vat.sort();
    tally.add("vat_breakdown", got_vat == want_sorted, || format!("{name} vat_breakdown: got {got_vat:?} want {want_sorted:?}"));
    // A document whose fields are all right must not wait for review.
    let all_right = fields.iter().all(|(k, w)| {
        let (g, w) = (r.value(k).unwrap_or(""), w.as_str().unwrap_or(""));
        if k == "supplier_name" {
            same_name(g, w)
        } else {
            g == w
        }
    });
    if all_right {
        tally.add("no_false_review", r.review_reasons().is_empty(), || format!("{name} sent to review: {:?}", r.review_reasons()));
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn demo_company() -> CompanyIdentity {
    let b = Buyer::demo();
    CompanyIdentity { names: vec![b.name.clone()], vat_ids: vec![b.vat_id.clone()], sirens: vec![b.siren.clone()], ibans: vec![] }
}

fn recognizer(company: CompanyIdentity) -> Recognizer {
    Recognizer::new(CategoryRules::builtin(), MarkRules::builtin(), company, RecognizeSettings::default())
}

fn generated_tally(seed: u64, n: usize, company: CompanyIdentity) -> Tally {
    let rec = recognizer(company);
    let buyer = Buyer::demo();
    let mut tally = Tally::default();
    for i in 0..n {
        let sample = samplegen::make(seed, i, &buyer);
        let pages = extract_pages(&sample.pdf).unwrap_or_else(|e| panic!("{}: {e}", sample.name));
        let r = rec.recognize(&pages);
        let truth = serde_json::to_value(&sample.truth).expect("truth json");
        compare(&sample.name, &r, &truth["documents"][0], &mut tally);
    }
    tally
}

fn sample_count() -> usize {
    std::env::var("PAPERLEDGER_ACCURACY_N").ok().and_then(|v| v.parse().ok()).unwrap_or(48)
}

/// `PAPERLEDGER_ACCURACY_SEED` shifts both generated sets to other seeds.
fn seed(default: u64) -> u64 {
    std::env::var("PAPERLEDGER_ACCURACY_SEED").ok().and_then(|v| v.parse::<u64>().ok()).map_or(default, |s| s.wrapping_add(default))
}

#[test]
fn generated_invoices_with_company_identity() {
    // Seed 7 is not the committed set's: layouts and values these rules were not tuned on.
    let t = generated_tally(seed(7), sample_count(), demo_company());
    eprintln!("{}", t.report("generated invoices, company known"));
    assert!(t.ratio() >= 0.98, "{}", t.report("generated invoices, company known"));
}

#[test]
fn generated_invoices_without_config() {
    // `extract` without a config: the buyer is told apart by the page layout only.
    let t = generated_tally(seed(11), sample_count(), CompanyIdentity::default());
    eprintln!("{}", t.report("generated invoices, no company"));
    assert!(t.ratio() >= 0.97, "{}", t.report("generated invoices, no company"));
}

#[test]
fn committed_samples_match_their_truth() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/invoices");
    let mut pdfs: Vec<_> =
        std::fs::read_dir(&dir).map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect()).unwrap_or_default();
    pdfs.sort();
    if pdfs.is_empty() {
        eprintln!("no samples in {}: skipped", dir.display());
        return;
    }
    let rec = recognizer(demo_company());
    let mut tally = Tally::default();
    for pdf in &pdfs {
        let truth_path = pdf.with_extension("truth.json");
        let Ok(text) = std::fs::read_to_string(&truth_path) else { continue };
        let truth: Value = serde_json::from_str(&text).expect("truth json");
        let pages = extract_pages(&std::fs::read(pdf).expect("read pdf")).expect("extract");
        for d in truth["documents"].as_array().into_iter().flatten() {
            let wanted: Vec<u32> = d["pages"].as_array().into_iter().flatten().filter_map(|p| p.as_u64()).map(|p| p as u32).collect();
            let doc_pages: Vec<_> = pages.iter().filter(|p| wanted.contains(&p.number)).cloned().collect();
            let r = rec.recognize(&doc_pages);
            compare(&pdf.file_name().unwrap_or_default().to_string_lossy(), &r, d, &mut tally);
        }
    }
    eprintln!("{}", tally.report("samples/invoices"));
    assert!(tally.ratio() >= 0.98, "{}", tally.report("samples/invoices"));
}

/// The Factur-X reference invoice (akretion/factur-x, BSD): its values
/// come from the XML embedded in it (`factur-x-en16931.xml`).
#[test]
fn factur_x_corpus_invoice() {
    let Some(Ok(bytes)) = crate::testdata::corpus("factur-x/pdf/invoice_EN16931.pdf").map(std::fs::read) else {
        eprintln!("shared/corpus/factur-x/pdf/invoice_EN16931.pdf not found: skipped");
        return;
    };
    let pages = extract_pages(&bytes).expect("extract");
    let r = Recognizer::default().recognize(&pages);
    let truth = serde_json::json!({
        "category": "purchase_invoice",
        "fields": {
            "supplier_vat_id": "FR11123456782",
            "supplier_siret": "12345678200077",
            "iban": "FR2012542547256985425874698",
            "invoice_number": "F20260023",
            "invoice_date": "2026-01-31",
            "due_date": "2026-03-02",
            "currency": "EUR",
            "net_total": "100.00",
            "vat_total": "4.90",
            "gross_total": "104.90",
        },
        "vat_breakdown": [
            {"rate": "20", "base": "11.00", "amount": "2.20"},
            {"rate": "0", "base": "60.00", "amount": "0.00"},
            {"rate": "10", "base": "27.00", "amount": "2.70"},
            {"rate": "0", "base": "2.00", "amount": "0.00"},
        ],
    });
    let mut tally = Tally::default();
    compare("invoice_EN16931.pdf", &r, &truth, &mut tally);
    eprintln!("{}\nsupplier_name: {:?}\n{:#?}", tally.report("factur-x EN16931"), r.value("supplier_name"), r.checks);
    assert!(tally.ratio() >= 0.9, "{}", tally.report("factur-x EN16931"));
}

/// Development aid: `PL_DUMP=SEED:INDEX cargo test --lib recognize::corpus::dump -- --ignored --nocapture`
/// prints a generated sample's lines as the recognizer sees them.
#[test]
#[ignore]
fn dump() {
    let spec = std::env::var("PL_DUMP").unwrap_or_else(|_| "11:0".into());
    let (seed, index) = spec.split_once(':').map(|(a, b)| (a.parse().unwrap_or(11), b.parse().unwrap_or(0))).unwrap_or((11, 0));
    // PL_DUMP_FILE=path: any file, through capture (OCR included) instead.
    let pages = match std::env::var("PL_DUMP_FILE") {
        Ok(path) => {
            let bytes = std::fs::read(&path).expect("read PL_DUMP_FILE");
            crate::pipeline::stages::capture_stage(&bytes, &Default::default(), None).expect("capture").pages
        }
        Err(_) => {
            let sample = samplegen::make(seed, index, &Buyer::demo());
            std::fs::write(format!("/tmp/{}.pdf", sample.name), &sample.pdf).ok();
            extract_pages(&sample.pdf).expect("extract")
        }
    };
    let doc = layout::Doc::build(&pages);
    for p in &doc.pages {
        eprintln!("=== page {} ({}x{}) unit {:.1}", p.number, p.width, p.height, p.unit);
        for l in &p.lines {
            let parts: Vec<String> = l.phrases.iter().map(|ph| format!("[{:.0},{:.0}|{}]", ph.bbox.x0, ph.bbox.y0, ph.raw)).collect();
            eprintln!("{}", parts.join(" "));
        }
    }
    let r = Recognizer::default().recognize(&pages);
    let short: Vec<String> = r.fields.iter().map(|(k, f)| format!("{k} = {:?} [{} {:.2}]", f.value, f.source, f.confidence)).collect();
    eprintln!(
        "{} / {}\n{}\n{:?}\n{:#?}",
        r.category,
        r.category_reason,
        short.join("\n"),
        r.vat_breakdown,
        r.checks.iter().filter(|c| !c.passed).collect::<Vec<_>>()
    );
    if std::env::var_os("PL_DUMP_FILE").is_none() {
        eprintln!("{}", serde_json::to_string_pretty(&samplegen::make(seed, index, &Buyer::demo()).truth).unwrap_or_default());
    }
}

/// Development aid: `PL_DUMP=SEED:INDEX PL_LINE=text cargo test --lib
/// recognize::corpus::dump_items -- --ignored --nocapture` prints the items
/// of the lines containing `text`.
#[test]
#[ignore]
fn dump_items() {
    let spec = std::env::var("PL_DUMP").unwrap_or_else(|_| "11:0".into());
    let (seed, index) = spec.split_once(':').map(|(a, b)| (a.parse().unwrap_or(11), b.parse().unwrap_or(0))).unwrap_or((11, 0));
    let needle = std::env::var("PL_LINE").unwrap_or_default();
    // PL_DUMP_PAGES=file.json:N: page N of saved pages ({"pages": [{number, width,
    // height, words: [{text, bbox, confidence}]}]}, e.g. OCR output kept to study it).
    let pages = match std::env::var("PL_DUMP_PAGES") {
        Ok(spec) => {
            let (path, n) = spec.rsplit_once(':').expect("file.json:N");
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
            let f = |b: &serde_json::Value, k: usize| b[k].as_f64().unwrap_or(0.0);
            v["pages"]
                .as_array()
                .expect("pages")
                .iter()
                .filter(|p| p["number"].to_string() == n)
                .map(|p| crate::capture::Page {
                    number: 1,
                    width: p["width"].as_f64().unwrap_or(595.0),
                    height: p["height"].as_f64().unwrap_or(842.0),
                    source: crate::capture::TextSource::Ocr,
                    words: p["words"]
                        .as_array()
                        .expect("words")
                        .iter()
                        .map(|w| crate::capture::Word {
                            text: w["text"].as_str().unwrap_or_default().into(),
                            bbox: crate::capture::BBox::new(f(&w["bbox"], 0), f(&w["bbox"], 1), f(&w["bbox"], 2), f(&w["bbox"], 3)),
                            confidence: w["confidence"].as_f64().unwrap_or(1.0) as f32,
                        })
                        .collect(),
                })
                .collect()
        }
        Err(_) => extract_pages(&samplegen::make(seed, index, &Buyer::demo()).pdf).expect("extract"),
    };
    let doc = layout::Doc::build(&pages);
    for p in &doc.pages {
        for l in &p.lines {
            let text: String = l.phrases.iter().map(|ph| ph.raw.as_str()).collect::<Vec<_>>().join(" | ");
            if text.contains(&needle) {
                eprintln!("{text}");
                for it in &l.items {
                    eprintln!("   {:?} {:?} x0={:.1}", it.kind, it.text, it.bbox.x0);
                }
            }
        }
    }
}

/// Development aid: the Factur-X invoice's lines (`PL_LINE` filters, with items).
#[test]
#[ignore]
fn dump_facturx_lines() {
    let path = crate::testdata::corpus("factur-x/pdf/invoice_EN16931.pdf").expect("the Factur-X corpus");
    let pages = extract_pages(&std::fs::read(path).expect("read")).expect("extract");
    let doc = layout::Doc::build(&pages);
    let needle = std::env::var("PL_LINE").unwrap_or_default();
    for l in &doc.pages[0].lines {
        let text: String = l.phrases.iter().map(|ph| format!("[{:.0},{:.0}|{}]", ph.bbox.x0, ph.bbox.y0, ph.raw)).collect::<Vec<_>>().join(" ");
        if text.contains(&needle) {
            eprintln!("{text}");
            if !needle.is_empty() {
                for it in &l.items {
                    eprintln!("   {:?} {:?}", it.kind, it.text);
                }
            }
        }
    }
}

/// Recognition time per document (extraction excluded):
/// `cargo test --lib recognize::corpus::timing -- --ignored --nocapture`
#[test]
#[ignore]
fn timing() {
    let buyer = Buyer::demo();
    let docs: Vec<Vec<crate::capture::Page>> = (0..100).map(|i| extract_pages(&samplegen::make(3, i, &buyer).pdf).expect("extract")).collect();
    let rec = Recognizer::default();
    let t = std::time::Instant::now();
    for d in &docs {
        std::hint::black_box(rec.recognize(d));
    }
    eprintln!("recognize: {:.2} ms per document", t.elapsed().as_secs_f64() * 1000.0 / docs.len() as f64);
}
