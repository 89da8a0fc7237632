//! The admin commands on the books (`batches`, `batch`, `entry`, `verify`,
//! `history`): one request type, executed against the store wherever the
//! store lives. DuckDB allows one writing process, so while the daemon runs
//! the CLI sends its request over the daemon's control socket
//! (`socket.rs`) and the daemon's store thread executes it; otherwise the
//! CLI opens the database itself and executes the same code.

pub mod export;
pub mod open_items;
pub mod render;
pub mod report;
pub mod retrain;
pub mod review;
pub mod socket;

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ledger::batch::{Action, ExportState, Status};
use crate::pipeline::Site;
use crate::store::{BatchFilter, Ctx, EntryEdit, Store};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Request {
    Batches {
        state: Option<String>,
        year: Option<i32>,
        journal: Option<String>,
        search: Option<String>,
        json: bool,
    },
    Batch {
        action: String,
        id: String,
        #[serde(default)]
        force: bool,
        #[serde(default)]
        control_total: Option<String>,
        #[serde(default)]
        date: Option<NaiveDate>,
        #[serde(default)]
        every: Option<String>,
        #[serde(default)]
        json: bool,
    },
    EntryEdit {
        id: i64,
        /// `label=…`, `date=…`, `piece_ref=…`, `N.field=value` for line N.
        set: Vec<String>,
        hold: bool,
    },
    History {
        doc: String,
    },
    Verify {
        json: bool,
    },
    Export(export::ExportRequest),
    OpenItems(open_items::OpenItemsRequest),
    Unmatch {
        company: Option<String>,
        account: String,
        aux: Option<String>,
        code: String,
    },
    Review(review::ReviewRequest),
    /// Which marks gave values in the last `days` days, per pipeline (for `check`).
    MarkUse {
        days: u32,
    },
    /// The classifier's training examples, as JSON (for `replay`).
    TrainingExamples,
    /// Retrain the fallback classifier now.
    Retrain {
        json: bool,
    },
    /// The processed documents `replay` compares against, as JSON.
    Processed {
        since: Option<NaiveDate>,
    },
    /// Handled asynchronously (`report::run`), not by `execute`.
    Report {
        send: bool,
        to: Vec<String>,
    },
}

/// What a command prints and its exit code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Reply {
    pub code: u8,
    pub out: String,
    pub err: String,
}

impl Reply {
    fn ok(out: String) -> Reply {
        Reply { code: 0, out, err: String::new() }
    }
    fn fail(code: u8, err: String) -> Reply {
        Reply { code, out: String::new(), err }
    }
}

/// Who is acting, for the audit trail: `cli:USER`.
pub fn cli_actor() -> String {
    format!("cli:{}", std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into()))
}

/// Run one request against the store. A refusal exits 1 with the rule that
/// refused; an unknown batch or bad argument exits 2.
pub fn execute(store: &mut Store, site: &Site, req: &Request, actor: &str) -> Reply {
    match run(store, site, req, actor) {
        Ok(r) => r,
        Err(e) => Reply::fail(1, format!("{e:#}")),
    }
}

fn run(store: &mut Store, site: &Site, req: &Request, actor: &str) -> anyhow::Result<Reply> {
    match req {
        Request::Review(r) => {
            let reply = review::run(store, site, r, actor)?;
            // A person's decision is what the classifier learns from.
            if matches!(r.action.as_str(), "approve" | "category" | "split") && reply.code == 0 {
                if let Err(e) = retrain::retrain(store, site) {
                    tracing::warn!(error = format!("{e:#}"), "retraining the classifier failed");
                }
            }
            Ok(reply)
        }
        Request::MarkUse { days } => Ok(Reply::ok(serde_json::to_string(&store.recent_mark_use(*days)?)?)),
        Request::TrainingExamples => Ok(Reply::ok(serde_json::to_string(&store.training_examples()?)?)),
        Request::Retrain { json } => {
            let v = retrain::retrain(store, site)?;
            Ok(Reply::ok(if *json { serde_json::to_string_pretty(&v)? + "\n" } else { retrain::describe(&v) }))
        }
        Request::Processed { since } => Ok(Reply::ok(serde_json::to_string(&store.processed_documents(*since)?)?)),
        Request::Batches { state, year, journal, search, json } => {
            let mut f = BatchFilter { year: *year, journal: journal.clone(), search: search.clone(), ..Default::default() };
            if let Some(s) = state {
                if let Some(st) = Status::parse(s) {
                    f.status = Some(st);
                } else if let Some(e) = ExportState::parse(s) {
                    f.export_state = Some(e);
                } else {
                    return Ok(Reply::fail(2, format!("--state `{s}`: use in-progress, exported, export-failed, on-hold, balanced, scheduled, unposted, posted or void")));
                }
            }
            let rows = store.batches(&f)?;
            Ok(Reply::ok(if *json { serde_json::to_string_pretty(&rows)? + "\n" } else { render::batch_list(&rows) }))
        }
        Request::Batch { action, id, force, control_total, date, every, json } => {
            let b = store.batch(id)?;
            let company = site.company(&b.company)?;
            let ctx = Ctx { actor, rules: &company.ledger, force: *force };
            let act = match action.as_str() {
                "show" => {
                    let entries = store.batch_entries(b.id)?;
                    return Ok(Reply::ok(if *json {
                        serde_json::to_string_pretty(&serde_json::json!({"batch": b, "entries": entries.iter().map(render::entry_json).collect::<Vec<_>>()}))? + "\n"
                    } else {
                        render::batch_detail(&b, &entries, &company.ledger.show_columns)
                    }));
                }
                "reverse" => {
                    let day = date.unwrap_or_else(today);
                    let r = store.reverse_batch(id, day, &ctx, |d| company.fiscal_year(d))?;
                    return Ok(Reply::ok(format!("batch {} reverses {} ({} entries, dated {day}): {}\n", r.number, b.number, r.entries, r.status)));
                }
                "schedule" => {
                    let every = every.as_deref().unwrap_or("month");
                    let from = date.unwrap_or_else(today);
                    store.schedule_batch(id, every, from, &ctx)?;
                    return Ok(Reply::ok(format!("batch {} is scheduled every {every} from {from}\n", b.number)));
                }
                "balance" if control_total.is_some() => {
                    let t: Decimal = control_total.as_deref().unwrap_or_default().replace(',', ".").parse().map_err(|_| anyhow::anyhow!("--control-total `{}` is not an amount", control_total.as_deref().unwrap_or_default()))?;
                    store.set_control_total(id, t, &ctx)?;
                    Action::Balance
                }
                "hold" => Action::Hold,
                "balance" => Action::Balance,
                "release" => Action::Release,
                "post" => Action::Post,
                "void" => Action::Void,
                other => return Ok(Reply::fail(2, format!("unknown batch action `{other}`: show, release, post, hold, balance, void, reverse, schedule"))),
            };
            let to = store.transition(id, act, &ctx)?;
            Ok(Reply::ok(format!("batch {}: {} -> {to}\n", b.number, b.status)))
        }
        Request::EntryEdit { id, set, hold } => {
            let e = store.entry(*id)?;
            let b = store.batch(&e.batch_id.to_string())?;
            let company = site.company(&b.company)?;
            let ctx = Ctx { actor, rules: &company.ledger, force: false };
            let edit = parse_edit(set, *hold)?;
            let out = store.edit_entry(*id, &edit, &ctx, |d| company.fiscal_year(d))?;
            Ok(Reply::ok(match out {
                crate::store::EditOutcome::InPlace { batch, status } => format!("entry {id} changed in batch {batch} ({status})\n"),
                crate::store::EditOutcome::NewBatch { batch, kind, parent } => {
                    format!("batch {parent} is posted or exported: the change is in {} batch {batch}, attached to it (reversal of entry {id} and the corrected entry)\n", kind.as_str())
                }
            }))
        }
        Request::History { doc } => Ok(Reply::ok(render::history(store, doc)?)),
        Request::OpenItems(x) => Ok(Reply::ok(open_items::run(store, site, x)?)),
        Request::Unmatch { company, account, aux, code } => {
            let company = open_items::company_of(site, company.as_deref())?;
            let n = store.unmatch(&company, account, aux.as_deref(), code, actor)?;
            Ok(Reply::ok(format!("matching {code} on {account} undone: its {n} lines are open again\n")))
        }
        Request::Report { .. } => Ok(Reply::fail(2, "report requests are served by admin::report::run".into())),
        Request::Export(x) => Ok(Reply::ok(export::run(store, site, x, actor)?.join("\n") + "\n")),
        Request::Verify { json } => {
            let net: HashMap<String, String> = site.companies().map(|c| (c.company.id.clone(), c.ledger.net_income_account.clone())).collect();
            let r = store.verify(&net)?;
            let mut out = String::new();
            if *json {
                out = serde_json::to_string_pretty(&r)? + "\n";
            } else {
                let _ = writeln!(out, "{} posted entries, {} lines; debit {}, credit {}", r.posted_entries, r.posted_lines, r.total_debit, r.total_credit);
                if r.problems.is_empty() {
                    out.push_str("OK: hash chain intact, every posted batch balanced, numbering without gaps, trial balance zero\n");
                }
            }
            if r.problems.is_empty() {
                Ok(Reply::ok(out))
            } else {
                Ok(Reply { code: 1, out, err: r.problems.iter().map(|p| format!("BROKEN: {p}\n")).collect() })
            }
        }
    }
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// `label=X`, `date=2025-03-01`, `piece_ref=F1`, `2.account=606400`, `3.debit=12.00`.
fn parse_edit(set: &[String], hold: bool) -> anyhow::Result<EntryEdit> {
    let mut e = EntryEdit { hold, ..Default::default() };
    for s in set {
        let (k, v) = s.split_once('=').ok_or_else(|| anyhow::anyhow!("`{s}`: write field=value, e.g. 2.account=606400 or label=\"Loyer mars\""))?;
        match k {
            "label" => e.label = Some(v.to_string()),
            "piece_ref" => e.piece_ref = Some(v.to_string()),
            "date" => e.date = Some(NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| anyhow::anyhow!("date `{v}`: use YYYY-MM-DD"))?),
            _ => {
                let (n, field) = k.split_once('.').ok_or_else(|| anyhow::anyhow!("`{k}`: unknown field; use label, date, piece_ref or LINE.field (account, aux_account, label, debit, credit, due_date)"))?;
                let n: usize = n.parse().map_err(|_| anyhow::anyhow!("`{k}`: the line number comes first, e.g. 2.account"))?;
                e.lines.push((n, field.to_string(), v.to_string()));
            }
        }
    }
    Ok(e)
}
