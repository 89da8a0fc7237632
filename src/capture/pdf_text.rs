//! Born-digital PDF text with word boxes.
//!
//! lopdf parses the file structure; the content streams are interpreted here
//! (own lexer, fonts, encodings, ToUnicode CMaps, text state, CTM, Form
//! XObjects, annotation appearances). pdf-extract was evaluated and not used:
//! it panics on many real-world inputs (missing widths, unknown encodings,
//! unexpected operand types), ignores CropBox and /Rotate, skips Form
//! XObjects, has no bound on work, and re-parses fonts for every page.
//!
//! Coordinates are those of the page as displayed: points, origin top-left,
//! y down, after CropBox and /Rotate.

mod filters;
mod font;
mod interp;
mod layout;
mod lexer;
mod repair;
mod tables;
mod util;

use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::xref::XrefEntry;
use lopdf::{Dictionary, Document, Object};

use super::{CaptureError, Page, TextSource};
use filters::Budget;
use interp::{GState, Interp, Stop};
use layout::Sink;
use util::{dict_get, num, nums, Mat};

/// Cap on decompressed bytes (content streams, forms, CMaps, font programs) per document.
pub const MAX_DECODED_BYTES: usize = 64 << 20;

/// Pages of a born-digital PDF with their words in reading order.
///
/// A PDF whose pages carry no text returns pages without words; deciding
/// whether that is a problem (scan) is the caller's business.
pub fn extract_pages(bytes: &[u8]) -> Result<Vec<Page>, CaptureError> {
    check_header(bytes)?;
    guarded(|| {
        let doc = open(bytes)?;
        extract_doc(&doc)
    })
}

/// Number of pages, with the same checks as [`extract_pages`] but without reading content.
pub fn page_count(bytes: &[u8]) -> Result<usize, CaptureError> {
    check_header(bytes)?;
    guarded(|| Ok(open(bytes)?.get_pages().len()))
}

/// Displayed size (points, crop box, /Rotate applied) of every page, by
/// 1-based number: what a page's words are measured against.
pub fn page_sizes(bytes: &[u8]) -> Result<std::collections::HashMap<u32, (f64, f64)>, CaptureError> {
    check_header(bytes)?;
    guarded(|| {
        let doc = open(bytes)?;
        Ok(doc
            .get_pages()
            .into_iter()
            .map(|(n, id)| {
                let size = doc.get_dictionary(id).ok().map(|p| {
                    let (w, h, _) = geometry(&doc, p);
                    (w, h)
                });
                (n, size.unwrap_or((612.0, 792.0)))
            })
            .collect())
    })
}

fn check_header(bytes: &[u8]) -> Result<(), CaptureError> {
    if bytes.is_empty() {
        return Err(CaptureError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(4).any(|w| w == b"%PDF") {
        return Ok(());
    }
    let what = if head.starts_with(b"PK\x03\x04") {
        "it looks like a ZIP/Office document"
    } else if head.starts_with(b"\x89PNG") {
        "it looks like a PNG image"
    } else if head.starts_with(b"\xff\xd8\xff") {
        "it looks like a JPEG image"
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        "it looks like a TIFF image"
    } else if head.iter().take(64).any(|&b| b == b'<') && head.to_ascii_lowercase().windows(5).any(|w| w == b"<html" || w == b"<?xml") {
        "it looks like HTML/XML"
    } else {
        "unknown content"
    };
    Err(CaptureError::NotPdf(format!("no %PDF header in the first 1024 bytes ({what})")))
}

/// Third-party parsing may panic on hostile input: never let it out.
fn guarded<T>(f: impl FnOnce() -> Result<T, CaptureError>) -> Result<T, CaptureError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
            Err(CaptureError::Damaged(format!("the PDF structure could not be parsed (parser failure: {msg})")))
        }
    }
}

fn encrypted() -> CaptureError {
    CaptureError::Encrypted("the file has an /Encrypt dictionary; encrypted PDFs are not processed, even without a password — ask the sender for an unprotected copy".into())
}

fn is_encrypted(doc: &Document) -> bool {
    doc.encryption_state.is_some() || doc.trailer.has(b"Encrypt")
}

/// Load with lopdf; on structural failure (or a lost page tree) rebuild the xref and retry.
fn open(bytes: &[u8]) -> Result<Document, CaptureError> {
    let failure = match Document::load_mem(bytes) {
        Ok(doc) => {
            if is_encrypted(&doc) {
                return Err(encrypted());
            }
            if !doc.get_pages().is_empty() {
                // lopdf silently drops objects its xref points at wrongly
                // (a shifted body): then a rebuilt xref may recover them.
                let listed = doc.reference_table.entries.values().filter(|e| matches!(e, XrefEntry::Normal { .. } | XrefEntry::Compressed { .. })).count();
                if doc.objects.len() < listed {
                    let better = repair::rebuild(bytes)
                        .and_then(|b| Document::load_mem(&b).ok())
                        .filter(|d| !is_encrypted(d) && d.objects.len() > doc.objects.len() && !d.get_pages().is_empty());
                    return Ok(better.unwrap_or(doc));
                }
                return Ok(doc);
            }
            if doc.catalog().is_ok() {
                CaptureError::NoPages
            } else {
                CaptureError::Damaged("no document catalog (/Root) could be found".into())
            }
        }
        Err(e) => {
            // lopdf may fail on encryption it does not support: still report encryption.
            if raw_has_encrypt(bytes) {
                return Err(encrypted());
            }
            CaptureError::Damaged(format!("the PDF structure is unreadable ({e}) and could not be rebuilt"))
        }
    };
    // Wrong xref offsets lose objects or the whole file: rebuild the xref like viewers do.
    let repaired = repair::rebuild(bytes).and_then(|b| Document::load_mem(&b).ok()).filter(|d| !is_encrypted(d) && !d.get_pages().is_empty());
    repaired.ok_or(failure)
}

/// `/Encrypt` as a name token anywhere in the raw file (trailer or xref stream dictionary).
fn raw_has_encrypt(bytes: &[u8]) -> bool {
    bytes.windows(9).any(|w| &w[..8] == b"/Encrypt" && !w[8].is_ascii_alphanumeric())
}

fn extract_doc(doc: &Document) -> Result<Vec<Page>, CaptureError> {
    let mut fonts = font::FontCache::default();
    let mut budget = Budget { left: MAX_DECODED_BYTES };
    let mut sink = Sink::default();
    let mut content: Vec<u8> = Vec::new();
    let mut shown = 0usize;
    let pages = doc.get_pages();
    let mut out = Vec::with_capacity(pages.len());
    for (number, id) in pages {
        let Ok(page) = doc.get_dictionary(id) else {
            out.push(Page { number, width: 612.0, height: 792.0, words: Vec::new(), source: TextSource::Digital });
            continue;
        };
        let (width, height, page_m) = geometry(doc, page);
        sink.reset(width, height);
        // Text is bounded per page and per document (pages may share one content stream).
        sink.limit = interp::MAX_GLYPHS_PER_PAGE.min(interp::MAX_GLYPHS_PER_DOC - shown);
        let res = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());
        let damaged = |stop: Stop| {
            CaptureError::Damaged(match stop {
                Stop::Budget => format!("more than {} MiB of decompressed content (page {number}): refusing a possible decompression bomb", MAX_DECODED_BYTES >> 20),
                Stop::Operators => format!("page {number} has more than {} content operators", interp::MAX_OPS_PER_PAGE),
                Stop::Glyphs => format!(
                    "too much text: page {number} goes beyond {} characters per page or {} per document",
                    interp::MAX_GLYPHS_PER_PAGE,
                    interp::MAX_GLYPHS_PER_DOC
                ),
            })
        };
        content.clear();
        for cid in doc.get_page_contents(id) {
            if let Ok(Object::Stream(s)) = doc.get_object(cid) {
                if let Some(data) = filters::decode(doc, s, &mut budget).map_err(|_| damaged(Stop::Budget))? {
                    content.extend_from_slice(&data);
                    // Streams of a page are concatenated; a token may not span two.
                    content.push(b'\n');
                }
            }
        }
        {
            let mut it = Interp::new(doc, &mut fonts, &mut budget, &mut sink, page_m);
            it.run(&content, res, GState::new(Mat::ID)).map_err(damaged)?;
            annotations(&mut it, page).map_err(damaged)?;
        }
        shown += sink.glyphs.len();
        let words = layout::words(&sink);
        out.push(Page { number, width, height, words, source: TextSource::Digital });
    }
    Ok(out)
}

/// Page attribute, looked up through the page tree (bounded against cycles).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut d = page;
    for _ in 0..64 {
        if let Some(v) = dict_get(doc, d, key) {
            return Some(v);
        }
        d = dict_get(doc, d, b"Parent")?.as_dict().ok()?;
    }
    None
}

/// Displayed page size and the matrix from user space to display space
/// (origin at the crop box's displayed top-left, y down, /Rotate applied clockwise).
fn geometry(doc: &Document, page: &Dictionary) -> (f64, f64, Mat) {
    let rect = |key: &[u8]| {
        let v = nums(doc, inherited(doc, page, key)?);
        (v.len() == 4).then(|| (v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3]))).filter(|r| r.2 - r.0 >= 1.0 && r.3 - r.1 >= 1.0)
    };
    let media = rect(b"MediaBox").unwrap_or((0.0, 0.0, 612.0, 792.0));
    let crop = rect(b"CropBox")
        .map(|c| (c.0.max(media.0), c.1.max(media.1), c.2.min(media.2), c.3.min(media.3)))
        .filter(|r| r.2 - r.0 >= 1.0 && r.3 - r.1 >= 1.0)
        .unwrap_or(media);
    let rotate = inherited(doc, page, b"Rotate").and_then(num).unwrap_or(0.0);
    let rotate = if rotate.is_finite() { ((rotate / 90.0).round() as i64 * 90).rem_euclid(360) } else { 0 };
    let (llx, lly, urx, ury) = crop;
    let (w, h) = (urx - llx, ury - lly);
    match rotate {
        90 => (h, w, Mat { a: 0.0, b: 1.0, c: 1.0, d: 0.0, e: -lly, f: -llx }),
        180 => (w, h, Mat { a: -1.0, b: 0.0, c: 0.0, d: 1.0, e: urx, f: -lly }),
        270 => (h, w, Mat { a: 0.0, b: -1.0, c: -1.0, d: 0.0, e: ury, f: urx }),
        _ => (w, h, Mat { a: 1.0, b: 0.0, c: 0.0, d: -1.0, e: -llx, f: ury }),
    }
}

/// Visible annotation appearances (filled form fields, stamps, free text):
/// viewers and pdftotext show their text too.
fn annotations<'d>(it: &mut Interp<'d, '_>, page: &'d Dictionary) -> Result<(), Stop> {
    let doc = it.doc;
    let Some(Object::Array(annots)) = dict_get(doc, page, b"Annots") else { return Ok(()) };
    for a in annots.iter().take(10_000) {
        let Ok(a) = util::deref(doc, a).as_dict() else { continue };
        let flags = dict_get(doc, a, b"F").and_then(num).unwrap_or(0.0) as i64;
        // Hidden (2) or NoView (32).
        if flags & (2 | 32) != 0 || a.get(b"Subtype").and_then(|o| o.as_name()).ok() == Some(b"Popup".as_slice()) {
            continue;
        }
        let Some(ap) = dict_get(doc, a, b"AP").and_then(|o| o.as_dict().ok()) else { continue };
        let stream = match dict_get(doc, ap, b"N") {
            Some(Object::Stream(s)) => s,
            Some(Object::Dictionary(states)) => {
                let state = dict_get(doc, a, b"AS").and_then(|o| o.as_name().ok()).unwrap_or(b"");
                match dict_get(doc, states, state) {
                    Some(Object::Stream(s)) => s,
                    _ => continue,
                }
            }
            _ => continue,
        };
        let rect = a.get(b"Rect").map(|o| nums(doc, o)).unwrap_or_default();
        let bbox = stream.dict.get(b"BBox").map(|o| nums(doc, o)).unwrap_or_default();
        if rect.len() != 4 || bbox.len() != 4 {
            continue;
        }
        // PDF 12.5.5: map the appearance's transformed BBox onto the annotation Rect.
        let matrix = stream.dict.get(b"Matrix").ok().and_then(|o| Mat::new(&nums(doc, o))).unwrap_or(Mat::ID);
        let pts = [matrix.apply(bbox[0], bbox[1]), matrix.apply(bbox[2], bbox[1]), matrix.apply(bbox[0], bbox[3]), matrix.apply(bbox[2], bbox[3])];
        let (tx0, ty0) = pts.iter().fold((f64::INFINITY, f64::INFINITY), |(x, y), p| (x.min(p.0), y.min(p.1)));
        let (tx1, ty1) = pts.iter().fold((f64::NEG_INFINITY, f64::NEG_INFINITY), |(x, y), p| (x.max(p.0), y.max(p.1)));
        let (rx0, ry0, rx1, ry1) = (rect[0].min(rect[2]), rect[1].min(rect[3]), rect[0].max(rect[2]), rect[1].max(rect[3]));
        if tx1 - tx0 < 1e-6 || ty1 - ty0 < 1e-6 {
            continue;
        }
        let sx = (rx1 - rx0) / (tx1 - tx0);
        let sy = (ry1 - ry0) / (ty1 - ty0);
        let fit = Mat { a: sx, b: 0.0, c: 0.0, d: sy, e: rx0 - tx0 * sx, f: ry0 - ty0 * sy };
        it.form(stream, None, &GState::new(Mat::ID), Some(fit))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Word;
    use lopdf::{dictionary, Stream};

    /// A PDF with one page per (page dictionary extras, content stream), sharing `fonts`.
    fn build(pages: Vec<(Dictionary, Vec<u8>)>, fonts: impl Fn(&mut Document) -> Dictionary) -> Vec<u8> {
        let mut doc = Document::with_version("1.4");
        // A classic xref table, which tests patch.
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let pages_id = doc.new_object_id();
        let font_dict = fonts(&mut doc);
        let resources = doc.add_object(dictionary! { "Font" => font_dict });
        let mut kids = Vec::new();
        for (extra, content) in pages {
            let content_id = doc.add_object(Stream::new(dictionary! {}, content));
            let mut page = dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                "Contents" => content_id,
                "Resources" => resources,
            };
            page.extend(&extra);
            kids.push(Object::Reference(doc.add_object(page)));
        }
        let count = kids.len() as i64;
        doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn helvetica(doc: &mut Document) -> Dictionary {
        let f1 = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" });
        let f2 = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold",
            "Encoding" => dictionary! { "BaseEncoding" => "WinAnsiEncoding", "Differences" => vec![1.into(), "fi".into(), "uni00A0".into(), "Euro".into()] },
        });
        dictionary! { "F1" => f1, "F2" => f2 }
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.05
    }

    #[test]
    fn helvetica_words_gaps_and_reading_order() {
        // Drawn bottom line first, words positioned with Td/TJ and no spaces.
        let content = b"BT /F1 12 Tf 72 700 Td (Date:) Tj 40 0 Td (2026-01-31) Tj ET
            BT /F1 12 Tf 72 720 Td (Invoice No 42) Tj ET
            BT /F1 12 Tf 72 680 Td [(Total) -4000 (1 234,56 \\200)] TJ [(W) 120 (ave)] TJ ET
            BT /F2 10 Tf 1 0 0 1 72 660 Tm (\\001nance\\002total) Tj 400 0 Td (\\003 9,99) Tj ET";
        let pdf = build(vec![(dictionary! {}, content.to_vec())], helvetica);
        let pages = extract_pages(&pdf).unwrap();
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert_eq!((p.number, p.width, p.height, p.source), (1, 612.0, 792.0, TextSource::Digital));
        assert_eq!(
            texts(&p.words),
            ["Invoice", "No", "42", "Date:", "2026-01-31", "Total", "1", "234,56", "€Wave", "finance", "total", "€", "9,99"]
        );
        // "Invoice": x from the origin plus AFM advances (3168/1000 em), y from baseline ± 0.8/0.2 size.
        let b = p.words[0].bbox;
        assert!(near(b.x0, 72.0) && near(b.x1, 72.0 + 38.016), "{b:?}");
        assert!(near(b.y0, 72.0 - 9.6) && near(b.y1, 72.0 + 2.4), "{b:?}");
        assert!(p.words.iter().all(|w| w.confidence == 1.0));
        assert_eq!(p.text().lines().next(), Some("Invoice No 42"));
        assert_eq!(p.text().lines().nth(2), Some("Total 1 234,56 €Wave"));
    }

    #[test]
    fn columns_on_one_baseline_stay_apart() {
        let content = b"BT /F1 10 Tf 72 500 Td (Total TTC) Tj 430 0 Td (1 200,00) Tj ET BT /F1 10 Tf 72 501 Td ( ) Tj ET";
        let pdf = build(vec![(dictionary! {}, content.to_vec())], helvetica);
        let p = &extract_pages(&pdf).unwrap()[0];
        assert_eq!(texts(&p.words), ["Total", "TTC", "1", "200,00"]);
        assert!(p.words[2].bbox.x0 > 500.0);
        assert_eq!(p.text(), "Total TTC 1 200,00");
    }

    fn type0(doc: &mut Document) -> Dictionary {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Test-UCS def 1 begincodespacerange <0000> <FFFF> endcodespacerange
5 beginbfchar <0001> <0048> <0002> <00E9> <0003> <20AC> <0004> <FB01> <0005> <0020> endbfchar
1 beginbfrange <000A> <000C> <0061> endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";
        let tu = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
        let cid = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+Test",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            "DW" => 1000, "W" => vec![1.into(), vec![500.into(), 600.into()].into(), 10.into(), 20.into(), 250.into()],
        });
        let f = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+Test", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
        });
        dictionary! { "F3" => f }
    }

    #[test]
    fn type0_identity_h_with_to_unicode() {
        let content = b"BT /F3 10 Tf 100 500 Td <00010002000A000500040003> Tj ET";
        let pdf = build(vec![(dictionary! {}, content.to_vec())], type0);
        let p = &extract_pages(&pdf).unwrap()[0];
        assert_eq!(texts(&p.words), ["Héa", "fi€"]);
        let (a, b) = (p.words[0].bbox, p.words[1].bbox);
        // Widths from /W: 500, 600, 250 then DW 1000 for the space, fi and €.
        assert!(near(a.x0, 100.0) && near(a.x1, 113.5), "{a:?}");
        assert!(near(b.x0, 123.5) && near(b.x1, 143.5), "{b:?}");
        assert!(near(a.y0, 292.0 - 8.0) && near(a.y1, 292.0 + 2.0), "{a:?}");
    }

    #[test]
    fn rotated_and_cropped_pages() {
        let content = b"BT /F1 12 Tf 72 720 Td (Rotated) Tj ET";
        let pdf = build(
            vec![
                (dictionary! { "Rotate" => 90 }, content.to_vec()),
                (dictionary! { "Rotate" => 180 }, content.to_vec()),
                (dictionary! { "Rotate" => -90 }, content.to_vec()),
                (dictionary! { "CropBox" => vec![50.into(), 100.into(), 562.into(), 750.into()] }, content.to_vec()),
            ],
            helvetica,
        );
        let pages = extract_pages(&pdf).unwrap();
        let width = 42.024; // "Rotated" in Helvetica 12: 3502/1000 em
        let p = &pages[0];
        assert_eq!((p.width, p.height), (792.0, 612.0));
        let b = p.words[0].bbox;
        // Displayed rotated 90° clockwise: user y becomes display x, text runs downwards.
        assert!(near(b.x0, 720.0 - 2.4) && near(b.x1, 720.0 + 9.6), "{b:?}");
        assert!(near(b.y0, 72.0) && near(b.y1, 72.0 + width), "{b:?}");
        let b = pages[1].words[0].bbox;
        assert_eq!((pages[1].width, pages[1].height), (612.0, 792.0));
        assert!(near(b.x0, 612.0 - 72.0 - width) && near(b.x1, 540.0) && near(b.y0, 720.0 - 2.4) && near(b.y1, 729.6), "{b:?}");
        let b = pages[2].words[0].bbox;
        assert_eq!((pages[2].width, pages[2].height), (792.0, 612.0));
        assert!(near(b.x0, 792.0 - 729.6) && near(b.x1, 792.0 - 717.6) && near(b.y0, 612.0 - 72.0 - width) && near(b.y1, 540.0), "{b:?}");
        let p = &pages[3];
        assert_eq!((p.width, p.height), (512.0, 650.0));
        let b = p.words[0].bbox;
        assert!(near(b.x0, 22.0) && near(b.y1, 750.0 - 720.0 + 2.4), "{b:?}");
        assert_eq!(pages.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2, 3, 4]);
        // Sideways text still reads line by line in its own direction.
        let content = b"BT /F1 12 Tf 72 700 Td (second) Tj 0 20 Td (first) Tj ET".to_vec();
        let pdf = build(vec![(dictionary! { "Rotate" => 90 }, content)], helvetica);
        assert_eq!(texts(&extract_pages(&pdf).unwrap()[0].words), ["first", "second"]);
    }

    #[test]
    fn form_xobject_is_drawn_with_its_matrix() {
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier" });
        let form = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 300.into(), 300.into()],
                "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 10.into(), 0.into()] },
            b"BT /F1 5 Tf 26 300 Td (inside) Tj ET".to_vec(),
        ));
        let content = doc.add_object(Stream::new(dictionary! {}, b"q 2 0 0 2 0 0 cm /X1 Do Q".to_vec()));
        let pages_id = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font }, "XObject" => dictionary! { "X1" => form } },
        });
        doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()] }));
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut pdf = Vec::new();
        doc.save_to(&mut pdf).unwrap();
        let p = &extract_pages(&pdf).unwrap()[0];
        assert_eq!(texts(&p.words), ["inside"]);
        // (26+10)·2 = 72 from the left, baseline 792 - 600 = 192; Courier: 6 × 600/1000 × 10 pt.
        let b = p.words[0].bbox;
        assert!(near(b.x0, 72.0) && near(b.x1, 108.0) && near(b.y0, 192.0 - 8.0) && near(b.y1, 194.0), "{b:?}");
    }

    #[test]
    fn type3_widths_use_the_font_matrix_and_missing_fonts_fall_back() {
        let content = b"BT /F4 10 Tf 100 100 Td (AB) Tj ET BT /Nope 10 Tf 100 200 Td (Still here) Tj ET";
        let pdf = build(vec![(dictionary! {}, content.to_vec())], |doc| {
            let f4 = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type3",
                "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
                "FontBBox" => vec![0.into(), 0.into(), 100.into(), 100.into()], "CharProcs" => dictionary! {},
                "Encoding" => dictionary! { "Differences" => vec![65.into(), "Adieresis".into(), "germandbls".into()] },
                "FirstChar" => 65, "LastChar" => 66, "Widths" => vec![50.into(), 60.into()],
            });
            dictionary! { "F4" => f4 }
        });
        let p = &extract_pages(&pdf).unwrap()[0];
        assert_eq!(texts(&p.words), ["Still", "here", "Äß"]);
        // 50 and 60 glyph units × 0.01 × 10 pt.
        let b = p.words[2].bbox;
        assert!(near(b.x0, 100.0) && near(b.x1, 111.0), "{b:?}");
        // The stand-in font is Helvetica: "Still" = 667+278+222+222+222 units.
        assert!(near(p.words[0].bbox.x1 - p.words[0].bbox.x0, 16.11), "{:?}", p.words[0].bbox);
    }

    #[test]
    fn no_text_is_not_an_error() {
        let pdf = build(vec![(dictionary! {}, b"0 0 m 100 100 l S".to_vec()), (dictionary! {}, Vec::new())], helvetica);
        let pages = extract_pages(&pdf).unwrap();
        assert_eq!(pages.len(), 2);
        assert!(pages.iter().all(|p| p.words.is_empty()));
        assert_eq!(page_count(&pdf).unwrap(), 2);
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(matches!(extract_pages(b""), Err(CaptureError::Empty)));
        assert!(matches!(extract_pages(b"PK\x03\x04 zip"), Err(CaptureError::NotPdf(m)) if m.contains("ZIP")));
        assert!(matches!(extract_pages(b"%PDF-1.4\nnothing else"), Err(CaptureError::Damaged(_))));
        let empty = {
            let mut doc = Document::with_version("1.5");
            let pages_id = doc.add_object(dictionary! { "Type" => "Pages", "Kids" => Vec::<Object>::new(), "Count" => 0 });
            let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
            doc.trailer.set("Root", catalog);
            let mut out = Vec::new();
            doc.save_to(&mut out).unwrap();
            out
        };
        assert!(matches!(extract_pages(&empty), Err(CaptureError::NoPages)));
    }

    #[test]
    fn encrypted_pdfs_are_refused() {
        use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
        let plain = build(vec![(dictionary! {}, b"BT /F1 12 Tf 72 720 Td (Secret) Tj ET".to_vec())], helvetica);
        for user_password in ["", "user"] {
            let mut doc = Document::load_mem(&plain).unwrap();
            let id = Object::string_literal("0123456789abcdef");
            doc.trailer.set("ID", vec![id.clone(), id]);
            let version = EncryptionVersion::V2 { document: &doc, owner_password: "owner", user_password, key_length: 128, permissions: Permissions::all() };
            let state = EncryptionState::try_from(version).unwrap();
            doc.encrypt(&state).unwrap();
            let mut pdf = Vec::new();
            doc.save_to(&mut pdf).unwrap();
            let r = extract_pages(&pdf);
            assert!(matches!(&r, Err(CaptureError::Encrypted(_))), "password {user_password:?}: {r:?}");
            assert!(matches!(page_count(&pdf), Err(CaptureError::Encrypted(_))));
        }
    }

    #[test]
    fn broken_xref_is_rebuilt() {
        let pdf = build(vec![(dictionary! {}, b"BT /F1 12 Tf 72 720 Td (Repaired) Tj ET".to_vec())], helvetica);
        // Shift every object by inserting bytes after the header: all xref offsets become wrong.
        let at = pdf.iter().position(|&b| b == b'\n').unwrap() + 1;
        let mut broken = pdf[..at].to_vec();
        broken.extend_from_slice(b"% padding that moves every object by a few bytes\n");
        broken.extend_from_slice(&pdf[at..]);
        let pages = extract_pages(&broken).unwrap();
        assert_eq!(texts(&pages[0].words), ["Repaired"]);
        // A wrong xref offset for the content stream: lopdf loads the file but
        // silently drops that object; the rebuilt xref finds it.
        let original = Document::load_mem(&pdf).unwrap();
        let content_id = original.get_page_contents(original.get_pages()[&1])[0];
        let xref = pdf.windows(6).rposition(|w| w == b"\nxref\n").unwrap() + 1;
        let table = String::from_utf8_lossy(&pdf[xref..]).into_owned();
        let line = table.lines().filter(|l| l.len() >= 18 && l.as_bytes()[10] == b' ').nth(content_id.0 as usize).unwrap().to_owned();
        let off: usize = line[..10].parse().unwrap();
        let at = xref + table.find(&line).unwrap();
        let mut shifted = pdf.clone();
        shifted[at..at + 10].copy_from_slice(format!("{:010}", off + 3).as_bytes());
        let doc = Document::load_mem(&shifted).unwrap();
        assert!(doc.get_object(content_id).is_err() && !doc.get_pages().is_empty(), "the test must lose the content stream only");
        let pages = extract_pages(&shifted).unwrap();
        assert_eq!(texts(&pages[0].words), ["Repaired"]);
        // Truncated xref/trailer entirely.
        let cut = pdf.windows(4).rposition(|w| w == b"xref").unwrap();
        let pages = extract_pages(&pdf[..cut]).unwrap();
        assert_eq!(texts(&pages[0].words), ["Repaired"]);
    }

    #[test]
    fn hostile_inputs_are_bounded() {
        // Too many operators on one page.
        let many = b"q Q ".repeat(interp::MAX_OPS_PER_PAGE / 2 + 1);
        let pdf = build(vec![(dictionary! {}, many)], helvetica);
        assert!(matches!(extract_pages(&pdf), Err(CaptureError::Damaged(m)) if m.contains("operators")));
        // A deflate bomb: ~65 KiB that would inflate past the cap.
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..(MAX_DECODED_BYTES >> 20) + 1 {
            z.write_all(&chunk).unwrap();
        }
        let bomb = z.finish().unwrap();
        let mut doc = Document::load_mem(&build(vec![(dictionary! {}, Vec::new())], helvetica)).unwrap();
        let page = doc.get_pages()[&1];
        let sid = doc.add_object(Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb));
        doc.get_dictionary_mut(page).unwrap().set("Contents", sid);
        let mut pdf = Vec::new();
        doc.save_to(&mut pdf).unwrap();
        assert!(matches!(extract_pages(&pdf), Err(CaptureError::Damaged(m)) if m.contains("MiB")));
        // Garbage content never panics.
        let junk: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let pdf = build(vec![(dictionary! {}, junk)], helvetica);
        assert!(extract_pages(&pdf).is_ok());
    }

    #[test]
    fn fake_bold_overprint_is_deduplicated() {
        let content = b"BT /F1 12 Tf 72 720 Td (Bold) Tj ET BT /F1 12 Tf 72.3 720 Td (Bold) Tj ET BT /F1 12 Tf 72 700 Td (X) Tj 0.2 0 Td (X) Tj ET";
        let pdf = build(vec![(dictionary! {}, content.to_vec())], helvetica);
        let p = &extract_pages(&pdf).unwrap()[0];
        assert_eq!(texts(&p.words), ["Bold", "X"]);
    }

    /// Real-world check against the Factur-X sample (TrueType WinAnsi + CID fonts).
    #[test]
    fn factur_x_sample() {
        let Some(Ok(bytes)) = crate::testdata::corpus("factur-x/pdf/invoice_EN16931.pdf").map(std::fs::read) else {
            eprintln!("skipping: shared/corpus/factur-x/pdf/invoice_EN16931.pdf not present");
            return;
        };
        let pages = extract_pages(&bytes).unwrap();
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert!((p.width - 595.2).abs() < 0.1 && (p.height - 841.8).abs() < 0.1);
        let words = texts(&p.words);
        for w in ["F20260023", "31/01/2026", "FOURNISSEUR", "électronique", "SIRET", "12345678200077", "60,00", "28,00", "10,00%"] {
            assert!(words.contains(&w), "missing {w:?}");
        }
        let text = p.text();
        assert!(text.contains("FACTURE N° :"), "{text}");
        assert!(text.contains("@dresse électronique (EM) : moi@seller.com"), "{text}");
        // The label and the far-right invoice number share a line but stay separate words.
        let line = text.lines().find(|l| l.contains("FACTURE")).unwrap();
        assert!(line.ends_with("F20260023"), "{line}");
    }
}
