//! Cross-reference repair. lopdf has none: a file whose xref offsets are
//! wrong (edited, re-saved with CRLF conversion, truncated) either fails to
//! load or loses objects. Like poppler's reconstruction, we scan for
//! `N G obj` headers and append a fresh xref table + trailer, then let lopdf
//! load the result.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// The input with a rebuilt xref section appended, or `None` when no object or catalog was found.
pub(super) fn rebuild(bytes: &[u8]) -> Option<Vec<u8>> {
    // lopdf counts offsets from the %PDF- header.
    let header = bytes.windows(5).position(|w| w == b"%PDF-")?;
    let data = &bytes[header..];
    // Pass 1: every line that starts with an object header.
    let mut headers: Vec<(u32, u16, usize)> = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if let Some((num, gen)) = object_header(&data[i..]) {
            headers.push((num, gen, i));
        }
        // Next line start.
        match data[i..].iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(p) => i += p + 1,
            None => break,
        }
    }
    let mut by_num: HashMap<u32, Vec<usize>> = HashMap::new();
    for &(num, _, off) in &headers {
        by_num.entry(num).or_default().push(off);
    }
    // Pass 2: in file order, skipping headers inside stream data (an
    // embedded PDF attachment has object headers of its own). Later
    // definitions win, as with incremental updates.
    let mut objects: BTreeMap<u32, (u16, usize)> = BTreeMap::new();
    let mut skip_until = 0;
    let mut streams: Vec<(usize, usize)> = Vec::new();
    for &(num, gen, off) in &headers {
        if off < skip_until {
            continue;
        }
        objects.insert(num, (gen, off));
        if let Some((data_start, end)) = stream_end(data, off, &by_num) {
            streams.push((data_start, end));
            skip_until = end;
        }
    }
    if objects.is_empty() {
        return None;
    }
    let root = find_root(data, &objects, &streams)?;
    let mut out = Vec::with_capacity(data.len() + objects.len() * 20 + 128);
    out.extend_from_slice(data);
    out.push(b'\n');
    let xref_at = out.len();
    out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \n");
    for (num, (gen, off)) in &objects {
        let _ = write!(out, "{num} 1\n{off:010} {gen:05} n \n");
    }
    let size = objects.keys().next_back().copied().unwrap_or(0) + 1;
    let _ = write!(out, "trailer\n<< /Size {size} /Root {} {} R >>\nstartxref\n{xref_at}\n%%EOF\n", root.0, root.1);
    Some(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// For an object starting at `at` that is a stream: the offset just after its
/// data (start, end), from its /Length (direct, or an indirect one read from the object
/// it names) when `endstream` follows, else the next `endstream`.
fn stream_end(data: &[u8], at: usize, by_num: &HashMap<u32, Vec<usize>>) -> Option<(usize, usize)> {
    let rest = &data[at..];
    // Only look for the keyword inside this object: bounded, never quadratic.
    let region = &rest[..find(rest, b"endobj").unwrap_or(rest.len())];
    let kw = find(region, b"stream")?;
    if rest[..kw].ends_with(b"end") {
        return None;
    }
    let mut start = at + kw + 6;
    if data.get(start) == Some(&b'\r') {
        start += 1;
    }
    if data.get(start) == Some(&b'\n') {
        start += 1;
    }
    let ends_here = |n: usize| -> Option<usize> {
        let end = start.checked_add(n)?;
        let after = data.get(end..)?;
        after.iter().take(16).copied().filter(|b| !b.is_ascii_whitespace()).take(9).eq(b"endstream".iter().copied()).then_some(end)
    };
    let dict = &rest[..kw];
    if let Some(l) = find(dict, b"/Length") {
        let tail = String::from_utf8_lossy(&dict[l + 7..dict.len().min(l + 40)]).into_owned();
        let toks: Vec<&str> = tail.split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').filter(|t| !t.is_empty()).take(3).collect();
        if let [num, gen, "R"] = toks.as_slice() {
            if gen.parse::<u16>().is_ok() {
                for &off in num.parse::<u32>().ok().and_then(|n| by_num.get(&n)).into_iter().flatten().rev() {
                    let value = String::from_utf8_lossy(&data[off..data.len().min(off + 64)]).into_owned();
                    let len = value.split_ascii_whitespace().nth(3).and_then(|t| t.parse::<usize>().ok());
                    if let Some(end) = len.and_then(ends_here) {
                        return Some((start, end));
                    }
                }
            }
        } else if let Some(end) = toks.first().and_then(|t| t.parse::<usize>().ok()).and_then(ends_here) {
            return Some((start, end));
        }
    }
    find(&data[start..], b"endstream").map(|p| (start, start + p + 9))
}

/// `N G obj` at the start of `s` (leading spaces allowed).
fn object_header(s: &[u8]) -> Option<(u32, u16)> {
    let mut p = 0;
    let skip_ws = |p: &mut usize| {
        while *p < s.len() && (s[*p] == b' ' || s[*p] == b'\t') {
            *p += 1;
        }
    };
    let digits = |p: &mut usize| -> Option<u64> {
        let start = *p;
        while *p < s.len() && s[*p].is_ascii_digit() && *p - start < 10 {
            *p += 1;
        }
        if *p == start {
            return None;
        }
        std::str::from_utf8(&s[start..*p]).ok()?.parse().ok()
    };
    skip_ws(&mut p);
    let num = digits(&mut p)?;
    let before = p;
    skip_ws(&mut p);
    if p == before {
        return None;
    }
    let gen = digits(&mut p)?;
    let before = p;
    skip_ws(&mut p);
    if p == before || !s[p..].starts_with(b"obj") {
        return None;
    }
    let after = s.get(p + 3).copied();
    if after.is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    (num > 0 && num < 10_000_000 && gen < 65_535).then_some((num as u32, gen as u16))
}

/// The catalog: the last `/Root N G R` outside stream data (old trailers,
/// xref stream dictionaries), else the last object that declares `/Catalog`.
fn find_root(data: &[u8], objects: &BTreeMap<u32, (u16, usize)>, streams: &[(usize, usize)]) -> Option<(u32, u16)> {
    let in_stream = |pos: usize| {
        let k = streams.partition_point(|s| s.0 <= pos);
        k > 0 && pos < streams[k - 1].1
    };
    // Prefer a catalog found by the scan; one inside an object stream is invisible to it.
    let (mut found, mut unseen) = (None, None);
    let mut i = 0;
    while let Some(p) = find(&data[i..], b"/Root") {
        let at = i + p + 5;
        if !in_stream(at) {
            if let Some(r) = reference(&data[at..]) {
                if objects.contains_key(&r.0) {
                    found = Some(r);
                } else {
                    unseen = Some(r);
                }
            }
        }
        i = at;
    }
    if found.or(unseen).is_some() {
        return found.or(unseen);
    }
    for (num, (gen, off)) in objects {
        let end = (*off + 400).min(data.len());
        let head = &data[*off..end];
        let head = &head[..find(head, b"endobj").unwrap_or(head.len())];
        let head = &head[..find(head, b"stream").unwrap_or(head.len())];
        if find(head, b"/Catalog").is_some() {
            found = Some((*num, *gen));
        }
    }
    found
}

fn reference(s: &[u8]) -> Option<(u32, u16)> {
    let s = s.strip_prefix(b" ").unwrap_or(s);
    let text = String::from_utf8_lossy(&s[..s.len().min(32)]);
    let mut it = text.split_ascii_whitespace();
    let num: u32 = it.next()?.parse().ok()?;
    let gen: u16 = it.next()?.parse().ok()?;
    let r = it.next()?;
    r.starts_with('R').then_some((num, gen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_do_not_shadow_objects() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Length 50 >>\nstream\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n\nendstream\nendobj\n";
        let out = rebuild(pdf).unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("/Root 1 0 R"), "{text}");
        assert!(text.contains("0000000009 00000 n"), "{text}");
    }

    #[test]
    fn headers() {
        assert_eq!(object_header(b"12 0 obj\n<<"), Some((12, 0)));
        assert_eq!(object_header(b"  7 1 obj<<"), Some((7, 1)));
        assert_eq!(object_header(b"12 0 R"), None);
        assert_eq!(object_header(b"12 0 objx"), None);
    }
}
