//! Bank statements through the real binary on a real site: invoices are
//! processed, then a CAMT.053 statement pays them by reference, by amount
//! and name only, partially and two at once; `open-items` shows what is left.

mod support;

use rust_decimal::Decimal;
use serde_json::Value;
use support::{wait_until, Daemon, Generated, Site};

/// One posted purchase invoice as the books hold it.
#[derive(Debug, Clone)]
struct Invoice {
    number: String,
    supplier: String,
    aux: String,
    gross: Decimal,
    date: chrono::NaiveDate,
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("not a string amount: {v}")).parse().unwrap()
}

/// Process generated invoices; keep `n` posted purchase invoices of distinct suppliers.
fn posted_invoices(site: &Site, n: usize) -> Vec<Invoice> {
    let g = Generated::eur(14, 41);
    let mut args = vec!["process", "--json"];
    let paths: Vec<String> = g.pdfs.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    args.extend(paths.iter().map(String::as_str));
    let out = site.ok(&args);
    let mut found: Vec<Invoice> = Vec::new();
    for line in out.lines().filter(|l| l.starts_with('{')) {
        let r: Value = serde_json::from_str(line).unwrap();
        if r["state"] != "posted" || r["category"] != "purchase_invoice" {
            continue;
        }
        let lines = r["entry"]["lines"].as_array().unwrap();
        let supplier_line = lines.iter().find(|l| l["account"] == "401000").expect("a supplier line");
        let inv = Invoice {
            number: r["fields"]["invoice_number"].as_str().unwrap().to_string(),
            supplier: r["fields"]["supplier_name"].as_str().unwrap_or("").to_string(),
            aux: supplier_line["aux_account"].as_str().unwrap().to_string(),
            gross: dec(&supplier_line["credit"]),
            date: r["entry"]["date"].as_str().unwrap().parse().unwrap(),
        };
        if !inv.supplier.is_empty() && found.iter().all(|f| f.aux != inv.aux && f.gross != inv.gross) {
            found.push(inv);
        }
    }
    assert!(found.len() >= n, "only {} posted purchase invoices of distinct suppliers: {out}", found.len());
    found.truncate(n);
    found
}

/// A bank line of the statement: amount signed (+ in, - out).
struct Tx<'a> {
    amount: Decimal,
    name: Option<&'a str>,
    text: &'a str,
}

/// A CAMT.053.001.08 statement, written the way a bank writes one.
fn camt(id: &str, date: chrono::NaiveDate, opening: Decimal, txs: &[Tx<'_>], closing_shift: Decimal) -> String {
    let closing = opening + txs.iter().map(|t| t.amount).sum::<Decimal>() + closing_shift;
    let bal = |code: &str, amount: Decimal| {
        format!(
            "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>{date}</Dt></Dt></Bal>",
            amount.abs(),
            if amount < Decimal::ZERO { "DBIT" } else { "CRDT" }
        )
    };
    let mut entries = String::new();
    for (i, t) in txs.iter().enumerate() {
        let out = t.amount < Decimal::ZERO;
        let party = t.name.map(|n| if out { format!("<RltdPties><Cdtr><Pty><Nm>{n}</Nm></Pty></Cdtr></RltdPties>") } else { format!("<RltdPties><Dbtr><Pty><Nm>{n}</Nm></Pty></Dbtr></RltdPties>") }).unwrap_or_default();
        entries.push_str(&format!(
            "<Ntry><NtryRef>{n}</NtryRef><Amt Ccy=\"EUR\">{amt}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
             <BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt><AcctSvcrRef>{id}-{n}</AcctSvcrRef>
             <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
             <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>{party}<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n",
            n = i + 1,
            amt = t.amount.abs(),
            ind = if out { "DBIT" } else { "CRDT" },
            text = t.text,
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>{id}</MsgId><CreDtTm>{date}T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{id}</Id><CreDtTm>{date}T06:00:00</CreDtTm>
<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
{open}{close}
{entries}</Stmt></BkToCstmrStmt></Document>
"#,
        open = bal("OPBD", opening),
        close = bal("CLBD", closing),
    )
}

fn open_items(site: &Site, all: bool) -> Vec<Value> {
    let mut args = vec!["open-items", "--json"];
    if all {
        args.push("--all");
    }
    let v: Value = serde_json::from_str(&site.ok(&args)).unwrap();
    v["open_items"].as_array().unwrap().clone()
}

fn residual_of(items: &[Value], reference: &str) -> Option<Decimal> {
    let rows: Vec<&Value> = items.iter().filter(|i| i["reference"] == reference && i["journal"] != "BQ").collect();
    (!rows.is_empty()).then(|| rows.iter().map(|r| dec(&r["residual"])).sum())
}

#[test]
fn a_statement_pays_invoices_and_open_items_show_what_is_left() {
    let site = Site::new(200, 1);
    let inv = posted_invoices(&site, 5);
    let day = inv.iter().map(|i| i.date).max().unwrap() + chrono::Duration::days(12);
    let (a, b, c, d, e) = (&inv[0], &inv[1], &inv[2], &inv[3], &inv[4]);
    let partial = (c.gross * Decimal::new(4, 1)).round_dp(2);
    let text_a = format!("VIR SEPA FACTURE {} REGLEMENT", a.number);
    let text_c = format!("Acompte sur facture n° {}", c.number);
    let text_de = format!("Paiement factures {} et {}", d.number, e.number);
    let upper_b = b.supplier.to_uppercase();
    let txs = [
        Tx { amount: -a.gross, name: Some(&a.supplier), text: &text_a },
        Tx { amount: -b.gross, name: Some(&upper_b), text: "VIREMENT EMIS" },
        Tx { amount: -partial, name: Some(&c.supplier), text: &text_c },
        Tx { amount: -(d.gross + e.gross), name: None, text: &text_de },
        Tx { amount: Decimal::new(-1250, 2), name: None, text: "FRAIS TENUE DE COMPTE" },
    ];
    let stmt = site.path("camt-1.xml");
    std::fs::write(&stmt, camt("STMT-001", day, Decimal::new(5_000_000, 2), &txs, Decimal::ZERO)).unwrap();
    let out = site.ok(&["process", "--json", stmt.to_str().unwrap()]);
    let report: Value = serde_json::from_str(out.lines().find(|l| l.starts_with('{')).unwrap()).unwrap();
    assert_eq!(report["category"], "bank_statement", "{out}");
    let st = &report["statement"];
    assert_eq!(st["new_lines"], 5, "{out}");
    assert_eq!(st["matched"], 4, "{out}");
    let lines = st["lines_detail"].as_array().unwrap();
    assert_eq!(lines[4]["outcome"], "unmatched", "the bank fee matches nothing: {}", lines[4]);
    assert!(lines[4]["explanation"].as_str().unwrap().contains("booked on 627000"), "the fee says where it went: {}", lines[4]);
    assert_eq!(lines[1]["outcome"], "matched", "by amount and name only: {}", lines[1]);

    let open = open_items(&site, false);
    for settled in [a, b, d, e] {
        assert_eq!(residual_of(&open, &settled.number), None, "invoice {} is paid in full: {open:#?}", settled.number);
    }
    assert_eq!(residual_of(&open, &c.number), Some(c.gross - partial), "invoice {} was paid {partial} of {}", c.number, c.gross);
    let all = open_items(&site, true);
    for settled in [a, b, d, e] {
        assert_eq!(residual_of(&all, &settled.number), Some(Decimal::ZERO));
        let code = all.iter().find(|i| i["reference"] == settled.number.as_str()).unwrap()["match_code"].as_str().unwrap().to_string();
        assert!(code.chars().all(|ch| ch.is_ascii_uppercase()) && code.len() >= 2, "a settled item has an upper-case code: {code}");
    }
    let c_code = all.iter().find(|i| i["reference"] == c.number.as_str()).unwrap()["match_code"].as_str().unwrap().to_string();
    assert!(c_code.chars().all(|ch| ch.is_ascii_lowercase()), "a partial match reads in lower case: {c_code}");

    // The fee is booked to bank charges, not to any supplier.
    let db = site.db();
    let fee_lines: i64 = db
        .query_row("SELECT count(*) FROM entry_lines l JOIN entries e ON e.id = l.entry_id WHERE e.journal = 'BQ' AND l.account = '627000' AND l.debit = 12.50", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fee_lines, 1);
    let (debit, credit): (String, String) = db
        .query_row("SELECT CAST(sum(debit) AS VARCHAR), CAST(sum(credit) AS VARCHAR) FROM entry_lines l JOIN entries e ON e.id = l.entry_id WHERE e.journal = 'BQ'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(debit, credit, "bank entries balance");
    drop(db);

    // The same statement re-exported (other creation time): nothing changes.
    let again = site.path("camt-1-again.xml");
    std::fs::write(&again, camt("STMT-001", day, Decimal::new(5_000_000, 2), &txs, Decimal::ZERO).replace("T06:00:00", "T07:30:00")).unwrap();
    let out = site.ok(&["process", "--json", again.to_str().unwrap()]);
    assert!(out.contains("\"state\": \"duplicate\"") || out.contains("\"state\":\"duplicate\""), "{out}");
    assert_eq!(open_items(&site, true).len(), all.len(), "a second import adds nothing");

    // Balances that do not add up: refused with the numbers, nothing imported.
    let bad = site.path("camt-2.xml");
    let later = [Tx { amount: Decimal::new(10000, 2), name: Some("SOMEONE"), text: "VIREMENT RECU" }];
    std::fs::write(&bad, camt("STMT-002", day, Decimal::new(5_000_000, 2), &later, Decimal::ONE)).unwrap();
    let out = site.cli(&["process", "--json", "--config", site.config.to_str().unwrap(), bad.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("failed") && text.contains("balances do not add up"), "{text}");
    let n: i64 = site.db().query_row("SELECT count(*) FROM statement_lines", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 5);

    // Unmatching reopens the invoice, and the history keeps the group.
    let a_code = all.iter().find(|i| i["reference"] == a.number.as_str()).unwrap()["match_code"].as_str().unwrap().to_string();
    site.ok(&["unmatch", "--account", "401000", "--aux", &a.aux, &a_code]);
    assert_eq!(residual_of(&open_items(&site, false), &a.number), Some(a.gross));
    let undone: i64 = site.db().query_row("SELECT count(*) FROM match_groups WHERE undone_at IS NOT NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(undone, 1);

    // The FEC carries the matching codes (EcritureLet / DateLet) once posted.
    site.release_and_post_all();
    let fec_dir = site.path("exports");
    site.ok(&["export", "--out", fec_dir.to_str().unwrap()]);
    let fec = support::files_in(&fec_dir).into_iter().find(|p| p.to_string_lossy().contains("FEC")).expect("a FEC file");
    let fec = String::from_utf8_lossy(&std::fs::read(fec).unwrap()).to_string();
    let b_code = all.iter().find(|i| i["reference"] == b.number.as_str()).unwrap()["match_code"].as_str().unwrap().to_string();
    // Codes are per account and party: another supplier may have its own AA.
    let lettered: Vec<&str> = fec.lines().filter(|l| l.split('\t').nth(13) == Some(b_code.as_str()) && l.split('\t').nth(6) == Some(b.aux.as_str())).collect();
    assert_eq!(lettered.len(), 2, "invoice {} and its payment carry {b_code}:\n{fec}", b.number);
    assert!(lettered.iter().all(|l| l.split('\t').nth(14).is_some_and(|d| d.len() == 8)), "DateLet is written");
}

/// Written here for a machine without the corpus: three lines that add up.
const SMALL_MT940: &str = ":20:STMT-TEST\r\n:25:NL91ABNA0417164300\r\n:28C:1/1\r\n:60F:C261130EUR1000,00\r\n\
:61:2612011201D25,00NTRFNONREF\r\n:86:/NAME/KANTINE/REMI/LUNCH\r\n\
:61:2612021202C100,00NTRFNONREF\r\n:86:/NAME/CUSTOMER/REMI/INVOICE 1\r\n\
:61:2612031203D5,00NCHGNONREF\r\n:86:FEES\r\n:62F:C261203EUR1070,00\r\n";

/// An MT940 from a real bank (the corpus, read in place) with the number of
/// statements and lines of its reference parse.
fn an_mt940() -> (Vec<u8>, usize, usize) {
    let (Some(sta), Some(json)) = (paperledger::testdata::corpus("mt940/jejik/rabobank-iban.sta"), paperledger::testdata::corpus("mt940/jejik/rabobank-iban.json")) else {
        eprintln!("the MT940 corpus is not on this machine: a statement written here instead");
        return (SMALL_MT940.as_bytes().to_vec(), 1, 3);
    };
    let reference: Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let statements = reference.as_array().unwrap();
    let lines = statements.iter().map(|s| s["statement_lines"].as_array().unwrap().len()).sum();
    (std::fs::read(sta).unwrap(), statements.len(), lines)
}

fn count(site: &Site, sql: &str) -> i64 {
    site.db().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// What `process` said of one file: (state, the whole output).
fn process_one(site: &Site, path: &std::path::Path) -> (String, String) {
    let out = site.cli(&["process", "--json", "--config", site.config.to_str().unwrap(), path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let state = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .find_map(|l| serde_json::from_str::<Value>(l).ok().and_then(|v| v["state"].as_str().map(String::from)))
        .unwrap_or_default();
    (state, text)
}

#[test]
fn statements_of_every_kind_arrive_whole_or_not_at_all() {
    let site = Site::new(200, 1);

    // An MT940 from a real bank, dropped in the inbox of the running daemon.
    let (mt940, statements, expected_lines) = an_mt940();
    let daemon = Daemon::start(&site);
    std::fs::write(site.inbox().join("rabobank-iban.sta"), &mt940).unwrap();
    let named = |dir: &str| site.files(dir).into_iter().find(|p| p.to_string_lossy().ends_with("rabobank-iban.sta"));
    wait_until("the MT940 statement processed", 120, || named("archive").is_some() || named("failed").is_some());
    let _ = daemon.stop(); // DuckDB has one writer: read it once the daemon is gone.
    assert!(named("archive").is_some(), "imported, not failed: {:?}", site.files("failed").iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).collect::<Vec<_>>());
    assert_eq!(count(&site, "SELECT count(*) FROM statement_lines") as usize, expected_lines);
    let statements = statements as i64;
    assert_eq!(count(&site, "SELECT count(*) FROM statements WHERE format = 'mt940' AND journal = 'BQ' AND account = '512000'"), statements, "an unknown account books to BQ / 512000");
    let bank_lines = count(&site, "SELECT count(*) FROM entry_lines l JOIN entries e ON e.id = l.entry_id WHERE e.journal = 'BQ' AND l.account = '512000'");
    assert_eq!(bank_lines as usize, expected_lines, "one bank entry per statement line");

    // A German bank's CSV export with two genuinely identical lines: both are kept.
    let csv = |rows: &str| -> Vec<u8> {
        format!("Buchungstag;Valuta;Auftraggeber/Empf\u{e4}nger;Verwendungszweck;Betrag;Saldo\n{rows}").chars().map(|c| c as u32 as u8).collect()
    };
    let good = csv("03.02.2026;03.02.2026;Kantine;Essen;-8,50;983,00\n03.02.2026;03.02.2026;Kantine;Essen;-8,50;991,50\n01.02.2026;01.02.2026;Stadtwerke;Strom;-100,00;1.000,00\n");
    let path = site.path("umsaetze.csv");
    std::fs::write(&path, &good).unwrap();
    let (state, out) = process_one(&site, &path);
    assert_eq!(state, "imported", "{out}");
    let kantine = "SELECT count(*) FROM statement_lines WHERE text LIKE '%Essen%'";
    assert_eq!(count(&site, kantine), 2, "two identical lines are two lines");
    // The same export downloaded again: nothing changes.
    let again = site.path("umsaetze-2.csv");
    std::fs::write(&again, &good).unwrap();
    let (state, out) = process_one(&site, &again);
    assert_eq!(state, "duplicate", "{out}");
    assert_eq!(count(&site, kantine), 2);

    let before = (count(&site, "SELECT count(*) FROM statement_lines"), count(&site, "SELECT count(*) FROM entries"));
    let refused = |name: &str, bytes: &[u8], says: &[&str]| {
        let path = site.path(name);
        std::fs::write(&path, bytes).unwrap();
        let (state, out) = process_one(&site, &path);
        assert_eq!(state, "failed", "{name}: {out}");
        for s in says {
            assert!(out.contains(s), "{name} should say {s:?}: {out}");
        }
        let reason = std::fs::read_dir(site.path("failed")).unwrap().map(|e| e.unwrap().path()).find(|p| p.to_string_lossy().contains(name) && p.to_string_lossy().ends_with(".reason.txt"));
        assert!(reason.is_some(), "{name}: its reason is written beside it in failed/");
    };
    // A cell that is not an amount: the row and the column are named.
    refused("bad-cell.csv", &csv("03.02.2026;03.02.2026;Kantine;Essen;-8,5O;983,00\n"), &["row 2", "Betrag"]);
    // A running balance that does not add up.
    refused("bad-balance.csv", &csv("03.02.2026;03.02.2026;Kantine;Essen;-8,50;990,00\n01.02.2026;01.02.2026;Stadtwerke;Strom;-100,00;1.000,00\n"), &["row 2: the balance 990.00 does not follow"]);
    // Broken SGML.
    refused(
        "broken.ofx",
        b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<STMTRS>\n<CURDEF>EUR\n<BANKTRANLIST>\n<STMTTRN\n<TRNTYPE>DEBIT\n</STMTTRN>\n</BANKTRANLIST>\n</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n",
        &["unterminated tag"],
    );
    // XML with entities is never expanded.
    refused(
        "entities.xml",
        br#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "boom">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>"#,
        &["DTD or entities"],
    );
    // A statement in another currency than the books'.
    let chf = String::from_utf8_lossy(&mt940).replace("EUR", "CHF");
    refused("chf.sta", chf.as_bytes(), &["CHF", "not supported"]);
    let after = (count(&site, "SELECT count(*) FROM statement_lines"), count(&site, "SELECT count(*) FROM entries"));
    assert_eq!(before, after, "nothing of a refused file is imported");
}

/// Generated invoices and a statement paying the purchase ones by reference.
fn invoices_and_their_statement(site: &Site, seed: u64) -> (Generated, Vec<(String, Decimal)>, std::path::PathBuf) {
    let g = Generated::eur(4, seed);
    let bought: Vec<(String, Decimal)> = g
        .pdfs
        .iter()
        .map(|p| Generated::truth(p)["documents"][0].clone())
        .filter(|d| d["category"] == "purchase_invoice")
        .map(|d| (d["fields"]["invoice_number"].as_str().unwrap().to_string(), dec(&d["fields"]["gross_total"])))
        .collect();
    assert!(bought.len() >= 2, "purchase invoices among the generated ones: {bought:?}");
    let texts: Vec<String> = bought.iter().map(|(n, _)| format!("PAIEMENT FACTURE {n}")).collect();
    let txs: Vec<Tx<'_>> = bought.iter().zip(&texts).map(|((_, gross), text)| Tx { amount: -*gross, name: None, text }).collect();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let stmt = site.path("releve.xml");
    std::fs::write(&stmt, camt("STMT-9", day, Decimal::new(100_000_000, 2), &txs, Decimal::ZERO)).unwrap();
    (g, bought, stmt)
}

#[test]
fn a_statement_given_with_its_invoices_is_matched_after_them() {
    let site = Site::new(200, 2);
    let (g, bought, stmt) = invoices_and_their_statement(&site, 47);
    // The statement first on the command line, the invoices after it.
    let mut args: Vec<String> = vec!["process".into(), "--json".into(), stmt.to_string_lossy().into_owned()];
    args.extend(g.pdfs.iter().map(|p| p.to_string_lossy().into_owned()));
    let out = site.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let reports: Vec<Value> = out.lines().filter(|l| l.starts_with('{')).map(|l| serde_json::from_str(l).unwrap()).collect();
    let statement = reports.iter().find(|r| r["category"] == "bank_statement").expect("the statement's report");
    let posted: Vec<&str> = reports.iter().filter(|r| r["state"] == "posted").filter_map(|r| r["fields"]["invoice_number"].as_str()).collect();
    let paid_and_posted = bought.iter().filter(|(n, _)| posted.contains(&n.as_str())).count();
    assert!(paid_and_posted >= 2, "{out}");
    assert_eq!(statement["statement"]["matched"], paid_and_posted, "every posted invoice's payment is matched: {out}");
    let open = open_items(&site, false);
    for (n, _) in bought.iter().filter(|(n, _)| posted.contains(&n.as_str())) {
        assert_eq!(residual_of(&open, n), None, "invoice {n} is paid: {open:#?}");
    }
}

#[test]
fn a_statement_before_its_invoices_is_matched_when_they_arrive() {
    let site = Site::new(200, 1);
    let (g, bought, stmt) = invoices_and_their_statement(&site, 53);
    let out = site.ok(&["process", "--json", stmt.to_str().unwrap()]);
    assert!(out.contains("\"matched\": 0") || out.contains("\"matched\":0"), "nothing to match yet: {out}");
    let suspense = |site: &Site| -> String {
        site.db()
            .query_row("SELECT CAST(coalesce(sum(debit - credit), 0) AS VARCHAR) FROM entry_lines WHERE account = '471000'", [], |r| r.get(0))
            .unwrap()
    };
    assert_ne!(suspense(&site), "0.00", "the payments wait on the suspense account");

    let mut args: Vec<String> = vec!["process".into(), "--json".into()];
    args.extend(g.pdfs.iter().map(|p| p.to_string_lossy().into_owned()));
    let out = site.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let posted: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["state"] == "posted")
        .filter_map(|r| r["fields"]["invoice_number"].as_str().map(String::from))
        .collect();
    let paid: Vec<&(String, Decimal)> = bought.iter().filter(|(n, _)| posted.contains(n)).collect();
    assert!(paid.len() >= 2, "{out}");
    let open = open_items(&site, false);
    for (n, _) in &paid {
        assert_eq!(residual_of(&open, n), None, "invoice {n} was paid by the statement processed before it: {open:#?}");
    }
    let left: Decimal = bought.iter().filter(|(n, _)| !posted.contains(n)).map(|(_, g)| *g).sum();
    assert_eq!(suspense(&site).parse::<Decimal>().unwrap(), left, "only the payments of invoices not booked stay on 471000");
    let later: i64 = site.db().query_row("SELECT count(*) FROM statement_lines WHERE outcome = 'matched' AND explanation LIKE '%matched later%'", [], |r| r.get(0)).unwrap();
    assert_eq!(later as usize, paid.len());
}
