//! Copier output with its ground truth: single invoices scanned (JPEG-in-PDF
//! and G4 TIFF, 200 and 300 dpi) and bulk files of several documents with
//! and without separator sheets, the expected split written beside them.

use std::path::PathBuf;

use serde::Serialize;

use super::rng::Rng;
use super::scan::{self, PageDefects, ScanFormat};
use super::{make, write_atomic, Buyer, TruthDoc};

/// Separator sheets between the documents of a bulk file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Separators {
    /// None: the split must come from the content.
    None,
    /// A blank sheet (with the scanner's specks).
    Blank,
    /// A Code 39 `PATCHT` sheet.
    Barcode,
    /// A QR code `PATCHT:category` naming the next document's category.
    QrCategory,
}

impl Separators {
    pub const ALL: [Separators; 4] = [Separators::None, Separators::Blank, Separators::Barcode, Separators::QrCategory];
}

/// Ground truth of a scanned or bulk file (`NAME.truth.json`).
#[derive(Debug, Clone, Serialize)]
pub struct ScanTruth {
    pub file: String,
    /// Documents in the file, with their pages (1-based, in the file).
    pub documents: Vec<TruthDoc>,
    /// Separator sheets: pages that belong to no document.
    pub separator_pages: Vec<u32>,
    pub separators: Separators,
    pub format: ScanFormat,
    pub dpi: u32,
    /// What was done to each page of the file.
    pub pages: Vec<PageDefects>,
    /// The born-digital samples scanned, in order.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CopierOptions {
    pub out_dir: PathBuf,
    pub seed: u64,
    /// Single invoices scanned.
    pub scans: usize,
    /// Bulk files.
    pub bulk: usize,
    /// Documents per bulk file: from 2 to this (at most 20).
    pub max_docs: usize,
    pub buyer: Buyer,
}

/// The four copier settings a scan cycles through.
const SETTINGS: [(u32, ScanFormat); 4] = [(300, ScanFormat::JpegPdf), (200, ScanFormat::G4Tiff), (200, ScanFormat::JpegPdf), (300, ScanFormat::G4Tiff)];

/// Writes the scans and bulk files; returns the paths of the files written.
pub fn generate(opts: &CopierOptions) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(&opts.out_dir)?;
    let mut written = Vec::new();
    for i in 0..opts.scans {
        let (dpi, format) = SETTINGS[i % SETTINGS.len()];
        let mut rng = Rng::derive(opts.seed ^ 0x5CA7, i as u64);
        let sample = make(opts.seed, i, &opts.buyer);
        let name = format!("scan-{:04}-{dpi}dpi-{}", i + 1, sample.truth.generator.layout);
        let mut pages = Vec::new();
        let mut defects = Vec::new();
        for g in scan::rasterize(&sample.pdf, dpi)? {
            let d = defects_for(&mut rng);
            pages.push(scan::degrade(&g, &d, &mut rng));
            defects.push(d);
        }
        let truth = ScanTruth {
            file: String::new(),
            documents: sample.truth.documents.clone(),
            separator_pages: Vec::new(),
            separators: Separators::None,
            format,
            dpi,
            pages: defects,
            sources: vec![sample.name.clone()],
        };
        written.push(write(opts, &name, &pages, truth, 70 + rng.below(20) as u8)?);
    }
    for b in 0..opts.bulk {
        let (dpi, format) = SETTINGS[(b + 1) % SETTINGS.len()];
        let separators = Separators::ALL[b % Separators::ALL.len()];
        let mut rng = Rng::derive(opts.seed ^ 0xB01C, b as u64);
        let n_docs = 2 + rng.below(opts.max_docs.clamp(2, 20) - 1);
        let mut pages = Vec::new();
        let mut defects = Vec::new();
        let mut truth = ScanTruth {
            file: String::new(),
            documents: Vec::new(),
            separator_pages: Vec::new(),
            separators,
            format,
            dpi,
            pages: Vec::new(),
            sources: Vec::new(),
        };
        for k in 0..n_docs {
            // Samples from their own index range: bulk documents differ from the single ones.
            let sample = make(opts.seed, 10_000 + b * 20 + k, &opts.buyer);
            let doc = &sample.truth.documents[0];
            if k > 0 {
                let sheet = match separators {
                    Separators::None => None,
                    Separators::Blank => Some(scan::blank_page(dpi)),
                    Separators::Barcode => Some(scan::barcode_sheet("PATCHT", dpi)?),
                    Separators::QrCategory => Some(scan::barcode_sheet(&format!("PATCHT:{}", doc.category), dpi)?),
                };
                if let Some(sheet) = sheet {
                    // Separator sheets go through the copier straight.
                    let d = PageDefects { skew_degrees: skew(&mut rng), upside_down: false };
                    pages.push(scan::degrade(&sheet, &d, &mut rng));
                    defects.push(d);
                    truth.separator_pages.push(pages.len() as u32);
                }
            }
            let first = pages.len() as u32 + 1;
            for g in scan::rasterize(&sample.pdf, dpi)? {
                let d = defects_for(&mut rng);
                pages.push(scan::degrade(&g, &d, &mut rng));
                defects.push(d);
            }
            let mut doc = doc.clone();
            doc.pages = (first..=pages.len() as u32).collect();
            truth.documents.push(doc);
            truth.sources.push(sample.name.clone());
        }
        truth.pages = defects;
        let name = format!("bulk-{:03}-{}docs-{}", b + 1, n_docs, serde_json::to_value(separators)?.as_str().unwrap_or("none"));
        written.push(write(opts, &name, &pages, truth, 75)?);
    }
    Ok(written)
}

/// Slight skew on every page; about one page in eight upside down.
fn defects_for(rng: &mut Rng) -> PageDefects {
    PageDefects { skew_degrees: skew(rng), upside_down: rng.chance(12) }
}

fn skew(rng: &mut Rng) -> f32 {
    rng.range(-15, 15) as f32 / 10.0
}

fn write(opts: &CopierOptions, name: &str, pages: &[crate::capture::raster::Gray], mut truth: ScanTruth, quality: u8) -> anyhow::Result<PathBuf> {
    let file = format!("{name}.{}", truth.format.extension());
    truth.file = file.clone();
    let bytes = scan::encode(pages, truth.dpi, truth.format, quality)?;
    let path = opts.out_dir.join(&file);
    write_atomic(&opts.out_dir.join(format!("{name}.truth.json")), (serde_json::to_string_pretty(&truth)? + "\n").as_bytes())?;
    write_atomic(&path, &bytes)?;
    Ok(path)
}
