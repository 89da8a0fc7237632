//! UN/CEFACT Cross Industry Invoice: CII D16B (Factur-X, ZUGFeRD 2.x,
//! XRechnung CII) and the ZUGFeRD 1.0 `CrossIndustryDocument`, whose element
//! names differ in a few places (both spellings are accepted at each step).

use roxmltree::Node;

use super::xml::{child, children, date, decimal, ident, path, text};
use super::{is_credit_note_code, EInvoice, EInvoiceError, InvoiceLine, LegalId, Party, Syntax, Totals, VatBreakdown};

pub(super) const NS_RSM_D16B: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";

const CONTEXT: &[&str] = &["ExchangedDocumentContext", "SpecifiedExchangedDocumentContext"];
const HEADER: &[&str] = &["ExchangedDocument", "HeaderExchangedDocument"];
const TRANSACTION: &[&str] = &["SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction"];
const AGREEMENT: &[&str] = &["ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement"];
const SETTLEMENT: &[&str] = &["ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement"];
const HEADER_SUM: &[&str] = &["SpecifiedTradeSettlementHeaderMonetarySummation", "SpecifiedTradeSettlementMonetarySummation"];
const LINE_DELIVERY: &[&str] = &["SpecifiedLineTradeDelivery", "SpecifiedSupplyChainTradeDelivery"];
const LINE_SETTLEMENT: &[&str] = &["SpecifiedLineTradeSettlement", "SpecifiedSupplyChainTradeSettlement"];
const LINE_SUM: &[&str] = &["SpecifiedTradeSettlementLineMonetarySummation", "SpecifiedTradeSettlementMonetarySummation"];
const RATE: &[&str] = &["RateApplicablePercent", "ApplicablePercent"];

/// A `DateTimeString` below `node`: format 102 (the only one EN 16931 allows), or unstated.
fn cii_date(node: Option<Node>, field: &'static str) -> Result<Option<chrono::NaiveDate>, EInvoiceError> {
    let Some(dts) = node.and_then(|n| child(n, &["DateTimeString"])) else { return Ok(None) };
    match dts.attribute("format") {
        None | Some("102") => date(text(Some(dts)), field),
        Some(f) => Err(EInvoiceError::BadValue {
            field,
            value: format!("{} (format {f})", dts.text().unwrap_or("").trim()),
            what: "date in format 102 (YYYYMMDD)",
        }),
    }
}

fn party(node: Option<Node>) -> Party {
    let Some(p) = node else { return Party::default() };
    let vat_id = children(p, &["SpecifiedTaxRegistration"])
        .filter_map(|r| child(r, &["ID"]))
        .find(|id| id.attribute("schemeID") == Some("VA"))
        .and_then(|id| ident(Some(id)));
    let legal_id = path(p, &[&["SpecifiedLegalOrganization"], &["ID"]]).and_then(|id| {
        ident(Some(id)).map(|v| LegalId { id: v, scheme: id.attribute("schemeID").map(|s| s.trim().to_string()) })
    });
    Party { name: text(child(p, &["Name"])), vat_id, legal_id }
}

pub(super) fn parse(root: Node, syntax: Syntax) -> Result<EInvoice, EInvoiceError> {
    let profile = text(path(root, &[CONTEXT, &["GuidelineSpecifiedDocumentContextParameter"], &["ID"]]));
    let header = child(root, HEADER).ok_or(EInvoiceError::Missing("ExchangedDocument (document header)"))?;
    let number = text(child(header, &["ID"])).ok_or(EInvoiceError::Missing("invoice number (BT-1)"))?;
    let type_code = text(child(header, &["TypeCode"]));
    let issue_date =
        cii_date(child(header, &["IssueDateTime"]), "issue date (BT-2)")?.ok_or(EInvoiceError::Missing("issue date (BT-2)"))?;

    let tx = child(root, TRANSACTION).ok_or(EInvoiceError::Missing("SupplyChainTradeTransaction"))?;
    let agreement = child(tx, AGREEMENT);
    let settlement = child(tx, SETTLEMENT).ok_or(EInvoiceError::Missing("ApplicableHeaderTradeSettlement"))?;
    let currency = ident(child(settlement, &["InvoiceCurrencyCode"])).ok_or(EInvoiceError::Missing("currency (BT-5)"))?;

    let seller = party(agreement.and_then(|a| child(a, &["SellerTradeParty"])));
    let buyer = party(agreement.and_then(|a| child(a, &["BuyerTradeParty"])));

    let mut payee_ibans: Vec<String> = Vec::new();
    for pm in children(settlement, &["SpecifiedTradeSettlementPaymentMeans"]) {
        if let Some(iban) = ident(path(pm, &[&["PayeePartyCreditorFinancialAccount"], &["IBANID"]])) {
            if !payee_ibans.contains(&iban) {
                payee_ibans.push(iban);
            }
        }
    }

    let mut due_date = None;
    for terms in children(settlement, &["SpecifiedTradePaymentTerms"]) {
        if let Some(d) = cii_date(child(terms, &["DueDateDateTime"]), "due date (BT-9)")? {
            due_date = Some(d);
            break;
        }
    }

    let mut vat_breakdown = Vec::new();
    for tax in children(settlement, &["ApplicableTradeTax"]) {
        if text(child(tax, &["TypeCode"])).is_some_and(|t| t != "VAT") {
            continue;
        }
        vat_breakdown.push(VatBreakdown {
            category: ident(child(tax, &["CategoryCode"])),
            rate: decimal(child(tax, RATE), "VAT rate (BT-119)")?,
            base: decimal(child(tax, &["BasisAmount"]), "VAT taxable amount (BT-116)")?,
            amount: decimal(child(tax, &["CalculatedAmount"]), "VAT amount (BT-117)")?,
        });
    }

    let totals = match child(settlement, HEADER_SUM) {
        None => Totals::default(),
        Some(sum) => {
            let amount = |names: &[&str], field| decimal(child(sum, names), field);
            // BT-110 in the document currency; BT-111 (tax currency) is the other one.
            let tax_totals: Vec<Node> = children(sum, &["TaxTotalAmount"]).collect();
            let vat_node = tax_totals
                .iter()
                .find(|n| n.attribute("currencyID").is_some_and(|c| c.trim().eq_ignore_ascii_case(&currency)))
                .or_else(|| tax_totals.iter().find(|n| n.attribute("currencyID").is_none()))
                .or(if tax_totals.len() == 1 { tax_totals.first() } else { None })
                .copied();
            Totals {
                line_total: amount(&["LineTotalAmount"], "line total (BT-106)")?,
                allowance_total: amount(&["AllowanceTotalAmount"], "allowance total (BT-107)")?,
                charge_total: amount(&["ChargeTotalAmount"], "charge total (BT-108)")?,
                tax_basis_total: amount(&["TaxBasisTotalAmount"], "total without VAT (BT-109)")?,
                vat_total: decimal(vat_node, "VAT total (BT-110)")?,
                grand_total: amount(&["GrandTotalAmount"], "grand total (BT-112)")?,
                prepaid: amount(&["TotalPrepaidAmount"], "prepaid amount (BT-113)")?,
                rounding: amount(&["RoundingAmount"], "rounding amount (BT-114)")?,
                amount_due: amount(&["DuePayableAmount"], "amount due (BT-115)")?,
            }
        }
    };

    let mut lines = Vec::new();
    for item in children(tx, &["IncludedSupplyChainTradeLineItem"]) {
        // EXTENDED informational sub-lines are not invoice lines.
        let status = text(path(item, &[&["AssociatedDocumentLineDocument"], &["LineStatusReasonCode"]]));
        if status.is_some_and(|s| s.eq_ignore_ascii_case("INFORMATION")) {
            continue;
        }
        let qty_node = path(item, &[LINE_DELIVERY, &["BilledQuantity"]]);
        let line_settlement = child(item, LINE_SETTLEMENT);
        let tax = line_settlement.and_then(|s| child(s, &["ApplicableTradeTax"]));
        let line = InvoiceLine {
            id: text(path(item, &[&["AssociatedDocumentLineDocument"], &["LineID"]])),
            name: text(path(item, &[&["SpecifiedTradeProduct"], &["Name"]])),
            quantity: decimal(qty_node, "line quantity (BT-129)")?,
            unit_code: qty_node.and_then(|q| q.attribute("unitCode")).map(|u| u.trim().to_string()),
            net_amount: decimal(line_settlement.and_then(|s| path(s, &[LINE_SUM, &["LineTotalAmount"]])), "line net amount (BT-131)")?,
            vat_category: ident(tax.and_then(|t| child(t, &["CategoryCode"]))),
            vat_rate: decimal(tax.and_then(|t| child(t, RATE)), "line VAT rate (BT-152)")?,
        };
        // A free-text line (ZUGFeRD 1.0 note-only item): nothing billed.
        if line.name.is_none() && line.quantity.is_none() && line.net_amount.is_none() {
            continue;
        }
        lines.push(line);
    }

    let is_credit_note = type_code.as_deref().is_some_and(is_credit_note_code);
    Ok(EInvoice {
        syntax,
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
