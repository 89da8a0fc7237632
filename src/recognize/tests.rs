//! Whole-document recognition tests: invoices laid out as text (see
//! `testutil`), in French, English and German, with the layouts met in
//! practice.

use rust_decimal_macros::dec;

use super::testutil::{page_from_text, pages_from_text, Layout};
use super::*;

fn rec(pages: &[&str]) -> Recognition {
    Recognizer::default().recognize(&pages_from_text(pages))
}

fn with_company(company: CompanyIdentity, pages: &[&str]) -> Recognition {
    Recognizer::new(CategoryRules::builtin(), MarkRules::builtin(), company, RecognizeSettings::default()).recognize(&pages_from_text(pages))
}

fn v<'a>(r: &'a Recognition, name: &str) -> Option<&'a str> {
    r.value(name)
}

fn check<'a>(r: &'a Recognition, name: &str) -> &'a Check {
    r.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no check {name} in {:#?}", r.checks))
}

fn assert_clean(r: &Recognition) {
    assert!(r.review_reasons().is_empty(), "review reasons: {:#?}\nfields: {:#?}", r.review_reasons(), r.fields);
}

const FR_BASIC: &str = "\
ACME CONSEIL SAS                                         FACTURE N° F-2026-0042
12 rue de la Paix                                        Date : 15/03/2026
75002 Paris                                              Échéance : 14/04/2026
SIRET : 123 456 782 00077
N° TVA : FR 11 123 456 782

                                     Client :
                                     DURAND SARL
                                     5 avenue Foch
                                     69006 Lyon
                                     TVA : FR44732829320

Désignation                     Qté      PU HT       Total HT
Prestation de conseil             2   1 000,00       2 000,00
Frais de dossier                  1     234,56         234,56

                                               Total HT       2 234,56 €
                                               TVA 20 %         446,91 €
                                               Total TTC      2 681,47 €

Règlement par virement - IBAN : FR76 3000 6000 0112 3456 7890 189";

#[test]
fn french_invoice_labels_right() {
    let r = rec(&[FR_BASIC]);
    assert_eq!(r.category, "purchase_invoice");
    assert_eq!(r.category_reason, "rule \"purchase-invoice\": matched \"facture\"");
    assert_eq!(v(&r, "invoice_number"), Some("F-2026-0042"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-03-15"));
    assert_eq!(v(&r, "due_date"), Some("2026-04-14"));
    assert_eq!(v(&r, "net_total"), Some("2234.56"));
    assert_eq!(v(&r, "vat_total"), Some("446.91"));
    assert_eq!(v(&r, "gross_total"), Some("2681.47"));
    assert_eq!(v(&r, "currency"), Some("EUR"));
    assert_eq!(v(&r, "supplier_name"), Some("ACME CONSEIL SAS"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("FR11123456782"));
    assert_eq!(v(&r, "supplier_siret"), Some("12345678200077"));
    assert_eq!(v(&r, "iban"), Some("FR7630006000011234567890189"));
    assert_eq!(r.vat_breakdown, vec![VatLine { rate: dec!(20), base: dec!(2234.56), amount: dec!(446.91) }]);
    assert_clean(&r);
    let g = &r.fields["gross_total"];
    assert_eq!(g.page, 1);
    assert_eq!(g.source, "label:\"Total TTC\"");
    assert!(g.confidence > 0.9, "{g:?}");
    // The value's own box: right of the label, on the Total TTC line (row 18).
    assert!(g.bbox.x0 > 300.0 && (g.bbox.y0 - (30.0 + 18.0 * 12.0)).abs() < 0.1, "{g:?}");
    let n = &r.fields["invoice_number"];
    assert_eq!(n.source, "label:\"FACTURE N°\"");
}

#[test]
fn buyer_block_identifiers_are_not_the_suppliers() {
    // The buyer's VAT id comes first in reading order here: only the block
    // labelled "Facturé à" tells it apart.
    let text = "                                   Facturé à :
                                   DURAND SARL
                                   TVA FR44732829320
                                   IBAN FR19 1027 8076 5432 1987 6543 2109 9

ACME SAS
N° TVA FR11123456782
Facture n° 77   Date 01/02/2026
Total HT 100,00
TVA 20,00
Total TTC 120,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_vat_id"), Some("FR11123456782"));
    assert_eq!(v(&r, "iban"), None, "the only IBAN is the buyer's");
    assert_eq!(v(&r, "buyer_vat_id"), Some("FR44732829320"));
    assert_eq!(v(&r, "supplier_name"), Some("ACME SAS"));
}

#[test]
fn buyer_ids_named_across_phrases_cut_by_ocr() {
    // OCR spaces "Votre n° TVA :" into four phrases, and the supplier's
    // "FR 92 335436341" into two: the buyer's id must still be the buyer's,
    // and the supplier's id read whole.
    let text = "\
ÉNERGIE VERTE DU SUD SA                          Facture n° F-77
                                                 Date : 01/02/2026
Titulaire : Cabinet Demo SAS
Votre  n°  TVA  :  FR01904518271
SIRET  :  90451827100013

Total HT 100,00
TVA 20,00
Total TTC 120,00

Énergie Verte du Sud SA - SIRET 33543634101711 - N° TVA intracommunautaire : FR 92  335436341";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_vat_id"), Some("FR92335436341"));
    assert_eq!(v(&r, "supplier_siret"), Some("33543634101711"));
    assert_eq!(v(&r, "buyer_vat_id"), Some("FR01904518271"));
}

#[test]
fn buyer_id_under_a_header_cell_naming_the_buyer() {
    // "Ihre USt-IdNr." heads the column: the value under it is the buyer's,
    // even when the supplier's own id is unreadable (a scan's footer).
    let text = "\
Alpin Software GmbH
Bahnhofstrasse 21, 80331 München

Rechnung Nr. ALP-2026-0736

Rechnungsdatum    Kundennummer    Lieferdatum    Ihre USt-IdNr.
27.02.2026        17909           23.02.2026     FR01904518271

Gesamt netto 100,00
MwSt. 19 % 19,00
Gesamtbetrag 119,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_vat_id"), None, "the only VAT id is the buyer's: {:?}", r.fields);
    assert_eq!(v(&r, "buyer_vat_id"), Some("FR01904518271"));
}

#[test]
fn ocr_label_cut_into_two_phrases_is_one_label() {
    // Tesseract boxes letter-spaced capitals tightly: "REF." and "FACTURE"
    // stand 6 pt apart on a 6 pt line, as far as two columns would.
    let page = Layout::new()
        .text(18.0, 64.0, 6.0, "Hôtel du Parc SAS")
        .word(195.0, 94.0, 206.0, 100.0, "REF.", 0.8)
        .word(212.0, 94.0, 241.0, 100.0, "FACTURE", 0.9)
        .word(375.0, 94.0, 390.0, 100.0, "DATE", 0.9)
        .word(394.0, 94.0, 430.0, 100.0, "D'EMISSION", 0.9)
        .text(18.0, 104.0, 8.0, "TELEPHONE")
        .word(195.0, 104.0, 233.0, 112.0, "H-00157", 0.9)
        .word(375.0, 104.0, 426.0, 112.0, "2026-04-21", 0.9)
        .text(300.0, 400.0, 8.0, "Total HT 100,00")
        .text(300.0, 412.0, 8.0, "TVA 20 % 20,00")
        .text(300.0, 424.0, 8.0, "Total TTC 120,00")
        .ocr_page(1);
    let r = Recognizer::default().recognize(&[page]);
    assert_eq!(v(&r, "invoice_number"), Some("H-00157"), "{:#?}", r.fields);
    assert_eq!(v(&r, "invoice_date"), Some("2026-04-21"));
}

#[test]
fn ocr_din_sender_line_with_its_dots_misread() {
    // The return-address line's small dots come back as ":" and "-", each
    // boxed as a phrase of its own, and the postal code as "3052!": the
    // address under it is still the buyer's, not the supplier.
    let page = Layout::new()
        .text(376.0, 38.0, 17.0, "MSN Messe Service Nord")
        .text(462.0, 69.0, 6.0, "Messe Service Nord GmbH")
        .text(494.0, 79.0, 8.0, "Am Messeplatz 1")
        .text(497.0, 88.0, 7.0, "30521 Hannover")
        .word(57.0, 143.0, 74.0, 152.0, "Messe", 0.9)
        .word(76.0, 143.0, 95.0, 152.0, "Service", 0.9)
        .word(97.0, 143.0, 110.0, 152.0, "Nord", 0.9)
        .word(111.0, 143.0, 128.0, 152.0, "GmbH", 0.9)
        .word(131.0, 143.0, 132.0, 152.0, ":", 0.8)
        .word(134.0, 143.0, 143.0, 152.0, "Am", 0.9)
        .word(146.0, 143.0, 174.0, 152.0, "Messeplatz", 0.9)
        .word(177.0, 143.0, 179.0, 152.0, "1", 0.9)
        .word(182.0, 143.0, 183.0, 152.0, "-", 0.8)
        .word(185.0, 143.0, 200.0, 152.0, "3052!", 0.9)
        .word(203.0, 143.0, 229.0, 152.0, "Hannover", 0.9)
        .text(58.0, 160.0, 8.0, "Cabinet Demo SAS")
        .text(58.0, 172.0, 8.0, "12 rue de la Paix")
        .text(58.0, 184.0, 8.0, "75002 Paris")
        .text(57.0, 240.0, 10.0, "Invoice # MSN-26-00537   Invoice Date 02.05.2026")
        .text(300.0, 400.0, 10.0, "Net total 100.00")
        .text(300.0, 412.0, 10.0, "VAT 19 % 19.00")
        .text(300.0, 424.0, 10.0, "Total due 119.00")
        .ocr_page(1);
    let r = Recognizer::default().recognize(&[page]);
    assert_eq!(v(&r, "supplier_name"), Some("Messe Service Nord GmbH"), "{:#?}", r.fields);
}

#[test]
fn ocr_specks_neither_hide_a_value_nor_cut_it() {
    // Tesseract boxed the day of "6 juin 2026" with a speck (".6", 1 pt
    // high), and read another speck as "À" between the label and its value.
    let page = Layout::new()
        .text(18.0, 74.0, 12.0, "Les Saveurs d'Armand SARL")
        .word(196.0, 95.0, 264.0, 100.0, "FACTURE", 0.97)
        .word(376.0, 95.0, 392.0, 100.0, "DATE", 0.97)
        .word(415.0, 98.0, 416.0, 98.0, "À", 0.26)
        .word(196.0, 103.0, 244.0, 116.0, "202606-205", 0.92)
        .word(372.0, 111.0, 373.0, 112.0, ".6", 0.81)
        .word(376.0, 103.0, 400.0, 116.0, "juin", 0.97)
        .word(403.0, 103.0, 423.0, 116.0, "2026", 0.97)
        .text(300.0, 400.0, 10.0, "Total HT 100,00")
        .text(300.0, 412.0, 10.0, "TVA 20 % 20,00")
        .text(300.0, 424.0, 10.0, "Total TTC 120,00")
        .ocr_page(1);
    let r = Recognizer::default().recognize(&[page]);
    assert_eq!(v(&r, "invoice_date"), Some("2026-06-06"), "{:#?}", r.fields);
}

#[test]
fn a_gross_equal_to_the_net_beside_a_real_vat_is_not_the_gross() {
    // OCR lost the "Total due" line: the only "total" left is the lines'
    // column, equal to the net. The gross is derived instead.
    let text = "\
Brightline Software Ltd                              Invoice No. BL-2026-0042
                                                     Invoice date 12/03/2026

Product / Service          Hrs/Qty     Price       Total
Additional seats                30     18.60      558.00

                                      Net total          558.00
                                      VAT @ 20.00%       111.60";
    let r = rec(&[text]);
    assert_eq!(v(&r, "net_total"), Some("558.00"));
    assert_eq!(v(&r, "vat_total"), Some("111.60"));
    assert_eq!(v(&r, "gross_total"), Some("669.60"), "{:#?}", r.fields);
}

#[test]
fn a_vat_of_several_rates_is_their_sum_even_when_one_row_fits_a_rate() {
    // OCR lost the "Total TTC" line. The last row's 78,57 on 1 449,89 is
    // 5.4 %, near a real rate; the two rows' sum is the VAT.
    let text = "\
Hôtel du Parc SAS                                  Facture n° H-00157
                                                   Date : 21/04/2026

                                       Total HT            1 449,89 EUR
                                       TVA (20,00%) sur 664,21   132,84 EUR
                                       TVA (10,00%) sur 785,68    78,57 EUR";
    let r = rec(&[text]);
    assert_eq!(v(&r, "vat_total"), Some("211.41"), "{:#?}", r.fields);
    assert_eq!(v(&r, "gross_total"), Some("1661.30"));
}

#[test]
fn vat_lines_printing_their_rate_twice_are_summed() {
    // A German breakdown on gross amounts: each line prints its rate twice
    // and two amounts, the VAT last.
    let text = "\
Hotel Am Stadtpark GmbH & Co. KG                  Rechnung Nr. 000795
                                                  Rechnungsdatum 07.09.2026

                         Zwischensumme                      1.130,70 EUR
19% 31,80                Umsatzsteuer 19 %                      5,08 EUR
7% 1.181,26              Umsatzsteuer 7 %                      77,28 EUR
                         Rechnungsbetrag                    1.213,06 EUR";
    let r = rec(&[text]);
    assert_eq!(v(&r, "vat_total"), Some("82.36"), "{:#?}", r.fields);
    assert_eq!(v(&r, "net_total"), Some("1130.70"));
    assert_eq!(v(&r, "gross_total"), Some("1213.06"));
}

#[test]
fn company_identity_excludes_own_identifiers_without_any_label() {
    // No buyer label at all: the company's identifiers are known from the config.
    let text = "\
DURAND SARL                               ACME SAS
TVA FR64443061841                         TVA FR11123456782
IBAN FR19 1027 8076 5432 1987 6543 2109 9 IBAN FR76 3000 6000 0112 3456 7890 189
Facture 2026-9   du 02/02/2026
Total HT 50,00   TVA 10,00   Total TTC 60,00";
    let company = CompanyIdentity {
        names: vec!["Durand SARL".into()],
        vat_ids: vec![],
        sirens: vec!["443061841".into()],
        ibans: vec!["FR1910278076543219876543210 99".into()],
    };
    let r = with_company(company, &[text]);
    assert_eq!(r.category, "purchase_invoice");
    assert_eq!(v(&r, "supplier_vat_id"), Some("FR11123456782"));
    assert_eq!(v(&r, "iban"), Some("FR7630006000011234567890189"));
    assert_eq!(v(&r, "supplier_name"), Some("ACME SAS"));
    assert_eq!(v(&r, "invoice_number"), Some("2026-9"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-02-02"));
    assert_eq!(v(&r, "gross_total"), Some("60.00"));
}

#[test]
fn sales_invoice_is_one_the_company_issued() {
    let text = "\
DURAND SARL                                   FACTURE N° V-2026-001
SIRET 443 061 841 00011                       Date : 03/03/2026
TVA FR64443061841
                              Client :
                              ACME SAS
                              TVA FR11123456782
Total HT 1 000,00
TVA 200,00
Total TTC 1 200,00";
    let company = CompanyIdentity { names: vec!["Durand SARL".into()], vat_ids: vec!["FR64443061841".into()], sirens: vec!["443061841".into()], ibans: vec![] };
    let r = with_company(company, &[text]);
    assert_eq!(r.category, "sales_invoice", "{}", r.category_reason);
    assert!(r.category_reason.contains("FR64443061841"), "{}", r.category_reason);
    assert_eq!(v(&r, "supplier_vat_id"), Some("FR64443061841"));
    assert_eq!(v(&r, "buyer_vat_id"), Some("FR11123456782"));
}

#[test]
fn invalid_checksums_are_ignored() {
    let text = "\
ACME SAS
TVA FR12123456782
SIRET 123 456 789 00012
IBAN FR76 3000 6000 0112 3456 7890 188
Facture 12  Date 01/01/2026
Total TTC 12,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_vat_id"), None);
    assert_eq!(v(&r, "supplier_siret"), None);
    assert_eq!(v(&r, "iban"), None);
    assert_eq!(v(&r, "supplier_name"), Some("ACME SAS"));
}

#[test]
fn english_invoice_us_conventions() {
    let text = "\
Northwind Traders Inc.                         INVOICE
1200 Market Street                             Invoice #: INV-10023
San Francisco, CA 94103                        Invoice Date: 03/04/2026
                                               Due Date: 04/03/2026
Bill To:
Contoso LLC
500 Main Street

Description            Qty     Unit Price        Amount
Widgets                 10        $120.00     $1,200.00
Support                  1        $234.56       $234.56

                                  Subtotal      $1,434.56
                                  Sales Tax       $114.76
                                  Total Due     $1,549.32";
    let r = rec(&[text]);
    assert_eq!(r.category, "purchase_invoice");
    assert_eq!(v(&r, "invoice_number"), Some("INV-10023"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-03-04"), "US document: month first");
    assert_eq!(v(&r, "due_date"), Some("2026-04-03"));
    assert_eq!(v(&r, "net_total"), Some("1434.56"));
    assert_eq!(v(&r, "vat_total"), Some("114.76"));
    assert_eq!(v(&r, "gross_total"), Some("1549.32"));
    assert_eq!(v(&r, "currency"), Some("USD"));
    assert_eq!(v(&r, "supplier_name"), Some("Northwind Traders Inc."));
}

#[test]
fn english_uk_invoice_with_vat() {
    let text = "\
Bright Paper Ltd
VAT Reg No: GB 123 4567 89
                                  Invoice No. 5521
                                  Date: 15 Mar 2026
                                  Payment due: 14 April 2026
Customer:
Acme Holdings plc
VAT No: GB 987 6543 21

Net amount                 £1,000.00
VAT @ 20%                    £200.00
Total incl. VAT            £1,200.00

Bank: GB29 NWBK 6016 1331 9268 19";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("5521"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-03-15"));
    assert_eq!(v(&r, "due_date"), Some("2026-04-14"));
    assert_eq!(v(&r, "gross_total"), Some("1200.00"));
    assert_eq!(v(&r, "net_total"), Some("1000.00"));
    assert_eq!(v(&r, "vat_total"), Some("200.00"));
    assert_eq!(v(&r, "currency"), Some("GBP"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("GB123456789"));
    assert_eq!(v(&r, "iban"), Some("GB29NWBK60161331926819"));
    assert_eq!(v(&r, "supplier_name"), Some("Bright Paper Ltd"));
    assert_eq!(r.vat_breakdown, vec![VatLine { rate: dec!(20), base: dec!(1000.00), amount: dec!(200.00) }]);
    assert_clean(&r);
}

#[test]
fn german_invoice() {
    let text = "\
Muster Bürobedarf GmbH · Hauptstraße 5 · 10115 Berlin
                                                Rechnung
Rechnungsempfänger:
Beispiel AG                                     Rechnungsnummer: RE-2026-0815
Lindenweg 3                                     Rechnungsdatum: 15. März 2026
80331 München                                   Fällig am: 14.04.2026
USt-IdNr. DE 987 654 321

Pos.  Bezeichnung              Menge    Einzelpreis      Gesamt
1     Druckerpapier               10          12,50      125,00
2     Toner                        2       1.000,00    2.000,00

                                      Nettobetrag        2.125,00 €
                                      zzgl. 19 % MwSt.     403,75 €
                                      Gesamtbetrag       2.528,75 €

Muster Bürobedarf GmbH, USt-IdNr.: DE123456789, IBAN: DE44 5001 0517 5407 3249 31";
    let r = rec(&[text]);
    assert_eq!(r.category, "purchase_invoice");
    assert_eq!(v(&r, "invoice_number"), Some("RE-2026-0815"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-03-15"));
    assert_eq!(v(&r, "due_date"), Some("2026-04-14"));
    assert_eq!(v(&r, "net_total"), Some("2125.00"));
    assert_eq!(v(&r, "vat_total"), Some("403.75"));
    assert_eq!(v(&r, "gross_total"), Some("2528.75"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("DE123456789"), "the buyer's USt-IdNr is in the Rechnungsempfänger block");
    assert_eq!(v(&r, "iban"), Some("DE44500105175407324931"));
    assert_eq!(v(&r, "supplier_name"), Some("Muster Bürobedarf GmbH"));
    assert_eq!(r.vat_breakdown, vec![VatLine { rate: dec!(19), base: dec!(2125.00), amount: dec!(403.75) }]);
    assert_clean(&r);
}

#[test]
fn boxed_header_row_with_values_below() {
    let text = "\
ACME SAS
TVA FR11123456782

+----------------+----------------+----------------+
| Invoice No.    | Invoice Date   | Due Date       |
| A-7781         | 05/01/2026     | 04/02/2026     |
+----------------+----------------+----------------+

+--------------+--------------+--------------+
|   TOTAL HT   |  TOTAL TVA   |  TOTAL TTC   |
|     850,00   |    170,00    |   1 020,00   |
+--------------+--------------+--------------+";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("A-7781"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-01-05"));
    assert_eq!(v(&r, "due_date"), Some("2026-02-04"));
    assert_eq!(v(&r, "net_total"), Some("850.00"));
    assert_eq!(v(&r, "vat_total"), Some("170.00"));
    assert_eq!(v(&r, "gross_total"), Some("1020.00"));
    assert_clean(&r);
}

#[test]
fn label_on_one_line_value_on_the_next() {
    let text = "\
ACME SAS                                   Numéro de facture
TVA FR11123456782                          2026/00315
                                           À payer avant le
                                           30 avril 2026
Date de facture : 31 mars 2026
Montant HT   500,00
Montant TVA  100,00
Net à payer  600,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("2026/00315"));
    assert_eq!(v(&r, "due_date"), Some("2026-04-30"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-03-31"));
    assert_eq!(v(&r, "gross_total"), Some("600.00"));
    assert_clean(&r);
}

#[test]
fn multi_rate_vat_table() {
    let text = "\
ÉPICERIE FINE SARL                          Facture n° 8812
TVA FR11123456782                           Date : 10/02/2026

Récapitulatif TVA
Taux        Base HT       Montant TVA
5,5 %        200,00             11,00
10 %          50,00              5,00
20 %         300,00             60,00

Total HT                    550,00
Total TVA                    76,00
Total TTC                   626,00";
    let r = rec(&[text]);
    assert_eq!(
        r.vat_breakdown,
        vec![
            VatLine { rate: dec!(5.5), base: dec!(200.00), amount: dec!(11.00) },
            VatLine { rate: dec!(10), base: dec!(50.00), amount: dec!(5.00) },
            VatLine { rate: dec!(20), base: dec!(300.00), amount: dec!(60.00) },
        ]
    );
    assert_eq!(v(&r, "net_total"), Some("550.00"));
    assert_eq!(v(&r, "vat_total"), Some("76.00"));
    assert_eq!(v(&r, "gross_total"), Some("626.00"));
    assert!(check(&r, "vat_breakdown_sums").passed);
    assert_eq!(r.checks.iter().filter(|c| c.name == "vat_base_times_rate" && c.passed).count(), 3);
    assert_clean(&r);
}

#[test]
fn vat_table_in_another_column_order_without_percent_signs() {
    let text = "\
Muster GmbH
USt-IdNr. DE123456789
Rechnung Nr. 55   Datum 02.02.2026
MwSt.-Betrag    Netto       MwSt.-Satz
      19,00     100,00          19,00
       3,50      50,00           7,00
Gesamtbetrag  172,50";
    let r = rec(&[text]);
    assert_eq!(
        r.vat_breakdown,
        vec![VatLine { rate: dec!(19), base: dec!(100.00), amount: dec!(19.00) }, VatLine { rate: dec!(7), base: dec!(50.00), amount: dec!(3.50) }]
    );
    assert_eq!(v(&r, "gross_total"), Some("172.50"));
    assert_eq!(v(&r, "net_total"), Some("150.00"));
    assert_eq!(v(&r, "vat_total"), Some("22.50"));
    assert!(r.fields["net_total"].source.starts_with("derived"), "{:?}", r.fields["net_total"]);
}

#[test]
fn inline_breakdown_and_gross_only_derive_net_and_vat() {
    let text = "\
LA BOULANGERIE SAS     TVA FR11123456782
Facture 2026-031   Date 12/01/2026
TVA 5,5 % sur 100,00 : 5,50
TVA 20 % sur 200,00 : 40,00
Net à payer : 345,50 €";
    let r = rec(&[text]);
    assert_eq!(r.vat_breakdown.len(), 2);
    assert_eq!(v(&r, "gross_total"), Some("345.50"));
    assert_eq!(v(&r, "net_total"), Some("300.00"));
    assert_eq!(v(&r, "vat_total"), Some("45.50"));
    let n = &r.fields["net_total"];
    assert_eq!(n.source, "derived:vat_breakdown");
    assert!(n.confidence < r.fields["gross_total"].confidence, "derived values are less certain");
    assert_clean(&r);
}

#[test]
fn credit_note_with_negative_amounts() {
    let text = "\
ACME SAS                               AVOIR N° AV-2026-004
TVA FR11123456782                      Date : 20/03/2026
                                       Facture d'origine : F-2026-0042
Total HT    -100,00 €
TVA 20 %     -20,00 €
Total TTC   -120,00 €";
    let r = rec(&[text]);
    assert_eq!(r.category, "credit_note");
    assert!(r.category_reason.starts_with("rule \"credit-note-fr\""), "{}", r.category_reason);
    assert_eq!(v(&r, "invoice_number"), Some("AV-2026-004"));
    // Magnitudes: the category says it is a credit.
    assert_eq!(v(&r, "net_total"), Some("100.00"));
    assert_eq!(v(&r, "vat_total"), Some("20.00"));
    assert_eq!(v(&r, "gross_total"), Some("120.00"));
    assert_eq!(r.vat_breakdown, vec![VatLine { rate: dec!(20), base: dec!(100.00), amount: dec!(20.00) }]);
    assert_clean(&r);
}

#[test]
fn credit_notes_in_english_and_german_negative_forms() {
    let en = "\
Bright Paper Ltd   VAT No: GB123456789
CREDIT NOTE
Credit Note No: CN-0042    Date: 02/03/2026
Subtotal        (50.00)
VAT              (10.00)
Total           (60.00)";
    let r = rec(&[en]);
    assert_eq!(r.category, "credit_note");
    assert_eq!(v(&r, "invoice_number"), Some("CN-0042"));
    assert_eq!(v(&r, "gross_total"), Some("60.00"));
    assert_eq!(v(&r, "net_total"), Some("50.00"));
    let de = "\
Muster GmbH   USt-IdNr. DE123456789
Gutschrift Nr. G-17    Datum: 03.03.2026
Nettobetrag      50,00-
MwSt. 19 %        9,50-
Gesamtbetrag     59,50-";
    let r = rec(&[de]);
    assert_eq!(r.category, "credit_note");
    assert_eq!(v(&r, "invoice_number"), Some("G-17"));
    assert_eq!(v(&r, "gross_total"), Some("59.50"));
    assert_eq!(v(&r, "vat_total"), Some("9.50"));
}

#[test]
fn amount_conventions_in_totals() {
    for (net, vat, gross, want) in [
        ("1 000,00", "200,00", "1 200,00", "1200.00"),
        ("1\u{a0}000,00", "200,00", "1\u{a0}200,00", "1200.00"),
        ("1\u{202f}000,00", "200,00", "1\u{202f}200,00", "1200.00"),
        ("1.000,00", "200,00", "1.200,00", "1200.00"),
        ("1,000.00", "200.00", "1,200.00", "1200.00"),
        ("1000.00", "200.00", "1200.00", "1200.00"),
        ("1000,0", "200,0", "1200,0", "1200.00"),
        ("CHF 1'000.00", "CHF 200.00", "CHF 1'200.00", "1200.00"),
        ("€1,000.00", "€200.00", "€1,200.00", "1200.00"),
        ("EUR 1.000,00", "EUR 200,00", "EUR 1.200,00", "1200.00"),
    ] {
        let text = format!("ACME SAS\nFacture 1  Date 01/01/2026\nTotal HT   {net}\nTVA   {vat}\nTotal TTC   {gross}");
        let r = rec(&[&text]);
        assert_eq!(v(&r, "gross_total"), Some(want), "{gross}");
        assert_eq!(v(&r, "net_total"), Some("1000.00"), "{net}");
        assert_eq!(v(&r, "vat_total"), Some("200.00"), "{vat}");
    }
}

#[test]
fn gross_is_the_consistent_total_not_a_line_total() {
    // The items table has a "Total" column; the summary is at the bottom.
    let text = "\
ACME SAS   TVA FR11123456782
Facture 99  Date 01/04/2026
Article          Qté      Prix       Total
Stylos            10      1,50       15,00
Cahiers            5      3,00       15,00
Sous-total                           30,00
TVA 20%                               6,00
Total                                36,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "gross_total"), Some("36.00"));
    assert_eq!(v(&r, "net_total"), Some("30.00"));
    assert_eq!(v(&r, "vat_total"), Some("6.00"));
    assert_clean(&r);
}

#[test]
fn totals_on_the_last_page_header_on_the_first() {
    let p1 = "\
ACME SAS                     Facture N° F-88
TVA FR11123456782            Date : 07/07/2026
Article 1                    100,00
Total page                   100,00";
    let p2 = "\
Article 2                    200,00
Total HT                     300,00
TVA 20 %                      60,00
Total TTC                    360,00";
    let r = rec(&[p1, p2]);
    assert_eq!(v(&r, "invoice_number"), Some("F-88"));
    assert_eq!(v(&r, "gross_total"), Some("360.00"));
    assert_eq!(r.fields["gross_total"].page, 2);
    assert_eq!(r.fields["invoice_number"].page, 1);
    assert_clean(&r);
}

#[test]
fn vat_exempt_invoice() {
    let text = "\
Jean Dupont EI                    Facture n° 2026-12
SIRET 123 456 782 00077           Date : 05/05/2026
Prestation                        500,00
Total                             500,00 €
TVA non applicable, art. 293 B du CGI";
    let r = rec(&[text]);
    assert_eq!(v(&r, "gross_total"), Some("500.00"));
    assert_eq!(v(&r, "vat_total"), Some("0.00"));
    assert_eq!(v(&r, "net_total"), Some("500.00"));
    assert!(r.vat_breakdown.is_empty());
    assert!(check(&r, "net_plus_vat_equals_gross").passed);
}

#[test]
fn inconsistent_totals_go_to_review() {
    let text = "ACME SAS  TVA FR11123456782\nFacture 1  Date 01/01/2026\nTotal HT 100,00\nTVA 20,00\nTotal TTC 130,00";
    let r = rec(&[text]);
    assert!(!r.review_reasons().is_empty());
    let c = check(&r, "net_plus_vat_equals_gross");
    assert!(!c.passed, "{c:?}");
}

#[test]
fn missing_fields_go_to_review_with_numbers() {
    let r = rec(&["Bonjour"]);
    assert_eq!(r.category, "other");
    let c = check(&r, "required_fields");
    assert!(!c.passed);
    assert!(c.detail.contains("invoice_number") && c.detail.contains("gross_total"), "{}", c.detail);
    let c = check(&r, "net_plus_vat_equals_gross");
    assert_eq!(c.detail, "cannot check: net_total, vat_total, gross_total not found");
}

#[test]
fn checks_carry_their_numbers() {
    let r = rec(&[FR_BASIC]);
    let c = check(&r, "net_plus_vat_equals_gross");
    assert_eq!(c.detail, "2234.56 + 446.91 = 2681.47 (gross 2681.47, difference 0.00, tolerance 0.02)");
    let c = check(&r, "vat_base_times_rate");
    assert_eq!(c.detail, "2234.56 × 20 % = 446.91 (printed 446.91, difference 0.00)");
    assert!(check(&r, "field_confidence").passed);
}

#[test]
fn breakdown_that_disagrees_fails_its_checks() {
    let text = "\
ACME SAS  TVA FR11123456782
Facture 5  Date 01/01/2026
Taux     Base      TVA
20 %     100,00    20,00
Total HT 110,00
TVA 22,00
Total TTC 132,00";
    let r = rec(&[text]);
    assert!(!check(&r, "vat_breakdown_sums").passed);
    assert!(!r.review_reasons().is_empty());
}

#[test]
fn tolerance_is_configurable() {
    let text = "ACME SAS  TVA FR11123456782\nFacture 1  Date 01/01/2026\nTotal HT 100,00\nTVA 20,00\nTotal TTC 120,04";
    let strict = Recognizer::default().recognize(&pages_from_text(&[text]));
    assert!(!strict.review_reasons().is_empty());
    let loose = Recognizer::new(
        CategoryRules::builtin(),
        MarkRules::builtin(),
        CompanyIdentity::default(),
        RecognizeSettings { amount_tolerance: dec!(0.05), min_confidence: 0.5, ..Default::default() },
    )
    .recognize(&pages_from_text(&[text]));
    assert!(check(&loose, "net_plus_vat_equals_gross").passed, "{:?}", loose.checks);
}

#[test]
fn low_confidence_fields_are_reported() {
    // Two different totals with the same weak label, nothing to decide between them.
    let text = "ACME SAS\nFacture 1 Date 01/01/2026\nTotal 100,00\nTotal 130,00";
    let r = Recognizer::new(
        CategoryRules::builtin(),
        MarkRules::none(),
        CompanyIdentity::default(),
        RecognizeSettings { amount_tolerance: dec!(0.02), min_confidence: 0.9, ..Default::default() },
    )
    .recognize(&pages_from_text(&[text]));
    let c = check(&r, "field_confidence");
    assert!(!c.passed);
    assert!(c.detail.contains("gross_total"), "{}", c.detail);
}

#[test]
fn recognition_is_deterministic() {
    let pages = pages_from_text(&[FR_BASIC]);
    let r = Recognizer::default();
    assert_eq!(r.recognize(&pages), r.recognize(&pages));
}

#[test]
fn words_in_any_order_give_the_same_result() {
    let mut page = page_from_text(1, FR_BASIC);
    page.words.reverse();
    let a = Recognizer::default().recognize(&[page]);
    let b = rec(&[FR_BASIC]);
    assert_eq!(a, b);
}

#[test]
fn empty_document() {
    let r = Recognizer::default().recognize(&[]);
    assert_eq!(r.category, "other");
    assert!(r.fields.is_empty());
    assert!(!r.review_reasons().is_empty());
}

#[test]
fn bigger_title_font_and_separate_value_column() {
    let page = Layout::new()
        .text(40.0, 40.0, 18.0, "Papeterie Martin SARL")
        .text(40.0, 64.0, 9.0, "8 place du Marché, 33000 Bordeaux")
        .text(40.0, 76.0, 9.0, "N° TVA intracommunautaire : FR11123456782")
        .text(380.0, 40.0, 12.0, "FACTURE")
        .text(380.0, 60.0, 9.0, "N° :")
        .text(470.0, 60.0, 9.0, "FA26-0007")
        .text(380.0, 72.0, 9.0, "Date :")
        .text(470.0, 72.0, 9.0, "2026-02-28")
        .text(380.0, 300.0, 9.0, "Total HT")
        .text(500.0, 300.0, 9.0, "80,00")
        .text(380.0, 312.0, 9.0, "TVA (20%)")
        .text(500.0, 312.0, 9.0, "16,00")
        .text(380.0, 324.0, 10.0, "TOTAL TTC")
        .text(500.0, 324.0, 10.0, "96,00 €")
        .page(1);
    let r = Recognizer::default().recognize(&[page]);
    assert_eq!(v(&r, "supplier_name"), Some("Papeterie Martin SARL"));
    assert_eq!(v(&r, "invoice_number"), Some("FA26-0007"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-02-28"));
    assert_eq!(v(&r, "gross_total"), Some("96.00"));
    assert_clean(&r);
}

#[test]
fn supplier_label_names_the_supplier() {
    let text = "\
Fournisseur : Imprimerie du Centre SAS          Client : Durand SARL
N° TVA FR11123456782                            N° TVA FR44732829320
Facture 5   Date 05/05/2026
Total TTC 12,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_name"), Some("Imprimerie du Centre SAS"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("FR11123456782"));
}

// ---- marks ---------------------------------------------------------------

fn with_marks(yaml: &str, pages: &[&str]) -> Recognition {
    let marks = parse_marks(&crate::config::YamlDoc::from_text(std::path::Path::new("marks.yaml"), yaml)).expect("marks");
    Recognizer::new(CategoryRules::builtin(), marks, CompanyIdentity::default(), RecognizeSettings::default()).recognize(&pages_from_text(pages))
}

const GARAGE: &str = "\
GARAGE EXEMPLE SARL                       Facture N° G-311
TVA FR11123456782                         Date : 11/03/2026
Immatriculation : AB-123-CD
Police d'assurance
POL 778899-A
Vidange                                   100,00
Timbre fiscal                               2,00
Total HT                                  100,00
TVA 20 %                                   20,00
Total TTC                                 122,00
                                          Montant final : 122,00";

#[test]
fn generic_custom_marks_right_and_below() {
    let r = with_marks(
        "marks:\n  - name: vehicle_plate\n    type: alphanumeric\n    anchor: {label: 'immatriculation'}\n  - name: policy\n    type: alphanumeric\n    anchor: {label: \"police d'assurance\", direction: below}\n",
        &[GARAGE],
    );
    assert_eq!(v(&r, "vehicle_plate"), Some("AB-123-CD"));
    assert_eq!(r.fields["vehicle_plate"].source, "mark:vehicle_plate");
    assert_eq!(v(&r, "policy"), Some("POL 778899-A"));
}

#[test]
fn marks_that_count_in_the_total_make_the_control_pass() {
    let without = with_marks("marks: []\n", &[GARAGE]);
    assert!(!check(&without, "net_plus_vat_equals_gross").passed, "{:?}", without.checks);
    let with =
        with_marks("marks:\n  - name: stamp\n    type: numeric\n    decimals: 2\n    counts_in_total: true\n    anchor: {label: 'timbre fiscal'}\n", &[GARAGE]);
    assert_eq!(v(&with, "stamp"), Some("2.00"));
    assert_eq!(v(&with, "gross_total"), Some("122.00"));
    let c = check(&with, "net_plus_vat_equals_gross");
    assert!(c.passed, "{c:?}");
    assert!(c.detail.contains("+ 2.00 (stamp)"), "{}", c.detail);
}

#[test]
fn inactive_marks_and_activation_per_supplier() {
    let yaml = "marks:\n  - name: vehicle_plate\n    type: alphanumeric\n    anchor: {label: immatriculation}\n    active: false\n";
    assert_eq!(v(&with_marks(yaml, &[GARAGE]), "vehicle_plate"), None);
    let for_other = format!("{yaml}    active_for: [FR44732829320]\n");
    assert_eq!(v(&with_marks(&for_other, &[GARAGE]), "vehicle_plate"), None);
    let for_this = format!("{yaml}    active_for: [FR11123456782]\n");
    assert_eq!(v(&with_marks(&for_this, &[GARAGE]), "vehicle_plate"), Some("AB-123-CD"));
    let by_name = format!("{yaml}    active_for: [\"Garage Exemple\"]\n");
    assert_eq!(v(&with_marks(&by_name, &[GARAGE]), "vehicle_plate"), Some("AB-123-CD"));
}

#[test]
fn supplier_specific_mark_overrides_the_generic_recognizer() {
    let yaml = "marks:\n  - name: gross_total\n    type: numeric\n    supplier: FR11123456782\n    anchor: {label: 'montant final'}\n  - name: invoice_number\n    type: alphanumeric\n    supplier: FR11123456782\n    anchor: {label: 'police d.assurance', direction: below}\n";
    let r = with_marks(yaml, &[GARAGE]);
    assert_eq!(r.fields["gross_total"].source, "mark:gross_total");
    assert_eq!(v(&r, "gross_total"), Some("122.00"));
    assert_eq!(v(&r, "invoice_number"), Some("POL 778899-A"));
    // For another supplier the same marks do nothing.
    let other = GARAGE.replace("FR11123456782", "FR44732829320");
    let r = with_marks(yaml, &[&other]);
    assert_eq!(v(&r, "invoice_number"), Some("G-311"));
    assert_ne!(r.fields["gross_total"].source, "mark:gross_total");
}

#[test]
fn generic_mark_for_a_predefined_field_only_fills_gaps() {
    let yaml = "marks:\n  - name: invoice_number\n    type: alphanumeric\n    anchor: {label: 'police d.assurance', direction: below}\n";
    assert_eq!(v(&with_marks(yaml, &[GARAGE]), "invoice_number"), Some("G-311"));
    let no_number = GARAGE.replace("Facture N° G-311", "Facture");
    assert_eq!(v(&with_marks(yaml, &[&no_number]), "invoice_number"), Some("POL 778899-A"));
}

#[test]
fn zone_marks_and_vat_base_marks() {
    let text = "\
ACME SAS  TVA FR11123456782
Facture 1  Date 01/01/2026
Base 5,5 : 200,00
Total HT 200,00
TVA 11,00
Total TTC 211,00
                                                                                     REF-ZONE-9";
    let yaml = "marks:\n  - name: dossier\n    type: alphanumeric\n    zone: {page: last, x0: 0.6, y0: 0.0, x1: 1.0, y1: 0.3}\n  - name: base_reduced\n    type: vat_base\n    rate: 5.5\n    decimals: 2\n    anchor: {label: 'base 5,5'}\n";
    let r = with_marks(yaml, &[text]);
    assert_eq!(v(&r, "dossier"), Some("REF-ZONE-9"));
    assert_eq!(r.fields["dossier"].source, "mark:dossier");
    assert_eq!(v(&r, "base_reduced"), Some("200.00"));
    assert_eq!(r.vat_breakdown, vec![VatLine { rate: dec!(5.5), base: dec!(200.00), amount: dec!(11.00) }]);
    assert_clean(&r);
}

#[test]
fn builtin_marks_read_order_numbers() {
    let text = "ACME SAS\nFacture 3 Date 02/01/2026\nN° bon de commande : PO-5561\nTotal TTC 10,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "order_number"), Some("PO-5561"));
}

#[test]
fn negative_invoice_totals_make_a_credit_note() {
    let text = "ACME SAS  TVA FR11123456782\nFacture F-9  Date 01/01/2026\nTotal HT -50,00\nTVA -10,00\nTotal TTC -60,00";
    let r = rec(&[text]);
    assert_eq!(r.category, "credit_note");
    assert!(r.category_reason.starts_with("total -60.00 is negative"), "{}", r.category_reason);
    assert_eq!(v(&r, "gross_total"), Some("60.00"));
    assert_clean(&r);
}

// ---- layouts seen in the wild (written from memory of common generators) ----

#[test]
fn stripe_like_english_invoice() {
    let text = "\
Invoice

Invoice number      F3A9C2-0007
Date of issue       March 15, 2026
Date due            April 14, 2026

Acme Cloud Ltd                           Bill to
20 Pall Mall                             Globex SARL
London SW1Y 5LU                          8 rue Saint-Honoré
United Kingdom                           75001 Paris
billing@acme.example                     France
GB VAT GB123456789                       FR VAT FR44732829320

€1,190.00 due April 14, 2026

Description                     Qty      Unit price       Amount
Pro plan (Mar 15 – Apr 14)        1       €1,000.00     €1,000.00

                                Subtotal                €1,000.00
                                Total excluding tax     €1,000.00
                                VAT - France (20% on €950.00)  €190.00
                                Total                   €1,190.00
                                Amount due              €1,190.00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("F3A9C2-0007"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-03-15"));
    assert_eq!(v(&r, "due_date"), Some("2026-04-14"));
    assert_eq!(v(&r, "gross_total"), Some("1190.00"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("GB123456789"));
    assert_eq!(v(&r, "supplier_name"), Some("Acme Cloud Ltd"));
    assert_eq!(v(&r, "currency"), Some("EUR"));
}

#[test]
fn german_shop_invoice_with_gross_prices() {
    let text = "\
Beispiel Versand GmbH · Am Markt 1 · 04109 Leipzig
Erika Mustermann
Musterweg 7                                        Rechnung
12345 Musterstadt                                  Rechnungsnr.: 1004711
                                                   Bestellnr.: 302-7788
                                                   Datum: 02.03.2026

Pos.  Artikel                         Menge   Einzelpreis     Gesamtpreis
1     USB-Kabel                           2        9,99 €         19,98 €
2     Ladegerät                           1       29,90 €         29,90 €

                                   Zwischensumme (netto)           41,90 €
                                   Umsatzsteuer 19 %                7,98 €
                                   Rechnungsbetrag                 49,88 €

Beispiel Versand GmbH · Sitz Leipzig · HRB 12345 · USt-IdNr. DE123456789";
    let r = rec(&[text]);
    assert_eq!(r.category, "purchase_invoice");
    assert_eq!(v(&r, "invoice_number"), Some("1004711"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-03-02"));
    assert_eq!(v(&r, "net_total"), Some("41.90"));
    assert_eq!(v(&r, "vat_total"), Some("7.98"));
    assert_eq!(v(&r, "gross_total"), Some("49.88"));
    assert_eq!(v(&r, "supplier_name"), Some("Beispiel Versand GmbH"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("DE123456789"));
    assert_clean(&r);
}

#[test]
fn french_utility_bill_with_dont_tva() {
    let text = "\
ÉNERGIE DU SUD SA                                    Facture du 05/02/2026
Service clients : 09 69 32 15 15                    N° de facture : 10023456789
                                                    Référence client : 6001234
Titulaire du contrat
M. Jean Durand
3 impasse des Lilas, 13001 Marseille

Montant total TTC de votre facture                  124,56 €
dont TVA                                             12,34 €
À payer avant le 20 février 2026

Consommation                                       98,00
Abonnement                                         14,22

SA au capital de 1 000 000 € - RCS Marseille 552 100 554 - TVA FR96552100554";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("10023456789"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-02-05"));
    assert_eq!(v(&r, "due_date"), Some("2026-02-20"));
    assert_eq!(v(&r, "gross_total"), Some("124.56"));
    assert_eq!(v(&r, "vat_total"), Some("12.34"));
    assert_eq!(v(&r, "net_total"), Some("112.22"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("FR96552100554"));
    assert_eq!(v(&r, "supplier_name"), Some("ÉNERGIE DU SUD SA"));
}

#[test]
fn label_glued_to_its_number() {
    let text = "ACME SAS  TVA FR11123456782\nFacture N°2026-001  Date 01/01/2026\nTotal HT 10,00\nTVA 2,00\nTotal TTC 12,00";
    assert_eq!(v(&rec(&[text]), "invoice_number"), Some("2026-001"));
    let text = "Muster GmbH  USt-IdNr. DE123456789\nRechnung Nr.12345  Datum 01.01.2026\nGesamtbetrag 12,00";
    assert_eq!(v(&rec(&[text]), "invoice_number"), Some("12345"));
}

#[test]
fn page_carry_overs_are_not_totals() {
    let p1 = "ACME SAS  TVA FR11123456782\nFacture 7  Date 01/01/2026\nArticle A   600,00\nTotal page 1    600,00\nÀ reporter      600,00";
    let p2 = "Report          600,00\nArticle B   400,00\nTotal HT      1 000,00\nTVA 20 %        200,00\nTotal TTC     1 200,00";
    let r = rec(&[p1, p2]);
    assert_eq!(v(&r, "gross_total"), Some("1200.00"));
    assert_eq!(v(&r, "net_total"), Some("1000.00"));
    assert_clean(&r);
}

#[test]
fn ocr_word_confidence_lowers_field_confidence() {
    let mut page = page_from_text(1, "ACME SAS  TVA FR11123456782\nFacture 7  Date 01/01/2026\nTotal HT 100,00\nTVA 20,00\nTotal TTC 120,00");
    page.source = crate::capture::TextSource::Ocr;
    for w in &mut page.words {
        if w.text == "120,00" {
            w.confidence = 0.3;
        }
    }
    let r = Recognizer::default().recognize(&[page]);
    let g = &r.fields["gross_total"];
    assert!(g.confidence < 0.5, "{g:?}");
    assert!(!check(&r, "field_confidence").passed);
}

#[test]
fn zugferd_like_german_invoice_with_inline_rates() {
    let text = "\
Lieferant GmbH                                   Rechnung
Lieferantenstraße 20
80333 München                                    Rechnungsnummer   471102
Deutschland                                      Rechnungsdatum    05.03.2026
                                                 Lieferdatum       04.03.2026
Kunden AG Mitte
Hans Muster
Kundenstraße 15
69876 Frankfurt

Pos  Artikel               Menge     Preis   MwSt      Betrag
1    Trennblätter A4       20,00      9,90    19%      198,00
2    Joghurt Banane        50,00      5,50     7%      275,00

Gesamtbetrag netto                                     473,00
zzgl. Umsatzsteuer 19% auf 198,00                       37,62
zzgl. Umsatzsteuer 7% auf 275,00                        19,25
Gesamtbetrag brutto                                    529,87
Zahlbar bis 04.04.2026
Telefon: 089 123456   USt-IdNr.: DE123456789   IBAN: DE44 5001 0517 5407 3249 31";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("471102"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-03-05"));
    assert_eq!(v(&r, "due_date"), Some("2026-04-04"));
    assert_eq!(v(&r, "net_total"), Some("473.00"));
    assert_eq!(v(&r, "vat_total"), Some("56.87"));
    assert_eq!(v(&r, "gross_total"), Some("529.87"));
    assert_eq!(
        r.vat_breakdown,
        vec![VatLine { rate: dec!(19), base: dec!(198.00), amount: dec!(37.62) }, VatLine { rate: dec!(7), base: dec!(275.00), amount: dec!(19.25) }]
    );
    assert_eq!(v(&r, "supplier_name"), Some("Lieferant GmbH"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("DE123456789"));
    assert_clean(&r);
}

#[test]
fn phone_numbers_are_not_invoice_numbers() {
    let text = "ACME SAS\nPhone number: 01 23 45 67 89\nInvoice 2026-77  Date 01/02/2026\nTotal 10,00";
    assert_eq!(v(&rec(&[text]), "invoice_number"), Some("2026-77"));
}

#[test]
fn unlabelled_buyer_block_with_its_vat_id() {
    // A window-envelope address on the right with the buyer's VAT id, and
    // the supplier's only in the footer: no label, no company identity.
    let text = "\
PAPETERIE DU CENTRE SARL
4 place Carnot
63000 Clermont-Ferrand
Tél. 04 73 00 00 00
                                               GLOBEX INDUSTRIE SAS
                                               Service achats
                                               8 rue Saint-Honoré
                                               75001 Paris
                                               TVA FR44732829320

FACTURE N° PC-2026-118                 Date : 12/02/2026

Ramettes A4                   10      4,50       45,00
Total HT                                         45,00
TVA 20 %                                          9,00
Total TTC                                        54,00



PAPETERIE DU CENTRE SARL au capital de 8 000 € - RCS Clermont-Ferrand 123 456 782 - TVA FR11123456782";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_name"), Some("PAPETERIE DU CENTRE SARL"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("FR11123456782"));
}

#[test]
fn unlabelled_buyer_block_without_registry_numbers() {
    let text = "\
Nordlicht Design GmbH
Hafenstraße 3
20457 Hamburg
                                               Globex Industrie SAS
                                               8 rue Saint-Honoré
                                               75001 Paris
                                               FRANCE
                                               VAT FR44732829320

INVOICE 2026-118                               Date: 12/02/2026

Logo design                     1      900.00       900.00
Net amount                                          900.00
VAT (reverse charge) 0%                               0.00
Total                                               900.00



Nordlicht Design GmbH · Hafenstraße 3 · 20457 Hamburg · VAT ID DE123456789 · Managing director: A. Berg";
    let r = rec(&[text]);
    assert_eq!(v(&r, "supplier_name"), Some("Nordlicht Design GmbH"));
    assert_eq!(v(&r, "supplier_vat_id"), Some("DE123456789"));
    assert_eq!(v(&r, "gross_total"), Some("900.00"));
    assert_eq!(v(&r, "vat_total"), Some("0.00"));
    assert_eq!(r.vat_breakdown, vec![VatLine { rate: dec!(0), base: dec!(900.00), amount: dec!(0.00) }]);
}

#[test]
fn totals_row_under_column_headers() {
    let text = "\
ACME SAS   TVA FR11123456782
Facture 42   Date 03/03/2026

Désignation           Qté     Montant HT        TVA     Montant TTC
Conseil                 2       1 000,00     200,00        1 200,00
Formation               1         500,00     100,00          600,00
Total                           1 500,00     300,00        1 800,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "gross_total"), Some("1800.00"));
    assert_eq!(v(&r, "net_total"), Some("1500.00"));
    assert_eq!(v(&r, "vat_total"), Some("300.00"));
    assert_clean(&r);
}

#[test]
fn item_table_columns_are_not_header_fields() {
    // "N°" and "Date" head item columns; the invoice's own are elsewhere.
    let text = "\
ACME SAS   TVA FR11123456782
Facture : FA-2026-31          Émise le 28/02/2026

N°    Date          Intervention                 Montant
1     02/02/2026    Dépannage                      80,00
2     09/02/2026    Maintenance                   120,00

Total HT 200,00
TVA 20 % 40,00
Total TTC 240,00";
    let r = rec(&[text]);
    assert_eq!(v(&r, "invoice_number"), Some("FA-2026-31"));
    assert_eq!(v(&r, "invoice_date"), Some("2026-02-28"));
}

#[test]
fn recognizer_is_shareable_between_workers() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Recognizer>();
    assert_send_sync::<Recognition>();
}

#[test]
fn value_over_caption_totals() {
    let text = "\
ACME SAS   TVA FR11123456782
Facture 9   Date 09/09/2026

1 000,00 €      200,00 €      1 200,00 €
Total HT        TVA           Total TTC";
    let r = rec(&[text]);
    assert_eq!(v(&r, "net_total"), Some("1000.00"));
    assert_eq!(v(&r, "vat_total"), Some("200.00"));
    assert_eq!(v(&r, "gross_total"), Some("1200.00"));
}

#[test]
fn never_panics_on_noise() {
    use crate::capture::{BBox, Page, TextSource, Word};
    // Deterministic pseudo-random pages: odd characters, overlapping and
    // degenerate boxes, numbers in every shape.
    let vocab = [
        "Total",
        "TTC",
        "1 234,56",
        "-0,00",
        "(12.00)",
        "€",
        "N°",
        "FR",
        "12",
        "345",
        "678",
        "31/02/2026",
        "ß",
        "ﬁ",
        "İ",
        "ŒUVRE",
        "TVA",
        "%",
        "20",
        "..",
        "IBAN",
        "DE89",
        "3704",
        "0044",
        "0532",
        "0130",
        "00",
        ":",
        "Rechnung",
        "Nr.12",
        "Facturé",
        "à",
        "Client",
        "GmbH",
        "&",
        "Co.",
        "KG",
        "·",
        "1.2.3",
        "12:30",
        "",
        " ",
        "\u{a0}",
        "\u{202f}1",
        "9999999999999999999999999999",
        "0,001",
        "Fällig",
        "bis",
        "zum",
        "Invoice#",
        "#",
        "°",
        "x\u{301}",
    ];
    let mut seed: u64 = 42;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for n in 0..300 {
        let mut words = Vec::new();
        for _ in 0..(next() % 120) {
            let t = vocab[next() % vocab.len()];
            let (x, y) = ((next() % 600) as f64, (next() % 850) as f64);
            let (w, h) = ((next() % 80) as f64, (next() % 20) as f64);
            words.push(Word { text: t.to_string(), bbox: BBox::new(x, y, x + w, y + h), confidence: (next() % 100) as f32 / 100.0 });
        }
        let page = Page { number: n + 1, width: if n % 7 == 0 { 0.0 } else { 595.0 }, height: 842.0, words, source: TextSource::Digital };
        let r = Recognizer::default().recognize(&[page]);
        assert!(!r.checks.is_empty());
    }
}

#[test]
fn pro_forma_is_not_an_invoice_to_book() {
    let r = rec(&["FACTURE PROFORMA N° 12\nTotal TTC 120,00"]);
    assert_eq!(r.category, "other");
    let r = rec(&["Rechnungsnummer 4711\nGesamtbetrag 12,00"]);
    assert_eq!(r.category, "purchase_invoice");
}

#[test]
fn alphanumeric_marks_stop_at_the_next_label() {
    let r = rec(&["Muster GmbH\nRechnung 5 Datum 01.02.2026\nBestellnummer: 4711 Datum: 12.01.2026\nGesamtbetrag 10,00"]);
    assert_eq!(v(&r, "order_number"), Some("4711"));
    let r = rec(&["ACME SAS\nFacture 5 Date 01/02/2026\nSuite à votre bon de commande du 12/01/2026\nTotal TTC 10,00"]);
    assert_eq!(v(&r, "order_number"), None, "a sentence is not an order number");
}
