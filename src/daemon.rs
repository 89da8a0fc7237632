//! The daemon: wires the watchers, the workers and the store; on SIGTERM or
//! SIGINT it stops taking new files, finishes the documents in flight and
//! returns.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use tokio::sync::{mpsc, watch};

use crate::intake::{spool, watcher, Work};
use crate::pipeline::{process_claimed, Site};
use crate::store::{Store, StoreHandle};

pub const ACTOR: &str = "daemon";

/// Run until `shutdown` resolves.
pub async fn run(site: Arc<Site>, shutdown: impl Future<Output = ()>) -> Result<()> {
    site.create_folders().context("creating the site's folders")?;
    let mut store = Store::open(&site.database)?;
    for c in site.companies() {
        // A hard lock only moves forward: a file that moves it back is refused here.
        store.record_hard_lock(&c.company.id, c.ledger.locks.hard, ACTOR)?;
    }
    let (store, store_thread) = StoreHandle::spawn(store);

    let (work_tx, work_rx) = mpsc::unbounded_channel::<Work>();
    let work_rx = Arc::new(tokio::sync::Mutex::new(work_rx));
    let queued: watcher::Queued = Arc::new(Mutex::new(HashSet::new()));
    let (stop_tx, stop_rx) = watch::channel(false);

    // What a previous run left in the spool comes first.
    let leftovers = spool::leftovers(&site.folders.spool, &site.inboxes);
    if !leftovers.is_empty() {
        tracing::info!(files = leftovers.len(), "resuming files left in the spool");
    }
    for c in leftovers {
        let _ = work_tx.send(Work::Claimed(c));
    }

    let mut watchers = Vec::new();
    for rt in &site.inboxes {
        watchers.push(tokio::spawn(watcher::watch_inbox(rt.clone(), work_tx.clone(), queued.clone(), stop_rx.clone(), site.folders.archive.join("duplex-halves"))));
    }
    drop(work_tx);
    let control = tokio::spawn(crate::admin::socket::serve(site.clone(), store.clone(), stop_rx.clone()));
    let schedules = tokio::spawn(run_schedules(site.clone(), store.clone(), stop_rx.clone()));

    let workers = site.config.worker_count();
    let mut pool = Vec::new();
    for _ in 0..workers {
        pool.push(tokio::spawn(worker(site.clone(), store.clone(), work_rx.clone(), queued.clone(), stop_rx.clone())));
    }
    tracing::info!(workers, inboxes = site.inboxes.len(), database = %site.database.display(), "paperledger running");

    shutdown.await;
    tracing::info!("stopping: no new files; finishing the documents in flight");
    let _ = stop_tx.send(true);
    for w in watchers {
        let _ = w.await;
    }
    for w in pool {
        let _ = w.await;
    }
    match control.await {
        Ok(Err(e)) => tracing::error!(error = format!("{e:#}"), "control socket"),
        Err(e) => tracing::error!(error = %e, "control socket task"),
        Ok(Ok(())) => {}
    }
    let _ = schedules.await;
    drop(store);
    let _ = tokio::task::spawn_blocking(move || store_thread.join()).await;
    tracing::info!("stopped");
    Ok(())
}

async fn worker(
    site: Arc<Site>,
    store: StoreHandle,
    work: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Work>>>,
    queued: watcher::Queued,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let item = {
            let mut rx = work.lock().await;
            tokio::select! {
                biased;
                _ = stop.changed() => None,
                item = rx.recv() => item,
            }
        };
        let Some(item) = item else { break };
        if *stop.borrow() {
            // Not started yet: it stays where it is (inbox or spool) for the next run.
            break;
        }
        let claimed = match item {
            Work::Claimed(c) => Some(c),
            Work::Ready(path, rt) => {
                let r = spool::claim_by_rename(&path, &site.folders.spool, &rt);
                queued.lock().unwrap().remove(&path);
                match r {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(file = %path.display(), error = %e, "could not claim the file; it stays in the inbox");
                        None
                    }
                }
            }
        };
        let Some(c) = claimed else { continue };
        let name = c.original_name.clone();
        match process_claimed(c, &store, &site.folders, ACTOR).await {
            Ok(reports) => {
                for r in reports {
                    tracing::info!(file = %name, state = %r["state"].as_str().unwrap_or(""), stored = %r["stored_path"].as_str().unwrap_or(""), reason = %r["reason"].as_str().unwrap_or(""), "processed");
                }
            }
            Err(e) => tracing::error!(file = %name, error = format!("{e:#}"), "not committed; the file stays in the spool and is retried at the next start"),
        }
    }
}

/// Scheduled batches generate their batches at start and every hour.
async fn run_schedules(site: Arc<Site>, store: StoreHandle, mut stop: watch::Receiver<bool>) {
    loop {
        for c in site.companies().cloned().collect::<Vec<_>>() {
            let r = store
                .call(move |s| {
                    let ctx = crate::store::Ctx { actor: "schedule:batches", rules: &c.ledger, force: false };
                    let today = chrono::Local::now().date_naive();
                    s.run_schedules(&c.company.id, today, &ctx, |d| c.fiscal_year(d))
                })
                .await;
            match r {
                Ok(made) if !made.is_empty() => tracing::info!(batches = %made.join(", "), "scheduled batches generated"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = format!("{e:#}"), "generating scheduled batches"),
            }
        }
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
        }
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn signals() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("installing the SIGTERM handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
