//! Money helpers: every amount in the ledger is a `Decimal` with 2 decimals,
//! rounded half away from zero (the commercial rule; `round_dp` alone rounds
//! half to even, which surprises accountants: 0.125 → 0.12).

use rust_decimal::{Decimal, RoundingStrategy};

/// Round to cents, half away from zero, with scale 2 (`1.5` → `1.50`).
pub fn round2(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// True when `d` has no more than 2 significant decimals.
pub fn is_cents(d: Decimal) -> bool {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero) == d
}

/// `1234.5` → `1234.50`: the dot form used in messages and notes.
pub fn fmt2(d: Decimal) -> String {
    format!("{}", round2(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round2(dec!(0.125)), dec!(0.13));
        assert_eq!(round2(dec!(0.135)), dec!(0.14));
        assert_eq!(round2(dec!(-0.125)), dec!(-0.13));
        assert_eq!(round2(dec!(2.5)).to_string(), "2.50");
        assert_eq!(fmt2(dec!(7)), "7.00");
        assert!(is_cents(dec!(1.10)) && is_cents(dec!(3)) && !is_cents(dec!(0.001)));
    }
}
