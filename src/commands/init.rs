//! `init DIR`: a working site, ready for `run` and `process`.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::store::Store;

/// The site configuration `init` writes (also the one the bundled samples run with).
pub const CONFIG_TEMPLATE: &str = include_str!("../../samples/paperledger.yaml");

/// Default pipelines and rules, copied into every new site.
pub const DEFAULT_FILES: &[(&str, &str)] = &[
    ("pipelines/purchase-invoices.yaml", include_str!("../../pipelines/purchase-invoices.yaml")),
    ("rules/categories.yaml", include_str!("../../rules/categories.yaml")),
    ("rules/marks.yaml", include_str!("../../rules/marks.yaml")),
    ("rules/accounts.yaml", include_str!("../../rules/accounts.yaml")),
    ("rules/suppliers.yaml", include_str!("../../rules/suppliers.yaml")),
    ("rules/ledger.yaml", include_str!("../../rules/ledger.yaml")),
    ("rules/bank-csv.yaml", include_str!("../../rules/bank-csv.yaml")),
    ("rules/autojournals.yaml", include_str!("../../rules/autojournals.yaml")),
    ("rules/matching.yaml", include_str!("../../rules/matching.yaml")),
];

pub fn run(dir: &Path) -> Result<()> {
    let config = dir.join("paperledger.yaml");
    if config.exists() {
        bail!("{} already exists: init never overwrites a site; choose an empty folder", config.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for sub in ["inbox", "archive", "failed", "duplicates", "spool", "pipelines", "rules"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    for (path, text) in DEFAULT_FILES {
        std::fs::write(dir.join(path), text).with_context(|| format!("writing {}", dir.join(path).display()))?;
    }
    std::fs::write(&config, CONFIG_TEMPLATE)?;
    let site = super::load_site(&config).context("the new site does not validate (a bug: please report it)")?;
    Store::open(&site.database)?;
    println!("created a site in {}", dir.display());
    println!("  config:   {}", config.display());
    println!("  inbox:    {}", dir.join("inbox").display());
    println!("  database: {}", site.database.display());
    println!("next: edit the company in paperledger.yaml, then `paperledger run --config {}`", config.display());
    Ok(())
}
