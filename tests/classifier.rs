//! Categories no rule names are learned from what people validated: once a
//! reviewer has categorized a few payslips, the next payslip is categorized
//! by the classifier, through the running daemon, with its confidence and
//! the words that decided in its history.

mod support;

use serde_json::Value;
use support::{text_pdf, wait_until, Daemon, Site};

fn payslip(name: &str, month: &str, gross: &str, net: &str) -> Vec<u8> {
    text_pdf(&[
        "Societe Demo SAS - 12 rue des Lilas - 75011 Paris",
        "BULLETIN DE PAIE",
        &format!("Periode : {month}"),
        &format!("Salarie : {name}"),
        "Emploi : Assistant comptable   Coefficient 220",
        &format!("Salaire de base                 151,67 h        {gross}"),
        "Cotisations salariales  Sante  Retraite complementaire  Chomage",
        "CSG deductible   CRDS non deductible   URSSAF",
        "Conges payes acquis 2,08   pris 0",
        &format!("Net a payer avant impot sur le revenu    {net}"),
        "Prelevement a la source  taux personnalise",
        "Dans votre interet conservez ce bulletin sans limitation de duree",
    ])
}

fn doc_of(site: &Site, file: &str) -> (i64, String, String) {
    site.db()
        .query_row(
            "SELECT d.id, d.category, d.category_reason FROM documents d JOIN sources s ON s.id = d.source_id WHERE s.original_name = ?",
            [file],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn payslips_a_reviewer_categorized_teach_the_next_one() {
    let site = Site::new(200, 1);
    let rules = site.path("rules/categories.yaml");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(&rules, text.replace("categories: [purchase_invoice,", "categories: [payslip, purchase_invoice,")).unwrap();

    // Rules decide invoices; posted, they are validated examples.
    let mut files: Vec<String> = ["inv-0002-utility-fr.pdf", "inv-0003-letter-fr.pdf", "inv-0005-classic-fr.pdf"]
        .iter()
        .map(|f| format!("{}/samples/invoices/{f}", env!("CARGO_MANIFEST_DIR")))
        .collect();
    let slips = [("Marie Durand", "octobre 2026", "2 450,00", "1 912,35"), ("Paul Martin", "septembre 2026", "2 100,00", "1 640,12"), ("Lea Bernard", "octobre 2026", "3 020,50", "2 371,84")];
    for (i, (n, m, g, net)) in slips.iter().enumerate() {
        let p = site.path(&format!("scan-{i}.pdf"));
        std::fs::write(&p, payslip(n, m, g, net)).unwrap();
        files.push(p.to_str().unwrap().to_string());
    }
    let mut args = vec!["process"];
    args.extend(files.iter().map(String::as_str));
    site.ok(&args);
    for i in 0..3 {
        let (_, category, reason) = doc_of(&site, &format!("scan-{i}.pdf"));
        assert_eq!(category, "other", "nothing learned yet: {reason}");
        assert!(reason.starts_with("no rule matched"), "{reason}");
    }
    let untrained = site.ok(&["retrain"]);
    assert!(untrained.contains("not retrained: not enough validated documents: 3"), "{untrained}");

    // A reviewer says what they are, through the running daemon.
    let ids: Vec<i64> = (0..3).map(|i| doc_of(&site, &format!("scan-{i}.pdf")).0).collect();
    let daemon = Daemon::start_ready(&site);
    for id in ids {
        site.ok(&["review", "category", &format!("doc:{id}"), "payslip"]);
    }
    let trained: Value = serde_json::from_str(&site.ok(&["retrain", "--json"])).unwrap();
    assert_eq!(trained["retrained"], true, "{trained}");
    assert_eq!(trained["categories"]["payslip"], 3, "{trained}");
    assert_eq!(trained["categories"]["purchase_invoice"], 3, "{trained}");

    // The next payslip, another person and month, arrives in the inbox.
    std::fs::write(site.inbox().join("slip-next.pdf.part"), payslip("Hugo Petit", "novembre 2026", "2 780,00", "2 160,07")).unwrap();
    std::fs::rename(site.inbox().join("slip-next.pdf.part"), site.inbox().join("slip-next.pdf")).unwrap();
    // An invoice with it: still decided by its rule, not by the classifier.
    std::fs::copy(format!("{}/samples/invoices/inv-0004-sidebar-fr.pdf", env!("CARGO_MANIFEST_DIR")), site.inbox().join("inv-4.pdf")).unwrap();
    let archived = |name: &str| site.files("archive").iter().any(|p| p.to_string_lossy().ends_with(name));
    wait_until("both files are archived", 60, || archived("slip-next.pdf") && archived("inv-4.pdf"));
    let queue: Vec<Value> = serde_json::from_str(&site.ok(&["review", "list", "--json"])).unwrap();
    let next = queue.iter().find(|d| d["file"].as_str().is_some_and(|f| f.ends_with("slip-next.pdf"))).expect("payslips are not posted: it waits in review");
    assert_eq!(next["category"], "payslip", "{next:#}");
    let history = site.ok(&["history", &format!("doc:{}", next["id"])]);
    assert!(history.contains("classifier"), "{history}");
    let _ = daemon.stop();

    let (_, category, reason) = doc_of(&site, "slip-next.pdf");
    assert_eq!(category, "payslip", "{reason}");
    assert!(reason.contains("no rule matched; classifier (6 validated documents): payslip at"), "{reason}");
    assert!(["bulletin", "salaire", "cotisations", "conges"].iter().any(|w| reason.contains(&format!("{w:?}"))), "the deciding words are named: {reason}");
    let (_, category, reason) = doc_of(&site, "inv-4.pdf");
    assert_eq!(category, "purchase_invoice");
    assert!(reason.starts_with("rule "), "{reason}");

    // Replaying the rules uses the same trained classifier: no false change.
    let replay = site.ok(&["replay", "--json"]);
    let replayed: Value = serde_json::from_str(&replay).unwrap();
    let slip = replayed["documents"].as_array().or(replayed.as_array()).unwrap().iter().find(|d| d["file"] == "slip-next.pdf").cloned().unwrap();
    assert!(slip["changes"].as_array().unwrap().iter().all(|c| !c.as_str().unwrap().starts_with("category")), "{slip:#}");
}
