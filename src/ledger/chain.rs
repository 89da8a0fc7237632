//! The hash chain of posted entries: each posted entry stores the SHA-256
//! of its content and of the previous posted entry's hash (per company, in
//! posting order), so a change made behind the program's back (an amount,
//! an account, a deleted or inserted entry) breaks the chain at that entry.

use sha2::{Digest, Sha256};

use crate::ledger::entry::Entry;
use crate::ledger::money::fmt2;

/// The hash before the first posted entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What is sealed besides the entry's own content.
#[derive(Debug, Clone, Copy)]
pub struct Seal<'a> {
    pub company: &'a str,
    pub fiscal_year: i32,
    pub number: i32,
    pub batch_number: &'a str,
}

/// SHA-256 (hex) of `prev` and the entry's canonical text: one field per
/// line, amounts with two decimals, so the text does not depend on how the
/// database prints numbers.
pub fn entry_hash(prev: &str, seal: Seal<'_>, e: &Entry) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update(s.as_bytes());
        h.update([0x1f]);
    };
    put(prev);
    put(seal.company);
    put(&seal.fiscal_year.to_string());
    put(&seal.number.to_string());
    put(seal.batch_number);
    put(&e.journal);
    put(&e.date.to_string());
    put(&e.piece_ref);
    put(&e.piece_date.to_string());
    put(&e.label);
    put(&e.currency);
    for l in &e.lines {
        put(&l.account);
        put(l.aux_account.as_deref().unwrap_or(""));
        put(&l.label);
        put(&fmt2(l.debit));
        put(&fmt2(l.credit));
        put(&l.due_date.map(|d| d.to_string()).unwrap_or_default());
        put("\u{1e}");
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::entry::Line;
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    fn entry() -> Entry {
        let d = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        Entry {
            journal: "HA".into(),
            journal_label: "Achats".into(),
            date: d,
            piece_ref: "F-1".into(),
            piece_date: d,
            label: "ACME".into(),
            currency: "EUR".into(),
            lines: vec![Line::debit("606000", "x", "ACME", dec!(100)), Line::credit("401000", "x", "ACME", dec!(100.00))],
        }
    }

    #[test]
    fn any_change_or_reordering_changes_the_hash() {
        let seal = Seal { company: "demo", fiscal_year: 2025, number: 1, batch_number: "B000001" };
        let base = entry_hash(GENESIS, seal, &entry());
        // The same amount written with another scale seals the same.
        let mut same = entry();
        same.lines[0].debit = dec!(100.00);
        assert_eq!(entry_hash(GENESIS, seal, &same), base);
        let mut e = entry();
        e.lines[0].debit = dec!(100.01);
        assert_ne!(entry_hash(GENESIS, seal, &e), base);
        let mut e = entry();
        e.lines[1].account = "401001".into();
        assert_ne!(entry_hash(GENESIS, seal, &e), base);
        assert_ne!(entry_hash(&base, seal, &entry()), base);
        assert_ne!(entry_hash(GENESIS, Seal { number: 2, ..seal }, &entry()), base);
    }
}
