//! Shared test helpers: a real site on disk, the real binary, real files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_paperledger")
}

/// A site made by `paperledger init`, tuned for tests.
pub struct Site {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

impl Site {
    pub fn new(stability_ms: u64, workers: usize) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(bin()).arg("init").arg(dir.path()).output().unwrap();
        assert!(out.status.success(), "init failed: {}", String::from_utf8_lossy(&out.stderr));
        let config = dir.path().join("paperledger.yaml");
        let text = std::fs::read_to_string(&config).unwrap();
        let text = text
            .replace("stability_ms: 1500", &format!("stability_ms: {stability_ms}"))
            .replace("workers: 0", &format!("workers: {workers}"))
            .replace("rescan_secs: 60", "rescan_secs: 2");
        std::fs::write(&config, text).unwrap();
        Site { dir, config }
    }
    pub fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }
    pub fn inbox(&self) -> PathBuf {
        self.path("inbox")
    }
    /// Files (not folders) directly in `sub`, or anywhere below it with `deep`.
    pub fn files(&self, sub: &str) -> Vec<PathBuf> {
        files_in(&self.path(sub))
    }
    pub fn db(&self) -> duckdb::Connection {
        duckdb::Connection::open(self.path("paperledger.duckdb")).unwrap()
    }
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new(bin());
        cmd.args(args);
        cmd.output().unwrap()
    }
    /// Run `paperledger ARGS --config C`, expect success, return stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", self.config.to_str().unwrap()]);
        let out = self.cli(&all);
        assert!(out.status.success(), "paperledger {args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
    /// `batches --json`, parsed.
    pub fn batches(&self, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["batches", "--json"];
        args.extend(extra);
        serde_json::from_str(&self.ok(&args)).unwrap()
    }
    /// Release and post every Balanced batch through the CLI, as an accountant would.
    pub fn release_and_post_all(&self) -> usize {
        let mut n = 0;
        for b in self.batches(&["--state", "balanced"]) {
            let number = b["number"].as_str().unwrap().to_string();
            self.ok(&["batch", "release", &number]);
            self.ok(&["batch", "post", &number]);
            n += 1;
        }
        n
    }
}

pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_in(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Generated invoices with their ground truth, written to a fresh folder.
pub struct Generated {
    pub dir: tempfile::TempDir,
    pub pdfs: Vec<PathBuf>,
}

impl Generated {
    pub fn new(count: usize, seed: u64) -> Generated {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(bin())
            .args(["samples", "--out"])
            .arg(dir.path())
            .args(["--count", &count.to_string(), "--seed", &seed.to_string()])
            .output()
            .unwrap();
        assert!(out.status.success(), "samples failed: {}", String::from_utf8_lossy(&out.stderr));
        let pdfs: Vec<PathBuf> = files_in(dir.path()).into_iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
        assert_eq!(pdfs.len(), count, "the generator wrote {} PDFs", pdfs.len());
        assert!(files_in(dir.path()).iter().filter(|p| p.to_string_lossy().ends_with(".truth.json")).count() == count);
        Generated { dir, pdfs }
    }
    /// `count` invoices in euros (the books' currency; others wait for
    /// review until exchange rates exist), generated from `seed`.
    pub fn eur(count: usize, seed: u64) -> Generated {
        let mut g = Generated::new(count * 3, seed);
        g.pdfs.retain(|p| Generated::truth(p)["documents"][0]["fields"]["currency"] == "EUR");
        assert!(g.pdfs.len() >= count, "only {} EUR invoices among {}", g.pdfs.len(), count * 3);
        g.pdfs.truncate(count);
        g
    }
    pub fn truth(pdf: &Path) -> serde_json::Value {
        let t = pdf.with_extension("truth.json");
        serde_json::from_str(&std::fs::read_to_string(&t).unwrap_or_else(|e| panic!("{}: {e}", t.display()))).unwrap()
    }
}

/// Wait for a condition with a generous deadline: a guard against hanging,
/// not a timing assertion.
pub fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("gave up waiting for: {what}");
}

/// The daemon as a child process.
pub struct Daemon {
    pub child: Option<Child>,
    pub log: PathBuf,
}

impl Daemon {
    pub fn start(site: &Site) -> Daemon {
        Daemon::start_with_env(site, &[])
    }
    /// Started, and answering on its control socket (the CLI's requests go there).
    pub fn start_ready(site: &Site) -> Daemon {
        let d = Daemon::start(site);
        wait_until("the daemon running", 60, || d.log_text().contains("paperledger running"));
        d
    }
    pub fn start_with_env(site: &Site, env: &[(&str, &str)]) -> Daemon {
        let log = site.path(&format!("daemon-{}.log", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()));
        let child = Command::new(bin())
            .args(["run", "--config"])
            .arg(&site.config)
            .env("RUST_LOG", "paperledger=debug,info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Daemon { child: Some(child), log }
    }
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }
    fn signal(&self, sig: &str) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        assert!(Command::new("kill").args([sig, &pid]).status().unwrap().success());
    }
    /// SIGTERM, then wait for the exit.
    pub fn stop(mut self) -> ExitStatus {
        self.signal("-TERM");
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(s) = child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "the daemon did not stop after SIGTERM; log:\n{}", self.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    /// SIGKILL: a crash.
    pub fn kill9(mut self) {
        self.signal("-KILL");
        let _ = self.child.take().unwrap().wait();
    }
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `(entries, unbalanced entries)` in the database.
pub fn entry_balance(db: &duckdb::Connection) -> (i64, i64) {
    db.query_row(
        "SELECT count(*), count(*) FILTER (WHERE d <> c) FROM (SELECT entry_id, sum(debit) d, sum(credit) c FROM entry_lines GROUP BY entry_id)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// A one-page born-digital PDF (Helvetica, A4) with these lines from the
/// top: for documents no generator makes (payslips, letters).
pub fn text_pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 14 TL 56 780 Td\n");
    for l in lines {
        let esc: String = l.chars().map(|c| match c { '(' | ')' | '\\' => format!("\\{c}"), c if c.is_ascii() => c.to_string(), _ => "?".into() }).collect();
        content.push_str(&format!("({esc}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    pdf_of_objects(&objects)
}

/// A PDF file of these objects (numbered from 1, the first the catalog),
/// with its cross-reference table.
pub fn pdf_of_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}
