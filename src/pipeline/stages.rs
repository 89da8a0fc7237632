//! The CPU part of a pipeline: extract → categorize/recognize → post
//! decision, for one file. No I/O here: bytes in, results out, so a worker
//! can run it on any thread and the runner commits the outcome.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use crate::capture::einvoice::{self, EInvoice};
use crate::capture::raster::PageScan;
use crate::capture::statements::{self, Statement};
use crate::capture::{self, CaptureError, Page};
use crate::config::site::UnknownSuppliers;
use crate::ledger::{self, InvoiceFacts, InvoiceKind, Posting, UnknownSupplierPolicy};
use crate::recognize::{classify, Recognition, Recognizer};
use crate::split::{Segment, SplitPlan};
use crate::store::EventRecord;

use super::definition::{ExtractStage, SplitStage};
use super::site::InboxRuntime;

/// A stage that could not do its work on this file: the file goes to
/// `failed/` with this reason.
#[derive(Debug, Clone)]
pub struct StageError {
    pub stage: &'static str,
    pub message: String,
}

impl std::fmt::Display for StageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} stage: {}", self.stage, self.message)
    }
}

/// What became of one document.
pub enum Decision {
    /// A balanced entry to post, with its fiscal year.
    Post { posting: Posting, fiscal_year: i32, fy_start: NaiveDate, fy_end: NaiveDate, period: Option<String> },
    /// A person must look at it first; never a silent post.
    Review(Vec<String>),
    /// A bank statement file: its lines are booked and matched at commit,
    /// against the open items as they are then.
    Import(Vec<Statement>),
}

pub struct DocumentResult {
    pub pages: Vec<u32>,
    /// What the classifier reads of it, kept so that it can learn from it.
    pub words: Vec<String>,
    pub recognition: Option<Recognition>,
    pub decision: Decision,
    pub events: Vec<EventRecord>,
}

pub struct Analysis {
    pub page_count: u32,
    /// The source's own history: what was read, how it was split.
    pub events: Vec<EventRecord>,
    pub documents: Vec<DocumentResult>,
}

/// Run the pipeline's stages over one file's bytes.
/// `collated`: the file is a duplex pair collated by intake (its even pages are back sides).
pub fn analyze(bytes: &[u8], rt: &InboxRuntime, collated: bool) -> Result<Analysis, StageError> {
    if let Some(analysis) = statement_file(bytes, rt)? {
        return Ok(analysis);
    }
    let split = rt.pipeline.split.as_ref();
    let cap = capture_stage(bytes, &rt.pipeline.extract, split)?;
    let page_count = cap.pages.len().max(1) as u32;
    let mut events = cap.events.clone();

    let Some(recognizer) = &rt.pipeline.recognizer else {
        let reason = format!("pipeline `{}` has no recognize stage", rt.pipeline.name);
        let review = EventRecord::new("review", json!({"reasons": [reason.clone()]}));
        let pages = if cap.pages.is_empty() { vec![1] } else { cap.pages.iter().map(|p| p.number).collect() };
        let doc = DocumentResult { pages, words: classify::words_of(&cap.pages), recognition: None, decision: Decision::Review(vec![reason]), events: vec![review] };
        return Ok(Analysis { page_count, events, documents: vec![doc] });
    };
    let (plan, docs) = documents(&cap, split, recognizer, collated);
    if let Some(plan) = &plan {
        events.push(EventRecord::new("split", json!({"documents": plan.documents, "separators": plan.separators})));
    }
    let several = docs.len() > 1;
    let documents = docs
        .into_iter()
        .map(|(segment, rec)| {
            let mut events = Vec::new();
            if several {
                events.push(EventRecord::new("split", json!({"pages": segment.pages, "reason": segment.reason})));
            }
            events.push(EventRecord::new("categorized", json!({"category": rec.category, "reason": rec.category_reason})));
            events.push(EventRecord::new(
                "recognized",
                json!({
                    "fields": rec.fields.iter().map(|(k, f)| (k.clone(), json!({"value": f.value, "source": f.source, "confidence": f.confidence}))).collect::<serde_json::Map<_, _>>(),
                    "checks": rec.checks,
                }),
            ));
            let decision = decide(&rec, rt);
            match &decision {
                Decision::Review(reasons) => events.push(EventRecord::new("review", json!({"reasons": reasons}))),
                Decision::Post { posting, .. } => {
                    for note in &posting.notes {
                        events.push(EventRecord::new("note", json!({"message": note})));
                    }
                }
                Decision::Import(_) => {}
            }
            let words = classify::words_of(cap.pages.iter().filter(|p| segment.pages.contains(&p.number)));
            DocumentResult { words, pages: segment.pages, recognition: Some(rec), decision, events }
        })
        .collect();
    Ok(Analysis { page_count, events, documents })
}

/// A bank statement, told by its content whatever the inbox: read whole
/// (every statement's balances checked) or refused whole.
fn statement_file(bytes: &[u8], rt: &InboxRuntime) -> Result<Option<Analysis>, StageError> {
    let csv = &rt.company.bank.csv;
    let Some(format) = statements::detect(bytes, csv) else { return Ok(None) };
    let parsed = statements::parse(bytes, format, csv).map_err(|e| StageError { stage: "statement", message: e.to_string() })?;
    let kind = parsed[0].format.clone();
    let lines: usize = parsed.iter().map(|s| s.lines.len()).sum();
    let extracted = EventRecord::new(
        "extracted",
        json!({"text": "statement", "format": kind, "statements": parsed.iter().map(|s| json!({"id": s.id, "iban": s.iban, "account": s.account, "lines": s.lines.len(),
            "opening": s.opening.map(|b| b.amount.to_string()), "closing": s.closing.map(|b| b.amount.to_string())})).collect::<Vec<_>>(), "lines": lines}),
    );
    let categorized = EventRecord::new("categorized", json!({"category": "bank_statement", "reason": format!("the content is a {kind} bank statement")}));
    let doc = DocumentResult { pages: Vec::new(), words: Vec::new(), recognition: None, decision: Decision::Import(parsed), events: vec![categorized] };
    Ok(Some(Analysis { page_count: 0, events: vec![extracted], documents: vec![doc] }))
}

/// The documents in a captured file, each recognized on its own pages: one
/// per file without a split stage or for an e-invoice (its XML describes
/// exactly one document), else as the split stage cuts it.
pub fn documents(cap: &Captured, split: Option<&SplitStage>, recognizer: &Recognizer, collated: bool) -> (Option<SplitPlan>, Vec<(Segment, Recognition)>) {
    let whole = || Segment {
        pages: if cap.pages.is_empty() { vec![1] } else { cap.pages.iter().map(|p| p.number).collect() },
        category: None,
        reason: "whole file".into(),
    };
    let plan = match (split, &cap.xml) {
        // One page is one document: no signals to gather.
        (Some(s), None) if cap.pages.len() > 1 => Some(super::split_stage::plan(&cap.pages, &cap.scans, s, recognizer, collated)),
        _ => None,
    };
    let segments = match &plan {
        Some(p) => p.documents.clone(),
        None => vec![whole()],
    };
    let docs = segments
        .into_iter()
        .map(|seg| {
            let pages: Vec<Page> = cap.pages.iter().filter(|p| seg.pages.contains(&p.number)).cloned().collect();
            let mut rec = if plan.is_some() { super::split_stage::recognize_pages(recognizer, &pages) } else { recognize_with(recognizer, &pages, cap.xml.as_ref()) };
            if let Some(cat) = &seg.category {
                rec.category = cat.clone();
                rec.category_reason = format!("named by the separator sheet's code ({})", seg.reason);
            }
            (seg, rec)
        })
        .collect();
    (plan, docs)
}

/// An e-invoice found in the file, with where it came from.
#[derive(Clone)]
pub struct XmlInvoice {
    pub origin: String,
    pub invoice: EInvoice,
}

/// What capture read from one file.
#[derive(Clone)]
pub struct Captured {
    /// Every page's words (none for a standalone XML file).
    pub pages: Vec<Page>,
    /// What the page images showed (ink, barcodes), for the pages analysed.
    pub scans: Vec<PageScan>,
    /// The e-invoice, when there is one.
    pub xml: Option<XmlInvoice>,
    /// What was read, for the source's history.
    pub events: Vec<EventRecord>,
}

/// Capture: the pages' text and, when there is one, the e-invoice (a CII /
/// UBL file, or the XML inside a Factur-X / ZUGFeRD PDF), with the events
/// saying what was read. A standalone XML file has no pages. With a split
/// stage, page images are also searched for separator sheets.
pub fn capture_stage(bytes: &[u8], settings: &ExtractStage, split: Option<&SplitStage>) -> Result<Captured, StageError> {
    let min_chars = settings.min_chars_per_page;
    let mut ocr_settings = settings.ocr_settings();
    if let Some(s) = split {
        ocr_settings.measure_ink = s.separators.blank;
        ocr_settings.read_barcodes = s.separators.barcode.is_some();
    }
    if looks_like_xml(bytes) {
        let invoice = einvoice::parse_einvoice(bytes).map_err(|e| StageError { stage: "extract", message: format!("e-invoice: {e}") })?;
        let ev = EventRecord::new("extracted", json!({"text": "xml", "syntax": invoice.syntax, "profile": invoice.profile}));
        return Ok(Captured { pages: Vec::new(), scans: Vec::new(), xml: Some(XmlInvoice { origin: "xml file".into(), invoice }), events: vec![ev] });
    }
    let image = capture::ocr::image_kind(bytes);
    let failed = |kind: &str, m: String| StageError { stage: "extract", message: format!("{kind} image: {m}") };
    let no_text = |pages: &[Page]| pages.iter().all(|p| p.words.iter().map(|w| w.text.chars().count()).sum::<usize>() < min_chars);
    let (pages, scans, ocr) = match image {
        // A TIFF (multi-page, G4…) becomes a PDF of its images, read page by page.
        Some("tiff") => {
            let pdf = capture::ocr::tiff_to_pdf(bytes, &ocr_settings).map_err(|e| failed("tiff", e.to_string()))?;
            extract(&pdf, min_chars, &ocr_settings).map_err(|e| failed("tiff", e.message))?
        }
        Some(kind) => {
            let (page, scan) = capture::ocr::ocr_image(bytes, kind, &ocr_settings).map_err(|e| failed(kind, e.to_string()))?;
            if no_text(std::slice::from_ref(&page)) {
                return Err(failed(kind, "OCR found no text (a blank or unreadable scan?)".into()));
            }
            (vec![page], vec![scan], None)
        }
        None => extract(bytes, min_chars, &ocr_settings)?,
    };
    let chars: usize = pages.iter().map(|p| p.words.iter().map(|w| w.text.chars().count()).sum::<usize>()).sum();
    let ocr_pages: Vec<u32> = pages.iter().filter(|p| p.source == capture::TextSource::Ocr).map(|p| p.number).collect();
    let text = match (ocr_pages.len(), pages.len()) {
        (0, _) => "digital",
        (o, n) if o == n => "ocr",
        _ => "mixed",
    };
    let mut extracted = json!({"pages": pages.len(), "characters": chars, "text": text});
    if !ocr_pages.is_empty() {
        extracted["ocr_pages"] = json!(ocr_pages);
    }
    let mut events = vec![EventRecord::new("extracted", extracted)];
    if let Some(failure) = ocr {
        events.push(EventRecord::new("note", json!({"message": failure})));
    }
    let xml = match if image.is_some() { Ok(None) } else { einvoice::read_pdf_einvoice(bytes) } {
        Ok(Some((emb, invoice))) => {
            events.push(EventRecord::new("einvoice", json!({"attachment": emb.file_name, "syntax": invoice.syntax, "profile": invoice.profile})));
            Some(XmlInvoice { origin: emb.file_name, invoice })
        }
        Ok(None) => None,
        // The visible text is still there: read it, and say why the XML was not used.
        Err(e) => {
            events.push(EventRecord::new("note", json!({"message": format!("embedded e-invoice not used: {e}")})));
            None
        }
    };
    Ok(Captured { pages, scans, xml, events })
}

/// Recognition from the text, with the e-invoice's values taking precedence.
pub fn recognize_with(recognizer: &Recognizer, pages: &[Page], xml: Option<&XmlInvoice>) -> Recognition {
    match xml {
        Some(x) => {
            let text = if pages.is_empty() { Recognition::empty() } else { recognizer.recognize(pages) };
            recognizer.apply_einvoice(text, &x.invoice, &x.origin)
        }
        None => recognizer.recognize(pages),
    }
}

fn looks_like_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'<')
}

/// Pages with fewer characters than this may be separator sheets: their
/// images are searched for barcodes even when they have a text layer.
const SEPARATOR_MAX_CHARS: usize = 200;

/// The text of every page: the PDF's text layer, and OCR for the pages
/// whose layer has fewer than `min_chars` characters (scans). A file
/// without any usable text, even after OCR, is an error. Also returns what
/// the page images showed (when the settings ask) and why OCR could not
/// help when some pages still have text (a note, not a failure).
pub fn extract(bytes: &[u8], min_chars: usize, ocr_settings: &capture::ocr::OcrSettings) -> Result<(Vec<Page>, Vec<PageScan>, Option<String>), StageError> {
    let err = |e: CaptureError| StageError { stage: "extract", message: e.to_string() };
    let chars = |p: &Page| p.words.iter().map(|w| w.text.chars().count()).sum::<usize>();
    let mut pages = capture::pdf_text::extract_pages(bytes).map_err(err)?;
    let low: Vec<(u32, f64, f64)> = pages.iter().filter(|p| chars(p) < min_chars).map(|p| (p.number, p.width, p.height)).collect();
    // Sparse pages with a text layer: only their barcodes matter (separator sheets).
    let sparse: Vec<(u32, f64, f64)> = if ocr_settings.read_barcodes {
        pages.iter().filter(|p| (min_chars..SEPARATOR_MAX_CHARS).contains(&chars(p))).map(|p| (p.number, p.width, p.height)).collect()
    } else {
        Vec::new()
    };
    let mut scans = match capture::ocr::scan_pdf_pages(bytes, &sparse, ocr_settings) {
        Ok(s) => s,
        Err(e) => return Err(err(CaptureError::Unsupported(format!("looking for separator sheets: {e}")))),
    };
    if low.is_empty() {
        return Ok((pages, scans, None));
    }
    let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let low_numbers: Vec<u32> = low.iter().map(|l| l.0).collect();
    let all_low = low.len() == pages.len();
    match capture::ocr::ocr_sized_pages(bytes, &low, ocr_settings) {
        Ok(ocr_pages) => {
            for (o, scan) in ocr_pages {
                scans.push(scan);
                if let Some(p) = pages.iter_mut().find(|p| p.number == o.number) {
                    // OCR words replace a page whose text layer is (nearly) empty.
                    if chars(&o) > chars(p) {
                        *p = o;
                    }
                }
            }
            if pages.iter().all(|p| chars(p) < min_chars) {
                return Err(err(CaptureError::NoText(format!("page(s) {} carry no text layer and OCR found no text", list(&low_numbers)))));
            }
            Ok((pages, scans, None))
        }
        Err(e) if all_low => Err(err(CaptureError::NoText(format!("page(s) {} carry no text layer and OCR could not read them: {e}", list(&low_numbers))))),
        Err(e) => Ok((pages, scans, Some(format!("page(s) {} carry no text layer and were not OCR'd: {e}", list(&low_numbers))))),
    }
}

/// Post or review, by the pipeline's post stage and the company's books.
pub fn decide(rec: &Recognition, rt: &InboxRuntime) -> Decision {
    let Some(post) = &rt.pipeline.post else {
        return Decision::Review(vec![format!("pipeline `{}` has no post stage", rt.pipeline.name)]);
    };
    if !post.categories.iter().any(|c| *c == rec.category) {
        return Decision::Review(vec![format!(
            "category `{}` is not posted by pipeline `{}` (it posts: {})",
            rec.category,
            rt.pipeline.name,
            post.categories.join(", ")
        )]);
    }
    let reasons = rec.review_reasons();
    if !reasons.is_empty() {
        return Decision::Review(reasons);
    }
    let facts = match facts_from(rec, &rt.company.identity) {
        Ok(f) => f,
        Err(e) => return Decision::Review(vec![e]),
    };
    let c = &rt.company;
    let policy = match c.company.unknown_suppliers {
        UnknownSuppliers::Create => UnknownSupplierPolicy::Create,
        UnknownSuppliers::Review => UnknownSupplierPolicy::Review,
    };
    match ledger::post_invoice(&facts, &c.accounts, &c.suppliers, policy) {
        Ok(posting) => {
            let books = &c.ledger;
            if let Some(l) = posting.entry.lines.iter().find(|l| l.account == books.net_income_account) {
                return Decision::Review(vec![format!("posting: account {} is the year-to-date net income account; no line may use it", l.account)]);
            }
            match books.lock_state(posting.entry.date, None) {
                ledger::books::LockState::Hard(d) => {
                    return Decision::Review(vec![format!("posting: dated {}, in the hard-locked period (through {d})", posting.entry.date)])
                }
                ledger::books::LockState::Soft(d) => {
                    return Decision::Review(vec![format!("posting: dated {}, in the soft-locked period (through {d}); an accountant decides", posting.entry.date)])
                }
                ledger::books::LockState::Open => {}
            }
            let (fiscal_year, fy_start, fy_end) = c.fiscal_year(facts.invoice_date);
            let period = ledger::books::period_of(posting.entry.date, books.batches.group_by);
            Decision::Post { posting, fiscal_year, fy_start, fy_end, period }
        }
        Err(e) => Decision::Review(vec![format!("posting: {e}")]),
    }
}

/// The typed facts posting needs, or why they are missing.
pub fn facts_from(rec: &Recognition, company: &crate::recognize::CompanyIdentity) -> Result<InvoiceFacts, String> {
    let amount = |name: &str| -> Result<Decimal, String> {
        let v = rec.value(name).ok_or_else(|| format!("missing {name}"))?;
        v.parse::<Decimal>().map(|d| d.abs()).map_err(|_| format!("{name} `{v}` is not an amount"))
    };
    let date = |name: &str| -> Option<NaiveDate> { rec.value(name).and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()) };
    let invoice_date = date("invoice_date").ok_or("missing invoice_date")?;
    let gross_total = amount("gross_total")?;
    let (net_total, vat_total) = match (amount("net_total"), amount("vat_total")) {
        (Ok(n), Ok(v)) => (n, v),
        (Ok(n), Err(_)) => (n, gross_total - n),
        (Err(_), Ok(v)) => (gross_total - v, v),
        (Err(e), Err(_)) => return Err(e),
    };
    let supplier_vat_id = rec.value("supplier_vat_id").map(str::to_string);
    // An invoice the company issued itself is a sale.
    let ours = supplier_vat_id.as_ref().is_some_and(|v| company.vat_ids.contains(v))
        || rec.value("supplier_siret").is_some_and(|s| company.sirens.iter().any(|siren| s.starts_with(siren.as_str())));
    let kind = if rec.category == "sales_invoice" || ours { InvoiceKind::Sales } else { InvoiceKind::Purchase };
    Ok(InvoiceFacts {
        kind,
        credit_note: rec.category == "credit_note",
        supplier_name: rec.value("supplier_name").map(str::to_string),
        supplier_vat_id,
        supplier_siret: rec.value("supplier_siret").map(str::to_string),
        iban: rec.value("iban").map(str::to_string),
        invoice_number: rec.value("invoice_number").ok_or("missing invoice_number")?.to_string(),
        invoice_date,
        due_date: date("due_date"),
        currency: rec.value("currency").unwrap_or("EUR").to_string(),
        net_total,
        vat_total,
        gross_total,
        vat_breakdown: rec.vat_breakdown.iter().map(|v| (v.rate, v.base.abs(), v.amount.abs())).collect(),
    })
}
