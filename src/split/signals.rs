//! Page signals read from a page's words alone (no recognition needed).

use std::sync::OnceLock;

use regex::Regex;

use crate::capture::raster::PageScan;
use crate::capture::Page;

use super::SeparatorCode;

/// "Page 2/3", "Page 2 of 3", "page 2 sur 3", "Seite 2 von 3", "Blatt 2/3",
/// "p. 2/3"; a bare "2/3" or "2 of 3" only when it stands alone on a line
/// in the page's top or bottom margin (elsewhere it is a date or a quantity).
pub fn page_numbering(page: &Page) -> Option<(u32, u32)> {
    static LABELLED: OnceLock<Regex> = OnceLock::new();
    static BARE: OnceLock<Regex> = OnceLock::new();
    let labelled = LABELLED.get_or_init(|| {
        Regex::new(r"(?i)\b(?:page|seite|blatt|pag\.?|p\.|s\.)\s*([0-9]{1,3})\s*(?:/|of|sur|von|de|aus)\s*([0-9]{1,3})\b").expect("valid regex")
    });
    let bare = BARE.get_or_init(|| Regex::new(r"(?i)^\s*-?\s*([0-9]{1,3})\s*(?:/|of|sur|von)\s*([0-9]{1,3})\s*-?\s*$").expect("valid regex"));
    let valid = |k: u32, n: u32| (1..=n).contains(&k) && n <= 200;
    let parse = |c: regex::Captures| -> Option<(u32, u32)> {
        let k = c.get(1)?.as_str().parse().ok()?;
        let n = c.get(2)?.as_str().parse().ok()?;
        valid(k, n).then_some((k, n))
    };
    let h = page.height.max(1.0);
    for (text, y) in lines(page) {
        if let Some(found) = labelled.captures(&text).and_then(parse) {
            return Some(found);
        }
        if y < 0.12 * h || y > 0.85 * h {
            if let Some(found) = bare.captures(&text).and_then(parse) {
                return Some(found);
            }
        }
    }
    None
}

/// A page that opens a document: in its upper part, a document title
/// (invoice, credit note, receipt… in FR, EN or DE) and a date (label or value).
pub fn starts_document(page: &Page) -> bool {
    static TITLE: OnceLock<Regex> = OnceLock::new();
    static DATE: OnceLock<Regex> = OnceLock::new();
    let title = TITLE.get_or_init(|| {
        Regex::new(r"(?i)\b(facture|invoice|rechnung|avoir|credit\s*note|gutschrift|note\s+de\s+cr[eé]dit|re[cç]u|receipt|quittung|tax\s+invoice|note\s+d'honoraires|honorarnote)\b").expect("valid regex")
    });
    let date = DATE.get_or_init(|| {
        Regex::new(r"(?i)\b(date|datum|dated|vom)\b|\b[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}\b|\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b|\b[0-9]{1,2}\.?\s+[a-zéûä]{3,9}\.?\s+[0-9]{4}\b").expect("valid regex")
    });
    let limit = page.height.max(1.0) * 0.45;
    let top: Vec<String> = lines(page).into_iter().filter(|(_, y)| *y <= limit).map(|(t, _)| t).collect();
    let text = top.join("\n");
    let titled = title.is_match(&text) || (page.source == crate::capture::TextSource::Ocr && ocr_title(&top));
    titled && date.is_match(&text)
}

/// A title OCR spaced out ("F ac tu re") or misread by one letter
/// ("EACTURE", "Rechsung"): the top lines' words, and each line with its
/// spaces taken out, against the long title words.
fn ocr_title(top: &[String]) -> bool {
    const TITLES: [&str; 6] = ["facture", "invoice", "rechnung", "gutschrift", "receipt", "quittung"];
    let fold = |s: &str| crate::recognize::text::fold(s).chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let one_off = |w: &str, t: &str| w.len() == t.len() && w.chars().zip(t.chars()).filter(|(a, b)| a != b).count() <= 1;
    top.iter().any(|line| {
        let squeezed = fold(line);
        TITLES.iter().any(|t| squeezed.contains(t)) || line.split_whitespace().map(fold).any(|w| TITLES.iter().any(|t| one_off(&w, t)))
    })
}

/// Blank: next to no ink (when the image was measured) and no word read
/// with confidence. Specks read as stray characters do not count.
pub fn is_blank(page: &Page, scan: Option<&PageScan>, max_ink_percent: f32) -> bool {
    let real_words = page
        .words
        .iter()
        .filter(|w| w.confidence >= 0.6 && w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .count();
    let ink_ok = match scan.and_then(|s| s.ink_percent) {
        Some(ink) => ink < max_ink_percent,
        None => true,
    };
    ink_ok && real_words <= 1
}

/// The separator code among a page's barcodes: `VALUE`, `VALUE:category`
/// (also `;`, `|`, `=` or a space before the category), case-insensitive;
/// a checksum character some Code 39 encoders append is tolerated.
pub fn separator_code(barcodes: &[String], value: &str) -> Option<SeparatorCode> {
    let want = value.trim().to_ascii_uppercase();
    barcodes.iter().find_map(|b| {
        let b = b.trim();
        let upper = b.to_ascii_uppercase();
        let rest = upper.strip_prefix(&want)?;
        let tail = &b[b.len() - rest.len()..];
        if tail.is_empty() || tail.chars().count() == 1 && !tail.starts_with([':', ';', '|', '=', ' ']) {
            return Some(SeparatorCode { category: None });
        }
        let cat = tail.strip_prefix([':', ';', '|', '=', ' '])?.trim();
        let valid = !cat.is_empty() && cat.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        valid.then(|| SeparatorCode { category: Some(cat.to_lowercase()) })
    })
}

/// The page's visual lines with their vertical centre, top to bottom.
fn lines(page: &Page) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    let mut last_y: Option<f64> = None;
    for w in &page.words {
        let y = w.bbox.center_y();
        match (last_y, out.last_mut()) {
            (Some(ly), Some((text, _))) if (y - ly).abs() <= w.bbox.height().max(1.0) * 0.5 => {
                text.push(' ');
                text.push_str(&w.text);
            }
            _ => out.push((w.text.clone(), y)),
        }
        last_y = Some(y);
    }
    out
}
