//! E-invoices: structured invoice data read from XML rather than from text.
//!
//! Pure: bytes in, values out (no file I/O). Three entry points:
//!
//! - [`find_embedded_xml`]`(pdf: &[u8]) -> Result<Option<EmbeddedXml>, EInvoiceError>`:
//!   the XML attachment of a Factur-X / ZUGFeRD / XRechnung / Order-X PDF,
//!   found through the catalog's `/Names /EmbeddedFiles` name tree (`/Names`
//!   arrays and `/Kids` recursion) and the catalog's `/AF` array. `Ok(None)`
//!   when the PDF carries no XML attachment. The embedded stream is decoded
//!   (none or `FlateDecode`) with a cap of [`MAX_EMBEDDED_XML_BYTES`].
//! - [`parse_einvoice`]`(xml: &[u8]) -> Result<EInvoice, EInvoiceError>`:
//!   UN/CEFACT CII D16B (`rsm:CrossIndustryInvoice`: Factur-X, ZUGFeRD 2.x,
//!   XRechnung CII), ZUGFeRD 1.0 (`rsm:CrossIndustryDocument`), and UBL 2.1
//!   `Invoice` / `CreditNote`. Refuses DOCTYPEs and entity declarations,
//!   Order-X orders and any other document that is not an invoice.
//! - [`read_pdf_einvoice`]`(pdf: &[u8]) -> Result<Option<(EmbeddedXml, EInvoice)>, EInvoiceError>`:
//!   both in one go.
//!
//! [`EInvoice::checks`] lists the arithmetic inconsistencies of the document
//! (BT-109 + BT-110 = BT-112, VAT breakdown sums, ...) as readable sentences.
//!
//! Values are taken as the XML states them; nothing is invented. A field the
//! profile does not carry (MINIMUM and BASIC WL have no lines, MINIMUM has no
//! VAT breakdown, ZUGFeRD 1.0 has no BT-115) is `None` / empty.
//! Amounts are `Decimal`s with the sign as written: a credit note (type 381
//! or a UBL `CreditNote`) normally carries positive amounts, and
//! [`EInvoice::is_credit_note`] tells the caller to reverse them.
//! Identifiers (VAT ids, legal ids, IBANs, currency, category codes) are
//! uppercased without spaces; the invoice number (BT-1) is kept as written
//! (trimmed), since it is the supplier's own reference.
//!
//! Input XML must be UTF-8 (a BOM is accepted). Any `<!DOCTYPE` or `<!ENTITY`
//! in the text is refused before parsing, and roxmltree's own DTD refusal
//! (`allow_dtd: false`) stays on, so neither external entities (XXE) nor
//! entity expansion ("billion laughs") can happen.

mod cii;
mod pdf_attachment;
mod ubl;
mod xml;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use pdf_attachment::{find_embedded_xml, EmbeddedXml, MAX_EMBEDDED_XML_BYTES};

/// Why an e-invoice could not be read. Messages are meant for an admin.
#[derive(Debug, thiserror::Error)]
pub enum EInvoiceError {
    #[error("not a readable PDF: {0}")]
    Pdf(String),
    #[error("embedded file {name:?} cannot be read: {reason}")]
    Attachment { name: String, reason: String },
    #[error("embedded file {name:?} decompresses to more than {limit} bytes (compression bomb?); refused")]
    AttachmentTooLarge { name: String, limit: usize },
    #[error("the XML contains a DOCTYPE or an entity declaration; DTDs and entities are refused (XXE / billion-laughs protection)")]
    Doctype,
    #[error("the XML references the undeclared entity &{0}; (only the five predefined XML entities are accepted)")]
    Entity(String),
    #[error("the XML is not UTF-8: {0}")]
    Encoding(String),
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("not an invoice: {0}")]
    NotAnInvoice(String),
    #[error("the e-invoice has no {0}")]
    Missing(&'static str),
    #[error("{field}: {value:?} is not a valid {what}")]
    BadValue { field: &'static str, value: String, what: &'static str },
}

/// Which XML syntax the invoice was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Syntax {
    /// UN/CEFACT Cross Industry Invoice D16B (Factur-X, ZUGFeRD 2.x, XRechnung CII).
    Cii,
    /// ZUGFeRD 1.0 `CrossIndustryDocument` (CII D13B-like, pre-EN 16931).
    ZugferdV1,
    /// OASIS UBL 2.1 `Invoice` or `CreditNote`.
    Ubl,
}

/// A legal registration identifier (BT-30 / BT-47) with its scheme
/// (ISO 6523 ICD: `0002` SIREN, `0009` SIRET, `0088` GLN, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalId {
    pub id: String,
    pub scheme: Option<String>,
}

/// Seller (BG-4) or buyer (BG-7).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Party {
    /// BT-27 / BT-44: the registered name (UBL `RegistrationName`, else `PartyName`).
    pub name: Option<String>,
    /// BT-31 / BT-48: VAT identifier, uppercased without spaces.
    pub vat_id: Option<String>,
    /// BT-30 / BT-47: legal registration identifier.
    pub legal_id: Option<LegalId>,
}

/// Document totals (BG-22). Each is `None` when the document does not state it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// BT-106: sum of invoice line net amounts.
    pub line_total: Option<Decimal>,
    /// BT-107: sum of document-level allowances.
    pub allowance_total: Option<Decimal>,
    /// BT-108: sum of document-level charges.
    pub charge_total: Option<Decimal>,
    /// BT-109: total without VAT.
    pub tax_basis_total: Option<Decimal>,
    /// BT-110: VAT total in the document currency (BT-5).
    pub vat_total: Option<Decimal>,
    /// BT-112: total with VAT.
    pub grand_total: Option<Decimal>,
    /// BT-113: paid amount.
    pub prepaid: Option<Decimal>,
    /// BT-114: rounding amount.
    pub rounding: Option<Decimal>,
    /// BT-115: amount due for payment.
    pub amount_due: Option<Decimal>,
}

/// One VAT breakdown entry (BG-23).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VatBreakdown {
    /// BT-118: VAT category code (`S`, `Z`, `E`, `AE`, `K`, `G`, `O`, `L`, `M`); absent in ZUGFeRD 1.0 BASIC.
    pub category: Option<String>,
    /// BT-119: rate in percent.
    pub rate: Option<Decimal>,
    /// BT-116: taxable amount.
    pub base: Option<Decimal>,
    /// BT-117: VAT amount.
    pub amount: Option<Decimal>,
}

/// One invoice line (BG-25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceLine {
    /// BT-126.
    pub id: Option<String>,
    /// BT-153.
    pub name: Option<String>,
    /// BT-129.
    pub quantity: Option<Decimal>,
    /// BT-130.
    pub unit_code: Option<String>,
    /// BT-131: line net amount.
    pub net_amount: Option<Decimal>,
    /// BT-151.
    pub vat_category: Option<String>,
    /// BT-152.
    pub vat_rate: Option<Decimal>,
}

/// The values of an e-invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EInvoice {
    pub syntax: Syntax,
    /// BT-24: specification identifier (CII guideline id, UBL `CustomizationID`).
    pub profile: Option<String>,
    /// BT-3: document type code (380 invoice, 381 credit note, 384 corrected, 389 self-billed, 261 self-billed credit note...).
    pub type_code: Option<String>,
    /// A credit note: UBL `CreditNote` root or a credit-note type code (81, 83, 261, 262, 296, 308, 381, 396, 420, 458, 532).
    pub is_credit_note: bool,
    /// BT-1, as written (trimmed).
    pub number: String,
    /// BT-2.
    pub issue_date: NaiveDate,
    /// BT-9.
    pub due_date: Option<NaiveDate>,
    /// BT-5, uppercased.
    pub currency: String,
    /// BG-4 (BT-27, BT-30, BT-31).
    pub seller: Party,
    /// BG-7 (BT-44, BT-47, BT-48).
    pub buyer: Party,
    /// BT-84 of each credit-transfer payment means (normally IBANs), uppercased without spaces, deduplicated.
    pub payee_ibans: Vec<String>,
    pub totals: Totals,
    /// BG-23, in document order.
    pub vat_breakdown: Vec<VatBreakdown>,
    /// BG-25, in document order (empty in MINIMUM and BASIC WL). Free-text
    /// items (no name, quantity or amount, as in ZUGFeRD 1.0) and EXTENDED
    /// `LineStatusReasonCode` INFORMATION sub-lines are not invoice lines and are left out.
    pub lines: Vec<InvoiceLine>,
}

/// UNTDID 1001 codes EN 16931 treats as credit notes.
const CREDIT_NOTE_CODES: &[&str] = &["81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"];

pub(crate) fn is_credit_note_code(code: &str) -> bool {
    CREDIT_NOTE_CODES.contains(&code)
}

/// Parse a CII, ZUGFeRD 1.0 or UBL invoice / credit note.
///
/// Refused with an error: non-UTF-8 input, DOCTYPEs and entity declarations
/// ([`EInvoiceError::Doctype`]), undeclared entity references, Order-X and
/// other non-invoice documents ([`EInvoiceError::NotAnInvoice`]), a missing
/// BT-1 / BT-2 / BT-5, and unreadable amounts or dates.
pub fn parse_einvoice(xml: &[u8]) -> Result<EInvoice, EInvoiceError> {
    let text = xml::decode_text(xml)?;
    let doc = xml::parse(text)?;
    let root = doc.root_element();
    let ns = root.tag_name().namespace().unwrap_or("");
    let name = root.tag_name().name();
    match (name, ns) {
        ("CrossIndustryInvoice", cii::NS_RSM_D16B) => cii::parse(root, Syntax::Cii),
        ("CrossIndustryDocument", ns) if ns.starts_with("urn:ferd:CrossIndustryDocument:invoice:") => cii::parse(root, Syntax::ZugferdV1),
        ("Invoice", ubl::NS_INVOICE) => ubl::parse(root, false),
        ("CreditNote", ubl::NS_CREDIT_NOTE) => ubl::parse(root, true),
        ("SCRDMCCBDACIOMessageStructure", _) => Err(EInvoiceError::NotAnInvoice(
            "this is an Order-X order (SCRDMCCBDACIOMessageStructure), not an invoice".into(),
        )),
        ("Order", ns) if ns.starts_with("urn:oasis:names:specification:ubl:schema:xsd:") => {
            Err(EInvoiceError::NotAnInvoice("this is a UBL order, not an invoice".into()))
        }
        _ => Err(EInvoiceError::NotAnInvoice(format!(
            "unknown XML document: root element <{name}> in namespace {:?} (expected a CII CrossIndustryInvoice or a UBL Invoice / CreditNote)",
            ns
        ))),
    }
}

/// [`find_embedded_xml`] then [`parse_einvoice`]: `Ok(None)` when the PDF has
/// no XML attachment; an error when it has one that is not a readable invoice.
pub fn read_pdf_einvoice(pdf: &[u8]) -> Result<Option<(EmbeddedXml, EInvoice)>, EInvoiceError> {
    match find_embedded_xml(pdf)? {
        None => Ok(None),
        Some(att) => {
            let inv = parse_einvoice(&att.xml)?;
            Ok(Some((att, inv)))
        }
    }
}

impl EInvoice {
    /// The arithmetic inconsistencies of the document, each a sentence with
    /// the numbers; empty when everything stated adds up. Only stated values
    /// are checked: a rule whose inputs are absent is skipped. VAT amounts
    /// per rate are allowed 0.01 of rounding per entry.
    pub fn checks(&self) -> Vec<String> {
        let mut out = Vec::new();
        let t = &self.totals;
        let cur = &self.currency;
        // BT-109 + BT-110 = BT-112
        if let (Some(basis), Some(grand)) = (t.tax_basis_total, t.grand_total) {
            let vat = t.vat_total.unwrap_or(Decimal::ZERO);
            if basis + vat != grand {
                out.push(format!(
                    "total without VAT {basis} + VAT {vat} = {} {cur}, but the grand total (BT-112) is {grand} {cur}",
                    basis + vat
                ));
            }
        }
        // BT-106 - BT-107 + BT-108 = BT-109
        if let (Some(lines), Some(basis)) = (t.line_total, t.tax_basis_total) {
            let allow = t.allowance_total.unwrap_or(Decimal::ZERO);
            let charge = t.charge_total.unwrap_or(Decimal::ZERO);
            if lines - allow + charge != basis {
                out.push(format!(
                    "line total {lines} - allowances {allow} + charges {charge} = {} {cur}, but the total without VAT (BT-109) is {basis} {cur}",
                    lines - allow + charge
                ));
            }
        }
        // BT-112 - BT-113 + BT-114 = BT-115
        if let (Some(grand), Some(due)) = (t.grand_total, t.amount_due) {
            let prepaid = t.prepaid.unwrap_or(Decimal::ZERO);
            let rounding = t.rounding.unwrap_or(Decimal::ZERO);
            if grand - prepaid + rounding != due {
                out.push(format!(
                    "grand total {grand} - prepaid {prepaid} + rounding {rounding} = {} {cur}, but the amount due (BT-115) is {due} {cur}",
                    grand - prepaid + rounding
                ));
            }
        }
        if !self.vat_breakdown.is_empty() {
            let bases: Decimal = self.vat_breakdown.iter().filter_map(|b| b.base).sum();
            let amounts: Decimal = self.vat_breakdown.iter().filter_map(|b| b.amount).sum();
            if let Some(basis) = t.tax_basis_total {
                if bases != basis {
                    out.push(format!(
                        "the VAT breakdown's taxable amounts add up to {bases} {cur}, but the total without VAT (BT-109) is {basis} {cur}"
                    ));
                }
            }
            if let Some(vat) = t.vat_total {
                if amounts != vat {
                    out.push(format!("the VAT breakdown's VAT amounts add up to {amounts} {cur}, but the VAT total (BT-110) is {vat} {cur}"));
                }
            }
            let cent = Decimal::new(1, 2);
            for b in &self.vat_breakdown {
                if let (Some(base), Some(rate), Some(amount)) = (b.base, b.rate, b.amount) {
                    let expected = (base * rate / Decimal::ONE_HUNDRED).round_dp(2);
                    if (expected - amount).abs() > cent {
                        out.push(format!(
                            "VAT at {rate}% ({}) on {base} {cur} should be {expected} {cur}, but the document says {amount} {cur}",
                            b.category.as_deref().unwrap_or("no category")
                        ));
                    }
                }
            }
        }
        if !self.lines.is_empty() {
            if let Some(line_total) = t.line_total {
                if self.lines.iter().all(|l| l.net_amount.is_some()) {
                    let sum: Decimal = self.lines.iter().filter_map(|l| l.net_amount).sum();
                    if sum != line_total {
                        out.push(format!(
                            "the {} lines' net amounts add up to {sum} {cur}, but the line total (BT-106) is {line_total} {cur}",
                            self.lines.len()
                        ));
                    }
                }
            }
        }
        out
    }
}
