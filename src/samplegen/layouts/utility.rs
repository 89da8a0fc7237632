//! One-column utility bill (energy, telecom): the amount due and its date
//! in a box at the top, before any detail; account facts; the detail as
//! label … amount lines (dotted leaders in some), VAT codes explained in a
//! small table; direct debit from the customer's own (masked) account in
//! some, so no supplier IBAN at all.

use super::*;

pub(super) struct Utility;

pub(super) fn render(cx: &mut Ctx) {
    run(&Utility, cx);
}

const L: f32 = 50.0;
const R: f32 = 545.0;

impl Utility {
    fn direct_debit(&self, cx: &Ctx) -> bool {
        cx.v(6) && !cx.inv.credit && cx.lang() != Lang::En
    }

    fn codes(&self, cx: &Ctx) -> bool {
        cx.v(4) && cx.inv.breakdown.len() > 1
    }

    fn title(&self, cx: &Ctx) -> String {
        if cx.inv.credit {
            return cx.lb.title.clone();
        }
        match cx.lang() {
            Lang::Fr => "Votre facture".into(),
            Lang::En => "Your bill".into(),
            Lang::De => "Ihre Rechnung".into(),
        }
    }

    fn payment(&self, cx: &Ctx) -> Vec<String> {
        let mut v = Vec::new();
        if self.direct_debit(cx) {
            // The customer's own account, masked: an IBAN that is not the supplier's.
            let masked = format!("FR76 **** **** **** **** **** *{}", &cx.inv.customer_no[cx.inv.customer_no.len() - 3..]);
            match cx.lang() {
                Lang::Fr => {
                    v.push(format!("Prélèvement automatique SEPA sur votre compte {masked}."));
                    v.push(format!("Identifiant créancier SEPA (ICS) : {}", cx.sup.ids.creditor_id));
                }
                _ => {
                    v.push(format!("Der Betrag wird per SEPA-Lastschrift von Ihrem Konto {masked} eingezogen."));
                    v.push(format!("Gläubiger-ID: {}", cx.sup.ids.creditor_id));
                }
            }
        } else {
            v.push(format!("{} - {}", cx.lb.bank_header, cx.bank_lines().join(" - ")));
            v.push(cx.terms_sentence());
        }
        if cx.inv.reverse_charge {
            v.push(cx.lb.reverse_charge.clone());
        }
        if let Some(n) = cx.currency_note() {
            v.push(n);
        }
        if let Some(p) = cx.penalties() {
            v.push(p);
        }
        v
    }

    fn right_h(&self, cx: &Ctx) -> f32 {
        totals_height(cx, 13.0)
    }
}

impl Layout for Utility {
    fn table(&self, cx: &Ctx) -> Table {
        let mut cols = vec![Col::Desc];
        if cx.v(3) {
            cols.push(Col::Qty);
            cols.push(Col::Price);
        }
        cols.push(Col::Amount);
        if self.codes(cx) {
            cols.push(Col::VatCode);
        }
        let courier = matches!(cx.body(), Font::Courier);
        let st = TableStyle {
            font: cx.body(),
            size: if courier { 8.5 } else { 9.0 },
            head_font: cx.bold(),
            head_size: 8.0,
            head_fill: None,
            head_color: GRAY,
            grid: if cx.v(5) { Grid::HeadRule } else { Grid::None },
            zebra: None,
            rule: LIGHT,
            // Some producers space rows generously.
            pad: if cx.v(18) { 6.5 } else { 3.0 },
            leading: 11.0,
            leaders: cx.v(2),
            head: cx.v(5),
        };
        Table::new(cx, &cols, L, R - L, st)
    }

    fn first(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        let (f, b) = (cx.body(), cx.bold());
        let inv = cx.inv;
        c.set_color(cx.h.accent);
        c.text(L, 55.0, b, 16.0, cx.brand());
        c.set_color(Rgb::BLACK);
        c.text_r(R, 52.0, b, 14.0, &self.title(cx));
        let of = match cx.lang() {
            Lang::Fr => "du",
            Lang::En => "of",
            Lang::De => "vom",
        };
        c.text_r(R, 66.0, f, 9.0, &format!("{of} {}", cx.date(inv.date)));
        let mut addr = vec![cx.name().to_string()];
        addr.extend(cx.supplier_address());
        c.set_color(GRAY);
        lines(c, L, 70.0, f, 7.5, 9.0, &addr);
        c.set_color(Rgb::BLACK);
        c.block();

        // Account facts in two columns inside a box.
        let contract = match cx.lang() {
            Lang::Fr => "N° de contrat",
            Lang::En => "Contract no.",
            Lang::De => "Vertragsnummer",
        };
        let holder = match cx.lang() {
            Lang::Fr => "Titulaire du contrat",
            Lang::En => "Account holder",
            Lang::De => "Vertragspartner",
        };
        let mut left = vec![(holder.to_string(), inv.buyer.name.clone())];
        left.push((cx.lb.customer_no.clone(), inv.customer_no.clone()));
        left.push((contract.to_string(), format!("{}", 4_000_000_000u64 + cx.rng.below(999_999_999) as u64)));
        if cx.sup.def.activity == super::super::catalog::Activity::Energy && cx.lang() == Lang::Fr {
            // The delivery point id: 14 digits, like a SIRET.
            left.push((
                "Point de livraison (PDL)".to_string(),
                format!("{:014}", 19_000_000_000_000u64 + cx.rng.below(999_999_999) as u64),
            ));
        }
        let mut right = vec![(cx.lb.number.clone(), inv.number.clone()), (cx.lb.date.clone(), cx.date(inv.date))];
        if let Some(o) = &inv.original {
            right.push((cx.lb.original_ref.clone(), o.clone()));
        }
        let rows = left.len().max(right.len());
        let top = 108.0;
        let bh = rows as f32 * 13.0 + 10.0;
        c.rect(L, top, R - L, bh, 0.5, LIGHT);
        for (k, (l, v)) in left.iter().enumerate() {
            c.text(L + 8.0, top + 15.0 + 13.0 * k as f32, f, 8.0, &cx.kv(l, v));
        }
        for (k, (l, v)) in right.iter().enumerate() {
            c.text(310.0, top + 15.0 + 13.0 * k as f32, f, 8.0, &cx.kv(l, v));
        }
        let buyer_ids = cx.buyer_ids();
        let ids_y = top + bh + 12.0;
        if !buyer_ids.is_empty() {
            c.set_color(GRAY);
            lines(c, L, ids_y, f, 7.0, 9.0, &buyer_ids);
            c.set_color(Rgb::BLACK);
        }
        let mut y = ids_y + 9.0 * buyer_ids.len() as f32 + 6.0;
        c.block();

        // The amount due, first.
        let sy = y;
        let sh = 58.0;
        c.fill(L, sy, R - L, sh, tint(cx.h.accent, 0.12));
        c.block();
        let label = if inv.credit { cx.lb.gross.clone() } else { cx.lb.amount_due.clone() };
        c.text(L + 12.0, sy + 24.0, b, 13.0, &cx.kv(&label, &cx.tot(inv.gross)));
        let second = if inv.credit {
            cx.terms_sentence()
        } else if let Some(d) = cx.due_text() {
            d
        } else {
            cx.terms_sentence()
        };
        c.text(L + 12.0, sy + 42.0, f, 9.0, &second);
        if self.direct_debit(cx) {
            c.set_color(GRAY);
            c.text_r(
                R - 10.0,
                sy + 42.0,
                f,
                8.0,
                if cx.lang() == Lang::Fr {
                    "Prélèvement automatique"
                } else {
                    "SEPA-Lastschrift"
                },
            );
            c.set_color(Rgb::BLACK);
        }
        y = sy + sh + 20.0;
        c.block();
        if let Some((a, z)) = inv.period {
            let p = match cx.lang() {
                Lang::Fr => format!("{} : du {} au {}", cx.lb.period.trim_end_matches(" du"), cx.date(a), cx.date(z)),
                Lang::En => format!("{}: {} to {}", cx.lb.period, cx.date(a), cx.date(z)),
                Lang::De => format!("{}: {} bis {}", cx.lb.period, cx.date(a), cx.date(z)),
            };
            c.text(L, y, f, 9.0, &p);
            y += 20.0;
        }
        let detail = match cx.lang() {
            Lang::Fr => "Détail de votre facture",
            Lang::En => "Your charges in detail",
            Lang::De => "Ihre Rechnung im Detail",
        };
        c.text(L, y, b, 10.5, detail);
        c.line(L, y + 4.0, R, y + 4.0, 0.8, cx.h.accent);
        y + 10.0
    }

    fn next(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        c.set_color(cx.h.accent);
        c.text(L, 50.0, cx.bold(), 12.0, cx.brand());
        c.set_color(Rgb::BLACK);
        c.text_r(R, 50.0, cx.body(), 9.0, &cx.cont_title());
        c.line(L, 56.0, R, 56.0, 0.8, cx.h.accent);
        72.0
    }

    fn bottom(&self) -> f32 {
        775.0
    }

    fn tail_height(&self, cx: &Ctx, _t: &Table) -> f32 {
        let bd = if cx.h.breakdown_table || self.codes(cx) {
            breakdown_height(cx, 7.5) + 10.0
        } else {
            0.0
        };
        let pay: f32 = self.payment(cx).iter().map(|t| para_height(R - L, cx.body(), 7.5, 9.5, t)).sum();
        self.right_h(cx).max(bd) + 12.0 + pay + 8.0
    }

    fn tail(&self, cx: &mut Ctx, c: &mut Canvas, _t: &Table, y: f32) {
        c.block();
        c.line(L, y - 4.0, R, y - 4.0, 0.4, LIGHT);
        let mut yl = y;
        if cx.h.breakdown_table || self.codes(cx) {
            yl = breakdown_table(cx, c, L, y + 2.0, 240.0, 7.5, false, self.codes(cx)) + 10.0;
        }
        c.block();
        let yr = totals_block(cx, c, 330.0, R, y + 12.0, 9.0, 13.0, None);
        let mut yy = yl.max(yr - 6.0) + 6.0;
        c.block();
        for t in self.payment(cx) {
            yy = para(c, L, yy, R - L, cx.body(), 7.5, 9.5, &t);
        }
    }

    fn footer(&self, cx: &mut Ctx, c: &mut Canvas, p: usize, n: usize) {
        c.set_color(GRAY);
        let mut y = 795.0;
        for l in cx.legal_lines() {
            for w in wrap(cx.body(), 6.5, &l, R - L) {
                c.text_c(297.5, y, cx.body(), 6.5, &w);
                y += 8.0;
            }
        }
        c.text_r(R, 828.0, cx.body(), 7.5, &cx.page_label(p, n));
        c.set_color(Rgb::BLACK);
    }
}
