//! Classic French invoicing-software page: supplier block top left, buyer
//! block top right, title and facts (lines or a boxed table), an item frame
//! that fills the page, VAT table bottom left and totals bottom right,
//! legal mentions centred in the footer.

use super::*;

pub(super) struct Classic;

pub(super) fn render(cx: &mut Ctx) {
    run(&Classic, cx);
}

const L: f32 = 40.0;
const R: f32 = 555.0;

impl Classic {
    fn notes(&self, cx: &Ctx) -> Vec<String> {
        let mut v = Vec::new();
        if cx.inv.reverse_charge {
            v.push(cx.lb.reverse_charge.clone());
        }
        if let Some(n) = cx.currency_note() {
            v.push(n);
        }
        v.push(cx.kv(&cx.lb.terms, &cx.terms_sentence()));
        if let Some(p) = cx.penalties() {
            v.push(p);
        }
        v.push(format!("{} - {}", cx.lb.bank_header, cx.bank_lines().join(" - ")));
        if !cx.lb.thanks.is_empty() {
            v.push(cx.lb.thanks.clone());
        }
        v
    }

    fn show_breakdown(&self, cx: &Ctx) -> bool {
        cx.h.breakdown_table && (cx.inv.breakdown.len() > 1 || cx.v(3))
    }
}

impl Layout for Classic {
    fn table(&self, cx: &Ctx) -> Table {
        let mut cols = Vec::new();
        if cx.v(5) {
            cols.push(Col::Ref);
        }
        cols.push(Col::Desc);
        cols.push(Col::Qty);
        if cx.v(6) {
            cols.push(Col::Unit);
        }
        cols.push(Col::Price);
        if cx.inv.breakdown.len() > 1 || cx.v(7) {
            cols.push(Col::Vat);
        }
        cols.push(Col::Amount);
        let st = TableStyle {
            font: cx.body(),
            size: 8.5,
            head_font: cx.bold(),
            head_size: 8.0,
            head_fill: Some(Rgb::gray(0.88)),
            head_color: Rgb::BLACK,
            grid: if cx.v(8) { Grid::Full } else { Grid::Frame },
            zebra: None,
            rule: LIGHT,
            // Some producers space rows generously.
            pad: if cx.v(18) { 7.5 } else { 4.0 },
            leading: 10.5,
            leaders: false,
            head: true,
        };
        Table::new(cx, &cols, L, R - L, st)
    }

    fn first(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        let (f, b) = (cx.body(), cx.bold());
        c.set_color(cx.h.accent);
        c.text(L, 58.0, b, 18.0, cx.brand());
        c.set_color(Rgb::BLACK);
        let mut y = 74.0;
        if cx.brand() != cx.name() {
            c.text(L, y, b, 9.5, cx.name());
            y += 12.0;
        }
        y = lines(c, L, y, f, 9.0, 11.0, &cx.supplier_address());
        y = lines(c, L, y + 2.0, f, 8.0, 10.0, &cx.contact_lines());

        // Buyer block, optionally boxed.
        c.block();
        let (bx, by) = (320.0, 100.0);
        let bl = cx.buyer_lines(cx.v(1));
        let ids = cx.buyer_ids();
        let bh = 14.0 + 12.0 * bl.len() as f32 + 10.0 * ids.len() as f32 + 6.0;
        if cx.v(2) {
            c.rect(bx - 10.0, by - 12.0, R - bx + 10.0, bh + 4.0, 0.6, Rgb::BLACK);
        }
        c.set_color(GRAY);
        c.text(bx, by, f, 7.5, &cx.lb.buyer);
        c.set_color(Rgb::BLACK);
        c.text(bx, by + 14.0, b, 10.0, &bl[0]);
        let yb = lines(c, bx, by + 26.0, f, 9.5, 12.0, &bl[1..]);
        lines(c, bx, yb + 2.0, f, 7.5, 10.0, &ids);

        // Title and facts.
        c.block();
        let ty = y.max(by + bh) + 28.0;
        if cx.v(4) {
            c.text_r(R, ty, b, 20.0, &cx.lb.title);
        } else {
            c.text(L, ty, b, 20.0, &cx.lb.title);
        }
        let items = cx.meta_items(true, true);
        if cx.v(0) {
            info_table(c, L, ty + 12.0, R - L, &items, b, 7.5, f, 9.0, Some(Rgb::gray(0.92))) + 18.0
        } else {
            let ls: Vec<String> = items.iter().map(|(l, v)| cx.kv(l, v)).collect();
            lines(c, L, ty + 22.0, f, 9.5, 13.0, &ls) + 8.0
        }
    }

    fn next(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        c.set_color(cx.h.accent);
        c.text(L, 50.0, cx.bold(), 12.0, cx.brand());
        c.set_color(Rgb::BLACK);
        c.text_r(R, 50.0, cx.body(), 10.0, &cx.cont_title());
        c.line(L, 58.0, R, 58.0, 0.5, GRAY);
        78.0
    }

    fn bottom(&self) -> f32 {
        770.0
    }

    fn tail_height(&self, cx: &Ctx, _t: &Table) -> f32 {
        let bd = if self.show_breakdown(cx) { breakdown_height(cx, 8.0) } else { 0.0 };
        let tot = totals_height(cx, 15.0);
        let notes: f32 = self.notes(cx).iter().map(|n| para_height(R - L, cx.body(), 7.5, 9.5, n)).sum();
        bd.max(tot) + 16.0 + notes + 10.0
    }

    fn tail(&self, cx: &mut Ctx, c: &mut Canvas, _t: &Table, y: f32) {
        c.block();
        let mut y1 = y;
        if self.show_breakdown(cx) {
            y1 = breakdown_table(cx, c, L, y, 250.0, 8.0, cx.v(16), false);
        }
        c.block();
        let y2 = totals_block(cx, c, 345.0, R - 4.0, y + 11.0, 9.5, 15.0, Some(Rgb::gray(0.88)));
        let mut yy = y1.max(y2 - 11.0) + 16.0;
        c.block();
        for n in self.notes(cx) {
            yy = para(c, L, yy, R - L, cx.body(), 7.5, 9.5, &n);
        }
    }

    fn footer(&self, cx: &mut Ctx, c: &mut Canvas, p: usize, n: usize) {
        c.set_color(GRAY);
        let mut y = 790.0;
        for l in cx.legal_lines() {
            for w in wrap(cx.body(), 7.0, &l, R - L) {
                c.text_c(297.5, y, cx.body(), 7.0, &w);
                y += 9.0;
            }
        }
        c.set_color(Rgb::BLACK);
        if n > 1 || cx.v(15) {
            c.text_r(R, 826.0, cx.body(), 8.0, &cx.page_label(p, n));
        }
    }
}
