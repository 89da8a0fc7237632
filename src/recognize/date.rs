//! Dates as printed on invoices: numeric day-month-year (FR/DE order; the
//! US month-first order only when the day cannot be a month or the
//! document reads as US English), ISO, and month names in French, English
//! and German ("15 mars 2026", "15. März 2026", "March 15, 2026",
//! "15 Mar 2026", "1er janvier 2026", "15-Mar-26").

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex_lite::Regex;

use super::text::fold;

// A month is any short word here, checked by `month()` afterwards: a list
// of eighty names inside the patterns cost milliseconds to compile at every
// start. Word boundaries are ASCII ones, for the same reason.
static ISO: LazyLock<Regex> =
    LazyLock::new(|| super::text::lite(r"(?-u:\b)([0-9]{4})([-/.])([0-9]{1,2})([-/.])([0-9]{1,2})(?:T[0-9:.]+(?:Z|[+-][0-9][0-9]:?[0-9][0-9])?)?(?-u:\b)"));
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| super::text::lite(r"(?-u:\b)([0-9]{1,2})\s?([./-])\s?([0-9]{1,2})\s?([./-])\s?([0-9]{4}|[0-9]{2})(?-u:\b)"));
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    super::text::lite(r"(?-u:\b)([0-9]{1,2})(?i-u:er|st|nd|rd|th)?\.?[\s-]*(?:(?i-u:de|of)\s+)?([A-Za-zÀ-ÿ]{3,10})\.?[\s,-]*([0-9]{4}|[0-9]{2}(?-u:\b))")
});
static MONTH_DAY: LazyLock<Regex> =
    LazyLock::new(|| super::text::lite(r"(?-u:\b)([A-Za-zÀ-ÿ]{3,10})\.?\s+([0-9]{1,2})(?i-u:st|nd|rd|th)?(?:\s*,\s*|\s+)([0-9]{4})(?-u:\b)"));

/// How to read an ambiguous numeric date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum DateOrder {
    /// 03/04/2026 is 3 April (FR, DE, UK).
    #[default]
    DayFirst,
    /// 03/04/2026 is March 4 (US English documents).
    MonthFirst,
}

/// Every date in `text` with its byte span, earliest first.
pub(crate) fn scan_dates(text: &str, order: DateOrder) -> Vec<(usize, usize, NaiveDate)> {
    let mended = mend_ocr_months(text);
    let text = mended.as_deref().unwrap_or(text);
    let mut out: Vec<(usize, usize, NaiveDate)> = Vec::new();
    let free = |out: &Vec<(usize, usize, NaiveDate)>, s: usize, e: usize| out.iter().all(|&(a, b, _)| e <= a || b <= s);
    for c in ISO.captures_iter(text) {
        let m = c.get(0).expect("m");
        if c[2] != c[4] || !isolated(text, m.start(), m.end()) {
            continue;
        }
        if let Some(d) = ymd(num(&c[1]), num(&c[3]), num(&c[5])) {
            out.push((m.start(), m.end(), d));
        }
    }
    for (c, mo) in month_matches(&DAY_MONTH, text, 2) {
        let m = c.get(0).expect("m");
        if let (Some(d), true) = (ymd(year(&c[3]), mo, num(&c[1])), free(&out, m.start(), m.end())) {
            out.push((m.start(), m.end(), d));
        }
    }
    for (c, mo) in month_matches(&MONTH_DAY, text, 1) {
        let m = c.get(0).expect("m");
        if let (Some(d), true) = (ymd(year(&c[3]), mo, num(&c[2])), free(&out, m.start(), m.end())) {
            out.push((m.start(), m.end(), d));
        }
    }
    for c in NUMERIC.captures_iter(text) {
        let m = c.get(0).expect("m");
        if c[2] != c[4] || !isolated(text, m.start(), m.end()) || !free(&out, m.start(), m.end()) {
            continue;
        }
        let (a, b, y) = (num(&c[1]), num(&c[3]), year(&c[5]));
        let sep = &c[2];
        let month_first = match order {
            // Dots are the German/French day-first convention, whatever the language.
            _ if sep == "." => false,
            _ if a > 12 => false,
            _ if b > 12 => true,
            DateOrder::MonthFirst => true,
            DateOrder::DayFirst => false,
        };
        let d = if month_first { ymd(y, a, b) } else { ymd(y, b, a) };
        if let Some(d) = d {
            out.push((m.start(), m.end(), d));
        }
    }
    out.sort_by_key(|d| d.0);
    out
}

/// Matches whose word is a month name. A match on another word ("12
/// Stück 2026") is tried again one character later, so that it hides no
/// date that overlaps it.
fn month_matches<'t>(re: &Regex, text: &'t str, group: usize) -> Vec<(regex_lite::Captures<'t>, u32)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = re.captures_at(text, at) {
        let m = c.get(0).expect("m");
        match month(&c[group]) {
            Some(mo) => {
                at = m.end();
                out.push((c, mo));
            }
            None => at = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8),
        }
        if at >= text.len() {
            break;
        }
    }
    out
}

/// Parse a whole string as one date.
pub(crate) fn parse_date(text: &str, order: DateOrder) -> Option<NaiveDate> {
    let t = text.trim();
    match scan_dates(t, order).as_slice() {
        [(s, e, d)] if t[..*s].trim().is_empty() && t[*e..].trim_matches(|c: char| c.is_whitespace() || c == '.' || c == ',').is_empty() => Some(*d),
        _ => None,
    }
}

/// Not glued to more digits or separators (phone numbers, versions).
fn isolated(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let mut after = text[e..].chars();
    let (a1, a2) = (after.next(), after.next());
    if before.is_some_and(|b| b.is_ascii_digit() || b == '.' || b == '/' || b == '-') {
        return false;
    }
    !matches!((a1, a2), (Some('.' | '/' | '-'), Some(d)) if d.is_ascii_digit())
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

fn year(s: &str) -> u32 {
    let y = num(s);
    match s.len() {
        2 if y < 80 => 2000 + y,
        2 => 1900 + y,
        _ => y,
    }
}

/// OCR's way with a month's J: cut off ("25 J une 2026") or read as a
/// bracket ("11-] an-2026", "11-)an-2026"). Rewritten in place, with the
/// same byte length so spans still point into the original text
/// ("J une" → "June "), when the mended word is a month name.
fn mend_ocr_months(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    for i in 0..b.len() {
        if !matches!(b[i], b'J' | b']' | b')' | b'|') || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            continue;
        }
        // The rest of the word, after at most one space.
        let gap = usize::from(b.get(i + 1) == Some(&b' '));
        let start = i + 1 + gap;
        let len = b[start.min(b.len())..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
        if gap + usize::from(b[i] != b'J') == 0 || !(2..=7).contains(&len) {
            continue;
        }
        let word = format!("j{}", &text[start..start + len]);
        if month(&word).is_none() {
            continue;
        }
        let o = out.get_or_insert_with(|| b.to_vec());
        o[i] = b'J';
        o.copy_within(start..start + len, i + 1);
        if gap == 1 {
            o[i + 1 + len] = b' ';
        }
    }
    out.and_then(|o| String::from_utf8(o).ok())
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1990..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// Month number of a French, English or German month name or abbreviation.
pub(crate) fn month(name: &str) -> Option<u32> {
    let f = fold(name.trim_end_matches('.'));
    Some(match f.as_str() {
        "janvier" | "janv" | "january" | "januar" | "jaenner" | "janner" | "jan" => 1,
        "fevrier" | "fevr" | "february" | "februar" | "fev" | "feb" => 2,
        "mars" | "march" | "marz" | "maerz" | "mar" => 3,
        "avril" | "avr" | "april" | "apr" => 4,
        "mai" | "may" => 5,
        "juin" | "june" | "juni" | "jun" => 6,
        "juillet" | "juil" | "july" | "juli" | "jul" => 7,
        "aout" | "august" | "aug" => 8,
        "septembre" | "september" | "sept" | "sep" => 9,
        "octobre" | "october" | "oktober" | "oct" | "okt" => 10,
        "novembre" | "november" | "nov" => 11,
        "decembre" | "december" | "dezember" | "dec" | "dez" => 12,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn p(s: &str) -> Option<NaiveDate> {
        parse_date(s, DateOrder::DayFirst)
    }

    #[test]
    fn numeric_day_first() {
        assert_eq!(p("31/01/2026"), Some(d(2026, 1, 31)));
        assert_eq!(p("03/04/2026"), Some(d(2026, 4, 3)));
        assert_eq!(p("15.03.2026"), Some(d(2026, 3, 15)));
        assert_eq!(p("5.3.26"), Some(d(2026, 3, 5)));
        assert_eq!(p("15-03-2026"), Some(d(2026, 3, 15)));
        assert_eq!(p("31/02/2026"), None);
    }

    #[test]
    fn us_order_only_when_unambiguous_or_us_document() {
        assert_eq!(p("03/15/2026"), Some(d(2026, 3, 15)), "15 cannot be a month");
        assert_eq!(parse_date("03/04/2026", DateOrder::MonthFirst), Some(d(2026, 3, 4)));
        assert_eq!(parse_date("15/04/2026", DateOrder::MonthFirst), Some(d(2026, 4, 15)));
        assert_eq!(parse_date("03.04.2026", DateOrder::MonthFirst), Some(d(2026, 4, 3)), "dots are day-first");
    }

    #[test]
    fn iso() {
        assert_eq!(p("2026-03-15"), Some(d(2026, 3, 15)));
        assert_eq!(p("2026/03/15"), Some(d(2026, 3, 15)));
        assert_eq!(p("2026-03-15T10:30:00Z"), Some(d(2026, 3, 15)));
    }

    #[test]
    fn month_names_in_three_languages() {
        assert_eq!(p("15 mars 2026"), Some(d(2026, 3, 15)));
        assert_eq!(p("1er janvier 2026"), Some(d(2026, 1, 1)));
        assert_eq!(p("12 février 2026"), Some(d(2026, 2, 12)));
        assert_eq!(p("12 fevrier 2026"), Some(d(2026, 2, 12)));
        assert_eq!(p("3 AOÛT 2026"), Some(d(2026, 8, 3)));
        assert_eq!(p("24 déc. 2026"), Some(d(2026, 12, 24)));
        assert_eq!(p("15. März 2026"), Some(d(2026, 3, 15)));
        assert_eq!(p("15. Maerz 2026"), Some(d(2026, 3, 15)));
        assert_eq!(p("2. Jän. 2026"), Some(d(2026, 1, 2)));
        assert_eq!(p("1. Dezember 2026"), Some(d(2026, 12, 1)));
        assert_eq!(p("March 15, 2026"), Some(d(2026, 3, 15)));
        assert_eq!(p("Sept. 3rd, 2026"), Some(d(2026, 9, 3)));
        assert_eq!(p("15 Mar 2026"), Some(d(2026, 3, 15)));
        assert_eq!(p("15-Mar-26"), Some(d(2026, 3, 15)));
        assert_eq!(p("6th June 2026"), Some(d(2026, 6, 6)));
        assert_eq!(p("15th of March 2026"), Some(d(2026, 3, 15)));
        assert_eq!(p("15 de marzo de 2026"), None);
    }

    #[test]
    fn months_ocr_cut_or_bracketed() {
        assert_eq!(p("25 J une 2026"), Some(d(2026, 6, 25)));
        assert_eq!(p("23 J uly 2026"), Some(d(2026, 7, 23)));
        assert_eq!(p("11-] an-2026"), Some(d(2026, 1, 11)));
        assert_eq!(p("09-)an-2026"), Some(d(2026, 1, 9)));
        assert_eq!(p("1er J uillet 2026"), Some(d(2026, 7, 1)));
        // Other words are left alone.
        assert_eq!(scan_dates("Ticket J ab 2026", DateOrder::DayFirst), []);
        assert_eq!(mend_ocr_months("(see) an 12"), None);
    }

    #[test]
    fn not_dates() {
        assert!(scan_dates("01.02.03.54.87", DateOrder::DayFirst).is_empty());
        assert!(scan_dates("v1.2.3", DateOrder::DayFirst).is_empty());
        assert!(scan_dates("Période de 01/01/2026 au 31/01/2026", DateOrder::DayFirst).len() == 2);
    }
}
