//! A crash between the commit and the move: the restart finishes the move
//! without processing the file again.

mod support;

use support::{entry_balance, wait_until, Daemon, Generated, Site};

#[test]
fn a_committed_file_left_in_the_spool_is_moved_not_posted_again() {
    let site = Site::new(200, 1);
    let gen = Generated::eur(1, 5);
    let out = site.cli(&["process", "--config", site.config.to_str().unwrap(), gen.pdfs[0].to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (spool_name, stored): (String, String) = site
        .db()
        .query_row("SELECT spool_name, stored_path FROM sources", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    // Put the file back where the crash would have left it.
    let spooled = site.path("spool/purchases").join(&spool_name);
    std::fs::rename(&stored, &spooled).unwrap();

    let daemon = Daemon::start(&site);
    wait_until("the spool emptied", 120, || site.files("spool").is_empty());
    assert!(daemon.stop().success());
    assert!(std::path::Path::new(&stored).is_file(), "moved to its committed place");
    let db = site.db();
    assert_eq!(entry_balance(&db), (1, 0), "posted once");
    let sources: i64 = db.query_row("SELECT count(*) FROM sources", [], |r| r.get(0)).unwrap();
    assert_eq!(sources, 1);
}
