//! Stream decoding under a byte budget.
//!
//! `lopdf::Stream::decompressed_content` inflates without limit, so a small
//! hostile file could expand to gigabytes before we could look at the size.
//! Here every decoder stops once the document-wide budget is spent.

use std::borrow::Cow;
use std::io::Read;

use lopdf::{Dictionary, Document, Object, Stream};

/// Decompressed bytes still allowed for this document.
pub(super) struct Budget {
    pub(super) left: usize,
}

/// The budget ran out: the document is treated as damaged/hostile.
#[derive(Debug)]
pub(super) struct OverBudget;

impl Budget {
    fn take(&mut self, n: usize) -> Result<(), OverBudget> {
        if n > self.left {
            self.left = 0;
            return Err(OverBudget);
        }
        self.left -= n;
        Ok(())
    }
}

/// Decoded stream data. Unknown filters (images codecs, Crypt) yield `None`:
/// such streams carry no text for us. Corrupt data yields what could be decoded,
/// as viewers do.
pub(super) fn decode<'s>(doc: &Document, stream: &'s Stream, budget: &mut Budget) -> Result<Option<Cow<'s, [u8]>>, OverBudget> {
    let filters: Vec<&[u8]> = match stream.dict.get(b"Filter").ok().map(|o| deref(doc, o)) {
        None | Some(Object::Null) => {
            budget.take(stream.content.len())?;
            return Ok(Some(Cow::Borrowed(&stream.content)));
        }
        Some(Object::Name(n)) => vec![n.as_slice()],
        Some(Object::Array(a)) => a.iter().filter_map(|o| deref(doc, o).as_name().ok()).collect(),
        Some(_) => return Ok(None),
    };
    let mut data: Cow<'s, [u8]> = Cow::Borrowed(&stream.content);
    for f in filters {
        let limit = budget.left;
        let out = match f {
            b"FlateDecode" | b"Fl" => inflate(&data, limit),
            b"LZWDecode" | b"LZW" => lzw(&data, limit, early_change(doc, &stream.dict)),
            b"ASCII85Decode" | b"A85" => ascii85(&data, limit),
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&data, limit),
            b"RunLengthDecode" | b"RL" => run_length(&data, limit),
            _ => return Ok(None),
        };
        let out = out.ok_or(OverBudget)?;
        budget.take(out.len())?;
        data = Cow::Owned(out);
    }
    Ok(Some(data))
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn early_change(doc: &Document, dict: &Dictionary) -> bool {
    let parms = dict.get(b"DecodeParms").ok().map(|o| deref(doc, o));
    let parms = match parms {
        Some(Object::Dictionary(d)) => Some(d),
        Some(Object::Array(a)) => a.iter().find_map(|o| deref(doc, o).as_dict().ok()),
        _ => None,
    };
    parms.and_then(|d| d.get(b"EarlyChange").ok()).and_then(|o| o.as_i64().ok()).is_none_or(|v| v != 0)
}

/// `None` when the output would exceed `limit`.
fn inflate(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    fn run<R: Read>(r: R, limit: usize, out: &mut Vec<u8>) -> bool {
        // Errors keep the bytes decoded so far (truncated/corrupt streams are common).
        let _ = r.take(limit as u64 + 1).read_to_end(out);
        out.len() <= limit
    }
    let mut out = Vec::with_capacity((input.len() * 4).min(limit).min(1 << 20));
    if !run(flate2::read::ZlibDecoder::new(input), limit, &mut out) {
        return None;
    }
    if out.is_empty() && input.len() > 2 {
        // Some producers write raw deflate, or a broken zlib header.
        let skip = if input[0] & 0x0f == 8 { 2 } else { 0 };
        if !run(flate2::read::DeflateDecoder::new(&input[skip..]), limit, &mut out) {
            return None;
        }
    }
    Some(out)
}

fn ascii_hex(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut hi: Option<u8> = None;
    for &c in input {
        if c == b'>' {
            break;
        }
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => continue,
        };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    (out.len() <= limit).then_some(out)
}

fn ascii85(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut group = [0u8; 5];
    let mut n = 0;
    let mut i = 0;
    if input.starts_with(b"<~") {
        i = 2;
    }
    while i < input.len() {
        let c = input[i];
        i += 1;
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0, 0, 0, 0]),
            b'!'..=b'u' => {
                group[n] = c - b'!';
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u64, |acc, &d| acc * 85 + d as u64);
                    out.extend_from_slice(&(v as u32).to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
        if out.len() > limit {
            return None;
        }
    }
    if n > 1 {
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group.iter().fold(0u64, |acc, &d| acc * 85 + d as u64);
        out.extend_from_slice(&(v as u32).to_be_bytes()[..n - 1]);
    }
    (out.len() <= limit).then_some(out)
}

fn run_length(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let len = input[i];
        i += 1;
        match len {
            128 => break,
            0..=127 => {
                let n = len as usize + 1;
                let end = (i + n).min(input.len());
                out.extend_from_slice(&input[i..end]);
                i = end;
            }
            _ => {
                let Some(&b) = input.get(i) else { break };
                i += 1;
                out.extend(std::iter::repeat_n(b, 257 - len as usize));
            }
        }
        if out.len() > limit {
            return None;
        }
    }
    Some(out)
}

fn lzw(input: &[u8], limit: usize, early: bool) -> Option<Vec<u8>> {
    // Dictionary as (prefix index, last byte, length); strings are rebuilt backwards.
    let mut prefix: Vec<u16> = Vec::with_capacity(4096);
    let mut suffix: Vec<u8> = Vec::with_capacity(4096);
    let mut lens: Vec<u16> = Vec::with_capacity(4096);
    let reset = |prefix: &mut Vec<u16>, suffix: &mut Vec<u8>, lens: &mut Vec<u16>| {
        prefix.clear();
        suffix.clear();
        lens.clear();
        for b in 0..=255u8 {
            prefix.push(u16::MAX);
            suffix.push(b);
            lens.push(1);
        }
        // 256 = clear, 257 = EOD: placeholders.
        for _ in 0..2 {
            prefix.push(u16::MAX);
            suffix.push(0);
            lens.push(0);
        }
    };
    reset(&mut prefix, &mut suffix, &mut lens);
    let mut out = Vec::with_capacity(input.len() * 3);
    let mut bits: u32 = 0;
    let mut nbits = 0u32;
    let mut width = 9u32;
    let mut prev: Option<u16> = None;
    let mut pos = 0;
    let first_byte = |code: u16, prefix: &Vec<u16>, suffix: &Vec<u8>| {
        let mut c = code;
        while prefix[c as usize] != u16::MAX {
            c = prefix[c as usize];
        }
        suffix[c as usize]
    };
    loop {
        while nbits < width {
            let Some(&b) = input.get(pos) else { return Some(out) };
            pos += 1;
            bits = (bits << 8) | b as u32;
            nbits += 8;
        }
        let code = ((bits >> (nbits - width)) & ((1 << width) - 1)) as u16;
        nbits -= width;
        if code == 256 {
            reset(&mut prefix, &mut suffix, &mut lens);
            width = 9;
            prev = None;
            continue;
        }
        if code == 257 {
            return Some(out);
        }
        let next = prefix.len() as u16;
        let entry = if (code as usize) < prefix.len() && lens[code as usize] > 0 {
            if let Some(p) = prev {
                if prefix.len() < 4096 {
                    let fb = first_byte(code, &prefix, &suffix);
                    prefix.push(p);
                    suffix.push(fb);
                    lens.push(lens[p as usize] + 1);
                }
            }
            code
        } else if code == next {
            let p = prev?;
            if prefix.len() < 4096 {
                let fb = first_byte(p, &prefix, &suffix);
                prefix.push(p);
                suffix.push(fb);
                lens.push(lens[p as usize] + 1);
            }
            code.min(prefix.len() as u16 - 1)
        } else {
            return Some(out);
        };
        // Emit the string of `entry`.
        let n = lens[entry as usize] as usize;
        let start = out.len();
        out.resize(start + n, 0);
        let mut c = entry;
        for k in (0..n).rev() {
            out[start + k] = suffix[c as usize];
            c = prefix[c as usize];
            if c == u16::MAX {
                break;
            }
        }
        if out.len() > limit {
            return None;
        }
        prev = Some(entry);
        let size = prefix.len() as u32 + if early { 1 } else { 0 };
        width = if size >= 2048 { 12 } else if size >= 1024 { 11 } else if size >= 512 { 10 } else { 9 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn inflate_respects_limit() {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&vec![b'x'; 100_000]).unwrap();
        let z = e.finish().unwrap();
        assert_eq!(inflate(&z, 200_000).unwrap().len(), 100_000);
        assert!(inflate(&z, 50_000).is_none());
    }

    #[test]
    fn simple_filters() {
        assert_eq!(ascii_hex(b"48 65 6c6c6F>", 100).unwrap(), b"Hello");
        assert_eq!(ascii85(b"87cURD]i,\"Ebo7~>", 100).unwrap(), b"Hello World");
        assert_eq!(run_length(&[2, b'a', b'b', b'c', 254, b'z', 128], 100).unwrap(), b"abczzz");
    }

    #[test]
    fn lzw_spec_example() {
        // Example from the PDF specification (7.4.4.2): 45 45 45 45 45 65 45 45 45 66.
        let input = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
        assert_eq!(lzw(&input, 100, true).unwrap(), [45, 45, 45, 45, 45, 65, 45, 45, 45, 66]);
    }
}
