//! The overnight report: what came in, what was posted, what waits for a
//! person and why, what failed and why, exports, totals per journal, and
//! a small chart of the day's volume, as text and as HTML.
//!
//! - `mail`: sending through SMTP (lettre), the outbox and its retries.

pub mod mail;

use std::fmt::Write as _;

use crate::store::ReportData;

/// Subject, text and HTML of a report.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn render(site_name: &str, d: &ReportData) -> Rendered {
    let subject = format!(
        "paperledger report {site_name}: {} received, {} posted, {} waiting for review, {} failed",
        d.received,
        d.posted,
        d.review.len(),
        d.failed.len()
    );
    Rendered { subject, text: text(d), html: html(site_name, d) }
}

fn text(d: &ReportData) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "From {} to {}", d.since, d.until);
    let _ = writeln!(t, "Documents received: {} (duplicates: {})", d.received, d.duplicates);
    let _ = writeln!(t, "Posted: {}", d.posted);
    let _ = writeln!(t, "\nWaiting for review: {}", d.review.len());
    for (f, why) in &d.review {
        let _ = writeln!(t, "  - {f}: {}", reasons(why));
    }
    let _ = writeln!(t, "\nFailed: {}", d.failed.len());
    for (f, why) in &d.failed {
        let _ = writeln!(t, "  - {f}: {why}");
    }
    let _ = writeln!(t, "\nBatches exported: {}", d.exported.len());
    for (b, j, y) in &d.exported {
        let _ = writeln!(t, "  - {b} ({j} {y})");
    }
    let _ = writeln!(t, "Batches whose export failed (retried at the next run): {}", d.export_failed.len());
    for (b, e) in &d.export_failed {
        let _ = writeln!(t, "  - {b}: {e}");
    }
    let _ = writeln!(t, "\nUnmatched bank lines: bank statements are not imported yet");
    let _ = writeln!(t, "\nTotals per journal (entries filed, debit):");
    if d.journals.is_empty() {
        let _ = writeln!(t, "  none");
    }
    for (j, n, debit) in &d.journals {
        let _ = writeln!(t, "  {j}: {n} entries, {debit}");
    }
    if !d.notices.is_empty() {
        let _ = writeln!(t, "\nNotices:");
        for (_, n) in &d.notices {
            let _ = writeln!(t, "  - {n}");
        }
    }
    let _ = writeln!(t, "\nFiles received per hour:");
    let max = d.per_hour.iter().copied().max().unwrap_or(0).max(1);
    for (h, n) in d.per_hour.iter().enumerate() {
        if *n > 0 {
            let _ = writeln!(t, "  {h:02}h {:<30} {n}", "#".repeat(((*n * 30 + max - 1) / max) as usize));
        }
    }
    t
}

/// `["a","b"]` (the JSON list stored) as `a; b`.
fn reasons(json: &str) -> String {
    serde_json::from_str::<Vec<String>>(json).map(|v| v.join("; ")).unwrap_or_else(|_| json.to_string())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html(site_name: &str, d: &ReportData) -> String {
    let mut h = String::new();
    let _ = write!(h, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>paperledger report</title></head><body style=\"font-family:sans-serif\">");
    let _ = write!(h, "<h2>paperledger report: {}</h2><p>From {} to {}</p>", esc(site_name), esc(&d.since), esc(&d.until));
    let _ = write!(
        h,
        "<table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\"><tr><th>received</th><th>posted</th><th>waiting for review</th><th>failed</th><th>duplicates</th></tr>\
         <tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>",
        d.received,
        d.posted,
        d.review.len(),
        d.failed.len(),
        d.duplicates
    );
    let list = |h: &mut String, title: &str, items: Vec<String>| {
        let _ = write!(h, "<h3>{}</h3>", esc(title));
        if items.is_empty() {
            h.push_str("<p>none</p>");
        } else {
            h.push_str("<ul>");
            for i in items {
                let _ = write!(h, "<li>{i}</li>");
            }
            h.push_str("</ul>");
        }
    };
    list(&mut h, "Waiting for review", d.review.iter().map(|(f, w)| format!("<b>{}</b>: {}", esc(f), esc(&reasons(w)))).collect());
    list(&mut h, "Failed", d.failed.iter().map(|(f, w)| format!("<b>{}</b>: {}", esc(f), esc(w))).collect());
    list(&mut h, "Batches exported", d.exported.iter().map(|(b, j, y)| format!("{} ({} {y})", esc(b), esc(j))).collect());
    list(&mut h, "Exports failed (retried at the next run)", d.export_failed.iter().map(|(b, e)| format!("{}: {}", esc(b), esc(e))).collect());
    h.push_str("<h3>Unmatched bank lines</h3><p>bank statements are not imported yet</p>");
    list(&mut h, "Totals per journal", d.journals.iter().map(|(j, n, debit)| format!("{}: {n} entries, {}", esc(j), esc(debit))).collect());
    if !d.notices.is_empty() {
        list(&mut h, "Notices", d.notices.iter().map(|(_, n)| esc(n)).collect());
    }
    // The day's volume: one bar per hour, drawn with table cells (mail
    // clients strip scripts and often SVG).
    let max = d.per_hour.iter().copied().max().unwrap_or(0).max(1);
    h.push_str("<h3>Files received per hour</h3><table cellspacing=\"1\" style=\"border-collapse:separate\"><tr style=\"vertical-align:bottom\">");
    for n in &d.per_hour {
        let px = (n * 60 / max).max(if *n > 0 { 2 } else { 0 });
        let _ = write!(h, "<td title=\"{n}\"><div style=\"width:12px;height:{px}px;background:#2b6cb0\"></div></td>");
    }
    h.push_str("</tr><tr>");
    for hr in 0..24 {
        let _ = write!(h, "<td style=\"font-size:9px\">{hr:02}</td>");
    }
    h.push_str("</tr></table></body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_what_waits_and_why_and_escapes_html() {
        let d = ReportData {
            since: "2026-11-22 07:30:00".into(),
            until: "2026-11-23 07:30:00".into(),
            received: 5,
            posted: 3,
            review: vec![("scan<1>.pdf".into(), "[\"net + VAT differs from gross\"]".into())],
            failed: vec![("broken.pdf".into(), "encrypted PDF".into())],
            journals: vec![("HA".into(), 3, "360.00".into())],
            per_hour: (0..24).map(|h| if h == 9 { 4 } else if h == 14 { 1 } else { 0 }).collect(),
            ..Default::default()
        };
        let r = render("Cabinet", &d);
        assert!(r.subject.contains("5 received, 3 posted, 1 waiting for review, 1 failed"), "{}", r.subject);
        assert!(r.text.contains("scan<1>.pdf: net + VAT differs from gross"));
        assert!(r.text.contains("broken.pdf: encrypted PDF"));
        assert!(r.text.contains("HA: 3 entries, 360.00"));
        assert!(r.text.contains("09h ##############################") && r.text.contains("14h ########"));
        assert!(r.html.contains("scan&lt;1&gt;.pdf") && !r.html.contains("scan<1>"));
        assert_eq!(r.html.matches("background:#2b6cb0").count(), 24);
    }
}

/// Build the report since the last one (or the last 24 hours), queue it in
/// the outbox for `to` with `attachments`, and mark its notices told.
/// Returns the outbox id and the rendered report.
pub fn queue(store: &mut crate::store::Store, site_name: &str, to: &[String], attachments: &[String]) -> anyhow::Result<(i64, Rendered)> {
    let (r, notices) = build(store, site_name)?;
    let id = store.queue_mail(to, &r.subject, &r.text, &r.html, attachments)?;
    store.notices_reported(&notices)?;
    Ok((id, r))
}

/// The report since the last one queued (at most a week back; 24 hours the
/// first time), and the ids of the notices it tells.
pub fn build(store: &crate::store::Store, site_name: &str) -> anyhow::Result<(Rendered, Vec<i64>)> {
    let until = chrono::Local::now().naive_local();
    let day = until - chrono::Duration::hours(24);
    let since = store.last_report_at()?.filter(|t| *t > until - chrono::Duration::days(7) && *t < until).unwrap_or(day);
    let data = store.report_data(since, until)?;
    let notices = data.notices.iter().map(|(id, _)| *id).collect();
    Ok((render(site_name, &data), notices))
}

/// Try every mail due now (or only `only`): sent ones are marked, failed
/// ones get their next attempt. Returns (id, error) of the failures.
pub async fn deliver(store: &crate::store::StoreHandle, smtp: &crate::config::overnight::Smtp, only: Option<i64>) -> anyhow::Result<Vec<(i64, String)>> {
    let due = store.call(move |s| s.due_mail(chrono::Utc::now(), only)).await?;
    let mut failures = Vec::new();
    for m in due {
        let (id, attempts) = (m.id, m.attempts);
        match mail::send(smtp, &m).await {
            Ok(()) => {
                store.call(move |s| s.mail_sent(id)).await?;
                tracing::info!(mail = id, subject = %m.subject, "mail sent");
            }
            Err(e) => {
                let why = format!("{e:#}");
                let w = why.clone();
                let next = store.call(move |s| s.mail_failed(id, attempts, &w)).await?;
                tracing::warn!(mail = id, error = %why, next_attempt = %next, "mail not sent; kept in the outbox");
                failures.push((id, why));
            }
        }
    }
    Ok(failures)
}
