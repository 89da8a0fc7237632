//! Glyphs -> words -> lines in reading order.

use crate::capture::{BBox, Word};

/// One shown glyph in page display space (origin top-left, y down).
#[derive(Debug, Clone, Copy)]
pub(super) struct Glyph {
    /// Text range in `Sink::text`.
    pub start: u32,
    pub end: u32,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// Position along the writing direction of the glyph origin and advance end.
    pub along0: f64,
    pub along1: f64,
    /// Baseline position across the writing direction.
    pub across: f64,
    /// Font size in display units.
    pub size: f64,
    /// Writing direction in whole degrees, display space: 0 →, 90 ↓, 180 ←, 270 ↑.
    pub dir: u16,
    /// A space character was shown between the previous glyph and this one.
    pub space_before: bool,
}

/// Glyphs of one page; buffers are reused from page to page.
#[derive(Default)]
pub(super) struct Sink {
    pub text: String,
    pub glyphs: Vec<Glyph>,
    pub pending_space: bool,
    pub width: f64,
    pub height: f64,
    /// Glyphs allowed on this page (hostile-input bound).
    pub limit: usize,
}

impl Sink {
    pub(super) fn reset(&mut self, width: f64, height: f64) {
        self.text.clear();
        self.glyphs.clear();
        self.pending_space = false;
        self.width = width;
        self.height = height;
        self.limit = usize::MAX;
    }
}

/// A gap wider than this fraction of the font size separates words even
/// without a space character (producers position words with Td/TJ). Not
/// 0.25: pdfTeX squeezes justified interword gaps to 0.22 em and narrow
/// no-break spaces drawn as gaps are ~0.17 em; kerning stays below 0.06 em
/// and letter-spacing (Tc) of titles below 0.1 em. poppler uses 0.1.
const WORD_GAP: f64 = 0.15;
/// Glyphs whose baselines differ by more than this fraction of the font size never share a word.
const BASELINE_TOL: f64 = 0.2;
/// Words share a line when their vertical extents (baseline - 0.8 size to
/// baseline + 0.2 size) overlap by this fraction of the smaller size: same
/// baseline give or take 0.4 size, and mixed sizes side by side in a row.
const LINE_OVERLAP: f64 = 0.6;

struct WordAcc {
    text: String,
    bbox: BBox,
    dir: u16,
    across: f64,
    along0: f64,
    /// Advance end of the last glyph, to measure the next gap.
    end: f64,
    size: f64,
}

/// Words in reading order: lines top to bottom, words left to right.
pub(super) fn words(sink: &Sink) -> Vec<Word> {
    let mut acc: Vec<WordAcc> = Vec::new();
    let mut cur: Option<WordAcc> = None;
    let mut last_size = 0.0;
    for g in &sink.glyphs {
        let text = &sink.text[g.start as usize..g.end as usize];
        let bbox = BBox { x0: g.x0, y0: g.y0, x1: g.x1, y1: g.y1 };
        if let Some(w) = cur.as_mut() {
            let gap = g.along0 - w.end;
            let small = g.size.min(last_size);
            let joins = !g.space_before
                && g.dir == w.dir
                && (g.across - w.across).abs() <= BASELINE_TOL * g.size.max(last_size)
                && gap <= WORD_GAP * small
                && gap >= -0.6 * small;
            if joins {
                w.text.push_str(text);
                w.bbox = w.bbox.union(&bbox);
                w.end = w.end.max(g.along1);
                w.size = w.size.max(g.size);
                last_size = g.size;
                continue;
            }
        }
        if let Some(w) = cur.take() {
            acc.push(w);
        }
        cur = Some(WordAcc { text: text.to_owned(), bbox, dir: g.dir, across: g.across, along0: g.along0, end: g.along1, size: g.size });
        last_size = g.size;
    }
    acc.extend(cur);
    for w in &mut acc {
        // A glyph mapped to text with inner spaces is rare; trim the ends at least.
        if w.text.starts_with(' ') || w.text.ends_with(' ') {
            w.text = w.text.trim().to_owned();
        }
    }
    acc.retain(|w| !w.text.is_empty());

    // Lines: per direction, by baseline; a line is keyed by its first word.
    let mut order: Vec<usize> = (0..acc.len()).collect();
    order.sort_by(|&a, &b| (acc[a].dir, acc[a].across).partial_cmp(&(acc[b].dir, acc[b].across)).unwrap_or(std::cmp::Ordering::Equal));
    struct Line {
        key: f64,
        x: f64,
        dir: u16,
        across: f64,
        size: f64,
        words: Vec<usize>,
    }
    let mut lines: Vec<Line> = Vec::new();
    for i in order {
        let w = &acc[i];
        if let Some(l) = lines.last_mut() {
            let overlap = (l.across + 0.2 * l.size).min(w.across + 0.2 * w.size) - (l.across - 0.8 * l.size).max(w.across - 0.8 * w.size);
            if l.dir == w.dir && overlap >= LINE_OVERLAP * l.size.min(w.size) {
                l.words.push(i);
                continue;
            }
        }
        lines.push(Line { key: 0.0, x: 0.0, dir: w.dir, across: w.across, size: w.size, words: vec![i] });
    }
    for l in &mut lines {
        l.words.sort_by(|&a, &b| acc[a].along0.partial_cmp(&acc[b].along0).unwrap_or(std::cmp::Ordering::Equal));
        // The same word drawn twice at nearly the same place (fake bold, overprint).
        let mut kept: Vec<usize> = Vec::with_capacity(l.words.len());
        for &i in &l.words {
            let dup = kept.iter().rev().take(3).any(|&k| {
                acc[k].text == acc[i].text && (acc[k].along0 - acc[i].along0).abs() < 0.3 * acc[i].size && (acc[k].across - acc[i].across).abs() < 0.3 * acc[i].size
            });
            if !dup {
                kept.push(i);
            }
        }
        l.words = kept;
        l.key = l.across;
        l.x = acc[l.words[0]].along0;
    }
    // The dominant writing direction reads first (upright text on a normal
    // page; sideways text on a page whose content is rotated), then the others;
    // within a direction, lines in order across it (top to bottom for upright text).
    let mut per_dir: Vec<(u16, usize)> = Vec::new();
    for l in &lines {
        match per_dir.iter_mut().find(|(d, _)| *d == l.dir) {
            Some(e) => e.1 += l.words.len(),
            None => per_dir.push((l.dir, l.words.len())),
        }
    }
    per_dir.sort_by(|a, b| b.1.cmp(&a.1).then((a.0 != 0).cmp(&(b.0 != 0))).then(a.0.cmp(&b.0)));
    let rank = |d: u16| per_dir.iter().position(|e| e.0 == d).unwrap_or(0);
    lines.sort_by(|a, b| (rank(a.dir), a.key, a.x).partial_cmp(&(rank(b.dir), b.key, b.x)).unwrap_or(std::cmp::Ordering::Equal));

    let mut out = Vec::with_capacity(acc.len());
    let mut taken: Vec<Option<WordAcc>> = acc.into_iter().map(Some).collect();
    for l in &lines {
        for &i in &l.words {
            if let Some(w) = taken[i].take() {
                out.push(Word { text: w.text, bbox: w.bbox, confidence: 1.0 });
            }
        }
    }
    out
}
