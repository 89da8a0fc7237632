//! Tests against the public Factur-X / ZUGFeRD / UBL samples in
//! `../shared/corpus/factur-x` (read in place; skipped with a notice when
//! absent) and against small documents built here.

use super::pdf_attachment::find_embedded_xml_limited;
use super::*;
use lopdf::{dictionary, Document, Object, Stream};
use rust_decimal_macros::dec;

fn corpus(rel: &str) -> Option<Vec<u8>> {
    match crate::testdata::corpus(&format!("factur-x/{rel}")).map(std::fs::read) {
        Some(Ok(b)) => Some(b),
        _ => {
            eprintln!("skipped: corpus file factur-x/{rel} is absent");
            None
        }
    }
}

fn corpus_invoice(name: &str) -> Option<EInvoice> {
    let bytes = corpus(&format!("xml/{name}"))?;
    Some(parse_einvoice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}")))
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn vat(category: Option<&str>, rate: Decimal, base: Decimal, amount: Decimal) -> VatBreakdown {
    VatBreakdown { category: category.map(str::to_string), rate: Some(rate), base: Some(base), amount: Some(amount) }
}

/// The VAT breakdown of the Factur-X samples (all profiles from BASIC WL up).
fn facturx_breakdown() -> Vec<VatBreakdown> {
    vec![
        vat(Some("S"), dec!(20.00), dec!(11.00), dec!(2.20)),
        vat(Some("E"), dec!(0.00), dec!(60.00), dec!(0.00)),
        vat(Some("S"), dec!(10.00), dec!(27.00), dec!(2.70)),
        vat(Some("K"), dec!(0.00), dec!(2.00), dec!(0.00)),
    ]
}

/// Header values common to the Factur-X samples F20260023.
fn assert_facturx_header(inv: &EInvoice) {
    assert_eq!(inv.syntax, Syntax::Cii);
    assert_eq!(inv.number, "F20260023");
    assert_eq!(inv.type_code.as_deref(), Some("380"));
    assert!(!inv.is_credit_note);
    assert_eq!(inv.issue_date, date(2026, 1, 31));
    assert_eq!(inv.currency, "EUR");
    assert_eq!(inv.seller.name.as_deref(), Some("LE FOURNISSEUR"));
    assert_eq!(inv.seller.vat_id.as_deref(), Some("FR11123456782"));
    assert_eq!(inv.seller.legal_id, Some(LegalId { id: "123456782".into(), scheme: Some("0002".into()) }));
    assert_eq!(inv.buyer.name.as_deref(), Some("LE CLIENT"));
    assert_eq!(inv.buyer.legal_id, Some(LegalId { id: "987654321".into(), scheme: Some("0002".into()) }));
    assert_eq!(inv.totals.tax_basis_total, Some(dec!(100.00)));
    assert_eq!(inv.totals.vat_total, Some(dec!(4.90)));
    assert_eq!(inv.totals.grand_total, Some(dec!(104.90)));
    assert_eq!(inv.totals.amount_due, Some(dec!(104.90)));
    assert_eq!(inv.checks(), Vec::<String>::new());
}

/// BASIC WL and up: due date, buyer VAT id (written "FR 05 987 654 321"), payee IBAN (written with spaces; the payer's "FRDEBIT" is not taken), document totals.
fn assert_facturx_full_header(inv: &EInvoice) {
    assert_facturx_header(inv);
    assert_eq!(inv.due_date, Some(date(2026, 3, 2)));
    assert_eq!(inv.buyer.vat_id.as_deref(), Some("FR05987654321"));
    assert_eq!(inv.payee_ibans, vec!["FR2012542547256985425874698".to_string()]);
    assert_eq!(inv.totals.line_total, Some(dec!(95.00)));
    assert_eq!(inv.totals.allowance_total, Some(dec!(9.00)));
    assert_eq!(inv.totals.charge_total, Some(dec!(14.00)));
    assert_eq!(inv.totals.prepaid, Some(dec!(0.00)));
    assert_eq!(inv.vat_breakdown, facturx_breakdown());
}

fn assert_facturx_lines(inv: &EInvoice) {
    let got: Vec<_> = inv
        .lines
        .iter()
        .map(|l| (l.id.as_deref(), l.name.as_deref(), l.quantity, l.net_amount, l.vat_category.as_deref(), l.vat_rate))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("1"), Some("PRESTATION SUPPORT"), Some(dec!(1)), Some(dec!(60.00)), Some("E"), Some(dec!(0))),
            (Some("2"), Some("FOURNITURES PAPIER"), Some(dec!(3)), Some(dec!(28.00)), Some("S"), Some(dec!(10))),
            (Some("3"), Some("APPEL"), Some(dec!(1)), Some(dec!(7.00)), Some("S"), Some(dec!(20))),
        ]
    );
    assert!(inv.lines.iter().all(|l| l.unit_code.as_deref() == Some("C62")));
}

#[test]
fn facturx_minimum_has_totals_only() {
    let Some(inv) = corpus_invoice("factur-x-minimum.xml") else { return };
    assert_facturx_header(&inv);
    assert_eq!(inv.profile.as_deref(), Some("urn:factur-x.eu:1p0:minimum"));
    // Not in MINIMUM: nothing invented.
    assert_eq!(inv.due_date, None);
    assert_eq!(inv.buyer.vat_id, None);
    assert!(inv.payee_ibans.is_empty());
    assert_eq!(inv.totals.line_total, None);
    assert!(inv.vat_breakdown.is_empty());
    assert!(inv.lines.is_empty());
}

#[test]
fn facturx_basicwl_has_breakdown_but_no_lines() {
    let Some(inv) = corpus_invoice("factur-x-basicwl.xml") else { return };
    assert_facturx_full_header(&inv);
    assert_eq!(inv.profile.as_deref(), Some("urn:factur-x.eu:1p0:basicwl"));
    assert!(inv.lines.is_empty());
}

#[test]
fn facturx_basic_en16931_extended() {
    for (file, profile) in [
        ("factur-x-basic.xml", "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic"),
        ("factur-x-en16931.xml", "urn:cen.eu:en16931:2017"),
        ("factur-x-extended.xml", "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"),
    ] {
        let Some(inv) = corpus_invoice(file) else { return };
        assert_facturx_full_header(&inv);
        assert_eq!(inv.profile.as_deref(), Some(profile), "{file}");
        assert_facturx_lines(&inv);
    }
}

#[test]
fn zugferd_v1_basic() {
    let Some(inv) = corpus_invoice("zugferd-basic.xml") else { return };
    assert_eq!(inv.syntax, Syntax::ZugferdV1);
    assert_eq!(inv.profile.as_deref(), Some("urn:ferd:CrossIndustryDocument:invoice:1p0:basic"));
    assert_eq!(inv.number, "471102");
    assert_eq!(inv.issue_date, date(2013, 3, 5));
    assert_eq!(inv.due_date, None); // only in a free-text note
    assert_eq!(inv.currency, "EUR");
    assert_eq!(inv.seller.name.as_deref(), Some("Lieferant GmbH"));
    assert_eq!(inv.seller.vat_id.as_deref(), Some("DE123456789")); // not the "FC" tax number
    assert_eq!(inv.buyer.name.as_deref(), Some("Kunden AG Mitte"));
    assert_eq!(inv.payee_ibans, vec!["DE08700901001234567890".to_string()]);
    assert_eq!(inv.totals.line_total, Some(dec!(198.00)));
    assert_eq!(inv.totals.tax_basis_total, Some(dec!(198.00)));
    assert_eq!(inv.totals.vat_total, Some(dec!(37.62)));
    assert_eq!(inv.totals.grand_total, Some(dec!(235.62)));
    assert_eq!(inv.totals.amount_due, None); // ZUGFeRD 1.0 BASIC has no DuePayableAmount
    assert_eq!(inv.vat_breakdown, vec![vat(None, dec!(19.00), dec!(198.00), dec!(37.62))]);
    assert_eq!(inv.lines.len(), 1);
    assert_eq!(inv.lines[0].quantity, Some(dec!(20)));
    assert_eq!(inv.lines[0].net_amount, Some(dec!(198.00)));
    assert_eq!(inv.checks(), Vec::<String>::new());
}

#[test]
fn zugferd_v1_comfort_and_extended() {
    if let Some(inv) = corpus_invoice("zugferd-comfort.xml") {
        assert_eq!(inv.number, "471102");
        assert_eq!(inv.due_date, Some(date(2013, 4, 4)));
        assert_eq!(inv.totals.tax_basis_total, Some(dec!(473.00)));
        assert_eq!(inv.totals.vat_total, Some(dec!(56.87)));
        assert_eq!(inv.totals.grand_total, Some(dec!(529.87)));
        assert_eq!(inv.totals.amount_due, Some(dec!(529.87)));
        assert_eq!(
            inv.vat_breakdown,
            vec![vat(Some("S"), dec!(7.00), dec!(275.00), dec!(19.25)), vat(Some("S"), dec!(19.00), dec!(198.00), dec!(37.62))]
        );
        assert_eq!(inv.lines.iter().map(|l| l.net_amount.unwrap()).collect::<Vec<_>>(), vec![dec!(198.00), dec!(275.00)]);
        assert_eq!(inv.checks(), Vec::<String>::new());
    }
    if let Some(inv) = corpus_invoice("zugferd-extended.xml") {
        assert_eq!(inv.number, "KR87654321012");
        assert_eq!(inv.issue_date, date(2013, 10, 6));
        assert_eq!(inv.seller.name.as_deref(), Some("MUSTERLIEFERANT GMBH"));
        assert_eq!(inv.seller.vat_id, None); // only an "FC" tax number
        assert_eq!(inv.totals.line_total, Some(dec!(1062.60)));
        assert_eq!(inv.totals.allowance_total, Some(dec!(21.55)));
        assert_eq!(inv.totals.charge_total, Some(dec!(15.00)));
        assert_eq!(inv.totals.tax_basis_total, Some(dec!(1056.05)));
        assert_eq!(inv.totals.vat_total, Some(dec!(200.65)));
        assert_eq!(inv.totals.grand_total, Some(dec!(1256.70)));
        assert_eq!(inv.vat_breakdown, vec![vat(Some("S"), dec!(19.00), dec!(1056.05), dec!(200.65))]);
        // The first line item is a free-text note: not a line.
        assert_eq!(inv.lines.len(), 5);
        assert_eq!(inv.lines[0].name.as_deref(), Some("Wirkarbeit HT"));
        assert_eq!(inv.lines[0].unit_code.as_deref(), Some("KWH"));
        assert_eq!(inv.checks(), Vec::<String>::new());
    }
}

#[test]
fn ubl_invoices() {
    for (file, profile) in [
        ("ubl-21-en16931.xml", "urn:cen.eu:en16931:2017"),
        ("ubl-21-extended-ctc-fr.xml", "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr"),
    ] {
        let Some(inv) = corpus_invoice(file) else { return };
        assert_eq!(inv.syntax, Syntax::Ubl);
        assert_eq!(inv.profile.as_deref(), Some(profile));
        assert_eq!(inv.number, "F124212");
        assert_eq!(inv.type_code.as_deref(), Some("380"));
        assert!(!inv.is_credit_note);
        assert_eq!(inv.issue_date, date(2026, 6, 17));
        assert_eq!(inv.due_date, Some(date(2026, 7, 16)));
        assert_eq!(inv.currency, "EUR");
        // BT-27 is the registration name, not the trading name "L'huile d'olive en folie".
        assert_eq!(inv.seller.name.as_deref(), Some("Au bon moulin"));
        assert_eq!(inv.seller.vat_id.as_deref(), Some("FR11999999998")); // not the "LOC" scheme id
        assert_eq!(inv.seller.legal_id, Some(LegalId { id: "999999998".into(), scheme: Some("0002".into()) }));
        assert_eq!(inv.buyer.name.as_deref(), Some("Ma jolie boutique SARL"));
        assert_eq!(inv.buyer.vat_id.as_deref(), Some("FR19787878784"));
        // The payer's mandate account FR7312345678901275089715A98 is not the payee's.
        assert_eq!(inv.payee_ibans, vec!["FR2012421242124212421242124".to_string()]);
        assert_eq!(inv.totals.line_total, Some(dec!(273.00)));
        assert_eq!(inv.totals.tax_basis_total, Some(dec!(273.00)));
        assert_eq!(inv.totals.vat_total, Some(dec!(35.03)));
        assert_eq!(inv.totals.grand_total, Some(dec!(308.03)));
        assert_eq!(inv.totals.prepaid, Some(dec!(100.00)));
        assert_eq!(inv.totals.amount_due, Some(dec!(208.03)));
        assert_eq!(
            inv.vat_breakdown,
            vec![vat(Some("S"), dec!(20.00), dec!(138.00), dec!(27.6)), vat(Some("S"), dec!(5.50), dec!(135.00), dec!(7.43))]
        );
        let got: Vec<_> = inv.lines.iter().map(|l| (l.id.as_deref(), l.name.as_deref(), l.quantity, l.net_amount, l.vat_rate)).collect();
        assert_eq!(
            got,
            vec![
                (Some("1"), Some("Huile d'olive Joio 50cl"), Some(dec!(10)), Some(dec!(135.00)), Some(dec!(5.50))),
                (Some("2"), Some("Nougats en cubes"), Some(dec!(20)), Some(dec!(138.00)), Some(dec!(20.00))),
            ]
        );
        assert_eq!(inv.checks(), Vec::<String>::new(), "{file}");
    }
}

#[test]
fn order_x_is_refused_as_not_an_invoice() {
    for file in ["order-x-basic.xml", "order-x-comfort.xml"] {
        let Some(bytes) = corpus(&format!("xml/{file}")) else { return };
        match parse_einvoice(&bytes) {
            Err(e @ EInvoiceError::NotAnInvoice(_)) => assert!(e.to_string().contains("Order-X"), "{e}"),
            other => panic!("{file}: expected NotAnInvoice, got {other:?}"),
        }
    }
}

#[test]
fn facturx_pdf_attachment_is_found_and_parsed() {
    let Some(pdf) = corpus("pdf/invoice_EN16931.pdf") else { return };
    let (att, inv) = read_pdf_einvoice(&pdf).unwrap().expect("the Factur-X PDF has an XML attachment");
    assert_eq!(att.file_name, "factur-x.xml");
    assert!(att.xml.starts_with(b"<?xml") || att.xml.starts_with(b"\xEF\xBB\xBF<?xml"));
    assert_facturx_full_header(&inv);
    assert_eq!(inv.profile.as_deref(), Some("urn:cen.eu:en16931:2017"));
    assert_facturx_lines(&inv);
}

// ---- inline documents ----

const UBL_CREDIT_NOTE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>AV-2026-007</cbc:ID>
  <cbc:IssueDate>2026-02-10</cbc:IssueDate>
  <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyName><cbc:Name>Trade Name</cbc:Name></cac:PartyName>
    <cac:PartyTaxScheme><cbc:CompanyID>fr 11 123456782</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Fournisseur SA</cbc:RegistrationName><cbc:CompanyID schemeID="0009">123 456 782 00017</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:RegistrationName>Client SARL</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentDueDate>2026-03-12</cbc:PaymentDueDate>
    <cac:PayeeFinancialAccount><cbc:ID>FR76 3000 6000 0112 3456 7890 189</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">4.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">20.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">4.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:TaxTotal><cbc:TaxAmount currencyID="USD">4.32</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">20.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">20.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">24.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">24.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:CreditNoteLine>
    <cbc:ID>1</cbc:ID>
    <cbc:CreditedQuantity unitCode="H87">2</cbc:CreditedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">20.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Retour cartouches</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
  </cac:CreditNoteLine>
</CreditNote>"#;

#[test]
fn ubl_credit_note_is_detected() {
    let inv = parse_einvoice(UBL_CREDIT_NOTE.as_bytes()).unwrap();
    assert_eq!(inv.syntax, Syntax::Ubl);
    assert!(inv.is_credit_note);
    assert_eq!(inv.type_code.as_deref(), Some("381"));
    assert_eq!(inv.number, "AV-2026-007");
    assert_eq!(inv.issue_date, date(2026, 2, 10));
    assert_eq!(inv.due_date, Some(date(2026, 3, 12)));
    assert_eq!(inv.seller.name.as_deref(), Some("Fournisseur SA"));
    assert_eq!(inv.seller.vat_id.as_deref(), Some("FR11123456782"));
    assert_eq!(inv.seller.legal_id, Some(LegalId { id: "12345678200017".into(), scheme: Some("0009".into()) }));
    assert_eq!(inv.buyer.name.as_deref(), Some("Client SARL"));
    assert_eq!(inv.payee_ibans, vec!["FR7630006000011234567890189".to_string()]);
    // BT-110 is the EUR TaxTotal, not the USD one.
    assert_eq!(inv.totals.vat_total, Some(dec!(4.00)));
    assert_eq!(inv.totals.grand_total, Some(dec!(24.00)));
    assert_eq!(inv.vat_breakdown, vec![vat(Some("S"), dec!(20), dec!(20.00), dec!(4.00))]);
    assert_eq!(inv.lines.len(), 1);
    assert_eq!(inv.lines[0].quantity, Some(dec!(2)));
    assert_eq!(inv.lines[0].unit_code.as_deref(), Some("H87"));
    assert_eq!(inv.lines[0].name.as_deref(), Some("Retour cartouches"));
    assert_eq!(inv.checks(), Vec::<String>::new());
}

/// A small CII document in the shape of Factur-X MINIMUM.
fn cii_minimum(type_code: &str, tax_totals: &str, grand: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:factur-x.eu:1p0:minimum</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>A-1</ram:ID><ram:TypeCode>{type_code}</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20260215</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>S</ram:Name></ram:SellerTradeParty></ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:TaxCurrencyCode>USD</ram:TaxCurrencyCode>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:TaxBasisTotalAmount>100.00</ram:TaxBasisTotalAmount>
    {tax_totals}
    <ram:GrandTotalAmount>{grand}</ram:GrandTotalAmount>
    <ram:DuePayableAmount>120.00</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"#
    )
}

#[test]
fn cii_credit_note_and_vat_total_in_document_currency() {
    // BT-111 (tax currency) written first: BT-110 must still be the EUR amount.
    let taxes = r#"<ram:TaxTotalAmount currencyID="USD">21.60</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID="EUR">20.00</ram:TaxTotalAmount>"#;
    let inv = parse_einvoice(cii_minimum("381", taxes, "120.00").as_bytes()).unwrap();
    assert!(inv.is_credit_note);
    assert_eq!(inv.type_code.as_deref(), Some("381"));
    assert_eq!(inv.issue_date, date(2026, 2, 15));
    assert_eq!(inv.totals.vat_total, Some(dec!(20.00)));
    assert_eq!(inv.checks(), Vec::<String>::new());

    let inv = parse_einvoice(cii_minimum("380", taxes, "120.00").as_bytes()).unwrap();
    assert!(!inv.is_credit_note);
}

#[test]
fn checks_report_inconsistent_totals_with_numbers() {
    let taxes = r#"<ram:TaxTotalAmount currencyID="EUR">20.00</ram:TaxTotalAmount>"#;
    let inv = parse_einvoice(cii_minimum("380", taxes, "121.00").as_bytes()).unwrap();
    let problems = inv.checks();
    assert!(
        problems.iter().any(|p| p.contains("100.00") && p.contains("20.00") && p.contains("120.00") && p.contains("121.00")),
        "{problems:?}"
    );
    // 121.00 - 0 + 0 != 120.00 due.
    assert!(problems.iter().any(|p| p.contains("amount due")), "{problems:?}");

    // Breakdown sums and per-rate VAT.
    let mut inv = inv;
    inv.totals.grand_total = Some(dec!(120.00));
    inv.vat_breakdown = vec![vat(Some("S"), dec!(20), dec!(60.00), dec!(12.00)), vat(Some("S"), dec!(10), dec!(30.00), dec!(8.00))];
    let problems = inv.checks();
    assert!(problems.iter().any(|p| p.contains("taxable amounts add up to 90.00") && p.contains("100.00")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("VAT at 10%") && p.contains("should be 3.00") && p.contains("8.00")), "{problems:?}");
    assert!(!problems.iter().any(|p| p.contains("VAT amounts add up")), "{problems:?}");
}

#[test]
fn doctype_and_entities_are_refused() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol9;</Invoice>"#;
    let err = parse_einvoice(laughs.as_bytes()).unwrap_err();
    assert!(matches!(err, EInvoiceError::Doctype), "{err:?}");
    assert!(err.to_string().contains("DOCTYPE"), "{err}");

    // External entity (XXE).
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID>&xxe;</cbc:ID></Invoice>"#;
    assert!(matches!(parse_einvoice(xxe.as_bytes()), Err(EInvoiceError::Doctype)));

    // A DOCTYPE without internal subset, which roxmltree alone would accept.
    let bare = cii_minimum("380", "", "100.00").replacen("<rsm:Cross", "<!DOCTYPE rsm:CrossIndustryInvoice>\n<rsm:Cross", 1);
    assert!(matches!(parse_einvoice(bare.as_bytes()), Err(EInvoiceError::Doctype)));

    // An undeclared entity reference.
    let undeclared = cii_minimum("380", "", "100.00").replace("<ram:Name>S</ram:Name>", "<ram:Name>&foo;</ram:Name>");
    match parse_einvoice(undeclared.as_bytes()) {
        Err(EInvoiceError::Entity(name)) => assert_eq!(name, "foo"),
        other => panic!("{other:?}"),
    }
    // The predefined entities stay fine.
    let amp = cii_minimum("380", "", "100.00").replace("<ram:Name>S</ram:Name>", "<ram:Name>Dupont &amp; Fils</ram:Name>");
    assert_eq!(parse_einvoice(amp.as_bytes()).unwrap().seller.name.as_deref(), Some("Dupont & Fils"));
}

#[test]
fn other_documents_and_garbage_are_refused_clearly() {
    let unknown = r#"<?xml version="1.0"?><html><body/></html>"#;
    let err = parse_einvoice(unknown.as_bytes()).unwrap_err();
    assert!(matches!(err, EInvoiceError::NotAnInvoice(_)) && err.to_string().contains("<html>"), "{err}");

    let garbage: Vec<u8> = (0..600u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(matches!(parse_einvoice(&garbage), Err(EInvoiceError::Encoding(_))));
    let err = parse_einvoice(b"this is not xml at all").unwrap_err();
    assert!(matches!(err, EInvoiceError::Xml(_)), "{err:?}");
    assert!(err.to_string().starts_with("not well-formed XML"), "{err}");
    let err = find_embedded_xml(&garbage).unwrap_err();
    assert!(matches!(err, EInvoiceError::Pdf(_)) && err.to_string().contains("not a readable PDF"), "{err}");
    assert!(matches!(find_embedded_xml(b""), Err(EInvoiceError::Pdf(_))));
    assert!(matches!(find_embedded_xml(b"%PDF-1.7\nthen nothing readable"), Err(EInvoiceError::Pdf(_))));

    // Missing mandatory values and unreadable amounts name the business term.
    let no_number = cii_minimum("380", "", "100.00").replace("<ram:ID>A-1</ram:ID>", "");
    assert!(parse_einvoice(no_number.as_bytes()).unwrap_err().to_string().contains("BT-1"));
    let bad_amount = cii_minimum("380", "", "1OO.00");
    let err = parse_einvoice(bad_amount.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("BT-112") && err.to_string().contains("1OO.00"), "{err}");
}

// ---- PDFs built here ----

fn flate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A one-page PDF; `attach` adds objects and returns extra catalog entries.
fn build_pdf(attach: impl FnOnce(&mut Document) -> lopdf::Dictionary) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }));
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    catalog.extend(&attach(&mut doc));
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A file spec for `name` whose embedded stream holds `data` (Flate-compressed when `compress`).
fn filespec(doc: &mut Document, name: &str, data: &[u8], compress: bool) -> lopdf::ObjectId {
    let stream = if compress {
        Stream::new(dictionary! { "Type" => "EmbeddedFile", "Filter" => "FlateDecode" }, flate(data))
    } else {
        Stream::new(dictionary! { "Type" => "EmbeddedFile" }, data.to_vec())
    };
    let ef = doc.add_object(stream);
    doc.add_object(dictionary! {
        "Type" => "Filespec",
        "F" => Object::string_literal(name),
        "UF" => Object::string_literal(name),
        "AFRelationship" => "Data",
        "EF" => dictionary! { "F" => ef },
    })
}

#[test]
fn pdf_without_attachment_is_none() {
    let pdf = build_pdf(|_| dictionary! {});
    assert_eq!(find_embedded_xml(&pdf).unwrap(), None);
    assert!(read_pdf_einvoice(&pdf).unwrap().is_none());
    // Only a non-XML attachment: still none.
    let pdf = build_pdf(|doc| {
        let spec = filespec(doc, "photo.jpg", b"\xFF\xD8\xFF", false);
        dictionary! { "AF" => vec![spec.into()] }
    });
    assert_eq!(find_embedded_xml(&pdf).unwrap(), None);
}

#[test]
fn attachment_reached_only_through_af() {
    let xml = cii_minimum("380", r#"<ram:TaxTotalAmount currencyID="EUR">20.00</ram:TaxTotalAmount>"#, "120.00");
    let pdf = build_pdf(|doc| {
        let spec = filespec(doc, "factur-x.xml", xml.as_bytes(), true);
        dictionary! { "AF" => vec![spec.into()] }
    });
    let att = find_embedded_xml(&pdf).unwrap().unwrap();
    assert_eq!(att.file_name, "factur-x.xml");
    assert_eq!(att.relationship.as_deref(), Some("Data"));
    assert_eq!(att.xml, xml.as_bytes());
    let (_, inv) = read_pdf_einvoice(&pdf).unwrap().unwrap();
    assert_eq!(inv.number, "A-1");
    assert_eq!(inv.totals.grand_total, Some(dec!(120.00)));
}

#[test]
fn attachment_reached_through_name_tree_kids_prefers_standard_names() {
    let xml = cii_minimum("380", "", "100.00");
    let pdf = build_pdf(|doc| {
        let other = filespec(doc, "notes.xml", b"<notes/>", false);
        let jpg = filespec(doc, "logo.jpg", b"\xFF\xD8\xFF", false);
        let zugferd = filespec(doc, "ZUGFeRD-invoice.xml", xml.as_bytes(), true);
        let leaf1 = doc.add_object(dictionary! {
            "Limits" => vec![Object::string_literal("a"), Object::string_literal("n")],
            "Names" => vec![Object::string_literal("logo.jpg"), jpg.into(), Object::string_literal("notes.xml"), other.into()],
        });
        let leaf2 = doc.add_object(dictionary! {
            "Names" => vec![Object::string_literal("ZUGFeRD-invoice.xml"), zugferd.into()],
        });
        let mid = doc.add_object(dictionary! { "Kids" => vec![leaf2.into()] });
        let root = doc.add_object(dictionary! { "Kids" => vec![leaf1.into(), mid.into()] });
        let names = doc.add_object(dictionary! { "EmbeddedFiles" => root });
        dictionary! { "Names" => names }
    });
    let att = find_embedded_xml(&pdf).unwrap().unwrap();
    assert_eq!(att.file_name, "ZUGFeRD-invoice.xml");
    assert_eq!(att.xml, xml.as_bytes());

    // Without a standard name, any .xml attachment is taken.
    let pdf = build_pdf(|doc| {
        let spec = filespec(doc, "INV-42.XML", xml.as_bytes(), false);
        let tree = doc.add_object(dictionary! { "Names" => vec![Object::string_literal("INV-42.XML"), spec.into()] });
        dictionary! { "Names" => dictionary! { "EmbeddedFiles" => tree } }
    });
    assert_eq!(find_embedded_xml(&pdf).unwrap().unwrap().file_name, "INV-42.XML");
}

#[test]
fn name_tree_loop_terminates() {
    let pdf = build_pdf(|doc| {
        let node = doc.new_object_id();
        doc.objects.insert(node, Object::Dictionary(dictionary! { "Kids" => vec![node.into()] }));
        dictionary! { "Names" => dictionary! { "EmbeddedFiles" => node } }
    });
    assert_eq!(find_embedded_xml(&pdf).unwrap(), None);
}

#[test]
fn decompression_bomb_is_refused() {
    let big = vec![b' '; 200_000];
    let pdf = build_pdf(|doc| {
        let spec = filespec(doc, "factur-x.xml", &big, true);
        dictionary! { "AF" => vec![spec.into()] }
    });
    match find_embedded_xml_limited(&pdf, 64 * 1024) {
        Err(e @ EInvoiceError::AttachmentTooLarge { .. }) => assert!(e.to_string().contains("factur-x.xml"), "{e}"),
        other => panic!("{other:?}"),
    }
    // Under the real cap it is accepted.
    assert_eq!(find_embedded_xml(&pdf).unwrap().unwrap().xml.len(), big.len());
}
