//! E-invoice values over the recognized text. A Factur-X / ZUGFeRD PDF or a
//! CII / UBL file states its data exactly: those values take precedence,
//! the visible text is still read, and where the two disagree the
//! document's checks say so (`xml_vs_text`, informational). The XML's own
//! arithmetic (`xml_totals`) is a control like the others.


use rust_decimal::Decimal;

use crate::capture::einvoice::EInvoice;
use crate::capture::BBox;

use super::amount::format_amount;
use super::{checks, Check, Field, Recognition, Recognizer, VatLine};

/// Name of the informational check listing text/XML disagreements.
pub const XML_VS_TEXT: &str = "xml_vs_text";

impl Recognizer {
    /// `rec` (read from the text, possibly empty) with the e-invoice's values
    /// laid over it. `origin` names where the XML came from (`factur-x.xml`
    /// inside the PDF, or the file itself).
    pub fn apply_einvoice(&self, rec: Recognition, inv: &EInvoice, origin: &str) -> Recognition {
        let Recognition { mut category, mut category_reason, mut fields, vat_breakdown: _, checks: _ } = rec;
        let mut disagreements = Vec::new();
        let amount = |d: Decimal| format_amount(d.abs());
        let legal = inv.seller.legal_id.as_ref().map(|l| l.id.clone());
        let wanted: [(&str, &str, Option<String>); 11] = [
            ("invoice_number", "BT-1", Some(inv.number.clone())),
            ("invoice_date", "BT-2", Some(inv.issue_date.format("%Y-%m-%d").to_string())),
            ("due_date", "BT-9", inv.due_date.map(|d| d.format("%Y-%m-%d").to_string())),
            ("currency", "BT-5", Some(inv.currency.clone())),
            ("supplier_name", "BT-27", inv.seller.name.clone()),
            ("supplier_vat_id", "BT-31", inv.seller.vat_id.clone()),
            ("supplier_siret", "BT-30", legal.clone().filter(|l| l.len() == 14 && l.bytes().all(|b| b.is_ascii_digit()))),
            ("iban", "BT-84", inv.payee_ibans.first().cloned()),
            ("net_total", "BT-109", inv.totals.tax_basis_total.map(amount)),
            ("vat_total", "BT-110", inv.totals.vat_total.map(amount)),
            ("gross_total", "BT-112", inv.totals.grand_total.map(amount)),
        ];
        for (name, bt, value) in wanted {
            let Some(value) = value else { continue };
            let seen = fields.get(name);
            if let Some(text) = seen.filter(|f| !same(name, &f.value, &value)) {
                disagreements.push(format!("{name}: text {} / XML {value}", text.value));
            }
            let (page, bbox) = seen.map_or((1, BBox::default()), |f| (f.page, f.bbox));
            fields.insert(name.to_string(), Field { value, page, bbox, source: format!("xml:{bt} ({origin})"), confidence: 1.0 });
        }
        // The SIREN comes with the SIRET, or alone as the legal id.
        if let Some(l) = legal.filter(|l| l.len() >= 9 && l.bytes().all(|b| b.is_ascii_digit())) {
            fields.insert("supplier_siren".into(), Field { value: l[..9].to_string(), page: 1, bbox: BBox::default(), source: format!("xml:BT-30 ({origin})"), confidence: 1.0 });
        }

        let issued_by_company = inv.seller.vat_id.as_ref().is_some_and(|v| self.company().vat_ids.contains(v));
        let type_code = inv.type_code.clone().unwrap_or_default();
        if inv.is_credit_note {
            category = "credit_note".into();
            category_reason = format!("e-invoice type code {type_code}: a credit note");
        } else if issued_by_company {
            category = "sales_invoice".into();
            category_reason = format!("e-invoice type code {type_code} issued by the company");
        } else if !matches!(category.as_str(), "purchase_invoice" | "sales_invoice") {
            category = "purchase_invoice".into();
            category_reason = format!("e-invoice type code {type_code}");
        }

        let mut breakdown: Vec<VatLine> = inv
            .vat_breakdown
            .iter()
            .filter_map(|v| Some(VatLine { rate: v.rate.unwrap_or_default().normalize(), base: v.base?.abs(), amount: v.amount.unwrap_or_default().abs() }))
            .collect();
        let s = self.settings();
        let line_rates: Option<Vec<(Decimal, Decimal)>> = inv.lines.iter().map(|l| Some((l.vat_rate?, l.net_amount?.abs()))).collect();
        if let (true, Some(lines)) = (breakdown.is_empty(), line_rates.filter(|l| !l.is_empty())) {
            // No breakdown in the XML: computed from its lines, rounded as the company rounds.
            breakdown = crate::ledger::money::vat_by_rate(&lines, s.vat_rounding).into_iter().map(|(rate, base, amount)| VatLine { rate, base, amount }).collect();
        }
        let mut checks: Vec<Check> = checks::run(&fields, &breakdown, &[], s.amount_tolerance, s.min_confidence);
        let problems = inv.checks();
        checks.push(Check {
            name: "xml_totals".into(),
            passed: problems.is_empty(),
            detail: if problems.is_empty() { format!("the XML's totals and VAT breakdown agree ({origin})") } else { problems.join("; ") },
        });
        if !disagreements.is_empty() {
            checks.push(Check { name: XML_VS_TEXT.into(), passed: false, detail: format!("the XML is used; the visible text differs: {}", disagreements.join("; ")) });
        }
        Recognition { category, category_reason, fields, vat_breakdown: breakdown, checks }
    }
}

/// Equal for a reader: amounts by value, names without case and spacing.
fn same(name: &str, text: &str, xml: &str) -> bool {
    if name.ends_with("_total") {
        return text.parse::<Decimal>().ok().map(|d| d.abs()) == xml.parse::<Decimal>().ok().map(|d| d.abs());
    }
    let norm = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect::<String>();
    norm(text) == norm(xml)
}
