//! `replay`: the rules as they are now over documents already processed,
//! without writing, while the daemon runs.

mod support;

use serde_json::Value;
use support::{Daemon, Site};

#[test]
fn replay_shows_what_an_edited_rule_would_change_and_writes_nothing() {
    let site = Site::new(200, 1);
    let samples: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/invoices"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .take(4)
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["process"];
    args.extend(samples.iter().map(String::as_str));
    site.ok(&args);
    let replay = |site: &Site| -> Value { serde_json::from_str(&site.ok(&["replay", "--json"])).unwrap() };

    let daemon = Daemon::start_ready(&site);
    let same = replay(&site);
    assert_eq!(same["documents"].as_array().unwrap().len(), 4, "{same:#}");
    assert_eq!(same["changed"], 0, "the same rules change nothing: {same:#}");
    // A mark for a supplier none of these documents is from finds nothing: said.
    assert!(same["idle_marks"].as_array().unwrap().iter().any(|m| m == "vehicle_plate (purchase-invoices)"), "{same:#}");

    // The admin moves the default expense account.
    let accounts = site.path("rules/accounts.yaml");
    let text = std::fs::read_to_string(&accounts).unwrap();
    let edited = text.replace("expense: \"606000\"", "expense: \"607000\"").replace("  \"606000\": ", "  \"607000\": Achats de marchandises\n  \"606000\": ");
    assert_ne!(edited, text);
    std::fs::write(&accounts, edited).unwrap();
    let now = replay(&site);
    let posted: Vec<&Value> = now["documents"].as_array().unwrap().iter().filter(|d| d["changes"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().starts_with("entry:"))).collect();
    assert!(!posted.is_empty(), "{now:#}");
    for d in &posted {
        let change = d["changes"].as_array().unwrap().iter().find(|c| c.as_str().unwrap().starts_with("entry:")).unwrap().as_str().unwrap();
        let (before, after) = change.split_once(" -> ").unwrap();
        assert!(before.contains("606000") && after.contains("607000") && !after.contains("606000"), "{change}");
    }
    let _ = daemon.stop();
    let in_books: i64 = site.db().query_row("SELECT count(*) FROM entry_lines WHERE account = '607000'", [], |r| r.get(0)).unwrap();
    assert_eq!(in_books, 0, "replay wrote nothing");
}
