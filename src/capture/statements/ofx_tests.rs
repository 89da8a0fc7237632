use rust_decimal_macros::dec;

use super::super::csv::CsvRules;
use super::super::{parse as parse_any, Format};
use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A French bank's OFX 1.x: Windows-1252 accents, unclosed leaves, an
/// empty MEMO, a bare `&`, the RIB in ACCTID, AVAILBAL beside LEDGERBAL.
fn sgml_1252() -> Vec<u8> {
    let text = "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n\
<OFX>\r\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240201<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>\r\n\
<BANKMSGSRSV1><STMTTRNRS><TRNUID>20240201-1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n\
<STMTRS><CURDEF>EUR\r\n<BANKACCTFROM><BANKID>30004<BRANCHID>00123<ACCTID>00012345678<ACCTTYPE>CHECKING</BANKACCTFROM>\r\n\
<BANKTRANLIST><DTSTART>20240101<DTEND>20240131\r\n\
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105<DTUSER>20240104<TRNAMT>-1 234,50<FITID>F001<NAME>PR\u{c9}L\u{c8}VEMENT EDF<MEMO>Facture janvier &amp; r\u{e9}gul</STMTTRN>\r\n\
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240110120000.000[+1:CET]<TRNAMT>+2500.00<FITID>F002<NAME>CLIENT M&S<MEMO><CHECKNUM>4711</STMTTRN>\r\n\
</BANKTRANLIST>\r\n\
<LEDGERBAL><BALAMT>3265.50<DTASOF>20240131</LEDGERBAL>\r\n\
<AVAILBAL><BALAMT>9999.00<DTASOF>20240131</AVAILBAL>\r\n\
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n";
    // Windows-1252 bytes, as the bank writes them: é = 0xE9, É = 0xC9, È = 0xC8.
    text.chars().map(|c| u8::try_from(c as u32).expect("latin-1 test text")).collect()
}

#[test]
fn reads_a_french_sgml_statement() {
    assert!(looks_like(&sgml_1252()));
    let s = parse(&sgml_1252()).unwrap();
    assert_eq!(s.len(), 1);
    let s = &s[0];
    assert_eq!(s.format, "ofx-sgml");
    assert_eq!(s.id, "20240201-1");
    assert_eq!(s.currency, "EUR");
    assert_eq!(s.iban, None, "a RIB account number is not an IBAN");
    assert_eq!(s.account.as_deref(), Some("00012345678"));
    assert_eq!(s.lines.len(), 2);
    let l = &s.lines[0];
    assert_eq!(l.booking_date, d(2024, 1, 5));
    assert_eq!(l.value_date, Some(d(2024, 1, 4)));
    assert_eq!(l.amount, dec!(-1234.50), "a comma decimal mark and a space are read");
    assert_eq!(l.counterparty.as_deref(), Some("PRÉLÈVEMENT EDF"));
    assert_eq!(l.text, "Facture janvier & régul");
    assert_eq!(l.bank_ref.as_deref(), Some("F001"));
    assert_eq!(l.code.as_deref(), Some("DEBIT"));
    assert_eq!(l.reference, None);
    let l = &s.lines[1];
    assert_eq!(l.booking_date, d(2024, 1, 10), "time and zone do not change the day");
    assert_eq!(l.amount, dec!(2500.00));
    assert_eq!(l.counterparty.as_deref(), Some("CLIENT M&S"), "a bare & is kept");
    assert_eq!(l.text, "CLIENT M&S", "NAME is the text when MEMO is empty");
    assert_eq!(l.reference.as_deref(), Some("4711"), "CHECKNUM after an empty MEMO is still read");
    // LEDGERBAL, not AVAILBAL; the opening is derived from it.
    assert_eq!(s.closing, Some(Balance { date: Some(d(2024, 1, 31)), amount: dec!(3265.50) }));
    assert_eq!(s.opening, Some(Balance { date: Some(d(2024, 1, 1)), amount: dec!(2000.00) }));
    assert!(s.check_balance().is_ok());
}

#[test]
fn reads_xml_credit_card_with_iban_payee_and_numeric_entities() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <CREDITCARDMSGSRSV1>
    <CCSTMTTRNRS>
      <TRNUID>0</TRNUID>
      <CCSTMTRS>
        <CURDEF>eur</CURDEF>
        <CCACCTFROM><ACCTID>FR14 2004 1010 0505 0001 3M02 606</ACCTID></CCACCTFROM>
        <BANKTRANLIST>
          <DTSTART>20240301</DTSTART><DTEND>20240331</DTEND>
          <STMTTRN>
            <TRNTYPE>POS</TRNTYPE>
            <DTPOSTED>20240302</DTPOSTED>
            <TRNAMT>-42.10</TRNAMT>
            <FITID>CC-1</FITID>
            <REFNUM>R-99</REFNUM>
            <PAYEE><NAME>Caf&#233; &lt;Le Z&gt; &#xE9;</NAME><ADDR1>1 rue</ADDR1></PAYEE>
            <MEMO><![CDATA[D&#xE9;jeuner]]></MEMO>
          </STMTTRN>
          <STMTTRN><TRNTYPE>FEE</TRNTYPE><DTPOSTED>20240303</DTPOSTED><TRNAMT>-1.00</TRNAMT><FITID>CC-2</FITID><MEMO/></STMTTRN>
        </BANKTRANLIST>
        <LEDGERBAL><BALAMT>-43.10</BALAMT><DTASOF>20240331</DTASOF></LEDGERBAL>
      </CCSTMTRS>
    </CCSTMTTRNRS>
  </CREDITCARDMSGSRSV1>
</OFX>
"#;
    assert!(looks_like(xml.as_bytes()));
    let s = parse(xml.as_bytes()).unwrap();
    let s = &s[0];
    assert_eq!(s.format, "ofx-xml");
    assert_eq!(s.id, "", "TRNUID 0 is no id");
    assert_eq!(s.currency, "EUR");
    assert_eq!(s.iban.as_deref(), Some("FR1420041010050500013M02606"));
    assert_eq!(s.account, None);
    let l = &s.lines[0];
    assert_eq!(l.counterparty.as_deref(), Some("Café <Le Z> é"));
    assert_eq!(l.text, "D&#xE9;jeuner", "CDATA is kept as written");
    assert_eq!(l.reference.as_deref(), Some("R-99"));
    assert_eq!(l.code.as_deref(), Some("POS"));
    assert_eq!(s.lines[1].amount, dec!(-1.00));
    assert_eq!(s.lines[1].text, "");
    assert_eq!(s.opening.unwrap().amount, dec!(0.00));
    assert_eq!(s.closing.unwrap().amount, dec!(-43.10));
}

fn sgml(body: &str) -> Vec<u8> {
    format!("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n<OFX>\n{body}\n</OFX>\n").into_bytes()
}

fn stmtrs(acct: &str, trns: &str, tail: &str) -> String {
    format!("<STMTRS>\n<CURDEF>EUR\n<BANKACCTFROM>\n<ACCTID>{acct}\n</BANKACCTFROM>\n<BANKTRANLIST>\n{trns}</BANKTRANLIST>\n{tail}</STMTRS>\n")
}

#[test]
fn several_statements_in_one_file_and_missing_balances() {
    let one = stmtrs(
        "DE89370400440532013000",
        "<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20240105\n<TRNAMT>10\n<FITID>A\n</STMTTRN>\n",
        "<LEDGERBAL>\n<BALAMT>110\n<DTASOF>20240131\n</LEDGERBAL>\n",
    );
    let two = stmtrs("12345", "<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20240106\n<TRNAMT>-5\n</STMTTRN>\n", "<AVAILBAL>\n<BALAMT>50\n</AVAILBAL>\n");
    let file = sgml(&format!("<BANKMSGSRSV1>\n<STMTTRNRS>\n{one}</STMTTRNRS>\n<STMTTRNRS>\n{two}</STMTTRNRS>\n</BANKMSGSRSV1>"));
    let s = parse(&file).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(s[0].opening.unwrap().amount, dec!(100));
    assert_eq!(s[1].account.as_deref(), Some("12345"));
    assert_eq!(s[1].lines[0].amount, dec!(-5));
    assert_eq!((s[1].opening, s[1].closing), (None, None), "AVAILBAL alone is not a booked balance");
    // The whole chain: detection and the balance check pass.
    let rules = CsvRules::default();
    assert_eq!(super::super::detect(&file, &rules), Some(Format::Ofx));
    assert_eq!(parse_any(&file, Format::Ofx, &rules).unwrap().len(), 2);
}

fn refusal(bytes: &[u8]) -> String {
    match parse(bytes) {
        Ok(s) => panic!("expected a refusal, got {s:?}"),
        Err(e) => e.0,
    }
}

const TRN: &str = "<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20240105\n<TRNAMT>-1.00\n</STMTTRN>\n";

#[test]
fn refuses_broken_sgml_with_the_line() {
    let body = |s: &str| sgml(&format!("<BANKMSGSRSV1>\n<STMTTRNRS>\n{s}</STMTTRNRS>\n</BANKMSGSRSV1>"));

    let e = refusal(b"OFXHEADER:100\nDATA:OFXSGML\n\n<BANKMSGSRSV1></BANKMSGSRSV1>\n");
    assert!(e.contains("no `<OFX>` tag"), "{e}");

    // Line 10: header 6 lines, blank, <OFX>, BANKMSGSRSV1, STMTTRNRS, <STMTRS> is line 11.
    let e = refusal(&body(&stmtrs("1", "<STMTTRN\n<TRNTYPE>DEBIT\n</STMTTRN>\n", "")));
    assert!(e.contains("line 16") && e.contains("unterminated tag `<STMTTRN`") && e.contains("`>` is missing"), "{e}");

    let e = refusal(&body(&stmtrs("1", TRN, "</LEDGERBAL>\n")));
    assert!(e.contains("`</LEDGERBAL>` closes nothing") && e.contains("line 22"), "{e}");

    let e = refusal(&body(&stmtrs("1", "<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20240105\n<TRNAMT>-1.00\n", "")));
    assert!(e.contains("`</BANKTRANLIST>` while `<STMTTRN>` (opened at line 16) is still open"), "{e}");

    let e = refusal(&body(&stmtrs("1", "<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20240105\n</STMTTRN>\n", "")));
    assert!(e.contains("line 16") && e.contains("without TRNAMT"), "{e}");

    let e = refusal(&body(&stmtrs("1", "<STMTTRN>\n<TRNTYPE>DEBIT\n<TRNAMT>-1.00\n</STMTTRN>\n", "")));
    assert!(e.contains("line 16") && e.contains("without DTPOSTED"), "{e}");

    let e = refusal(&body(&stmtrs("1", "<STMTTRN>\n<DTPOSTED>20240105\n<TRNAMT>-1.0O\n</STMTTRN>\n", "")));
    assert!(e.contains("line 18: TRNAMT `-1.0O` is not an amount"), "{e}");

    let e = refusal(&body(&stmtrs("1", "<STMTTRN>\n<DTPOSTED>2024-01-05\n<TRNAMT>-1.00\n</STMTTRN>\n", "")));
    assert!(e.contains("line 17: DTPOSTED `2024-01-05` is not a date"), "{e}");

    let e = refusal(&body(&stmtrs("1", "<STMTTRN>\n<DTPOSTED>20240231\n<TRNAMT>-1.00\n</STMTTRN>\n", "")));
    assert!(e.contains("DTPOSTED `20240231` is not a date"), "{e}");

    let e = refusal(&body(&stmtrs("1", "<STMTTRN>oops\n<DTPOSTED>20240105\n<TRNAMT>-1.00\n</STMTTRN>\n", "")));
    assert!(e.contains("line 16: text `oops` inside `<STMTTRN>` where a tag was expected"), "{e}");

    // Cut in the middle of the transaction list.
    let cut = b"OFXHEADER:100\n\n<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<STMTRS>\n<CURDEF>EUR\n<BANKTRANLIST>\n<STMTTRN>\n<DTPOSTED>20240105\n<TRNAMT>-1";
    let e = refusal(cut);
    assert!(e.contains("the file ends before") && e.contains("is cut"), "{e}");
}

#[test]
fn refuses_xml_with_a_dtd_or_entities() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE OFX [<!ENTITY lol "lololol">]>
<?OFX OFXHEADER="200" VERSION="220"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF><BANKTRANLIST><STMTTRN><DTPOSTED>20240101</DTPOSTED><TRNAMT>1</TRNAMT><MEMO>&lol;</MEMO></STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"#;
    let e = refusal(xml.as_bytes());
    assert!(e.contains("XML with a DTD or entities is refused"), "{e}");
    let inside = "<?OFX OFXHEADER=\"200\"?>\n<OFX>\n<!ENTITY x \"y\">\n</OFX>";
    let e = refusal(inside.as_bytes());
    assert!(e.contains("line 3") && e.contains("DTD or entities is refused"), "{e}");
}

#[test]
fn a_utf8_declaration_over_windows_1252_bytes_still_reads() {
    let mut file = b"OFXHEADER:100\nENCODING:UTF-8\nCHARSET:NONE\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKTRANLIST><STMTTRN><DTPOSTED>20240105<TRNAMT>1<MEMO>R".to_vec();
    file.extend_from_slice(b"\xe9gul</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>");
    assert_eq!(parse(&file).unwrap()[0].lines[0].text, "Régul");
    let utf8 = "OFXHEADER:100\nENCODING:UTF-8\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKTRANLIST><STMTTRN><DTPOSTED>20240105<TRNAMT>1<MEMO>Régul €</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>";
    assert_eq!(parse(utf8.as_bytes()).unwrap()[0].lines[0].text, "Régul €");
}

#[test]
fn looks_like_only_ofx() {
    assert!(looks_like(b"OFXHEADER:100\nDATA:OFXSGML\n"));
    assert!(looks_like(b"\n\n<ofx>\n<SIGNONMSGSRSV1>"));
    assert!(!looks_like(b"Date;Libell\xe9;D\xe9bit;Cr\xe9dit\n01/01/2024;X;1,00;\n"));
    assert!(!looks_like(b"<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"));
    let mut late = vec![b' '; 5000];
    late.extend_from_slice(b"<OFX>");
    assert!(!looks_like(&late), "only the first 4 KB are looked at");
}

#[test]
fn iban_check_digits() {
    assert!(valid_iban("FR14 2004 1010 0505 0001 3M02 606"));
    assert!(valid_iban("gb29nwbk60161331926819"));
    assert!(!valid_iban("FR15 2004 1010 0505 0001 3M02 606"));
    assert!(!valid_iban("00012345678"));
    assert!(!valid_iban("30004 00123 00012345678 42"));
}
