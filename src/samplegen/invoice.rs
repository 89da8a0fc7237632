//! One invoice's content: lines and totals, all in `Decimal` with explicit
//! rounding: line = round(qty × price, 2); per rate, VAT = round(base × rate
//! / 100, 2) half away from zero; gross = net + VAT exactly.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::catalog::{self, Activity, Qty};
use super::fmt::{fmt_date, Lang};
use super::rng::Rng;
use super::suppliers::Supplier;
use super::Buyer;

#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub desc: String,
    /// A second, smaller line: period, reference, order.
    pub detail: Option<String>,
    pub sku: String,
    pub qty: Decimal,
    pub unit: &'static str,
    pub unit_price: Decimal,
    pub price_dp: u32,
    pub rate: Decimal,
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VatRow {
    pub rate: Decimal,
    pub base: Decimal,
    pub amount: Decimal,
}

pub(crate) struct Invoice<'a> {
    pub supplier: &'a Supplier,
    pub buyer: &'a Buyer,
    pub lang: Lang,
    pub credit: bool,
    pub number: String,
    pub date: NaiveDate,
    pub due: Option<NaiveDate>,
    pub service_date: Option<NaiveDate>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub customer_no: String,
    pub order_ref: Option<String>,
    /// Credit notes: the invoice they correct.
    pub original: Option<String>,
    pub lines: Vec<Line>,
    pub breakdown: Vec<VatRow>,
    pub net: Decimal,
    pub vat: Decimal,
    pub gross: Decimal,
    pub reverse_charge: bool,
}

pub(crate) fn round2(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap() - Duration::days(1)
}

/// Expands a number pattern: {Y} {y} {M} {N3}..{N8}.
pub(crate) fn number_from(pattern: &str, date: NaiveDate, seq: u64) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('}').map(|j| i + j).expect("closed brace");
        let tok = &rest[i + 1..j];
        match tok {
            "Y" => out.push_str(&date.year().to_string()),
            "y" => out.push_str(&format!("{:02}", date.year() % 100)),
            "M" => out.push_str(&format!("{:02}", date.month())),
            t if t.starts_with('N') => {
                let w: usize = t[1..].parse().unwrap();
                let m = 10u64.pow(w as u32);
                out.push_str(&format!("{:0w$}", seq % m, w = w));
            }
            _ => out.push_str(tok),
        }
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn build<'a>(sup: &'a Supplier, buyer: &'a Buyer, credit: bool, n_lines: usize, r: &mut Rng) -> Invoice<'a> {
    let def = sup.def;
    let lang = def.lang;
    let house = &sup.house;
    // All of 2026 up to November: one fiscal year, one FEC file.
    let date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::days(r.range(0, 320));
    let doy = date.ordinal() as u64;
    let seq = 40 + doy * (1 + (def.name.len() as u64 % 5)) + r.range(0, 9) as u64;
    let pattern = if credit { house.credit_prefix } else { def.number };
    let number = number_from(pattern, date, seq);

    let due = if credit {
        None
    } else {
        let base = date + Duration::days(house.terms_days as i64);
        let d = if house.end_of_month && house.terms_days > 0 {
            last_of_month(base)
        } else {
            base
        };
        house.print_due.then_some(d)
    };
    let month_start = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap();
    let prev_start = if date.month() == 1 {
        NaiveDate::from_ymd_opt(date.year() - 1, 12, 1).unwrap()
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() - 1, 1).unwrap()
    };
    let period = (prev_start, month_start - Duration::days(1));
    let service_date = r.chance(35).then(|| date - Duration::days(r.range(1, 12)));

    let catalog = catalog::items(def.activity);
    let mut order: Vec<usize> = (0..catalog.len()).collect();
    r.shuffle(&mut order);
    let mut lines = Vec::with_capacity(n_lines);
    for k in 0..n_lines {
        let item = &catalog[order[k % order.len()]];
        let qty = match item.qty {
            Qty::Int(lo, hi) => Decimal::from(r.range(lo, hi)),
            Qty::Half(lo, hi) => Decimal::new(r.range(lo * 2, hi * 2) * 5, 1),
            Qty::Meter(lo, hi) => Decimal::from(r.range(lo, hi)),
        };
        let qty = qty.normalize();
        let unit_price = Decimal::new(r.range(item.lo, item.hi), item.price_dp);
        let total = round2(qty * unit_price);
        let rate = if sup.def.reverse_charge {
            Decimal::ZERO
        } else {
            catalog::rate(def.country, item.cat)
        };
        // Repeated items (more lines than the catalog) get a reference to set them apart.
        let detail = if item.periodic {
            let (a, b) = period;
            let (a, b) = (fmt_date(a, house.date, lang), fmt_date(b, house.date, lang));
            Some(match lang {
                Lang::Fr => format!("Période du {a} au {b}"),
                Lang::En => format!("Period {a} to {b}"),
                Lang::De => format!("Zeitraum {a} bis {b}"),
            })
        } else if k >= order.len() || r.chance(30) {
            let n = r.digits(6);
            Some(match (def.activity, lang) {
                (Activity::Fees, Lang::Fr) => format!("Dossier n° D{n}"),
                (Activity::Fees, Lang::En) => format!("Matter ref. M{n}"),
                (Activity::Fees, Lang::De) => format!("Akte Nr. {n}"),
                (Activity::It | Activity::Saas, Lang::Fr) => format!("Ticket n° {n}"),
                (Activity::It | Activity::Saas, _) => format!("Ticket #{n}"),
                (Activity::Hotel, Lang::Fr) => format!("Chambre {}", &n[..3]),
                (Activity::Hotel, Lang::En) => format!("Room {}", &n[..3]),
                (Activity::Hotel, Lang::De) => format!("Zimmer {}", &n[..3]),
                (_, Lang::Fr) => format!("Bon de livraison n° BL{n}"),
                (_, Lang::En) => format!("Delivery note DN{n}"),
                (_, Lang::De) => format!("Lieferschein Nr. LS{n}"),
            })
        } else {
            None
        };
        lines.push(Line {
            desc: item.text(lang).to_string(),
            detail,
            sku: format!("{}{}", ["A", "B", "K", "P", "R"][r.below(5)], r.digits(5)),
            qty,
            unit: item.unit.label(lang, house.unit_variant),
            unit_price,
            price_dp: item.price_dp,
            rate,
            total,
        });
    }
    let mut rates: Vec<Decimal> = lines.iter().map(|l| l.rate).collect();
    rates.sort();
    rates.dedup();
    rates.reverse();
    let breakdown: Vec<VatRow> = rates
        .iter()
        .map(|&rate| {
            let base: Decimal = lines.iter().filter(|l| l.rate == rate).map(|l| l.total).sum();
            VatRow {
                rate,
                base,
                amount: round2(base * rate / Decimal::ONE_HUNDRED),
            }
        })
        .collect();
    let net: Decimal = breakdown.iter().map(|b| b.base).sum();
    let vat: Decimal = breakdown.iter().map(|b| b.amount).sum();
    let gross = net + vat;

    let original = credit.then(|| number_from(def.number, date - Duration::days(r.range(10, 60)), seq.saturating_sub(r.range(3, 30) as u64)));
    let customer_no = match lang {
        Lang::Fr => format!("C{}", r.digits(5)),
        Lang::En => format!("CUST-{}", r.digits(4)),
        Lang::De => format!("{}", 10000 + r.below(89999)),
    };
    let order_ref = r.chance(35).then(|| format!("PO-{}-{}", date.year(), r.digits(4)));
    Invoice {
        supplier: sup,
        buyer,
        lang,
        credit,
        number,
        date,
        due,
        service_date,
        period: Some(period),
        customer_no,
        order_ref,
        original,
        lines,
        breakdown,
        net,
        vat,
        gross,
        reverse_charge: sup.def.reverse_charge,
    }
}
