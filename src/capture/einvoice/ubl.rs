//! OASIS UBL 2.1 `Invoice` and `CreditNote` (EN 16931 UBL syntax, Peppol BIS, CTC-FR).

use roxmltree::Node;

use super::xml::{child, children, date, decimal, ident, path, text};
use super::{is_credit_note_code, EInvoice, EInvoiceError, InvoiceLine, LegalId, Party, Syntax, Totals, VatBreakdown};

pub(super) const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
pub(super) const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

fn party(node: Option<Node>) -> Party {
    let Some(p) = node.and_then(|n| child(n, &["Party"])) else { return Party::default() };
    let legal = child(p, &["PartyLegalEntity"]);
    let name = text(legal.and_then(|l| child(l, &["RegistrationName"])))
        .or_else(|| text(path(p, &[&["PartyName"], &["Name"]])));
    let vat_id = children(p, &["PartyTaxScheme"])
        .find(|s| text(path(*s, &[&["TaxScheme"], &["ID"]])).is_some_and(|id| id.eq_ignore_ascii_case("VAT")))
        .and_then(|s| ident(child(s, &["CompanyID"])));
    let legal_id = legal.and_then(|l| child(l, &["CompanyID"])).and_then(|id| {
        ident(Some(id)).map(|v| LegalId { id: v, scheme: id.attribute("schemeID").map(|s| s.trim().to_string()) })
    });
    Party { name, vat_id, legal_id }
}

pub(super) fn parse(root: Node, credit_note_root: bool) -> Result<EInvoice, EInvoiceError> {
    let profile = text(child(root, &["CustomizationID"]));
    let number = text(child(root, &["ID"])).ok_or(EInvoiceError::Missing("invoice number (BT-1)"))?;
    let type_code = text(child(root, &["InvoiceTypeCode", "CreditNoteTypeCode"]));
    let issue_date = date(text(child(root, &["IssueDate"])), "issue date (BT-2)")?.ok_or(EInvoiceError::Missing("issue date (BT-2)"))?;
    let currency = ident(child(root, &["DocumentCurrencyCode"])).ok_or(EInvoiceError::Missing("currency (BT-5)"))?;

    // BT-9: cbc:DueDate on an Invoice; a CreditNote has it on cac:PaymentMeans/cbc:PaymentDueDate.
    let mut due_date = date(text(child(root, &["DueDate"])), "due date (BT-9)")?;
    if due_date.is_none() {
        for pm in children(root, &["PaymentMeans"]) {
            if let Some(d) = date(text(child(pm, &["PaymentDueDate"])), "due date (BT-9)")? {
                due_date = Some(d);
                break;
            }
        }
    }

    let seller = party(child(root, &["AccountingSupplierParty"]));
    let buyer = party(child(root, &["AccountingCustomerParty"]));

    let mut payee_ibans: Vec<String> = Vec::new();
    for pm in children(root, &["PaymentMeans"]) {
        if let Some(iban) = ident(path(pm, &[&["PayeeFinancialAccount"], &["ID"]])) {
            if !payee_ibans.contains(&iban) {
                payee_ibans.push(iban);
            }
        }
    }

    // BT-110 and BG-23 come from the cac:TaxTotal in the document currency
    // (a second one, without subtotals, may give BT-111 in the tax currency).
    let tax_totals: Vec<Node> = children(root, &["TaxTotal"]).collect();
    let in_currency = |t: &Node| {
        child(*t, &["TaxAmount"])
            .and_then(|a| a.attribute("currencyID"))
            .is_some_and(|c| c.trim().eq_ignore_ascii_case(&currency))
    };
    let tax_total = tax_totals
        .iter()
        .find(|t| in_currency(t) && child(**t, &["TaxSubtotal"]).is_some())
        .or_else(|| tax_totals.iter().find(|t| in_currency(t)))
        .or_else(|| tax_totals.iter().find(|t| child(**t, &["TaxSubtotal"]).is_some()))
        .or(tax_totals.first())
        .copied();

    let mut vat_breakdown = Vec::new();
    if let Some(tt) = tax_total {
        for sub in children(tt, &["TaxSubtotal"]) {
            let cat = child(sub, &["TaxCategory"]);
            vat_breakdown.push(VatBreakdown {
                category: ident(cat.and_then(|c| child(c, &["ID"]))),
                rate: decimal(cat.and_then(|c| child(c, &["Percent"])), "VAT rate (BT-119)")?,
                base: decimal(child(sub, &["TaxableAmount"]), "VAT taxable amount (BT-116)")?,
                amount: decimal(child(sub, &["TaxAmount"]), "VAT amount (BT-117)")?,
            });
        }
    }

    let totals = {
        let sum = child(root, &["LegalMonetaryTotal"]);
        let amount = |name: &str, field| decimal(sum.and_then(|s| child(s, &[name])), field);
        Totals {
            line_total: amount("LineExtensionAmount", "line total (BT-106)")?,
            allowance_total: amount("AllowanceTotalAmount", "allowance total (BT-107)")?,
            charge_total: amount("ChargeTotalAmount", "charge total (BT-108)")?,
            tax_basis_total: amount("TaxExclusiveAmount", "total without VAT (BT-109)")?,
            vat_total: decimal(tax_total.and_then(|t| child(t, &["TaxAmount"])), "VAT total (BT-110)")?,
            grand_total: amount("TaxInclusiveAmount", "grand total (BT-112)")?,
            prepaid: amount("PrepaidAmount", "prepaid amount (BT-113)")?,
            rounding: amount("PayableRoundingAmount", "rounding amount (BT-114)")?,
            amount_due: amount("PayableAmount", "amount due (BT-115)")?,
        }
    };

    let mut lines = Vec::new();
    for line in children(root, &["InvoiceLine", "CreditNoteLine"]) {
        let qty_node = child(line, &["InvoicedQuantity", "CreditedQuantity"]);
        let item = child(line, &["Item"]);
        let cat = item.and_then(|i| child(i, &["ClassifiedTaxCategory"]));
        lines.push(InvoiceLine {
            id: text(child(line, &["ID"])),
            name: text(item.and_then(|i| child(i, &["Name"]))),
            quantity: decimal(qty_node, "line quantity (BT-129)")?,
            unit_code: qty_node.and_then(|q| q.attribute("unitCode")).map(|u| u.trim().to_string()),
            net_amount: decimal(child(line, &["LineExtensionAmount"]), "line net amount (BT-131)")?,
            vat_category: ident(cat.and_then(|c| child(c, &["ID"]))),
            vat_rate: decimal(cat.and_then(|c| child(c, &["Percent"])), "line VAT rate (BT-152)")?,
        });
    }

    let is_credit_note = credit_note_root || type_code.as_deref().is_some_and(is_credit_note_code);
    Ok(EInvoice {
        syntax: Syntax::Ubl,
        profile,
        type_code,
        is_credit_note,
        number,
        issue_date,
        due_date,
        currency,
        seller,
        buyer,
        payee_ibans,
        totals,
        vat_breakdown,
        lines,
    })
}
