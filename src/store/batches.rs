//! Batches in the database: filing entries, the lifecycle transitions,
//! posting (numbers and the hash chain), reversals, changes, schedules and
//! export states. Every write checks the pure rules of `ledger::batch`
//! first and happens in one transaction with its history events; nothing
//! here updates or deletes a line of a posted batch.

use std::collections::HashMap;

use anyhow::{anyhow, bail, Context, Result};
use chrono::{Months, NaiveDate};
use duckdb::{params, OptionalExt, Transaction};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;

use super::{dec, now_text, EntryRecord, Store};
use crate::ledger::batch::{self, Action, BatchFacts, BatchKind, ExportState, Refusal, Status};
use crate::ledger::books::{BatchOptions, LedgerRules, LockState};
use crate::ledger::chain::{entry_hash, Seal, GENESIS};
use crate::ledger::{Entry, Line};

/// A batch as listed.
#[derive(Debug, Clone, Serialize)]
pub struct BatchRow {
    pub id: i64,
    pub number: String,
    pub company: String,
    pub journal: String,
    pub fiscal_year: i32,
    pub period: Option<String>,
    pub currency: String,
    pub kind: BatchKind,
    pub parent_id: Option<i64>,
    pub status: Status,
    pub export_state: ExportState,
    pub export_error: Option<String>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub control_total: Option<Decimal>,
    pub schedule: Option<String>,
    pub next_run: Option<NaiveDate>,
    pub created_at: String,
    pub entries: i64,
    pub lines: i64,
    #[serde(with = "rust_decimal::serde::str")]
    pub debit: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub credit: Decimal,
}

impl BatchRow {
    pub fn facts(&self) -> BatchFacts {
        BatchFacts { status: self.status, lines: self.lines as usize, debit: self.debit, credit: self.credit, control_total: self.control_total }
    }
}

#[derive(Debug, Clone, Default)]
pub struct BatchFilter {
    pub company: Option<String>,
    pub status: Option<Status>,
    pub export_state: Option<ExportState>,
    pub year: Option<i32>,
    pub journal: Option<String>,
    /// A word of a label, piece or account; an amount; or a date.
    pub search: Option<String>,
}

/// An entry with what the ledger knows about it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredBatchEntry {
    pub id: i64,
    pub batch_id: i64,
    pub number: Option<i32>,
    pub fiscal_year: i32,
    pub document_id: Option<i64>,
    /// The archived file the entry came from.
    pub source_file: Option<String>,
    pub hash: Option<String>,
    #[serde(skip)]
    pub entry: Entry,
}

/// A change to one entry (`entry edit`).
#[derive(Debug, Clone, Default)]
pub struct EntryEdit {
    pub date: Option<NaiveDate>,
    pub label: Option<String>,
    pub piece_ref: Option<String>,
    /// (line number, field, value): account, aux_account, label, debit, credit, due_date.
    pub lines: Vec<(usize, String, String)>,
    /// Save the batch On hold (allows an unbalanced result).
    pub hold: bool,
}

/// What an edit did.
#[derive(Debug, Clone, Serialize)]
pub enum EditOutcome {
    /// Changed in its batch, which is now in this status.
    InPlace { batch: String, status: Status },
    /// The batch was posted or exported: a change/adjusting batch carries
    /// the reversal of the old entry and the corrected one.
    NewBatch { batch: String, kind: BatchKind, parent: String },
}

/// Who acts and what the posting rules are.
pub struct Ctx<'a> {
    pub actor: &'a str,
    pub rules: &'a LedgerRules,
    /// Post entries dated in a soft-locked period.
    pub force: bool,
}

impl Store {
    /// Batches matching `f`, newest first.
    pub fn batches(&self, f: &BatchFilter) -> Result<Vec<BatchRow>> {
        let mut sql = String::from(BATCH_SELECT);
        sql.push_str(" WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        if let Some(c) = &f.company {
            sql.push_str(" AND b.company = ?");
            args.push(c.clone());
        }
        if let Some(s) = f.status {
            sql.push_str(" AND b.status = ?");
            args.push(s.as_str().into());
        }
        if let Some(e) = f.export_state {
            sql.push_str(" AND b.export_state = ?");
            args.push(e.as_str().into());
        }
        if let Some(y) = f.year {
            sql.push_str(" AND b.fiscal_year = CAST(? AS INTEGER)");
            args.push(y.to_string());
        }
        if let Some(j) = &f.journal {
            sql.push_str(" AND b.journal = ?");
            args.push(j.clone());
        }
        if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let amount = s.replace(' ', "").replace(',', ".").parse::<Decimal>().ok();
            let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| NaiveDate::parse_from_str(s, "%d/%m/%Y").ok());
            sql.push_str(" AND b.id IN (SELECT e.batch_id FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE ");
            if let Some(d) = date {
                sql.push_str("e.entry_date = CAST(? AS DATE) OR e.piece_date = CAST(? AS DATE) OR l.due_date = CAST(? AS DATE))");
                args.extend([d.to_string(), d.to_string(), d.to_string()]);
            } else if let Some(a) = amount {
                sql.push_str("l.debit = CAST(? AS DECIMAL(18,2)) OR l.credit = CAST(? AS DECIMAL(18,2)) OR e.piece_ref ILIKE ?)");
                args.extend([a.abs().to_string(), a.abs().to_string(), format!("%{s}%")]);
            } else {
                sql.push_str("e.label ILIKE ? OR e.piece_ref ILIKE ? OR l.label ILIKE ? OR l.account = ? OR l.aux_account ILIKE ?)");
                let like = format!("%{s}%");
                args.extend([like.clone(), like.clone(), like, s.to_string(), s.to_string()]);
            }
        }
        sql.push_str(" ORDER BY b.id DESC");
        let mut q = self.conn.prepare(&sql)?;
        let rows = q.query_map(duckdb::params_from_iter(args.iter()), batch_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// A batch by id or by number (`B000012`).
    pub fn batch(&self, key: &str) -> Result<BatchRow> {
        batch_by_key(&self.conn, key)
    }

    /// The entries of a batch, in order, with their source files.
    pub fn batch_entries(&self, batch_id: i64) -> Result<Vec<StoredBatchEntry>> {
        load_entries(&self.conn, "e.batch_id = ?", batch_id)
    }

    pub fn entry(&self, entry_id: i64) -> Result<StoredBatchEntry> {
        load_entries(&self.conn, "e.id = ?", entry_id)?.pop().ok_or_else(|| anyhow!("no entry {entry_id}"))
    }

    /// hold, balance, release, post, schedule or void one batch.
    pub fn transition(&mut self, key: &str, action: Action, ctx: &Ctx<'_>) -> Result<Status> {
        let opts = &ctx.rules.batches;
        let tx = self.conn.transaction()?;
        let b = batch_by_key(&tx, key)?;
        let to = batch::next_status(&b.facts(), action, opts).map_err(|r| refusal(&b, r))?;
        let now = now_text();
        match to {
            Status::Posted => {
                if b.status == Status::Balanced {
                    tx.prepare_cached("UPDATE batches SET released_at = CAST(? AS TIMESTAMP) WHERE id = ?")?.execute( params![now, b.id])?;
                    event(&tx, ctx.actor, b.id, None, "batch-released", json!({"batch": b.number}))?;
                }
                post_batch(&tx, &b, ctx, &now)?;
            }
            Status::Unposted => {
                check_postable(&tx, &b, &load_entries(&tx, "e.batch_id = ?", b.id)?, ctx)?;
                tx.prepare_cached("UPDATE batches SET status = 'unposted', released_at = CAST(? AS TIMESTAMP) WHERE id = ?")?.execute( params![now, b.id])?;
                event(&tx, ctx.actor, b.id, None, "batch-released", json!({"batch": b.number}))?;
            }
            Status::Void => {
                tx.prepare_cached("UPDATE batches SET status = 'void', next_run = NULL WHERE id = ?")?.execute( params![b.id])?;
                // The documents of a voided batch are no longer in the books: back to review.
                tx.prepare_cached("UPDATE documents SET state = 'review', review_reasons = ? WHERE id IN (SELECT document_id FROM entries WHERE batch_id = ? AND document_id IS NOT NULL)")?.execute(
                    params![serde_json::to_string(&[format!("its batch {} was voided", b.number)])?, b.id],
                )?;
                event(&tx, ctx.actor, b.id, None, "batch-voided", json!({"batch": b.number, "was": b.status}))?;
            }
            s => {
                if s != b.status {
                    tx.prepare_cached("UPDATE batches SET status = ? WHERE id = ?")?.execute( params![s.as_str(), b.id])?;
                    event(&tx, ctx.actor, b.id, None, &format!("batch-{}", action.name()), json!({"batch": b.number, "from": b.status, "to": s}))?;
                }
            }
        }
        tx.commit()?;
        Ok(to)
    }

    /// Enter the control total; a Balanced batch whose totals no longer
    /// match it goes On hold.
    pub fn set_control_total(&mut self, key: &str, total: Decimal, ctx: &Ctx<'_>) -> Result<Status> {
        let tx = self.conn.transaction()?;
        let b = batch_by_key(&tx, key)?;
        batch::next_status(&b.facts(), Action::Edit, &ctx.rules.batches).map_err(|r| refusal(&b, r))?;
        tx.prepare_cached("UPDATE batches SET control_total = CAST(? AS DECIMAL(18,2)) WHERE id = ?")?.execute( params![total.to_string(), b.id])?;
        let after = BatchFacts { control_total: Some(total), ..b.facts() };
        let status = match b.status {
            Status::OnHold => Status::OnHold,
            s => batch::status_after_edit(s, &after, &ctx.rules.batches, false).unwrap_or(Status::OnHold),
        };
        tx.prepare_cached("UPDATE batches SET status = ? WHERE id = ?")?.execute( params![status.as_str(), b.id])?;
        event(&tx, ctx.actor, b.id, None, "batch-control-total", json!({"batch": b.number, "control_total": total.to_string(), "status": status}))?;
        tx.commit()?;
        Ok(status)
    }

    /// A reversing batch of a posted batch: each entry's lines with debit
    /// and credit swapped, dated `date`, linked to the original.
    pub fn reverse_batch(&mut self, key: &str, date: NaiveDate, ctx: &Ctx<'_>, fiscal: impl Fn(NaiveDate) -> (i32, NaiveDate, NaiveDate)) -> Result<BatchRow> {
        let tx = self.conn.transaction()?;
        let b = batch_by_key(&tx, key)?;
        if b.status != Status::Posted {
            bail!("cannot reverse batch {}: it is {}; only a posted batch is reversed (an unposted one can still be edited or voided)", b.number, b.status);
        }
        if let Some(r) = tx
            .query_row("SELECT number FROM batches WHERE parent_id = ? AND kind = 'reversal' AND status <> 'void'", params![b.id], |r| r.get::<_, String>(0))
            .optional()?
        {
            bail!("batch {} is already reversed by batch {r}", b.number);
        }
        let originals = load_entries(&tx, "e.batch_id = ?", b.id)?;
        let (fy, fy_start, fy_end) = fiscal(date);
        let new = create_batch(&tx, &b.company, &b.journal, fy, fy_start, fy_end, None, &b.currency, BatchKind::Reversal, Some(b.id), &ctx.rules.batches)?;
        for o in &originals {
            let r = reversal_of(&o.entry, date);
            let rec = EntryRecord { entry: r, fiscal_year: fy, fy_start, fy_end, period: None, options: ctx.rules.batches.clone() };
            insert_entry_row(&tx, &b.company, &rec, o.document_id, new.0, Some(o.id))?;
        }
        let status = settle_new_batch(&tx, new.0, &ctx.rules.batches)?;
        event(&tx, ctx.actor, new.0, None, "batch-created", json!({"batch": new.1, "kind": "reversal", "reverses": b.number, "status": status}))?;
        event(&tx, ctx.actor, b.id, None, "batch-reversed", json!({"batch": b.number, "by": new.1}))?;
        tx.commit()?;
        self.batch(&new.0.to_string())
    }

    /// Change one entry. In an editable batch not yet exported, in place;
    /// in a posted or exported batch, through a new batch attached to it
    /// (an exported batch's changes never merge into another batch).
    pub fn edit_entry(&mut self, entry_id: i64, edit: &EntryEdit, ctx: &Ctx<'_>, fiscal: impl Fn(NaiveDate) -> (i32, NaiveDate, NaiveDate)) -> Result<EditOutcome> {
        let tx = self.conn.transaction()?;
        let old = load_entries(&tx, "e.id = ?", entry_id)?.pop().ok_or_else(|| anyhow!("no entry {entry_id}"))?;
        let b = batch_by_key(&tx, &old.batch_id.to_string())?;
        let mut new = old.entry.clone();
        apply_edit(&mut new, edit)?;
        check_accounts(&new, ctx.rules)?;
        let outcome = if b.status.editable() && b.export_state == ExportState::InProgress {
            if !edit.hold {
                new.validate().map_err(|e| anyhow!("entry {entry_id}: {e}; save it On hold (--hold) to finish later"))?;
            }
            rewrite_entry(&tx, entry_id, &old.entry, &new)?;
            let facts = batch_facts(&tx, b.id, b.control_total)?;
            let status = batch::status_after_edit(b.status, &facts, &ctx.rules.batches, edit.hold).map_err(|r| refusal(&b, r))?;
            tx.prepare_cached("UPDATE batches SET status = ? WHERE id = ?")?.execute( params![status.as_str(), b.id])?;
            event(&tx, ctx.actor, b.id, Some(entry_id), "entry-edited", json!({"batch": b.number, "before": entry_json(&old.entry), "after": entry_json(&new), "status": status}))?;
            EditOutcome::InPlace { batch: b.number.clone(), status }
        } else if b.status == Status::Posted || b.export_state != ExportState::InProgress {
            new.validate().map_err(|e| anyhow!("entry {entry_id}: {e}"))?;
            let kind = if b.export_state == ExportState::InProgress { BatchKind::Adjusting } else { BatchKind::Change };
            let (fy, fy_start, fy_end) = fiscal(new.date);
            let created = create_batch(&tx, &b.company, &b.journal, fy, fy_start, fy_end, None, &b.currency, kind, Some(b.id), &ctx.rules.batches)?;
            let rev = reversal_of(&old.entry, new.date);
            for (e, reverses) in [(rev, Some(entry_id)), (new.clone(), None)] {
                let rec = EntryRecord { entry: e, fiscal_year: fy, fy_start, fy_end, period: None, options: ctx.rules.batches.clone() };
                insert_entry_row(&tx, &b.company, &rec, old.document_id, created.0, reverses)?;
            }
            let status = settle_new_batch(&tx, created.0, &ctx.rules.batches)?;
            event(&tx, ctx.actor, created.0, Some(entry_id), "entry-edited", json!({"batch": created.1, "kind": kind, "attached_to": b.number, "before": entry_json(&old.entry), "after": entry_json(&new), "status": status}))?;
            EditOutcome::NewBatch { batch: created.1, kind, parent: b.number.clone() }
        } else {
            return Err(refusal(&b, Refusal(format!("cannot edit an entry of a batch that is {}: a released batch can no longer be edited; post it, then correct it", b.status))));
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// Attach a Balanced batch to a schedule: it becomes a template that
    /// generates a batch every `every` (day, week, month) from `start`.
    pub fn schedule_batch(&mut self, key: &str, every: &str, start: NaiveDate, ctx: &Ctx<'_>) -> Result<()> {
        if !matches!(every, "day" | "week" | "month") {
            bail!("schedule `{every}`: use day, week or month");
        }
        let tx = self.conn.transaction()?;
        let b = batch_by_key(&tx, key)?;
        batch::next_status(&b.facts(), Action::Schedule, &ctx.rules.batches).map_err(|r| refusal(&b, r))?;
        tx.prepare_cached("UPDATE batches SET status = 'scheduled', schedule = ?, next_run = ? WHERE id = ?")?.execute( params![every, start, b.id])?;
        event(&tx, ctx.actor, b.id, None, "batch-scheduled", json!({"batch": b.number, "every": every, "from": start}))?;
        tx.commit()?;
        Ok(())
    }

    /// Generate the batches due by `today` from every scheduled template;
    /// returns the new batch numbers.
    pub fn run_schedules(&mut self, company: &str, today: NaiveDate, ctx: &Ctx<'_>, fiscal: impl Fn(NaiveDate) -> (i32, NaiveDate, NaiveDate)) -> Result<Vec<String>> {
        let tx = self.conn.transaction()?;
        let due: Vec<(i64, String, NaiveDate)> = {
            let mut q = tx.prepare("SELECT id, schedule, next_run FROM batches WHERE company = ? AND status = 'scheduled' AND next_run <= ? ORDER BY id")?;
            let rows = q.query_map(params![company, today], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
            rows
        };
        let mut made = Vec::new();
        for (id, every, mut run) in due {
            let t = batch_by_key(&tx, &id.to_string())?;
            let template = load_entries(&tx, "e.batch_id = ?", id)?;
            while run <= today {
                let (fy, fy_start, fy_end) = fiscal(run);
                let new = create_batch(&tx, &t.company, &t.journal, fy, fy_start, fy_end, None, &t.currency, BatchKind::Generated, Some(id), &ctx.rules.batches)?;
                for e in &template {
                    let mut entry = e.entry.clone();
                    entry.date = run;
                    entry.piece_date = run;
                    let rec = EntryRecord { entry, fiscal_year: fy, fy_start, fy_end, period: None, options: ctx.rules.batches.clone() };
                    insert_entry_row(&tx, &t.company, &rec, None, new.0, None)?;
                }
                let status = settle_new_batch(&tx, new.0, &ctx.rules.batches)?;
                event(&tx, ctx.actor, new.0, None, "batch-created", json!({"batch": new.1, "kind": "generated", "template": t.number, "date": run, "status": status}))?;
                made.push(new.1);
                run = match every.as_str() {
                    "day" => run + chrono::Duration::days(1),
                    "week" => run + chrono::Duration::days(7),
                    _ => run.checked_add_months(Months::new(1)).context("schedule date out of range")?,
                };
            }
            tx.prepare_cached("UPDATE batches SET next_run = ?, schedule_runs = schedule_runs + 1 WHERE id = ?")?.execute( params![run, id])?;
        }
        tx.commit()?;
        Ok(made)
    }

    /// After an export: the batches' new export state.
    pub fn set_export_state(&mut self, batch_ids: &[i64], state: ExportState, error: Option<&str>, actor: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now = now_text();
        for id in batch_ids {
            tx.prepare_cached("UPDATE batches SET export_state = ?, export_error = ?, exported_at = CASE WHEN ? = 'exported' THEN CAST(? AS TIMESTAMP) ELSE exported_at END WHERE id = ?")?.execute(
                params![state.as_str(), error, state.as_str(), now, id],
            )?;
            event(&tx, actor, *id, None, &format!("batch-{}", state.as_str()), json!({"error": error}))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The hard lock the database holds for `company`.
    pub fn hard_lock(&self, company: &str) -> Result<Option<NaiveDate>> {
        Ok(self.conn.query_row("SELECT locked_through FROM hard_locks WHERE company = ?", params![company], |r| r.get(0)).optional()?)
    }

    /// Record the configured hard lock; it may only move forward.
    pub fn record_hard_lock(&mut self, company: &str, configured: Option<NaiveDate>, actor: &str) -> Result<Option<NaiveDate>> {
        let held = self.hard_lock(company)?;
        match (held, configured) {
            (Some(h), Some(c)) if c < h => bail!(
                "company {company}: the hard lock is recorded through {h} and is irreversible; ledger.yaml's locks.hard ({c}) cannot move it back"
            ),
            (_, Some(c)) if held != Some(c) => {
                let tx = self.conn.transaction()?;
                let now = now_text();
                if held.is_some() {
                    tx.prepare_cached("UPDATE hard_locks SET locked_through = ?, recorded_at = CAST(? AS TIMESTAMP) WHERE company = ?")?.execute( params![c, now, company])?;
                } else {
                    tx.prepare_cached("INSERT INTO hard_locks VALUES (?, ?, CAST(? AS TIMESTAMP))")?.execute( params![company, c, now])?;
                }
                tx.prepare_cached("INSERT INTO events (happened_at, actor, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, 'hard-lock', ?)")?.execute(
                    params![now, actor, json!({"company": company, "through": c, "was": held}).to_string()],
                )?;
                tx.commit()?;
                Ok(Some(c))
            }
            _ => Ok(held),
        }
    }
}

/// File a new entry (from `Store::commit`) into the open batch of its
/// company, journal, year, currency and period, creating it if needed.
pub(super) fn file_entry(tx: &Transaction<'_>, company: &str, er: &EntryRecord, document_id: i64, actor: &str) -> Result<(i64, i64, String)> {
    let e = &er.entry;
    let open: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, number FROM batches WHERE company = ? AND journal = ? AND fiscal_year = ? AND currency = ? AND period IS NOT DISTINCT FROM ?
             AND kind = 'normal' AND status IN ('on-hold', 'balanced') AND export_state = 'in-progress' ORDER BY id DESC LIMIT 1",
            params![company, e.journal, er.fiscal_year, e.currency, er.period],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (batch_id, number, created) = match open {
        Some((id, n)) => (id, n, false),
        None => {
            let (id, n) = create_batch(tx, company, &e.journal, er.fiscal_year, er.fy_start, er.fy_end, er.period.as_deref(), &e.currency, BatchKind::Normal, None, &er.options)?;
            (id, n, true)
        }
    };
    let entry_id = insert_entry_row(tx, company, er, Some(document_id), batch_id, None)?;
    let status = if created {
        settle_new_batch(tx, batch_id, &er.options)?
    } else {
        let (status, control): (String, Option<String>) =
            tx.prepare_cached("SELECT status, CAST(control_total AS VARCHAR) FROM batches WHERE id = ?")?.query_row( params![batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let before = Status::parse(&status).unwrap_or(Status::OnHold);
        // An entry balances, so a Balanced batch stays balanced; only a
        // control total entered before can stop matching. On hold stays
        // on hold until someone clears it.
        let after = if before == Status::Balanced && er.options.validate_control_total {
            let facts = batch_facts(tx, batch_id, control.as_deref().map(dec))?;
            batch::status_after_edit(before, &facts, &er.options, false).unwrap_or(Status::OnHold)
        } else {
            before
        };
        if after != before {
            tx.prepare_cached("UPDATE batches SET status = ? WHERE id = ?")?.execute( params![after.as_str(), batch_id])?;
        }
        after
    };
    if created {
        event(tx, actor, batch_id, None, "batch-created", json!({"batch": number, "kind": "normal", "status": status}))?;
    }
    Ok((batch_id, entry_id, number))
}

const BATCH_SELECT: &str = "SELECT b.id, b.number, b.company, b.journal, b.fiscal_year, b.period, b.currency, b.kind, b.parent_id, b.status, b.export_state, b.export_error,
    CAST(b.control_total AS VARCHAR), b.schedule, b.next_run, CAST(b.created_at AS VARCHAR),
    (SELECT count(*) FROM entries e WHERE e.batch_id = b.id),
    (SELECT count(*) FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.batch_id = b.id),
    (SELECT CAST(coalesce(sum(l.debit), 0) AS VARCHAR) FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.batch_id = b.id),
    (SELECT CAST(coalesce(sum(l.credit), 0) AS VARCHAR) FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.batch_id = b.id)
    FROM batches b";

fn batch_row(r: &duckdb::Row<'_>) -> duckdb::Result<BatchRow> {
    let status: String = r.get(9)?;
    let export: String = r.get(10)?;
    let kind: String = r.get(7)?;
    Ok(BatchRow {
        id: r.get(0)?,
        number: r.get(1)?,
        company: r.get(2)?,
        journal: r.get(3)?,
        fiscal_year: r.get(4)?,
        period: r.get(5)?,
        currency: r.get(6)?,
        kind: BatchKind::parse(&kind).unwrap_or(BatchKind::Normal),
        parent_id: r.get(8)?,
        status: Status::parse(&status).unwrap_or(Status::OnHold),
        export_state: ExportState::parse(&export).unwrap_or(ExportState::InProgress),
        export_error: r.get(11)?,
        control_total: r.get::<_, Option<String>>(12)?.map(|s| dec(&s)),
        schedule: r.get(13)?,
        next_run: r.get(14)?,
        created_at: r.get(15)?,
        entries: r.get(16)?,
        lines: r.get(17)?,
        debit: dec(&r.get::<_, String>(18)?),
        credit: dec(&r.get::<_, String>(19)?),
    })
}

fn batch_by_key(conn: &duckdb::Connection, key: &str) -> Result<BatchRow> {
    let key = key.trim();
    let sql = format!("{BATCH_SELECT} WHERE b.number = ? OR CAST(b.id AS VARCHAR) = ?");
    conn.query_row(&sql, params![key, key], batch_row).optional()?.ok_or_else(|| anyhow!("no batch `{key}` (give its id or its number, e.g. B000001)"))
}

fn refusal(b: &BatchRow, r: Refusal) -> anyhow::Error {
    anyhow!("batch {}: {r}", b.number)
}

fn batch_facts(tx: &duckdb::Connection, batch_id: i64, control_total: Option<Decimal>) -> Result<BatchFacts> {
    let (lines, d, c): (i64, String, String) = tx.prepare_cached("SELECT count(*), CAST(coalesce(sum(l.debit), 0) AS VARCHAR), CAST(coalesce(sum(l.credit), 0) AS VARCHAR) FROM entries e JOIN entry_lines l ON l.entry_id = e.id WHERE e.batch_id = ?")?.query_row(
        params![batch_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(BatchFacts { status: Status::OnHold, lines: lines as usize, debit: dec(&d), credit: dec(&c), control_total })
}

#[allow(clippy::too_many_arguments)]
fn create_batch(
    tx: &Transaction<'_>,
    company: &str,
    journal: &str,
    fy: i32,
    fy_start: NaiveDate,
    fy_end: NaiveDate,
    period: Option<&str>,
    currency: &str,
    kind: BatchKind,
    parent: Option<i64>,
    opts: &BatchOptions,
) -> Result<(i64, String)> {
    let n: i64 = tx.prepare_cached("SELECT coalesce(max(next), 1) FROM numbering WHERE name = 'batch'")?.query_row( [], |r| r.get(0))?;
    if tx.prepare_cached("UPDATE numbering SET next = ? WHERE name = 'batch'")?.execute( params![n + 1])? == 0 {
        tx.prepare_cached("INSERT INTO numbering VALUES ('batch', ?)")?.execute( params![n + 1])?;
    }
    let number = batch::batch_number(&opts.number_prefix, n);
    let id: i64 = tx.prepare_cached("INSERT INTO batches (number, company, journal, fiscal_year, fy_start, fy_end, period, currency, kind, parent_id, status, export_state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'on-hold', 'in-progress', CAST(? AS TIMESTAMP)) RETURNING id")?.query_row(
        params![number, company, journal, fy, fy_start, fy_end, period, currency, kind.as_str(), parent, now_text()],
        |r| r.get(0),
    )?;
    Ok((id, number))
}

/// The status of a batch just filled: Balanced or On hold.
fn settle_new_batch(tx: &Transaction<'_>, batch_id: i64, opts: &BatchOptions) -> Result<Status> {
    let facts = batch_facts(tx, batch_id, None)?;
    let status = batch::status_on_save(&facts, opts, false);
    tx.prepare_cached("UPDATE batches SET status = ? WHERE id = ?")?.execute( params![status.as_str(), batch_id])?;
    Ok(status)
}

/// Insert an unnumbered entry and its lines into a batch.
fn insert_entry_row(tx: &Transaction<'_>, company: &str, er: &EntryRecord, document_id: Option<i64>, batch_id: i64, reverses: Option<i64>) -> Result<i64> {
    let e = &er.entry;
    let entry_id: i64 = tx.prepare_cached("INSERT INTO entries (company, journal, journal_label, fiscal_year, fy_start, fy_end, entry_date, piece_ref, piece_date, label, currency, document_id, batch_id, reverses_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")?.query_row(
        params![company, e.journal, e.journal_label, er.fiscal_year, er.fy_start, er.fy_end, e.date, e.piece_ref, e.piece_date, e.label, e.currency, document_id, batch_id, reverses],
        |r| r.get(0),
    )?;
    let mut ins = tx.prepare_cached("INSERT INTO entry_lines VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), CAST(? AS DECIMAL(18,2)), ?)")?;
    for (i, l) in e.lines.iter().enumerate() {
        ins.execute(params![entry_id, (i + 1) as i32, l.account, l.account_label, l.aux_account, l.aux_label, l.label, l.debit.to_string(), l.credit.to_string(), l.due_date])?;
    }
    Ok(entry_id)
}

/// Replace an unposted entry's content: changed lines are updated, extra
/// ones deleted, new ones inserted (never a delete and re-insert of one key).
fn rewrite_entry(tx: &Transaction<'_>, entry_id: i64, old: &Entry, new: &Entry) -> Result<()> {
    assert_unposted(tx, entry_id)?;
    tx.prepare_cached("UPDATE entries SET entry_date = ?, piece_ref = ?, piece_date = ?, label = ? WHERE id = ?")?.execute(
        params![new.date, new.piece_ref, new.piece_date, new.label, entry_id],
    )?;
    for (i, l) in new.lines.iter().enumerate() {
        let n = (i + 1) as i32;
        if i < old.lines.len() {
            tx.prepare_cached("UPDATE entry_lines SET account = ?, account_label = ?, aux_account = ?, aux_label = ?, label = ?, debit = CAST(? AS DECIMAL(18,2)), credit = CAST(? AS DECIMAL(18,2)), due_date = ? WHERE entry_id = ? AND line_no = ?")?.execute(
                params![l.account, l.account_label, l.aux_account, l.aux_label, l.label, l.debit.to_string(), l.credit.to_string(), l.due_date, entry_id, n],
            )?;
        } else {
            tx.prepare_cached("INSERT INTO entry_lines VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), CAST(? AS DECIMAL(18,2)), ?)")?.execute(
                params![entry_id, n, l.account, l.account_label, l.aux_account, l.aux_label, l.label, l.debit.to_string(), l.credit.to_string(), l.due_date],
            )?;
        }
    }
    tx.prepare_cached("DELETE FROM entry_lines WHERE entry_id = ? AND line_no > ?")?.execute( params![entry_id, new.lines.len() as i32])?;
    Ok(())
}

/// The store's own guard: no code path changes a posted entry.
fn assert_unposted(tx: &duckdb::Connection, entry_id: i64) -> Result<()> {
    let (status, number): (String, Option<i32>) = tx.prepare_cached("SELECT b.status, e.number FROM entries e JOIN batches b ON b.id = e.batch_id WHERE e.id = ?")?.query_row(
        params![entry_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if status == "posted" || status == "unposted" || number.is_some() {
        bail!("entry {entry_id} is in a {status} batch: posted and released entries are never updated nor deleted");
    }
    Ok(())
}

impl Store {
    /// Change a line in place: refused for a posted or released entry,
    /// whoever calls it (the guard every in-place write goes through).
    pub fn update_line_amounts(&mut self, entry_id: i64, line_no: i32, debit: Decimal, credit: Decimal) -> Result<()> {
        let tx = self.conn.transaction()?;
        assert_unposted(&tx, entry_id)?;
        tx.prepare_cached("UPDATE entry_lines SET debit = CAST(? AS DECIMAL(18,2)), credit = CAST(? AS DECIMAL(18,2)) WHERE entry_id = ? AND line_no = ?")?.execute(
            params![debit.to_string(), credit.to_string(), entry_id, line_no],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Delete an entry of an editable batch; refused once released or posted.
    pub fn delete_entry(&mut self, entry_id: i64, actor: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        assert_unposted(&tx, entry_id)?;
        let old = load_entries(&tx, "e.id = ?", entry_id)?.pop().ok_or_else(|| anyhow!("no entry {entry_id}"))?;
        tx.prepare_cached("DELETE FROM entry_lines WHERE entry_id = ?")?.execute( params![entry_id])?;
        tx.prepare_cached("DELETE FROM entries WHERE id = ?")?.execute( params![entry_id])?;
        event(&tx, actor, old.batch_id, Some(entry_id), "entry-deleted", json!({"entry": entry_json(&old.entry)}))?;
        tx.commit()?;
        Ok(())
    }
}

fn check_accounts(e: &Entry, rules: &LedgerRules) -> Result<()> {
    if let Some(l) = e.lines.iter().find(|l| l.account == rules.net_income_account) {
        bail!("account {} is the year-to-date net income account (ledger.yaml net_income_account): no line may use it (line `{}`)", l.account, l.label);
    }
    Ok(())
}

/// Refuse a release or post the rules forbid: locked periods, the net
/// income account, unbalanced entries.
fn check_postable(tx: &duckdb::Connection, b: &BatchRow, entries: &[StoredBatchEntry], ctx: &Ctx<'_>) -> Result<()> {
    let hard: Option<NaiveDate> = tx.prepare_cached("SELECT locked_through FROM hard_locks WHERE company = ?")?.query_row( params![b.company], |r| r.get(0)).optional()?;
    for e in entries {
        e.entry.validate().map_err(|err| anyhow!("batch {}: entry {} ({}): {err}", b.number, e.id, e.entry.piece_ref))?;
        check_accounts(&e.entry, ctx.rules).map_err(|err| anyhow!("batch {}: entry {}: {err}", b.number, e.id))?;
        match ctx.rules.lock_state(e.entry.date, hard) {
            LockState::Hard(h) => bail!("batch {}: entry {} is dated {}, in the hard-locked period (through {h}): nothing is posted there", b.number, e.id, e.entry.date),
            LockState::Soft(s) if !ctx.force => bail!(
                "batch {}: entry {} is dated {}, in the soft-locked period (through {s}); post with --force to override",
                b.number,
                e.id,
                e.entry.date
            ),
            _ => {}
        }
    }
    Ok(())
}

/// Number the batch's entries (gap-free per company, journal and year),
/// seal them in the company's hash chain and mark the batch posted.
fn post_batch(tx: &Transaction<'_>, b: &BatchRow, ctx: &Ctx<'_>, now: &str) -> Result<()> {
    let mut entries = load_entries(tx, "e.batch_id = ?", b.id)?;
    check_postable(tx, b, &entries, ctx)?;
    let (mut seq, mut prev): (i64, String) = tx
        .query_row(
            "SELECT chain_seq, hash FROM entries WHERE company = ? AND chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1",
            params![b.company],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    // Numbers follow the entries' dates within the batch.
    entries.sort_by_key(|e| (e.entry.date, e.id));
    let mut next: HashMap<(String, i32), i32> = HashMap::new();
    let mut numbered = Vec::with_capacity(entries.len());
    let mut values = Vec::with_capacity(entries.len());
    for e in &entries {
        let key = (e.entry.journal.clone(), e.fiscal_year);
        if !next.contains_key(&key) {
            let n: i32 = tx.prepare_cached("SELECT coalesce(max(number), 0) + 1 FROM entries WHERE company = ? AND journal = ? AND fiscal_year = ?")?.query_row(
                params![b.company, key.0, key.1],
                |r| r.get(0),
            )?;
            next.insert(key.clone(), n);
        }
        let slot = next.get_mut(&key).expect("inserted above");
        let number = *slot;
        *slot += 1;
        seq += 1;
        let hash = entry_hash(&prev, Seal { company: &b.company, fiscal_year: e.fiscal_year, number, batch_number: &b.number }, &e.entry);
        // Only integers and hex digests: safe to write inline.
        values.push(format!("({}, {number}, {seq}, '{prev}', '{hash}')", e.id));
        numbered.push(json!({"entry": e.id, "number": number, "piece_ref": e.entry.piece_ref}));
        prev = hash;
    }
    for chunk in values.chunks(2000) {
        tx.execute(
            &format!(
                "UPDATE entries SET number = v.number, validated_at = CAST(? AS TIMESTAMP), chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
                 FROM (VALUES {}) AS v(id, number, seq, prev, hash) WHERE entries.id = v.id",
                chunk.join(", ")
            ),
            params![now],
        )?;
    }
    tx.prepare_cached("UPDATE batches SET status = 'posted', posted_at = CAST(? AS TIMESTAMP) WHERE id = ?")?.execute( params![now, b.id])?;
    event(tx, ctx.actor, b.id, None, "batch-posted", json!({"batch": b.number, "entries": numbered}))?;
    Ok(())
}

fn apply_edit(e: &mut Entry, edit: &EntryEdit) -> Result<()> {
    if let Some(d) = edit.date {
        e.date = d;
    }
    if let Some(l) = &edit.label {
        e.label = l.clone();
    }
    if let Some(p) = &edit.piece_ref {
        e.piece_ref = p.clone();
    }
    for (n, field, value) in &edit.lines {
        if *n == 0 || *n > e.lines.len() + 1 {
            bail!("line {n}: the entry has {} lines (a new line is number {})", e.lines.len(), e.lines.len() + 1);
        }
        if *n == e.lines.len() + 1 {
            e.lines.push(Line::debit("", "", &e.label.clone(), Decimal::ZERO));
        }
        let l = &mut e.lines[n - 1];
        let amount = |v: &str| -> Result<Decimal> {
            let d: Decimal = v.trim().replace(',', ".").parse().map_err(|_| anyhow!("line {n}: `{v}` is not an amount (use 1234.56)"))?;
            Ok(crate::ledger::round2(d))
        };
        match field.as_str() {
            "account" => {
                if let Some(p) = crate::ledger::accounts::account_problem(value) {
                    bail!("line {n}: {p}");
                }
                l.account = value.clone();
            }
            "aux_account" => l.aux_account = (!value.is_empty()).then(|| value.clone()),
            "label" => l.label = value.clone(),
            "debit" => l.debit = amount(value)?,
            "credit" => l.credit = amount(value)?,
            "due_date" => l.due_date = if value.is_empty() { None } else { Some(NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| anyhow!("line {n}: due_date `{value}`: use YYYY-MM-DD"))?) },
            other => bail!("line {n}: unknown field `{other}` (account, aux_account, label, debit, credit, due_date)"),
        }
    }
    Ok(())
}

/// The reversing entry, labelled so on every line (the FEC shows line labels).
fn reversal_of(e: &Entry, date: NaiveDate) -> Entry {
    let mut r = e.reversal(date, &e.piece_ref, &format!("Extourne {}", e.label));
    for l in &mut r.lines {
        l.label = format!("Extourne {}", l.label);
    }
    r
}

fn entry_json(e: &Entry) -> serde_json::Value {
    json!({
        "date": e.date, "piece_ref": e.piece_ref, "label": e.label,
        "lines": e.lines.iter().map(|l| json!({"account": l.account, "aux_account": l.aux_account, "label": l.label, "debit": l.debit.to_string(), "credit": l.credit.to_string(), "due_date": l.due_date})).collect::<Vec<_>>(),
    })
}

fn event(tx: &duckdb::Connection, actor: &str, batch_id: i64, entry_id: Option<i64>, kind: &str, detail: serde_json::Value) -> Result<()> {
    tx.prepare_cached("INSERT INTO events (happened_at, actor, source_id, document_id, entry_id, batch_id, kind, detail)
         SELECT CAST(? AS TIMESTAMP), ?, d.source_id, e.document_id, ?, ?, ?, ? FROM (SELECT 1) AS one
         LEFT JOIN entries e ON e.id = ? LEFT JOIN documents d ON d.id = e.document_id")?.execute(
        params![now_text(), actor, entry_id, batch_id, kind, detail.to_string(), entry_id],
    )?;
    Ok(())
}

/// Entries matching `cond` (one `?` bound to `arg`), with their lines.
pub(super) fn load_entries(conn: &duckdb::Connection, cond: &str, arg: i64) -> Result<Vec<StoredBatchEntry>> {
    let sql = format!(
        "SELECT e.id, e.batch_id, e.number, e.fiscal_year, e.document_id, s.stored_path, e.hash, e.journal, e.journal_label, e.entry_date, e.piece_ref, e.piece_date, e.label, e.currency
         FROM entries e LEFT JOIN documents d ON d.id = e.document_id LEFT JOIN sources s ON s.id = d.source_id WHERE {cond} ORDER BY e.id"
    );
    let mut q = conn.prepare(&sql)?;
    let heads = q
        .query_map(params![arg], |r| {
            Ok(StoredBatchEntry {
                id: r.get(0)?,
                batch_id: r.get(1)?,
                number: r.get(2)?,
                fiscal_year: r.get(3)?,
                document_id: r.get(4)?,
                source_file: r.get(5)?,
                hash: r.get(6)?,
                entry: Entry {
                    journal: r.get(7)?,
                    journal_label: r.get(8)?,
                    date: r.get(9)?,
                    piece_ref: r.get(10)?,
                    piece_date: r.get(11)?,
                    label: r.get(12)?,
                    currency: r.get(13)?,
                    lines: Vec::new(),
                },
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    // All lines in one query, grouped back by entry (both in id order).
    let mut lq = conn.prepare(&format!(
        "SELECT l.entry_id, {} FROM entry_lines l JOIN entries e ON e.id = l.entry_id WHERE {cond} ORDER BY l.entry_id, l.line_no",
        super::LINE_COLUMNS
    ))?;
    let mut rows = lq.query(params![arg])?;
    let mut out = heads;
    let mut at = 0;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        while at < out.len() && out[at].id < id {
            at += 1;
        }
        let Some(h) = out.get_mut(at).filter(|h| h.id == id) else { continue };
        h.entry.lines.push(super::line_at(r, 1)?);
    }
    Ok(out)
}
