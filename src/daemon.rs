//! The daemon: wires the watchers, the workers, the store, the control
//! socket, the schedules and the mail outbox. Under systemd it reports
//! READY, RELOADING, STOPPING and the watchdog. On SIGHUP it re-reads the
//! configuration, pipelines and rules and uses them only if they are valid
//! (a bad edit keeps the running ones, is logged and goes in the next
//! report). On SIGTERM or SIGINT it stops taking new files, finishes the
//! documents in flight and returns.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::{mpsc, watch, Notify};

use crate::intake::{spool, watcher, Work};
use crate::pipeline::{process_claimed, SharedSite, Site};
use crate::service;
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
    // The classifier learns from what people validated in earlier runs.
    match crate::admin::retrain::retrain(&store, &site) {
        Ok(v) => tracing::info!(result = %v, "classifier"),
        Err(e) => tracing::warn!(error = format!("{e:#}"), "classifier not trained"),
    }
    let (store, store_thread) = StoreHandle::spawn(store);
    let shared = SharedSite::new(site.clone());

    let (work_tx, work_rx) = mpsc::unbounded_channel::<Work>();
    let work_rx = Arc::new(tokio::sync::Mutex::new(work_rx));
    let queued: watcher::Queued = Arc::new(Mutex::new(HashSet::new()));
    let (stop_tx, stop_rx) = watch::channel(false);
    let rescan = Arc::new(Notify::new());

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
        let halves = site.folders.archive.join("duplex-halves");
        watchers.push(tokio::spawn(watcher::watch_inbox(rt.clone(), work_tx.clone(), queued.clone(), stop_rx.clone(), halves, rescan.clone())));
    }
    drop(work_tx);
    let control = tokio::spawn(crate::admin::socket::serve(shared.clone(), store.clone(), stop_rx.clone()));
    let batch_schedules = tokio::spawn(generate_scheduled_batches(shared.clone(), store.clone(), stop_rx.clone()));
    let jobs = tokio::spawn(run_jobs(shared.clone(), store.clone(), rescan.clone(), stop_rx.clone()));
    let outbox = tokio::spawn(outbox_loop(shared.clone(), store.clone(), stop_rx.clone()));
    // Installed before READY: a SIGHUP from then on reloads, never kills.
    let hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).context("installing the SIGHUP handler")?;
    let reloads = tokio::spawn(reload_on_sighup(hup, shared.clone(), store.clone(), stop_rx.clone()));
    let watchdog = service::watchdog_interval().map(|every| tokio::spawn(watchdog_loop(every, stop_rx.clone())));

    let workers = site.config.worker_count();
    let mut pool = Vec::new();
    for _ in 0..workers {
        pool.push(tokio::spawn(worker(shared.clone(), store.clone(), work_rx.clone(), queued.clone(), stop_rx.clone())));
    }
    tracing::info!(workers, inboxes = site.inboxes.len(), schedules = site.config.schedules.len(), database = %site.database.display(), "paperledger running");
    service::notify(&format!("READY=1\nSTATUS=watching {} inbox(es)", site.inboxes.len()));

    shutdown.await;
    tracing::info!("stopping: no new files; finishing the documents in flight");
    service::notify("STOPPING=1\nSTATUS=finishing the documents in flight");
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
    for t in [batch_schedules, jobs, outbox, reloads] {
        let _ = t.await;
    }
    if let Some(w) = watchdog {
        let _ = w.await;
    }
    drop(store);
    let _ = tokio::task::spawn_blocking(move || store_thread.join()).await;
    tracing::info!("stopped");
    Ok(())
}

async fn worker(
    site: SharedSite,
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
        let site = site.get();
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
        let Some(mut c) = claimed else { continue };
        // The pipelines and rules in force now (a reload may have replaced them).
        if let Ok(rt) = site.inbox(Some(&c.inbox.name)) {
            c.inbox = rt;
        }
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

/// The configured schedules (export, report, retrain, rescan). They are
/// read at start: a reload that changes them takes effect at the next start.
async fn run_jobs(shared: SharedSite, store: StoreHandle, rescan: Arc<Notify>, stop: watch::Receiver<bool>) {
    let site = shared.get();
    if site.config.schedules.is_empty() {
        return;
    }
    let states = match crate::jobs::states(&site, &store).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "schedules not started");
            return;
        }
    };
    let ctx = crate::jobs::JobContext { site, shared, store, rescan };
    let (run_ctx, skip_ctx) = (ctx.clone(), ctx);
    let runner = crate::schedule::Runner {
        clock: crate::schedule::Clock::System,
        schedules: states,
        job: Arc::new(move |r| Box::pin(crate::jobs::run(run_ctx.clone(), r))),
        skipped: Arc::new(move |r| {
            tokio::spawn(crate::jobs::skipped(skip_ctx.clone(), r));
        }),
    };
    runner.run(stop).await;
}

/// Mail left in the outbox (server down) is retried when due.
async fn outbox_loop(site: SharedSite, store: StoreHandle, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(Duration::from_secs(15)) => {}
        }
        let Some(smtp) = site.get().config.smtp.clone() else { continue };
        if let Err(e) = crate::report::deliver(&store, &smtp, None).await {
            tracing::error!(error = format!("{e:#}"), "outbox");
        }
    }
}

/// SIGHUP (`systemctl reload`): validate everything, then swap.
async fn reload_on_sighup(mut hup: tokio::signal::unix::Signal, site: SharedSite, store: StoreHandle, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = hup.recv() => {}
        }
        service::notify("RELOADING=1\nSTATUS=reloading the configuration");
        let path = site.get().config_path.clone();
        match Site::load(&path) {
            Ok(new) => {
                let new = Arc::new(new);
                let locks: Vec<(String, Option<chrono::NaiveDate>)> = new.companies().map(|c| (c.company.id.clone(), c.ledger.locks.hard)).collect();
                let trained = new.clone();
                let checked = store
                    .call(move |s| {
                        for (id, hard) in locks {
                            s.record_hard_lock(&id, hard, ACTOR)?;
                        }
                        // The new site's recognizers start with an empty classifier.
                        if let Err(e) = crate::admin::retrain::retrain(s, &trained) {
                            tracing::warn!(error = format!("{e:#}"), "classifier not trained after reload");
                        }
                        Ok(())
                    })
                    .await;
                match checked {
                    Ok(()) => {
                        site.set(new);
                        tracing::info!(config = %path.display(), "configuration reloaded");
                    }
                    Err(e) => refused(&store, &path, format!("{e:#}")).await,
                }
            }
            Err(issues) => refused(&store, &path, issues.0.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("\n")).await,
        }
        service::notify("READY=1\nSTATUS=running");
    }
}

async fn refused(store: &StoreHandle, path: &std::path::Path, why: String) {
    tracing::error!(config = %path.display(), problems = %why, "reload refused: the running configuration stays in force");
    let msg = format!("reload of {} refused, the previous configuration stays in force:\n{why}", path.display());
    let _ = store.call(move |s| s.add_notice("reload refused", &msg)).await;
}

async fn watchdog_loop(every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        service::notify("WATCHDOG=1");
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

/// Scheduled batches (ledger templates) generate their batches at start
/// and every hour.
async fn generate_scheduled_batches(site: SharedSite, store: StoreHandle, mut stop: watch::Receiver<bool>) {
    loop {
        for c in site.get().companies().cloned().collect::<Vec<_>>() {
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
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
        }
    }
}

/// Resolves on SIGTERM or SIGINT. The handlers are installed when this is
/// called (not when first awaited), so a SIGTERM right after READY stops
/// the daemon cleanly instead of killing it. Call it inside the runtime.
pub fn signals() -> impl Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("installing the SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("installing the SIGINT handler");
    async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
}
