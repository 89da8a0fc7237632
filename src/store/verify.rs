//! `verify`: re-check the books from the database file alone. The hash
//! chain is recomputed entry by entry; the other invariants are asked of
//! DuckDB in aggregate (every posted entry and batch balanced, numbers
//! without gaps, trial balance zero, no line on the net income account).

use std::collections::HashMap;

use anyhow::Result;
use duckdb::params;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{dec, Store};
use crate::ledger::chain::{entry_hash, Seal, GENESIS};
use crate::ledger::Entry;

#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub posted_entries: u64,
    pub posted_lines: u64,
    #[serde(with = "rust_decimal::serde::str")]
    pub total_debit: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub total_credit: Decimal,
    /// Each broken invariant, naming what broke.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrialBalanceRow {
    pub account: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub debit: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub credit: Decimal,
}

/// Entries read per query when re-checking the chain.
const CHAIN_SLICE: i64 = 200_000;

/// Problems listed beyond this many are counted, not printed.
const MAX_LISTED: usize = 50;

impl Store {
    /// Check every invariant; `net_income` maps a company to its year-to-date
    /// net income account.
    pub fn verify(&self, net_income: &HashMap<String, String>) -> Result<VerifyReport> {
        let mut r = VerifyReport::default();
        let c = &self.conn;
        let list = |r: &mut VerifyReport, rows: Vec<String>| r.problems.extend(rows);

        list(&mut r, strings(c, "SELECT 'posted entry ' || e.id || ' (' || e.journal || ' ' || e.fiscal_year || ' #' || e.number || ', ' || e.piece_ref || ') is not balanced: debit ' || sum(l.debit) || ', credit ' || sum(l.credit)
             FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.number IS NOT NULL GROUP BY e.id, e.journal, e.fiscal_year, e.number, e.piece_ref HAVING sum(l.debit) <> sum(l.credit) OR count(*) < 2 ORDER BY e.id")?);
        list(&mut r, strings(c, "SELECT 'posted batch ' || b.number || ' is not balanced or has fewer than two lines: debit ' || coalesce(sum(l.debit), 0) || ', credit ' || coalesce(sum(l.credit), 0) || ', ' || count(l.line_no) || ' lines'
             FROM batches b LEFT JOIN entries e ON e.batch_id = b.id LEFT JOIN entry_lines l ON l.entry_id = e.id WHERE b.status = 'posted'
             GROUP BY b.number HAVING coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0) OR count(l.line_no) < 2 ORDER BY b.number")?);
        list(&mut r, strings(c, "SELECT 'numbering of ' || company || ' journal ' || journal || ' year ' || fiscal_year || ' has gaps or repeats: ' || count(*) || ' posted entries numbered ' || min(number) || ' to ' || max(number) || ' (' || count(DISTINCT number) || ' distinct)'
             FROM entries WHERE number IS NOT NULL GROUP BY company, journal, fiscal_year
             HAVING min(number) <> 1 OR max(number) <> count(*) OR count(DISTINCT number) <> count(*) ORDER BY 1")?);
        list(&mut r, strings(c, "SELECT 'entry ' || e.id || ' of posted batch ' || b.number || ' has no number or no seal' FROM entries e JOIN batches b ON b.id = e.batch_id
             WHERE b.status = 'posted' AND (e.number IS NULL OR e.hash IS NULL) ORDER BY e.id")?);
        list(&mut r, strings(c, "SELECT 'entry ' || e.id || ' is numbered (#' || e.number || ') but its batch ' || coalesce(b.number, '?') || ' is ' || coalesce(b.status, 'missing') FROM entries e LEFT JOIN batches b ON b.id = e.batch_id
             WHERE e.number IS NOT NULL AND (b.status IS NULL OR b.status <> 'posted') ORDER BY e.id")?);
        for (company, account) in net_income {
            let mut q = c.prepare(
                "SELECT 'posted entry ' || e.id || ' uses the net income account ' || l.account FROM entries e JOIN entry_lines l ON l.entry_id = e.id
                 WHERE e.company = ? AND l.account = ? AND e.number IS NOT NULL ORDER BY e.id",
            )?;
            let rows = q.query_map(params![company, account], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
            r.problems.extend(rows);
        }
        let (n_lines, d, cr): (i64, String, String) = c.query_row(
            "SELECT count(*), CAST(coalesce(sum(l.debit), 0) AS VARCHAR), CAST(coalesce(sum(l.credit), 0) AS VARCHAR) FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.number IS NOT NULL",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        r.posted_lines = n_lines as u64;
        r.total_debit = dec(&d);
        r.total_credit = dec(&cr);
        if r.total_debit != r.total_credit {
            r.problems.push(format!("the trial balance is not zero: debit {}, credit {}, difference {}", r.total_debit, r.total_credit, r.total_debit - r.total_credit));
        }
        self.verify_chain(&mut r)?;
        if r.problems.len() > MAX_LISTED {
            let more = r.problems.len() - MAX_LISTED;
            r.problems.truncate(MAX_LISTED);
            r.problems.push(format!("… and {more} more problem(s)"));
        }
        Ok(r)
    }

    /// Recompute each posted entry's seal in chain order.
    fn verify_chain(&self, r: &mut VerifyReport) -> Result<()> {
        // Read in slices of the chain so memory stays bounded whatever the
        // size of the books (one sorted query over 10 million lines held
        // gigabytes).
        let mut q = self.conn.prepare(&format!(
            "SELECT e.company, e.chain_seq, e.id, e.fiscal_year, e.number, b.number, e.journal, e.entry_date, e.piece_ref, e.piece_date, e.label, e.currency,
                    e.prev_hash, e.hash, {}
             FROM entries e JOIN batches b ON b.id = e.batch_id LEFT JOIN entry_lines l ON l.entry_id = e.id
             WHERE e.company = ? AND e.chain_seq BETWEEN ? AND ? ORDER BY e.chain_seq, l.line_no",
            super::LINE_COLUMNS
        ))?;
        let spans: Vec<(String, i64, i64)> = {
            let mut sq = self.conn.prepare("SELECT company, min(chain_seq), max(chain_seq) FROM entries WHERE chain_seq IS NOT NULL GROUP BY company ORDER BY company")?;
            let rows = sq.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
            rows
        };
        struct Cur {
            company: String,
            seq: i64,
            id: i64,
            fy: i32,
            number: i32,
            batch: String,
            prev: String,
            hash: String,
            entry: Entry,
        }
        let mut cur: Option<Cur> = None;
        // Per company: (last seq, last hash).
        let mut last: HashMap<String, (i64, String)> = HashMap::new();
        let mut finish = |c: Cur, r: &mut VerifyReport| {
            r.posted_entries += 1;
            let (seq0, prev0) = last.get(&c.company).cloned().unwrap_or((0, GENESIS.to_string()));
            if c.seq != seq0 + 1 {
                r.problems.push(format!("chain of {}: entry {} is at position {} after position {}: a sealed entry is missing", c.company, c.id, c.seq, seq0));
            }
            if c.prev != prev0 {
                r.problems.push(format!("chain of {}: entry {} (#{}) does not follow the previous sealed entry (its previous hash differs)", c.company, c.id, c.number));
            }
            let h = entry_hash(&c.prev, Seal { company: &c.company, fiscal_year: c.fy, number: c.number, batch_number: &c.batch }, &c.entry);
            if h != c.hash {
                r.problems.push(format!(
                    "entry {} ({} {} #{}, {}) was changed after it was posted: its content no longer matches its seal",
                    c.id, c.entry.journal, c.fy, c.number, c.entry.piece_ref
                ));
            }
            last.insert(c.company.clone(), (c.seq, c.hash.clone()));
        };
        for (company, lo, hi) in spans {
            let mut from = lo.min(1);
            while from <= hi {
                let to = from + CHAIN_SLICE - 1;
                let mut rows = q.query(params![company, from, to])?;
                while let Some(row) = rows.next()? {
                    let company: String = row.get(0)?;
                    let seq: i64 = row.get(1)?;
                    let same = cur.as_ref().is_some_and(|c| c.company == company && c.seq == seq);
                    if !same {
                        if let Some(c) = cur.take() {
                            finish(c, r);
                        }
                        cur = Some(Cur {
                            company,
                            seq,
                            id: row.get(2)?,
                            fy: row.get(3)?,
                            number: row.get::<_, Option<i32>>(4)?.unwrap_or(0),
                            batch: row.get(5)?,
                            prev: row.get::<_, Option<String>>(12)?.unwrap_or_default(),
                            hash: row.get::<_, Option<String>>(13)?.unwrap_or_default(),
                            entry: Entry {
                                journal: row.get(6)?,
                                journal_label: String::new(),
                                date: row.get(7)?,
                                piece_ref: row.get(8)?,
                                piece_date: row.get(9)?,
                                label: row.get(10)?,
                                currency: row.get(11)?,
                                lines: Vec::new(),
                            },
                        });
                    }
                    // An entry without lines (LEFT JOIN) still takes its place in the chain.
                    if let (Some(c), Some(_)) = (cur.as_mut(), row.get::<_, Option<String>>(14)?) {
                        c.entry.lines.push(super::line_at(row, 14)?);
                    }
                }
                from = to + 1;
            }
        }
        if let Some(c) = cur.take() {
            finish(c, r);
        }
        Ok(())
    }

    /// Debit and credit per account over posted entries.
    pub fn trial_balance(&self, company: Option<&str>, fiscal_year: Option<i32>) -> Result<Vec<TrialBalanceRow>> {
        let mut q = self.conn.prepare(
            "SELECT l.account, CAST(sum(l.debit) AS VARCHAR), CAST(sum(l.credit) AS VARCHAR) FROM entries e JOIN entry_lines l ON l.entry_id = e.id
             WHERE e.number IS NOT NULL AND (? IS NULL OR e.company = ?) AND (? IS NULL OR e.fiscal_year = ?) GROUP BY l.account ORDER BY l.account",
        )?;
        let rows = q
            .query_map(params![company, company, fiscal_year, fiscal_year], |row| {
                Ok(TrialBalanceRow { account: row.get(0)?, debit: dec(&row.get::<_, String>(1)?), credit: dec(&row.get::<_, String>(2)?) })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

fn strings(c: &duckdb::Connection, sql: &str) -> Result<Vec<String>> {
    let mut q = c.prepare(sql)?;
    let rows = q.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(rows)
}
