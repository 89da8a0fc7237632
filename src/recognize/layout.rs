//! From positioned words to lines, phrases and typed items.
//!
//! * A **line** is the words sharing a baseline across the whole page width
//!   (grouped by vertical position, whatever order the extractor gave).
//! * A **phrase** is a run of words in a line separated by ordinary spaces;
//!   a wider gap (a column, a tab stop) starts a new phrase. Amounts like
//!   `1 234,56` and ids like `FR 11 123 456 782` are read within a phrase.
//! * An **item** is what a phrase contains, in reading order: labels,
//!   amounts, percentages, dates, identifiers and plain words, each with
//!   its box.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::capture::{BBox, Page};

use super::amount::{scan_amounts, scan_percents, Amount};
use super::date::{scan_dates, DateOrder};
use super::ids::{scan_ids_read, FoundId};
use super::lexicon::{find_labels, LabelKind};
use super::text::{fold, phrase_tokens, word_tokens};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    En,
    De,
}

#[derive(Debug)]
pub(crate) struct Doc {
    pub pages: Vec<PageView>,
    pub lang: Lang,
    pub order: DateOrder,
}

#[derive(Debug)]
pub(crate) struct PageView {
    /// 1-based page number of the input file.
    pub number: u32,
    pub width: f64,
    pub height: f64,
    /// Median word height: the unit for gaps.
    pub unit: f64,
    pub lines: Vec<Line>,
}

#[derive(Debug)]
pub(crate) struct Line {
    pub bbox: BBox,
    pub phrases: Vec<Phrase>,
    /// Every item of every phrase, left to right.
    pub items: Vec<Item>,
}

#[derive(Debug)]
pub(crate) struct Phrase {
    pub bbox: BBox,
    /// Words joined by single spaces, as printed.
    pub raw: String,
    /// Folded words joined by single spaces.
    pub norm: String,
    pub words: Vec<PWord>,
}

#[derive(Debug, Clone)]
pub(crate) struct PWord {
    pub raw: (usize, usize),
    pub norm: (usize, usize),
    pub bbox: BBox,
    /// The capture's confidence in the word (OCR), 1 for born-digital text.
    pub conf: f32,
}

#[derive(Debug, Clone)]
pub(crate) enum ItemKind {
    Label { kind: LabelKind, strength: f32 },
    Amount(Amount),
    Percent(Decimal),
    Date(NaiveDate),
    Id(FoundId),
    Word,
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub kind: ItemKind,
    pub bbox: BBox,
    /// Index of the phrase in its line.
    pub phrase: usize,
    /// The printed text of the item.
    pub text: String,
    /// Byte range of the item in its phrase's `raw`.
    pub span: (usize, usize),
    /// The lowest capture confidence of its words.
    pub conf: f32,
}

impl Item {
    pub fn label(&self) -> Option<(LabelKind, f32)> {
        match self.kind {
            ItemKind::Label { kind, strength } => Some((kind, strength)),
            _ => None,
        }
    }
    pub fn amount(&self) -> Option<&Amount> {
        match &self.kind {
            ItemKind::Amount(a) => Some(a),
            _ => None,
        }
    }
    pub fn date(&self) -> Option<NaiveDate> {
        match self.kind {
            ItemKind::Date(d) => Some(d),
            _ => None,
        }
    }
    pub fn percent(&self) -> Option<Decimal> {
        match self.kind {
            ItemKind::Percent(p) => Some(p),
            _ => None,
        }
    }
}

impl Phrase {
    /// Some of its words were read by OCR (born-digital words have confidence 1).
    pub fn read_by_ocr(&self) -> bool {
        self.words.iter().any(|w| w.conf < 1.0)
    }

    /// The box of a byte range of `raw` (or of `norm` with `folded`), cutting
    /// partly covered words in proportion to their characters.
    pub fn span_bbox(&self, start: usize, end: usize, folded: bool) -> BBox {
        let mut out: Option<BBox> = None;
        for w in &self.words {
            let (ws, we) = if folded { w.norm } else { w.raw };
            let text = if folded { &self.norm } else { &self.raw };
            if we <= start || end <= ws {
                continue;
            }
            let (s, e) = (start.max(ws), end.min(we));
            let b = if s == ws && e == we {
                w.bbox
            } else {
                let n = text[ws..we].chars().count().max(1) as f64;
                let a = text[ws..s].chars().count() as f64 / n;
                let z = text[ws..e].chars().count() as f64 / n;
                BBox::new(w.bbox.x0 + w.bbox.width() * a, w.bbox.y0, w.bbox.x0 + w.bbox.width() * z, w.bbox.y1)
            };
            out = Some(out.map_or(b, |o| o.union(&b)));
        }
        out.unwrap_or(self.bbox)
    }

    /// The lowest word confidence over a byte range of `raw`.
    pub fn conf_of(&self, start: usize, end: usize) -> f32 {
        self.words.iter().filter(|w| w.raw.0 < end && start < w.raw.1).map(|w| w.conf).fold(1.0, f32::min)
    }

    /// The x position of a byte offset in `norm`.
    pub fn x_at_norm(&self, offset: usize) -> f64 {
        for w in &self.words {
            if offset <= w.norm.1 {
                if offset <= w.norm.0 {
                    return w.bbox.x0;
                }
                let n = self.norm[w.norm.0..w.norm.1].chars().count().max(1) as f64;
                let k = self.norm[w.norm.0..offset].chars().count() as f64;
                return w.bbox.x0 + w.bbox.width() * k / n;
            }
        }
        self.bbox.x1
    }
}

/// Horizontal overlap of two boxes (negative: the gap between them).
pub(crate) fn h_overlap(a: &BBox, b: &BBox) -> f64 {
    a.x1.min(b.x1) - a.x0.max(b.x0)
}

impl Doc {
    pub fn build(pages: &[Page]) -> Doc {
        let lang = detect_lang(pages);
        let us = lang == Lang::En && looks_us(pages);
        let order = if us { DateOrder::MonthFirst } else { DateOrder::DayFirst };
        let pages = pages.iter().map(|p| build_page(p, order)).collect();
        Doc { pages, lang, order }
    }

    /// Every item with its position: (page index, line index, item index).
    pub fn items(&self) -> impl Iterator<Item = (usize, usize, usize, &Item)> {
        self.pages
            .iter()
            .enumerate()
            .flat_map(|(pi, p)| p.lines.iter().enumerate().flat_map(move |(li, l)| l.items.iter().enumerate().map(move |(ii, it)| (pi, li, ii, it))))
    }

    pub fn item(&self, pi: usize, li: usize, ii: usize) -> &Item {
        &self.pages[pi].lines[li].items[ii]
    }
}

fn build_page(page: &Page, order: DateOrder) -> PageView {
    let words: Vec<(String, BBox)> = page.words.iter().filter(|w| !w.text.trim().is_empty()).map(|w| (w.text.trim().to_string(), w.bbox)).collect();
    let confs: Vec<f32> = page.words.iter().filter(|w| !w.text.trim().is_empty()).map(|w| w.confidence.clamp(0.0, 1.0)).collect();
    let mut heights: Vec<f64> = words.iter().map(|w| w.1.height().max(1.0)).collect();
    heights.sort_by(|a, b| a.total_cmp(b));
    let unit = heights.get(heights.len() / 2).copied().unwrap_or(10.0);

    let mut lines = group_lines(&words).into_iter().map(|idxs| build_line(&words, &confs, &idxs)).collect::<Vec<_>>();
    lines.sort_by(|a, b| a.bbox.center_y().total_cmp(&b.bbox.center_y()).then(a.bbox.x0.total_cmp(&b.bbox.x0)));
    // SIREN/SIRET are only read where a label names them: on the line, or
    // just above in the same column ("N° SIRET" over "525 046 009 07818").
    let names_registry = |ph: &Phrase| REGISTRY.iter().any(|k| ph.norm.contains(k));
    let registry: Vec<bool> = (0..lines.len())
        .map(|i| {
            let l = &lines[i];
            l.phrases.iter().any(names_registry)
                || (i > 0 && {
                    let prev = &lines[i - 1];
                    l.bbox.y0 - prev.bbox.y1 <= 1.5 * unit
                        && prev.phrases.iter().filter(|p| names_registry(p)).any(|p| l.phrases.iter().any(|q| h_overlap(&p.bbox, &q.bbox) > 0.0))
                })
        })
        .collect();
    for (l, reg) in lines.iter_mut().zip(registry) {
        let mut items = Vec::new();
        for (pi, p) in l.phrases.iter().enumerate() {
            phrase_items(p, pi, order, reg, &mut items);
        }
        items.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        l.items = items;
    }
    PageView { number: page.number, width: page.width.max(1.0), height: page.height.max(1.0), unit, lines }
}

const REGISTRY: [&str; 6] = ["siret", "siren", "rcs", "r.c.s", "registre", "immatricul"];

/// Words sharing a line: vertical centres within half the smaller height
/// of the line's (mean) centre, and not stacked over a word already there.
fn group_lines(words: &[(String, BBox)]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by(|&a, &b| words[a].1.center_y().total_cmp(&words[b].1.center_y()).then(words[a].1.x0.total_cmp(&words[b].1.x0)));
    // Text printed upwards (a sidebar's rotated line, read by OCR as one
    // tall narrow word) is a line of its own: its height would otherwise
    // pull the words beside it, on several printed lines, into one.
    let upright = |i: usize| {
        let (t, b) = (&words[i].0, words[i].1);
        t.chars().count() >= 3 && b.height() > 1.5 * b.width()
    };
    // (mean centre, mean height, members)
    let mut lines: Vec<(f64, f64, Vec<usize>)> = Vec::new();
    let mut alone: Vec<(f64, f64, Vec<usize>)> = Vec::new();
    for &i in &order {
        let b = words[i].1;
        let (cy, h) = (b.center_y(), b.height().max(1.0));
        if upright(i) {
            alone.push((cy, h, vec![i]));
            continue;
        }
        let mut best: Option<(usize, f64)> = None;
        for (li, (acy, ah, members)) in lines.iter().enumerate().rev() {
            if *acy < cy - 3.0 * h.max(*ah) {
                break;
            }
            let d = (cy - acy).abs();
            // A box of next to no height (OCR boxes a speck with the digit
            // beside it: ".6" 1 pt high in "6 juin 2026") joins the line
            // whose band it lies in.
            let tolerance = if h < 0.3 * *ah { 0.5 * *ah } else { 0.5 * h.min(*ah) };
            if d > tolerance {
                continue;
            }
            // Over or under a word of the line, not beside it: OCR boxes of
            // neighbours on one printed line may overlap ("2989,34" and "€").
            let stacked = members.iter().any(|&m| {
                let (o, mb) = (h_overlap(&words[m].1, &b), words[m].1);
                o > 0.5 * mb.width().min(b.width()).max(0.1) && (mb.center_y() - cy).abs() > 0.2 * mb.height().min(h)
            });
            if !stacked && best.is_none_or(|(_, bd)| d < bd) {
                best = Some((li, d));
            }
        }
        match best {
            // The line's centre follows its members (mean), so one odd word
            // first in line (a rotated sidebar letter) does not decide for all.
            Some((li, _)) => {
                let l = &mut lines[li];
                let n = l.2.len() as f64;
                l.0 = (l.0 * n + cy) / (n + 1.0);
                l.1 = (l.1 * n + h) / (n + 1.0);
                l.2.push(i);
            }
            None => lines.push((cy, h, vec![i])),
        }
    }
    lines.extend(alone);
    lines
        .into_iter()
        .map(|(_, _, mut m)| {
            m.sort_by(|&a, &b| words[a].1.x0.total_cmp(&words[b].1.x0));
            m
        })
        .collect()
}

/// "FR76", "DE89": two capitals and two check digits.
fn iban_head(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 4 && b[..2].iter().all(u8::is_ascii_uppercase) && b[2..].iter().all(u8::is_ascii_digit)
}

/// Whether a VAT id or an IBAN with a valid checksum runs across the gap
/// between the words before (`left`) and from (`right`): OCR spaces the
/// groups of "FR 92 335436341" as far apart as columns.
fn id_across(words: &[(String, BBox)], confs: &[f32], left: &[usize], right: &[usize]) -> bool {
    let (Some(&l), Some(&r)) = (left.last(), right.first()) else { return false };
    let (lw, rw) = (&words[l].0, &words[r].0);
    // Cheap test first: digits on the right, a digit or a country code on the left.
    let country = lw.len() <= 3 && lw.chars().all(|c| c.is_ascii_uppercase());
    if !rw.starts_with(|c: char| c.is_ascii_digit()) || !(country || lw.chars().any(|c| c.is_ascii_digit())) {
        return false;
    }
    let head: Vec<&str> = left[left.len().saturating_sub(4)..].iter().map(|&k| words[k].0.as_str()).collect();
    let tail: Vec<&str> = right.iter().take(4).map(|&k| words[k].0.as_str()).collect();
    let (a, b) = (head.join(" "), tail.join(" "));
    let text = format!("{a} {b}");
    let ocr = confs[l] < 1.0 || confs[r] < 1.0;
    scan_ids_read(&text, false, ocr).iter().any(|id| id.start < a.len() && id.end > a.len() + 1)
}

/// Whether a label runs across the gap between OCR'd words ("REF." |
/// "FACTURE"): tesseract's tight boxes of letter-spaced capitals stand as
/// far apart as columns. Born-digital text is split as printed.
fn label_across(words: &[(String, BBox)], confs: &[f32], left: &[usize], right: &[usize]) -> bool {
    let (Some(&l), Some(&r)) = (left.last(), right.first()) else { return false };
    if confs[l] >= 1.0 && confs[r] >= 1.0 {
        return false;
    }
    let tokens = |ks: &[usize]| -> Vec<(String, bool)> { ks.iter().flat_map(|&k| phrase_tokens(&fold(&words[k].0)).into_iter().map(move |t| (t, confs[k] < 1.0))).collect() };
    let (a, b) = (tokens(&left[left.len().saturating_sub(3)..]), tokens(&right[..right.len().min(3)]));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let all: Vec<&(String, bool)> = a.iter().chain(&b).collect();
    let refs: Vec<&str> = all.iter().map(|t| t.0.as_str()).collect();
    let ocr: Vec<bool> = all.iter().map(|t| t.1).collect();
    find_labels(&refs, &ocr).iter().any(|m| m.first < a.len() && m.last >= a.len())
}

fn build_line(words: &[(String, BBox)], confs: &[f32], idxs: &[usize]) -> Line {
    // Phrases: a gap wider than ~0.8 of the text height separates columns.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (n, &i) in idxs.iter().enumerate() {
        let b = words[i].1;
        let split = match groups.last().and_then(|g| g.last()) {
            Some(&p) => {
                let pb = words[p].1;
                let gap = b.x0 - pb.x1;
                let (lo, hi) = (pb.height().min(b.height()), pb.height().max(b.height()));
                // A speck-sized OCR box (".6") is measured by its neighbour.
                let h = if lo < 0.3 * hi { hi } else { lo }.max(1.0);
                // An IBAN's first group ("FR76") is never a phrase of its own:
                // OCR boxes and some layouts space it away from the rest.
                let joins_iban = iban_head(&words[p].0) && gap < 3.0 * h && words[i].0.starts_with(|c: char| c.is_ascii_digit());
                let left = groups.last().map_or(&[][..], |g| g);
                gap > 0.8 * h
                    && !joins_iban
                    && !(gap < 3.0 * h && id_across(words, confs, left, &idxs[n..]))
                    && !(gap < 2.0 * h && label_across(words, confs, left, &idxs[n..]))
            }
            None => true,
        };
        if split {
            groups.push(vec![i]);
        } else if let Some(g) = groups.last_mut() {
            g.push(i);
        }
    }
    let phrases: Vec<Phrase> = groups.iter().map(|g| make_phrase(words, confs, g)).collect();
    let bbox = phrases.iter().skip(1).fold(phrases[0].bbox, |acc, p| acc.union(&p.bbox));
    Line { bbox, phrases, items: Vec::new() }
}

fn make_phrase(words: &[(String, BBox)], confs: &[f32], idxs: &[usize]) -> Phrase {
    let mut raw = String::new();
    let mut norm = String::new();
    let mut ws = Vec::new();
    let mut bbox = words[idxs[0]].1;
    for (k, &i) in idxs.iter().enumerate() {
        if k > 0 {
            raw.push(' ');
            norm.push(' ');
        }
        let (t, b) = &words[i];
        let rs = raw.len();
        raw.push_str(t);
        let ns = norm.len();
        norm.push_str(&fold(t));
        ws.push(PWord { raw: (rs, raw.len()), norm: (ns, norm.len()), bbox: *b, conf: confs[i] });
        bbox = bbox.union(b);
    }
    Phrase { bbox, raw, norm, words: ws }
}

fn phrase_items(p: &Phrase, pi: usize, order: DateOrder, registry: bool, out: &mut Vec<Item>) {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let push = |kind: ItemKind, s: usize, e: usize, out: &mut Vec<Item>, taken: &mut Vec<(usize, usize)>| {
        taken.push((s, e));
        out.push(Item { kind, bbox: p.span_bbox(s, e, false), phrase: pi, text: p.raw[s..e].to_string(), span: (s, e), conf: p.conf_of(s, e) });
    };
    for id in scan_ids_read(&p.raw, registry, p.read_by_ocr()) {
        let (s, e) = (id.start, id.end);
        push(ItemKind::Id(id), s, e, out, &mut taken);
    }
    for (s, e, d) in scan_dates(&p.raw, order) {
        if taken.iter().all(|&(a, b)| e <= a || b <= s) {
            push(ItemKind::Date(d), s, e, out, &mut taken);
        }
    }
    for (s, e, v) in scan_percents(&p.raw, &taken) {
        push(ItemKind::Percent(v), s, e, out, &mut taken);
    }
    for (s, e, a) in scan_amounts(&p.raw, &taken) {
        push(ItemKind::Amount(a), s, e, out, &mut taken);
    }

    // Labels over the uncovered words (a word's uncovered head counts:
    // "Total:120,00" still has its label).
    struct Tok {
        text: String,
        word: usize,
        /// Byte end in `p.raw`, when folding kept the word's length.
        end: Option<usize>,
        first: bool,
        last: bool,
    }
    let mut runs: Vec<Vec<Tok>> = vec![Vec::new()];
    let mut free_words: Vec<Option<(usize, usize)>> = Vec::new();
    for (wi, w) in p.words.iter().enumerate() {
        let (ws, we) = w.raw;
        let cut = taken.iter().filter(|&&(s, e)| s < we && ws < e).map(|&(s, _)| s.max(ws)).min();
        let head_end = cut.unwrap_or(we);
        if head_end > ws && p.raw[ws..head_end].chars().any(|c| c.is_alphanumeric() || c == '#') {
            free_words.push(Some((ws, head_end)));
            let head = &p.raw[ws..head_end];
            let folded = fold(head);
            let same_len = folded.len() == head.len();
            let toks = word_tokens(&folded);
            let n = toks.len();
            for (k, (t, _, te)) in toks.into_iter().enumerate() {
                runs.last_mut().expect("run").push(Tok { text: t, word: wi, end: same_len.then_some(ws + te), first: k == 0, last: k + 1 == n });
            }
        } else {
            free_words.push(None);
        }
        if cut.is_some() {
            runs.push(Vec::new());
        }
    }
    let mut in_label = vec![false; p.words.len()];
    for run in &runs {
        let refs: Vec<&str> = run.iter().map(|t| t.text.as_str()).collect();
        let ocr: Vec<bool> = run.iter().map(|t| p.words[t.word].conf < 1.0).collect();
        for m in find_labels(&refs, &ocr) {
            // A label is whole words ("PO-5561" holds no "PO" label), except
            // a number sign glued to its value ("N°2026-001").
            if !run[m.first].first || !(run[m.last].last || run[m.last].text == "no") {
                continue;
            }
            let (w0, w1) = (run[m.first].word, run[m.last].word);
            let s = p.words[w0].raw.0;
            let head_end = free_words[w1].map(|f| f.1).unwrap_or(p.words[w1].raw.1);
            let mut e = head_end;
            // "N°2026-001", "Nr.12345": the label ends inside the word; the
            // rest of the word is the value.
            if let Some(te) = run[m.last].end.filter(|&te| te < head_end) {
                let rest = &p.raw[te..head_end];
                let lead = rest.len() - rest.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
                if rest[lead..].chars().any(|c| c.is_ascii_digit()) {
                    e = te;
                    let (rs, re) = (te + lead, head_end);
                    out.push(Item {
                        kind: ItemKind::Word,
                        bbox: p.span_bbox(rs, re, false),
                        phrase: pi,
                        text: p.raw[rs..re].to_string(),
                        span: (rs, re),
                        conf: p.conf_of(rs, re),
                    });
                }
            }
            for f in in_label.iter_mut().take(w1 + 1).skip(w0) {
                *f = true;
            }
            let text = p.raw[s..e].trim_end_matches([':', ' ', '.']).to_string();
            let text = if text.is_empty() { p.raw[s..e].to_string() } else { text };
            out.push(Item {
                kind: ItemKind::Label { kind: m.kind, strength: m.strength },
                bbox: p.span_bbox(s, e, false),
                phrase: pi,
                text,
                span: (s, e),
                conf: p.conf_of(s, e),
            });
        }
    }
    for (wi, f) in free_words.iter().enumerate() {
        if let (Some((s, e)), false) = (f, in_label[wi]) {
            out.push(Item {
                kind: ItemKind::Word,
                bbox: p.span_bbox(*s, *e, false),
                phrase: pi,
                text: p.raw[*s..*e].to_string(),
                span: (*s, *e),
                conf: p.conf_of(*s, *e),
            });
        }
    }
}

/// The document's language by its most frequent function words.
fn detect_lang(pages: &[Page]) -> Lang {
    let (mut fr, mut en, mut de) = (0u32, 0u32, 0u32);
    for p in pages {
        for w in &p.words {
            let f = fold(w.text.trim_matches(|c: char| !c.is_alphanumeric()));
            match f.as_str() {
                "facture" | "tva" | "ttc" | "ht" | "le" | "la" | "les" | "du" | "des" | "et" | "montant" | "echeance" | "payer" | "avoir" | "reglement" => {
                    fr += 1
                }
                "invoice" | "the" | "and" | "of" | "amount" | "due" | "vat" | "tax" | "bill" | "subtotal" | "payment" => en += 1,
                "rechnung" | "und" | "der" | "die" | "das" | "betrag" | "mwst" | "ust" | "netto" | "brutto" | "zahlbar" | "datum" | "summe" | "bis"
                | "gesamtbetrag" => de += 1,
                _ => {}
            }
        }
    }
    if en > fr && en > de {
        Lang::En
    } else if de > fr && de >= en {
        Lang::De
    } else {
        Lang::Fr
    }
}

/// US conventions: dollars and no euro, or US-only wording.
fn looks_us(pages: &[Page]) -> bool {
    let mut dollar = false;
    let mut other = false;
    for p in pages {
        for w in &p.words {
            let t = w.text.as_str();
            if t.contains('$') || t == "USD" || t.eq_ignore_ascii_case("zip") {
                dollar = true;
            }
            if t.contains('€') || t.contains('£') || t == "EUR" || t == "GBP" || t.eq_ignore_ascii_case("vat") {
                other = true;
            }
        }
    }
    dollar && !other
}

#[cfg(test)]
mod tests {
    use super::super::testutil::page_from_text;
    use super::*;

    fn kinds(line: &Line) -> Vec<String> {
        line.items
            .iter()
            .map(|i| match &i.kind {
                ItemKind::Label { kind, .. } => format!("L:{kind:?}"),
                ItemKind::Amount(a) => format!("A:{}", a.value),
                ItemKind::Percent(p) => format!("P:{p}"),
                ItemKind::Date(d) => format!("D:{d}"),
                ItemKind::Id(id) => format!("I:{}", id.value),
                ItemKind::Word => format!("W:{}", i.text),
            })
            .collect()
    }

    #[test]
    fn lines_phrases_and_items() {
        let page = page_from_text(1, "ACME SAS          Facture N° : F-2026-001\n\nTotal HT   1 234,56 €\nTVA 20 % :  246,91\nDate : 15 mars 2026");
        let doc = Doc::build(&[page]);
        let p = &doc.pages[0];
        assert_eq!(p.lines.len(), 4);
        assert_eq!(p.lines[0].phrases.len(), 2);
        assert_eq!(kinds(&p.lines[0]), ["W:ACME", "W:SAS", "L:InvoiceNumber", "W:F-2026-001"]);
        assert_eq!(kinds(&p.lines[1]), ["L:Net", "A:1234.56"]);
        assert_eq!(kinds(&p.lines[2]), ["L:Vat", "P:20", "A:246.91"]);
        assert_eq!(kinds(&p.lines[3]), ["L:InvoiceDate", "D:2026-03-15"]);
    }

    #[test]
    fn words_out_of_order_and_mixed_heights_share_a_line() {
        use crate::capture::{TextSource, Word};
        let w = |t: &str, x0: f64, y0: f64, x1: f64, y1: f64| Word { text: t.into(), bbox: BBox::new(x0, y0, x1, y1), confidence: 1.0 };
        let page = Page {
            number: 1,
            width: 595.0,
            height: 842.0,
            source: TextSource::Digital,
            words: vec![
                w("F20260023", 439.1, 39.2, 478.4, 48.0),
                w("FACTURE", 297.5, 40.2, 325.5, 47.6),
                w("N°", 327.1, 40.2, 334.4, 47.6),
                w(":", 336.1, 40.2, 338.1, 47.6),
                w("Date", 297.5, 53.0, 312.0, 60.5),
            ],
        };
        let doc = Doc::build(&[page]);
        let l = &doc.pages[0].lines;
        assert_eq!(l.len(), 2);
        assert_eq!(kinds(&l[0]), ["L:InvoiceNumber", "W:F20260023"]);
    }

    #[test]
    fn label_glued_to_value() {
        let doc = Doc::build(&[page_from_text(1, "Total:120,00")]);
        assert_eq!(kinds(&doc.pages[0].lines[0]), ["L:Gross", "A:120.00"]);
    }

    #[test]
    fn language_and_date_order() {
        let doc = Doc::build(&[page_from_text(1, "Invoice\nAmount due $ 1,200.00\nDate 03/04/2026")]);
        assert_eq!(doc.lang, Lang::En);
        assert_eq!(doc.order, DateOrder::MonthFirst);
        let doc = Doc::build(&[page_from_text(1, "Rechnung\nGesamtbetrag 1.200,00 €\nDatum 03.04.2026")]);
        assert_eq!(doc.lang, Lang::De);
    }
}
