//! Ledger benchmark (issue 5), each figure against a reference in the same run:
//! 1. entry lines per second filed through the store (one transaction per
//!    document, as the daemon commits), then released and posted (numbered
//!    and sealed), against a plain DuckDB Appender insert of the same rows;
//! 2. `verify` over 10 million posted lines against a plain scan that reads
//!    the same rows into Rust without checking anything;
//! 3. the trial balance against DuckDB's own GROUP BY over the same lines
//!    (without the posted-entries filter).
//!
//! Run: `CARGO_TARGET_DIR=$HOME/.cache/paperledger-bench cargo bench --bench ledger`
//! (`PL_POST_ENTRIES`, default 5000; `PL_VERIFY_LINES`, default 10000000).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use duckdb::{params, Connection};
use paperledger::ledger::books::LedgerRules;

use paperledger::store::{Commit, Ctx, DocumentRecord, EntryRecord, SourceRecord, SourceState, Store};
use rust_decimal::Decimal;

#[path = "common/mod.rs"]
mod common;
use common::{build_big, entry};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

fn commit_for(i: usize, rules: &LedgerRules) -> Commit {
    let e = entry(i);
    let fy = rules.fiscal_year(e.date, (1, 1));
    Commit {
        actor: "bench".into(),
        source: SourceRecord {
            sha256: format!("{i:064}"),
            original_name: format!("f{i}.pdf"),
            inbox: "purchases".into(),
            company: "demo".into(),
            size_bytes: 1,
            received_at: e.date.and_hms_opt(8, 0, 0).unwrap(),
            spool_name: format!("s{i}"),
            state: SourceState::Processed,
            stored_path: format!("/archive/f{i}.pdf"),
            reason: None,
            duplicate_of: None,
            page_count: Some(1),
        },
        source_events: vec![],
        documents: vec![DocumentRecord {
            pages: vec![1],
            pipeline: "p".into(),
            category: "purchase_invoice".into(),
            category_reason: "bench".into(),
            state: "posted".into(),
            review_reasons: vec![],
            checks: serde_json::json!([]),
            fields: vec![],
            vat_lines: vec![],
            entry: Some(EntryRecord { entry: e, fiscal_year: fy.label, fy_start: fy.start, fy_end: fy.end, period: None, options: rules.batches.clone() }),
            statements: None,
            rematch: None,
            events: vec![],
            words: vec![],
        }],
    }
}

fn main() {
    let n_post = env("PL_POST_ENTRIES", 5000);
    let n_verify_lines = env("PL_VERIFY_LINES", 10_000_000);
    let work = tempfile::tempdir_in(std::env::var("PL_BENCH_DIR").unwrap_or_else(|_| "/tmp".into())).unwrap();
    let rules = LedgerRules::builtin();

    // 1. Filing and posting through the store.
    let mut store = Store::open(&work.path().join("post.duckdb")).unwrap();
    let commits: Vec<Commit> = (0..n_post).map(|i| commit_for(i, &rules)).collect();
    let lines = n_post * 4;
    let (_, t_file) = time(|| {
        for c in &commits {
            store.commit(c).unwrap();
        }
    });
    let ctx = Ctx { actor: "bench", rules: &rules, force: false };
    let batch = store.batches(&Default::default()).unwrap().remove(0);
    let (_, t_post) = time(|| {
        store.transition(&batch.number, paperledger::ledger::batch::Action::Release, &ctx).unwrap();
        store.transition(&batch.number, paperledger::ledger::batch::Action::Post, &ctx).unwrap();
    });
    assert!(store.verify(&HashMap::new()).unwrap().problems.is_empty());
    drop(store);

    // Reference: the same line rows through one Appender, in one go.
    let reference = Connection::open(work.path().join("ref.duckdb")).unwrap();
    reference
        .execute_batch("CREATE TABLE entry_lines (entry_id BIGINT, line_no INTEGER, account VARCHAR, account_label VARCHAR, aux_account VARCHAR, aux_label VARCHAR, label VARCHAR, debit DECIMAL(18,2), credit DECIMAL(18,2), due_date DATE)")
        .unwrap();
    let (_, t_appender) = time(|| {
        let mut app = reference.appender("entry_lines").unwrap();
        for i in 0..n_post {
            for (k, l) in entry(i).lines.iter().enumerate() {
                app.append_row(params![i as i64, k as i32 + 1, l.account, l.account_label, l.aux_account, l.aux_label, l.label, l.debit.to_string(), l.credit.to_string(), l.due_date]).unwrap();
            }
        }
        app.flush().unwrap();
    });
    drop(reference);

    // Reference for the per-document cost: DuckDB's own floor, one
    // transaction per document inserting the same 4 line rows.
    let floor = Connection::open(work.path().join("floor.duckdb")).unwrap();
    floor
        .execute_batch("CREATE TABLE entry_lines (entry_id BIGINT, line_no INTEGER, account VARCHAR, account_label VARCHAR, aux_account VARCHAR, aux_label VARCHAR, label VARCHAR, debit DECIMAL(18,2), credit DECIMAL(18,2), due_date DATE)")
        .unwrap();
    let mut floor = floor;
    let (_, t_floor) = time(|| {
        for i in 0..n_post {
            let tx = floor.transaction().unwrap();
            {
                let mut ins = tx.prepare_cached("INSERT INTO entry_lines VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), CAST(? AS DECIMAL(18,2)), ?)").unwrap();
                for (k, l) in entry(i).lines.iter().enumerate() {
                    ins.execute(params![i as i64, k as i32 + 1, l.account, l.account_label, l.aux_account, l.aux_label, l.label, l.debit.to_string(), l.credit.to_string(), l.due_date]).unwrap();
                }
            }
            tx.commit().unwrap();
        }
    });
    drop(floor);

    // 2 and 3. A ledger of posted, sealed lines built directly (the store's
    // own path would take hours at this size), then verify and the trial balance.
    let path = work.path().join("big.duckdb");
    drop(Store::open(&path).unwrap());
    let n_entries = n_verify_lines / 4;
    let (_, t_build) = time(|| build_big(&path, n_entries));
    let store = Store::open(&path).unwrap();
    reset_peak();
    let (report, t_verify) = time(|| store.verify(&HashMap::from([("demo".to_string(), "120000".to_string())])).unwrap());
    assert!(report.problems.is_empty(), "{:?}", &report.problems[..report.problems.len().min(5)]);
    assert_eq!(report.posted_lines as usize, n_entries * 4);
    let verify_peak = peak_mib();
    let (_, t_scan) = time(|| {
        let mut q = store
            .connection()
            .prepare(
                "SELECT e.company, e.chain_seq, e.id, e.fiscal_year, e.number, e.journal, e.entry_date, e.piece_ref, e.piece_date, e.label, e.currency, e.prev_hash, e.hash,
                        l.account, l.aux_account, l.label, CAST(l.debit AS VARCHAR), CAST(l.credit AS VARCHAR), l.due_date
                 FROM entries e JOIN entry_lines l ON l.entry_id = e.id ORDER BY e.company, e.chain_seq, l.line_no",
            )
            .unwrap();
        let mut rows = q.query([]).unwrap();
        let mut n = 0usize;
        while let Some(r) = rows.next().unwrap() {
            let _: String = r.get(16).unwrap();
            n += 1;
        }
        n
    });
    let (tb, t_tb) = time(|| store.trial_balance(Some("demo"), None).unwrap());
    let (_, t_tb_ref) = time(|| {
        let mut q = store.connection().prepare("SELECT account, CAST(sum(debit) AS VARCHAR), CAST(sum(credit) AS VARCHAR) FROM entry_lines GROUP BY account ORDER BY account").unwrap();
        q.query_map([], |r| r.get::<_, String>(0)).unwrap().count()
    });
    let (d, c) = tb.iter().fold((Decimal::ZERO, Decimal::ZERO), |(d, c), r| (d + r.debit, c + r.credit));
    assert_eq!(d, c, "trial balance zero");

    let s = |d: Duration| d.as_secs_f64();
    println!("| measure | ours | reference | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| file {n_post} entries ({lines} lines), one transaction per document | {:.0} lines/s ({:.2} s) | Appender, one go: {:.0} lines/s ({:.3} s) | {:.1}x |",
        lines as f64 / s(t_file),
        s(t_file),
        lines as f64 / s(t_appender),
        s(t_appender),
        s(t_file) / s(t_appender)
    );
    println!(
        "| the same, DuckDB alone: plain INSERTs, one transaction per document | | {:.0} lines/s ({:.2} s) | {:.1}x |",
        lines as f64 / s(t_floor),
        s(t_floor),
        s(t_file) / s(t_floor)
    );
    println!("| release + post that batch (number, seal) | {:.0} lines/s ({:.2} s) | | |", lines as f64 / s(t_post), s(t_post));
    println!("| build {} lines posted and sealed (setup) | {:.1} s | | |", n_entries * 4, s(t_build));
    println!(
        "| verify over {} lines (peak memory {:.0} MiB) | {:.1} s | plain scan of the same rows: {:.1} s | {:.2}x |",
        n_entries * 4,
        verify_peak,
        s(t_verify),
        s(t_scan),
        s(t_verify) / s(t_scan)
    );
    println!("| trial balance over {} lines | {:.2} s | DuckDB GROUP BY alone: {:.2} s | {:.2}x |", n_entries * 4, s(t_tb), s(t_tb_ref), s(t_tb) / s(t_tb_ref));
}

/// Peak resident memory since the last reset, in MiB (Linux).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok()).unwrap_or(0.0) / 1024.0
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
