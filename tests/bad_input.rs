//! Hostile and broken PDFs: each ends in `failed/` with a reason naming
//! what is wrong (or, when repairable, is read), and the good files beside
//! them are unaffected.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use support::{Generated, Site};

/// A one-page PDF around `content` (a page content stream, Flate-encoded
/// when `flate`), with extra objects appended after object 4.
fn pdf(content: &[u8], flate: bool, page_extra: &str, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut objs: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R {page_extra} >>").into_bytes(),
    ];
    let filter = if flate { " /Filter /FlateDecode" } else { "" };
    let mut s = format!("<< /Length {}{filter} >>\nstream\n", content.len()).into_bytes();
    s.extend_from_slice(content);
    s.extend_from_slice(b"\nendstream");
    objs.push(s);
    objs.extend(extra.iter().cloned());
    support::pdf_of_objects(&objs)
}

fn deflate(chunks: usize, chunk: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..chunks {
        e.write_all(chunk).unwrap();
    }
    e.finish().unwrap()
}

fn qpdf(args: &[&str], input: &Path, output: &Path) {
    let st = Command::new("qpdf").args(args).arg(input).arg(output).status().expect("qpdf (tests/run.sh installs it)");
    assert!(st.success());
}

#[test]
fn hostile_and_broken_pdfs_fail_with_their_reason_and_spare_the_good_ones() {
    let site = Site::new(1500, 0);
    let gen = Generated::eur(2, 21);
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);

    // Zero pages.
    assert!(Command::new("qpdf").arg("--empty").arg(p("zero.pdf")).status().unwrap().success());
    // Encrypted, with and without a user password.
    qpdf(&["--encrypt", "user", "owner", "256", "--"], &gen.pdfs[0], &p("userpw.pdf"));
    qpdf(&["--encrypt", "", "owner", "256", "--"], &gen.pdfs[0], &p("ownerpw.pdf"));
    // A decompression bomb: 2 GiB of zeros in a 2 MB content stream.
    std::fs::write(p("bomb.pdf"), pdf(&deflate(2048, &[0u8; 1 << 20]), true, "", &[])).unwrap();
    // An image that claims 100 000 x 100 000 pixels.
    let img = deflate(1, &[0u8; 1000]);
    let mut im = format!("<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length {} >>\nstream\n", img.len()).into_bytes();
    im.extend_from_slice(&img);
    im.extend_from_slice(b"\nendstream");
    std::fs::write(p("huge-image.pdf"), pdf(b"q 612 0 0 792 0 0 cm /Im1 Do Q", false, "/Resources << /XObject << /Im1 5 0 R >> >>", &[im])).unwrap();
    // A broken xref (startxref points nowhere): repaired and read.
    let good = std::fs::read(&gen.pdfs[1]).unwrap();
    let cut = good.windows(9).rposition(|w| w == b"startxref").unwrap();
    let mut broken = good[..cut].to_vec();
    broken.extend_from_slice(b"startxref\n999999\n%%EOF\n");
    std::fs::write(p("broken-xref.pdf"), broken).unwrap();

    let names = ["zero.pdf", "userpw.pdf", "ownerpw.pdf", "bomb.pdf", "huge-image.pdf", "broken-xref.pdf"];
    let mut args: Vec<String> = vec!["process".into(), "--config".into(), site.config.display().to_string(), "--json".into()];
    args.extend(names.iter().map(|n| p(n).display().to_string()));
    args.push(gen.pdfs[0].display().to_string());
    let out = site.cli(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let objs: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objs.len(), names.len() + 1, "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let by = |n: &str| objs.iter().find(|o| o["file"] == n).unwrap_or_else(|| panic!("no result for {n}: {stdout}"));
    let failed = |n: &str, words: &[&str]| {
        let o = by(n);
        assert_eq!(o["state"], "failed", "{n}: {o}");
        let reason = o["reason"].as_str().unwrap().to_lowercase();
        assert!(words.iter().any(|w| reason.contains(w)), "{n}: reason {reason:?} should say one of {words:?}");
        // The reason file beside the failed file names the file.
        let rf = site.files("failed").into_iter().find(|f| f.to_string_lossy().ends_with(&format!("{n}.reason.txt"))).unwrap();
        assert!(std::fs::read_to_string(rf).unwrap().contains(n));
    };
    failed("zero.pdf", &["no pages"]);
    failed("userpw.pdf", &["encrypted"]);
    failed("ownerpw.pdf", &["encrypted"]);
    failed("bomb.pdf", &["decompress", "bomb"]);
    failed("huge-image.pdf", &["no text", "image", "too large"]);
    assert_eq!(by("broken-xref.pdf")["state"], "posted", "a repairable xref is repaired");
    // The good invoice processed with them is unaffected.
    let first = gen.pdfs[0].file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(by(&first)["state"], "posted");
    assert_eq!(site.files("failed").len(), 10, "5 files and 5 reasons");
}

#[test]
fn a_tiff_that_lies_about_its_size_fails_with_a_reason() {
    // 100 000 x 100 000 pixels claimed, 10 bytes of data.
    let entries: [(u16, u16, u32); 10] =
        [(256, 4, 100_000), (257, 4, 100_000), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 8 + 2 + 12 * 10 + 4), (277, 3, 1), (278, 4, 100_000), (279, 4, 10), (284, 3, 1)];
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, ty, v) in entries {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&ty.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        if ty == 4 {
            tiff.extend_from_slice(&v.to_le_bytes());
        } else {
            tiff.extend_from_slice(&(v as u16).to_le_bytes());
            tiff.extend_from_slice(&[0, 0]);
        }
    }
    tiff.extend_from_slice(&[0u8; 4]);
    tiff.extend_from_slice(&[0u8; 10]);
    let site = Site::new(1500, 0);
    let dir = tempfile::tempdir().unwrap();
    let liar = dir.path().join("liar.tif");
    std::fs::write(&liar, tiff).unwrap();
    let out = site.cli(&["process", "--config", site.config.to_str().unwrap(), "--json", liar.to_str().unwrap()]);
    let o: serde_json::Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(o["state"], "failed", "{o}");
    assert!(o["reason"].as_str().unwrap().contains("tiff image"), "{o}");
    assert!(site.files("failed").iter().any(|f| f.to_string_lossy().ends_with("liar.tif.reason.txt")));
}

#[test]
fn an_xml_entity_bomb_fails_fast_with_its_reason() {
    // "Billion laughs": ten levels of ten references each.
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
        xml.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
    }
    xml.push_str("]>\n<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><ID>&lol9;</ID></Invoice>\n");
    let site = Site::new(1500, 0);
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("lol.xml");
    std::fs::write(&bomb, xml).unwrap();
    let good = Generated::eur(1, 22);
    let out = site.cli(&["process", "--config", site.config.to_str().unwrap(), "--json", bomb.to_str().unwrap(), good.pdfs[0].to_str().unwrap()]);
    let objs: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let o = objs.iter().find(|o| o["file"] == "lol.xml").expect("a result for the bomb");
    assert_eq!(o["state"], "failed", "{o}");
    let reason = o["reason"].as_str().unwrap().to_lowercase();
    assert!(reason.contains("doctype") || reason.contains("entit"), "{reason}");
    assert!(site.files("failed").iter().any(|f| f.to_string_lossy().ends_with("lol.xml.reason.txt")));
    assert_eq!(objs.iter().find(|o| o["file"] != "lol.xml").unwrap()["state"], "posted", "the invoice beside it is unaffected");
}
