//! `rules/ledger.yaml`: account classes, journals, the net income account,
//! fiscal years and periods, period locks, batch options, VAT rounding and
//! the columns of `batch show`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::config::{Issue, YamlDoc};
use crate::ledger::accounts::AccountsRules;
use crate::ledger::fiscal::fiscal_year;

pub const BUILTIN_LEDGER_YAML: &str = include_str!("../../rules/ledger.yaml");

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerRules {
    #[serde(default)]
    pub classes: BTreeMap<String, String>,
    #[serde(default)]
    pub journals: Vec<JournalDef>,
    #[serde(default = "default_net_income")]
    pub net_income_account: String,
    #[serde(default)]
    pub fiscal_years: Vec<FiscalYearDef>,
    #[serde(default)]
    pub locks: Locks,
    #[serde(default)]
    pub batches: BatchOptions,
    #[serde(default)]
    pub vat_rounding: VatRounding,
    #[serde(default = "default_columns")]
    pub show_columns: Vec<ShowColumn>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JournalDef {
    pub code: String,
    pub label: String,
    pub kind: JournalKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JournalKind {
    Purchase,
    Sales,
    Bank,
    Misc,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FiscalYearDef {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Locks {
    #[serde(default)]
    pub soft: Option<NaiveDate>,
    #[serde(default)]
    pub hard: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BatchOptions {
    #[serde(default)]
    pub group_by: GroupBy,
    #[serde(default)]
    pub hold_on_entry: bool,
    #[serde(default)]
    pub validate_control_total: bool,
    #[serde(default)]
    pub post_on_release: bool,
    #[serde(default = "default_prefix")]
    pub number_prefix: String,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions { group_by: GroupBy::Year, hold_on_entry: false, validate_control_total: false, post_on_release: false, number_prefix: default_prefix() }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    #[default]
    Year,
    Period,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VatRounding {
    #[default]
    PerRate,
    PerLine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShowColumn {
    Number,
    Date,
    Journal,
    PieceRef,
    Account,
    AuxAccount,
    Label,
    Debit,
    Credit,
    DueDate,
    Source,
}

impl ShowColumn {
    pub fn title(self) -> &'static str {
        match self {
            ShowColumn::Number => "number",
            ShowColumn::Date => "date",
            ShowColumn::Journal => "journal",
            ShowColumn::PieceRef => "piece_ref",
            ShowColumn::Account => "account",
            ShowColumn::AuxAccount => "aux_account",
            ShowColumn::Label => "label",
            ShowColumn::Debit => "debit",
            ShowColumn::Credit => "credit",
            ShowColumn::DueDate => "due_date",
            ShowColumn::Source => "source",
        }
    }
}

fn default_net_income() -> String {
    "120000".into()
}
fn default_prefix() -> String {
    "B".into()
}
fn default_columns() -> Vec<ShowColumn> {
    use ShowColumn::*;
    vec![Number, Date, PieceRef, Account, AuxAccount, Label, Debit, Credit, DueDate]
}

/// A fiscal year: labelled by the calendar year of its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiscalYear {
    pub label: i32,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Why a date may not be posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    Open,
    Soft(NaiveDate),
    Hard(NaiveDate),
}

pub fn parse_ledger(doc: &YamlDoc) -> Result<LedgerRules, Vec<Issue>> {
    let rules: LedgerRules = doc.parse().map_err(|i| vec![i])?;
    let issues = rules.validate(doc);
    if issues.is_empty() { Ok(rules) } else { Err(issues) }
}

impl LedgerRules {
    pub fn builtin() -> LedgerRules {
        let doc = YamlDoc::from_text(Path::new("rules/ledger.yaml"), BUILTIN_LEDGER_YAML);
        parse_ledger(&doc).expect("the builtin rules/ledger.yaml is valid (tested)")
    }

    pub fn validate(&self, doc: &YamlDoc) -> Vec<Issue> {
        let mut issues = Vec::new();
        let mut push = |path: &str, msg: String| issues.push(doc.issue_at(path, msg));
        for (k, _) in &self.classes {
            if k.len() != 1 || !k.bytes().all(|b| b.is_ascii_digit()) {
                push(&format!("classes.{k}"), format!("class `{k}` must be one digit (an account's first digit)"));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, j) in self.journals.iter().enumerate() {
            if j.code.is_empty() || j.code.len() > 10 || !j.code.bytes().all(|b| b.is_ascii_alphanumeric()) {
                push(&format!("journals[{i}].code"), format!("journal code `{}` must be 1 to 10 letters or digits, e.g. OD", j.code));
            }
            if !seen.insert(j.code.clone()) {
                push(&format!("journals[{i}].code"), format!("journal `{}` is listed twice", j.code));
            }
        }
        if crate::ledger::accounts::account_problem(&self.net_income_account).is_some() {
            push("net_income_account", format!("net_income_account `{}` must be an account number, e.g. 120000", self.net_income_account));
        }
        for (i, y) in self.fiscal_years.iter().enumerate() {
            if y.end < y.start {
                push(&format!("fiscal_years[{i}].end"), format!("the year ends ({}) before it starts ({})", y.end, y.start));
            } else if (y.end - y.start).num_days() > 731 {
                push(&format!("fiscal_years[{i}].end"), format!("a fiscal year of {} days: at most 24 months", (y.end - y.start).num_days() + 1));
            }
            if i > 0 {
                let prev = &self.fiscal_years[i - 1];
                if prev.end.succ_opt() != Some(y.start) {
                    push(&format!("fiscal_years[{i}].start"), format!("fiscal years must follow each other: the previous one ends {}, so this one must start {}", prev.end, prev.end.succ_opt().unwrap_or(prev.end)));
                }
            }
        }
        if let (Some(s), Some(h)) = (self.locks.soft, self.locks.hard) {
            if s < h {
                push("locks.soft", format!("the soft lock ({s}) is before the hard lock ({h}); a soft lock only means something after it"));
            }
        }
        if self.batches.number_prefix.len() > 8 || !self.batches.number_prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            push("batches.number_prefix", format!("prefix `{}`: at most 8 letters, digits or dashes", self.batches.number_prefix));
        }
        if self.show_columns.is_empty() {
            push("show_columns", "list at least one column, e.g. [account, label, debit, credit]".to_string());
        }
        issues
    }

    /// Cross-file checks: the journals and chart of accounts.yaml.
    pub fn check_against(&self, accounts: &AccountsRules, doc: &YamlDoc) -> Vec<Issue> {
        let mut issues = Vec::new();
        for (key, j, kind) in [("purchases", &accounts.journals.purchases, JournalKind::Purchase), ("sales", &accounts.journals.sales, JournalKind::Sales)] {
            if !self.journals.is_empty() {
                match self.journals.iter().find(|d| d.code == j.code) {
                    None => issues.push(doc.issue_at("journals", format!("accounts.yaml's {key} journal `{}` is not listed here; add {{code: {}, label: {}, kind: {}}}", j.code, j.code, j.label, kind_name(kind)))),
                    Some(d) if d.kind != kind => issues.push(doc.issue_at("journals", format!("journal `{}` is accounts.yaml's {key} journal, so its kind must be {}", j.code, kind_name(kind)))),
                    _ => {}
                }
            }
        }
        if !self.classes.is_empty() {
            for account in accounts.chart.keys() {
                let class = &account[..1];
                if !self.classes.contains_key(class) {
                    issues.push(doc.issue_at("classes", format!("accounts.yaml's account {account} is in class {class}, which is not listed")));
                }
            }
        }
        if accounts.chart.contains_key(&self.net_income_account) {
            // Listing it is fine (its label is useful); using it is refused at posting.
        }
        issues
    }

    pub fn journal(&self, code: &str) -> Option<&JournalDef> {
        self.journals.iter().find(|j| j.code == code)
    }

    /// The fiscal year holding `date`: the explicit years, then 12-month
    /// years continuing from their ends, or the company's usual start.
    pub fn fiscal_year(&self, date: NaiveDate, usual_start: (u32, u32)) -> FiscalYear {
        let (Some(first), Some(last)) = (self.fiscal_years.first(), self.fiscal_years.last()) else {
            let (label, start, end) = fiscal_year(date, usual_start);
            return FiscalYear { label, start, end };
        };
        if let Some(y) = self.fiscal_years.iter().find(|y| y.start <= date && date <= y.end) {
            return FiscalYear { label: y.end.year(), start: y.start, end: y.end };
        }
        let twelve = Months::new(12);
        if date > last.end {
            let mut start = last.end.succ_opt().expect("a day after a date");
            loop {
                let next = start.checked_add_months(twelve).expect("date in range");
                if date < next {
                    let end = next.pred_opt().expect("a day before a date");
                    return FiscalYear { label: end.year(), start, end };
                }
                start = next;
            }
        }
        let mut end_next = first.start;
        loop {
            let start = end_next.checked_sub_months(twelve).expect("date in range");
            if date >= start {
                let end = end_next.pred_opt().expect("a day before a date");
                return FiscalYear { label: end.year(), start, end };
            }
            end_next = start;
        }
    }

    /// The lock a date falls under; `recorded_hard` is the hard lock the
    /// database already holds (a hard lock never moves back).
    pub fn lock_state(&self, date: NaiveDate, recorded_hard: Option<NaiveDate>) -> LockState {
        let hard = self.locks.hard.max(recorded_hard);
        if let Some(h) = hard.filter(|h| date <= *h) {
            return LockState::Hard(h);
        }
        if let Some(s) = self.locks.soft.filter(|s| date <= *s) {
            return LockState::Soft(s);
        }
        LockState::Open
    }
}

/// A batch's period: the calendar month of its entries' date, `YYYY-MM`,
/// when batches are grouped by period; none when grouped by year.
pub fn period_of(date: NaiveDate, group_by: GroupBy) -> Option<String> {
    match group_by {
        GroupBy::Year => None,
        GroupBy::Period => Some(format!("{:04}-{:02}", date.year(), date.month())),
    }
}

pub fn kind_name(k: JournalKind) -> &'static str {
    match k {
        JournalKind::Purchase => "purchase",
        JournalKind::Sales => "sales",
        JournalKind::Bank => "bank",
        JournalKind::Misc => "misc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_shipped_file_is_valid_and_agrees_with_accounts_yaml() {
        let rules = LedgerRules::builtin();
        let doc = YamlDoc::from_text(Path::new("rules/ledger.yaml"), BUILTIN_LEDGER_YAML);
        assert!(rules.check_against(&AccountsRules::builtin(), &doc).is_empty());
        assert_eq!(rules.journal("BQ").map(|j| j.kind), Some(JournalKind::Bank));
    }

    #[test]
    fn an_eighteen_month_first_year_then_twelve_month_years() {
        let mut r = LedgerRules::builtin();
        r.fiscal_years = vec![FiscalYearDef { start: d(2024, 1, 1), end: d(2025, 6, 30) }];
        assert_eq!(r.fiscal_year(d(2025, 6, 30), (1, 1)), FiscalYear { label: 2025, start: d(2024, 1, 1), end: d(2025, 6, 30) });
        assert_eq!(r.fiscal_year(d(2025, 7, 1), (1, 1)), FiscalYear { label: 2026, start: d(2025, 7, 1), end: d(2026, 6, 30) });
        assert_eq!(r.fiscal_year(d(2027, 3, 1), (1, 1)), FiscalYear { label: 2027, start: d(2026, 7, 1), end: d(2027, 6, 30) });
        assert_eq!(r.fiscal_year(d(2023, 5, 1), (1, 1)), FiscalYear { label: 2023, start: d(2023, 1, 1), end: d(2023, 12, 31) });
    }

    #[test]
    fn fiscal_years_must_follow_each_other() {
        let text = "fiscal_years:\n  - {start: 2024-01-01, end: 2024-12-31}\n  - {start: 2025-02-01, end: 2025-12-31}\n";
        let doc = YamlDoc::from_text(Path::new("ledger.yaml"), text);
        let issues = parse_ledger(&doc).unwrap_err();
        assert!(issues[0].to_string().contains("must start 2025-01-01"), "{}", issues[0]);
        assert!(issues[0].to_string().starts_with("ledger.yaml:3:"), "{}", issues[0]);
    }

    #[test]
    fn a_hard_lock_recorded_in_the_database_still_applies_when_the_file_forgets_it() {
        let mut r = LedgerRules::builtin();
        r.locks.soft = Some(d(2025, 3, 31));
        assert_eq!(r.lock_state(d(2025, 3, 31), None), LockState::Soft(d(2025, 3, 31)));
        assert_eq!(r.lock_state(d(2025, 4, 1), None), LockState::Open);
        assert_eq!(r.lock_state(d(2025, 1, 31), Some(d(2025, 1, 31))), LockState::Hard(d(2025, 1, 31)));
    }

    #[test]
    fn periods_are_calendar_months_when_grouping_by_period() {
        assert_eq!(period_of(d(2025, 3, 9), GroupBy::Period).as_deref(), Some("2025-03"));
        assert_eq!(period_of(d(2025, 3, 9), GroupBy::Year), None);
    }
}
