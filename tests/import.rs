//! `import invoice2data DIR`: a template becomes supplier marks that
//! `check` accepts and `extract` uses, and what cannot be converted is said.

mod support;

use support::Site;

const TEMPLATE: &str = r#"issuer: Télécom Hexagone SAS
keywords:
  - FR 12 473038057
  - Télécom Hexagone
fields:
  amount: Total TTC\s+(\d+,\d{2})
  contract: N° de contrat\s*:\s*(\d+)
  lines:
    start: Détail
    end: Total
    line: (?P<description>.+)\s+(?P<price>\d+,\d{2})
options:
  currency: EUR
"#;

#[test]
fn an_invoice2data_template_becomes_marks_that_extract_uses() {
    let site = Site::new(200, 1);
    let dir = site.path("templates/fr");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("telecom-hexagone.yml"), TEMPLATE).unwrap();
    let marks = site.path("rules/marks.yaml");
    let out = site.cli(&["import", "invoice2data", site.path("templates").to_str().unwrap(), "--out", marks.to_str().unwrap()]);
    let notes = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{notes}");
    assert!(notes.contains("fr/telecom-hexagone.yml: field `lines`"), "the table parser is reported: {notes}");
    site.ok(&["check"]);

    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/invoices/inv-0002-utility-fr.pdf");
    let out = site.ok(&["extract", sample, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let fields = &v["documents"][0]["fields"];
    assert_eq!(fields["gross_total"]["source"], "mark:gross_total", "{out}");
    assert_eq!(fields["gross_total"]["value"], "217.76");
    assert_eq!(fields["contract"]["source"], "mark:contract", "{out}");
    assert!(fields["contract"]["value"].as_str().is_some_and(|c| c.len() == 10 && c.chars().all(|d| d.is_ascii_digit())), "{out}");
}
