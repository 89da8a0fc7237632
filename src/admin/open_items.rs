//! `open-items`: what is left to pay or to collect, due date by due date,
//! and the aged balance per party.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::pipeline::Site;
use crate::store::bank::OpenItemRow;
use crate::store::Store;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenItemsRequest {
    pub company: Option<String>,
    pub account: Option<String>,
    pub party: Option<String>,
    pub all: bool,
    pub aged: bool,
    pub as_of: Option<NaiveDate>,
    pub unmatched: bool,
    pub json: bool,
}

/// The company a command is about: the one named, or the only one.
pub fn company_of(site: &Site, named: Option<&str>) -> anyhow::Result<String> {
    match named {
        Some(c) => Ok(site.company(c)?.company.id.clone()),
        None => {
            let ids: Vec<String> = site.companies().map(|c| c.company.id.clone()).collect();
            match ids.as_slice() {
                [one] => Ok(one.clone()),
                _ => anyhow::bail!("this site keeps several companies ({}): name one with --company", ids.join(", ")),
            }
        }
    }
}

/// The aged-balance buckets, by days past the due date.
const BUCKETS: [&str; 5] = ["not_due", "1_30", "31_60", "61_90", "over_90"];

fn bucket(as_of: NaiveDate, row: &OpenItemRow) -> usize {
    let late = (as_of - row.due_date.unwrap_or(row.date)).num_days();
    match late {
        i64::MIN..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

/// Amounts as the accountant reads them: positive, with the side the
/// balance is on (a supplier's unpaid invoice is a credit).
fn side(d: Decimal) -> &'static str {
    if d < Decimal::ZERO { "credit" } else { "debit" }
}

pub fn run(store: &Store, site: &Site, x: &OpenItemsRequest) -> anyhow::Result<String> {
    let company = company_of(site, x.company.as_deref())?;
    let as_of = x.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let party = x.party.as_ref().map(|p| p.to_lowercase());
    let rows: Vec<OpenItemRow> = store
        .open_items(&company, x.all)?
        .into_iter()
        .filter(|r| x.account.as_ref().is_none_or(|a| r.account.starts_with(a.as_str()) || r.aux_account.as_deref().is_some_and(|x| x.starts_with(a.as_str()))))
        .filter(|r| party.as_ref().is_none_or(|p| r.party.to_lowercase().contains(p.as_str())))
        .collect();
    let unmatched = if x.unmatched { store.unmatched_bank_lines(&company)? } else { Vec::new() };
    if x.json {
        let items: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "account": r.account, "aux_account": r.aux_account, "party": r.party, "reference": r.reference,
                    "journal": r.journal, "date": r.date, "due_date": r.due_date,
                    "amount": r.balance.abs().to_string(), "residual": r.residual.abs().to_string(), "side": side(r.balance),
                    "balance": r.balance.to_string(), "open_balance": r.residual.to_string(),
                    "match_code": r.match_code, "days_late": (as_of - r.due_date.unwrap_or(r.date)).num_days().max(0),
                })
            })
            .collect();
        let mut out = json!({"company": company, "as_of": as_of, "open_items": items});
        if x.aged {
            out["aged"] = json!(aged(&rows, as_of).into_iter().map(|(acct, aux, party, b, total)| json!({
                "account": acct, "aux_account": aux, "party": party,
                "buckets": BUCKETS.iter().zip(b.iter()).map(|(k, v)| (k.to_string(), json!(v.to_string()))).collect::<serde_json::Map<_, _>>(),
                "total": total.to_string()
            })).collect::<Vec<_>>());
        }
        if x.unmatched {
            out["unmatched_bank_lines"] = json!(unmatched.iter().map(|(d, a, t, why)| json!({"date": d, "amount": a, "text": t, "why": why})).collect::<Vec<_>>());
        }
        return Ok(serde_json::to_string_pretty(&out)? + "\n");
    }
    let mut out = String::new();
    if x.aged {
        let _ = writeln!(out, "Aged balance of {company} at {as_of} (signed: + owed to us, - we owe)");
        let _ = writeln!(out, "{:<8} {:<16} {:<28} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}", "account", "aux", "party", "not due", "1-30", "31-60", "61-90", "> 90", "total");
        for (acct, aux, party, b, total) in aged(&rows, as_of) {
            let _ = writeln!(out, "{acct:<8} {:<16} {:<28} {:>12} {:>12} {:>12} {:>12} {:>12} {total:>12}", aux.unwrap_or_default(), cut(&party, 28), b[0], b[1], b[2], b[3], b[4]);
        }
    } else {
        let _ = writeln!(out, "{:<8} {:<16} {:<24} {:<18} {:<10} {:>12} {:>12} {:<6} {:<5}", "account", "aux", "party", "reference", "due", "amount", "residual", "side", "code");
        for r in &rows {
            let due = r.due_date.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
            let _ = writeln!(
                out,
                "{:<8} {:<16} {:<24} {:<18} {:<10} {:>12} {:>12} {:<6} {:<5}",
                r.account,
                r.aux_account.clone().unwrap_or_default(),
                cut(&r.party, 24),
                cut(&r.reference, 18),
                due,
                r.balance.abs(),
                r.residual.abs(),
                side(r.balance),
                r.match_code.clone().unwrap_or_default()
            );
        }
        let _ = writeln!(out, "{} item(s)", rows.len());
    }
    if x.unmatched {
        let _ = writeln!(out, "\nBank lines not matched ({}):", unmatched.len());
        for (d, a, t, why) in &unmatched {
            let _ = writeln!(out, "  {d} {a:>12}  {}  — {why}", cut(t, 50));
        }
    }
    Ok(out)
}

type AgedRow = (String, Option<String>, String, [Decimal; 5], Decimal);

/// Residuals per party and bucket (signed: + owed to us, - we owe).
fn aged(rows: &[OpenItemRow], as_of: NaiveDate) -> Vec<AgedRow> {
    let mut out: Vec<AgedRow> = Vec::new();
    for r in rows {
        let key = (r.account.clone(), r.aux_account.clone());
        let i = match out.iter().position(|o| (o.0.clone(), o.1.clone()) == key) {
            Some(i) => i,
            None => {
                out.push((r.account.clone(), r.aux_account.clone(), r.party.clone(), [Decimal::ZERO; 5], Decimal::ZERO));
                out.len() - 1
            }
        };
        out[i].3[bucket(as_of, r)] += r.residual;
        out[i].4 += r.residual;
    }
    out
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).collect::<String>() + "…" }
}
