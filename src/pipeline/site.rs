//! A loaded site: the configuration with every pipeline and rules file
//! parsed and validated, ready to run. Loading collects every problem of
//! every file before refusing, so an admin fixes them in one pass.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::site::{Company, Inbox, SiteConfig};
use crate::config::{Issue, Issues, YamlDoc};
use crate::ledger::{AccountsRules, LedgerRules, SupplierDirectory};
use crate::recognize::{self, CompanyIdentity, RecognizeSettings, Recognizer};

use super::definition::{ExtractStage, PipelineFile, PostStage, SplitStage, StageSpec};

/// A company's books: identity and posting rules.
pub struct CompanyRuntime {
    pub company: Company,
    pub identity: CompanyIdentity,
    pub accounts: AccountsRules,
    pub suppliers: SupplierDirectory,
    pub ledger: LedgerRules,
    /// Bank statements: CSV formats, automatic journals, matching rules.
    pub bank: BankRules,
}

pub struct BankRules {
    pub csv: crate::capture::statements::csv::CsvRules,
    pub autojournals: crate::ledger::autojournal::AutoJournalRules,
    pub matching: crate::ledger::matching::MatchRules,
}

impl crate::store::bank::BankBooks for CompanyRuntime {
    fn company(&self) -> &str {
        &self.company.id
    }
    fn currency(&self) -> &str {
        &self.accounts.currency
    }
    fn bank(&self) -> &crate::config::site::BankSettings {
        &self.company.bank
    }
    fn matching(&self) -> &crate::ledger::matching::MatchRules {
        &self.bank.matching
    }
    fn autojournals(&self) -> &crate::ledger::autojournal::AutoJournalRules {
        &self.bank.autojournals
    }
    fn fiscal_year(&self, date: chrono::NaiveDate) -> (i32, chrono::NaiveDate, chrono::NaiveDate) {
        CompanyRuntime::fiscal_year(self, date)
    }
    fn period_of(&self, date: chrono::NaiveDate) -> Option<String> {
        crate::ledger::books::period_of(date, self.ledger.batches.group_by)
    }
    fn lock_state(&self, date: chrono::NaiveDate) -> crate::ledger::books::LockState {
        self.ledger.lock_state(date, None)
    }
    fn batch_options(&self) -> crate::ledger::books::BatchOptions {
        self.ledger.batches.clone()
    }
    fn journal_label(&self, code: &str) -> String {
        self.ledger.journals.iter().find(|j| j.code == code).map(|j| j.label.clone()).unwrap_or_else(|| code.to_string())
    }
    fn account_label(&self, account: &str) -> String {
        self.accounts.label(account).unwrap_or(account).to_string()
    }
}

impl CompanyRuntime {
    /// `(label, start, end)` of the fiscal year holding `date`.
    pub fn fiscal_year(&self, date: chrono::NaiveDate) -> (i32, chrono::NaiveDate, chrono::NaiveDate) {
        let y = self.ledger.fiscal_year(date, self.company.fiscal_year_start_md());
        (y.label, y.start, y.end)
    }
}

/// The site in force, replaced as a whole when a reload validates.
#[derive(Clone)]
pub struct SharedSite(Arc<std::sync::RwLock<Arc<Site>>>);

impl SharedSite {
    pub fn new(site: Arc<Site>) -> SharedSite {
        SharedSite(Arc::new(std::sync::RwLock::new(site)))
    }

    pub fn get(&self) -> Arc<Site> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set(&self, site: Arc<Site>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = site;
    }
}

/// A pipeline compiled for one company.
pub struct Pipeline {
    pub name: String,
    pub extract: ExtractStage,
    /// `None`: every file is one document.
    pub split: Option<SplitStage>,
    /// `None` when the pipeline stops after extraction.
    pub recognizer: Option<Recognizer>,
    pub post: Option<PostStage>,
}

/// An inbox with everything needed to process its files.
pub struct InboxRuntime {
    pub name: String,
    pub inbox: Inbox,
    /// Absolute folder.
    pub path: PathBuf,
    pub company: Arc<CompanyRuntime>,
    pub pipeline: Arc<Pipeline>,
}

pub struct Folders {
    pub spool: PathBuf,
    pub archive: PathBuf,
    pub failed: PathBuf,
    pub duplicates: PathBuf,
}

pub struct Site {
    pub config_path: PathBuf,
    pub config: SiteConfig,
    pub database: PathBuf,
    pub folders: Folders,
    pub inboxes: Vec<Arc<InboxRuntime>>,
    /// Every company's books, in the config's order.
    pub companies: Vec<Arc<CompanyRuntime>>,
    /// The classifier every pipeline's recognizer consults when no category
    /// rule matches; filled by `retrain` from the validated documents.
    pub classifier: recognize::classify::Slot,
}

impl Site {
    /// Load and validate the config file, its pipelines and rules.
    pub fn load(config_path: &Path) -> Result<Site, Issues> {
        let mut issues = Vec::new();
        let doc = YamlDoc::read(config_path).map_err(|i| Issues(vec![i]))?;
        let mut config: SiteConfig = doc.parse().map_err(|i| Issues(vec![i]))?;
        issues.extend(config.validate(&doc));
        config.data_dir = data_dir_of(config_path, &config);

        let rules_dir = config.resolve(&config.rules_dir);
        let pipelines_dir = config.resolve(&config.pipelines_dir);

        let mut companies: HashMap<String, Arc<CompanyRuntime>> = HashMap::new();
        for (ci, c) in config.companies.iter().enumerate() {
            let accounts = load_rules(&rules_dir.join(&c.accounts), crate::ledger::parse_accounts, &mut issues);
            let suppliers = load_rules(&rules_dir.join(&c.suppliers), crate::ledger::parse_suppliers, &mut issues);
            let ledger_file = rules_dir.join(&c.ledger);
            let ledger_doc = if !ledger_file.exists() && c.ledger == Path::new("ledger.yaml") {
                // A site made before ledger.yaml existed: the shipped rules.
                Some(YamlDoc::from_text(Path::new("rules/ledger.yaml (built in)"), crate::ledger::books::BUILTIN_LEDGER_YAML))
            } else {
                match YamlDoc::read(&ledger_file) {
                    Ok(d) => Some(d),
                    Err(i) => {
                        issues.push(i);
                        None
                    }
                }
            };
            let ledger = ledger_doc.as_ref().and_then(|d| match crate::ledger::parse_ledger(d) {
                Ok(l) => Some(l),
                Err(found) => {
                    issues.extend(found);
                    None
                }
            });
            let bank = load_bank_rules(&rules_dir, c, &mut issues);
            if let (Some(accounts), Some(suppliers), Some(ledger), Some(bank)) = (accounts, suppliers, ledger, bank) {
                // A supplier's expense account needs a label in the chart (FEC CompteLib).
                issues.extend(suppliers.check_against(&accounts));
                issues.extend(ledger.check_against(&accounts, ledger_doc.as_ref().expect("parsed from it")));
                issues.extend(check_bank(ci, c, &ledger, &accounts, &doc));
                companies.insert(
                    c.id.clone(),
                    Arc::new(CompanyRuntime { identity: identity_of(c), company: c.clone(), accounts, suppliers, ledger, bank }),
                );
            }
        }

        let classifier = recognize::classify::slot();
        let mut inboxes = Vec::new();
        let mut pipelines: HashMap<(String, String), Arc<Pipeline>> = HashMap::new();
        for (i, inbox) in config.inboxes.iter().enumerate() {
            let Some(company) = companies.get(&inbox.company).cloned() else { continue };
            let key = (inbox.pipeline.clone(), inbox.company.clone());
            let pipeline = match pipelines.get(&key) {
                Some(p) => Some(p.clone()),
                None => {
                    let file = pipelines_dir.join(format!("{}.yaml", inbox.pipeline));
                    if !file.exists() {
                        issues.push(doc.issue_at(
                            &format!("inboxes[{i}].pipeline"),
                            format!("no pipeline `{}`: expected the file {}; create it or use one of: {}", inbox.pipeline, file.display(), list_pipelines(&pipelines_dir)),
                        ));
                        None
                    } else {
                        load_pipeline(&file, &inbox.pipeline, &rules_dir, Some(&company.identity), company.ledger.vat_rounding, &mut issues).map(|mut p| {
                            p.recognizer = p.recognizer.map(|r| r.with_classifier(classifier.clone()));
                            let p = Arc::new(p);
                            pipelines.insert(key, p.clone());
                            p
                        })
                    }
                }
            };
            if let Some(pipeline) = pipeline {
                inboxes.push(Arc::new(InboxRuntime {
                    name: inbox.display_name(),
                    path: config.resolve(&inbox.path),
                    inbox: inbox.clone(),
                    company,
                    pipeline,
                }));
            }
        }
        // Pipelines no inbox uses are still checked: an admin preparing one
        // wants its errors now, not when an inbox starts using it.
        if let Ok(rd) = std::fs::read_dir(&pipelines_dir) {
            let mut files: Vec<_> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml")).collect();
            files.sort();
            for f in files {
                let name = f.file_stem().unwrap_or_default().to_string_lossy().into_owned();
                if !pipelines.keys().any(|(p, _)| *p == name) {
                    load_pipeline(&f, &name, &rules_dir, None, Default::default(), &mut issues);
                }
            }
        }

        if !issues.is_empty() {
            return Err(Issues(issues));
        }
        let f = &config.folders;
        let folders = Folders {
            spool: config.resolve(&f.spool),
            archive: config.resolve(&f.archive),
            failed: config.resolve(&f.failed),
            duplicates: config.resolve(&f.duplicates),
        };
        let companies = config.companies.iter().filter_map(|c| companies.get(&c.id).cloned()).collect();
        Ok(Site { config_path: config_path.to_path_buf(), database: config.resolve(&config.database), folders, inboxes, companies, config, classifier })
    }

    pub fn inbox(&self, name: Option<&str>) -> anyhow::Result<Arc<InboxRuntime>> {
        match name {
            None => self.inboxes.first().cloned().ok_or_else(|| anyhow::anyhow!("the configuration has no inbox")),
            Some(n) => self.inboxes.iter().find(|i| i.name == n).cloned().ok_or_else(|| {
                let names: Vec<_> = self.inboxes.iter().map(|i| i.name.as_str()).collect();
                anyhow::anyhow!("no inbox named `{n}`; the inboxes are: {}", names.join(", "))
            }),
        }
    }

    pub fn company(&self, id: &str) -> anyhow::Result<Arc<CompanyRuntime>> {
        self.companies.iter().find(|c| c.company.id == id).cloned().ok_or_else(|| anyhow::anyhow!("no company `{id}` in {}", self.config_path.display()))
    }

    pub fn companies(&self) -> impl Iterator<Item = &Arc<CompanyRuntime>> {
        self.companies.iter()
    }

    /// The control socket named by the config file alone (its data_dir),
    /// without loading pipelines and rules: the CLI reaches a running
    /// daemon even while an admin's bad edit keeps the rules from loading.
    pub fn control_socket_of(config_path: &Path) -> Option<PathBuf> {
        let doc = YamlDoc::read(config_path).ok()?;
        let config: SiteConfig = doc.parse().ok()?;
        Some(data_dir_of(config_path, &config).join("paperledger.sock"))
    }

    /// The control socket the daemon listens on for admin commands.
    pub fn control_socket(&self) -> PathBuf {
        self.config.data_dir.join("paperledger.sock")
    }

    /// Create the folders the site needs (inboxes, spool, archive, …).
    pub fn create_folders(&self) -> std::io::Result<()> {
        for d in [&self.folders.spool, &self.folders.archive, &self.folders.failed, &self.folders.duplicates] {
            std::fs::create_dir_all(d)?;
        }
        for i in &self.inboxes {
            std::fs::create_dir_all(&i.path)?;
        }
        Ok(())
    }
}

/// Compile one pipeline file; `identity` is the company the recognizer
/// reads for (its identifiers are never the supplier's).
pub fn load_pipeline(
    file: &Path,
    name: &str,
    rules_dir: &Path,
    identity: Option<&CompanyIdentity>,
    vat_rounding: crate::ledger::books::VatRounding,
    issues: &mut Vec<Issue>,
) -> Option<Pipeline> {
    let doc = match YamlDoc::read(file) {
        Ok(d) => d,
        Err(i) => {
            issues.push(i);
            return None;
        }
    };
    let spec: PipelineFile = match doc.parse() {
        Ok(s) => s,
        Err(i) => {
            issues.push(i);
            return None;
        }
    };
    let found = spec.validate(&doc, name);
    let bad = !found.is_empty();
    issues.extend(found);
    let extract = spec.stage(|s| if let StageSpec::Extract(e) = s { Some(e) } else { None }).cloned().unwrap_or_default();
    let split = spec.stage(|s| if let StageSpec::Split(p) = s { Some(p) } else { None }).cloned();
    let categorize = spec.stage(|s| if let StageSpec::Categorize(c) = s { Some(c) } else { None });
    let recognize = spec.stage(|s| if let StageSpec::Recognize(r) = s { Some(r) } else { None });
    let post = spec.stage(|s| if let StageSpec::Post(p) = s { Some(p) } else { None }).cloned();

    let categories = match categorize {
        Some(c) => load_rules(&rules_dir.join(&c.rules), recognize::parse_categories, issues),
        None => Some(recognize::CategoryRules::builtin()),
    };
    let recognizer = match recognize {
        Some(r) => {
            let mut marks = load_rules(&rules_dir.join(&r.marks), recognize::parse_marks, issues);
            // Marks learned from reviewers' corrections come after the admin's.
            let learned = rules_dir.join(recognize::learn::LEARNED_MARKS_FILE);
            if learned.exists() {
                match (load_rules(&learned, recognize::parse_marks, issues), marks.as_mut()) {
                    (Some(l), Some(m)) => m.marks.extend(l.marks),
                    (None, _) => marks = None,
                    _ => {}
                }
            }
            match (categories, marks) {
                (Some(cats), Some(marks)) => Some(Recognizer::new(
                    cats,
                    marks,
                    identity.cloned().unwrap_or_default(),
                    RecognizeSettings { amount_tolerance: r.amount_tolerance, min_confidence: r.min_confidence, vat_rounding },
                )),
                _ => None,
            }
        }
        None => None,
    };
    if bad || (recognize.is_some() && recognizer.is_none()) {
        return None;
    }
    Some(Pipeline { name: name.to_string(), extract, split, recognizer, post })
}

/// Read and parse one rules file, collecting its problems.
/// A rules file, or the shipped one when a site made before it existed
/// does not have it under its default name.
fn load_or_builtin<T>(rules_dir: &Path, file: &Path, default: &str, builtin: &str, parse: fn(&YamlDoc) -> Result<T, Vec<Issue>>, issues: &mut Vec<Issue>) -> Option<T> {
    let path = rules_dir.join(file);
    if !path.exists() && file == Path::new(default) {
        let doc = YamlDoc::from_text(&Path::new("rules").join(format!("{default} (built in)")), builtin);
        return match parse(&doc) {
            Ok(v) => Some(v),
            Err(found) => {
                issues.extend(found);
                None
            }
        };
    }
    load_rules(&path, parse, issues)
}

fn load_bank_rules(rules_dir: &Path, c: &Company, issues: &mut Vec<Issue>) -> Option<BankRules> {
    use crate::capture::statements::csv;
    use crate::ledger::{autojournal, matching};
    let csv = load_or_builtin(rules_dir, &c.bank.csv, "bank-csv.yaml", csv::BUILTIN_BANK_CSV_YAML, csv::parse_bank_csv, issues);
    let autojournals = load_or_builtin(rules_dir, &c.bank.autojournals, "autojournals.yaml", autojournal::BUILTIN_AUTOJOURNALS_YAML, autojournal::parse_autojournals, issues);
    let matching = load_or_builtin(rules_dir, &c.bank.matching, "matching.yaml", matching::BUILTIN_MATCHING_YAML, matching::parse_matching, issues);
    Some(BankRules { csv: csv?, autojournals: autojournals?, matching: matching? })
}

/// The bank accounts' journals must be bank journals of ledger.yaml, and
/// their accounts in the chart (the FEC needs their labels).
fn check_bank(i: usize, c: &Company, ledger: &LedgerRules, accounts: &AccountsRules, doc: &YamlDoc) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut check = |journal_key: String, journal: &str, account_key: String, account: &str, listed: bool| {
        match ledger.journals.iter().find(|j| j.code == journal) {
            Some(j) if j.kind == crate::ledger::books::JournalKind::Bank => {}
            Some(_) => issues.push(doc.issue_at(&journal_key, format!("journal `{journal}` is not a bank journal in ledger.yaml: give it `kind: bank` or use another"))),
            None => issues.push(doc.issue_at(&journal_key, format!("journal `{journal}` is not in ledger.yaml `journals`: add it there with `kind: bank`"))),
        }
        // The default account of a site made before statements existed may
        // be missing from its chart: its entries then show the number as label.
        if listed && accounts.label(account).is_none() {
            issues.push(doc.issue_at(&account_key, format!("account `{account}` is not in the chart of accounts.yaml: add it with its label")));
        }
    };
    let base = format!("companies[{i}].bank");
    check(format!("{base}.default_journal"), &c.bank.default_journal, format!("{base}.default_account"), &c.bank.default_account, false);
    for (j, a) in c.bank.accounts.iter().enumerate() {
        check(format!("{base}.accounts[{j}].journal"), &a.journal, format!("{base}.accounts[{j}].account"), &a.account, true);
    }
    issues
}

fn load_rules<T>(path: &Path, parse: fn(&YamlDoc) -> Result<T, Vec<Issue>>, issues: &mut Vec<Issue>) -> Option<T> {
    let doc = match YamlDoc::read(path) {
        Ok(d) => d,
        Err(i) => {
            issues.push(i);
            return None;
        }
    };
    match parse(&doc) {
        Ok(v) => Some(v),
        Err(found) => {
            issues.extend(found);
            None
        }
    }
}

/// `data_dir`, relative to the config file's folder.
fn data_dir_of(config_path: &Path, config: &SiteConfig) -> PathBuf {
    let base = config_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = if base.as_os_str().is_empty() { PathBuf::from(".") } else { base };
    absolute(&base.join(&config.data_dir))
}

fn identity_of(c: &Company) -> CompanyIdentity {
    let norm = |s: &String| s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
    CompanyIdentity {
        names: vec![c.name.clone()],
        vat_ids: c.vat_ids.iter().map(norm).collect(),
        sirens: vec![c.siren.clone()],
        ibans: c.ibans.iter().map(norm).collect(),
    }
}

fn list_pipelines(dir: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned())).collect())
        .unwrap_or_default();
    names.sort();
    if names.is_empty() { "(none found)".into() } else { names.join(", ") }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}
