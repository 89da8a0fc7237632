//! Command line: argument parsing, exit codes, nothing else. Other tools
//! rely on these names and flags: extend them, keep them.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::admin::Request;
use crate::commands;

#[derive(Parser)]
#[command(name = "paperledger", version, about = "Turns the documents dropped in inbox folders into balanced accounting entries")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a working site in DIR: config, inbox and result folders, database, default pipelines and rules.
    Init {
        dir: PathBuf,
    },
    /// Validate the config, pipelines and rules; print every problem as file:line:col: message.
    Check {
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Run the daemon: watch the inboxes until SIGTERM or SIGINT.
    Run {
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Process files once, through the same path as the daemon (the files are copied, never moved).
    Process {
        #[arg(long, short)]
        config: PathBuf,
        /// Which inbox's company and pipeline to use (default: the first inbox).
        #[arg(long)]
        inbox: Option<String>,
        /// Print one JSON object per document.
        #[arg(long)]
        json: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Capture and recognition only, no database.
    Extract {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Use this site's company and rules (default: built-in rules, no company).
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Write export files for the accounting software.
    Export {
        #[arg(long, short)]
        config: PathBuf,
        #[arg(long, value_enum, default_value_t = ExportFormat::Fec)]
        format: ExportFormat,
        #[arg(long)]
        out: PathBuf,
        /// Fiscal year (the year its closing date falls in); default: every year with entries.
        #[arg(long)]
        year: Option<i32>,
        /// Company id; default: every company.
        #[arg(long)]
        company: Option<String>,
        /// Only this batch (id or number); the file name carries it.
        #[arg(long)]
        batch: Option<String>,
        /// FEC column separator.
        #[arg(long, value_enum, default_value_t = Separator::Tab)]
        separator: Separator,
        /// Character encoding of the file.
        #[arg(long, value_enum, default_value_t = FileEncoding::Utf8)]
        encoding: FileEncoding,
    },
    /// Show a document's history (every action since it arrived, its batch's too).
    History {
        #[arg(long, short)]
        config: PathBuf,
        /// Source id (see `process --json`), `doc:N` for a document id, or original file name.
        source: String,
    },
    /// List the batches (seeds/01's batch management). Works while the daemon runs.
    Batches {
        #[arg(long, short)]
        config: PathBuf,
        /// in-progress | exported | export-failed | on-hold | balanced | scheduled | unposted | posted | void
        #[arg(long)]
        state: Option<String>,
        /// Fiscal year (the year its closing date falls in).
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        journal: Option<String>,
        /// A word (label, piece, account), an amount or a date (YYYY-MM-DD) found in the batch.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Act on one batch: show | release | post | hold | balance | void | reverse | schedule.
    Batch {
        #[arg(long, short)]
        config: PathBuf,
        action: String,
        /// Batch id or number (B000001).
        id: String,
        /// post: also post entries dated in a soft-locked period.
        #[arg(long)]
        force: bool,
        /// balance: the control total to enter (ledger.yaml validate_control_total).
        #[arg(long)]
        control_total: Option<String>,
        /// reverse: the reversal's date; schedule: the first date (default today).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// schedule: day | week | month.
        #[arg(long)]
        every: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change an entry: in place while its batch is not released or exported;
    /// otherwise through a change (exported) or adjusting (posted) batch.
    Entry {
        /// The site's config (before or after `edit`).
        #[arg(long, short, global = true)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        action: EntryAction,
    },
    /// The overnight report (received, posted, waiting for review and why, failed and why, exports,
    /// totals per journal, volume per hour). `--send` mails it through `smtp:`; when the server is
    /// down it stays in the outbox and is retried (exit 75).
    Report {
        #[arg(long, short)]
        config: PathBuf,
        #[arg(long)]
        send: bool,
        /// Recipients (default: those of the first `job: report` schedule).
        #[arg(long)]
        to: Vec<String>,
    },
    /// Re-check the books: hash chain, balanced batches, numbering, trial balance. Exits 1 naming what broke.
    Verify {
        #[arg(long, short)]
        config: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The review queue (works while the daemon runs): `review list`, `review show DOC`, `review set DOC field=value…`, `review category DOC X`, `review split DOC 1-2,3`, `review approve DOC`. Every action lands in the document's history.
    Review {
        #[arg(long, short)]
        config: PathBuf,
        /// list | show | set | category | approve
        action: String,
        /// The document: doc:N (or N), as `review list` shows it.
        doc: Option<String>,
        /// set: field=value pairs; category: the category.
        args: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Retrain the classifier used when no category rule matches, from the documents people validated (the daemon also retrains at start, at reload, after each review decision and on a `retrain` schedule).
    Retrain {
        #[arg(long, short)]
        config: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Converts another tool's templates into supplier marks: `import invoice2data DIR [--out FILE]` (notes on stderr say what could not be converted).
    Import {
        /// The templates' format: invoice2data.
        format: String,
        /// The folder of templates (*.yml, *.yaml, *.json; subfolders included).
        dir: PathBuf,
        /// The marks file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The current rules over documents already processed, without writing: what would change (category, fields, accounts) per document.
    Replay {
        #[arg(long, short)]
        config: PathBuf,
        /// Only files received on or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Open items (one row per open due date) with their residual and matching code; `--aged` for the aged balance. Works while the daemon runs.
    OpenItems {
        #[arg(long, short)]
        config: PathBuf,
        /// Company id (default: the only one).
        #[arg(long)]
        company: Option<String>,
        /// Collective or auxiliary account, e.g. 401000 or FACME (prefixes match).
        #[arg(long)]
        account: Option<String>,
        /// Part of the party's name (any case).
        #[arg(long)]
        party: Option<String>,
        /// Also the settled items (residual 0), with their matching code.
        #[arg(long)]
        all: bool,
        /// Aged balance per party: not due, 1-30, 31-60, 61-90, over 90 days late.
        #[arg(long)]
        aged: bool,
        /// Date the ages are computed at (default today), YYYY-MM-DD.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Also list the bank lines no open item matched.
        #[arg(long)]
        unmatched: bool,
        #[arg(long)]
        json: bool,
    },
    /// Undo a matching group (lettrage) by its code on an account; its lines are open again. Works while the daemon runs.
    Unmatch {
        #[arg(long, short)]
        config: PathBuf,
        #[arg(long)]
        company: Option<String>,
        /// The collective account, e.g. 411000.
        #[arg(long)]
        account: String,
        /// The auxiliary account, when the code is used on several.
        #[arg(long)]
        aux: Option<String>,
        /// The matching code, e.g. AB.
        code: String,
    },
    /// Write generated sample invoices with their ground truth.
    Samples {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 20)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write this many copier scans (JPEG-in-PDF and G4 TIFF, 200/300 dpi, skew, noise).
        #[arg(long, default_value_t = 0)]
        scans: usize,
        /// Also write this many bulk scans of several documents, with and without separator sheets.
        #[arg(long, default_value_t = 0)]
        bulk: usize,
        /// Most documents in a bulk file (2 to 20).
        #[arg(long, default_value_t = 20)]
        max_docs: usize,
    },
}

#[derive(Subcommand)]
pub enum EntryAction {
    /// `paperledger entry -c C edit 12 2.account=606400 3.debit=10.00 label="Loyer"`
    Edit {
        id: i64,
        /// label=…, date=YYYY-MM-DD, piece_ref=…, LINE.account|aux_account|label|debit|credit|due_date=…
        #[arg(required = true)]
        set: Vec<String>,
        /// Save the batch On hold (lets an unbalanced change be finished later).
        #[arg(long)]
        hold: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Fec,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FileEncoding {
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "iso-8859-15")]
    Latin9,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Separator {
    Tab,
    Pipe,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("paperledger: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init { dir } => commands::init::run(&dir).map(|_| ExitCode::SUCCESS),
        Command::Check { config } => Ok(commands::check(&config)),
        Command::Run { config } => {
            let site = commands::load_site(&config)?;
            commands::init_logging(&site.config.logging);
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            rt.block_on(async { crate::daemon::run(Arc::new(site), crate::daemon::signals()).await })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Process { config, inbox, json, files } => {
            let site = commands::load_site(&config)?;
            commands::init_logging(&site.config.logging);
            commands::process::run(site, inbox.as_deref(), json, &files)
        }
        Command::Extract { file, json, config } => {
            if !json {
                bail!("only --json output exists for now: run `paperledger extract FILE --json`");
            }
            commands::extract::run(&file, config.as_deref())
        }
        Command::Export { config, format, out, year, company, batch, separator, encoding } => {
            let format = match format {
                ExportFormat::Fec => crate::config::overnight::ExportFormat::Fec,
                ExportFormat::Csv => crate::config::overnight::ExportFormat::Csv,
            };
            // Relative to where the command runs, not to the daemon's folder.
            let out = std::path::absolute(&out).with_context(|| format!("{}", out.display()))?;
            let req = crate::admin::export::ExportRequest {
                format,
                out,
                year,
                company,
                batch,
                pipe: matches!(separator, Separator::Pipe),
                latin9: matches!(encoding, FileEncoding::Latin9),
            };
            commands::admin::run(&config, Request::Export(req))
        }
        Command::History { config, source } => commands::admin::run(&config, Request::History { doc: source }),
        Command::Batches { config, state, year, journal, search, json } => commands::admin::run(&config, Request::Batches { state, year, journal, search, json }),
        Command::Batch { config, action, id, force, control_total, date, every, json } => {
            commands::admin::run(&config, Request::Batch { action, id, force, control_total, date, every, json })
        }
        Command::Entry { config, action: EntryAction::Edit { id, set, hold } } => {
            let config = config.context("entry edit needs --config C")?;
            commands::admin::run(&config, Request::EntryEdit { id, set, hold })
        }
        Command::Report { config, send, to } => commands::admin::run(&config, Request::Report { send, to }),
        Command::Verify { config, json } => commands::admin::run(&config, Request::Verify { json }),
        Command::OpenItems { config, company, account, party, all, aged, as_of, unmatched, json } => {
            commands::admin::run(&config, Request::OpenItems(crate::admin::open_items::OpenItemsRequest { company, account, party, all, aged, as_of, unmatched, json }))
        }
        Command::Review { config, action, doc, args, json } => commands::admin::run(&config, Request::Review(crate::admin::review::ReviewRequest { action, doc, args, json })),
        Command::Retrain { config, json } => commands::admin::run(&config, Request::Retrain { json }),
        Command::Import { format, dir, out } => commands::import::run(&format, &dir, out.as_deref()),
        Command::Replay { config, since, json } => commands::replay::run(&config, since, json),
        Command::Unmatch { config, company, account, aux, code } => commands::admin::run(&config, Request::Unmatch { company, account, aux, code }),
        Command::Samples { out, count, seed, scans, bulk, max_docs } => {
            let opts = crate::samplegen::GenOptions { out_dir: out.clone(), count, seed, buyer: crate::samplegen::Buyer::demo() };
            let files = crate::samplegen::generate(&opts).context("generating samples")?;
            println!("wrote {} sample files to {}", files.len(), out.display());
            if scans + bulk > 0 {
                let copier = crate::samplegen::copier::CopierOptions { out_dir: out.clone(), seed, scans, bulk, max_docs, buyer: crate::samplegen::Buyer::demo() };
                let files = crate::samplegen::copier::generate(&copier).context("generating copier scans")?;
                println!("wrote {} scanned files to {}", files.len(), out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
