//! What `replay` compares against: the documents already processed, as
//! the books hold them (category, fields, the accounts of their entry).

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::NaiveDate;
use duckdb::params;
use serde::{Deserialize, Serialize};

use super::Store;

/// One processed document and the file it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessedDoc {
    pub id: i64,
    pub original_name: String,
    pub stored_path: String,
    pub inbox: String,
    pub pages: Vec<u32>,
    pub category: String,
    pub state: String,
    pub fields: BTreeMap<String, String>,
    /// The entry's lines as `D 606000 100.00` / `C 401000/AUX 120.00`.
    pub lines: Vec<String>,
}

/// How a line is compared: side, account (with its auxiliary) and amount.
pub fn line_key(account: &str, aux: Option<&str>, debit: &str, credit: &str) -> String {
    let account = match aux.filter(|a| !a.is_empty()) {
        Some(a) => format!("{account}/{a}"),
        None => account.to_string(),
    };
    if debit.parse::<rust_decimal::Decimal>().is_ok_and(|d| !d.is_zero()) {
        format!("D {account} {debit}")
    } else {
        format!("C {account} {credit}")
    }
}

impl Store {
    /// Documents of processed (archived) files received on or after `since`,
    /// bank statements left out, oldest first.
    pub fn processed_documents(&self, since: Option<NaiveDate>) -> Result<Vec<ProcessedDoc>> {
        let mut q = self.conn.prepare(
            "SELECT d.id, s.original_name, s.stored_path, s.inbox, d.pages, d.category, d.state
             FROM documents d JOIN sources s ON s.id = d.source_id
             WHERE s.state = 'processed' AND d.state <> 'split' AND d.category <> 'bank_statement' AND (? IS NULL OR CAST(s.received_at AS DATE) >= ?)
             ORDER BY s.received_at, d.id",
        )?;
        let mut docs: Vec<ProcessedDoc> = q
            .query_map(params![since, since], |r| {
                Ok(ProcessedDoc {
                    id: r.get(0)?,
                    original_name: r.get(1)?,
                    stored_path: r.get(2)?,
                    inbox: r.get(3)?,
                    pages: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
                    category: r.get(5)?,
                    state: r.get(6)?,
                    fields: BTreeMap::new(),
                    lines: Vec::new(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut fields = self.conn.prepare("SELECT name, value FROM fields WHERE document_id = ?")?;
        // The document's own entry: the first one filed for it (not a later correction).
        let mut lines = self.conn.prepare(
            "SELECT l.account, l.aux_account, CAST(l.debit AS VARCHAR), CAST(l.credit AS VARCHAR) FROM entry_lines l
             WHERE l.entry_id = (SELECT min(id) FROM entries WHERE document_id = ?) ORDER BY l.line_no",
        )?;
        for d in &mut docs {
            d.fields = fields.query_map(params![d.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            d.lines = lines
                .query_map(params![d.id], |r| Ok(line_key(&r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?.as_deref(), &r.get::<_, String>(2)?, &r.get::<_, String>(3)?)))?
                .collect::<Result<_, _>>()?;
        }
        Ok(docs)
    }
}

/// Which marks gave a value, per pipeline, on the documents of the last
/// `days` days: `check` names the active marks that found nothing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MarkUse {
    pub pipeline: String,
    pub documents: usize,
    /// Mark names seen as a field's source (`mark:NAME`).
    pub marks: Vec<String>,
}

impl Store {
    pub fn recent_mark_use(&self, days: u32) -> Result<Vec<MarkUse>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.pipeline, count(DISTINCT d.id), string_agg(DISTINCT substr(f.source, 6), '\n') FILTER (WHERE f.source LIKE 'mark:%')
             FROM documents d LEFT JOIN fields f ON f.document_id = d.id
             WHERE d.created_at >= now()::TIMESTAMP - to_days(CAST(? AS INTEGER)) AND d.state <> 'split'
             GROUP BY d.pipeline ORDER BY d.pipeline",
        )?;
        let rows = stmt.query_map(params![days as i32], |r| {
            let marks: Option<String> = r.get(2)?;
            Ok(MarkUse { pipeline: r.get(0)?, documents: r.get::<_, i64>(1)? as usize, marks: marks.map(|m| m.lines().map(String::from).collect()).unwrap_or_default() })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
