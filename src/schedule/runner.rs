//! The schedule loop: sleep until the earliest due job, run it (spawned, so
//! a long export does not delay a report), never two runs of one job at
//! once, one catch-up run at start for a run missed while down.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::When;
use crate::config::overnight::MissedPolicy;

/// Wall-clock time for the scheduler. `System` follows the machine's
/// clock (re-read at least every 30 s, so clock changes are followed);
/// `Virtual` is anchored on tokio's clock, which tests pause and advance.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Virtual { base_utc: DateTime<Utc>, base: tokio::time::Instant },
}

impl Clock {
    /// A clock reading `start` now and advancing with tokio's time.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock::Virtual { base_utc: start, base: tokio::time::Instant::now() }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Virtual { base_utc, base } => *base_utc + chrono::Duration::from_std(base.elapsed()).unwrap_or_default(),
        }
    }

    pub async fn sleep_until(&self, t: DateTime<Utc>) {
        match self {
            Clock::System => loop {
                let left = (t - Utc::now()).to_std().unwrap_or_default();
                if left.is_zero() {
                    break;
                }
                tokio::time::sleep(left.min(Duration::from_secs(30))).await;
            },
            Clock::Virtual { base_utc, base } => {
                let after = (t - *base_utc).to_std().unwrap_or_default();
                tokio::time::sleep_until(*base + after).await;
            }
        }
    }
}

/// A schedule as the runner sees it.
#[derive(Debug, Clone)]
pub struct ScheduleState {
    pub name: String,
    pub when: When,
    pub missed: MissedPolicy,
    /// The due time of its last recorded run, if any.
    pub last_due: Option<DateTime<Utc>>,
}

/// One run to do.
#[derive(Debug, Clone)]
pub struct JobRun {
    pub name: String,
    pub due: DateTime<Utc>,
    /// A run missed while the daemon was down, done at start.
    pub catch_up: bool,
}

pub type JobFn = Arc<dyn Fn(JobRun) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;
pub type SkipFn = Arc<dyn Fn(JobRun) + Send + Sync>;

pub struct Runner {
    pub clock: Clock,
    pub schedules: Vec<ScheduleState>,
    pub job: JobFn,
    /// Told when a run is skipped because the previous one still runs.
    pub skipped: SkipFn,
}

impl Runner {
    /// Run until `stop` turns true, then wait for the jobs in flight.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let Runner { clock, schedules, job, skipped } = self;
        let running: Vec<Arc<AtomicBool>> = schedules.iter().map(|_| Arc::new(AtomicBool::new(false))).collect();
        let mut tasks = tokio::task::JoinSet::new();
        let launch = |i: usize, due: DateTime<Utc>, catch_up: bool, tasks: &mut tokio::task::JoinSet<()>| {
            let run = JobRun { name: schedules[i].name.clone(), due, catch_up };
            if running[i].swap(true, Ordering::SeqCst) {
                // Two runs of one job never overlap: this one is skipped.
                skipped(run);
                return;
            }
            let (flag, job) = (running[i].clone(), job.clone());
            tasks.spawn(async move {
                job(run).await;
                flag.store(false, Ordering::SeqCst);
            });
        };

        let now = clock.now();
        for (i, s) in schedules.iter().enumerate() {
            if s.missed == MissedPolicy::RunOnce {
                if let (Some(last), Some(prev)) = (s.last_due, s.when.last_until(now)) {
                    if prev > last {
                        launch(i, prev, true, &mut tasks);
                    }
                }
            }
        }
        let mut next: Vec<Option<DateTime<Utc>>> = schedules.iter().map(|s| s.when.next_after(now)).collect();
        loop {
            while tasks.try_join_next().is_some() {}
            let Some(t) = next.iter().flatten().min().copied() else {
                let _ = stop.changed().await;
                break;
            };
            tokio::select! {
                _ = stop.changed() => break,
                _ = clock.sleep_until(t) => {}
            }
            let now = clock.now();
            for i in 0..schedules.len() {
                if let Some(due) = next[i].filter(|d| *d <= now) {
                    launch(i, due, false, &mut tasks);
                    // After a long pause (suspend), one run, then the next future occurrence.
                    next[i] = schedules[i].when.next_after(due.max(now));
                }
            }
        }
        while tasks.join_next().await.is_some() {}
    }
}
