//! Capture: turn an input file into pages of positioned words.
//!
//! Every text source (born-digital PDF text, later OCR) produces the same
//! `Page`/`Word` shape, so recognition never cares where text came from.

pub mod einvoice;
pub mod ocr;
pub mod pdf_text;
pub mod raster;
pub mod statements;

use serde::Serialize;

/// An axis-aligned box in page points (1/72 inch), origin at the page's
/// top-left corner, y growing downwards: `[x0, y0, x1, y1]` with x0<=x1, y0<=y1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl BBox {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        BBox { x0: x0.min(x1), y0: y0.min(y1), x1: x0.max(x1), y1: y0.max(y1) }
    }
    pub fn union(&self, o: &BBox) -> BBox {
        BBox { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }
    pub fn width(&self) -> f64 { self.x1 - self.x0 }
    pub fn height(&self) -> f64 { self.y1 - self.y0 }
    pub fn center_y(&self) -> f64 { (self.y0 + self.y1) / 2.0 }
    pub fn as_array(&self) -> [f64; 4] {
        let r = |v: f64| (v * 10.0).round() / 10.0;
        [r(self.x0), r(self.y0), r(self.x1), r(self.y1)]
    }
}

impl Serialize for BBox {
    /// Serialized as `[x0, y0, x1, y1]`, rounded to 0.1 pt.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_array().serialize(s)
    }
}

/// Where a page's words came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// The PDF's own text layer.
    Digital,
    /// Optical character recognition of the page image.
    Ocr,
}

/// One word: a run of non-space characters, in reading order within its line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    /// 1.0 for born-digital text; the OCR engine's confidence (0..1) otherwise.
    pub confidence: f32,
}

/// One page of the input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// 1-based page number in the input file.
    pub number: u32,
    pub width: f64,
    pub height: f64,
    /// Words in reading order: top to bottom, then left to right within a line.
    pub words: Vec<Word>,
    pub source: TextSource,
}

impl Page {
    /// The page's text, one line per visual line (words joined by spaces).
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut last_y: Option<f64> = None;
        for w in &self.words {
            match last_y {
                Some(y) if (w.bbox.center_y() - y).abs() <= w.bbox.height().max(1.0) * 0.5 => out.push(' '),
                Some(_) => out.push('\n'),
                None => {}
            }
            out.push_str(&w.text);
            last_y = Some(w.bbox.center_y());
        }
        out
    }
}

/// Why a file could not be captured. The message names what is wrong in
/// words an admin can act on; the caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("empty file (0 bytes)")]
    Empty,
    #[error("not a PDF: {0}")]
    NotPdf(String),
    #[error("encrypted PDF: {0}")]
    Encrypted(String),
    #[error("damaged PDF: {0}")]
    Damaged(String),
    #[error("the PDF has no pages")]
    NoPages,
    #[error("no usable text layer on any page (scanned image?): {0}")]
    NoText(String),
    #[error("unsupported file type: {0}")]
    Unsupported(String),
}
