//! Watching one inbox: native file-system events or polling (network
//! shares send no events), a periodic rescan for missed events, and the
//! readiness check before a file is handed to the workers.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};

use crate::config::site::WatchMode;
use crate::pipeline::definition::DuplexStage;
use crate::pipeline::InboxRuntime;

use super::duplex;
use super::ready::{is_ignored, observe, Observation, Verdict};
use super::Work;

/// Paths handed to the workers and not yet claimed: not offered twice.
pub type Queued = Arc<Mutex<HashSet<PathBuf>>>;

/// `halves_dir`: where the two halves of a collated duplex pair are kept.
pub async fn watch_inbox(
    rt: Arc<InboxRuntime>,
    work: mpsc::UnboundedSender<Work>,
    queued: Queued,
    mut stop: watch::Receiver<bool>,
    halves_dir: PathBuf,
    rescan: Arc<tokio::sync::Notify>,
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
    // Complete halves of duplex pairs waiting for their partner, since when.
    let mut halves: HashMap<PathBuf, Instant> = HashMap::new();
    let duplex = rt.pipeline.split.as_ref().and_then(|s| s.duplex.clone());
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
            // A scheduled `rescan` job: a full listing now.
            _ = rescan.notified() => list(&rt, &mut candidates, &queued, stability),
            _ = check_tick.tick() => {
                let now = Instant::now();
                let mut ready = Vec::new();
                candidates.retain(|path, obs| match observe(path, Some(obs), stability, now) {
                    None => false,
                    Some((o, Verdict::Wait)) => { *obs = o; true }
                    Some((_, Verdict::Ready)) => { ready.push(path.clone()); false }
                });
                for path in ready {
                    if let Some(d) = &duplex {
                        if !duplex_ready(&path, d, &mut halves, &halves_dir, &rt.name, now) {
                            // Held (or collated): look at it again later.
                            if path.exists() {
                                if let Some((obs, _)) = observe(&path, None, stability, now) {
                                    candidates.insert(path, obs);
                                }
                            }
                            continue;
                        }
                    }
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

/// Whether a complete file may be processed now. A duplex half waits for
/// its partner; when both are complete they are collated into a new file
/// of the inbox (processed like any other) and `false` is returned. A half
/// alone for longer than `wait_secs`, or a pair that cannot be collated, is
/// processed as it is: nothing is lost.
fn duplex_ready(path: &Path, d: &DuplexStage, halves: &mut HashMap<PathBuf, Instant>, halves_dir: &Path, inbox: &str, now: Instant) -> bool {
    let Some(other) = duplex::partner(path, d) else { return true };
    let since = *halves.entry(path.to_path_buf()).or_insert(now);
    if halves.contains_key(&other) {
        let is_fronts = path.file_name().and_then(|n| n.to_str()).and_then(|n| duplex::half_of(n, d)).is_some_and(|(_, h)| h == duplex::Half::Fronts);
        let (fronts, backs) = if is_fronts { (path.to_path_buf(), other.clone()) } else { (other.clone(), path.to_path_buf()) };
        halves.remove(&other);
        halves.remove(path);
        return match duplex::collate(&fronts, &backs, d, halves_dir) {
            Ok(out) => {
                tracing::info!(inbox, fronts = %fronts.display(), backs = %backs.display(), collated = %out.display(), "duplex pair collated");
                false
            }
            Err(e) => {
                tracing::warn!(inbox, file = %path.display(), error = format!("{e:#}"), "duplex pair not collated; both halves are processed as they are");
                halves.insert(other, Instant::now() - Duration::from_secs(d.wait_secs + 1));
                true
            }
        };
    }
    if now.duration_since(since) >= Duration::from_secs(d.wait_secs) {
        tracing::warn!(inbox, file = %path.display(), "duplex half without its partner after {} s: processed alone", d.wait_secs);
        halves.remove(path);
        return true;
    }
    false
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
