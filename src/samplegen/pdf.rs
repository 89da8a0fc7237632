//! A small PDF 1.4 writer: standard-14 fonts in WinAnsiEncoding, text,
//! lines and rectangles, an exact xref table. Text placement varies the way
//! real producers do (whole lines, word by word, TJ arrays with kerning and
//! without space characters, glyph by glyph, Td or Tm, a flipped CTM), so
//! the project's text extractor meets them all.

use std::fmt::Write as _;

use super::metrics::{cp1252, Font};
use super::rng::Rng;

pub(crate) const PAGE_W: f32 = 595.0;
pub(crate) const PAGE_H: f32 = 842.0;

/// How a run of text becomes content-stream operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextMode {
    /// One `Tj` per line of text.
    Lines,
    /// One `Tj` per word, each word positioned, no space glyphs.
    Words,
    /// `TJ` arrays with kerning offsets between some glyph pairs.
    Kerned,
    /// One `Tj` per glyph (print drivers do this).
    Glyphs,
}

impl TextMode {
    pub fn name(self) -> &'static str {
        match self {
            TextMode::Lines => "lines",
            TextMode::Words => "words",
            TextMode::Kerned => "kerned",
            TextMode::Glyphs => "glyphs",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TextOpts {
    pub mode: TextMode,
    /// Absolute `Tm` instead of `Td`.
    pub use_tm: bool,
    /// Kerned mode: word gaps as TJ offsets instead of space glyphs (pdfTeX does this).
    pub drop_spaces: bool,
    /// Whole page under `1 0 0 -1 0 842 cm` (Skia/Chrome do this).
    pub flip_y: bool,
    /// Font resource names, by `Font::index`.
    pub font_names: [String; 6],
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
    pub const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);
    pub fn gray(v: f32) -> Rgb {
        Rgb(v, v, v)
    }
}

/// U+202F (narrow no-break space) is not in CP1252: producers that want it
/// draw a gap instead, 0.17 em.
const NARROW_GAP: i32 = -170;

#[derive(Debug, Clone, Copy)]
enum Item {
    G(u8),
    /// A TJ offset, 1/1000 em; positive moves the next glyph left.
    Off(i32),
}

/// Width of `s` in points, without kerning (for layout planning).
pub(crate) fn width(font: Font, size: f32, s: &str) -> f32 {
    let mut u = 0i32;
    for c in s.chars() {
        u += match c {
            '\u{202F}' => -NARROW_GAP,
            c => font.advance(cp1252(c).unwrap_or(b'?')) as i32,
        };
    }
    u as f32 * size / 1000.0
}

/// Splits `text` into lines no wider than `max_w`.
pub(crate) fn wrap(font: Font, size: f32, text: &str, max_w: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let candidate = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        if width(font, size, &candidate) <= max_w || cur.is_empty() {
            cur = candidate;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Shortest decimal form: "12", "12.5", "12.35".
fn n(v: f32) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn pdf_string(out: &mut String, bytes: &[u8]) {
    out.push('(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7E => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{:03o}", b);
            }
        }
    }
    out.push(')');
}

/// One page being drawn. Coordinates are top-down (y = distance from the
/// top edge, text at its baseline), converted on output.
pub(crate) struct Canvas {
    opts: TextOpts,
    rng: Rng,
    /// Background fills: always drawn first so that shuffled blocks never
    /// paint over text.
    bg: String,
    blocks: Vec<String>,
    cur: String,
    color: Rgb,
    tc: f32,
    pub fonts_used: [bool; 6],
}

impl Canvas {
    pub fn new(opts: TextOpts, rng: Rng) -> Canvas {
        Canvas {
            opts,
            rng,
            bg: String::new(),
            blocks: Vec::new(),
            cur: String::new(),
            color: Rgb::BLACK,
            tc: 0.0,
            fonts_used: [false; 6],
        }
    }

    /// Starts a new block: blocks may be emitted in any order.
    pub fn block(&mut self) {
        if !self.cur.is_empty() {
            self.blocks.push(std::mem::take(&mut self.cur));
        }
    }

    pub fn set_color(&mut self, c: Rgb) {
        self.color = c;
    }

    /// Character spacing (Tc) for letter-spaced titles; 0 to reset.
    pub fn set_tc(&mut self, tc: f32) {
        self.tc = tc;
    }

    fn y(&self, y: f32) -> f32 {
        if self.opts.flip_y {
            y
        } else {
            PAGE_H - y
        }
    }

    fn build_run(&mut self, font: Font, s: &str) -> Vec<Item> {
        let kerned = self.opts.mode == TextMode::Kerned;
        let mut items = Vec::with_capacity(s.len() + 4);
        let mut prev_letter = false;
        for c in s.chars() {
            if c == '\u{202F}' {
                items.push(Item::Off(NARROW_GAP));
                prev_letter = false;
                continue;
            }
            if c == ' ' && kerned && self.opts.drop_spaces {
                let jitter = self.rng.range(0, 30) as i32;
                items.push(Item::Off(-(font.advance(b' ') as i32) - jitter));
                prev_letter = false;
                continue;
            }
            let letter = c.is_alphabetic();
            if kerned && prev_letter && letter && self.rng.chance(14) {
                let k = if self.rng.chance(75) {
                    self.rng.range(10, 55)
                } else {
                    -self.rng.range(5, 25)
                };
                items.push(Item::Off(k as i32));
            }
            items.push(Item::G(cp1252(c).unwrap_or(b'?')));
            prev_letter = letter;
        }
        items
    }

    /// Advance of each item in points.
    fn advances(&self, font: Font, size: f32, items: &[Item]) -> Vec<f32> {
        items
            .iter()
            .map(|it| match *it {
                Item::G(b) => font.advance(b) as f32 * size / 1000.0 + self.tc,
                Item::Off(o) => -(o as f32) * size / 1000.0,
            })
            .collect()
    }

    fn pos(&self, x: f32, y: f32) -> String {
        let py = self.y(y);
        if self.opts.flip_y {
            format!("1 0 0 -1 {} {} Tm", n(x), n(py))
        } else if self.opts.use_tm {
            format!("1 0 0 1 {} {} Tm", n(x), n(py))
        } else {
            format!("{} {} Td", n(x), n(py))
        }
    }

    /// Colour and character spacing persist across text objects, so a run
    /// that changes them is wrapped in q/Q: black, unspaced text needs no
    /// state, whatever order the blocks end up in.
    fn scoped(&self) -> bool {
        self.color != Rgb::BLACK || self.tc != 0.0
    }

    fn begin_text(&mut self, font: Font, size: f32) {
        self.fonts_used[font.index()] = true;
        let name = self.opts.font_names[font.index()].clone();
        if self.scoped() {
            self.cur.push_str("q ");
        }
        let _ = write!(self.cur, "BT\n/{} {} Tf\n", name, n(size));
        if self.color != Rgb::BLACK {
            let _ = writeln!(self.cur, "{} {} {} rg", n(self.color.0), n(self.color.1), n(self.color.2));
        }
        if self.tc != 0.0 {
            let _ = writeln!(self.cur, "{} Tc", n(self.tc));
        }
    }

    fn end_text(&mut self) {
        self.cur.push_str(if self.scoped() { "ET Q\n" } else { "ET\n" });
    }

    fn show(out: &mut String, items: &[Item]) {
        if items.iter().all(|i| matches!(i, Item::G(_))) {
            let bytes: Vec<u8> = items.iter().map(|i| if let Item::G(b) = i { *b } else { 0 }).collect();
            pdf_string(out, &bytes);
            out.push_str(" Tj\n");
            return;
        }
        out.push('[');
        let mut pending: Vec<u8> = Vec::new();
        for it in items {
            match *it {
                Item::G(b) => pending.push(b),
                Item::Off(o) => {
                    if !pending.is_empty() {
                        pdf_string(out, &pending);
                        pending.clear();
                    }
                    let _ = write!(out, " {} ", o);
                }
            }
        }
        if !pending.is_empty() {
            pdf_string(out, &pending);
        }
        out.push_str("] TJ\n");
    }

    /// Moves from the previous piece to x (same baseline) in the current mode.
    fn move_to(&mut self, last_x: &mut f32, x: f32, y: f32) {
        if self.opts.use_tm || self.opts.flip_y {
            let p = self.pos(x, y);
            self.cur.push_str(&p);
        } else {
            let _ = write!(self.cur, "{} 0 Td", n(x - *last_x));
        }
        self.cur.push('\n');
        *last_x = x;
    }

    /// Draws `s` with its left end at x; returns its width.
    pub fn text(&mut self, x: f32, y: f32, font: Font, size: f32, s: &str) -> f32 {
        if s.is_empty() {
            return 0.0;
        }
        let items = self.build_run(font, s);
        let adv = self.advances(font, size, &items);
        let w: f32 = adv.iter().sum();
        self.emit(x, y, font, size, &items, &adv);
        w
    }

    /// Draws `s` ending at x_right; returns its left x.
    pub fn text_r(&mut self, x_right: f32, y: f32, font: Font, size: f32, s: &str) -> f32 {
        let items = self.build_run(font, s);
        let adv = self.advances(font, size, &items);
        let w: f32 = adv.iter().sum();
        self.emit(x_right - w, y, font, size, &items, &adv);
        x_right - w
    }

    pub fn text_c(&mut self, x_center: f32, y: f32, font: Font, size: f32, s: &str) {
        let items = self.build_run(font, s);
        let adv = self.advances(font, size, &items);
        let w: f32 = adv.iter().sum();
        self.emit(x_center - w / 2.0, y, font, size, &items, &adv);
    }

    fn emit(&mut self, x: f32, y: f32, font: Font, size: f32, items: &[Item], adv: &[f32]) {
        self.begin_text(font, size);
        match self.opts.mode {
            TextMode::Lines | TextMode::Kerned => {
                let p = self.pos(x, y);
                self.cur.push_str(&p);
                self.cur.push('\n');
                Self::show(&mut self.cur, items);
            }
            TextMode::Words => {
                // Words are the runs between space glyphs; the spaces are not drawn.
                let mut last_x = x;
                let mut first = true;
                let mut start = 0;
                let mut cx = x;
                let mut wx = x;
                for i in 0..=items.len() {
                    // Only real spaces split words: an NBSP is a glyph inside a word.
                    let is_space = i < items.len() && matches!(items[i], Item::G(b' '));
                    if i == items.len() || is_space {
                        if i > start {
                            if first {
                                let p = self.pos(wx, y);
                                self.cur.push_str(&p);
                                self.cur.push('\n');
                                last_x = wx;
                                first = false;
                            } else {
                                self.move_to(&mut last_x, wx, y);
                            }
                            Self::show(&mut self.cur, &items[start..i]);
                        }
                        if i < items.len() {
                            cx += adv[i];
                        }
                        start = i + 1;
                        wx = cx;
                    } else {
                        cx += adv[i];
                    }
                }
            }
            TextMode::Glyphs => {
                let mut last_x = x;
                let mut first = true;
                let mut cx = x;
                for (i, it) in items.iter().enumerate() {
                    if let Item::G(b) = *it {
                        if b != b' ' {
                            if first {
                                let p = self.pos(cx, y);
                                self.cur.push_str(&p);
                                self.cur.push('\n');
                                last_x = cx;
                                first = false;
                            } else {
                                self.move_to(&mut last_x, cx, y);
                            }
                            Self::show(&mut self.cur, &items[i..i + 1]);
                        }
                    }
                    cx += adv[i];
                }
            }
        }
        self.end_text();
    }

    /// Text rotated 90° counter-clockwise, reading bottom to top from (x, y).
    pub fn text_rot90(&mut self, x: f32, y: f32, font: Font, size: f32, s: &str) {
        let items: Vec<Item> = s.chars().map(|c| Item::G(cp1252(c).unwrap_or(b'?'))).collect();
        self.begin_text(font, size);
        let py = self.y(y);
        let m = if self.opts.flip_y {
            format!("0 -1 -1 0 {} {} Tm\n", n(x), n(py))
        } else {
            format!("0 1 -1 0 {} {} Tm\n", n(x), n(py))
        };
        self.cur.push_str(&m);
        Self::show(&mut self.cur, &items);
        self.end_text();
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, lw: f32, c: Rgb) {
        let (a, b) = (self.y(y1), self.y(y2));
        let _ = writeln!(
            self.cur,
            "q {} w {} {} {} RG {} {} m {} {} l S Q",
            n(lw),
            n(c.0),
            n(c.1),
            n(c.2),
            n(x1),
            n(a),
            n(x2),
            n(b)
        );
    }

    /// Rectangle with its top-left corner at (x, y_top).
    pub fn rect(&mut self, x: f32, y_top: f32, w: f32, h: f32, lw: f32, c: Rgb) {
        let yb = if self.opts.flip_y { y_top } else { PAGE_H - y_top - h };
        let _ = writeln!(
            self.cur,
            "q {} w {} {} {} RG {} {} {} {} re S Q",
            n(lw),
            n(c.0),
            n(c.1),
            n(c.2),
            n(x),
            n(yb),
            n(w),
            n(h)
        );
    }

    /// Filled rectangle in the background layer.
    pub fn fill(&mut self, x: f32, y_top: f32, w: f32, h: f32, c: Rgb) {
        let yb = if self.opts.flip_y { y_top } else { PAGE_H - y_top - h };
        let _ = writeln!(self.bg, "q {} {} {} rg {} {} {} {} re f Q", n(c.0), n(c.1), n(c.2), n(x), n(yb), n(w), n(h));
    }

    /// The page's content stream; with `shuffle`, blocks are written in a
    /// random order (producers do not write top to bottom).
    pub fn finish(mut self, shuffle: bool) -> (Vec<u8>, [bool; 6]) {
        self.block();
        let mut blocks = std::mem::take(&mut self.blocks);
        if shuffle {
            self.rng.shuffle(&mut blocks);
        }
        let mut out = String::new();
        if self.opts.flip_y {
            let _ = writeln!(out, "q 1 0 0 -1 0 {} cm", n(PAGE_H));
        }
        out.push_str(&self.bg);
        for b in blocks {
            out.push_str(&b);
        }
        if self.opts.flip_y {
            out.push_str("Q\n");
        }
        (out.into_bytes(), self.fonts_used)
    }
}

pub(crate) struct PageOut {
    pub content: Vec<u8>,
    pub fonts: [bool; 6],
}

pub(crate) struct Meta {
    pub title: String,
    pub author: String,
    /// PDF date, e.g. "D:20260315093000+01'00'".
    pub created: String,
    pub creator: String,
}

fn info_string(s: &str) -> String {
    let bytes: Vec<u8> = s.chars().map(|c| cp1252(c).unwrap_or(b'?')).collect();
    let mut out = String::new();
    pdf_string(&mut out, &bytes);
    out
}

/// Serializes pages into a complete PDF file.
pub(crate) fn write_pdf(pages: Vec<PageOut>, meta: &Meta, font_names: &[String; 6], compress: bool, id: u64) -> Vec<u8> {
    let mut used = [false; 6];
    for p in &pages {
        for (u, f) in used.iter_mut().zip(p.fonts) {
            *u |= f;
        }
    }
    // Object numbers: 1 catalog, 2 page tree, fonts, then page + content pairs, then info.
    let mut next = 3;
    let mut font_obj = [0usize; 6];
    for f in Font::ALL {
        if used[f.index()] {
            font_obj[f.index()] = next;
            next += 1;
        }
    }
    let first_page = next;
    let info_obj = first_page + 2 * pages.len();
    let total = info_obj + 1;

    let mut objs: Vec<Vec<u8>> = vec![Vec::new(); total];
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>".to_vec();
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    objs[2] = format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes();
    for f in Font::ALL {
        if used[f.index()] {
            objs[font_obj[f.index()]] = format!("<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>", f.base_name()).into_bytes();
        }
    }
    for (i, p) in pages.into_iter().enumerate() {
        let page_no = first_page + 2 * i;
        let mut fonts = String::new();
        for f in Font::ALL {
            if p.fonts[f.index()] {
                let _ = write!(fonts, "/{} {} 0 R ", font_names[f.index()], font_obj[f.index()]);
            }
        }
        objs[page_no] = format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << {}>> /ProcSet [/PDF /Text] >> /Contents {} 0 R >>",
            n(PAGE_W),
            n(PAGE_H),
            fonts,
            page_no + 1
        )
        .into_bytes();
        let (data, filter) = if compress {
            let mut s = lopdf::Stream::new(lopdf::Dictionary::new(), p.content.clone());
            match s.compress() {
                Ok(()) if s.dict.get(b"Filter").is_ok() => (s.content, " /Filter /FlateDecode"),
                _ => (p.content, ""),
            }
        } else {
            (p.content, "")
        };
        let mut o = format!("<< /Length {}{} >>\nstream\n", data.len(), filter).into_bytes();
        o.extend_from_slice(&data);
        o.extend_from_slice(b"\nendstream");
        objs[page_no + 1] = o;
    }
    objs[info_obj] = format!(
        "<< /Title {} /Author {} /Creator {} /Producer (paperledger samplegen - synthetic test document) /CreationDate ({}) /ModDate ({}) >>",
        info_string(&meta.title),
        info_string(&meta.author),
        info_string(&meta.creator),
        meta.created,
        meta.created
    )
    .into_bytes();

    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = vec![0usize; total];
    for (i, o) in objs.iter().enumerate().skip(1) {
        offsets[i] = out.len();
        out.extend_from_slice(format!("{i} 0 obj\n").as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    // Each xref entry is exactly 20 bytes, EOL included.
    let mut x = format!("xref\n0 {total}\n0000000000 65535 f \n");
    for off in offsets.iter().skip(1) {
        let _ = writeln!(x, "{:010} 00000 n ", off);
    }
    let idhex = format!("{:016x}{:016x}", id, id.rotate_left(29) ^ 0x5A5A_A5A5_0F0F_F0F0);
    let _ = write!(
        x,
        "trailer\n<< /Size {total} /Root 1 0 R /Info {info_obj} 0 R /ID [<{idhex}> <{idhex}>] >>\nstartxref\n{xref}\n%%EOF\n"
    );
    out.extend_from_slice(x.as_bytes());
    out
}
