//! What each CLI command does, on top of the library's layers.

pub mod admin;
pub mod extract;
pub mod import;
pub mod init;
pub mod process;
pub mod replay;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::config::site::{LogFormat, Logging};
use crate::pipeline::Site;

/// Load the site or fail with every problem listed, `file:line:col: message`.
pub fn load_site(config: &Path) -> Result<Site> {
    match Site::load(config) {
        Ok(site) => Ok(site),
        Err(issues) => {
            for i in &issues.0 {
                eprintln!("{i}");
            }
            bail!("{} problem(s) in the configuration; run `paperledger check --config {}` after fixing them", issues.0.len(), config.display())
        }
    }
}

/// `check`: exit 0 when everything is valid, 1 with the problems otherwise.
pub fn check(config: &Path) -> ExitCode {
    match Site::load(config) {
        Ok(site) => {
            println!(
                "{}: OK ({} compan{}, {} inbox{}, pipelines: {})",
                config.display(),
                site.config.companies.len(),
                if site.config.companies.len() == 1 { "y" } else { "ies" },
                site.inboxes.len(),
                if site.inboxes.len() == 1 { "" } else { "es" },
                site.inboxes.iter().map(|i| i.pipeline.name.as_str()).collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>().join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(issues) => {
            for i in &issues.0 {
                println!("{i}");
            }
            eprintln!("{} problem(s) found", issues.0.len());
            ExitCode::from(1)
        }
    }
}

pub fn init_logging(l: &Logging) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&l.level));
    // Colours only on a terminal: journald and log files get plain text.
    use std::io::IsTerminal;
    let b = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    let _ = match l.format {
        LogFormat::Json => b.json().try_init(),
        LogFormat::Text => b.try_init(),
    };
}
