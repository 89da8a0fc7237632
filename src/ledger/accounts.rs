//! `rules/accounts.yaml`: journals, collective and default accounts, VAT
//! accounts per rate, rounding accounts and the chart's labels.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::{Issue, YamlDoc};

/// The builtin rules: the commented example file shipped in `rules/`.
pub const BUILTIN_ACCOUNTS_YAML: &str = include_str!("../../rules/accounts.yaml");

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsRules {
    /// Currency of the books (ISO 4217).
    #[serde(default = "default_currency")]
    pub currency: String,
    pub journals: Journals,
    pub collective: Collective,
    pub defaults: Defaults,
    pub vat: VatRules,
    pub rounding: RoundingRules,
    pub auxiliary: AuxPrefixes,
    /// Account number → label (FEC CompteLib).
    pub chart: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Journals {
    pub purchases: Journal,
    pub sales: Journal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Collective {
    pub suppliers: String,
    pub customers: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub expense: String,
    pub revenue: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VatRules {
    pub deductible: VatTable,
    pub collected: VatTable,
    /// Needed only when a supplier is `intra_eu_reverse_charge`.
    #[serde(default)]
    pub reverse_charge: Option<ReverseCharge>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VatTable {
    pub rates: Vec<VatRate>,
    /// For an unlisted rate or a VAT total without breakdown.
    pub fallback: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VatRate {
    /// Percent: `20`, `5.5`.
    pub rate: Decimal,
    pub account: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReverseCharge {
    pub rate: Decimal,
    pub deductible: String,
    pub due: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoundingRules {
    /// Debited with a missing debit (a loss).
    pub charge: String,
    /// Credited with a missing credit (a gain).
    pub income: String,
    #[serde(default = "default_max_difference")]
    pub max_difference: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuxPrefixes {
    pub suppliers: String,
    pub customers: String,
}

fn default_currency() -> String {
    "EUR".to_string()
}

fn default_max_difference() -> Decimal {
    Decimal::new(2, 2)
}

/// Which VAT table: purchases deduct VAT, sales collect it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VatSide {
    Deductible,
    Collected,
}

/// Parse and validate `rules/accounts.yaml`.
pub fn parse_accounts(doc: &YamlDoc) -> Result<AccountsRules, Vec<Issue>> {
    let rules: AccountsRules = doc.parse().map_err(|i| vec![i])?;
    let issues = rules.validate(doc);
    if issues.is_empty() { Ok(rules) } else { Err(issues) }
}

impl AccountsRules {
    /// The example file shipped in `rules/accounts.yaml`, compiled in.
    pub fn builtin() -> AccountsRules {
        let doc = YamlDoc::from_text(Path::new("rules/accounts.yaml"), BUILTIN_ACCOUNTS_YAML);
        parse_accounts(&doc).expect("the builtin rules/accounts.yaml is valid (tested)")
    }

    /// The chart's label of `account`; an account not listed takes the label
    /// of the listed account whose number, trailing zeros removed, is its
    /// longest prefix (606110 → 606100, 606300 → 606000).
    pub fn label(&self, account: &str) -> Option<&str> {
        if let Some(l) = self.chart.get(account) {
            return Some(l);
        }
        self.chart
            .iter()
            .filter_map(|(n, l)| {
                let stem = n.trim_end_matches('0');
                (!stem.is_empty() && account.starts_with(stem)).then_some((stem.len(), l))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, l)| l.as_str())
    }

    /// The VAT account for `rate` and whether the rate is listed (false:
    /// the fallback account was used).
    pub fn vat_account(&self, side: VatSide, rate: Decimal) -> (&str, bool) {
        let t = match side {
            VatSide::Deductible => &self.vat.deductible,
            VatSide::Collected => &self.vat.collected,
        };
        match t.rates.iter().find(|r| r.rate == rate) {
            Some(r) => (&r.account, true),
            None => (self.vat_fallback(side), false),
        }
    }

    /// The VAT account used when the rate is unknown.
    pub fn vat_fallback(&self, side: VatSide) -> &str {
        match side {
            VatSide::Deductible => &self.vat.deductible.fallback,
            VatSide::Collected => &self.vat.collected.fallback,
        }
    }

    /// Every problem, located in `doc`.
    pub fn validate(&self, doc: &YamlDoc) -> Vec<Issue> {
        let mut issues = Vec::new();
        let mut push = |path: &str, msg: String| issues.push(doc.issue_at(path, msg));

        if !(self.currency.len() == 3 && self.currency.bytes().all(|b| b.is_ascii_uppercase())) {
            push("currency", format!("currency `{}` must be an ISO 4217 code in capitals, e.g. EUR", self.currency));
        }
        for (key, j) in [("purchases", &self.journals.purchases), ("sales", &self.journals.sales)] {
            if j.code.is_empty() || j.code.len() > 10 || !j.code.bytes().all(|b| b.is_ascii_alphanumeric()) {
                push(&format!("journals.{key}.code"), format!("journal code `{}` must be 1 to 10 letters or digits, e.g. HA", j.code));
            }
            if j.label.trim().is_empty() {
                push(&format!("journals.{key}.label"), "the journal needs a label (FEC JournalLib), e.g. Achats".to_string());
            }
        }
        if self.journals.purchases.code == self.journals.sales.code {
            push("journals.sales.code", format!("purchases and sales share the journal code `{}`; give each its own", self.journals.sales.code));
        }

        // Every account named outside the chart: digits, and labelled.
        let mut referenced: Vec<(String, &str)> = vec![
            ("collective.suppliers".into(), &self.collective.suppliers),
            ("collective.customers".into(), &self.collective.customers),
            ("defaults.expense".into(), &self.defaults.expense),
            ("defaults.revenue".into(), &self.defaults.revenue),
            ("vat.deductible.fallback".into(), &self.vat.deductible.fallback),
            ("vat.collected.fallback".into(), &self.vat.collected.fallback),
            ("rounding.charge".into(), &self.rounding.charge),
            ("rounding.income".into(), &self.rounding.income),
        ];
        for (key, t) in [("deductible", &self.vat.deductible), ("collected", &self.vat.collected)] {
            for (i, r) in t.rates.iter().enumerate() {
                referenced.push((format!("vat.{key}.rates[{i}].account"), &r.account));
                let path = format!("vat.{key}.rates[{i}].rate");
                if let Some(msg) = rate_problem(r.rate) {
                    push(&path, msg);
                }
                if let Some(j) = t.rates[..i].iter().position(|o| o.rate == r.rate) {
                    push(&path, format!("rate {} is already listed at vat.{key}.rates[{j}]; keep one", r.rate.normalize()));
                }
            }
        }
        if let Some(rc) = &self.vat.reverse_charge {
            referenced.push(("vat.reverse_charge.deductible".into(), &rc.deductible));
            referenced.push(("vat.reverse_charge.due".into(), &rc.due));
            if let Some(msg) = rate_problem(rc.rate) {
                push("vat.reverse_charge.rate", msg);
            }
        }
        for (path, account) in &referenced {
            if let Some(msg) = account_problem(account) {
                push(path, msg);
            } else if !self.chart.contains_key(*account) {
                push(path, format!("account {account} has no label: add `\"{account}\": <label>` under `chart`"));
            }
        }
        for (n, l) in &self.chart {
            let path = format!("chart.{n}");
            if let Some(msg) = account_problem(n) {
                push(&path, msg);
            }
            if l.trim().is_empty() {
                push(&path, format!("account {n} needs a non-empty label (FEC CompteLib)"));
            }
        }

        let m = self.rounding.max_difference;
        if m < Decimal::ZERO || m > Decimal::ONE {
            push("rounding.max_difference", format!("max_difference {m} must be between 0 and 1: a bigger gap is a recognition error, not rounding"));
        }
        for (key, p) in [("suppliers", &self.auxiliary.suppliers), ("customers", &self.auxiliary.customers)] {
            if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
                push(&format!("auxiliary.{key}"), format!("prefix `{p}` must be 1 to 4 capital letters or digits, e.g. F"));
            }
        }
        if self.auxiliary.suppliers == self.auxiliary.customers {
            push("auxiliary.customers", "suppliers and customers need different prefixes, or their auxiliary accounts could collide".to_string());
        }
        issues
    }
}

/// Why `account` is not a general ledger account number, if it is not.
pub fn account_problem(account: &str) -> Option<String> {
    if account.len() < 3 || account.len() > 20 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("account `{account}` must be 3 to 20 digits (a chart of accounts number, e.g. 606000)"));
    }
    None
}

fn rate_problem(rate: Decimal) -> Option<String> {
    (rate < Decimal::ZERO || rate >= Decimal::ONE_HUNDRED)
        .then(|| format!("rate {} must be a percentage from 0 to below 100, e.g. 20 or 5.5", rate.normalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn doc(text: &str) -> YamlDoc {
        YamlDoc::from_text(Path::new("rules/accounts.yaml"), text)
    }

    #[test]
    fn builtin_parses_and_answers() {
        let a = AccountsRules::builtin();
        assert_eq!(a.journals.purchases.code, "HA");
        assert_eq!(a.journals.sales.label, "Ventes");
        assert_eq!(a.vat_account(VatSide::Deductible, dec!(5.5)), ("445661", true));
        assert_eq!(a.vat_account(VatSide::Deductible, dec!(5.50)), ("445661", true));
        assert_eq!(a.vat_account(VatSide::Deductible, dec!(7)), ("445660", false));
        assert_eq!(a.vat_account(VatSide::Collected, dec!(20)), ("445710", true));
        assert_eq!(a.label("401000"), Some("Fournisseurs"));
        assert_eq!(a.label("606110"), Some("Fournitures non stockables (eau, énergie)"));
        assert_eq!(a.label("606300"), Some("Achats non stockés de matières et fournitures"));
        assert_eq!(a.label("999"), None);
        assert_eq!(a.rounding.max_difference, dec!(0.02));
    }

    #[test]
    fn problems_are_located() {
        let text = BUILTIN_ACCOUNTS_YAML
            .replace("expense: \"606000\"", "expense: \"60600A\"")
            .replace("rate: 10\n", "rate: 120\n")
            .replace("income: \"758000\"", "income: \"758100\"");
        let issues = parse_accounts(&doc(&text)).unwrap_err();
        let msgs: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
        assert!(msgs.iter().any(|m| m.starts_with(&format!("rules/accounts.yaml:{}:", line_of("60600A"))) && m.contains("digits")), "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.starts_with(&format!("rules/accounts.yaml:{}:", line_of("rate: 120"))) && m.contains("percentage")), "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.starts_with(&format!("rules/accounts.yaml:{}:", line_of("758100"))) && m.contains("no label")), "{msgs:#?}");
    }

    #[test]
    fn unknown_keys_and_duplicate_rates_are_refused() {
        let text = BUILTIN_ACCOUNTS_YAML.replace("currency: EUR", "curency: EUR");
        let e = parse_accounts(&doc(&text)).unwrap_err();
        assert!(e[0].message.contains("unknown field `curency`"), "{e:?}");
        let text = BUILTIN_ACCOUNTS_YAML.replace("rate: 2.1\n        account: \"445663\"", "rate: 20.0\n        account: \"445663\"");
        let e = parse_accounts(&doc(&text)).unwrap_err();
        assert!(e.iter().any(|i| i.message.contains("already listed")), "{e:?}");
    }
}
