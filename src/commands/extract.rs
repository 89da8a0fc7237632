//! `extract FILE --json`: capture and recognition only, no database.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::json;

use crate::pipeline::definition::{ExtractStage, SplitStage};
use crate::pipeline::stages;
use crate::recognize::{self, Recognizer};

pub fn run(file: &Path, config: Option<&Path>) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let (rt, extract_settings, split) = match config {
        Some(c) => {
            let site = super::load_site(c)?;
            let rt = site.inbox(None)?;
            let (ex, split) = (rt.pipeline.extract.clone(), rt.pipeline.split.clone());
            (Some(rt), ex, split)
        }
        // Without a config, bulk files are split with the default settings.
        None => (None, ExtractStage::default(), Some(SplitStage::default())),
    };
    let cap = match stages::capture_stage(&bytes, &extract_settings, split.as_ref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {}", file.display(), e.message);
            return Ok(ExitCode::from(1));
        }
    };
    let builtin;
    let recognizer: &Recognizer = match rt.as_ref().and_then(|rt| rt.pipeline.recognizer.as_ref()) {
        Some(r) => r,
        None => {
            builtin = Recognizer::new(recognize::CategoryRules::builtin(), recognize::MarkRules::builtin(), Default::default(), Default::default());
            &builtin
        }
    };
    let collated = file.file_name().is_some_and(|n| n.to_string_lossy().contains(crate::intake::duplex::COLLATED_MARKER));
    let (plan, docs) = stages::documents(&cap, split.as_ref(), recognizer, collated);
    let documents: Vec<_> = docs
        .iter()
        .map(|(segment, rec)| {
            json!({
                "pages": segment.pages,
                "split_reason": segment.reason,
                "category": rec.category,
                "category_reason": rec.category_reason,
                "fields": rec.fields,
                "vat_breakdown": rec.vat_breakdown,
                "checks": rec.checks,
            })
        })
        .collect();
    let mut out = json!({"file": file.display().to_string(), "documents": documents});
    if let Some(plan) = plan {
        out["separator_pages"] = json!(plan.separators.iter().map(|s| s.0).collect::<Vec<_>>());
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
