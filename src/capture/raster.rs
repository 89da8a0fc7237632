//! What a page *image* says beyond its words: how much ink it carries (a
//! blank separator sheet, tolerant of scanner specks) and which barcodes or
//! QR codes it shows (a `PATCHT` separator sheet). Read from the grayscale
//! raster that OCR renders anyway, or rendered for the purpose.

use std::path::Path;
use std::process::{Command, Stdio};

/// One page's image findings.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PageScan {
    /// 1-based page number in the input file.
    pub number: u32,
    /// Share of the page (margins excepted) covered by ink, in percent,
    /// isolated specks ignored. `None` when no raster was analysed.
    pub ink_percent: Option<f32>,
    /// Decoded barcode / QR values, in the order the reader reported them.
    pub barcodes: Vec<String>,
}

/// An 8-bit grayscale raster (0 = black).
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// Parse a binary PGM (`P5`, maxval ≤ 255), what `pdftoppm -gray` writes.
pub fn read_pgm(bytes: &[u8]) -> Option<Gray> {
    let mut fields = Vec::with_capacity(4);
    let mut i = 0;
    while fields.len() < 4 {
        // Skip whitespace and comments between header fields.
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'#') {
            if bytes[i] == b'#' {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if start == i {
            return None;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).ok()?);
    }
    if fields[0] != "P5" {
        return None;
    }
    let width: usize = fields[1].parse().ok()?;
    let height: usize = fields[2].parse().ok()?;
    let maxval: usize = fields[3].parse().ok()?;
    if maxval == 0 || maxval > 255 {
        return None;
    }
    let data = bytes.get(i + 1..)?;
    let n = width.checked_mul(height)?;
    if data.len() < n {
        return None;
    }
    let pixels = if maxval == 255 { data[..n].to_vec() } else { data[..n].iter().map(|&p| (p as usize * 255 / maxval) as u8).collect() };
    Some(Gray { width, height, pixels })
}

/// Percentage of the page covered by ink. A dark pixel counts only when at
/// least 5 of its 3×3 neighbourhood are dark too: scanner specks and dust
/// (isolated dots) vanish, strokes of text and bars stay. A 4 % margin is
/// left out, where skewed scans show the scanner lid's dark edges.
pub fn ink_percent(g: &Gray) -> f32 {
    const DARK: u8 = 128;
    let (w, h) = (g.width, g.height);
    if w < 8 || h < 8 {
        return 0.0;
    }
    let (mx, my) = ((w * 4 / 100).max(1), (h * 4 / 100).max(1));
    let dark = |x: usize, y: usize| g.pixels[y * w + x] < DARK;
    let mut inked = 0usize;
    for y in my..h - my {
        let row = &g.pixels[y * w..(y + 1) * w];
        for x in mx..w - mx {
            if row[x] >= DARK {
                continue;
            }
            let mut n = 0;
            for yy in y - 1..=y + 1 {
                for xx in x - 1..=x + 1 {
                    n += dark(xx, yy) as u32;
                }
            }
            if n >= 5 {
                inked += 1;
            }
        }
    }
    let area = (w - 2 * mx) * (h - 2 * my);
    (inked as f64 * 100.0 / area.max(1) as f64) as f32
}

/// Whether a page of Latin text is upside down, from its text lines' shape:
/// ascenders, capitals and digits stand above a line's x-height band far
/// more than descenders hang below it (two to four times the ink on
/// invoices); a page turned over shows the reverse. Each of 16 vertical
/// strips is profiled on its own, so a skew of a degree or two does not
/// smear its lines. `None` when the page does not tell (little text,
/// sideways, drawings): the caller then reads it as it is.
pub fn upside_down(g: &Gray) -> Option<bool> {
    const DARK: u8 = 128;
    const STRIPS: usize = 16;
    let (w, h) = (g.width, g.height);
    let sw = w / STRIPS;
    if sw < 8 || h < 64 {
        return None;
    }
    // Dark pixels per row of each strip.
    let mut rows = vec![0u32; STRIPS * h];
    for y in 0..h {
        let row = &g.pixels[y * w..y * w + sw * STRIPS];
        for (s, chunk) in row.chunks_exact(sw).enumerate() {
            rows[s * h + y] = chunk.iter().filter(|&&p| p < DARK).count() as u32;
        }
    }
    // Line height bounds in pixels, from the raster's height (an A4 page):
    // about 4 pt to 40 pt of type.
    let (min_h, max_h) = ((h / 400).max(4), h / 30);
    let (mut above, mut below) = (0u64, 0u64);
    for profile in rows.chunks_exact(h) {
        let mut y = 0;
        while y < h {
            // Specks make rows of one dark pixel: a text row has more.
            if profile[y] < 2 {
                y += 1;
                continue;
            }
            let y0 = y;
            while y < h && profile[y] >= 2 {
                y += 1;
            }
            let run = &profile[y0..y];
            if run.len() < min_h || run.len() > max_h {
                continue;
            }
            let peak = *run.iter().max().unwrap_or(&0);
            let core = |v: &&u32| **v * 5 >= peak * 2;
            let (Some(c0), Some(c1)) = (run.iter().position(|v| core(&v)), run.iter().rposition(|v| core(&v))) else { continue };
            above += run[..c0].iter().map(|&v| v as u64).sum::<u64>();
            below += run[c1 + 1..].iter().map(|&v| v as u64).sum::<u64>();
        }
    }
    // Too little text to tell (a few words; 2 000 dark pixels at 300 dpi).
    if above + below < (w * h / 4000) as u64 {
        return None;
    }
    // Upright invoices measured 1.7–4.5, turned ones 0.1–0.5.
    if above * 2 < below * 3 / 2 {
        Some(true)
    } else if above * 2 > below * 3 {
        Some(false)
    } else {
        None
    }
}

/// Barcode and QR values on an image file, per page (frame) index, read by
/// `zbarimg` (Debian `zbar-tools`; it reads PNM, PNG, TIFF — every frame of
/// a multi-page TIFF — and JPEG). `Err` when the tool is missing or failed.
pub fn read_barcodes(image: &Path, run: impl FnOnce(Command) -> Result<String, String>) -> Result<Vec<(usize, String)>, String> {
    let mut cmd = Command::new("zbarimg");
    cmd.args(["--quiet", "--xml"]).arg(image).stdin(Stdio::null());
    let xml = run(cmd)?;
    Ok(parse_zbar_xml(&xml))
}

/// `<index num="N">…<data><![CDATA[VALUE]]></data>…</index>` → (N, VALUE).
fn parse_zbar_xml(xml: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut index = 0usize;
    let mut rest = xml;
    loop {
        let next_index = rest.find("<index num=");
        let next_data = rest.find("<data");
        match (next_index, next_data) {
            (Some(i), d) if d.is_none_or(|d| i < d) => {
                let after = &rest[i + 11..];
                let digits: String = after.trim_start_matches(['\'', '"']).chars().take_while(|c| c.is_ascii_digit()).collect();
                index = digits.parse().unwrap_or(index);
                rest = after;
            }
            (_, Some(d)) => {
                let after = &rest[d..];
                let Some(open) = after.find('>') else { break };
                let body = &after[open + 1..];
                let Some(close) = body.find("</data>") else { break };
                let raw = &body[..close];
                let value = raw.strip_prefix("<![CDATA[").and_then(|v| v.strip_suffix("]]>")).unwrap_or(raw);
                let value = value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
                out.push((index, value.trim().to_string()));
                rest = &body[close..];
            }
            _ => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Gray {
        Gray { width: w, height: h, pixels: (0..w * h).map(|i| f(i % w, i / w)).collect() }
    }

    #[test]
    fn upside_down_pages_are_told_by_their_lines() {
        // Generated invoices of several layouts, rendered at 150 dpi (poppler).
        for index in [0, 3, 5] {
            let sample = crate::samplegen::make(7, index, &crate::samplegen::Buyer::demo());
            let g = crate::samplegen::scan::rasterize(&sample.pdf, 150).expect("pdftoppm").remove(0);
            let turned = Gray { width: g.width, height: g.height, pixels: g.pixels.iter().rev().copied().collect() };
            assert_eq!(upside_down(&g), Some(false), "{} upright", sample.name);
            assert_eq!(upside_down(&turned), Some(true), "{} turned", sample.name);
        }
        assert_eq!(upside_down(&page(1240, 1754, |_, _| 250)), None, "a blank page does not tell");
    }

    #[test]
    fn pgm_header_with_comment() {
        let mut b = b"P5\n# pdftoppm\n3 2\n255\n".to_vec();
        b.extend_from_slice(&[0, 1, 2, 3, 4, 5]);
        let g = read_pgm(&b).unwrap();
        assert_eq!((g.width, g.height, g.pixels[5]), (3, 2, 5));
        assert!(read_pgm(b"P6\n3 2\n255\n").is_none());
        assert!(read_pgm(b"P5\n300 200\n255\n\0\0").is_none(), "truncated data is refused");
    }

    #[test]
    fn specks_are_not_ink_but_strokes_are() {
        // Scanner noise: one dark pixel in 50, isolated.
        let noisy = page(400, 400, |x, y| if (x * 7 + y * 13) % 50 == 0 { 0 } else { 240 });
        assert!(ink_percent(&noisy) < 0.05, "{}", ink_percent(&noisy));
        // A 3-pixel-wide stroke every 20 rows: ~15 % of the page.
        let lines = page(400, 400, |_, y| if y % 20 < 3 { 0 } else { 240 });
        let ink = ink_percent(&lines);
        assert!(ink > 5.0, "{ink}");
        // Dark scanner-lid edges in the margin do not count.
        let edges = page(400, 400, |x, y| if x < 10 || y < 10 { 0 } else { 240 });
        assert!(ink_percent(&edges) < 0.05);
    }

    #[test]
    fn zbar_xml_values_per_frame() {
        let xml = r#"<barcodes xmlns='http://zbar.sourceforge.net/2008/barcode'>
<source href='in.tif'>
<index num='0'>
<symbol type='QR-Code' quality='1' orientation='UP'><data><![CDATA[PATCHT]]></data></symbol>
</index>
<index num='2'>
<symbol type='CODE-39' quality='118'><data><![CDATA[PATCHT:credit_note]]></data></symbol>
<symbol type='EAN-13' quality='1'><data>5901234123457</data></symbol>
</index>
</source>
</barcodes>"#;
        assert_eq!(
            parse_zbar_xml(xml),
            vec![(0, "PATCHT".to_string()), (2, "PATCHT:credit_note".to_string()), (2, "5901234123457".to_string())]
        );
    }
}
