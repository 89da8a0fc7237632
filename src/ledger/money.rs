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

/// VAT per rate computed from invoice lines `(rate in percent, net)`:
/// `(rate, base, vat)` sorted by rate. Per rate (the default) rounds each
/// rate's VAT once; per line rounds each line's VAT and adds them, which
/// may differ by a cent or more (the difference is the posting's rounding).
pub fn vat_by_rate(lines: &[(Decimal, Decimal)], mode: crate::ledger::books::VatRounding) -> Vec<(Decimal, Decimal, Decimal)> {
    let mut out: Vec<(Decimal, Decimal, Decimal)> = Vec::new();
    for (rate, net) in lines {
        let rate = rate.normalize();
        let line_vat = match mode {
            crate::ledger::books::VatRounding::PerLine => round2(net * rate / Decimal::ONE_HUNDRED),
            crate::ledger::books::VatRounding::PerRate => Decimal::ZERO,
        };
        match out.iter_mut().find(|(r, _, _)| *r == rate) {
            Some(t) => {
                t.1 += net;
                t.2 += line_vat;
            }
            None => out.push((rate, *net, line_vat)),
        }
    }
    for t in &mut out {
        t.1 = round2(t.1);
        if mode == crate::ledger::books::VatRounding::PerRate {
            t.2 = round2(t.1 * t.0 / Decimal::ONE_HUNDRED);
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
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

    #[test]
    fn vat_per_rate_and_per_line_differ_by_the_rounding_of_each_line() {
        use crate::ledger::books::VatRounding;
        // Three lines of 0.15 at 10 %: each line's VAT 0.015 rounds (half
        // away from zero) to 0.02, so 0.06 per line; the rate's 0.45 gives 0.05.
        let lines = [(dec!(10), dec!(0.15)), (dec!(10.0), dec!(0.15)), (dec!(10), dec!(0.15)), (dec!(20), dec!(1.00))];
        assert_eq!(vat_by_rate(&lines, VatRounding::PerRate), vec![(dec!(10), dec!(0.45), dec!(0.05)), (dec!(20), dec!(1.00), dec!(0.20))]);
        assert_eq!(vat_by_rate(&lines, VatRounding::PerLine), vec![(dec!(10), dec!(0.45), dec!(0.06)), (dec!(20), dec!(1.00), dec!(0.20))]);
        // Half away from zero, not to even: 0.125 → 0.13.
        assert_eq!(vat_by_rate(&[(dec!(5), dec!(2.50))], VatRounding::PerRate)[0].2, dec!(0.13));
    }
}
