//! Bank statements into the books, inside the file's commit transaction:
//! each new line is matched against the company's open items
//! (`ledger::matching`), becomes entries through the automatic journals
//! (`ledger::autojournal`), and its matches become matching groups
//! (lettrage). A line already imported is skipped; a statement that cannot
//! be booked is refused whole.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use chrono::NaiveDate;
use duckdb::{params, OptionalExt, Transaction};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::capture::statements::{Statement, StatementLine};
use crate::config::site::BankSettings;
use crate::ledger::autojournal::{self, AutoJournalRules, LineMatching, Source, SourceKind, Value};
use crate::ledger::books::{BatchOptions, LockState};
use crate::ledger::matching::{self, BankLine, MatchRules, Matcher, OpenItem, Outcome};
use crate::ledger::{Entry, Line};

use super::{batches, EntryRecord};

/// What the store needs of a company's books to import its statements;
/// implemented by the pipeline's company runtime.
pub trait BankBooks: Send + Sync {
    fn company(&self) -> &str;
    /// The books' currency (accounts.yaml).
    fn currency(&self) -> &str;
    fn bank(&self) -> &BankSettings;
    fn matching(&self) -> &MatchRules;
    fn autojournals(&self) -> &AutoJournalRules;
    fn fiscal_year(&self, date: NaiveDate) -> (i32, NaiveDate, NaiveDate);
    fn period_of(&self, date: NaiveDate) -> Option<String>;
    fn lock_state(&self, date: NaiveDate) -> LockState;
    fn batch_options(&self) -> BatchOptions;
    fn journal_label(&self, code: &str) -> String;
    fn account_label(&self, account: &str) -> String;
}

/// A statement file to import with the document it is recorded as.
#[derive(Clone)]
pub struct StatementImport {
    pub statements: Vec<Statement>,
    pub books: std::sync::Arc<dyn BankBooks>,
}

impl std::fmt::Debug for StatementImport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatementImport").field("statements", &self.statements.len()).finish()
    }
}

/// The company's books, given with a posted invoice so that bank lines
/// waiting on the suspense account are tried against it (`rematch`).
#[derive(Clone)]
pub struct Books(pub std::sync::Arc<dyn BankBooks>);

impl std::fmt::Debug for Books {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Books({})", self.0.company())
    }
}

/// Why a statement file is not imported: the file goes to failed/ (or to
/// duplicates/ when every line was imported before), nothing is written.
#[derive(Debug, Clone)]
pub enum Refusal {
    Failed(String),
    AlreadyImported { of_source: i64, lines: usize },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Failed(m) => f.write_str(m),
            Refusal::AlreadyImported { of_source, lines } => write!(f, "all {lines} lines were already imported (source {of_source})"),
        }
    }
}

impl std::error::Error for Refusal {}

/// One bank line's outcome, for `process --json` and the history.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LineOutcome {
    pub statement: String,
    pub position: usize,
    pub date: NaiveDate,
    pub amount: String,
    pub text: String,
    /// `matched`, `unmatched` or `already-imported`.
    pub outcome: String,
    pub explanation: String,
    pub entries: Vec<i64>,
    /// `(invoice reference, allocated amount, residual after, match code)`.
    pub matched: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ImportSummary {
    pub statements: usize,
    pub lines: usize,
    pub new_lines: usize,
    pub matched: usize,
    pub unmatched: usize,
    pub lines_detail: Vec<LineOutcome>,
}

/// The key of a line: the same booked line in another file (a re-export,
/// an overlapping period) has the same key; identical lines of one
/// statement differ by their occurrence number.
fn line_keys(s: &Statement) -> Vec<String> {
    let account = s.iban.clone().or_else(|| s.account.clone()).unwrap_or_default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    s.lines
        .iter()
        .map(|l| {
            let base = format!("{account}|{}|{}|{}", l.booking_date, l.amount.normalize(), l.bank_ref.as_deref().unwrap_or(""));
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            hex::encode(Sha256::digest(format!("{base}|{n}").as_bytes()))
        })
        .collect()
}

/// Import the statements of one file, recorded as `document_id`.
pub(super) fn import(tx: &Transaction<'_>, source_id: i64, document_id: i64, imp: &StatementImport, actor: &str) -> Result<Result<ImportSummary, Refusal>> {
    let books = imp.books.as_ref();
    let company = books.company();
    let mut summary = ImportSummary { statements: imp.statements.len(), lines: 0, new_lines: 0, matched: 0, unmatched: 0, lines_detail: Vec::new() };
    // Which lines are new, statement by statement.
    let mut todo: Vec<(usize, usize, String)> = Vec::new();
    let mut first_source: Option<i64> = None;
    if let Some(s) = imp.statements.iter().find(|s| !s.currency.eq_ignore_ascii_case(books.currency())) {
        return Ok(Err(Refusal::Failed(format!(
            "{}: the statement is in {} and the books in {}: foreign-currency bank accounts are not supported yet, nothing was imported",
            s.label(),
            s.currency,
            books.currency()
        ))));
    }
    for (si, s) in imp.statements.iter().enumerate() {
        for (li, key) in line_keys(s).into_iter().enumerate() {
            summary.lines += 1;
            let known: Option<i64> = tx
                .prepare_cached("SELECT st.source_id FROM statement_lines l JOIN statements st ON st.id = l.statement_id WHERE l.company = ? AND l.line_key = ?")?
                .query_row(params![company, key], |r| r.get(0))
                .optional()?;
            match known {
                Some(src) => {
                    first_source.get_or_insert(src);
                    let l = &s.lines[li];
                    summary.lines_detail.push(LineOutcome {
                        statement: s.id.clone(),
                        position: li + 1,
                        date: l.booking_date,
                        amount: l.amount.to_string(),
                        text: l.text.clone(),
                        outcome: "already-imported".into(),
                        explanation: format!("imported before, from source {src}"),
                        entries: Vec::new(),
                        matched: Vec::new(),
                    });
                }
                None => todo.push((si, li, key)),
            }
        }
    }
    if todo.is_empty() {
        return Ok(Err(Refusal::AlreadyImported { of_source: first_source.unwrap_or(0), lines: summary.lines }));
    }
    for (si, li, _) in &todo {
        let (s, l) = (&imp.statements[*si], &imp.statements[*si].lines[*li]);
        if let Some(p) = refuse_line(books, s, l) {
            return Ok(Err(Refusal::Failed(format!("{}, line {} ({} {}): {p}", s.label(), li + 1, l.booking_date, l.amount))));
        }
    }

    // Statement rows first: the lines refer to them.
    let mut statement_ids = Vec::new();
    for (si, s) in imp.statements.iter().enumerate() {
        let (journal, account, _) = books.bank().book_for(s.iban.as_deref());
        let new_lines = todo.iter().filter(|t| t.0 == si).count() as i32;
        let id: i64 = tx
            .prepare_cached(
                "INSERT INTO statements (source_id, document_id, company, format, statement_ref, iban, account_ref, currency, opening, closing, opening_date, closing_date, journal, account, line_count, new_lines, imported_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), CAST(? AS DECIMAL(18,2)), ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP)) RETURNING id",
            )?
            .query_row(
                params![
                    source_id,
                    document_id,
                    company,
                    s.format,
                    s.id,
                    s.iban,
                    s.account,
                    s.currency,
                    s.opening.map(|b| b.amount.to_string()),
                    s.closing.map(|b| b.amount.to_string()),
                    s.opening.and_then(|b| b.date),
                    s.closing.and_then(|b| b.date),
                    journal,
                    account,
                    s.lines.len() as i32,
                    new_lines,
                    super::now_text()
                ],
                |r| r.get(0),
            )?;
        statement_ids.push(id);
    }

    // Match in date order against the open items as they are now.
    todo.sort_by_key(|(si, li, _)| (imp.statements[*si].lines[*li].booking_date, *si, *li));
    let items = open_items_for_matching(tx, company, None)?;
    let mut matcher = Matcher::new(items, books.matching());
    for (n, (si, li, key)) in todo.iter().enumerate() {
        let s = &imp.statements[*si];
        let l = &s.lines[*li];
        let outcome = matcher.match_line(&BankLine {
            key: n as u64,
            date: l.booking_date,
            amount: l.amount,
            counterparty: l.counterparty.clone(),
            counterparty_iban: l.counterparty_iban.clone(),
            text: format!("{} {}", l.reference.as_deref().unwrap_or(""), l.text),
        });
        let detail = book_line(tx, books, &matcher, s, (l, *li), false, &outcome, source_id, document_id, actor)?;
        let detail = match detail {
            Ok(d) => d,
            Err(reason) => return Ok(Err(Refusal::Failed(format!("{}, line {} ({} {}): {reason}", s.label(), li + 1, l.booking_date, l.amount)))),
        };
        tx.prepare_cached(
            "INSERT INTO statement_lines (statement_id, company, line_key, position, booking_date, value_date, amount, currency, counterparty, counterparty_iban, reference, text, bank_ref, code, entry_id, outcome, explanation)
             VALUES (?, ?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?
        .execute(params![
            statement_ids[*si],
            company,
            key,
            (*li + 1) as i32,
            l.booking_date,
            l.value_date,
            l.amount.to_string(),
            s.currency,
            l.counterparty,
            l.counterparty_iban,
            l.reference,
            l.text,
            l.bank_ref,
            l.code,
            detail.entries.first().copied(),
            detail.outcome,
            detail.explanation
        ])?;
        if detail.outcome == "matched" {
            summary.matched += 1;
        } else {
            summary.unmatched += 1;
        }
        summary.new_lines += 1;
        summary.lines_detail.push(detail);
    }
    summary.lines_detail.sort_by(|a, b| (&a.statement, a.position).cmp(&(&b.statement, b.position)));
    Ok(Ok(summary))
}

/// Bank lines left on the suspense account are tried again once new
/// invoices are booked: a statement often arrives before the invoices it
/// pays. A match books the amount from the suspense account to the party
/// through the same automatic journals (the bank account replaced by the
/// suspense account) and matches it with the invoice. Returns the lines
/// matched now; called inside the invoice's commit transaction. `party`:
/// the new invoice's auxiliary account; only that party's open items can
/// have changed, so only they are loaded (this runs on every posting).
pub(super) fn rematch(tx: &Transaction<'_>, books: &dyn BankBooks, party: Option<&str>, actor: &str) -> Result<Vec<LineOutcome>> {
    let company = books.company();
    let suspense = books.matching().suspense_account.clone();
    let waiting: Vec<(i64, i64, i64, Statement, usize)> = tx
        .prepare_cached(
            "SELECT l.id, st.source_id, st.document_id, st.statement_ref, st.iban, st.account_ref, st.currency, l.position, l.booking_date, l.value_date,
                    CAST(l.amount AS VARCHAR), l.counterparty, l.counterparty_iban, l.reference, l.text, l.bank_ref, l.code
             FROM statement_lines l JOIN statements st ON st.id = l.statement_id
             WHERE l.company = ? AND l.outcome = 'unmatched'
               AND EXISTS (SELECT 1 FROM entry_lines el JOIN entries e ON e.id = el.entry_id JOIN batches b ON b.id = e.batch_id
                           WHERE el.entry_id = l.entry_id AND el.account = ? AND b.status <> 'void')
             ORDER BY l.booking_date, l.id",
        )?
        .query_map(params![company, suspense], |r| {
            let line = StatementLine {
                booking_date: r.get(8)?,
                value_date: r.get(9)?,
                amount: r.get::<_, String>(10)?.parse().unwrap_or_default(),
                counterparty: r.get(11)?,
                counterparty_iban: r.get(12)?,
                reference: r.get(13)?,
                text: r.get(14)?,
                bank_ref: r.get(15)?,
                code: r.get(16)?,
            };
            let statement = Statement {
                format: String::new(),
                id: r.get(3)?,
                iban: r.get(4)?,
                account: r.get(5)?,
                currency: r.get(6)?,
                opening: None,
                closing: None,
                lines: vec![line],
            };
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, statement, r.get::<_, i32>(7)? as usize))
        })?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    if waiting.is_empty() {
        return Ok(out);
    }
    let mut matcher = Matcher::new(open_items_for_matching(tx, company, party)?, books.matching());
    for (line_id, source_id, document_id, s, position) in &waiting {
        let l = &s.lines[0];
        if refuse_line(books, s, l).is_some() {
            continue;
        }
        let outcome = matcher.match_line(&BankLine {
            key: *line_id as u64,
            date: l.booking_date,
            amount: l.amount,
            counterparty: l.counterparty.clone(),
            counterparty_iban: l.counterparty_iban.clone(),
            text: format!("{} {}", l.reference.as_deref().unwrap_or(""), l.text),
        });
        if !matches!(outcome, Outcome::Matched(_)) {
            continue;
        }
        // The rules booked this line once already; an error now is a rules
        // change since: the line stays on the suspense account, said in the log.
        let mut detail = match book_line(tx, books, &matcher, s, (l, position - 1), true, &outcome, *source_id, *document_id, actor)? {
            Ok(d) => d,
            Err(reason) => {
                tracing::warn!(statement = %s.id, line = position, %reason, "a bank line on the suspense account matches, but cannot be booked");
                continue;
            }
        };
        detail.explanation = format!("{} (matched later, from the suspense account {suspense})", detail.explanation);
        tx.prepare_cached("UPDATE statement_lines SET outcome = 'matched', explanation = ? WHERE id = ?")?.execute(params![detail.explanation, line_id])?;
        tx.prepare_cached("INSERT INTO events (happened_at, actor, source_id, document_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, 'matched', ?)")?.execute(params![
            super::now_text(),
            actor,
            source_id,
            document_id,
            json!({"statement": s.id, "line": position, "later": true, "explanation": detail.explanation, "matched": detail.matched}).to_string()
        ])?;
        out.push(detail);
    }
    Ok(out)
}

/// Why a line cannot be booked at all (before anything is written).
fn refuse_line(books: &dyn BankBooks, s: &Statement, l: &StatementLine) -> Option<String> {
    if l.amount.round_dp(2) != l.amount {
        return Some(format!("amount {} has more than 2 decimals", l.amount));
    }
    if l.amount.is_zero() {
        return None;
    }
    if let LockState::Hard(d) = books.lock_state(l.booking_date) {
        return Some(format!("dated in the hard-locked period (through {d}); nothing of this file was imported"));
    }
    let _ = s;
    None
}

/// Book one new line: its entries and its matching groups.
#[allow(clippy::too_many_arguments)]
fn book_line(
    tx: &Transaction<'_>,
    books: &dyn BankBooks,
    matcher: &Matcher,
    s: &Statement,
    (l, li): (&StatementLine, usize),
    from_suspense: bool,
    outcome: &Outcome,
    source_id: i64,
    document_id: i64,
    actor: &str,
) -> Result<Result<LineOutcome, String>> {
    let mut detail = LineOutcome {
        statement: s.id.clone(),
        position: li + 1,
        date: l.booking_date,
        amount: l.amount.to_string(),
        text: l.text.clone(),
        outcome: "unmatched".into(),
        explanation: String::new(),
        entries: Vec::new(),
        matched: Vec::new(),
    };
    if l.amount.is_zero() {
        detail.explanation = "amount zero: nothing to book".into();
        return Ok(Ok(detail));
    }
    let (bank_journal, bank_account, _) = books.bank().book_for(s.iban.as_deref());
    let rules = books.matching();
    let mut header: BTreeMap<String, Value> = BTreeMap::new();
    let text = |v: Option<&str>| v.map(|s| Value::Str(s.to_string())).unwrap_or(Value::Null);
    header.insert("date".into(), Value::Date(l.booking_date));
    header.insert("value_date".into(), l.value_date.map(Value::Date).unwrap_or(Value::Null));
    header.insert("amount".into(), Value::Num(l.amount));
    header.insert("abs_amount".into(), Value::Num(l.amount.abs()));
    header.insert("direction".into(), Value::Str(if l.amount > Decimal::ZERO { "in" } else { "out" }.into()));
    header.insert("text".into(), Value::Str(l.text.clone()));
    header.insert("counterparty".into(), text(l.counterparty.as_deref()));
    header.insert("counterparty_iban".into(), text(l.counterparty_iban.as_deref()));
    header.insert("reference".into(), text(l.reference.as_deref()));
    header.insert("code".into(), text(l.code.as_deref()));
    header.insert("currency".into(), Value::Str(s.currency.clone()));
    header.insert("statement".into(), Value::Str(s.id.clone()));
    // Matched later: the money waits on the suspense account, not in the bank.
    let bank_account = if from_suspense { rules.suspense_account.as_str() } else { bank_account };
    header.insert("bank_account".into(), Value::Str(bank_account.to_string()));
    header.insert("bank_journal".into(), Value::Str(bank_journal.to_string()));
    header.insert("suspense_account".into(), Value::Str(rules.suspense_account.clone()));
    let mut allocations = Vec::new();
    let mut matched_items = Vec::new();
    match outcome {
        Outcome::Matched(p) => {
            detail.outcome = "matched".into();
            detail.explanation = p.explanation.clone();
            header.insert("matched".into(), Value::Bool(true));
            header.insert("match_rule".into(), Value::Str(p.rule.clone()));
            header.insert("write_off".into(), Value::Num(p.write_off));
            let wo_account = if p.write_off < Decimal::ZERO { &rules.write_off.loss_account } else { &rules.write_off.gain_account };
            header.insert("write_off_account".into(), Value::Str(wo_account.clone()));
            header.insert("unallocated".into(), Value::Num(p.unallocated));
            let first = p.allocations.first().and_then(|a| matcher.item(a.item));
            header.insert("party_account".into(), text(first.map(|i| i.account.as_str())));
            header.insert("party_aux".into(), text(first.and_then(|i| i.aux_account.as_deref())));
            header.insert("party_name".into(), text(first.map(|i| i.party.as_str())));
            for a in &p.allocations {
                let Some(item) = matcher.item(a.item) else { continue };
                let mut r: BTreeMap<String, Value> = BTreeMap::new();
                r.insert("account".into(), Value::Str(item.account.clone()));
                r.insert("aux_account".into(), text(item.aux_account.as_deref()));
                r.insert("party".into(), Value::Str(item.party.clone()));
                r.insert("reference".into(), Value::Str(item.reference.clone()));
                r.insert("due_date".into(), item.due_date.map(Value::Date).unwrap_or(Value::Null));
                // Signed like the bank amount: the item's residual has the same sign.
                r.insert("amount".into(), Value::Num(a.amount));
                allocations.push(r);
                matched_items.push((item.clone(), a.amount, a.residual_after));
            }
        }
        Outcome::Unmatched { reason, .. } => {
            detail.explanation = reason.clone();
            header.insert("matched".into(), Value::Bool(false));
            for k in ["match_rule", "party_account", "party_aux", "party_name", "write_off_account"] {
                header.insert(k.into(), Value::Null);
            }
            header.insert("write_off".into(), Value::Num(Decimal::ZERO));
            header.insert("unallocated".into(), Value::Num(l.amount));
        }
    }
    let mut lists = BTreeMap::new();
    lists.insert("allocations".to_string(), allocations);
    let source = Source { kind: SourceKind::BankLine, header, lists };
    let generated = match autojournal::generate(books.autojournals(), &source) {
        Ok(Some((_, g))) if !g.is_empty() => g,
        Ok(_) => return Ok(Err("no automatic journal applies to this line: add a journal for it in autojournals.yaml (a suspense journal catches every line)".into())),
        Err(e) => return Ok(Err(format!("automatic journals: {e}"))),
    };

    if detail.outcome == "unmatched" {
        // Say where the line went: fees, suspense, … as the rules decided.
        let mut accounts: Vec<&str> = generated.iter().flat_map(|g| g.lines.iter().map(|gl| gl.account.as_str())).filter(|a| *a != bank_account).collect();
        accounts.dedup();
        let journals: Vec<&str> = generated.iter().map(|g| g.auto_journal.as_str()).collect();
        detail.explanation.push_str(&format!("; booked on {} (automatic journal {})", accounts.join(", "), journals.join(", ")));
    }
    let piece_ref = l.bank_ref.clone().filter(|r| !r.is_empty()).unwrap_or_else(|| format!("{}-{}", if s.id.is_empty() { "REL" } else { &s.id }, li + 1));
    let (fiscal_year, fy_start, fy_end) = books.fiscal_year(l.booking_date);
    // Lines created with invoice matching: (entry id, line no, signed balance, allocation index).
    let mut to_match: Vec<(i64, i32, Decimal, usize)> = Vec::new();
    let mut pointers: Vec<((String, usize), (i64, i32, Decimal), Option<(String, usize)>)> = Vec::new();
    for g in &generated {
        let lines: Vec<Line> = g
            .lines
            .iter()
            .map(|gl| {
                let mut line = Line {
                    account: gl.account.clone(),
                    account_label: books.account_label(&gl.account),
                    aux_account: None,
                    aux_label: None,
                    label: gl.label.clone(),
                    debit: gl.debit,
                    credit: gl.credit,
                    due_date: gl.due_date,
                };
                if let Some(aux) = gl.aux_account.as_ref().filter(|a| !a.is_empty()) {
                    let party = gl.item.and_then(|i| matched_items.get(i)).map(|m| m.0.party.clone()).or_else(|| matched_items.first().map(|m| m.0.party.clone())).unwrap_or_default();
                    line = line.with_aux(aux, &party);
                }
                line
            })
            .collect();
        let entry = match Entry::new(&g.journal, &books.journal_label(&g.journal), l.booking_date, &piece_ref, l.booking_date, &g.label, &s.currency, lines) {
            Ok(e) => e,
            Err(e) => return Ok(Err(format!("automatic journal {} made an entry that is refused: {e}", g.auto_journal))),
        };
        let er = EntryRecord { entry, fiscal_year, fy_start, fy_end, period: books.period_of(l.booking_date), options: books.batch_options() };
        let (batch_id, entry_id, batch_number) = batches::file_entry(tx, books.company(), &er, document_id, actor)?;
        tx.prepare_cached("INSERT INTO events (happened_at, actor, source_id, document_id, entry_id, batch_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, 'posted', ?)")?.execute(params![
            super::now_text(),
            actor,
            source_id,
            document_id,
            entry_id,
            batch_id,
            json!({"journal": er.entry.journal, "fiscal_year": fiscal_year, "batch": batch_number, "auto_journal": g.auto_journal, "group": g.group, "bank_line": li + 1, "statement": s.id}).to_string()
        ])?;
        detail.entries.push(entry_id);
        for (i, gl) in g.lines.iter().enumerate() {
            let here = (entry_id, (i + 1) as i32, gl.debit - gl.credit);
            match &gl.matching {
                Some(LineMatching::Invoice) => {
                    if let Some(ix) = gl.item {
                        to_match.push((here.0, here.1, here.2, ix));
                    }
                }
                Some(LineMatching::Pointer { auto_journal, line }) => pointers.push(((g.auto_journal.clone(), gl.rule_line), here, Some((auto_journal.clone(), *line)))),
                None => pointers.push(((g.auto_journal.clone(), gl.rule_line), here, None)),
            }
        }
    }

    // Invoice matching: the generated line with the invoice line of the same account and collective account.
    let explanation = detail.explanation.clone();
    let rule = match outcome {
        Outcome::Matched(p) => p.rule.clone(),
        _ => String::new(),
    };
    for (entry_id, line_no, balance, ix) in to_match {
        let Some((item, allocated, residual_after)) = matched_items.get(ix) else { continue };
        let (inv_entry, inv_line) = item_line(item.key);
        let code = link(tx, books.company(), l.booking_date, &item.account, item.aux_account.as_deref(), &[(inv_entry, inv_line, *allocated), (entry_id, line_no, balance)], &rule, &explanation, actor)?;
        detail.matched.push(json!({"reference": item.reference, "account": item.account, "aux_account": item.aux_account, "allocated": allocated.abs().to_string(), "residual_after": residual_after.abs().to_string(), "code": code}));
    }
    // Second pointers: a generated line with another line of the group.
    for (from, here, target) in &pointers {
        let Some(target) = target else { continue };
        let Some((_, there, _)) = pointers.iter().find(|(k, _, _)| k == target) else { continue };
        let acct: (String, Option<String>) =
            tx.prepare_cached("SELECT account, aux_account FROM entry_lines WHERE entry_id = ? AND line_no = ?")?.query_row(params![here.0, here.1], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let _ = from;
        link(tx, books.company(), l.booking_date, &acct.0, acct.1.as_deref(), &[(here.0, here.1, here.2), (there.0, there.1, there.2)], "pointer", "matched by the automatic journals' matching grid", actor)?;
    }
    Ok(Ok(detail))
}

/// Open items are addressed by their entry line: `entry_id << 16 | line_no`.
fn item_key(entry_id: i64, line_no: i32) -> u64 {
    ((entry_id as u64) << 16) | (line_no as u64 & 0xFFFF)
}

fn item_line(key: u64) -> (i64, i32) {
    ((key >> 16) as i64, (key & 0xFFFF) as i32)
}

/// Every third-party line of the company with something left to settle.
fn open_items_for_matching(tx: &Transaction<'_>, company: &str, party: Option<&str>) -> Result<Vec<OpenItem>> {
    let rows = query_open_items(tx, company, false, party)?;
    Ok(rows
        .into_iter()
        .map(|r| OpenItem {
            key: item_key(r.entry_id, r.line_no),
            account: r.account,
            aux_account: r.aux_account,
            party: r.party,
            party_ibans: r.iban.into_iter().collect(),
            reference: r.reference,
            date: r.date,
            due_date: r.due_date,
            residual: r.residual,
        })
        .collect())
}

/// One third-party line with what is left to settle.
#[derive(Debug, Clone, Serialize)]
pub struct OpenItemRow {
    #[serde(skip)]
    pub entry_id: i64,
    #[serde(skip)]
    pub line_no: i32,
    pub account: String,
    pub aux_account: Option<String>,
    pub party: String,
    pub reference: String,
    pub journal: String,
    pub date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// Signed balance of the line: + debit, - credit.
    pub balance: Decimal,
    /// Signed balance still open.
    pub residual: Decimal,
    pub match_code: Option<String>,
    #[serde(skip)]
    pub iban: Option<String>,
}

/// Third-party lines (those with an auxiliary account) of entries not
/// voided, with their residual after the active matching groups.
pub(super) fn query_open_items(conn: &duckdb::Connection, company: &str, include_settled: bool, party: Option<&str>) -> Result<Vec<OpenItemRow>> {
    let mut q = conn.prepare_cached(
        "WITH settled AS (
             SELECT ml.entry_id, ml.line_no, sum(ml.amount) AS amount, max(g.code) AS code
             FROM match_lines ml JOIN match_groups g ON g.id = ml.group_id
             WHERE g.undone_at IS NULL AND g.company = ?
             GROUP BY ml.entry_id, ml.line_no)
         SELECT l.entry_id, l.line_no, l.account, l.aux_account, coalesce(l.aux_label, ''), e.piece_ref, e.journal, e.piece_date, l.due_date,
                CAST(l.debit - l.credit AS VARCHAR), CAST(l.debit - l.credit - coalesce(s.amount, 0) AS VARCHAR), s.code,
                (SELECT f.value FROM fields f WHERE f.document_id = e.document_id AND f.name = 'iban')
         FROM entry_lines l JOIN entries e ON e.id = l.entry_id JOIN batches b ON b.id = e.batch_id
         LEFT JOIN settled s ON s.entry_id = l.entry_id AND s.line_no = l.line_no
         WHERE e.company = ? AND b.status <> 'void' AND l.aux_account IS NOT NULL
           AND (? OR l.debit - l.credit - coalesce(s.amount, 0) <> 0)
           AND (? IS NULL OR l.aux_account = ?)
         ORDER BY l.account, l.aux_account, coalesce(l.due_date, e.piece_date), e.id, l.line_no",
    )?;
    let rows = q.query_map(params![company, company, include_settled, party, party], |r| {
        let dec = |s: String| s.parse::<Decimal>().unwrap_or_default();
        Ok(OpenItemRow {
            entry_id: r.get(0)?,
            line_no: r.get(1)?,
            account: r.get(2)?,
            aux_account: r.get(3)?,
            party: r.get(4)?,
            reference: r.get(5)?,
            journal: r.get(6)?,
            date: r.get(7)?,
            due_date: r.get(8)?,
            balance: dec(r.get(9)?),
            residual: dec(r.get(10)?),
            match_code: r.get(11)?,
            iban: r.get::<_, Option<String>>(12)?.map(|i| crate::capture::statements::compact_iban(&i)),
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Put lines in one matching group: the group one of them already belongs
/// to (groups merge when a line joins two), else a new one with the
/// account's next code. Returns the group's code as it now reads.
#[allow(clippy::too_many_arguments)]
fn link(tx: &Transaction<'_>, company: &str, on: NaiveDate, account: &str, aux: Option<&str>, lines: &[(i64, i32, Decimal)], rule: &str, reason: &str, actor: &str) -> Result<String> {
    let mut groups: Vec<i64> = Vec::new();
    for (e, n, _) in lines {
        let g: Option<i64> = tx
            .prepare_cached("SELECT ml.group_id FROM match_lines ml JOIN match_groups g ON g.id = ml.group_id WHERE g.undone_at IS NULL AND ml.entry_id = ? AND ml.line_no = ? LIMIT 1")?
            .query_row(params![e, n], |r| r.get(0))
            .optional()?;
        if let Some(g) = g {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    groups.sort();
    let now = super::now_text();
    let group = match groups.first() {
        Some(&g) => {
            for &other in &groups[1..] {
                tx.prepare_cached("UPDATE match_lines SET group_id = ? WHERE group_id = ?")?.execute(params![g, other])?;
                tx.prepare_cached("UPDATE match_groups SET undone_at = CAST(? AS TIMESTAMP), undone_by = ?, merged_into = ? WHERE id = ?")?.execute(params![now, actor, g, other])?;
            }
            g
        }
        None => {
            let key = format!("match:{company}:{account}:{}", aux.unwrap_or(""));
            let n: i64 = tx
                .prepare_cached("INSERT INTO numbering VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET next = next + 1 RETURNING next")?
                .query_row(params![key], |r| r.get(0))?;
            let code = matching::groups::code((n - 1) as u64);
            tx.prepare_cached("INSERT INTO match_groups (company, account, aux_account, code, complete, matched_on, created_at) VALUES (?, ?, ?, ?, false, ?, CAST(? AS TIMESTAMP)) RETURNING id")?
                .query_row(params![company, account, aux, code, on, now], |r| r.get(0))?
        }
    };
    for (e, n, amount) in lines {
        tx.prepare_cached("INSERT INTO match_lines VALUES (?, ?, ?, CAST(? AS DECIMAL(18,2)), ?, ?)")?.execute(params![group, e, n, amount.to_string(), rule, reason])?;
    }
    // Complete when the lines' whole balances cancel out: every line fully settled.
    let open: String = tx
        .prepare_cached(
            "SELECT CAST(coalesce(sum(l.debit - l.credit), 0) AS VARCHAR) FROM entry_lines l
             WHERE (l.entry_id, l.line_no) IN (SELECT entry_id, line_no FROM match_lines WHERE group_id = ?)",
        )?
        .query_row(params![group], |r| r.get(0))?;
    let complete = open.parse::<Decimal>().map(|d| d.is_zero()).unwrap_or(false);
    let code: String = tx.prepare_cached("SELECT code FROM match_groups WHERE id = ?")?.query_row(params![group], |r| r.get(0))?;
    let code = if complete { code.to_uppercase() } else { code.to_lowercase() };
    tx.prepare_cached("UPDATE match_groups SET complete = ?, code = ?, matched_on = greatest(matched_on, ?) WHERE id = ?")?.execute(params![complete, code, on, group])?;
    let entry_ids: Vec<i64> = lines.iter().map(|l| l.0).collect();
    tx.prepare_cached("INSERT INTO events (happened_at, actor, entry_id, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, ?, 'matched', ?)")?.execute(params![
        now,
        actor,
        entry_ids[0],
        json!({"code": code, "account": account, "aux_account": aux, "complete": complete, "rule": rule, "reason": reason, "lines": lines.iter().map(|(e, n, a)| json!({"entry": e, "line": n, "amount": a.to_string()})).collect::<Vec<_>>(), "merged": groups.get(1..).unwrap_or(&[])}).to_string()
    ])?;
    Ok(code)
}

impl super::Store {
    /// Open items of a company (optionally with the settled ones).
    pub fn open_items(&self, company: &str, include_settled: bool) -> Result<Vec<OpenItemRow>> {
        query_open_items(self.connection(), company, include_settled, None)
    }

    /// Bank lines waiting on the suspense account, tried against the open
    /// items now (after an approval posted an invoice). How many matched.
    pub fn rematch_bank_lines(&mut self, books: &dyn BankBooks, party: Option<&str>, actor: &str) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let n = rematch(&tx, books, party, actor)?.len();
        tx.commit()?;
        Ok(n)
    }

    /// Undo a matching group by its code on an account: its lines are open
    /// again; the group stays in the history.
    pub fn unmatch(&mut self, company: &str, account: &str, aux: Option<&str>, code: &str, actor: &str) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let ids: Vec<i64> = {
            let mut q = tx.prepare(
                "SELECT id FROM match_groups WHERE company = ? AND account = ? AND (? IS NULL OR aux_account = ?) AND upper(code) = upper(?) AND undone_at IS NULL",
            )?;
            let rows = q.query_map(params![company, account, aux, aux, code], |r| r.get(0))?;
            rows.collect::<Result<Vec<i64>, _>>()?
        };
        if ids.is_empty() {
            anyhow::bail!("no active matching group `{code}` on account {account}{}: `paperledger open-items --all` lists the codes", aux.map(|a| format!(" / {a}")).unwrap_or_default());
        }
        if ids.len() > 1 {
            anyhow::bail!("matching code `{code}` is used on several auxiliary accounts of {account}: name one with --aux");
        }
        let now = super::now_text();
        tx.execute("UPDATE match_groups SET undone_at = CAST(? AS TIMESTAMP), undone_by = ? WHERE id = ?", params![now, actor, ids[0]])?;
        let n: i64 = tx.query_row("SELECT count(*) FROM match_lines WHERE group_id = ?", params![ids[0]], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO events (happened_at, actor, kind, detail) VALUES (CAST(? AS TIMESTAMP), ?, 'unmatched', ?)",
            params![now, actor, json!({"code": code, "account": account, "aux_account": aux, "group": ids[0], "lines": n}).to_string()],
        )?;
        tx.commit()?;
        Ok(n as usize)
    }

    /// The matching code and date of every matched line, by entry:
    /// `(line index, code, date)` (FEC EcritureLet / DateLet).
    pub fn lettrage(&self, company: &str) -> Result<HashMap<i64, Vec<(usize, String, NaiveDate)>>> {
        let mut q = self.connection().prepare(
            "SELECT ml.entry_id, ml.line_no, max(g.code), max(g.matched_on) FROM match_lines ml JOIN match_groups g ON g.id = ml.group_id
             WHERE g.undone_at IS NULL AND g.company = ? GROUP BY ml.entry_id, ml.line_no",
        )?;
        let mut out: HashMap<i64, Vec<(usize, String, NaiveDate)>> = HashMap::new();
        let rows = q.query_map(params![company], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i32>(1)?, r.get::<_, String>(2)?, r.get::<_, NaiveDate>(3)?)))?;
        for row in rows {
            let (e, n, code, d) = row?;
            out.entry(e).or_default().push(((n - 1) as usize, code, d));
        }
        Ok(out)
    }

    /// Bank lines not matched to any open item (the suspense list).
    pub fn unmatched_bank_lines(&self, company: &str) -> Result<Vec<(NaiveDate, String, String, String)>> {
        let mut q = self.connection().prepare(
            "SELECT booking_date, CAST(amount AS VARCHAR), text, explanation FROM statement_lines WHERE company = ? AND outcome = 'unmatched' ORDER BY booking_date, id",
        )?;
        let rows = q.query_map(params![company], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
