//! `report`: print the report, or queue and send it. Runs against a
//! `StoreHandle` so the daemon (control socket) and the CLI (its own
//! handle) share it; sending is async and never holds the database.

use std::sync::Arc;

use super::Reply;
use crate::pipeline::Site;
use crate::store::StoreHandle;

/// Recipients: `to`, else those of the first report schedule.
fn recipients(site: &Site, to: &[String]) -> Vec<String> {
    if !to.is_empty() {
        return to.to_vec();
    }
    site.config.schedules.iter().find(|s| s.job == crate::config::overnight::JobKind::Report).map(|s| s.to.clone()).unwrap_or_default()
}

pub fn site_name(site: &Site) -> String {
    site.config.companies.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
}

pub async fn run(site: Arc<Site>, store: StoreHandle, send: bool, to: Vec<String>) -> Reply {
    let name = site_name(&site);
    if !send {
        return match store.call(move |s| crate::report::build(s, &name)).await {
            Ok((r, _)) => Reply { code: 0, out: format!("Subject: {}\n\n{}", r.subject, r.text), err: String::new() },
            Err(e) => Reply { code: 1, out: String::new(), err: format!("{e:#}") },
        };
    }
    let Some(smtp) = site.config.smtp.clone() else {
        return Reply { code: 2, out: String::new(), err: "report --send needs the `smtp:` server in the configuration".into() };
    };
    let to = recipients(&site, &to);
    if to.is_empty() {
        return Reply { code: 2, out: String::new(), err: "no recipient: give --to ADDRESS or a schedule with `job: report` and `to:`".into() };
    }
    let queued = store.call(move |s| crate::report::queue(s, &name, &to, &[])).await;
    let (id, r) = match queued {
        Ok(x) => x,
        Err(e) => return Reply { code: 1, out: String::new(), err: format!("{e:#}") },
    };
    match crate::report::deliver(&store, &smtp, Some(id)).await {
        Ok(f) if f.is_empty() => Reply { code: 0, out: format!("sent: {}\n", r.subject), err: String::new() },
        Ok(f) => Reply {
            // EX_TEMPFAIL: not sent yet, but kept and retried.
            code: 75,
            out: String::new(),
            err: format!("not sent now ({}); the report is queued in the outbox (id {id}) and the daemon retries it with backoff\n", f[0].1),
        },
        Err(e) => Reply { code: 1, out: String::new(), err: format!("{e:#}") },
    }
}
