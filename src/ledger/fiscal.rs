//! Fiscal years. A year starts on a fixed month and day; it is labelled by
//! the calendar year in which it ends (the year of the FEC's closing date).
//! Years longer or shorter than 12 months (first or changed years) come with
//! issue 5's explicit fiscal-year list.

use chrono::{Datelike, NaiveDate};

/// The calendar year: January 1st.
pub const CALENDAR_YEAR: (u32, u32) = (1, 1);

/// The fiscal year holding `date`, for years starting each year on
/// `first_month_day` = (month, day): `(label, start, end)`, end inclusive.
/// A start on February 29 falls on February 28 in common years; an invalid
/// month/day falls back to the calendar year.
pub fn fiscal_year(date: NaiveDate, first_month_day: (u32, u32)) -> (i32, NaiveDate, NaiveDate) {
    let start_in = |year: i32| -> NaiveDate {
        let (m, d) = first_month_day;
        (0..4)
            .find_map(|back| NaiveDate::from_ymd_opt(year, m, d.saturating_sub(back).max(1)))
            .or_else(|| NaiveDate::from_ymd_opt(year, 1, 1))
            .expect("January 1st exists")
    };
    let this = start_in(date.year());
    let start = if date >= this { this } else { start_in(date.year() - 1) };
    let end = start_in(start.year() + 1).pred_opt().expect("a day before a valid date");
    (end.year(), start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn calendar_and_shifted_years() {
        assert_eq!(fiscal_year(d(2025, 3, 14), CALENDAR_YEAR), (2025, d(2025, 1, 1), d(2025, 12, 31)));
        assert_eq!(fiscal_year(d(2025, 1, 1), CALENDAR_YEAR), (2025, d(2025, 1, 1), d(2025, 12, 31)));
        assert_eq!(fiscal_year(d(2025, 12, 31), CALENDAR_YEAR), (2025, d(2025, 1, 1), d(2025, 12, 31)));
        // July-June years are labelled by their closing year.
        assert_eq!(fiscal_year(d(2025, 3, 14), (7, 1)), (2025, d(2024, 7, 1), d(2025, 6, 30)));
        assert_eq!(fiscal_year(d(2025, 7, 1), (7, 1)), (2026, d(2025, 7, 1), d(2026, 6, 30)));
        assert_eq!(fiscal_year(d(2025, 6, 30), (7, 1)), (2025, d(2024, 7, 1), d(2025, 6, 30)));
        // Leap-day starts.
        assert_eq!(fiscal_year(d(2025, 3, 1), (2, 29)), (2026, d(2025, 2, 28), d(2026, 2, 27)));
        assert_eq!(fiscal_year(d(2024, 3, 1), (2, 29)), (2025, d(2024, 2, 29), d(2025, 2, 27)));
        assert_eq!(fiscal_year(d(2025, 3, 1), (13, 40)), (2025, d(2025, 1, 1), d(2025, 12, 31)));
    }
}
