//! `rules/matching.yaml`: tolerance, write-off accounts, date window, party
//! similarity, strategies and their order.

use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::{Issue, YamlDoc};

pub const BUILTIN_MATCHING_YAML: &str = include_str!("../../../rules/matching.yaml");

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRules {
    pub tolerance: Decimal,
    pub write_off: WriteOff,
    pub suspense_account: String,
    #[serde(default)]
    pub date_window: DateWindow,
    #[serde(default)]
    pub party: PartyRules,
    #[serde(default = "default_max_invoices")]
    pub max_invoices_per_payment: usize,
    #[serde(default = "default_strategies")]
    pub strategies: Vec<Strategy>,
    #[serde(default = "default_true")]
    pub partial: bool,
    #[serde(default = "default_min_ref")]
    pub min_reference_length: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WriteOff {
    pub max: Decimal,
    pub loss_account: String,
    pub gain_account: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DateWindow {
    pub days_before_invoice: i64,
    pub days_after_due: i64,
}

impl Default for DateWindow {
    fn default() -> Self {
        DateWindow { days_before_invoice: 5, days_after_due: 365 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartyRules {
    /// A ratio, not money: a float is fine here.
    pub min_similarity: f64,
}

impl Default for PartyRules {
    fn default() -> Self {
        PartyRules { min_similarity: 0.6 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    Reference,
    AmountAndParty,
    Combination,
}

impl Strategy {
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Reference => "reference",
            Strategy::AmountAndParty => "amount_and_party",
            Strategy::Combination => "combination",
        }
    }
}

fn default_max_invoices() -> usize {
    4
}
fn default_strategies() -> Vec<Strategy> {
    vec![Strategy::Reference, Strategy::AmountAndParty, Strategy::Combination]
}
fn default_true() -> bool {
    true
}
fn default_min_ref() -> usize {
    3
}

pub fn parse_matching(doc: &YamlDoc) -> Result<MatchRules, Vec<Issue>> {
    let rules: MatchRules = doc.parse().map_err(|i| vec![i])?;
    let issues = rules.validate(doc);
    if issues.is_empty() {
        Ok(rules)
    } else {
        Err(issues)
    }
}

impl MatchRules {
    pub fn builtin() -> MatchRules {
        let doc = YamlDoc::from_text(Path::new("rules/matching.yaml"), BUILTIN_MATCHING_YAML);
        parse_matching(&doc).expect("the builtin rules/matching.yaml is valid (tested)")
    }

    /// The account a write-off is booked on: a positive write-off (the bank
    /// line has more money than the items: received more or paid less) is a
    /// gain, a negative one a loss.
    pub fn write_off_account(&self, write_off: Decimal) -> Option<&str> {
        if write_off > Decimal::ZERO {
            Some(&self.write_off.gain_account)
        } else if write_off < Decimal::ZERO {
            Some(&self.write_off.loss_account)
        } else {
            None
        }
    }

    pub fn validate(&self, doc: &YamlDoc) -> Vec<Issue> {
        let mut issues = Vec::new();
        let mut push = |path: &str, msg: String| issues.push(doc.issue_at(path, msg));
        for (path, v) in [("tolerance", self.tolerance), ("write_off.max", self.write_off.max)] {
            if v < Decimal::ZERO || v.round_dp(2) != v {
                push(path, format!("{path} `{v}` must be an amount of 0 or more with at most 2 decimals, e.g. \"0.05\""));
            }
        }
        if self.tolerance > self.write_off.max {
            push(
                "tolerance",
                format!(
                    "tolerance {} is above write_off.max {}: a difference accepted as paid must be written off; lower tolerance or raise write_off.max",
                    self.tolerance, self.write_off.max
                ),
            );
        }
        for (path, a) in [
            ("write_off.loss_account", &self.write_off.loss_account),
            ("write_off.gain_account", &self.write_off.gain_account),
            ("suspense_account", &self.suspense_account),
        ] {
            if a.len() < 3 || a.len() > 20 || !a.bytes().all(|b| b.is_ascii_digit()) {
                push(path, format!("{path} `{a}` must be an account number of 3 to 20 digits, e.g. 658000"));
            }
        }
        let w = self.date_window;
        if w.days_before_invoice < 0 || w.days_before_invoice > 3660 {
            push("date_window.days_before_invoice", format!("days_before_invoice {} must be 0 to 3660 days", w.days_before_invoice));
        }
        if w.days_after_due < 0 || w.days_after_due > 3660 {
            push("date_window.days_after_due", format!("days_after_due {} must be 0 to 3660 days", w.days_after_due));
        }
        let s = self.party.min_similarity;
        // 0 would let any party agree with any counterparty: amount-only matching.
        if !(s > 0.0 && s <= 1.0) {
            push("party.min_similarity", format!("min_similarity {s} must be above 0 and at most 1, e.g. 0.6"));
        }
        if !(2..=8).contains(&self.max_invoices_per_payment) {
            push(
                "max_invoices_per_payment",
                format!("max_invoices_per_payment {} must be 2 to 8 (the search grows fast with it)", self.max_invoices_per_payment),
            );
        }
        if self.strategies.is_empty() {
            push("strategies", "list at least one strategy: [reference, amount_and_party, combination]".to_string());
        }
        for (i, st) in self.strategies.iter().enumerate() {
            if self.strategies[..i].contains(st) {
                push(&format!("strategies[{i}]"), format!("strategy `{}` is listed twice", st.name()));
            }
        }
        if !(1..=40).contains(&self.min_reference_length) {
            push("min_reference_length", format!("min_reference_length {} must be 1 to 40 characters, e.g. 3", self.min_reference_length));
        }
        issues
    }
}
