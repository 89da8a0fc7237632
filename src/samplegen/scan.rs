//! What an office copier sends: the born-digital samples rasterized at 200
//! or 300 dpi, slightly skewed, with paper tone, grain and specks, an
//! occasional page upside down, written as JPEG pages in a PDF or as a
//! multi-page CCITT G4 TIFF; and separator sheets (blank, or carrying a
//! barcode or QR code) for bulk files.
//!
//! Rasterizing uses poppler's `pdftoppm` (already needed for OCR); the
//! image processing and the file formats are written here.

use std::io::Write as _;

use anyhow::{bail, Context as _};

use crate::capture::raster::{read_pgm, Gray};

use super::rng::Rng;

/// How a copier wrote a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanFormat {
    /// 8-bit grayscale JPEG pages (DCTDecode) in a PDF.
    JpegPdf,
    /// Bilevel pages, CCITT Group 4, in one multi-page TIFF.
    G4Tiff,
}

impl ScanFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ScanFormat::JpegPdf => "pdf",
            ScanFormat::G4Tiff => "tif",
        }
    }
}

/// What was done to one page, for the ground truth.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PageDefects {
    /// Degrees, counter-clockwise.
    pub skew_degrees: f32,
    pub upside_down: bool,
}

/// Every page of a PDF as a grayscale raster at `dpi`.
pub fn rasterize(pdf: &[u8], dpi: u32) -> anyhow::Result<Vec<Gray>> {
    let dir = tempfile::Builder::new().prefix("paperledger-scan").tempdir()?;
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf)?;
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray"])
        .arg(&input)
        .arg(dir.path().join("p"))
        .stderr(std::process::Stdio::null())
        .status()
        .context("running pdftoppm (install poppler-utils)")?;
    if !status.success() {
        bail!("pdftoppm failed: {status}");
    }
    // p-1.pgm … or p-01.pgm …: zero-padding depends on the page count, so sort by number.
    let mut files: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir(dir.path())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            let n = p.file_stem()?.to_str()?.strip_prefix("p-")?.parse().ok()?;
            (p.extension()? == "pgm").then_some((n, p))
        })
        .collect();
    files.sort();
    files.iter().map(|(_, p)| read_pgm(&std::fs::read(p)?).context("pdftoppm wrote an unreadable PGM")).collect()
}

/// A page as the copier saw it: turned by `skew` degrees (and 180° when
/// upside down) on a white bed, paper tone and grain, isolated specks.
pub(crate) fn degrade(g: &Gray, d: &PageDefects, rng: &mut Rng) -> Gray {
    let (w, h) = (g.width, g.height);
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (sin, cos) = d.skew_degrees.to_radians().sin_cos();
    let paper = 236 + rng.below(14) as i32;
    let mut out = vec![255u8; w * h];
    // Noise from a cheap xorshift seeded by the sample's stream: the image
    // is a pure function of the seed.
    let mut state = rng.next_u64() | 1;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for y in 0..h {
        for x in 0..w {
            let (mut fx, mut fy) = (x as f32, y as f32);
            if d.upside_down {
                fx = w as f32 - 1.0 - fx;
                fy = h as f32 - 1.0 - fy;
            }
            // Inverse rotation: where this output pixel comes from.
            let (dx, dy) = (fx - cx, fy - cy);
            let sx = cos * dx - sin * dy + cx;
            let sy = sin * dx + cos * dy + cy;
            let v = bilinear(g, sx, sy);
            // Ink stays ink; white becomes the paper's tone.
            let toned = paper as f32 * v / 255.0;
            let n = (noise() % 17) as f32 - 8.0;
            out[y * w + x] = (toned + n).clamp(0.0, 255.0) as u8;
        }
    }
    // Specks: isolated dark dots, about one pixel in 4000.
    for _ in 0..(w * h / 4000) {
        let i = (noise() % (w * h) as u64) as usize;
        out[i] = (noise() % 90) as u8;
    }
    Gray { width: w, height: h, pixels: out }
}

fn bilinear(g: &Gray, x: f32, y: f32) -> f32 {
    if x < 0.0 || y < 0.0 || x > (g.width - 1) as f32 || y > (g.height - 1) as f32 {
        return 255.0;
    }
    let (x0, y0) = (x as usize, y as usize);
    let (x1, y1) = ((x0 + 1).min(g.width - 1), (y0 + 1).min(g.height - 1));
    let (ax, ay) = (x - x0 as f32, y - y0 as f32);
    let p = |x: usize, y: usize| g.pixels[y * g.width + x] as f32;
    let top = p(x0, y0) * (1.0 - ax) + p(x1, y0) * ax;
    let bottom = p(x0, y1) * (1.0 - ax) + p(x1, y1) * ax;
    top * (1.0 - ay) + bottom * ay
}

/// A white A4 page at `dpi`.
pub fn blank_page(dpi: u32) -> Gray {
    let (w, h) = ((8.27 * dpi as f32) as usize, (11.69 * dpi as f32) as usize);
    Gray { width: w, height: h, pixels: vec![255; w * h] }
}

/// A separator sheet: `value` as a large Code 39 barcode when it fits
/// Code 39's alphabet, as a QR code otherwise (e.g. `PATCHT:credit_note`).
pub fn barcode_sheet(value: &str, dpi: u32) -> anyhow::Result<Gray> {
    let mut page = blank_page(dpi);
    let mm = dpi as f32 / 25.4;
    let code39 = value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || " -.$/+%".contains(c));
    if code39 {
        let bars = barcoders::sym::code39::Code39::new(value).map_err(|e| anyhow::anyhow!("Code 39 of {value}: {e}"))?.encode();
        let module = (0.5 * mm).max(2.0) as usize;
        let (bw, bh) = (bars.len() * module, (25.0 * mm) as usize);
        let (x0, y0) = ((page.width.saturating_sub(bw)) / 2, page.height / 3);
        for (i, &b) in bars.iter().enumerate() {
            if b == 1 {
                fill(&mut page, x0 + i * module, y0, module, bh);
            }
        }
    } else {
        let qr = qrcode::QrCode::new(value.as_bytes()).map_err(|e| anyhow::anyhow!("QR code of {value}: {e}"))?;
        let n = qr.width();
        let module = ((60.0 * mm) as usize / (n + 8)).max(3);
        let side = n * module;
        let (x0, y0) = ((page.width - side) / 2, page.height / 3);
        for (i, c) in qr.to_colors().iter().enumerate() {
            if *c == qrcode::Color::Dark {
                fill(&mut page, x0 + (i % n) * module, y0 + (i / n) * module, module, module);
            }
        }
    }
    Ok(page)
}

fn fill(g: &mut Gray, x: usize, y: usize, w: usize, h: usize) {
    for yy in y..(y + h).min(g.height) {
        for xx in x..(x + w).min(g.width) {
            g.pixels[yy * g.width + xx] = 0;
        }
    }
}

/// Pages in one file of the given format.
pub fn encode(pages: &[Gray], dpi: u32, format: ScanFormat, jpeg_quality: u8) -> anyhow::Result<Vec<u8>> {
    match format {
        ScanFormat::JpegPdf => jpeg_pdf(pages, dpi, jpeg_quality),
        ScanFormat::G4Tiff => Ok(g4_tiff(pages, dpi)),
    }
}

/// One JPEG image per page, each page exactly the image's size at `dpi`.
fn jpeg_pdf(pages: &[Gray], dpi: u32, quality: u8) -> anyhow::Result<Vec<u8>> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    // 1: catalog, 2: page tree, then per page: page, content, image.
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 3 + i * 3)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes());
    for (i, g) in pages.iter().enumerate() {
        let (w, h) = (g.width as f32 * 72.0 / dpi as f32, g.height as f32 * 72.0 / dpi as f32);
        let (page, content, image) = (3 + i * 3, 4 + i * 3, 5 + i * 3);
        objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2} {h:.2}] /Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {content} 0 R >>").into_bytes());
        let ops = format!("q {w:.2} 0 0 {h:.2} 0 0 cm /Im0 Do Q");
        objects.push(format!("<< /Length {} >>\nstream\n{ops}\nendstream", ops.len()).into_bytes());
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, quality)
            .encode(&g.pixels, g.width as u16, g.height as u16, jpeg_encoder::ColorType::Luma)
            .map_err(|e| anyhow::anyhow!("JPEG encoding: {e}"))?;
        let _ = page;
        let mut obj = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            g.width,
            g.height,
            jpeg.len()
        )
        .into_bytes();
        obj.extend_from_slice(&jpeg);
        obj.extend_from_slice(b"\nendstream");
        objects.push(obj);
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        write!(out, "{} 0 obj\n", i + 1)?;
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1)?;
    for o in offsets {
        write!(out, "{o:010} 00000 n \n")?;
    }
    write!(out, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)?;
    Ok(out)
}

/// Multi-page TIFF, each page thresholded to black and white and
/// compressed with CCITT Group 4 (what copiers send to save space).
fn g4_tiff(pages: &[Gray], dpi: u32) -> Vec<u8> {
    use fax::Color;
    let mut out = b"II*\0\0\0\0\0".to_vec();
    let mut link_at = 4usize; // where the offset of the next IFD goes
    for g in pages {
        let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
        for row in g.pixels.chunks(g.width) {
            let _ = enc.encode_line(row.iter().map(|&p| if p < 128 { Color::Black } else { Color::White }), g.width as u32);
        }
        let strip = match enc.finish() {
            Ok(w) => w.finish(),
            Err(never) => match never {},
        };
        let strip_at = out.len();
        out.extend_from_slice(&strip);
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let res_at = out.len();
        for _ in 0..2 {
            out.extend_from_slice(&dpi.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
        }
        let ifd_at = out.len();
        out[link_at..link_at + 4].copy_from_slice(&(ifd_at as u32).to_le_bytes());
        // (tag, type, value): type 3 = SHORT, 4 = LONG, 5 = RATIONAL (value = offset).
        let entries: [(u16, u16, u32); 13] = [
            (254, 4, 2),                    // NewSubfileType: a page of a multi-page file
            (256, 4, g.width as u32),       // ImageWidth
            (257, 4, g.height as u32),      // ImageLength
            (258, 3, 1),                    // BitsPerSample
            (259, 3, 4),                    // Compression: CCITT T.6 (Group 4)
            (262, 3, 0),                    // Photometric: WhiteIsZero
            (273, 4, strip_at as u32),      // StripOffsets
            (277, 3, 1),                    // SamplesPerPixel
            (278, 4, g.height as u32),      // RowsPerStrip
            (279, 4, strip.len() as u32),   // StripByteCounts
            (282, 5, res_at as u32),        // XResolution
            (283, 5, res_at as u32 + 8),    // YResolution
            (296, 3, 2),                    // ResolutionUnit: inch
        ];
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, typ, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&typ.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
            if typ == 3 {
                out.extend_from_slice(&(value as u16).to_le_bytes());
                out.extend_from_slice(&[0, 0]);
            } else {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        link_at = out.len();
        out.extend_from_slice(&0u32.to_le_bytes());
    }
    out
}
