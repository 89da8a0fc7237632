use rust_decimal_macros::dec;

use super::super::{detect as detect_any, parse as parse_any, Format};
use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Text to single-byte bytes, as a Windows-1252 / Latin-1 export is written.
fn latin(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(c as u32).expect("latin-1 test text")).collect()
}

fn index_of(rules: &CsvRules, name: &str) -> usize {
    rules.names().iter().position(|n| *n == name).unwrap_or_else(|| panic!("no format {name} in {:?}", rules.names()))
}

fn refusal(rules: &CsvRules, name: &str, bytes: &[u8]) -> String {
    match rules.parse(index_of(rules, name), bytes) {
        Ok(s) => panic!("expected a refusal, got {s:?}"),
        Err(e) => e.0,
    }
}

const FR_HEAD: &str = "Compte courant n\u{b0} 00012345678;;;;\r\nSolde au 31/01/2024;3\u{a0}265,50;;;\r\n\r\nDate;Libell\u{e9};D\u{e9}bit;Cr\u{e9}dit;\r\n";

/// Rows out of date order, a quoted separator, a no-break space as
/// thousands separator, a debit written negative, a Total row.
fn fr_sample() -> Vec<u8> {
    latin(&format!(
        "{FR_HEAD}05/01/2024;PRLV EDF \"Facture\";1\u{a0}234,50;;\r\n10/01/2024;\"VIR CLIENT; ACME\";;2 500,00;\r\n03/01/2024;CB CAF\u{c9} DU MARCH\u{c9};-12,30;;\r\nTotal;;1 246,80;2 500,00;\r\n"
    ))
}

const DE_HEAD: &str = "Buchungstag;Valuta;Auftraggeber/Empf\u{e4}nger;Verwendungszweck;Betrag;Saldo\n";

fn de_sample() -> Vec<u8> {
    latin(&format!(
        "{DE_HEAD}31.01.2024;31.01.2024;M\u{fc}ller GmbH;Rechnung 42;1.500,00;2.750,00\n15.01.2024;16.01.2024;Stadtwerke;Strom Januar;-250,00;1.250,00\n02.01.2024;02.01.2024;Vermieter;Miete;-1.000,00;1.500,00\n"
    ))
}

/// A UTF-8 BOM, CRLF, quoted amounts with thousands commas, doubled quotes
/// and a line break inside a quoted field, trailing empty lines.
fn en_sample() -> Vec<u8> {
    "\u{feff}Date,Description,Payee,Reference,Amount,Currency,Balance\r\n2024-02-01,\"Invoice 7, February\",Acme Ltd,INV-7,\"1,200.00\",GBP,\"1,200.00\"\r\n2024-02-03,\"Card \"\"Tesco\"\"\r\nLondon\",Tesco,,-35.50,GBP,\"1,164.50\"\r\n\r\n\r\n"
        .as_bytes()
        .to_vec()
}

#[test]
fn the_shipped_rules_load() {
    let rules = CsvRules::builtin();
    assert_eq!(rules.names(), vec!["fr-banque", "de-bank", "en-bank"]);
    assert!(CsvRules::default().names().is_empty());
    assert_eq!(CsvRules::default().detect(&fr_sample()), None);
}

#[test]
fn detection_picks_the_right_format_and_no_other() {
    let rules = CsvRules::builtin();
    assert_eq!(rules.detect(&fr_sample()), Some(index_of(&rules, "fr-banque")));
    assert_eq!(rules.detect(&de_sample()), Some(index_of(&rules, "de-bank")));
    assert_eq!(rules.detect(&en_sample()), Some(index_of(&rules, "en-bank")));
    // The French header without its three leading lines is not where the format expects it.
    assert_eq!(rules.detect(&latin("Date;Libell\u{e9};D\u{e9}bit;Cr\u{e9}dit;\r\n05/01/2024;X;1,00;;\r\n")), None);
    assert_eq!(rules.detect(b"OFXHEADER:100\n<OFX>\n"), None);
    assert_eq!(rules.detect(b"Some;other;csv\n1;2;3\n"), None);
    // Through the statement detector: a CSV is only CSV after CAMT/OFX/MT940 said no.
    assert_eq!(detect_any(&de_sample(), &rules), Some(Format::Csv(index_of(&rules, "de-bank"))));
}

#[test]
fn reads_the_french_export() {
    let rules = CsvRules::builtin();
    let s = rules.parse(index_of(&rules, "fr-banque"), &fr_sample()).unwrap();
    assert_eq!(s.len(), 1);
    let s = &s[0];
    assert_eq!(s.format, "csv:fr-banque");
    assert_eq!(s.currency, "EUR");
    assert_eq!((s.opening, s.closing), (None, None), "no balance column, no balances");
    let got: Vec<(NaiveDate, Decimal, &str)> = s.lines.iter().map(|l| (l.booking_date, l.amount, l.text.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (d(2024, 1, 3), dec!(-12.30), "CB CAFÉ DU MARCHÉ"),
            (d(2024, 1, 5), dec!(-1234.50), "PRLV EDF \"Facture\""),
            (d(2024, 1, 10), dec!(2500.00), "VIR CLIENT; ACME"),
        ],
        "oldest first, debits negative, Windows-1252 accents decoded, the Total row skipped"
    );
}

#[test]
fn reads_the_german_export_newest_first_with_balances() {
    let rules = CsvRules::builtin();
    let i = index_of(&rules, "de-bank");
    let s = &rules.parse(i, &de_sample()).unwrap()[0];
    assert_eq!(s.lines.iter().map(|l| l.booking_date).collect::<Vec<_>>(), vec![d(2024, 1, 2), d(2024, 1, 15), d(2024, 1, 31)]);
    assert_eq!(s.lines.iter().map(|l| l.amount).collect::<Vec<_>>(), vec![dec!(-1000.00), dec!(-250.00), dec!(1500.00)]);
    assert_eq!(s.lines[1].value_date, Some(d(2024, 1, 16)));
    assert_eq!(s.lines[2].counterparty.as_deref(), Some("Müller GmbH"));
    assert_eq!(s.lines[2].text, "Rechnung 42");
    assert_eq!(s.opening.map(|b| b.amount), Some(dec!(2500.00)));
    assert_eq!(s.closing, Some(Balance { date: Some(d(2024, 1, 31)), amount: dec!(2750.00) }));
    assert!(parse_any(&de_sample(), Format::Csv(i), &rules).is_ok(), "the statement-level balance check agrees");
}

#[test]
fn reads_the_english_export() {
    let rules = CsvRules::builtin();
    let s = &rules.parse(index_of(&rules, "en-bank"), &en_sample()).unwrap()[0];
    assert_eq!(s.currency, "GBP");
    assert_eq!(s.lines.len(), 2, "trailing empty lines are no rows");
    let l = &s.lines[0];
    assert_eq!((l.booking_date, l.amount), (d(2024, 2, 1), dec!(1200.00)));
    assert_eq!(l.text, "Invoice 7, February INV-7");
    assert_eq!(l.counterparty.as_deref(), Some("Acme Ltd"));
    assert_eq!(l.reference.as_deref(), Some("INV-7"));
    let l = &s.lines[1];
    assert_eq!(l.amount, dec!(-35.50));
    assert_eq!(l.text, "Card \"Tesco\" London", "doubled quotes and a line break inside quotes");
    assert_eq!(l.reference, None);
    assert_eq!(s.opening.unwrap().amount, dec!(0.00));
    assert_eq!(s.closing.unwrap().amount, dec!(1164.50));
}

#[test]
fn refuses_bad_cells_with_row_and_column() {
    let rules = CsvRules::builtin();
    let fr = |row: &str| latin(&format!("{FR_HEAD}05/01/2024;A;1,00;;\r\n{row}\r\n"));

    let e = refusal(&rules, "fr-banque", &fr("06/01/2024;B;12,3x;;"));
    assert!(e.contains("row 6: column `Débit` `12,3x` is not an amount"), "{e}");
    assert!(e.starts_with("CSV `fr-banque`: "), "{e}");

    let e = refusal(&rules, "fr-banque", &fr("2024-01-06;B;1,00;;"));
    assert!(e.contains("row 6: column `Date` `2024-01-06` is not a date in the format `%d/%m/%Y` (e.g. 31/01/2024)"), "{e}");

    let e = refusal(&rules, "fr-banque", &fr("06/01/2024;B;1,00"));
    assert!(e.contains("row 6: 3 columns where the header has 5"), "{e}");

    let e = refusal(&rules, "fr-banque", &fr("06/01/2024;B;1,00;2,00;"));
    assert!(e.contains("row 6: both `Débit` and `Crédit` are filled"), "{e}");

    let e = refusal(&rules, "fr-banque", &fr("06/01/2024;\"B;1,00;;"));
    assert!(e.contains("row 6: a quoted field is never closed"), "{e}");

    let e = refusal(&rules, "fr-banque", format!("{FR_HEAD}05/01/2024;Caf\u{e9};1,00;;\r\n").as_bytes());
    assert!(e.contains("header is: Date;LibellÃ©;DÃ©bit;CrÃ©dit;"), "{e}");
    assert!(e.ends_with("(the file is UTF-8 but the format says `encoding: windows-1252`: accents read wrong; check `encoding`)"), "{e}");
}

#[test]
fn refuses_a_header_that_does_not_match() {
    let rules = CsvRules::builtin();
    let file = latin("Buchungstag;Valuta;Auftraggeber/Empf\u{e4}nger;Verwendungszweck;Betrag;Kontostand\n31.01.2024;31.01.2024;X;Y;1,00;2,00\n");
    let e = refusal(&rules, "de-bank", &file);
    assert!(
        e.contains("the file's header has no column `Saldo`: it is not a `de-bank` file, or the bank changed its export; header is: Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Betrag;Kontostand"),
        "{e}"
    );
}

#[test]
fn refuses_a_broken_running_balance() {
    let rules = CsvRules::builtin();
    // Newest first: 2.750 = 1.250 + 1.500 holds, 1.250 = 1.600 - 250 does not (a row is missing).
    let file = latin(&format!(
        "{DE_HEAD}31.01.2024;31.01.2024;A;B;1.500,00;2.750,00\n15.01.2024;16.01.2024;C;D;-250,00;1.250,00\n02.01.2024;02.01.2024;E;F;-1.000,00;1.600,00\n"
    ));
    let e = refusal(&rules, "de-bank", &file);
    assert!(
        e.contains("row 3: the balance 1250.00 does not follow from row 4's balance 1600.00 + this row's amount -250.00 = 1350.00 (difference -100.00)"),
        "{e}"
    );
    // Oldest first (en-bank): the second row's balance is off by one cent.
    let file = "Date,Description,Payee,Reference,Amount,Currency,Balance\n2024-02-01,a,b,,10.00,GBP,110.00\n2024-02-02,a,b,,-5.00,GBP,105.01\n";
    let e = refusal(&rules, "en-bank", file.as_bytes());
    assert!(e.contains("row 3: the balance 105.01 does not follow from row 2's balance 110.00 + this row's amount -5.00 = 105.00"), "{e}");
}

#[test]
fn a_balance_given_on_some_rows_only_is_checked_over_the_gap() {
    let rules = CsvRules::builtin();
    let file = "Date,Description,Payee,Reference,Amount,Currency,Balance\n2024-02-01,a,b,,10.00,GBP,\n2024-02-01,a,b,,5.00,GBP,115.00\n2024-02-02,a,b,,-1.00,GBP,\n2024-02-03,a,b,,-2.00,GBP,112.00\n2024-02-04,a,b,,-3.00,GBP,\n";
    let s = &rules.parse(index_of(&rules, "en-bank"), file.as_bytes()).unwrap()[0];
    assert_eq!(s.opening.unwrap().amount, dec!(100.00));
    assert_eq!(s.closing.unwrap().amount, dec!(109.00));
    let broken = file.replace("112.00", "113.00");
    let e = refusal(&rules, "en-bank", broken.as_bytes());
    assert!(e.contains("row 5: the balance 113.00 does not follow from row 3's balance 115.00 + the 2 amounts since then totalling -3.00 = 112.00"), "{e}");
}

#[test]
fn mixed_currencies_are_refused() {
    let rules = CsvRules::builtin();
    let file = "Date,Description,Payee,Reference,Amount,Currency,Balance\n2024-02-01,a,b,,10.00,GBP,\n2024-02-02,a,b,,5.00,EUR,\n";
    let e = refusal(&rules, "en-bank", file.as_bytes());
    assert!(e.contains("row 3: currency EUR, but earlier rows are in GBP"), "{e}");
}

const MINIMAL: &str = "formats:\n  - name: x\n    detect: '^a'\n    date_format: \"%d/%m/%Y\"\n    columns:\n      date: 1\n      amount: 2\n";

fn load(text: &str) -> Result<CsvRules, Vec<Issue>> {
    parse_bank_csv(&YamlDoc::from_text(Path::new("rules/bank-csv.yaml"), text))
}

#[test]
fn numbered_columns_without_header_and_money_out_positive() {
    let text = MINIMAL.replace("columns:", "header: false\n    sign: money_out_positive\n    separator: tab\n    decimal_mark: \",\"\n    columns:");
    let rules = load(&text).unwrap();
    let s = &rules.parse(0, b"a\t1\n31/01/2024\t12,50\n01/02/2024\t-3,00\n").unwrap_err().0;
    assert!(s.contains("row 1: column 1 (date) `a` is not a date"), "the first line is data when header is false: {s}");
    let s = &rules.parse(0, b"31/01/2024\t12,50\n01/02/2024\t-3,00\n").unwrap()[0];
    assert_eq!(s.lines.iter().map(|l| l.amount).collect::<Vec<_>>(), vec![dec!(-12.50), dec!(3.00)]);
    let e = rules.parse(0, b"31/01/2024\n").unwrap_err().0;
    assert!(e.contains("row 1: 1 columns where at least 2 are expected"), "{e}");
}

#[test]
fn rules_validation_reports_every_problem_with_its_position() {
    let text = "\
formats:
  - name: a
    detect: '^(Date'
    encoding: ebcdic
    header: false
    date_format: \"%d/%!/%Y\"
    iban: FR15 2004 1010 0505 0001 3M02 606
    columns:
      date: Date
      amount: 2
      debit: 3
      credit: 4
  - name: a
    detect: '^x'
    date_format: \"%H:%M\"
    skip_rows_matching: '['
    columns:
      date: 1
      debit: 2
";
    let issues = load(text).unwrap_err();
    let all: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
    let has = |needle: &str, line: usize| {
        assert!(issues.iter().any(|i| i.message.contains(needle) && i.line == line), "no issue `{needle}` at line {line} in {all:#?}")
    };
    has("`detect` is not a valid regex", 3);
    has("unknown encoding `ebcdic`", 4);
    has("date_format `%d/%!/%Y` is not a valid date format", 6);
    has("is not a valid IBAN", 7);
    has("column date is named `Date` but `header: false`", 9);
    has("give either `amount` (a signed amount) or `debit` and `credit`, not both", 10);
    has("format `a` is listed twice", 13);
    has("date_format `%H:%M` cannot show a date", 15);
    has("`skip_rows_matching` is not a valid regex", 16);
    has("give both `debit` and `credit` columns", 17);
    assert_eq!(issues.len(), 10, "{all:#?}");
    assert!(all[0].starts_with("rules/bank-csv.yaml:3:"), "{}", all[0]);

    let e = load("formats:\n  - name: x\n    detect: a\n    colour: red\n").unwrap_err();
    assert!(e[0].message.contains("unknown field `colour`"), "{e:?}");
    assert!(load(MINIMAL).is_ok());
    assert!(load(&MINIMAL.replace("amount: 2", "")).unwrap_err()[0].message.contains("no amount column"));
}

#[test]
fn decodes_the_three_encodings() {
    assert_eq!(decode(b"Libell\xe9 \x80", Encoding::Windows1252).unwrap(), "Libellé €");
    assert_eq!(decode(b"Libell\xe9 \x80", Encoding::Latin1).unwrap(), "Libellé \u{80}");
    assert_eq!(decode("\u{feff}Libellé".as_bytes(), Encoding::Utf8).unwrap(), "Libellé");
    let e = decode(b"ok\nLibell\xe9", Encoding::Utf8).unwrap_err();
    assert!(e.contains("line 2: byte 0xE9 is not UTF-8"), "{e}");
}
