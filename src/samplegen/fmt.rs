//! How amounts, rates and dates are printed: the national conventions a
//! recognizer has to read back.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    En,
    De,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::De => "de",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Currency {
    Eur,
    Gbp,
    Usd,
    Chf,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Usd => "USD",
            Currency::Chf => "CHF",
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Eur => "€",
            Currency::Gbp => "£",
            Currency::Usd => "$",
            Currency::Chf => "CHF",
        }
    }
}

/// Thousands and decimal separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumFmt {
    /// 1 234,56
    FrSpace,
    /// 1 234,56 with U+00A0
    FrNbsp,
    /// 1 234,56 with U+202F (drawn as a gap: WinAnsi has no such glyph)
    FrNarrow,
    /// 1234,56
    FrPlain,
    /// 1.234,56
    De,
    /// 1,234.56
    En,
    /// 1234.56
    Plain,
    /// 1'234.56
    Ch,
}

impl NumFmt {
    pub fn name(self) -> &'static str {
        match self {
            NumFmt::FrSpace => "1 234,56",
            NumFmt::FrNbsp => "1 234,56 (nbsp)",
            NumFmt::FrNarrow => "1 234,56 (narrow nbsp)",
            NumFmt::FrPlain => "1234,56",
            NumFmt::De => "1.234,56",
            NumFmt::En => "1,234.56",
            NumFmt::Plain => "1234.56",
            NumFmt::Ch => "1'234.56",
        }
    }
    fn seps(self) -> (Option<char>, char) {
        match self {
            NumFmt::FrSpace => (Some(' '), ','),
            NumFmt::FrNbsp => (Some('\u{a0}'), ','),
            NumFmt::FrNarrow => (Some('\u{202f}'), ','),
            NumFmt::FrPlain => (None, ','),
            NumFmt::De => (Some('.'), ','),
            NumFmt::En => (Some(','), '.'),
            NumFmt::Plain => (None, '.'),
            NumFmt::Ch => (Some('\''), '.'),
        }
    }
    pub fn decimal_sep(self) -> char {
        self.seps().1
    }

    /// `v` with `dp` decimals, grouped; the sign is the caller's business.
    pub fn format(self, v: Decimal, dp: u32) -> String {
        let v = v.abs().round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
        let s = format!("{:.*}", dp as usize, v);
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (s.clone(), None),
        };
        let (group, dec) = self.seps();
        let mut grouped = String::new();
        let digits: Vec<char> = int.chars().collect();
        for (i, ch) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                if let Some(g) = group {
                    grouped.push(g);
                }
            }
            grouped.push(*ch);
        }
        match frac {
            Some(f) => format!("{grouped}{dec}{f}"),
            None => grouped,
        }
    }
}

/// Where the currency goes next to an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CurPos {
    /// 1 234,56 €
    SymbolAfter,
    /// €1,234.56
    SymbolBefore,
    /// 1 234,56 EUR
    CodeAfter,
    /// EUR 1,234.56
    CodeBefore,
    /// Bare amounts; the currency is stated once elsewhere.
    Elsewhere,
}

/// How a credit note shows that its amounts are credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NegStyle {
    /// Positive amounts; only the title says it is a credit note.
    Positive,
    /// -120,00
    Minus,
    /// –120,00 (an en dash, as some producers print it)
    Dash,
    /// (120.00)
    Parens,
    /// 120,00-
    Trailing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Money {
    pub num: NumFmt,
    pub pos: CurPos,
    pub neg: NegStyle,
    pub currency: Currency,
    /// Space between amount and symbol/code.
    pub gap: char,
}

impl Money {
    /// An amount, with the currency when `with_cur`, as a credit when `credit`.
    pub fn fmt(&self, v: Decimal, credit: bool, with_cur: bool) -> String {
        self.fmt_dp(v, 2, credit, with_cur)
    }

    pub fn fmt_dp(&self, v: Decimal, dp: u32, credit: bool, with_cur: bool) -> String {
        let n = self.num.format(v, dp);
        let cur = self.currency;
        let body = if !with_cur {
            n
        } else {
            match self.pos {
                CurPos::SymbolAfter => format!("{n}{}{}", self.gap, cur.symbol()),
                CurPos::SymbolBefore if cur == Currency::Chf => format!("CHF{}{n}", self.gap),
                CurPos::SymbolBefore => format!("{}{n}", cur.symbol()),
                CurPos::CodeAfter => format!("{n}{}{}", self.gap, cur.code()),
                CurPos::CodeBefore => format!("{}{}{n}", cur.code(), self.gap),
                CurPos::Elsewhere => n,
            }
        };
        if !credit || v.is_zero() {
            return body;
        }
        match self.neg {
            NegStyle::Positive => body,
            NegStyle::Minus => format!("-{body}"),
            NegStyle::Dash => format!("–{body}"),
            NegStyle::Parens => format!("({body})"),
            NegStyle::Trailing => format!("{body}-"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateFmt {
    /// 15/03/2026
    DmySlash,
    /// 15.03.2026
    DmyDot,
    /// 2026-03-15
    Iso,
    /// 15-03-2026
    DmyDash,
    /// 15 mars 2026 / 15. März 2026 / 15 March 2026
    Long,
    /// March 15, 2026
    LongUs,
    /// 15-Mar-2026
    DMonY,
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

pub(crate) fn fmt_date(d: NaiveDate, f: DateFmt, lang: Lang) -> String {
    let (y, m, day) = (d.year(), d.month() as usize, d.day());
    match f {
        DateFmt::DmySlash => format!("{day:02}/{m:02}/{y}"),
        DateFmt::DmyDot => format!("{day:02}.{m:02}.{y}"),
        DateFmt::Iso => format!("{y}-{m:02}-{day:02}"),
        DateFmt::DmyDash => format!("{day:02}-{m:02}-{y}"),
        DateFmt::Long => match lang {
            // French writes the first of the month as an ordinal.
            Lang::Fr if day == 1 => format!("1er {} {y}", MONTHS_FR[m - 1]),
            Lang::Fr => format!("{day} {} {y}", MONTHS_FR[m - 1]),
            Lang::De => format!("{day}. {} {y}", MONTHS_DE[m - 1]),
            Lang::En => format!("{day} {} {y}", MONTHS_EN[m - 1]),
        },
        DateFmt::LongUs => format!("{} {day}, {y}", MONTHS_EN[m - 1]),
        DateFmt::DMonY => format!("{day:02}-{}-{y}", &MONTHS_EN[m - 1][..3]),
    }
}

/// A VAT rate as printed: "20", "5,5", "5.50", "19,00".
pub(crate) fn fmt_rate(rate: Decimal, num: NumFmt, decimals: u32) -> String {
    let r = rate.normalize();
    let dp = r.scale().max(decimals);
    let s = format!("{:.*}", dp as usize, r);
    s.replace('.', &num.decimal_sep().to_string())
}

/// A rate as the truth file writes it: "20", "5.5".
pub(crate) fn rate_key(rate: Decimal) -> String {
    rate.normalize().to_string()
}
