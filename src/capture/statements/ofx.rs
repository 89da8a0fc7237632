//! OFX 1.x (SGML) and 2.x (XML) bank and credit-card statements.
//!
//! One tolerant tokenizer reads both: OFX 1.x leaves are not closed
//! (`<TRNAMT>-12.50`), so an element followed by text is a leaf ending at
//! the next tag, and only aggregates must be closed. A file that is cut or
//! whose aggregates do not nest is refused, never guessed.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::csv::{decode, Encoding};
use super::{compact_iban, err, valid_iban, Balance, Statement, StatementError, StatementLine};

/// Cheap: `OFXHEADER` (both versions) or `<OFX>` in the first 4 KB.
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let upper: Vec<u8> = head.iter().map(|b| b.to_ascii_uppercase()).collect();
    contains(&upper, b"OFXHEADER") || contains(&upper, b"<OFX>")
}

pub fn parse(bytes: &[u8]) -> Result<Vec<Statement>, StatementError> {
    let text = decode(bytes, encoding_of(bytes)).map_err(|e| StatementError(format!("OFX: {e}")))?;
    let Some(start) = find_ofx_tag(&text) else {
        return err("OFX: no `<OFX>` tag: the file is not OFX or it is cut before its body; ask the bank for a new export");
    };
    let header = &text[..start];
    let xml = header.contains("<?xml") || header.to_ascii_uppercase().contains("<?OFX");
    let upper_header = header.to_ascii_uppercase();
    if upper_header.contains("<!DOCTYPE") || upper_header.contains("<!ENTITY") {
        return err("OFX: XML with a DTD or entities is refused (they could pull in other files or expand without bound); ask the bank for a plain export");
    }
    let first_line = 1 + header.matches('\n').count();
    let root = build_tree(&text[start..], first_line)?;
    let format = if xml { "ofx-xml" } else { "ofx-sgml" };
    let mut statements = Vec::new();
    collect_statements(&root, None, format, &mut statements)?;
    if statements.is_empty() {
        return err("OFX: the file has no statement (no STMTRS nor CCSTMTRS aggregate)");
    }
    Ok(statements)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn find_ofx_tag(text: &str) -> Option<usize> {
    text.to_ascii_uppercase().find("<OFX>")
}

/// The header is ASCII in both versions, so it is read before decoding.
/// French banks often declare `ENCODING:USASCII` yet write Windows-1252
/// accents: without a clear UTF-8 declaration, bytes that are not UTF-8
/// are read as Windows-1252.
fn encoding_of(bytes: &[u8]) -> Encoding {
    let head: String = bytes[..bytes.len().min(1024)].iter().map(|&b| if b.is_ascii() { b as char } else { '?' }).collect();
    let head = head.to_ascii_uppercase();
    let declared_utf8 = head.contains("ENCODING:UTF-8") || head.contains("ENCODING=\"UTF-8\"") || head.contains("ENCODING='UTF-8'");
    let declared_single =
        ["CHARSET:1252", "CHARSET:ISO-8859-1", "CHARSET:8859-1", "WINDOWS-1252", "ISO-8859-1", "ISO-8859-15"].iter().any(|d| head.contains(d));
    let utf8 = std::str::from_utf8(bytes).is_ok();
    if declared_utf8 && !declared_single && utf8 {
        Encoding::Utf8
    } else if declared_single || !utf8 {
        Encoding::Windows1252
    } else {
        Encoding::Utf8
    }
}

/// One element: a leaf has a value, an aggregate has children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    value: Option<String>,
    children: Vec<Node>,
    line: usize,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    fn leaf(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.value.as_deref()).filter(|v| !v.is_empty())
    }
    fn path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, p| n.child(p))
    }
}

/// The aggregates a statement uses: these must be closed explicitly, so a
/// missing close tag is a broken file, not a leaf. Other empty elements
/// (`<MEMO>` with no text) are taken as empty leaves when that resolves a
/// close tag.
const AGGREGATES: &[&str] = &[
    "OFX",
    "SIGNONMSGSRSV1",
    "SONRS",
    "STATUS",
    "FI",
    "BANKMSGSRSV1",
    "STMTTRNRS",
    "STMTRS",
    "BANKACCTFROM",
    "BANKACCTTO",
    "CCACCTFROM",
    "CCACCTTO",
    "BANKTRANLIST",
    "STMTTRN",
    "PAYEE",
    "LEDGERBAL",
    "AVAILBAL",
    "CREDITCARDMSGSRSV1",
    "CCSTMTTRNRS",
    "CCSTMTRS",
    "BALLIST",
    "BAL",
    "CURRENCY",
    "ORIGCURRENCY",
];

/// Tokenize and nest in one pass, from `<OFX>` to the end.
fn build_tree(body: &str, first_line: usize) -> Result<Node, StatementError> {
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut line = first_line;
    let mut rest = body;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let tag_line = line;
            if after.starts_with("!--") {
                let end = after
                    .find("-->")
                    .ok_or_else(|| StatementError(format!("OFX line {tag_line}: a comment `<!--` is never closed by `-->`; the file is cut")))?;
                line += after[..end].matches('\n').count();
                rest = &after[end + 3..];
                continue;
            }
            if let Some(cdata) = after.strip_prefix("![CDATA[") {
                let end =
                    cdata.find("]]>").ok_or_else(|| StatementError(format!("OFX line {tag_line}: `<![CDATA[` is never closed by `]]>`; the file is cut")))?;
                line += cdata[..end].matches('\n').count();
                // CDATA is literal: no entity is decoded in it.
                set_text(&mut stack, cdata[..end].trim().to_string(), tag_line)?;
                rest = &cdata[end + 3..];
                continue;
            }
            if after.starts_with('!') {
                return err(format!("OFX line {tag_line}: XML with a DTD or entities is refused (they could pull in other files or expand without bound); ask the bank for a plain export"));
            }
            if after.starts_with('?') {
                let end = after.find("?>").ok_or_else(|| StatementError(format!("OFX line {tag_line}: `<?` is never closed by `?>`")))?;
                line += after[..end].matches('\n').count();
                rest = &after[end + 2..];
                continue;
            }
            let closing = after.starts_with('/');
            let name_start = if closing { &after[1..] } else { after };
            let name_len = name_start.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')).unwrap_or(name_start.len());
            let name = name_start[..name_len].to_ascii_uppercase();
            let tail = &name_start[name_len..];
            // OFX uses no attributes: only `>` or `/>` may follow a name.
            let (self_closing, consumed) = if tail.starts_with('>') {
                (false, 1)
            } else if tail.starts_with("/>") {
                (true, 2)
            } else {
                let shown: String = rest.chars().take_while(|&c| c != '\n' && c != '\r').take(40).collect();
                return err(format!(
                    "OFX line {tag_line}: unterminated tag `{}`: a `>` is missing; the file is damaged, ask the bank for a new export",
                    shown.trim_end()
                ));
            };
            if name.is_empty() {
                return err(format!("OFX line {tag_line}: a tag without a name (`<>` or `</>`)"));
            }
            rest = &tail[consumed..];
            if closing {
                close(&mut stack, &name, tag_line)?;
            } else {
                open(&mut stack, &name, tag_line);
                if self_closing {
                    close(&mut stack, &name, tag_line)?;
                }
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = &rest[..end];
            let lead = raw.len() - raw.trim_start().len();
            let text_line = line + raw[..lead].matches('\n').count();
            line += raw.matches('\n').count();
            rest = &rest[end..];
            let value = raw.trim();
            if value.is_empty() {
                continue;
            }
            set_text(&mut stack, decode_entities(value), text_line)?;
        }
    }
    // Leaves at the end close themselves; an aggregate still open means a cut file.
    if let Some(open) = stack.iter().skip(1).find(|n| n.value.is_none() && is_aggregate(&n.name)) {
        return err(format!("OFX: the file ends before `</{}>` (opened at line {}): the file is cut; ask the bank for a new export", open.name, open.line));
    }
    let mut root = stack.remove(0);
    for n in stack {
        flatten_into(&mut root, n);
    }
    root.children.into_iter().find(|c| c.name == "OFX").ok_or_else(|| StatementError("OFX: no `<OFX>` element".into()))
}

/// Text belongs to the open leaf; in an aggregate it means a broken file.
fn set_text(stack: &mut [Node], value: String, line: usize) -> Result<(), StatementError> {
    let top = stack.last_mut().expect("root stays");
    if top.name.is_empty() || value.is_empty() {
        // After `</OFX>`: trailing bytes some banks append; nothing to read.
        return Ok(());
    }
    if is_aggregate(&top.name) || !top.children.is_empty() || top.value.is_some() {
        return err(format!("OFX line {line}: text `{}` inside `<{}>` where a tag was expected; the file is damaged", short(&value), top.name));
    }
    top.value = Some(value);
    Ok(())
}

fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name)
}

/// An element that was never closed is a leaf: what it seemed to contain
/// were its following siblings (`<MEMO>` with no text, then `<TRNAMT>`).
fn flatten_into(parent: &mut Node, mut n: Node) {
    let kids = std::mem::take(&mut n.children);
    parent.children.push(n);
    parent.children.extend(kids);
}

fn open(stack: &mut Vec<Node>, name: &str, line: usize) {
    // A leaf with its value ends where the next tag begins.
    if stack.last().is_some_and(|t| t.value.is_some()) {
        let leaf = stack.pop().expect("non-empty");
        stack.last_mut().expect("root").children.push(leaf);
    }
    stack.push(Node { name: name.to_string(), line, ..Default::default() });
}

fn close(stack: &mut Vec<Node>, name: &str, line: usize) -> Result<(), StatementError> {
    let Some(pos) = stack.iter().rposition(|n| n.name == name) else {
        return err(format!("OFX line {line}: `</{name}>` closes nothing: no `<{name}>` is open here; the file is damaged"));
    };
    // Between the close tag and its element only unclosed leaves may remain;
    // an aggregate left open means the nesting is broken.
    if let Some(o) = stack[pos + 1..].iter().find(|n| n.value.is_none() && is_aggregate(&n.name)) {
        return err(format!(
            "OFX line {line}: `</{name}>` while `<{}>` (opened at line {}) is still open: a `</{}>` is missing; the file is damaged",
            o.name, o.line, o.name
        ));
    }
    let between: Vec<Node> = stack.drain(pos + 1..).collect();
    let mut done = stack.pop().expect("pos exists");
    for n in between {
        flatten_into(&mut done, n);
    }
    stack.last_mut().expect("root").children.push(done);
    Ok(())
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(40).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// `&amp; &lt; &gt; &quot; &apos; &#233; &#xE9;`; anything else (a bare
/// `&` as in `M&S`, common in SGML files) is kept as written.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let semi = rest[..rest.len().min(12)].find(';');
        let decoded = semi.and_then(|j| {
            let ent = &rest[1..j];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every STMTRS / CCSTMTRS, in file order; `trnuid` comes from the
/// enclosing transaction wrapper.
fn collect_statements(node: &Node, trnuid: Option<&str>, format: &str, out: &mut Vec<Statement>) -> Result<(), StatementError> {
    for c in &node.children {
        match c.name.as_str() {
            "STMTRS" => out.push(statement(c, trnuid, format, "BANKACCTFROM")?),
            "CCSTMTRS" => out.push(statement(c, trnuid, format, "CCACCTFROM")?),
            "STMTTRNRS" | "CCSTMTTRNRS" => collect_statements(c, c.leaf("TRNUID"), format, out)?,
            _ if !c.children.is_empty() => collect_statements(c, trnuid, format, out)?,
            _ => {}
        }
    }
    Ok(())
}

fn statement(rs: &Node, trnuid: Option<&str>, format: &str, acct_tag: &str) -> Result<Statement, StatementError> {
    let currency = rs
        .leaf("CURDEF")
        .map(|c| c.to_ascii_uppercase())
        .ok_or_else(|| StatementError(format!("OFX line {}: the statement has no CURDEF (its currency)", rs.line)))?;
    let acctid = rs.path(&[acct_tag]).and_then(|a| a.leaf("ACCTID")).map(str::trim);
    let (iban, account) = match acctid {
        Some(a) if valid_iban(a) => (Some(compact_iban(a)), None),
        Some(a) => (None, Some(a.to_string())),
        None => (None, None),
    };
    let list = rs.child("BANKTRANLIST");
    let mut lines = Vec::new();
    for t in list.iter().flat_map(|l| l.children.iter()).filter(|c| c.name == "STMTTRN") {
        lines.push(transaction(t)?);
    }
    let sum: Decimal = lines.iter().map(|l| l.amount).sum();
    let start = match list.and_then(|l| l.child("DTSTART")) {
        Some(n) => date_of(n)?,
        None => None,
    };
    // AVAILBAL is what may be spent (pending holds included): never the booked balance.
    let closing = match rs.child("LEDGERBAL") {
        Some(lb) => {
            let bal = lb.child("BALAMT").ok_or_else(|| StatementError(format!("OFX line {}: LEDGERBAL has no BALAMT", lb.line)))?;
            let amount = amount_of(bal)?;
            let date = match lb.child("DTASOF") {
                Some(d) => date_of(d)?,
                None => None,
            };
            Some(Balance { date, amount })
        }
        None => None,
    };
    // OFX carries no opening balance: it is derived from the closing one, so
    // the balance check can only catch a broken closing amount, not a
    // missing line. Stated here so nobody relies on it for more.
    let opening = closing.map(|c| Balance { date: start, amount: c.amount - sum });
    let id = trnuid.filter(|t| !t.trim().is_empty() && t.trim() != "0").unwrap_or("").trim().to_string();
    Ok(Statement { format: format.into(), id, iban, account, currency, opening, closing, lines })
}

fn transaction(t: &Node) -> Result<StatementLine, StatementError> {
    let amt = t
        .child("TRNAMT")
        .ok_or_else(|| StatementError(format!("OFX line {}: transaction (STMTTRN) without TRNAMT (its amount); the file is damaged", t.line)))?;
    let posted = t
        .child("DTPOSTED")
        .ok_or_else(|| StatementError(format!("OFX line {}: transaction (STMTTRN) without DTPOSTED (its date); the file is damaged", t.line)))?;
    let booking_date = date_of(posted)?.ok_or_else(|| StatementError(format!("OFX line {}: DTPOSTED is empty", posted.line)))?;
    let value_date = match t.child("DTUSER") {
        Some(d) => date_of(d)?,
        None => None,
    };
    let name = t.leaf("NAME").or_else(|| t.path(&["PAYEE"]).and_then(|p| p.leaf("NAME"))).map(str::to_string);
    let memo = t.leaf("MEMO").map(str::to_string);
    let text = match (&memo, &name) {
        (Some(m), _) => m.clone(),
        (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    };
    Ok(StatementLine {
        booking_date,
        value_date,
        amount: amount_of(amt)?,
        counterparty: name,
        counterparty_iban: t.path(&["BANKACCTTO"]).and_then(|b| b.leaf("ACCTID")).filter(|a| valid_iban(a)).map(compact_iban),
        reference: t.leaf("REFNUM").or_else(|| t.leaf("CHECKNUM")).map(str::to_string),
        text,
        bank_ref: t.leaf("FITID").map(str::to_string),
        code: t.leaf("TRNTYPE").map(str::to_string),
    })
}

/// `-12.50`, `+12.50`, `-12,50` (some French banks): a signed decimal.
fn amount_of(n: &Node) -> Result<Decimal, StatementError> {
    let raw = n.value.as_deref().unwrap_or("").trim();
    let mut s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if s.contains(',') && !s.contains('.') && s.matches(',').count() == 1 {
        s = s.replace(',', ".");
    }
    let s = s.strip_prefix('+').unwrap_or(&s);
    let valid = !s.is_empty() && s.trim_start_matches('-').chars().all(|c| c.is_ascii_digit() || c == '.');
    match Decimal::from_str(s) {
        Ok(d) if valid => Ok(d),
        _ => err(format!("OFX line {}: {} `{raw}` is not an amount (expected e.g. -12.50)", n.line, n.name)),
    }
}

/// `YYYYMMDD[HHMMSS[.XXX]][[+-]HH[:TZ]]`: the date as written; the time and
/// zone do not change the booking day the bank chose.
fn date_of(n: &Node) -> Result<Option<NaiveDate>, StatementError> {
    let raw = n.value.as_deref().unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bad =
        || StatementError(format!("OFX line {}: {} `{raw}` is not a date (expected YYYYMMDD, e.g. 20240131 or 20240131120000.000[+1:CET])", n.line, n.name));
    let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 8 || !(digits.len() == 8 || digits.len() == 12 || digits.len() == 14) {
        return Err(bad());
    }
    let after = &raw[digits.len()..];
    if !(after.is_empty() || after.starts_with('.') || after.starts_with('[')) {
        return Err(bad());
    }
    NaiveDate::parse_from_str(&digits[..8], "%Y%m%d").map(Some).map_err(|_| bad())
}

#[cfg(test)]
#[path = "ofx_tests.rs"]
mod tests;
