//! Letter of a professional firm (accountant, lawyer), in a serif face: a
//! centred letterhead, the date only as "Paris, le 15 mars 2026", the number
//! in the subject line, a two-column list of fees, totals stacked or on one
//! line, and a signature.

use super::*;

pub(super) struct Letter;

pub(super) fn render(cx: &mut Ctx) {
    run(&Letter, cx);
}

const L: f32 = 70.0;
const R: f32 = 525.0;

impl Letter {
    fn show_breakdown(&self, cx: &Ctx) -> bool {
        cx.h.breakdown_table && cx.inv.breakdown.len() > 1
    }

    fn inline_totals(&self, cx: &Ctx) -> Option<String> {
        if !cx.v(1) {
            return None;
        }
        let s = cx
            .totals_rows()
            .iter()
            .map(|(l, v, _)| format!("{} {}", cx.colon(l), v))
            .collect::<Vec<_>>()
            .join(" — ");
        (width(cx.bold(), 10.0, &s) <= R - L).then_some(s)
    }

    fn closing(&self, cx: &Ctx) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(d) = cx.due_text() {
            v.push(d);
        } else {
            v.push(cx.terms_sentence());
        }
        let bank = cx.bank_lines().join(" – ");
        v.push(match cx.lang() {
            Lang::Fr => format!("Règlement par virement : {bank}"),
            Lang::En => format!("Payment by bank transfer: {bank}"),
            Lang::De => format!("Bitte überweisen Sie auf: {bank}"),
        });
        if cx.inv.reverse_charge {
            v.push(cx.lb.reverse_charge.clone());
        }
        if let Some(n) = cx.currency_note() {
            v.push(n);
        }
        if let Some(p) = cx.penalties() {
            v.push(p);
        }
        v.push(
            match cx.lang() {
                Lang::Fr => "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
                Lang::En => "Yours faithfully,",
                Lang::De => "Mit freundlichen Grüßen",
            }
            .into(),
        );
        v
    }

    fn subject(&self, cx: &Ctx) -> String {
        let inv = cx.inv;
        match (cx.lang(), inv.credit) {
            (Lang::Fr, false) => format!("Objet : {} n° {}", if cx.v(3) { "Note d'honoraires" } else { "Facture" }, inv.number),
            (Lang::Fr, true) => format!("Objet : Avoir n° {}", inv.number),
            (Lang::En, false) => format!("Re: Invoice no. {}", inv.number),
            (Lang::En, true) => format!("Re: Credit note no. {}", inv.number),
            (Lang::De, false) => format!("Rechnung Nr. {}", inv.number),
            (Lang::De, true) => format!("Gutschrift Nr. {}", inv.number),
        }
    }
}

impl Layout for Letter {
    fn table(&self, cx: &Ctx) -> Table {
        let mut cols = vec![Col::Desc];
        if cx.inv.breakdown.len() > 1 {
            cols.push(Col::Vat);
        }
        cols.push(Col::Amount);
        let st = TableStyle {
            font: cx.body(),
            size: 10.5,
            head_font: cx.bold(),
            head_size: 9.5,
            head_fill: None,
            head_color: Rgb::BLACK,
            grid: if cx.v(4) { Grid::HeadRule } else { Grid::None },
            zebra: None,
            rule: LIGHT,
            pad: 3.0,
            leading: 13.0,
            leaders: cx.v(2),
            head: cx.v(4),
        };
        Table::new(cx, &cols, L, R - L, st)
    }

    fn first(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        let (f, b) = (cx.body(), cx.bold());
        let d = cx.sup.def;
        let inv = cx.inv;
        // Letterhead, letter-spaced.
        c.set_tc(1.2);
        let head = if cx.v(5) { d.name.to_uppercase() } else { d.name.to_string() };
        let head = if width(b, 17.0, &head) + head.chars().count() as f32 * 1.2 > 500.0 {
            d.name.to_string()
        } else {
            head
        };
        c.text_c(297.5, 60.0, b, if head.len() > 40 { 14.0 } else { 17.0 }, &head);
        c.set_tc(0.0);
        c.set_color(GRAY);
        c.text_c(297.5, 76.0, f, 9.5, d.legal);
        let addr = format!("{} – {} – {} – {}", d.street, d.city, cx.sup.ids.phone, cx.sup.ids.email);
        c.text_c(297.5, 89.0, f, 8.0, &addr);
        c.set_color(Rgb::BLACK);
        c.line(L, 98.0, R, 98.0, 0.6, Rgb::BLACK);
        c.block();
        // Addressee: on the right in French letters, on the left elsewhere.
        let ax = if cx.lang() == Lang::Fr { 320.0 } else { L };
        let y = lines(c, ax, 150.0, f, 10.5, 13.0, &cx.buyer_lines(cx.v(6)));
        c.block();
        // Place and date, no "date" label.
        // "75004 Paris" → Paris; "London WC2A 3BP" → London.
        let town = if d.country == Country::Uk {
            d.city.split(' ').next().unwrap_or(d.city)
        } else {
            d.city.split_once(' ').map(|x| x.1).unwrap_or(d.city)
        };
        let dated = match cx.lang() {
            Lang::Fr => format!("{town}, le {}", cx.date(inv.date)),
            Lang::En => format!("{town}, {}", cx.date(inv.date)),
            Lang::De => format!("{town}, {}", cx.date(inv.date)),
        };
        let dy = y.max(200.0) + 18.0;
        c.text(if cx.lang() == Lang::Fr { 320.0 } else { L }, dy, f, 10.5, &dated);
        c.block();
        let mut y = dy + 32.0;
        c.text(L, y, b, 11.0, &self.subject(cx));
        y += 15.0;
        let mut refs = vec![cx.kv(&cx.lb.customer_no, &inv.customer_no)];
        if let Some(o) = cx.original_ref() {
            refs.push(o);
        }
        refs.push(match cx.lang() {
            Lang::Fr => format!("Dossier : {}-{}", inv.customer_no, inv.number.len() * 13),
            Lang::En => format!("Matter: {}/{}", inv.customer_no, inv.number.len() * 13),
            Lang::De => format!("Mandat: {}/{}", inv.customer_no, inv.number.len() * 13),
        });
        refs.extend(cx.buyer_ids());
        y = lines(c, L, y, f, 9.5, 12.0, &refs);
        c.block();
        let (hello, _) = cx.salutation();
        c.text(L, y + 14.0, f, 10.5, &hello);
        let body = match (cx.lang(), inv.period) {
            (Lang::Fr, Some((a, z))) => format!(
                "Nous vous prions de trouver ci-dessous le détail de nos honoraires pour la période du {} au {}.",
                cx.date(a),
                cx.date(z)
            ),
            (Lang::En, Some((a, z))) => format!("Please find below our fees for the period from {} to {}.", cx.date(a), cx.date(z)),
            (Lang::De, Some((a, z))) => format!(
                "für unsere Leistungen im Zeitraum {} bis {} erlauben wir uns zu berechnen:",
                cx.date(a),
                cx.date(z)
            ),
            _ => String::new(),
        };
        para(c, L, y + 30.0, R - L, f, 10.5, 13.0, &body) + 8.0
    }

    fn next(&self, cx: &mut Ctx, c: &mut Canvas) -> f32 {
        c.text_c(297.5, 55.0, cx.bold(), 11.0, cx.name());
        c.text(L, 85.0, cx.body(), 10.0, &cx.cont_title());
        100.0
    }

    fn bottom(&self) -> f32 {
        770.0
    }

    fn tail_height(&self, cx: &Ctx, _t: &Table) -> f32 {
        let tot = if self.inline_totals(cx).is_some() {
            30.0
        } else {
            totals_height(cx, 15.0) + 12.0
        };
        let tot = if self.show_breakdown(cx) {
            tot + breakdown_height(cx, 8.0) + 12.0
        } else {
            tot
        };
        tot + self.closing(cx).iter().map(|t| para_height(R - L, cx.body(), 9.5, 12.0, t) + 4.0).sum::<f32>() + 50.0
    }

    fn tail(&self, cx: &mut Ctx, c: &mut Canvas, _t: &Table, y: f32) {
        let (f, b) = (cx.body(), cx.bold());
        c.block();
        let mut y = y + 8.0;
        if let Some(s) = self.inline_totals(cx) {
            c.line(L, y - 4.0, R, y - 4.0, 0.5, Rgb::BLACK);
            c.text(L, y + 10.0, b, 10.0, &s);
            y += 30.0;
        } else {
            y = totals_block(cx, c, 330.0, R, y + 12.0, 10.5, 15.0, None) + 4.0;
        }
        if self.show_breakdown(cx) {
            c.block();
            y = breakdown_table(cx, c, L, y + 4.0, 260.0, 8.0, false, false) + 12.0;
        }
        c.block();
        for t in self.closing(cx) {
            y = para(c, L, y, R - L, f, 9.5, 12.0, &t) + 4.0;
        }
        c.text(340.0, y + 20.0, f, 10.5, cx.sup.def.manager);
    }

    fn footer(&self, cx: &mut Ctx, c: &mut Canvas, p: usize, n: usize) {
        c.set_color(GRAY);
        let mut y = 795.0;
        for l in cx.legal_lines() {
            for w in wrap(cx.body(), 7.0, &l, R - L) {
                c.text_c(297.5, y, cx.body(), 7.0, &w);
                y += 8.5;
            }
        }
        if n > 1 || cx.v(15) {
            c.text_c(297.5, 830.0, cx.body(), 8.0, &cx.page_label(p, n));
        }
        c.set_color(Rgb::BLACK);
    }
}
