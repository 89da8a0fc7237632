use super::*;
use crate::capture::statements::{csv::CsvRules, detect, Format};
use rust_decimal_macros::dec;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// camt.053.001.02, two statements: a payment, a receipt with a structured
/// reference, a pending entry, a batch booking; then an account without
/// IBAN opened by its previous closing balance (PRCD).
const V02: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2024-03-31T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2024-001</Id>
      <CreDtTm>2024-03-31T18:00:00</CreDtTm>
      <Acct><Id><IBAN>de89 3704 0044 0532 0130 00</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLAV</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">9999.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-31</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1640.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-31</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="EUR">250.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-03-04</Dt></BookgDt>
        <ValDt><Dt>2024-03-05</Dt></ValDt>
        <AcctSvcrRef>BANKREF-1</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>E2E-INV-17</EndToEndId></Refs>
          <RltdPties>
            <Dbtr><Nm>Our Company SARL</Nm></Dbtr>
            <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
            <Cdtr><Nm>Stadtwerke
               Musterstadt GmbH</Nm></Cdtr>
            <CdtrAcct><Id><IBAN>DE02 1203 0000 0000 2020 51</IBAN></Id></CdtrAcct>
          </RltdPties>
          <RmtInf><Ustrd>Invoice 2024-17</Ustrd><Ustrd>customer   4711</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
        <AddtlNtryInf>SEPA Ueberweisung</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">1190.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2024-03-05T10:15:00+01:00</DtTm></BookgDt>
        <ValDt><Dt>2024-03-05</Dt></ValDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties>
            <Dbtr><Nm>Kunde AG</Nm></Dbtr>
            <DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct>
            <Cdtr><Nm>Our Company SARL</Nm></Cdtr>
          </RltdPties>
          <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
          <AddtlTxInf>Gutschrift</AddtlTxInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">99.99</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>PDNG</Sts>
        <BookgDt><Dt>2024-03-31</Dt></BookgDt>
        <AddtlNtryInf>card payment, not yet booked</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">300.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-03-15</Dt></BookgDt>
        <ValDt><Dt>2024-03-15</Dt></ValDt>
        <AcctSvcrRef>BATCH-77</AcctSvcrRef>
        <NtryDtls>
          <Btch><PmtInfId>PAYRUN-0315</PmtInfId><NbOfTxs>3</NbOfTxs></Btch>
          <TxDtls><Refs><EndToEndId>SAL-A</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">100.00</Amt></TxAmt></AmtDtls>
            <RltdPties><Cdtr><Nm>Anna</Nm></Cdtr></RltdPties><RmtInf><Ustrd>Salary March A</Ustrd></RmtInf></TxDtls>
          <TxDtls><Refs><EndToEndId>SAL-B</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">120.00</Amt></TxAmt></AmtDtls>
            <RltdPties><Cdtr><Nm>Bruno</Nm></Cdtr></RltdPties><RmtInf><Ustrd>Salary March B</Ustrd></RmtInf></TxDtls>
          <TxDtls><Refs><EndToEndId>SAL-C</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">80.00</Amt></TxAmt></AmtDtls>
            <RltdPties><Cdtr><Nm>Chloe</Nm></Cdtr></RltdPties><RmtInf><Ustrd>Salary March C</Ustrd></RmtInf></TxDtls>
        </NtryDtls>
        <AddtlNtryInf>SAMMLER</AddtlNtryInf>
      </Ntry>
    </Stmt>
    <Stmt>
      <Id>STMT-2024-002</Id>
      <Acct><Id><Othr><Id>123456789</Id></Othr></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">50.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2024-02-29</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">25.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-31</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="EUR">75.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-03-10</Dt></BookgDt>
        <BkTxCd><Prtry><Cd>NTRF+166</Cd><Issr>DK</Issr></Prtry></BkTxCd>
        <AddtlNtryInf>Einzahlung</AddtlNtryInf>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"#;

/// camt.053.001.08 with a namespace prefix: status as `<Sts><Cd>`, the
/// creditor as `Cdtr/Pty/Nm`, date-times.
const V08: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <c:BkToCstmrStmt>
    <c:GrpHdr><c:MsgId>M8</c:MsgId><c:CreDtTm>2024-05-01T06:00:00Z</c:CreDtTm></c:GrpHdr>
    <c:Stmt>
      <c:Id>2024-04-30-EOM</c:Id>
      <c:Acct><c:Id><c:IBAN>CH9300762011623852957</c:IBAN></c:Id><c:Ccy>CHF</c:Ccy></c:Acct>
      <c:Bal><c:Tp><c:CdOrPrtry><c:Cd>OPBD</c:Cd></c:CdOrPrtry></c:Tp><c:Amt Ccy="CHF">500.00</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Dt><c:DtTm>2024-04-01T00:00:00+02:00</c:DtTm></c:Dt></c:Bal>
      <c:Bal><c:Tp><c:CdOrPrtry><c:Cd>CLBD</c:Cd></c:CdOrPrtry></c:Tp><c:Amt Ccy="CHF">420.50</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Dt><c:Dt>2024-04-30</c:Dt></c:Dt></c:Bal>
      <c:Ntry>
        <c:NtryRef>1</c:NtryRef>
        <c:Amt Ccy="CHF">79.50</c:Amt>
        <c:CdtDbtInd>DBIT</c:CdtDbtInd>
        <c:Sts><c:Cd>BOOK</c:Cd></c:Sts>
        <c:BookgDt><c:DtTm>2024-04-30T23:59:59</c:DtTm></c:BookgDt>
        <c:ValDt><c:Dt>2024-05-02</c:Dt></c:ValDt>
        <c:AcctSvcrRef>ZKB-20240430-1</c:AcctSvcrRef>
        <c:BkTxCd><c:Domn><c:Cd>PMNT</c:Cd><c:Fmly><c:Cd>ICDT</c:Cd><c:SubFmlyCd>DMCT</c:SubFmlyCd></c:Fmly></c:Domn></c:BkTxCd>
        <c:NtryDtls><c:TxDtls>
          <c:Refs><c:EndToEndId>E2E-SWC</c:EndToEndId></c:Refs>
          <c:RltdPties>
            <c:Cdtr><c:Pty><c:Nm>Swisscom (Schweiz) AG</c:Nm></c:Pty></c:Cdtr>
            <c:CdtrAcct><c:Id><c:IBAN>CH56 0483 5012 3456 7800 9</c:IBAN></c:Id></c:CdtrAcct>
          </c:RltdPties>
          <c:RmtInf><c:Strd><c:CdtrRefInf><c:Ref>210000000003139471430009017</c:Ref></c:CdtrRefInf></c:Strd></c:RmtInf>
          <c:AddtlTxInf>Rechnung April</c:AddtlTxInf>
        </c:TxDtls></c:NtryDtls>
      </c:Ntry>
      <c:Ntry>
        <c:Amt Ccy="CHF">1000.00</c:Amt>
        <c:CdtDbtInd>CRDT</c:CdtDbtInd>
        <c:Sts><c:Cd>PDNG</c:Cd></c:Sts>
        <c:BookgDt><c:Dt>2024-05-02</c:Dt></c:BookgDt>
      </c:Ntry>
      <c:Ntry>
        <c:Amt Ccy="CHF">12.00</c:Amt>
        <c:CdtDbtInd>CRDT</c:CdtDbtInd>
        <c:Sts><c:Cd>INFO</c:Cd></c:Sts>
        <c:BookgDt><c:Dt>2024-04-30</c:Dt></c:BookgDt>
      </c:Ntry>
    </c:Stmt>
  </c:BkToCstmrStmt>
</c:Document>
"#;

#[test]
fn version_02_two_statements() {
    assert!(looks_like(V02.as_bytes()));
    let s = parse(V02.as_bytes()).unwrap();
    assert_eq!(s.len(), 2);
    let a = &s[0];
    assert_eq!(a.format, "camt.053.001.02");
    assert_eq!(a.id, "STMT-2024-001");
    assert_eq!(a.iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(a.account, None);
    assert_eq!(a.currency, "EUR");
    assert_eq!(a.opening, Some(Balance { date: Some(d(2024, 3, 1)), amount: dec!(1000.00) }));
    assert_eq!(a.closing, Some(Balance { date: Some(d(2024, 3, 31)), amount: dec!(1640.00) }));
    // The pending entry is not a line.
    assert_eq!(a.lines.len(), 3);
    a.check_balance().unwrap();

    let pay = &a.lines[0];
    assert_eq!(pay.amount, dec!(-250.00));
    assert_eq!(pay.booking_date, d(2024, 3, 4));
    assert_eq!(pay.value_date, Some(d(2024, 3, 5)));
    assert_eq!(pay.counterparty.as_deref(), Some("Stadtwerke Musterstadt GmbH"));
    assert_eq!(pay.counterparty_iban.as_deref(), Some("DE02120300000000202051"));
    assert_eq!(pay.reference.as_deref(), Some("E2E-INV-17"));
    assert_eq!(pay.text, "Invoice 2024-17 customer 4711 SEPA Ueberweisung");
    assert_eq!(pay.bank_ref.as_deref(), Some("BANKREF-1"));
    assert_eq!(pay.code.as_deref(), Some("PMNT/ICDT/ESCT"));

    let receipt = &a.lines[1];
    assert_eq!(receipt.amount, dec!(1190.00));
    assert_eq!(receipt.booking_date, d(2024, 3, 5));
    assert_eq!(receipt.counterparty.as_deref(), Some("Kunde AG"));
    assert_eq!(receipt.counterparty_iban.as_deref(), Some("NL91ABNA0417164300"));
    assert_eq!(receipt.reference.as_deref(), Some("RF18539007547034"));
    assert_eq!(receipt.text, "Gutschrift");
    assert_eq!(receipt.bank_ref, None);

    // A batch: one line for the booked total, the details' texts joined.
    let batch = &a.lines[2];
    assert_eq!(batch.amount, dec!(-300.00));
    assert_eq!(batch.counterparty, None);
    assert_eq!(batch.counterparty_iban, None);
    assert_eq!(batch.reference.as_deref(), Some("PAYRUN-0315"));
    assert_eq!(batch.text, "Salary March A Salary March B Salary March C SAMMLER");
    assert_eq!(batch.bank_ref.as_deref(), Some("BATCH-77"));
    assert_eq!(batch.code, None);

    let b = &s[1];
    assert_eq!(b.id, "STMT-2024-002");
    assert_eq!(b.iban, None);
    assert_eq!(b.account.as_deref(), Some("123456789"));
    // PRCD opens when there is no OPBD; DBIT is negative.
    assert_eq!(b.opening, Some(Balance { date: Some(d(2024, 2, 29)), amount: dec!(-50.00) }));
    assert_eq!(b.lines.len(), 1);
    assert_eq!(b.lines[0].amount, dec!(75.00));
    assert_eq!(b.lines[0].code.as_deref(), Some("NTRF+166"));
    assert_eq!(b.lines[0].text, "Einzahlung");
    assert_eq!(b.lines[0].value_date, None);
    b.check_balance().unwrap();
}

#[test]
fn version_08_with_prefix() {
    assert!(looks_like(V08.as_bytes()));
    let s = parse(V08.as_bytes()).unwrap();
    assert_eq!(s.len(), 1);
    let s = &s[0];
    assert_eq!(s.format, "camt.053.001.08");
    assert_eq!(s.id, "2024-04-30-EOM");
    assert_eq!(s.iban.as_deref(), Some("CH9300762011623852957"));
    assert_eq!(s.currency, "CHF");
    assert_eq!(s.opening, Some(Balance { date: Some(d(2024, 4, 1)), amount: dec!(500.00) }));
    assert_eq!(s.closing, Some(Balance { date: Some(d(2024, 4, 30)), amount: dec!(420.50) }));
    // PDNG and INFO are left out: the booked closing balance does not hold them.
    assert_eq!(s.lines.len(), 1);
    s.check_balance().unwrap();
    let l = &s.lines[0];
    assert_eq!(l.amount, dec!(-79.50));
    assert_eq!(l.booking_date, d(2024, 4, 30));
    assert_eq!(l.value_date, Some(d(2024, 5, 2)));
    assert_eq!(l.counterparty.as_deref(), Some("Swisscom (Schweiz) AG"));
    assert_eq!(l.counterparty_iban.as_deref(), Some("CH5604835012345678009"));
    // A structured creditor reference wins over the end-to-end id.
    assert_eq!(l.reference.as_deref(), Some("210000000003139471430009017"));
    assert_eq!(l.text, "Rechnung April");
    assert_eq!(l.bank_ref.as_deref(), Some("ZKB-20240430-1"));
    assert_eq!(l.code.as_deref(), Some("PMNT/ICDT/DMCT"));
}

#[test]
fn every_version_02_to_08_is_read() {
    for v in 2..=8 {
        let xml = V02.replace("camt.053.001.02", &format!("camt.053.001.{v:02}"));
        let s = parse(xml.as_bytes()).unwrap_or_else(|e| panic!("version {v}: {e}"));
        assert_eq!(s[0].format, format!("camt.053.001.{v:02}"));
        assert_eq!(s[0].lines.len(), 3);
    }
    let e = parse(V02.replace("camt.053.001.02", "camt.053.001.09").as_bytes()).unwrap_err();
    assert!(e.0.contains("camt.053.001.09 is not read"), "{e}");
    let e = parse(V02.replace("camt.053.001.02", "camt.052.001.02").as_bytes()).unwrap_err();
    assert!(e.0.contains("namespace urn:iso:std:iso:20022:tech:xsd:camt.052.001.02 is not read"), "{e}");
}

#[test]
fn end_to_end_through_the_balance_check() {
    let rules = CsvRules::default();
    for xml in [V02, V08] {
        assert_eq!(detect(xml.as_bytes(), &rules), Some(Format::Camt053));
        crate::capture::statements::parse(xml.as_bytes(), Format::Camt053, &rules).unwrap();
    }
    // A closing balance that counted the pending entry does not add up with the booked lines.
    let wrong = V02.replace("<Amt Ccy=\"EUR\">1640.00</Amt>", "<Amt Ccy=\"EUR\">1540.01</Amt>");
    let e = crate::capture::statements::parse(wrong.as_bytes(), Format::Camt053, &rules).unwrap_err();
    assert!(e.0.contains("statement 1 of 2") && e.0.contains("STMT-2024-001") && e.0.contains("balances do not add up"), "{e}");
}

#[test]
fn reversal_keeps_the_original_parties() {
    // A returned direct debit: money back in (CRDT), the creditor who had collected it is the counterparty.
    let xml = V08.replace("<c:CdtDbtInd>DBIT</c:CdtDbtInd>\n        <c:Sts>", "<c:CdtDbtInd>CRDT</c:CdtDbtInd>\n        <c:RvslInd>true</c:RvslInd>\n        <c:Sts>");
    let s = parse(xml.as_bytes()).unwrap();
    assert_eq!(s[0].lines[0].amount, dec!(79.50));
    assert_eq!(s[0].lines[0].counterparty.as_deref(), Some("Swisscom (Schweiz) AG"));
}

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>
"#;

#[test]
fn dtd_and_entities_are_refused() {
    // Still detected as CAMT (so the refusal is reported), never expanded.
    assert!(looks_like(BILLION_LAUGHS.as_bytes()));
    let started = std::time::Instant::now();
    let e = parse(BILLION_LAUGHS.as_bytes()).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert!(e.0.starts_with("XML with a DTD or entities is refused: ") && e.0.contains("DOCTYPE") && e.0.contains("line 2"), "{e}");
    // An external entity (XXE) and an empty DOCTYPE too.
    let xxe = V02.replacen("<Document", "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Document", 1).replace("STMT-2024-002", "&x;");
    let e = parse(xxe.as_bytes()).unwrap_err();
    assert!(e.0.starts_with("XML with a DTD or entities is refused: "), "{e}");
    let empty = V02.replacen("<Document", "<!DOCTYPE Document>\n<Document", 1);
    let e = parse(empty.as_bytes()).unwrap_err();
    assert!(e.0.starts_with("XML with a DTD or entities is refused: "), "{e}");
    // A reference to an entity that was never declared.
    let undeclared = V02.replace("STMT-2024-002", "&x;");
    let e = parse(undeclared.as_bytes()).unwrap_err();
    assert!(e.0.starts_with("XML with a DTD or entities is refused: "), "{e}");
    // The predefined entities are fine.
    let amp = V02.replace("Kunde AG", "Kunde &amp; Co AG");
    assert_eq!(parse(amp.as_bytes()).unwrap()[0].lines[1].counterparty.as_deref(), Some("Kunde & Co AG"));
}

#[test]
fn bad_inputs_name_statement_entry_and_problem() {
    let cases: &[(&str, &str, &str)] = &[
        ("<Amt Ccy=\"EUR\">1190.00</Amt>", "", "CAMT.053 statement STMT-2024-001: entry 2: no amount (Amt)"),
        ("<Amt Ccy=\"EUR\">1190.00</Amt>", "<Amt Ccy=\"EUR\">1,190.00</Amt>", "entry 2: amount \"1,190.00\" is not a number"),
        ("<Amt Ccy=\"EUR\">1190.00</Amt>", "<Amt Ccy=\"EUR\">1190,00</Amt>", "entry 2: amount \"1190,00\" is not a number"),
        ("<Amt Ccy=\"EUR\">1190.00</Amt>", "<Amt Ccy=\"EUR\">-1190.00</Amt>", "entry 2: amount \"-1190.00\" is not a number"),
        ("<Amt Ccy=\"EUR\">1190.00</Amt>", "<Amt Ccy=\"EUR\">1190.000001</Amt>", "entry 2: amount \"1190.000001\" has more than 5 decimals"),
        ("<Amt Ccy=\"EUR\">1190.00</Amt>", "<Amt Ccy=\"EUR\">EUR 1190</Amt>", "entry 2: amount \"EUR 1190\" is not a number"),
        ("<Amt Ccy=\"EUR\">1190.00</Amt>", "<Amt Ccy=\"USD\">1190.00</Amt>", "entry 2: amount in USD but the account is in EUR"),
        ("<DtTm>2024-03-05T10:15:00+01:00</DtTm>", "<DtTm>05.03.2024</DtTm>", "entry 2: booking date (BookgDt): \"05.03.2024\" is not a date"),
        ("<ValDt><Dt>2024-03-05</Dt></ValDt>\n        <AcctSvcrRef>", "<ValDt><Dt>2024-02-30</Dt></ValDt>\n        <AcctSvcrRef>", "entry 1: value date (ValDt): \"2024-02-30\" is not a date"),
        ("<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>BOOK", "<CdtDbtInd>CREDIT</CdtDbtInd>\n        <Sts>BOOK", "entry 2: credit/debit indicator \"CREDIT\" is neither CRDT nor DBIT"),
        ("<Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">1640.00", "<Cd>CLBX</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">1640.00", "CAMT.053 statement STMT-2024-001: no closing booked balance (a Bal of type CLBD)"),
        ("<Cd>PRCD</Cd>", "<Cd>ITBD</Cd>", "CAMT.053 statement STMT-2024-002: no opening balance (a Bal of type OPBD or PRCD)"),
        ("<Amt Ccy=\"EUR\">1640.00</Amt>", "<Amt Ccy=\"EUR\">16.40.00</Amt>", "statement STMT-2024-001: balance 3 (CLBD): amount \"16.40.00\" is not a number"),
        ("<Dt><Dt>2024-03-01</Dt></Dt>", "<Dt><Dt>1.3.2024</Dt></Dt>", "balance 1 (OPBD): \"1.3.2024\" is not a date"),
        ("<Othr><Id>123456789</Id></Othr>", "", "CAMT.053 statement STMT-2024-002: the account has neither an IBAN"),
        ("<Stmt>\n      <Id>STMT-2024-001</Id>", "<Stmt>\n      ", "CAMT.053 statement 1 (no Id): entry 2: no amount"),
    ];
    for (from, to, want) in cases {
        assert!(V02.contains(from), "fixture lacks {from}");
        let mut xml = V02.replacen(from, to, 1);
        if want.contains("(no Id)") {
            xml = xml.replacen("<Amt Ccy=\"EUR\">1190.00</Amt>", "", 1);
        }
        let e = parse(xml.as_bytes()).expect_err(want);
        assert!(e.0.contains(want), "want {want:?}, got {e}");
    }
    let e = parse(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt>").unwrap_err();
    assert!(e.0.starts_with("CAMT.053: the file is not well-formed XML"), "{e}");
    let e = parse(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><GrpHdr/></BkToCstmrStmt></Document>").unwrap_err();
    assert!(e.0.contains("holds no statement"), "{e}");
    let e = parse(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"><CstmrCdtTrfInitn/></Document>").unwrap_err();
    assert!(e.0.contains("no BkToCstmrStmt") && e.0.contains("CstmrCdtTrfInitn"), "{e}");
    let e = parse(b"<Document><BkToCstmrStmt><Stmt/></BkToCstmrStmt></Document>").unwrap_err();
    assert!(e.0.contains("has no namespace"), "{e}");
    let e = parse(b"<?xml version=\"1.0\"?><Document>\xff\xfe</Document>").unwrap_err();
    assert!(e.0.contains("not UTF-8"), "{e}");
}

#[test]
fn encodings() {
    // Declared ISO-8859-1, with a byte that is not UTF-8.
    let latin = V02.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"").replace("Kunde AG", "Müller AG");
    let bytes: Vec<u8> = latin.chars().map(|c| c as u32 as u8).collect();
    assert_eq!(parse(&bytes).unwrap()[0].lines[1].counterparty.as_deref(), Some("Müller AG"));
    // UTF-8 with a BOM.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(V02.as_bytes());
    assert!(looks_like(&bom));
    assert_eq!(parse(&bom).unwrap().len(), 2);
    // UTF-16 little-endian with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(V02.replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"").encode_utf16().flat_map(|u| u.to_le_bytes()));
    assert!(looks_like(&utf16));
    assert_eq!(parse(&utf16).unwrap()[0].lines.len(), 3);
}

#[test]
fn detection() {
    assert!(looks_like(V02.as_bytes()));
    assert!(looks_like(V08.as_bytes()));
    assert!(looks_like(b"  <BkToCstmrStmt>"));
    assert!(!looks_like(b":20:X\n:60F:C240101EUR1,00\n"));
    assert!(!looks_like(b"OFXHEADER:100\nDATA:OFXSGML\n<OFX>"));
    assert!(!looks_like(b"<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"/>"));
    assert!(!looks_like(b"file;format\nstatement.xml;camt.053 urn:iso:std:iso:20022\n"));
    assert!(!looks_like(b""));
}

#[test]
fn amounts_and_dates() {
    assert_eq!(amount("12").unwrap(), dec!(12));
    assert_eq!(amount(" 0.5 ").unwrap(), dec!(0.5));
    assert_eq!(amount(".5").unwrap(), dec!(0.5));
    assert_eq!(amount("1.12345").unwrap(), dec!(1.12345));
    assert!(amount("1.123456").is_err());
    assert!(amount("").is_err());
    assert!(amount(".").is_err());
    assert!(amount("1e3").is_err());
    assert!(amount("+1").is_err());
    assert!(amount("1 000.00").is_err());
    assert_eq!(date("2024-03-05"), Some(d(2024, 3, 5)));
    assert_eq!(date("2024-03-05T23:59:59.123+05:00"), Some(d(2024, 3, 5)));
    assert_eq!(date("2024-03-05Z"), Some(d(2024, 3, 5)));
    assert_eq!(date("2024-03-05+01:00"), Some(d(2024, 3, 5)));
    assert_eq!(date("2024-03-051"), None);
    assert_eq!(date("05.03.2024"), None);
    assert_eq!(date("2024-02-30"), None);
}
