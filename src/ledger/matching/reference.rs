//! Invoice numbers in bank text. Payers write "Facture n°2024-0042",
//! "FA 2024 0042" or "INV20240042" for the invoice "FA-2024-0042": both sides
//! are reduced to upper-case letters and digits, and the text is cut into
//! pieces whose runs of 1 to 4 adjacent pieces are looked up.

use super::party::fold_char;

/// How many adjacent pieces one candidate may join ("FA 2024 0042" is 3).
pub const MAX_JOIN: usize = 4;

/// "fa-2024/0042" → "FA20240042".
pub fn normalize_reference(s: &str) -> String {
    s.chars().filter_map(fold_char).collect()
}

/// Short numbers or words without a digit would be "found" everywhere.
pub fn indexable(norm: &str, min_len: usize) -> bool {
    norm.len() >= min_len && norm.bytes().any(|b| b.is_ascii_digit())
}

/// The number without its leading letters, when that is still long enough
/// to look for: payers drop them ("FA-2024-0042" paid as "facture 2024-0042").
pub fn without_prefix(norm: &str, min_len: usize) -> Option<&str> {
    let rest = norm.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    (rest.len() < norm.len() && rest.len() >= min_len.max(4) && indexable(rest, min_len)).then_some(rest)
}

/// A candidate found in the text: pieces `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// How many pieces it joins.
    pub fn width(self) -> usize {
        self.end - self.start + 1
    }
    pub fn overlaps(self, o: Span) -> bool {
        self.start <= o.end && o.start <= self.end
    }
}

/// Reusable buffers: a line's pieces and the candidate being built, so that
/// scanning a million lines does not allocate per candidate.
#[derive(Debug, Default)]
pub struct Pieces {
    buf: String,
    ranges: Vec<(usize, usize)>,
    cand: String,
}

impl Pieces {
    /// Calls `f(span, candidate)` for every run of 1..=MAX_JOIN adjacent
    /// pieces that could be a reference, and for the same run without its
    /// leading letters ("INV20240042" → "20240042": a prefix the payer added).
    pub fn for_each_candidate(&mut self, text: &str, min_len: usize, mut f: impl FnMut(Span, &str)) {
        self.buf.clear();
        self.ranges.clear();
        let mut start = 0;
        for c in text.chars() {
            match fold_char(c) {
                Some(u) => self.buf.push(u),
                None => {
                    if self.buf.len() > start {
                        self.ranges.push((start, self.buf.len()));
                    }
                    start = self.buf.len();
                }
            }
        }
        if self.buf.len() > start {
            self.ranges.push((start, self.buf.len()));
        }
        let n = self.ranges.len();
        for i in 0..n {
            self.cand.clear();
            for j in i..n.min(i + MAX_JOIN) {
                let (a, b) = self.ranges[j];
                self.cand.push_str(&self.buf[a..b]);
                if !indexable(&self.cand, min_len) {
                    continue;
                }
                let span = Span { start: i, end: j };
                f(span, &self.cand);
                // Only a prefix glued to digits in the first piece ("INV2024"):
                // "VIR FA 2024" must not become "2024" over three pieces.
                let first = &self.buf[self.ranges[i].0..self.ranges[i].1];
                let letters = first.len() - first.trim_start_matches(|c: char| c.is_ascii_alphabetic()).len();
                if letters > 0 && letters < first.len() && indexable(&self.cand[letters..], min_len) {
                    f(span, &self.cand[letters..]);
                }
            }
        }
    }
}

/// Of overlapping hits keep the longest (then the leftmost): in
/// "FA 2024 0042" the invoice FA-2024-0042 wins over an invoice "2024".
/// `hits` are `(span, payload)`; returns the kept ones in text order.
pub fn keep_longest<T>(mut hits: Vec<(Span, T)>) -> Vec<(Span, T)> {
    hits.sort_by(|a, b| b.0.width().cmp(&a.0.width()).then(a.0.start.cmp(&b.0.start)));
    let mut kept: Vec<(Span, T)> = Vec::new();
    for h in hits {
        if !kept.iter().any(|k| k.0.overlaps(h.0)) {
            kept.push(h);
        }
    }
    kept.sort_by_key(|k| k.0.start);
    kept
}
