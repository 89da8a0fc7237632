//! Fonts: character codes -> Unicode text and advance widths.
//!
//! Unicode comes, in order of preference, from the font's /ToUnicode CMap,
//! then from glyph names (/Encoding, /Differences, a Type1 program's built-in
//! encoding) through the Adobe Glyph List. Widths come from /Widths or /W, and
//! for the standard 14 fonts without widths from their AFM metrics.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::filters::{self, Budget, OverBudget};
use super::lexer::{Lexer, Tok};
use super::tables;
use super::util::{deref, dict_get, num, FastMap};

const REPLACEMENT: char = '\u{FFFD}';

pub(super) struct Font {
    kind: Kind,
    /// Unicode text of codes, referenced by ranges.
    pool: String,
    /// Glyph-space width units -> text space (1/1000 except Type3 fonts).
    pub(super) wscale: f64,
    /// Vertical writing mode (Identity-V and WMode 1 CMaps).
    pub(super) vertical: bool,
}

enum Kind {
    Simple(Box<[SimpleCode; 256]>),
    Composite(Box<Composite>),
}

#[derive(Clone, Copy, Default)]
struct SimpleCode {
    start: u32,
    len: u16,
    /// In glyph units (already text space for simple fonts: see `wscale`).
    width: f32,
}

struct Composite {
    /// (byte length, low bound, high bound), codes compared bytewise.
    codespace: Vec<(u8, [u8; 4], [u8; 4])>,
    identity: bool,
    cid_chars: FastMap<u32, u32>,
    /// (low code, high code, first CID), sorted by low code.
    cid_ranges: Vec<(u32, u32, u32)>,
    /// (low CID, high CID, width), sorted by low CID.
    widths: Vec<(u32, u32, f32)>,
    default_width: f32,
    to_unicode: Option<ToUnicode>,
    /// Predefined Uni*-UCS2/UTF16 CMaps: the code is the Unicode value.
    ucs2: bool,
}

/// A parsed /ToUnicode CMap. Texts live in the owning font's pool.
#[derive(Default)]
struct ToUnicode {
    /// key = byte length << 32 | code -> (pool start, pool len)
    chars: FastMap<u64, (u32, u16)>,
    ranges: Vec<UniRange>,
    codespace: Vec<(u8, [u8; 4], [u8; 4])>,
}

struct UniRange {
    lo: u32,
    hi: u32,
    len: u8,
    /// UTF-16 of the first code's text; the last unit is incremented along the range.
    base: Vec<u16>,
}

impl Font {
    /// Split the next character code off `s` at `*i`: (code, byte length).
    #[inline]
    pub(super) fn next_code(&self, s: &[u8], i: &mut usize) -> (u32, u8) {
        match &self.kind {
            Kind::Simple(_) => {
                let c = s[*i] as u32;
                *i += 1;
                (c, 1)
            }
            Kind::Composite(c) => {
                let n = c.code_len(&s[*i..]);
                let code = s[*i..*i + n].iter().fold(0u32, |a, &b| a << 8 | b as u32);
                *i += n;
                (code, n as u8)
            }
        }
    }

    /// Advance width in text space units (multiply by the font size).
    #[inline]
    pub(super) fn width(&self, code: u32, _len: u8) -> f64 {
        match &self.kind {
            Kind::Simple(t) => t[code as usize & 0xff].width as f64 * self.wscale,
            Kind::Composite(c) => c.width(c.cid(code)) as f64 * self.wscale,
        }
    }

    /// Append the code's Unicode text to `out`.
    #[inline]
    pub(super) fn push_text(&self, code: u32, len: u8, out: &mut String) {
        match &self.kind {
            Kind::Simple(t) => {
                let e = t[code as usize & 0xff];
                out.push_str(&self.pool[e.start as usize..e.start as usize + e.len as usize]);
            }
            Kind::Composite(c) => {
                if let Some(tu) = &c.to_unicode {
                    if let Some(&(s, l)) = tu.chars.get(&((len as u64) << 32 | code as u64)) {
                        out.push_str(&self.pool[s as usize..s as usize + l as usize]);
                        return;
                    }
                    if let Some(r) = tu.range(code, len) {
                        r.push(code, out);
                        return;
                    }
                }
                if c.ucs2 {
                    push_normalized(char::from_u32(code).unwrap_or(REPLACEMENT), out);
                } else {
                    out.push(REPLACEMENT);
                }
            }
        }
    }
}

impl Composite {
    #[inline]
    fn code_len(&self, s: &[u8]) -> usize {
        if self.identity || self.codespace.is_empty() {
            return s.len().min(2);
        }
        for &(n, lo, hi) in &self.codespace {
            let n = n as usize;
            if n <= s.len() && (0..n).all(|k| s[k] >= lo[k] && s[k] <= hi[k]) {
                return n;
            }
        }
        // No range matches: consume as many bytes as the shortest range whose first byte fits.
        self.codespace
            .iter()
            .filter(|(_, lo, hi)| s[0] >= lo[0] && s[0] <= hi[0])
            .map(|&(n, _, _)| n as usize)
            .min()
            .unwrap_or(1)
            .min(s.len())
    }

    #[inline]
    fn cid(&self, code: u32) -> u32 {
        if self.identity {
            return code;
        }
        if let Some(&cid) = self.cid_chars.get(&code) {
            return cid;
        }
        let i = self.cid_ranges.partition_point(|r| r.0 <= code);
        if i > 0 {
            let (lo, hi, cid) = self.cid_ranges[i - 1];
            if code <= hi {
                return cid + (code - lo);
            }
        }
        if self.ucs2 {
            code
        } else {
            0
        }
    }

    #[inline]
    fn width(&self, cid: u32) -> f32 {
        let i = self.widths.partition_point(|r| r.0 <= cid);
        if i > 0 {
            let (_, hi, w) = self.widths[i - 1];
            if cid <= hi {
                return w;
            }
        }
        self.default_width
    }
}

impl UniRange {
    /// Text of `code`: the base with its last UTF-16 unit advanced, without allocating.
    fn push(&self, code: u32, out: &mut String) {
        let n = self.base.len().min(8);
        if n == 0 {
            return;
        }
        let mut u = [0u16; 8];
        u[..n].copy_from_slice(&self.base[..n]);
        u[n - 1] = u[n - 1].wrapping_add((code - self.lo) as u16);
        push_utf16(&u[..n], out);
    }
}

impl ToUnicode {
    fn range(&self, code: u32, len: u8) -> Option<&UniRange> {
        let i = self.ranges.partition_point(|r| r.lo <= code);
        self.ranges[..i].iter().rev().take(8).find(|r| r.len == len && code <= r.hi)
    }
}

/// Append Unicode for display-equivalent text: ligatures expanded, the many
/// space characters turned into U+0020 so word splitting sees them.
#[inline]
pub(super) fn push_normalized(c: char, out: &mut String) {
    match c {
        '\u{FB00}' => out.push_str("ff"),
        '\u{FB01}' => out.push_str("fi"),
        '\u{FB02}' => out.push_str("fl"),
        '\u{FB03}' => out.push_str("ffi"),
        '\u{FB04}' => out.push_str("ffl"),
        '\u{FB05}' => out.push_str("ſt"),
        '\u{FB06}' => out.push_str("st"),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\t' => out.push(' '),
        '\u{00AD}' => out.push('-'),
        // Zero-width characters carry nothing visible.
        '\u{200B}'..='\u{200D}' | '\u{FEFF}' => {}
        c => out.push(c),
    }
}

fn push_utf16(units: &[u16], out: &mut String) {
    for c in char::decode_utf16(units.iter().copied()) {
        push_normalized(c.unwrap_or(REPLACEMENT), out);
    }
}

/// Text from a ToUnicode target is usable unless empty or only controls /
/// private-use code points (producers emit those for glyphs they could not map).
fn usable(text: &str) -> bool {
    text.chars().any(|c| !c.is_control() && !('\u{E000}'..='\u{F8FF}').contains(&c))
}

/// The glyph list as a hash map, built once per process: fonts look up 256
/// names each, and a binary search over 4,700 strings showed in profiles.
fn glyph_names() -> &'static FastMap<&'static str, u16> {
    static MAP: std::sync::OnceLock<FastMap<&'static str, u16>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| tables::GLYPH_NAMES.iter().copied().collect())
}

/// Unicode of a glyph name: AGL lookup, then uniXXXX / uXXXXXX, then
/// `base.suffix` and `a_b` ligature forms.
pub(super) fn glyph_name_text(name: &[u8], zapf: bool, out: &mut String) -> bool {
    let Ok(name) = std::str::from_utf8(name) else { return false };
    if zapf {
        if let Ok(i) = tables::ZAPF_NAMES.binary_search_by(|(n, _)| n.cmp(&name)) {
            push_normalized(char::from_u32(tables::ZAPF_NAMES[i].1 as u32).unwrap_or(REPLACEMENT), out);
            return true;
        }
    }
    if let Some(&u) = glyph_names().get(name) {
        push_normalized(char::from_u32(u as u32).unwrap_or(REPLACEMENT), out);
        return true;
    }
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let units: Vec<u16> = hex.as_bytes().chunks(4).map(|c| u16::from_str_radix(std::str::from_utf8(c).unwrap_or("0"), 16).unwrap_or(0)).collect();
            push_utf16(&units, out);
            return true;
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                push_normalized(c, out);
                return true;
            }
        }
    }
    if let Some((base, _)) = name.split_once('.') {
        if !base.is_empty() {
            return glyph_name_text(base.as_bytes(), zapf, out);
        }
    }
    if name.contains('_') {
        let mark = out.len();
        for part in name.split('_') {
            if !glyph_name_text(part.as_bytes(), zapf, out) {
                out.truncate(mark);
                return false;
            }
        }
        return true;
    }
    false
}

/// Which of the standard 14 fonts a /BaseFont names (also common aliases: Arial, Times New Roman, Courier New).
pub(super) fn core14(base: &[u8]) -> Option<&'static str> {
    let mut name = base;
    if name.len() > 7 && name[6] == b'+' && name[..6].iter().all(|b| b.is_ascii_uppercase()) {
        name = &name[7..];
    }
    let lower: String = name.iter().filter(|b| !matches!(b, b' ' | b'-' | b',' | b'_')).map(|b| b.to_ascii_lowercase() as char).collect();
    let bold = lower.contains("bold") || lower.contains("black") || lower.contains("heavy");
    let italic = lower.contains("italic") || lower.contains("oblique");
    let pick = |r: &'static str, b: &'static str, i: &'static str, bi: &'static str| match (bold, italic) {
        (false, false) => r,
        (true, false) => b,
        (false, true) => i,
        (true, true) => bi,
    };
    if lower.starts_with("helvetica") || lower.starts_with("arial") {
        Some(pick("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"))
    } else if lower.starts_with("times") {
        Some(pick("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"))
    } else if lower.starts_with("courier") {
        Some(pick("Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique"))
    } else if lower.starts_with("symbol") {
        Some("Symbol")
    } else if lower.starts_with("zapfdingbats") || lower.starts_with("dingbats") {
        Some("ZapfDingbats")
    } else {
        None
    }
}

fn core14_width(font: &str, name: &[u8]) -> Option<f32> {
    let widths = tables::LATIN_WIDTHS.iter().find(|(n, _)| *n == font)?;
    let name = std::str::from_utf8(name).ok()?;
    let i = tables::LATIN_GLYPHS.binary_search(&name).ok()?;
    Some(widths.1[i] as f32)
}

/// Load a font dictionary. Never fails: unknown pieces degrade to U+FFFD text
/// and default widths, as a viewer would still show something.
pub(super) fn load(doc: &Document, dict: &Dictionary, budget: &mut Budget) -> Result<Font, OverBudget> {
    let subtype = dict_get(doc, dict, b"Subtype").and_then(|o| o.as_name().ok()).unwrap_or(b"Type1");
    if subtype == b"Type0" {
        load_composite(doc, dict, budget)
    } else {
        load_simple(doc, dict, subtype, budget)
    }
}

fn load_simple(doc: &Document, dict: &Dictionary, subtype: &[u8], budget: &mut Budget) -> Result<Font, OverBudget> {
    let base_font = dict_get(doc, dict, b"BaseFont").and_then(|o| o.as_name().ok()).unwrap_or(b"");
    let std = core14(base_font);
    let descriptor = dict_get(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok());
    let flags = descriptor.and_then(|d| dict_get(doc, d, b"Flags")).and_then(num).unwrap_or(0.0) as i64;
    let symbolic = flags & 4 != 0 && flags & 32 == 0;
    let is_type3 = subtype == b"Type3";

    // Base encoding, then /Differences on top.
    let mut names: [Option<&[u8]>; 256] = [None; 256];
    let mut builtin: Vec<Option<Vec<u8>>> = Vec::new();
    let encoding = dict_get(doc, dict, b"Encoding");
    let (base_name, differences) = match encoding {
        Some(Object::Name(n)) => (Some(n.as_slice()), None),
        Some(Object::Dictionary(d)) => (
            dict_get(doc, d, b"BaseEncoding").and_then(|o| o.as_name().ok()),
            dict_get(doc, d, b"Differences").and_then(|o| o.as_array().ok()),
        ),
        _ => (None, None),
    };
    let zapf = std == Some("ZapfDingbats");
    let base_table: Option<&[&str; 256]> = match base_name {
        Some(b"WinAnsiEncoding") => Some(&tables::WIN_ANSI),
        Some(b"MacRomanEncoding") => Some(&tables::MAC_ROMAN),
        Some(b"MacExpertEncoding") => Some(&tables::MAC_EXPERT),
        Some(b"StandardEncoding") => Some(&tables::STANDARD),
        _ => None,
    };
    if let Some(t) = base_table {
        for (c, n) in t.iter().enumerate() {
            if !n.is_empty() {
                names[c] = Some(n.as_bytes());
            }
        }
    } else {
        // The font's built-in encoding.
        let file = descriptor.and_then(|d| dict_get(doc, d, b"FontFile")).and_then(|o| o.as_stream().ok());
        if let Some(file) = file {
            builtin = type1_builtin_encoding(doc, file, budget)?;
        }
        let t: Option<&[&str; 256]> = if std == Some("Symbol") {
            Some(&tables::SYMBOL)
        } else if zapf {
            Some(&tables::ZAPF_DINGBATS)
        } else if !builtin.is_empty() || is_type3 || (symbolic && subtype == b"TrueType") {
            None
        } else if subtype == b"TrueType" {
            Some(&tables::WIN_ANSI)
        } else {
            Some(&tables::STANDARD)
        };
        if let Some(t) = t {
            for (c, n) in t.iter().enumerate() {
                if !n.is_empty() {
                    names[c] = Some(n.as_bytes());
                }
            }
        }
        for (c, n) in builtin.iter().enumerate().take(256) {
            if let Some(n) = n {
                names[c] = Some(n.as_slice());
            }
        }
    }
    if let Some(diffs) = differences {
        let mut code: usize = 0;
        for o in diffs {
            match deref(doc, o) {
                Object::Integer(i) => code = (*i).clamp(0, 256) as usize,
                Object::Real(r) => code = (*r as i64).clamp(0, 256) as usize,
                Object::Name(n) => {
                    if code < 256 {
                        names[code] = Some(n.as_slice());
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }

    let to_unicode = load_to_unicode(doc, dict, budget)?;
    let mut pool = String::new();
    let mut table = Box::new([SimpleCode::default(); 256]);
    for c in 0..256usize {
        let start = pool.len();
        let mut done = false;
        if let Some((tu, tpool)) = &to_unicode {
            let hit = tu.chars.get(&(1u64 << 32 | c as u64)).or_else(|| tu.chars.get(&(2u64 << 32 | c as u64)));
            if let Some(&(s, l)) = hit {
                let t = &tpool[s as usize..s as usize + l as usize];
                if usable(t) {
                    pool.push_str(t);
                    done = true;
                }
            } else if let Some(r) = tu.range(c as u32, 1).or_else(|| tu.range(c as u32, 2)) {
                r.push(c as u32, &mut pool);
                done = usable(&pool[start..]);
                if !done {
                    pool.truncate(start);
                }
            }
        }
        if !done {
            if let Some(n) = names[c] {
                done = glyph_name_text(n, zapf, &mut pool);
                if !done {
                    pool.push(REPLACEMENT);
                    done = true;
                }
            }
        }
        if !done {
            // No name at all (symbolic font without encoding): codes are
            // nearly always Latin-1/WinAnsi in practice.
            if let Some(n) = Some(tables::WIN_ANSI[c]).filter(|n| !n.is_empty()) {
                glyph_name_text(n.as_bytes(), false, &mut pool);
            } else if c >= 0x20 {
                pool.push(REPLACEMENT);
            }
        }
        table[c].start = start as u32;
        table[c].len = (pool.len() - start).min(u16::MAX as usize) as u16;
    }

    // Widths.
    // Type3 widths are in glyph space, mapped to text space by the FontMatrix.
    let mut wscale = 0.001;
    if is_type3 {
        if let Some(m) = dict_get(doc, dict, b"FontMatrix").and_then(|o| o.as_array().ok()) {
            let v: Vec<f64> = m.iter().filter_map(|o| num(deref(doc, o))).collect();
            if v.len() == 6 && v[0].abs() > 1e-9 {
                wscale = v[0];
            }
        }
    }
    let missing = descriptor.and_then(|d| dict_get(doc, d, b"MissingWidth")).and_then(num).unwrap_or(0.0) as f32;
    let widths = dict_get(doc, dict, b"Widths").and_then(|o| o.as_array().ok());
    if let Some(widths) = widths {
        let first = dict_get(doc, dict, b"FirstChar").and_then(num).unwrap_or(0.0).max(0.0) as usize;
        for e in table.iter_mut() {
            e.width = missing;
        }
        for (k, w) in widths.iter().enumerate() {
            if let (Some(e), Some(w)) = (table.get_mut(first + k), num(deref(doc, w))) {
                e.width = w as f32;
            }
        }
    } else {
        // Standard 14 font (or an alias) without widths: AFM metrics by glyph name.
        let metrics = match std {
            Some(s) if s != "Symbol" && s != "ZapfDingbats" => s,
            Some(_) => "",
            // Unknown non-embedded font without widths: Helvetica metrics are the usual substitute.
            None => if flags & 0x40000 != 0 { "Helvetica-Bold" } else { "Helvetica" },
        };
        let avg = descriptor.and_then(|d| dict_get(doc, d, b"AvgWidth")).and_then(num).map(|w| w as f32);
        for (c, e) in table.iter_mut().enumerate() {
            e.width = match std {
                Some("Symbol") if base_table.is_none() && differences.is_none() => tables::SYMBOL_WIDTHS[c] as f32,
                Some("ZapfDingbats") if base_table.is_none() && differences.is_none() => tables::ZAPF_DINGBATS_WIDTHS[c] as f32,
                _ => names[c].and_then(|n| core14_width(metrics, n)).or(avg).unwrap_or(if missing > 0.0 { missing } else { 500.0 }),
            };
        }
    }
    Ok(Font { kind: Kind::Simple(table), pool, wscale, vertical: false })
}

/// `dup <code> /<name> put` entries of an embedded Type1 program's cleartext part.
fn type1_builtin_encoding(doc: &Document, file: &lopdf::Stream, budget: &mut Budget) -> Result<Vec<Option<Vec<u8>>>, OverBudget> {
    let Some(data) = filters::decode(doc, file, budget)? else { return Ok(Vec::new()) };
    let clear_len = dict_get(doc, &file.dict, b"Length1").and_then(num).map(|n| n as usize).unwrap_or(data.len()).min(data.len());
    let clear = &data[..clear_len];
    let Some(at) = clear.windows(9).position(|w| w == b"/Encoding") else { return Ok(Vec::new()) };
    let mut lx = Lexer::new(&clear[at + 9..]);
    let mut buf = Vec::new();
    let mut out: Vec<Option<Vec<u8>>> = Vec::new();
    let mut prev: [Tok; 3] = [Tok::End; 3];
    for _ in 0..20_000 {
        buf.clear();
        let t = lx.next(&mut buf);
        match t {
            Tok::End => break,
            Tok::Op(b"StandardEncoding") if out.is_empty() => return Ok(Vec::new()),
            Tok::Op(b"def") | Tok::Op(b"readonly") if !out.is_empty() => break,
            Tok::Op(b"put") => {
                if let [Tok::Op(b"dup"), Tok::Num(c), Tok::Name(n)] = prev {
                    if (0.0..256.0).contains(&c) {
                        if out.is_empty() {
                            out.resize(256, None);
                        }
                        out[c as usize] = Some(n.to_vec());
                    }
                }
            }
            _ => {}
        }
        prev = [prev[1], prev[2], t];
    }
    Ok(out)
}

fn load_composite(doc: &Document, dict: &Dictionary, budget: &mut Budget) -> Result<Font, OverBudget> {
    let mut comp = Composite {
        codespace: Vec::new(),
        identity: false,
        cid_chars: FastMap::default(),
        cid_ranges: Vec::new(),
        widths: Vec::new(),
        default_width: 1000.0,
        to_unicode: None,
        ucs2: false,
    };
    let mut vertical = false;
    match dict_get(doc, dict, b"Encoding") {
        Some(Object::Name(n)) => {
            vertical = n.ends_with(b"-V");
            if n.starts_with(b"Identity") {
                comp.identity = true;
            } else if n.windows(4).any(|w| w == b"UCS2") || n.windows(5).any(|w| w == b"UTF16") {
                comp.ucs2 = true;
                comp.codespace.push((2, [0; 4], [0xff; 4]));
            }
            // Other predefined CMaps: code lengths from the ToUnicode codespace below.
        }
        Some(Object::Stream(s)) => {
            if let Some(data) = filters::decode(doc, s, budget)? {
                let cmap = parse_cmap(&data);
                comp.codespace = cmap.codespace;
                comp.cid_chars = cmap.cid_chars;
                comp.cid_ranges = cmap.cid_ranges;
                comp.cid_ranges.sort_unstable_by_key(|r| r.0);
                comp.identity = cmap.uses_identity && comp.cid_chars.is_empty() && comp.cid_ranges.is_empty();
                vertical = cmap.vertical;
            }
            if let Some(Object::Integer(1)) = dict_get(doc, &s.dict, b"WMode") {
                vertical = true;
            }
        }
        _ => comp.identity = true,
    }
    let descendant = dict_get(doc, dict, b"DescendantFonts")
        .and_then(|o| o.as_array().ok())
        .and_then(|a| a.first())
        .and_then(|o| deref(doc, o).as_dict().ok());
    if let Some(cid_font) = descendant {
        if let Some(dw) = dict_get(doc, cid_font, b"DW").and_then(num) {
            comp.default_width = dw as f32;
        }
        if let Some(w) = dict_get(doc, cid_font, b"W").and_then(|o| o.as_array().ok()) {
            let mut i = 0;
            while i < w.len() {
                let Some(first) = num(deref(doc, &w[i])) else { break };
                let first = first.max(0.0) as u32;
                match w.get(i + 1).map(|o| deref(doc, o)) {
                    Some(Object::Array(ws)) => {
                        for (k, x) in ws.iter().enumerate() {
                            if let Some(x) = num(deref(doc, x)) {
                                comp.widths.push((first + k as u32, first + k as u32, x as f32));
                            }
                        }
                        i += 2;
                    }
                    Some(o) => {
                        let last = num(o).unwrap_or(0.0).max(0.0) as u32;
                        let wv = w.get(i + 2).and_then(|x| num(deref(doc, x))).unwrap_or(comp.default_width as f64);
                        if last >= first {
                            comp.widths.push((first, last, wv as f32));
                        }
                        i += 3;
                    }
                    None => break,
                }
            }
            comp.widths.sort_by_key(|r| r.0);
        }
    }
    let mut pool = String::new();
    if let Some((tu, tpool)) = load_to_unicode(doc, dict, budget)? {
        pool = tpool;
        if !comp.identity && comp.codespace.is_empty() {
            comp.codespace = tu.codespace.clone();
        }
        comp.to_unicode = Some(tu);
    }
    if !comp.identity && comp.codespace.is_empty() {
        comp.codespace.push((2, [0; 4], [0xff; 4]));
    }
    comp.codespace.sort_by_key(|c| c.0);
    Ok(Font { kind: Kind::Composite(Box::new(comp)), pool, wscale: 0.001, vertical })
}

fn load_to_unicode(doc: &Document, dict: &Dictionary, budget: &mut Budget) -> Result<Option<(ToUnicode, String)>, OverBudget> {
    let Some(stream) = dict_get(doc, dict, b"ToUnicode").and_then(|o| o.as_stream().ok()) else { return Ok(None) };
    let Some(data) = filters::decode(doc, stream, budget)? else { return Ok(None) };
    let cmap = parse_cmap(&data);
    let mut tu = ToUnicode { codespace: cmap.codespace, ..Default::default() };
    let mut pool = String::new();
    // Small ranges are expanded so that lookups are one hash probe.
    let mut expanded = 0usize;
    for (lo, hi, len, dst) in cmap.bf_ranges {
        match dst {
            RangeTarget::Base(base) if (hi - lo) as usize <= 4096 && expanded < 65_536 => {
                expanded += (hi - lo) as usize + 1;
                let r = UniRange { lo, hi, len, base };
                for code in lo..=hi {
                    let start = pool.len();
                    r.push(code, &mut pool);
                    tu.chars.entry((len as u64) << 32 | code as u64).or_insert((start as u32, (pool.len() - start) as u16));
                }
            }
            RangeTarget::Base(base) => tu.ranges.push(UniRange { lo, hi, len, base }),
            RangeTarget::List(list) => {
                for (k, units) in list.into_iter().enumerate() {
                    let code = lo + k as u32;
                    if code > hi {
                        break;
                    }
                    let start = pool.len();
                    push_utf16(&units, &mut pool);
                    tu.chars.insert((len as u64) << 32 | code as u64, (start as u32, (pool.len() - start) as u16));
                }
            }
        }
    }
    for (code, len, units) in cmap.bf_chars {
        let start = pool.len();
        push_utf16(&units, &mut pool);
        tu.chars.insert((len as u64) << 32 | code as u64, (start as u32, (pool.len() - start).min(u16::MAX as usize) as u16));
    }
    tu.ranges.sort_by_key(|r| r.lo);
    Ok(Some((tu, pool)))
}

enum RangeTarget {
    Base(Vec<u16>),
    List(Vec<Vec<u16>>),
}

#[derive(Default)]
struct ParsedCMap {
    codespace: Vec<(u8, [u8; 4], [u8; 4])>,
    bf_chars: Vec<(u32, u8, Vec<u16>)>,
    bf_ranges: Vec<(u32, u32, u8, RangeTarget)>,
    cid_chars: FastMap<u32, u32>,
    cid_ranges: Vec<(u32, u32, u32)>,
    uses_identity: bool,
    vertical: bool,
}

fn code_of(b: &[u8]) -> (u32, u8) {
    let b = &b[b.len().saturating_sub(4)..];
    (b.iter().fold(0u32, |a, &x| a << 8 | x as u32), b.len().max(1) as u8)
}

fn utf16_units(b: &[u8]) -> Vec<u16> {
    if b.len() == 1 {
        return vec![b[0] as u16];
    }
    b.chunks(2).map(|c| if c.len() == 2 { u16::from_be_bytes([c[0], c[1]]) } else { c[0] as u16 }).collect()
}

/// Parse the parts of a CMap we use (codespace, bf*/cid* mappings), tolerantly.
fn parse_cmap(data: &[u8]) -> ParsedCMap {
    #[derive(Clone, Copy, PartialEq)]
    enum Sec {
        None,
        Codespace,
        BfChar,
        BfRange,
        CidChar,
        CidRange,
    }
    let mut cm = ParsedCMap::default();
    let mut lx = Lexer::new(data);
    let mut buf: Vec<u8> = Vec::new();
    let mut sec = Sec::None;
    // Operand tokens of the current section; strings are ranges into `buf`.
    let mut items: Vec<Tok> = Vec::new();
    let mut in_array: Option<Vec<Vec<u16>>> = None;
    let mut last_name: Option<Vec<u8>> = None;
    let mut ops = 0usize;
    loop {
        ops += 1;
        if ops > 4_000_000 {
            break;
        }
        let t = lx.next(&mut buf);
        match t {
            Tok::End => break,
            Tok::Op(op) => {
                match op {
                    b"begincodespacerange" => sec = Sec::Codespace,
                    b"beginbfchar" => sec = Sec::BfChar,
                    b"beginbfrange" => sec = Sec::BfRange,
                    b"begincidchar" => sec = Sec::CidChar,
                    b"begincidrange" => sec = Sec::CidRange,
                    b"endcodespacerange" | b"endbfchar" | b"endbfrange" | b"endcidchar" | b"endcidrange" => sec = Sec::None,
                    b"usecmap" if last_name.as_deref().is_some_and(|n| n.starts_with(b"Identity")) => cm.uses_identity = true,
                    b"def" => {}
                    _ => {}
                }
                items.clear();
                buf.clear();
                continue;
            }
            Tok::Name(n) => {
                if sec == Sec::BfChar {
                    // A glyph name as the target of a bfchar.
                    if let Some(Tok::Str(a, b)) = items.first().copied() {
                        let (code, len) = code_of(&buf[a..b]);
                        let mut s = String::new();
                        if glyph_name_text(n, false, &mut s) {
                            cm.bf_chars.push((code, len, s.encode_utf16().collect()));
                        }
                        items.clear();
                    }
                    continue;
                }
                if n == b"WMode" {
                    if let Tok::Num(v) = lx.next(&mut buf) {
                        cm.vertical = v == 1.0;
                    }
                }
                last_name = Some(n.to_vec());
                continue;
            }
            Tok::ArrOpen if sec == Sec::BfRange => {
                in_array = Some(Vec::new());
                continue;
            }
            Tok::ArrClose if sec == Sec::BfRange => {
                if let (Some(list), [Tok::Str(a1, b1), Tok::Str(a2, b2)]) = (in_array.take(), items.as_slice()) {
                    let (lo, len) = code_of(&buf[*a1..*b1]);
                    let (hi, _) = code_of(&buf[*a2..*b2]);
                    if hi >= lo {
                        cm.bf_ranges.push((lo, hi, len, RangeTarget::List(list)));
                    }
                }
                items.clear();
                continue;
            }
            Tok::Str(a, b) if in_array.is_some() => {
                if let Some(l) = in_array.as_mut() {
                    l.push(utf16_units(&buf[a..b]));
                }
                continue;
            }
            _ => {}
        }
        if sec == Sec::None {
            continue;
        }
        items.push(t);
        match (sec, items.as_slice()) {
            (Sec::Codespace, [Tok::Str(a1, b1), Tok::Str(a2, b2)]) => {
                let (lo, hi) = (&buf[*a1..*b1], &buf[*a2..*b2]);
                let n = lo.len().clamp(1, 4);
                let mut l = [0u8; 4];
                let mut h = [0u8; 4];
                l[..n.min(lo.len())].copy_from_slice(&lo[..n.min(lo.len())]);
                h[..n.min(hi.len())].copy_from_slice(&hi[..n.min(hi.len())]);
                cm.codespace.push((n as u8, l, h));
                items.clear();
            }
            (Sec::BfChar, [Tok::Str(a1, b1), Tok::Str(a2, b2)]) => {
                let (code, len) = code_of(&buf[*a1..*b1]);
                cm.bf_chars.push((code, len, utf16_units(&buf[*a2..*b2])));
                items.clear();
            }
            (Sec::BfRange, [Tok::Str(a1, b1), Tok::Str(a2, b2), Tok::Str(a3, b3)]) => {
                let (lo, len) = code_of(&buf[*a1..*b1]);
                let (hi, _) = code_of(&buf[*a2..*b2]);
                if hi >= lo {
                    cm.bf_ranges.push((lo, hi, len, RangeTarget::Base(utf16_units(&buf[*a3..*b3]))));
                }
                items.clear();
            }
            (Sec::CidChar, [Tok::Str(a1, b1), Tok::Num(cid)]) => {
                let (code, _) = code_of(&buf[*a1..*b1]);
                cm.cid_chars.insert(code, cid.max(0.0) as u32);
                items.clear();
            }
            (Sec::CidRange, [Tok::Str(a1, b1), Tok::Str(a2, b2), Tok::Num(cid)]) => {
                let (lo, _) = code_of(&buf[*a1..*b1]);
                let (hi, _) = code_of(&buf[*a2..*b2]);
                if hi >= lo {
                    cm.cid_ranges.push((lo, hi, cid.max(0.0) as u32));
                }
                items.clear();
            }
            (_, items_now) if items_now.len() >= 3 => items.clear(),
            _ => {}
        }
        if items.is_empty() && in_array.is_none() {
            buf.clear();
        }
    }
    cm
}

/// Per-document cache: fonts are keyed by the address of their dictionary
/// inside the (immutable during extraction) lopdf document, so a font shared
/// by all pages is parsed once.
#[derive(Default)]
pub(super) struct FontCache {
    map: HashMap<usize, Option<std::rc::Rc<Font>>>,
    fallback: Option<std::rc::Rc<Font>>,
}

impl FontCache {
    /// Stand-in for a font resource that is missing or broken: viewers still
    /// show the text (Helvetica metrics, standard encoding), so do we.
    pub(super) fn fallback(&mut self, doc: &Document, budget: &mut Budget) -> Result<std::rc::Rc<Font>, OverBudget> {
        if let Some(f) = &self.fallback {
            return Ok(f.clone());
        }
        let mut d = Dictionary::new();
        d.set("Subtype", Object::Name(b"Type1".to_vec()));
        d.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        let f = std::rc::Rc::new(load(doc, &d, budget)?);
        self.fallback = Some(f.clone());
        Ok(f)
    }

    pub(super) fn get(&mut self, doc: &Document, dict: &Dictionary, budget: &mut Budget) -> Result<std::rc::Rc<Font>, OverBudget> {
        let key = dict as *const Dictionary as usize;
        if let Some(Some(f)) = self.map.get(&key) {
            return Ok(f.clone());
        }
        let f = std::rc::Rc::new(load(doc, dict, budget)?);
        self.map.insert(key, Some(f.clone()));
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        let t = |n: &str| {
            let mut s = String::new();
            glyph_name_text(n.as_bytes(), false, &mut s).then_some(s)
        };
        assert_eq!(t("Euro").as_deref(), Some("€"));
        assert_eq!(t("fi").as_deref(), Some("fi"));
        assert_eq!(t("uni20AC").as_deref(), Some("€"));
        assert_eq!(t("u1F600").as_deref(), Some("😀"));
        assert_eq!(t("eacute.sc").as_deref(), Some("é"));
        assert_eq!(t("T_h").as_deref(), Some("Th"));
        assert_eq!(t("nbspace").as_deref(), Some(" "));
        assert_eq!(t("g123"), None);
    }

    #[test]
    fn core14_aliases() {
        assert_eq!(core14(b"ABCDEF+Arial,Bold"), Some("Helvetica-Bold"));
        assert_eq!(core14(b"TimesNewRomanPS-ItalicMT"), Some("Times-Italic"));
        assert_eq!(core14(b"Courier"), Some("Courier"));
        assert_eq!(core14(b"Calibri"), None);
        assert_eq!(core14_width("Helvetica", b"a"), Some(556.0));
        assert_eq!(core14_width("Helvetica", b"Euro"), Some(556.0));
    }

    #[test]
    fn cmap_parsing() {
        let src = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0011> <FB01> endbfchar
            2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<00E9> <20AC>] endbfrange
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let cm = parse_cmap(src);
        assert_eq!(cm.codespace.len(), 1);
        assert_eq!(cm.bf_chars.len(), 2);
        assert_eq!(cm.bf_ranges.len(), 2);
    }
}
