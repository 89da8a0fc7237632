//! OCR of PDF pages without a usable text layer.
//!
//! Each page is rendered by `pdftoppm` (poppler decodes DCT, CCITT, JBIG2,
//! Flate… alike) and read by `tesseract` (TSV output: words with pixel boxes
//! and confidences). Words come out in the same shape as born-digital text:
//! points, origin at the displayed crop box's top-left, y down, /Rotate
//! applied (`pdftoppm -cropbox` renders exactly that area), in reading order.
//!
//! Bounds: the raster size follows the *page* size, never the size of the
//! images on it, and the resolution is lowered for huge pages so a raster
//! never exceeds [`OcrSettings::max_pixels`]; each child process runs under a
//! virtual-memory limit and is killed after [`OcrSettings::page_timeout`];
//! at most [`OcrSettings::parallelism`] pages are processed at once.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::raster::{ink_percent, read_barcodes, read_pgm, upside_down, Gray, PageScan};
use super::{BBox, Page, TextSource, Word};

/// How pages are recognized.
#[derive(Debug, Clone)]
pub struct OcrSettings {
    /// Tesseract languages, `+`-separated; those not installed are skipped.
    pub languages: String,
    /// Rendering resolution (lowered for pages that would exceed `max_pixels`).
    pub dpi: u32,
    /// Wall-clock limit per page (rendering + recognition), after which the child is killed.
    pub page_timeout: Duration,
    /// Largest raster, in pixels, that a page may be rendered to.
    pub max_pixels: u64,
    /// Pages processed at once (0: the number of cores).
    pub parallelism: usize,
    /// Virtual-memory limit for each child process, in bytes (0: none).
    pub child_memory: u64,
    /// Also measure each page's ink (blank separator sheets).
    pub measure_ink: bool,
    /// Also read each page's barcodes and QR codes (separator sheets), with `zbarimg`.
    pub read_barcodes: bool,
}

impl Default for OcrSettings {
    fn default() -> Self {
        OcrSettings {
            languages: "fra+deu+eng".into(),
            dpi: 300,
            page_timeout: Duration::from_secs(60),
            max_pixels: 100_000_000,
            parallelism: 0,
            child_memory: 4 << 30,
            measure_ink: false,
            read_barcodes: false,
        }
    }
}

/// Why OCR could not run. Messages name what an admin can do about it.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("{tool} is not installed: install {package} to read scanned pages")]
    MissingTool { tool: &'static str, package: &'static str },
    #[error("none of the OCR languages `{0}` is installed for tesseract: install tesseract-ocr-fra, tesseract-ocr-deu or tesseract-ocr-eng")]
    NoLanguage(String),
    #[error("OCR of page {page} took longer than {secs} s ({tool} killed)")]
    Timeout { page: u32, secs: u64, tool: &'static str },
    #[error("OCR of page {page}: {tool} failed: {message}")]
    Failed { page: u32, tool: &'static str, message: String },
    #[error("OCR of page {page}: the page is too large to render ({width:.0} x {height:.0} pt)")]
    TooLarge { page: u32, width: f64, height: f64 },
    #[error("OCR: page {0} does not exist")]
    NoSuchPage(u32),
    #[error("OCR: {0}")]
    Io(String),
}

/// OCR the given pages (1-based numbers) of a PDF; returns one page per
/// requested number, in the requested order, with `source: Ocr`.
pub fn ocr_pdf_pages(pdf: &[u8], pages: &[u32], settings: &OcrSettings) -> Result<Vec<Page>, OcrError> {
    let sizes = super::pdf_text::page_sizes(pdf).ok();
    let sized: Vec<(u32, f64, f64)> = pages
        .iter()
        .map(|&n| match &sizes {
            Some(s) => s.get(&n).map(|&(w, h)| (n, w, h)).ok_or(OcrError::NoSuchPage(n)),
            None => Ok((n, 612.0, 792.0)),
        })
        .collect::<Result<_, _>>()?;
    Ok(ocr_sized_pages(pdf, &sized, settings)?.into_iter().map(|(p, _)| p).collect())
}

/// Like [`ocr_pdf_pages`], with each page's displayed size in points already
/// known (`(number, width, height)`, e.g. from `pdf_text::extract_pages`),
/// and what each page's image showed (ink, barcodes) when asked.
pub fn ocr_sized_pages(pdf: &[u8], pages: &[(u32, f64, f64)], settings: &OcrSettings) -> Result<Vec<(Page, PageScan)>, OcrError> {
    if pages.is_empty() {
        return Ok(Vec::new());
    }
    let (langs, osd) = usable_languages(settings)?;
    let dir = temp_dir()?;
    let pdf_path = dir.path().join("in.pdf");
    std::fs::write(&pdf_path, pdf).map_err(|e| OcrError::Io(format!("writing temporary PDF: {e}")))?;
    per_page(pages, settings, |&(number, w, h)| ocr_one(&pdf_path, dir.path(), number, w, h, &langs, osd, settings))
}

/// Ink and barcodes of pages that have a text layer (no OCR needed), from a
/// lighter 150 dpi rendering: a separator sheet may carry a few words.
pub fn scan_pdf_pages(pdf: &[u8], pages: &[(u32, f64, f64)], settings: &OcrSettings) -> Result<Vec<PageScan>, OcrError> {
    if pages.is_empty() {
        return Ok(Vec::new());
    }
    let dir = temp_dir()?;
    let pdf_path = dir.path().join("in.pdf");
    std::fs::write(&pdf_path, pdf).map_err(|e| OcrError::Io(format!("writing temporary PDF: {e}")))?;
    let light = OcrSettings { dpi: settings.dpi.min(150), ..settings.clone() };
    per_page(pages, settings, |&(number, w, h)| {
        let deadline = Instant::now() + settings.page_timeout;
        let raster = render_page(&pdf_path, dir.path(), number, w, h, deadline, &light)?;
        let scan = scan_raster(&raster, number, deadline, settings, dir.path());
        let _ = std::fs::remove_file(&raster);
        scan
    })
}

fn temp_dir() -> Result<tempfile::TempDir, OcrError> {
    tempfile::Builder::new().prefix("paperledger-ocr").tempdir().map_err(|e| OcrError::Io(format!("temporary folder: {e}")))
}

/// Run `f` over the pages on up to one worker per core, results in page
/// order; the first error stops the pages not yet started and is returned.
fn per_page<I: Sync, T: Send>(items: &[I], settings: &OcrSettings, f: impl Fn(&I) -> Result<T, OcrError> + Sync) -> Result<Vec<T>, OcrError> {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let workers = if settings.parallelism == 0 { cores } else { settings.parallelism }.clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<T, OcrError>>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                let failed = r.is_err();
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                if failed {
                    // No point in starting more pages: the first error is reported.
                    next.store(items.len(), Ordering::SeqCst);
                }
            });
        }
    });
    let mut out = Vec::with_capacity(items.len());
    for r in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        match r {
            Some(r) => out.push(r?),
            None => return Err(OcrError::Io("a page was not processed".into())),
        }
    }
    Ok(out)
}

/// What kind of image a file is, by its first bytes: scanners also send
/// TIFF (often multi-page CCITT G4), JPEG and PNG files.
pub fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x49, 0x49, 0x2A, 0x00, ..] | [0x4D, 0x4D, 0x00, 0x2A, ..] => Some("tiff"),
        [0xFF, 0xD8, 0xFF, ..] => Some("jpg"),
        [0x89, b'P', b'N', b'G', ..] => Some("png"),
        _ => None,
    }
}

/// A TIFF (often multi-page, CCITT G4 from copiers) rewritten as a PDF by
/// `tiff2pdf` (Debian `libtiff-tools`), without recompressing its images:
/// its pages then go through the same per-page OCR as a scanned PDF, in
/// parallel, each turned upright and analysed for separators on its own.
pub fn tiff_to_pdf(tiff: &[u8], settings: &OcrSettings) -> Result<Vec<u8>, OcrError> {
    let dir = temp_dir()?;
    let input = dir.path().join("in.tif");
    let output = dir.path().join("out.pdf");
    std::fs::write(&input, tiff).map_err(|e| OcrError::Io(format!("writing temporary image: {e}")))?;
    let mut cmd = Command::new("tiff2pdf");
    cmd.arg("-o").arg(&output).arg(&input);
    run(cmd, "tiff2pdf", 1, Instant::now() + settings.page_timeout, settings, dir.path())?;
    std::fs::read(&output).map_err(|e| OcrError::Failed { page: 1, tool: "tiff2pdf", message: format!("no PDF written: {e}") })
}

/// A single JPEG or PNG image read by tesseract into words with boxes like
/// [`ocr_pdf_pages`]. Pixels become points at `settings.dpi` (what a
/// copier's scan resolution usually is).
pub fn ocr_image(image: &[u8], kind: &str, settings: &OcrSettings) -> Result<(Page, PageScan), OcrError> {
    let (langs, osd) = usable_languages(settings)?;
    let dir = temp_dir()?;
    let input = dir.path().join(format!("in.{kind}"));
    std::fs::write(&input, image).map_err(|e| OcrError::Io(format!("writing temporary image: {e}")))?;
    let deadline = Instant::now() + settings.page_timeout;
    let mut scan = PageScan { number: 1, ..Default::default() };
    if settings.read_barcodes {
        scan.barcodes = barcodes(&input, 1, deadline, settings, dir.path())?.into_iter().map(|(_, v)| v).collect();
    }
    let rotate = if osd { detect_rotation(&input, 1, deadline, settings, dir.path()).unwrap_or(0) } else { 0 };
    let out_base = dir.path().join("out");
    let mut cmd = Command::new("tesseract");
    cmd.arg(&input)
        .arg(&out_base)
        .args(["-l", &langs, "--psm", if rotate == 0 { "3" } else { "1" }, "-c", "tessedit_create_tsv=1", "-c", "tessedit_create_txt=0"]);
    run(cmd, "tesseract", 1, deadline, settings, dir.path())?;
    let tsv = std::fs::read_to_string(out_base.with_extension("tsv"))
        .map_err(|e| OcrError::Failed { page: 1, tool: "tesseract", message: format!("no TSV output: {e}") })?;
    // The image's size in pixels is on the level-1 row.
    let (w, h) = tsv
        .lines()
        .find(|l| l.starts_with("1\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let n = |i: usize| f.get(i).and_then(|v| v.trim().parse::<f64>().ok()).unwrap_or(0.0);
            (n(8), n(9))
        })
        .unwrap_or((0.0, 0.0));
    let scale = 72.0 / settings.dpi.max(1) as f64;
    Ok((page_from_tsv(&tsv, 1, w * scale, h * scale, rotate), scan))
}

/// The configured languages tesseract has data for, `+`-joined, and
/// whether orientation detection (`osd`) is available.
fn usable_languages(settings: &OcrSettings) -> Result<(String, bool), OcrError> {
    let installed = installed_languages()?;
    let langs: Vec<&str> = settings.languages.split('+').filter(|l| !l.is_empty() && installed.iter().any(|i| i == l)).collect();
    if langs.is_empty() {
        return Err(OcrError::NoLanguage(settings.languages.clone()));
    }
    Ok((langs.join("+"), installed.iter().any(|l| l == "osd")))
}

/// Languages tesseract has data for (including `osd` when present). Asked
/// once per process (a tesseract start per file is a tenth of a second);
/// a language pack installed later is seen after a restart.
pub fn installed_languages() -> Result<Vec<String>, OcrError> {
    static KNOWN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    if let Some(k) = KNOWN.get() {
        return Ok(k.clone());
    }
    let found = list_languages()?;
    Ok(KNOWN.get_or_init(|| found).clone())
}

fn list_languages() -> Result<Vec<String>, OcrError> {
    let out = Command::new("tesseract").arg("--list-langs").stdin(Stdio::null()).output().map_err(|e| spawn_error(e, "tesseract", 0))?;
    // Older versions print the list on stderr.
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Ok(text.lines().skip_while(|l| !l.starts_with("List of available languages")).skip(1).map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect())
}

fn spawn_error(e: std::io::Error, tool: &'static str, page: u32) -> OcrError {
    if e.kind() == std::io::ErrorKind::NotFound {
        let package = match tool {
            "tesseract" => "tesseract-ocr",
            "zbarimg" => "zbar-tools",
            "tiff2pdf" => "libtiff-tools",
            _ => "poppler-utils",
        };
        OcrError::MissingTool { tool, package }
    } else {
        OcrError::Failed { page, tool, message: format!("cannot start it: {e}") }
    }
}

/// Resolution for a page: `settings.dpi`, lowered so the raster stays under `max_pixels`.
fn page_dpi(width: f64, height: f64, settings: &OcrSettings) -> Option<f64> {
    let dpi = settings.dpi.max(1) as f64;
    let area_in2 = (width / 72.0).max(0.01) * (height / 72.0).max(0.01);
    let cap = (settings.max_pixels as f64 / area_in2).sqrt();
    let dpi = dpi.min(cap).floor();
    // Below this, text is unreadable anyway: the "page" is a poster or a hostile file.
    (dpi >= 50.0).then_some(dpi)
}

#[allow(clippy::too_many_arguments)]
fn ocr_one(pdf: &Path, dir: &Path, number: u32, width: f64, height: f64, langs: &str, osd: bool, settings: &OcrSettings) -> Result<(Page, PageScan), OcrError> {
    let deadline = Instant::now() + settings.page_timeout;
    let raster = render_page(pdf, dir, number, width, height, deadline, settings)?;
    let bytes = std::fs::read(&raster).map_err(|e| OcrError::Io(format!("reading page {number}'s image: {e}")))?;
    let mut g = read_pgm(&bytes).ok_or_else(|| OcrError::Failed { page: number, tool: "pdftoppm", message: "unreadable PGM".into() })?;
    drop(bytes);
    // A page fed upside down is turned before it is read: its lines' shape
    // tells, for a fraction of the cost of reading it twice.
    let mut read_from = raster.clone();
    if upside_down(&g) == Some(true) {
        g = rotate_cw(&g, 180);
        read_from = dir.join(format!("u{number}.pgm"));
        write_pgm(&read_from, &g).map_err(|e| OcrError::Io(e.to_string()))?;
    }
    let mut tsv = recognize_raster(&read_from, number, langs, deadline, settings, dir)?;
    let mut size = (width, height);
    // Orientation detection only for pages that still read badly (sideways,
    // or turned when the lines did not tell), on a half-size copy (4x fewer
    // pixels); the page is then turned upright here and read again.
    if osd && reads_badly(&tsv) {
        let small = dir.join(format!("s{number}.pgm"));
        write_pgm(&small, &halve(&g)).map_err(|e| OcrError::Io(e.to_string()))?;
        // The page already reads badly upright, so a modest confidence is
        // enough; a doubtful half-size verdict is asked again at full size.
        // A confident "upright" (a noisy page, not a turned one) ends it there.
        let verdict = match osd_verdict(&small, number, deadline, settings, dir) {
            Some((r, conf)) if conf >= 1.0 => Some(r),
            _ => osd_verdict(&read_from, number, deadline, settings, dir).filter(|v| v.1 >= 1.0).map(|v| v.0),
        };
        if let Some(r) = verdict.filter(|r| *r != 0) {
            let upright = dir.join(format!("v{number}.pgm"));
            write_pgm(&upright, &rotate_cw(&g, r)).map_err(|e| OcrError::Io(e.to_string()))?;
            tsv = recognize_raster(&upright, number, langs, deadline, settings, dir)?;
            if r == 90 || r == 270 {
                size = (height, width);
            }
            let _ = std::fs::remove_file(&upright);
        }
    }
    drop(g);
    let page = page_from_tsv(&tsv, number, size.0, size.1, 0);
    // Separator sheets carry a code and next to no text: other pages are not measured nor searched.
    let scan = if page.words.len() < SEPARATOR_MAX_WORDS { scan_raster(&raster, number, deadline, settings, dir)? } else { PageScan { number, ..Default::default() } };
    let _ = std::fs::remove_file(&raster);
    if read_from != raster {
        let _ = std::fs::remove_file(&read_from);
    }
    Ok((page, scan))
}

/// Half the resolution (2x2 averages): enough for orientation detection.
fn halve(g: &Gray) -> Gray {
    let (w, h) = (g.width / 2, g.height / 2);
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let p = |dx: usize, dy: usize| g.pixels[(2 * y + dy) * g.width + 2 * x + dx] as u32;
            pixels.push(((p(0, 0) + p(1, 0) + p(0, 1) + p(1, 1)) / 4) as u8);
        }
    }
    Gray { width: w, height: h, pixels }
}

/// The raster turned `degrees` (90, 180, 270) clockwise.
fn rotate_cw(g: &Gray, degrees: u32) -> Gray {
    let (w, h) = (g.width, g.height);
    match degrees {
        180 => Gray { width: w, height: h, pixels: g.pixels.iter().rev().copied().collect() },
        90 | 270 => {
            let mut pixels = vec![0u8; w * h];
            for y in 0..h {
                for x in 0..w {
                    // Clockwise: (x, y) -> (h-1-y, x); counter-clockwise: (y, w-1-x).
                    let (nx, ny) = if degrees == 90 { (h - 1 - y, x) } else { (y, w - 1 - x) };
                    pixels[ny * h + nx] = g.pixels[y * w + x];
                }
            }
            Gray { width: h, height: w, pixels }
        }
        _ => Gray { width: w, height: h, pixels: g.pixels.clone() },
    }
}

fn write_pgm(path: &Path, g: &Gray) -> std::io::Result<()> {
    let mut out = format!("P5\n{} {}\n255\n", g.width, g.height).into_bytes();
    out.extend_from_slice(&g.pixels);
    std::fs::write(path, out)
}

/// A page with more words than this is a document page, not a separator sheet.
const SEPARATOR_MAX_WORDS: usize = 40;

/// Tesseract's words (TSV) of a rendered page.
fn recognize_raster(raster: &Path, number: u32, langs: &str, deadline: Instant, settings: &OcrSettings, dir: &Path) -> Result<String, OcrError> {
    let out_base = dir.join(format!("t{number}"));
    let mut cmd = Command::new("tesseract");
    cmd.arg(raster)
        .arg(&out_base)
        .args(["-l", langs, "--psm", "3", "-c", "tessedit_create_tsv=1", "-c", "tessedit_create_txt=0"]);
    run(cmd, "tesseract", number, deadline, settings, dir)?;
    std::fs::read_to_string(out_base.with_extension("tsv")).map_err(|e| OcrError::Failed { page: number, tool: "tesseract", message: format!("no TSV output: {e}") })
}

/// Upright text reads with high confidence (about 90 on average); the same
/// page upside down averages about 60, half its words below 60. A page
/// turned sideways may read well, but its words come out taller than wide.
fn reads_badly(tsv: &str) -> bool {
    let mut confs = Vec::new();
    let (mut long, mut tall) = (0usize, 0usize);
    for l in tsv.lines().skip(1) {
        let f: Vec<&str> = l.splitn(12, '\t').collect();
        if f.len() < 12 || f[0] != "5" || f[11].trim().is_empty() {
            continue;
        }
        let n = |i: usize| f[i].trim().parse::<f64>().unwrap_or(-1.0);
        if n(10) >= 0.0 {
            confs.push(n(10));
        }
        if f[11].trim().chars().count() >= 4 {
            long += 1;
            tall += (n(9) > n(8)) as usize;
        }
    }
    if confs.len() < 5 {
        return false;
    }
    let mean = confs.iter().sum::<f64>() / confs.len() as f64;
    let good = confs.iter().filter(|c| **c >= 60.0).count() as f64 / confs.len() as f64;
    mean < 75.0 || good < 0.75 || tall * 2 > long
}

/// Render one page to a grayscale PGM (uncompressed: tesseract and zbarimg
/// read it without a decode step) at the settings' resolution, capped.
fn render_page(pdf: &Path, dir: &Path, number: u32, width: f64, height: f64, deadline: Instant, settings: &OcrSettings) -> Result<PathBuf, OcrError> {
    let dpi = page_dpi(width, height, settings).ok_or(OcrError::TooLarge { page: number, width, height })?;
    let root = dir.join(format!("p{number}"));
    let pgm = dir.join(format!("p{number}.pgm"));
    let mut cmd = Command::new("pdftoppm");
    cmd.args(["-r", &format!("{dpi}"), "-gray", "-cropbox", "-singlefile", "-f", &number.to_string(), "-l", &number.to_string()]).arg(pdf).arg(&root);
    run(cmd, "pdftoppm", number, deadline, settings, dir)?;
    if !pgm.exists() {
        return Err(OcrError::Failed { page: number, tool: "pdftoppm", message: "no image written".into() });
    }
    Ok(pgm)
}

/// Ink and barcodes of a rendered page, as far as the settings ask.
fn scan_raster(raster: &Path, number: u32, deadline: Instant, settings: &OcrSettings, dir: &Path) -> Result<PageScan, OcrError> {
    let mut scan = PageScan { number, ..Default::default() };
    if settings.measure_ink {
        let bytes = std::fs::read(raster).map_err(|e| OcrError::Io(format!("reading page {number}'s image: {e}")))?;
        scan.ink_percent = read_pgm(&bytes).map(|g| ink_percent(&g));
    }
    if settings.read_barcodes {
        scan.barcodes = barcodes(raster, number, deadline, settings, dir)?.into_iter().map(|(_, v)| v).collect();
    }
    Ok(scan)
}

/// Barcodes on an image (every frame of a multi-page TIFF), by frame index.
fn barcodes(image: &Path, number: u32, deadline: Instant, settings: &OcrSettings, dir: &Path) -> Result<Vec<(usize, String)>, OcrError> {
    read_barcodes(image, |cmd| {
        let out = dir.join(format!("z{number}.xml"));
        run_to(cmd, "zbarimg", number, deadline, settings, dir, Some(&out), &[4]).map_err(|e| e.to_string())?;
        std::fs::read_to_string(&out).map_err(|e| e.to_string())
    })
    .map_err(|message| OcrError::Failed { page: number, tool: "zbarimg", message })
}

/// Clockwise rotation (0/90/180/270) that makes the page upright, per tesseract's OSD.
fn detect_rotation(png: &Path, number: u32, deadline: Instant, settings: &OcrSettings, dir: &Path) -> Option<u32> {
    osd_verdict(png, number, deadline, settings, dir).and_then(|(rotate, conf)| (conf >= 2.0 && rotate != 0).then_some(rotate))
}

/// Tesseract's orientation verdict: the turn that makes the page upright
/// (0, 90, 180, 270), with its confidence.
fn osd_verdict(png: &Path, number: u32, deadline: Instant, settings: &OcrSettings, dir: &Path) -> Option<(u32, f64)> {
    let out_base = dir.join(format!("o{number}"));
    let mut cmd = Command::new("tesseract");
    cmd.arg(png).arg(&out_base).args(["--psm", "0"]);
    run(cmd, "tesseract", number, deadline, settings, dir).ok()?;
    let text = std::fs::read_to_string(out_base.with_extension("osd")).ok()?;
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string());
    let rotate: u32 = field("Rotate:")?.parse().ok()?;
    let conf: f64 = field("Orientation confidence:")?.parse().ok()?;
    // A low confidence is typical of pages with little text.
    matches!(rotate, 0 | 90 | 180 | 270).then_some((rotate, conf))
}

/// Run a child with the page's deadline and the memory limit; output goes to files, not pipes.
/// At most one OCR child per core in the whole process: several daemon
/// workers OCR-ing files at once share the cores instead of multiplying.
struct ChildSlots {
    busy: Mutex<usize>,
    freed: Condvar,
}

static SLOTS: ChildSlots = ChildSlots { busy: Mutex::new(0), freed: Condvar::new() };

struct Slot;

impl ChildSlots {
    fn take(&'static self) -> Slot {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= cores {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        *SLOTS.busy.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        SLOTS.freed.notify_one();
    }
}

fn run(cmd: Command, tool: &'static str, page: u32, deadline: Instant, settings: &OcrSettings, dir: &Path) -> Result<(), OcrError> {
    run_to(cmd, tool, page, deadline, settings, dir, None, &[])
}

/// [`run`] with the child's standard output sent to `stdout` and extra exit
/// codes taken as success (zbarimg exits 4 when it found no barcode).
#[allow(clippy::too_many_arguments)]
fn run_to(mut cmd: Command, tool: &'static str, page: u32, deadline: Instant, settings: &OcrSettings, dir: &Path, stdout: Option<&Path>, ok_codes: &[i32]) -> Result<(), OcrError> {
    let out = |_: ()| -> Result<Stdio, OcrError> {
        Ok(match stdout {
            Some(p) => std::fs::File::create(p).map_err(|e| OcrError::Io(e.to_string()))?.into(),
            None => Stdio::null(),
        })
    };
    // Time spent waiting for a free core does not count against the page.
    let asked = Instant::now();
    let _slot = SLOTS.take();
    let deadline = deadline + asked.elapsed();
    let err_path: PathBuf = dir.join(format!("{tool}-{page}.err"));
    let err_file = std::fs::File::create(&err_path).map_err(|e| OcrError::Io(e.to_string()))?;
    cmd.stdin(Stdio::null()).stdout(out(())?).stderr(err_file).env("OMP_THREAD_LIMIT", "1");
    let mut child = if settings.child_memory > 0 {
        // `ulimit -v` through sh: no libc crate needed, and the limit applies to the tool only.
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(format!("ulimit -v {} 2>/dev/null; exec \"$0\" \"$@\"", settings.child_memory / 1024)).arg(cmd.get_program()).args(cmd.get_args());
        sh.stdin(Stdio::null()).stdout(out(())?).stderr(std::fs::File::create(&err_path).map_err(|e| OcrError::Io(e.to_string()))?).env("OMP_THREAD_LIMIT", "1");
        // sh reports a missing program as exit status 127.
        sh.spawn().map_err(|e| spawn_error(e, tool, page))?
    } else {
        cmd.spawn().map_err(|e| spawn_error(e, tool, page))?
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(OcrError::Timeout { page, secs: settings.page_timeout.as_secs(), tool });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(OcrError::Failed { page, tool, message: e.to_string() }),
        }
    };
    if status.success() || status.code().is_some_and(|c| ok_codes.contains(&c)) {
        return Ok(());
    }
    if status.code() == Some(127) {
        return Err(spawn_error(std::io::ErrorKind::NotFound.into(), tool, page));
    }
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    Err(OcrError::Failed { page, tool, message: format!("{status}{}{last}", if last.is_empty() { "" } else { ": " }) })
}

/// Words of one page from tesseract's TSV (level 5 rows), in page points.
fn page_from_tsv(tsv: &str, number: u32, width: f64, height: f64, rotate: u32) -> Page {
    let mut img = (0.0f64, 0.0f64);
    let mut raw: Vec<(f64, f64, f64, f64, f32, String)> = Vec::new();
    // Tesseract's own line of each word (block, paragraph, line), for the skew.
    let mut line_of: Vec<(u32, u32, u32)> = Vec::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.splitn(12, '\t').collect();
        if f.len() < 12 {
            continue;
        }
        let n = |i: usize| f[i].trim().parse::<f64>().unwrap_or(0.0);
        match f[0] {
            "1" => img = (n(8), n(9)),
            "5" => {
                let text = f[11].trim();
                let conf = n(10);
                if text.is_empty() || conf < 0.0 {
                    continue;
                }
                raw.push((n(6), n(7), n(6) + n(8), n(7) + n(9), (conf / 100.0).clamp(0.0, 1.0) as f32, text.to_string()));
                line_of.push((n(2) as u32, n(3) as u32, n(4) as u32));
            }
            _ => {}
        }
    }
    let (iw, ih) = if img.0 > 0.0 && img.1 > 0.0 { img } else { (width * 300.0 / 72.0, height * 300.0 / 72.0) };
    // Small skews: words of one printed line drift up or down across the
    // page, which would break lines apart downstream. Turn every box back
    // around the page centre by the median slope of tesseract's lines.
    if rotate == 0 || rotate == 180 {
        let slope = skew_slope(&raw, &line_of, iw);
        if slope.abs() > 0.001 {
            let (cx, cy) = (iw / 2.0, ih / 2.0);
            for w in raw.iter_mut() {
                let (mx, my) = ((w.0 + w.2) / 2.0, (w.1 + w.3) / 2.0);
                let (dx, dy) = (mx - cx, my - cy);
                // Rotation by -atan(slope), small-angle exact enough for a few degrees.
                let (nx, ny) = (cx + dx + dy * slope, cy + dy - dx * slope);
                let (sx, sy) = (nx - mx, ny - my);
                *w = (w.0 + sx, w.1 + sy, w.2 + sx, w.3 + sy, w.4, std::mem::take(&mut w.5));
            }
        }
    }
    // Tesseract's boxes are tight around the ink: "rue" is shorter than
    // "Hexagone", so centres and heights vary along a line, which splits
    // lines and phrases downstream. Give every word its line's full height,
    // as a font's box would in born-digital text.
    if rotate == 0 || rotate == 180 {
        let mut extent: std::collections::HashMap<(u32, u32, u32), (f64, f64)> = Default::default();
        for (w, key) in raw.iter().zip(&line_of) {
            let e = extent.entry(*key).or_insert((w.1, w.3));
            *e = (e.0.min(w.1), e.1.max(w.3));
        }
        for (w, key) in raw.iter_mut().zip(&line_of) {
            if let Some(&(top, bottom)) = extent.get(key) {
                // A line taller than 3 times its word would be a merge of several: leave it.
                if bottom - top <= 3.0 * (w.3 - w.1).max(1.0) {
                    w.1 = top;
                    w.3 = bottom;
                }
            }
        }
    }
    // Turn boxes upright: rotating the image by `rotate` degrees clockwise.
    let (uw, uh) = if rotate == 90 || rotate == 270 { (ih, iw) } else { (iw, ih) };
    let (pw, ph) = if rotate == 90 || rotate == 270 { (height, width) } else { (width, height) };
    let (sx, sy) = (pw / uw, ph / uh);
    let mut words: Vec<Word> = raw
        .into_iter()
        .map(|(x0, y0, x1, y1, confidence, text)| {
            let (a0, b0, a1, b1) = match rotate {
                90 => (ih - y1, x0, ih - y0, x1),
                180 => (iw - x1, ih - y1, iw - x0, ih - y0),
                270 => (y0, iw - x1, y1, iw - x0),
                _ => (x0, y0, x1, y1),
            };
            Word { text, bbox: BBox::new(a0 * sx, b0 * sy, a1 * sx, b1 * sy), confidence }
        })
        .collect();
    let line_of = join_split_codes(&mut words, line_of);
    reading_order(&mut words, &line_of);
    Page { number, width: pw, height: ph, words, source: TextSource::Ocr }
}

/// Tesseract cuts a code where a capital meets a digit ("F 2026-0083",
/// "DW 20260576" for "F2026-0083", "DW20260576"): a gap far narrower than
/// a space (under a fifth of the line's height, where a space is over a
/// quarter) between 1–3 capitals and a word starting with a digit is no
/// space. Currency codes before amounts stay apart. Returns the line keys
/// of the remaining words.
fn join_split_codes(words: &mut Vec<Word>, keys: Vec<(u32, u32, u32)>) -> Vec<(u32, u32, u32)> {
    const CURRENCIES: [&str; 8] = ["EUR", "USD", "GBP", "CHF", "CAD", "JPY", "INR", "AUD"];
    let mut out_words: Vec<Word> = Vec::with_capacity(words.len());
    let mut out_keys = Vec::with_capacity(keys.len());
    for (w, key) in words.drain(..).zip(keys) {
        if let (Some(prev), Some(pk)) = (out_words.last_mut(), out_keys.last()) {
            let code = (1..=3).contains(&prev.text.len()) && prev.text.chars().all(|c| c.is_ascii_uppercase()) && !CURRENCIES.contains(&prev.text.as_str());
            let gap = w.bbox.x0 - prev.bbox.x1;
            let h = prev.bbox.height().min(w.bbox.height());
            if *pk == key && code && w.text.starts_with(|c: char| c.is_ascii_digit()) && gap >= -0.5 && gap < 0.19 * h {
                prev.text.push_str(&w.text);
                prev.bbox = prev.bbox.union(&w.bbox);
                prev.confidence = prev.confidence.min(w.confidence);
                continue;
            }
        }
        out_words.push(w);
        out_keys.push(key);
    }
    *words = out_words;
    out_keys
}

/// Median slope (dy/dx) of the baselines of tesseract's lines that span a
/// fair part of the page; 0 when there are too few to tell.
fn skew_slope(raw: &[(f64, f64, f64, f64, f32, String)], line_of: &[(u32, u32, u32)], width: f64) -> f64 {
    let mut lines: std::collections::BTreeMap<(u32, u32, u32), Vec<(f64, f64)>> = Default::default();
    for (w, key) in raw.iter().zip(line_of) {
        lines.entry(*key).or_default().push(((w.0 + w.2) / 2.0, w.3));
    }
    let mut slopes: Vec<f64> = lines
        .values()
        .filter(|pts| pts.len() >= 3)
        .filter_map(|pts| {
            let n = pts.len() as f64;
            let (mx, my) = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
            let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
            let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
            let span = pts.iter().map(|p| p.0).fold(f64::MIN, f64::max) - pts.iter().map(|p| p.0).fold(f64::MAX, f64::min);
            (span > width * 0.15 && sxx > 0.0).then(|| sxy / sxx)
        })
        .filter(|s| s.abs() < 0.1)
        .collect();
    if slopes.len() < 3 {
        return 0.0;
    }
    slopes.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    slopes[slopes.len() / 2]
}

/// Top to bottom by visual line, left to right within a line, like
/// born-digital text. Tesseract's own lines (`keys`, one per word) are kept
/// whole: grouping by height alone splits a line where a descender or the
/// scanner's noise moves a word's box. Lines of different blocks whose
/// centres are within half a line height share a visual line (a label
/// in one column, its value in another).
fn reading_order(words: &mut Vec<Word>, keys: &[(u32, u32, u32)]) {
    let mut by_line: std::collections::BTreeMap<(u32, u32, u32), Vec<Word>> = Default::default();
    for (i, w) in words.drain(..).enumerate() {
        by_line.entry(keys.get(i).copied().unwrap_or((u32::MAX, 0, i as u32))).or_default().push(w);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        v[v.len() / 2]
    };
    let mut lines: Vec<(f64, f64, Vec<Word>)> = by_line
        .into_values()
        .map(|ws| (median(ws.iter().map(|w| w.bbox.center_y()).collect()), median(ws.iter().map(|w| w.bbox.height().max(1.0)).collect()), ws))
        .collect();
    lines.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let mut visual: Vec<(f64, f64, Vec<Word>)> = Vec::new();
    for (cy, h, ws) in lines {
        match visual.last_mut() {
            Some((vy, vh, line)) if (cy - *vy).abs() <= 0.5 * h.max(*vh) => line.extend(ws),
            _ => visual.push((cy, h, ws)),
        }
    }
    for (_, _, mut line) in visual {
        line.sort_by(|a, b| a.bbox.x0.partial_cmp(&b.bbox.x0).unwrap_or(std::cmp::Ordering::Equal));
        words.extend(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t
5\t1\t2\t1\t1\t1\t1250\t100\t100\t50\t91.5\tRight
5\t1\t1\t1\t1\t1\t100\t104\t200\t50\t90\tLeft
5\t1\t1\t1\t2\t1\t100\t300\t200\t50\t50\tBelow
5\t1\t1\t1\t2\t2\t400\t300\t200\t50\t-1\t
";

    #[test]
    fn tsv_words_in_points_and_reading_order() {
        let p = page_from_tsv(TSV, 1, 595.2, 841.92, 0);
        let t: Vec<&str> = p.words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(t, ["Left", "Right", "Below"]);
        let left = &p.words[0].bbox;
        assert!((left.x0 - 24.0).abs() < 0.01 && (left.y0 - 24.96).abs() < 0.01, "{left:?}");
        assert!((p.words[0].confidence - 0.9).abs() < 1e-6);
        assert_eq!(p.source, TextSource::Ocr);
        assert_eq!(p.text(), "Left Right\nBelow");
    }

    #[test]
    fn codes_cut_at_a_capital_and_digit_are_joined() {
        // "F" and "2026-0083" 5 px apart on a 45 px line: one code. "EUR"
        // before an amount, and words a space apart, stay as they are.
        let tsv = "h\n1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t
5\t1\t1\t1\t1\t1\t100\t100\t20\t45\t90\tF
5\t1\t1\t1\t1\t2\t125\t100\t200\t45\t90\t2026-0083
5\t1\t1\t1\t1\t3\t400\t100\t60\t45\t90\tEUR
5\t1\t1\t1\t1\t4\t465\t100\t100\t45\t90\t120.00
5\t1\t1\t1\t2\t1\t100\t200\t30\t45\t90\tDW
5\t1\t1\t1\t2\t2\t145\t200\t200\t45\t90\t20260576
";
        let p = page_from_tsv(tsv, 1, 595.2, 841.92, 0);
        assert_eq!(p.text(), "F2026-0083 EUR 120.00\nDW 20260576");
        assert!((p.words[0].bbox.x1 - 325.0 * 72.0 / 300.0).abs() < 0.01);
    }

    #[test]
    fn rotated_boxes_are_turned_upright() {
        // Image 3508 wide x 2480 high (a portrait page scanned sideways).
        let tsv = "h\n1\t1\t0\t0\t0\t0\t0\t0\t3508\t2480\t-1\t\n5\t1\t1\t1\t1\t1\t0\t0\t100\t50\t90\tX\n";
        let p = page_from_tsv(tsv, 1, 841.92, 595.2, 90);
        assert_eq!((p.width, p.height), (595.2, 841.92));
        let b = p.words[0].bbox;
        // Top-left of the sideways image ends up at the top-right of the upright page.
        assert!((b.x1 - 595.2).abs() < 0.01 && b.y0.abs() < 0.01, "{b:?}");
    }

    #[test]
    fn skewed_lines_are_straightened() {
        // Three lines of four words each, sloping down 2 % to the right (about 1.15°).
        let mut tsv = String::from("h\n1\t1\t0\t0\t0\t0\t0\t0\t2000\t3000\t-1\t\n");
        for line in 0..3 {
            for k in 0..4 {
                let x = 200 + k * 400;
                let y = 500 + line * 200 + (x as f64 * 0.02) as i32;
                tsv.push_str(&format!("5\t1\t1\t1\t{}\t{}\t{x}\t{y}\t150\t40\t90\tW{line}{k}\n", line + 1, k + 1));
            }
        }
        let p = page_from_tsv(&tsv, 1, 480.0, 720.0, 0);
        let text = p.text();
        assert_eq!(text, "W00 W01 W02 W03\nW10 W11 W12 W13\nW20 W21 W22 W23", "{text}");
        let ys: Vec<f64> = p.words.iter().take(4).map(|w| w.bbox.y1).collect();
        assert!(ys.iter().all(|y| (y - ys[0]).abs() < 0.5), "{ys:?}");
    }

    #[test]
    fn rasters_turn_clockwise_and_halve() {
        // 3 wide, 2 high: a b c / d e f.
        let g = Gray { width: 3, height: 2, pixels: vec![1, 2, 3, 4, 5, 6] };
        let r = rotate_cw(&g, 90);
        assert_eq!((r.width, r.height, r.pixels.clone()), (2, 3, vec![4, 1, 5, 2, 6, 3]));
        assert_eq!(rotate_cw(&g, 270).pixels, vec![3, 6, 2, 5, 1, 4]);
        assert_eq!(rotate_cw(&g, 180).pixels, vec![6, 5, 4, 3, 2, 1]);
        let h = halve(&Gray { width: 4, height: 2, pixels: vec![0, 4, 8, 8, 0, 4, 8, 8] });
        assert_eq!((h.width, h.height, h.pixels), (2, 1, vec![2, 8]));
    }

    #[test]
    fn huge_pages_get_a_lower_resolution_or_are_refused() {
        let s = OcrSettings::default();
        assert_eq!(page_dpi(595.0, 842.0, &s), Some(300.0));
        let a0 = page_dpi(2384.0, 3370.0, &s).unwrap();
        assert!(a0 < 300.0 && (2384.0 / 72.0 * a0) * (3370.0 / 72.0 * a0) <= 1e8);
        assert_eq!(page_dpi(28800.0, 28800.0, &s), None);
    }
}
