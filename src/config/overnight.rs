//! `paperledger.yaml`'s overnight part: `smtp`, `schedules` and `exports`.
//! Other tools rely on these keys: extend them, keep them.

use std::path::PathBuf;

use serde::Deserialize;

use super::yaml::{Issue, YamlDoc};

/// The SMTP server reports are sent through.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    /// none | starttls | tls
    #[serde(default)]
    pub security: Security,
    #[serde(default)]
    pub username: Option<String>,
    /// A file holding the password (first line). Never logged.
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Or an environment variable holding it (default PAPERLEDGER_SMTP_PASSWORD).
    #[serde(default = "default_password_env")]
    pub password_env: String,
    pub from: String,
    #[serde(default = "default_smtp_timeout")]
    pub timeout_secs: u64,
    /// A PEM certificate to trust besides the system's (an internal CA).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    None,
    #[default]
    Starttls,
    Tls,
}

/// One scheduled job.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub name: String,
    /// Five fields (minute hour day month weekday), or six with seconds first.
    pub cron: String,
    /// IANA time zone the cron expression is read in (Europe/Paris).
    #[serde(default = "default_tz")]
    pub timezone: String,
    pub job: JobKind,
    /// export: fec | csv.
    #[serde(default)]
    pub format: Option<ExportFormat>,
    /// export: the folder the files are written to.
    #[serde(default)]
    pub out: Option<PathBuf>,
    /// report: recipients.
    #[serde(default)]
    pub to: Vec<String>,
    /// report: attach the files of the last export.
    #[serde(default)]
    pub attach_exports: bool,
    /// Only this company (default: every company).
    #[serde(default)]
    pub company: Option<String>,
    /// A run missed while the daemon was down: `run_once` at start, or `skip`.
    #[serde(default)]
    pub missed: MissedPolicy,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    Export,
    Report,
    Retrain,
    Rescan,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Export => "export",
            JobKind::Report => "report",
            JobKind::Retrain => "retrain",
            JobKind::Rescan => "rescan",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MissedPolicy {
    #[default]
    RunOnce,
    Skip,
}

#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Fec,
    Csv,
}

/// How export files are written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Exports {
    #[serde(default)]
    pub csv: CsvSettings,
}

/// The CSV export for accounting software that does not read the FEC.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvSettings {
    /// Columns in order; see `CsvColumn`.
    #[serde(default = "default_csv_columns")]
    pub columns: Vec<CsvColumn>,
    /// One character: `;` (French spreadsheets), `,`, `|` or `tab`.
    #[serde(default = "default_csv_separator")]
    pub separator: String,
    /// `,` or `.`
    #[serde(default = "default_decimal_mark")]
    pub decimal_mark: String,
    /// utf-8 | iso-8859-15
    #[serde(default = "default_encoding")]
    pub encoding: String,
    /// chrono format of dates, e.g. %d/%m/%Y or %Y-%m-%d.
    #[serde(default = "default_date_format")]
    pub date_format: String,
    #[serde(default = "yes")]
    pub header: bool,
}

impl Default for CsvSettings {
    fn default() -> Self {
        CsvSettings {
            columns: default_csv_columns(),
            separator: default_csv_separator(),
            decimal_mark: default_decimal_mark(),
            encoding: default_encoding(),
            date_format: default_date_format(),
            header: true,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CsvColumn {
    Journal,
    JournalLabel,
    Number,
    Date,
    Account,
    AccountLabel,
    AuxAccount,
    AuxLabel,
    PieceRef,
    PieceDate,
    Label,
    Debit,
    Credit,
    /// Debit minus credit, signed.
    Amount,
    DueDate,
    Currency,
    Batch,
    ValidatedOn,
}

impl CsvColumn {
    pub fn title(self) -> &'static str {
        match self {
            CsvColumn::Journal => "journal",
            CsvColumn::JournalLabel => "journal_label",
            CsvColumn::Number => "number",
            CsvColumn::Date => "date",
            CsvColumn::Account => "account",
            CsvColumn::AccountLabel => "account_label",
            CsvColumn::AuxAccount => "aux_account",
            CsvColumn::AuxLabel => "aux_label",
            CsvColumn::PieceRef => "piece_ref",
            CsvColumn::PieceDate => "piece_date",
            CsvColumn::Label => "label",
            CsvColumn::Debit => "debit",
            CsvColumn::Credit => "credit",
            CsvColumn::Amount => "amount",
            CsvColumn::DueDate => "due_date",
            CsvColumn::Currency => "currency",
            CsvColumn::Batch => "batch",
            CsvColumn::ValidatedOn => "validated_on",
        }
    }
}

fn default_port() -> u16 {
    587
}
fn default_password_env() -> String {
    "PAPERLEDGER_SMTP_PASSWORD".into()
}
fn default_smtp_timeout() -> u64 {
    30
}
fn default_tz() -> String {
    "UTC".into()
}
fn default_csv_columns() -> Vec<CsvColumn> {
    use CsvColumn::*;
    vec![Journal, Number, Date, Account, AuxAccount, PieceRef, Label, Debit, Credit, DueDate]
}
fn default_csv_separator() -> String {
    ";".into()
}
fn default_decimal_mark() -> String {
    ",".into()
}
fn default_encoding() -> String {
    "utf-8".into()
}
fn default_date_format() -> String {
    "%d/%m/%Y".into()
}
fn yes() -> bool {
    true
}

impl CsvSettings {
    pub fn separator_char(&self) -> char {
        if self.separator == "tab" { '\t' } else { self.separator.chars().next().unwrap_or(';') }
    }
}

/// Every problem in the overnight keys, located in `doc`.
pub fn validate(smtp: Option<&Smtp>, schedules: &[Schedule], exports: &Exports, company_ids: &[&str], doc: &YamlDoc) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut push = |path: String, msg: String| issues.push(doc.issue_at(&path, msg));
    if let Some(s) = smtp {
        if s.host.trim().is_empty() {
            push("smtp.host".into(), "the SMTP server's host name is empty".into());
        }
        if !s.from.contains('@') || s.from.parse::<lettre::message::Mailbox>().is_err() {
            push("smtp.from".into(), format!("`{}` is not an e-mail address, e.g. paperledger@example.org", s.from));
        }
        if s.security == Security::None && s.username.is_some() {
            push("smtp.security".into(), "a password would cross the network in clear: use starttls or tls with a username".into());
        }
    }
    let mut names = std::collections::HashSet::new();
    for (i, s) in schedules.iter().enumerate() {
        let at = |k: &str| format!("schedules[{i}].{k}");
        if !names.insert(s.name.as_str()) {
            push(at("name"), format!("schedule `{}` is named twice: runs are recorded by name", s.name));
        }
        if let Err(e) = crate::schedule::parse_cron(&s.cron) {
            push(at("cron"), format!("`{}`: {e}; e.g. \"0 2 * * *\" (02:00 every day) or \"30 7 * * 1-5\"", s.cron));
        }
        if s.timezone.parse::<chrono_tz::Tz>().is_err() {
            push(at("timezone"), format!("`{}` is not an IANA time zone, e.g. Europe/Paris or UTC", s.timezone));
        }
        match s.job {
            JobKind::Export => {
                if s.out.is_none() {
                    push(at("job"), "an export job needs `out: FOLDER`".into());
                }
            }
            JobKind::Report => {
                if s.to.is_empty() {
                    push(at("to"), "a report job needs recipients: `to: [compta@example.org]`".into());
                }
                if smtp.is_none() {
                    push(at("job"), "a report job needs the `smtp:` server to send through".into());
                }
                for (j, t) in s.to.iter().enumerate() {
                    if t.parse::<lettre::message::Mailbox>().is_err() {
                        push(format!("schedules[{i}].to[{j}]"), format!("`{t}` is not an e-mail address"));
                    }
                }
            }
            JobKind::Retrain | JobKind::Rescan => {}
        }
        if let Some(c) = &s.company {
            if !company_ids.contains(&c.as_str()) {
                push(at("company"), format!("unknown company `{c}`: use one of {}", company_ids.join(", ")));
            }
        }
    }
    let csv = &exports.csv;
    if csv.separator != "tab" && csv.separator.chars().count() != 1 {
        push("exports.csv.separator".into(), format!("`{}`: one character (; , |) or `tab`", csv.separator));
    }
    if csv.decimal_mark != "," && csv.decimal_mark != "." {
        push("exports.csv.decimal_mark".into(), format!("`{}`: use , or .", csv.decimal_mark));
    }
    if csv.decimal_mark == csv.separator {
        push("exports.csv.decimal_mark".into(), "the decimal mark and the separator are the same character: amounts would split into two cells".into());
    }
    if !matches!(csv.encoding.as_str(), "utf-8" | "iso-8859-15") {
        push("exports.csv.encoding".into(), format!("`{}`: use utf-8 or iso-8859-15", csv.encoding));
    }
    if chrono::format::StrftimeItems::new(&csv.date_format).any(|i| matches!(i, chrono::format::Item::Error)) {
        push("exports.csv.date_format".into(), format!("`{}` is not a date format, e.g. %d/%m/%Y", csv.date_format));
    }
    if csv.columns.is_empty() {
        push("exports.csv.columns".into(), "list at least one column".into());
    }
    issues
}
