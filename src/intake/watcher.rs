//! Watching one inbox: native file-system events or polling (network
//! shares send no events), a periodic rescan for missed events, and the
//! readiness check before a file is handed to the workers.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};

use crate::config::site::WatchMode;
use crate::pipeline::InboxRuntime;

use super::ready::{is_ignored, observe, Observation, Verdict};
use super::Work;

/// Paths handed to the workers and not yet claimed: not offered twice.
pub type Queued = Arc<Mutex<HashSet<PathBuf>>>;

pub async fn watch_inbox(
    rt: Arc<InboxRuntime>,
    work: mpsc::UnboundedSender<Work>,
    queued: Queued,
    mut stop: watch::Receiver<bool>,
) {
    let stability = Duration::from_millis(rt.inbox.stability_ms);
    let (ev_tx, mut ev_rx) = mpsc::unbounded_channel::<()>();
    let mut native = None;
    if rt.inbox.watch == WatchMode::Native {
        let tx = ev_tx.clone();
        match notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if res.is_ok() {
                let _ = tx.send(());
            }
        }) {
            Ok(mut w) => match w.watch(&rt.path, RecursiveMode::NonRecursive) {
                Ok(()) => native = Some(w),
                Err(e) => tracing::warn!(inbox = %rt.name, error = %e, "native watch failed, polling instead"),
            },
            Err(e) => tracing::warn!(inbox = %rt.name, error = %e, "native watch unavailable, polling instead"),
        }
    }
    let list_every = if native.is_some() {
        Duration::from_secs(rt.inbox.rescan_secs)
    } else {
        Duration::from_secs(rt.inbox.poll_interval_secs)
    };
    let mut list_tick = tokio::time::interval(list_every);
    let mut check_tick = tokio::time::interval((stability / 4).clamp(Duration::from_millis(50), Duration::from_millis(500)));
    check_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut candidates: HashMap<PathBuf, Observation> = HashMap::new();
    tracing::info!(inbox = %rt.name, path = %rt.path.display(), mode = if native.is_some() { "native" } else { "poll" }, "watching");

    loop {
        tokio::select! {
            _ = stop.changed() => break,
            Some(()) = ev_rx.recv() => {
                // Coalesce bursts: one listing serves many events.
                while ev_rx.try_recv().is_ok() {}
                list(&rt, &mut candidates, &queued, stability);
            }
            _ = list_tick.tick() => list(&rt, &mut candidates, &queued, stability),
            _ = check_tick.tick() => {
                let now = Instant::now();
                let mut ready = Vec::new();
                candidates.retain(|path, obs| match observe(path, Some(obs), stability, now) {
                    None => false,
                    Some((o, Verdict::Wait)) => { *obs = o; true }
                    Some((_, Verdict::Ready)) => { ready.push(path.clone()); false }
                });
                for path in ready {
                    if queued.lock().unwrap().insert(path.clone()) {
                        let _ = work.send(Work::Ready(path, rt.clone()));
                    }
                }
            }
        }
        if *stop.borrow() {
            break;
        }
    }
    drop(native);
}

fn list(rt: &InboxRuntime, candidates: &mut HashMap<PathBuf, Observation>, queued: &Queued, stability: Duration) {
    let Ok(rd) = std::fs::read_dir(&rt.path) else {
        tracing::warn!(inbox = %rt.name, path = %rt.path.display(), "cannot list the inbox");
        return;
    };
    let now = Instant::now();
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ignored(&name) {
            continue;
        }
        let path = entry.path();
        if candidates.contains_key(&path) || queued.lock().unwrap().contains(&path) {
            continue;
        }
        if let Some((obs, _)) = observe(&path, None, stability, now) {
            candidates.insert(path, obs);
        }
    }
}
