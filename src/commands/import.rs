//! `import invoice2data DIR`: invoice2data templates become supplier
//! marks, in a marks file the admin reviews and points a pipeline to.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::recognize::invoice2data;

pub fn run(format: &str, dir: &Path, out: Option<&Path>) -> Result<ExitCode> {
    if format != "invoice2data" {
        bail!("`{format}`: the only format imported is invoice2data");
    }
    let mut files = Vec::new();
    collect(dir, &mut files).with_context(|| format!("reading {}", dir.display()))?;
    files.sort();
    if files.is_empty() {
        bail!("{}: no template (*.yml, *.yaml, *.json) found", dir.display());
    }
    let mut templates = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        let name = f.strip_prefix(dir).unwrap_or(f).to_string_lossy().into_owned();
        templates.push((name, text));
    }
    let (mut yaml, notes) = invoice2data::convert_dir_contents(&templates);
    if !yaml.ends_with('\n') {
        yaml.push('\n');
    }
    match out {
        Some(path) => {
            write_whole(path, yaml.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("{} template(s) read, marks written to {}", templates.len(), path.display());
        }
        None => print!("{yaml}"),
    }
    for n in &notes {
        eprintln!("{n}");
    }
    Ok(ExitCode::SUCCESS)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml" || x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

/// A temporary file beside `path`, renamed over it: a reader never sees half a file.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
