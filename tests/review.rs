//! The review queue from the command line: a document waiting for review is
//! listed, shown, corrected through the running daemon, refused while its
//! reason stands, then approved and posted with the corrected values.

mod support;

use serde_json::Value;
use support::{Daemon, Site};

#[test]
fn a_document_in_review_is_corrected_and_approved() {
    let site = Site::new(200, 1);
    let config = std::fs::read_to_string(&site.config).unwrap();
    std::fs::write(&site.config, config.replace("unknown_suppliers: create", "unknown_suppliers: review")).unwrap();
    site.ok(&["process", concat!(env!("CARGO_MANIFEST_DIR"), "/samples/invoices/inv-0002-utility-fr.pdf")]);

    let daemon = Daemon::start_ready(&site);
    let queue: Vec<Value> = serde_json::from_str(&site.ok(&["review", "list", "--json"])).unwrap();
    assert_eq!(queue.len(), 1, "{queue:#?}");
    let doc = format!("doc:{}", queue[0]["id"]);
    assert!(queue[0]["reasons"][0].as_str().unwrap().contains("not in the supplier dictionary"), "{queue:#?}");
    let shown: Value = serde_json::from_str(&site.ok(&["review", "show", &doc, "--json"])).unwrap();
    let number = shown["fields"].as_array().unwrap().iter().find(|f| f["name"] == "invoice_number").unwrap();
    assert_eq!(number["value"], "TH2605000463");
    assert!(number["page"] == 1 && number["bbox"].as_array().unwrap().len() == 4 && number["source"].as_str().unwrap().starts_with("label:"), "{number}");

    site.ok(&["review", "set", &doc, "invoice_number=TH-2605-000463", "due_date=30/06/2026"]);
    let refused = site.cli(&["review", "approve", &doc, "--config", site.config.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stays in review"), "{}", String::from_utf8_lossy(&refused.stderr));
    let _ = daemon.stop();

    // The admin lets unknown suppliers be created; the approval posts.
    let config = std::fs::read_to_string(&site.config).unwrap();
    std::fs::write(&site.config, config.replace("unknown_suppliers: review", "unknown_suppliers: create")).unwrap();
    let out = site.ok(&["review", "approve", &doc]);
    assert!(out.contains("approved; entry in journal HA"), "{out}");
    let (piece, due): (String, String) = site
        .db()
        .query_row("SELECT e.piece_ref, CAST(l.due_date AS VARCHAR) FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE l.account = '401000'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((piece.as_str(), due.as_str()), ("TH-2605-000463", "2026-06-30"), "the entry carries the corrected values");
    let history = site.ok(&["history", &doc]);
    for kind in ["corrected", "approval-refused", "approved", "posted"] {
        assert!(history.contains(kind), "{kind} in the history:\n{history}");
    }
    let queue: Vec<Value> = serde_json::from_str(&site.ok(&["review", "list", "--json"])).unwrap();
    assert!(queue.is_empty());
}

#[test]
fn a_correction_teaches_the_suppliers_next_invoice() {
    let site = Site::new(200, 1);
    let config = std::fs::read_to_string(&site.config).unwrap();
    std::fs::write(&site.config, config.replace("unknown_suppliers: create", "unknown_suppliers: review")).unwrap();
    let first = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/invoices/inv-0002-utility-fr.pdf");
    site.ok(&["process", first]);
    let queue: Vec<Value> = serde_json::from_str(&site.ok(&["review", "list", "--json"])).unwrap();
    let doc = format!("doc:{}", queue[0]["id"]);
    let shown: Value = serde_json::from_str(&site.ok(&["review", "show", &doc, "--json"])).unwrap();
    let read = |name: &str| shown["fields"].as_array().unwrap().iter().find(|f| f["name"] == name).map(|f| f["value"].as_str().unwrap().to_string());
    assert_eq!(read("invoice_number").as_deref(), Some("TH2605000463"));

    // This firm books this supplier's invoices under the contract number printed beside "N° de contrat".
    let contract = "4744092776";
    let out = site.ok(&["review", "set", &doc, &format!("invoice_number={contract}")]);
    assert!(out.contains("learned for FR12473038057") && out.contains("N° de contrat"), "{out}");

    // The supplier's next invoice in the same layout (here the same page, saved again).
    let mut next = std::fs::read(first).unwrap();
    next.extend_from_slice(b"\n% saved again\n");
    let path = site.path("next.pdf");
    std::fs::write(&path, next).unwrap();
    let out = site.ok(&["process", "--json", path.to_str().unwrap()]);
    let report: Value = serde_json::from_str(out.lines().find(|l| l.starts_with('{')).unwrap()).unwrap();
    assert_eq!(report["fields"]["invoice_number"], contract, "{out}");
    let source: String = site.db().query_row("SELECT source FROM fields WHERE document_id = ? AND name = 'invoice_number'", [report["document_id"].as_i64().unwrap()], |r| r.get(0)).unwrap();
    assert_eq!(source, "mark:invoice_number");
}

#[test]
fn a_file_holding_two_invoices_is_split_by_the_reviewer() {
    let site = Site::new(200, 1);
    // No split stage: the file stays one document, and waits for review.
    let pipeline = site.path("pipelines/purchase-invoices.yaml");
    let text = std::fs::read_to_string(&pipeline).unwrap();
    let (start, end) = (text.find("  - split:").unwrap(), text.find("  # Category from").unwrap());
    std::fs::write(&pipeline, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let config = std::fs::read_to_string(&site.config).unwrap();
    std::fs::write(&site.config, config.replace("unknown_suppliers: create", "unknown_suppliers: review")).unwrap();
    site.ok(&["check"]);
    let both = site.path("both.pdf");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/invoices/");
    let st = std::process::Command::new("qpdf")
        .args(["--empty", "--pages", &format!("{dir}inv-0001-din-en.pdf"), &format!("{dir}inv-0002-utility-fr.pdf"), "--"])
        .arg(&both)
        .status()
        .unwrap();
    assert!(st.success());
    site.ok(&["process", both.to_str().unwrap()]);
    let queue: Vec<Value> = serde_json::from_str(&site.ok(&["review", "list", "--json"])).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["pages"], serde_json::json!([1, 2, 3]), "one document of three pages: {queue:#?}");
    let doc = format!("doc:{}", queue[0]["id"]);

    let refused = site.cli(&["review", "split", &doc, "1-2", "--config", site.config.to_str().unwrap()]);
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("exactly once"), "{}", String::from_utf8_lossy(&refused.stderr));

    let config = std::fs::read_to_string(&site.config).unwrap();
    std::fs::write(&site.config, config.replace("unknown_suppliers: review", "unknown_suppliers: create")).unwrap();
    let out = site.ok(&["review", "split", &doc, "1-2,3"]);
    assert!(out.contains("split into 2 documents"), "{out}");
    let db = site.db();
    let mut numbers: Vec<(String, String)> = db
        .prepare("SELECT d.state, f.value FROM documents d JOIN fields f ON f.document_id = d.id AND f.name = 'invoice_number' WHERE d.state <> 'split' ORDER BY d.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    numbers.sort();
    assert_eq!(numbers, vec![("posted".to_string(), "MSN-26-00196".to_string()), ("posted".to_string(), "TH2605000463".to_string())], "{out}");
    drop(db);
    assert!(site.ok(&["history", &doc]).contains("split"));
}
