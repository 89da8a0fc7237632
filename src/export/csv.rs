//! The CSV export: columns, separator, decimal mark and date format from
//! `exports.csv` in paperledger.yaml. Text cells a spreadsheet would run as
//! a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) are
//! neutralized with a leading apostrophe; amounts are numbers we format
//! ourselves and keep their sign.

use rust_decimal::Decimal;

use crate::config::overnight::{CsvColumn, CsvSettings};
use crate::export::fec::NumberedEntry;
use crate::ledger::money::round2;

/// An entry as exported, with the number of its batch.
pub struct CsvEntry<'a> {
    pub numbered: &'a NumberedEntry,
    pub batch: &'a str,
}

pub fn write_csv(entries: &[CsvEntry<'_>], s: &CsvSettings) -> String {
    let sep = s.separator_char();
    let mut out = String::new();
    let mut row = |cells: Vec<Cell>| {
        let texts: Vec<String> = cells.into_iter().map(|c| c.render(sep)).collect();
        out.push_str(&texts.join(&sep.to_string()));
        out.push_str("\r\n");
    };
    if s.header {
        row(s.columns.iter().map(|c| Cell::Text(c.title().to_string())).collect());
    }
    let amount = |d: Decimal| Cell::Number(round2(d).to_string().replace('.', &s.decimal_mark));
    let date = |d: chrono::NaiveDate| Cell::Number(d.format(&s.date_format).to_string());
    for ce in entries {
        let n = ce.numbered;
        let e = &n.entry;
        for l in &e.lines {
            row(s
                .columns
                .iter()
                .map(|c| match c {
                    CsvColumn::Journal => Cell::Text(e.journal.clone()),
                    CsvColumn::JournalLabel => Cell::Text(e.journal_label.clone()),
                    CsvColumn::Number => Cell::Number(n.number.to_string()),
                    CsvColumn::Date => date(e.date),
                    CsvColumn::Account => Cell::Text(l.account.clone()),
                    CsvColumn::AccountLabel => Cell::Text(l.account_label.clone()),
                    CsvColumn::AuxAccount => Cell::Text(l.aux_account.clone().unwrap_or_default()),
                    CsvColumn::AuxLabel => Cell::Text(l.aux_label.clone().unwrap_or_default()),
                    CsvColumn::PieceRef => Cell::Text(e.piece_ref.clone()),
                    CsvColumn::PieceDate => date(e.piece_date),
                    CsvColumn::Label => Cell::Text(l.label.clone()),
                    CsvColumn::Debit => amount(l.debit),
                    CsvColumn::Credit => amount(l.credit),
                    CsvColumn::Amount => amount(l.debit - l.credit),
                    CsvColumn::DueDate => l.due_date.map(date).unwrap_or(Cell::Number(String::new())),
                    CsvColumn::Currency => Cell::Text(e.currency.clone()),
                    CsvColumn::Batch => Cell::Text(ce.batch.to_string()),
                    CsvColumn::ValidatedOn => date(n.validated_on),
                })
                .collect());
        }
    }
    out
}

enum Cell {
    /// Anything that came from a document or a person: may hold a formula.
    Text(String),
    /// Numbers and dates formatted here.
    Number(String),
}

impl Cell {
    fn render(self, sep: char) -> String {
        let text = match self {
            Cell::Number(n) => n,
            Cell::Text(t) => {
                if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{t}")
                } else {
                    t
                }
            }
        };
        if text.contains([sep, '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Entry, Line};
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    fn numbered(label: &str) -> NumberedEntry {
        let d = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        let lines = vec![Line::debit("606000", "Achats", label, dec!(1234.5)), Line::credit("401000", "Fournisseurs", label, dec!(1234.5)).with_aux("FACME", "ACME; \"Paris\"")];
        NumberedEntry { entry: Entry::new("HA", "Achats", d, "=HYPERLINK(\"x\")", d, label, "EUR", lines).unwrap(), number: 7, validated_on: d, lettrage: vec![] }
    }

    #[test]
    fn formulas_are_neutralized_amounts_keep_their_sign_and_separators_are_quoted() {
        let n = numbered("+33 1 23 45");
        let s = CsvSettings {
            columns: vec![CsvColumn::Number, CsvColumn::Date, CsvColumn::PieceRef, CsvColumn::Label, CsvColumn::AuxLabel, CsvColumn::Amount],
            ..Default::default()
        };
        let text = write_csv(&[CsvEntry { numbered: &n, batch: "B000001" }], &s);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "number;date;piece_ref;label;aux_label;amount");
        assert_eq!(lines[1], r#"7;09/03/2026;"'=HYPERLINK(""x"")";'+33 1 23 45;;1234,50"#);
        assert_eq!(lines[2], r#"7;09/03/2026;"'=HYPERLINK(""x"")";'+33 1 23 45;"ACME; ""Paris""";-1234,50"#);
        let dot = CsvSettings { separator: ",".into(), decimal_mark: ".".into(), date_format: "%Y-%m-%d".into(), header: false, columns: vec![CsvColumn::Date, CsvColumn::Debit, CsvColumn::Credit], ..Default::default() };
        assert_eq!(write_csv(&[CsvEntry { numbered: &n, batch: "B1" }], &dot).lines().next(), Some("2026-03-09,1234.50,0.00"));
    }
}
