//! What the benchmarks share: generated entries and a large ledger of
//! posted, sealed lines built directly (the store's own path would take
//! hours at this size).
#![allow(dead_code)]

use chrono::NaiveDate;
use duckdb::{params, Connection};
use paperledger::ledger::chain::{entry_hash, Seal, GENESIS};
use paperledger::ledger::{Entry, Line};
use rust_decimal::Decimal;

/// Entry `i`: 4 lines (two expenses, VAT, supplier), balanced.
pub fn entry(i: usize) -> Entry {
    let date = NaiveDate::from_ymd_opt(2025, 1 + (i % 12) as u32, 1 + (i % 28) as u32).unwrap();
    let a = Decimal::new(1000 + (i as i64 * 7919) % 900_000, 2);
    let b = Decimal::new(500 + (i as i64 * 104_729) % 90_000, 2);
    let vat = ((a + b) * Decimal::new(20, 2)).round_dp(2);
    let lines = vec![
        Line::debit("606000", "Achats", "x", a),
        Line::debit("613200", "Locations", "x", b),
        Line::debit("445660", "TVA", "x", vat),
        Line::credit("401000", "Fournisseurs", "x", a + b + vat).with_aux(&format!("F{:05}", i % 5000), "Supplier"),
    ];
    Entry::new("HA", "Achats", date, &format!("F{i}"), date, &format!("Supplier F{i}"), "EUR", lines).unwrap()
}

/// `n` posted entries of 4 lines in one posted batch, numbered and chained.
pub fn build_big(path: &std::path::Path, n: usize) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "INSERT INTO batches (number, company, journal, fiscal_year, fy_start, fy_end, currency, kind, status, export_state, created_at, posted_at)
         VALUES ('B000001', 'demo', 'HA', 2025, '2025-01-01', '2025-12-31', 'EUR', 'normal', 'posted', 'in-progress', now()::TIMESTAMP, now()::TIMESTAMP);
         UPDATE numbering SET next = 2 WHERE name = 'batch';",
    )
    .unwrap();
    let batch_id: i64 = conn.query_row("SELECT id FROM batches", [], |r| r.get(0)).unwrap();
    let fy0 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let fy1 = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let mut prev = GENESIS.to_string();
    let mut ea = conn.appender("entries").unwrap();
    let mut la = conn.appender("entry_lines").unwrap();
    for i in 0..n {
        let e = entry(i);
        let number = i as i32 + 1;
        let hash = entry_hash(&prev, Seal { company: "demo", fiscal_year: 2025, number, batch_number: "B000001" }, &e);
        let id = i as i64 + 1;
        ea.append_row(params![
            id, "demo", "HA", "Achats", 2025, fy0, fy1, number, e.date, e.piece_ref, e.piece_date, e.label, "EUR", None::<i64>, "2026-01-01 00:00:00", batch_id, None::<i64>, id, prev, hash
        ])
        .unwrap();
        for (k, l) in e.lines.iter().enumerate() {
            la.append_row(params![id, k as i32 + 1, l.account, l.account_label, l.aux_account, l.aux_label, l.label, l.debit.to_string(), l.credit.to_string(), l.due_date]).unwrap();
        }
        prev = hash;
        // Each flush commits a chunk: one giant transaction would hold
        // every row in memory until the end.
        if i % 100_000 == 99_999 {
            ea.flush().unwrap();
            la.flush().unwrap();
        }
    }
    ea.flush().unwrap();
    la.flush().unwrap();
}

