//! The split stage's inputs: each page's signals, from its words, its
//! image findings and a recognition of the page alone; `crate::split`
//! decides. Also recognizes one cut-out document as if it were a file.

use crate::capture::raster::PageScan;
use crate::capture::Page;
use crate::recognize::{Recognition, Recognizer};
use crate::split::{self, Issuer, PageSignals, SplitPlan};

use super::definition::SplitStage;

/// Below this confidence an invoice number read on a single page is not
/// trusted to tell two documents apart.
const NUMBER_CONFIDENCE: f32 = 0.7;

pub fn plan(pages: &[Page], scans: &[PageScan], stage: &SplitStage, recognizer: &Recognizer, collated: bool) -> SplitPlan {
    let settings = stage.settings(collated);
    let signals: Vec<PageSignals> = pages
        .iter()
        .map(|page| {
            let scan = scans.iter().find(|s| s.number == page.number);
            let separator = settings.barcode.as_deref().and_then(|v| split::separator_code(scan.map_or(&[][..], |s| &s.barcodes[..]), v));
            let blank = split::is_blank(page, scan, settings.max_ink_percent);
            let mut signals = PageSignals { number: page.number, blank, separator, ..Default::default() };
            if settings.auto && !blank && signals.separator.is_none() {
                signals.numbering = split::page_numbering(page);
                signals.starts_document = split::starts_document(page);
                let rec = recognize_pages(recognizer, std::slice::from_ref(page));
                signals.issuer = issuer(&rec);
                signals.invoice_number = rec.fields.get("invoice_number").filter(|f| f.confidence >= NUMBER_CONFIDENCE).map(|f| f.value.clone());
                signals.has_total = rec.fields.contains_key("gross_total");
            }
            signals
        })
        .collect();
    split::plan(&signals, &settings)
}

/// Recognize some pages of a file as one document: numbered from 1 for the
/// recognizer (a mark's "page 1" is the document's first page), fields
/// pointing back to the file's page numbers.
pub fn recognize_pages(recognizer: &Recognizer, pages: &[Page]) -> Recognition {
    let numbers: Vec<u32> = pages.iter().map(|p| p.number).collect();
    let renumbered: Vec<Page> = pages.iter().enumerate().map(|(i, p)| Page { number: i as u32 + 1, ..p.clone() }).collect();
    let mut rec = recognizer.recognize(&renumbered);
    for f in rec.fields.values_mut() {
        if let Some(&n) = numbers.get(f.page.saturating_sub(1) as usize) {
            f.page = n;
        }
    }
    rec
}

/// The issuer's identity on a page: SIREN (from a SIRET or a French VAT id)
/// or another VAT id, and the IBAN.
fn issuer(rec: &Recognition) -> Issuer {
    let vat = rec.value("supplier_vat_id").map(|v| match v.strip_prefix("FR") {
        Some(rest) if rest.len() == 11 => rest[2..].to_string(),
        _ => v.to_string(),
    });
    let siren = rec.value("supplier_siret").filter(|s| s.len() >= 9).map(|s| s[..9].to_string());
    Issuer { company: siren.or(vat), iban: rec.value("iban").map(str::to_string) }
}
