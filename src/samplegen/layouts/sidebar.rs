//! A tinted sidebar on every page carries the supplier: name, address,
//! then stacked facts with the label above the value (VAT id, SIRET, IBAN
//! broken over two lines when it does not fit). The main column has the
//! title, facts in a grid (label above value), the buyer, the table and a
//! totals block whose gross sits in a coloured band. Some print the legal
//! mentions rotated along the left edge.

use super::*;

pub(super) struct Sidebar;

pub(super) fn render(cx: &mut Ctx) {
    run(&Sidebar, cx);
}

const SW: f32 = 170.0;
const SX: f32 = 18.0;
const L: f32 = 195.0;
const R: f32 = 555.0;

impl Sidebar {
    fn side(&self, cx: &Ctx, c: &mut Canvas) {
        let (f, b) = (cx.body(), cx.bold());
        let acc = cx.h.accent;
        c.fill(0.0, 0.0, SW, 842.0, tint(acc, 0.12));
        c.block();
        c.set_color(acc);
        let mut y = 50.0;
        for w in wrap(b, 14.0, cx.brand(), SW - 2.0 * SX) {
            c.text(SX, y, b, 14.0, &w);
            y += 16.0;
        }
        c.set_color(Rgb::BLACK);
        y += 4.0;
        for w in wrap(b, 8.0, cx.name(), SW - 2.0 * SX) {
            c.text(SX, y, b, 8.0, &w);
            y += 10.0;
        }
        y = lines(c, SX, y, f, 8.0, 10.0, &cx.supplier_address()) + 10.0;
        let mut facts: Vec<(String, String)> = vec![
            (cx.lb.phone.trim_end_matches(':').trim().to_string(), cx.sup.ids.phone.clone()),
            (cx.lb.email.clone(), cx.sup.ids.email.clone()),
            ("Web".to_string(), cx.sup.ids.web.clone()),
            (cx.lb.supplier_vat.clone(), cx.sup.ids.vat_printed.clone()),
        ];
        if let Some(s) = cx.siret_text() {
            facts.push((cx.lb.siret.clone(), s));
        }
        facts.push((cx.lb.iban.clone(), cx.iban_text()));
        facts.push((cx.lb.bic.clone(), cx.sup.ids.bic.clone()));
        let maxw = SW - 2.0 * SX;
        for (l, v) in facts {
            c.set_color(GRAY);
            c.text(SX, y, f, 6.5, &l.to_uppercase());
            c.set_color(Rgb::BLACK);
            y += 10.0;
            if width(f, 7.5, &v) > maxw {
                // Too long for the column: split at a group boundary (IBAN).
                let parts: Vec<&str> = v.split(' ').collect();
                let (a, z) = if parts.len() > 2 {
                    parts.split_at(parts.len() / 2 + 1)
                } else {
                    (&parts[..1], &parts[1..])
                };
                if z.is_empty() {
                    let (a, z) = v.split_at(v.len() / 2);
                    c.text(SX, y, f, 7.5, a);
                    c.text(SX, y + 9.0, f, 7.5, z);
                } else {
                    c.text(SX, y, f, 7.5, &a.join(" "));
                    c.text(SX, y + 9.0, f, 7.5, &z.join(" "));
                }
                y += 9.0;
            } else {
                c.text(SX, y, f, 7.5, &v);
            }
            y += 14.0;
        }
        c.block();
        let legal = cx.legal_lines().join(" - ");
        if cx.v(1) {
            c.set_color(GRAY);
            // Along the left edge, bottom to top.
            let mut x = 10.0;
            for w in wrap(f, 5.5, &legal, 760.0) {
                c.text_rot90(x, 800.0, f, 5.5, &w);
                x += 6.5;
            }
            c.set_color(Rgb::BLACK);
        } else {
            c.set_color(GRAY);
            let ls = wrap(f, 6.0, &legal, maxw);
            let y0 = 820.0 - 7.5 * ls.len() as f32;
            lines(c, SX, y0, f, 6.0, 7.5, &ls);
            c.set_color(Rgb::BLACK);
        }
    }

    fn notes(&self, cx: &Ctx) -> Vec<String> {
        let mut v = vec![cx.kv(&cx.lb.terms, &cx.terms_sentence())];
        if cx.inv.reverse_charge {
            v.push(cx.lb.reverse_charge.clone());
        }
        if let Some(n) = cx.currency_note() {
            v.push(n);
        }
        if let Some(p) = cx.penalties() {
            v.push(p);
        }
        if !cx.lb.thanks.is_empty() {
            v.push(cx.lb.thanks.clone());
        }
        v
    }

    fn show_breakdown(&self, cx: &Ctx) -> bool {
        cx.h.breakdown_table && cx.inv.breakdown.len() > 1
    }
}

impl Layout for Sidebar {
    fn table(&self, cx: &Ctx) -> Table {
        let mut cols = vec![Col::Desc, Col::Qty, Col::Price];
        if cx.inv.breakdown.len() > 1 || cx.v(7) {
            cols.push(Col::Vat);
        }
        cols.push(Col::Amount);
        let st = TableStyle {
            font: cx.body(),
            size: 8.5,
            head_font: cx.bold(),
            head_size: 7.5,
            head_fill: None,
            head_color: cx.h.accent,
            grid: Grid::Rows,
            zebra: None,
            rule: LIGHT,
            // Some producers space rows generously.
            pad: if cx.v(18) { 8.0 } else { 4.5 },
            leading: 10.5,
            leaders: false,
            head: true,
        };
        Table::new(cx, &cols, L, R - L, st)
    }

    fn first(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        self.side(cx, c);
        let (f, b) = (cx.body(), cx.bold());
        c.set_color(cx.h.accent);
        c.text(L, 72.0, b, 26.0, &cx.lb.title);
        c.set_color(Rgb::BLACK);
        c.block();
        // Facts grid: label above value.
        let items = cx.meta_items(true, false);
        let per_row = if items.len() > 4 { 3 } else { 2 };
        let cw = (R - L) / per_row as f32;
        let mut y = 100.0;
        for (k, (l, v)) in items.iter().enumerate() {
            let (row, col) = (k / per_row, k % per_row);
            let x = L + cw * col as f32;
            let yy = y + row as f32 * 28.0;
            c.set_color(GRAY);
            c.text(x, yy, f, 6.5, &l.to_uppercase());
            c.set_color(Rgb::BLACK);
            c.text(x, yy + 12.0, b, 10.0, v);
        }
        y += items.len().div_ceil(per_row) as f32 * 28.0 + 14.0;
        c.block();
        c.set_color(GRAY);
        c.text(L, y, f, 6.5, &cx.lb.buyer.to_uppercase());
        c.set_color(Rgb::BLACK);
        let bl = cx.buyer_lines(cx.v(5));
        c.text(L, y + 13.0, b, 10.0, &bl[0]);
        let mut yb = lines(c, L, y + 25.0, f, 9.0, 11.0, &bl[1..]);
        c.set_color(GRAY);
        yb = lines(c, L, yb, f, 7.5, 9.5, &cx.buyer_ids());
        c.set_color(Rgb::BLACK);
        yb + 14.0
    }

    fn next(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        self.side(cx, c);
        c.set_color(cx.h.accent);
        c.text(L, 60.0, cx.bold(), 12.0, &cx.cont_title());
        c.set_color(Rgb::BLACK);
        80.0
    }

    fn bottom(&self) -> f32 {
        790.0
    }

    fn tail_height(&self, cx: &Ctx, _t: &Table) -> f32 {
        let bd = if self.show_breakdown(cx) { breakdown_height(cx, 7.5) + 10.0 } else { 0.0 };
        let notes: f32 = self.notes(cx).iter().map(|t| para_height(R - L, cx.body(), 7.5, 9.5, t)).sum();
        (totals_height(cx, 15.0) + 10.0).max(bd) + notes + 14.0
    }

    fn tail(&self, cx: &mut Ctx, c: &mut Canvas, _t: &Table, y: f32) {
        let (f, b) = (cx.body(), cx.bold());
        c.block();
        let mut yy = y + 12.0;
        let xl = totals_left(cx, 390.0, R - 4.0, 9.0);
        for (l, v, strong) in cx.totals_rows() {
            if strong {
                c.fill(xl - 8.0, yy - 12.0, R - xl + 8.0, 18.0, cx.h.accent);
                c.set_color(Rgb::WHITE);
            }
            let font = if strong { b } else { f };
            c.text(xl, yy, font, 9.0, &l);
            c.text_r(R - 4.0, yy, font, 9.0, &v);
            c.set_color(Rgb::BLACK);
            yy += 15.0;
        }
        let mut yl = y;
        if self.show_breakdown(cx) {
            c.block();
            yl = breakdown_table(cx, c, L, y + 2.0, 180.0, 7.5, false, false) + 6.0;
        }
        let mut y2 = yy.max(yl) + 4.0;
        c.block();
        for t in self.notes(cx) {
            y2 = para(c, L, y2, R - L, f, 7.5, 9.5, &t);
        }
    }

    fn footer(&self, cx: &mut Ctx, c: &mut Canvas, p: usize, n: usize) {
        c.set_color(GRAY);
        c.text_r(R, 822.0, cx.body(), 7.5, &cx.page_label(p, n));
        c.set_color(Rgb::BLACK);
    }
}
