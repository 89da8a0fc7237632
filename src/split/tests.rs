use super::*;
use crate::recognize::testutil::{page_from_text, Layout};

fn settings() -> SplitSettings {
    SplitSettings { blank_separators: true, max_ink_percent: 0.3, barcode: Some("PATCHT".into()), every_pages: 0, auto: true, duplex: false }
}

fn sig(number: u32) -> PageSignals {
    PageSignals { number, ..Default::default() }
}

fn pages_of(p: &SplitPlan) -> Vec<Vec<u32>> {
    p.documents.iter().map(|d| d.pages.clone()).collect()
}

#[test]
fn blank_and_barcode_sheets_separate_and_belong_to_no_document() {
    let mut pages: Vec<PageSignals> = (1..=7).map(sig).collect();
    pages[2].blank = true;
    pages[5].separator = Some(SeparatorCode { category: Some("credit_note".into()) });
    let p = plan(&pages, &SplitSettings { auto: false, ..settings() });
    assert_eq!(pages_of(&p), vec![vec![1, 2], vec![4, 5], vec![7]]);
    assert_eq!(p.separators.iter().map(|s| s.0).collect::<Vec<_>>(), vec![3, 6]);
    assert_eq!(p.documents[2].category.as_deref(), Some("credit_note"));
    assert!(p.documents[2].reason.contains("barcode PATCHT:credit_note"), "{}", p.documents[2].reason);
}

#[test]
fn separators_that_are_not_enabled_are_ordinary_pages() {
    let mut pages: Vec<PageSignals> = (1..=3).map(sig).collect();
    pages[1].blank = true;
    let p = plan(&pages, &SplitSettings { blank_separators: false, auto: false, ..settings() });
    assert_eq!(pages_of(&p), vec![vec![1, 2, 3]]);
}

#[test]
fn leading_trailing_and_doubled_separators_make_no_empty_document() {
    let mut pages: Vec<PageSignals> = (1..=6).map(sig).collect();
    for i in [0, 2, 3, 5] {
        pages[i].blank = true;
    }
    let p = plan(&pages, &settings());
    assert_eq!(pages_of(&p), vec![vec![2], vec![5]]);
}

#[test]
fn every_n_pages_within_separated_groups() {
    let mut pages: Vec<PageSignals> = (1..=8).map(sig).collect();
    pages[4].blank = true;
    let p = plan(&pages, &SplitSettings { every_pages: 2, ..settings() });
    assert_eq!(pages_of(&p), vec![vec![1, 2], vec![3, 4], vec![6, 7], vec![8]]);
}

#[test]
fn page_numbering_restarts_and_continues() {
    let n = [(1, 2), (2, 2), (1, 1), (1, 3), (2, 3), (3, 3)];
    let pages: Vec<PageSignals> = n.iter().enumerate().map(|(i, &k)| PageSignals { numbering: Some(k), ..sig(i as u32 + 1) }).collect();
    assert_eq!(pages_of(&plan(&pages, &settings())), vec![vec![1, 2], vec![3], vec![4, 5, 6]]);
}

#[test]
fn issuer_change_cuts_but_a_repeated_footer_does_not() {
    let who = |siren: &str| Issuer { company: Some(siren.into()), iban: None };
    let mut pages: Vec<PageSignals> = (1..=4).map(sig).collect();
    pages[0].issuer = who("552100554");
    pages[1].issuer = who("552100554");
    // Page 3 shows no identifier: it continues.
    pages[3].issuer = who("732829320");
    let p = plan(&pages, &settings());
    assert_eq!(pages_of(&p), vec![vec![1, 2, 3], vec![4]]);
    assert!(p.documents[1].reason.contains("issuer changes"), "{}", p.documents[1].reason);
}

#[test]
fn a_heading_after_totals_starts_a_new_document_of_the_same_supplier() {
    let mut pages: Vec<PageSignals> = (1..=4).map(sig).collect();
    pages[0].starts_document = true;
    pages[0].invoice_number = Some("F-1".into());
    // A continuation page repeating the heading and the same number.
    pages[1].starts_document = true;
    pages[1].invoice_number = Some("F-1".into());
    pages[1].has_total = true;
    // Same supplier, new heading, number not read: the totals before it decide.
    pages[2].starts_document = true;
    // A heading with another number than the document before it.
    pages[3].starts_document = true;
    pages[3].invoice_number = Some("F-3".into());
    let p = plan(&pages, &settings());
    assert_eq!(pages_of(&p), vec![vec![1, 2], vec![3, 4]], "page 3's number was not read: nothing to compare");
    pages[2].invoice_number = Some("F-2".into());
    let p = plan(&pages, &settings());
    assert_eq!(pages_of(&p), vec![vec![1, 2], vec![3], vec![4]], "{p:?}");
    assert!(p.documents[2].reason.contains("another invoice number (F-2 → F-3)"), "{}", p.documents[2].reason);
}

#[test]
fn a_heading_before_any_total_is_a_continuation() {
    let mut pages: Vec<PageSignals> = (1..=2).map(sig).collect();
    pages[0].starts_document = true;
    pages[1].starts_document = true;
    assert_eq!(pages_of(&plan(&pages, &settings())), vec![vec![1, 2]]);
}

#[test]
fn numbering_read_from_words() {
    let p = page_from_text(1, "ACME SARL\nFacture F-2024-001\n\n\nPage 2 sur 3");
    assert_eq!(page_numbering(&p), Some((2, 3)));
    assert_eq!(page_numbering(&page_from_text(1, "Seite 1 von 2")), Some((1, 2)));
    assert_eq!(page_numbering(&page_from_text(1, "Page 3 of 3")), Some((3, 3)));
    // A bare 1/2 in the middle of the page is a quantity or a date, not numbering.
    let mid = Layout::new().text(50.0, 400.0, 10.0, "1/2").page(1);
    assert_eq!(page_numbering(&mid), None);
    let foot = Layout::new().text(280.0, 800.0, 9.0, "2 / 4").page(1);
    assert_eq!(page_numbering(&foot), Some((2, 4)));
    assert_eq!(page_numbering(&page_from_text(1, "Page 4/3")), None, "k > N is not numbering");
}

#[test]
fn document_start_needs_a_title_and_a_date_near_the_top() {
    assert!(starts_document(&page_from_text(1, "ACME\nRECHNUNG Nr. 4711\nDatum: 03.02.2026")));
    assert!(starts_document(&page_from_text(1, "Invoice INV-9\n12 March 2026")));
    assert!(!starts_document(&page_from_text(1, "Description   Qty   Amount\nWidget   2   10.00")));
    let low = Layout::new().text(50.0, 700.0, 10.0, "Facture du 03/02/2026").page(1);
    assert!(!starts_document(&low), "labels low on the page are not a heading");
}

#[test]
fn ocr_titles_spaced_out_or_misread_still_open_a_document() {
    let ocr = |lines: &[&str]| {
        let mut l = Layout::new();
        for (k, t) in lines.iter().enumerate() {
            l = l.text(50.0, 60.0 + 14.0 * k as f64, 10.0, t);
        }
        l.ocr_page(1)
    };
    assert!(starts_document(&ocr(&["Hôtel Lac Léman", "SA F ac tu re", "LL-00165 4 mai 2026"])));
    assert!(starts_document(&ocr(&["BLE TACTURL DATE DR EACTURE", "LL-00165 4 mai 2026"])));
    // Born-digital text is read as printed.
    let printed = Layout::new().text(50.0, 60.0, 10.0, "SA F ac tu re").text(50.0, 74.0, 10.0, "4 mai 2026").page(1);
    assert!(!starts_document(&printed));
    assert!(!starts_document(&ocr(&["Description Qty Amount", "Delivered 4 mai 2026"])));
}

#[test]
fn separator_codes_with_and_without_category() {
    let codes = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(separator_code(&codes(&["PATCHT"]), "PATCHT"), Some(SeparatorCode { category: None }));
    assert_eq!(separator_code(&codes(&["patcht"]), "PATCHT"), Some(SeparatorCode { category: None }));
    assert_eq!(separator_code(&codes(&["PATCHT-"]), "PATCHT"), Some(SeparatorCode { category: None }), "Code 39 check character");
    assert_eq!(separator_code(&codes(&["4006381333931", "PATCHT:Credit_Note"]), "PATCHT"), Some(SeparatorCode { category: Some("credit_note".into()) }));
    assert_eq!(separator_code(&codes(&["PATCHTX2"]), "PATCHT"), None);
    assert_eq!(separator_code(&codes(&["https://pay.example/PATCHT"]), "PATCHT"), None);
}

#[test]
fn blankness_from_ink_and_words() {
    use crate::capture::raster::PageScan;
    let empty = Layout::new().page(1);
    let specks = PageScan { number: 1, ink_percent: Some(0.02), barcodes: vec![] };
    assert!(is_blank(&empty, Some(&specks), 0.3));
    let inked = PageScan { ink_percent: Some(2.5), ..specks.clone() };
    assert!(!is_blank(&empty, Some(&inked), 0.3), "ink OCR could not read is not blank");
    let text = page_from_text(1, "Conditions generales de vente");
    assert!(!is_blank(&text, Some(&specks), 0.3));
}

#[test]
fn blank_back_sides_of_a_duplex_file_are_dropped_without_cutting() {
    // Sheets: [1|2 blank] [3|4] [5 blank|6 blank] = separator sheet, [7|8 blank].
    let mut pages: Vec<PageSignals> = (1..=8).map(sig).collect();
    for i in [1, 4, 5, 7] {
        pages[i].blank = true;
    }
    let p = plan(&pages, &SplitSettings { duplex: true, auto: false, ..settings() });
    assert_eq!(pages_of(&p), vec![vec![1, 3, 4], vec![7]]);
    assert!(p.separators.contains(&(2, "blank back side".to_string())));
    assert!(p.separators.iter().any(|s| s.0 == 5 && s.1.contains("blank separator")));
}
