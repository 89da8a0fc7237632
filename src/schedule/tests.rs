use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Paris;

use super::*;
use crate::config::overnight::MissedPolicy;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// Run `schedules` on a paused clock from `start` for `days`, returning
/// every run with its due time.
async fn runs(schedules: Vec<ScheduleState>, start: DateTime<Utc>, days: u64, job_secs: u64) -> (Vec<JobRun>, Vec<JobRun>) {
    let done = Arc::new(Mutex::new(Vec::new()));
    let skipped = Arc::new(Mutex::new(Vec::new()));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let d = done.clone();
    let s = skipped.clone();
    let runner = Runner {
        clock: Clock::starting_at(start),
        schedules,
        job: Arc::new(move |r: JobRun| {
            let d = d.clone();
            Box::pin(async move {
                d.lock().unwrap().push(r);
                tokio::time::sleep(Duration::from_secs(job_secs)).await;
            })
        }),
        skipped: Arc::new(move |r| s.lock().unwrap().push(r)),
    };
    let task = tokio::spawn(runner.run(stop_rx));
    tokio::time::sleep(Duration::from_secs(days * 86_400)).await;
    stop_tx.send(true).unwrap();
    task.await.unwrap();
    let out = (done.lock().unwrap().clone(), skipped.lock().unwrap().clone());
    out
}

fn nightly(last_due: Option<DateTime<Utc>>) -> ScheduleState {
    ScheduleState { name: "nightly-export".into(), when: When::new("0 2 * * *", "Europe/Paris").unwrap(), missed: MissedPolicy::RunOnce, last_due }
}

#[tokio::test(start_paused = true)]
async fn a_02_00_paris_job_runs_at_02_00_local_across_both_daylight_saving_changes() {
    // Spring forward: 2026-03-29, 02:00 -> 03:00 in Paris.
    let (done, _) = runs(vec![nightly(None)], utc(2026, 3, 26, 12, 0), 6, 5).await;
    let local: Vec<String> = done.iter().map(|r| r.due.with_timezone(&Paris).format("%m-%d %H:%M %Z").to_string()).collect();
    assert_eq!(
        local,
        ["03-27 02:00 CET", "03-28 02:00 CET", "03-29 03:00 CEST", "03-30 02:00 CEST", "03-31 02:00 CEST", "04-01 02:00 CEST"],
        "02:00 does not exist on the 29th: it runs once, at 03:00"
    );
    // In UTC the run moved by an hour: the offset was not frozen.
    assert_eq!(done[0].due, utc(2026, 3, 27, 1, 0));
    assert_eq!(done[4].due, utc(2026, 3, 31, 0, 0));

    // Fall back: 2026-10-25, 03:00 -> 02:00; 02:00 happens twice, the job runs once.
    let (done, _) = runs(vec![nightly(None)], utc(2026, 10, 22, 12, 0), 6, 5).await;
    let local: Vec<String> = done.iter().map(|r| r.due.with_timezone(&Paris).format("%m-%d %H:%M %Z").to_string()).collect();
    assert_eq!(local, ["10-23 02:00 CEST", "10-24 02:00 CEST", "10-25 02:00 CEST", "10-26 02:00 CET", "10-27 02:00 CET", "10-28 02:00 CET"]);
    assert_eq!(done[3].due, utc(2026, 10, 26, 1, 0));
}

#[tokio::test(start_paused = true)]
async fn a_run_missed_while_down_runs_once_at_start_unless_skipped() {
    // Last run on the 20th; the daemon starts on the 23rd at noon: one catch-up, for the 23rd's 02:00.
    let (done, _) = runs(vec![nightly(Some(utc(2026, 11, 20, 1, 0)))], utc(2026, 11, 23, 12, 0), 1, 1).await;
    assert!(done[0].catch_up && done[0].due == utc(2026, 11, 23, 1, 0), "{done:?}");
    assert_eq!(done.iter().filter(|r| r.catch_up).count(), 1);
    assert_eq!(done.len(), 2, "the catch-up, then the 24th's run");
    let mut skip = nightly(Some(utc(2026, 11, 20, 1, 0)));
    skip.missed = MissedPolicy::Skip;
    let (done, _) = runs(vec![skip], utc(2026, 11, 23, 12, 0), 1, 1).await;
    assert!(done.iter().all(|r| !r.catch_up) && done.len() == 1);
    // Up to date: nothing to catch up.
    let (done, _) = runs(vec![nightly(Some(utc(2026, 11, 23, 1, 0)))], utc(2026, 11, 23, 12, 0), 1, 1).await;
    assert!(done.iter().all(|r| !r.catch_up));
}

#[tokio::test(start_paused = true)]
async fn two_runs_of_one_job_never_overlap() {
    // Every minute, each run lasting 150 s: the next two are skipped each time.
    let every_minute = ScheduleState { name: "slow".into(), when: When::new("* * * * *", "UTC").unwrap(), missed: MissedPolicy::Skip, last_due: None };
    let done = Arc::new(Mutex::new(Vec::<JobRun>::new()));
    let skipped = Arc::new(Mutex::new(Vec::<JobRun>::new()));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (d, s) = (done.clone(), skipped.clone());
    let runner = Runner {
        clock: Clock::starting_at(utc(2026, 1, 1, 0, 0)),
        schedules: vec![every_minute],
        job: Arc::new(move |r: JobRun| {
            let d = d.clone();
            Box::pin(async move {
                d.lock().unwrap().push(r);
                tokio::time::sleep(Duration::from_secs(150)).await;
            })
        }),
        skipped: Arc::new(move |r| s.lock().unwrap().push(r)),
    };
    let task = tokio::spawn(runner.run(stop_rx));
    tokio::time::sleep(Duration::from_secs(10 * 60 + 30)).await;
    stop_tx.send(true).unwrap();
    task.await.unwrap();
    let minutes = |v: &[JobRun]| v.iter().map(|r| r.due.minute()).collect::<Vec<_>>();
    assert_eq!(minutes(&done.lock().unwrap()), [1, 4, 7, 10]);
    assert_eq!(minutes(&skipped.lock().unwrap()), [2, 3, 5, 6, 8, 9]);
}

#[test]
fn bad_expressions_and_zones_are_refused_with_the_reason() {
    assert!(When::new("0 25 * * *", "UTC").unwrap_err().contains("not a cron expression"));
    assert!(When::new("0 2 * * *", "Europe/Pariss").unwrap_err().contains("IANA"));
}
