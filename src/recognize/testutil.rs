//! Test helpers: pages built from text laid out like `pdftotext -layout`.
//!
//! Every character is 5 pt wide and every line 12 pt high (words 9 pt
//! tall), so one space keeps words in a phrase and two or more spaces make
//! a column gap, as on a real page.

use crate::capture::{BBox, Page, TextSource, Word};

pub const CHAR_W: f64 = 5.0;
pub const LINE_H: f64 = 12.0;
pub const WORD_H: f64 = 9.0;
pub const MARGIN: f64 = 30.0;

/// One page from monospace text: column = x, row = y.
pub fn page_from_text(number: u32, text: &str) -> Page {
    let mut words = Vec::new();
    for (row, line) in text.lines().enumerate() {
        let y0 = MARGIN + row as f64 * LINE_H;
        let chars: Vec<char> = line.chars().collect();
        let mut col = 0;
        while col < chars.len() {
            if chars[col] == ' ' {
                col += 1;
                continue;
            }
            let start = col;
            while col < chars.len() && chars[col] != ' ' {
                col += 1;
            }
            let t: String = chars[start..col].iter().collect();
            let x0 = MARGIN + start as f64 * CHAR_W;
            words.push(Word { text: t, bbox: BBox::new(x0, y0, x0 + (col - start) as f64 * CHAR_W, y0 + WORD_H), confidence: 1.0 });
        }
    }
    Page { number, width: 595.0, height: 842.0, words, source: TextSource::Digital }
}

/// Several pages, numbered from 1.
pub fn pages_from_text(texts: &[&str]) -> Vec<Page> {
    texts.iter().enumerate().map(|(i, t)| page_from_text(i as u32 + 1, t)).collect()
}

/// Free placement: text at (x, y) in points with a font size.
#[derive(Default)]
pub struct Layout {
    words: Vec<Word>,
}

impl Layout {
    pub fn new() -> Self {
        Layout::default()
    }
    /// Words of `text` starting at x, top at y, `size` pt high.
    pub fn text(mut self, x: f64, y: f64, size: f64, text: &str) -> Self {
        let cw = size * 0.55;
        let mut cx = x;
        for w in text.split(' ') {
            if w.is_empty() {
                cx += cw;
                continue;
            }
            let n = w.chars().count() as f64;
            self.words.push(Word { text: w.to_string(), bbox: BBox::new(cx, y, cx + n * cw, y + size), confidence: 1.0 });
            cx += (n + 1.0) * cw;
        }
        self
    }
    /// One word at an exact box, with an OCR confidence.
    pub fn word(mut self, x0: f64, y0: f64, x1: f64, y1: f64, text: &str, confidence: f32) -> Self {
        self.words.push(Word { text: text.to_string(), bbox: BBox::new(x0, y0, x1, y1), confidence });
        self
    }
    /// The page as OCR would return it: every word below full confidence.
    pub fn ocr_page(self, number: u32) -> Page {
        let words = self.words.into_iter().map(|w| Word { confidence: w.confidence.min(0.9), ..w }).collect();
        Page { number, width: 595.0, height: 842.0, words, source: TextSource::Ocr }
    }
    pub fn page(self, number: u32) -> Page {
        Page { number, width: 595.0, height: 842.0, words: self.words, source: TextSource::Digital }
    }
}
