//! Content-stream interpreter: text state, CTM, q/Q, Form XObjects, and the
//! text-showing operators, producing positioned glyphs in page display space.

use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, Stream};

use super::filters::{self, Budget};
use super::font::{Font, FontCache};
use super::layout::{Glyph, Sink};
use super::lexer::{decode_name, Lexer, Tok};
use super::util::{deref, dict_get, num, nums, Mat};

/// Hostile-input bounds (per page).
pub(super) const MAX_OPS_PER_PAGE: usize = 2_000_000;
pub(super) const MAX_GLYPHS_PER_PAGE: usize = 1_000_000;
pub(super) const MAX_GLYPHS_PER_DOC: usize = 4_000_000;
const MAX_FORM_DEPTH: usize = 12;
const MAX_GSTATE_DEPTH: usize = 1024;
const MAX_OPERANDS: usize = 8192;

/// Why interpretation stopped: the page is treated as damaged/hostile.
#[derive(Debug)]
pub(super) enum Stop {
    Budget,
    Operators,
    Glyphs,
}

impl From<filters::OverBudget> for Stop {
    fn from(_: filters::OverBudget) -> Self {
        Stop::Budget
    }
}

#[derive(Clone)]
pub(super) struct GState {
    ctm: Mat,
    font: Option<Rc<Font>>,
    fs: f64,
    tc: f64,
    tw: f64,
    th: f64,
    tl: f64,
    rise: f64,
}

impl GState {
    pub(super) fn new(ctm: Mat) -> Self {
        GState { ctm, font: None, fs: 0.0, tc: 0.0, tw: 0.0, th: 1.0, tl: 0.0, rise: 0.0 }
    }
}

#[derive(Clone, Copy)]
enum Arg<'a> {
    Num(f64),
    Name(&'a [u8]),
    Str(usize, usize),
    ArrOpen,
    ArrClose,
    Other,
}

pub(super) struct Interp<'d, 'c> {
    pub(super) doc: &'d Document,
    pub(super) fonts: &'c mut FontCache,
    pub(super) budget: &'c mut Budget,
    pub(super) sink: &'c mut Sink,
    /// User space -> page display space (crop box origin, y down, /Rotate).
    pub(super) page_m: Mat,
    pub(super) ops_left: usize,
    form_stack: Vec<usize>,
}

impl<'d, 'c> Interp<'d, 'c> {
    pub(super) fn new(doc: &'d Document, fonts: &'c mut FontCache, budget: &'c mut Budget, sink: &'c mut Sink, page_m: Mat) -> Self {
        Interp { doc, fonts, budget, sink, page_m, ops_left: MAX_OPS_PER_PAGE, form_stack: Vec::new() }
    }

    fn resource(&self, res: Option<&'d Dictionary>, category: &[u8], name: &[u8]) -> Option<&'d Object> {
        let cat = dict_get(self.doc, res?, category)?.as_dict().ok()?;
        dict_get(self.doc, cat, &decode_name(name))
    }

    /// Run a content stream with the given resources and initial state.
    pub(super) fn run(&mut self, content: &[u8], res: Option<&'d Dictionary>, mut gs: GState) -> Result<(), Stop> {
        let mut lx = Lexer::new(content);
        let mut strbuf: Vec<u8> = Vec::new();
        let mut args: Vec<Arg> = Vec::with_capacity(16);
        let mut stack: Vec<GState> = Vec::new();
        let mut overflow = 0usize;
        let mut tm = Mat::ID;
        let mut tlm = Mat::ID;
        loop {
            let op = match lx.next(&mut strbuf) {
                Tok::End => return Ok(()),
                Tok::Num(n) => {
                    args.push(Arg::Num(n));
                    None
                }
                Tok::Name(n) => {
                    args.push(Arg::Name(n));
                    None
                }
                Tok::Str(a, b) => {
                    args.push(Arg::Str(a, b));
                    None
                }
                Tok::ArrOpen => {
                    args.push(Arg::ArrOpen);
                    None
                }
                Tok::ArrClose => {
                    args.push(Arg::ArrClose);
                    None
                }
                Tok::DictOpen | Tok::DictClose => {
                    args.push(Arg::Other);
                    None
                }
                Tok::Op(op) => Some(op),
            };
            let Some(op) = op else {
                if args.len() > MAX_OPERANDS {
                    args.clear();
                    strbuf.clear();
                }
                continue;
            };
            if self.ops_left == 0 {
                return Err(Stop::Operators);
            }
            self.ops_left -= 1;
            let n = |i: usize| -> f64 {
                // Operand i of the last k operands, 0 when missing/not a number.
                match args.get(i) {
                    Some(Arg::Num(v)) => *v,
                    _ => 0.0,
                }
            };
            let tail = |k: usize| args.len().saturating_sub(k);
            match op {
                b"BT" => {
                    tm = Mat::ID;
                    tlm = Mat::ID;
                }
                b"Tf" => {
                    let t = tail(2);
                    if let Some(Arg::Name(name)) = args.get(t) {
                        gs.font = self.font(res, name)?;
                    }
                    gs.fs = n(t + 1);
                }
                b"Td" | b"TD" => {
                    let t = tail(2);
                    let (tx, ty) = (n(t), n(t + 1));
                    if op == b"TD" {
                        gs.tl = -ty;
                    }
                    tlm = translate(tx, ty, &tlm);
                    tm = tlm;
                }
                b"Tm" => {
                    let t = tail(6);
                    let m = Mat { a: n(t), b: n(t + 1), c: n(t + 2), d: n(t + 3), e: n(t + 4), f: n(t + 5) };
                    tlm = m;
                    tm = m;
                }
                b"T*" => {
                    tlm = translate(0.0, -gs.tl, &tlm);
                    tm = tlm;
                }
                b"Tj" | b"'" | b"\"" => {
                    if op == b"\"" {
                        let t = tail(3);
                        gs.tw = n(t);
                        gs.tc = n(t + 1);
                    }
                    if op != b"Tj" {
                        tlm = translate(0.0, -gs.tl, &tlm);
                        tm = tlm;
                    }
                    if let Some(&Arg::Str(a, b)) = args.last() {
                        self.show(&gs, &mut tm, &strbuf[a..b])?;
                    }
                }
                b"TJ" => {
                    let start = args.iter().rposition(|a| matches!(a, Arg::ArrOpen)).map_or(0, |p| p + 1);
                    for arg in &args[start..] {
                        match *arg {
                            Arg::Str(a, b) => self.show(&gs, &mut tm, &strbuf[a..b])?,
                            Arg::Num(v) => {
                                let adj = -v / 1000.0 * gs.fs;
                                let vertical = gs.font.as_ref().is_some_and(|f| f.vertical);
                                tm = if vertical { translate(0.0, adj, &tm) } else { translate(adj * gs.th, 0.0, &tm) };
                            }
                            _ => {}
                        }
                    }
                }
                b"Tc" => gs.tc = n(tail(1)),
                b"Tw" => gs.tw = n(tail(1)),
                b"Tz" => gs.th = n(tail(1)) / 100.0,
                b"TL" => gs.tl = n(tail(1)),
                b"Ts" => gs.rise = n(tail(1)),
                b"q" => {
                    if stack.len() < MAX_GSTATE_DEPTH {
                        stack.push(gs.clone());
                    } else {
                        overflow += 1;
                    }
                }
                b"Q" => {
                    if overflow > 0 {
                        overflow -= 1;
                    } else if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                b"cm" => {
                    let t = tail(6);
                    if args.len() >= 6 {
                        let m = Mat { a: n(t), b: n(t + 1), c: n(t + 2), d: n(t + 3), e: n(t + 4), f: n(t + 5) };
                        gs.ctm = m.then(&gs.ctm);
                    }
                }
                b"gs" => {
                    if let Some(Arg::Name(name)) = args.last() {
                        if let Some(Object::Dictionary(ext)) = self.resource(res, b"ExtGState", name) {
                            if let Some(Object::Array(f)) = dict_get(self.doc, ext, b"Font") {
                                if let (Some(Object::Dictionary(fd)), Some(size)) = (f.first().map(|o| deref(self.doc, o)), f.get(1).and_then(num)) {
                                    gs.font = Some(self.fonts.get(self.doc, fd, self.budget)?);
                                    gs.fs = size;
                                }
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(Arg::Name(name)) = args.last() {
                        if let Some(Object::Stream(s)) = self.resource(res, b"XObject", name) {
                            self.form(s, res, &gs, None)?;
                        }
                    }
                }
                b"BI" => {
                    // Inline image: skip its dictionary, then its binary data.
                    loop {
                        match lx.next(&mut strbuf) {
                            Tok::End => return Ok(()),
                            Tok::Op(b"ID") => break,
                            _ => {}
                        }
                    }
                    lx.skip_inline_image();
                }
                _ => {}
            }
            args.clear();
            strbuf.clear();
        }
    }

    fn font(&mut self, res: Option<&'d Dictionary>, name: &[u8]) -> Result<Option<Rc<Font>>, Stop> {
        match self.resource(res, b"Font", name) {
            Some(Object::Dictionary(d)) => Ok(Some(self.fonts.get(self.doc, d, self.budget)?)),
            _ => Ok(Some(self.fonts.fallback(self.doc, self.budget)?)),
        }
    }

    /// Run a Form XObject. `extra` is applied after /Matrix (annotation appearance placement).
    pub(super) fn form(&mut self, s: &'d Stream, parent_res: Option<&'d Dictionary>, gs: &GState, extra: Option<Mat>) -> Result<(), Stop> {
        // Images are skipped; appearance streams sometimes omit /Subtype /Form.
        if s.dict.get(b"Subtype").and_then(|o| o.as_name()).is_ok_and(|t| t != b"Form") {
            return Ok(());
        }
        let key = s as *const Stream as usize;
        if self.form_stack.len() >= MAX_FORM_DEPTH || self.form_stack.contains(&key) {
            return Ok(());
        }
        let Some(content) = filters::decode(self.doc, s, self.budget)? else { return Ok(()) };
        let matrix = s.dict.get(b"Matrix").ok().and_then(|o| Mat::new(&nums(self.doc, o))).unwrap_or(Mat::ID);
        let matrix = match extra {
            Some(e) => matrix.then(&e),
            None => matrix,
        };
        let res = dict_get(self.doc, &s.dict, b"Resources").and_then(|o| o.as_dict().ok()).or(parent_res);
        let mut inner = gs.clone();
        inner.ctm = matrix.then(&gs.ctm);
        self.form_stack.push(key);
        let r = self.run(&content, res, inner);
        self.form_stack.pop();
        r
    }

    /// Show a string: one glyph per character code, advancing the text matrix.
    fn show(&mut self, gs: &GState, tm: &mut Mat, bytes: &[u8]) -> Result<(), Stop> {
        let Some(font) = gs.font.clone() else { return Ok(()) };
        let fs = gs.fs;
        let th = gs.th;
        // T = Tm × CTM × P; each glyph only translates Tm, so T is updated in place.
        let g = gs.ctm.then(&self.page_m);
        let mut t = tm.then(&g);
        // Glyph box from baseline - 0.8 size to baseline + 0.2 size (no font metrics needed).
        let (y0, y1) = (-0.2, 0.8);
        let mut i = 0;
        while i < bytes.len() {
            let (code, nbytes) = font.next_code(bytes, &mut i);
            let w0 = font.width(code, nbytes);
            // Glyph matrix M = [fs·th 0 0 fs 0 rise] × T: glyph units are font-size units.
            let m = Mat {
                a: fs * th * t.a,
                b: fs * th * t.b,
                c: fs * t.c,
                d: fs * t.d,
                e: gs.rise * t.c + t.e,
                f: gs.rise * t.d + t.f,
            };
            let mut spacing = gs.tc;
            if nbytes == 1 && code == 32 {
                spacing += gs.tw;
            }
            if font.vertical {
                self.emit(&font, code, nbytes, &m, (-0.5, 0.5, -1.0, 0.0), (0.0, -1.0))?;
                let ty = -fs + spacing;
                t = translate(0.0, ty, &t);
                *tm = translate(0.0, ty, tm);
            } else {
                self.emit(&font, code, nbytes, &m, (0.0, w0, y0, y1), (w0, 0.0))?;
                let tx = (w0 * fs + spacing) * th;
                t = translate(tx, 0.0, &t);
                *tm = translate(tx, 0.0, tm);
            }
        }
        Ok(())
    }

    /// Record one glyph: `bx` is its box in glyph space, `adv` its advance end point.
    fn emit(&mut self, font: &Font, code: u32, nbytes: u8, m: &Mat, bx: (f64, f64, f64, f64), adv: (f64, f64)) -> Result<(), Stop> {
        let sink = &mut *self.sink;
        let start = sink.text.len();
        font.push_text(code, nbytes, &mut sink.text);
        let text = &sink.text[start..];
        if text.is_empty() {
            return Ok(());
        }
        if text.bytes().all(|b| b == b' ' || b == b'\n' || b == b'\r') {
            sink.text.truncate(start);
            sink.pending_space = true;
            return Ok(());
        }
        let size = m.c.hypot(m.d);
        if size.is_nan() || size <= 1e-3 || !size.is_finite() {
            sink.text.truncate(start);
            return Ok(());
        }
        let (ox, oy) = (m.e, m.f);
        let (ex, ey) = m.apply(adv.0, adv.1);
        // Text direction in display space: exact unit vector, keyed by whole degrees.
        let (mut dx, mut dy) = (ex - ox, ey - oy);
        if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
            if font.vertical {
                (dx, dy) = (-m.c, -m.d);
            } else {
                (dx, dy) = (m.a, m.b);
            }
        }
        let (dir, ux, uy) = direction(dx, dy);
        let along0 = ox * ux + oy * uy;
        let along1 = ex * ux + ey * uy;
        let across = oy * ux - ox * uy;
        let corners = [m.apply(bx.0, bx.2), m.apply(bx.1, bx.2), m.apply(bx.0, bx.3), m.apply(bx.1, bx.3)];
        let mut x0 = f64::INFINITY;
        let mut y0 = f64::INFINITY;
        let mut x1 = f64::NEG_INFINITY;
        let mut y1 = f64::NEG_INFINITY;
        for (x, y) in corners {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        // Off-page text is not shown; viewers and pdftotext drop it.
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        if !(cx >= -1.0 && cx <= sink.width + 1.0 && cy >= -1.0 && cy <= sink.height + 1.0) {
            sink.text.truncate(start);
            return Ok(());
        }
        // The same glyph drawn again at (almost) the same place: fake bold.
        if let Some(last) = sink.glyphs.last() {
            if last.dir == dir
                && (last.along0 - along0).abs() < 0.1 * size
                && (last.across - across).abs() < 0.1 * size
                && sink.text[last.start as usize..last.end as usize] == sink.text[start..]
            {
                sink.text.truncate(start);
                return Ok(());
            }
        }
        if sink.glyphs.len() >= sink.limit {
            return Err(Stop::Glyphs);
        }
        let space_before = std::mem::take(&mut sink.pending_space);
        sink.glyphs.push(Glyph {
            start: start as u32,
            end: sink.text.len() as u32,
            x0,
            y0,
            x1,
            y1,
            along0,
            along1,
            across,
            size,
            dir,
            space_before,
        });
        Ok(())
    }
}

/// Direction key in whole degrees (0 = left to right, 90 = downwards in
/// display space) and unit vector; near-axis directions snap to the axis so
/// rounding noise never splits a word.
fn direction(dx: f64, dy: f64) -> (u16, f64, f64) {
    let len = dx.hypot(dy);
    if len.is_nan() || len <= 0.0 || !len.is_finite() {
        return (0, 1.0, 0.0);
    }
    let (ux, uy) = (dx / len, dy / len);
    if uy.abs() < 0.01 {
        return if ux > 0.0 { (0, 1.0, 0.0) } else { (180, -1.0, 0.0) };
    }
    if ux.abs() < 0.01 {
        return if uy > 0.0 { (90, 0.0, 1.0) } else { (270, 0.0, -1.0) };
    }
    let deg = uy.atan2(ux).to_degrees().round().rem_euclid(360.0) as u16 % 360;
    (deg, ux, uy)
}

/// translate(tx, ty) × m
#[inline]
fn translate(tx: f64, ty: f64, m: &Mat) -> Mat {
    Mat { e: tx * m.a + ty * m.c + m.e, f: tx * m.b + ty * m.d + m.f, ..*m }
}
