//! Who issued the document: the supplier's identifiers and name, told apart
//! from the buyer's.
//!
//! Two signals keep the buyer's identifiers out: the company's own
//! identifiers (`CompanyIdentity`: they are on every invoice it receives),
//! and the page layout: the block headed Client / Bill to / Kunde /
//! Rechnungsempfänger (the label, what is beside it, and the lines under it
//! until a gap) is the buyer's, and an identifier seen there is the buyer's
//! everywhere on the document.

use std::collections::HashSet;

use crate::capture::BBox;

use super::fields::{below, right_of, At};
use super::ids::{fr_vat_of_siren, siren_of, IdKind};
use super::layout::{Doc, Item, ItemKind, Phrase};
use super::lexicon::LabelKind;
use super::text::{edits, fold, phrase_tokens};
use super::{CompanyIdentity, Field};

/// A region of a page holding the buyer's details.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub pi: usize,
    pub bbox: BBox,
}

#[derive(Debug, Clone)]
pub(crate) struct IdCand {
    pub kind: IdKind,
    pub value: String,
    pub at: At,
    pub in_buyer: bool,
    /// Customer words just above it in its column ("Customer No.", "Client"):
    /// probably the buyer's, without a block to prove it.
    pub near_buyer: bool,
    pub company: bool,
    pub score: f32,
}

#[derive(Debug, Default)]
pub(crate) struct Parties {
    pub supplier_vat: Option<Field>,
    pub supplier_siret: Option<Field>,
    pub supplier_siren: Option<Field>,
    pub iban: Option<Field>,
    pub supplier_name: Option<Field>,
    pub buyer_vat: Option<Field>,
    /// Why the issuer is the company itself (a sales document), if it is.
    pub issuer_is_company: Option<String>,
    /// The issuer's VAT id by layout alone, company included, and the
    /// company's name as printed (the supplier of a sales invoice is the company).
    pub issuer_vat: Option<Field>,
    pub issuer_name: Option<Field>,
    /// Every identifier found, for supplier-specific marks.
    pub ids: Vec<IdCand>,
}

/// Normalized company identity, with the French VAT ids implied by its SIRENs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Company {
    pub names: Vec<Vec<String>>,
    pub vat_ids: HashSet<String>,
    pub sirens: HashSet<String>,
    pub ibans: HashSet<String>,
}

impl Company {
    pub fn new(c: &CompanyIdentity) -> Company {
        let norm = |s: &String| super::text::compact_id(s);
        let sirens: HashSet<String> = c.sirens.iter().map(norm).filter(|s| !s.is_empty()).collect();
        let mut vat_ids: HashSet<String> = c.vat_ids.iter().map(norm).filter(|s| !s.is_empty()).collect();
        vat_ids.extend(sirens.iter().filter_map(|s| fr_vat_of_siren(s)));
        Company {
            names: c.names.iter().map(|n| name_core(&fold(n))).filter(|t| !t.is_empty()).collect(),
            vat_ids,
            sirens,
            ibans: c.ibans.iter().map(norm).filter(|s| !s.is_empty()).collect(),
        }
    }

    pub fn owns(&self, kind: IdKind, value: &str) -> bool {
        match kind {
            IdKind::Iban => self.ibans.contains(value),
            _ => self.vat_ids.contains(value) || siren_of(kind, value).is_some_and(|s| self.sirens.contains(&s)),
        }
    }

    /// A phrase naming the company (all the words of one of its names).
    pub fn named_in(&self, folded: &str) -> bool {
        let toks: Vec<String> = phrase_tokens(folded);
        self.names.iter().any(|n| n.iter().all(|t| toks.contains(t)))
    }
}

const LEGAL_FORMS: [&str; 40] = [
    "sas", "sasu", "sarl", "eurl", "sa", "sci", "snc", "scop", "selarl", "selas", "scp", "gie", "sca", "scs", "gmbh", "mbh", "ag", "kg", "ohg", "ug", "ek",
    "gbr", "partg", "kgaa", "ltd", "limited", "llc", "inc", "plc", "llp", "corp", "bv", "nv", "srl", "spa", "sl", "ab", "oy", "aps", "se",
];

/// Whether a page's words came from OCR.
fn page_read_by_ocr(doc: &Doc, page: u32) -> bool {
    doc.pages.iter().filter(|p| p.number == page).flat_map(|p| &p.lines).flat_map(|l| &l.phrases).any(Phrase::read_by_ocr)
}

/// Accents tesseract's French and German models swap, mended by what the
/// name's legal form says of its language: a German company has no "ô",
/// "û" or "â" ("Kaffeerôsterei GmbH" → "Kaffeerösterei"); in French a word
/// never ends in "ére" ("Imprimerie Lumiére SARL" → "Lumière").
fn mend_ocr_accents(name: &str) -> String {
    const GERMAN: [&str; 8] = ["gmbh", "mbh", "ag", "kg", "ohg", "ug", "gbr", "kgaa"];
    const FRENCH: [&str; 11] = ["sas", "sasu", "sarl", "eurl", "sa", "sci", "snc", "scop", "selarl", "selas", "scp"];
    let tokens = phrase_tokens(&fold(name));
    let has = |forms: &[&str]| tokens.iter().any(|t| forms.contains(&t.as_str()));
    if has(&GERMAN) && !has(&FRENCH) {
        return name.chars().map(|c| match c {
            'ô' => 'ö',
            'Ô' => 'Ö',
            'û' => 'ü',
            'Û' => 'Ü',
            'â' => 'ä',
            'Â' => 'Ä',
            c => c,
        }).collect();
    }
    if has(&FRENCH) && !has(&GERMAN) {
        return name
            .split(' ')
            .map(|w| {
                let core = w.trim_end_matches(|c: char| !c.is_alphabetic());
                match core.strip_suffix("ére").or_else(|| core.strip_suffix("éres")) {
                    Some(stem) if !stem.is_empty() => {
                        let plural = core.ends_with('s');
                        format!("{stem}ère{}{}", if plural { "s" } else { "" }, &w[core.len()..])
                    }
                    _ => w.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    name.to_string()
}

/// A name's significant tokens (legal form and punctuation dropped).
fn name_core(folded: &str) -> Vec<String> {
    phrase_tokens(folded).into_iter().filter(|t| !LEGAL_FORMS.contains(&t.as_str())).collect()
}

pub(crate) fn analyze(doc: &Doc, company: &Company) -> Parties {
    let blocks = buyer_blocks(doc);
    let mut ids = collect_ids(doc, &blocks, company);
    score_ids(doc, &mut ids);
    // Identifiers printed with the supplier's name (its header block, or
    // the footer line that starts with it) are the supplier's.
    if let (Some(name), _) = supplier_name(doc, &blocks, company, None, &ids) {
        let block = name_block(doc, &name);
        for c in ids.iter_mut() {
            if block.contains(&(c.at.pi, c.at.li)) {
                c.score += 0.4;
            }
        }
    }
    let mut p = Parties::default();

    let best = |kind: IdKind, allow_company: bool, ids: &[IdCand]| -> Option<IdCand> {
        ids.iter()
            .filter(|c| c.kind == kind && !c.in_buyer && (allow_company || !c.company))
            .max_by(|a, b| a.score.total_cmp(&b.score).then(b.at.cmp(&a.at)))
            .cloned()
    };
    let conf = |c: &IdCand, ids: &[IdCand]| -> f32 {
        let rivals = ids.iter().any(|o| o.kind == c.kind && !o.in_buyer && !o.company && o.value != c.value);
        if rivals {
            0.8
        } else {
            0.97
        }
    };
    let to_field = |c: &IdCand, source: &str, ids: &[IdCand]| {
        let it = doc.item(c.at.pi, c.at.li, c.at.ii);
        Field { value: c.value.clone(), page: doc.pages[c.at.pi].number, bbox: it.bbox, source: source.into(), confidence: conf(c, ids) * it.conf }
    };

    let vat = best(IdKind::VatId, false, &ids);
    let vat_siren = vat.as_ref().and_then(|v| siren_of(v.kind, &v.value));
    // A SIRET agreeing with the VAT id's SIREN first.
    let siret = ids
        .iter()
        .filter(|c| c.kind == IdKind::Siret && !c.in_buyer && !c.company)
        .max_by(|a, b| {
            let agree = |c: &IdCand| vat_siren.as_deref() == siren_of(c.kind, &c.value).as_deref();
            agree(a).cmp(&agree(b)).then(a.score.total_cmp(&b.score)).then(b.at.cmp(&a.at))
        })
        .cloned();
    p.supplier_vat = vat.as_ref().map(|c| to_field(c, "regex:vat_id", &ids));
    p.supplier_siret = siret.as_ref().map(|c| to_field(c, "regex:siret", &ids));
    let siren_cand = best(IdKind::Siren, false, &ids);
    p.supplier_siren = match (&siret, &vat, &siren_cand) {
        (Some(s), _, _) => Some(Field { value: s.value[..9].to_string(), ..to_field(s, "derived:siret", &ids) }),
        (None, _, Some(s)) => Some(to_field(s, "regex:siren", &ids)),
        (None, Some(v), None) if v.value.starts_with("FR") => Some(Field { value: v.value[4..].to_string(), ..to_field(v, "derived:vat_id", &ids) }),
        _ => None,
    };
    p.iban = best(IdKind::Iban, false, &ids).map(|c| to_field(&c, "regex:iban", &ids));
    // The buyer's VAT id: in the buyer's block first, else the company's own.
    p.buyer_vat = ids
        .iter()
        .filter(|c| c.kind == IdKind::VatId && c.in_buyer && !c.company)
        .chain(ids.iter().filter(|c| c.kind == IdKind::VatId && c.company))
        .next()
        .map(|c| Field { confidence: 0.9, ..to_field(c, "regex:vat_id", &ids) });

    // The issuer by layout alone, company included: is it the company?
    let issuer = best(IdKind::VatId, true, &ids).or_else(|| best(IdKind::Siret, true, &ids)).or_else(|| best(IdKind::Siren, true, &ids));
    // The company issued it when its identifier leads by layout and no other
    // party's identifier stands outside a buyer block (purchase invoices are
    // the common case: when both parties look like the issuer, it is not us).
    let others_outside = ids.iter().any(|c| !c.in_buyer && !c.company && c.kind != IdKind::Iban);
    if let Some(i) = issuer.as_ref().filter(|i| i.company && !others_outside) {
        p.issuer_is_company = Some(format!("{} {}", kind_name(i.kind), i.value));
    }
    p.issuer_vat = best(IdKind::VatId, true, &ids).map(|c| to_field(&c, "regex:vat_id", &ids));

    let anchor = vat.as_ref().or(siret.as_ref()).map(|c| c.at);
    let (name, issuer_name) = supplier_name(doc, &blocks, company, anchor, &ids);
    // The company as issuer: its name as printed, when found.
    p.issuer_name = issuer_name.clone();
    if p.issuer_is_company.is_none() && issuer.is_none() {
        if let Some(n) = &issuer_name {
            p.issuer_is_company = Some(format!("name {:?}", n.value));
        }
    }
    p.supplier_name = name.map(|mut n| {
        if page_read_by_ocr(doc, n.page) {
            n.value = mend_ocr_accents(&n.value);
        }
        n
    });
    p.ids = ids;
    p
}

fn kind_name(k: IdKind) -> &'static str {
    match k {
        IdKind::VatId => "VAT id",
        IdKind::Iban => "IBAN",
        IdKind::Siret => "SIRET",
        IdKind::Siren => "SIREN",
    }
}

/// DIN 5008 return-address lines ("Müller GmbH · Hauptstr. 5 · 80331
/// München"): small print over the recipient in the envelope window.
/// Returns (page, line, phrase) and the sender's name (first segment).
fn sender_lines(doc: &Doc) -> Vec<(usize, usize, usize, String)> {
    let mut out = Vec::new();
    let Some(page) = doc.pages.first() else { return out };
    for (li, line) in page.lines.iter().enumerate() {
        let mut k = 0;
        while k < line.phrases.len() {
            // A phrase, with the next ones when OCR boxed its separators
            // apart ("Messe Service Nord GmbH" | ":" | "Am Messeplatz 1" | "-" | …).
            let mut end = k + 1;
            while end + 1 < line.phrases.len() && line.phrases[end].raw.chars().all(|c| !c.is_alphanumeric()) && line.phrases[end].raw.chars().count() <= 2 {
                end += 2;
            }
            let phrases = &line.phrases[k..end];
            let ph = &line.phrases[k];
            let at = k;
            k = end;
            if ph.bbox.y0 > page.height * 0.45 {
                continue;
            }
            // Dots or bars between the parts. OCR reads the small dots as
            // dashes or colons ("GmbH : Am Messeplatz 1 - 30521"); in print,
            // dashes separate the parts of letterheads and footers too.
            let ocr = phrases.iter().any(Phrase::read_by_ocr);
            let joined = phrases.iter().map(|p| p.raw.as_str()).collect::<Vec<_>>().join(" ");
            let raw = if ocr { joined.replace(" - ", " · ").replace(" – ", " · ").replace(" : ", " · ") } else { joined };
            let parts: Vec<&str> = raw.split(['·', '•', '|']).map(str::trim).filter(|p| !p.is_empty()).collect();
            // A postal code, with OCR's confusions of 1 and 0 ("3052!").
            let digit = |c: char| c.is_ascii_digit() || (ocr && "!lIOo".contains(c));
            let postal = parts.iter().skip(1).any(|p| p.split(' ').any(|w| (4..=5).contains(&w.len()) && w.chars().all(digit) && w.chars().filter(char::is_ascii_digit).count() >= 3));
            let small = phrases.iter().all(|p| p.words.iter().all(|w| w.bbox.height() <= page.unit * 1.15));
            // The sender's name comes first: a street ("18 cours Mirabeau - 13100 Aix") is a contact line.
            let named = parts.first().is_some_and(|p| !p.chars().any(|c| c.is_ascii_digit()));
            if parts.len() >= 3 && postal && small && named {
                out.push((0, li, at, parts[0].to_string()));
            }
        }
    }
    out
}

/// The lines of a name's block: its own line and the lines under it in the
/// same column, until a gap.
fn name_block(doc: &Doc, name: &Field) -> Vec<(usize, usize)> {
    let Some(pi) = doc.pages.iter().position(|p| p.number == name.page) else { return Vec::new() };
    let page = &doc.pages[pi];
    let Some(li) = page.lines.iter().position(|l| l.bbox.y0 <= name.bbox.center_y() && name.bbox.center_y() <= l.bbox.y1) else { return Vec::new() };
    let mut out = vec![(pi, li)];
    let mut bottom = page.lines[li].bbox.y1;
    for (k, l) in page.lines.iter().enumerate().skip(li + 1).take(12) {
        if l.bbox.y0 - bottom > 1.9 * page.unit {
            break;
        }
        if l.phrases.iter().any(|ph| (ph.bbox.x0 - name.bbox.x0).abs() <= 3.0 * page.unit) {
            out.push((pi, k));
            bottom = l.bbox.y1;
        }
    }
    out
}

/// The lines under a heading phrase, left-aligned with it, until a gap.
fn column_block(doc: &Doc, pi: usize, li: usize, x0: f64, x_end: f64, start: BBox) -> BBox {
    let page = &doc.pages[pi];
    let unit = page.unit;
    let mut bbox = start;
    let mut bottom = start.y1;
    let mut first = true;
    for l in page.lines.iter().skip(li + 1).take(14) {
        if l.bbox.y0 - bottom > 1.9 * unit {
            break;
        }
        let hit = l.phrases.iter().enumerate().find(|(_, ph)| (ph.bbox.x0 - x0).abs() <= (3.0 * unit).max(20.0) && ph.bbox.x0 < x_end);
        let Some((k, ph)) = hit else { continue };
        let heading = l.items.iter().find(|i| i.phrase == k).and_then(|i| i.label()).is_some_and(|(kind, _)| {
            matches!(
                kind,
                LabelKind::Seller
                    | LabelKind::Title
                    | LabelKind::InvoiceNumber
                    | LabelKind::InvoiceDate
                    | LabelKind::DueDate
                    | LabelKind::Net
                    | LabelKind::Gross
            )
        });
        if heading {
            break;
        }
        let b = BBox::new(ph.bbox.x0, ph.bbox.y0, ph.bbox.x1.min(x_end), ph.bbox.y1);
        bbox = if first && start.width() <= 0.0 { b } else { bbox.union(&b) };
        first = false;
        bottom = l.bbox.y1;
    }
    bbox
}

/// The buyer's blocks: under and beside each buyer label, until a gap; and
/// the address under a DIN return-address line.
pub(crate) fn buyer_blocks(doc: &Doc) -> Vec<Block> {
    let mut out = Vec::new();
    for (pi, li, k, _) in sender_lines(doc) {
        let ph = &doc.pages[pi].lines[li].phrases[k];
        let start = BBox::new(ph.bbox.x0, ph.bbox.y1, ph.bbox.x0, ph.bbox.y1);
        let b = column_block(doc, pi, li, ph.bbox.x0, doc.pages[pi].width, start);
        if b.height() > 0.0 {
            out.push(Block { pi, bbox: b });
        }
    }
    for (pi, page) in doc.pages.iter().enumerate() {
        for (li, line) in page.lines.iter().enumerate() {
            for (ii, it) in line.items.iter().enumerate() {
                if !matches!(it.label(), Some((LabelKind::Buyer, _))) {
                    continue;
                }
                // A heading, not a word in a sentence: first in its phrase, short phrase.
                let same_phrase: Vec<&Item> = line.items.iter().filter(|o| o.phrase == it.phrase).collect();
                if !std::ptr::eq(same_phrase[0], it) || same_phrase.len() > 6 {
                    continue;
                }
                out.push(block_under(doc, At { pi, li, ii }));
            }
        }
    }
    out
}

fn block_under(doc: &Doc, at: At) -> Block {
    let page = &doc.pages[at.pi];
    let line = &page.lines[at.li];
    let label = &line.items[at.ii];
    let unit = page.unit.max(label.bbox.height() * 0.8);
    let mut bbox = line.phrases[label.phrase].bbox;
    // Beside: following phrases on the label's line up to the next labelled one.
    let mut x_end = page.width;
    for (k, ph) in line.phrases.iter().enumerate().skip(label.phrase + 1) {
        let labelled = line.items.iter().any(|i| i.phrase == k && i.label().is_some());
        if labelled || ph.bbox.x0 - bbox.x1 > page.width * 0.25 {
            x_end = ph.bbox.x0;
            break;
        }
        bbox = bbox.union(&ph.bbox);
    }
    let x0 = label.bbox.x0;
    let mut bottom = line.bbox.y1;
    for l in page.lines.iter().skip(at.li + 1).take(14) {
        if l.bbox.y0 - bottom > 1.9 * unit {
            break;
        }
        let hit = l.phrases.iter().enumerate().find(|(_, ph)| (ph.bbox.x0 - x0).abs() <= (3.0 * unit).max(20.0) && ph.bbox.x0 < x_end);
        let Some((k, ph)) = hit else { continue };
        // Another section starts ("TVA FR…" inside the block is the buyer's VAT id, not a total).
        let has_id = l.items.iter().any(|i| i.phrase == k && matches!(i.kind, ItemKind::Id(_)));
        let heading = l.items.iter().find(|i| i.phrase == k).and_then(|i| i.label()).is_some_and(|(kind, _)| match kind {
            LabelKind::Buyer
            | LabelKind::Seller
            | LabelKind::Title
            | LabelKind::InvoiceNumber
            | LabelKind::InvoiceDate
            | LabelKind::DueDate
            | LabelKind::Net
            | LabelKind::Gross => true,
            LabelKind::Vat => !has_id,
            _ => false,
        });
        if heading {
            break;
        }
        bbox = bbox.union(&BBox::new(ph.bbox.x0, ph.bbox.y0, ph.bbox.x1.min(x_end), ph.bbox.y1));
        bottom = l.bbox.y1;
    }
    Block { pi: at.pi, bbox }
}

fn inside(b: &Block, pi: usize, r: &BBox) -> bool {
    let (cx, cy) = ((r.x0 + r.x1) / 2.0, r.center_y());
    b.pi == pi && cx >= b.bbox.x0 - 1.0 && cx <= b.bbox.x1 + 1.0 && cy >= b.bbox.y0 - 1.0 && cy <= b.bbox.y1 + 1.0
}

/// Words that make an identifier the buyer's when they precede it.
const BUYER_WORDS: [&str; 14] = [
    "client",
    "customer",
    "acheteur",
    "buyer",
    "kunde",
    "kunden",
    "votre",
    "vos",
    "your",
    "ihre",
    "destinataire",
    "leistungsempfanger",
    "recipient",
    "preneur",
];

fn collect_ids(doc: &Doc, blocks: &[Block], company: &Company) -> Vec<IdCand> {
    let mut out = Vec::new();
    for (pi, li, ii, it) in doc.items() {
        let ItemKind::Id(id) = &it.kind else { continue };
        let line = &doc.pages[pi].lines[li];
        // "N° TVA client : FR…", "Your VAT no": the preceding words name the buyer.
        // Its own phrase up to it, and the phrases just before it on the line
        // (OCR cuts "Votre n°" | "TVA" | ":" where print has one phrase), up
        // to a wide gap or a phrase holding a value.
        let before = words_before(doc, pi, li, it);
        let named_buyer = phrase_tokens(&before).iter().any(|t| BUYER_WORDS.contains(&t.as_str()));
        let in_buyer = named_buyer || blocks.iter().any(|b| inside(b, pi, &it.bbox));
        let near = near_buyer_words(doc, pi, li, line.phrases[it.phrase].bbox.x0);
        out.push(IdCand {
            kind: id.kind,
            value: id.value.clone(),
            at: At { pi, li, ii },
            in_buyer,
            near_buyer: near,
            company: company.owns(id.kind, &id.value),
            score: 0.0,
        });
    }
    // A header cell naming the buyer over its value ("Ihre USt-IdNr." above "FR…").
    for (at, _, _, label) in super::fields::labels(doc, &[LabelKind::VatId, LabelKind::Siret, LabelKind::Siren]) {
        if !phrase_tokens(&words_before(doc, at.pi, at.li, label)).iter().any(|t| BUYER_WORDS.contains(&t.as_str())) {
            continue;
        }
        if let Some((v, _)) = below(doc, at, |i| matches!(i.kind, ItemKind::Id(_))) {
            if let Some(c) = out.iter_mut().find(|c| c.at == v) {
                c.in_buyer = true;
            }
        }
    }
    // Seen in the buyer's block once: the buyer's everywhere (a SIRET's
    // SIREN and a VAT id's SIREN included).
    let buyer_sirens: HashSet<String> = out.iter().filter(|c| c.in_buyer).filter_map(|c| siren_of(c.kind, &c.value)).collect();
    let buyer_values: HashSet<String> = out.iter().filter(|c| c.in_buyer).map(|c| c.value.clone()).collect();
    for c in &mut out {
        if buyer_values.contains(&c.value) || siren_of(c.kind, &c.value).is_some_and(|s| buyer_sirens.contains(&s)) {
            c.in_buyer = true;
        }
    }
    out
}

/// The folded words before an item on its line: its own phrase up to it,
/// the phrase before it, and the phrases before that (OCR cuts "Votre n°"
/// | "TVA" | ":" where print has one phrase) up to a wide gap or a phrase
/// holding a value.
fn words_before(doc: &Doc, pi: usize, li: usize, it: &Item) -> String {
    let line = &doc.pages[pi].lines[li];
    let unit = doc.pages[pi].unit.max(it.bbox.height());
    let mut parts = vec![before_in(&line.phrases[it.phrase], &it.bbox)];
    let mut left_edge = line.phrases[it.phrase].bbox.x0;
    for (k, ph) in line.phrases[..it.phrase].iter().rev().take(5).enumerate() {
        // The phrase just before is the label's, however far ("USt-IdNr. Kunde:      DE…").
        if k > 0 && (left_edge - ph.bbox.x1 > 2.5 * unit || ph.raw.chars().any(|c| c.is_ascii_digit())) {
            break;
        }
        parts.push(ph.norm.clone());
        left_edge = ph.bbox.x0;
    }
    parts.join(" ")
}

/// Whether the lines just above (same column, no gap) speak of the customer.
fn near_buyer_words(doc: &Doc, pi: usize, li: usize, x0: f64) -> bool {
    const WORDS: [&str; 12] =
        ["client", "customer", "kunde", "kunden", "kundennummer", "kundennr", "acheteur", "buyer", "destinataire", "holder", "debiteur", "abonne"];
    let page = &doc.pages[pi];
    let mut top = page.lines[li].bbox.y0;
    for l in page.lines[..li].iter().rev().take(4) {
        if top - l.bbox.y1 > 1.9 * page.unit {
            break;
        }
        let Some(ph) = l.phrases.iter().find(|ph| (ph.bbox.x0 - x0).abs() <= 3.0 * page.unit) else { continue };
        if phrase_tokens(&ph.norm).iter().any(|t| WORDS.contains(&t.as_str())) {
            return true;
        }
        top = l.bbox.y0;
    }
    false
}

/// The folded text of a phrase before a box.
fn before_in(ph: &Phrase, b: &BBox) -> String {
    let mut s = String::new();
    for w in &ph.words {
        if w.bbox.x1 <= b.x0 + 0.5 {
            s.push_str(&ph.norm[w.norm.0..w.norm.1]);
            s.push(' ');
        }
    }
    s
}

fn score_ids(doc: &Doc, ids: &mut [IdCand]) {
    let sirens: Vec<(String, usize)> =
        ids.iter().enumerate().filter(|(_, c)| !c.in_buyer).filter_map(|(k, c)| siren_of(c.kind, &c.value).map(|s| (s, k))).collect();
    let snapshot: Vec<(IdKind, String)> = ids.iter().map(|c| (c.kind, c.value.clone())).collect();
    for (k, c) in ids.iter_mut().enumerate() {
        let page = &doc.pages[c.at.pi];
        let line = &page.lines[c.at.li];
        let it = &line.items[c.at.ii];
        let mut s = 1.0f32;
        let want = match c.kind {
            IdKind::VatId => LabelKind::VatId,
            IdKind::Iban => LabelKind::Iban,
            IdKind::Siret => LabelKind::Siret,
            IdKind::Siren => LabelKind::Siren,
        };
        if line.items.iter().any(|i| i.label().is_some_and(|(kind, _)| kind == want) && i.bbox.x1 <= it.bbox.x0 + 1.0) {
            s += 0.3;
        }
        // Another identifier of the same company (SIREN shared).
        if let Some(mine) = siren_of(c.kind, &c.value) {
            if sirens.iter().any(|(s2, k2)| *k2 != k && *s2 == mine && snapshot[*k2].0 != c.kind) {
                s += 0.5;
            }
        }
        if c.at.pi == 0 {
            s += 0.2;
        }
        if c.near_buyer {
            s -= 0.8;
        }
        s += 0.1 * (1.0 - (it.bbox.center_y() / page.height) as f32).max(0.0);
        let repeats = snapshot.iter().filter(|(kind, v)| *kind == c.kind && *v == c.value).count();
        s += 0.1 * (repeats.saturating_sub(1).min(3)) as f32;
        c.score = s;
    }
}

/// The address, contact and boilerplate lines a name never is.
fn address_like(tokens: &[String], raw: &str) -> bool {
    const STREET: [&str; 33] = [
        "rue",
        "avenue",
        "av",
        "bd",
        "boulevard",
        "chemin",
        "allee",
        "place",
        "impasse",
        "route",
        "quai",
        "cours",
        "street",
        "st",
        "road",
        "rd",
        "lane",
        "ave",
        "strasse",
        "str",
        "weg",
        "platz",
        "gasse",
        "cedex",
        "bp",
        "cs",
        "zi",
        "za",
        "zac",
        "suite",
        "floor",
        "etage",
        "postfach",
    ];
    const BOILER: [&str; 12] = ["page", "seite", "original", "duplicata", "copie", "copy", "tel", "fax", "email", "mail", "web", "www"];
    if raw.contains('@') || raw.contains("www.") || raw.contains("http") {
        return true;
    }
    if tokens.iter().any(|t| STREET.contains(&t.as_str()) || t.ends_with("strasse")) {
        return true;
    }
    // "Tel. 01…", "Web: …", "Page 1/2" start with the word; inside a name
    // ("Amazon Web Services") it is a word of the name.
    let boiler = |t: &String| BOILER.contains(&t.as_str());
    if tokens.first().is_some_and(boiler) || tokens.windows(2).any(|w| boiler(&w[1]) && !w[0].chars().all(char::is_alphabetic)) || tokens.last().is_some_and(|t| boiler(t) && tokens.len() <= 2) {
        return true;
    }
    // A postal code: 4–5 digits as a token.
    if tokens.iter().any(|t| (4..=5).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit())) {
        return true;
    }
    // A street and its house number ("Am Markt 3", "Industriestr. 45",
    // "Gewerbepark Süd 7b"): a short phrase ending in a small number.
    let house_number = |t: &String| {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        (1..=4).contains(&digits) && t.len() - digits <= 1
    };
    (2..=4).contains(&tokens.len()) && tokens.last().is_some_and(house_number) && !tokens[..tokens.len() - 1].iter().any(|t| t.chars().any(|c| c.is_ascii_digit()))
}

/// Words of table headings, amounts notes and registry mentions: a phrase
/// made only of them ("Désignation", "Artikel / Leistung"), or naming a
/// registry or a currency ("Code APE 24.83B", "Montants exprimés en EUR"),
/// is not a name.
fn not_a_name(tokens: &[String]) -> bool {
    const HEADINGS: [&str; 34] = [
        "description", "designation", "libelle", "article", "articles", "artikel", "leistung", "leistungen", "bezeichnung", "beschreibung", "item", "items",
        "produit", "product", "produkt", "menge", "qty", "anz", "montant", "amount", "betrag", "prix", "price", "preis", "total", "quantite", "quantity",
        "unit", "einheit", "pos", "position", "details", "service", "services",
    ];
    const MENTIONS: [&str; 16] = ["ape", "naf", "rcs", "hrb", "hra", "siret", "siren", "eur", "euro", "euros", "gbp", "usd", "chf", "montants", "amounts", "betrage"];
    (!tokens.is_empty() && tokens.iter().all(|t| HEADINGS.contains(&t.as_str()) || t.len() <= 2)) || tokens.iter().any(|t| MENTIONS.contains(&t.as_str()))
}

fn is_legal_form(word: &str) -> bool {
    let t = phrase_tokens(&fold(word));
    t.len() == 1 && LEGAL_FORMS.contains(&t[0].as_str())
}

/// Whether a name ends with (or contains) a legal form.
fn has_legal_form(name: &str) -> bool {
    name.split(' ').skip(1).any(is_legal_form) || leading_legal_form(name)
}

/// A French-style name led by its form: "SARL Comptoir du Port", "SAS
/// Garage des Alpes" (not "SAS au capital de …": a name word is capitalised).
fn leading_legal_form(name: &str) -> bool {
    let mut words = name.split(' ').filter(|w| !w.is_empty());
    words.next().is_some_and(is_legal_form) && words.next().is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase) && !is_legal_form(w))
}

/// The part of a phrase up to and including its legal form, when one is
/// followed by more ("ACME SARL au capital de …" → "ACME SARL"); compound
/// forms stay whole ("GmbH & Co. KG").
fn cut_after_legal_form(raw: &str) -> (String, bool) {
    let words: Vec<&str> = raw.split(' ').collect();
    for k in 1..words.len() {
        if !is_legal_form(words[k]) {
            continue;
        }
        let mut end = k;
        if end + 3 < words.len() && matches!(words[end + 1], "&" | "und" | "+") && fold(words[end + 2]).starts_with("co") && is_legal_form(words[end + 3]) {
            end += 3;
        }
        // "UG (haftungsbeschränkt)", "gGmbH (gemeinnützig)": the bracket belongs to the form.
        if end + 1 < words.len() && fold(words[end + 1]).starts_with("(haftungsbeschr") {
            end += 1;
        }
        // "Martin & Associés - SELARL au capital…": the name is before the dash.
        if k >= 2 && matches!(words[k - 1], "-" | "–" | "—") {
            return (words[..k - 1].join(" ").trim_end_matches([',', ' ']).to_string(), true);
        }
        let head = words[..=end].join(" ");
        return (head.trim_end_matches([',', '-', ' ', '·']).to_string(), true);
    }
    if leading_legal_form(raw) {
        return (first_segment(raw).trim_end_matches([',', '-', ' ', '·']).to_string(), true);
    }
    (raw.to_string(), false)
}

#[derive(Debug)]
struct NameCand {
    value: String,
    at: (usize, usize, usize), // page, line, phrase
    bbox: BBox,
    score: f32,
    source: &'static str,
}

/// The supplier's name, and the issuer's name when it is the company's.
fn supplier_name(doc: &Doc, blocks: &[Block], company: &Company, anchor: Option<At>, ids: &[IdCand]) -> (Option<Field>, Option<Field>) {
    let mut cands: Vec<NameCand> = Vec::new();
    let mut company_seen: Option<(f32, Field)> = None;
    let in_buyer = |pi: usize, b: &BBox| blocks.iter().any(|bl| inside(bl, pi, b));

    // The left-aligned block the supplier's identifier sits in: its top line.
    let mut id_block: Vec<(usize, usize)> = Vec::new();
    // The identifier is printed in the page's header (not in a footer).
    let header_anchor = anchor.is_some_and(|a| {
        let lines = &doc.pages[a.pi].lines;
        let (top, bottom) = (lines.first().map_or(0.0, |l| l.bbox.y0), lines.last().map_or(0.0, |l| l.bbox.y1));
        a.pi == 0 && lines[a.li].bbox.y0 <= top + (bottom - top) * 0.4
    });
    if let Some(a) = anchor {
        let page = &doc.pages[a.pi];
        let line = &page.lines[a.li];
        let x0 = line.phrases[line.items[a.ii].phrase].bbox.x0;
        let mut top = line.bbox.y0;
        for li in (0..a.li).rev() {
            let l = &page.lines[li];
            if top - l.bbox.y1 > 1.9 * page.unit {
                break;
            }
            if let Some(k) = l.phrases.iter().position(|ph| (ph.bbox.x0 - x0).abs() <= 3.0 * page.unit) {
                id_block.push((li, k));
                top = l.bbox.y0;
            }
        }
    }

    // A phrase holding a label is not a name, except a supplier word inside
    // a legal name ("Lieferant GmbH", "Le Fournisseur SARL").
    let label_kinds = |pi: usize, li: usize, k: usize, upto: f64, legal: bool| -> bool {
        doc.pages[pi].lines[li].items.iter().any(|i| {
            i.phrase == k
                && i.bbox.x0 < upto
                && match i.label() {
                    Some((LabelKind::Seller, _)) => {
                        let raw = &doc.pages[pi].lines[li].phrases[k].raw;
                        // Not at the phrase's start ("LE FOURNISSEUR", "Müller
                        // Lieferant"): a word of the name, not a heading.
                        let starts = raw[..i.span.0].trim().is_empty();
                        starts && (!legal || raw[i.span.0..i.span.1].ends_with(':') || raw[i.span.1..].trim_start().starts_with(':'))
                    }
                    Some(_) => true,
                    None => !matches!(i.kind, ItemKind::Word | ItemKind::Amount(_)),
                }
        })
    };

    for (pi, page) in doc.pages.iter().enumerate().take(1) {
        for (li, line) in page.lines.iter().enumerate() {
            let mut joined_to: Option<usize> = None;
            for (k, ph) in line.phrases.iter().enumerate() {
                // Footer legal mentions start with the name: "Maître X - Avocat
                // au Barreau de Paris", "ACME SAS · RCS …".
                let footer = ph.bbox.y0 >= page.height * 0.85;
                // The rest of a name joined to its first part is not a name of its own.
                if joined_to.is_some_and(|e| k <= e) {
                    continue;
                }
                let joined = name_continued(line, k, page.unit);
                if let Some((_, e)) = &joined {
                    joined_to = Some(*e);
                }
                let text = match &joined {
                    Some((j, _)) => j.as_str(),
                    None if footer => first_segment(&ph.raw),
                    None => ph.raw.as_str(),
                };
                let (mut value, mut legal) = cut_after_legal_form(text);
                // A line of an items table (it holds prices) names an article.
                if line.items.iter().any(|it| it.amount().is_some_and(|a| a.decimals)) {
                    continue;
                }
                // A long name wrapped before its form ("Riverside Logistics" / "Ltd").
                if is_legal_form(&value) {
                    let above = li.checked_sub(1).map(|l| &page.lines[l]).filter(|l| ph.bbox.y0 - l.bbox.y1 <= 1.2 * page.unit);
                    match above.and_then(|l| l.phrases.iter().find(|o| (o.bbox.x0 - ph.bbox.x0).abs() <= 2.0 * page.unit)) {
                        Some(o) => {
                            value = format!("{} {}", o.raw.trim(), value.trim());
                            legal = true;
                        }
                        None => continue,
                    }
                }
                let head_x1 = if value.len() < ph.raw.len() { ph.span_bbox(0, value.len(), false).x1 } else { ph.bbox.x1 };
                let top_zone = ph.bbox.y0 <= page.height * 0.4;
                if !top_zone && !legal && !footer {
                    continue;
                }
                if !name_ok(&value) || label_kinds(pi, li, k, head_x1 - 0.5, legal) || in_buyer(pi, &ph.bbox) {
                    continue;
                }
                let folded = fold(&value);
                let mut s = if top_zone { 0.5 } else { 0.35 };
                if top_zone {
                    s += 0.3 * (1.0 - (ph.bbox.y0 / (page.height * 0.4)) as f32).max(0.0);
                }
                let h = ph.words.iter().map(|w| w.bbox.height()).fold(0.0, f64::max);
                s += 0.25 * ((h / page.unit - 1.0).clamp(0.0, 1.0)) as f32;
                if legal {
                    s += 0.4;
                }
                if ph.bbox.x0 < page.width * 0.5 {
                    s += 0.1;
                }
                if id_block.contains(&(li, k)) {
                    s += 0.15;
                }
                if recipient_follows(page, li, ph.bbox.x0) {
                    s -= 0.3;
                } else if address_follows(page, li, ph.bbox.x0) {
                    // The line right above the street is the company's name;
                    // in the block that holds the supplier's identifiers, it
                    // is the supplier's name as it presents itself (over a
                    // footer's legal line naming another entity).
                    s += 0.2;
                    if id_block.contains(&(li, k)) && header_anchor {
                        s += 0.35;
                    }
                }
                // Near a supplier identifier (footer legal mentions).
                if !top_zone && ids.iter().any(|c| !c.in_buyer && !c.company && c.at.pi == pi && c.at.li.abs_diff(li) <= 1) {
                    s += 0.3;
                }
                let bbox = match (&joined, legal) {
                    (Some((_, e)), _) => ph.bbox.union(&line.phrases[*e].bbox),
                    (None, true) => ph.span_bbox(0, value.len(), false),
                    (None, false) => ph.bbox,
                };
                if company.named_in(&folded) {
                    if company_seen.as_ref().is_none_or(|(cs, _)| s > *cs) {
                        let f = Field { value: value.trim().to_string(), page: page.number, bbox, source: "layout:top".into(), confidence: 0.8 };
                        company_seen = Some((s, f));
                    }
                    continue;
                }
                cands.push(NameCand { value, at: (pi, li, k), bbox, score: s, source: if legal { "layout:legal_form" } else { "layout:top" } });
            }
        }
    }

    // The first segment of a DIN return-address line is the sender.
    for (pi, li, k, name) in sender_lines(doc) {
        let (value, _) = cut_after_legal_form(&name);
        if name_ok(&value) && !company.named_in(&fold(&value)) {
            let ph = &doc.pages[pi].lines[li].phrases[k];
            cands.push(NameCand {
                value,
                at: (pi, li, k),
                bbox: ph.span_bbox(0, name.len().min(ph.raw.len()), false),
                score: 1.3,
                source: "layout:sender_line",
            });
        }
    }

    // A supplier label: the name beside or under it wins.
    for (pi, li, ii, it) in doc.items() {
        if !matches!(it.label(), Some((LabelKind::Seller, _))) {
            continue;
        }
        // A heading ("Fournisseur :", or alone in its phrase), not a word of a name.
        let line = &doc.pages[pi].lines[li];
        let alone = line.items.iter().filter(|i| i.phrase == it.phrase).count() == 1;
        let raw = &line.phrases[it.phrase].raw;
        let colon = raw[it.span.1..].trim_start().starts_with(':') || raw[it.span.0..it.span.1].ends_with(':');
        if !alone && !colon {
            continue;
        }
        let at = At { pi, li, ii };
        let word = |i: &Item| matches!(i.kind, ItemKind::Word);
        let beside = right_of(doc, at).into_iter().next().filter(|(_, i)| word(i));
        let mut found = beside.or_else(|| below(doc, at, word));
        // A remark under the heading ("(Not to be used for payment
        // remittance)") is skipped: the name is under it.
        for _ in 0..2 {
            match found {
                Some((v, vi)) if doc.pages[v.pi].lines[v.li].phrases[vi.phrase].raw.trim_start().starts_with('(') => found = below(doc, v, word),
                _ => break,
            }
        }
        if let Some((v, vi)) = found {
            let line = &doc.pages[v.pi].lines[v.li];
            let ph = &line.phrases[vi.phrase];
            let (value, _) = cut_after_legal_form(ph.raw[vi.span.0..].trim());
            if name_ok(&value) && !is_legal_form(&value) && !company.named_in(&fold(&value)) {
                cands.push(NameCand { value, at: (v.pi, v.li, vi.phrase), bbox: ph.bbox, score: 1.6, source: "label:seller" });
            }
        }
    }

    // The same name printed several times (header, sender line, footer) is
    // the issuer's; a short trading name inside a legal name ("Hôtel du
    // Parc" / "Hôtel du Parc Beauséjour SAS") gives its weight to the legal name.
    let keys: Vec<Vec<String>> = cands.iter().map(|c| name_core(&fold(&c.value))).collect();
    let legal: Vec<bool> = cands.iter().map(|c| has_legal_form(&c.value)).collect();
    let mut bonus = vec![0.0f32; cands.len()];
    for i in 0..cands.len() {
        let repeats = (0..cands.len()).filter(|&j| j != i && keys[j] == keys[i] && cands[j].at != cands[i].at).count();
        bonus[i] += 0.15 * repeats.min(3) as f32;
        if legal[i] {
            let inherited = (0..cands.len())
                .filter(|&j| !legal[j] && !keys[j].is_empty() && keys[j].iter().all(|t| keys[i].contains(t)))
                .map(|j| cands[j].score + 0.05 - cands[i].score)
                .fold(0.0f32, f32::max);
            bonus[i] += inherited;
        }
    }
    for (c, b) in cands.iter_mut().zip(bonus) {
        c.score += b;
    }
    cands.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.at.cmp(&b.at)));
    prefer_agreed_spelling(doc, &mut cands);
    let issuer_company = company_seen.filter(|(s, _)| cands.first().is_none_or(|c| *s > c.score)).map(|(_, n)| n);
    let Some(best) = cands.first() else { return (None, issuer_company) };
    let best_key = name_core(&fold(&best.value));
    let margin = cands.iter().find(|c| name_core(&fold(&c.value)) != best_key).map_or(1.0, |c| best.score - c.score);
    let confidence = if margin >= 0.25 {
        0.85
    } else if margin >= 0.1 {
        0.7
    } else {
        0.6
    };
    let field = Field { value: best.value.trim().to_string(), page: doc.pages[best.at.0].number, bbox: best.bbox, source: best.source.to_string(), confidence };
    (Some(field), issuer_company)
}

/// A printed name that OCR cut into phrases at wide gaps ("Kaffeerösterei"
/// | "Brandt GmbH", "Stadtwerke" | "Lindenau" | "GmbH", a heading
/// "Stadtwerke" | "Lindenau"): phrase `k` and the neighbours right of it,
/// same letter height, gaps under twice it, none holding digits, up to the
/// one that ends the name with its legal form (or, in a heading's large
/// letters, up to the last). Returns the joined text and the last phrase.
fn name_continued(line: &super::layout::Line, k: usize, unit: f64) -> Option<(String, usize)> {
    let height = |p: &Phrase| p.words.iter().map(|w| w.bbox.height()).fold(0.0, f64::max);
    let plain = |p: &Phrase| !p.raw.chars().any(|c| c.is_ascii_digit()) && !p.raw.contains(':');
    let first = line.phrases.get(k)?;
    if !plain(first) || has_legal_form(&first.raw) {
        return None;
    }
    let h = height(first);
    let heading = h >= 1.3 * unit;
    let mut end = None;
    let mut j = k;
    while let Some(next) = line.phrases.get(j + 1) {
        let (prev, hn) = (&line.phrases[j], height(next));
        let gap = next.bbox.x0 - prev.bbox.x1;
        if gap > (if heading { 1.5 } else { 2.0 }) * h.min(hn) || !(0.8..=1.25).contains(&(hn / h.max(0.1))) || !plain(next) {
            break;
        }
        j += 1;
        if cut_after_legal_form(&next.raw).1 || is_legal_form(next.raw.trim()) {
            end = Some(j);
            break;
        }
        if heading {
            end = Some(j);
        }
    }
    let end = end?;
    Some((line.phrases[k..=end].iter().map(|p| p.raw.trim()).collect::<Vec<_>>().join(" "), end))
}

/// OCR misreads a letter in one copy of a name printed several times
/// ("Holel Am Stadtpark …" once, "Hotel Am Stadtpark …" twice): the best
/// candidate takes the spelling most copies agree on, else the one read
/// with the most confidence.
fn prefer_agreed_spelling(doc: &Doc, cands: &mut [NameCand]) {
    let Some(best) = cands.first() else { return };
    let key = fold(&best.value);
    let limit = (key.chars().count() / 12).max(1);
    let variants: Vec<usize> = (0..cands.len()).filter(|&i| edits(&fold(&cands[i].value), &key) <= limit).collect();
    if variants.len() < 2 {
        return;
    }
    let copies = |i: usize| variants.iter().filter(|&&j| fold(&cands[j].value) == fold(&cands[i].value)).count();
    let conf = |i: usize| {
        let (pi, li, k) = cands[i].at;
        doc.pages[pi].lines[li].phrases[k].words.iter().map(|w| w.conf).fold(1.0f32, f32::min)
    };
    let pick = variants.iter().copied().max_by(|&a, &b| copies(a).cmp(&copies(b)).then(conf(a).total_cmp(&conf(b))).then(b.cmp(&a))).unwrap_or(0);
    if pick != 0 {
        let (value, at, bbox) = (cands[pick].value.clone(), cands[pick].at, cands[pick].bbox);
        let first = &mut cands[0];
        (first.value, first.at, first.bbox) = (value, at, bbox);
    }
}

/// The first part of a footer line, before its separators.
fn first_segment(raw: &str) -> &str {
    let mut end = raw.len();
    for sep in [" - ", " – ", " — ", " · ", " | ", " • ", ", "] {
        if let Some(i) = raw.find(sep) {
            end = end.min(i);
        }
    }
    raw[..end].trim()
}

/// The lines under a name say it is a recipient ("z. Hd. Buchhaltung",
/// "Service comptabilité", "Attn: Accounts payable").
fn recipient_follows(page: &super::layout::PageView, li: usize, x0: f64) -> bool {
    const MARKS: [&str; 10] = ["hd", "attn", "attention", "comptabilite", "buchhaltung", "payable", "abteilung", "fao", "c/o", "zhd"];
    let mut bottom = page.lines[li].bbox.y1;
    for l in page.lines.iter().skip(li + 1).take(2) {
        if l.bbox.y0 - bottom > 1.9 * page.unit {
            break;
        }
        if let Some(ph) = l.phrases.iter().find(|ph| (ph.bbox.x0 - x0).abs() <= 2.0 * page.unit) {
            if phrase_tokens(&ph.norm).iter().any(|t| MARKS.contains(&t.as_str())) {
                return true;
            }
        }
        bottom = l.bbox.y1;
    }
    false
}

/// The next line in the column is a street or postal-code line.
fn address_follows(page: &super::layout::PageView, li: usize, x0: f64) -> bool {
    let Some(l) = page.lines.get(li + 1) else { return false };
    if l.bbox.y0 - page.lines[li].bbox.y1 > 1.9 * page.unit {
        return false;
    }
    l.phrases.iter().filter(|ph| (ph.bbox.x0 - x0).abs() <= 2.0 * page.unit).any(|ph| {
        let toks = phrase_tokens(&ph.norm);
        !ph.raw.contains('@') && address_like(&toks, &ph.raw)
    })
}

/// Could this text be a company name? ("Account holder: X" is a labelled
/// value, not a heading.)
fn name_ok(value: &str) -> bool {
    let v = value.trim();
    if v.contains(':') || v.starts_with('(') {
        return false;
    }
    let letters = v.chars().filter(|c| c.is_alphabetic()).count();
    let visible = v.chars().filter(|c| !c.is_whitespace()).count();
    if letters < 2 || v.chars().count() > 60 || letters * 10 < visible * 6 {
        return false;
    }
    let tokens = phrase_tokens(&fold(v));
    !address_like(&tokens, v) && !not_a_name(&tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_ocr_swaps_are_mended_by_the_names_language() {
        assert_eq!(mend_ocr_accents("Kaffeerôsterei Brandt GmbH"), "Kaffeerösterei Brandt GmbH");
        assert_eq!(mend_ocr_accents("Imprimerie Lumiére SARL"), "Imprimerie Lumière SARL");
        assert_eq!(mend_ocr_accents("Les Frontiéres SAS"), "Les Frontières SAS");
        // Other names, and French names' other accents, are left alone.
        assert_eq!(mend_ocr_accents("Côté Jardin SARL"), "Côté Jardin SARL");
        assert_eq!(mend_ocr_accents("Côte Consulting Ltd"), "Côte Consulting Ltd");
        assert_eq!(mend_ocr_accents("Opéré SAS"), "Opéré SAS");
    }

    #[test]
    fn legal_form_cut() {
        assert_eq!(cut_after_legal_form("FOURNISSEUR F SARL au capital de 50 000 EUR").0, "FOURNISSEUR F SARL");
        assert_eq!(cut_after_legal_form("Muster GmbH, Hauptstr. 1").0, "Muster GmbH");
        assert!(!cut_after_legal_form("ACME Industries").1);
    }

    #[test]
    fn names_and_not_names() {
        assert!(name_ok("ACME SAS"));
        assert!(!name_ok("12 rue de la Paix"));
        assert!(!name_ok("75018 PARIS"));
        assert!(!name_ok("contact@acme.fr"));
        assert!(!name_ok("01 02 03 04 05"));
    }

    #[test]
    fn company_identity_normalized() {
        let c = Company::new(&CompanyIdentity {
            names: vec!["Client Partners SAS".into()],
            vat_ids: vec![],
            sirens: vec!["987654321".into()],
            ibans: vec!["FR76 3000 6000 0112 3456 7890 189".into()],
        });
        assert!(c.owns(IdKind::VatId, &fr_vat_of_siren("987654321").unwrap()));
        assert!(c.owns(IdKind::Siret, "98765432100029"));
        assert!(c.owns(IdKind::Iban, "FR7630006000011234567890189"));
        assert!(c.named_in(&fold("CLIENT PARTNERS")));
        assert!(!c.named_in(&fold("Client")));
    }
}
