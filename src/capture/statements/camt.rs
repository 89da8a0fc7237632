//! CAMT.053 (ISO 20022 bank-to-customer statement), versions .001.02 to .001.08.
//!
//! Elements are matched by local name, so any prefix works; the namespace
//! of `BkToCstmrStmt` must be one of `urn:iso:std:iso:20022:tech:xsd:camt.053.001.02`
//! to `.08` and names the `format`.
//!
//! Choices a reader may ask about:
//! - Only booked entries become lines (`Sts` `BOOK`, or `<Sts><Cd>BOOK</Cd></Sts>`
//!   from .08 on; an entry without `Sts` counts as booked). Pending (`PDNG`),
//!   information (`INFO`) and future (`FUTR`) entries are left out: the bank's
//!   closing booked balance (CLBD) does not contain them either, so opening +
//!   the booked lines = closing still holds (the check in `mod.rs`).
//! - A batch booking (one `Ntry`, several `TxDtls`) is one line with the
//!   entry's total, as the bank booked it; the details' remittance texts are
//!   joined into `text`, and the counterparty is only taken when there is a
//!   single `TxDtls`. The batch's `PmtInfId`, when given, is its reference.
//! - A DTD (`<!DOCTYPE`) or an entity declaration refuses the file: nothing
//!   is ever expanded.

use std::borrow::Cow;
use std::str::FromStr;

use chrono::NaiveDate;
use roxmltree::{Document, Node, ParsingOptions};
use rust_decimal::Decimal;

use super::{compact_iban, Balance, Statement, StatementError, StatementLine};

const NS_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.";
const VERSIONS: [&str; 7] = ["02", "03", "04", "05", "06", "07", "08"];

/// Cheap: the first 4 KB start like XML and name the camt.053 namespace or
/// the `BkToCstmrStmt` element.
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text: Cow<str> = match utf16_bom(head) {
        Some(little) => Cow::Owned(decode_utf16(&head[2..], little)),
        None => String::from_utf8_lossy(head),
    };
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<') && (text.contains("camt.053") && text.contains("urn:iso:std:iso:20022") || text.contains("BkToCstmrStmt"))
}

pub fn parse(bytes: &[u8]) -> Result<Vec<Statement>, StatementError> {
    let text = decode(bytes)?;
    refuse_dtd(&text)?;
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(&text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected | roxmltree::Error::UnknownEntityReference(..) | roxmltree::Error::EntityReferenceLoop(..) => {
            StatementError(format!("XML with a DTD or entities is refused: {e}"))
        }
        _ => StatementError(format!("CAMT.053: the file is not well-formed XML: {e}")),
    })?;
    let root = doc.root_element();
    let bk = if root.tag_name().name() == "BkToCstmrStmt" {
        root
    } else {
        child(root, "BkToCstmrStmt").ok_or_else(|| {
            let what = if root.tag_name().name() == "Document" {
                match first_element_child(root) {
                    Some(c) => format!("its Document holds {} instead", c.tag_name().name()),
                    None => "its Document is empty".to_string(),
                }
            } else {
                format!("its root element is {}", root.tag_name().name())
            };
            StatementError(format!("CAMT.053: the file has no BkToCstmrStmt (bank-to-customer statement): {what}"))
        })?
    };
    let ns = bk.tag_name().namespace().unwrap_or("");
    let format = match ns.strip_prefix(NS_PREFIX) {
        Some(v) if VERSIONS.contains(&v) => format!("camt.053.001.{v}"),
        _ if ns.is_empty() => {
            return super::err("CAMT.053: BkToCstmrStmt has no namespace, so its version is unknown (urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 to .08 are read)")
        }
        _ => {
            return super::err(format!(
                "CAMT.053: namespace {ns} is not read (camt.053.001.02 to camt.053.001.08 are: urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN)"
            ))
        }
    };
    let mut out = Vec::new();
    for (i, stmt) in children(bk, "Stmt").enumerate() {
        out.push(statement(stmt, i + 1, &format)?);
    }
    if out.is_empty() {
        return super::err("CAMT.053: the file holds no statement (no Stmt in BkToCstmrStmt)");
    }
    Ok(out)
}

fn statement(stmt: Node, number: usize, format: &str) -> Result<Statement, StatementError> {
    let id = text_at(stmt, &["Id"]).unwrap_or_default();
    let who = if id.is_empty() { format!("CAMT.053 statement {number} (no Id)") } else { format!("CAMT.053 statement {id}") };
    let fail = |msg: String| StatementError(format!("{who}: {msg}"));

    let acct = child(stmt, "Acct").ok_or_else(|| fail("no account (Acct)".into()))?;
    let iban = text_at(acct, &["Id", "IBAN"]).map(|s| compact_iban(&s));
    let account = if iban.is_none() { text_at(acct, &["Id", "Othr", "Id"]) } else { None };
    if iban.is_none() && account.is_none() {
        return Err(fail("the account has neither an IBAN (Acct/Id/IBAN) nor another identifier (Acct/Id/Othr/Id)".into()));
    }
    let currency = text_at(acct, &["Ccy"])
        .or_else(|| children(stmt, "Bal").find_map(|b| child(b, "Amt").and_then(|a| a.attribute("Ccy")).map(|c| c.trim().to_string())))
        .or_else(|| children(stmt, "Ntry").find_map(|n| child(n, "Amt").and_then(|a| a.attribute("Ccy")).map(|c| c.trim().to_string())))
        .ok_or_else(|| fail("no currency (neither Acct/Ccy nor a Ccy on an amount)".into()))?
        .to_uppercase();

    // Balances: OPBD, else PRCD (the previous closing) opens; CLBD closes.
    let mut opbd = None;
    let mut prcd = None;
    let mut clbd = None;
    for (i, bal) in children(stmt, "Bal").enumerate() {
        let code = text_at(bal, &["Tp", "CdOrPrtry", "Cd"]).unwrap_or_default().to_uppercase();
        let slot = match code.as_str() {
            "OPBD" => &mut opbd,
            "PRCD" => &mut prcd,
            "CLBD" => &mut clbd,
            _ => continue,
        };
        if slot.is_some() {
            continue;
        }
        let b = balance(bal).map_err(|e| fail(format!("balance {} ({code}): {e}", i + 1)))?;
        *slot = Some(b);
    }
    let opening = opbd.or(prcd).ok_or_else(|| fail("no opening balance (a Bal of type OPBD or PRCD)".into()))?;
    let closing = clbd.ok_or_else(|| fail("no closing booked balance (a Bal of type CLBD)".into()))?;

    let mut lines = Vec::new();
    for (i, ntry) in children(stmt, "Ntry").enumerate() {
        let n = i + 1;
        if let Some(line) = entry(ntry, &currency).map_err(|e| fail(format!("entry {n}: {e}")))? {
            lines.push(line);
        }
    }

    Ok(Statement {
        format: format.to_string(),
        id,
        iban,
        account,
        currency,
        opening: Some(opening),
        closing: Some(closing),
        lines,
    })
}

fn balance(bal: Node) -> Result<Balance, String> {
    let amt = child(bal, "Amt").ok_or("no amount (Amt)")?;
    let amount = amount(&node_text(amt))?;
    let amount = match text_at(bal, &["CdtDbtInd"]).as_deref() {
        Some("CRDT") => amount,
        Some("DBIT") => -amount,
        None if amount.is_zero() => amount,
        None => return Err("no credit/debit indicator (CdtDbtInd)".into()),
        Some(other) => return Err(format!("credit/debit indicator {other:?} is neither CRDT nor DBIT")),
    };
    let date = match child(bal, "Dt") {
        Some(dt) => Some(date_choice(dt)?),
        None => None,
    };
    Ok(Balance { date, amount })
}

/// One `Ntry`: `None` when it is not booked.
fn entry(ntry: Node, currency: &str) -> Result<Option<StatementLine>, String> {
    if let Some(sts) = child(ntry, "Sts") {
        // .02 to .07: <Sts>BOOK</Sts>; .08: <Sts><Cd>BOOK</Cd></Sts> (or Prtry).
        let status = text_at(sts, &["Cd"]).or_else(|| text_at(sts, &["Prtry"])).unwrap_or_else(|| node_text(sts)).trim().to_uppercase();
        if status != "BOOK" {
            return Ok(None);
        }
    }
    let amt = child(ntry, "Amt").ok_or("no amount (Amt)")?;
    let value = amount(&node_text(amt))?;
    if let Some(ccy) = amt.attribute("Ccy") {
        if !ccy.trim().eq_ignore_ascii_case(currency) {
            return Err(format!("amount in {} but the account is in {currency}", ccy.trim()));
        }
    }
    let debit = match text_at(ntry, &["CdtDbtInd"]).as_deref() {
        Some("CRDT") => false,
        Some("DBIT") => true,
        None => return Err("no credit/debit indicator (CdtDbtInd)".into()),
        Some(other) => return Err(format!("credit/debit indicator {other:?} is neither CRDT nor DBIT")),
    };
    let amount = if debit { -value } else { value };
    let reversal = text_at(ntry, &["RvslInd"]).is_some_and(|s| s == "true" || s == "1");

    let value_date = match child(ntry, "ValDt") {
        Some(v) => Some(date_choice(v).map_err(|e| format!("value date (ValDt): {e}"))?),
        None => None,
    };
    let booking_date = match child(ntry, "BookgDt") {
        Some(b) => date_choice(b).map_err(|e| format!("booking date (BookgDt): {e}"))?,
        None => value_date.ok_or("no booking date (BookgDt) nor value date (ValDt)")?,
    };

    let code = child(ntry, "BkTxCd").and_then(|c| {
        if let Some(domn) = child(c, "Domn") {
            let parts: Vec<String> =
                [text_at(domn, &["Cd"]), text_at(domn, &["Fmly", "Cd"]), text_at(domn, &["Fmly", "SubFmlyCd"])].into_iter().flatten().collect();
            if !parts.is_empty() {
                return Some(parts.join("/"));
            }
        }
        text_at(c, &["Prtry", "Cd"])
    });

    let details: Vec<Node> = children(ntry, "NtryDtls").flat_map(|d| children(d, "TxDtls")).collect();
    let mut text = TextParts::default();
    for tx in &details {
        for rmt in children(*tx, "RmtInf") {
            for u in children(rmt, "Ustrd") {
                text.push(&node_text(u));
            }
        }
        if let Some(t) = text_at(*tx, &["AddtlTxInf"]) {
            text.push(&t);
        }
    }
    if let Some(t) = text_at(ntry, &["AddtlNtryInf"]) {
        text.push(&t);
    }

    let mut counterparty = None;
    let mut counterparty_iban = None;
    let mut reference = None;
    if let [tx] = details.as_slice() {
        // Money out: the creditor is paid; money in: the debtor paid. A
        // reversal keeps the original transaction's parties.
        let role = if debit != reversal { "Cdtr" } else { "Dbtr" };
        if let Some(rp) = child(*tx, "RltdPties") {
            counterparty = text_at(rp, &[role, "Nm"])
                .or_else(|| text_at(rp, &[role, "Pty", "Nm"]))
                .or_else(|| text_at(rp, &[&format!("Ultmt{role}"), "Nm"]))
                .or_else(|| text_at(rp, &[&format!("Ultmt{role}"), "Pty", "Nm"]))
                .map(|s| collapse(&s));
            counterparty_iban = text_at(rp, &[&format!("{role}Acct"), "Id", "IBAN"]).map(|s| compact_iban(&s));
        }
        reference = children(*tx, "RmtInf")
            .flat_map(|r| children(r, "Strd"))
            .find_map(|s| text_at(s, &["CdtrRefInf", "Ref"]))
            .or_else(|| text_at(*tx, &["Refs", "EndToEndId"]).filter(|r| !r.eq_ignore_ascii_case("NOTPROVIDED")));
    } else if details.len() > 1 {
        reference = children(ntry, "NtryDtls").find_map(|d| text_at(d, &["Btch", "PmtInfId"]));
    }
    let bank_ref = text_at(ntry, &["AcctSvcrRef"]).or_else(|| match details.as_slice() {
        [tx] => text_at(*tx, &["Refs", "AcctSvcrRef"]),
        _ => None,
    });

    Ok(Some(StatementLine {
        booking_date,
        value_date,
        amount,
        counterparty,
        counterparty_iban,
        reference,
        text: text.finish(),
        bank_ref,
        code,
    }))
}

/// Texts joined by " ", whitespace collapsed, a text already present not repeated.
#[derive(Default)]
struct TextParts(Vec<String>);

impl TextParts {
    fn push(&mut self, s: &str) {
        let s = collapse(s);
        if !s.is_empty() && !self.0.contains(&s) {
            self.0.push(s);
        }
    }
    fn finish(self) -> String {
        self.0.join(" ")
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An XML amount: digits, an optional decimal point and at most 5 decimals.
fn amount(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    let digits_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if t.is_empty() || (int.is_empty() && frac.is_empty()) || !digits_ok(int) || !digits_ok(frac) || int.len() > 18 {
        return Err(format!("amount {t:?} is not a number (digits with a decimal point expected)"));
    }
    if frac.len() > 5 {
        return Err(format!("amount {t:?} has more than 5 decimals"));
    }
    let canonical = format!("{}{}{}", if int.is_empty() { "0" } else { int }, if frac.is_empty() { "" } else { "." }, frac);
    Decimal::from_str(&canonical).map_err(|e| format!("amount {t:?}: {e}"))
}

/// `Dt` or `DtTm` inside a date choice element.
fn date_choice(node: Node) -> Result<NaiveDate, String> {
    let raw = text_at(node, &["Dt"]).or_else(|| text_at(node, &["DtTm"])).ok_or("no Dt nor DtTm")?;
    date(&raw).ok_or_else(|| format!("{raw:?} is not a date (YYYY-MM-DD or an ISO date-time)"))
}

/// `YYYY-MM-DD`, possibly followed by a time or a time zone: the date part.
fn date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with(['T', '+', '-', 'Z', ' '])) {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

fn refuse_dtd(text: &str) -> Result<(), StatementError> {
    for (what, marker) in [("a DOCTYPE declaration", "<!DOCTYPE"), ("an ENTITY declaration", "<!ENTITY")] {
        if let Some(pos) = text.find(marker) {
            let line = text[..pos].matches('\n').count() + 1;
            return super::err(format!("XML with a DTD or entities is refused: the file has {what} at line {line}; it is never expanded"));
        }
    }
    Ok(())
}

/// XML text: UTF-8 (BOM or not), UTF-16 with a BOM, or ISO-8859-1 / windows-1252 when declared so.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, StatementError> {
    if let Some(little) = utf16_bom(bytes) {
        return Ok(Cow::Owned(decode_utf16(&bytes[2..], little)));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_lowercase();
            let latin = ["iso-8859-1", "iso-8859-15", "latin1", "windows-1252"].iter().any(|enc| head.contains(enc));
            if head.starts_with("<?xml") && latin {
                // The declaration stays: roxmltree reads any declared encoding as already decoded text.
                Ok(Cow::Owned(bytes.iter().map(|&b| b as char).collect()))
            } else {
                super::err(format!("CAMT.053: the file is not UTF-8 (invalid byte at offset {}) and declares no ISO-8859-1 encoding", e.valid_up_to()))
            }
        }
    }
}

fn utf16_bom(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(true),
        [0xFE, 0xFF, ..] => Some(false),
        _ => None,
    }
}

fn decode_utf16(bytes: &[u8], little: bool) -> String {
    let units = bytes.chunks_exact(2).map(|c| if little { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) });
    char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')).collect()
}

fn first_element_child<'a, 'i>(n: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.is_element())
}

fn children<'a, 'i: 'a>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'i: 'a>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn node_text(n: Node) -> String {
    n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect()
}

/// The trimmed, non-empty text at a path of child element names.
fn text_at(n: Node, path: &[&str]) -> Option<String> {
    let mut cur = n;
    for name in path {
        cur = child(cur, name)?;
    }
    let t = node_text(cur);
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
#[path = "camt_tests.rs"]
mod tests;
