//! `replay`: the current rules (as the files are now) over documents
//! already processed, without writing anything; prints what would change
//! per document: category, fields, the entry's accounts. For admins who
//! edited categories, marks, suppliers or accounts and want to see the
//! effect before the next document arrives.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Serialize;

use crate::admin::Request;
use crate::pipeline::stages::{self, Decision};
use crate::store::replay::{line_key, ProcessedDoc};

/// What the current rules make of one processed document.
#[derive(Debug, Serialize)]
struct Replayed {
    document: i64,
    file: String,
    pages: Vec<u32>,
    /// `field: before -> after` (category first), empty when nothing changes.
    changes: Vec<String>,
    /// Why it could not be replayed (the archived file is gone…).
    error: Option<String>,
}

pub fn run(config: &Path, since: Option<NaiveDate>, json: bool) -> Result<ExitCode> {
    // The list comes from the daemon when it runs (it holds the database).
    let reply = super::admin::ask(config, Request::Processed { since })?;
    if reply.code != 0 {
        anyhow::bail!("{}", reply.err);
    }
    let docs: Vec<ProcessedDoc> = serde_json::from_str(&reply.out).context("reading the processed documents")?;
    let site = super::load_site(config)?;
    // The classifier as the daemon has it: trained on the same validated documents.
    crate::admin::retrain::train_site(&site, || {
        let reply = super::admin::ask(config, Request::TrainingExamples)?;
        anyhow::ensure!(reply.code == 0, "{}", reply.err);
        Ok(serde_json::from_str(&reply.out)?)
    })?;
    let mut out = Vec::new();
    // Marks that gave a value on some replayed document, per inbox's pipeline.
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    let mut analysed = 0usize;
    // A file's documents are analysed together, once.
    let mut i = 0;
    while i < docs.len() {
        let file = &docs[i].stored_path;
        let same: Vec<&ProcessedDoc> = docs[i..].iter().take_while(|d| &d.stored_path == file).collect();
        i += same.len();
        let analysis = site
            .inbox(Some(&same[0].inbox))
            .and_then(|rt| {
                let bytes = std::fs::read(file).with_context(|| format!("reading {file}"))?;
                stages::analyze(&bytes, &rt, file.contains(".duplex.")).map(|a| (a, rt)).map_err(|e| anyhow::anyhow!("{e}"))
            })
            .map_err(|e| format!("{e:#}"));
        if let Ok((a, rt)) = &analysis {
            analysed += 1;
            for doc in &a.documents {
                for f in doc.recognition.iter().flat_map(|r| r.fields.values()) {
                    if let Some(m) = f.source.strip_prefix("mark:") {
                        used.insert((rt.pipeline.name.clone(), m.to_string()));
                    }
                }
            }
        }
        for d in same {
            let mut r = Replayed { document: d.id, file: d.original_name.clone(), pages: d.pages.clone(), changes: Vec::new(), error: None };
            match &analysis {
                Err(e) => r.error = Some(e.clone()),
                Ok((a, _)) => match a.documents.iter().find(|n| n.pages == d.pages) {
                    None => r.changes.push(format!("split: pages {:?} are no longer one document", d.pages)),
                    Some(now) => r.changes = compare(d, now),
                },
            }
            out.push(r);
        }
    }
    let changed = out.iter().filter(|r| !r.changes.is_empty() || r.error.is_some()).count();
    let idle = idle_marks(&site, &used, analysed);
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"documents": out, "changed": changed, "idle_marks": idle}))?);
    } else {
        for r in &out {
            match (&r.error, r.changes.is_empty()) {
                (Some(e), _) => println!("doc:{} {}: not replayed: {e}", r.document, r.file),
                (None, true) => println!("doc:{} {}: unchanged", r.document, r.file),
                (None, false) => {
                    println!("doc:{} {}:", r.document, r.file);
                    for c in &r.changes {
                        println!("  {c}");
                    }
                }
            }
        }
        if !idle.is_empty() {
            println!("marks that found nothing in the {analysed} file(s) replayed (check their anchor or zone): {}", idle.join(", "));
        }
        println!("{} document(s) replayed, {changed} would change; nothing was written", out.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// What differs between the stored document and the rules' result now.
fn compare(before: &ProcessedDoc, now: &stages::DocumentResult) -> Vec<String> {
    let mut changes = Vec::new();
    let category = now.recognition.as_ref().map_or("other", |r| r.category.as_str());
    if category != before.category {
        changes.push(format!("category: {} -> {category}", before.category));
    }
    if let Some(rec) = &now.recognition {
        let names: BTreeSet<&String> = before.fields.keys().chain(rec.fields.keys()).collect();
        for name in names {
            let (old, new) = (before.fields.get(name).map(String::as_str), rec.fields.get(name).map(|f| f.value.as_str()));
            if old != new {
                changes.push(format!("{name}: {} -> {}", old.unwrap_or("(none)"), new.unwrap_or("(none)")));
            }
        }
    }
    let (state, lines): (&str, Vec<String>) = match &now.decision {
        Decision::Post { posting, .. } => {
            ("posted", posting.entry.lines.iter().map(|l| line_key(&l.account, l.aux_account.as_deref(), &l.debit.to_string(), &l.credit.to_string())).collect())
        }
        Decision::Review(_) => ("review", Vec::new()),
        Decision::Import(_) => ("imported", Vec::new()),
    };
    if state != before.state {
        changes.push(format!("state: {} -> {state}", before.state));
    }
    if state == "posted" && before.state == "posted" && normalized(&lines) != normalized(&before.lines) {
        changes.push(format!("entry: [{}] -> [{}]", before.lines.join(", "), lines.join(", ")));
    }
    changes
}

/// Lines compared as a set, amounts without trailing zeros.
fn normalized(lines: &[String]) -> Vec<String> {
    let mut v: Vec<String> = lines
        .iter()
        .map(|l| match l.rsplit_once(' ') {
            Some((head, amount)) => format!("{head} {}", amount.parse::<rust_decimal::Decimal>().map(|d| d.normalize().to_string()).unwrap_or(amount.to_string())),
            None => l.clone(),
        })
        .collect();
    v.sort();
    v
}

/// Active marks of the pipelines used that gave no value on any replayed
/// file: an anchor that is never found, or a zone in the wrong place.
fn idle_marks(site: &crate::pipeline::Site, used: &BTreeSet<(String, String)>, analysed: usize) -> Vec<String> {
    if analysed == 0 {
        return Vec::new();
    }
    let pipelines: BTreeSet<&String> = used.iter().map(|(p, _)| p).collect();
    let mut idle = Vec::new();
    for inbox in &site.inboxes {
        let p = &inbox.pipeline;
        if !pipelines.is_empty() && !pipelines.contains(&p.name) {
            continue;
        }
        let Some(r) = &p.recognizer else { continue };
        for m in r.mark_rules().watched() {
            let key = (p.name.clone(), m.name.clone());
            let label = format!("{} ({})", m.name, p.name);
            if !used.contains(&key) && !idle.contains(&label) {
                idle.push(label);
            }
        }
    }
    idle
}
