//! A crash (`kill -9`) mid-run loses nothing and posts nothing twice.

mod support;

use support::{entry_balance, wait_until, Daemon, Generated, Site};

#[test]
fn a_killed_daemon_resumes_its_spool_without_loss_or_double_posting() {
    let site = Site::new(200, 1);
    let gen = Generated::eur(40, 7);
    let daemon = Daemon::start(&site);
    for pdf in &gen.pdfs {
        std::fs::copy(pdf, site.inbox().join(pdf.file_name().unwrap())).unwrap();
    }
    wait_until("a first invoice archived", 120, || !site.files("archive").is_empty());
    daemon.kill9();
    let done_at_kill = site.files("archive").len();
    // Otherwise this run proves nothing about resuming.
    assert!(done_at_kill < gen.pdfs.len(), "every invoice was done before the kill: use more invoices");

    let daemon = Daemon::start(&site);
    wait_until("every invoice archived", 300, || site.files("archive").len() == gen.pdfs.len());
    let status = daemon.stop();
    assert!(status.success());

    assert!(site.files("inbox").is_empty(), "inbox: {:?}", site.files("inbox"));
    assert!(site.files("spool").is_empty(), "spool: {:?}", site.files("spool"));
    assert!(site.files("failed").is_empty(), "failed: {:?}", site.files("failed"));
    assert!(site.files("duplicates").is_empty(), "a resumed file was taken for a duplicate: {:?}", site.files("duplicates"));
    let db = site.db();
    let (entries, unbalanced) = entry_balance(&db);
    assert_eq!(entries as usize, gen.pdfs.len(), "each invoice posted exactly once (killed after {done_at_kill})");
    assert_eq!(unbalanced, 0);
    let sources: i64 = db.query_row("SELECT count(*) FROM sources", [], |r| r.get(0)).unwrap();
    assert_eq!(sources as usize, gen.pdfs.len());
}

#[test]
fn sigterm_mid_run_finishes_the_documents_in_flight_and_leaves_the_rest_in_the_inbox() {
    let site = Site::new(200, 2);
    let gen = Generated::eur(30, 8);
    let daemon = Daemon::start(&site);
    for pdf in &gen.pdfs {
        std::fs::copy(pdf, site.inbox().join(pdf.file_name().unwrap())).unwrap();
    }
    wait_until("a first invoice archived", 120, || !site.files("archive").is_empty());
    let status = daemon.stop();
    assert!(status.success(), "SIGTERM must exit 0: {status:?}");
    // Nothing half-done: every file is either archived (and posted) or
    // untouched in the inbox, none stuck in the spool.
    assert!(site.files("spool").is_empty(), "spool: {:?}", site.files("spool"));
    let (archived, waiting) = (site.files("archive").len(), site.files("inbox").len());
    assert_eq!(archived + waiting, gen.pdfs.len(), "archived {archived}, still in the inbox {waiting}");
    let (entries, unbalanced) = entry_balance(&site.db());
    assert_eq!((entries as usize, unbalanced), (archived, 0));

    // The next start takes the rest.
    let daemon = Daemon::start(&site);
    wait_until("every invoice archived", 300, || site.files("archive").len() == gen.pdfs.len());
    assert!(daemon.stop().success());
    assert_eq!(entry_balance(&site.db()).0 as usize, gen.pdfs.len());
}
