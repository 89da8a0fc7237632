//! Amounts and percentages in every printed convention: `1 234,56` (space,
//! NBSP, narrow NBSP or apostrophe thousands), `1.234,56`, `1,234.56`,
//! `1234.56`, `1234,5`, a currency symbol or code before or after, and
//! negatives as `-12,00`, `12,00-` or `(12.00)`.
//!
//! The decimal mark is the last separator when exactly 1–2 digits follow
//! it; any other separator groups thousands (so `1.234` is 1234).

use std::str::FromStr;
use std::sync::LazyLock;

use regex_lite::Regex;
use rust_decimal::Decimal;

/// One amount found in a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Amount {
    pub value: Decimal,
    /// The number had a decimal part (`12,00`): totals nearly always do,
    /// quantities and postal codes do not.
    pub decimals: bool,
    /// ISO code of a symbol or code printed next to the number.
    pub currency: Option<&'static str>,
}

/// Currency before the number ("EUR 12", "EUR12", "€12") and after it
/// ("12 EUR", "12EUR", "12 euros").
const CUR_BEFORE: &str = r"[€$£¥]|(?-u:\b)(?:EUR|USD|GBP|CHF|CAD|AUD|JPY|SEK|NOK|DKK|PLN|CZK|HUF)";
const CUR_AFTER: &str = r"[€$£¥]|(?:EUR|USD|GBP|CHF|CAD|AUD|JPY|SEK|NOK|DKK|PLN|CZK|HUF)(?-u:\b)|(?i-u:euros?)(?-u:\b)";

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    super::text::lite(&format!(
        r"(?P<open>\(\s?)?(?P<neg>[-–]|−\s?)?(?:(?P<c1>{CUR_BEFORE})\s?)?(?P<neg2>[-–]|−\s?)?(?P<num>[0-9]{{1,3}}(?:[\u{{a0}}\u{{202f}}\u{{2009}} '’.,][0-9]{{3}})+(?:[.,][0-9]{{1,2}})?|[0-9]+(?:[.,][0-9]{{1,2}})?)(?P<trail>-)?(?P<close>\s?\))?(?:\s?(?P<c2>{CUR_AFTER}))?"
    ))
    
});

static PERCENT: LazyLock<Regex> = LazyLock::new(|| super::text::lite(r"(?P<num>[0-9]{1,3}(?:[.,][0-9]{1,3})?)\s?%"));

/// Every amount in `text` with its byte span. Spans already taken (dates,
/// identifiers, percentages) are passed in `taken` and skipped.
pub(crate) fn scan_amounts(text: &str, taken: &[(usize, usize)]) -> Vec<(usize, usize, Amount)> {
    let mut out = Vec::new();
    for c in AMOUNT.captures_iter(text) {
        let m = c.get(0).expect("match");
        let num = c.name("num").expect("num");
        let (mut start, mut end) = (m.start(), m.end());
        if taken.iter().any(|&(s, e)| s < num.end() && num.start() < e) {
            continue;
        }
        // Keep only the parts that do not overlap a taken span.
        if taken.iter().any(|&(s, e)| s < end && start < e) {
            start = num.start();
            end = num.end();
        }
        let before = text[..start].chars().next_back();
        let after_str = &text[end..];
        let after = after_str.chars().next();
        if before.is_some_and(|b| b.is_alphanumeric() || matches!(b, '/' | '.' | ',' | '_' | '-' | '+')) {
            continue;
        }
        // "12:30": the minutes of a time.
        if before == Some(':') && text[..start - 1].chars().next_back().is_some_and(|b| b.is_ascii_digit()) {
            continue;
        }
        if after.is_some_and(|a| a.is_alphanumeric() || matches!(a, '/' | '%' | '_')) {
            continue;
        }
        let mut rest = after_str.chars();
        if let (Some('.' | ',' | '-' | ':'), Some(d)) = (rest.next(), rest.next()) {
            if d.is_ascii_digit() {
                continue; // part of a longer number, time or reference
            }
        }
        let Some((value, decimals)) = parse_number(num.as_str()) else { continue };
        let within = |g: &str| c.name(g).is_some_and(|x| x.start() >= start && x.end() <= end);
        let parens = within("open") && within("close");
        let negative = parens || within("neg") || within("neg2") || within("trail");
        let currency = c.name("c1").filter(|_| within("c1")).or(c.name("c2").filter(|_| within("c2"))).and_then(|x| currency_code(x.as_str()));
        // A lone closing parenthesis ("(Net: 60,00)") is not part of the amount.
        if c.name("close").is_some() && !parens && within("close") {
            end = c.name("close").map(|x| x.start()).unwrap_or(end);
        }
        out.push((start, end, Amount { value: if negative { -value } else { value }, decimals, currency }));
    }
    out
}

/// Parse a whole string as one amount ("1 234,56 €", "(12.00)").
pub(crate) fn parse_amount(text: &str) -> Option<Amount> {
    let t = text.trim();
    let found = scan_amounts(t, &[]);
    match found.as_slice() {
        [(s, e, a)] if t[..*s].trim().is_empty() && t[*e..].trim().is_empty() => Some(a.clone()),
        _ => None,
    }
}

/// Digits with separators → value, and whether a decimal part was printed.
fn parse_number(s: &str) -> Option<(Decimal, bool)> {
    let seps: Vec<(usize, char)> = s.char_indices().filter(|(_, c)| !c.is_ascii_digit()).collect();
    let Some(&(last_i, last_c)) = seps.last() else {
        return (s.len() <= 13).then(|| Decimal::from_str(s).ok().map(|d| (d, false))).flatten();
    };
    let tail = s[last_i + last_c.len_utf8()..].len();
    let (int_part, frac) = if (1..=2).contains(&tail) && matches!(last_c, '.' | ',') { (&s[..last_i], Some(&s[last_i + 1..])) } else { (s, None) };
    // Thousands separators: all the same kind, never the decimal mark, groups of 3.
    let groups: Vec<(usize, char)> = int_part.char_indices().filter(|(_, c)| !c.is_ascii_digit()).collect();
    if let Some(&(_, g0)) = groups.first() {
        let kind = |c: char| if matches!(c, '.' | ',') { c } else { ' ' };
        if groups.iter().any(|&(_, g)| kind(g) != kind(g0)) {
            return None;
        }
        if frac.is_some() && kind(g0) == last_c {
            return None;
        }
        let parts: Vec<&str> = int_part.split(|c: char| !c.is_ascii_digit()).collect();
        if parts[0].is_empty() || parts[0].len() > 3 || parts[1..].iter().any(|p| p.len() != 3) {
            return None;
        }
        if parts[0] == "0" {
            return None;
        }
    }
    let digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    // No invoice amount has more than 13 integer digits; bounding them keeps
    // every sum and product far from Decimal's limits.
    if digits.len() > 13 {
        return None;
    }
    let text = match frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    Decimal::from_str(&text).ok().map(|d| (d, frac.is_some()))
}

/// Percentages ("20 %", "5,5%", "19.00%") with their spans.
pub(crate) fn scan_percents(text: &str, taken: &[(usize, usize)]) -> Vec<(usize, usize, Decimal)> {
    let mut out = Vec::new();
    for c in PERCENT.captures_iter(text) {
        let m = c.get(0).expect("match");
        if taken.iter().any(|&(s, e)| s < m.end() && m.start() < e) {
            continue;
        }
        // Glued to a word is still a rate (OCR's "VAT at5%"); glued to digits it is not.
        if text[..m.start()].chars().next_back().is_some_and(|b| b.is_ascii_digit() || b == '.' || b == ',') {
            continue;
        }
        let num = c.name("num").expect("num").as_str().replace(',', ".");
        if let Ok(v) = Decimal::from_str(&num) {
            if v <= Decimal::ONE_HUNDRED {
                out.push((m.start(), m.end(), v.normalize()));
            }
        }
    }
    out
}

/// ISO code of a currency symbol, code or word.
pub(crate) fn currency_code(s: &str) -> Option<&'static str> {
    let t = s.trim().trim_matches(|c: char| c == '(' || c == ')' || c == '.' || c == ':');
    Some(match t {
        "€" => "EUR",
        "$" | "US$" => "USD",
        "£" => "GBP",
        "¥" => "JPY",
        "₹" | "Rs" => "INR",
        _ => match t.to_ascii_uppercase().as_str() {
            "EUR" | "EURO" | "EUROS" => "EUR",
            "USD" => "USD",
            "GBP" => "GBP",
            "CHF" => "CHF",
            "CAD" => "CAD",
            "AUD" => "AUD",
            "JPY" => "JPY",
            "SEK" => "SEK",
            "NOK" => "NOK",
            "DKK" => "DKK",
            "PLN" => "PLN",
            "CZK" => "CZK",
            "HUF" => "HUF",
            "INR" => "INR",
            _ => return None,
        },
    })
}

/// An amount as `Field.value`: dot decimal, no thousands separator, at least
/// two decimals ("1234.50", "-12.00").
pub(crate) fn format_amount(d: Decimal) -> String {
    let mut v = d.normalize();
    if v.scale() < 2 {
        v.rescale(2);
    }
    v.to_string()
}

/// A rate as `VatLine.rate`: "20", "5.5".
pub(crate) fn normalize_rate(d: Decimal) -> Decimal {
    d.normalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn one(s: &str) -> (Decimal, bool, Option<&'static str>) {
        let a = parse_amount(s).unwrap_or_else(|| panic!("no amount in {s:?}"));
        (a.value, a.decimals, a.currency)
    }

    #[test]
    fn every_thousands_convention() {
        assert_eq!(one("1 234,56").0, dec!(1234.56));
        assert_eq!(one("1\u{a0}234,56").0, dec!(1234.56));
        assert_eq!(one("1\u{202f}234,56").0, dec!(1234.56));
        assert_eq!(one("1'234.56").0, dec!(1234.56));
        assert_eq!(one("1’234.56").0, dec!(1234.56));
        assert_eq!(one("1.234,56").0, dec!(1234.56));
        assert_eq!(one("1,234.56").0, dec!(1234.56));
        assert_eq!(one("12,345,678.90").0, dec!(12345678.90));
        assert_eq!(one("1234.56").0, dec!(1234.56));
        assert_eq!(one("1234,5").0, dec!(1234.5));
        assert_eq!(one("0,50").0, dec!(0.50));
    }

    #[test]
    fn last_separator_with_three_digits_groups_thousands() {
        assert_eq!(one("1.234"), (dec!(1234), false, None));
        assert_eq!(one("1,234"), (dec!(1234), false, None));
        assert_eq!(one("1.234.567").0, dec!(1234567));
    }

    #[test]
    fn inconsistent_separators_are_not_amounts() {
        assert!(parse_amount("1.234.56").is_none());
        assert!(parse_amount("1,234,56").is_none());
        assert!(parse_amount("12.3456").is_none());
    }

    #[test]
    fn currency_before_or_after() {
        assert_eq!(one("€1,234.56"), (dec!(1234.56), true, Some("EUR")));
        assert_eq!(one("1 234,56 €"), (dec!(1234.56), true, Some("EUR")));
        assert_eq!(one("EUR 99,90"), (dec!(99.90), true, Some("EUR")));
        assert_eq!(one("99.90 USD"), (dec!(99.90), true, Some("USD")));
        assert_eq!(one("$ 5.00"), (dec!(5.00), true, Some("USD")));
        assert_eq!(one("CHF 1'250.00"), (dec!(1250.00), true, Some("CHF")));
        assert_eq!(one("£12.50"), (dec!(12.50), true, Some("GBP")));
        assert_eq!(one("120,00 euros").2, Some("EUR"));
        assert_eq!(one("120,00EUR"), (dec!(120.00), true, Some("EUR")));
        assert_eq!(one("EUR120,00"), (dec!(120.00), true, Some("EUR")));
    }

    #[test]
    fn negative_forms() {
        assert_eq!(one("-12,00").0, dec!(-12.00));
        assert_eq!(one("12,00-").0, dec!(-12.00));
        assert_eq!(one("(12.00)").0, dec!(-12.00));
        assert_eq!(one("− 1 200,00 €").0, dec!(-1200.00));
        assert_eq!(one("-€45.00").0, dec!(-45.00));
        assert_eq!(one("€-45.00").0, dec!(-45.00));
    }

    #[test]
    fn not_amounts() {
        assert!(scan_amounts("F20260023", &[]).is_empty());
        assert!(scan_amounts("ART-2024", &[]).is_empty());
        assert!(scan_amounts("20%", &[]).is_empty());
        assert!(scan_amounts("12:30", &[]).is_empty());
    }

    #[test]
    fn several_in_a_line() {
        let v: Vec<Decimal> = scan_amounts("TVA 20 % sur 100,00 : 20,00", &[(4, 8)]).into_iter().map(|a| a.2.value).collect();
        assert_eq!(v, vec![dec!(100.00), dec!(20.00)]);
        // A closing parenthesis without an opening one stays outside.
        let a = scan_amounts("(Net): 60,00)", &[]);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].2.value, dec!(60.00));
    }

    #[test]
    fn percents() {
        // OCR glues a rate to the word before it ("VAT at5%"); a number glued to digits is no rate.
        let glued: Vec<Decimal> = scan_percents("VAT at5% on 1,378.74 / 1.5% / 12%", &[]).into_iter().map(|p| p.2).collect();
        assert_eq!(glued, [dec!(5), dec!(1.5), dec!(12)]);
        assert!(scan_percents("ref 2024.5%", &[]).is_empty());
        let p: Vec<Decimal> = scan_percents("TVA 20 % / 5,5% / 19.00%", &[]).into_iter().map(|p| p.2).collect();
        assert_eq!(p, vec![dec!(20), dec!(5.5), dec!(19)]);
        assert_eq!(normalize_rate(dec!(20.00)).to_string(), "20");
    }

    #[test]
    fn formats_for_fields() {
        assert_eq!(format_amount(dec!(1234.5)), "1234.50");
        assert_eq!(format_amount(dec!(-12)), "-12.00");
        assert_eq!(format_amount(dec!(0.125)), "0.125");
    }
}
