//! Recognition: from pages of positioned words to a category, typed fields,
//! a VAT breakdown and the validation checks. Pure: no I/O, values in,
//! values out.
//!
//! No supplier template is needed: words are grouped into lines and
//! phrases (`layout`), labels are found in French, English and German
//! (`lexicon`), values are read right of their label or below it
//! (`fields`), totals are chosen together so that net + VAT = gross
//! (`totals`), identifiers are validated and told apart from the buyer's
//! (`party`), and the admin's rules (`categorize`, `marks`) decide the
//! category and add or override fields. `checks` lists the controls.
//!
//! Where the next steps plug in: new label variants are lines of the table
//! in `lexicon`; new match kinds (exact, fuzzy) are `Keyword` modes in
//! `categorize`, and a trained classifier is a fallback after the rules in
//! `CategoryRules::decide`; learned supplier marks are ordinary `Mark`s
//! (anchor + supplier), so a correction can be saved as one; OCR pages need
//! nothing new (word confidences already lower field confidences).
//!
//! Tests: `tests` (documents laid out as text, see `testutil`), one module
//! per piece, and `corpus` (real PDFs through the extractor: generated
//! samples, `samples/invoices`, the public Factur-X invoice).

mod amount;
mod categorize;
mod checks;
pub mod classify;
mod date;
mod einvoice;
mod fields;
pub mod invoice2data;
pub mod learn;
pub(crate) mod ids;
mod layout;
mod lexicon;
mod marks;
mod party;
pub(crate) mod text;
mod totals;

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testutil;
#[cfg(test)]
mod unseen_tests;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::capture::{BBox, Page};

pub use categorize::{parse_categories, CategoryRule, CategoryRules, ClassifierSettings, Pages, BUILTIN_CATEGORIES};
pub use marks::{parse_marks, Anchor, Direction, Mark, MarkRules, MarkType, Zone, ZonePage, PREDEFINED_FIELDS};

/// One recognized value with where it was found and why it was believed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Normalized: amounts "1234.56" (dot, no thousands separator, sign if
    /// negative), dates "YYYY-MM-DD", ids and IBAN uppercase without spaces.
    pub value: String,
    /// 1-based page of the input file.
    pub page: u32,
    pub bbox: BBox,
    /// Which rule, label or mark produced the value, e.g. `label:"Total TTC"`.
    pub source: String,
    /// 0..1.
    pub confidence: f32,
}

/// One row of the VAT breakdown: base × rate = amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VatLine {
    /// Percent, normalized ("20", "5.5").
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub base: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// One validation control with its numbers, so a reviewer sees why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// e.g. `net_plus_vat_equals_gross`, `vat_base_times_rate`, `field_confidence`.
    pub name: String,
    pub passed: bool,
    /// Human-readable, with the numbers: "100.00 + 20.00 = 120.00 (gross 120.00)".
    pub detail: String,
}

/// What recognition concluded about one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recognition {
    /// purchase_invoice, sales_invoice, credit_note, bank_statement, receipt, other, or an admin's.
    pub category: String,
    /// Which categorization rule decided, and on which words.
    pub category_reason: String,
    /// Keyed by field name (supplier_name, supplier_vat_id, supplier_siret,
    /// iban, invoice_number, invoice_date, due_date, currency, net_total,
    /// vat_total, gross_total, and custom marks).
    pub fields: BTreeMap<String, Field>,
    pub vat_breakdown: Vec<VatLine>,
    pub checks: Vec<Check>,
}

impl Recognition {
    /// Nothing read yet (a file that is only XML).
    pub fn empty() -> Recognition {
        Recognition { category: "other".into(), category_reason: String::new(), fields: BTreeMap::new(), vat_breakdown: Vec::new(), checks: Vec::new() }
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(|f| f.value.as_str())
    }
    /// The reasons this document must be seen by a person before posting,
    /// empty when it may be posted.
    pub fn review_reasons(&self) -> Vec<String> {
        // Text/XML disagreements are shown, not blocking: the XML is exact.
        self.checks.iter().filter(|c| !c.passed && c.name != einvoice::XML_VS_TEXT).map(|c| format!("{}: {}", c.name, c.detail)).collect()
    }
}

/// The receiving company's own identifiers: they appear on every invoice it
/// receives and must never be taken for the supplier's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompanyIdentity {
    pub names: Vec<String>,
    /// Normalized uppercase VAT ids, e.g. FR40123456789.
    pub vat_ids: Vec<String>,
    /// 9-digit SIRENs (a SIRET starts with its SIREN).
    pub sirens: Vec<String>,
    /// Normalized IBANs.
    pub ibans: Vec<String>,
}

/// Tuning of the controls.
#[derive(Debug, Clone, PartialEq)]
pub struct RecognizeSettings {
    /// Accepted rounding difference in the controls (net + VAT = gross,
    /// base × rate = VAT).
    pub amount_tolerance: Decimal,
    /// A field recognized with less confidence sends the document to review.
    pub min_confidence: f32,
    /// How VAT is computed from an e-invoice's lines when it gives no
    /// breakdown (the company's ledger.yaml `vat_rounding`).
    pub vat_rounding: crate::ledger::books::VatRounding,
}

impl Default for RecognizeSettings {
    fn default() -> Self {
        RecognizeSettings { amount_tolerance: Decimal::new(2, 2), min_confidence: 0.5, vat_rounding: Default::default() }
    }
}

/// The recognizer of one pipeline: validated rules, the company it reads
/// for, and its settings. Cheap to share between workers (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct Recognizer {
    categories: CategoryRules,
    marks: MarkRules,
    company: CompanyIdentity,
    company_norm: party::Company,
    settings: RecognizeSettings,
    /// The site's classifier, shared and swapped when retrained.
    classifier: classify::Slot,
}

impl Default for Recognizer {
    /// The built-in rules, no company, default settings (what `extract`
    /// uses without a config).
    fn default() -> Self {
        Recognizer::new(CategoryRules::builtin(), MarkRules::builtin(), CompanyIdentity::default(), RecognizeSettings::default())
    }
}

impl Recognizer {
    pub fn new(categories: CategoryRules, marks: MarkRules, company: CompanyIdentity, settings: RecognizeSettings) -> Recognizer {
        let company_norm = party::Company::new(&company);
        Recognizer { categories, marks, company, company_norm, settings, classifier: classify::slot() }
    }

    /// Consult this (shared) classifier when no category rule matches.
    pub fn with_classifier(mut self, slot: classify::Slot) -> Recognizer {
        self.classifier = slot;
        self
    }

    /// The rules' category, else the classifier's (see `classify`).
    fn category_of(&self, doc: &layout::Doc, pages: &[Page], issuer_is_company: Option<&str>) -> (String, String) {
        if let Some(decided) = self.categories.decide(doc, issuer_is_company) {
            return decided;
        }
        let model = if self.categories.classifier.enabled { classify::current(&self.classifier) } else { None };
        let guess = model.as_ref().and_then(|m| m.guess(&classify::words_of(pages)));
        self.categories.fallback(guess, model.map_or(0, |m| m.trained_on))
    }

    pub fn settings(&self) -> &RecognizeSettings {
        &self.settings
    }

    pub fn company(&self) -> &CompanyIdentity {
        &self.company
    }

    pub fn category_rules(&self) -> &CategoryRules {
        &self.categories
    }

    pub fn mark_rules(&self) -> &MarkRules {
        &self.marks
    }

    /// Only the category and the reason (the categorize stage).
    pub fn categorize(&self, pages: &[Page]) -> (String, String) {
        let doc = layout::Doc::build(pages);
        let parties = party::analyze(&doc, &self.company_norm);
        self.category_of(&doc, pages, parties.issuer_is_company.as_deref())
    }

    /// Categorize the document, read its fields and run the controls.
    /// Pure and deterministic. On a credit note the totals and the VAT
    /// breakdown are magnitudes (the category carries the direction).
    pub fn recognize(&self, pages: &[Page]) -> Recognition {
        let tol = self.settings.amount_tolerance;
        let doc = layout::Doc::build(pages);
        let parties = party::analyze(&doc, &self.company_norm);
        let (mut category, mut category_reason) = self.category_of(&doc, pages, parties.issuer_is_company.as_deref());
        let mut fields = self.party_fields(&category, &parties, pages);

        let supplier = SupplierKeys::new(&doc, &parties, fields.get("supplier_name"));
        let marked = self.marks_found(&doc, &supplier);
        let (extras, extra_lines) = counted_marks(&marked);
        let fixed_of = |name: &str| marked.iter().find(|(m, _, s)| *s && m.name == name).map(|(_, v, _)| v.field.clone());
        let fixed = totals::Fixed { net: fixed_of("net_total"), vat: fixed_of("vat_total"), gross: fixed_of("gross_total") };
        let mut t = totals::recognize(&doc, tol, extras.iter().map(|e| e.1).sum(), &fixed);
        for (line, specific) in extra_lines {
            match t.breakdown.iter_mut().find(|l| l.rate == line.rate) {
                Some(l) if specific => *l = line,
                Some(_) => {}
                None => t.breakdown.push(line),
            }
        }

        // A negative total on an "invoice" is a credit note.
        let negative = t.gross.as_ref().or(t.net.as_ref()).filter(|f| f.value.starts_with('-'));
        if let Some(g) = negative {
            if matches!(category.as_str(), "purchase_invoice" | "sales_invoice") && self.categories.knows("credit_note") {
                category_reason = format!("total {} is negative: a credit note ({category_reason})", g.value);
                category = "credit_note".to_string();
            }
        }
        if category == "credit_note" {
            t.to_magnitudes();
        }
        let put = |fields: &mut BTreeMap<String, Field>, name: &str, f: Option<Field>| {
            if let Some(f) = f {
                fields.insert(name.to_string(), f);
            }
        };
        put(&mut fields, "net_total", t.net.take());
        put(&mut fields, "vat_total", t.vat.take());
        put(&mut fields, "gross_total", t.gross.take());
        put(&mut fields, "invoice_number", fields::invoice_number(&doc));
        let date = fields::invoice_date(&doc);
        let invoice_day = date.as_ref().map(|d| d.1);
        put(&mut fields, "invoice_date", date.map(|d| d.0));
        put(&mut fields, "due_date", fields::due_date(&doc, invoice_day));
        put(&mut fields, "currency", fields::currency(&doc, t.gross_at));

        // Mark values: supplier-specific ones override, generic ones fill in.
        for (m, v, specific) in marked {
            if matches!(m.name.as_str(), "net_total" | "vat_total" | "gross_total") && specific {
                continue; // already fixed in the totals
            }
            if specific || !fields.contains_key(&m.name) {
                fields.insert(m.name.clone(), v.field);
            }
        }

        let checks = checks::run(&fields, &t.breakdown, &extras, tol, self.settings.min_confidence);
        Recognition { category, category_reason, fields, vat_breakdown: t.breakdown, checks }
    }

    /// The controls again, over fields a person corrected (`review set`).
    /// Marks that count in the total count with the value they hold now.
    pub fn recheck(&self, rec: &mut Recognition) {
        let mut extras = Vec::new();
        for m in self.marks.marks.iter().filter(|m| m.counts_in_total && m.kind != MarkType::VatBase) {
            if let Some(v) = rec.fields.get(&m.name).and_then(|f| f.value.parse::<Decimal>().ok()) {
                extras.push((m.name.clone(), v));
            }
        }
        rec.checks = checks::run(&rec.fields, &rec.vat_breakdown, &extras, self.settings.amount_tolerance, self.settings.min_confidence);
    }

    /// The supplier's identity fields. The supplier is the issuer: on a
    /// sales invoice, the company itself.
    fn party_fields(&self, category: &str, parties: &party::Parties, pages: &[Page]) -> BTreeMap<String, Field> {
        let mut fields = BTreeMap::new();
        let mut put = |name: &str, f: Option<Field>| {
            if let Some(f) = f {
                fields.insert(name.to_string(), f);
            }
        };
        if category == "sales_invoice" {
            put("supplier_vat_id", parties.issuer_vat.clone());
            // The company's name as printed, else as configured.
            let name = parties.issuer_name.clone().or_else(|| {
                let page = pages.first().map_or(1, |p| p.number);
                self.company.names.first().map(|n| Field { value: n.clone(), page, bbox: BBox::default(), source: "config:company".into(), confidence: 0.9 })
            });
            put("supplier_name", name);
            let not_issuer = |b: &Field| parties.issuer_vat.as_ref().is_none_or(|i| i.value != b.value);
            put("buyer_vat_id", parties.buyer_vat.clone().filter(not_issuer).or(parties.supplier_vat.clone()));
        } else {
            put("supplier_name", parties.supplier_name.clone());
            put("supplier_vat_id", parties.supplier_vat.clone());
            put("supplier_siret", parties.supplier_siret.clone());
            put("supplier_siren", parties.supplier_siren.clone());
            put("iban", parties.iban.clone());
            put("buyer_vat_id", parties.buyer_vat.clone());
        }
        fields
    }

    /// The marks that apply to this document and were found on it, each
    /// with whether it is supplier-specific; a supplier-specific mark hides
    /// a generic one of the same name.
    fn marks_found<'a>(&'a self, doc: &layout::Doc, supplier: &SupplierKeys) -> Vec<(&'a Mark, marks::MarkValue, bool)> {
        let mut found: Vec<(&Mark, marks::MarkValue, bool)> = Vec::new();
        for m in &self.marks.marks {
            let applies = match &m.supplier {
                Some(s) => m.active && supplier.matches(s),
                None => m.active || m.active_for.iter().any(|s| supplier.matches(s)),
            };
            if applies {
                if let Some(v) = m.find(doc) {
                    found.push((m, v, m.supplier.is_some()));
                }
            }
        }
        let specific: Vec<String> = found.iter().filter(|f| f.2).map(|f| f.0.name.clone()).collect();
        found.retain(|(m, _, s)| *s || !specific.contains(&m.name));
        found.sort_by_key(|f| !f.2);
        found
    }
}

/// Amounts of marks that count in the total (name, amount), and VAT lines
/// from vat_base marks (line, supplier-specific).
fn counted_marks(marked: &[(&Mark, marks::MarkValue, bool)]) -> (Vec<(String, Decimal)>, Vec<(VatLine, bool)>) {
    let mut extras = Vec::new();
    let mut lines = Vec::new();
    for (m, v, specific) in marked {
        if let (MarkType::VatBase, Some(base), Some(rate)) = (m.kind, v.amount, m.rate) {
            let line = VatLine { rate, base, amount: (base * rate / Decimal::ONE_HUNDRED).round_dp(2) };
            if m.counts_in_total {
                extras.push((m.name.clone(), line.base + line.amount));
            }
            lines.push((line, *specific));
        } else if m.counts_in_total {
            if let Some(a) = v.amount {
                extras.push((m.name.clone(), a));
            }
        }
    }
    (extras, lines)
}

/// How a supplier named in a mark (VAT id, SIREN/SIRET, IBAN or name) is
/// recognized on a document.
struct SupplierKeys {
    ids: Vec<String>,
    name_tokens: Vec<String>,
    first_page: Vec<String>,
}

impl SupplierKeys {
    fn new(doc: &layout::Doc, parties: &party::Parties, name: Option<&Field>) -> SupplierKeys {
        let mut ids = Vec::new();
        for c in parties.ids.iter().filter(|c| !c.in_buyer && !c.company) {
            ids.push(c.value.clone());
            if let Some(s) = ids::siren_of(c.kind, &c.value) {
                ids.push(s);
            }
        }
        let name_tokens = name.map(|f| text::phrase_tokens(&text::fold(&f.value))).unwrap_or_default();
        let first_page = doc.pages.first().map(|p| p.lines.iter().flat_map(|l| l.phrases.iter().map(|ph| ph.norm.clone())).collect()).unwrap_or_default();
        SupplierKeys { ids, name_tokens, first_page }
    }

    fn matches(&self, key: &str) -> bool {
        let id = text::compact_id(key);
        if id.len() >= 8 && id.chars().any(|c| c.is_ascii_digit()) && id.chars().filter(|c| c.is_ascii_digit()).count() * 2 >= id.len() {
            return self.ids.iter().any(|v| *v == id) || (id.len() == 14 && self.ids.iter().any(|v| *v == id[..9]));
        }
        let toks = text::phrase_tokens(&text::fold(key));
        if toks.is_empty() {
            return false;
        }
        if toks.iter().all(|t| self.name_tokens.contains(t)) {
            return true;
        }
        let needle = toks.join(" ");
        self.first_page.iter().any(|ph| text::phrase_tokens(ph).join(" ").contains(&needle))
    }
}
