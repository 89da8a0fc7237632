//! Label → value search (to the right on the same line, or below in the
//! label's column, as in boxed tables), and the simple fields: invoice
//! number, dates, currency.

use chrono::NaiveDate;

use crate::capture::BBox;

use super::amount::currency_code;
use super::layout::{h_overlap, Doc, Item, ItemKind};
use super::lexicon::LabelKind;
use super::Field;

/// Where an item is: page, line and item indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct At {
    pub pi: usize,
    pub li: usize,
    pub ii: usize,
}

/// How a value was found relative to its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    Right,
    Below,
    /// A caption under its value ("1 196,52" over "Montant à régler").
    Above,
}

impl Rel {
    pub fn factor(self) -> f32 {
        match self {
            Rel::Right => 1.0,
            Rel::Below => 0.88,
            Rel::Above => 0.82,
        }
    }
}

/// Labels of the given kinds, in reading order.
pub(crate) fn labels<'a>(doc: &'a Doc, kinds: &'a [LabelKind]) -> impl Iterator<Item = (At, LabelKind, f32, &'a Item)> + 'a {
    doc.items().filter_map(move |(pi, li, ii, it)| match it.label() {
        Some((k, s)) if kinds.contains(&k) => Some((At { pi, li, ii }, k, s, it)),
        _ => None,
    })
}

/// Items right of `at` on its line, up to the next label (a currency label
/// does not stop: "Total TTC (EUR) 120,00").
pub(crate) fn right_of(doc: &Doc, at: At) -> Vec<(At, &Item)> {
    let line = &doc.pages[at.pi].lines[at.li];
    let label = &line.items[at.ii];
    let mut out = Vec::new();
    for (k, it) in line.items.iter().enumerate().skip(at.ii + 1) {
        if it.bbox.x0 < label.bbox.x1 - 1.0 {
            continue;
        }
        // Another field's label ends the search; a title word or a block
        // heading inside a sentence does not ("Montant TTC de votre facture 124,56").
        if let Some((kind, _)) = it.label() {
            // "Invoice No : # BLR_…": the label's own sign said again.
            let again = label.label().is_some_and(|(k, _)| k == kind) && it.text.trim_matches(|c: char| !c.is_alphanumeric()).chars().count() <= 2;
            if again {
                continue;
            }
            if !matches!(kind, LabelKind::Currency | LabelKind::Title | LabelKind::Buyer | LabelKind::Seller | LabelKind::VatTableHeader) {
                break;
            }
        }
        out.push((At { ii: k, ..at }, it));
    }
    out
}

/// The column under a label: its box widened towards its neighbours on the
/// line (half way, at most 40 pt), so right-aligned numbers under a
/// left-aligned header still fall in it.
fn column(doc: &Doc, at: At) -> (f64, f64) {
    let line = &doc.pages[at.pi].lines[at.li];
    let b = line.items[at.ii].bbox;
    let left = line.items[..at.ii].iter().rev().find(|i| i.bbox.x1 <= b.x0 + 0.5).map(|i| i.bbox.x1);
    let right = line.items[at.ii + 1..].iter().find(|i| i.bbox.x0 >= b.x1 - 0.5).map(|i| i.bbox.x0);
    let x0 = left.map_or(b.x0 - 40.0, |l| ((l + b.x0) / 2.0).max(b.x0 - 40.0));
    let x1 = right.map_or(b.x1 + 40.0, |r| ((b.x1 + r) / 2.0).min(b.x1 + 40.0));
    (x0, x1)
}

/// The first item below the label, in its column, within a few lines, that
/// `want` accepts; anything else met first in the column stops the search.
pub(crate) fn below<'a>(doc: &'a Doc, at: At, want: impl Fn(&Item) -> bool) -> Option<(At, &'a Item)> {
    vertical(doc, at, &want, true).map(|(a, it, _)| (a, it))
}

/// Below (header row over value row) or above (value over its caption),
/// whichever is nearer; below on a tie.
pub(crate) fn below_or_above<'a>(doc: &'a Doc, at: At, want: impl Fn(&Item) -> bool) -> Option<(At, &'a Item, Rel)> {
    let b = vertical(doc, at, &want, true);
    let a = vertical(doc, at, &want, false);
    match (b, a) {
        (Some(b), Some(a)) => Some(if a.2 + 1.0 < b.2 { (a.0, a.1, Rel::Above) } else { (b.0, b.1, Rel::Below) }),
        (Some(b), None) => Some((b.0, b.1, Rel::Below)),
        (None, Some(a)) => Some((a.0, a.1, Rel::Above)),
        (None, None) => None,
    }
}

/// Search the label's column downwards (several lines) or upwards (the
/// adjacent line only); returns the item and the vertical gap to it.
fn vertical<'a>(doc: &'a Doc, at: At, want: &dyn Fn(&Item) -> bool, down: bool) -> Option<(At, &'a Item, f64)> {
    let page = &doc.pages[at.pi];
    let label_line = &page.lines[at.li];
    let label = &label_line.items[at.ii];
    let (cx0, cx1) = column(doc, at);
    let col = BBox::new(cx0, 0.0, cx1, 0.0);
    let unit = page.unit.max(label.bbox.height());
    let lines: Vec<usize> = if down { (at.li + 1..page.lines.len()).take(5).collect() } else { (0..at.li).rev().take(2).collect() };
    if down {
        if let Some(hit) = same_rank_below(doc, at, want) {
            return Some(hit);
        }
    }
    for li in lines {
        let line = &page.lines[li];
        let gap = if down { line.bbox.y0 - label.bbox.y1 } else { label.bbox.y0 - line.bbox.y1 };
        if gap > if down { 6.0 * unit } else { 1.6 * unit } {
            break;
        }
        // OCR reads scanner specks as one-character words with a box of no
        // height ("À" between a label and its value): they hide nothing.
        let speck = |it: &Item| it.conf < 1.0 && it.text.chars().count() <= 2 && it.bbox.height() < 0.25 * unit;
        let in_col: Vec<(usize, &Item, f64)> =
            line.items.iter().enumerate().filter(|(_, it)| !speck(it)).map(|(k, it)| (k, it, h_overlap(&it.bbox, &col))).filter(|(_, _, o)| *o > 0.0).collect();
        if in_col.is_empty() {
            continue;
        }
        let best = in_col.iter().filter(|(_, it, _)| want(it)).max_by(|a, b| a.2.total_cmp(&b.2));
        return best.map(|(k, it, _)| (At { pi: at.pi, li, ii: *k }, *it, gap.max(0.0)));
    }
    None
}

/// A header row over a value row with as many cells (a boxed table whose
/// labels are left-aligned and values right-aligned, so a value may stand
/// under the next header): the value in the label's rank.
fn same_rank_below<'a>(doc: &'a Doc, at: At, want: &dyn Fn(&Item) -> bool) -> Option<(At, &'a Item, f64)> {
    let page = &doc.pages[at.pi];
    let head = &page.lines[at.li];
    let label = &head.items[at.ii];
    let li = at.li + 1;
    let row = page.lines.get(li)?;
    let gap = row.bbox.y0 - head.bbox.y1;
    let n = head.phrases.len();
    if n < 2 || row.phrases.len() != n || gap > 2.5 * page.unit.max(label.bbox.height()) {
        return None;
    }
    // Every header cell holds a label, and the rows cover the same width.
    let labelled = (0..n).all(|k| head.items.iter().any(|i| i.phrase == k && i.label().is_some()));
    let span = |l: &super::layout::Line| (l.phrases[0].bbox.x0, l.phrases[n - 1].bbox.x1);
    let ((h0, h1), (r0, r1)) = (span(head), span(row));
    if !labelled || r1 < h0 || h1 < r0 {
        return None;
    }
    // The cells interleave: each value starts right of the previous header cell.
    let interleaved = (1..n).all(|k| row.phrases[k].bbox.x0 > head.phrases[k - 1].bbox.x1 - 1.0 && row.phrases[k - 1].bbox.x1 < head.phrases[k].bbox.x1 + 80.0);
    if !interleaved {
        return None;
    }
    let (ii, it) = row.items.iter().enumerate().find(|(_, it)| it.phrase == label.phrase && want(it))?;
    Some((At { pi: at.pi, li, ii }, it, gap.max(0.0)))
}

/// Whether the line(s) right under a value hold another value of the same
/// kind in its column: then it is a table cell (the first item line under
/// a column header), not the labelled value.
pub(crate) fn column_continues(doc: &Doc, at: At, same: impl Fn(&Item) -> bool) -> bool {
    let page = &doc.pages[at.pi];
    let it = &page.lines[at.li].items[at.ii];
    let mut bottom = it.bbox.y1;
    for l in page.lines.iter().skip(at.li + 1).take(3) {
        if l.bbox.y0 - bottom > 2.5 * page.unit {
            return false;
        }
        let under: Vec<&Item> = l.items.iter().filter(|o| h_overlap(&o.bbox, &it.bbox) > 0.0).collect();
        if under.iter().any(|o| same(o)) {
            return true;
        }
        // Another label or text under it: a new field, not a column of values.
        if !under.is_empty() {
            return false;
        }
        bottom = l.bbox.y1;
    }
    false
}

/// A field from an item (value already normalized by the caller).
/// An OCR'd value is only as sure as its least sure word.
pub(crate) fn field(doc: &Doc, at: At, value: String, source: String, confidence: f32) -> Field {
    let it = doc.item(at.pi, at.li, at.ii);
    Field { value, page: doc.pages[at.pi].number, bbox: it.bbox, source, confidence: (confidence * it.conf).clamp(0.0, 1.0) }
}

pub(crate) fn label_source(label: &Item) -> String {
    format!("label:{:?}", label.text.trim())
}

/// A candidate value with its score, before one is chosen.
#[derive(Debug, Clone)]
pub(crate) struct Cand {
    pub value: String,
    pub at: At,
    pub source: String,
    pub score: f32,
}

/// The best candidate as a field; its confidence drops when another
/// candidate with a different value came close.
pub(crate) fn pick(doc: &Doc, mut cands: Vec<Cand>) -> Option<Field> {
    cands.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.at.cmp(&b.at)));
    let best = cands.first()?;
    let rival = cands.iter().skip(1).any(|c| c.value != best.value && c.score >= best.score * 0.9);
    let agree = cands.iter().skip(1).any(|c| c.value == best.value);
    // A value found next to a label is likely right even when the label is
    // a weak one: scores 0.4–1.0 map to confidences 0.73–0.99.
    let mut conf = (0.55 + 0.44 * best.score).min(0.99);
    if rival {
        conf *= 0.8;
    } else if agree {
        conf = (conf + 0.05).min(0.99);
    }
    Some(field(doc, best.at, best.value.clone(), best.source.clone(), conf))
}

/// Page factor: values on the first page are the document's header.
fn first_page(at: At) -> f32 {
    if at.pi == 0 {
        1.0
    } else {
        0.85
    }
}

/// Invoice number: next to its label, or a title ("Facture F-12"), or below.
pub(crate) fn invoice_number(doc: &Doc) -> Option<Field> {
    let mut cands = Vec::new();
    for (at, kind, strength, label) in labels(doc, &[LabelKind::InvoiceNumber, LabelKind::Title]) {
        let title = kind == LabelKind::Title;
        let page = &doc.pages[at.pi];
        let label_x1 = page.lines[at.li].items[at.ii].bbox.x1;
        let mut found = None;
        // A value far right of its label, across a column gap, may belong
        // to another block (the buyer's street number): weaker, and a title
        // never reaches that far.
        let mut far = false;
        for (vat, it) in right_of(doc, at) {
            if it.bbox.x0 - label_x1 > page.width * 0.25 && !same_phrase(doc, at, vat) {
                if title || starts_words(doc, vat) {
                    break;
                }
                far = true;
            }
            match number_value(it, title) {
                NumberValue::Yes(v) => {
                    found = Some((vat, v, Rel::Right));
                    break;
                }
                NumberValue::Skip => continue,
                NumberValue::Stop => break,
            }
        }
        let mut scored: Vec<(At, String, f32)> = Vec::new();
        if let Some((vat, v, rel)) = found {
            scored.push((vat, v, rel.factor() * if far { 0.7 } else { 1.0 }));
        }
        if (scored.is_empty() || far) && !title {
            if let Some((vat, it, rel)) = below_or_above(doc, at, |it| matches!(number_value(it, false), NumberValue::Yes(_))) {
                if let NumberValue::Yes(v) = number_value(it, false) {
                    let mut f = rel.factor();
                    if rel == Rel::Below && column_continues(doc, vat, |o| matches!(number_value(o, false), NumberValue::Yes(_))) {
                        f *= 0.5;
                    }
                    scored.push((vat, v, f));
                }
            }
        }
        if let Some((vat, v, f)) = scored.into_iter().max_by(|a, b| a.2.total_cmp(&b.2)) {
            let score = strength * f * first_page(at);
            cands.push(Cand { value: v, at: vat, source: label_source(label), score });
        }
    }
    pick(doc, cands)
}

fn same_phrase(doc: &Doc, a: At, b: At) -> bool {
    a.pi == b.pi && a.li == b.li && doc.item(a.pi, a.li, a.ii).phrase == doc.item(b.pi, b.li, b.ii).phrase
}

/// The item opens a phrase that goes on with plain words: an address or a
/// sentence ("15 quai des Chartrons"), not a value.
fn starts_words(doc: &Doc, at: At) -> bool {
    let line = &doc.pages[at.pi].lines[at.li];
    let it = &line.items[at.ii];
    let same: Vec<&Item> = line.items.iter().filter(|o| o.phrase == it.phrase).collect();
    std::ptr::eq(same[0], it) && same.iter().skip(1).filter(|o| matches!(o.kind, ItemKind::Word)).count() >= 2
}

/// No currency printed anywhere: amounts on an invoice whose bank account
/// (else VAT id) is of a euro-area country are in euros (weakly believed).
fn euro_by_country(doc: &Doc) -> Option<Field> {
    const EURO: [&str; 20] = ["FR", "DE", "AT", "BE", "NL", "IT", "ES", "PT", "IE", "FI", "LU", "GR", "EL", "SK", "SI", "EE", "LV", "LT", "MT", "HR"];
    let ids: Vec<(At, &super::ids::FoundId)> = doc
        .items()
        .filter_map(|(pi, li, ii, it)| match &it.kind {
            ItemKind::Id(id) => Some((At { pi, li, ii }, id)),
            _ => None,
        })
        .collect();
    let iban = ids.iter().find(|(_, id)| id.kind == super::ids::IdKind::Iban);
    let any = iban.or_else(|| ids.iter().find(|(_, id)| id.kind == super::ids::IdKind::VatId))?;
    let country = any.1.value.get(..2)?;
    if !EURO.contains(&country) {
        return None;
    }
    // Every IBAN of the document must agree.
    if ids.iter().any(|(_, id)| id.kind == super::ids::IdKind::Iban && !id.value.get(..2).is_some_and(|c| EURO.contains(&c))) {
        return None;
    }
    Some(field(doc, any.0, "EUR".to_string(), "inferred:country".into(), 0.6))
}

enum NumberValue {
    Yes(String),
    Skip,
    Stop,
}

/// Whether an item can be an invoice number: a token with a digit that is
/// not a date, a percentage or an amount with decimals.
fn number_value(it: &Item, strict: bool) -> NumberValue {
    let t = it.text.trim().trim_start_matches([':', '#', '°', '.', '-']).trim_end_matches([':', ',', ';', '.', ')']);
    match &it.kind {
        ItemKind::Word | ItemKind::Amount(_) => {
            if let ItemKind::Amount(a) = &it.kind {
                if a.decimals || a.currency.is_some() || a.value.is_sign_negative() {
                    return NumberValue::Stop;
                }
            }
            if t.is_empty() || t.chars().all(|c| !c.is_alphanumeric()) {
                return NumberValue::Skip;
            }
            let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
            let ok_chars = t.chars().all(|c| c.is_alphanumeric() || "-/_.".contains(c));
            // After a bare title ("Invoice 2026") a year is not a number.
            let year = t.len() == 4 && t.parse::<u32>().is_ok_and(|y| (1990..=2100).contains(&y));
            if digits == 0 || !ok_chars || t.len() > 40 || (strict && year) {
                return NumberValue::Stop;
            }
            NumberValue::Yes(t.to_string())
        }
        _ => NumberValue::Stop,
    }
}

/// A date next to one of the given labels, best candidate first.
fn labelled_dates(doc: &Doc, kinds: &[LabelKind]) -> Vec<(Cand, NaiveDate)> {
    let mut out = Vec::new();
    for (at, _, strength, label) in labels(doc, kinds) {
        let right = right_of(doc, at).into_iter().find_map(|(a, it)| it.date().map(|d| (a, d, Rel::Right)));
        let found = right.or_else(|| below_or_above(doc, at, |it| it.date().is_some()).and_then(|(a, it, rel)| it.date().map(|d| (a, d, rel))));
        if let Some((vat, d, rel)) = found {
            let mut score = strength * rel.factor() * first_page(at);
            if rel == Rel::Below && column_continues(doc, vat, |o| o.date().is_some()) {
                score *= 0.5;
            }
            out.push((Cand { value: d.to_string(), at: vat, source: label_source(label), score }, d));
        }
    }
    out
}

/// Invoice date: next to its label; the first date of the first page that
/// no other label claims is a weak candidate too (letters: "Paris, le …").
pub(crate) fn invoice_date(doc: &Doc) -> Option<(Field, NaiveDate)> {
    let mut cands: Vec<Cand> = labelled_dates(doc, &[LabelKind::InvoiceDate]).into_iter().map(|c| c.0).collect();
    if let Some(page) = doc.pages.first() {
        'first: for (li, line) in page.lines.iter().enumerate() {
            for (ii, it) in line.items.iter().enumerate() {
                let Some(d) = it.date() else { continue };
                // The nearest label before it decides: a due/delivery/order
                // date label claims it.
                let claimed = line.items[..ii].iter().rev().find_map(|p| p.label()).is_some_and(|(k, _)| matches!(k, LabelKind::DueDate | LabelKind::Other));
                if !claimed {
                    cands.push(Cand { value: d.to_string(), at: At { pi: 0, li, ii }, source: "first_date".into(), score: 0.42 });
                    break 'first;
                }
            }
        }
    }
    let f = pick(doc, cands)?;
    let d = NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").ok()?;
    Some((f, d))
}

/// Due date: next to its label, never before the invoice date; else in a
/// payment sentence ("Please transfer … by May 2, 2026", "Bitte überweisen
/// Sie … bis zum 28.04.2026", "à régler avant le 15/04/2026").
pub(crate) fn due_date(doc: &Doc, invoice: Option<NaiveDate>) -> Option<Field> {
    let cands: Vec<Cand> = labelled_dates(doc, &[LabelKind::DueDate]).into_iter().filter(|(_, d)| invoice.is_none_or(|i| *d >= i)).map(|c| c.0).collect();
    if !cands.is_empty() {
        return pick(doc, cands);
    }
    const VERBS: [&str; 14] = [
        "pay",
        "payment",
        "payable",
        "transfer",
        "remit",
        "zahlen",
        "zahlbar",
        "uberweisen",
        "begleichen",
        "regler",
        "payer",
        "paiement",
        "virement",
        "reglement",
    ];
    const BEFORE: [&str; 10] = ["by", "before", "until", "bis", "zum", "spatestens", "avant le", "au plus tard le", "jusqu'au", "le"];
    for (pi, li, ii, it) in doc.items() {
        let Some(d) = it.date() else { continue };
        if invoice.is_some_and(|i| d < i) {
            continue;
        }
        let line = &doc.pages[pi].lines[li];
        let ph = &line.phrases[it.phrase];
        let before = super::text::fold(&ph.raw[..it.span.0]);
        let before = before.trim_end();
        let words: Vec<&str> = before.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
        let verb = words.iter().any(|w| VERBS.iter().any(|v| w.starts_with(v)));
        if verb && BEFORE.iter().any(|b| before.ends_with(b)) {
            return Some(field(doc, At { pi, li, ii }, d.to_string(), "sentence:payment".into(), 0.75));
        }
    }
    None
}

/// Currency: next to its label ("Devise : EUR"), else the currency printed
/// with the gross total, else the most frequent one on the document.
pub(crate) fn currency(doc: &Doc, gross_at: Option<At>) -> Option<Field> {
    for (at, _, _, label) in labels(doc, &[LabelKind::Currency]) {
        for (vat, it) in right_of(doc, at) {
            let code = match &it.kind {
                ItemKind::Amount(a) => a.currency,
                _ => it.text.split(|c: char| !c.is_alphanumeric() && !"€$£".contains(c)).find_map(currency_code),
            };
            if let Some(c) = code {
                return Some(field(doc, vat, c.to_string(), label_source(label), 0.95));
            }
        }
    }
    if let Some(at) = gross_at {
        if let Some(c) = doc.item(at.pi, at.li, at.ii).amount().and_then(|a| a.currency) {
            return Some(field(doc, at, c.to_string(), "amount:gross_total".into(), 0.9));
        }
        // The code may be a separate word after the gross ("104,90 EUR" in another phrase).
        let line = &doc.pages[at.pi].lines[at.li];
        if let Some((k, c)) = line
            .items
            .iter()
            .enumerate()
            .skip(at.ii + 1)
            .take(2)
            .find_map(|(k, it)| matches!(it.kind, ItemKind::Word).then(|| currency_code(&it.text)).flatten().map(|c| (k, c)))
        {
            return Some(field(doc, At { ii: k, ..at }, c.to_string(), "amount:gross_total".into(), 0.9));
        }
    }
    let mut counts: Vec<(&'static str, usize, At)> = Vec::new();
    for (pi, li, ii, it) in doc.items() {
        let code = match &it.kind {
            ItemKind::Amount(a) => a.currency,
            ItemKind::Word => currency_code(&it.text),
            _ => None,
        };
        if let Some(c) = code {
            match counts.iter_mut().find(|x| x.0 == c) {
                Some(x) => x.1 += 1,
                None => counts.push((c, 1, At { pi, li, ii })),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1));
    let Some(&(c, n, at)) = counts.first() else { return euro_by_country(doc) };
    let conf = if counts.len() == 1 { 0.85 } else { 0.7 };
    Some(field(doc, at, c.to_string(), format!("symbol:{n}x"), conf))
}
