//! Recognized marks (`rules/marks.yaml`, seeds/05): values an admin asks
//! for beyond the predefined fields (a vehicle plate, a policy number, an
//! eco-tax), or supplier-specific ways to read a predefined field.
//!
//! A mark is found through a mobile anchor (a label whose position locates
//! the value: right of it or below it) or a fixed zone of a page. It is
//! generic (every supplier) or tied to one supplier, and may be defined but
//! not active, or active only for some suppliers.

use std::collections::HashSet;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::capture::BBox;
use crate::config::{Issue, YamlDoc};

use super::amount::{format_amount, parse_amount, scan_amounts};
use super::categorize::compile_folded;
use super::date::parse_date;
use super::layout::{h_overlap, Doc, ItemKind};
use super::Field;

const BUILTIN_FILE: &str = include_str!("../../rules/marks.yaml");

/// Fields the generic recognizer fills; a mark with one of these names
/// reads that field.
pub const PREDEFINED_FIELDS: [&str; 12] = [
    "supplier_name",
    "supplier_vat_id",
    "supplier_siret",
    "iban",
    "invoice_number",
    "invoice_date",
    "due_date",
    "currency",
    "net_total",
    "vat_total",
    "gross_total",
    "accounting_ref",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarksFile {
    #[serde(default)]
    marks: Vec<MarkSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkSpec {
    name: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(rename = "type")]
    kind: MarkType,
    #[serde(default)]
    anchor: Option<AnchorSpec>,
    #[serde(default)]
    zone: Option<ZoneSpec>,
    #[serde(default)]
    supplier: Option<String>,
    #[serde(default = "yes")]
    active: bool,
    #[serde(default)]
    active_for: Vec<String>,
    #[serde(default)]
    counts_in_total: bool,
    #[serde(default)]
    decimals: Option<u32>,
    #[serde(default)]
    rate: Option<NumOrText>,
    #[serde(default)]
    lines: Option<usize>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum NumOrText {
    Num(f64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnchorSpec {
    label: String,
    #[serde(default)]
    direction: Direction,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ZoneSpec {
    #[serde(default)]
    page: Option<PageSpec>,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PageSpec {
    Number(u32),
    Name(String),
}

/// What a mark's value is.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MarkType {
    Numeric,
    Alphanumeric,
    Date,
    VatBase,
}

/// Where the value is relative to the anchor label.
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Right,
    Below,
}

/// Which page a zone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZonePage {
    Number(u32),
    First,
    Last,
    Any,
}

#[derive(Debug, Clone)]
pub struct Anchor {
    pub text: String,
    pub(crate) regex: super::categorize::FoldedRegex,
    pub direction: Direction,
}

#[derive(Debug, Clone, Copy)]
pub struct Zone {
    pub page: ZonePage,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// A validated mark.
#[derive(Debug, Clone)]
pub struct Mark {
    pub name: String,
    pub label: String,
    pub kind: MarkType,
    pub anchor: Option<Anchor>,
    pub zone: Option<Zone>,
    /// VAT id, SIREN/SIRET, IBAN or name of the supplier this mark is for.
    pub supplier: Option<String>,
    pub active: bool,
    /// Suppliers for which an inactive generic mark is active.
    pub active_for: Vec<String>,
    pub counts_in_total: bool,
    pub decimals: Option<u32>,
    pub rate: Option<Decimal>,
    pub lines: usize,
}

/// Validated marks.
#[derive(Debug, Clone)]
pub struct MarkRules {
    pub marks: Vec<Mark>,
}

impl MarkRules {
    /// The marks expected to give values: active ones, and inactive generic
    /// ones activated for some suppliers (`replay` and `check` name those
    /// that gave none).
    pub fn watched(&self) -> impl Iterator<Item = &Mark> {
        self.marks.iter().filter(|m| m.active || !m.active_for.is_empty())
    }
}

impl Default for MarkRules {
    fn default() -> Self {
        MarkRules::builtin()
    }
}

impl MarkRules {
    /// The marks shipped in `rules/marks.yaml`.
    pub fn builtin() -> MarkRules {
        let doc = YamlDoc::from_text(std::path::Path::new("rules/marks.yaml"), BUILTIN_FILE);
        parse_marks(&doc).unwrap_or_else(|e| panic!("built-in rules/marks.yaml is invalid: {e:?}"))
    }

    /// No marks at all.
    pub fn none() -> MarkRules {
        MarkRules { marks: Vec::new() }
    }
}

/// Parse and validate a marks file; every problem at its line and column.
pub fn parse_marks(doc: &YamlDoc) -> Result<MarkRules, Vec<Issue>> {
    let file: MarksFile = doc.parse().map_err(|i| vec![i])?;
    let mut issues = Vec::new();
    let mut marks = Vec::new();
    let mut seen = HashSet::new();
    for (i, m) in file.marks.iter().enumerate() {
        let at = |k: &str| format!("marks[{i}].{k}");
        let mut bad = |k: &str, msg: String| issues.push(doc.issue_at(&at(k), msg));
        if m.name.is_empty() || !m.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            bad("name", format!("mark name `{}` must be lowercase letters, digits and underscores, e.g. `vehicle_plate`", m.name));
        }
        // The same name may exist once generically and once per supplier.
        if !seen.insert((m.name.clone(), m.supplier.clone())) {
            bad("name", format!("mark `{}` is defined twice for the same supplier: merge them or set `supplier:`", m.name));
        }
        let expected = match m.name.as_str() {
            "net_total" | "vat_total" | "gross_total" => Some(MarkType::Numeric),
            "invoice_date" | "due_date" => Some(MarkType::Date),
            "supplier_name" | "supplier_vat_id" | "supplier_siret" | "iban" | "invoice_number" | "currency" | "accounting_ref" => Some(MarkType::Alphanumeric),
            _ => None,
        };
        if let Some(t) = expected.filter(|t| *t != m.kind) {
            bad("type", format!("`{}` is a predefined field of type {}: use `type: {}`", m.name, type_name(t), type_name(t)));
        }
        let anchor = match &m.anchor {
            Some(a) if a.label.trim().is_empty() => {
                issues.push(doc.issue_at(&format!("marks[{i}].anchor.label"), "empty anchor label: write the text printed before the value"));
                None
            }
            Some(a) => match compile_folded(&a.label) {
                Ok(regex) => Some(Anchor { text: a.label.clone(), regex, direction: a.direction }),
                Err(msg) => {
                    issues.push(doc.issue_at(
                        &format!("marks[{i}].anchor.label"),
                        format!("invalid anchor pattern: {msg}; write plain text or escape ( ) [ ] . * + ? with a backslash"),
                    ));
                    None
                }
            },
            None => None,
        };
        let zone = m.zone.as_ref().and_then(|z| {
            let zat = |k: &str| format!("marks[{i}].zone.{k}");
            let mut ok = true;
            for (k, v) in [("x0", z.x0), ("y0", z.y0), ("x1", z.x1), ("y1", z.y1)] {
                if !(0.0..=1.0).contains(&v) {
                    issues.push(doc.issue_at(&zat(k), format!("{k} = {v} is outside the page: zone coordinates are fractions of the page, 0 to 1")));
                    ok = false;
                }
            }
            if ok && (z.x0 >= z.x1 || z.y0 >= z.y1) {
                issues
                    .push(doc.issue_at(&format!("marks[{i}].zone"), "empty zone: x0 must be left of x1 and y0 above y1 (fractions from the top-left corner)"));
                ok = false;
            }
            let page = match &z.page {
                None => ZonePage::First,
                Some(PageSpec::Number(0)) => {
                    issues.push(doc.issue_at(&zat("page"), "pages are numbered from 1"));
                    ok = false;
                    ZonePage::First
                }
                Some(PageSpec::Number(n)) => ZonePage::Number(*n),
                Some(PageSpec::Name(s)) => match s.as_str() {
                    "first" => ZonePage::First,
                    "last" => ZonePage::Last,
                    "any" => ZonePage::Any,
                    _ => {
                        issues.push(doc.issue_at(&zat("page"), format!("page `{s}`: write a page number, `first`, `last` or `any`")));
                        ok = false;
                        ZonePage::First
                    }
                },
            };
            ok.then_some(Zone { page, x0: z.x0, y0: z.y0, x1: z.x1, y1: z.y1 })
        });
        if m.anchor.is_none() && m.zone.is_none() {
            issues.push(doc.issue_at(&format!("marks[{i}]"), format!("mark `{}` has no `anchor` or `zone`: say where its value is printed", m.name)));
        }
        if m.anchor.is_some() && m.zone.is_some() {
            issues.push(doc.issue_at(&format!("marks[{i}].zone"), "give either `anchor` or `zone`, not both"));
        }
        let rate = match &m.rate {
            None => None,
            Some(r) => {
                let text = match r {
                    NumOrText::Num(f) => f.to_string(),
                    NumOrText::Text(t) => t.trim().trim_end_matches('%').trim().replace(',', "."),
                };
                match Decimal::from_str(&text) {
                    Ok(d) if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED => Some(d.normalize()),
                    _ => {
                        issues.push(doc.issue_at(&at("rate"), format!("rate `{text}` must be a percentage between 0 and 100, e.g. 20 or 5.5")));
                        None
                    }
                }
            }
        };
        let mut bad = |k: &str, msg: String| issues.push(doc.issue_at(&at(k), msg));
        if m.kind == MarkType::VatBase && m.rate.is_none() {
            bad("type", "a `vat_base` mark needs its `rate` (e.g. `rate: 5.5`)".into());
        }
        if m.kind != MarkType::VatBase && m.rate.is_some() {
            bad("rate", "`rate` only applies to `type: vat_base`".into());
        }
        if m.decimals.is_some() && !matches!(m.kind, MarkType::Numeric | MarkType::VatBase) {
            bad("decimals", "`decimals` only applies to numeric and vat_base marks".into());
        }
        if m.decimals.is_some_and(|d| d > 6) {
            bad("decimals", "at most 6 decimals".into());
        }
        if m.counts_in_total && !matches!(m.kind, MarkType::Numeric | MarkType::VatBase) {
            bad("counts_in_total", "only numeric and vat_base marks can count in the total".into());
        }
        if m.lines.is_some() && m.kind != MarkType::Alphanumeric {
            bad("lines", "`lines` only applies to alphanumeric marks".into());
        }
        if m.lines.is_some_and(|n| n == 0 || n > 20) {
            bad("lines", "`lines` must be between 1 and 20".into());
        }
        if m.supplier.as_deref().is_some_and(|s| s.trim().is_empty()) {
            bad("supplier", "empty supplier: write its VAT id or name, or remove `supplier` for a generic mark".into());
        }
        if m.supplier.is_some() && !m.active_for.is_empty() {
            bad("active_for", "`active_for` is for generic marks; this mark already belongs to one supplier".into());
        }
        marks.push(Mark {
            name: m.name.clone(),
            label: m.label.clone().unwrap_or_else(|| m.name.replace('_', " ")),
            kind: m.kind,
            anchor,
            zone,
            supplier: m.supplier.clone(),
            active: m.active,
            active_for: m.active_for.clone(),
            counts_in_total: m.counts_in_total,
            decimals: m.decimals,
            rate,
            lines: m.lines.unwrap_or(1),
        });
    }
    if issues.is_empty() {
        Ok(MarkRules { marks })
    } else {
        Err(issues)
    }
}

fn type_name(t: MarkType) -> &'static str {
    match t {
        MarkType::Numeric => "numeric",
        MarkType::Alphanumeric => "alphanumeric",
        MarkType::Date => "date",
        MarkType::VatBase => "vat_base",
    }
}

/// A mark's value found on the document.
#[derive(Debug, Clone)]
pub(crate) struct MarkValue {
    pub field: Field,
    /// The parsed amount for numeric and vat_base marks.
    pub amount: Option<Decimal>,
}

impl Mark {
    /// Find this mark's value on the document.
    pub(crate) fn find(&self, doc: &Doc) -> Option<MarkValue> {
        let (text, page, bbox, conf) = if let Some(a) = &self.anchor { self.by_anchor(doc, a)? } else { self.by_zone(doc, self.zone.as_ref()?)? };
        let source = format!("mark:{}", self.name);
        let (value, amount) = match self.kind {
            MarkType::Numeric | MarkType::VatBase => {
                let a = parse_amount(&text).or_else(|| scan_amounts(&text, &[]).into_iter().next().map(|x| x.2))?;
                let mut v = a.value;
                if let Some(d) = self.decimals {
                    v = v.round_dp(d);
                    v.rescale(d);
                    (v.to_string(), Some(v))
                } else {
                    (format_amount(v), Some(v))
                }
            }
            MarkType::Date => (parse_date(&text, doc.order).or_else(|| super::date::scan_dates(&text, doc.order).first().map(|d| d.2))?.to_string(), None),
            MarkType::Alphanumeric => {
                let t = text.trim().trim_start_matches([':', '#', '-']).trim().to_string();
                if t.is_empty() {
                    return None;
                }
                (t, None)
            }
        };
        Some(MarkValue { field: Field { value, page, bbox, source, confidence: conf }, amount })
    }

    /// Text right of or below the first place the anchor label matches.
    fn by_anchor(&self, doc: &Doc, a: &Anchor) -> Option<(String, u32, BBox, f32)> {
        for page in &doc.pages {
            for (li, line) in page.lines.iter().enumerate() {
                for ph in &line.phrases {
                    let Some(m) = a.regex.find(&ph.norm) else { continue };
                    let x_start = ph.x_at_norm(m.start());
                    let x_end = ph.x_at_norm(m.end());
                    let anchor_box = BBox::new(x_start, ph.bbox.y0, x_end, ph.bbox.y1);
                    let found = match a.direction {
                        Direction::Right => self.right_text(doc, page.number, line, x_end),
                        Direction::Below => self.below_text(page, li, &anchor_box),
                    };
                    if let Some((t, b)) = found {
                        return Some((t, page.number, b, 0.9));
                    }
                }
            }
        }
        None
    }

    fn right_text(&self, _doc: &Doc, _page: u32, line: &super::layout::Line, x_end: f64) -> Option<(String, BBox)> {
        let items: Vec<&super::layout::Item> = line.items.iter().filter(|it| it.bbox.x0 >= x_end - 0.5).collect();
        match self.kind {
            MarkType::Numeric | MarkType::VatBase => items.iter().find(|it| it.amount().is_some()).map(|it| (it.text.clone(), it.bbox)),
            MarkType::Date => items.iter().find(|it| it.date().is_some()).map(|it| (it.text.clone(), it.bbox)),
            MarkType::Alphanumeric => {
                // The rest of the anchor's phrase (else the next phrase), up
                // to the next label: "4711 Datum 12.03." is "4711".
                let first = items.iter().find(|it| !(matches!(it.kind, ItemKind::Word) && it.text.chars().all(|c| !c.is_alphanumeric())))?;
                let same: Vec<&&super::layout::Item> =
                    items.iter().filter(|it| it.phrase == first.phrase).take_while(|it| std::ptr::eq(**it, *first) || it.label().is_none()).collect();
                let text = same.iter().map(|it| it.text.as_str()).collect::<Vec<_>>().join(" ");
                let bbox = same.iter().skip(1).fold(same[0].bbox, |b, it| b.union(&it.bbox));
                Some((text, bbox))
            }
        }
    }

    fn below_text(&self, page: &super::layout::PageView, li: usize, anchor: &BBox) -> Option<(String, BBox)> {
        let col = BBox::new(anchor.x0 - 20.0, 0.0, anchor.x1 + 40.0, 0.0);
        let mut texts: Vec<String> = Vec::new();
        let mut bbox: Option<BBox> = None;
        let mut bottom = anchor.y1;
        for line in page.lines.iter().skip(li + 1).take(if self.kind == MarkType::Alphanumeric { self.lines + 4 } else { 5 }) {
            if line.bbox.y0 - bottom > 4.0 * page.unit {
                break;
            }
            let hits: Vec<&super::layout::Phrase> = line.phrases.iter().filter(|ph| h_overlap(&ph.bbox, &col) > 0.0).collect();
            if hits.is_empty() {
                continue;
            }
            for ph in &hits {
                texts.push(ph.raw.clone());
                bbox = Some(bbox.map_or(ph.bbox, |b| b.union(&ph.bbox)));
            }
            bottom = line.bbox.y1;
            if self.kind != MarkType::Alphanumeric || texts.len() >= self.lines {
                break;
            }
        }
        bbox.map(|b| (texts.join(" "), b))
    }

    /// Words whose centre lies in the zone.
    fn by_zone(&self, doc: &Doc, z: &Zone) -> Option<(String, u32, BBox, f32)> {
        let n = doc.pages.len();
        let pages: Vec<usize> = match z.page {
            ZonePage::First => vec![0],
            ZonePage::Last => vec![n.saturating_sub(1)],
            ZonePage::Number(k) => doc.pages.iter().position(|p| p.number == k).into_iter().collect(),
            ZonePage::Any => (0..n).collect(),
        };
        for pi in pages.into_iter().filter(|&p| p < n) {
            let page = &doc.pages[pi];
            let rect = BBox::new(z.x0 * page.width, z.y0 * page.height, z.x1 * page.width, z.y1 * page.height);
            let mut lines_text = Vec::new();
            let mut bbox: Option<BBox> = None;
            for line in &page.lines {
                let mut parts = Vec::new();
                for ph in &line.phrases {
                    for w in &ph.words {
                        let (cx, cy) = ((w.bbox.x0 + w.bbox.x1) / 2.0, w.bbox.center_y());
                        if cx >= rect.x0 && cx <= rect.x1 && cy >= rect.y0 && cy <= rect.y1 {
                            parts.push(&ph.raw[w.raw.0..w.raw.1]);
                            bbox = Some(bbox.map_or(w.bbox, |b| b.union(&w.bbox)));
                        }
                    }
                }
                if !parts.is_empty() {
                    lines_text.push(parts.join(" "));
                }
            }
            if let Some(b) = bbox {
                let take = if self.kind == MarkType::Alphanumeric { self.lines } else { lines_text.len() };
                return Some((lines_text.into_iter().take(take).collect::<Vec<_>>().join(" "), page.number, b, 0.85));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn marks(yaml: &str) -> Result<MarkRules, Vec<Issue>> {
        parse_marks(&YamlDoc::from_text(Path::new("marks.yaml"), yaml))
    }

    #[test]
    fn builtin_file_parses() {
        let m = MarkRules::builtin();
        assert!(!m.marks.is_empty());
    }

    #[test]
    fn validation_reports_positions() {
        let e = marks(concat!(
            "marks:\n",
            "  - name: Plate\n",
            "    type: alphanumeric\n",
            "    anchor: {label: \"Immat\"}\n",
            "  - name: eco\n",
            "    type: vat_base\n",
            "    anchor:\n",
            "      label: \"(bad\"\n",
            "  - name: zone\n",
            "    type: date\n",
            "    zone: {x0: 0.5, y0: 0.1, x1: 1.5, y1: 0.2}\n",
            "  - name: nowhere\n",
            "    type: numeric\n",
            "  - name: gross_total\n",
            "    type: date\n",
            "    anchor: {label: x}\n",
        ))
        .unwrap_err();
        let msgs: Vec<String> = e.iter().map(|i| i.to_string()).collect();
        let has = |p: &str| msgs.iter().any(|m| m.starts_with(p));
        assert!(has("marks.yaml:2:5: mark name `Plate`"), "{msgs:#?}");
        assert!(has("marks.yaml:6:5: a `vat_base` mark needs its `rate`"), "{msgs:#?}");
        assert!(has("marks.yaml:8:7: invalid anchor pattern"), "{msgs:#?}");
        assert!(has("marks.yaml:11:5: x1 = 1.5 is outside the page"), "{msgs:#?}");
        assert!(has("marks.yaml:12:3: mark `nowhere` has no `anchor` or `zone`"), "{msgs:#?}");
        assert!(has("marks.yaml:15:5: `gross_total` is a predefined field of type numeric"), "{msgs:#?}");
        let e = marks("marks:\n  - name: a\n    type: numerc\n    anchor: {label: x}\n").unwrap_err();
        assert_eq!(e[0].line, 3, "{}", e[0]);
    }
}
