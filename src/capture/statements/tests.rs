// Tests over every format: detection runs on every file that reaches an
// inbox, so it must never take an invoice for a statement.

use super::*;
use std::path::PathBuf;

/// The files of a corpus folder; empty (the test says it skipped) when the corpus is not on this machine.
fn corpus(dir: &str) -> Vec<PathBuf> {
    let Some(root) = crate::testdata::corpus(dir) else {
        eprintln!("skipped: shared/corpus/{dir} is not on this machine");
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())).map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn e_invoices_and_pdfs_are_not_statements() {
    let rules = csv::CsvRules::builtin();
    let mut seen = 0;
    for dir in ["factur-x/xml", "factur-x/pdf"] {
        for path in corpus(dir) {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(detect(&bytes, &rules), None, "{} taken for a statement", path.display());
            seen += 1;
        }
    }
    assert!(seen == 0 || seen >= 10, "the corpus has e-invoices to look at ({seen})");
    assert_eq!(detect(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", &rules), None);
    assert_eq!(detect(b"", &rules), None);
}

#[test]
fn each_format_is_told_apart_by_content() {
    let rules = csv::CsvRules::builtin();
    let camt = br#"<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>"#;
    assert_eq!(detect(camt, &rules), Some(Format::Camt053));
    assert_eq!(detect(b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>", &rules), Some(Format::Ofx));
    assert_eq!(detect(b":20:STMT\r\n:25:NL91ABNA0417164300\r\n:28C:1/1\r\n:60F:C240101EUR1,00\r\n", &rules), Some(Format::Mt940));
    if let Some(mt940) = corpus("mt940/sparkasse").into_iter().find(|p| p.extension().is_some_and(|e| e == "sta")) {
        assert_eq!(detect(&std::fs::read(&mt940).unwrap(), &rules), Some(Format::Mt940), "{}", mt940.display());
    }
}

#[test]
fn a_refused_statement_of_several_is_named() {
    let stmt = |id: &str, closing: &str| {
        format!(
            "<Stmt><Id>{id}</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>\
             <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-31</Dt></Dt></Bal>\
             <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-01</Dt></Dt></Bal>\
             <Ntry><Amt Ccy=\"EUR\">25.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-02-01</Dt></BookgDt></Ntry></Stmt>"
        )
    };
    let file = format!(
        r#"<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr>{}{}</BkToCstmrStmt></Document>"#,
        stmt("S1", "74.50"),
        stmt("S2", "75.50")
    );
    let rules = csv::CsvRules::builtin();
    let good = parse(file.replace("75.50", "74.50").as_bytes(), Format::Camt053, &rules).unwrap();
    assert_eq!(good.len(), 2);
    assert_eq!(good[1].lines[0].amount, Decimal::new(-2550, 2));
    let e = parse(file.as_bytes(), Format::Camt053, &rules).unwrap_err().0;
    assert!(e.starts_with("statement 2 of 2 (statement S2 of account FR7630006000011234567890189)"), "{e}");
    assert!(e.contains("opening 100.00 + 1 lines totalling -25.50 = 74.50, but the closing balance is 75.50"), "{e}");
}
