//! invoice2data templates → marks (`rules/marks.yaml`).
//!
//! An invoice2data template (github.com/invoice2data/invoice2data, MIT) reads
//! one supplier's invoices with Python regexes, one capture group per field.
//! A mark finds its value next to a printed label instead, so each regex is
//! cut down to the literal text before its capture group, and the field name
//! says which mark it feeds (`amount` → `gross_total`, …). Whatever has no
//! mark equivalent (tables, constants, text rewriting, sums) is reported, in
//! the notes and as `# not converted:` comments, never silently dropped.
//!
//! Self-contained (std, serde_yaml, regex) so it can move between crates.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_yaml::{Mapping, Value};

/// One template converted.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// A marks file: a comment header, then the `marks:` list.
    pub yaml: String,
    /// How many marks `yaml` holds.
    pub marks: usize,
    /// Each part that could not be converted, and why. Parts converted
    /// with a caveat worth a look start with `check: `.
    pub notes: Vec<String>,
}

/// Convert one invoice2data template. Errors (not YAML, no `issuer`, no
/// `fields`) start with the file name.
pub fn convert(file_name: &str, template_yaml: &str) -> Result<Conversion, String> {
    let block = convert_block(file_name, template_yaml)?;
    let mut yaml = String::new();
    push_block_header(&mut yaml, &block, "");
    yaml.push_str(if block.marks.is_empty() { "marks: []\n" } else { "marks:\n" });
    push_marks(&mut yaml, &block);
    Ok(Conversion { yaml, marks: block.marks.len(), notes: block.notes })
}

/// Convert many templates (file name, contents) into one marks file, one
/// block per template. Notes, and files that could not be read, are
/// prefixed by their file name.
pub fn convert_dir_contents(files: &[(String, String)]) -> (String, Vec<String>) {
    let mut blocks = Vec::new();
    let mut failed = Vec::new();
    let mut notes = Vec::new();
    // The marks file allows one mark per name and supplier: the first template keeps it.
    let mut owners: HashMap<(String, String), String> = HashMap::new();
    for (file, text) in files {
        match convert_block(file, text) {
            Ok(mut block) => {
                drop_taken_marks(&mut block, &mut owners);
                notes.extend(block.notes.iter().map(|n| format!("{file}: {n}")));
                blocks.push(block);
            }
            Err(e) => {
                notes.push(e.clone());
                failed.push(e);
            }
        }
    }
    let total: usize = blocks.iter().map(|b| b.marks.len()).sum();
    let mut yaml = format!("# Marks converted from {} invoice2data template(s): {total} mark(s).\n", blocks.len());
    yaml.push_str("# A supplier-specific mark wins over the generic recognizer for its supplier: check each label on a real invoice.\n");
    for e in &failed {
        yaml.push_str(&format!("# skipped: {}\n", one_line(e)));
    }
    yaml.push_str(if total == 0 { "marks: []\n" } else { "marks:\n" });
    for block in &blocks {
        yaml.push('\n');
        push_block_header(&mut yaml, block, "  ");
        push_marks(&mut yaml, block);
    }
    (yaml, notes)
}

// ---------------------------------------------------------------------------
// One template

/// Starts a note on something converted that deserves a look, not a loss.
const CHECK: &str = "check: ";

/// A template's marks and notes, before rendering.
struct Block {
    file: String,
    issuer: String,
    /// VAT id or name written in every mark's `supplier:`.
    supplier: String,
    /// Where `supplier` comes from, for the header.
    supplier_from: String,
    marks: Vec<MarkOut>,
    notes: Vec<String>,
}

struct MarkOut {
    name: String,
    /// The invoice2data field and the regex it came from, for a comment.
    field: String,
    regex: String,
    label: String,
    kind: Kind,
    anchor: String,
    direction: Direction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Numeric,
    Alphanumeric,
    Date,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Numeric => "numeric",
            Kind::Alphanumeric => "alphanumeric",
            Kind::Date => "date",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Right,
    Below,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Right => "right",
            Direction::Below => "below",
        }
    }
}

/// The parts of a template file this module reads.
struct Template {
    issuer: String,
    keywords: Vec<String>,
    fields: Vec<(String, Value)>,
    options: Vec<(String, Value)>,
    /// Every other top-level key, reported as not converted.
    other: Vec<(String, Value)>,
}

impl Template {
    fn parse(file: &str, text: &str) -> Result<Template, String> {
        let doc: Value = serde_yaml::from_str(text).map_err(|e| format!("{file}: not YAML: {}", one_line(&e.to_string())))?;
        let Value::Mapping(top) = doc else {
            return Err(format!("{file}: not an invoice2data template: expected a mapping with `issuer`, `keywords` and `fields`"));
        };
        let (mut issuer, mut fields, mut options) = (None, None, None);
        let mut keywords = Vec::new();
        let mut other = Vec::new();
        for (k, v) in &top {
            match scalar(k).unwrap_or_default().as_str() {
                "issuer" => issuer = Some(v),
                "fields" => fields = Some(v),
                "options" => options = Some(v),
                "keywords" => keywords = strings(v),
                key => other.push((key.to_string(), v.clone())),
            }
        }
        let issuer = match issuer.map(scalar) {
            None => return Err(format!("{file}: no `issuer`: the template must name the supplier it reads")),
            Some(Some(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(_) => return Err(format!("{file}: `issuer` must be the supplier's name")),
        };
        let fields = match fields {
            None => return Err(format!("{file}: no `fields`: the template reads nothing to convert")),
            Some(Value::Mapping(m)) => entries(m),
            Some(_) => return Err(format!("{file}: `fields` must map field names to regexes")),
        };
        let options = match options {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Mapping(m)) => entries(m),
            Some(v) => {
                other.push(("options".to_string(), v.clone()));
                Vec::new()
            }
        };
        Ok(Template { issuer, keywords, fields, options, other })
    }
}

fn convert_block(file: &str, text: &str) -> Result<Block, String> {
    let t = Template::parse(file, text)?;
    let (supplier, supplier_from) = pick_supplier(&t);
    let mut block = Block { file: file.to_string(), issuer: t.issuer.clone(), supplier, supplier_from, marks: Vec::new(), notes: Vec::new() };
    let split_camel = t.options.iter().any(|(k, v)| k == "remove_whitespace" && truthy(v));
    for (key, value) in &t.fields {
        let (mark, notes) = convert_field(key, value, split_camel, &t.issuer);
        block.notes.extend(notes);
        let Some(mark) = mark else { continue };
        match block.marks.iter().find(|m| m.name == mark.name) {
            Some(first) => block.notes.push(format!("field `{key}`: mark `{}` already comes from field `{}`", mark.name, first.field)),
            None => block.marks.push(mark),
        }
    }
    block.notes.extend(t.other.iter().filter_map(|(k, v)| top_level_note(k, v)));
    block.notes.extend(option_notes(&t.options));
    Ok(block)
}

fn drop_taken_marks(block: &mut Block, owners: &mut HashMap<(String, String), String>) {
    let mut kept = Vec::new();
    for m in block.marks.drain(..) {
        let key = (m.name.clone(), block.supplier.clone());
        match owners.get(&key) {
            Some(owner) => block.notes.push(format!("field `{}`: mark `{}` for supplier {} already comes from {owner}", m.field, m.name, block.supplier)),
            None => {
                owners.insert(key, block.file.clone());
                kept.push(m);
            }
        }
    }
    block.marks = kept;
}

// ---------------------------------------------------------------------------
// Fields

/// A field's regexes and settings, whatever YAML shape it was written in.
struct FieldSpec {
    regexes: Vec<String>,
    type_hint: Option<String>,
    group: Option<String>,
    area: bool,
}

/// A field → at most one mark, and notes on what was left out.
fn convert_field(key: &str, value: &Value, split_camel: bool, issuer: &str) -> (Option<MarkOut>, Vec<String>) {
    if matches!(key, "partner_name" | "issuer") {
        return (None, vec![format!("field `{key}`: the supplier's name: suppliers are identified by rules/suppliers.yaml, not by a mark")]);
    }
    let spec = match read_field(key, value) {
        Ok(spec) => spec,
        Err(why) => return (None, vec![format!("field `{key}`: {why}")]),
    };
    // Legacy `sum_amount_tax: [regexes]` adds the matches up, like `group: sum`.
    let group = if key.starts_with("sum_") && matches!(value, Value::Sequence(_)) { Some("sum") } else { spec.group.as_deref() };
    match group {
        None | Some("first") => {}
        Some("sum") => return (None, vec![format!("field `{key}`: adds up several matches (group: sum); a mark reads one value")]),
        Some(g) => return (None, vec![format!("field `{key}`: picks among several matches (group: {g}); a mark reads the first one only")]),
    }
    let mut notes = Vec::new();
    let mut chosen = None;
    for rx in &spec.regexes {
        if chosen.is_some() {
            notes.push(format!("field `{key}`: regex `{}` not used: a mark has one anchor, taken from an earlier regex", one_line(rx)));
            continue;
        }
        match anchor_of(rx, split_camel) {
            Ok(a) => {
                notes.extend(a.caveats.iter().map(|c| format!("{CHECK}field `{key}`: {c}")));
                chosen = Some((rx.clone(), a));
            }
            Err(why) => notes.push(format!("field `{key}`: regex `{}`: {why}", one_line(rx))),
        }
    }
    let Some((regex, anchor)) = chosen else { return (None, notes) };
    let (name, kind) = target(key, spec.type_hint.as_deref(), anchor.shape);
    if spec.area {
        notes.push(format!("field `{key}`: `area` (a page region in pixels) dropped: the mark finds the value by its label"));
    }
    let mark = MarkOut { name, field: key.to_string(), regex, label: format!("{key} ({issuer})"), kind, anchor: anchor.label, direction: anchor.direction };
    (Some(mark), notes)
}

/// The regexes of a field, or why it is no regex field at all.
fn read_field(key: &str, value: &Value) -> Result<FieldSpec, String> {
    if let Some(name) = key.strip_prefix("static_") {
        return Err(constant_note(name, value));
    }
    let plain = |regexes: Vec<String>| FieldSpec { regexes, type_hint: None, group: None, area: false };
    match value {
        Value::String(s) => Ok(plain(vec![s.clone()])),
        Value::Sequence(_) => match strings(value) {
            rx if rx.is_empty() => Err("an empty list of regexes".into()),
            rx => Ok(plain(rx)),
        },
        Value::Mapping(m) => read_parser_field(key, m),
        other => Err(format!("`{}` is not a regex", brief(other))),
    }
}

/// A field written as `{parser: …, regex: …, type: …, group: …}`.
fn read_parser_field(key: &str, m: &Mapping) -> Result<FieldSpec, String> {
    let get = |k: &str| m.get(k);
    match get("parser").and_then(scalar).as_deref() {
        Some("regex") => {}
        Some("static") => return Err(constant_note(key, get("value").unwrap_or(&Value::Null))),
        Some("lines") => return Err("a table (parser: lines): marks read one value, not rows of items".into()),
        Some(p) => return Err(format!("parser `{p}` has no mark equivalent")),
        None if get("start").is_some() || get("line").is_some() => {
            return Err("a table (start/end/line): marks read one value, not rows of items".into());
        }
        None => return Err("no `parser`: invoice2data itself skips such a field".into()),
    }
    let regexes = get("regex").map(strings).unwrap_or_default();
    if regexes.is_empty() {
        return Err("parser: regex without a `regex`".into());
    }
    Ok(FieldSpec { regexes, type_hint: get("type").and_then(scalar), group: get("group").and_then(scalar), area: get("area").is_some() })
}

fn constant_note(name: &str, value: &Value) -> String {
    let why = match name {
        "currency" => "the currency is recognized generically on each invoice",
        "vat" => "a constant VAT id is the supplier's identity, not a mark (it may serve as the marks' `supplier`)",
        _ => "constants are not marks",
    };
    format!("a constant ({}), not read from the document: {why}", brief(value))
}

/// The mark an invoice2data field feeds, and its type.
fn target(field: &str, type_hint: Option<&str>, shape: Shape) -> (String, Kind) {
    let numeric_hint = matches!(type_hint, Some("float" | "int")) || shape.numeric;
    let (name, kind) = match field {
        "amount" => ("gross_total", Kind::Numeric),
        "amount_untaxed" => ("net_total", Kind::Numeric),
        "amount_tax" => ("vat_total", Kind::Numeric),
        // invoice2data's standard `vat` is the VAT id; templates also use it for the VAT amount.
        "vat" if numeric_hint => ("vat_total", Kind::Numeric),
        "vat" => ("supplier_vat_id", Kind::Alphanumeric),
        "date" => ("invoice_date", Kind::Date),
        "date_due" => ("due_date", Kind::Date),
        "invoice_number" => ("invoice_number", Kind::Alphanumeric),
        "currency" => ("currency", Kind::Alphanumeric),
        "iban" => ("iban", Kind::Alphanumeric),
        _ => {
            let name = snake_case(field);
            let kind = predefined_kind(&name).unwrap_or_else(|| custom_kind(&name, type_hint, shape));
            return (name, kind);
        }
    };
    (name.to_string(), kind)
}

/// The type a predefined field's mark must have (as rules/marks.yaml checks).
fn predefined_kind(name: &str) -> Option<Kind> {
    match name {
        "net_total" | "vat_total" | "gross_total" => Some(Kind::Numeric),
        "invoice_date" | "due_date" => Some(Kind::Date),
        "supplier_name" | "supplier_vat_id" | "supplier_siret" | "iban" | "invoice_number" | "currency" | "accounting_ref" => Some(Kind::Alphanumeric),
        _ => None,
    }
}

/// Words of a field name that say it holds a number.
const NUMBER_WORDS: [&str; 12] = ["amount", "total", "subtotal", "price", "rate", "percent", "qty", "quantity", "fee", "cost", "charge", "discount"];

/// A custom field's type: its declared type, then invoice2data's naming
/// convention (`date*`, `amount*`) and number words, then what the capture group reads.
fn custom_kind(name: &str, type_hint: Option<&str>, shape: Shape) -> Kind {
    match type_hint {
        Some("float" | "int") => return Kind::Numeric,
        Some("date") => return Kind::Date,
        _ => {}
    }
    if name.starts_with("date") || name.ends_with("date") || name.contains("_date") || name.contains("date_") {
        Kind::Date
    } else if name.split('_').any(|w| NUMBER_WORDS.contains(&w)) || shape.numeric {
        Kind::Numeric
    } else if shape.date {
        Kind::Date
    } else {
        Kind::Alphanumeric
    }
}

/// Mark names are lowercase letters, digits and underscores.
fn snake_case(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "field".into()
    } else {
        out
    }
}

// ---------------------------------------------------------------------------
// Supplier

static VAT_ID: LazyLock<Regex> = LazyLock::new(|| {
    // Compact EU (and Swiss, UK) VAT ids, as rules/suppliers.yaml spells them.
    Regex::new(concat!(
        r"^(?:FR[0-9A-HJ-NP-Z]{2}[0-9]{9}|DE[0-9]{9}|ATU[0-9]{8}|BE[01][0-9]{9}|NL[0-9]{9}B[0-9]{2}|IT[0-9]{11}",
        r"|ES[A-Z0-9][0-9]{7}[A-Z0-9]|LU[0-9]{8}|PT[0-9]{9}|PL[0-9]{10}|DK[0-9]{8}|SE[0-9]{10}01|FI[0-9]{8}",
        r"|IE[0-9][A-Z0-9+*][0-9]{5}[A-Z]{1,2}|GB[0-9]{9}(?:[0-9]{3})?|CHE[0-9]{9}|CZ[0-9]{8,10})$"
    ))
    .expect("VAT id pattern")
});

static REGEX_SPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\\s(?:[+*?]|\{\d*,?\d*\})?|\\ ").expect("space escapes"));

/// Every mark is tied to the template's supplier: a VAT id from a keyword,
/// else a constant VAT id field, else the issuer's name.
fn pick_supplier(t: &Template) -> (String, String) {
    for k in &t.keywords {
        if let Some(vat) = vat_id_in(k) {
            return (vat, format!("VAT id in keyword `{}`", one_line(k)));
        }
    }
    for (key, value) in &t.fields {
        let constant = match (key.as_str(), value) {
            ("static_vat", v) => scalar(v),
            ("vat", Value::Mapping(m)) if m.get("parser").and_then(scalar).as_deref() == Some("static") => m.get("value").and_then(scalar),
            _ => None,
        };
        if let Some(vat) = constant.as_deref().and_then(vat_id_in) {
            return (vat, format!("constant VAT id of field `{key}`"));
        }
    }
    (t.issuer.clone(), "issuer name: no keyword looks like a VAT id".into())
}

/// A VAT id written in a keyword (`FR 604 219 388 61`, `TVA: DE123456789`), compacted.
fn vat_id_in(keyword: &str) -> Option<String> {
    // Keywords are regexes: whitespace classes and escaped punctuation stand for what is printed.
    let plain = REGEX_SPACE.replace_all(keyword, " ").replace("\\.", ".").replace("\\-", "-");
    let words: Vec<String> =
        plain.split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ';' | '(' | ')' | '/')).filter(|w| !w.is_empty()).map(str::to_uppercase).collect();
    let mut best: Option<String> = None;
    for start in 0..words.len() {
        let mut compact = String::new();
        // People group the digits their own way: join up to six words.
        for w in words.iter().skip(start).take(6) {
            compact.extend(w.chars().filter(|c| !matches!(c, '.' | '-')));
            if VAT_ID.is_match(&compact) && best.as_ref().is_none_or(|b| compact.len() > b.len()) {
                best = Some(compact.clone());
            }
        }
    }
    best
}

// ---------------------------------------------------------------------------
// Other parts of the template

fn top_level_note(key: &str, value: &Value) -> Option<String> {
    let why = match key {
        "template_name" | "name" | "description" => return None,
        "exclude_keywords" => "marks apply to every invoice of their supplier; documents cannot be excluded by text",
        "required_fields" => "the daemon's own controls decide which fields an invoice needs",
        "priority" => "a supplier-specific mark always wins over the generic recognizer",
        "lines" | "tables" => "a table plugin: marks read one value, not rows",
        "types" => "column types of the `lines` plugin",
        "input_module" | "input_reader" => "the daemon reads the document's text its own way",
        "options" => "`options` must be a mapping: ignored",
        _ => "unknown key: ignored",
    };
    Some(format!("`{key}` ({}): {why}", brief(value)))
}

fn option_notes(options: &[(String, Value)]) -> Vec<String> {
    let mut notes = Vec::new();
    for (key, value) in options {
        let why = match key.as_str() {
            "currency" => "the currency is recognized generically on each invoice",
            "date_formats" => "dates are read in any printed format",
            "languages" => "month names are read in the languages the daemon knows",
            "decimal_separator" | "thousands_separator" => "amounts are read with either decimal mark",
            "remove_whitespace" if truthy(value) => {
                notes.push(format!(
                    "{CHECK}options.remove_whitespace: the daemon keeps the text's spaces: labels glued in camel case got \
                     optional spaces (GrandTotal → Grand\\s*Total), other glued labels may not match"
                ));
                continue;
            }
            "replace" if !matches!(value, Value::Null) && !strings_deep(value).is_empty() => {
                "the daemon does not rewrite the text before reading it: labels relying on a replacement may not match"
            }
            // Labels match case- and accent-insensitively already.
            "remove_whitespace" | "remove_accents" | "lowercase" | "replace" => continue,
            _ => "unknown option: ignored",
        };
        notes.push(format!("options.{key} ({}): {why}", brief(value)));
    }
    notes
}

// ---------------------------------------------------------------------------
// Regexes: the label before the capture group

/// What a field's regex gives a mark.
#[derive(Debug)]
struct Anchor {
    label: String,
    direction: Direction,
    shape: Shape,
    /// Why the label may not find the value although it converted.
    caveats: Vec<String>,
}

/// What the capture group looks like it reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Shape {
    numeric: bool,
    date: bool,
}

/// A Python regex token; `text` is its source.
#[derive(Debug, Clone)]
struct Tok {
    t: T,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum T {
    Lit(char),
    /// `\x`: the escaped character (`d` for `\d`).
    Esc(char),
    Class {
        negated: bool,
    },
    Dot,
    Open(Group),
    Close,
    Alt,
    Quant,
    /// `^` or `$`.
    Edge,
    /// `(?i)`: flags for the rest of the pattern.
    Flags,
    /// A complete group with no text of its own: `(?P=name)`, `(?#…)`.
    Opaque,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Capture,
    Plain,
    Look,
}

/// The anchor label of one invoice2data regex: the literal text before its
/// only capture group, minus the separators leading to the value.
fn anchor_of(rx: &str, split_camel: bool) -> Result<Anchor, String> {
    let toks = tokenize(rx).map_err(|e| format!("unreadable regex ({e})"))?;
    let caps: Vec<usize> = toks.iter().enumerate().filter(|(_, t)| t.t == T::Open(Group::Capture)).map(|(i, _)| i).collect();
    let first = match caps.as_slice() {
        [] => return Err("no capture group: the whole match is the value, there is no label before it".into()),
        [one] => *one,
        more => return Err(format!("{} capture groups: a field reads one value (invoice2data rejects it too)", more.len())),
    };
    let close = matching_close(&toks, first).ok_or("unbalanced parentheses")?;
    let shape = shape_of(&toks[first + 1..close]);
    let mut atoms = atoms(&lookbehinds_opened(enclosing_groups_removed(&toks[..first])?))?;
    // Separators between the label and the value go; a line break among them puts the value below.
    let mut below = false;
    while atoms.last().is_some_and(|a| is_separator(a)) {
        below |= atoms.last().is_some_and(|a| has_newline(a));
        atoms.pop();
    }
    // A label over several lines: only its last line is next to the value.
    if let Some(pos) = atoms.iter().rposition(|a| has_newline(a)) {
        atoms.drain(..=pos);
    }
    while atoms.first().is_some_and(|a| is_separator(a) || is_redundant_flags(a)) {
        atoms.remove(0);
    }
    let is_letter = |t: &Tok| matches!(t.t, T::Lit(c) if c.is_alphabetic());
    let Some(last_word) = atoms.iter().rposition(|a| a.iter().any(is_letter)) else {
        return Err("no literal label before the capture group".into());
    };
    let label = render(&atoms, split_camel);
    let mut caveats = Vec::new();
    if atoms.iter().flatten().filter(|t| is_letter(t)).count() < 3 {
        caveats.push(format!("label `{label}` is short: it may also match other text"));
    }
    // A mark reads the first value right of its label: values inside the label only match within one column.
    if atoms[last_word + 1..].iter().flatten().any(|t| t.t == T::Esc('d') || (matches!(t.t, T::Class { .. }) && t.text.contains("\\d"))) {
        caveats.push(format!("label `{label}` ends with values to skip: it only matches if they are printed in the label's column"));
    }
    let re = Regex::new(&format!("(?mi){label}"))
        .map_err(|e| format!("label `{label}` is not valid for the regex crate ({})", e.to_string().lines().last().unwrap_or("").trim()))?;
    if re.is_match("") {
        return Err(format!("label `{label}` matches empty text"));
    }
    Ok(Anchor { label, direction: if below { Direction::Below } else { Direction::Right }, shape, caveats })
}

/// Python regex syntax, token by token.
fn tokenize(rx: &str) -> Result<Vec<Tok>, String> {
    let cs: Vec<char> = rx.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let start = i;
        let t = match cs[i] {
            '\\' => {
                let c = *cs.get(i + 1).ok_or("a lone backslash at the end")?;
                i += 2;
                i = match c {
                    'x' | 'p' | 'P' | 'N' if cs.get(i) == Some(&'{') => cs[i..].iter().position(|&c| c == '}').map(|p| i + p + 1).ok_or("unclosed {")?,
                    'x' => i + 2,
                    'u' => i + 4,
                    'U' => i + 8,
                    'p' | 'P' => i + 1,
                    _ => i,
                }
                .min(cs.len());
                T::Esc(c)
            }
            '[' => {
                i = class_end(&cs, i).ok_or("unclosed [")?;
                T::Class { negated: cs.get(start + 1) == Some(&'^') }
            }
            '(' => {
                let (t, end) = group_open(&cs, i)?;
                i = end;
                t
            }
            ')' => {
                i += 1;
                T::Close
            }
            '|' => {
                i += 1;
                T::Alt
            }
            '*' | '+' | '?' => {
                i += 1;
                if matches!(cs.get(i), Some('?' | '+')) {
                    i += 1;
                }
                T::Quant
            }
            '{' if brace_quantifier(&cs, i).is_some() => {
                i = brace_quantifier(&cs, i).unwrap_or(i + 1);
                if cs.get(i) == Some(&'?') {
                    i += 1;
                }
                T::Quant
            }
            '.' => {
                i += 1;
                T::Dot
            }
            '^' | '$' => {
                i += 1;
                T::Edge
            }
            c => {
                i += 1;
                T::Lit(c)
            }
        };
        out.push(Tok { t, text: cs[start..i].iter().collect() });
    }
    Ok(out)
}

/// End (exclusive) of the character class opening at `i`.
fn class_end(cs: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if cs.get(j) == Some(&'^') {
        j += 1;
    }
    // A `]` right after `[` or `[^` is literal.
    if cs.get(j) == Some(&']') {
        j += 1;
    }
    while j < cs.len() {
        match cs[j] {
            '\\' => j += 2,
            ']' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// End (exclusive) of `{n}`, `{n,}`, `{,m}` or `{n,m}` at `i`; otherwise `{` is literal, as in Python.
fn brace_quantifier(cs: &[char], i: usize) -> Option<usize> {
    let close = i + cs[i..].iter().position(|&c| c == '}')?;
    let inner: String = cs[i + 1..close].iter().collect();
    let ok = !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == ',') && inner.matches(',').count() <= 1 && inner != ",";
    ok.then_some(close + 1)
}

/// The token for a `(` at `i`, and where it ends.
fn group_open(cs: &[char], i: usize) -> Result<(T, usize), String> {
    let at = |k: usize| cs.get(i + k).copied();
    if at(1) != Some('?') {
        return Ok((T::Open(Group::Capture), i + 1));
    }
    let until = |c: char| cs[i..].iter().position(|&x| x == c).map(|p| i + p + 1).ok_or_else(|| format!("unclosed group name, expected `{c}`"));
    match (at(2), at(3)) {
        (Some(':'), _) => Ok((T::Open(Group::Plain), i + 3)),
        (Some('P'), Some('<')) => Ok((T::Open(Group::Capture), until('>')?)),
        (Some('P'), Some('=')) | (Some('#'), _) => Ok((T::Opaque, until(')')?)),
        (Some('<'), Some('=' | '!')) => Ok((T::Open(Group::Look), i + 4)),
        (Some('<'), _) => Ok((T::Open(Group::Capture), until('>')?)),
        (Some('=' | '!'), _) => Ok((T::Open(Group::Look), i + 3)),
        (Some('>'), _) => Ok((T::Open(Group::Plain), i + 3)),
        (Some('('), _) => Err("conditional groups are not supported".into()),
        _ => {
            // Flags: `(?i)` for the rest, `(?i:…)` for a group.
            let mut j = i + 2;
            while j < cs.len() && "aiLmsux-".contains(cs[j]) {
                j += 1;
            }
            match cs.get(j) {
                Some(')') if j > i + 2 => Ok((T::Flags, j + 1)),
                Some(':') => Ok((T::Open(Group::Plain), j + 1)),
                _ => Err("unknown group syntax".into()),
            }
        }
    }
}

fn matching_close(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.t {
            T::Open(_) => depth += 1,
            T::Close => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The prefix without the openers of the groups the capture sits in:
/// `(?:Total\s+(\d+))` labels as `Total`.
fn enclosing_groups_removed(prefix: &[Tok]) -> Result<Vec<Tok>, String> {
    let mut open = Vec::new();
    for (i, t) in prefix.iter().enumerate() {
        match t.t {
            T::Open(_) => open.push(i),
            T::Close => {
                open.pop().ok_or("unbalanced parentheses")?;
            }
            _ => {}
        }
    }
    if open.iter().any(|&i| prefix[i].t != T::Open(Group::Plain)) {
        return Err("the capture group sits inside a lookaround".into());
    }
    let kept: Vec<Tok> = prefix.iter().enumerate().filter(|(i, _)| !open.contains(i)).map(|(_, t)| t.clone()).collect();
    // `A|B(\d+)` reads after B only: no single label.
    let mut depth = 0usize;
    for t in &kept {
        match t.t {
            T::Open(_) => depth += 1,
            T::Close => depth = depth.saturating_sub(1),
            T::Alt if depth == 0 => return Err("an alternative (`|`) reaches the capture group: no single label".into()),
            _ => {}
        }
    }
    Ok(kept)
}

/// `(?<=Total )(\d+)`: the lookbehind holds the label, and the regex crate has no lookbehind.
fn lookbehinds_opened(mut toks: Vec<Tok>) -> Vec<Tok> {
    while let Some(open) = toks.iter().position(|t| t.t == T::Open(Group::Look) && t.text == "(?<=") {
        let Some(close) = matching_close(&toks, open) else { break };
        toks.remove(close);
        toks.remove(open);
    }
    toks
}

/// Tokens grouped into atoms (a character, class, escape or whole group) with their quantifiers.
fn atoms(toks: &[Tok]) -> Result<Vec<Vec<Tok>>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut end = match toks[i].t {
            T::Open(_) => matching_close(toks, i).ok_or("unbalanced parentheses")? + 1,
            T::Close => return Err("unbalanced parentheses".into()),
            _ => i + 1,
        };
        while toks.get(end).is_some_and(|t| t.t == T::Quant) {
            end += 1;
        }
        out.push(toks[i..end].to_vec());
        i = end;
    }
    Ok(out)
}

/// Text between a label and its value: spaces, colons, currency signs (the
/// amount reader takes them), "anything", zero-width checks.
fn is_separator(atom: &[Tok]) -> bool {
    let Some(first) = atom.first() else { return true };
    let quantified = atom.last().is_some_and(|t| t.t == T::Quant);
    match first.t {
        T::Lit(c) => is_blank(c),
        T::Esc(c) => is_blank(c) || matches!(c, 's' | 't' | 'n' | 'r' | 'W' | 'b' | 'B' | 'A' | 'Z' | 'z'),
        T::Dot | T::Edge | T::Open(Group::Look) => true,
        T::Class { negated: true } => quantified,
        T::Class { negated: false } => class_is_blank(&first.text),
        T::Open(Group::Plain) => {
            let inner_end = atom.iter().rposition(|t| t.t == T::Close).unwrap_or(0);
            match atoms(atom.get(1..inner_end).unwrap_or(&[])) {
                Ok(inner) => !inner.is_empty() && inner.iter().all(|a| a.first().is_some_and(|t| t.t == T::Alt) || is_separator(a)),
                Err(_) => false,
            }
        }
        _ => false,
    }
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, ':' | '€' | '$' | '£' | '¥')
}

/// `[\s:]`, `[$€]`-like classes: only what `is_blank` accepts.
fn class_is_blank(text: &str) -> bool {
    let inner = text.trim_start_matches('[').trim_end_matches(']');
    let mut chars = inner.chars();
    let mut any = false;
    while let Some(c) = chars.next() {
        let ok = match c {
            '\\' => chars.next().is_some_and(|e| is_blank(e) || matches!(e, 's' | 't' | 'n' | 'r')),
            c => is_blank(c),
        };
        if !ok {
            return false;
        }
        any = true;
    }
    any
}

fn has_newline(atom: &[Tok]) -> bool {
    atom.iter().any(|t| match t.t {
        T::Esc(c) => c == 'n' || c == 'r',
        T::Lit(c) => c == '\n' || c == '\r',
        T::Class { negated: false } => t.text.contains("\\n") || t.text.contains('\n'),
        _ => false,
    })
}

/// Flags the anchor already has (case-insensitive, multi-line) or that do not matter in one phrase.
fn is_redundant_flags(atom: &[Tok]) -> bool {
    atom.first().is_some_and(|t| t.t == T::Flags && t.text[2..t.text.len() - 1].chars().all(|c| "imsu".contains(c)))
}

/// The label's source; `split_camel` lets words glued by `remove_whitespace` be spaced again.
fn render(atoms: &[Vec<Tok>], split_camel: bool) -> String {
    let mut out = String::new();
    let mut prev: Option<T> = None;
    for t in atoms.iter().flatten() {
        if let (true, Some(T::Lit(a)), T::Lit(b)) = (split_camel, prev, t.t) {
            if a.is_lowercase() && b.is_uppercase() {
                out.push_str("\\s*");
            }
        }
        out.push_str(&t.text);
        prev = Some(t.t);
    }
    out
}

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{(?:2,)?4\}|\{4,\}").expect("year pattern"));

/// Whether a capture group reads a date (a 4-digit year, or three numbers
/// joined by two `/` or `-`) or an amount (digits with a decimal mark). Bare digits
/// stay alphanumeric: they are usually references, not amounts.
fn shape_of(toks: &[Tok]) -> Shape {
    let text: String = toks.iter().map(|t| t.text.as_str()).collect();
    let digits = toks
        .iter()
        .filter(|t| t.t == T::Esc('d') || (matches!(t.t, T::Class { negated: false }) && (t.text.contains("\\d") || t.text.contains("0-9"))))
        .count();
    let dashes = toks.iter().filter(|t| matches!(t.t, T::Lit('/' | '-') | T::Esc('/' | '-'))).count();
    let date = digits >= 2 && (YEAR.is_match(&text) || (digits >= 3 && dashes >= 2));
    let number_only = toks.iter().all(|t| match t.t {
        T::Esc(c) => matches!(c, 'd' | 's' | '.' | ',' | '\'' | ' ' | '-'),
        T::Lit(c) => c.is_ascii_digit() || matches!(c, '.' | ',' | '\'' | ' ' | '-'),
        T::Class { negated: false } => class_is_numeric(&t.text),
        T::Dot | T::Quant | T::Alt | T::Close | T::Open(Group::Plain) => true,
        _ => false,
    });
    let decimal_mark = toks.iter().any(|t| {
        matches!(t.t, T::Dot | T::Lit('.' | ',') | T::Esc('.' | ','))
            || (matches!(t.t, T::Class { negated: false }) && (t.text.contains('.') || t.text.contains(',')))
    });
    Shape { date, numeric: !date && digits >= 1 && number_only && decimal_mark }
}

/// `[\d.,]`-like classes: digits and number separators only.
fn class_is_numeric(text: &str) -> bool {
    let inner = text.trim_start_matches('[').trim_end_matches(']');
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\\' => matches!(chars.next(), Some('d' | 's' | '.' | ',' | '\'' | ' ' | '-')),
            c => c.is_ascii_digit() || matches!(c, ' ' | '.' | ',' | '\'' | '-'),
        };
        if !ok {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------
// Output

fn push_block_header(out: &mut String, b: &Block, indent: &str) {
    out.push_str(&format!("{indent}# From the invoice2data template {} (issuer: {}).\n", one_line(&b.file), one_line(&b.issuer)));
    out.push_str(&format!("{indent}# Supplier: {} ({}).\n", one_line(&b.supplier), one_line(&b.supplier_from)));
    for n in &b.notes {
        match n.strip_prefix(CHECK) {
            Some(check) => out.push_str(&format!("{indent}# check: {}\n", one_line(check))),
            None => out.push_str(&format!("{indent}# not converted: {}\n", one_line(n))),
        }
    }
}

fn push_marks(out: &mut String, b: &Block) {
    for m in &b.marks {
        out.push_str(&format!("  # {}: {}\n", one_line(&m.field), one_line(&m.regex)));
        out.push_str(&format!("  - name: {}\n", m.name));
        out.push_str(&format!("    label: {}\n", quote(&m.label)));
        out.push_str(&format!("    type: {}\n", m.kind.as_str()));
        out.push_str(&format!("    supplier: {}\n", quote(&b.supplier)));
        out.push_str(&format!("    anchor: {{label: {}, direction: {}}}\n", quote(&m.anchor), m.direction.as_str()));
    }
}

/// A YAML single-quoted scalar: `'` is doubled; line breaks would fold into
/// spaces anyway, so control characters become spaces.
fn quote(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!("'{}'", clean.replace('\'', "''"))
}

/// Text for a comment or a note: one line, line breaks shown as `\n`.
fn one_line(s: &str) -> String {
    s.replace("\r\n", "\\n").replace(['\n', '\r'], "\\n").chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

// ---------------------------------------------------------------------------
// YAML values

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(&t.value),
        _ => None,
    }
}

/// A scalar or a list of scalars.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

/// Every scalar, however nested (`replace: [[a, b]]`).
fn strings_deep(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(items) => items.iter().flat_map(strings_deep).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

fn entries(m: &Mapping) -> Vec<(String, Value)> {
    m.iter().map(|(k, v)| (scalar(k).unwrap_or_default(), v.clone())).collect()
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.to_ascii_lowercase().as_str(), "true" | "yes" | "on"),
        _ => false,
    }
}

/// A value shown in a note, kept short.
fn brief(v: &Value) -> String {
    let s = match v {
        Value::Sequence(items) => format!("[{}]", items.iter().map(brief).collect::<Vec<_>>().join(", ")),
        Value::Mapping(m) => format!("{{{}}}", m.iter().map(|(k, _)| scalar(k).unwrap_or_default()).collect::<Vec<_>>().join(", ")),
        Value::Null => "empty".into(),
        other => scalar(other).unwrap_or_default(),
    };
    let s = one_line(&s);
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(79).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// The shape rules/marks.yaml accepts, as far as this converter writes it.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MarksFile {
        marks: Vec<MarkFile>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MarkFile {
        name: String,
        label: String,
        #[serde(rename = "type")]
        kind: String,
        supplier: String,
        anchor: AnchorFile,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct AnchorFile {
        label: String,
        direction: String,
    }

    /// Parse a converted file and check what rules/marks.yaml would reject.
    fn marks_of(yaml: &str) -> Vec<MarkFile> {
        // The project's own marks parser takes it as it is.
        let doc = crate::config::YamlDoc::from_text(std::path::Path::new("marks-invoice2data.yaml"), yaml);
        if let Err(issues) = crate::recognize::parse_marks(&doc) {
            panic!("rules/marks.yaml's parser refuses it: {}\n{yaml}", issues.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("\n"));
        }
        let file: MarksFile = serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("not a marks file: {e}\n{yaml}"));
        let mut seen = std::collections::HashSet::new();
        for m in &file.marks {
            assert!(!m.name.is_empty() && m.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "bad name {}", m.name);
            assert!(seen.insert((m.name.clone(), m.supplier.clone())), "{} twice for {}", m.name, m.supplier);
            assert!(["numeric", "alphanumeric", "date"].contains(&m.kind.as_str()), "type {}", m.kind);
            if let Some(k) = predefined_kind(&m.name) {
                assert_eq!(k.as_str(), m.kind, "type of {}", m.name);
            }
            assert!(["right", "below"].contains(&m.anchor.direction.as_str()));
            assert!(!m.label.is_empty() && !m.supplier.is_empty());
            Regex::new(&format!("(?mi){}", m.anchor.label)).unwrap_or_else(|e| panic!("anchor `{}`: {e}", m.anchor.label));
        }
        file.marks
    }

    fn mark<'a>(marks: &'a [MarkFile], name: &str) -> &'a MarkFile {
        marks.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("no mark {name} in {marks:?}"))
    }

    fn has_note(notes: &[String], part: &str) -> bool {
        notes.iter().any(|n| n.contains(part))
    }

    const FREE_MOBILE_LIKE: &str = r#"
issuer: Free Mobile
keywords:
  - FR 604 219 388 661
  - Free Mobile
exclude_keywords: [Free Telecom]
fields:
  amount: Total de la facture\s+(\d+.\d{2})
  amount_untaxed: Total HT\s+(\d+.\d{2})
  date: Date de facture\s+:\s+(\d{1,2}/\d{1,2}/\d{4})
  invoice_number: Facture no\s+(\w+)
  static_vat: FR60421938861   # static_* fields are constants
  vat: { parser: regex, regex: 'TVA 20%\s+(\d+.\d{2})', type: float }
  lines: { start: 'Désignation', end: 'Total HT', line: '(?P<description>.+)\s+(?P<price>\d+.\d{2})' }
options:
  currency: EUR
  date_formats: ['%d/%m/%Y']
  decimal_separator: ','
  remove_whitespace: false
  remove_accents: false
  lowercase: false
  replace: [['e', 'a']]
  languages: [fr]
required_fields: [amount, date, invoice_number]
"#;

    #[test]
    fn free_mobile_like_template() {
        let c = convert("fr.free.mobile.yml", FREE_MOBILE_LIKE).unwrap();
        let marks = marks_of(&c.yaml);
        assert_eq!(c.marks, 5, "{}", c.yaml);
        assert_eq!(marks.len(), 5);
        let expect = [
            ("gross_total", "numeric", "Total de la facture"),
            ("net_total", "numeric", "Total HT"),
            ("invoice_date", "date", "Date de facture"),
            ("invoice_number", "alphanumeric", "Facture no"),
            ("vat_total", "numeric", "TVA 20%"),
        ];
        for (name, kind, label) in expect {
            let m = mark(&marks, name);
            assert_eq!((m.kind.as_str(), m.anchor.label.as_str(), m.anchor.direction.as_str()), (kind, label, "right"), "{name}");
            // The keyword has 12 digits, no VAT id: the constant VAT id names the supplier.
            assert_eq!(m.supplier, "FR60421938861");
        }
        for part in ["`static_vat`", "`lines`", "`exclude_keywords`", "options.replace", "`required_fields`", "options.currency"] {
            assert!(has_note(&c.notes, part), "no note on {part}: {:#?}", c.notes);
        }
        // Options that change nothing for marks are not reported.
        assert!(!has_note(&c.notes, "remove_accents") && !has_note(&c.notes, "remove_whitespace"));
        // Every note is in the file too.
        assert!(c.yaml.starts_with("# From the invoice2data template fr.free.mobile.yml (issuer: Free Mobile)."));
        assert_eq!(c.yaml.matches("# not converted: ").count() + c.yaml.matches("# check: ").count(), c.notes.len());
    }

    #[test]
    fn list_of_regexes_uses_the_first_convertible_one() {
        let t = r#"
issuer: Exemple SARL
keywords: [Exemple]
fields:
  amount:
    parser: regex
    regex:
      - '(\d+,\d{2}) EUR TTC'
      - 'Montant TTC\s*:\s*(\d+,\d{2})'
      - 'Total TTC\s+(\d+,\d{2})'
    type: float
  advance:
    parser: regex
    regex: ['Acompte\s+(\d+,\d{2})', 'Déjà payé\s+(\d+,\d{2})']
    type: float
    group: sum
"#;
        let c = convert("exemple.yml", t).unwrap();
        let marks = marks_of(&c.yaml);
        assert_eq!(marks.len(), 1);
        assert_eq!(mark(&marks, "gross_total").anchor.label, "Montant TTC");
        assert!(has_note(&c.notes, "no literal label before the capture group"), "{:#?}", c.notes);
        assert!(has_note(&c.notes, r"regex `Total TTC\s+(\d+,\d{2})` not used"), "{:#?}", c.notes);
        assert!(has_note(&c.notes, "field `advance`: adds up several matches (group: sum)"), "{:#?}", c.notes);
        // Supplier by name when no keyword is a VAT id.
        assert_eq!(marks[0].supplier, "Exemple SARL");
    }

    #[test]
    fn errors_name_the_file() {
        let e = convert("no-issuer.yml", "keywords: [X]\nfields:\n  amount: Total\\s+(\\d+,\\d{2})\n").unwrap_err();
        assert!(e.starts_with("no-issuer.yml: no `issuer`"), "{e}");
        let e = convert("no-fields.yml", "issuer: X\nkeywords: [X]\n").unwrap_err();
        assert!(e.starts_with("no-fields.yml: no `fields`"), "{e}");
        let e = convert("broken.yml", "issuer: [unclosed\n").unwrap_err();
        assert!(e.starts_with("broken.yml: not YAML"), "{e}");
        let e = convert("list.yml", "- a\n- b\n").unwrap_err();
        assert!(e.starts_with("list.yml: not an invoice2data template"), "{e}");
        let e = convert("empty.yml", "").unwrap_err();
        assert!(e.starts_with("empty.yml:"), "{e}");
    }

    #[test]
    fn supplier_from_a_vat_looking_keyword() {
        assert_eq!(vat_id_in("FR 604 219 388 61").as_deref(), Some("FR60421938861"));
        assert_eq!(vat_id_in(r"FR\s*25499247138").as_deref(), Some("FR25499247138"));
        assert_eq!(vat_id_in("USt-IdNr.: DE 123 456 789").as_deref(), Some("DE123456789"));
        assert_eq!(vat_id_in("BE0893031290").as_deref(), Some("BE0893031290"));
        assert_eq!(vat_id_in("FR 604 219 388 661"), None, "12 digits");
        assert_eq!(vat_id_in("Facture"), None);
        let t = "issuer: Eau\nkeywords: [Facture, 'FR 41 799 365 887']\nfields:\n  amount: Total TTC\\s+(\\d+,\\d{2})\n";
        let c = convert("eau.yml", t).unwrap();
        assert_eq!(marks_of(&c.yaml)[0].supplier, "FR41799365887");
        assert!(c.yaml.contains("# Supplier: FR41799365887 (VAT id in keyword `FR 41 799 365 887`)."), "{}", c.yaml);
    }

    #[test]
    fn labels_from_regexes() {
        let ok = |rx: &str| anchor_of(rx, false).unwrap_or_else(|e| panic!("{rx}: {e}"));
        let cases = [
            (r"Total de la facture\s+(\d+.\d{2})", "Total de la facture", Direction::Right),
            (r"Date\s*:\s*(\d{2}/\d{2}/\d{4})", "Date", Direction::Right),
            (r"\spayer TTC\*\s+(\d+.\d{2})", r"payer TTC\*", Direction::Right),
            (r"Facture\s+.+(FR\w+)", "Facture", Direction::Right),
            (r"Facture no \d+ du (\d+ .+ \d{4})", r"Facture no \d+ du", Direction::Right),
            (r"(?:Factuur-|Document−)nr\.\s+(\d+)", r"(?:Factuur-|Document−)nr\.", Direction::Right),
            (r"(?:Montant\s+(\d+,\d{2}))", "Montant", Direction::Right),
            (r"^Invoice No[:.]?\s*(\S+)", "Invoice No[:.]?", Direction::Right),
            (r"Rechnungsnummer\s*\n\s*(\d+)", "Rechnungsnummer", Direction::Below),
            (r"Kunde\nRechnung Nr\.\s+(\d+)", r"Rechnung Nr\.", Direction::Right),
            (r"(?i)total\s*[:\s]\s*(\d+,\d{2})", "total", Direction::Right),
            (r"Net(?:\s*:)?\s*(?P<net>\d+,\d{2})", "Net", Direction::Right),
        ];
        for (rx, label, direction) in cases {
            let a = ok(rx);
            assert_eq!((a.label.as_str(), a.direction), (label, direction), "{rx}");
        }
        let err = |rx: &str| anchor_of(rx, false).expect_err(rx);
        assert!(err(r"(\d+,\d{2}) EUR").contains("no literal label"));
        assert!(err(r"Total\s+(\d+),(\d{2})").contains("2 capture groups"));
        assert!(err(r"421 938 861").contains("no capture group"));
        assert!(err(r"Foo|Total\s+(\d+)").contains("alternative"));
        assert!(err(r"(?<=Total (\d+))").contains("lookaround"));
        assert_eq!(ok(r"(?<=Total )(\d+)").label, "Total");
        assert_eq!(ok(r"Total(?=\s)\s+(\d+)").label, "Total");
        assert!(err(r"\d+\s+(\d+)").contains("no literal label"));
        assert!(err(r"Total (\d+").contains("unbalanced") || err(r"Total (\d+").contains("unreadable"));
        // Glued words of `remove_whitespace` templates get optional spaces.
        assert_eq!(anchor_of(r"GrandTotal(\d+\.\d+)HKD", true).unwrap().label, r"Grand\s*Total");
    }

    #[test]
    fn capture_shapes_give_custom_mark_types() {
        let kind = |field: &str, rx: &str| {
            let a = anchor_of(rx, false).unwrap();
            target(field, None, a.shape)
        };
        assert_eq!(kind("amount_shipping", r"Porto\s+(\d+)"), ("amount_shipping".into(), Kind::Numeric));
        assert_eq!(kind("Shipping Cost", r"Porto\s+(\d+,\d{2})"), ("shipping_cost".into(), Kind::Numeric));
        assert_eq!(kind("period", r"Période\s+(\d{2}/\d{2}/\d{4})"), ("period".into(), Kind::Date));
        assert_eq!(kind("date_start", r"du\s+(\w+)"), ("date_start".into(), Kind::Date));
        assert_eq!(kind("order", r"Commande\s+(\d+)"), ("order".into(), Kind::Alphanumeric));
        assert_eq!(kind("vat", r"TVA\s+(FR\w+)"), ("supplier_vat_id".into(), Kind::Alphanumeric));
        assert_eq!(kind("vat", r"TVA\s+([\d ]+,\d{2})"), ("vat_total".into(), Kind::Numeric));
        assert_eq!(kind("date_due", r"Echéance\s+(.+)"), ("due_date".into(), Kind::Date));
        assert_eq!(kind("credit", r"Avoir\s+(-?\d{1,3}(?:\.\d{3})*,\d{2})"), ("credit".into(), Kind::Numeric));
        assert_eq!(kind("deposit", r"Caution\s+(\d{1,4},\d{2})"), ("deposit".into(), Kind::Numeric));
        assert_eq!(kind("shipped", r"Versand\s+(\d{2}-\d{2}-\d{2})"), ("shipped".into(), Kind::Date));
        assert_eq!(kind("vat_rate", r"IVA\s+(\d+)%"), ("vat_rate".into(), Kind::Numeric));
    }

    #[test]
    fn yaml_strings_are_quoted_safely() {
        assert_eq!(quote("Date d'émission"), "'Date d''émission'");
        assert_eq!(quote("a\nb"), "'a b'");
        let t = "issuer: \"L'Atelier: #1\"\nkeywords: []\nfields:\n  date: Date d'émission\\s+:\\s+(\\d{1,2}\\/\\d{1,2}\\/\\d{4})\n";
        let c = convert("q.yml", t).unwrap();
        let marks = marks_of(&c.yaml);
        assert_eq!(marks[0].anchor.label, "Date d'émission");
        assert_eq!(marks[0].supplier, "L'Atelier: #1");
        assert_eq!(marks[0].label, "date (L'Atelier: #1)");
    }

    #[test]
    fn legacy_sum_prefix_and_other_groups_are_noted() {
        let t = r#"
issuer: X
keywords: [X]
fields:
  sum_amount_tax:
    - VAT\s+10%\s+(\d+,\d{2})
    - VAT\s+20%\s+(\d+,\d{2})
  amount: {parser: regex, regex: 'Total\s+(\d+,\d{2})', group: last}
  invoice_number: {parser: regex, regex: 'Invoice\s+(\w+)', group: first, area: {f: 1, l: 1, x: 1, y: 1, r: 300, W: 10, H: 10}}
  partner_name: Customer\s+(\w+)
  static_currency: EUR
  note: {parser: static, value: hello}
  odd: {parser: camelot}
"#;
        let c = convert("x.yml", t).unwrap();
        let marks = marks_of(&c.yaml);
        assert_eq!(marks.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["invoice_number"]);
        for part in [
            "field `sum_amount_tax`: adds up several matches",
            "field `amount`: picks among several matches (group: last)",
            "field `invoice_number`: `area`",
            "field `partner_name`: the supplier's name",
            "field `static_currency`: a constant (EUR)",
            "field `note`: a constant (hello)",
            "field `odd`: parser `camelot`",
        ] {
            assert!(has_note(&c.notes, part), "no note {part}: {:#?}", c.notes);
        }
    }

    #[test]
    fn a_second_field_for_the_same_mark_is_noted() {
        let t = "issuer: X\nkeywords: [X]\nfields:\n  amount_tax: TVA\\s+(\\d+,\\d{2})\n  vat: {parser: regex, regex: 'VAT\\s+(\\d+,\\d{2})', type: float}\n";
        let c = convert("x.yml", t).unwrap();
        assert_eq!(marks_of(&c.yaml).len(), 1);
        assert!(has_note(&c.notes, "field `vat`: mark `vat_total` already comes from field `amount_tax`"), "{:#?}", c.notes);
    }

    #[test]
    fn nothing_convertible_still_gives_a_marks_file() {
        let c = convert("s.yml", "issuer: S\nkeywords: [S]\nfields:\n  static_vat: FR60421938861\n").unwrap();
        assert_eq!(c.marks, 0);
        assert!(marks_of(&c.yaml).is_empty());
        assert!(c.yaml.contains("marks: []"));
    }

    // Real templates from invoice2data (MIT), src/invoice2data/extract/templates/.
    const FR_FREE_MOBILE: &str = r#"issuer: Free Mobile
fields:
  amount: \spayer TTC\*\s+(\d+.\d{2})
  amount_untaxed: Total de la facture HT\s+(\d+.\d{2})
  date: Facture no \d+ du (\d+ .+ \d{4})
  invoice_number: Facture no (\d+)
  static_vat: FR25499247138
keywords:
  - FR25499247138
  - Facture
options:
  currency: EUR
  date_formats:
    - "%d %B %Y"
  languages:
    - fr
  decimal_separator: "."
  replace:
    - ["e´ ", "é"]
"#;

    const FR_FREE_ADSL: &str = r#"issuer: Free
fields:
  amount: Total facture\s+\d+.\d{2}\s+\d+.\d{2}\s+(\d+.\d{2})
  amount_untaxed: Total facture\s+(\d+.\d{2})
  date: Facture n°\d+ du (\d+ .+ \d{4})
  date_due: Date limite de paiement le (\d+ .+ \d{4})
  invoice_number: Facture n°(\d+)
  static_vat: FR60421938861
  date_start: (\d{1,2}\w*\s\w+\s\d{4})\sau
  date_end: au\s(\d{2}\s\w+\s\d{4})\s+
  siren: 421 938 861
keywords:
  - FR 604 219 388 61
  - Facture
  - EUR
tables:
  - start: Numéro de ligne\s+Id\.client\s+Adresse de l’installation
    end: Facture n°
    body: (?P<line_number>\w+)\s+(?P<client_id>\d+)\s+[\w ]+
options:
  currency: EUR
  date_formats:
      - '%d %B %Y'
  languages:
    - fr
  decimal_separator: '.'
  replace:
    # We have to rewrite the start and end date for datepasrser to handle it.
    - ['\sdu\s(?P<from>\d{1,2}\w*)(?P<separator>\sau\s\d{2})(?P<month_year>\s\w+\s\d{4})\s+', ' du \g<from>\g<month_year>\g<separator>\g<month_year> ']
"#;

    const FR_OVH: &str = r#"issuer: OVH.com
fields:
  amount: Total\s+TTC\s+([\d ]+,\d{2})
  amount_untaxed: Total de la facture HT\s+([\d ]+,\d{2})
  date: Date d'émission\s+:\s+(\d{1,2}\/\d{1,2}\/\d{4})
  invoice_number: Facture\s+.+(FR\w+)
  static_vat: FR22424761419
keywords:
  - FR22424761419
  - Facture
options:
  currency: EUR
  date_formats:
    - "%d %B %Y"
  languages:
    - fr
  decimal_separator: ","
"#;

    const DE_HOSTEUROPE: &str = r#"issuer: Host Europe GmbH
fields:
  amount: EndpreisBrutto(\d{1,10},\d{2})
  date: Datum(\d{2}.\d{2}.\d{4})
  invoice_number: Rechnung(AR-\d{1,12})
  static_payment: directdebit
keywords:
 - HostEuropeGmbH
 - Rechnung
options:
  remove_whitespace: true
  date_formats:
    - '%d.%m.%Y'
  decimal_separator: ','
"#;

    const BE_ALTERNATE: &str = r#"issuer: Alternate
fields:
  date: (?:Factuur-|Document−)nr\.\s+\d+ \/ (\d{1,2}\.\d{1,2}\.\d{4})
  invoice_number:  (?:Factuur-|Document−)nr\.\s+(\d+)
  amount: (?:Factuureindbedrag in|Totaalbedrag) EUR\s+(\d+,\d+)
  amount_untaxed: Netto−som\s+(\d+,\d+)
  amount_shipping: Vracht\/Porto\s+(\d+,\d+)
  static_vat: BE0893031290
keywords:
  - BE0893031290
lines:
  start: Artikel[-−]nr\.\s+Beschrijving\s+Aantal\s+Prijs in EUR\s+Totaalprijs\s+BTW
  end: Netto-Som|Vracht
  first_line: |-
    (?P<code>[A-Z0-9#]+)\s+
    ?(?P<description>[ -~−]+( [ -~−]+)*)\s+
    ?(?P<qty>\d+)\s+
    ?(?P<price_unit>\d+,\d+)\s+
    ?(?P<amount>\d+,\d+)\s+
    ?(?P<vat_category>[A-Z])
  line: ^ {5,}(?P<description>[a-zA-Z0-9\.\/\-\<\>:\+,]+( [a-zA-Z0-9\.\/\-\<\>\+:,]+)*)
  last_line: (SN. 1 x|S/N:) (?P<serial_number>[A-Z0-9,]+)
options:
  remove_whitespace: false
  decimal_separator: ','
  date_formats:
    - '%d.%m.%Y'
types:
  invoice_number: float
  item_amount: float
  item_price_excl_vat: float
  item_unit_price: float
"#;

    const COM_HETZNER: &str = r#"issuer: Hetzner Online GmbH
fields:
  amount:
    parser: regex
    regex: \s+Amount due[:]\s+[€]\s(\d+[.]\d+)
    type: float
  amount_tax:
    parser: regex
    regex: Total\s+[€]\s\d+[.]\d+\s+[€]\s(\d+[.]\d+)
    type: float
  amount_untaxed:
    parser: regex
    regex: \s+Subtotal [(]excl. VAT[)]\s+[$€]\s(d*[.,]?\d+[,.]\d+)
    type: float
  invoice_number:
    parser: regex
    regex: Invoice no\.[:] (\w+)
  partner_website:
    parser: static
    value: hetzner.com
  partner_email:
    parser: static
    value: info@hetzner.com
  partner_name:
    parser: regex
    regex: Hetzner Online GmbH
  partner_city:
    parser: regex
    regex: Gunzenhausen
  country_code:
    parser: static
    value: DE
  partner_zip:
    parser: regex
    regex: '(\d{5}) Gunzenhausen'
  partner_street:
    parser: regex
    regex: 'Industriestr. \d+'
  currency_symbol:
    parser: regex
    regex: "[$€]"
  date:
    parser: regex
    regex: Invoice date[:] (\d+.\d{2}.\d{4})
    type: date
  vat:
    parser: regex
    regex: 'VAT Reg\. No\.[:] (DE8\w+)'
  bic:
    parser: regex
    regex: 'BIC.\s+(\w{8,11})'
  iban:
    parser: regex
    regex: '[A-Z]{2}\d{2}?\s?\w{4}?\s?\d{4}?\s?\d{4}?\s?\d{4}?\s?\d{0,2}' # mod version do not copy
  lines:
    parser: lines
    start: 'Pos\s+'
    end: "Subtotal"
    first_line:
      - '(?P<sectionheader>\w+(?:\s\S+)+\s+[(]\d{2}.\d{2}.\d{4}\s-\s\d{2}.\d{2}.\d{4}[)])\s[*]'
      - '\d+\s+(?P<name>\w+(?:\s\w+)+)\s+(?P<qty>\d+)\s+[$€]\s(?P<price_unit>\d+.\d+)\s+[$€]\s(?P<price_subtotal>\d+.\d+)'
    line:
      - (?P<date_start>\d{2}.\d{2}.\d{4})\s-\s(?P<date_end>\d{2}.\d{2}.\d{4})
      - Quantity type[:]\s(?P<uom>\w+)
    types:
      qty: float
      price_unit: float
      price_subtotal: float
      date_start: date
      date_end: date
  tax_lines:
    parser: lines
    start: "Tax code"
    end: "(?i)Amount due"
    line:
      - '(?P<line_tax_code>\d+)\s+(?P<line_tax_percent>\d+[,.]?\d*)[%]\s+[$€]\s(?P<price_subtotal>(\d*[.,]?\d+[,.]\d+))\s+[$€]\s(?P<line_tax_amount>(\d*[.,]?\d+[,.]\d+))'
    types:
      line_tax_percent: float
      price_subtotal: float
      line_tax_amount: float
keywords:
  - "Hetzner Online"
  - "DE812871812"
  - "Invoice"
required_fields:
  - lines
options:
  languages:
    - en
  currency: EUR
"#;

    const ES_AMAZON: &str = r#"issuer: amazon.es
fields:
  amount: Total\s+(\d+,\d{2})\s€\s+IVA
  amount_untaxed: \(IVA\s+excluido\)\s+\d+%\s+(\d+,\d{2})\s€
  date: Fecha\s+de\s+la\s+entrega\s+(\d+\s+[A-z]+\s+\d+)\s+
  invoice_number: Número\s+de\s+la\s+factura\s+([A-Z0-9\-]+)
  vat: Vendido\s+por\s+.+\s+IVA\s+([A-Z0-9]+)
  vat_rate: \(IVA\s+excluido\)\s+(\d+)%
  partner_name: Vendido\s+por\s+(.+)\s+IVA\s+[A-Z0-9]+
keywords:
  - LU20260743
  - €
  - factura
options:
  currency: EUR
  date_formats:
    - '%d %B %Y'
  decimal_separator: ','
"#;

    // A JSON template: JSON is YAML too.
    const COM_FLIPKART_JSON: &str = r#"{
  "issuer": "Flipkart",
  "fields": {
    "amount": "GrandTotal(\\d+\\.\\d+)",
    "date": "InvoiceDate:(\\d{1,4}\\-\\d{1,2}\\-\\d{1,4})",
    "invoice_number": "InvoiceNo:(\\S+)",
    "order_id": "OrderID:(\\w{2}\\d{16,18})"
  },
  "keywords": [
    "flipkart",
    "WS\\s?Retail",
    "OD"
  ],
  "options": {
    "currency": "INR",
    "remove_whitespace": true
  }
}
"#;

    fn real_templates() -> Vec<(String, String)> {
        [
            ("fr/fr.free.mobile.yml", FR_FREE_MOBILE),
            ("fr/fr.free.adsl-fiber.yml", FR_FREE_ADSL),
            ("fr/com.ovh.fr.yml", FR_OVH),
            ("de/de.hosteurope.yml", DE_HOSTEUROPE),
            ("be/be.alternate-business.yml", BE_ALTERNATE),
            ("com/com.hetzner.yml", COM_HETZNER),
            ("es/es.amazon.yml", ES_AMAZON),
            ("com/com.flipkart.WSRetail.json", COM_FLIPKART_JSON),
        ]
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect()
    }

    #[test]
    fn real_free_templates() {
        let c = convert("fr.free.mobile.yml", FR_FREE_MOBILE).unwrap();
        let marks = marks_of(&c.yaml);
        assert_eq!(mark(&marks, "gross_total").anchor.label, r"payer TTC\*");
        assert_eq!(mark(&marks, "invoice_date").anchor.label, r"Facture no \d+ du");
        assert_eq!(mark(&marks, "invoice_number").supplier, "FR25499247138");

        let c = convert("fr.free.adsl-fiber.yml", FR_FREE_ADSL).unwrap();
        let marks = marks_of(&c.yaml);
        assert_eq!(mark(&marks, "due_date").anchor.label, "Date limite de paiement le");
        assert_eq!(mark(&marks, "date_end").kind, "date");
        assert_eq!(mark(&marks, "gross_total").supplier, "FR60421938861");
        assert!(has_note(&c.notes, "field `date_start`: regex"), "{:#?}", c.notes);
        assert!(has_note(&c.notes, "field `siren`: regex `421 938 861`: no capture group"), "{:#?}", c.notes);
        assert!(has_note(&c.notes, "`tables`"), "{:#?}", c.notes);
        // Converted, with a caveat: values to skip in the label, a two-letter label.
        assert!(has_note(&c.notes, r"check: field `amount`: label `Total facture\s+\d+.\d{2}\s+\d+.\d{2}` ends with values"), "{:#?}", c.notes);
        assert!(has_note(&c.notes, "check: field `date_end`: label `au` is short"), "{:#?}", c.notes);
        assert!(c.yaml.contains("# check: field `date_end`"));
    }

    #[test]
    fn real_ovh_hosteurope_and_alternate_templates() {
        let marks = marks_of(&convert("com.ovh.fr.yml", FR_OVH).unwrap().yaml);
        assert_eq!(mark(&marks, "invoice_date").anchor.label, "Date d'émission");
        assert_eq!(mark(&marks, "invoice_number").anchor.label, "Facture");

        let c = convert("de.hosteurope.yml", DE_HOSTEUROPE).unwrap();
        let marks = marks_of(&c.yaml);
        assert_eq!(mark(&marks, "gross_total").anchor.label, r"Endpreis\s*Brutto");
        assert_eq!(mark(&marks, "gross_total").supplier, "Host Europe GmbH");
        assert!(has_note(&c.notes, "options.remove_whitespace"));
        assert!(has_note(&c.notes, "field `static_payment`"));

        let c = convert("be.alternate-business.yml", BE_ALTERNATE).unwrap();
        let marks = marks_of(&c.yaml);
        assert_eq!(mark(&marks, "invoice_number").anchor.label, r"(?:Factuur-|Document−)nr\.");
        assert_eq!(mark(&marks, "amount_shipping").kind, "numeric");
        assert_eq!(mark(&marks, "net_total").supplier, "BE0893031290");
        assert!(has_note(&c.notes, "`lines`") && has_note(&c.notes, "`types`"), "{:#?}", c.notes);
    }

    #[test]
    fn real_hetzner_amazon_and_json_templates() {
        let c = convert("com.hetzner.yml", COM_HETZNER).unwrap();
        let marks = marks_of(&c.yaml);
        // Currency signs between label and amount go: the amount reader takes them.
        assert_eq!(mark(&marks, "gross_total").anchor.label, "Amount due");
        assert_eq!(mark(&marks, "supplier_vat_id").anchor.label, r"VAT Reg\. No\.");
        assert_eq!(mark(&marks, "bic").kind, "alphanumeric");
        assert_eq!(mark(&marks, "gross_total").supplier, "DE812871812");
        for part in ["field `iban`: regex", "field `partner_name`", "field `partner_email`: a constant", "field `lines`: a table", "field `tax_lines`: a table"]
        {
            assert!(has_note(&c.notes, part), "no note {part}: {:#?}", c.notes);
        }

        let marks = marks_of(&convert("es.amazon.yml", ES_AMAZON).unwrap().yaml);
        assert_eq!(mark(&marks, "invoice_number").anchor.label, r"Número\s+de\s+la\s+factura");
        assert_eq!(mark(&marks, "vat_rate").kind, "numeric");
        assert_eq!(mark(&marks, "gross_total").supplier, "LU20260743");

        let marks = marks_of(&convert("com.flipkart.WSRetail.json", COM_FLIPKART_JSON).unwrap().yaml);
        assert_eq!(mark(&marks, "order_id").anchor.label, r"Order\s*ID");
        assert_eq!(mark(&marks, "invoice_date").anchor.label, r"Invoice\s*Date");
    }

    #[test]
    fn odd_regexes_never_panic_and_the_output_stays_valid() {
        let odd = [
            r"Total\s+(\d+",
            r"Total\\",
            r"Total\",
            r"[unclosed (\d+)",
            r"Total (?P<x\d+)",
            r"(?i)(?:total|sum)\s*(\d+)",
            r"\x{41}mount\s+(\d+)",
            r"Total\u00e9\s+(\d+)",
            r"Total\p{L}\s+(\d+)",
            r"Total (?P=x)(\d+)",
            r"Total (?(1)a|b)(\d+)",
            r"{Total}\s+(\d+)",
            r"Total{2,}(\d+)",
            r"Tot(?#note)al\s+(\d+)",
            r"Total\Z(\d+)",
            "",
            "()",
            "(?",
            "Tötal: (\\d+)",
            r"(?a)Total (\d+)",
            r"(?x) Total \s+ (\d+)",
            "Total\n(\\d+)",
            "Total\t:\t(\\d+)",
            r"Total\s+[\s:]*\n\s*(\d+,\d{2})",
        ];
        for rx in odd {
            let t = format!("issuer: X\nkeywords: [X]\nfields:\n  amount: {}\n", quote(rx));
            let c = convert("odd.yml", &t).unwrap_or_else(|e| panic!("{rx}: {e}"));
            assert_eq!(marks_of(&c.yaml).len(), c.marks, "{rx}");
            assert!(c.marks == 1 || has_note(&c.notes, "field `amount`"), "{rx}: {c:?}");
        }
        assert_eq!(anchor_of(r"Total\s+[\s:]*\n\s*(\d+,\d{2})", false).unwrap().direction, Direction::Below);
        assert_eq!(anchor_of(r"(?i)(?:total|sum)\s*(\d+)", false).unwrap().label, "(?:total|sum)");
    }

    #[test]
    fn directory_merges_templates_and_drops_duplicates() {
        let mut files = real_templates();
        // A second template for the same supplier cannot define its marks again.
        files.push(("fr/fr.free.mobile2.yml".into(), FR_FREE_MOBILE.replace("payer TTC", "Total TTC")));
        files.push(("broken.yml".into(), "fields: {}\n".into()));
        let (yaml, notes) = convert_dir_contents(&files);
        let marks = marks_of(&yaml);
        let single: usize = real_templates().iter().map(|(f, t)| convert(f, t).unwrap().marks).sum();
        assert_eq!(marks.len(), single);
        assert!(yaml.starts_with("# Marks converted from 9 invoice2data template(s)"), "{yaml}");
        assert!(yaml.contains("# skipped: broken.yml: no `issuer`"), "{yaml}");
        assert!(notes.iter().any(|n| n.starts_with("broken.yml: no `issuer`")));
        assert!(
            notes.iter().any(|n| n
                .starts_with("fr/fr.free.mobile2.yml: field `amount`: mark `gross_total` for supplier FR25499247138 already comes from fr/fr.free.mobile.yml")),
            "{notes:#?}"
        );
        assert!(notes.iter().any(|n| n.starts_with("de/de.hosteurope.yml: check: options.remove_whitespace")));
        // Every note (but the skipped file's) is a comment in its block.
        assert_eq!(yaml.matches("# not converted: ").count() + yaml.matches("# check: ").count(), notes.len() - 1);
        let suppliers: std::collections::HashSet<&str> = marks.iter().map(|m| m.supplier.as_str()).collect();
        assert!(suppliers.contains("FR60421938861") && suppliers.contains("BE0893031290") && suppliers.contains("Host Europe GmbH"));
    }

    #[test]
    fn an_empty_directory_is_an_empty_marks_file() {
        let (yaml, notes) = convert_dir_contents(&[]);
        assert!(marks_of(&yaml).is_empty() && notes.is_empty());
    }
}
