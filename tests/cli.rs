//! The commands other tools rely on: names, flags, output shapes, exit codes.

mod support;

use support::{Generated, Site};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn init_makes_a_site_that_checks_clean_and_refuses_to_overwrite() {
    let site = Site::new(1500, 0);
    for d in ["inbox", "archive", "failed", "duplicates", "pipelines", "rules"] {
        assert!(site.path(d).is_dir(), "{d} missing");
    }
    assert!(site.path("paperledger.duckdb").is_file(), "the database is created by init");
    let out = site.cli(&["check", "--config", site.config.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let again = site.cli(&["init", site.dir.path().to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn check_reports_every_problem_with_file_line_and_column() {
    let site = Site::new(1500, 0);
    let cfg = std::fs::read_to_string(&site.config).unwrap();
    let cfg = cfg.replace("pipeline: purchase-invoices", "pipeline: purchase-invoice").replace("siren: \"904518271\"", "siren: \"123456789\"").replace("[FR01904518271]", "[FR02904518271]");
    std::fs::write(&site.config, cfg).unwrap();
    // A typo in a pipeline's key.
    let p = site.path("pipelines/purchase-invoices.yaml");
    let text = std::fs::read_to_string(&p).unwrap().replace("min_confidence:", "min_confidense:");
    std::fs::write(&p, text).unwrap();

    let out = site.cli(&["check", "--config", site.config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let find = |needle: &str| lines.iter().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}")).to_string();
    let siren = find("SIREN");
    assert!(siren.starts_with(&format!("{}:", site.config.display())), "{siren}");
    let cfg_text = std::fs::read_to_string(&site.config).unwrap();
    let siren_line = cfg_text.lines().position(|l| l.contains("siren:")).unwrap() + 1;
    assert!(siren.contains(&format!(":{siren_line}:5:")), "{siren}");
    let pipe = find("purchase-invoice`");
    assert!(pipe.contains("paperledger.yaml:") && pipe.contains("no pipeline"), "{pipe}");
    let vat = find("FR02904518271");
    assert!(vat.contains("not a valid VAT id"), "{vat}");
    let typo = find("min_confidense");
    assert!(typo.contains("purchase-invoices.yaml:") && typo.contains("unknown field"), "{typo}");
}

#[test]
fn extract_prints_fields_with_positions_and_sources() {
    let gen = Generated::new(1, 3);
    let out = std::process::Command::new(support::bin()).arg("extract").arg(&gen.pdfs[0]).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let doc = &v["documents"][0];
    let truth = Generated::truth(&gen.pdfs[0]);
    let t = &truth["documents"][0];
    assert_eq!(doc["pages"], t["pages"]);
    assert_eq!(doc["category"], t["category"]);
    for name in ["invoice_number", "invoice_date", "gross_total", "net_total", "vat_total"] {
        let f = &doc["fields"][name];
        assert_eq!(f["value"], t["fields"][name], "{name}: {f}");
        assert!(f["page"].as_u64().unwrap() >= 1);
        assert_eq!(f["bbox"].as_array().unwrap().len(), 4);
        assert!(!f["source"].as_str().unwrap().is_empty());
        let c = f["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
    }
    assert!(doc["checks"].as_array().is_some_and(|c| !c.is_empty()));
}

#[test]
fn process_copies_files_and_prints_one_json_object_per_document() {
    let site = Site::new(1500, 0);
    let gen = Generated::eur(3, 11);
    let mut args = vec!["process", "--config", site.config.to_str().unwrap(), "--json"];
    let paths: Vec<String> = gen.pdfs.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    args.extend(paths.iter().map(String::as_str));
    let out = site.cli(&args);
    assert!(out.status.success(), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let objs: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objs.len(), 3);
    for o in &objs {
        assert_eq!(o["state"], "posted", "{o}");
        // Filed in a batch; numbered only when the batch is posted.
        assert_eq!(o["entry"]["batch"], "B000001", "{o}");
    }
    // Never moved from where they are.
    for p in &gen.pdfs {
        assert!(p.exists());
    }
    assert_eq!(site.files("archive").len(), 3);
    // Processing the same files again: duplicates, nothing posted twice.
    let again = site.cli(&args);
    let objs: Vec<serde_json::Value> = stdout(&again).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(objs.iter().all(|o| o["state"] == "duplicate"), "{objs:?}");
    let (entries, _) = support::entry_balance(&site.db());
    assert_eq!(entries, 3);
}

#[test]
fn export_writes_the_same_fec_in_iso_8859_15_on_request() {
    let site = Site::new(1500, 0);
    let gen = Generated::eur(2, 5);
    let mut args = vec!["process", "--config", site.config.to_str().unwrap()];
    let paths: Vec<String> = gen.pdfs.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    args.extend(paths.iter().map(String::as_str));
    assert!(site.cli(&args).status.success());
    assert_eq!(site.release_and_post_all(), 1, "one batch: purchases of one year");
    let export = |dir: &str, enc: &str| {
        let out = site.cli(&["export", "--config", site.config.to_str().unwrap(), "--format", "fec", "--out", site.path(dir).to_str().unwrap(), "--encoding", enc]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::read(&site.files(dir)[0]).unwrap()
    };
    let utf8 = String::from_utf8(export("utf8", "utf-8")).unwrap();
    let latin9 = export("latin9", "iso-8859-15");
    assert!(String::from_utf8(latin9.clone()).is_err() || utf8.is_ascii(), "not re-encoded");
    // Latin-9 below 0x100 is Latin-1 except 8 code points none of which the FEC here uses.
    let decoded: String = latin9.iter().map(|&b| b as char).collect();
    assert_eq!(decoded, utf8);
    assert!(paperledger::export::fec::check_fec(&decoded).is_empty());
}

/// The public Factur-X / UBL corpus beside the project (read in place).
fn corpus(rel: &str) -> Option<std::path::PathBuf> {
    let p = paperledger::testdata::corpus(&format!("factur-x/{rel}"));
    if p.is_none() {
        eprintln!("skipped: shared/corpus/factur-x/{rel} is not on this machine");
    }
    p
}

#[test]
fn e_invoices_are_posted_from_their_xml_and_an_order_is_refused() {
    let (Some(fx), Some(ubl), Some(order)) = (corpus("pdf/invoice_EN16931.pdf"), corpus("xml/ubl-21-en16931.xml"), corpus("xml/order-x-basic.xml")) else {
        return;
    };
    let site = Site::new(1500, 0);
    let out = site.cli(&["process", "--config", site.config.to_str().unwrap(), "--json", fx.to_str().unwrap(), ubl.to_str().unwrap(), order.to_str().unwrap()]);
    let objs: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objs.len(), 3, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(objs[0]["state"], "posted", "{}", objs[0]);
    assert_eq!(objs[1]["state"], "posted", "{}", objs[1]);
    assert_eq!(objs[2]["state"], "failed");
    assert!(objs[2]["reason"].as_str().unwrap().contains("not an invoice"), "{}", objs[2]);
    let db = site.db();
    let gross = |piece: &str| -> String {
        db.query_row(
            "SELECT CAST(sum(l.credit) FILTER (WHERE l.account LIKE '401%') AS VARCHAR) FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.piece_ref = ?",
            [piece],
            |r| r.get(0),
        )
        .unwrap()
    };
    // BT-112 of each, with the seller's identity from the XML.
    assert_eq!(gross("F20260023").parse::<rust_decimal::Decimal>().unwrap(), "104.90".parse().unwrap());
    assert_eq!(gross("F124212").parse::<rust_decimal::Decimal>().unwrap(), "308.03".parse().unwrap());
    let aux: Vec<String> = {
        let mut q = db.prepare("SELECT DISTINCT aux_account FROM entry_lines WHERE aux_account IS NOT NULL ORDER BY 1").unwrap();
        q.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert!(aux.iter().any(|a| a.contains("FR11123456782")) && aux.iter().any(|a| a.contains("FR11999999998")), "{aux:?}");
}

#[test]
fn check_locates_a_bad_ocr_setting_in_the_pipeline() {
    let site = Site::new(1500, 0);
    let p = site.path("pipelines/purchase-invoices.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    let line = text.lines().position(|l| l.contains("dpi: 300")).unwrap() + 1;
    std::fs::write(&p, text.replace("dpi: 300", "dpi: 30")).unwrap();
    let out = site.cli(&["check", "--config", site.config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains(&format!("purchase-invoices.yaml:{line}:")) && text.contains("between 70 and 600"), "{text}");
}

#[test]
fn check_names_marks_that_found_nothing_in_recent_documents() {
    let site = Site::new(1500, 0);
    let marks = site.path("rules/marks.yaml");
    let mut text = std::fs::read_to_string(&marks).unwrap();
    text.push_str(
        "  - name: contract_number\n    label: \"Contract\"\n    type: alphanumeric\n    anchor: {label: 'n° de contrat', direction: right}\n  - name: dossier_number\n    label: \"File\"\n    type: alphanumeric\n    anchor: {label: 'n° de dossier client', direction: right}\n",
    );
    std::fs::write(&marks, text).unwrap();
    // A new site has processed nothing: nothing to say about marks.
    let fresh = stdout(&site.cli(&["check", "--config", site.config.to_str().unwrap()]));
    assert!(!fresh.contains("warning"), "{fresh}");

    site.ok(&["process", concat!(env!("CARGO_MANIFEST_DIR"), "/samples/invoices/inv-0002-utility-fr.pdf")]);
    let out = site.cli(&["check", "--config", site.config.to_str().unwrap()]);
    assert!(out.status.success(), "idle marks are warnings, not errors");
    let text = stdout(&out);
    assert!(text.contains("mark `dossier_number`") && text.contains("found nothing in the 1 document(s) of the last 30 days") && text.contains("\"n° de dossier client\""), "{text}");
    assert!(!text.contains("mark `contract_number`"), "it found the contract number: {text}");
}
