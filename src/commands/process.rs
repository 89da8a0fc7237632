//! `process`: one-shot, through the same code path as the daemon.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::capture::statements;
use crate::intake::spool;
use crate::pipeline::{process_claimed, Claimed, Site};
use crate::store::{Store, StoreHandle};

pub const ACTOR: &str = "cli";

pub fn run(site: Site, inbox: Option<&str>, json: bool, files: &[PathBuf]) -> Result<ExitCode> {
    site.create_folders().context("creating the site's folders")?;
    let rt = site.inbox(inbox)?;
    let site = Arc::new(site);
    let store = Store::open(&site.database)?;
    if let Err(e) = crate::admin::retrain::retrain(&store, &site) {
        tracing::warn!(error = format!("{e:#}"), "classifier not trained");
    }
    let (store, thread) = StoreHandle::spawn(store);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let workers = site.config.worker_count();
    let mut failed = 0usize;
    let results = runtime.block_on(async {
        // Claim every file first (copies), then process with `workers` in flight.
        let mut claimed = Vec::new();
        for f in files {
            claimed.push(spool::claim_by_copy(f, &site.folders.spool, &rt)?);
        }
        // Bank statements go last, once the invoices given with them are
        // booked: their lines are matched against what is open then.
        let (statements, documents): (Vec<_>, Vec<_>) = claimed.into_iter().partition(|c| is_statement(c));
        let sem = Arc::new(tokio::sync::Semaphore::new(workers));
        let mut out = Vec::new();
        for wave in [documents, statements] {
            let mut tasks = Vec::new();
            for c in wave {
                let (site, store, sem) = (site.clone(), store.clone(), sem.clone());
                tasks.push(tokio::spawn(async move {
                    let _permit = sem.acquire_owned().await;
                    let name = c.original_name.clone();
                    (name, process_claimed(c, &store, &site.folders, ACTOR).await)
                }));
            }
            for t in tasks {
                out.push(t.await?);
            }
        }
        anyhow::Ok(out)
    })?;
    for (name, r) in results {
        match r {
            Ok(reports) => {
                for rep in reports {
                    if rep["state"] == "failed" {
                        failed += 1;
                    }
                    if json {
                        println!("{}", serde_json::to_string(&rep)?);
                    } else {
                        let what = match rep["state"].as_str().unwrap_or("") {
                            "posted" => format!(
                                "entry in journal {}, batch {}",
                                rep["entry"]["journal"].as_str().unwrap_or(""),
                                rep["entry"]["batch"].as_str().unwrap_or("")
                            ),
                            "review" => format!("waiting for review: {}", rep["review_reasons"].as_array().map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join("; ")).unwrap_or_default()),
                            "failed" => format!("failed: {}", rep["reason"].as_str().unwrap_or("")),
                            "duplicate" => format!("duplicate of source {}", rep["duplicate_of"]),
                            other => other.to_string(),
                        };
                        println!("{name}: {what} -> {}", rep["stored_path"].as_str().unwrap_or(""));
                    }
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("{name}: not committed, left in the spool for the next run: {e:#}");
            }
        }
    }
    drop(store);
    let _ = thread.join();
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Whether a claimed file reads as a bank statement (its first kilobytes).
fn is_statement(c: &Claimed) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(8192);
    let read = std::fs::File::open(&c.spool_path).and_then(|f| f.take(8192).read_to_end(&mut head));
    read.is_ok() && statements::detect(&head, &c.inbox.company.bank.csv).is_some()
}
