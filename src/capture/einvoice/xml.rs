//! Safe XML parsing and small navigation helpers shared by the CII and UBL readers.

use std::str::FromStr;

use chrono::NaiveDate;
use roxmltree::{Document, Node, ParsingOptions};
use rust_decimal::Decimal;

use super::EInvoiceError;

/// At most this many XML nodes (a real invoice has a few thousand).
const NODES_LIMIT: u32 = 2_000_000;

/// The document as UTF-8 text, without a byte-order mark.
pub(super) fn decode_text(xml: &[u8]) -> Result<&str, EInvoiceError> {
    if xml.starts_with(&[0xFE, 0xFF]) || xml.starts_with(&[0xFF, 0xFE]) {
        return Err(EInvoiceError::Encoding("UTF-16 documents are not supported".into()));
    }
    let xml = xml.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(xml);
    std::str::from_utf8(xml).map_err(|e| EInvoiceError::Encoding(format!("invalid UTF-8 at byte {}", e.valid_up_to())))
}

/// Parse with DTDs refused. roxmltree already refuses a DTD with an internal
/// subset; an empty `<!DOCTYPE x>` it would accept is refused here too.
pub(super) fn parse(text: &str) -> Result<Document<'_>, EInvoiceError> {
    let upper_has = |needle: &str| {
        text.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    if upper_has("<!DOCTYPE") || upper_has("<!ENTITY") {
        return Err(EInvoiceError::Doctype);
    }
    let opts = ParsingOptions { allow_dtd: false, nodes_limit: NODES_LIMIT, ..ParsingOptions::default() };
    Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => EInvoiceError::Doctype,
        roxmltree::Error::UnknownEntityReference(name, _) => EInvoiceError::Entity(name),
        roxmltree::Error::EntityReferenceLoop(_) => EInvoiceError::Doctype,
        other => EInvoiceError::Xml(other.to_string()),
    })
}

/// The first element child whose local name is one of `names`.
pub(super) fn child<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && names.contains(&c.tag_name().name()))
}

/// All element children whose local name is one of `names`.
pub(super) fn children<'a, 'i>(node: Node<'a, 'i>, names: &'static [&'static str]) -> impl Iterator<Item = Node<'a, 'i>> + 'a
where
    'i: 'a,
{
    node.children().filter(move |c| c.is_element() && names.contains(&c.tag_name().name()))
}

/// Follow a path of local names (each step: alternatives), first match at each step.
pub(super) fn path<'a, 'i>(node: Node<'a, 'i>, steps: &[&[&str]]) -> Option<Node<'a, 'i>> {
    let mut cur = node;
    for step in steps {
        cur = child(cur, step)?;
    }
    Some(cur)
}

/// Trimmed text of an element; `None` when absent or blank.
pub(super) fn text(node: Option<Node>) -> Option<String> {
    let t = node?.text()?.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// An identifier: uppercased, all whitespace removed.
pub(super) fn ident(node: Option<Node>) -> Option<String> {
    let t: String = text(node)?.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    (!t.is_empty()).then_some(t)
}

/// A decimal amount, quantity or rate; an unreadable value is an error naming the field.
pub(super) fn decimal(node: Option<Node>, field: &'static str) -> Result<Option<Decimal>, EInvoiceError> {
    let Some(t) = text(node) else { return Ok(None) };
    let cleaned = t.strip_prefix('+').unwrap_or(&t);
    Decimal::from_str(cleaned)
        .map(Some)
        .map_err(|_| EInvoiceError::BadValue { field, value: t.clone(), what: "decimal number" })
}

/// A date in CII format 102 (`YYYYMMDD`) or ISO 8601 (`YYYY-MM-DD`, optionally followed by a time or zone).
pub(super) fn date(value: Option<String>, field: &'static str) -> Result<Option<NaiveDate>, EInvoiceError> {
    let Some(t) = value else { return Ok(None) };
    let bad = || EInvoiceError::BadValue { field, value: t.clone(), what: "date (YYYYMMDD or YYYY-MM-DD)" };
    let parsed = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(&t, "%Y%m%d").ok()
    } else if t.len() >= 10 && t.is_char_boundary(10) {
        NaiveDate::parse_from_str(&t[..10], "%Y-%m-%d").ok()
    } else {
        None
    };
    parsed.map(Some).ok_or_else(bad)
}
