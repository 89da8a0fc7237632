//! One claimed file from spool to its final folder: duplicate check,
//! stages, one transaction with its whole history, then the move. The file
//! leaves the spool only after the transaction committed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::NaiveDateTime;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::store::bank::Refusal;
use crate::store::{
    Commit, DocumentRecord, EntryRecord, EventRecord, FieldRecord, SourceRecord, SourceState, StoreHandle, VatRecord,
};

use super::site::{Folders, InboxRuntime};
use super::stages::{analyze, Analysis, Decision, StageError};

/// A file renamed into the spool, not yet committed.
#[derive(Clone)]
pub struct Claimed {
    pub spool_path: PathBuf,
    /// Unique, also the key for crash recovery.
    pub spool_name: String,
    pub original_name: String,
    pub inbox: Arc<InboxRuntime>,
    pub received_at: NaiveDateTime,
}

/// What `process --json` prints, one per document (or one per file that
/// produced none: failed or duplicate).
pub type Report = serde_json::Value;

/// Process one claimed file to the end. Errors returned here are
/// infrastructure errors (database, disk): the file then stays in the
/// spool and is resumed at the next start; nothing is lost.
pub async fn process_claimed(c: Claimed, store: &StoreHandle, folders: &Folders, actor: &str) -> Result<Vec<Report>> {
    // Crash recovery: committed before the crash, only the move is missing.
    let name = c.spool_name.clone();
    if let Some((state, stored, reason)) = store.call(move |s| s.committed_spool_file(&name)).await? {
        finish_move(&c.spool_path, Path::new(&stored), reason.as_deref())?;
        tracing::info!(file = %c.original_name, to = %stored, "resumed: outcome was already committed, file moved");
        return Ok(vec![json!({"file": c.original_name, "state": state, "stored_path": stored, "resumed": true})]);
    }
    let bytes = tokio::fs::read(&c.spool_path).await.with_context(|| format!("reading {}", c.spool_path.display()))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as u64;

    let sha = sha256.clone();
    let original = store.call(move |s| s.processed_source_with_sha(&sha)).await?;

    let mut source = SourceRecord {
        sha256: sha256.clone(),
        original_name: c.original_name.clone(),
        inbox: c.inbox.name.clone(),
        company: c.inbox.company.company.id.clone(),
        size_bytes: size,
        received_at: c.received_at,
        spool_name: c.spool_name.clone(),
        state: SourceState::Processed,
        stored_path: String::new(),
        reason: None,
        duplicate_of: None,
        page_count: None,
    };
    let mut source_events = vec![EventRecord::new(
        "received",
        json!({"inbox": c.inbox.name, "file": c.original_name, "bytes": size, "sha256": sha256, "pipeline": c.inbox.pipeline.name}),
    )];
    let mut documents = Vec::new();

    if let Some(of) = original {
        source.state = SourceState::Duplicate;
        source.duplicate_of = Some(of);
        source_events.push(EventRecord::new("duplicate", json!({"of_source": of, "sha256": sha256})));
    } else {
        let rt = c.inbox.clone();
        let collated = c.original_name.contains(crate::intake::duplex::COLLATED_MARKER);
        let analysis = tokio::task::spawn_blocking(move || run_stages(&bytes, &rt, collated)).await?;
        match analysis {
            Ok(a) => {
                source.page_count = Some(a.page_count);
                source_events.extend(a.events.iter().cloned());
                documents = records(a, &c.inbox);
            }
            Err(e) => {
                source.state = SourceState::Failed;
                source.reason = Some(e.to_string());
                source_events.push(EventRecord::new("failed", json!({"stage": e.stage, "reason": e.message})));
            }
        }
    }

    // The duplicate check is repeated on the store thread, atomically with
    // the commit: two copies processed at once must not both be posted.
    let mut dest = destination(folders, &source, &c);
    source.stored_path = dest.to_string_lossy().into_owned();
    let mut commit = Commit {
        actor: actor.to_string(),
        source: source.clone(),
        source_events: with_stored(&source_events, &source.stored_path),
        documents: documents.clone(),
    };
    let first = commit.clone();
    let committed = match store
        .call(move |s| {
            if first.source.state == SourceState::Processed {
                if let Some(of) = s.processed_source_with_sha(&first.source.sha256)? {
                    return Ok(Err(Blocked::Duplicate(of)));
                }
            }
            match s.commit(&first) {
                Ok(c) => Ok(Ok(c)),
                // A statement refused at booking: nothing was written.
                Err(e) => match e.downcast_ref::<Refusal>() {
                    Some(r) => Ok(Err(Blocked::Refused(r.clone()))),
                    None => Err(e),
                },
            }
        })
        .await?
    {
        Ok(c) => c,
        Err(blocked) => {
            documents.clear();
            match blocked {
                Blocked::Duplicate(of) | Blocked::Refused(Refusal::AlreadyImported { of_source: of, .. }) => {
                    source.state = SourceState::Duplicate;
                    source.duplicate_of = Some(of);
                    let detail = match &blocked {
                        Blocked::Refused(r) => json!({"of_source": of, "sha256": source.sha256, "reason": r.to_string()}),
                        Blocked::Duplicate(_) => json!({"of_source": of, "sha256": source.sha256}),
                    };
                    source_events.push(EventRecord::new("duplicate", detail));
                }
                Blocked::Refused(Refusal::Failed(reason)) => {
                    source.state = SourceState::Failed;
                    source.reason = Some(format!("statement stage: {reason}"));
                    source_events.push(EventRecord::new("failed", json!({"stage": "statement", "reason": reason})));
                }
            }
            dest = destination(folders, &source, &c);
            source.stored_path = dest.to_string_lossy().into_owned();
            commit.source = source.clone();
            commit.documents.clear();
            commit.source_events = with_stored(&source_events, &source.stored_path);
            store.call(move |s| s.commit(&commit)).await?
        }
    };

    finish_move(&c.spool_path, &dest, source.reason.as_deref())?;

    let file = json!({"file": c.original_name, "sha256": source.sha256, "stored_path": source.stored_path, "source_id": committed.source_id});
    if documents.is_empty() {
        let mut r = file;
        r["state"] = json!(source.state.as_str());
        if let Some(reason) = &source.reason {
            r["reason"] = json!(reason);
        }
        if let Some(of) = source.duplicate_of {
            r["duplicate_of"] = json!(of);
        }
        return Ok(vec![r]);
    }
    Ok(documents
        .iter()
        .zip(&committed.documents)
        .map(|(d, cd)| {
            let mut r = file.clone();
            r["document_id"] = json!(cd.document_id);
            r["pages"] = json!(d.pages);
            r["category"] = json!(d.category);
            r["state"] = json!(d.state);
            if !d.review_reasons.is_empty() {
                r["review_reasons"] = json!(d.review_reasons);
            }
            r["fields"] = d.fields.iter().map(|f| (f.name.clone(), json!(f.value))).collect::<serde_json::Map<_, _>>().into();
            if let Some(st) = &cd.statement {
                r["statement"] = json!(st);
            }
            if let Some((id, journal, batch)) = &cd.entry {
                let e = &d.entry.as_ref().expect("posted documents carry their entry").entry;
                r["entry"] = json!({
                    "id": id, "journal": journal, "batch": batch, "date": e.date.to_string(), "piece_ref": e.piece_ref,
                    "lines": e.lines.iter().map(|l| json!({
                        "account": l.account, "aux_account": l.aux_account, "label": l.label,
                        "debit": l.debit.to_string(), "credit": l.credit.to_string()
                    })).collect::<Vec<_>>()
                });
            }
            r
        })
        .collect())
}

/// Why a file's outcome was not committed as processed.
enum Blocked {
    /// The same bytes were processed before (source id).
    Duplicate(i64),
    Refused(Refusal),
}

fn with_stored(events: &[EventRecord], path: &str) -> Vec<EventRecord> {
    let mut v = events.to_vec();
    v.push(EventRecord::new("stored", json!({"path": path})));
    v
}

/// Stages behind a panic guard: a bug on one hostile file must not take
/// the worker down.
fn run_stages(bytes: &[u8], rt: &InboxRuntime, collated: bool) -> Result<Analysis, StageError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| analyze(bytes, rt, collated))) {
        Ok(r) => r,
        Err(p) => {
            let msg = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
            Err(StageError { stage: "pipeline", message: format!("internal error while processing this file ({msg}); please report it with the file") })
        }
    }
}

/// What the store keeps of each analysed document.
pub(crate) fn records(a: Analysis, rt: &InboxRuntime) -> Vec<DocumentRecord> {
    a.documents
        .into_iter()
        .map(|d| {
            let (category, category_reason, checks, fields, vat_lines) = match &d.recognition {
                Some(r) => (
                    r.category.clone(),
                    r.category_reason.clone(),
                    serde_json::to_value(&r.checks).unwrap_or_default(),
                    r.fields
                        .iter()
                        .map(|(name, f)| FieldRecord {
                            name: name.clone(),
                            value: f.value.clone(),
                            page: f.page,
                            bbox: f.bbox.as_array(),
                            source: f.source.clone(),
                            confidence: f.confidence,
                        })
                        .collect(),
                    r.vat_breakdown.iter().map(|v| VatRecord { rate: v.rate, base: v.base, amount: v.amount }).collect(),
                ),
                None => ("other".into(), "not categorized".into(), json!([]), Vec::new(), Vec::new()),
            };
            let (state, review_reasons, entry, statements) = match d.decision {
                Decision::Post { posting, fiscal_year, fy_start, fy_end, period } => {
                    let options = rt.company.ledger.batches.clone();
                    ("posted".to_string(), Vec::new(), Some(EntryRecord { entry: posting.entry, fiscal_year, fy_start, fy_end, period, options }), None)
                }
                Decision::Review(reasons) => ("review".to_string(), reasons, None, None),
                Decision::Import(statements) => {
                    let books: Arc<dyn crate::store::bank::BankBooks> = rt.company.clone();
                    ("imported".to_string(), Vec::new(), None, Some(crate::store::bank::StatementImport { statements, books }))
                }
            };
            let (category, category_reason) = if statements.is_some() { ("bank_statement".to_string(), "the content is a bank statement".to_string()) } else { (category, category_reason) };
            DocumentRecord {
                pages: d.pages,
                pipeline: rt.pipeline.name.clone(),
                category,
                category_reason,
                state,
                review_reasons,
                checks,
                fields,
                vat_lines,
                rematch: entry.as_ref().map(|_| crate::store::bank::Books(rt.company.clone())),
                entry,
                statements,
                events: d.events,
                words: d.words,
            }
        })
        .collect()
}

/// The final, unique path: copiers reuse names like `SCN_0001.pdf`, so the
/// spool id (time, process, counter) prefixes the original name.
fn destination(folders: &Folders, s: &SourceRecord, c: &Claimed) -> PathBuf {
    let dir = match s.state {
        SourceState::Processed => &folders.archive,
        SourceState::Failed => &folders.failed,
        SourceState::Duplicate => &folders.duplicates,
    };
    let id = c.spool_name.split("__").next().unwrap_or(&c.spool_name);
    dir.join(format!("{id}_{}", c.original_name))
}

/// Move the spooled file to its committed destination (with the reason
/// beside it for failures). Also used by crash recovery.
pub fn finish_move(spool_path: &Path, dest: &Path, reason: Option<&str>) -> Result<()> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    if let Some(reason) = reason {
        let mut name = dest.file_name().unwrap_or_default().to_os_string();
        name.push(".reason.txt");
        let file = dest.file_name().unwrap_or_default().to_string_lossy().into_owned();
        std::fs::write(dest.with_file_name(name), format!("{file}: {reason}\n"))?;
    }
    match std::fs::rename(spool_path, dest) {
        Ok(()) => Ok(()),
        // Another filesystem: copy, sync, then remove.
        Err(e) if e.raw_os_error() == Some(18) => {
            std::fs::copy(spool_path, dest)?;
            std::fs::File::open(dest)?.sync_all()?;
            std::fs::remove_file(spool_path)?;
            Ok(())
        }
        Err(e) => Err(e).with_context(|| format!("moving {} to {}", spool_path.display(), dest.display())),
    }
}
