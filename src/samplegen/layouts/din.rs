//! DIN 5008 business letter, the German standard: a small sender line over
//! the address window, the supplier's contact column at the right, a boxed
//! info table ("Rechnungsnummer | Datum | Kundennummer"), a salutation, a
//! ruled positions table, totals with a double rule, and a four-column
//! footer with register, tax and bank details.

use super::*;

pub(super) struct Din;

pub(super) fn render(cx: &mut Ctx) {
    run(&Din, cx);
}

const L: f32 = 57.0;
const R: f32 = 550.0;

impl Din {
    fn show_breakdown(&self, cx: &Ctx) -> bool {
        cx.h.breakdown_table && cx.inv.breakdown.len() > 1
    }

    fn closing(&self, cx: &Ctx) -> Vec<String> {
        let inv = cx.inv;
        let gross = cx.tot(inv.gross);
        let mut v = Vec::new();
        if inv.reverse_charge {
            v.push(cx.lb.reverse_charge.clone());
        }
        if let Some(n) = cx.currency_note() {
            v.push(n);
        }
        // Payment in prose: the gross and the due date inside a sentence.
        match (cx.lang(), inv.credit, cx.due_value()) {
            (_, true, _) => v.push(cx.terms_sentence()),
            (Lang::De, false, Some(d)) => v.push(format!("Bitte überweisen Sie den Betrag von {gross} bis zum {d} auf das unten genannte Konto.")),
            (Lang::Fr, false, Some(d)) => v.push(format!(
                "Merci de régler la somme de {gross} avant le {d} par virement sur le compte indiqué ci-dessous."
            )),
            (Lang::En, false, Some(d)) => v.push(format!("Please transfer {gross} by {d} to the bank account below.")),
            (_, false, None) => v.push(cx.terms_sentence()),
        }
        if cx.v(4) && !inv.credit {
            let skonto = round2(inv.gross * rust_decimal::Decimal::new(2, 2));
            v.push(match cx.lang() {
                Lang::De => format!("Bei Zahlung innerhalb von 8 Tagen gewähren wir 2 % Skonto (= {}).", cx.tot(skonto)),
                Lang::Fr => format!("Escompte de 2 % pour paiement sous 8 jours (soit {}).", cx.tot(skonto)),
                Lang::En => format!("2% early payment discount if paid within 8 days ({}).", cx.tot(skonto)),
            });
        }
        if let Some(p) = cx.penalties() {
            v.push(p);
        }
        if !cx.lb.thanks.is_empty() {
            v.push(cx.lb.thanks.clone());
        }
        v.push(String::new());
        v.push(
            match cx.lang() {
                Lang::De => "Mit freundlichen Grüßen",
                Lang::Fr => "Cordialement,",
                Lang::En => "Kind regards,",
            }
            .into(),
        );
        v.push(cx.sup.def.manager.to_string());
        v
    }

    fn footer_cols(&self, cx: &Ctx) -> [Vec<String>; 4] {
        let d = cx.sup.def;
        let mut c1 = vec![d.name.to_string(), d.street.to_string(), d.city.to_string()];
        c1.push(cx.sup.ids.web.clone());
        let mgr = match cx.lang() {
            Lang::De => "Geschäftsführung",
            Lang::Fr => "Président",
            Lang::En => "Managing Director",
        };
        let c2 = vec![format!("{mgr}: {}", d.manager), d.legal.to_string()];
        let mut c3 = vec![cx.vat_line()];
        if let Some(s) = cx.siret_text() {
            c3.push(format!("SIRET {s}"));
        } else if d.country == Country::De {
            c3.push(format!(
                "{}: {}",
                if cx.lang() == Lang::De { "Steuernummer" } else { "Tax No." },
                cx.sup.ids.tax_no
            ));
        }
        let mut c4 = vec![cx.lb.bank_header.clone()];
        c4.extend(cx.bank_lines());
        [c1, c2, c3, c4]
    }
}

impl Layout for Din {
    fn table(&self, cx: &Ctx) -> Table {
        let mut cols = vec![Col::Pos, Col::Qty];
        if !cx.v(6) {
            cols.push(Col::Unit);
        }
        cols.push(Col::Desc);
        cols.push(Col::Price);
        if cx.inv.breakdown.len() > 1 || cx.v(7) {
            cols.push(Col::Vat);
        }
        cols.push(Col::Amount);
        let st = TableStyle {
            font: cx.body(),
            size: 9.0,
            head_font: cx.bold(),
            head_size: 8.5,
            head_fill: cx.v(3).then(|| Rgb::gray(0.9)),
            head_color: Rgb::BLACK,
            grid: Grid::HeadRule,
            zebra: None,
            rule: LIGHT,
            pad: 3.5,
            leading: 11.0,
            leaders: false,
            head: true,
        };
        Table::new(cx, &cols, L, R - L, st)
    }

    fn first(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        let (f, b) = (cx.body(), cx.bold());
        // Letterhead, right.
        c.set_color(cx.h.accent);
        c.text_r(R, 55.0, b, 16.0, cx.brand());
        c.set_color(Rgb::BLACK);
        let mut contact = vec![cx.name().to_string()];
        contact.extend(cx.supplier_address());
        contact.extend(cx.contact_lines());
        contact.push(cx.sup.ids.web.clone());
        lines_r(c, R, 75.0, f, 8.0, 10.0, &contact);
        c.block();
        // Sender line over the window, then the window.
        let sender = format!("{} · {} · {}", cx.name(), cx.sup.def.street, cx.sup.def.city);
        let sw = width(f, 6.5, &sender);
        c.text(L, 150.0, f, 6.5, &sender);
        c.line(L, 152.0, L + sw, 152.0, 0.3, Rgb::BLACK);
        let mut y = 168.0;
        if cx.v(1) {
            c.set_color(GRAY);
            c.text(L, y, f, 7.5, &cx.lb.buyer);
            c.set_color(Rgb::BLACK);
            y += 12.0;
        }
        lines(c, L, y, f, 10.0, 12.5, &cx.buyer_lines(cx.v(5)));
        c.block();
        // Title, info table, salutation.
        let ty = 290.0;
        let title = if cx.v(2) {
            format!("{} {}", cx.lb.title, cx.inv.number)
        } else {
            cx.lb.title.clone()
        };
        c.text(L, ty, b, 14.0, &title);
        // Some put the due date only in the payment sentence.
        let mut items = cx.meta_items(!cx.v(17), true);
        for id in cx.buyer_ids() {
            if let Some((l, v)) = id.split_once(": ").or_else(|| id.split_once(" : ")) {
                items.push((l.to_string(), v.to_string()));
            }
        }
        let y = info_table(c, L, ty + 12.0, R - L, &items, f, 7.0, b, 9.0, cx.v(3).then(|| Rgb::gray(0.93)));
        c.block();
        let (hello, body) = cx.salutation();
        c.text(L, y + 22.0, f, 9.5, &hello);
        let y = para(c, L, y + 36.0, R - L, f, 9.5, 12.0, &body);
        y + 6.0
    }

    fn next(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        c.set_color(cx.h.accent);
        c.text_r(R, 50.0, cx.bold(), 12.0, cx.brand());
        c.set_color(Rgb::BLACK);
        c.text(L, 80.0, cx.bold(), 11.0, &cx.cont_title());
        95.0
    }

    fn bottom(&self) -> f32 {
        760.0
    }

    fn tail_height(&self, cx: &Ctx, _t: &Table) -> f32 {
        let bd = if self.show_breakdown(cx) { breakdown_height(cx, 7.5) } else { 0.0 };
        totals_height(cx, 14.0).max(bd)
            + 14.0
            + self
                .closing(cx)
                .iter()
                .map(|t| para_height(R - L, cx.body(), 8.5, 11.0, t).max(11.0))
                .sum::<f32>()
            + 6.0
    }

    fn tail(&self, cx: &mut Ctx, c: &mut Canvas, _t: &Table, y: f32) {
        c.block();
        let (f, b) = (cx.body(), cx.bold());
        let mut yy = y + 12.0;
        let xl = totals_left(cx, 330.0, R, 9.5);
        for (l, v, strong) in cx.totals_rows() {
            let font = if strong { b } else { f };
            c.text(xl, yy, font, 9.5, &l);
            c.text_r(R, yy, font, 9.5, &v);
            if strong {
                c.line(430.0, yy + 3.0, R, yy + 3.0, 0.5, Rgb::BLACK);
                c.line(430.0, yy + 5.0, R, yy + 5.0, 0.5, Rgb::BLACK);
            }
            yy += 14.0;
        }
        if self.show_breakdown(cx) {
            c.block();
            let yb = breakdown_table(cx, c, L, y + 2.0, 240.0, 7.5, true, false);
            yy = yy.max(yb);
        }
        yy += 12.0;
        c.block();
        for t in self.closing(cx) {
            if t.is_empty() {
                yy += 11.0;
            } else {
                yy = para(c, L, yy, R - L, f, 8.5, 11.0, &t);
            }
        }
    }

    fn footer(&self, cx: &mut Ctx, c: &mut Canvas, p: usize, n: usize) {
        c.line(L, 772.0, R, 772.0, 0.4, GRAY);
        c.set_color(GRAY);
        let cw = (R - L) / 4.0;
        for (k, col) in self.footer_cols(cx).iter().enumerate() {
            let mut y = 782.0;
            for l in col {
                for w in wrap_kv(cx.body(), 6.5, l, cw - 6.0) {
                    c.text(L + cw * k as f32, y, cx.body(), 6.5, &w);
                    y += 8.0;
                }
            }
        }
        c.set_color(Rgb::BLACK);
        // DIN letters number pages at the top right, under the letterhead.
        c.text_r(R, if p == 1 { 270.0 } else { 65.0 }, cx.body(), 8.0, &cx.page_label(p, n));
    }
}

use super::super::invoice::round2;
