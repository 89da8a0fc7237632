//! End to end with the real parts: the daemon watching a real folder,
//! DuckDB on disk, a real FEC file.

mod support;

use std::io::Write;
use std::process::Command;
use std::time::Duration;

use rust_decimal::Decimal;
use support::{entry_balance, files_in, wait_until, Daemon, Generated, Site};

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).parse().unwrap()
}

#[test]
fn dropped_invoices_are_posted_archived_and_exported_and_bad_files_fail_with_a_reason() {
    let site = Site::new(400, 2);
    let gen = Generated::eur(8, 42);
    let daemon = Daemon::start(&site);
    let inbox = site.inbox();

    // Good invoices, dropped the way people do: copied in.
    for pdf in &gen.pdfs[..6] {
        std::fs::copy(pdf, inbox.join(pdf.file_name().unwrap())).unwrap();
    }
    // A copier writing page by page, pausing longer than the stability delay.
    let slow = gen.pdfs[6].clone();
    let slow_target = inbox.join("SCN_0001.pdf");
    let writer = std::thread::spawn(move || {
        let bytes = std::fs::read(&slow).unwrap();
        let mut f = std::fs::File::create(&slow_target).unwrap();
        for chunk in bytes.chunks(bytes.len() / 4 + 1) {
            f.write_all(chunk).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(900));
        }
    });
    // Bad input: empty, not a PDF, encrypted.
    std::fs::write(inbox.join("empty.pdf"), b"").unwrap();
    std::fs::write(inbox.join("notes.pdf"), b"This is a text file, not a PDF.\n").unwrap();
    let enc = inbox.join(".encrypting.pdf");
    let st = Command::new("qpdf")
        .args(["--encrypt", "user-pw", "owner-pw", "256", "--"])
        .arg(&gen.pdfs[7])
        .arg(&enc)
        .status()
        .expect("qpdf is needed (tests/run.sh installs it)");
    assert!(st.success());
    std::fs::rename(&enc, inbox.join("locked.pdf")).unwrap();
    // Temporary and hidden files are left alone.
    std::fs::write(inbox.join("upload.pdf.part"), b"%PDF-1.4 partial").unwrap();
    std::fs::write(inbox.join("Thumbs.db"), b"x").unwrap();
    writer.join().unwrap();

    wait_until("7 files archived and 3 failed", 180, || site.files("archive").len() == 7 && site.files("failed").len() == 6);
    // The same content again, under another name, after the original was posted.
    std::fs::copy(&gen.pdfs[0], inbox.join("copy-of-first.pdf")).unwrap();
    wait_until("the duplicate set aside", 60, || site.files("duplicates").len() == 1);

    let status = daemon.stop();
    assert!(status.success(), "SIGTERM must end the daemon with 0, got {status:?}");

    // The inbox keeps only what is not a document; the spool is empty.
    let mut left: Vec<String> = files_in(&inbox).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, vec!["Thumbs.db", "upload.pdf.part"]);
    assert!(site.files("spool").is_empty(), "spool not empty: {:?}", site.files("spool"));

    // Each bad file in failed/ with a reason that says what is wrong.
    let reason = |stem: &str, words: &[&str]| {
        let r = site.files("failed").into_iter().find(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.ends_with(&format!("{stem}.pdf.reason.txt"))
        });
        let r = r.unwrap_or_else(|| panic!("no reason file for {stem}: {:?}", site.files("failed")));
        let text = std::fs::read_to_string(r).unwrap().to_lowercase();
        assert!(words.iter().any(|w| text.contains(w)), "reason for {stem} should mention {words:?}: {text}");
        assert!(text.contains(stem), "reason names the file: {text}");
    };
    reason("empty", &["empty"]);
    reason("notes", &["not a pdf"]);
    reason("locked", &["encrypted"]);

    // Archived under unique names that keep the original name.
    let archived: Vec<String> = site.files("archive").iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(archived.iter().any(|n| n.ends_with("_SCN_0001.pdf")), "{archived:?}");

    // The database: every good invoice posted, balanced, with the right amounts.
    let db = site.db();
    let (entries, unbalanced) = entry_balance(&db);
    assert_eq!(entries, 7, "seven invoices posted");
    assert_eq!(unbalanced, 0);
    for pdf in &gen.pdfs[..7] {
        let truth = Generated::truth(pdf);
        let doc = &truth["documents"][0];
        let f = &doc["fields"];
        let number = f["invoice_number"].as_str().unwrap();
        let (gross_line, vat): (String, String) = db
            .query_row(
                "SELECT CAST(max(greatest(l.debit, l.credit)) FILTER (WHERE l.account LIKE '401%') AS VARCHAR),
                        CAST(coalesce(sum(l.debit + l.credit) FILTER (WHERE l.account LIKE '445%'), 0) AS VARCHAR)
                 FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.piece_ref = ?",
                [number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("invoice {number} ({}) not posted: {e}", pdf.display()));
        assert_eq!(gross_line.parse::<Decimal>().unwrap(), dec(&f["gross_total"]), "gross of {number}");
        assert_eq!(vat.parse::<Decimal>().unwrap(), dec(&f["vat_total"]), "VAT of {number}");
    }
    // History: the duplicate and the failures are recorded too.
    let kinds: Vec<String> = {
        let mut q = db.prepare("SELECT DISTINCT kind FROM events ORDER BY 1").unwrap();
        q.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    for k in ["received", "extracted", "categorized", "recognized", "posted", "failed", "duplicate", "stored"] {
        assert!(kinds.iter().any(|x| x == k), "no `{k}` event in {kinds:?}");
    }
    drop(db);

    // The accountant releases and posts the batches; then the FEC: 18
    // columns, balanced, numbered without gaps, one line set per entry.
    assert!(site.release_and_post_all() >= 1);
    let out = site.cli(&["export", "--config", site.config.to_str().unwrap(), "--format", "fec", "--out", site.path("exports").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fec_files = site.files("exports");
    assert_eq!(fec_files.len(), 1, "{fec_files:?}");
    let name = fec_files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("904518271FEC") && name.len() >= 20, "{name}");
    let text = std::fs::read_to_string(&fec_files[0]).unwrap();
    let problems = paperledger::export::fec::check_fec(&text);
    assert!(problems.is_empty(), "FEC problems: {problems:?}");
    let mut nums: Vec<&str> = text.lines().skip(1).map(|l| l.split('\t').nth(2).unwrap()).collect();
    nums.dedup();
    assert_eq!(nums.len(), 7);
    for pdf in &gen.pdfs[..7] {
        let number = Generated::truth(pdf)["documents"][0]["fields"]["invoice_number"].as_str().unwrap().to_string();
        assert!(text.lines().any(|l| l.split('\t').nth(8) == Some(number.as_str())), "PieceRef {number} missing from the FEC");
    }
}

#[test]
fn a_polled_inbox_takes_files_present_at_start_and_files_dropped_later() {
    // Network shares deliver no events: `watch: poll` lists the folder.
    let site = Site::new(300, 1);
    let cfg = std::fs::read_to_string(&site.config).unwrap().replace("watch: native", "watch: poll").replace("poll_interval_secs: 5", "poll_interval_secs: 1");
    assert!(cfg.contains("watch: poll"));
    std::fs::write(&site.config, cfg).unwrap();
    let gen = Generated::eur(3, 11);
    // Already there before the daemon starts.
    std::fs::copy(&gen.pdfs[0], site.inbox().join("before-start.pdf")).unwrap();
    let daemon = Daemon::start(&site);
    wait_until("the file present at start archived", 120, || site.files("archive").len() == 1);
    assert!(daemon.log_text().contains("mode=poll") || daemon.log_text().contains("mode=\"poll\""), "not polling:\n{}", daemon.log_text());
    for pdf in &gen.pdfs[1..] {
        std::fs::copy(pdf, site.inbox().join(pdf.file_name().unwrap())).unwrap();
    }
    wait_until("the dropped files archived", 120, || site.files("archive").len() == 3);
    assert!(daemon.stop().success());
    assert!(site.files("inbox").is_empty());
    let (entries, unbalanced) = entry_balance(&site.db());
    assert_eq!((entries, unbalanced), (3, 0));
}
