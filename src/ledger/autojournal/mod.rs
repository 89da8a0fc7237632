//! Automatic journals (`rules/autojournals.yaml`): a group of one to ten
//! journal templates turns one source (a bank line, an invoice) into
//! balanced journals, and says which of their lines are matched (lettrage).
//!
//! - `expr`: the condition / amount expressions and the label templates.
//! - `rules`: the YAML file, compiled and validated at load.
//! - this module: the values a source carries and the generation itself.
//!
//! Pure: the caller fills a `Source` from its documents and gets
//! `Generated` journals back; nothing here reads or writes anything.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

pub mod expr;
pub mod rules;
#[cfg(test)]
mod tests;

pub use expr::{Env, EvalError, Expression, FieldRef, ParseError, Template};
pub use rules::{
    parse_autojournals, parse_autojournals_with, AutoJournalRules, Group, JournalRule, LineRule, MatchRule, MatchTarget, Side, SourceSchema,
    BUILTIN_AUTOJOURNALS_YAML,
};

/// A field's value. Money is a `Decimal`; a missing field reads as `Null`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Num(Decimal),
    Str(String),
    Date(NaiveDate),
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<Decimal> for Value {
    fn from(d: Decimal) -> Self {
        Value::Num(d)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Self {
        Value::Date(d)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

/// Fields by name.
pub type Record = BTreeMap<String, Value>;

/// What a group of automatic journals reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    BankLine,
    Invoice,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::BankLine => "bank_line",
            SourceKind::Invoice => "invoice",
        }
    }
}

/// One document to journalize: its header fields and its lists (for `per`).
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub kind: SourceKind,
    pub header: Record,
    pub lists: BTreeMap<String, Vec<Record>>,
}

impl Source {
    pub fn new(kind: SourceKind) -> Source {
        Source { kind, header: Record::new(), lists: BTreeMap::new() }
    }
}

/// One created journal (an entry to post).
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub group: String,
    pub auto_journal: String,
    /// The ledger journal code, e.g. BQ.
    pub journal: String,
    pub label: String,
    pub lines: Vec<GeneratedLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedLine {
    /// 1-based number of the rule line that created this line.
    pub rule_line: usize,
    pub account: String,
    pub aux_account: Option<String>,
    pub label: String,
    pub debit: Decimal,
    pub credit: Decimal,
    pub due_date: Option<NaiveDate>,
    /// Index in the `per` list of the item that created this line.
    pub item: Option<usize>,
    pub matching: Option<LineMatching>,
}

/// How a generated line is to be matched (the group's matching grid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineMatching {
    /// With the invoice lines having the same account and collective account.
    Invoice,
    /// With the lines another rule line of the group created.
    Pointer { auto_journal: String, line: usize },
}

/// Why a source could not be journalized: the rules and the data disagree.
#[derive(Debug, Clone, PartialEq)]
pub enum AutoJournalError {
    /// An expression failed on this source (type error, division by zero…).
    Eval { group: String, at: String, error: EvalError },
    /// A value of the wrong kind where an amount, a date or an account is needed.
    Bad { group: String, at: String, message: String },
    /// A created journal whose debits and credits differ.
    Unbalanced { group: String, auto_journal: String, debit: Decimal, credit: Decimal },
}

impl fmt::Display for AutoJournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AutoJournalError::Eval { group, at, error } => {
                write!(f, "automatic journal group {group}, {at}: {error}; fix the rule or the document's data")
            }
            AutoJournalError::Bad { group, at, message } => write!(f, "automatic journal group {group}, {at}: {message}"),
            AutoJournalError::Unbalanced { group, auto_journal, debit, credit } => write!(
                f,
                "automatic journal group {group}, journal {auto_journal} does not balance: debit {debit}, credit {credit} \
                 (difference {}); check the lines' sides and amounts in rules/autojournals.yaml",
                debit - credit
            ),
        }
    }
}

impl std::error::Error for AutoJournalError {}

fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The journals the first applicable group creates for `source`; `Ok(None)`
/// when no group of the source's kind applies.
pub fn generate(rules: &AutoJournalRules, source: &Source) -> Result<Option<(String, Vec<Generated>)>, AutoJournalError> {
    for group in rules.groups.iter().filter(|g| g.source == source.kind) {
        let vars = group_vars(group, source)?;
        let env = Env { header: &source.header, vars: &vars, item: None };
        if let Some(when) = &group.when {
            if !holds(when, &env, group, "when")? {
                continue;
            }
        }
        let mut out = Vec::new();
        for journal in &group.journals {
            if let Some(g) = generate_journal(group, journal, source, &vars)? {
                out.push(g);
            }
        }
        return Ok(Some((group.code.clone(), out)));
    }
    Ok(None)
}

/// The group's `vars`, each seeing the header and the vars before it.
fn group_vars(group: &Group, source: &Source) -> Result<Record, AutoJournalError> {
    let mut vars = Record::new();
    for (name, e) in &group.vars {
        let env = Env { header: &source.header, vars: &vars, item: None };
        let v = e
            .eval(&env)
            .map_err(|error| AutoJournalError::Eval { group: group.code.clone(), at: format!("var {name}"), error })?;
        vars.insert(name.clone(), v);
    }
    Ok(vars)
}

fn holds(e: &Expression, env: &Env, group: &Group, at: &str) -> Result<bool, AutoJournalError> {
    e.test(env).map_err(|error| AutoJournalError::Eval { group: group.code.clone(), at: at.to_string(), error })
}

fn generate_journal(group: &Group, jr: &JournalRule, source: &Source, vars: &Record) -> Result<Option<Generated>, AutoJournalError> {
    let env = Env { header: &source.header, vars, item: None };
    let at_journal = format!("journal {}", jr.code);
    if let Some(when) = &jr.when {
        if !holds(when, &env, group, &at_journal)? {
            return Ok(None);
        }
    }
    let mut lines = Vec::new();
    for (i, lr) in jr.lines.iter().enumerate() {
        let n = i + 1;
        let matching = group.matching_of(&jr.code, n);
        match &lr.per {
            None => {
                if let Some(l) = generate_line(group, jr, lr, n, &env, None)? {
                    lines.push(GeneratedLine { matching, ..l });
                }
            }
            Some(list) => {
                // A list the document does not have is an empty list.
                for (k, item) in source.lists.get(list).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate() {
                    let env = Env { item: Some(item), ..env };
                    if let Some(l) = generate_line(group, jr, lr, n, &env, Some(k))? {
                        lines.push(GeneratedLine { matching: matching.clone(), ..l });
                    }
                }
            }
        }
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let debit: Decimal = lines.iter().map(|l| l.debit).sum();
    let credit: Decimal = lines.iter().map(|l| l.credit).sum();
    if debit != credit {
        return Err(AutoJournalError::Unbalanced { group: group.code.clone(), auto_journal: jr.code.clone(), debit, credit });
    }
    let journal = render(&jr.journal, &env, group, &format!("{at_journal}, journal"))?;
    if journal.is_empty() {
        return Err(bad(group, &format!("{at_journal}, journal"), format!("`{}` gives an empty ledger journal code", jr.journal.source())));
    }
    let label = render(&jr.label, &env, group, &format!("{at_journal}, label"))?;
    Ok(Some(Generated { group: group.code.clone(), auto_journal: jr.code.clone(), journal, label, lines }))
}

fn bad(group: &Group, at: &str, message: String) -> AutoJournalError {
    AutoJournalError::Bad { group: group.code.clone(), at: at.to_string(), message }
}

fn render(t: &Template, env: &Env, group: &Group, at: &str) -> Result<String, AutoJournalError> {
    t.render(env).map_err(|error| AutoJournalError::Eval { group: group.code.clone(), at: at.to_string(), error })
}

/// One posting line, or `None` when its condition fails or its amount is
/// zero or null.
fn generate_line(
    group: &Group,
    jr: &JournalRule,
    lr: &LineRule,
    n: usize,
    env: &Env,
    item: Option<usize>,
) -> Result<Option<GeneratedLine>, AutoJournalError> {
    let at = match item {
        Some(k) => format!("journal {} line {n} ({} item {k})", jr.code, lr.per.as_deref().unwrap_or("")),
        None => format!("journal {} line {n}", jr.code),
    };
    let eval_err = |error| AutoJournalError::Eval { group: group.code.clone(), at: at.clone(), error };
    if let Some(when) = &lr.when {
        if !when.test(env).map_err(eval_err)? {
            return Ok(None);
        }
    }
    let amount = match lr.amount.eval(env).map_err(eval_err)? {
        Value::Null => return Ok(None),
        Value::Num(d) => cents(d),
        other => {
            return Err(bad(group, &at, format!("amount `{}` gives {}, not a number", lr.amount.source(), expr::describe(&other))))
        }
    };
    if amount.is_zero() {
        return Ok(None);
    }
    // A negative amount goes to the other side: signed amounts book right.
    let debit_side = (lr.side == Side::Debit) == amount.is_sign_positive();
    let (debit, credit) = if debit_side { (amount.abs(), Decimal::ZERO) } else { (Decimal::ZERO, amount.abs()) };
    let account = render(&lr.account, env, group, &format!("{at}, account"))?;
    if account.is_empty() {
        return Err(bad(
            group,
            &at,
            format!("account `{}` is empty for this document; give the field a value or a literal account", lr.account.source()),
        ));
    }
    let aux_account = match &lr.aux_account {
        Some(t) => Some(render(t, env, group, &format!("{at}, aux_account"))?).filter(|s| !s.is_empty()),
        None => None,
    };
    let label = render(&lr.label, env, group, &format!("{at}, label"))?;
    let due_date = match &lr.due_date {
        None => None,
        Some(e) => match e.eval(env).map_err(eval_err)? {
            Value::Null => None,
            Value::Date(d) => Some(d),
            other => {
                return Err(bad(group, &at, format!("due_date `{}` gives {}, not a date", e.source(), expr::describe(&other))))
            }
        },
    };
    Ok(Some(GeneratedLine { rule_line: n, account, aux_account, label, debit, credit, due_date, item, matching: None }))
}
