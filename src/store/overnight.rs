//! The overnight tables: schedule runs, the mail outbox, notices for the
//! next report, and what a report counts.

use anyhow::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use duckdb::{params, OptionalExt};
use serde::Serialize;

use super::{now_text, Store};

/// A mail waiting in the outbox.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    pub recipients: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<String>,
    pub attempts: i32,
}

/// What a report tells, for the window `since..until` (local time).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportData {
    pub since: String,
    pub until: String,
    pub received: i64,
    pub posted: i64,
    pub duplicates: i64,
    /// (file, reasons) of every document waiting for review now.
    pub review: Vec<(String, String)>,
    /// (file, reason) of the files that failed in the window.
    pub failed: Vec<(String, String)>,
    /// (batch, journal, year) exported in the window.
    pub exported: Vec<(String, String, i32)>,
    /// (batch, error) of the batches whose export failed and waits.
    pub export_failed: Vec<(String, String)>,
    /// (journal, entries, debit total) filed in the window.
    pub journals: Vec<(String, i64, String)>,
    /// Files received per hour of the window's last 24 hours (0 = midnight).
    pub per_hour: Vec<i64>,
    /// Configuration reloads refused and other things to tell.
    pub notices: Vec<(i64, String)>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

impl Store {
    pub fn run_started(&mut self, schedule: &str, job: &str, due: DateTime<Utc>, catch_up: bool) -> Result<i64> {
        Ok(self.conn.query_row(
            "INSERT INTO schedule_runs (schedule, job, due_at, started_at, outcome, catch_up) VALUES (?, ?, CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), 'running', ?) RETURNING id",
            params![schedule, job, ts(due), ts(Utc::now()), catch_up],
            |r| r.get(0),
        )?)
    }

    pub fn run_finished(&mut self, id: i64, outcome: &str, detail: &serde_json::Value) -> Result<()> {
        self.conn.execute(
            "UPDATE schedule_runs SET finished_at = CAST(? AS TIMESTAMP), outcome = ?, detail = ? WHERE id = ?",
            params![ts(Utc::now()), outcome, detail.to_string(), id],
        )?;
        Ok(())
    }

    /// The due time of a schedule's last run (any outcome), for catching up.
    pub fn last_due(&self, schedule: &str) -> Result<Option<DateTime<Utc>>> {
        let t: Option<NaiveDateTime> = self.conn.query_row("SELECT max(due_at) FROM schedule_runs WHERE schedule = ?", params![schedule], |r| r.get(0)).optional()?.flatten();
        Ok(t.map(|n| n.and_utc()))
    }

    /// Runs of a schedule, newest first: (due, outcome, detail).
    pub fn runs(&self, schedule: &str) -> Result<Vec<(String, String, Option<String>)>> {
        let mut q = self.conn.prepare("SELECT CAST(due_at AS VARCHAR), outcome, detail FROM schedule_runs WHERE schedule = ? ORDER BY id DESC")?;
        let rows = q.query_map(params![schedule], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn queue_mail(&mut self, recipients: &[String], subject: &str, text: &str, html: &str, attachments: &[String]) -> Result<i64> {
        Ok(self.conn.query_row(
            "INSERT INTO outbox (created_at, recipients, subject, text_body, html_body, attachments, attempts, next_attempt_at) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, 0, CAST(? AS TIMESTAMP)) RETURNING id",
            params![ts(Utc::now()), serde_json::to_string(recipients)?, subject, text, html, serde_json::to_string(attachments)?, ts(Utc::now())],
            |r| r.get(0),
        )?)
    }

    /// Mail due for a (new) attempt at `now`; `only` restricts to one id.
    pub fn due_mail(&self, now: DateTime<Utc>, only: Option<i64>) -> Result<Vec<QueuedMail>> {
        let mut q = self.conn.prepare(
            "SELECT id, recipients, subject, text_body, html_body, attachments, attempts FROM outbox
             WHERE sent_at IS NULL AND (? IS NOT NULL AND id = ? OR ? IS NULL AND next_attempt_at <= CAST(? AS TIMESTAMP)) ORDER BY id",
        )?;
        let rows = q
            .query_map(params![only, only, only, ts(now)], |r| {
                Ok(QueuedMail {
                    id: r.get(0)?,
                    recipients: serde_json::from_str(&r.get::<_, String>(1)?).unwrap_or_default(),
                    subject: r.get(2)?,
                    text: r.get(3)?,
                    html: r.get(4)?,
                    attachments: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                    attempts: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn mail_sent(&mut self, id: i64) -> Result<()> {
        self.conn.execute("UPDATE outbox SET sent_at = CAST(? AS TIMESTAMP), attempts = attempts + 1, last_error = NULL WHERE id = ?", params![ts(Utc::now()), id])?;
        Ok(())
    }

    /// A failed attempt: retried after 30 s, doubling up to an hour.
    pub fn mail_failed(&mut self, id: i64, attempts_before: i32, error: &str) -> Result<DateTime<Utc>> {
        let wait = 30i64.saturating_mul(1i64 << attempts_before.clamp(0, 7)).min(3600);
        let next = Utc::now() + chrono::Duration::seconds(wait);
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = CAST(? AS TIMESTAMP) WHERE id = ?",
            params![error, ts(next), id],
        )?;
        Ok(next)
    }

    /// Mail still waiting: (id, subject, attempts, last error).
    pub fn unsent_mail(&self) -> Result<Vec<(i64, String, i32, Option<String>)>> {
        let mut q = self.conn.prepare("SELECT id, subject, attempts, last_error FROM outbox WHERE sent_at IS NULL ORDER BY id")?;
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn add_notice(&mut self, kind: &str, message: &str) -> Result<()> {
        self.conn.execute("INSERT INTO notices (happened_at, kind, message) VALUES (CAST(? AS TIMESTAMP), ?, ?)", params![now_text(), kind, message])?;
        Ok(())
    }

    pub fn notices_reported(&mut self, ids: &[i64]) -> Result<()> {
        for id in ids {
            self.conn.execute("UPDATE notices SET reported_at = CAST(? AS TIMESTAMP) WHERE id = ?", params![now_text(), id])?;
        }
        Ok(())
    }

    /// When the last report mail was queued (local time), if ever.
    pub fn last_report_at(&self) -> Result<Option<NaiveDateTime>> {
        let t: Option<NaiveDateTime> = self.conn.query_row("SELECT max(created_at) FROM outbox WHERE subject LIKE 'paperledger report%'", [], |r| r.get(0)).optional()?.flatten();
        // The outbox stores UTC; the report window is local time.
        Ok(t.map(|u| u.and_utc().with_timezone(&chrono::Local).naive_local()))
    }

    /// Everything a report counts between `since` and `until` (local time).
    pub fn report_data(&self, since: NaiveDateTime, until: NaiveDateTime) -> Result<ReportData> {
        let c = &self.conn;
        let (s, u) = (since.format("%Y-%m-%d %H:%M:%S%.6f").to_string(), until.format("%Y-%m-%d %H:%M:%S%.6f").to_string());
        let count = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, params![s, u], |r| r.get(0))?) };
        let pairs = |sql: &str, bind: bool| -> Result<Vec<(String, String)>> {
            let mut q = c.prepare(sql)?;
            let rows = if bind {
                q.query_map(params![s, u], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default())))?.collect::<Result<Vec<_>, _>>()?
            } else {
                q.query_map([], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default())))?.collect::<Result<Vec<_>, _>>()?
            };
            Ok(rows)
        };
        let window = "BETWEEN CAST(? AS TIMESTAMP) AND CAST(? AS TIMESTAMP)";
        let shown = |t: NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
        let mut d = ReportData { since: shown(since), until: shown(until), ..Default::default() };
        d.received = count(&format!("SELECT count(*) FROM sources WHERE received_at {window}"))?;
        d.duplicates = count(&format!("SELECT count(*) FROM sources WHERE state = 'duplicate' AND received_at {window}"))?;
        d.posted = count(&format!("SELECT count(*) FROM documents WHERE state = 'posted' AND created_at {window}"))?;
        d.review = pairs(
            "SELECT s.original_name || CASE WHEN d.pages <> '[1]' THEN ' (pages ' || d.pages || ')' ELSE '' END, d.review_reasons
             FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.state = 'review' ORDER BY d.id",
            false,
        )?;
        d.failed = pairs(&format!("SELECT original_name, reason FROM sources WHERE state = 'failed' AND received_at {window} ORDER BY id"), true)?;
        {
            let mut q = c.prepare(&format!(
                "SELECT DISTINCT b.number, b.journal, b.fiscal_year FROM events e JOIN batches b ON b.id = e.batch_id WHERE e.kind = 'batch-exported' AND e.happened_at {window} ORDER BY 1"
            ))?;
            d.exported = q.query_map(params![s, u], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
        }
        d.export_failed = pairs("SELECT number, export_error FROM batches WHERE export_state = 'export-failed' ORDER BY number", false)?;
        {
            let mut q = c.prepare(&format!(
                "SELECT e.journal, count(DISTINCT e.id), CAST(coalesce(sum(l.debit), 0) AS VARCHAR) FROM entries e JOIN entry_lines l ON l.entry_id = e.id
                 JOIN documents d ON d.id = e.document_id WHERE d.created_at {window} GROUP BY e.journal ORDER BY 1"
            ))?;
            d.journals = q.query_map(params![s, u], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
        }
        {
            let mut q = c.prepare(&format!("SELECT hour(received_at), count(*) FROM sources WHERE received_at {window} GROUP BY 1"))?;
            let mut hours = vec![0i64; 24];
            for row in q.query_map(params![s, u], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
                let (h, n) = row?;
                hours[(h as usize).min(23)] += n;
            }
            d.per_hour = hours;
        }
        {
            let mut q = c.prepare("SELECT id, kind || ': ' || message FROM notices WHERE reported_at IS NULL ORDER BY id")?;
            d.notices = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        }
        Ok(d)
    }
}

impl Store {
    /// Write the FEC of one company and fiscal year (posted entries, by
    /// journal and number) to `path` with DuckDB's own CSV writer: the
    /// same text as `export::fec::write_fec` (a test holds them equal),
    /// at the speed of `COPY`. `sep` is tab or `|`; UTF-8 only.
    pub fn copy_fec(&self, company: &str, fiscal_year: i32, sep: char, batch: Option<i64>, path: &std::path::Path) -> Result<u64> {
        // The separator and an impossible quote character go in as themselves.
        let sep_sql = sep.to_string();
        let quote = '\u{1}';
        // Fields may not hold the separator or a line break (as `clean`).
        // translate() maps each of these characters to a space (no regex: 5 M lines).
        let (from, to) = if sep == '|' { ("\t\n\r|", "    ") } else { ("\t\n\r", "   ") };
        let clean = |col: &str| format!("NULLIF(trim(translate({col}, '{from}', '{to}')), '')");
        let amount = |col: &str| format!("replace(CAST(CAST({col} AS DECIMAL(18,2)) AS VARCHAR), '.', ',')");
        let day = |col: &str| format!("strftime({col}, '%Y%m%d')");
        let foreign = format!("e.currency <> '{}'", crate::export::fec::BOOK_CURRENCY);
        let sql = format!(
            "COPY (SELECT {journal} AS JournalCode, {journal_label} AS JournalLib, e.number AS EcritureNum, {date} AS EcritureDate,
                    {account} AS CompteNum, {account_label} AS CompteLib, {aux} AS CompAuxNum, {aux_label} AS CompAuxLib,
                    {piece} AS PieceRef, {piece_date} AS PieceDate, {label} AS EcritureLib, {debit} AS Debit, {credit} AS Credit,
                    m.code AS EcritureLet, {let_date} AS DateLet, {valid} AS ValidDate,
                    CASE WHEN {foreign} THEN {foreign_amount} END AS Montantdevise, CASE WHEN {foreign} THEN {currency} END AS Idevise
             FROM entries e JOIN entry_lines l ON l.entry_id = e.id JOIN batches b ON b.id = e.batch_id
             LEFT JOIN (SELECT ml.entry_id, ml.line_no, max(g.code) AS code, max(g.matched_on) AS matched_on FROM match_lines ml JOIN match_groups g ON g.id = ml.group_id
                        WHERE g.undone_at IS NULL AND g.company = ? GROUP BY ml.entry_id, ml.line_no) m ON m.entry_id = l.entry_id AND m.line_no = l.line_no
             WHERE e.company = ? AND e.fiscal_year = ? AND e.number IS NOT NULL AND b.status = 'posted' AND (? IS NULL OR e.batch_id = ?)
             ORDER BY e.journal, e.number, l.line_no)
             TO '{path}' (FORMAT csv, DELIMITER '{sep_sql}', HEADER true, QUOTE '{quote}', NULLSTR '')",
            // Codes and account numbers are validated letters and digits: no cleaning.
            journal = "e.journal",
            journal_label = clean("e.journal_label"),
            date = day("e.entry_date"),
            account = "l.account",
            account_label = clean("l.account_label"),
            aux = "NULLIF(l.aux_account, '')",
            aux_label = clean("l.aux_label"),
            piece = clean("e.piece_ref"),
            piece_date = day("e.piece_date"),
            label = clean("CASE WHEN trim(l.label) = '' THEN e.label ELSE l.label END"),
            debit = amount("l.debit"),
            credit = amount("l.credit"),
            valid = day("CAST(e.validated_at AS DATE)"),
            let_date = day("m.matched_on"),
            foreign_amount = amount("l.debit + l.credit"),
            currency = "e.currency",
            path = path.display().to_string().replace('\'', "''"),
        );
        Ok(self.conn.execute(&sql, params![company, company, fiscal_year, batch, batch])? as u64)
    }
}
