//! The review queue: documents waiting for a person, their fields, the
//! corrections made to them and their approval. Every action is an event
//! of the document; a corrected field keeps its old value in that event.

use anyhow::{bail, Result};
use duckdb::params;
use serde::Serialize;
use serde_json::json;

use super::{batches, insert_document, now_text, CommittedDocument, DocumentRecord, EntryRecord, FieldRecord, Store, VatRecord};

/// One document as a reviewer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewDoc {
    pub id: i64,
    pub source_id: i64,
    pub company: String,
    pub inbox: String,
    pub file: String,
    pub stored_path: String,
    pub pages: Vec<u32>,
    pub category: String,
    pub state: String,
    pub reasons: Vec<String>,
    pub fields: Vec<FieldRecord>,
    #[serde(skip)]
    pub vat_lines: Vec<VatRecord>,
}

impl Store {
    /// Documents waiting for review, oldest first.
    pub fn review_queue(&self) -> Result<Vec<ReviewDoc>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT d.id FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.state = 'review' ORDER BY s.received_at, d.id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter().map(|id| self.review_doc(id)).collect()
    }

    pub fn review_doc(&self, id: i64) -> Result<ReviewDoc> {
        let head = self.conn.query_row(
            "SELECT d.source_id, d.company, s.inbox, s.original_name, s.stored_path, d.pages, d.category, d.state, coalesce(d.review_reasons, '[]')
             FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.id = ?",
            params![id],
            |r| {
                Ok(ReviewDoc {
                    id,
                    source_id: r.get(0)?,
                    company: r.get(1)?,
                    inbox: r.get(2)?,
                    file: r.get(3)?,
                    stored_path: r.get(4)?,
                    pages: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                    category: r.get(6)?,
                    state: r.get(7)?,
                    reasons: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
                    fields: Vec::new(),
                    vat_lines: Vec::new(),
                })
            },
        );
        let mut doc = match head {
            Ok(d) => d,
            Err(duckdb::Error::QueryReturnedNoRows) => bail!("no document doc:{id}"),
            Err(e) => return Err(e.into()),
        };
        doc.fields = self
            .conn
            .prepare("SELECT name, value, page, x0, y0, x1, y1, source, confidence FROM fields WHERE document_id = ? ORDER BY name")?
            .query_map(params![id], |r| {
                Ok(FieldRecord {
                    name: r.get(0)?,
                    value: r.get(1)?,
                    page: r.get::<_, i32>(2)? as u32,
                    bbox: [r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?],
                    source: r.get(7)?,
                    confidence: r.get::<_, f64>(8)? as f32,
                })
            })?
            .collect::<Result<_, _>>()?;
        doc.vat_lines = self
            .conn
            .prepare("SELECT CAST(rate AS VARCHAR), CAST(base AS VARCHAR), CAST(amount AS VARCHAR) FROM vat_lines WHERE document_id = ?")?
            .query_map(params![id], |r| {
                let d = |s: String| s.parse().unwrap_or_default();
                Ok(VatRecord { rate: d(r.get(0)?), base: d(r.get(1)?), amount: d(r.get(2)?) })
            })?
            .collect::<Result<_, _>>()?;
        Ok(doc)
    }

    /// A person's values for fields of a document waiting for review; the
    /// event keeps what each field held before.
    pub fn correct_fields(&mut self, id: i64, values: &[(String, String)], actor: &str) -> Result<()> {
        let doc = self.review_doc(id)?;
        if doc.state != "review" {
            bail!("doc:{id} is {}, not waiting for review: posted documents are corrected through their entry (`entry edit`)", doc.state);
        }
        let tx = self.conn.transaction()?;
        for (name, value) in values {
            let before = doc.fields.iter().find(|f| &f.name == name);
            if before.is_some_and(|f| &f.value == value) {
                continue; // the same value: nothing to record
            }
            let (page, bbox) = before.map_or((doc.pages.first().copied().unwrap_or(1), [0.0; 4]), |f| (f.page, f.bbox));
            tx.execute("DELETE FROM fields WHERE document_id = ? AND name = ?", params![id, name])?;
            tx.execute(
                "INSERT INTO fields (document_id, name, value, page, x0, y0, x1, y1, source, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1.0)",
                params![id, name, value, page as i32, bbox[0], bbox[1], bbox[2], bbox[3], format!("review:{actor}")],
            )?;
            tx.execute(
                "INSERT INTO events (happened_at, actor, source_id, document_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, 'corrected', ?)",
                params![now_text(), actor, doc.source_id, id, json!({"field": name, "before": before.map(|f| &f.value), "after": value, "source_before": before.map(|f| &f.source)}).to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A person's category for a document waiting for review.
    pub fn correct_category(&mut self, id: i64, category: &str, actor: &str) -> Result<()> {
        let doc = self.review_doc(id)?;
        if doc.state != "review" {
            bail!("doc:{id} is {}, not waiting for review", doc.state);
        }
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE documents SET category = ?, category_reason = ? WHERE id = ?", params![category, format!("set by {actor} in review"), id])?;
        tx.execute(
            "INSERT INTO events (happened_at, actor, source_id, document_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, 'categorized', ?)",
            params![now_text(), actor, doc.source_id, id, json!({"category": category, "before": doc.category, "by": "review"}).to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The controls failed again on the corrected values: the reasons are
    /// kept current, and said in the history.
    pub fn still_in_review(&mut self, id: i64, reasons: &[String], actor: &str) -> Result<()> {
        let doc = self.review_doc(id)?;
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE documents SET review_reasons = ? WHERE id = ?", params![serde_json::to_string(reasons)?, id])?;
        tx.execute(
            "INSERT INTO events (happened_at, actor, source_id, document_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, 'approval-refused', ?)",
            params![now_text(), actor, doc.source_id, id, json!({"reasons": reasons}).to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Approve: the entry built from the corrected document is filed and the
    /// document is posted, as if the pipeline had posted it.
    pub fn approve(&mut self, id: i64, er: &EntryRecord, actor: &str) -> Result<(String, String)> {
        let doc = self.review_doc(id)?;
        if doc.state != "review" {
            bail!("doc:{id} is {}, not waiting for review", doc.state);
        }
        let tx = self.conn.transaction()?;
        let (batch_id, entry_id, batch_number) = batches::file_entry(&tx, &doc.company, er, id, actor)?;
        tx.execute("UPDATE documents SET state = 'posted', review_reasons = NULL WHERE id = ?", params![id])?;
        let now = now_text();
        tx.execute(
            "INSERT INTO events (happened_at, actor, source_id, document_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, 'approved', ?)",
            params![now, actor, doc.source_id, id, json!({"reasons_were": doc.reasons}).to_string()],
        )?;
        tx.execute(
            "INSERT INTO events (happened_at, actor, source_id, document_id, entry_id, batch_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, 'posted', ?)",
            params![now, actor, doc.source_id, id, entry_id, batch_id, json!({"journal": er.entry.journal, "fiscal_year": er.fiscal_year, "batch": batch_number}).to_string()],
        )?;
        tx.commit()?;
        Ok((er.entry.journal.clone(), batch_number))
    }

    /// A person's split of a document waiting for review: it becomes the
    /// documents given (each recognized and decided on its own pages), and
    /// stays in the history as `split`.
    pub fn split_document(&mut self, id: i64, docs: &[DocumentRecord], actor: &str) -> Result<Vec<CommittedDocument>> {
        let doc = self.review_doc(id)?;
        if doc.state != "review" {
            bail!("doc:{id} is {}, not waiting for review", doc.state);
        }
        let tx = self.conn.transaction()?;
        let now = now_text();
        tx.execute("UPDATE documents SET state = 'split' WHERE id = ?", params![id])?;
        let mut out = Vec::new();
        for d in docs {
            out.push(insert_document(&tx, doc.source_id, &doc.company, actor, &now, d)?);
        }
        let into: Vec<serde_json::Value> = out.iter().zip(docs).map(|(c, d)| json!({"document": c.document_id, "pages": d.pages, "state": d.state})).collect();
        tx.execute(
            "INSERT INTO events (happened_at, actor, source_id, document_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, 'split', ?)",
            params![now, actor, doc.source_id, id, json!({"by": "review", "into": into}).to_string()],
        )?;
        tx.commit()?;
        Ok(out)
    }
}
