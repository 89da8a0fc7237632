//! The FEC (fichier des écritures comptables) of LPF art. A47 A-1: one
//! line per entry line, 18 columns, a header naming them.
//!
//! Format choices (all allowed by the text): UTF-8 without BOM (or ISO-8859-15), `\n` line
//! ends, tab or `|` separator, dates `AAAAMMJJ`, amounts in separate Debit
//! and Credit columns with a comma decimal and no thousands separator.
//! `export --encoding iso-8859-15` re-encodes the file for readers that require it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ledger::money::round2;
use crate::ledger::Entry;

/// The 18 columns, in their required order and spelling.
pub const FEC_COLUMNS: [&str; 18] = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
];

/// Currency of the books: no Montantdevise / Idevise for it.
pub const BOOK_CURRENCY: &str = "EUR";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FecSeparator {
    #[default]
    Tab,
    Pipe,
}

impl FecSeparator {
    pub fn as_char(self) -> char {
        match self {
            FecSeparator::Tab => '\t',
            FecSeparator::Pipe => '|',
        }
    }
}

/// A posted entry with its number in its journal (gap-free, assigned by the
/// store) and its validation date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedEntry {
    pub entry: Entry,
    pub number: u32,
    pub validated_on: NaiveDate,
    /// Matching (lettrage) of its lines: `(line index, code, date)`.
    pub lettrage: Vec<(usize, String, NaiveDate)>,
}

/// `<SIREN>FEC<AAAAMMJJ>.txt`, the closing date of the fiscal year.
pub fn fec_file_name(siren: &str, closing_date: NaiveDate) -> String {
    format!("{}FEC{}.txt", siren.trim(), closing_date.format("%Y%m%d"))
}

/// `1234,56`: comma decimal, no thousands separator, always 2 decimals.
pub fn fec_amount(d: Decimal) -> String {
    round2(d).to_string().replace('.', ",")
}

fn fec_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A field may not hold the separator or a line break: they become spaces.
fn clean(s: &str, sep: char) -> String {
    s.chars().map(|c| if c == sep || c == '\t' || c == '\n' || c == '\r' { ' ' } else { c }).collect::<String>().trim().to_string()
}

/// Write the FEC: the header then every line, entries ordered by journal
/// and number (a stable sort; the caller passes one fiscal year).
pub fn write_fec<W: Write>(mut out: W, entries: &[NumberedEntry], sep: FecSeparator) -> io::Result<()> {
    let s = sep.as_char();
    let mut row = String::with_capacity(256);
    push_row(&mut row, FEC_COLUMNS.iter().map(|c| c.to_string()), s);
    out.write_all(row.as_bytes())?;

    let mut order: Vec<&NumberedEntry> = entries.iter().collect();
    order.sort_by(|a, b| a.entry.journal.cmp(&b.entry.journal).then(a.number.cmp(&b.number)));
    for ne in order {
        let e = &ne.entry;
        let foreign = !e.currency.is_empty() && e.currency != BOOK_CURRENCY;
        for (i, l) in e.lines.iter().enumerate() {
            row.clear();
            let lettrage = ne.lettrage.iter().find(|m| m.0 == i);
            let fields = [
                clean(&e.journal, s),
                clean(&e.journal_label, s),
                ne.number.to_string(),
                fec_date(e.date),
                clean(&l.account, s),
                clean(&l.account_label, s),
                l.aux_account.as_deref().map(|a| clean(a, s)).unwrap_or_default(),
                l.aux_label.as_deref().map(|a| clean(a, s)).unwrap_or_default(),
                clean(&e.piece_ref, s),
                fec_date(e.piece_date),
                clean(if l.label.trim().is_empty() { &e.label } else { &l.label }, s),
                fec_amount(l.debit),
                fec_amount(l.credit),
                lettrage.map(|m| clean(&m.1, s)).unwrap_or_default(),
                lettrage.map(|m| fec_date(m.2)).unwrap_or_default(),
                fec_date(ne.validated_on),
                if foreign { fec_amount(l.debit + l.credit) } else { String::new() },
                if foreign { clean(&e.currency, s) } else { String::new() },
            ];
            push_row(&mut row, fields.into_iter(), s);
            out.write_all(row.as_bytes())?;
        }
    }
    out.flush()
}

fn push_row(row: &mut String, fields: impl Iterator<Item = String>, sep: char) {
    row.clear();
    for (i, f) in fields.enumerate() {
        if i > 0 {
            row.push(sep);
        }
        row.push_str(&f);
    }
    row.push('\n');
}

/// An auditor's format check of a FEC text: header, 18 columns, dates,
/// amounts, each entry balanced with one date, numbering without gaps per
/// journal, an entry's lines together. Returns the problems, each with its
/// line number; empty when the file passes.
pub fn check_fec(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let Some((_, header)) = lines.next() else {
        return vec!["the file is empty: expected the header line".to_string()];
    };
    let sep = if header.contains('\t') { '\t' } else if header.contains('|') { '|' } else {
        return vec![format!("line 1: no tab or | separator in the header `{header}`")];
    };
    let names: Vec<&str> = header.split(sep).collect();
    if names != FEC_COLUMNS {
        problems.push(format!("line 1: header is `{}`, expected `{}`", names.join(&sep.to_string()), FEC_COLUMNS.join(&sep.to_string())));
    }

    struct EntryAcc {
        first_line: usize,
        date: String,
        debit: Decimal,
        credit: Decimal,
    }
    let mut entries: HashMap<(String, String), EntryAcc> = HashMap::new();
    let mut numbers: BTreeMap<String, Vec<(u64, usize)>> = BTreeMap::new();
    let mut closed: HashSet<(String, String)> = HashSet::new();
    let mut current: Option<(String, String)> = None;
    let mut rows = 0usize;

    for (n, line) in lines {
        if line.is_empty() {
            continue;
        }
        rows += 1;
        let f: Vec<&str> = line.split(sep).collect();
        if f.len() != 18 {
            problems.push(format!("line {n}: {} columns, expected 18", f.len()));
            continue;
        }
        for (i, name) in [(0, "JournalCode"), (1, "JournalLib"), (2, "EcritureNum"), (4, "CompteNum"), (5, "CompteLib"), (8, "PieceRef"), (10, "EcritureLib")] {
            if f[i].trim().is_empty() {
                problems.push(format!("line {n}: {name} is empty"));
            }
        }
        for (i, name, required) in [(3, "EcritureDate", true), (9, "PieceDate", true), (14, "DateLet", false), (15, "ValidDate", true)] {
            if (required || !f[i].is_empty()) && parse_date(f[i]).is_none() {
                problems.push(format!("line {n}: {name} `{}` is not a date AAAAMMJJ", f[i]));
            }
        }
        if f[6].is_empty() != f[7].is_empty() {
            problems.push(format!("line {n}: CompAuxNum and CompAuxLib go together"));
        }
        if f[16].is_empty() != f[17].is_empty() {
            problems.push(format!("line {n}: Montantdevise and Idevise go together"));
        }
        if !f[16].is_empty() && parse_amount(f[16]).is_none() {
            problems.push(format!("line {n}: Montantdevise `{}` is not an amount like 1234,56", f[16]));
        }
        let debit = parse_amount(f[11]);
        let credit = parse_amount(f[12]);
        for (v, name, raw) in [(debit, "Debit", f[11]), (credit, "Credit", f[12])] {
            if v.is_none() {
                problems.push(format!("line {n}: {name} `{raw}` is not an amount like 1234,56 (comma decimal, no thousands separator)"));
            }
        }
        let (debit, credit) = (debit.unwrap_or_default(), credit.unwrap_or_default());
        if !debit.is_zero() && !credit.is_zero() {
            problems.push(format!("line {n}: both Debit and Credit are filled"));
        }

        let key = (f[0].to_string(), f[2].to_string());
        if current.as_ref() != Some(&key) {
            if let Some(prev) = current.take() {
                closed.insert(prev);
            }
            if closed.contains(&key) {
                problems.push(format!("line {n}: entry {} {} continues after other entries: its lines must be together", key.0, key.1));
            }
            current = Some(key.clone());
        }
        let acc = entries.entry(key.clone()).or_insert_with(|| {
            match f[2].parse::<u64>() {
                Ok(num) => numbers.entry(key.0.clone()).or_default().push((num, n)),
                Err(_) => problems.push(format!("line {n}: EcritureNum `{}` is not a number", f[2])),
            }
            EntryAcc { first_line: n, date: f[3].to_string(), debit: Decimal::ZERO, credit: Decimal::ZERO }
        });
        if acc.date != f[3] {
            problems.push(format!("line {n}: entry {} {} has two dates, {} (line {}) and {}", key.0, key.1, acc.date, acc.first_line, f[3]));
        }
        acc.debit += debit;
        acc.credit += credit;
    }
    if rows == 0 {
        problems.push("the file has a header but no entry lines".to_string());
    }

    let mut unbalanced: Vec<_> = entries.iter().filter(|(_, a)| a.debit != a.credit).collect();
    unbalanced.sort_by_key(|(_, a)| a.first_line);
    for ((j, num), a) in unbalanced {
        problems.push(format!(
            "line {}: entry {j} {num} is not balanced: debit {}, credit {}",
            a.first_line,
            fec_amount(a.debit),
            fec_amount(a.credit)
        ));
    }
    for (journal, nums) in &numbers {
        for w in nums.windows(2) {
            let ((a, _), (b, line)) = (w[0], w[1]);
            if b != a + 1 {
                let what = if b <= a { "out of order or repeated" } else { "a gap" };
                problems.push(format!("line {line}: journal {journal}: EcritureNum {b} follows {a} ({what}; numbering must be continuous)"));
            }
        }
    }
    problems
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    (s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit())).then(|| NaiveDate::parse_from_str(s, "%Y%m%d").ok()).flatten()
}

/// `1234,56`, `0,00`, `-12,5`: comma decimal, no thousands separator.
fn parse_amount(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once(',').unwrap_or((body, ""));
    let ok = !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.len() <= 2 && frac.bytes().all(|b| b.is_ascii_digit()) && !(body.contains(',') && frac.is_empty());
    if !ok {
        return None;
    }
    s.replace(',', ".").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::posting::tests::{facts, Rng};
    use crate::ledger::{post_invoice, AccountsRules, InvoiceKind, Line, SupplierDirectory, UnknownSupplierPolicy};
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn sample() -> Vec<NumberedEntry> {
        let e = Entry::new(
            "HA",
            "Achats",
            d(2025, 3, 14),
            "F-2025-001",
            d(2025, 3, 14),
            "Papeterie Durand SARL F-2025-001",
            "EUR",
            vec![
                Line::credit("401000", "Fournisseurs", "Papeterie Durand SARL F-2025-001", dec!(1234.56))
                    .with_aux("FDURAND", "Papeterie Durand SARL")
                    .with_due_date(Some(d(2025, 4, 13))),
                Line::debit("606400", "Fournitures administratives", "Papeterie Durand SARL F-2025-001", dec!(1028.80)),
                Line::debit("445660", "TVA déductible sur autres biens et services", "Papeterie Durand SARL F-2025-001", dec!(205.76)),
            ],
        )
        .unwrap();
        vec![NumberedEntry { entry: e, number: 1, validated_on: d(2025, 3, 20), lettrage: vec![] }]
    }

    fn write(entries: &[NumberedEntry], sep: FecSeparator) -> String {
        let mut out = Vec::new();
        write_fec(&mut out, entries, sep).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_and_known_entry_byte_for_byte() {
        let text = write(&sample(), FecSeparator::Tab);
        let expected = "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\n\
HA\tAchats\t1\t20250314\t401000\tFournisseurs\tFDURAND\tPapeterie Durand SARL\tF-2025-001\t20250314\tPapeterie Durand SARL F-2025-001\t0,00\t1234,56\t\t\t20250320\t\t\n\
HA\tAchats\t1\t20250314\t606400\tFournitures administratives\t\t\tF-2025-001\t20250314\tPapeterie Durand SARL F-2025-001\t1028,80\t0,00\t\t\t20250320\t\t\n\
HA\tAchats\t1\t20250314\t445660\tTVA déductible sur autres biens et services\t\t\tF-2025-001\t20250314\tPapeterie Durand SARL F-2025-001\t205,76\t0,00\t\t\t20250320\t\t\n";
        assert_eq!(text, expected);
        assert_eq!(check_fec(&text), Vec::<String>::new());
        let pipe = write(&sample(), FecSeparator::Pipe);
        assert_eq!(pipe.lines().next().unwrap(), FEC_COLUMNS.join("|"));
        assert_eq!(pipe, expected.replace('\t', "|"));
        assert!(check_fec(&pipe).is_empty());
    }

    #[test]
    fn file_name_and_amounts() {
        assert_eq!(fec_file_name("123456782", d(2025, 12, 31)), "123456782FEC20251231.txt");
        assert_eq!(fec_amount(dec!(1234.5)), "1234,50");
        assert_eq!(fec_amount(dec!(0)), "0,00");
        assert_eq!(fec_amount(dec!(1000000)), "1000000,00");
        assert_eq!(parse_amount("1234,56"), Some(dec!(1234.56)));
        for bad in ["1 234,56", "1.234,56", "1234.56", "12,345", "", ",5", "12,"] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn separators_and_newlines_in_fields_are_replaced() {
        let mut v = sample();
        v[0].entry.label = "A|B\tC\nD".into();
        for l in &mut v[0].entry.lines {
            l.label = "x|y\r\nz".into();
        }
        v[0].entry.lines[0].aux_label = Some("Durand | Fils".into());
        for sep in [FecSeparator::Tab, FecSeparator::Pipe] {
            let text = write(&v, sep);
            assert_eq!(text.lines().count(), 4, "{text}");
            assert!(check_fec(&text).is_empty(), "{:?}", check_fec(&text));
            assert!(text.lines().all(|l| l.split(sep.as_char()).count() == 18));
        }
        assert!(write(&v, FecSeparator::Pipe).contains("|x y  z|"));
    }

    #[test]
    fn foreign_currency_fills_montantdevise() {
        let mut v = sample();
        v[0].entry.currency = "USD".into();
        let text = write(&v, FecSeparator::Pipe);
        assert!(text.lines().nth(1).unwrap().ends_with("|20250320|1234,56|USD"), "{text}");
        assert!(check_fec(&text).is_empty());
    }

    #[test]
    fn entries_are_ordered_by_journal_then_number() {
        let base = sample().remove(0);
        let mk = |journal: &str, number| {
            let mut e = base.clone();
            e.entry.journal = journal.into();
            e.number = number;
            e
        };
        let text = write(&[mk("VT", 1), mk("HA", 2), mk("HA", 1)], FecSeparator::Pipe);
        let keys: Vec<String> = text.lines().skip(1).map(|l| l.split('|').take(3).collect::<Vec<_>>().join(" ")).collect();
        assert_eq!(keys.iter().step_by(3).cloned().collect::<Vec<_>>(), ["HA Achats 1", "HA Achats 2", "VT Achats 1"]);
        assert!(check_fec(&text).is_empty());
    }

    #[test]
    fn check_catches_unbalanced_gap_bad_date_and_more() {
        let base = sample().remove(0);
        let good = write(&[base.clone(), NumberedEntry { number: 2, ..base.clone() }], FecSeparator::Tab);
        assert!(check_fec(&good).is_empty());

        let unbalanced = good.replacen("1028,80", "1028,81", 1);
        let p = check_fec(&unbalanced);
        assert_eq!(p, vec!["line 2: entry HA 1 is not balanced: debit 1234,57, credit 1234,56"]);

        let gap = write(&[base.clone(), NumberedEntry { number: 3, ..base.clone() }], FecSeparator::Tab);
        let p = check_fec(&gap);
        assert_eq!(p, vec!["line 5: journal HA: EcritureNum 3 follows 1 (a gap; numbering must be continuous)"]);

        let bad_date = good.replacen("\t20250314\t401000", "\t20251314\t401000", 1);
        let p = check_fec(&bad_date);
        assert!(p.iter().any(|m| m == "line 2: EcritureDate `20251314` is not a date AAAAMMJJ"), "{p:?}");

        let two_dates = good.replacen("\t20250314\t606400", "\t20250315\t606400", 1);
        let p = check_fec(&two_dates);
        assert_eq!(p, vec!["line 3: entry HA 1 has two dates, 20250314 (line 2) and 20250315"]);

        let bad_amount = good.replacen("1028,80", "1 028,80", 1);
        assert!(check_fec(&bad_amount).iter().any(|m| m.contains("Debit `1 028,80` is not an amount")));

        let short = good.replacen("\tFDURAND", "", 1);
        assert!(check_fec(&short).iter().any(|m| m == "line 2: 17 columns, expected 18"));

        let bad_header = good.replacen("Montantdevise", "MontantDevise", 1);
        assert!(check_fec(&bad_header)[0].starts_with("line 1: header is"));

        // Lines of one entry split by another entry's line.
        let mut rows: Vec<&str> = good.lines().collect();
        rows.swap(3, 4);
        let p = check_fec(&rows.join("\n"));
        assert!(p.iter().any(|m| m.contains("entry HA 1 continues after other entries")), "{p:?}");

        assert!(!check_fec("").is_empty());
    }

    #[test]
    fn property_posted_invoices_make_a_valid_fec() {
        let accounts = AccountsRules::builtin();
        let dir = SupplierDirectory::builtin();
        let mut rng = Rng::new(42);
        let mut numbers: HashMap<String, u32> = HashMap::new();
        let mut entries = Vec::new();
        for i in 0..500u64 {
            let mut f = facts();
            f.invoice_number = format!("N{i}");
            f.kind = if rng.below(3) == 0 { InvoiceKind::Sales } else { InvoiceKind::Purchase };
            f.credit_note = rng.below(5) == 0;
            let base = rng.cents(10_000_000) + dec!(0.01);
            let rate = [dec!(20), dec!(5.5), dec!(10)][rng.below(3) as usize];
            let vat = round2(base * rate / dec!(100));
            f.vat_breakdown = vec![(rate, base, vat)];
            f.net_total = base;
            f.vat_total = vat;
            f.gross_total = base + vat + Decimal::new(rng.below(3) as i64 - 1, 2);
            f.invoice_date = d(2025, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
            let p = post_invoice(&f, &accounts, &dir, UnknownSupplierPolicy::Create).unwrap();
            let n = numbers.entry(p.entry.journal.clone()).or_default();
            *n += 1;
            entries.push(NumberedEntry { entry: p.entry, number: *n, validated_on: d(2026, 1, 5), lettrage: vec![] });
        }
        let text = write(&entries, FecSeparator::Tab);
        assert_eq!(check_fec(&text), Vec::<String>::new());
        // Dropping one entry's lines leaves a gap the check reports.
        let (journal, number) = (entries[10].entry.journal.clone(), entries[10].number.to_string());
        let cut: Vec<&str> = text
            .lines()
            .filter(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                !(f[0] == journal && f[2] == number)
            })
            .collect();
        assert!(check_fec(&cut.join("\n")).iter().any(|m| m.contains("a gap")));
    }
}
