//! The XML attachment of a Factur-X / ZUGFeRD / XRechnung PDF.
//!
//! Attachments are listed in the catalog's `/Names /EmbeddedFiles` name tree
//! (leaves hold `/Names [key filespec key filespec ...]`, inner nodes `/Kids`)
//! and, for PDF/A-3 "associated files", in the catalog's `/AF` array. Both
//! are walked; the file spec's `/EF /F` (or `/UF`) stream holds the bytes.

use std::collections::HashSet;
use std::io::Read;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::EInvoiceError;

/// Largest decompressed attachment accepted (a real invoice XML is well under 1 MiB).
pub const MAX_EMBEDDED_XML_BYTES: usize = 20 * 1024 * 1024;

/// Name-tree depth and node count limits (against loops and hostile files).
const MAX_TREE_DEPTH: usize = 32;
const MAX_TREE_NODES: usize = 10_000;

/// File names of the e-invoice standards, best first (compared case-insensitively).
const KNOWN_NAMES: &[&str] = &["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml"];

/// An XML file embedded in a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedXml {
    /// The file spec's `/UF` or `/F` name (else its name-tree key).
    pub file_name: String,
    /// `/AFRelationship` (`Data`, `Alternative`, `Source`...), when stated.
    pub relationship: Option<String>,
    /// The decoded file content.
    pub xml: Vec<u8>,
}

/// Find the e-invoice XML attached to `pdf`.
///
/// Picks, among all attachments reached through `/Names /EmbeddedFiles` and
/// `/AF`, `factur-x.xml`, then `zugferd-invoice.xml` (any case, so also
/// `ZUGFeRD-invoice.xml`), `xrechnung.xml`, `order-x.xml`, then any other
/// `*.xml`. `Ok(None)` when there is none. Errors: the bytes are not a
/// readable PDF, or the chosen attachment cannot be decoded or exceeds
/// [`MAX_EMBEDDED_XML_BYTES`] once decompressed.
pub fn find_embedded_xml(pdf: &[u8]) -> Result<Option<EmbeddedXml>, EInvoiceError> {
    find_embedded_xml_limited(pdf, MAX_EMBEDDED_XML_BYTES)
}

pub(super) fn find_embedded_xml_limited(pdf: &[u8], limit: usize) -> Result<Option<EmbeddedXml>, EInvoiceError> {
    if pdf.is_empty() {
        return Err(EInvoiceError::Pdf("empty file (0 bytes)".into()));
    }
    if !pdf.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(EInvoiceError::Pdf("no %PDF- header in the first kilobyte".into()));
    }
    let doc = Document::load_mem(pdf).map_err(|e| EInvoiceError::Pdf(format!("the PDF structure is unreadable ({e})")))?;
    let catalog = doc.catalog().map_err(|e| EInvoiceError::Pdf(format!("no document catalog ({e})")))?;

    let mut found: Vec<Candidate> = Vec::new();
    let mut seen_specs: HashSet<ObjectId> = HashSet::new();

    // /Names /EmbeddedFiles name tree.
    if let Some(names) = deref_dict(&doc, catalog.get(b"Names").ok()) {
        if let Some(tree) = names.get(b"EmbeddedFiles").ok() {
            let mut visited = HashSet::new();
            let mut budget = MAX_TREE_NODES;
            walk_name_tree(&doc, tree, 0, &mut visited, &mut budget, &mut |key, spec_obj| {
                push_candidate(&doc, Some(key), spec_obj, &mut found, &mut seen_specs);
            });
        }
    }
    // /AF associated files.
    if let Some(Object::Array(af)) = deref(&doc, catalog.get(b"AF").ok()) {
        for spec_obj in af {
            push_candidate(&doc, None, spec_obj, &mut found, &mut seen_specs);
        }
    }

    let Some(best) = found.into_iter().filter(|c| c.rank.is_some()).min_by_key(|c| c.rank) else {
        return Ok(None);
    };
    let xml = read_embedded_stream(&doc, best.spec, &best.name, limit)?;
    Ok(Some(EmbeddedXml { file_name: best.name, relationship: best.relationship, xml }))
}

struct Candidate<'a> {
    name: String,
    relationship: Option<String>,
    spec: &'a Dictionary,
    /// `Some((0, i))` for the i-th known name, `Some((1, order))` for another `.xml`, `None` otherwise; lower is better.
    rank: Option<(usize, usize)>,
}

fn push_candidate<'a>(
    doc: &'a Document,
    key: Option<String>,
    spec_obj: &'a Object,
    found: &mut Vec<Candidate<'a>>,
    seen: &mut HashSet<ObjectId>,
) {
    let Ok((id, obj)) = doc.dereference(spec_obj) else { return };
    if let Some(id) = id {
        if !seen.insert(id) {
            return;
        }
    }
    let Ok(spec) = obj.as_dict() else { return };
    let name = ["UF", "F"]
        .iter()
        .find_map(|k| deref(doc, spec.get(k.as_bytes()).ok()).and_then(|o| o.as_str().ok()).map(decode_text_string))
        .filter(|n| !n.trim().is_empty())
        .or(key)
        .unwrap_or_default();
    // A path in /F keeps only its last component.
    let name = name.rsplit(['/', '\\']).next().unwrap_or("").trim().to_string();
    let lower = name.to_ascii_lowercase();
    let rank = match KNOWN_NAMES.iter().position(|k| *k == lower) {
        Some(i) => Some((0, i)),
        None if lower.ends_with(".xml") => Some((1, found.len())),
        None => None,
    };
    let relationship = deref(doc, spec.get(b"AFRelationship").ok())
        .and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned());
    found.push(Candidate { name, relationship, spec, rank });
}

/// Visit every (key, value) pair of a name tree.
fn walk_name_tree<'a>(
    doc: &'a Document,
    node: &'a Object,
    depth: usize,
    visited: &mut HashSet<ObjectId>,
    budget: &mut usize,
    visit: &mut dyn FnMut(String, &'a Object),
) {
    if depth > MAX_TREE_DEPTH || *budget == 0 {
        return;
    }
    *budget -= 1;
    let Ok((id, obj)) = doc.dereference(node) else { return };
    if let Some(id) = id {
        if !visited.insert(id) {
            return;
        }
    }
    let Ok(dict) = obj.as_dict() else { return };
    if let Some(Object::Array(pairs)) = deref(doc, dict.get(b"Names").ok()) {
        for pair in pairs.chunks(2) {
            if let [key, value] = pair {
                let key = deref(doc, Some(key)).and_then(|k| k.as_str().ok()).map(decode_text_string).unwrap_or_default();
                visit(key, value);
            }
        }
    }
    if let Some(Object::Array(kids)) = deref(doc, dict.get(b"Kids").ok()) {
        for kid in kids {
            walk_name_tree(doc, kid, depth + 1, visited, budget, visit);
        }
    }
}

/// The decoded content of a file spec's `/EF /F` (else `/EF /UF`) stream.
fn read_embedded_stream(doc: &Document, spec: &Dictionary, name: &str, limit: usize) -> Result<Vec<u8>, EInvoiceError> {
    let err = |reason: String| EInvoiceError::Attachment { name: name.to_string(), reason };
    let ef = deref_dict(doc, spec.get(b"EF").ok()).ok_or_else(|| err("the file spec has no /EF dictionary".into()))?;
    let stream_obj = ["F", "UF"]
        .iter()
        .find_map(|k| deref(doc, ef.get(k.as_bytes()).ok()))
        .ok_or_else(|| err("/EF has no /F stream".into()))?;
    let stream = stream_obj.as_stream().map_err(|_| err("/EF /F is not a stream".into()))?;
    let filters: Vec<Vec<u8>> = match deref(doc, stream.dict.get(b"Filter").ok()) {
        None => Vec::new(),
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .map(|f| deref(doc, Some(f)).and_then(|f| f.as_name().ok()).map(<[u8]>::to_vec))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| err("unreadable /Filter array".into()))?,
        Some(_) => return Err(err("unreadable /Filter".into())),
    };
    let predictor = deref_dict(doc, stream.dict.get(b"DecodeParms").ok())
        .and_then(|p| p.get(b"Predictor").ok().and_then(|v| v.as_i64().ok()))
        .unwrap_or(1);
    let too_large = || EInvoiceError::AttachmentTooLarge { name: name.to_string(), limit };
    let mut data = stream.content.clone();
    for f in &filters {
        match f.as_slice() {
            b"FlateDecode" | b"Fl" => {
                if predictor > 1 {
                    return Err(err(format!("FlateDecode with predictor {predictor} is not supported for attachments")));
                }
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(data.as_slice())
                    .take(limit as u64 + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| err(format!("corrupt FlateDecode data ({e})")))?;
                if out.len() > limit {
                    return Err(too_large());
                }
                data = out;
            }
            other => return Err(err(format!("unsupported stream filter /{}", String::from_utf8_lossy(other)))),
        }
    }
    if data.len() > limit {
        return Err(too_large());
    }
    Ok(data)
}

fn deref<'a>(doc: &'a Document, obj: Option<&'a Object>) -> Option<&'a Object> {
    doc.dereference(obj?).ok().map(|(_, o)| o)
}

fn deref_dict<'a>(doc: &'a Document, obj: Option<&'a Object>) -> Option<&'a Dictionary> {
    deref(doc, obj)?.as_dict().ok()
}

/// A PDF text string: UTF-16BE or UTF-8 with a byte-order mark, else PDFDocEncoding (read as Latin-1).
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| b as char).collect()
}
