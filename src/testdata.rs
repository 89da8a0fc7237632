//! Where the public test corpus (`shared/corpus`: Factur-X/UBL samples,
//! MT940 statements, with their licences) is, for tests and benchmarks that
//! read it in place. It sits beside the checkout (`../shared/corpus`); a
//! clone elsewhere on the same machine finds it through
//! `PAPERLEDGER_CORPUS` or the machine's `/work/shared/corpus`.

use std::path::{Path, PathBuf};

/// `rel` inside the corpus, if the corpus is on this machine.
pub fn corpus(rel: &str) -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("PAPERLEDGER_CORPUS") {
        roots.push(PathBuf::from(dir));
    }
    roots.extend(manifest.ancestors().skip(1).map(|a| a.join("shared/corpus")));
    roots.push(PathBuf::from("/work/shared/corpus"));
    roots.into_iter().map(|r| r.join(rel)).find(|p| p.exists())
}
