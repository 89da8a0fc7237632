//! Page layouts. Each layout draws an invoice its own way; what they share
//! lives here: formatting in the supplier's house style, the items table
//! with its pagination, and blocks every invoice carries (addresses, bank,
//! legal mentions). Whatever a layout prints that the truth file reports
//! (SIRET, IBAN, due date) is recorded in `Printed`, so the truth says only
//! what the page shows.

// Drawing helpers take coordinates, sizes and fonts: many plain arguments.
#![allow(clippy::too_many_arguments)]

mod classic;
mod din;
mod letter;
mod modern;
mod sidebar;
mod utility;

use std::cell::Cell;
use std::ops::Range;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::catalog::Country;
use super::fmt::{fmt_date, fmt_rate, CurPos, Lang, NegStyle};
use super::ids::group4;
use super::invoice::{Invoice, Line};
use super::labels::Labels;
use super::metrics::Font;
use super::pdf::{width, wrap, Canvas, PageOut, Rgb};
use super::rng::Rng;
use super::suppliers::{House, LayoutKind, Supplier};

pub(crate) const GRAY: Rgb = Rgb(0.4, 0.4, 0.4);
pub(crate) const LIGHT: Rgb = Rgb(0.75, 0.75, 0.75);

/// What ended up on the page, for the truth file.
/// Cells: the helpers that produce printed text take `&self`. A layout
/// draws everything it asks these helpers for.
#[derive(Debug, Default, Clone)]
pub(crate) struct Printed {
    pub siret: Cell<bool>,
    pub iban: Cell<bool>,
    pub due: Cell<bool>,
}

pub(crate) struct Ctx<'a> {
    pub inv: &'a Invoice<'a>,
    pub sup: &'a Supplier,
    pub h: &'a House,
    pub lb: Labels,
    pub rng: Rng,
    pub pages: Vec<PageOut>,
    pub printed: Printed,
}

pub(crate) fn render(inv: &Invoice, rng: Rng) -> (Vec<PageOut>, Printed) {
    let sup = inv.supplier;
    let mut lrng = Rng::new(sup.house.label_seed);
    let lb = super::labels::labels(inv.lang, inv.credit, &mut lrng);
    let mut cx = Ctx {
        inv,
        sup,
        h: &sup.house,
        lb,
        rng,
        pages: Vec::new(),
        printed: Printed::default(),
    };
    match sup.def.layout {
        LayoutKind::Classic => classic::render(&mut cx),
        LayoutKind::Modern => modern::render(&mut cx),
        LayoutKind::Din => din::render(&mut cx),
        LayoutKind::Utility => utility::render(&mut cx),
        LayoutKind::Letter => letter::render(&mut cx),
        LayoutKind::Sidebar => sidebar::render(&mut cx),
    }
    (cx.pages, cx.printed)
}

impl<'a> Ctx<'a> {
    pub fn canvas(&mut self) -> Canvas {
        Canvas::new(self.h.text.clone(), Rng::new(self.rng.next_u64()))
    }

    pub fn push(&mut self, c: Canvas) {
        let (content, fonts) = c.finish(self.h.shuffle);
        self.pages.push(PageOut { content, fonts });
    }

    pub fn v(&self, bit: u32) -> bool {
        self.h.variant & (1 << bit) != 0
    }

    pub fn lang(&self) -> Lang {
        self.inv.lang
    }

    pub fn body(&self) -> Font {
        self.h.body
    }

    pub fn bold(&self) -> Font {
        self.h.body.bold()
    }

    /// "Label : " in French typography, "Label: " elsewhere.
    pub fn colon(&self, label: &str) -> String {
        let l = label.trim_end_matches(':').trim_end();
        if l.ends_with(" le") || l.ends_with(" by") || l.ends_with(" bis") || l.ends_with('°') {
            return format!("{l} ");
        }
        match self.lang() {
            Lang::Fr => format!("{l} : "),
            _ => format!("{l}: "),
        }
    }

    pub fn kv(&self, label: &str, value: &str) -> String {
        format!("{}{}", self.colon(label), value)
    }

    /// A line amount (table cell).
    pub fn amt(&self, v: Decimal) -> String {
        self.h.money.fmt(v, self.inv.credit, self.h.cur_on_lines)
    }

    /// A total: with the currency unless the house states it elsewhere.
    pub fn tot(&self, v: Decimal) -> String {
        self.h.money.fmt(v, self.inv.credit, true)
    }

    pub fn price(&self, l: &Line) -> String {
        self.h.money.fmt_dp(l.unit_price, l.price_dp, false, self.h.cur_on_lines)
    }

    pub fn qty(&self, q: Decimal) -> String {
        let s = q.normalize().to_string().replace('.', &self.h.money.num.decimal_sep().to_string());
        if self.inv.credit && self.h.money.neg != NegStyle::Positive {
            format!("-{s}")
        } else {
            s
        }
    }

    pub fn date(&self, d: NaiveDate) -> String {
        fmt_date(d, self.h.date, self.lang())
    }

    pub fn rate(&self, r: Decimal) -> String {
        fmt_rate(r, self.h.money.num, self.h.rate_dp)
    }

    pub fn rate_pct(&self, r: Decimal) -> String {
        match self.lang() {
            Lang::Fr => format!("{} %", self.rate(r)),
            _ => format!("{}%", self.rate(r)),
        }
    }

    pub fn vat_label(&self, r: Decimal) -> String {
        self.lb.vat_rate.replace("{r}", &self.rate(r))
    }

    pub fn page_label(&self, p: usize, n: usize) -> String {
        self.lb.page.replace("{p}", &p.to_string()).replace("{n}", &n.to_string())
    }

    pub fn cont_title(&self) -> String {
        self.lb.cont_title.replace("{no}", &self.inv.number)
    }

    pub fn currency_note(&self) -> Option<String> {
        (self.h.money.pos == CurPos::Elsewhere).then(|| self.lb.currency_note.replace("{c}", self.h.money.currency.code()))
    }

    pub fn name(&self) -> &'static str {
        self.sup.def.name
    }

    pub fn brand(&self) -> &'static str {
        self.sup.display_name()
    }

    pub fn foreign(&self) -> bool {
        self.sup.def.country != Country::Fr
    }

    /// Street, city and (abroad) country of the supplier.
    pub fn supplier_address(&self) -> Vec<String> {
        let mut v = vec![self.sup.def.street.to_string(), self.sup.def.city.to_string()];
        if self.foreign() {
            v.push(self.sup.def.country.name(self.lang()).to_string());
        }
        v
    }

    pub fn contact_lines(&self) -> Vec<String> {
        vec![self.kv(&self.lb.phone, &self.sup.ids.phone), self.kv(&self.lb.email, &self.sup.ids.email)]
    }

    pub fn vat_line(&self) -> String {
        self.kv(&self.lb.supplier_vat, &self.sup.ids.vat_printed)
    }

    /// The buyer's address block (without its label).
    pub fn buyer_lines(&self, attention: bool) -> Vec<String> {
        let b = self.inv.buyer;
        let mut v = vec![b.name.clone()];
        if attention {
            v.push(
                match self.lang() {
                    Lang::Fr => "Service comptabilité fournisseurs",
                    Lang::En => "Attn: Accounts Payable",
                    Lang::De => "z. Hd. Buchhaltung",
                }
                .to_string(),
            );
        }
        v.push(b.street.clone());
        v.push(format!("{} {}", b.postcode, b.city));
        if self.foreign() {
            v.push(b.country.to_uppercase());
        }
        v
    }

    /// The buyer's own identifiers, when this supplier prints them: traps
    /// for a recognizer looking for the supplier's.
    pub fn buyer_ids(&self) -> Vec<String> {
        let b = self.inv.buyer;
        let mut v = Vec::new();
        if self.h.show_buyer_vat && !b.vat_id.is_empty() {
            v.push(self.kv(&self.lb.buyer_vat, &b.vat_id));
        }
        if self.h.show_buyer_siret && self.lang() == Lang::Fr && !b.siret().is_empty() {
            v.push(self.kv("SIRET", &b.siret()));
        }
        v
    }

    pub fn iban_text(&self) -> String {
        self.printed.iban.set(true);
        if self.h.iban_spaced {
            group4(&self.sup.ids.iban)
        } else {
            self.sup.ids.iban.clone()
        }
    }

    pub fn siret_text(&self) -> Option<String> {
        let s = self.sup.ids.siret.clone()?;
        self.printed.siret.set(true);
        Some(if self.v(9) {
            format!("{} {} {} {}", &s[0..3], &s[3..6], &s[6..9], &s[9..14])
        } else {
            s
        })
    }

    /// Legal mentions, one string per line, country style.
    pub fn legal_lines(&self) -> Vec<String> {
        let d = self.sup.def;
        let ids = self.sup.ids.clone();
        let lang = self.lang();
        match d.country {
            Country::Fr => {
                let city = d.city.split_once(' ').map(|x| x.1).unwrap_or(d.city);
                let siren = ids.siren.clone().unwrap_or_default();
                let rcs = format!("RCS {} {} {} {}", city, &siren[0..3], &siren[3..6], &siren[6..9]);
                let mut a = format!("{} - {}", d.name, d.legal);
                if !d.legal.starts_with("Avocat") {
                    a.push_str(&format!(" - {rcs}"));
                }
                // Some French invoices print only the RCS number, not the SIRET.
                let siret = if self.v(10) && !self.v(11) { None } else { self.siret_text() };
                let mut b = Vec::new();
                if let Some(s) = siret {
                    b.push(format!("SIRET {s}"));
                }
                b.push(format!("APE {}", ids.ape));
                b.push(self.kv(&self.lb.supplier_vat, &ids.vat_printed));
                vec![a, b.join(" - ")]
            }
            Country::De => {
                let (gf, st) = match lang {
                    Lang::En => ("Managing Director", "Tax No."),
                    _ => ("Geschäftsführer", "Steuernummer"),
                };
                vec![
                    format!("{} · {}: {} · {}", d.name, gf, d.manager, d.legal),
                    format!("{} · {}: {}", self.vat_line(), st, ids.tax_no),
                ]
            }
            Country::Uk => vec![
                format!("{} · {} · Registered office: {}, {}", d.name, d.legal, d.street, d.city),
                self.vat_line(),
            ],
            Country::Be => vec![format!("{} - {} - N° d'entreprise {}", d.name, d.legal, ids.company_no), self.vat_line()],
            Country::Ch => vec![format!("{} - {} - {}", d.name, d.legal, ids.company_no), self.vat_line()],
        }
    }

    /// Bank details, one string per line.
    pub fn bank_lines(&self) -> Vec<String> {
        let iban = self.iban_text();
        let mut v = vec![
            format!("{} {}", self.colon(&self.lb.iban).trim_end(), iban),
            self.kv(&self.lb.bic, &self.sup.ids.bic),
        ];
        if self.sup.def.country == Country::Uk && self.v(12) {
            let i = &self.sup.ids.iban;
            v.insert(
                0,
                format!("Sort code: {}-{}-{}   Account no.: {}", &i[8..10], &i[10..12], &i[12..14], &i[14..22]),
            );
        }
        v
    }

    pub fn due_text(&self) -> Option<String> {
        let d = self.inv.due?;
        self.printed.due.set(true);
        Some(self.kv(&self.lb.due, &self.date(d)))
    }

    /// Payment terms sentence, without the due date.
    pub fn terms_sentence(&self) -> String {
        let days = self.h.terms_days;
        let eom = self.h.end_of_month;
        if self.inv.credit {
            return match self.lang() {
                Lang::Fr => "Cet avoir sera déduit de votre prochain règlement.".into(),
                Lang::En => "This credit will be offset against your next payment.".into(),
                Lang::De => "Der Betrag wird mit Ihrer nächsten Zahlung verrechnet.".into(),
            };
        }
        match (self.lang(), days) {
            (Lang::Fr, 0) => "Paiement à réception de facture, par virement.".into(),
            (Lang::Fr, d) if eom => format!("Paiement à {d} jours fin de mois, par virement."),
            (Lang::Fr, d) => format!("Paiement à {d} jours date de facture, par virement."),
            (Lang::En, 0) => "Due on receipt. Please pay by bank transfer.".into(),
            (Lang::En, d) if eom => format!("Payment {d} days end of month by bank transfer."),
            (Lang::En, d) => format!("Payment within {d} days by bank transfer."),
            (Lang::De, 0) => "Zahlbar sofort nach Erhalt ohne Abzug.".into(),
            (Lang::De, d) if eom => format!("Zahlbar {d} Tage zum Monatsende ohne Abzug."),
            (Lang::De, d) => format!("Zahlbar innerhalb von {d} Tagen ohne Abzug."),
        }
    }

    /// French law asks for late-payment penalties on B2B invoices; they
    /// carry an amount (40 €) that is not a total.
    pub fn penalties(&self) -> Option<String> {
        (self.lang() == Lang::Fr && self.sup.def.country == Country::Fr && !self.inv.credit).then(|| {
            "En cas de retard de paiement : pénalités au taux de 3 fois le taux d'intérêt légal et indemnité forfaitaire pour frais de recouvrement de 40 €. Pas d'escompte pour paiement anticipé.".to_string()
        })
    }

    pub fn original_ref(&self) -> Option<String> {
        self.inv.original.as_ref().map(|o| self.kv(&self.lb.original_ref, o))
    }

    /// Net / VAT / gross rows of a totals block: (label, value, is_gross).
    pub fn totals_rows(&self) -> Vec<(String, String, bool)> {
        let inv = self.inv;
        let mut v = vec![(self.lb.net.clone(), self.tot(inv.net), false)];
        // Several rates are always itemized somewhere (the law asks for it):
        // here, or in the breakdown table of houses that print one.
        if self.h.vat_per_rate || inv.breakdown.len() == 1 || !self.h.breakdown_table {
            for b in &inv.breakdown {
                let label = if self.v(13) && inv.breakdown.len() > 1 {
                    // "VAT 20 % on 1 000,00": two amounts on one line.
                    let on = match self.lang() {
                        Lang::Fr => "sur",
                        Lang::En => "on",
                        Lang::De => "auf",
                    };
                    format!("{} {on} {}", self.vat_label(b.rate), self.h.money.fmt(b.base, false, false))
                } else {
                    self.vat_label(b.rate)
                };
                v.push((label, self.tot(b.amount), false));
            }
        } else {
            v.push((self.lb.vat_total.clone(), self.tot(inv.vat), false));
        }
        v.push((self.lb.gross.clone(), self.tot(inv.gross), true));
        v
    }

    pub fn salutation(&self) -> (String, String) {
        match (self.lang(), self.inv.credit) {
            (Lang::Fr, false) => ("Madame, Monsieur,".into(), "Veuillez trouver ci-dessous le détail de notre facturation.".into()),
            (Lang::Fr, true) => ("Madame, Monsieur,".into(), "Nous avons le plaisir de vous adresser l'avoir suivant.".into()),
            (Lang::En, false) => (
                "Dear Sir or Madam,".into(),
                "Please find below our invoice for the services and goods supplied.".into(),
            ),
            (Lang::En, true) => ("Dear Sir or Madam,".into(), "We are pleased to issue the following credit note.".into()),
            (Lang::De, false) => (
                "Sehr geehrte Damen und Herren,".into(),
                "vielen Dank für Ihren Auftrag. Wir berechnen Ihnen wie folgt:".into(),
            ),
            (Lang::De, true) => ("Sehr geehrte Damen und Herren,".into(), "wir schreiben Ihnen folgende Beträge gut:".into()),
        }
    }
}

/// Draws lines of text from `y` down; returns the y below the last line.
pub(crate) fn lines(c: &mut Canvas, x: f32, mut y: f32, font: Font, size: f32, leading: f32, ls: &[String]) -> f32 {
    for l in ls {
        if !l.is_empty() {
            c.text(x, y, font, size, l);
        }
        y += leading;
    }
    y
}

/// Same, right-aligned at `x_right`.
pub(crate) fn lines_r(c: &mut Canvas, x_right: f32, mut y: f32, font: Font, size: f32, leading: f32, ls: &[String]) -> f32 {
    for l in ls {
        if !l.is_empty() {
            c.text_r(x_right, y, font, size, l);
        }
        y += leading;
    }
    y
}

/// Wraps and draws a paragraph; returns the y below it.
pub(crate) fn para(c: &mut Canvas, x: f32, y: f32, w: f32, font: Font, size: f32, leading: f32, text: &str) -> f32 {
    let ls = wrap(font, size, text, w);
    lines(c, x, y, font, size, leading, &ls)
}

/// Wraps "Label: value" after the label when too wide, so that an id or an
/// IBAN stays on one line.
pub(crate) fn wrap_kv(font: Font, size: f32, text: &str, max_w: f32) -> Vec<String> {
    if width(font, size, text) <= max_w {
        return vec![text.to_string()];
    }
    if let Some(i) = text.find(": ") {
        let (label, value) = (&text[..i + 1], &text[i + 2..]);
        if width(font, size, value) <= max_w {
            return vec![label.trim_end().to_string(), value.to_string()];
        }
    }
    wrap(font, size, text, max_w)
}

pub(crate) fn para_height(w: f32, font: Font, size: f32, leading: f32, text: &str) -> f32 {
    wrap(font, size, text, w).len() as f32 * leading
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Pos,
    Ref,
    Desc,
    Qty,
    Unit,
    Price,
    Vat,
    /// A VAT code letter, explained in the breakdown ("A = 20 %").
    VatCode,
    Amount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grid {
    /// Every cell boxed.
    Full,
    /// A rule under each row.
    Rows,
    /// Rules under the header and after the last row.
    HeadRule,
    /// An outer frame with column lines down to the frame bottom.
    Frame,
    /// Nothing.
    None,
}

#[derive(Debug, Clone)]
pub(crate) struct TableStyle {
    pub font: Font,
    pub size: f32,
    pub head_font: Font,
    pub head_size: f32,
    pub head_fill: Option<Rgb>,
    pub head_color: Rgb,
    pub grid: Grid,
    pub zebra: Option<Rgb>,
    pub rule: Rgb,
    pub pad: f32,
    pub leading: f32,
    /// Dotted leaders from the description to the amount.
    pub leaders: bool,
    pub head: bool,
}

pub(crate) struct TRow {
    cells: Vec<String>,
    desc: Vec<String>,
    detail: Vec<String>,
    pub h: f32,
    pub amount: Decimal,
}

pub(crate) struct Table {
    pub cols: Vec<(Col, String, f32)>,
    pub x: f32,
    pub w: f32,
    pub st: TableStyle,
    pub rows: Vec<TRow>,
    pub head_h: f32,
}

fn right_aligned(c: Col) -> bool {
    matches!(c, Col::Qty | Col::Price | Col::Vat | Col::Amount | Col::Pos)
}

impl Table {
    pub fn new(cx: &Ctx, cols: &[Col], x: f32, w: f32, st: TableStyle) -> Table {
        let inv = cx.inv;
        let codes = vat_codes(inv);
        let cell = |c: Col, i: usize, l: &Line| -> String {
            match c {
                Col::Pos => format!("{}", i + 1),
                Col::Ref => l.sku.clone(),
                Col::Desc => String::new(),
                Col::Qty => cx.qty(l.qty),
                Col::Unit => l.unit.to_string(),
                Col::Price => cx.price(l),
                Col::Vat => cx.rate_pct(l.rate),
                Col::VatCode => codes.iter().find(|x| x.0 == l.rate).map(|x| x.1.to_string()).unwrap_or_default(),
                Col::Amount => cx.amt(l.total),
            }
        };
        let title = |c: Col| -> String {
            match c {
                Col::Pos => cx.lb.col_pos.clone(),
                Col::Ref => cx.lb.col_ref.clone(),
                Col::Desc => cx.lb.col_desc.clone(),
                Col::Qty => cx.lb.col_qty.clone(),
                Col::Unit => cx.lb.col_unit.clone(),
                Col::Price => cx.lb.col_unit_price.clone(),
                Col::Vat => cx.lb.col_vat.clone(),
                Col::VatCode => match cx.lang() {
                    Lang::De => "St.".into(),
                    _ => "Code".into(),
                },
                Col::Amount => cx.lb.col_amount.clone(),
            }
        };
        let cells: Vec<Vec<String>> = inv
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| cols.iter().map(|&c| cell(c, i, l)).collect())
            .collect();
        let mut widths: Vec<(Col, String, f32)> = Vec::new();
        let mut fixed = 0.0;
        for (k, &c) in cols.iter().enumerate() {
            let t = title(c);
            let mut wmax = if st.head { width(st.head_font, st.head_size, &t) } else { 0.0 };
            for row in &cells {
                wmax = wmax.max(width(st.font, st.size, &row[k]) * 1.04);
            }
            let cw = if c == Col::Desc { 0.0 } else { wmax + 2.0 * st.pad + 2.0 };
            fixed += cw;
            widths.push((c, t, cw));
        }
        let desc_w = (w - fixed).max(120.0);
        for x in widths.iter_mut() {
            if x.0 == Col::Desc {
                x.2 = desc_w;
            }
        }
        let dsize = st.size - 1.5;
        let rows = inv
            .lines
            .iter()
            .zip(cells)
            .map(|(l, cells)| {
                let desc = wrap(st.font, st.size, &l.desc, desc_w - 2.0 * st.pad - if st.leaders { 30.0 } else { 0.0 });
                let detail = l.detail.as_ref().map(|d| wrap(st.font, dsize, d, desc_w - 2.0 * st.pad)).unwrap_or_default();
                let h = 2.0 * st.pad + desc.len() as f32 * st.leading + detail.len() as f32 * (st.leading - 1.5);
                TRow {
                    cells,
                    desc,
                    detail,
                    h,
                    amount: l.total,
                }
            })
            .collect();
        let head_h = if st.head { st.head_size + 2.0 * st.pad + 2.0 } else { 0.0 };
        Table {
            cols: widths,
            x,
            w,
            st,
            rows,
            head_h,
        }
    }

    fn col_x(&self) -> Vec<f32> {
        let mut xs = Vec::new();
        let mut x = self.x;
        for c in &self.cols {
            xs.push(x);
            x += c.2;
        }
        xs.push(self.x + self.w);
        xs
    }

    pub fn draw_head(&self, c: &mut Canvas, y: f32) -> f32 {
        if !self.st.head {
            return y;
        }
        let st = &self.st;
        if let Some(f) = st.head_fill {
            c.fill(self.x, y, self.w, self.head_h, f);
        }
        c.block();
        c.set_color(st.head_color);
        let xs = self.col_x();
        let base = y + st.pad + st.head_size;
        for (k, (col, title, cw)) in self.cols.iter().enumerate() {
            if right_aligned(*col) {
                c.text_r(xs[k] + cw - st.pad, base, st.head_font, st.head_size, title);
            } else {
                c.text(xs[k] + st.pad, base, st.head_font, st.head_size, title);
            }
        }
        c.set_color(Rgb::BLACK);
        let yb = y + self.head_h;
        match st.grid {
            Grid::Full | Grid::Frame => c.rect(self.x, y, self.w, self.head_h, 0.6, Rgb::BLACK),
            Grid::Rows | Grid::HeadRule => c.line(self.x, yb, self.x + self.w, yb, 0.8, Rgb::BLACK),
            Grid::None => {}
        }
        yb
    }

    /// Draws rows `range` from y; returns the y below them.
    pub fn draw_rows(&self, c: &mut Canvas, y0: f32, range: Range<usize>) -> f32 {
        let st = &self.st;
        let xs = self.col_x();
        let mut y = y0;
        for i in range.clone() {
            let r = &self.rows[i];
            if let Some(z) = st.zebra {
                if i % 2 == 1 {
                    c.fill(self.x, y, self.w, r.h, z);
                }
            }
            c.block();
            let base = y + st.pad + st.size;
            for (k, (col, _, cw)) in self.cols.iter().enumerate() {
                let x = xs[k];
                match col {
                    Col::Desc => {
                        let mut yy = base;
                        for d in &r.desc {
                            c.text(x + st.pad, yy, st.font, st.size, d);
                            yy += st.leading;
                        }
                        c.set_color(GRAY);
                        for d in &r.detail {
                            c.text(x + st.pad, yy - 0.5, st.font, st.size - 1.5, d);
                            yy += st.leading - 1.5;
                        }
                        c.set_color(Rgb::BLACK);
                        if st.leaders {
                            let last = r.desc.last().map(|s| s.as_str()).unwrap_or("");
                            let from = x + st.pad + width(st.font, st.size, last) + 4.0;
                            let to = x + cw - 4.0;
                            let dot = width(st.font, st.size, ".");
                            let n = ((to - from) / dot).floor().max(0.0) as usize;
                            if n > 2 {
                                c.text(from, base + (r.desc.len() as f32 - 1.0) * st.leading, st.font, st.size, &".".repeat(n));
                            }
                        }
                    }
                    col if right_aligned(*col) => {
                        c.text_r(x + cw - st.pad, base, st.font, st.size, &r.cells[k]);
                    }
                    _ => {
                        c.text(x + st.pad, base, st.font, st.size, &r.cells[k]);
                    }
                }
            }
            y += r.h;
            match st.grid {
                Grid::Full | Grid::Rows => c.line(
                    self.x,
                    y,
                    self.x + self.w,
                    y,
                    if st.grid == Grid::Full { 0.5 } else { 0.3 },
                    if st.grid == Grid::Full { Rgb::BLACK } else { st.rule },
                ),
                _ => {}
            }
        }
        if st.grid == Grid::Full {
            for x in xs.iter().take(xs.len() - 1).skip(1) {
                c.line(*x, y0 - self.head_h, *x, y, 0.5, Rgb::BLACK);
            }
            c.rect(self.x, y0 - self.head_h, self.w, y - y0 + self.head_h, 0.6, Rgb::BLACK);
        }
        if st.grid == Grid::HeadRule && !range.is_empty() {
            c.line(self.x, y + 2.0, self.x + self.w, y + 2.0, 0.5, Rgb::BLACK);
        }
        y
    }

    /// Frame grid: the outer box and column lines from the header down to `bottom`.
    pub fn draw_frame(&self, c: &mut Canvas, top: f32, bottom: f32) {
        let xs = self.col_x();
        c.rect(self.x, top, self.w, bottom - top, 0.7, Rgb::BLACK);
        for x in xs.iter().take(xs.len() - 1).skip(1) {
            c.line(*x, top, *x, bottom, 0.4, Rgb::BLACK);
        }
    }

    pub fn heights(&self) -> Vec<f32> {
        self.rows.iter().map(|r| r.h).collect()
    }

    pub fn sum(&self, range: Range<usize>) -> Decimal {
        self.rows[range].iter().map(|r| r.amount).sum()
    }
}

/// VAT code letters for layouts that print a code instead of the rate.
pub(crate) fn vat_codes(inv: &Invoice) -> Vec<(Decimal, char)> {
    inv.breakdown.iter().enumerate().map(|(i, b)| (b.rate, (b'A' + i as u8) as char)).collect()
}

/// Splits rows into pages: page 1 has `first` points for rows, later pages
/// `next`; the last page must also hold `tail` points (totals, payment).
/// A last range may be empty: the totals did not fit under the rows.
pub(crate) fn plan(heights: &[f32], first: f32, next: f32, tail: f32) -> Vec<Range<usize>> {
    let reserve = 18.0; // the "continued" / "carried forward" line of a page that continues
    let n = heights.len();
    let mut pages = Vec::new();
    let mut start = 0;
    let mut avail = first;
    loop {
        let rest: f32 = heights[start..].iter().sum();
        if rest + tail <= avail {
            pages.push(start..n);
            return pages;
        }
        if rest <= avail - reserve {
            // The rows fit but not the totals: they go alone on a new page.
            pages.push(start..n);
            pages.push(n..n);
            return pages;
        }
        let mut i = start;
        let mut used = 0.0;
        while i < n && used + heights[i] <= avail - reserve {
            used += heights[i];
            i += 1;
        }
        if i == start {
            i += 1; // a row taller than a page still goes somewhere
        }
        pages.push(start..i);
        start = i;
        avail = next;
    }
}

/// The generic page loop: page 1 header, items over as many pages as
/// needed, continuation headers, carried-forward lines, totals on the last
/// page, footers with "page p/n".
pub(crate) trait Layout {
    fn table(&self, cx: &Ctx) -> Table;
    /// Draws page 1 down to the items table; returns where the table starts.
    fn first(&self, cx: &mut Ctx, c: &mut Canvas) -> f32;
    /// Draws the top of a continuation page; returns where the table starts.
    fn next(&self, cx: &mut Ctx, c: &mut Canvas) -> f32;
    /// Lowest y the items may reach (above the footer).
    fn bottom(&self) -> f32;
    fn tail_height(&self, cx: &Ctx, t: &Table) -> f32;
    /// Totals, payment, notes, starting at y (just under the rows).
    fn tail(&self, cx: &mut Ctx, c: &mut Canvas, t: &Table, y: f32);
    fn footer(&self, cx: &mut Ctx, c: &mut Canvas, p: usize, n: usize);
    /// Frame grids stretch to here on the last page.
    fn frame_bottom(&self, cx: &Ctx, t: &Table) -> f32 {
        self.bottom() - self.tail_height(cx, t)
    }
}

pub(crate) fn run(l: &impl Layout, cx: &mut Ctx) {
    let t = l.table(cx);
    let mut c1 = cx.canvas();
    let y1 = l.first(cx, &mut c1);
    let yn = {
        let mut scratch = cx.canvas();
        l.next(cx, &mut scratch)
    };
    let tail = l.tail_height(cx, &t);
    let heights = t.heights();
    let pages = plan(&heights, l.bottom() - y1 - t.head_h, l.bottom() - yn - t.head_h, tail);
    let n = pages.len();
    let carried = cx.v(14);
    let mut first = Some(c1);
    for (p, range) in pages.iter().enumerate() {
        let mut c = match first.take() {
            Some(c) => c,
            None => cx.canvas(),
        };
        let y0 = if p == 0 { y1 } else { l.next(cx, &mut c) };
        let last = p + 1 == n;
        let mut y = y0;
        if !range.is_empty() || (p == 0) {
            y = t.draw_head(&mut c, y0);
            if p > 0 && carried && range.start > 0 {
                let label = format!("{} {}", cx.lb.carried, cx.amt(t.sum(0..range.start)));
                c.text_r(t.x + t.w - t.st.pad, y + t.st.size + 3.0, t.st.font, t.st.size, &label);
                y += t.st.size + 8.0;
            }
            y = t.draw_rows(&mut c, y, range.clone());
            if t.st.grid == Grid::Frame {
                let fb = if last { l.frame_bottom(cx, &t).max(y + 4.0) } else { l.bottom() };
                t.draw_frame(&mut c, y0 + t.head_h, fb);
                y = fb;
            }
        }
        if last {
            l.tail(cx, &mut c, &t, y + 10.0);
        } else {
            c.block();
            let yb = if t.st.grid == Grid::Frame { l.bottom() + 12.0 } else { y + 12.0 };
            if carried {
                let label = format!("{} {}", cx.lb.carried, cx.amt(t.sum(0..range.end)));
                c.text_r(t.x + t.w - t.st.pad, yb, t.st.font, t.st.size, &label);
            }
            c.set_color(GRAY);
            c.text(t.x, yb, t.st.font, t.st.size - 1.0, &cx.lb.continued);
            c.set_color(Rgb::BLACK);
        }
        c.block();
        l.footer(cx, &mut c, p + 1, n);
        cx.push(c);
    }
}

/// Right-aligned label/value totals: labels at `xl`, values ending at `xr`.
/// Where totals labels start: `xl`, or further left so that the widest
/// label keeps a clear gap before its value.
pub(crate) fn totals_left(cx: &Ctx, xl: f32, xr: f32, size: f32) -> f32 {
    let need = cx
        .totals_rows()
        .iter()
        .map(|(l, v, strong)| {
            let f = if *strong { cx.bold() } else { cx.body() };
            width(f, size, l) + width(f, size, v) * 1.05 + 18.0
        })
        .fold(0.0, f32::max);
    xl.min(xr - need)
}

pub(crate) fn totals_block(cx: &Ctx, c: &mut Canvas, xl: f32, xr: f32, y: f32, size: f32, leading: f32, gross_fill: Option<Rgb>) -> f32 {
    let xl = totals_left(cx, xl, xr, size);
    let rows = cx.totals_rows();
    let mut y = y;
    for (label, value, strong) in rows {
        let f = if strong { cx.bold() } else { cx.body() };
        if strong {
            if let Some(fill) = gross_fill {
                c.fill(xl - 6.0, y - size - 3.0, xr - xl + 12.0, size + 8.0, fill);
            } else {
                c.line(xl, y - size - 3.0, xr, y - size - 3.0, 0.6, Rgb::BLACK);
            }
        }
        c.text(xl, y, f, size, &label);
        c.text_r(xr, y, f, size, &value);
        y += leading;
    }
    y
}

pub(crate) fn totals_height(cx: &Ctx, leading: f32) -> f32 {
    cx.totals_rows().len() as f32 * leading
}

/// A boxed VAT breakdown table; returns the y below it.
pub(crate) fn breakdown_table(cx: &Ctx, c: &mut Canvas, x: f32, y: f32, w: f32, size: f32, with_gross: bool, codes: bool) -> f32 {
    let inv = cx.inv;
    let lb = &cx.lb;
    let mut heads = vec![lb.bd_rate.clone(), lb.bd_base.clone(), lb.bd_vat.clone()];
    if with_gross {
        heads.push(lb.bd_gross.clone());
    }
    let ncol = heads.len() as f32;
    let cw = w / ncol;
    let rh = size + 7.0;
    c.fill(x, y, w, rh, Rgb::gray(0.9));
    c.block();
    for (k, hd) in heads.iter().enumerate() {
        if k == 0 {
            c.text(x + 4.0, y + size + 2.0, cx.bold(), size - 0.5, hd);
        } else {
            c.text_r(x + cw * (k as f32 + 1.0) - 4.0, y + size + 2.0, cx.bold(), size - 0.5, hd);
        }
    }
    let code_of = vat_codes(inv);
    let mut yy = y + rh;
    for b in &inv.breakdown {
        let rate = if codes {
            let code = code_of.iter().find(|x| x.0 == b.rate).map(|x| x.1).unwrap_or('A');
            format!("{code} = {}", cx.rate_pct(b.rate))
        } else {
            cx.rate_pct(b.rate)
        };
        let mut vals = vec![rate, cx.h.money.fmt(b.base, inv.credit, false), cx.h.money.fmt(b.amount, inv.credit, false)];
        if with_gross {
            vals.push(cx.h.money.fmt(b.base + b.amount, inv.credit, false));
        }
        for (k, v) in vals.iter().enumerate() {
            if k == 0 {
                c.text(x + 4.0, yy + size + 2.0, cx.body(), size, v);
            } else {
                c.text_r(x + cw * (k as f32 + 1.0) - 4.0, yy + size + 2.0, cx.body(), size, v);
            }
        }
        yy += rh;
    }
    c.rect(x, y, w, yy - y, 0.5, Rgb::BLACK);
    c.line(x, y + rh, x + w, y + rh, 0.5, Rgb::BLACK);
    yy
}

pub(crate) fn breakdown_height(cx: &Ctx, size: f32) -> f32 {
    (cx.inv.breakdown.len() as f32 + 1.0) * (size + 7.0)
}

/// A light tint of a colour (for backgrounds).
pub(crate) fn tint(c: Rgb, k: f32) -> Rgb {
    Rgb(1.0 - (1.0 - c.0) * k, 1.0 - (1.0 - c.1) * k, 1.0 - (1.0 - c.2) * k)
}

impl<'a> Ctx<'a> {
    /// The due date alone, for layouts printing label and value apart.
    pub fn due_value(&self) -> Option<String> {
        let d = self.inv.due?;
        self.printed.due.set(true);
        Some(self.date(d))
    }

    /// Header facts as (label, value): number, date, due date, customer
    /// number, and with `extra` the order, service date and original invoice.
    pub fn meta_items(&self, with_due: bool, extra: bool) -> Vec<(String, String)> {
        let inv = self.inv;
        let lb = &self.lb;
        let mut v = vec![(lb.number.clone(), inv.number.clone()), (lb.date.clone(), self.date(inv.date))];
        if with_due {
            if let Some(d) = self.due_value() {
                v.push((lb.due.clone(), d));
            }
        }
        v.push((lb.customer_no.clone(), inv.customer_no.clone()));
        if extra {
            if let Some(o) = &inv.order_ref {
                v.push((lb.order_ref.clone(), o.clone()));
            }
            if let Some(d) = inv.service_date {
                v.push((lb.service_date.clone(), self.date(d)));
            }
        }
        if let Some(o) = &inv.original {
            v.push((lb.original_ref.trim_end_matches('°').trim_end_matches(" n").to_string(), o.clone()));
        }
        v
    }
}

/// A boxed table of labels over values ("Rechnungsnummer | Datum | …"),
/// split over several rows when too wide; returns the y below it.
pub(crate) fn info_table(c: &mut Canvas, x: f32, y: f32, w: f32, items: &[(String, String)], lf: Font, ls: f32, vf: Font, vs: f32, fill: Option<Rgb>) -> f32 {
    let nat: Vec<f32> = items.iter().map(|(l, v)| width(lf, ls, l).max(width(vf, vs, v)) + 12.0).collect();
    let total: f32 = nat.iter().sum();
    if total > w && items.len() > 1 {
        let half = items.len().div_ceil(2);
        let y2 = info_table(c, x, y, w, &items[..half], lf, ls, vf, vs, fill);
        return info_table(c, x, y2 + 4.0, w, &items[half..], lf, ls, vf, vs, fill);
    }
    let scale = w / total;
    let (lh, vh) = (ls + 7.0, vs + 9.0);
    if let Some(f) = fill {
        c.fill(x, y, w, lh, f);
    }
    c.block();
    let mut cx = x;
    for (k, (l, v)) in items.iter().enumerate() {
        let cw = nat[k] * scale;
        c.text(cx + 5.0, y + ls + 2.5, lf, ls, l);
        c.text(cx + 5.0, y + lh + vs + 3.0, vf, vs, v);
        if k > 0 {
            c.line(cx, y, cx, y + lh + vh, 0.5, Rgb::BLACK);
        }
        cx += cw;
    }
    c.rect(x, y, w, lh + vh, 0.6, Rgb::BLACK);
    c.line(x, y + lh, x + w, y + lh, 0.4, Rgb::BLACK);
    y + lh + vh
}
