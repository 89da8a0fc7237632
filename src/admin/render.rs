//! Text tables for the admin commands.

use std::fmt::Write as _;

use anyhow::{bail, Result};

use crate::ledger::books::ShowColumn;
use crate::store::{BatchRow, Store, StoredBatchEntry};

/// Fixed-width columns, numbers right-aligned.
fn table(head: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| if right[i] { format!("{c:>width$}", width = w[i]) } else { format!("{c:<width$}", width = w[i]) })
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(head.to_vec(), &mut out);
    line(w.iter().map(|n| "-".repeat(*n)).collect::<Vec<_>>().iter().map(String::as_str).collect(), &mut out);
    for r in rows {
        line(r.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

pub fn batch_list(rows: &[BatchRow]) -> String {
    if rows.is_empty() {
        return "no batch matches\n".into();
    }
    let head = ["id", "number", "status", "export", "journal", "year", "period", "kind", "created", "entries", "debit", "credit"];
    let right = [true, false, false, false, false, false, false, false, false, true, true, true];
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|b| {
            vec![
                b.id.to_string(),
                b.number.clone(),
                b.status.to_string(),
                b.export_state.as_str().into(),
                b.journal.clone(),
                b.fiscal_year.to_string(),
                b.period.clone().unwrap_or_default(),
                b.kind.as_str().into(),
                b.created_at.chars().take(16).collect(),
                b.entries.to_string(),
                b.debit.to_string(),
                b.credit.to_string(),
            ]
        })
        .collect();
    table(&head, &body, &right)
}

/// One table per entry, with the columns ledger.yaml's `show_columns` names.
pub fn batch_detail(b: &BatchRow, entries: &[StoredBatchEntry], columns: &[ShowColumn]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "batch {} (id {}): {} · export {} · journal {} · fiscal year {}{} · {} · kind {}{}",
        b.number,
        b.id,
        b.status,
        b.export_state.as_str(),
        b.journal,
        b.fiscal_year,
        b.period.as_deref().map(|p| format!(" · period {p}")).unwrap_or_default(),
        b.currency,
        b.kind.as_str(),
        b.parent_id.map(|p| format!(" · attached to batch id {p}")).unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "{} entries, {} lines, debit {}, credit {}{}",
        b.entries,
        b.lines,
        b.debit,
        b.credit,
        b.control_total.map(|c| format!(", control total {c}")).unwrap_or_default()
    );
    if let Some(e) = &b.export_error {
        let _ = writeln!(out, "last export failed: {e}");
    }
    for e in entries {
        let _ = writeln!(
            out,
            "\nentry {}{}: {} · {}{}",
            e.id,
            e.number.map(|n| format!(" #{n}")).unwrap_or_else(|| " (not numbered before posting)".into()),
            e.entry.label,
            e.entry.piece_ref,
            e.source_file.as_deref().map(|s| format!(" · source {s}")).unwrap_or_default()
        );
        let head: Vec<&str> = columns.iter().map(|c| c.title()).collect();
        let right: Vec<bool> = columns.iter().map(|c| matches!(c, ShowColumn::Debit | ShowColumn::Credit | ShowColumn::Number)).collect();
        let rows: Vec<Vec<String>> = e
            .entry
            .lines
            .iter()
            .map(|l| {
                columns
                    .iter()
                    .map(|c| match c {
                        ShowColumn::Number => e.number.map(|n| n.to_string()).unwrap_or_default(),
                        ShowColumn::Date => e.entry.date.to_string(),
                        ShowColumn::Journal => e.entry.journal.clone(),
                        ShowColumn::PieceRef => e.entry.piece_ref.clone(),
                        ShowColumn::Account => l.account.clone(),
                        ShowColumn::AuxAccount => l.aux_account.clone().unwrap_or_default(),
                        ShowColumn::Label => l.label.clone(),
                        ShowColumn::Debit => if l.debit.is_zero() { String::new() } else { l.debit.to_string() },
                        ShowColumn::Credit => if l.credit.is_zero() { String::new() } else { l.credit.to_string() },
                        ShowColumn::DueDate => l.due_date.map(|d| d.to_string()).unwrap_or_default(),
                        ShowColumn::Source => e.source_file.clone().unwrap_or_default(),
                    })
                    .collect()
            })
            .collect();
        out.push_str(&table(&head, &rows, &right));
    }
    out
}

pub fn entry_json(e: &StoredBatchEntry) -> serde_json::Value {
    serde_json::json!({
        "id": e.id, "number": e.number, "fiscal_year": e.fiscal_year, "journal": e.entry.journal, "date": e.entry.date,
        "piece_ref": e.entry.piece_ref, "label": e.entry.label, "document_id": e.document_id, "source_file": e.source_file, "hash": e.hash,
        "lines": e.entry.lines.iter().map(|l| serde_json::json!({
            "account": l.account, "aux_account": l.aux_account, "label": l.label,
            "debit": l.debit.to_string(), "credit": l.credit.to_string(), "due_date": l.due_date,
        })).collect::<Vec<_>>(),
    })
}

/// A document's history (seeds/01): a source id, `doc:N` for a document
/// id, or the original file name.
pub fn history(store: &Store, key: &str) -> Result<String> {
    let c = store.connection();
    let ids: Vec<i64> = if let Some(d) = key.strip_prefix("doc:").and_then(|d| d.parse::<i64>().ok()) {
        let mut q = c.prepare("SELECT source_id FROM documents WHERE id = ?")?;
        let rows = q.query_map([d], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
        rows
    } else if let Ok(id) = key.parse::<i64>() {
        vec![id]
    } else {
        let mut q = c.prepare("SELECT id FROM sources WHERE original_name = ? ORDER BY id")?;
        let rows = q.query_map([key], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
        rows
    };
    if ids.is_empty() {
        bail!("no document named or numbered `{key}`");
    }
    let mut out = String::new();
    for id in ids {
        let _ = writeln!(out, "source {id}");
        for (at, actor, kind, detail) in store.history(id)? {
            let _ = writeln!(out, "  {at}  {actor:<10} {kind:<16} {detail}");
        }
    }
    Ok(out)
}
