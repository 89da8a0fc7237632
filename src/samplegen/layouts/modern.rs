//! English-style modern invoice: a colour band (or a large grey title),
//! "Bill to" block, facts as a right-hand list or as tiles (value above a
//! small label), a ruled table with a coloured header, a boxed totals panel
//! at the right and payment details at the left.

use super::*;

pub(super) struct Modern;

pub(super) fn render(cx: &mut Ctx) {
    run(&Modern, cx);
}

const L: f32 = 40.0;
const R: f32 = 555.0;

impl Modern {
    /// Left edge of the totals panel: wider when a label is long.
    fn tl(&self, cx: &Ctx) -> f32 {
        totals_left(cx, 355.0, R - 10.0, 9.5) - 10.0
    }

    fn payment(&self, cx: &Ctx) -> Vec<(String, bool)> {
        let mut v = vec![(cx.lb.bank_header.clone(), true)];
        if cx.lang() == Lang::En {
            v.push((format!("Account name: {}", cx.name()), false));
        }
        for l in cx.bank_lines() {
            v.push((l, false));
        }
        v.push((cx.terms_sentence(), false));
        if cx.inv.reverse_charge {
            v.push((cx.lb.reverse_charge.clone(), false));
        }
        if let Some(n) = cx.currency_note() {
            v.push((n, false));
        }
        if let Some(p) = cx.penalties() {
            v.push((p, false));
        }
        if !cx.lb.thanks.is_empty() {
            v.push((cx.lb.thanks.clone(), true));
        }
        v
    }

    fn show_breakdown(&self, cx: &Ctx) -> bool {
        cx.h.breakdown_table && cx.inv.breakdown.len() > 1
    }
}

impl Layout for Modern {
    fn table(&self, cx: &Ctx) -> Table {
        let mut cols = vec![Col::Desc, Col::Qty, Col::Price];
        if cx.inv.breakdown.len() > 1 || cx.v(7) {
            cols.push(Col::Vat);
        }
        cols.push(Col::Amount);
        let st = TableStyle {
            font: cx.body(),
            size: 9.0,
            head_font: cx.bold(),
            head_size: 8.5,
            head_fill: Some(cx.h.accent),
            head_color: Rgb::WHITE,
            grid: Grid::Rows,
            zebra: cx.v(4).then(|| tint(cx.h.accent, 0.08)),
            rule: LIGHT,
            // Some producers space rows generously.
            pad: if cx.v(18) { 8.5 } else { 5.0 },
            leading: 11.0,
            leaders: false,
            head: true,
        };
        Table::new(cx, &cols, L, R - L, st)
    }

    fn first(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        let (f, b) = (cx.body(), cx.bold());
        let band = cx.v(1);
        if band {
            c.fill(0.0, 0.0, 595.0, 90.0, cx.h.accent);
            c.set_color(Rgb::WHITE);
            c.text(L, 55.0, b, 20.0, cx.brand());
            c.text_r(R, 58.0, b, 26.0, &cx.lb.title.to_uppercase());
        } else {
            c.set_color(cx.h.accent);
            c.text(L, 60.0, b, 20.0, cx.brand());
            c.set_color(Rgb::gray(0.55));
            c.text_r(R, 62.0, b, 30.0, &cx.lb.title.to_uppercase());
        }
        c.set_color(Rgb::BLACK);
        c.block();
        // Supplier details under the band.
        let mut y = 115.0;
        c.text(L, y, b, 9.0, cx.name());
        y += 11.0;
        c.set_color(GRAY);
        let mut ls = cx.supplier_address();
        ls.push(cx.vat_line());
        if let Some(s) = cx.siret_text() {
            ls.push(format!("SIRET {s}"));
        }
        ls.push(cx.sup.ids.email.clone());
        y = lines(c, L, y, f, 8.5, 10.5, &ls);
        c.set_color(Rgb::BLACK);
        c.block();

        let items = cx.meta_items(true, cx.v(6));
        let mut ymeta = 115.0;
        if !cx.v(2) {
            // Facts: label left, value right-aligned.
            for (l, v) in &items {
                c.set_color(GRAY);
                c.text(360.0, ymeta, f, 8.5, l);
                c.set_color(Rgb::BLACK);
                c.text_r(R, ymeta, b, 9.0, v);
                ymeta += 13.0;
            }
        }
        c.block();
        // Bill to (and ship to).
        let by = y.max(ymeta) + 18.0;
        c.set_color(cx.h.accent);
        c.text(L, by, b, 9.0, &cx.lb.buyer);
        c.set_color(Rgb::BLACK);
        let bl = cx.buyer_lines(cx.v(5));
        c.text(L, by + 14.0, b, 9.5, &bl[0]);
        let mut yb = lines(c, L, by + 26.0, f, 9.0, 11.5, &bl[1..]);
        c.set_color(GRAY);
        yb = lines(c, L, yb, f, 8.0, 10.0, &cx.buyer_ids());
        c.set_color(Rgb::BLACK);
        if cx.v(8) {
            c.set_color(cx.h.accent);
            c.text(230.0, by, b, 9.0, &cx.lb.ship_to);
            c.set_color(Rgb::BLACK);
            c.text(230.0, by + 14.0, b, 9.5, &bl[0]);
            lines(c, 230.0, by + 26.0, f, 9.0, 11.5, &bl[1..]);
        }
        let mut y = yb + 10.0;
        if cx.v(2) {
            // Tiles: big value, small label underneath; the last tile is the amount due.
            c.block();
            let mut tiles: Vec<(String, String)> = items.into_iter().take(3).collect();
            tiles.push((cx.lb.amount_due.clone(), cx.tot(cx.inv.gross)));
            let tw = (R - L) / tiles.len() as f32;
            c.line(L, y, R, y, 0.5, LIGHT);
            for (k, (l, v)) in tiles.iter().enumerate() {
                let x = L + tw * k as f32;
                c.text(x + 4.0, y + 20.0, b, 11.0, v);
                c.set_color(GRAY);
                c.text(x + 4.0, y + 32.0, f, 7.5, l);
                c.set_color(Rgb::BLACK);
            }
            c.line(L, y + 42.0, R, y + 42.0, 0.5, LIGHT);
            y += 56.0;
        }
        y + 6.0
    }

    fn next(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        c.fill(0.0, 0.0, 595.0, 8.0, cx.h.accent);
        c.set_color(cx.h.accent);
        c.text(L, 45.0, cx.bold(), 13.0, cx.brand());
        c.set_color(Rgb::BLACK);
        c.text_r(R, 45.0, cx.body(), 9.5, &cx.cont_title());
        70.0
    }

    fn bottom(&self) -> f32 {
        785.0
    }

    fn tail_height(&self, cx: &Ctx, _t: &Table) -> f32 {
        let tot = totals_height(cx, 17.0) + 8.0;
        let bd = if self.show_breakdown(cx) { breakdown_height(cx, 8.0) + 10.0 } else { 0.0 };
        let tl = self.tl(cx);
        let pay: f32 = self.payment(cx).iter().map(|(t, _)| para_height(tl - L - 20.0, cx.body(), 8.0, 10.5, t)).sum();
        tot.max(bd + pay) + 12.0
    }

    fn tail(&self, cx: &mut Ctx, c: &mut Canvas, _t: &Table, y: f32) {
        let (f, b) = (cx.body(), cx.bold());
        c.block();
        // Totals panel.
        let tl = self.tl(cx);
        let rows = cx.totals_rows();
        let h = rows.len() as f32 * 17.0 + 8.0;
        c.rect(tl, y, R - tl, h, 0.6, LIGHT);
        let mut yy = y + 16.0;
        for (l, v, strong) in rows {
            if strong {
                c.fill(tl, yy - 13.0, R - tl, 19.0, cx.h.accent);
                c.set_color(Rgb::WHITE);
            }
            let font = if strong { b } else { f };
            c.text(tl + 10.0, yy, font, 9.5, &l);
            c.text_r(R - 10.0, yy, font, 9.5, &v);
            c.set_color(Rgb::BLACK);
            yy += 17.0;
        }
        // Left: VAT summary, payment details.
        c.block();
        let mut yl = y;
        if self.show_breakdown(cx) {
            yl = breakdown_table(cx, c, L, y, tl - L - 20.0, 8.0, false, false) + 10.0;
        }
        yl += 8.0;
        for (t, strong) in self.payment(cx) {
            yl = para(c, L, yl, tl - L - 20.0, if strong { b } else { f }, 8.0, 10.5, &t);
        }
    }

    fn footer(&self, cx: &mut Ctx, c: &mut Canvas, p: usize, n: usize) {
        c.line(L, 798.0, R, 798.0, 0.4, LIGHT);
        c.set_color(GRAY);
        let mut y = 808.0;
        for l in cx.legal_lines() {
            for w in wrap(cx.body(), 6.5, &l, R - L - 60.0) {
                c.text(L, y, cx.body(), 6.5, &w);
                y += 8.0;
            }
        }
        c.text_r(R, 808.0, cx.body(), 7.5, &cx.page_label(p, n));
        c.set_color(Rgb::BLACK);
    }
}
