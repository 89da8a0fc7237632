//! OCR in the capture stage: a bundled invoice, rasterized to a JPEG and
//! wrapped in an image-only PDF (no text layer), is read and posted.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::Site;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/invoices").join(name)
}

/// Width, height and components from a JPEG's SOF marker.
fn jpeg_info(j: &[u8]) -> (u32, u32, u8) {
    assert!(j.starts_with(b"\xff\xd8"), "not a JPEG");
    let mut i = 2;
    while i + 9 < j.len() {
        assert_eq!(j[i], 0xff, "JPEG marker expected at {i}");
        let m = j[i + 1];
        let len = u16::from_be_bytes([j[i + 2], j[i + 3]]) as usize;
        if matches!(m, 0xc0..=0xcf) && !matches!(m, 0xc4 | 0xc8 | 0xcc) {
            let h = u16::from_be_bytes([j[i + 5], j[i + 6]]) as u32;
            let w = u16::from_be_bytes([j[i + 7], j[i + 8]]) as u32;
            return (w, h, j[i + 9]);
        }
        i += 2 + len;
    }
    panic!("no SOF marker in the JPEG");
}

/// A one-page PDF whose only content is the JPEG drawn over the whole page.
fn image_only_pdf(jpeg: &[u8], dpi: f64) -> Vec<u8> {
    let (w, h, comps) = jpeg_info(jpeg);
    let cs = if comps == 1 { "/DeviceGray" } else { "/DeviceRGB" };
    let (pw, ph) = (w as f64 * 72.0 / dpi, h as f64 * 72.0 / dpi);
    let content = format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /Im0 Do Q\n");
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut obj = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    obj(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    obj(&mut out, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj(&mut out, format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2} {ph:.2}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>").as_bytes());
    let mut img = format!("<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {cs} /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n", jpeg.len()).into_bytes();
    img.extend_from_slice(jpeg);
    img.extend_from_slice(b"\nendstream");
    obj(&mut out, &img);
    obj(&mut out, format!("<< /Length {} >>\nstream\n{content}endstream", content.len()).as_bytes());
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", offsets.len() + 1).as_bytes());
    out
}

/// The sample as a scan: rendered at 200 dpi to JPEG, wrapped without text.
fn scanned_sample(dir: &Path, name: &str) -> PathBuf {
    scan_of(dir, &sample(name), name)
}

fn scan_of(dir: &Path, src: &Path, name: &str) -> PathBuf {
    let root = dir.join("raster");
    let st = Command::new("pdftoppm").args(["-r", "200", "-jpeg", "-singlefile"]).arg(src).arg(&root).status().expect("pdftoppm (poppler-utils) is needed");
    assert!(st.success());
    let jpeg = std::fs::read(root.with_extension("jpg")).unwrap();
    let pdf = dir.join(name.replace(".pdf", "-scan.pdf"));
    std::fs::write(&pdf, image_only_pdf(&jpeg, 200.0)).unwrap();
    pdf
}

#[test]
fn a_scanned_invoice_is_read_by_ocr_and_posted() {
    let name = "inv-0002-utility-fr.pdf";
    let work = tempfile::tempdir().unwrap();
    let scan = scanned_sample(work.path(), name);
    // No text layer at all: what OCR reads is all there is.
    let pages = paperledger::capture::pdf_text::extract_pages(&std::fs::read(&scan).unwrap()).unwrap();
    assert!(pages.iter().all(|p| p.words.is_empty()));

    let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sample(name).with_extension("truth.json")).unwrap()).unwrap();
    let t = &truth["documents"][0]["fields"];
    let out = Command::new(support::bin()).arg("extract").arg(&scan).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fields = &v["documents"][0]["fields"];
    for f in ["invoice_number", "invoice_date", "gross_total"] {
        assert_eq!(fields[f]["value"], t[f], "{f}: {}", fields[f]);
    }

    let site = Site::new(1500, 0);
    let out = site.cli(&["process", "--config", site.config.to_str().unwrap(), "--json", scan.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let o: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(o["state"], "posted", "{o}");
    let detail: String = site.db().query_row("SELECT detail FROM events WHERE kind = 'extracted'", [], |r| r.get(0)).unwrap();
    let d: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(d["text"], "ocr", "{d}");
    assert_eq!(d["ocr_pages"], serde_json::json!([1]), "{d}");
}

#[test]
fn a_born_digital_invoice_is_not_ocrd() {
    let site = Site::new(1500, 0);
    let pdf = sample("inv-0001-din-en.pdf");
    let out = site.cli(&["process", "--config", site.config.to_str().unwrap(), "--json", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let detail: String = site.db().query_row("SELECT detail FROM events WHERE kind = 'extracted'", [], |r| r.get(0)).unwrap();
    let d: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(d["text"], "digital", "{d}");
    assert!(d.get("ocr_pages").is_none(), "{d}");
}

#[test]
fn a_blank_page_fails_saying_ocr_found_no_text() {
    let work = tempfile::tempdir().unwrap();
    // A scan of a white page.
    let pdf = work.path().join("blank.pdf");
    std::fs::write(&pdf, image_only_pdf(&minimal_gray_jpeg(), 10.0)).unwrap();
    let out = Command::new(support::bin()).arg("extract").arg(&pdf).arg("--json").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no usable text layer") && err.contains("OCR found no text"), "{err}");
}

/// A tiny white grayscale JPEG made by pdftoppm from a blank page.
fn minimal_gray_jpeg() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("b.pdf");
    let content = "";
    let pdf = format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Contents 4 0 R >> endobj\n4 0 obj << /Length {} >> stream\n{content}\nendstream endobj\ntrailer << /Size 5 /Root 1 0 R >>\n%%EOF\n",
        content.len()
    );
    std::fs::write(&blank, pdf).unwrap();
    let root = dir.path().join("w");
    assert!(Command::new("pdftoppm").args(["-r", "144", "-gray", "-jpeg", "-singlefile"]).arg(&blank).arg(&root).status().unwrap().success());
    std::fs::read(root.with_extension("jpg")).unwrap()
}

/// A page fed into the scanner sideways: the image itself is turned (no
/// /Rotate to undo it). Needs tesseract's `osd` data; skipped without it.
#[test]
fn a_sideways_scan_is_turned_upright() {
    let langs = Command::new("tesseract").arg("--list-langs").output().unwrap();
    if !String::from_utf8_lossy(&langs.stdout).lines().any(|l| l.trim() == "osd") {
        eprintln!("tesseract-ocr-osd not installed: skipped");
        return;
    }
    let name = "inv-0002-utility-fr.pdf";
    let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sample(name).with_extension("truth.json")).unwrap()).unwrap();
    let t = &truth["documents"][0]["fields"];
    for turn in ["+90", "+180", "+270"] {
        let work = tempfile::tempdir().unwrap();
        let turned = work.path().join("turned.pdf");
        let st = Command::new("qpdf").arg(format!("--rotate={turn}")).arg(sample(name)).arg(&turned).status().expect("qpdf is needed");
        assert!(st.success());
        let scan = scan_of(work.path(), &turned, name);
        let out = Command::new(support::bin()).arg("extract").arg(&scan).arg("--json").output().unwrap();
        assert!(out.status.success(), "{turn}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let fields = &v["documents"][0]["fields"];
        for f in ["invoice_number", "invoice_date", "gross_total"] {
            assert_eq!(fields[f]["value"], t[f], "turned {turn}: {f}: {}", fields[f]);
        }
    }
}

#[test]
fn the_ocr_api_returns_requested_pages_and_enforces_the_time_limit() {
    use paperledger::capture::ocr::{ocr_pdf_pages, OcrError, OcrSettings};
    use paperledger::capture::TextSource;
    let work = tempfile::tempdir().unwrap();
    let scan = std::fs::read(scanned_sample(work.path(), "inv-0002-utility-fr.pdf")).unwrap();
    let pages = ocr_pdf_pages(&scan, &[1], &OcrSettings::default()).unwrap();
    assert_eq!(pages.len(), 1);
    let p = &pages[0];
    assert_eq!((p.number, p.source), (1, TextSource::Ocr));
    assert!(p.text().contains("TH2605000463"), "{}", p.text());
    for w in &p.words {
        assert!(w.bbox.x0 >= 0.0 && w.bbox.x1 <= p.width + 0.5 && w.bbox.y0 >= 0.0 && w.bbox.y1 <= p.height + 0.5, "{w:?}");
        assert!((0.0..=1.0).contains(&w.confidence));
    }
    assert!(matches!(ocr_pdf_pages(&scan, &[2], &OcrSettings::default()), Err(OcrError::NoSuchPage(2))));
    // A limit no renderer can meet: the child is killed and the page reported.
    let tight = OcrSettings { page_timeout: std::time::Duration::from_millis(1), ..OcrSettings::default() };
    match ocr_pdf_pages(&scan, &[1], &tight) {
        Err(OcrError::Timeout { page: 1, .. }) => {}
        other => panic!("expected a timeout, got {:?}", other.map(|p| p.len())),
    }
}

#[test]
fn tiff_and_png_scans_are_read_like_pdfs() {
    let name = "inv-0002-utility-fr.pdf";
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("scan");
    // What a copier sends: a 1-bit 300 dpi TIFF, and a grey PNG.
    for args in [&["-r", "300", "-mono", "-tiff"][..], &["-r", "200", "-gray", "-png"][..]] {
        assert!(Command::new("pdftoppm").args(args).arg("-singlefile").arg(sample(name)).arg(&root).status().unwrap().success());
    }
    let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sample(name).with_extension("truth.json")).unwrap()).unwrap();
    let t = &truth["documents"][0]["fields"];
    for ext in ["tif", "png"] {
        let img = root.with_extension(ext);
        let out = Command::new(support::bin()).arg("extract").arg(&img).arg("--json").output().unwrap();
        assert!(out.status.success(), "{ext}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["documents"][0]["pages"], serde_json::json!([1]));
        for f in ["invoice_number", "invoice_date", "gross_total"] {
            assert_eq!(v["documents"][0]["fields"][f]["value"], t[f], "{ext} {f}");
        }
    }
    // Not an image nor a PDF: still refused with the reason.
    let bad = work.path().join("fake.tif");
    std::fs::write(&bad, b"II*\0 this is not really a TIFF").unwrap();
    let out = Command::new(support::bin()).arg("extract").arg(&bad).arg("--json").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("tiff image"), "{}", String::from_utf8_lossy(&out.stderr));
}
