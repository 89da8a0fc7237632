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
            for w in idle_marks(config, &site) {
                println!("warning: {w}");
            }
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

/// Days of documents `check` looks back over for marks that found nothing.
const RECENT_DAYS: u32 = 30;

/// Active marks that gave no value on any document of the last days: an
/// anchor label that is never printed, or a zone in the wrong place. Only
/// when the site has processed documents (a new site has nothing to say).
fn idle_marks(config: &Path, site: &Site) -> Vec<String> {
    if !site.database.exists() {
        return Vec::new();
    }
    let used: Vec<crate::store::replay::MarkUse> = match admin::ask(config, crate::admin::Request::MarkUse { days: RECENT_DAYS }) {
        Ok(r) if r.code == 0 => serde_json::from_str(&r.out).unwrap_or_default(),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for inbox in &site.inboxes {
        let p = &inbox.pipeline;
        let (Some(r), Some(u)) = (&p.recognizer, used.iter().find(|u| u.pipeline == p.name)) else { continue };
        // A supplier's own mark is idle only if that supplier sent something: not known here.
        for m in r.mark_rules().watched().filter(|m| m.supplier.is_none()) {
            if !u.marks.contains(&m.name) && seen.insert((p.name.clone(), m.name.clone())) {
                let place = match (&m.anchor, &m.zone) {
                    (Some(a), _) => format!("its anchor label {:?} was not found", a.text),
                    (None, Some(_)) => "its zone held no value".to_string(),
                    _ => "it found no value".to_string(),
                };
                out.push(format!(
                    "mark `{}` (pipeline {}) found nothing in the {} document(s) of the last {RECENT_DAYS} days: {place}; check the label's spelling or the zone",
                    m.name, p.name, u.documents
                ));
            }
        }
    }
    out
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
