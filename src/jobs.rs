//! The scheduled jobs the daemon runs: export, report, retrain, rescan.
//! Each run is recorded in DuckDB (schedule_runs) with its outcome.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio::sync::Notify;

use crate::admin::export::ExportRequest;
use crate::config::overnight::{ExportFormat, JobKind, Schedule};
use crate::pipeline::Site;
use crate::schedule::{JobRun, ScheduleState, When};
use crate::store::StoreHandle;

/// What a scheduled job needs from the daemon.
#[derive(Clone)]
pub struct JobContext {
    /// The site as the schedules were read (at start).
    pub site: Arc<Site>,
    /// The site in force now (a reload replaces it): whose classifier `retrain` fills.
    pub shared: crate::pipeline::site::SharedSite,
    pub store: StoreHandle,
    /// Wakes the watchers for a full listing of every inbox.
    pub rescan: Arc<Notify>,
}

/// The runner's view of the configured schedules, with their last run.
pub async fn states(site: &Site, store: &StoreHandle) -> anyhow::Result<Vec<ScheduleState>> {
    let mut out = Vec::new();
    for s in &site.config.schedules {
        let when = When::new(&s.cron, &s.timezone).map_err(|e| anyhow::anyhow!("schedule {}: {e}", s.name))?;
        let name = s.name.clone();
        let last_due = store.call(move |st| st.last_due(&name)).await?;
        out.push(ScheduleState { name: s.name.clone(), when, missed: s.missed, last_due });
    }
    Ok(out)
}

/// Run one scheduled job and record it.
pub async fn run(ctx: JobContext, r: JobRun) {
    let Some(s) = ctx.site.config.schedules.iter().find(|s| s.name == r.name).cloned() else { return };
    let (name, job, due, catch_up) = (s.name.clone(), s.job.as_str(), r.due, r.catch_up);
    let id = match ctx.store.call(move |st| st.run_started(&name, job, due, catch_up)).await {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(schedule = %s.name, error = format!("{e:#}"), "could not record the run; not running it");
            return;
        }
    };
    tracing::info!(schedule = %s.name, job, due = %r.due, catch_up, "scheduled job starts");
    let result = execute(&ctx, &s, r.due).await;
    let (outcome, detail) = match &result {
        Ok(d) => ("ok", d.clone()),
        Err(e) => ("failed", json!({"error": format!("{e:#}")})),
    };
    match &result {
        Ok(_) => tracing::info!(schedule = %s.name, job, "scheduled job done"),
        Err(e) => tracing::error!(schedule = %s.name, job, error = format!("{e:#}"), "scheduled job failed"),
    }
    let _ = ctx.store.call(move |st| st.run_finished(id, outcome, &detail)).await;
}

/// Record a run skipped because the previous one still runs.
pub async fn skipped(ctx: JobContext, r: JobRun) {
    let Some(s) = ctx.site.config.schedules.iter().find(|s| s.name == r.name).cloned() else { return };
    tracing::warn!(schedule = %s.name, due = %r.due, "previous run still running: this run is skipped");
    let (name, job, due) = (s.name.clone(), s.job.as_str(), r.due);
    let _ = ctx
        .store
        .call(move |st| {
            let id = st.run_started(&name, job, due, false)?;
            st.run_finished(id, "skipped", &json!({"reason": "the previous run was still running"}))
        })
        .await;
}

async fn execute(ctx: &JobContext, s: &Schedule, due: DateTime<Utc>) -> anyhow::Result<serde_json::Value> {
    let actor = format!("schedule:{}", s.name);
    match s.job {
        JobKind::Export => {
            let req = ExportRequest {
                format: s.format.unwrap_or(ExportFormat::Fec),
                out: ctx.site.config.resolve(s.out.as_deref().expect("validated: export jobs have `out`")),
                year: None,
                company: s.company.clone(),
                batch: None,
                pipe: false,
                latin9: false,
            };
            let site = ctx.site.clone();
            let files = ctx.store.call(move |st| crate::admin::export::run(st, &site, &req, &actor)).await?;
            Ok(json!({"files": files}))
        }
        JobKind::Report => {
            let smtp = ctx.site.config.smtp.clone().ok_or_else(|| anyhow::anyhow!("no `smtp:` server configured"))?;
            let attachments = if s.attach_exports { last_export_files(ctx).await? } else { Vec::new() };
            let (to, name) = (s.to.clone(), crate::admin::report::site_name(&ctx.site));
            let (id, r) = ctx.store.call(move |st| crate::report::queue(st, &name, &to, &attachments)).await?;
            let failures = crate::report::deliver(&ctx.store, &smtp, Some(id)).await?;
            match failures.first() {
                None => Ok(json!({"mail": id, "subject": r.subject, "sent": true})),
                // Queued: the outbox loop retries it; the run itself did its part.
                Some((_, why)) => Ok(json!({"mail": id, "subject": r.subject, "sent": false, "queued_because": why})),
            }
        }
        JobKind::Rescan => {
            ctx.rescan.notify_waiters();
            Ok(json!({"rescanned": ctx.site.inboxes.len()}))
        }
        JobKind::Retrain => {
            let _ = due;
            let site = ctx.shared.get();
            ctx.store.call(move |st| crate::admin::retrain::retrain(st, &site)).await
        }
    }
}

/// The files the most recent successful export run wrote (for attaching).
async fn last_export_files(ctx: &JobContext) -> anyhow::Result<Vec<String>> {
    let exports: Vec<String> = ctx.site.config.schedules.iter().filter(|s| s.job == JobKind::Export).map(|s| s.name.clone()).collect();
    ctx.store
        .call(move |st| {
            for name in exports {
                for (_, outcome, detail) in st.runs(&name)? {
                    if outcome != "ok" {
                        continue;
                    }
                    let v: serde_json::Value = serde_json::from_str(&detail.unwrap_or_default()).unwrap_or_default();
                    let files: Vec<String> = v["files"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|l| l.as_str()).filter_map(|l| l.split_once(": ").map(|(p, _)| p.to_string())).filter(|p| std::path::Path::new(p).exists()).collect())
                        .unwrap_or_default();
                    return Ok(files);
                }
            }
            Ok(Vec::new())
        })
        .await
}
