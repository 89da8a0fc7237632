//! Net, VAT and gross totals, chosen together, and the VAT breakdown.
//!
//! Every labelled amount is a candidate for its role; the chosen triple is
//! the one that best satisfies net + VAT (+ marks that count) = gross with
//! plausible numbers, preferring strong labels, values right of their label,
//! amounts with decimals, and the bottom of the last page. A breakdown table
//! (rate | base | amount in any column order, or "TVA 20 % sur 100,00 :
//! 20,00") supplies rows, and its sums are candidates too, so a document
//! that prints only the gross and the breakdown still gets its net and VAT
//! (marked `derived`).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::capture::BBox;

use super::amount::{format_amount, normalize_rate};
use super::fields::{below_or_above, column_continues, label_source, labels, right_of, At, Rel};
use super::layout::{h_overlap, Doc, Item, ItemKind, Lang, Line};
use super::lexicon::LabelKind;
use super::{Field, VatLine};

/// Rates in force in the EU, Switzerland and the UK, for a breakdown that
/// prints no rate.
const STANDARD_RATES: [&str; 24] =
    ["20", "10", "5.5", "2.1", "8.5", "13", "19", "7", "21", "12", "6", "9", "22", "4", "5", "17", "14", "3", "23", "8.1", "2.6", "3.8", "16", "25"];

#[derive(Debug, Clone)]
pub(crate) struct AmountCand {
    pub value: Decimal,
    pub at: Option<At>,
    pub page: u32,
    pub bbox: BBox,
    pub source: String,
    pub score: f32,
    pub derived: bool,
    /// Capture confidence of the value's words (OCR); 1 for digital text.
    pub ocr: f32,
    /// Found under its label (a column), not beside it.
    pub under: bool,
}

/// A value fixed in advance (a supplier mark), not to be second-guessed.
#[derive(Debug, Clone)]
pub(crate) struct Fixed {
    pub net: Option<Field>,
    pub vat: Option<Field>,
    pub gross: Option<Field>,
}

#[derive(Debug, Default)]
pub(crate) struct Totals {
    pub net: Option<Field>,
    pub vat: Option<Field>,
    pub gross: Option<Field>,
    pub gross_at: Option<At>,
    pub breakdown: Vec<VatLine>,
}

/// One breakdown row found on a line.
#[derive(Debug, Clone)]
struct Row {
    pi: usize,
    li: usize,
    line: VatLine,
}

pub(crate) fn recognize(doc: &Doc, tol: Decimal, extras: Decimal, fixed: &Fixed) -> Totals {
    let sets = breakdown_sets(doc, tol);
    let row_lines: Vec<(usize, usize)> = sets.iter().flatten().map(|r| (r.pi, r.li)).collect();
    let (mut nets, mut vats, mut grosses) = candidates(doc, &row_lines);
    if let Some(z) = zero_vat(doc) {
        vats.push(z);
    }
    let all = union(&sets);
    let extra_union = if sets.len() > 1 { Some(all) } else { None };
    for set in sets.iter().chain(extra_union.iter()) {
        let (b, a) = sums(set);
        let first = &set[0];
        let page = doc.pages[first.pi].number;
        let bbox = set_bbox(doc, set);
        nets.push(AmountCand { value: b, at: None, page, bbox, source: "derived:vat_breakdown".into(), score: 0.55, derived: true, ocr: 1.0, under: false });
        vats.push(AmountCand { value: a, at: None, page, bbox, source: "derived:vat_breakdown".into(), score: 0.55, derived: true, ocr: 1.0, under: false });
    }
    for (list, f) in [(&mut nets, &fixed.net), (&mut vats, &fixed.vat), (&mut grosses, &fixed.gross)] {
        if let Some(f) = f {
            if let Some(v) = f.value.parse::<Decimal>().ok() {
                list.clear();
                list.push(AmountCand { value: v, at: None, page: f.page, bbox: f.bbox, source: f.source.clone(), score: 3.0, derived: false, ocr: 1.0, under: false });
            }
        }
    }
    // "TVA (8.1%) 68.88 / TVA (3.8%) 59.83 / TVA (2.6%) 11.51" without a
    // VAT total: their sum is one.
    if let Some(c) = vat_lines_sum(doc) {
        vats.push(c);
    }
    let zero_text = vats.iter().any(|v| v.source.starts_with("text:"));
    let rates = expected_rates(doc);
    // Bases and amounts of the breakdowns of several rates: a net and a VAT
    // that both equal one's sums are confirmed by every row of it.
    let multi: Vec<(Decimal, Decimal)> = sets.iter().filter(|s| s.len() >= 2).map(|s| sums(s)).collect();
    let choice = choose(&nets, &vats, &grosses, tol, extras, zero_text, &rates, &multi);

    let mut t = Totals::default();
    let conf = |c: &AmountCand, consistent: bool| -> f32 {
        if c.source.starts_with("mark:") {
            return 0.95;
        }
        let base = if consistent { 0.8 + 0.2 * c.score.min(1.0) } else { 0.35 + 0.3 * c.score.min(1.0) };
        if c.derived {
            base.min(0.8)
        } else {
            base.min(0.99)
        }
    };
    let as_field = |c: &AmountCand, consistent: bool| Field {
        value: format_amount(c.value),
        page: c.page,
        bbox: c.bbox,
        source: c.source.clone(),
        confidence: conf(c, consistent) * c.ocr,
    };
    let Choice { net, vat, gross, consistent } = choice;
    let rival = |list: &[AmountCand], chosen: &AmountCand| list.iter().any(|c| c.value != chosen.value && !c.derived && c.score >= chosen.score * 0.9);
    if let Some(g) = &gross {
        let mut f = as_field(g, consistent);
        if !consistent && rival(&grosses, g) {
            f.confidence *= 0.8;
        }
        t.gross = Some(f);
        t.gross_at = g.at;
    }
    if let Some(n) = &net {
        t.net = Some(as_field(n, consistent));
    }
    if let Some(v) = &vat {
        t.vat = Some(as_field(v, consistent));
    }
    // Complete a missing third value from the other two.
    let derived_conf = if consistent { 0.75 } else { 0.4 };
    match (&t.net, &t.vat, &t.gross) {
        (Some(n), Some(v), None) => {
            let g = dec(n) + dec(v) + extras;
            t.gross = Some(derived(g, "derived:net+vat", n, v, derived_conf));
        }
        (Some(n), None, Some(g)) => {
            let v = dec(g) - dec(n) - extras;
            t.vat = Some(derived(v, "derived:gross-net", g, n, derived_conf));
        }
        (None, Some(v), Some(g)) => {
            let n = dec(g) - dec(v) - extras;
            t.net = Some(derived(n, "derived:gross-vat", g, v, derived_conf));
        }
        _ => {}
    }

    let (net, vat) = (t.net.as_ref().map(dec), t.vat.as_ref().map(dec));
    t.breakdown = match pick_breakdown(&sets, net, vat, tol) {
        Some(b) => b,
        None => {
            // No table: one rate that explains the totals, or the item lines
            // summed per rate. A table that disagrees is kept: its check
            // fails and says why.
            let fallback = match (net, vat) {
                (Some(n), Some(v)) if sets.is_empty() => Some(single_rate(doc, n, v, tol)).filter(|b| !b.is_empty()).or_else(|| item_rates(doc, n, v, tol)),
                _ => None,
            };
            fallback.unwrap_or_else(|| sets.iter().max_by_key(|s| s.len()).map(|s| s.iter().map(|r| r.line.clone()).collect()).unwrap_or_default())
        }
    };
    t
}

impl Totals {
    /// A credit note's totals and breakdown as magnitudes.
    pub fn to_magnitudes(&mut self) {
        for f in [&mut self.net, &mut self.vat, &mut self.gross].into_iter().flatten() {
            if let Some(v) = f.value.strip_prefix('-') {
                f.value = v.to_string();
            }
        }
        for l in &mut self.breakdown {
            l.base = l.base.abs();
            l.amount = l.amount.abs();
        }
    }
}

fn dec(f: &Field) -> Decimal {
    f.value.parse().unwrap_or_default()
}

fn derived(v: Decimal, source: &str, a: &Field, b: &Field, conf: f32) -> Field {
    let bbox = if a.page == b.page { a.bbox.union(&b.bbox) } else { a.bbox };
    Field { value: format_amount(v), page: a.page, bbox, source: source.into(), confidence: conf }
}

/// Labelled amounts for each role.
fn candidates(doc: &Doc, row_lines: &[(usize, usize)]) -> (Vec<AmountCand>, Vec<AmountCand>, Vec<AmountCand>) {
    let (mut nets, mut vats, mut grosses) = (Vec::new(), Vec::new(), Vec::new());
    let last_page = doc.pages.len().saturating_sub(1);
    for (at, kind, strength, label) in labels(doc, &[LabelKind::Net, LabelKind::Vat, LabelKind::Gross]) {
        let right: Vec<(At, &Item)> = right_of(doc, at).into_iter().filter(|(_, it)| it.amount().is_some()).collect();
        let found = if right.is_empty() {
            below_or_above(doc, at, |it| it.amount().is_some())
        } else {
            // Several amounts right of a total label: the last with decimals
            // ("Total 3 articles 120,00"; a row "TVA 20 % 100,00 20,00").
            let pick = right.iter().rev().find(|(_, it)| it.amount().is_some_and(|a| a.decimals)).or(right.last());
            pick.map(|(a, it)| (*a, *it, Rel::Right))
        };
        let Some((vat_at, it, rel)) = found else { continue };
        let Some(a) = it.amount() else { continue };
        let page = &doc.pages[vat_at.pi];
        let mut score = strength * rel.factor();
        if !a.decimals {
            score *= if a.currency.is_some() { 0.8 } else { 0.45 };
        }
        if at.pi != last_page {
            score *= 0.9;
        }
        // Lower on the page is more likely the summary.
        score += 0.1 * (it.bbox.center_y() / page.height) as f32;
        if row_lines.contains(&(vat_at.pi, vat_at.li)) {
            score *= 0.7;
        }
        // Under a column header, a value followed by more values is a table
        // cell (the first item line), not a total.
        if rel != Rel::Right && column_continues(doc, vat_at, |o| o.amount().is_some()) {
            score *= 0.55;
        }
        let c =
            AmountCand { value: a.value, at: Some(vat_at), page: page.number, bbox: it.bbox, source: label_source(label), score, derived: false, ocr: it.conf, under: rel != Rel::Right };
        let list = match kind {
            LabelKind::Net => &mut nets,
            LabelKind::Vat => &mut vats,
            _ => &mut grosses,
        };
        if !list.iter().any(|x: &AmountCand| x.at == c.at) {
            list.push(c);
        }
    }
    // A totals row under column headers ("Total | 1 500,00 | 300,00 |
    // 1 800,00" under "Montant HT | TVA | Montant TTC"): each amount is a
    // candidate for its column's header.
    for (pi, page) in doc.pages.iter().enumerate() {
        for (li, line) in page.lines.iter().enumerate() {
            let starts_total = line.items.first().is_some_and(|it| matches!(it.label(), Some((LabelKind::Gross | LabelKind::Net, _))));
            let amounts: Vec<(usize, &Item)> = line.items.iter().enumerate().filter(|(_, it)| it.amount().is_some_and(|a| a.decimals)).collect();
            if !starts_total || amounts.len() < 2 {
                continue;
            }
            for &(ii, it) in &amounts {
                let Some((kind, strength, header)) = header_above(doc, pi, li, &it.bbox) else { continue };
                let Some(a) = it.amount() else { continue };
                let mut score = strength * 0.9 + 0.1 * (it.bbox.center_y() / page.height) as f32;
                if pi != last_page {
                    score *= 0.9;
                }
                let c = AmountCand {
                    value: a.value,
                    at: Some(At { pi, li, ii }),
                    page: page.number,
                    bbox: it.bbox,
                    source: label_source(header),
                    score,
                    derived: false,
                    ocr: it.conf,
                    under: false,
                };
                let list = match kind {
                    LabelKind::Net => &mut nets,
                    LabelKind::Vat => &mut vats,
                    _ => &mut grosses,
                };
                if !list.iter().any(|x: &AmountCand| x.at == c.at) {
                    list.push(c);
                }
            }
        }
    }
    (nets, vats, grosses)
}

/// The nearest net/VAT/gross column header above a box on its page.
fn header_above<'a>(doc: &'a Doc, pi: usize, li: usize, b: &BBox) -> Option<(LabelKind, f32, &'a Item)> {
    let page = &doc.pages[pi];
    for l in page.lines[..li].iter().rev().take(60) {
        for it in &l.items {
            if let Some((k @ (LabelKind::Net | LabelKind::Vat | LabelKind::Gross), s)) = it.label() {
                if h_overlap(&it.bbox, b) > 0.0 {
                    return Some((k, s, it));
                }
            }
        }
    }
    None
}

/// Lines each giving one rate and its VAT amount, next to each other: the
/// sum of their amounts.
fn vat_lines_sum(doc: &Doc) -> Option<AmountCand> {
    let mut best: Option<AmountCand> = None;
    for p in &doc.pages {
        let mut run: Vec<(Decimal, Decimal, BBox)> = Vec::new();
        let flush = |run: &mut Vec<(Decimal, Decimal, BBox)>, best: &mut Option<AmountCand>| {
            let distinct = run.iter().map(|r| r.0).collect::<std::collections::BTreeSet<_>>().len();
            if run.len() >= 2 && distinct == run.len() {
                let sum: Decimal = run.iter().map(|r| r.1).sum();
                let bbox = run.iter().skip(1).fold(run[0].2, |b, r| b.union(&r.2));
                *best =
                    Some(AmountCand { value: sum, at: None, page: p.number, bbox, source: "derived:vat_lines".into(), score: 0.6, derived: true, ocr: 1.0, under: false });
            }
            run.clear();
        };
        for l in &p.lines {
            // One rate (printed once or twice: "19% 31,80 Umsatzsteuer 19 % 5,08"),
            // and the last amount after the VAT label is the VAT.
            let label = l.items.iter().find(|it| matches!(it.label(), Some((LabelKind::Vat, _))));
            let rates: std::collections::BTreeSet<Decimal> = l.items.iter().filter_map(|it| it.percent()).collect();
            let amount = label.and_then(|lb| l.items.iter().filter(|it| it.bbox.x0 >= lb.bbox.x1 - 0.5 && it.amount().is_some_and(|a| a.decimals)).last());
            match (rates.len(), amount) {
                (1, Some(a)) => run.push((*rates.iter().next().expect("one rate"), a.amount().map(|x| x.value).unwrap_or_default(), a.bbox)),
                _ => flush(&mut run, &mut best),
            }
        }
        flush(&mut run, &mut best);
    }
    best
}

/// "TVA non applicable, art. 293 B du CGI", reverse charge, Kleinunternehmer:
/// the VAT is zero.
fn zero_vat(doc: &Doc) -> Option<AmountCand> {
    const PHRASES: [&str; 14] = [
        "tva non applicable",
        "293 b",
        "exonere de tva",
        "exoneration de tva",
        "autoliquidation",
        "reverse charge",
        "vat exempt",
        "exempt from vat",
        "no vat charged",
        "steuerfrei",
        "19 ustg",
        "kleinunternehmer",
        "steuerschuldnerschaft des leistungsempfangers",
        "franchise en base de tva",
    ];
    for p in &doc.pages {
        for l in &p.lines {
            for ph in &l.phrases {
                if let Some(k) = PHRASES.iter().find(|k| ph.norm.contains(*k)) {
                    return Some(AmountCand {
                        value: Decimal::ZERO,
                        at: None,
                        page: p.number,
                        bbox: ph.bbox,
                        source: format!("text:{k:?}"),
                        score: 0.7,
                        derived: false,
                        ocr: 1.0,
                        under: false,
                    });
                }
            }
        }
    }
    None
}

struct Choice<'a> {
    net: Option<&'a AmountCand>,
    vat: Option<&'a AmountCand>,
    gross: Option<&'a AmountCand>,
    consistent: bool,
}

fn top(list: &[AmountCand], n: usize) -> Vec<Option<&AmountCand>> {
    let mut v: Vec<&AmountCand> = list.iter().collect();
    v.sort_by(|a, b| b.score.total_cmp(&a.score));
    v.truncate(n);
    let mut out: Vec<Option<&AmountCand>> = v.into_iter().map(Some).collect();
    out.push(None);
    out
}

/// VAT is between 0 and 30 % of the net, with the same sign.
fn plausible(net: Decimal, vat: Decimal, tol: Decimal) -> bool {
    if net.is_zero() {
        return vat.abs() <= tol;
    }
    let r = vat / net;
    r >= Decimal::new(-1, 3) && r <= Decimal::new(30, 2)
}

/// VAT / net is one of the expected rates (within rounding).
fn fits_rate(net: Decimal, vat: Decimal, tol: Decimal, rates: &[Decimal]) -> bool {
    !net.is_zero() && rates.iter().any(|r| (net * r / Decimal::ONE_HUNDRED - vat).abs() <= tol + net.abs() * Decimal::new(1, 4))
}

/// The rates a document may use: those it prints next to VAT words, and
/// the usual ones of its language's countries. (Not every EU rate: with
/// two dozen rates almost any ratio would "fit".)
fn expected_rates(doc: &Doc) -> Vec<Decimal> {
    let core: &[&str] = match doc.lang {
        Lang::Fr => &["20", "10", "5.5", "2.1", "8.5", "21", "6", "8.1"],
        Lang::De => &["19", "7", "20", "10", "13", "8.1", "2.6"],
        Lang::En => &["20", "5", "23", "13.5", "21", "9"],
    };
    let mut out: Vec<Decimal> = core.iter().filter_map(|r| r.parse().ok()).collect();
    for r in printed_rates(doc) {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Rates printed on lines that speak of VAT.
fn printed_rates(doc: &Doc) -> Vec<Decimal> {
    let mut printed: Vec<Decimal> = Vec::new();
    for p in &doc.pages {
        for l in p.lines.iter().filter(|l| vat_context(l)) {
            for it in &l.items {
                if let Some(r) = it.percent().filter(|r| *r >= Decimal::ZERO && *r <= Decimal::from(30)) {
                    if !printed.contains(&r) {
                        printed.push(r);
                    }
                }
            }
        }
    }
    printed
}

#[allow(clippy::too_many_arguments)]
fn choose<'a>(
    nets: &'a [AmountCand],
    vats: &'a [AmountCand],
    grosses: &'a [AmountCand],
    tol: Decimal,
    extras: Decimal,
    zero_text: bool,
    rates: &[Decimal],
    multi: &[(Decimal, Decimal)],
) -> Choice<'a> {
    let max_gross = grosses.iter().map(|g| g.value.abs()).max().unwrap_or_default();
    // Leaving a role empty while it has candidates costs more than its best
    // score: printed values are used before any is derived.
    let best_of = |l: &[AmountCand]| l.iter().map(|c| c.score).fold(0.0f32, f32::max);
    let (bn, bv, bg) = (best_of(nets), best_of(vats), best_of(grosses));
    let mut best: Option<(f32, Choice)> = None;
    for g in top(grosses, 10) {
        for n in top(nets, 10) {
            for v in top(vats, 10) {
                let ats: Vec<At> = [g, n, v].iter().flatten().filter_map(|c| c.at).collect();
                if (1..ats.len()).any(|i| ats[..i].contains(&ats[i])) {
                    continue;
                }
                let mut s: f32 = [g, n, v].iter().flatten().map(|c| c.score).sum();
                s -= 1.2 * [(n.is_none(), bn), (v.is_none(), bv), (g.is_none(), bg)].iter().filter(|x| x.0).map(|x| x.1).sum::<f32>();
                let mut consistent = false;
                // Several rates: no single rate explains the VAT, their table does.
                let by_table = matches!((n, v), (Some(n), Some(v)) if multi.iter().any(|(b, a)| (*b - n.value).abs() <= tol && (*a - v.value).abs() <= tol));
                if by_table {
                    s += 0.8;
                }
                match (n, v, g) {
                    (Some(n), Some(v), Some(g)) => {
                        if (n.value + v.value + extras - g.value).abs() <= tol && plausible(n.value, v.value, tol) {
                            s += 2.0;
                            consistent = true;
                        } else {
                            s -= 1.0;
                            // A "gross" equal to the net beside a real VAT is the net
                            // read twice (a column's "Total" over the lines' sum, when
                            // OCR lost the real total): deriving the gross is better.
                            if (g.value - n.value).abs() <= tol && v.value.abs() > tol {
                                s -= 1.0;
                            }
                        }
                    }
                    // Two values: the third is derived; believed when the
                    // implied rate is a real one.
                    (Some(n), None, Some(g)) => {
                        let v = g.value - n.value - extras;
                        let zero = v.abs() <= tol;
                        if plausible(n.value, v, tol) && (!zero || zero_text) {
                            consistent = fits_rate(n.value, v, tol, rates) || zero;
                            s += if consistent { 1.2 } else { -0.6 };
                        } else {
                            s -= 1.0;
                        }
                    }
                    (Some(n), Some(v), None) => {
                        if plausible(n.value, v.value, tol) {
                            consistent = by_table || fits_rate(n.value, v.value, tol, rates);
                            s += if consistent { 0.4 } else { -0.6 };
                        } else {
                            s -= 1.5;
                        }
                    }
                    (None, Some(v), Some(g)) => {
                        let n = g.value - v.value - extras;
                        if plausible(n, v.value, tol) && g.value.abs() > v.value.abs() {
                            consistent = fits_rate(n, v.value, tol, rates);
                            // A "VAT" that implies no real rate (a column
                            // headed "MwSt." listing prices) is worse than
                            // no VAT: the net would be derived from it.
                            s += match (consistent, v.under && !v.value.is_zero()) {
                                (true, _) => 1.0,
                                (false, false) => -0.6,
                                (false, true) => -0.6 - v.score - 1.2 * bv,
                            };
                        } else {
                            s -= 1.0;
                        }
                    }
                    (None, None, Some(_)) => {}
                    (_, _, None) => s -= 0.5,
                }
                if let Some(g) = g {
                    if !max_gross.is_zero() {
                        // The gross is usually the largest total.
                        s += 0.5 * (g.value.abs() / max_gross).to_f32().unwrap_or(0.0);
                    }
                }
                if best.as_ref().is_none_or(|(bs, _)| s > *bs + 1e-6) {
                    best = Some((s, Choice { net: n, vat: v, gross: g, consistent }));
                }
            }
        }
    }
    best.map(|b| b.1).unwrap_or(Choice { net: None, vat: None, gross: None, consistent: false })
}

/// Whether a line speaks of VAT (a VAT label or header word).
fn vat_context(line: &Line) -> bool {
    line.items.iter().any(|it| match it.label() {
        Some((LabelKind::Vat | LabelKind::VatTableHeader, _)) => true,
        _ => {
            matches!(it.kind, ItemKind::Word) && {
                let w = super::text::fold(it.text.trim_matches(|c: char| !c.is_alphanumeric()));
                matches!(w.as_str(), "tva" | "vat" | "mwst" | "ust" | "tax" | "steuer" | "iva" | "btw")
            }
        }
    })
}

/// A breakdown row on a line: a rate and two amounts with base × rate = amount.
fn row_on(line: &Line, tol: Decimal, bare_rates: bool) -> Option<VatLine> {
    let amounts: Vec<(usize, Decimal)> = line.items.iter().enumerate().filter_map(|(k, it)| it.amount().filter(|a| a.decimals).map(|a| (k, a.value))).collect();
    let mut rates: Vec<(usize, Decimal)> = line.items.iter().enumerate().filter_map(|(k, it)| it.percent().map(|p| (k, p))).collect();
    if rates.is_empty() && bare_rates {
        // Under a breakdown header the rate column may print "20,00" without %.
        rates = amounts.iter().filter(|(_, v)| STANDARD_RATES.iter().any(|r| r.parse::<Decimal>().ok() == Some(v.normalize()))).cloned().collect();
    }
    for &(rk, rate) in &rates {
        if rate > Decimal::from(30) {
            continue;
        }
        let mut best: Option<(Decimal, Decimal, Decimal)> = None; // (error, base, amount)
        for &(bk, base) in &amounts {
            for &(ak, amt) in &amounts {
                if bk == ak || bk == rk || ak == rk || base.is_zero() {
                    continue;
                }
                let ok = if rate.is_zero() { amt.is_zero() } else { base.is_sign_negative() == amt.is_sign_negative() && !amt.is_zero() };
                if !ok {
                    continue;
                }
                let err = (base * rate / Decimal::ONE_HUNDRED - amt).abs();
                let allowed = tol + base.abs() * Decimal::new(5, 4);
                if err <= allowed && best.is_none_or(|(e, b, _)| err < e || (err == e && base.abs() > b.abs())) {
                    best = Some((err, base, amt));
                }
            }
        }
        if let Some((_, base, amount)) = best {
            // An item line can mimic a row: quantity 5 at 20 % makes the unit
            // price a fifth of the line total. Unit × quantity = total gives it away.
            let qty_explains = line
                .items
                .iter()
                .filter_map(|it| it.amount())
                .any(|q| q.value != base && q.value != amount && q.value > Decimal::ONE && (amount * q.value - base).abs() <= tol);
            if !qty_explains {
                return Some(VatLine { rate: normalize_rate(rate), base, amount });
            }
        }
    }
    None
}

/// Rows in VAT context, grouped into contiguous sets (one table, or one
/// run of "TVA x % sur …" lines). Lines beside the rows (a sidebar, a
/// column of other text) do not interrupt a set.
fn breakdown_sets(doc: &Doc, tol: Decimal) -> Vec<Vec<Row>> {
    let mut sets: Vec<Vec<Row>> = Vec::new();
    for (pi, page) in doc.pages.iter().enumerate() {
        let mut header: Option<BBox> = None;
        let mut current: Vec<Row> = Vec::new();
        let mut span: Option<BBox> = None;
        for (li, line) in page.lines.iter().enumerate() {
            let ctx = vat_context(line);
            let row = if header.is_some() || ctx { row_on(line, tol, header.is_some()) } else { None };
            if let Some(r) = row {
                // The same row printed twice (a table and its summary line) counts once.
                if !current.iter().any(|c| c.line == r) {
                    current.push(Row { pi, li, line: r });
                }
                span = Some(span.map_or(line.bbox, |s| s.union(&line.bbox)));
                continue;
            }
            // Not a row: it ends the set (or the header's reach) only if it
            // stands in the same columns.
            let region = span.or(header);
            if let Some(reg) = region {
                if h_overlap(&reg, &line.bbox) <= 0.0 {
                    continue;
                }
            }
            if !current.is_empty() {
                sets.push(std::mem::take(&mut current));
                span = None;
            }
            // A header line: VAT words and no row; rows may follow.
            header = ctx.then_some(line.bbox);
        }
        if !current.is_empty() {
            sets.push(current);
        }
    }
    sets
}

fn sums(set: &[Row]) -> (Decimal, Decimal) {
    set.iter().fold((Decimal::ZERO, Decimal::ZERO), |(b, a), r| (b + r.line.base, a + r.line.amount))
}

fn set_bbox(doc: &Doc, set: &[Row]) -> BBox {
    let mut b: Option<BBox> = None;
    for r in set.iter().filter(|r| r.pi == set[0].pi) {
        let lb = doc.pages[r.pi].lines[r.li].bbox;
        b = Some(b.map_or(lb, |x| x.union(&lb)));
    }
    b.unwrap_or_default()
}

/// The breakdown agreeing with the chosen totals: one set, or all rows
/// together when a table is split.
fn pick_breakdown(sets: &[Vec<Row>], net: Option<Decimal>, vat: Option<Decimal>, tol: Decimal) -> Option<Vec<VatLine>> {
    let agrees = |rows: &[Row]| {
        let (b, a) = sums(rows);
        net.is_none_or(|n| (n - b).abs() <= tol) && vat.is_none_or(|v| (v - a).abs() <= tol)
    };
    let lines = |rows: &[Row]| rows.iter().map(|r| r.line.clone()).collect::<Vec<_>>();
    if let Some(s) = sets.iter().rev().find(|s| agrees(s)) {
        return Some(lines(s));
    }
    let all = union(sets);
    (sets.len() > 1 && agrees(&all)).then(|| lines(&all))
}

/// Item lines summed per rate ("Postage 1 8.06 20 % 8.06"): each line with
/// one rate and a line total. Believed only when the sums give the net, and
/// the printed VAT per rate ("VAT @ 20 % 22.90") or the VAT total agrees.
fn item_rates(doc: &Doc, net: Decimal, vat: Decimal, tol: Decimal) -> Option<Vec<VatLine>> {
    let mut bases: Vec<(Decimal, Decimal)> = Vec::new();
    let mut printed: Vec<(Decimal, Decimal)> = Vec::new();
    let mut lines = 0usize;
    for p in &doc.pages {
        for l in &p.lines {
            let rates: Vec<Decimal> = l.items.iter().filter_map(|it| it.percent()).collect();
            let amounts: Vec<Decimal> = l.items.iter().filter_map(|it| it.amount().filter(|a| a.decimals).map(|a| a.value)).collect();
            // A totals line starts with its label; an item line with its
            // description (which may contain "tax": "Monthly tax journal").
            let labelled = l.items.first().is_some_and(|it| matches!(it.label(), Some((LabelKind::Net | LabelKind::Vat | LabelKind::Gross, _))));
            match (rates.as_slice(), amounts.as_slice()) {
                ([r], [.., total]) if !labelled && amounts.len() >= 2 => {
                    lines += 1;
                    match bases.iter_mut().find(|b| b.0 == *r) {
                        Some(b) => b.1 += *total,
                        None => bases.push((*r, *total)),
                    }
                }
                ([r], [a]) if labelled && vat_context(l) => printed.push((*r, *a)),
                _ => {}
            }
        }
    }
    let sum: Decimal = bases.iter().map(|b| b.1).sum();
    if lines < 2 || bases.len() < 2 || (sum - net).abs() > tol {
        return None;
    }
    let out: Vec<VatLine> = bases
        .iter()
        .map(|(r, b)| {
            let amount = printed.iter().find(|p| p.0 == *r).map(|p| p.1).unwrap_or_else(|| (*b * *r / Decimal::ONE_HUNDRED).round_dp(2));
            VatLine { rate: normalize_rate(*r), base: *b, amount }
        })
        .collect();
    let vat_sum: Decimal = out.iter().map(|l| l.amount).sum();
    ((vat_sum - vat).abs() <= tol).then_some(out)
}

/// Every row of every set, each distinct row once.
fn union(sets: &[Vec<Row>]) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for r in sets.iter().flatten() {
        if !out.iter().any(|o| o.line == r.line) {
            out.push(r.clone());
        }
    }
    out
}

/// No table: a single printed rate on a VAT line ("TVA 20 %"), or the one
/// standard rate that explains VAT / net.
fn single_rate(doc: &Doc, net: Decimal, vat: Decimal, tol: Decimal) -> Vec<VatLine> {
    if net.is_zero() {
        return Vec::new();
    }
    let printed = printed_rates(doc);
    // "VAT at 0 %" printed with a zero VAT: one line at 0 %.
    if vat.is_zero() {
        return if printed.iter().any(|r| r.is_zero()) { vec![VatLine { rate: Decimal::ZERO, base: net, amount: vat }] } else { Vec::new() };
    }
    // Strict: a rate inferred, not printed, must explain the VAT to the cent
    // (plus what per-line rounding can add on big invoices).
    let fits = |r: Decimal| (net * r / Decimal::ONE_HUNDRED - vat).abs() <= tol + net.abs() * Decimal::new(1, 4);
    let nonzero: Vec<Decimal> = printed.into_iter().filter(|r| !r.is_zero()).collect();
    let rate = match nonzero.as_slice() {
        [r] if fits(*r) => Some(*r),
        // Several rates printed: not a single-rate invoice.
        [_, _, ..] => None,
        _ => {
            let std: Vec<Decimal> = expected_rates(doc).into_iter().filter(|r| fits(*r)).collect();
            (std.len() == 1 && net.abs() >= Decimal::ONE).then(|| std[0])
        }
    };
    rate.map(|r| vec![VatLine { rate: normalize_rate(r), base: net, amount: vat }]).unwrap_or_default()
}
