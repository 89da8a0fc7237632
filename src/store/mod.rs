//! DuckDB: schema migrations, the one writer, queries.
//!
//! DuckDB allows one writing process; inside the daemon one thread owns the
//! connection (`StoreHandle`), and every change of a document's state is
//! written with its events in one transaction.

pub mod bank;
mod batches;
mod handle;
mod overnight;
pub mod replay;
pub mod review;
mod training;
mod verify;
pub mod migrations;

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveDateTime};
use duckdb::{params, Connection, OptionalExt};
use rust_decimal::Decimal;

use crate::ledger::{Entry, Line};

pub use batches::{BatchFilter, BatchRow, Ctx, EditOutcome, EntryEdit, StoredBatchEntry};
pub use handle::StoreHandle;
pub use overnight::{QueuedMail, ReportData};
pub use verify::{TrialBalanceRow, VerifyReport};

/// What happened to a claimed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceState {
    Processed,
    Failed,
    Duplicate,
}

impl SourceState {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceState::Processed => "processed",
            SourceState::Failed => "failed",
            SourceState::Duplicate => "duplicate",
        }
    }
}

/// One history line.
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub kind: String,
    pub detail: serde_json::Value,
}

impl EventRecord {
    pub fn new(kind: &str, detail: serde_json::Value) -> Self {
        EventRecord { kind: kind.to_string(), detail }
    }
}

#[derive(Debug, Clone)]
pub struct SourceRecord {
    pub sha256: String,
    pub original_name: String,
    pub inbox: String,
    pub company: String,
    pub size_bytes: u64,
    pub received_at: NaiveDateTime,
    pub spool_name: String,
    pub state: SourceState,
    pub stored_path: String,
    pub reason: Option<String>,
    pub duplicate_of: Option<i64>,
    pub page_count: Option<u32>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldRecord {
    pub name: String,
    pub value: String,
    pub page: u32,
    pub bbox: [f64; 4],
    pub source: String,
    pub confidence: f32,
}

#[derive(Debug, Clone)]
pub struct VatRecord {
    pub rate: Decimal,
    pub base: Decimal,
    pub amount: Decimal,
}

/// An entry to number and insert, with its fiscal year.
#[derive(Debug, Clone)]
pub struct EntryRecord {
    pub entry: Entry,
    pub fiscal_year: i32,
    pub fy_start: NaiveDate,
    pub fy_end: NaiveDate,
    /// `YYYY-MM` when batches are grouped by period.
    pub period: Option<String>,
    /// How the batch it is filed into starts (ledger.yaml `batches`).
    pub options: crate::ledger::books::BatchOptions,
}

#[derive(Debug, Clone)]
pub struct DocumentRecord {
    pub pages: Vec<u32>,
    pub pipeline: String,
    pub category: String,
    pub category_reason: String,
    /// `posted` or `review`.
    pub state: String,
    pub review_reasons: Vec<String>,
    pub checks: serde_json::Value,
    pub fields: Vec<FieldRecord>,
    pub vat_lines: Vec<VatRecord>,
    pub entry: Option<EntryRecord>,
    /// A bank statement file: its statements, imported with the document.
    pub statements: Option<bank::StatementImport>,
    /// With a posted entry: the books in which bank lines left unmatched
    /// are tried again against it.
    pub rematch: Option<bank::Books>,
    pub events: Vec<EventRecord>,
    /// The words it was classified on (`recognize::classify::words_of`).
    pub words: Vec<String>,
}

/// Everything learnt about one claimed file, committed at once.
#[derive(Debug, Clone)]
pub struct Commit {
    pub actor: String,
    pub source: SourceRecord,
    pub source_events: Vec<EventRecord>,
    pub documents: Vec<DocumentRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommittedDocument {
    pub document_id: i64,
    /// `(entry id, journal, batch number)` when an entry was filed.
    pub entry: Option<(i64, String, String)>,
    /// What a statement's import did, line by line.
    pub statement: Option<bank::ImportSummary>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Committed {
    pub source_id: i64,
    pub documents: Vec<CommittedDocument>,
}

/// A posted entry with its number, as read back for export.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub id: i64,
    pub company: String,
    pub fiscal_year: i32,
    pub fy_end: NaiveDate,
    pub number: i32,
    pub validated_on: NaiveDate,
    pub batch_id: i64,
    pub entry: Entry,
}

pub struct Store {
    conn: Connection,
}

impl Store {
    /// Open (creating if needed) the database and apply pending migrations.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
        }
        let conn = Connection::open(path).with_context(|| {
            format!("opening the database {} (is another paperledger process using it?)", path.display())
        })?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)",
        )?;
        let current: i32 = self.conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
        for m in migrations::MIGRATIONS.iter().filter(|m| m.version > current) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(m.sql).with_context(|| format!("applying migration {} ({})", m.version, m.name))?;
            tx.prepare_cached("INSERT INTO schema_migrations VALUES (?, ?, CAST(? AS TIMESTAMP))")?.execute(
                params![m.version, m.name, now_text()],
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i32> {
        Ok(self.conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0))?)
    }

    /// The first processed source with this content, if any: a new file
    /// with the same SHA-256 is a duplicate. Failed attempts don't count, so
    /// a file can be dropped again after its problem was fixed.
    pub fn processed_source_with_sha(&self, sha256: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM sources WHERE sha256 = ? AND state = 'processed' ORDER BY id LIMIT 1",
                params![sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// For crash recovery: was this spool file's outcome already committed?
    /// Returns `(state, stored_path, failure reason)`.
    pub fn committed_spool_file(&self, spool_name: &str) -> Result<Option<(String, String, Option<String>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT state, stored_path, reason FROM sources WHERE spool_name = ?",
                params![spool_name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// Write a file's whole outcome in one transaction: the source, its
    /// documents, fields, entries (numbered without gaps) and history.
    pub fn commit(&mut self, c: &Commit) -> Result<Committed> {
        let tx = self.conn.transaction()?;
        let s = &c.source;
        let now = now_text();
        let source_id: i64 = tx.prepare_cached("INSERT INTO sources (sha256, original_name, inbox, company, size_bytes, received_at, spool_name, state, stored_path, reason, duplicate_of, page_count)
             VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?) RETURNING id")?.query_row(
            params![
                s.sha256,
                s.original_name,
                s.inbox,
                s.company,
                s.size_bytes as i64,
                s.received_at.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
                s.spool_name,
                s.state.as_str(),
                s.stored_path,
                s.reason,
                s.duplicate_of,
                s.page_count.map(|p| p as i32),
            ],
            |r| r.get(0),
        )?;
        let mut event = tx.prepare_cached(
            "INSERT INTO events (happened_at, actor, source_id, document_id, entry_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?)",
        )?;
        for e in &c.source_events {
            event.execute(params![now, c.actor, source_id, None::<i64>, None::<i64>, e.kind, e.detail.to_string()])?;
        }
        let mut out = Committed { source_id, documents: Vec::new() };
        for d in &c.documents {
            out.documents.push(insert_document(&tx, source_id, &s.company, &c.actor, &now, d)?);
        }
        drop(event);
        tx.commit()?;
        Ok(out)
    }

    /// Posted entries of a company, optionally one fiscal year, ordered by
    /// journal and number (the FEC's order). Entries of batches not yet
    /// posted have no number and are not exported.
    pub fn entries(&self, company: &str, fiscal_year: Option<i32>) -> Result<Vec<StoredEntry>> {
        let mut q = self.conn.prepare(
            "SELECT id, journal, journal_label, fiscal_year, fy_end, number, entry_date, piece_ref, piece_date, label, currency, CAST(validated_at AS DATE), batch_id
             FROM entries WHERE company = ? AND (? IS NULL OR fiscal_year = ?) AND number IS NOT NULL
             AND batch_id IN (SELECT id FROM batches WHERE status = 'posted') ORDER BY fiscal_year, journal, number",
        )?;
        let heads = q
            .query_map(params![company, fiscal_year, fiscal_year], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i32>(3)?,
                    r.get::<_, NaiveDate>(4)?,
                    r.get::<_, i32>(5)?,
                    r.get::<_, NaiveDate>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, NaiveDate>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, NaiveDate>(11)?,
                    r.get::<_, i64>(12)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // Every line in one query (not one per entry), grouped back by entry id.
        let mut lines: std::collections::HashMap<i64, Vec<Line>> = std::collections::HashMap::with_capacity(heads.len());
        {
            let mut lq = self.conn.prepare(&format!(
                "SELECT l.entry_id, {LINE_COLUMNS} FROM entry_lines l JOIN entries e ON e.id = l.entry_id
                 WHERE e.company = ? AND (? IS NULL OR e.fiscal_year = ?) AND e.number IS NOT NULL ORDER BY l.entry_id, l.line_no"
            ))?;
            let mut rows = lq.query(params![company, fiscal_year, fiscal_year])?;
            while let Some(r) = rows.next()? {
                lines.entry(r.get(0)?).or_default().push(line_at(r, 1)?);
            }
        }
        let mut out = Vec::with_capacity(heads.len());
        for (id, journal, journal_label, fy, fy_end, number, date, piece_ref, piece_date, label, currency, validated_on, batch_id) in heads {
            let lines = lines.remove(&id).unwrap_or_default();
            let entry = Entry { journal, journal_label, date, piece_ref, piece_date, label, currency, lines };
            out.push(StoredEntry { id, company: company.to_string(), fiscal_year: fy, fy_end, number, validated_on, batch_id, entry });
        }
        Ok(out)
    }

    /// The posted batches of a company's fiscal year (or one batch) and
    /// their posted entry count: what a FEC export marks, without loading it.
    pub fn posted_batches(&self, company: &str, fiscal_year: i32, only: Option<i64>) -> Result<(Vec<i64>, usize)> {
        let mut q = self.conn.prepare(
            "SELECT e.batch_id, count(*) FROM entries e JOIN batches b ON b.id = e.batch_id
             WHERE e.company = ? AND e.fiscal_year = ? AND e.number IS NOT NULL AND b.status = 'posted' AND (? IS NULL OR e.batch_id = ?)
             GROUP BY e.batch_id ORDER BY 1",
        )?;
        let rows = q.query_map(params![company, fiscal_year, only, only], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok((rows.iter().map(|r| r.0).collect(), rows.iter().map(|r| r.1 as usize).sum()))
    }

    /// Fiscal years that have entries, with their closing dates.
    pub fn fiscal_years(&self, company: &str) -> Result<Vec<(i32, NaiveDate)>> {
        let mut q = self.conn.prepare("SELECT DISTINCT fiscal_year, fy_end FROM entries WHERE company = ? AND number IS NOT NULL ORDER BY 1")?;
        let rows = q.query_map(params![company], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// A source's history, oldest first: `(at, actor, kind, detail)`,
    /// with the batch events of the batches its entries are in.
    pub fn history(&self, source_id: i64) -> Result<Vec<(String, String, String, String)>> {
        let mut q = self.conn.prepare(
            "SELECT CAST(happened_at AS VARCHAR), actor, kind, detail FROM events WHERE source_id = ?
             OR (source_id IS NULL AND batch_id IN (SELECT e.batch_id FROM entries e JOIN documents d ON d.id = e.document_id WHERE d.source_id = ?))
             ORDER BY id",
        )?;
        let rows = q
            .query_map(params![source_id, source_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Direct read access for reports and tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// The line columns `line_at` reads, for a query aliasing entry_lines as `l`.
const LINE_COLUMNS: &str = "l.account, l.account_label, l.aux_account, l.aux_label, l.label, CAST(l.debit AS VARCHAR), CAST(l.credit AS VARCHAR), l.due_date";

/// A line from the `LINE_COLUMNS` starting at column `at`.
fn line_at(r: &duckdb::Row<'_>, at: usize) -> duckdb::Result<Line> {
    Ok(Line {
        account: r.get(at)?,
        account_label: r.get(at + 1)?,
        aux_account: r.get(at + 2)?,
        aux_label: r.get(at + 3)?,
        label: r.get(at + 4)?,
        debit: dec(&r.get::<_, String>(at + 5)?),
        credit: dec(&r.get::<_, String>(at + 6)?),
        due_date: r.get(at + 7)?,
    })
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

pub fn now_text() -> String {
    chrono::Local::now().naive_local().format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// One document of a source, with its fields, events, entry or statement
/// import, inside the caller's transaction. A statement that is refused
/// returns its `bank::Refusal` as the error: the caller rolls back.
fn insert_document(tx: &duckdb::Transaction<'_>, source_id: i64, company: &str, actor: &str, now: &str, d: &DocumentRecord) -> Result<CommittedDocument> {
    let document_id: i64 = tx.prepare_cached("INSERT INTO documents (source_id, pages, company, pipeline, category, category_reason, state, review_reasons, checks, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP)) RETURNING id")?.query_row(
        params![
            source_id,
            serde_json::to_string(&d.pages)?,
            company,
            d.pipeline,
            d.category,
            d.category_reason,
            d.state,
            if d.review_reasons.is_empty() { None } else { Some(serde_json::to_string(&d.review_reasons)?) },
            d.checks.to_string(),
            now,
        ],
        |r| r.get(0),
    )?;
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO fields VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for f in &d.fields {
            ins.execute(params![
                document_id, f.name, f.value, f.page as i32, f.bbox[0], f.bbox[1], f.bbox[2], f.bbox[3], f.source, f.confidence as f64
            ])?;
        }
        let mut vat = tx.prepare_cached(
            "INSERT INTO vat_lines VALUES (?, CAST(? AS DECIMAL(7,3)), CAST(? AS DECIMAL(18,2)), CAST(? AS DECIMAL(18,2)))",
        )?;
        for v in &d.vat_lines {
            vat.execute(params![document_id, v.rate.to_string(), v.base.to_string(), v.amount.to_string()])?;
        }
    }
    for e in &d.events {
        tx.prepare_cached("INSERT INTO events (happened_at, actor, source_id, document_id, entry_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?)")?
        .execute(params![now, actor, source_id, document_id, None::<i64>, e.kind, e.detail.to_string()])?;
    }
    if !d.words.is_empty() {
        tx.prepare_cached("INSERT INTO document_words VALUES (?, ?)")?.execute(params![document_id, d.words.join(" ")])?;
    }
    let mut posted = None;
    if let Some(er) = &d.entry {
        let (batch_id, entry_id, batch_number) = batches::file_entry(tx, company, er, document_id, actor)?;
        tx.prepare_cached("INSERT INTO events (happened_at, actor, source_id, document_id, entry_id, batch_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, 'posted', ?)")?.execute(
            params![
                now,
                actor,
                source_id,
                document_id,
                entry_id,
                batch_id,
                serde_json::json!({"journal": er.entry.journal, "fiscal_year": er.fiscal_year, "batch": batch_number}).to_string()
            ],
        )?;
        posted = Some((entry_id, er.entry.journal.clone(), batch_number));
        if let Some(books) = &d.rematch {
            let party = er.entry.lines.iter().find_map(|l| l.aux_account.as_deref());
            for m in bank::rematch(tx, books.0.as_ref(), party, actor)? {
                tx.prepare_cached("INSERT INTO events (happened_at, actor, source_id, document_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, 'matched', ?)")?.execute(params![
                    now,
                    actor,
                    source_id,
                    document_id,
                    serde_json::json!({"bank_line": {"statement": m.statement, "line": m.position, "date": m.date, "amount": m.amount}, "explanation": m.explanation, "matched": m.matched}).to_string()
                ])?;
            }
        }
    }
    let mut statement = None;
    if let Some(imp) = &d.statements {
        match bank::import(tx, source_id, document_id, imp, actor)? {
            Ok(summary) => {
                tx.prepare_cached("INSERT INTO events (happened_at, actor, source_id, document_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, 'imported', ?)")?.execute(params![
                    now,
                    actor,
                    source_id,
                    document_id,
                    serde_json::json!({"statements": summary.statements, "lines": summary.lines, "new_lines": summary.new_lines, "matched": summary.matched, "unmatched": summary.unmatched}).to_string()
                ])?;
                statement = Some(summary);
            }
            // Nothing of the file is kept: the caller records it as failed or duplicate.
            Err(refusal) => return Err(anyhow::Error::new(refusal)),
        }
    }
    Ok(CommittedDocument { document_id, entry: posted, statement })
}
