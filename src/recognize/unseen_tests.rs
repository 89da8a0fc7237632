//! Layouts and wordings met on other producers' invoices (found by running
//! the recognizer on a set made with another PDF library): each test is one
//! class of failure, laid out as text (see `testutil`).

use super::testutil::pages_from_text;
use super::*;

fn rec(pages: &[&str]) -> Recognition {
    Recognizer::default().recognize(&pages_from_text(pages))
}

fn v<'a>(r: &'a Recognition, name: &str) -> Option<&'a str> {
    r.value(name)
}

/// Boxed totals: labels left-aligned in a header row, values right-aligned
/// in the row under it, so a value stands nearer the next header's column.
#[test]
fn boxed_totals_with_right_aligned_values_under_left_aligned_headers() {
    let text = "\
FACTURE                                               Client
Numéro de facture RE-2026-4603                        Clinique des Tilleuls SA
Date : 11 août 2026                                   8 rue de la République

Désignation                     Qté        Prix unitaire HT      Montant HT
Formation sur site                1                  379,60          379,60

          Total hors taxes        TVA                     Montant dû
                         379,60 €                 75,92 €                455,52 €

Électricité Martin SARL - RCS Lyon 123 456 782 - N° TVA FR 11 123 456 782";
    let r = rec(&[text]);
    assert_eq!(v(&r, "net_total"), Some("379.60"));
    assert_eq!(v(&r, "vat_total"), Some("75.92"));
    assert_eq!(v(&r, "gross_total"), Some("455.52"));
}

/// A stacked "Invoice No." over its value, with the buyer's street number
/// far right on the label's line: that number belongs to the buyer's block.
#[test]
fn stacked_invoice_number_beside_another_block() {
    let text = "\
Tax Invoice                                          Billed to
                                                     Demo Company SAS
Invoice No.                                          15 quai des Chartrons
F-2026-1429                                          92100 Boulogne-Billancourt
Issue date
24/10/2026

                                        Subtotal            EUR 1000.00
                                        VAT                  EUR 200.00
                                        Total incl. VAT     EUR 1200.00

Northgate Logistics SARL - RCS Toulouse 123 456 782 - VAT ID FR11123456782";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("F-2026-1429"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-10-24"));
}

/// Buyer blocks headed "Rechnung an" (and other wordings): the buyer's VAT
/// id there is not the supplier's, even when the supplier is only named in
/// the footer.
#[test]
fn buyer_block_headings_in_other_wordings() {
    for heading in ["Rechnung an", "Rechnungsanschrift", "Auftraggeber"] {
        let text = format!(
            "\
GUTSCHRIFT                                   {heading}
                                             Maison Girard SAS
Gutschrift Nr.        RE-2026-2412           15 quai des Chartrons
Rechnungsdatum        13.03.2026             92100 Boulogne-Billancourt
                                             Umsatzsteuer-ID: FR11123456782

                                      Summe netto: € 100,00
                                      zzgl. MwSt.: € 19,00
                                      Rechnungsbetrag: € 119,00

IBAN: DE42869795488717174728

    Weber Softwarehaus GmbH – Industriestr. 7 – 80331 München
    Amtsgericht München HRB 49152 – Umsatzsteuer-ID DE 641440475"
        );
        let r = rec(&[&text]);
        assert_eq!(v(&r, "supplier_vat_id"), Some("DE641440475"), "{heading}");
        assert_eq!(v(&r, "supplier_name"), Some("Weber Softwarehaus GmbH"), "{heading}");
    }
}

/// "UG (haftungsbeschränkt)" is one legal form: the bracket is part of the name.
#[test]
fn legal_form_with_its_bracket() {
    let text = "\
Krause Druck & Medien UG (haftungsbeschränkt)            RECHNUNG
Hauptstraße 14                                           Rechnungsnummer: 4711
80331 München                                            Rechnungsdatum: 02.07.2026
USt-IdNr.: DE641440475

                                      Nettobetrag       100,00 €
                                      MwSt. 19 %         19,00 €
                                      Gesamtbetrag      119,00 €";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_name"), Some("Krause Druck & Medien UG (haftungsbeschränkt)"));
}

/// No currency printed anywhere: a euro-area bank account says euros
/// (weakly); a non-euro one says nothing.
#[test]
fn currency_from_the_bank_account_country_when_none_is_printed() {
    let text = "\
RECHNUNG
Rechnungsnummer: 4711
Rechnungsdatum: 02.07.2026

                                      Nettobetrag       100,00
                                      MwSt. 19 %         19,00
                                      Gesamtbetrag      119,00

Hofmann Elektro GmbH - USt-IdNr. DE641440475 - IBAN: DE42 8697 9548 8717 1747 28";
    let r = rec(&[text]);
    assert_eq!(v(&r, "currency"), Some("EUR"));
    assert_eq!(r.fields["currency"].source, "inferred:country");
    assert!(r.fields["currency"].confidence < 0.7);
    let gb = text.replace("DE42 8697 9548 8717 1747 28", "GB29 NWBK 6016 1331 9268 19");
    assert_eq!(rec(&[&gb]).value("currency"), None);
}

/// The name heading the header block that holds the supplier's identifiers
/// (right above its street) is the supplier's name, even when it contains a
/// supplier word ("LE FOURNISSEUR"), over a footer legal line.
#[test]
fn supplier_name_from_the_identifier_block_over_the_footer() {
    let text = "\
LE FOURNISSEUR                                     FACTURE N° : F20260023
35 rue d'ici                                       Date : 31/01/2026
75018 PARIS
SIRET : 123 456 782 00077
N° TVA intra : FR 11 123 456 782
                                                   CLIENT :
                                                   LE CLIENT
                                                   06000 MA VILLE

                                        Total HT        100,00
                                        TVA 20 %         20,00
                                        NET A PAYER     120,00 EUR

IBAN : FR76 3000 6000 0112 3456 7890 189

              FOURNISSEUR F SARL au capital de 50 000 EUR - RCS MAVILLE 123 456 782";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_name"), Some("LE FOURNISSEUR"));
    assert_eq!(v(&r, "supplier_siret"), Some("12345678200077"));
}

/// OCR boxes space an IBAN's first group away from the rest ("FR76    1820
/// 6788 …"), farther than the gap that separates phrases.
#[test]
fn an_iban_whose_first_group_stands_apart() {
    use super::testutil::Layout;
    let page = Layout::new()
        .text(50.0, 40.0, 12.0, "Télécom Hexagone SAS")
        .text(50.0, 80.0, 10.0, "Facture n° TH2605000463")
        .text(50.0, 380.0, 7.0, "RIB IBAN :")
        .text(90.0, 380.0, 7.0, "FR76")
        .text(112.0, 380.0, 7.0, "1820 6788 0200 0940 3871 285")
        .page(1);
    let r = Recognizer::default().recognize(&[page]);
    assert_eq!(r.value("iban"), Some("FR7618206788020009403871285"));
}

/// Real invoices of public projects (invoice2data's test PDFs): an invoice
/// number after a "#", a date "August 3 , 2014", the supplier's name under
/// a "Service Provider:" heading and a remark in parentheses, a name with
/// "Web" in it.
#[test]
fn web_shop_and_cloud_invoices() {
    let text = "\
                                                      Retail Invoices/Bill
                                                               Invoice No : # BLR_WFLD20151000982590
Sold By : WS Retail Services Pvt. Ltd.,
Order ID: OD304175096047380001            Billing Address
Invoice Date: 20-10-2015                  Anushrut Singh
                                          Lucknow 226010 Uttar Pradesh
Product        Qty   Price    Tax(%)    Tax      Total
Memory cards     1   278.61   14.50%    40.39    319.00
                                            Grand Total     319.00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("BLR_WFLD20151000982590"));
    assert_eq!(v(&r, "supplier_name"), Some("WS Retail Services Pvt. Ltd."));
    assert_eq!(v(&r, "gross_total"), Some("319.00"));

    let text = "\
                                          Amazon Web Services Invoice
Account number:                           Invoice Summary
296664039561                              Invoice Number:          42183017
                                          Invoice Date:            August 3 , 2014
Bill to Address:
ATTN: iViveLabs Limited                   TOTAL AMOUNT DUE ON August 3 , 2014     $4.11

 Total for this invoice                                                           $4.11

* May include estimated US sales tax                     Service Provider:
** This is not a VAT invoice                             (Not to be used for payment remittance)
                                                         Amazon Web Services, Inc.
                                                         410 Terry Ave North";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("42183017"));
    assert_eq!(v(&r, "invoice_date"), Some("2014-08-03"));
    assert_eq!(v(&r, "gross_total"), Some("4.11"));
    assert_eq!(v(&r, "supplier_name"), Some("Amazon Web Services, Inc."));
}

/// Prices in a column headed "Ohne MwSt." (without VAT) are not the VAT:
/// with only a total printed, no VAT is invented and no net derived from it.
#[test]
fn a_column_headed_without_vat_is_not_the_vat() {
    let text = "\
Rechnung                                                         Seite 1
Rechnungsnr.        30064443                              Kundennr.     47774
Rechnungsdatum      7. Mai 2014
   Pos.   Menge   Beschreibung                      VK-Preis     Zeilenbetrag
                                                       Ohne      Ohne MwSt.
                                                      MwSt.
     1        1   Small Business Exchange               3,89           3,89
     2        1   Small Business Exchange               5,39           5,39
                                                 Total EUR             9,28";
    let r = rec(&[text]);
    assert_eq!(v(&r, "gross_total"), Some("9.28"));
    assert_eq!(v(&r, "vat_total"), None, "{:?}", r.fields.get("vat_total"));
    assert_eq!(v(&r, "net_total"), None);
}

/// A name OCR cut into phrases at wide gaps: joined up to its legal form;
/// a street with its house number is never the name.
#[test]
fn a_name_cut_into_phrases_is_joined() {
    let text = "\
Stadtwerke  Lindenau  GmbH                                 Rechnung
Am Markt 3                                                 Rechnungsnr. SW-2026-11
04177 Leipzig                                              Datum: 05.03.2026

Rechnung an
Cabinet Demo SAS
12 rue de la Paix, 75002 Paris

Strom Grundpreis                                           100,00
Nettobetrag                                                100,00
MwSt. 19 %                                                  19,00
Gesamtbetrag                                               119,00 €";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_name"), Some("Stadtwerke Lindenau GmbH"));
    assert_eq!(v(&r, "gross_total"), Some("119.00"));
}
