//! Zero-copy tokenizer for content streams and CMaps.
//!
//! Own lexer instead of `lopdf::content::Content::decode`: it allocates an
//! `Object` per operand and a `String` per operator, which dominates the cost
//! of text extraction; here only string bytes are copied, into a buffer the
//! caller reuses.

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tok<'a> {
    Num(f64),
    /// Name without the leading '/', raw (`#xx` escapes not decoded).
    Name(&'a [u8]),
    /// Decoded string bytes: `strbuf[start..end]`.
    Str(usize, usize),
    ArrOpen,
    ArrClose,
    DictOpen,
    DictClose,
    /// Any other keyword: operators, true/false/null, stray characters.
    Op(&'a [u8]),
    End,
}

pub(super) struct Lexer<'a> {
    data: &'a [u8],
    pub(super) pos: usize,
}

#[inline]
pub(super) fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

#[inline]
fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

#[inline]
fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    fn skip_white(&mut self) {
        let d = self.data;
        while self.pos < d.len() {
            let b = d[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < d.len() && d[self.pos] != b'\n' && d[self.pos] != b'\r' {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Next token; string contents are appended to `strbuf`.
    pub(super) fn next(&mut self, strbuf: &mut Vec<u8>) -> Tok<'a> {
        self.skip_white();
        let d = self.data;
        let Some(&b) = d.get(self.pos) else { return Tok::End };
        match b {
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                while self.pos < d.len() && !is_white(d[self.pos]) && !is_delim(d[self.pos]) {
                    self.pos += 1;
                }
                Tok::Name(&d[start..self.pos])
            }
            b'(' => {
                self.pos += 1;
                let start = strbuf.len();
                self.literal_string(strbuf);
                Tok::Str(start, strbuf.len())
            }
            b'<' => {
                if d.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    return Tok::DictOpen;
                }
                self.pos += 1;
                let start = strbuf.len();
                let mut hi: Option<u8> = None;
                while self.pos < d.len() {
                    let c = d[self.pos];
                    self.pos += 1;
                    if c == b'>' {
                        break;
                    }
                    if let Some(v) = hex_val(c) {
                        match hi.take() {
                            Some(h) => strbuf.push(h << 4 | v),
                            None => hi = Some(v),
                        }
                    }
                }
                if let Some(h) = hi {
                    strbuf.push(h << 4);
                }
                Tok::Str(start, strbuf.len())
            }
            b'>' => {
                self.pos += if d.get(self.pos + 1) == Some(&b'>') { 2 } else { 1 };
                Tok::DictClose
            }
            b'[' => {
                self.pos += 1;
                Tok::ArrOpen
            }
            b']' => {
                self.pos += 1;
                Tok::ArrClose
            }
            b'{' | b'}' | b')' => {
                self.pos += 1;
                Tok::Op(&d[self.pos - 1..self.pos])
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(),
            _ => {
                let start = self.pos;
                while self.pos < d.len() && !is_white(d[self.pos]) && !is_delim(d[self.pos]) {
                    self.pos += 1;
                }
                Tok::Op(&d[start..self.pos])
            }
        }
    }

    fn number(&mut self) -> Tok<'a> {
        let d = self.data;
        let mut neg = false;
        // Lenient like other readers: "--5", "+-5" occur in the wild.
        while self.pos < d.len() && (d[self.pos] == b'-' || d[self.pos] == b'+') {
            neg ^= d[self.pos] == b'-';
            self.pos += 1;
        }
        let mut int: f64 = 0.0;
        while self.pos < d.len() && d[self.pos].is_ascii_digit() {
            int = int * 10.0 + (d[self.pos] - b'0') as f64;
            self.pos += 1;
        }
        if self.pos < d.len() && d[self.pos] == b'.' {
            self.pos += 1;
            let mut frac = 0.0;
            let mut scale = 1.0;
            while self.pos < d.len() && d[self.pos].is_ascii_digit() {
                if scale > 1e-15 {
                    frac = frac * 10.0 + (d[self.pos] - b'0') as f64;
                    scale *= 0.1;
                }
                self.pos += 1;
            }
            int += frac * scale;
        }
        // Garbage glued to a number ("12.5.3", "3e5"): swallow it with the number.
        while self.pos < d.len() && !is_white(d[self.pos]) && !is_delim(d[self.pos]) {
            self.pos += 1;
        }
        Tok::Num(if neg { -int } else { int })
    }

    fn literal_string(&mut self, out: &mut Vec<u8>) {
        let d = self.data;
        let mut depth = 1usize;
        while self.pos < d.len() {
            let c = d[self.pos];
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(&e) = d.get(self.pos) else { return };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v: u32 = (e - b'0') as u32;
                            for _ in 0..2 {
                                match d.get(self.pos) {
                                    Some(&o @ b'0'..=b'7') => {
                                        v = v * 8 + (o - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        b'\r' => {
                            if d.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
    }

    /// After an inline image's `ID`: skip the image data up to and including `EI`.
    pub(super) fn skip_inline_image(&mut self) {
        let d = self.data;
        // One whitespace byte separates ID from the data.
        self.pos = (self.pos + 1).min(d.len());
        let mut i = self.pos;
        while i + 1 < d.len() {
            if d[i] == b'E'
                && d[i + 1] == b'I'
                && (i == 0 || is_white(d[i - 1]))
                && (i + 2 == d.len() || is_white(d[i + 2]) || is_delim(d[i + 2]))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = d.len();
    }
}

/// Decode `#xx` escapes in a name when present.
pub(super) fn decode_name(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !raw.contains(&b'#') {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() {
            if let (Some(h), Some(l)) = (hex_val(raw[i + 1]), hex_val(raw[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &[u8]) -> (Vec<String>, Vec<u8>) {
        let mut buf = Vec::new();
        let mut lx = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = lx.next(&mut buf);
            if t == Tok::End {
                break;
            }
            out.push(match t {
                Tok::Num(n) => format!("{n}"),
                Tok::Name(n) => format!("/{}", String::from_utf8_lossy(n)),
                Tok::Str(a, b) => format!("({})", String::from_utf8_lossy(&buf[a..b])),
                Tok::Op(o) => String::from_utf8_lossy(o).into_owned(),
                other => format!("{other:?}"),
            });
        }
        (out, buf)
    }

    #[test]
    fn lexes_operators_numbers_strings() {
        let (t, _) = toks(b"BT /F1 12 Tf 1 0 0 1 72.5 -.5 Tm [(A\\(b\\)) -250 <48 65 6C6>] TJ ET % c\n--3");
        assert_eq!(
            t,
            ["BT", "/F1", "12", "Tf", "1", "0", "0", "1", "72.5", "-0.5", "Tm", "ArrOpen", "(A(b))", "-250", "(Hel`)", "ArrClose", "TJ", "ET", "3"]
        );
    }

    #[test]
    fn octal_escapes_and_nested_parens() {
        let (t, _) = toks(b"(\\101\\0502(x)\\\ny)");
        assert_eq!(t, ["(A(2(x)y)"]);
    }

    #[test]
    fn inline_image_is_skipped() {
        let src = b"BI /W 2 /H 1 ID \x00EI\xff EI Q";
        let mut buf = Vec::new();
        let mut lx = Lexer::new(src);
        loop {
            if let Tok::Op(b"ID") = lx.next(&mut buf) {
                break;
            }
        }
        lx.skip_inline_image();
        assert_eq!(lx.next(&mut buf), Tok::Op(b"Q"));
    }

    #[test]
    fn name_escapes() {
        assert_eq!(&*decode_name(b"A#20B"), b"A B");
        assert_eq!(&*decode_name(b"F1"), b"F1");
    }
}
