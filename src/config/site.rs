//! `paperledger.yaml`: the site's folders, companies, inboxes and workers.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::overnight::{Exports, Schedule, Smtp};
use super::yaml::{Issue, YamlDoc};

/// The whole site configuration, as written by the admin.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Base folder for every relative path below; relative to the config file.
    #[serde(default = "dot")]
    pub data_dir: PathBuf,
    /// The DuckDB database file.
    #[serde(default = "default_database")]
    pub database: PathBuf,
    /// Where `pipelines/*.yaml` live.
    #[serde(default = "default_pipelines_dir")]
    pub pipelines_dir: PathBuf,
    /// Where the rules files (categories, marks, accounts, suppliers) live.
    #[serde(default = "default_rules_dir")]
    pub rules_dir: PathBuf,
    #[serde(default)]
    pub folders: Folders,
    /// Documents processed in parallel; 0 means one per CPU core.
    #[serde(default)]
    pub workers: usize,
    #[serde(default)]
    pub logging: Logging,
    pub companies: Vec<Company>,
    pub inboxes: Vec<Inbox>,
    /// The SMTP server reports are sent through.
    #[serde(default)]
    pub smtp: Option<Smtp>,
    /// Scheduled jobs: export, report, retrain, rescan.
    #[serde(default)]
    pub schedules: Vec<Schedule>,
    /// How export files are written (CSV columns, separator, …).
    #[serde(default)]
    pub exports: Exports,
}

/// Where files go once their outcome is committed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Folders {
    /// Files being processed; must be on the same filesystem as the inboxes
    /// so that claiming a file is an atomic rename.
    #[serde(default = "default_spool")]
    pub spool: PathBuf,
    /// Processed files (posted or waiting for review), under unique names.
    #[serde(default = "default_archive")]
    pub archive: PathBuf,
    /// Files that could not be processed, each with `NAME.reason.txt`.
    #[serde(default = "default_failed")]
    pub failed: PathBuf,
    /// Files whose content (SHA-256) was already processed.
    #[serde(default = "default_duplicates")]
    pub duplicates: PathBuf,
}

impl Default for Folders {
    fn default() -> Self {
        Folders { spool: default_spool(), archive: default_archive(), failed: default_failed(), duplicates: default_duplicates() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logging {
    /// error, warn, info, debug or trace (or a tracing filter like `paperledger=debug`).
    #[serde(default = "default_level")]
    pub level: String,
    /// text or json.
    #[serde(default)]
    pub format: LogFormat,
}

impl Default for Logging {
    fn default() -> Self {
        Logging { level: default_level(), format: LogFormat::Text }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// A company whose books this site keeps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    /// Short identifier used by inboxes and in the database.
    pub id: String,
    pub name: String,
    /// 9 digits; names the FEC file.
    pub siren: String,
    /// The company's own VAT ids: never taken for a supplier's.
    #[serde(default)]
    pub vat_ids: Vec<String>,
    /// The company's own bank accounts: never taken for a supplier's IBAN.
    #[serde(default)]
    pub ibans: Vec<String>,
    /// First day of the fiscal year, `MM-DD`.
    #[serde(default = "default_fy_start")]
    pub fiscal_year_start: String,
    /// Chart of accounts, journals and VAT accounts (file in rules_dir).
    #[serde(default = "default_accounts_file")]
    pub accounts: PathBuf,
    /// Supplier dictionary (file in rules_dir).
    #[serde(default = "default_suppliers_file")]
    pub suppliers: PathBuf,
    /// Classes, journals, fiscal years, locks and batch options (file in
    /// rules_dir). A site made before it existed, without the file, uses
    /// the shipped rules/ledger.yaml.
    #[serde(default = "default_ledger_file")]
    pub ledger: PathBuf,
    /// What to do with an invoice from a supplier not in the dictionary:
    /// `create` an auxiliary account and post, or send it to `review`.
    #[serde(default)]
    pub unknown_suppliers: UnknownSuppliers,
    /// Bank statements: which journal and account each IBAN books to, and
    /// the rules files for CSV statements, automatic journals and matching.
    #[serde(default)]
    pub bank: BankSettings,
}

/// How the company's bank statements are booked and matched.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankSettings {
    /// The company's bank accounts, by IBAN.
    #[serde(default)]
    pub accounts: Vec<BankAccount>,
    /// Journal of a statement whose IBAN is not listed above.
    #[serde(default = "default_bank_journal")]
    pub default_journal: String,
    /// Account of a statement whose IBAN is not listed above.
    #[serde(default = "default_bank_account")]
    pub default_account: String,
    /// CSV statement formats (file in rules_dir).
    #[serde(default = "default_bank_csv")]
    pub csv: PathBuf,
    /// Automatic journals: what a bank line becomes (file in rules_dir).
    #[serde(default = "default_autojournals")]
    pub autojournals: PathBuf,
    /// How bank lines are matched to open items (file in rules_dir).
    #[serde(default = "default_matching")]
    pub matching: PathBuf,
}

impl Default for BankSettings {
    fn default() -> Self {
        BankSettings {
            accounts: Vec::new(),
            default_journal: default_bank_journal(),
            default_account: default_bank_account(),
            csv: default_bank_csv(),
            autojournals: default_autojournals(),
            matching: default_matching(),
        }
    }
}

/// One bank account of the company.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankAccount {
    pub iban: String,
    /// Bank journal code (ledger.yaml `journals`, kind bank).
    pub journal: String,
    /// General ledger account, e.g. 512100.
    pub account: String,
}

impl BankSettings {
    /// `(journal, account)` a statement of this IBAN is booked to.
    pub fn book_for(&self, iban: Option<&str>) -> (&str, &str, bool) {
        let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        match iban.and_then(|i| self.accounts.iter().find(|a| compact(&a.iban) == compact(i))) {
            Some(a) => (&a.journal, &a.account, true),
            None => (&self.default_journal, &self.default_account, false),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UnknownSuppliers {
    #[default]
    Create,
    Review,
}

/// A hot folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inbox {
    /// Name used in logs and history; defaults to the folder name.
    #[serde(default)]
    pub name: Option<String>,
    pub path: PathBuf,
    /// Company id (see `companies`).
    pub company: String,
    /// Pipeline name (a file `pipelines/NAME.yaml`).
    pub pipeline: String,
    /// `native` file-system events, or `poll` for network shares that send none.
    #[serde(default)]
    pub watch: WatchMode,
    /// Seconds between two listings in `poll` mode.
    #[serde(default = "default_poll")]
    pub poll_interval_secs: u64,
    /// A file is taken once its size and mtime stayed unchanged this long.
    #[serde(default = "default_stability")]
    pub stability_ms: u64,
    /// Full rescan period in `native` mode, to catch missed events.
    #[serde(default = "default_rescan")]
    pub rescan_secs: u64,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WatchMode {
    #[default]
    Native,
    Poll,
}

fn dot() -> PathBuf { PathBuf::from(".") }
fn default_database() -> PathBuf { PathBuf::from("paperledger.duckdb") }
fn default_pipelines_dir() -> PathBuf { PathBuf::from("pipelines") }
fn default_rules_dir() -> PathBuf { PathBuf::from("rules") }
fn default_spool() -> PathBuf { PathBuf::from("spool") }
fn default_archive() -> PathBuf { PathBuf::from("archive") }
fn default_failed() -> PathBuf { PathBuf::from("failed") }
fn default_duplicates() -> PathBuf { PathBuf::from("duplicates") }
fn default_level() -> String { "info".into() }
fn default_fy_start() -> String { "01-01".into() }
fn default_accounts_file() -> PathBuf { PathBuf::from("accounts.yaml") }
fn default_ledger_file() -> PathBuf {
    PathBuf::from("ledger.yaml")
}

fn default_suppliers_file() -> PathBuf { PathBuf::from("suppliers.yaml") }
fn default_bank_journal() -> String { "BQ".into() }
fn default_bank_account() -> String { "512000".into() }
fn default_bank_csv() -> PathBuf { PathBuf::from("bank-csv.yaml") }
fn default_autojournals() -> PathBuf { PathBuf::from("autojournals.yaml") }
fn default_matching() -> PathBuf { PathBuf::from("matching.yaml") }
fn default_poll() -> u64 { 5 }
fn default_stability() -> u64 { 1500 }
fn default_rescan() -> u64 { 60 }

impl Inbox {
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "inbox".into())
        })
    }
}

impl Company {
    /// `(month, day)` of the fiscal year's first day (validated by `validate`).
    pub fn fiscal_year_start_md(&self) -> (u32, u32) {
        parse_month_day(&self.fiscal_year_start).unwrap_or((1, 1))
    }
}

fn parse_month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(2024, m, d).map(|_| (m, d))
}

/// A SIREN is 9 digits with a valid Luhn key.
pub fn siren_is_valid(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) && crate::recognize::ids::luhn(s)
}

impl SiteConfig {
    /// Semantic checks the parser cannot do; every problem located in `doc`.
    pub fn validate(&self, doc: &YamlDoc) -> Vec<Issue> {
        let mut issues = Vec::new();
        if self.companies.is_empty() {
            issues.push(doc.issue_at("companies", "no company: add at least one under `companies:` (id, name, siren)"));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, c) in self.companies.iter().enumerate() {
            if !ids.insert(c.id.as_str()) {
                issues.push(doc.issue_at(&format!("companies[{i}].id"), format!("company id `{}` is used twice: give each company its own id", c.id)));
            }
            if !siren_is_valid(&c.siren) {
                issues.push(doc.issue_at(&format!("companies[{i}].siren"), format!("`{}` is not a valid SIREN (9 digits with a Luhn key): copy it from the company's Kbis", c.siren)));
            }
            // The company's own ids keep its identifiers from being taken
            // for a supplier's: a typo here silently breaks that.
            for (j, v) in c.vat_ids.iter().enumerate() {
                let compact: String = v.chars().filter(|ch| ch.is_ascii_alphanumeric()).collect::<String>().to_uppercase();
                let bad = if compact.starts_with("FR") { !crate::recognize::ids::fr_vat_valid(&compact) } else { compact.len() < 4 || !compact[..2].chars().all(|ch| ch.is_ascii_uppercase()) };
                if bad {
                    issues.push(doc.issue_at(&format!("companies[{i}].vat_ids[{j}]"), format!("`{v}` is not a valid VAT id (a French one is FR + key + SIREN, e.g. FR01904518271): copy it from an invoice the company issued")));
                }
            }
            for (j, v) in c.ibans.iter().enumerate() {
                if !crate::recognize::ids::iban_valid(v) {
                    issues.push(doc.issue_at(&format!("companies[{i}].ibans[{j}]"), format!("`{v}` is not a valid IBAN (its mod-97 check fails): copy it from the bank's RIB")));
                }
            }
            for (j, a) in c.bank.accounts.iter().enumerate() {
                if !crate::recognize::ids::iban_valid(&a.iban) {
                    issues.push(doc.issue_at(&format!("companies[{i}].bank.accounts[{j}].iban"), format!("`{}` is not a valid IBAN (its mod-97 check fails): copy it from the bank's RIB", a.iban)));
                }
                if let Some(p) = crate::ledger::accounts::account_problem(&a.account) {
                    issues.push(doc.issue_at(&format!("companies[{i}].bank.accounts[{j}].account"), p));
                }
            }
            if let Some(p) = crate::ledger::accounts::account_problem(&c.bank.default_account) {
                issues.push(doc.issue_at(&format!("companies[{i}].bank.default_account"), p));
            }
            if parse_month_day(&c.fiscal_year_start).is_none() {
                issues.push(doc.issue_at(&format!("companies[{i}].fiscal_year_start"), format!("`{}` is not a day of the year: write it as MM-DD, e.g. 01-01 or 07-01", c.fiscal_year_start)));
            }
        }
        if self.inboxes.is_empty() {
            issues.push(doc.issue_at("inboxes", "no inbox: add at least one under `inboxes:` (path, company, pipeline)"));
        }
        let mut paths = std::collections::HashSet::new();
        for (i, inbox) in self.inboxes.iter().enumerate() {
            if !self.companies.iter().any(|c| c.id == inbox.company) {
                let known: Vec<_> = self.companies.iter().map(|c| c.id.as_str()).collect();
                issues.push(doc.issue_at(&format!("inboxes[{i}].company"), format!("unknown company `{}`: use one of the ids under `companies:` ({})", inbox.company, known.join(", "))));
            }
            if !paths.insert(inbox.path.clone()) {
                issues.push(doc.issue_at(&format!("inboxes[{i}].path"), format!("folder `{}` is watched twice: give each inbox its own folder", inbox.path.display())));
            }
            if inbox.poll_interval_secs == 0 {
                issues.push(doc.issue_at(&format!("inboxes[{i}].poll_interval_secs"), "must be at least 1 second"));
            }
            if inbox.rescan_secs == 0 {
                issues.push(doc.issue_at(&format!("inboxes[{i}].rescan_secs"), "must be at least 1 second"));
            }
        }
        let ids: Vec<&str> = self.companies.iter().map(|c| c.id.as_str()).collect();
        issues.extend(super::overnight::validate(self.smtp.as_ref(), &self.schedules, &self.exports, &ids, doc));
        let lvl = self.logging.level.to_ascii_lowercase();
        if tracing_subscriber::EnvFilter::try_new(&lvl).is_err() {
            issues.push(doc.issue_at("logging.level", format!("`{}` is not a log level: use error, warn, info, debug or trace", self.logging.level)));
        }
        issues
    }

    /// Resolve a configured path against `data_dir` (itself resolved
    /// against the config file's folder by `Site::load`).
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() { p.to_path_buf() } else { self.data_dir.join(p) }
    }

    pub fn company(&self, id: &str) -> Option<&Company> {
        self.companies.iter().find(|c| c.id == id)
    }

    pub fn worker_count(&self) -> usize {
        if self.workers > 0 {
            self.workers
        } else {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
        }
    }
}
