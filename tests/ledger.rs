//! The ledger through the real binary and a real DuckDB file: batches
//! released and posted by the CLI, refusals with their rule, a reversal
//! that still exports an auditor-clean FEC, `verify` catching a change
//! made behind the program's back, the CLI talking to a running daemon,
//! and random sequences of operations that keep every invariant.

mod support;

use std::collections::HashMap;

use chrono::NaiveDate;
use paperledger::ledger::books::LedgerRules;
use paperledger::ledger::{Entry, Line};
use paperledger::store::{Commit, Ctx, DocumentRecord, EntryEdit, EntryRecord, SourceRecord, SourceState, Store};
use rust_decimal::Decimal;
use support::{Daemon, Generated, Site};

fn process(site: &Site, gen: &Generated) {
    let mut args = vec!["process"];
    let paths: Vec<String> = gen.pdfs.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    args.extend(paths.iter().map(String::as_str));
    site.ok(&args);
}

#[test]
fn batches_are_released_posted_reversed_exported_and_verified_through_the_cli() {
    let site = Site::new(1500, 0);
    let gen = Generated::eur(4, 41);
    process(&site, &gen);

    let batches = site.batches(&[]);
    assert_eq!(batches.len(), 1, "four purchase invoices of one year share one batch: {batches:?}");
    let b = &batches[0];
    for key in ["id", "number", "journal", "fiscal_year", "status", "export_state", "debit", "credit"] {
        assert!(!b[key].is_null(), "`{key}` missing from batches --json: {b}");
    }
    assert_eq!((b["status"].as_str(), b["export_state"].as_str(), b["journal"].as_str()), (Some("balanced"), Some("in-progress"), Some("HA")));
    assert_eq!(b["debit"], b["credit"]);
    let number = b["number"].as_str().unwrap().to_string();
    // Not yet posted: nothing to export, nothing numbered.
    let show = site.ok(&["batch", "show", &number]);
    assert!(show.contains("not numbered before posting") && show.contains("source "), "{show}");

    // Posting before releasing is refused with the rule, and changes nothing.
    let refused = site.cli(&["batch", "post", &number, "--config", site.config.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("only released batches are posted"), "{}", String::from_utf8_lossy(&refused.stderr));
    assert_eq!(site.release_and_post_all(), 1);
    assert_eq!(site.batches(&["--state", "posted"]).len(), 1);

    // A posted batch refuses to go on hold, to be edited in place, to be voided.
    for action in ["hold", "void", "release"] {
        let out = site.cli(&["batch", action, &number, "--config", site.config.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{action}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("a posted batch is never changed nor deleted"), "{action}: {err}");
    }

    // Searching finds the batch by an invoice number and by an amount.
    let truth = Generated::truth(&gen.pdfs[0]);
    let inv = truth["documents"][0]["fields"]["invoice_number"].as_str().unwrap();
    assert_eq!(site.batches(&["--search", inv]).len(), 1, "search {inv}");
    assert_eq!(site.batches(&["--search", "NO-SUCH-THING-42"]).len(), 0);
    let gross = truth["documents"][0]["fields"]["gross_total"].as_str().unwrap();
    assert_eq!(site.batches(&["--search", gross]).len(), 1, "search {gross}");

    // Correcting a posted entry: an adjusting batch attached to it.
    let entries: serde_json::Value = serde_json::from_str(&site.ok(&["batch", "show", &number, "--json"])).unwrap();
    let first = &entries["entries"][0];
    let expense_line = first["lines"].as_array().unwrap().iter().position(|l| l["account"].as_str().unwrap().starts_with('6')).unwrap() + 1;
    let first_lines = first["lines"].as_array().unwrap().len();
    let edit = site.ok(&["entry", "edit", &first["id"].to_string(), &format!("{expense_line}.account=606400")]);
    assert!(edit.contains("adjusting batch"), "{edit}");
    assert_eq!(site.batches(&["--state", "posted"]).len(), 1, "the posted batch itself is untouched");

    // Reversal: same lines, debit and credit swapped, linked; it follows
    // the same lifecycle.
    let rev = site.ok(&["batch", "reverse", &number]);
    assert!(rev.contains(&format!("reverses {number}")), "{rev}");
    let again = site.cli(&["batch", "reverse", &number, "--config", site.config.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already reversed"), "a batch is reversed once");
    assert_eq!(site.release_and_post_all(), 2, "the adjusting and the reversing batch");
    let all = site.batches(&["--state", "posted"]);
    let reversal = all.iter().find(|b| b["kind"] == "reversal").expect("a posted reversal");
    assert_eq!(reversal["parent_id"], b["id"]);
    assert_eq!(reversal["debit"], b["debit"]);

    // An export that cannot be written leaves its batches export-failed
    // with the reason (here the temporary file's name is taken by a folder).
    let year = b["fiscal_year"].as_i64().unwrap();
    let blocker = site.path("exports").join(format!(".904518271FEC{year}1231.txt.tmp"));
    std::fs::create_dir_all(&blocker).unwrap();
    let failed = site.cli(&["export", "--config", site.config.to_str().unwrap(), "--format", "fec", "--out", site.path("exports").to_str().unwrap()]);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("export-failed"), "{}", String::from_utf8_lossy(&failed.stderr));
    let waiting = site.batches(&["--state", "export-failed"]);
    assert_eq!(waiting.len(), 3, "{waiting:?}");
    assert!(waiting[0]["export_error"].as_str().unwrap().contains(".tmp"), "{}", waiting[0]);
    std::fs::remove_dir(&blocker).unwrap();

    // The FEC with the reversal still passes the auditor's checks.
    site.ok(&["export", "--format", "fec", "--out", site.path("exports").to_str().unwrap()]);
    let fec = std::fs::read_to_string(&site.files("exports")[0]).unwrap();
    let problems = paperledger::export::fec::check_fec(&fec);
    assert!(problems.is_empty(), "{problems:?}");
    let lines = |b: &serde_json::Value| b["lines"].as_i64().unwrap() as usize;
    assert_eq!(fec.lines().filter(|l| l.contains("\tExtourne ")).count(), lines(reversal) + first_lines, "the reversal's lines and the adjusting batch's reversed entry");
    assert_eq!(site.batches(&["--state", "exported"]).len(), 3, "exported batches are marked");
    assert!(site.batches(&["--state", "export-failed"]).is_empty());

    // verify: intact books pass…
    let ok = site.ok(&["verify"]);
    assert!(ok.contains("OK"), "{ok}");
    // …and a posted amount changed in the file behind the program's back is named.
    let db = site.db();
    let (entry_id, line_no): (i64, i32) = db
        .query_row(
            "SELECT l.entry_id, l.line_no FROM entry_lines l JOIN entries e ON e.id = l.entry_id WHERE e.number IS NOT NULL AND l.debit > 0 ORDER BY e.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    db.execute("UPDATE entry_lines SET debit = debit + 100 WHERE entry_id = ? AND line_no = ?", duckdb::params![entry_id, line_no]).unwrap();
    drop(db);
    let broken = site.cli(&["verify", "--config", site.config.to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(1));
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(err.contains(&format!("entry {entry_id} ")) && err.contains("changed after it was posted"), "{err}");
    assert!(err.contains("trial balance is not zero"), "{err}");

    // A balanced tamper (both sides) is still caught by the seal.
    let db = site.db();
    db.execute("UPDATE entry_lines SET debit = debit - 100 WHERE entry_id = ? AND line_no = ?", duckdb::params![entry_id, line_no]).unwrap();
    db.execute("UPDATE entries SET label = label || ' (edited)' WHERE id = ?", duckdb::params![entry_id]).unwrap();
    drop(db);
    let broken = site.cli(&["verify", "--config", site.config.to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(1));
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(err.contains("changed after it was posted") && !err.contains("trial balance"), "{err}");
}

#[test]
fn the_cli_works_through_the_running_daemon_and_the_history_shows_who_did_what() {
    let site = Site::new(300, 1);
    let gen = Generated::eur(2, 43);
    let daemon = Daemon::start(&site);
    for p in &gen.pdfs {
        std::fs::copy(p, site.inbox().join(p.file_name().unwrap())).unwrap();
    }
    support::wait_until("both invoices archived", 90, || site.files("archive").len() == 2);
    // The daemon holds the database; the CLI's requests go through its socket.
    support::wait_until("the batch listed", 30, || site.batches(&[]).first().is_some_and(|b| b["entries"] == 2));
    assert_eq!(site.release_and_post_all(), 1);
    let name = gen.pdfs[0].file_name().unwrap().to_str().unwrap().to_string();
    let history = site.ok(&["history", &name]);
    for kind in ["received", "posted", "batch-created", "batch-released", "batch-posted"] {
        assert!(history.contains(kind), "no {kind} in:\n{history}");
    }
    assert!(history.contains("cli:"), "the CLI user is the actor of the release:\n{history}");
    let ok = site.ok(&["verify"]);
    assert!(ok.contains("2 posted entries"), "{ok}");
    assert!(daemon.stop().success());
    // And without the daemon, the same commands open the database themselves.
    assert_eq!(site.batches(&["--state", "posted"]).len(), 1);
    assert!(!site.path("paperledger.sock").exists(), "the socket is removed at stop");
}

// ---- the store, driven by random operations ----------------------------

struct Xorshift(u64);
impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An invoice-like entry committed the way the pipeline commits one.
fn file_entry(store: &mut Store, rules: &LedgerRules, rng: &mut Xorshift, n: usize) -> i64 {
    let date = day(2025 + rng.below(2) as i32, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
    let journal = if rng.below(3) == 0 { "VT" } else { "HA" };
    let net = Decimal::new(100 + rng.below(1_000_000) as i64, 2);
    let vat = (net * Decimal::new(20, 2)).round_dp(2);
    let lines = vec![
        Line::debit("606000", "Achats", "x", net),
        Line::debit("445660", "TVA", "x", vat),
        Line::credit("401000", "Fournisseurs", "x", net + vat).with_aux("FACME", "ACME"),
    ];
    let entry = Entry::new(journal, "J", date, &format!("F{n}"), date, &format!("ACME F{n}"), "EUR", lines).unwrap();
    let fy = rules.fiscal_year(date, (1, 1));
    let source = SourceRecord {
        sha256: format!("{n:064}"),
        original_name: format!("f{n}.pdf"),
        inbox: "purchases".into(),
        company: "demo".into(),
        size_bytes: 1,
        received_at: date.and_hms_opt(8, 0, 0).unwrap(),
        spool_name: format!("s{n}"),
        state: SourceState::Processed,
        stored_path: format!("/archive/f{n}.pdf"),
        reason: None,
        duplicate_of: None,
        page_count: Some(1),
    };
    let doc = DocumentRecord {
        pages: vec![1],
        pipeline: "p".into(),
        category: "invoice".into(),
        category_reason: "test".into(),
        state: "posted".into(),
        review_reasons: vec![],
        checks: serde_json::json!([]),
        fields: vec![],
        vat_lines: vec![],
        entry: Some(EntryRecord { entry, fiscal_year: fy.label, fy_start: fy.start, fy_end: fy.end, period: None, options: rules.batches.clone() }),
        statements: None,
        rematch: None,
        events: vec![],
        words: vec![],
    };
    let c = store.commit(&Commit { actor: "test".into(), source, source_events: vec![], documents: vec![doc] }).unwrap();
    c.documents[0].entry.as_ref().unwrap().0
}

/// Every posted entry's content as posted: it must never change.
fn posted_snapshot(store: &Store) -> HashMap<i64, String> {
    let mut q = store
        .connection()
        .prepare(
            "SELECT e.id, e.hash || string_agg(l.account || ':' || CAST(l.debit AS VARCHAR) || ':' || CAST(l.credit AS VARCHAR), ',' ORDER BY l.line_no)
             FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.number IS NOT NULL GROUP BY e.id, e.hash",
        )
        .unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn random_operation_sequences_keep_every_invariant() {
    let dir = tempfile::tempdir().unwrap();
    let mut rules = LedgerRules::builtin();
    let fiscal = |d: NaiveDate| {
        let y = LedgerRules::builtin().fiscal_year(d, (1, 1));
        (y.label, y.start, y.end)
    };
    let net: HashMap<String, String> = [("demo".to_string(), "120000".to_string())].into();
    let mut refusals = 0;
    let mut done: HashMap<&str, usize> = HashMap::new();
    for seed in 1..=12u64 {
        let mut store = Store::open(&dir.path().join(format!("books{seed}.duckdb"))).unwrap();
        let mut rng = Xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rules.batches.group_by = if seed % 2 == 0 { paperledger::ledger::books::GroupBy::Period } else { paperledger::ledger::books::GroupBy::Year };
        rules.batches.post_on_release = seed % 3 == 0;
        let mut entries = Vec::new();
        for step in 0..45 {
            let before = posted_snapshot(&store);
            let ctx = Ctx { actor: "prop", rules: &rules, force: false };
            let batches = store.batches(&Default::default()).unwrap();
            let pick = |rng: &mut Xorshift| batches.get(rng.below(batches.len().max(1) as u64) as usize).map(|b| b.number.clone());
            let op = rng.below(10);
            let r: anyhow::Result<()> = match op {
                0..=2 => {
                    entries.push(file_entry(&mut store, &rules, &mut rng, (seed * 1000 + step) as usize));
                    Ok(())
                }
                3 | 4 => pick(&mut rng).map_or(Ok(()), |b| store.transition(&b, paperledger::ledger::batch::Action::Release, &ctx).map(|_| ())),
                5 => pick(&mut rng).map_or(Ok(()), |b| store.transition(&b, paperledger::ledger::batch::Action::Post, &ctx).map(|_| ())),
                6 => pick(&mut rng).map_or(Ok(()), |b| {
                    let a = [paperledger::ledger::batch::Action::Hold, paperledger::ledger::batch::Action::Balance, paperledger::ledger::batch::Action::Void][rng.below(3) as usize];
                    store.transition(&b, a, &ctx).map(|_| ())
                }),
                7 => pick(&mut rng).map_or(Ok(()), |b| store.reverse_batch(&b, day(2026, 6, 30), &ctx, fiscal).map(|_| ())),
                _ => match entries.get(rng.below(entries.len().max(1) as u64) as usize) {
                    None => Ok(()),
                    Some(&id) => {
                        let amount = format!("{}.{:02}", rng.below(500), rng.below(100));
                        let hold = rng.below(2) == 0;
                        let edit = EntryEdit { lines: vec![(1, "debit".into(), amount)], hold, ..Default::default() };
                        store.edit_entry(id, &edit, &ctx, fiscal).map(|_| ())
                    }
                },
            };
            match r {
                Ok(()) => *done.entry(["file", "file", "file", "release", "release", "post", "hold/balance/void", "reverse", "edit", "edit"][op as usize]).or_default() += 1,
                Err(_) => refusals += 1,
            }
            // Invariants after every operation.
            let report = store.verify(&net).unwrap();
            assert!(report.problems.is_empty(), "seed {seed} step {step} op {op}: {:?}", report.problems);
            let after = posted_snapshot(&store);
            for (id, content) in &before {
                assert_eq!(after.get(id), Some(content), "seed {seed} step {step}: posted entry {id} changed");
            }
            for b in store.batches(&Default::default()).unwrap() {
                if matches!(b.status, paperledger::ledger::batch::Status::Balanced | paperledger::ledger::batch::Status::Unposted | paperledger::ledger::batch::Status::Posted) {
                    assert_eq!(b.debit, b.credit, "seed {seed} step {step}: batch {} is {} but unbalanced", b.number, b.status);
                    assert!(b.lines >= 2);
                }
            }
        }
        // The store itself refuses to touch a posted line.
        let posted: Option<i64> = store.connection().query_row("SELECT min(id) FROM entries WHERE number IS NOT NULL", [], |r| r.get(0)).unwrap();
        if let Some(id) = posted {
            let err = store.update_line_amounts(id, 1, Decimal::ONE, Decimal::ZERO).unwrap_err().to_string();
            assert!(err.contains("never updated nor deleted"), "{err}");
            assert!(store.delete_entry(id, "prop").is_err());
        }
    }
    // The sequences did exercise the lifecycle, refusals included.
    for op in ["file", "release", "post", "reverse", "edit", "hold/balance/void"] {
        assert!(done.get(op).copied().unwrap_or(0) > 0, "no successful {op} in {done:?}");
    }
    assert!(refusals > 0);
}

#[test]
fn a_version_1_database_is_upgraded_its_entries_waiting_in_a_balanced_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.duckdb");
    {
        let c = duckdb::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)").unwrap();
        c.execute_batch(paperledger::store::migrations::MIGRATIONS[0].sql).unwrap();
        c.execute_batch(
            "INSERT INTO schema_migrations VALUES (1, 'v1', now()::TIMESTAMP);
             INSERT INTO entries (company, journal, journal_label, fiscal_year, fy_start, fy_end, number, entry_date, piece_ref, piece_date, label, currency, document_id, validated_at)
             VALUES ('demo', 'HA', 'Achats', 2025, '2025-01-01', '2025-12-31', 1, '2025-03-01', 'F1', '2025-03-01', 'ACME F1', 'EUR', NULL, now()::TIMESTAMP);
             INSERT INTO entry_lines VALUES (1, 1, '606000', 'Achats', NULL, NULL, 'x', 100, 0, NULL), (1, 2, '401000', 'Fournisseurs', 'FACME', 'ACME', 'x', 0, 100, NULL);",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), paperledger::store::migrations::MIGRATIONS.len() as i32);
    let batches = store.batches(&Default::default()).unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!((batches[0].status, batches[0].debit), (paperledger::ledger::batch::Status::Balanced, Decimal::new(10000, 2)));
    let rules = LedgerRules::builtin();
    let ctx = Ctx { actor: "test", rules: &rules, force: false };
    store.transition(&batches[0].number, paperledger::ledger::batch::Action::Release, &ctx).unwrap();
    store.transition(&batches[0].number, paperledger::ledger::batch::Action::Post, &ctx).unwrap();
    let report = store.verify(&HashMap::new()).unwrap();
    assert!(report.problems.is_empty() && report.posted_entries == 1, "{report:?}");
}

#[test]
fn a_hard_lock_only_moves_forward_and_locked_periods_refuse_posting() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("b.duckdb")).unwrap();
    let mut rules = LedgerRules::builtin();
    let mut rng = Xorshift(7);
    for n in 0..6 {
        file_entry(&mut store, &rules, &mut rng, n);
    }
    assert_eq!(store.record_hard_lock("demo", Some(day(2025, 12, 31)), "test").unwrap(), Some(day(2025, 12, 31)));
    let err = store.record_hard_lock("demo", Some(day(2025, 3, 31)), "test").unwrap_err().to_string();
    assert!(err.contains("irreversible") && err.contains("2025-12-31"), "{err}");
    // Forgetting it in the file does not lift it either.
    assert_eq!(store.record_hard_lock("demo", None, "test").unwrap(), Some(day(2025, 12, 31)));
    let batches = store.batches(&Default::default()).unwrap();
    let locked = batches.iter().find(|b| b.fiscal_year == 2025).expect("a 2025 batch");
    let ctx = Ctx { actor: "test", rules: &rules, force: false };
    let entries = store.batch_entries(locked.id).unwrap();
    assert!(!entries.is_empty() && entries.iter().all(|e| e.entry.date <= day(2025, 12, 31)));
    let err = store.transition(&locked.number, paperledger::ledger::batch::Action::Release, &ctx).unwrap_err().to_string();
    assert!(err.contains("hard-locked period"), "{err}");
    // A soft lock refuses unless forced.
    rules.locks.soft = Some(day(2026, 12, 31));
    let ctx = Ctx { actor: "test", rules: &rules, force: false };
    let open = batches.iter().find(|b| b.fiscal_year == 2026).expect("a 2026 batch");
    let err = store.transition(&open.number, paperledger::ledger::batch::Action::Release, &ctx).unwrap_err().to_string();
    assert!(err.contains("soft-locked") && err.contains("--force"), "{err}");
    let forced = Ctx { actor: "test", rules: &rules, force: true };
    store.transition(&open.number, paperledger::ledger::batch::Action::Release, &forced).unwrap();
    store.transition(&open.number, paperledger::ledger::batch::Action::Post, &forced).unwrap();
    assert!(store.verify(&HashMap::new()).unwrap().problems.is_empty());
}

#[test]
fn a_scheduled_batch_generates_its_batches_and_turns_void_when_removed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.duckdb")).unwrap();
    let rules = LedgerRules::builtin();
    let mut rng = Xorshift(11);
    file_entry(&mut store, &rules, &mut rng, 1);
    let template = store.batches(&Default::default()).unwrap().remove(0);
    let ctx = Ctx { actor: "test", rules: &rules, force: false };
    store.schedule_batch(&template.number, "month", day(2026, 1, 31), &ctx).unwrap();
    let fiscal = |d: NaiveDate| {
        let y = rules.fiscal_year(d, (1, 1));
        (y.label, y.start, y.end)
    };
    let made = store.run_schedules("demo", day(2026, 4, 15), &ctx, fiscal).unwrap();
    assert_eq!(made.len(), 3, "Jan 31, Feb 28, Mar 28: {made:?}");
    assert!(store.run_schedules("demo", day(2026, 4, 15), &ctx, fiscal).unwrap().is_empty(), "nothing twice");
    for n in &made {
        let b = store.batch(n).unwrap();
        assert_eq!((b.status, b.kind, b.parent_id, b.debit), (paperledger::ledger::batch::Status::Balanced, paperledger::ledger::batch::BatchKind::Generated, Some(template.id), template.debit));
    }
    // A template is not released; removing it from the schedule voids it.
    assert!(store.transition(&template.number, paperledger::ledger::batch::Action::Release, &ctx).is_err());
    assert_eq!(store.transition(&template.number, paperledger::ledger::batch::Action::Void, &ctx).unwrap(), paperledger::ledger::batch::Status::Void);
    assert!(store.run_schedules("demo", day(2026, 12, 31), &ctx, fiscal).unwrap().is_empty());
}

#[test]
fn an_edit_that_unbalances_a_batch_needs_hold_and_the_batch_then_refuses_release() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("e.duckdb")).unwrap();
    let rules = LedgerRules::builtin();
    let mut rng = Xorshift(5);
    let id = file_entry(&mut store, &rules, &mut rng, 1);
    let ctx = Ctx { actor: "test", rules: &rules, force: false };
    let fiscal = |d: NaiveDate| {
        let y = rules.fiscal_year(d, (1, 1));
        (y.label, y.start, y.end)
    };
    let edit = EntryEdit { lines: vec![(1, "debit".into(), "1.00".into())], ..Default::default() };
    let err = store.edit_entry(id, &edit, &ctx, fiscal).unwrap_err().to_string();
    assert!(err.contains("not balanced") && err.contains("--hold"), "{err}");
    let held = EntryEdit { hold: true, ..edit };
    store.edit_entry(id, &held, &ctx, fiscal).unwrap();
    let b = store.batches(&Default::default()).unwrap().remove(0);
    assert_eq!(b.status, paperledger::ledger::batch::Status::OnHold);
    let err = store.transition(&b.number, paperledger::ledger::batch::Action::Balance, &ctx).unwrap_err().to_string();
    assert!(err.contains("differs from credit total"), "{err}");
    // The net income account is refused outright.
    let bad = EntryEdit { lines: vec![(1, "account".into(), "120000".into())], hold: true, ..Default::default() };
    assert!(store.edit_entry(id, &bad, &ctx, fiscal).unwrap_err().to_string().contains("net income account"));
}

#[test]
fn check_locates_mistakes_in_ledger_yaml_and_the_daemon_refuses_to_move_a_hard_lock_back() {
    let site = Site::new(1500, 0);
    let p = site.path("rules/ledger.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    let bad = text.replace("  - {code: HA, label: Achats, kind: purchase}", "  - {code: HA, label: Achats, kind: purchases}").replace("  post_on_release: false", "  post_on_relase: false");
    std::fs::write(&p, &bad).unwrap();
    let out = site.cli(&["check", "--config", site.config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    let line = bad.lines().position(|l| l.contains("kind: purchases")).unwrap() + 1;
    assert!(report.contains(&format!("ledger.yaml:{line}:")) && report.contains("purchases"), "{report}");
    // Fixed kind, the journals of accounts.yaml must still be listed with their kind.
    let wrong_kind = text.replace("  - {code: HA, label: Achats, kind: purchase}", "  - {code: HA, label: Achats, kind: misc}");
    std::fs::write(&p, &wrong_kind).unwrap();
    let out = site.cli(&["check", "--config", site.config.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("its kind must be purchase"), "{}", String::from_utf8_lossy(&out.stdout));

    // A hard lock recorded, then moved back in the file: the commands refuse, naming both dates.
    std::fs::write(&p, text.replace("  hard: null", "  hard: 2024-12-31")).unwrap();
    site.ok(&["batches"]);
    std::fs::write(&p, text.replace("  hard: null", "  hard: 2024-06-30")).unwrap();
    let out = site.cli(&["batches", "--config", site.config.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2024-12-31") && err.contains("2024-06-30") && err.contains("irreversible"), "{err}");
}
