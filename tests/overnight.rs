//! Overnight work with real parts: reports mailed to a real SMTP server on
//! loopback (Debian's aiosmtpd), a mail kept in the outbox while the server
//! is down and delivered by the daemon later, a running daemon writing a
//! FEC on a one-minute schedule, the CSV export, a reload that refuses a
//! bad edit, systemd's notifications and the unit's exposure rating.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::{wait_until, Daemon, Generated, Site};

/// aiosmtpd writing every mail it accepts into a maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    fn start(port: u16) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir");
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd (tests/setup-machine.sh installs it)");
        wait_until("the SMTP server listening", 20, || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        SmtpServer { child, port, maildir, _dir: dir }
    }

    fn mails(&self) -> Vec<String> {
        support::files_in(&self.maildir.join("new")).iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Add `yaml` at the end of the site's config.
fn configure(site: &Site, yaml: &str) {
    let mut text = std::fs::read_to_string(&site.config).unwrap();
    text.push_str(yaml);
    std::fs::write(&site.config, text).unwrap();
    site.ok(&["check"]);
}

fn smtp_yaml(port: u16) -> String {
    format!("\nsmtp: {{host: 127.0.0.1, port: {port}, security: none, from: paperledger@example.org}}\n")
}

fn process(site: &Site, files: &[PathBuf]) {
    let mut args = vec!["process"];
    let paths: Vec<String> = files.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    args.extend(paths.iter().map(String::as_str));
    let mut all: Vec<&str> = args.clone();
    all.extend(["--config", site.config.to_str().unwrap()]);
    // A bad file makes `process` exit non-zero; what matters is the report.
    // A bad file makes `process` exit non-zero; what matters is the report.
    site.cli(&all);
}

#[test]
fn report_send_delivers_the_overnight_report_to_a_real_smtp_server() {
    let site = Site::new(1500, 0);
    let server = SmtpServer::start(SmtpServer::free_port());
    configure(&site, &smtp_yaml(server.port));
    let gen = Generated::eur(2, 61);
    let bad = site.path("broken-scan.pdf");
    std::fs::write(&bad, b"%PDF-1.4\nthis is not a PDF body\n").unwrap();
    let mut files = gen.pdfs.clone();
    files.push(bad);
    process(&site, &files);

    // Printed without --send.
    let printed = site.ok(&["report"]);
    assert!(printed.contains("Documents received: 3") && printed.contains("Posted: 2"), "{printed}");
    assert!(printed.contains("broken-scan.pdf: "), "the failure and its reason: {printed}");

    let out = site.ok(&["report", "--send", "--to", "compta@example.org"]);
    assert!(out.starts_with("sent: paperledger report"), "{out}");
    wait_until("the mail in the maildir", 20, || !server.mails().is_empty());
    let mail = &server.mails()[0];
    assert!(mail.contains("To: compta@example.org") && mail.contains("From: paperledger@example.org"), "{mail}");
    assert!(mail.contains("Subject: paperledger report") && mail.contains("3 received, 2 posted"), "{mail}");
    assert!(mail.contains("Content-Type: text/plain") && mail.contains("Content-Type: text/html"), "text and HTML parts");
    assert!(mail.contains("broken-scan.pdf"), "{mail}");
    // Recorded as sent in the outbox.
    let db = site.db();
    let (sent, unsent): (i64, i64) = db.query_row("SELECT count(sent_at), count(*) - count(sent_at) FROM outbox", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((sent, unsent), (1, 0));
}

#[test]
fn a_report_is_kept_while_the_server_is_down_and_the_daemon_delivers_it_later() {
    let site = Site::new(300, 1);
    let port = SmtpServer::free_port();
    configure(&site, &smtp_yaml(port));
    // Nobody listens on the port: not sent, queued, exit 75.
    let out = site.cli(&["report", "--send", "--to", "compta@example.org", "--config", site.config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(75), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("queued in the outbox"));
    let attempts: i32 = site.db().query_row("SELECT attempts FROM outbox WHERE sent_at IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(attempts, 1);
    // The server comes back; the running daemon's outbox retries (30 s backoff).
    let server = SmtpServer::start(port);
    let daemon = Daemon::start(&site);
    wait_until("the queued report delivered by the daemon", 90, || !server.mails().is_empty());
    assert!(daemon.stop().success());
    assert!(server.mails()[0].contains("Subject: paperledger report"));
    let unsent: i64 = site.db().query_row("SELECT count(*) FROM outbox WHERE sent_at IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(unsent, 0);
}

#[test]
fn a_one_minute_export_schedule_makes_the_running_daemon_write_the_fec() {
    let site = Site::new(300, 1);
    let exports = site.path("exports");
    configure(&site, &format!("\nschedules:\n  - {{name: nightly-export, cron: \"* * * * *\", timezone: Europe/Paris, job: export, format: fec, out: {}}}\n", exports.display()));
    let gen = Generated::eur(2, 62);
    process(&site, &gen.pdfs);
    assert_eq!(site.release_and_post_all(), 1);
    let daemon = Daemon::start(&site);
    wait_until("a FEC written by the schedule", 75, || support::files_in(&exports).iter().any(|p| p.to_string_lossy().contains("FEC")));
    // Let the run be recorded, then stop.
    wait_until("the run recorded", 10, || site.ok(&["batches", "--state", "exported"]).contains("exported"));
    assert!(daemon.stop().success());
    let fec = support::files_in(&exports).into_iter().find(|p| p.to_string_lossy().contains("FEC")).unwrap();
    let text = std::fs::read_to_string(&fec).unwrap();
    assert!(paperledger::export::fec::check_fec(&text).is_empty());
    // DuckDB's COPY wrote it; the Rust writer (ISO-8859-15 exports) gives the same text.
    let store = paperledger::store::Store::open(&site.path("paperledger.duckdb")).unwrap();
    let lettrage = store.lettrage("demo").unwrap();
    let entries: Vec<paperledger::export::fec::NumberedEntry> = store
        .entries("demo", None)
        .unwrap()
        .into_iter()
        .map(|s| paperledger::export::fec::NumberedEntry { entry: s.entry, number: s.number as u32, validated_on: s.validated_on, lettrage: lettrage.get(&s.id).cloned().unwrap_or_default() })
        .collect();
    drop(store);
    let mut rust = Vec::new();
    paperledger::export::fec::write_fec(&mut rust, &entries, paperledger::export::fec::FecSeparator::Tab).unwrap();
    assert_eq!(text, String::from_utf8(rust).unwrap());
    assert!(text.lines().count() > 2);
    let db = site.db();
    let (outcome, job): (String, String) = db.query_row("SELECT outcome, job FROM schedule_runs WHERE schedule = 'nightly-export' ORDER BY id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((outcome.as_str(), job.as_str()), ("ok", "export"));
    assert!(!support::files_in(&exports).iter().any(|p| p.to_string_lossy().ends_with(".tmp")), "no half-written file left");
}

#[test]
fn the_csv_export_follows_the_configured_columns_and_is_incremental() {
    let site = Site::new(1500, 0);
    let text = std::fs::read_to_string(&site.config).unwrap();
    let text = text
        .replace("columns: [journal, number, date, account, aux_account, piece_ref, label, debit, credit, due_date]", "columns: [journal, number, date, account, label, amount, batch]")
        .replace("separator: \";\"", "separator: \"|\"")
        .replace("decimal_mark: \",\"", "decimal_mark: \".\"")
        .replace("date_format: \"%d/%m/%Y\"", "date_format: \"%Y-%m-%d\"");
    std::fs::write(&site.config, text).unwrap();
    site.ok(&["check"]);
    let gen = Generated::eur(3, 63);
    process(&site, &gen.pdfs);
    site.release_and_post_all();
    let out = site.path("csv");
    site.ok(&["export", "--format", "csv", "--out", out.to_str().unwrap()]);
    let files = support::files_in(&out);
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("journal|number|date|account|label|amount|batch"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('|').collect()).collect();
    assert!(rows.len() >= 6 && rows.iter().all(|r| r.len() == 7 && r[0] == "HA" && r[6] == "B000001"), "{text}");
    // Signed amounts with a dot; they add up to zero.
    let total: rust_decimal::Decimal = rows.iter().map(|r| r[5].parse::<rust_decimal::Decimal>().unwrap()).sum();
    assert!(total.is_zero());
    assert!(rows.iter().all(|r| chrono::NaiveDate::parse_from_str(r[2], "%Y-%m-%d").is_ok()));
    // Incremental: what was exported is not exported again.
    let again = site.ok(&["export", "--format", "csv", "--out", out.to_str().unwrap()]);
    assert!(again.contains("nothing to export"), "{again}");
}

#[test]
fn a_reload_with_a_bad_edit_keeps_the_running_rules_and_tells_the_next_report() {
    let site = Site::new(300, 1);
    let daemon = Daemon::start(&site);
    wait_until("the daemon running", 30, || daemon.log_text().contains("paperledger running"));
    let rules = site.path("rules/categories.yaml");
    let good = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(&rules, good.replacen("rules:", "rules:\n  - {name: broken, category: invoice, regex: '(unclosed'}", 1)).unwrap();
    let pid = daemon.pid();
    Command::new("kill").args(["-HUP", &pid.to_string()]).status().unwrap();
    wait_until("the refusal logged", 20, || daemon.log_text().contains("reload refused"));
    // Still running and serving: the CLI goes through its socket.
    let report = site.ok(&["report"]);
    assert!(report.contains("reload refused") && report.contains("categories.yaml"), "{report}");
    // Fixed: the next reload is taken.
    std::fs::write(&rules, &good).unwrap();
    Command::new("kill").args(["-HUP", &pid.to_string()]).status().unwrap();
    wait_until("the reload logged", 20, || daemon.log_text().contains("configuration reloaded"));
    assert!(daemon.stop().success());
}

#[test]
fn the_daemon_tells_systemd_ready_and_stopping() {
    let site = Site::new(300, 1);
    let dir = tempfile::tempdir().unwrap();
    let sock_path = dir.path().join("notify.sock");
    let sock = std::os::unix::net::UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let daemon = Daemon::start_with_env(&site, &[("NOTIFY_SOCKET", sock_path.to_str().unwrap())]);
    let mut buf = [0u8; 512];
    let n = sock.recv(&mut buf).expect("READY from the daemon");
    let ready = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(ready.starts_with("READY=1"), "{ready}");
    assert!(daemon.stop().success());
    let mut seen = Vec::new();
    while let Ok(n) = sock.recv(&mut buf) {
        seen.push(String::from_utf8_lossy(&buf[..n]).to_string());
        if seen.last().unwrap().starts_with("STOPPING=1") {
            break;
        }
    }
    assert!(seen.iter().any(|m| m.starts_with("STOPPING=1")), "{seen:?}");
}

#[test]
fn the_systemd_unit_rates_2_5_or_less_in_systemd_analyze_security() {
    let unit = Path::new(env!("CARGO_MANIFEST_DIR")).join("systemd/paperledger.service");
    let out = Command::new("systemd-analyze").args(["security", "--offline=true", "--no-pager"]).arg(&unit).output().expect("systemd-analyze (Debian systemd)");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let line = text.lines().find(|l| l.contains("Overall exposure level")).unwrap_or_else(|| panic!("{text}"));
    let score: f64 = line.split(':').nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    assert!(score <= 2.5, "{line}");
    for key in ["Type=notify", "WatchdogSec=", "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "UMask=0027", "ExecReload="] {
        assert!(std::fs::read_to_string(&unit).unwrap().contains(key), "{key}");
    }
}

/// aiosmtpd requiring STARTTLS and then AUTH (login `compta`, the password
/// given), with a certificate for `localhost` signed by a throwaway CA.
const STARTTLS_SERVER: &str = r#"
import ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
port, maildir, cert, key, password = sys.argv[1:]
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
def check(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"compta" and auth_data.password == password.encode()
    return AuthResult(success=ok)
c = Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port), server_hostname="localhost",
               tls_context=ctx, require_starttls=True, authenticator=check, auth_require_tls=True)
c.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn report_send_uses_starttls_and_authenticates_with_the_password_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A CA, and a certificate for localhost it signs.
    openssl(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=paperledger test CA"], d);
    openssl(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], d);
    std::fs::write(d.join("ext.cnf"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n").unwrap();
    openssl(&["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf"], d);
    let port = SmtpServer::free_port();
    let maildir = d.join("maildir");
    std::fs::write(d.join("server.py"), STARTTLS_SERVER).unwrap();
    let mut server = Command::new("/usr/bin/python3")
        .arg(d.join("server.py"))
        .args([&port.to_string(), maildir.to_str().unwrap(), d.join("server.pem").to_str().unwrap(), d.join("server.key").to_str().unwrap(), "s3cret-pw"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Its own start-up check must be over before a client connects.
    let mut ready = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut ready).unwrap();
    assert_eq!(ready.trim(), "ready");

    let site = Site::new(1500, 0);
    std::fs::write(d.join("smtp.pass"), "s3cret-pw\n").unwrap();
    let smtp = |pass: &str| {
        format!(
            "\nsmtp: {{host: localhost, port: {port}, security: starttls, username: compta, password_file: {}, from: paperledger@example.org, ca_file: {}, timeout_secs: 3}}\n",
            d.join(pass).display(),
            d.join("ca.pem").display()
        )
    };
    let base = std::fs::read_to_string(&site.config).unwrap();
    std::fs::write(&site.config, base.clone() + &smtp("smtp.pass")).unwrap();
    let out = site.ok(&["report", "--send", "--to", "compta@example.org"]);
    assert!(out.starts_with("sent:"), "{out}");
    wait_until("the mail delivered over STARTTLS", 20, || !support::files_in(&maildir.join("new")).is_empty());

    // A wrong password: refused by the server, kept in the outbox, and the password never printed.
    std::fs::write(d.join("wrong.pass"), "not-the-password\n").unwrap();
    std::fs::write(&site.config, base + &smtp("wrong.pass")).unwrap();
    let out = site.cli(&["report", "--send", "--to", "compta@example.org", "--config", site.config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(75));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("not-the-password") && !err.contains("s3cret-pw"), "{err}");
    let _ = server.kill();
    let _ = server.wait();
}
