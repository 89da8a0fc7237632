//! `extract FILE --json`: capture and recognition only, no database.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::json;

use crate::pipeline::definition::ExtractStage;
use crate::pipeline::stages;
use crate::recognize::{self, Recognition, Recognizer};

pub fn run(file: &Path, config: Option<&Path>) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let (recognizer, extract_settings) = match config {
        Some(c) => {
            let site = super::load_site(c)?;
            let rt = site.inbox(None)?;
            let ex = rt.pipeline.extract.clone();
            (rt.pipeline.recognizer.as_ref().map(|_| rt.clone()), ex)
        }
        None => (None, ExtractStage::default()),
    };
    let (pages, xml, _) = match stages::capture_stage(&bytes, &extract_settings) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {}", file.display(), e.message);
            return Ok(ExitCode::from(1));
        }
    };
    let builtin;
    let recognizer: &Recognizer = match &recognizer {
        Some(rt) => rt.pipeline.recognizer.as_ref().expect("checked above"),
        None => {
            builtin = Recognizer::new(recognize::CategoryRules::builtin(), recognize::MarkRules::builtin(), Default::default(), Default::default());
            &builtin
        }
    };
    let rec: Recognition = stages::recognize_with(recognizer, &pages, xml.as_ref());
    let page_numbers: Vec<u32> = if pages.is_empty() { vec![1] } else { pages.iter().map(|p| p.number).collect() };
    let doc = json!({
        "pages": page_numbers,
        "category": rec.category,
        "category_reason": rec.category_reason,
        "fields": rec.fields,
        "vat_breakdown": rec.vat_breakdown,
        "checks": rec.checks,
    });
    println!("{}", serde_json::to_string_pretty(&json!({"file": file.display().to_string(), "documents": [doc]}))?);
    Ok(ExitCode::SUCCESS)
}
