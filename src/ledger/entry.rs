//! An accounting entry (écriture) and its lines, with the invariants every
//! entry must keep whatever produced it: at least two lines, each line a
//! debit or a credit (not both, never negative), amounts in cents, debit
//! total = credit total.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::money::{fmt2, is_cents};

/// One line of an entry. Fields are public so the store can rebuild a line
/// it reads back; `Entry::new` / `Entry::validate` check the invariants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// General ledger account number (digits), e.g. `401000`.
    pub account: String,
    /// Its label from the chart (FEC CompteLib).
    pub account_label: String,
    /// Auxiliary (subsidiary) account for a supplier or customer line.
    pub aux_account: Option<String>,
    pub aux_label: Option<String>,
    pub label: String,
    pub debit: Decimal,
    pub credit: Decimal,
    /// On the supplier/customer line: when the open item falls due.
    pub due_date: Option<NaiveDate>,
}

impl Line {
    pub fn debit(account: &str, account_label: &str, label: &str, amount: Decimal) -> Line {
        Line::new(account, account_label, label, amount, Decimal::ZERO)
    }

    pub fn credit(account: &str, account_label: &str, label: &str, amount: Decimal) -> Line {
        Line::new(account, account_label, label, Decimal::ZERO, amount)
    }

    fn new(account: &str, account_label: &str, label: &str, debit: Decimal, credit: Decimal) -> Line {
        Line {
            account: account.to_string(),
            account_label: account_label.to_string(),
            aux_account: None,
            aux_label: None,
            label: label.to_string(),
            debit,
            credit,
            due_date: None,
        }
    }

    pub fn with_aux(mut self, aux_account: &str, aux_label: &str) -> Line {
        self.aux_account = Some(aux_account.to_string());
        self.aux_label = Some(aux_label.to_string());
        self
    }

    pub fn with_due_date(mut self, due: Option<NaiveDate>) -> Line {
        self.due_date = due;
        self
    }

    /// Debit minus credit.
    pub fn balance(&self) -> Decimal {
        self.debit - self.credit
    }

    /// The same line on the other side (credit notes, reversals).
    pub fn swapped(&self) -> Line {
        Line { debit: self.credit, credit: self.debit, ..self.clone() }
    }
}

/// A balanced accounting entry. Fields are public for the store, which
/// rebuilds entries it reads back; build new ones with `Entry::new`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Journal code, e.g. `HA`.
    pub journal: String,
    pub journal_label: String,
    /// Accounting date: the invoice date. One date per entry (FEC rule).
    pub date: NaiveDate,
    /// Supporting document reference: the invoice number.
    pub piece_ref: String,
    pub piece_date: NaiveDate,
    /// `<supplier> <invoice number>`.
    pub label: String,
    /// ISO 4217 code of the amounts.
    pub currency: String,
    pub lines: Vec<Line>,
}

/// Why an entry is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("an entry needs at least two lines, this one has {0}")]
    TooFewLines(usize),
    #[error("line {line} ({account}): an amount is negative (debit {debit}, credit {credit})")]
    Negative { line: usize, account: String, debit: String, credit: String },
    #[error("line {line} ({account}): exactly one of debit and credit must be above zero (debit {debit}, credit {credit})")]
    OneSide { line: usize, account: String, debit: String, credit: String },
    #[error("line {line} ({account}): amount {amount} has more than 2 decimals")]
    NotCents { line: usize, account: String, amount: String },
    #[error("line {line}: account `{account}` must be digits only")]
    BadAccount { line: usize, account: String },
    #[error("entry is not balanced: debit {debit}, credit {credit}")]
    Unbalanced { debit: String, credit: String },
    #[error("entry has no journal code")]
    NoJournal,
}

impl Entry {
    /// Build an entry, refusing one that breaks an invariant. Amounts are
    /// kept with scale 2 (`12.5` is stored as `12.50`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        journal: &str,
        journal_label: &str,
        date: NaiveDate,
        piece_ref: &str,
        piece_date: NaiveDate,
        label: &str,
        currency: &str,
        lines: Vec<Line>,
    ) -> Result<Entry, EntryError> {
        let mut e = Entry {
            journal: journal.to_string(),
            journal_label: journal_label.to_string(),
            date,
            piece_ref: piece_ref.to_string(),
            piece_date,
            label: label.to_string(),
            currency: currency.to_string(),
            lines,
        };
        e.validate()?;
        for l in &mut e.lines {
            l.debit.rescale(2);
            l.credit.rescale(2);
        }
        Ok(e)
    }

    /// Check the invariants on an entry built or read elsewhere.
    pub fn validate(&self) -> Result<(), EntryError> {
        if self.journal.trim().is_empty() {
            return Err(EntryError::NoJournal);
        }
        if self.lines.len() < 2 {
            return Err(EntryError::TooFewLines(self.lines.len()));
        }
        for (i, l) in self.lines.iter().enumerate() {
            let line = i + 1;
            let (debit, credit) = (fmt_any(l.debit), fmt_any(l.credit));
            if l.account.is_empty() || !l.account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(EntryError::BadAccount { line, account: l.account.clone() });
            }
            if l.debit < Decimal::ZERO || l.credit < Decimal::ZERO {
                return Err(EntryError::Negative { line, account: l.account.clone(), debit, credit });
            }
            if l.debit.is_zero() == l.credit.is_zero() {
                return Err(EntryError::OneSide { line, account: l.account.clone(), debit, credit });
            }
            for amount in [l.debit, l.credit] {
                if !is_cents(amount) {
                    return Err(EntryError::NotCents { line, account: l.account.clone(), amount: amount.to_string() });
                }
            }
        }
        let (debit, credit) = self.totals();
        if debit != credit {
            return Err(EntryError::Unbalanced { debit: fmt2(debit), credit: fmt2(credit) });
        }
        Ok(())
    }

    /// (debit total, credit total).
    pub fn totals(&self) -> (Decimal, Decimal) {
        self.lines.iter().fold((Decimal::ZERO, Decimal::ZERO), |(d, c), l| (d + l.debit, c + l.credit))
    }

    /// The reversing entry of this one (same lines, debit and credit
    /// swapped), dated `date`: how a posted entry is corrected.
    pub fn reversal(&self, date: NaiveDate, piece_ref: &str, label: &str) -> Entry {
        Entry {
            date,
            piece_ref: piece_ref.to_string(),
            piece_date: date,
            label: label.to_string(),
            lines: self.lines.iter().map(Line::swapped).collect(),
            ..self.clone()
        }
    }
}

/// Exact text for error messages (no rounding: the point is to show the
/// offending value).
fn fmt_any(d: Decimal) -> String {
    if is_cents(d) { fmt2(d) } else { d.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, 14).unwrap()
    }

    fn mk(lines: Vec<Line>) -> Result<Entry, EntryError> {
        Entry::new("HA", "Achats", d(), "F1", d(), "ACME F1", "EUR", lines)
    }

    #[test]
    fn accepts_a_balanced_entry_and_normalizes_scale() {
        let e = mk(vec![Line::debit("606000", "Achats", "x", dec!(100.5)), Line::credit("401000", "Fournisseurs", "x", dec!(100.50))]).unwrap();
        assert_eq!(e.lines[0].debit.to_string(), "100.50");
        assert_eq!(e.lines[0].credit.to_string(), "0.00");
        assert_eq!(e.totals(), (dec!(100.50), dec!(100.50)));
        let r = e.reversal(d(), "R1", "reversal");
        assert_eq!(r.lines[0].credit, dec!(100.50));
        r.validate().unwrap();
    }

    #[test]
    fn refuses_broken_entries() {
        let a = |x| Line::debit("606000", "A", "x", x);
        let c = |x| Line::credit("401000", "F", "x", x);
        assert_eq!(mk(vec![a(dec!(1))]), Err(EntryError::TooFewLines(1)));
        assert!(matches!(mk(vec![a(dec!(1)), c(dec!(2))]), Err(EntryError::Unbalanced { .. })));
        assert!(matches!(mk(vec![a(dec!(-1)), c(dec!(-1))]), Err(EntryError::Negative { .. })));
        assert!(matches!(mk(vec![a(dec!(0)), c(dec!(0))]), Err(EntryError::OneSide { .. })));
        let mut both = a(dec!(1));
        both.credit = dec!(1);
        assert!(matches!(mk(vec![both, c(dec!(0))]), Err(EntryError::OneSide { .. })));
        assert!(matches!(mk(vec![a(dec!(1.005)), c(dec!(1.005))]), Err(EntryError::NotCents { .. })));
        let bad = Line::debit("60A", "A", "x", dec!(1));
        assert!(matches!(mk(vec![bad, c(dec!(1))]), Err(EntryError::BadAccount { .. })));
    }
}
