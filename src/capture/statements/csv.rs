//! CSV statements described by the admin's rules (`rules/bank-csv.yaml`):
//! which file is which bank's export (a regex on its header line), how to
//! read it (encoding, separator, date and number formats) and which column
//! holds what. Bank CSV exports differ by bank and change without notice,
//! so every surprise is refused with its row and column, never guessed.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use regex::Regex;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{compact_iban, err, valid_iban, Balance, Statement, StatementError, StatementLine};
use crate::config::{Issue, YamlDoc};

pub const BUILTIN_BANK_CSV_YAML: &str = include_str!("../../../rules/bank-csv.yaml");

/// The file as written by the admin.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    formats: Vec<CsvFormat>,
}

/// One bank's export, as written in `rules/bank-csv.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvFormat {
    pub name: String,
    pub detect: String,
    #[serde(default = "default_encoding")]
    pub encoding: String,
    #[serde(default = "default_separator")]
    pub separator: String,
    #[serde(default)]
    pub skip: usize,
    #[serde(default = "yes")]
    pub header: bool,
    pub date_format: String,
    #[serde(default = "default_decimal")]
    pub decimal_mark: String,
    #[serde(default)]
    pub thousands_separator: Option<String>,
    pub columns: Columns,
    #[serde(default = "default_sign")]
    pub sign: String,
    #[serde(default = "default_order")]
    pub order: String,
    #[serde(default)]
    pub iban: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default)]
    pub skip_rows_matching: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub date: Col,
    #[serde(default)]
    pub value_date: Option<Col>,
    #[serde(default)]
    pub text: Option<ColList>,
    #[serde(default)]
    pub amount: Option<Col>,
    #[serde(default)]
    pub debit: Option<Col>,
    #[serde(default)]
    pub credit: Option<Col>,
    #[serde(default)]
    pub balance: Option<Col>,
    #[serde(default)]
    pub counterparty: Option<Col>,
    #[serde(default)]
    pub counterparty_iban: Option<Col>,
    #[serde(default)]
    pub reference: Option<Col>,
    #[serde(default)]
    pub bank_ref: Option<Col>,
    #[serde(default)]
    pub code: Option<Col>,
    #[serde(default)]
    pub currency: Option<Col>,
}

/// A column: its 1-based number or its header text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Col {
    Number(usize),
    Name(String),
}

impl Default for Col {
    fn default() -> Self {
        Col::Number(1)
    }
}

/// One column or several, joined by " ".
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ColList {
    One(Col),
    Many(Vec<Col>),
}

impl ColList {
    fn cols(&self) -> Vec<&Col> {
        match self {
            ColList::One(c) => vec![c],
            ColList::Many(v) => v.iter().collect(),
        }
    }
}

fn default_encoding() -> String {
    "utf-8".into()
}
fn default_separator() -> String {
    ";".into()
}
fn yes() -> bool {
    true
}
fn default_decimal() -> String {
    ".".into()
}
fn default_sign() -> String {
    "money_in_positive".into()
}
fn default_order() -> String {
    "oldest_first".into()
}
fn default_currency() -> String {
    "EUR".into()
}

/// How text bytes become characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Latin1,
    Windows1252,
}

impl Encoding {
    fn from_name(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "iso-8859-1" | "latin-1" | "latin1" | "iso-8859-15" => Some(Encoding::Latin1),
            "windows-1252" | "cp1252" => Some(Encoding::Windows1252),
            _ => None,
        }
    }
}

/// Windows-1252's characters for bytes 0x80–0x9F (Latin-1 has control
/// codes there; undefined positions are kept as those control codes).
const CP1252_80_9F: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š',
    '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Bytes to text; a UTF-8 BOM is dropped. Invalid UTF-8 is refused with
/// its line, since a wrong `encoding` would otherwise garble names.
pub(crate) fn decode(bytes: &[u8], enc: Encoding) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match enc {
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => {
                let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
                Err(format!(
                    "line {line}: byte 0x{:02X} is not UTF-8; the file is probably windows-1252 or iso-8859-1 (set `encoding` accordingly)",
                    bytes[e.valid_up_to()]
                ))
            }
        },
        Encoding::Latin1 => Ok(bytes.iter().map(|&b| b as char).collect()),
        Encoding::Windows1252 => Ok(bytes.iter().map(|&b| if (0x80..0xA0).contains(&b) { CP1252_80_9F[(b - 0x80) as usize] } else { b as char }).collect()),
    }
}

/// A format checked and ready: regexes compiled, names resolved.
#[derive(Debug, Clone)]
struct Compiled {
    def: CsvFormat,
    detect: Regex,
    skip_rows: Option<Regex>,
    encoding: Encoding,
    separator: char,
    money_out_positive: bool,
    newest_first: bool,
}

/// Every CSV format the site knows.
#[derive(Debug, Clone, Default)]
pub struct CsvRules {
    formats: Vec<Compiled>,
}

pub fn parse_bank_csv(doc: &YamlDoc) -> Result<CsvRules, Vec<Issue>> {
    let file: RulesFile = doc.parse().map_err(|i| vec![i])?;
    let mut issues = Vec::new();
    let mut formats = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, f) in file.formats.into_iter().enumerate() {
        if let Some(first) = seen.insert(f.name.clone(), i) {
            issues.push(
                doc.issue_at(&format!("formats[{i}].name"), format!("format `{}` is listed twice (also formats[{first}]); give each a different name", f.name)),
            );
        }
        match compile(f, i, doc) {
            Ok(c) => formats.push(c),
            Err(mut e) => issues.append(&mut e),
        }
    }
    if issues.is_empty() {
        Ok(CsvRules { formats })
    } else {
        Err(issues)
    }
}

fn compile(f: CsvFormat, i: usize, doc: &YamlDoc) -> Result<Compiled, Vec<Issue>> {
    let mut issues = Vec::new();
    let at = |key: &str| format!("formats[{i}].{key}");
    let mut push = |key: &str, msg: String| issues.push(doc.issue_at(&at(key), msg));
    let name = &f.name;
    if name.trim().is_empty() || name.chars().any(char::is_whitespace) {
        push("name", format!("format name `{name}` must be a word without spaces, e.g. my-bank"));
    }
    let detect = Regex::new(&f.detect).map_err(|e| push("detect", format!("format `{name}`: `detect` is not a valid regex: {e}"))).ok();
    let skip_rows = match &f.skip_rows_matching {
        Some(r) => Regex::new(r).map(Some).unwrap_or_else(|e| {
            push("skip_rows_matching", format!("format `{name}`: `skip_rows_matching` is not a valid regex: {e}"));
            None
        }),
        None => None,
    };
    let encoding = Encoding::from_name(&f.encoding);
    if encoding.is_none() {
        push("encoding", format!("format `{name}`: unknown encoding `{}`; use utf-8, iso-8859-1 or windows-1252", f.encoding));
    }
    let separator = match f.separator.as_str() {
        "\\t" | "tab" | "\t" => Some('\t'),
        s if s.chars().count() == 1 && s != "\"" && s != "\n" && s != "\r" => s.chars().next(),
        s => {
            push("separator", format!("format `{name}`: separator `{s}` must be one character, e.g. \";\" or \",\" (or \"tab\")"));
            None
        }
    };
    if f.decimal_mark != "." && f.decimal_mark != "," {
        push("decimal_mark", format!("format `{name}`: decimal_mark `{}` must be \".\" or \",\"", f.decimal_mark));
    }
    if let Some(t) = &f.thousands_separator {
        if t == &f.decimal_mark || !matches!(t.as_str(), "" | " " | "." | "," | "'") {
            push(
                "thousands_separator",
                format!("format `{name}`: thousands_separator `{t}` must be \" \", \".\", \",\" or \"'\" and differ from decimal_mark"),
            );
        }
    }
    if let Some(problem) = date_format_problem(&f.date_format) {
        push("date_format", format!("format `{name}`: date_format `{}` {problem}", f.date_format));
    }
    let money_out_positive = match f.sign.as_str() {
        "money_in_positive" => false,
        "money_out_positive" => true,
        s => {
            push("sign", format!("format `{name}`: sign `{s}` must be money_in_positive or money_out_positive"));
            false
        }
    };
    let newest_first = match f.order.as_str() {
        "oldest_first" => false,
        "newest_first" => true,
        s => {
            push("order", format!("format `{name}`: order `{s}` must be oldest_first or newest_first"));
            false
        }
    };
    if let Some(iban) = &f.iban {
        if !valid_iban(iban) {
            push("iban", format!("format `{name}`: iban `{iban}` is not a valid IBAN (its check digits do not match); copy it again from a bank document"));
        }
    }
    if f.currency.len() != 3 || !f.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        push("currency", format!("format `{name}`: currency `{}` must be an ISO 4217 code such as EUR", f.currency));
    }
    let c = &f.columns;
    match (&c.amount, &c.debit, &c.credit) {
        (Some(_), None, None) | (None, Some(_), Some(_)) => {}
        (Some(_), _, _) => push("columns.amount", format!("format `{name}`: give either `amount` (a signed amount) or `debit` and `credit`, not both")),
        (None, None, None) => push("columns", format!("format `{name}`: no amount column: give `amount` (a signed amount) or `debit` and `credit`")),
        (None, _, _) => push("columns", format!("format `{name}`: give both `debit` and `credit` columns (or one signed `amount` column)")),
    }
    for (key, col) in named_columns(c) {
        match col {
            Col::Number(0) => push(&format!("columns.{key}"), format!("format `{name}`: column numbers start at 1 (column {key} is 0)")),
            Col::Name(n) if !f.header => push(
                &format!("columns.{key}"),
                format!("format `{name}`: column {key} is named `{n}` but `header: false` (the file has no header row to find it in); use its number"),
            ),
            Col::Name(n) if n.trim().is_empty() => push(&format!("columns.{key}"), format!("format `{name}`: column {key} has an empty name")),
            _ => {}
        }
    }
    match (detect, encoding, separator) {
        (Some(detect), Some(encoding), Some(separator)) if issues.is_empty() => {
            Ok(Compiled { def: f, detect, skip_rows, encoding, separator, money_out_positive, newest_first })
        }
        _ => Err(issues),
    }
}

/// Every column of a format with its key, for validation and header checks.
fn named_columns(c: &Columns) -> Vec<(&'static str, &Col)> {
    let mut v: Vec<(&'static str, &Col)> = vec![("date", &c.date)];
    let opt = [
        ("value_date", &c.value_date),
        ("amount", &c.amount),
        ("debit", &c.debit),
        ("credit", &c.credit),
        ("balance", &c.balance),
        ("counterparty", &c.counterparty),
        ("counterparty_iban", &c.counterparty_iban),
        ("reference", &c.reference),
        ("bank_ref", &c.bank_ref),
        ("code", &c.code),
        ("currency", &c.currency),
    ];
    v.extend(opt.into_iter().filter_map(|(k, c)| c.as_ref().map(|c| (k, c))));
    if let Some(t) = &c.text {
        v.extend(t.cols().into_iter().map(|c| ("text", c)));
    }
    v
}

/// A date format must be valid strftime and hold a day, a month and a year:
/// formatting a known date and reading it back proves both.
fn date_format_problem(fmt: &str) -> Option<String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(fmt).any(|i| matches!(i, Item::Error)) {
        return Some("is not a valid date format (strftime, e.g. %d/%m/%Y)".into());
    }
    let Some(shown) = example_date(fmt) else {
        return Some("cannot show a date (it asks for a time, such as %H); use %d, %m and %Y, e.g. %d/%m/%Y".into());
    };
    let d = NaiveDate::from_ymd_opt(2024, 1, 31).expect("valid date");
    match NaiveDate::parse_from_str(&shown, fmt) {
        Ok(back) if back == d => None,
        _ => Some(format!("does not give a whole date (31 January 2024 shows as `{shown}`); use %d, %m and %Y (or %y), e.g. %d/%m/%Y")),
    }
}

/// 31 January 2024 in `fmt`; `None` when the format needs more than a date.
fn example_date(fmt: &str) -> Option<String> {
    use std::fmt::Write;
    let mut out = String::new();
    write!(out, "{}", NaiveDate::from_ymd_opt(2024, 1, 31).expect("valid date").format(fmt)).ok()?;
    Some(out)
}

impl CsvRules {
    /// The shipped `rules/bank-csv.yaml`.
    pub fn builtin() -> CsvRules {
        let doc = YamlDoc::from_text(Path::new("rules/bank-csv.yaml"), BUILTIN_BANK_CSV_YAML);
        parse_bank_csv(&doc).expect("the builtin rules/bank-csv.yaml is valid (tested)")
    }

    /// The formats' names, in file order.
    pub fn names(&self) -> Vec<&str> {
        self.formats.iter().map(|f| f.def.name.as_str()).collect()
    }

    /// A format as written, by its index.
    pub fn format(&self, index: usize) -> Option<&CsvFormat> {
        self.formats.get(index).map(|f| &f.def)
    }

    /// The first format whose `detect` regex matches the header line (the
    /// first line after `skip`). Looks at the first 16 KB only.
    pub fn detect(&self, bytes: &[u8]) -> Option<usize> {
        let head = &bytes[..bytes.len().min(16 * 1024)];
        self.formats.iter().position(|f| {
            let text = match decode(head, f.encoding) {
                Ok(t) => t,
                // A multi-byte character cut at 16 KB: decode what is whole.
                Err(_) => match std::str::from_utf8(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)) {
                    Ok(t) => t.to_string(),
                    Err(e) => String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned(),
                },
            };
            let line = text.split('\n').skip(f.def.skip).find(|l| !l.trim().is_empty());
            line.is_some_and(|l| f.detect.is_match(l.trim_end_matches('\r')))
        })
    }

    pub fn parse(&self, index: usize, bytes: &[u8]) -> Result<Vec<Statement>, StatementError> {
        let Some(f) = self.formats.get(index) else {
            return err(format!("CSV format number {index} does not exist (there are {})", self.formats.len()));
        };
        f.parse(bytes).map_err(|e| {
            // UTF-8 read as a single-byte encoding shows as `Ã©`: say why.
            let hint = if f.encoding != Encoding::Utf8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
                format!(" (the file is UTF-8 but the format says `encoding: {}`: accents read wrong; check `encoding`)", f.def.encoding)
            } else {
                String::new()
            };
            StatementError(format!("CSV `{}`: {e}{hint}", f.def.name))
        })
    }
}

/// One CSV record and the file line it starts on.
struct Record {
    line: usize,
    raw: String,
    fields: Vec<String>,
}

/// RFC 4180 and what banks do: quoted fields may hold separators, doubled
/// quotes and line breaks; CRLF or LF; blank lines are ignored.
fn read_records(text: &str, sep: char, first_line: usize) -> Result<Vec<Record>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = first_line;
    while chars.peek().is_some() {
        let start_line = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut raw = String::new();
        let mut in_quotes = false;
        let mut quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if in_quotes {
                    return Err(format!("row {start_line}: a quoted field is never closed (a `\"` is missing); the file is cut or damaged"));
                }
                break;
            };
            if c == '\n' {
                line += 1;
            }
            if in_quotes {
                raw.push(c);
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        raw.push('"');
                        chars.next();
                        field.push('"');
                    } else {
                        in_quotes = false;
                    }
                } else {
                    field.push(c);
                }
                continue;
            }
            if c == '\n' {
                break;
            }
            if c == '\r' && chars.peek() == Some(&'\n') {
                continue;
            }
            raw.push(c);
            if c == '"' && field.trim().is_empty() && !quoted {
                field.clear();
                in_quotes = true;
                quoted = true;
            } else if c == sep {
                fields.push(std::mem::take(&mut field));
                quoted = false;
            } else {
                field.push(c);
            }
        }
        fields.push(field);
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        out.push(Record { line: start_line, raw, fields });
    }
    Ok(out)
}

/// The column indexes (0-based) of a format in one file.
struct Resolved {
    idx: HashMap<&'static str, usize>,
    text: Vec<usize>,
    width: Option<usize>,
}

impl Compiled {
    fn parse(&self, bytes: &[u8]) -> Result<Vec<Statement>, String> {
        let f = &self.def;
        let text = decode(bytes, self.encoding)?;
        // Skipped lines are physical lines: bank logos and account lines may hold stray quotes.
        let mut body = text.as_str();
        for n in 0..f.skip {
            match body.find('\n') {
                Some(i) => body = &body[i + 1..],
                None => return Err(format!("the file has {} lines but `skip: {}` expects the header after them", n + 1, f.skip)),
            }
        }
        let mut records = read_records(body, self.separator, f.skip + 1)?.into_iter();
        let resolved = if f.header {
            let Some(h) = records.next() else { return Err("the file has no header row".into()) };
            self.resolve(Some(&h))?
        } else {
            self.resolve(None)?
        };
        let mut rows = Vec::new();
        for r in records {
            if self.skip_rows.as_ref().is_some_and(|re| re.is_match(&r.raw)) {
                continue;
            }
            rows.push(self.row(&r, &resolved)?);
        }
        if rows.is_empty() {
            return Err("the file has no movement row".into());
        }
        // Chronological order: what the balance continuity is about.
        if self.newest_first {
            rows.reverse();
        }
        let (opening, closing) = self.balances(&rows)?;
        let mut currency = None;
        for r in &rows {
            if let Some(c) = &r.currency {
                match &currency {
                    None => currency = Some(c.clone()),
                    Some(first) if first != c => {
                        return Err(format!("row {}: currency {c}, but earlier rows are in {first}: one file must hold one account in one currency", r.line));
                    }
                    _ => {}
                }
            }
        }
        // Same-day movements keep the bank's order; the sort is stable.
        let mut lines: Vec<StatementLine> = rows.into_iter().map(|r| r.line_out).collect();
        lines.sort_by_key(|l| l.booking_date);
        Ok(vec![Statement {
            format: format!("csv:{}", f.name),
            id: String::new(),
            iban: f.iban.as_deref().map(compact_iban),
            account: f.account.clone(),
            currency: currency.unwrap_or_else(|| f.currency.clone()),
            opening,
            closing,
            lines,
        }])
    }

    fn resolve(&self, header: Option<&Record>) -> Result<Resolved, String> {
        let f = &self.def;
        let names: Vec<String> = header.map(|h| h.fields.iter().map(|s| s.trim().to_string()).collect()).unwrap_or_default();
        let find = |col: &Col| -> Result<usize, String> {
            match col {
                Col::Number(n) => match header {
                    Some(_) if *n > names.len() => Err(format!(
                        "the header has {} columns but column {n} is expected: it is not a `{}` file, or the bank changed its export; header is: {}",
                        names.len(),
                        f.name,
                        names.join(&self.separator.to_string())
                    )),
                    _ => Ok(n - 1),
                },
                Col::Name(want) => names.iter().position(|h| h.to_lowercase() == want.trim().to_lowercase()).ok_or_else(|| {
                    format!(
                        "the file's header has no column `{want}`: it is not a `{}` file, or the bank changed its export; header is: {}",
                        f.name,
                        names.join(&self.separator.to_string())
                    )
                }),
            }
        };
        let mut idx = HashMap::new();
        let cols = &f.columns;
        for (key, col) in named_columns(cols) {
            if key != "text" {
                idx.insert(key, find(col)?);
            }
        }
        let text = match &cols.text {
            Some(t) => t.cols().into_iter().map(find).collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(Resolved { idx, text, width: header.map(|h| h.fields.len()) })
    }

    fn row(&self, r: &Record, cols: &Resolved) -> Result<Row, String> {
        let f = &self.def;
        let need = cols.idx.values().chain(&cols.text).max().map(|m| m + 1).unwrap_or(1);
        // Some banks end data rows with a separator the header lacks: empty extra fields are harmless.
        let significant = r.fields.iter().rposition(|x| !x.trim().is_empty()).map(|p| p + 1).unwrap_or(0);
        match cols.width {
            Some(w) if r.fields.len() < w || significant > w => {
                return Err(format!(
                    "row {}: {} columns where the header has {w}; a field holding the separator `{}` must be quoted, or the row is cut",
                    r.line,
                    r.fields.len(),
                    self.separator
                ));
            }
            None if r.fields.len() < need => {
                return Err(format!("row {}: {} columns where at least {need} are expected", r.line, r.fields.len()));
            }
            _ => {}
        }
        let header_name = |key: &str| -> String {
            let col = named_columns(&f.columns).into_iter().find(|(k, _)| *k == key).map(|(_, c)| c.clone());
            match col {
                Some(Col::Name(n)) => format!("`{n}`"),
                Some(Col::Number(n)) => format!("{n} ({key})"),
                None => key.to_string(),
            }
        };
        let cell = |key: &str| -> Option<&str> { cols.idx.get(key).map(|&i| r.fields[i].trim()).filter(|s| !s.is_empty()) };
        // Quoted fields may span lines: text is shown on one line.
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let amount_in = |key: &str| -> Result<Option<Decimal>, String> {
            match cell(key) {
                None => Ok(None),
                Some(v) => self.amount(v).map(Some).ok_or_else(|| {
                    format!(
                        "row {}: column {} `{v}` is not an amount (decimal mark `{}`{})",
                        r.line,
                        header_name(key),
                        f.decimal_mark,
                        match &f.thousands_separator {
                            Some(t) if !t.is_empty() => format!(", thousands separator `{t}`"),
                            _ => String::new(),
                        }
                    )
                }),
            }
        };
        let date_in = |key: &str| -> Result<Option<NaiveDate>, String> {
            match cell(key) {
                None => Ok(None),
                Some(v) => NaiveDate::parse_from_str(v, &f.date_format).map(Some).map_err(|_| {
                    let example = example_date(&f.date_format).unwrap_or_default();
                    format!("row {}: column {} `{v}` is not a date in the format `{}` (e.g. {example})", r.line, header_name(key), f.date_format)
                }),
            }
        };
        let booking_date = date_in("date")?.ok_or_else(|| format!("row {}: column {} (the date) is empty", r.line, header_name("date")))?;
        let amount = if f.columns.amount.is_some() {
            let a = amount_in("amount")?.ok_or_else(|| format!("row {}: column {} (the amount) is empty", r.line, header_name("amount")))?;
            if self.money_out_positive {
                -a
            } else {
                a
            }
        } else {
            // A debit is money out whether the bank writes it 12,50 or -12,50.
            match (amount_in("debit")?, amount_in("credit")?) {
                (Some(d), None) => -d.abs(),
                (None, Some(c)) => c,
                (Some(d), Some(c)) if d.is_zero() => c,
                (Some(d), Some(c)) if c.is_zero() => -d.abs(),
                (Some(_), Some(_)) => {
                    return Err(format!("row {}: both {} and {} are filled; one of them must be empty", r.line, header_name("debit"), header_name("credit")));
                }
                (None, None) => {
                    return Err(format!(
                        "row {}: neither {} nor {} is filled; if it is a summary row, add it to `skip_rows_matching`",
                        r.line,
                        header_name("debit"),
                        header_name("credit")
                    ));
                }
            }
        };
        let text = one_line(&cols.text.iter().map(|&i| r.fields[i].as_str()).collect::<Vec<_>>().join(" "));
        let counterparty_iban = match cell("counterparty_iban") {
            Some(v) if valid_iban(v) => Some(compact_iban(v)),
            _ => None,
        };
        Ok(Row {
            line: r.line,
            balance: amount_in("balance")?,
            currency: cell("currency").map(|c| c.to_ascii_uppercase()),
            line_out: StatementLine {
                booking_date,
                value_date: date_in("value_date")?,
                amount,
                counterparty: cell("counterparty").map(one_line),
                counterparty_iban,
                reference: cell("reference").map(str::to_string),
                text,
                bank_ref: cell("bank_ref").map(str::to_string),
                code: cell("code").map(str::to_string),
            },
        })
    }

    /// `1 234,56`, `-12,50`, `12,50-`, `+3.00`, with the format's marks;
    /// no-break spaces count as spaces.
    fn amount(&self, v: &str) -> Option<Decimal> {
        let f = &self.def;
        let mut s: String = v.chars().filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}')).collect();
        if let Some(t) = f.thousands_separator.as_deref().filter(|t| !t.trim().is_empty()) {
            s = s.replace(t, "");
        }
        if f.decimal_mark == "," {
            s = s.replace(',', ".");
        }
        let (neg, digits) = if let Some(d) = s.strip_prefix('-') {
            (true, d.to_string())
        } else if let Some(d) = s.strip_suffix('-') {
            (true, d.to_string())
        } else {
            (false, s.strip_prefix('+').unwrap_or(&s).to_string())
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') || digits.matches('.').count() > 1 {
            return None;
        }
        let d = Decimal::from_str(&digits).ok()?;
        Some(if neg { -d } else { d })
    }

    /// Rows are in chronological order here. A balance may be missing on
    /// some rows (banks that give it once a day): continuity is checked
    /// between the rows that have one, over the amounts in between.
    fn balances(&self, rows: &[Row]) -> Result<(Option<Balance>, Option<Balance>), String> {
        if self.def.columns.balance.is_none() {
            return Ok((None, None));
        }
        let mut last: Option<(usize, Decimal, usize)> = None; // (row index, balance, file line)
        let mut opening = None;
        for (i, r) in rows.iter().enumerate() {
            let Some(bal) = r.balance else { continue };
            match last {
                None => {
                    let before: Decimal = rows[..=i].iter().map(|r| r.line_out.amount).sum();
                    opening = Some(bal - before);
                }
                Some((j, prev, prev_line)) => {
                    let moved: Decimal = rows[j + 1..=i].iter().map(|r| r.line_out.amount).sum();
                    if prev + moved != bal {
                        let what =
                            if i == j + 1 { format!("this row's amount {moved}") } else { format!("the {} amounts since then totalling {moved}", i - j) };
                        return Err(format!(
                            "row {}: the balance {bal} does not follow from row {prev_line}'s balance {prev} + {what} = {} (difference {}); the file is incomplete or altered, nothing was imported",
                            r.line,
                            prev + moved,
                            bal - prev - moved
                        ));
                    }
                }
            }
            last = Some((i, bal, r.line));
        }
        let Some((j, bal, _)) = last else { return Ok((None, None)) };
        let after: Decimal = rows[j + 1..].iter().map(|r| r.line_out.amount).sum();
        let last_date = rows.iter().map(|r| r.line_out.booking_date).max();
        Ok((opening.map(|amount| Balance { date: None, amount }), Some(Balance { date: last_date, amount: bal + after })))
    }
}

struct Row {
    line: usize,
    balance: Option<Decimal>,
    currency: Option<String>,
    line_out: StatementLine,
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
