//! SWIFT MT940 customer statements, with the German (`?20`…`?33` subfields,
//! SEPA `EREF+`/`SVWZ+` keywords) and Dutch (`/TRTP/…/NAME/…/REMI/…`,
//! `/CNTP/IBAN/BIC/NAME/CITY/`) `:86:` layouts.
//!
//! A file may hold several statements: each starts at a `:20:`; SWIFT
//! envelopes (`{1:…}{2:…}{4:` … `-}`), `-` separator lines, bank header
//! lines before a `:20:` and blank lines are skipped. The bytes are read as
//! UTF-8 when they are valid UTF-8, else as ISO-8859-1 (every byte a character).
//!
//! How continuation lines are joined: SWIFT lines are at most 65 characters,
//! and banks cut long texts at that width in the middle of a word, so a
//! continuation of a full line (65 characters or more, the tag counted) is
//! glued to it, and one of a shorter line follows it after a space. German
//! structured `:86:` (`NNN?00…`) is always glued: its subfields are cut at
//! fixed widths whatever the line length.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use rust_decimal::Decimal;

use super::{compact_iban, valid_iban, Balance, Statement, StatementError, StatementLine};

/// Width of a SWIFT line: a continuation of a line this long is glued to it.
const SWIFT_WIDTH: usize = 65;

/// A tag line: `:20:`, `:28C:`, `:60F:`, …
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^:(\d{2}[A-Z]?):(.*)$").unwrap());

/// Cheap: in the first 8 KB, a line starting with `:20:` and one with
/// `:60F:` or `:60M:` (a line may first carry a `{1:…}{2:…}{4:` envelope).
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    let text = String::from_utf8_lossy(head);
    let (mut has20, mut has60) = (false, false);
    for raw in text.split(['\n', '\r']) {
        let mut line = raw.trim_matches(|c: char| c.is_control() || c == '\u{feff}' || c == ' ');
        if line.starts_with('{') {
            match line.find("{4:") {
                Some(p) => line = &line[p + 3..],
                None => continue,
            }
        }
        has20 |= line.starts_with(":20:");
        has60 |= line.starts_with(":60F:") || line.starts_with(":60M:");
        if has20 && has60 {
            return true;
        }
    }
    false
}

pub fn parse(bytes: &[u8]) -> Result<Vec<Statement>, StatementError> {
    let text = decode(bytes);
    let items = tokenize(&text);
    let mut out = Vec::new();
    let mut current: Option<Builder> = None;
    for item in items {
        match item {
            Item::Separator => {
                if let Some(b) = current.take() {
                    out.push(b.finish()?);
                }
            }
            Item::Field(f) if f.tag == "20" => {
                if let Some(b) = current.take() {
                    out.push(b.finish()?);
                }
                current = Some(Builder::new(&f));
            }
            Item::Field(f) => match current.as_mut() {
                Some(b) => b.field(f)?,
                None => {
                    return super::err(format!(
                        "MT940: line {}: field :{}: comes before any :20: (transaction reference) that would start its statement",
                        f.line, f.tag
                    ))
                }
            },
        }
    }
    if let Some(b) = current.take() {
        out.push(b.finish()?);
    }
    if out.is_empty() {
        return super::err("MT940: the file holds no statement (no :20: field)");
    }
    Ok(out)
}

/// UTF-8 when valid (a BOM dropped), else ISO-8859-1.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

#[derive(Debug)]
struct Field {
    tag: String,
    /// The value on the tag's line, then the continuation lines.
    lines: Vec<String>,
    /// 1-based line number of the tag in the file.
    line: usize,
}

enum Item {
    Field(Field),
    Separator,
}

fn tokenize(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut open: Option<Field> = None;
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, raw) in normalized.split('\n').enumerate() {
        let number = i + 1;
        // Control characters (SOH/ETX around mBank files, …) are not text; tabs become spaces.
        let cleaned: String = raw.chars().filter(|c| !c.is_control() || *c == '\t').map(|c| if c == '\t' { ' ' } else { c }).collect();
        let mut line = cleaned.trim_start_matches('\u{feff}');
        if line.starts_with('{') {
            // SWIFT envelope: `{1:…}{2:…}{4:` then maybe the first field on the same line.
            if let Some(b) = open.take() {
                items.push(Item::Field(b));
            }
            items.push(Item::Separator);
            match line.find("{4:") {
                Some(p) => line = &line[p + 3..],
                None => continue,
            }
            if line.trim().is_empty() {
                continue;
            }
        }
        let trimmed = line.trim();
        if is_separator(trimmed) {
            if let Some(b) = open.take() {
                items.push(Item::Field(b));
            }
            items.push(Item::Separator);
            continue;
        }
        if let Some(c) = TAG.captures(line) {
            if let Some(b) = open.take() {
                items.push(Item::Field(b));
            }
            open = Some(Field { tag: c[1].to_string(), lines: vec![c[2].to_string()], line: number });
        } else if let Some(f) = open.as_mut() {
            f.lines.push(line.to_string());
        }
        // Other lines outside a field: bank headers ("ABNANL2A", "940", …): skipped.
    }
    if let Some(b) = open.take() {
        items.push(Item::Field(b));
    }
    items
}

/// `-`, `-}`, `-}{5:…}`, a row of dashes and spaces.
fn is_separator(t: &str) -> bool {
    t.starts_with("-}") || (t.starts_with('-') && t.chars().all(|c| c == '-' || c == ' '))
}

struct Pending {
    line: StatementLine,
    customer_ref: Option<String>,
    supplementary: String,
    /// The `:86:` fields that follow the `:61:`.
    info: Vec<Field>,
}

struct Builder {
    reference: String,
    line: usize,
    sequence: Option<String>,
    account: Option<String>,
    opening: Option<(Balance, String)>,
    closing: Option<(Balance, String)>,
    lines: Vec<Pending>,
    /// The last field was a `:61:` or one of its `:86:`: a `:86:` belongs to that line.
    info_open: bool,
}

impl Builder {
    fn new(f: &Field) -> Builder {
        Builder {
            reference: f.lines[0].trim().to_string(),
            line: f.line,
            sequence: None,
            account: None,
            opening: None,
            closing: None,
            lines: Vec::new(),
            info_open: false,
        }
    }

    fn id(&self) -> String {
        match &self.sequence {
            Some(s) => format!("{}/{s}", self.reference),
            None => self.reference.clone(),
        }
    }

    fn fail(&self, f: &Field, msg: impl std::fmt::Display) -> StatementError {
        StatementError(format!("MT940 statement {} (starting at line {}): line {}, :{}: {msg}", self.id(), self.line, f.line, f.tag))
    }

    fn field(&mut self, f: Field) -> Result<(), StatementError> {
        let value = f.lines[0].trim().to_string();
        let info_open = std::mem::replace(&mut self.info_open, false);
        match f.tag.as_str() {
            "25" => {
                if self.account.is_some() {
                    return Err(self.fail(&f, "a second account field in the same statement: the file is malformed"));
                }
                if value.is_empty() {
                    return Err(self.fail(&f, "the account identification is empty"));
                }
                self.account = Some(value);
            }
            "28C" | "28" => self.sequence = Some(value),
            "60F" | "60M" => {
                if self.opening.is_some() || !self.lines.is_empty() {
                    return Err(self.fail(&f, "an opening balance where one was already given, or after the lines"));
                }
                let b = balance(&value).map_err(|e| self.fail(&f, format!("opening balance: {e}")))?;
                self.opening = Some(b);
            }
            "61" => {
                if self.closing.is_some() {
                    return Err(self.fail(&f, "a statement line after the closing balance"));
                }
                if self.opening.is_none() {
                    return Err(self.fail(&f, "a statement line before the opening balance (:60F: or :60M:)"));
                }
                let n = self.lines.len() + 1;
                let p = statement_line(&value, &f.lines[1..]).map_err(|e| self.fail(&f, format!("transaction {n}: {e}")))?;
                self.lines.push(p);
                self.info_open = true;
            }
            "86" if info_open => {
                if let Some(p) = self.lines.last_mut() {
                    p.info.push(f);
                    self.info_open = true;
                }
            }
            "62F" | "62M" => {
                if self.closing.is_some() {
                    return Err(self.fail(&f, "a second closing balance in the same statement"));
                }
                let b = balance(&value).map_err(|e| self.fail(&f, format!("closing balance: {e}")))?;
                self.closing = Some(b);
            }
            // A `:86:` before the first `:61:` or after the closing
            // balance is about the whole statement: not kept. Other tags:
            // 21 related reference, 64/65 available balances, 13D/34F/90C/90D of MT942, …
            _ => {}
        }
        Ok(())
    }

    fn finish(self) -> Result<Statement, StatementError> {
        let id = self.id();
        let who = format!("MT940 statement {id} (starting at line {})", self.line);
        let account_field = self.account.ok_or_else(|| StatementError(format!("{who}: no account identification (:25:)")))?;
        let (opening, currency) = self.opening.ok_or_else(|| StatementError(format!("{who}: no opening balance (:60F: or :60M:)")))?;
        let (closing, closing_currency) = self.closing.ok_or_else(|| StatementError(format!("{who}: no closing balance (:62F: or :62M:)")))?;
        if closing_currency != currency {
            return Err(StatementError(format!("{who}: the opening balance is in {currency} but the closing balance in {closing_currency}")));
        }
        let (iban, account) = account_id(&account_field);
        let lines = self.lines.into_iter().map(finish_line).collect();
        Ok(Statement { format: "mt940".into(), id, iban, account, currency, opening: Some(opening), closing: Some(closing), lines })
    }
}

/// `:25:`: an IBAN (possibly after a BIC and "/", or followed by the currency) or another account number.
fn account_id(value: &str) -> (Option<String>, Option<String>) {
    let whole = compact_iban(value);
    let mut candidates = vec![whole.clone()];
    if let Some((_, right)) = whole.rsplit_once('/') {
        candidates.push(right.to_string());
    }
    for c in candidates.clone() {
        if c.len() > 3 && c[c.len() - 3..].chars().all(|ch| ch.is_ascii_uppercase()) {
            candidates.push(c[..c.len() - 3].to_string());
        }
    }
    match candidates.into_iter().find(|c| valid_iban(c)) {
        Some(iban) => (Some(iban), None),
        None => (None, Some(value.trim().to_string())),
    }
}

/// `C070903EUR766656,49`: mark, date YYMMDD, currency, amount.
fn balance(value: &str) -> Result<(Balance, String), String> {
    let v = value.trim();
    let negative = match v.chars().next() {
        Some('C') => false,
        Some('D') => true,
        _ => return Err(format!("{v:?} does not start with C (credit) or D (debit)")),
    };
    let date_str = v.get(1..7).ok_or_else(|| format!("{v:?} is too short"))?;
    let date = yymmdd(date_str).ok_or_else(|| format!("date {date_str:?} is not a date (YYMMDD)"))?;
    let currency = v.get(7..10).filter(|c| c.chars().all(|ch| ch.is_ascii_alphabetic())).ok_or_else(|| format!("no currency code after the date in {v:?}"))?;
    let amount = amount(&v[10..])?;
    Ok((Balance { date: Some(date), amount: if negative { -amount } else { amount } }, currency.to_uppercase()))
}

/// A SWIFT amount: digits with a decimal comma (`1500,00`, `15000,`), no sign.
fn amount(s: &str) -> Result<Decimal, String> {
    let s = s.trim();
    let Some((int, frac)) = s.split_once(',') else {
        return Err(if s.is_empty() { "no amount".into() } else { format!("amount {s:?} has no decimal comma") });
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) || int.len() > 15 {
        return Err(format!("amount {s:?} is not a number (digits with a decimal comma expected)"));
    }
    if frac.len() > 5 {
        return Err(format!("amount {s:?} has more than 5 decimals"));
    }
    let canonical = if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") };
    canonical.parse::<Decimal>().map_err(|e| format!("amount {s:?}: {e}"))
}

fn yymmdd(s: &str) -> Option<NaiveDate> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i32 = s[..2].parse().ok()?;
    let year = if yy < 80 { 2000 + yy } else { 1900 + yy };
    NaiveDate::from_ymd_opt(year, s[2..4].parse().ok()?, s[4..6].parse().ok()?)
}

/// `:61:` — `YYMMDD[MMDD](C|D|RC|RD)[funds code]amount(N|F|S)xxx customer-ref[//bank-ref]`,
/// supplementary details on the continuation lines.
fn statement_line(value: &str, more: &[String]) -> Result<Pending, String> {
    let v = value.trim_end();
    let date_str = v.get(..6).ok_or_else(|| format!("{v:?} is too short"))?;
    let value_date = yymmdd(date_str).ok_or_else(|| format!("value date {date_str:?} is not a date (YYMMDD)"))?;
    let mut rest = &v[6..];
    let mut entry_date = None;
    if rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        let md = &rest[..4];
        entry_date = Some(entry_date_near(value_date, md).ok_or_else(|| format!("entry date {md:?} is not a date (MMDD)"))?);
        rest = &rest[4..];
    }
    let (negative, after) = if let Some(r) = rest.strip_prefix("RC") {
        (true, r) // reversal of a credit: money goes out
    } else if let Some(r) = rest.strip_prefix("RD") {
        (false, r) // reversal of a debit: money comes back
    } else if let Some(r) = rest.strip_prefix('C') {
        (false, r)
    } else if let Some(r) = rest.strip_prefix('D') {
        (true, r)
    } else {
        return Err(format!("no debit/credit mark (C, D, RC or RD) after the dates in {v:?}"));
    };
    rest = after;
    // Funds code: the third letter of the currency code, when given.
    if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        rest = &rest[1..];
    }
    let amount_len = rest.find(|c: char| !(c.is_ascii_digit() || c == ',')).unwrap_or(rest.len());
    let amt = amount(&rest[..amount_len])?;
    rest = &rest[amount_len..];
    let code = rest.get(..4).filter(|c| c.starts_with(['N', 'F', 'S']) && c[1..].chars().all(|ch| ch.is_ascii_alphanumeric())).ok_or_else(|| {
        format!("no transaction type (N, F or S and three characters) after the amount in {v:?}")
    })?;
    rest = &rest[4..];
    let (customer, bank) = match rest.split_once("//") {
        Some((c, b)) => (c, Some(b)),
        None => (rest, None),
    };
    let customer_ref = Some(customer.trim().to_string()).filter(|s| !s.is_empty());
    let bank_ref = bank.map(|b| b.trim().to_string()).filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("NONREF"));
    let supplementary = more.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    Ok(Pending {
        line: StatementLine {
            booking_date: entry_date.unwrap_or(value_date),
            value_date: Some(value_date),
            amount: if negative { -amt } else { amt },
            counterparty: None,
            counterparty_iban: None,
            reference: None,
            text: String::new(),
            bank_ref,
            code: Some(code.to_string()),
        },
        customer_ref,
        supplementary,
        info: Vec::new(),
    })
}

/// The entry date's year is not given: the one that puts it nearest the
/// value date (a value date of 2 January with an entry date of 31 December
/// was booked the year before).
fn entry_date_near(value_date: NaiveDate, mmdd: &str) -> Option<NaiveDate> {
    let (m, d): (u32, u32) = (mmdd[..2].parse().ok()?, mmdd[2..].parse().ok()?);
    let y = value_date.year();
    [y, y - 1, y + 1]
        .into_iter()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, m, d))
        .min_by_key(|date| (*date - value_date).num_days().abs())
}

/// What a `:86:` tells: counterparty, reference, text.
#[derive(Default, Debug, PartialEq)]
struct Info {
    name: Option<String>,
    iban: Option<String>,
    reference: Option<String>,
    text: String,
}

fn finish_line(p: Pending) -> StatementLine {
    let mut line = p.line;
    let info = if p.info.is_empty() { Info::default() } else { information(&p.info) };
    line.counterparty = info.name.filter(|s| !s.is_empty());
    line.counterparty_iban = info.iban;
    let customer_ref = p.customer_ref.filter(|r| !placeholder_ref(r));
    line.reference = info.reference.or_else(|| customer_ref.clone());
    let mut text = info.text;
    if text.is_empty() {
        // No `:86:` (Danske Bank): the customer reference is the only description.
        text = customer_ref.map(|r| collapse(&r)).unwrap_or_default();
    }
    let supp = collapse(&p.supplementary);
    if !supp.is_empty() {
        let compact = compact_iban(&supp);
        if valid_iban(&compact) {
            if line.counterparty_iban.is_none() {
                line.counterparty_iban = Some(compact);
            }
        } else if !text.contains(&supp) {
            text = if text.is_empty() { supp } else { format!("{text} {supp}") };
        }
    }
    line.text = text;
    line
}

/// Customer references that say "none" or only point at the `:86:`.
fn placeholder_ref(r: &str) -> bool {
    let u = r.trim().to_uppercase();
    matches!(u.as_str(), "NONREF" | "NOTPROVIDED" | "NONE" | "-" | "EREF" | "KREF" | "MREF" | "PREF") || (u.len() == 5 && u.ends_with('+'))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Join a field's lines: glued after a full SWIFT line, else after a space.
fn join_lines(f: &Field, glue_always: bool) -> String {
    let mut out = String::new();
    let mut prev_len = 0;
    for (i, l) in f.lines.iter().enumerate() {
        if i > 0 && !glue_always && prev_len < SWIFT_WIDTH {
            out.push(' ');
        }
        out.push_str(l);
        prev_len = l.chars().count() + if i == 0 { f.tag.len() + 2 } else { 0 };
    }
    out
}

static GERMAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(\d{3})?\?\d{2}").unwrap());

fn information(fields: &[Field]) -> Info {
    let first = fields[0].lines[0].trim_start();
    if GERMAN.is_match(first) {
        let joined: String = fields.iter().map(|f| join_lines(f, true)).collect();
        return german(joined.trim());
    }
    let joined = fields.iter().map(|f| join_lines(f, false)).collect::<Vec<_>>().join(" ");
    if let Some(info) = dutch(joined.trim()) {
        return info;
    }
    free_text(&joined)
}

static SUBFIELD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\?(\d{2})").unwrap());
static SEPA_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|PURP|COAM|OAMT|SQTP|RTRN)\+").unwrap());

/// German layout: `GVC?00posting text?10prima nota?20…?29 purpose?30 BLZ/BIC?31 account/IBAN?32?33 name?34…?38 IBAN?60…?63 purpose`.
fn german(s: &str) -> Info {
    let mut posting = String::new();
    let mut purpose_parts = Vec::new();
    let mut name_parts = Vec::new();
    let mut account = String::new();
    let mut iban38 = String::new();
    let marks: Vec<(usize, usize, String)> = SUBFIELD.captures_iter(s).map(|c| {
        let m = c.get(0).unwrap();
        (m.start(), m.end(), c[1].to_string())
    }).collect();
    for (i, (_, end, key)) in marks.iter().enumerate() {
        let stop = marks.get(i + 1).map(|m| m.0).unwrap_or(s.len());
        let value = &s[*end..stop];
        match key.as_str() {
            "00" => posting.push_str(value),
            "20" | "21" | "22" | "23" | "24" | "25" | "26" | "27" | "28" | "29" | "60" | "61" | "62" | "63" => purpose_parts.push(value),
            "31" => account.push_str(value),
            "32" | "33" => name_parts.push(value),
            "38" => iban38.push_str(value),
            _ => {}
        }
    }
    let purpose = join_subfields(&purpose_parts);
    let name = join_subfields(&name_parts);
    let mut info = Info { name: Some(collapse(&name)).filter(|n| !n.is_empty()), ..Info::default() };
    info.iban = [account, iban38].iter().map(|a| compact_iban(a)).find(|a| valid_iban(a));
    let mut text = vec![collapse(&posting)];
    let purpose = purpose.trim();
    if SEPA_KEY.find(purpose).is_some_and(|m| m.start() == 0) {
        let keys: Vec<(usize, usize, String)> = SEPA_KEY.captures_iter(purpose).map(|c| {
            let m = c.get(0).unwrap();
            (m.start(), m.end(), c[1].to_string())
        }).collect();
        let mut segments: Vec<(String, String)> = Vec::new();
        for (i, (_, end, key)) in keys.iter().enumerate() {
            let stop = keys.get(i + 1).map(|k| k.0).unwrap_or(purpose.len());
            let value = &purpose[*end..stop];
            // An identifier (at most 35 characters) ends with its subfield;
            // text after it (`MTLG:…`) is no part of it.
            match value.split_once('\n') {
                Some((id, rest)) if matches!(key.as_str(), "EREF" | "KREF" | "MREF" | "CRED" | "DEBT") => {
                    segments.push((key.clone(), collapse(id)));
                    segments.push((String::new(), collapse(rest)));
                }
                _ => segments.push((key.clone(), collapse(value))),
            }
        }
        let get = |k: &str| segments.iter().find(|(key, v)| key == k && !v.is_empty() && !v.eq_ignore_ascii_case("NOTPROVIDED")).map(|(_, v)| v.clone());
        let eref = get("EREF");
        info.reference = eref.clone().or_else(|| get("KREF"));
        for (key, v) in &segments {
            if v.is_empty() || v.eq_ignore_ascii_case("NOTPROVIDED") {
                continue;
            }
            match key.as_str() {
                "SVWZ" | "" => text.push(v.clone()),
                "EREF" => {}
                "KREF" if eref.is_none() => {}
                "IBAN" => {
                    if info.iban.is_none() && valid_iban(&compact_iban(v)) {
                        info.iban = Some(compact_iban(v));
                    }
                }
                "BIC" => {}
                _ => text.push(format!("{key}+{v}")),
            }
        }
    } else {
        text.push(collapse(purpose));
    }
    info.text = text.into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
    info
}

/// Subfields are at most 27 characters: a full one was cut where the text
/// went on (SEPA purposes are cut in the middle of words) and is glued to
/// the next; a shorter one ended an item, marked by a line break (a
/// reference stops there; in texts it becomes a space).
fn join_subfields(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 && parts[i - 1].chars().count() < 27 {
            out.push('\n');
        }
        out.push_str(p);
    }
    out
}

/// Keys of the Dutch structured layout (ABN AMRO, Rabobank, ING, Triodos, …).
const NL_KEYS: &[&str] = &[
    "TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "MARF", "CSID", "CNTP", "ORDP", "BENM", "ULTC", "ULTD", "ULTB", "PURP", "RTRN", "ISDT",
    "ADDR", "SVCL", "PREF", "KREF", "CDTRREFTP", "CDTRREF", "CD", "ISSR", "ID", "BUSP", "FX", "ACCW", "OCMT", "TRCD", "NRTX",
];

fn nl_key_at(s: &str, pos: usize) -> Option<&'static str> {
    let rest = &s[pos..];
    let after = rest.strip_prefix('/')?;
    NL_KEYS.iter().copied().find(|k| after.starts_with(k) && after[k.len()..].starts_with('/'))
}

/// Dutch layout: `/TRTP/SEPA OVERBOEKING/IBAN/NL…/BIC/…/NAME/…/REMI/…/EREF/…`,
/// Rabobank `/EREF/…/BENM//NAME/…/REMI/…`, ING `/CNTP/IBAN/BIC/NAME/CITY/`.
fn dutch(s: &str) -> Option<Info> {
    nl_key_at(s, 0)?;
    let mut marks: Vec<(usize, &'static str)> = Vec::new();
    for (pos, _) in s.match_indices('/') {
        if let Some(k) = nl_key_at(s, pos) {
            marks.push((pos, k));
        }
    }
    let mut fields: Vec<(&str, String)> = Vec::new();
    for (i, (pos, key)) in marks.iter().enumerate() {
        let start = (pos + 1 + key.len() + 1).min(s.len());
        let stop = marks.get(i + 1).map(|m| m.0).unwrap_or(s.len()).max(start);
        fields.push((key, s[start..stop].trim().trim_end_matches('/').trim().to_string()));
    }
    let get = |k: &str| fields.iter().find(|(key, v)| *key == k && !v.is_empty()).map(|(_, v)| v.clone());
    let cntp: Vec<String> = get("CNTP").map(|c| c.split('/').map(|p| p.trim().to_string()).collect()).unwrap_or_default();
    let mut info = Info {
        name: cntp.get(2).filter(|n| !n.is_empty()).cloned().or_else(|| get("NAME")).map(|n| collapse(&n)),
        iban: cntp.first().map(|i| compact_iban(i)).filter(|i| valid_iban(i)).or_else(|| get("IBAN").map(|i| compact_iban(&i)).filter(|i| valid_iban(i))),
        ..Info::default()
    };
    let mut text = Vec::new();
    if let Some(t) = get("TRTP") {
        text.push(t);
    }
    let mut strd_ref = get("CDTRREF");
    if let Some(remi) = get("REMI") {
        if let Some(u) = remi.strip_prefix("USTD//").or_else(|| remi.strip_prefix("USTD/")) {
            text.push(u.to_string());
        } else if let Some(r) = remi.strip_prefix("STRD/") {
            // `STRD/CUR/ref` (ING): a structured creditor reference.
            let r = r.rsplit('/').next().unwrap_or(r).trim().to_string();
            if strd_ref.is_none() && !r.is_empty() {
                strd_ref = Some(r);
            }
        } else {
            text.push(remi);
        }
    }
    let eref = get("EREF").filter(|e| !e.eq_ignore_ascii_case("NOTPROVIDED"));
    info.reference = strd_ref.or(eref).or_else(|| get("KREF")).or_else(|| get("PREF"));
    info.text = collapse(&text.join(" "));
    Some(info)
}

static KNAB: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"REK: ?([A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}) ?/NAAM: ?(.+)$").unwrap());

/// Free text: kept whole, whitespace collapsed (Knab's `REK: IBAN/NAAM: name` read).
fn free_text(s: &str) -> Info {
    let text = collapse(s);
    let mut info = Info::default();
    if let Some(c) = KNAB.captures(&text) {
        info.iban = Some(c[1].to_string()).filter(|i| valid_iban(i));
        info.name = Some(c[2].trim().to_string());
    }
    info.text = text;
    info
}

#[cfg(test)]
#[path = "mt940_tests.rs"]
mod tests;
