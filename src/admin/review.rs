//! `review`: the documents waiting for a person. list, show, set, category,
//! approve; every action in the document's history. Approval runs the
//! pipeline's decision again (controls, then posting) on the corrected
//! values with the rules the daemon runs.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use super::Reply;
use crate::pipeline::stages::{self, Decision};
use crate::pipeline::Site;
use crate::recognize::{learn, Field, Recognition, VatLine};
use crate::store::review::ReviewDoc;
use crate::store::{EntryRecord, Store};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewRequest {
    /// list | show | set | category | approve
    pub action: String,
    pub doc: Option<String>,
    /// `field=value` for set; the category for category.
    pub args: Vec<String>,
    pub json: bool,
}

pub fn run(store: &mut Store, site: &Site, req: &ReviewRequest, actor: &str) -> Result<Reply> {
    if req.action == "list" {
        let queue = store.review_queue()?;
        if req.json {
            return Ok(Reply::ok(serde_json::to_string_pretty(&queue)? + "\n"));
        }
        let mut out = String::new();
        for d in &queue {
            let _ = writeln!(out, "doc:{:<5} {:<40} {:<18} {}", d.id, d.file, d.category, d.reasons.join("; "));
        }
        let _ = writeln!(out, "{} document(s) waiting for review", queue.len());
        return Ok(Reply::ok(out));
    }
    let Some(key) = req.doc.as_deref() else { bail!("review {}: name the document (doc:N or N)", req.action) };
    let id: i64 = key.strip_prefix("doc:").unwrap_or(key).parse().map_err(|_| anyhow::anyhow!("`{key}` is not a document id: use doc:N as `review list` shows"))?;
    match req.action.as_str() {
        "show" => {
            let d = store.review_doc(id)?;
            Ok(Reply::ok(if req.json { serde_json::to_string_pretty(&d)? + "\n" } else { show(&d) }))
        }
        "set" => {
            let mut values = Vec::new();
            for a in &req.args {
                let Some((name, value)) = a.split_once('=') else { bail!("`{a}`: write field=value") };
                values.push((name.trim().to_string(), normalize(name.trim(), value.trim())?));
            }
            if values.is_empty() {
                bail!("review set doc:{id}: give field=value pairs");
            }
            store.correct_fields(id, &values, actor)?;
            let mut out = format!("doc:{id}: {} field(s) set; `review approve doc:{id}` posts it\n", values.len());
            for line in teach(site, &store.review_doc(id)?, &values) {
                out.push_str(&line);
                out.push('\n');
            }
            Ok(Reply::ok(out))
        }
        "category" => {
            let [category] = req.args.as_slice() else { bail!("review category doc:{id} CATEGORY") };
            store.correct_category(id, category, actor)?;
            Ok(Reply::ok(format!("doc:{id}: category {category}\n")))
        }
        "approve" => approve(store, site, id, actor),
        "split" => {
            let [ranges] = req.args.as_slice() else { bail!("review split doc:{id} RANGES, e.g. 1-2,3,4-6 (pages of the file)") };
            split(store, site, id, ranges, actor)
        }
        other => bail!("review `{other}`: use list, show, set, category, split or approve"),
    }
}

/// A correction teaches: where the value is printed, with its label, becomes
/// a mark for this supplier in the rules folder's learned-marks file. The
/// daemon reads it at its next reload (`systemctl reload paperledger`);
/// `process` and `extract --config` at once.
fn teach(site: &Site, d: &ReviewDoc, values: &[(String, String)]) -> Vec<String> {
    let field = |n: &str| d.fields.iter().find(|f| f.name == n).map(|f| f.value.clone());
    let Some(supplier) = field("supplier_vat_id").or_else(|| field("supplier_siret")).or_else(|| field("supplier_name")) else {
        return vec!["nothing learned: the supplier is not known (set supplier_vat_id or supplier_name first)".into()];
    };
    let pages = match site.inbox(Some(&d.inbox)).and_then(|rt| {
        let bytes = std::fs::read(&d.stored_path)?;
        stages::capture_stage(&bytes, &rt.pipeline.extract, rt.pipeline.split.as_ref()).map_err(|e| anyhow::anyhow!("{e}"))
    }) {
        Ok(c) => c.pages.into_iter().filter(|p| d.pages.contains(&p.number)).collect::<Vec<_>>(),
        Err(e) => return vec![format!("nothing learned: the file could not be read again: {e:#}")],
    };
    let rules_dir = site.config.resolve(&site.config.rules_dir);
    let path = rules_dir.join(learn::LEARNED_MARKS_FILE);
    let mut said = Vec::new();
    for (name, value) in values {
        let Some(m) = learn::learn(&pages, name, value) else {
            said.push(format!("{name}: not learned (the value is not printed next to a label)"));
            continue;
        };
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        let text = learn::add_to_file(&existing, &learn::to_yaml(&m, &supplier, &format!("doc:{} {}", d.id, d.file)), name, &supplier);
        match std::fs::write(&path, text) {
            Ok(()) => said.push(format!("{name}: learned for {supplier}: the value {} the label \"{}\" ({})", if m.direction == "right" { "right of" } else { "under" }, m.label, path.display())),
            Err(e) => said.push(format!("{name}: not learned: writing {}: {e}", path.display())),
        }
    }
    said
}

/// `1-2,3,4-6` → [[1,2],[3],[4,5,6]]: each page of the document exactly once.
fn parse_ranges(text: &str, pages: &[u32]) -> Result<Vec<Vec<u32>>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let (a, b): (u32, u32) = match (a.trim().parse(), b.trim().parse()) {
            (Ok(a), Ok(b)) if a <= b => (a, b),
            _ => bail!("`{part}` is not a page range (3 or 1-2)"),
        };
        out.push((a..=b).collect());
    }
    let mut all: Vec<u32> = out.iter().flatten().copied().collect();
    all.sort_unstable();
    let mut want = pages.to_vec();
    want.sort_unstable();
    if all != want {
        bail!("the ranges must name each of the document's pages {want:?} exactly once (they name {all:?})");
    }
    if out.len() < 2 {
        bail!("a split makes at least two documents");
    }
    Ok(out)
}

/// The person's cut: each part recognized on its own pages and decided
/// (posted or reviewed) as the pipeline would have.
fn split(store: &mut Store, site: &Site, id: i64, ranges: &str, actor: &str) -> Result<Reply> {
    let d = store.review_doc(id)?;
    let parts = parse_ranges(ranges, &d.pages)?;
    let rt = site.inbox(Some(&d.inbox))?;
    let Some(recognizer) = &rt.pipeline.recognizer else { bail!("pipeline `{}` has no recognize stage", rt.pipeline.name) };
    let bytes = std::fs::read(&d.stored_path).map_err(|e| anyhow::anyhow!("reading {}: {e}", d.stored_path))?;
    let cap = stages::capture_stage(&bytes, &rt.pipeline.extract, rt.pipeline.split.as_ref()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let documents = parts
        .iter()
        .map(|pages| {
            let subset: Vec<_> = cap.pages.iter().filter(|p| pages.contains(&p.number)).cloned().collect();
            let rec = crate::pipeline::split_stage::recognize_pages(recognizer, &subset);
            let decision = stages::decide(&rec, &rt);
            let event = crate::store::EventRecord::new("split", serde_json::json!({"by": "review", "from": id, "pages": pages}));
            let words = crate::recognize::classify::words_of(&subset);
            stages::DocumentResult { pages: pages.clone(), words, recognition: Some(rec), decision, events: vec![event] }
        })
        .collect();
    let analysis = stages::Analysis { page_count: cap.pages.len() as u32, events: Vec::new(), documents };
    let records = crate::pipeline::runner::records(analysis, &rt);
    let done = store.split_document(id, &records, actor)?;
    let mut out = format!("doc:{id} split into {} documents:\n", done.len());
    for (c, r) in done.iter().zip(&records) {
        let what = match &c.entry {
            Some((_, journal, batch)) => format!("posted in {journal}, batch {batch}"),
            None => format!("review: {}", r.review_reasons.join("; ")),
        };
        let _ = writeln!(out, "  doc:{} pages {:?}: {} {what}", c.document_id, r.pages, r.category);
    }
    Ok(Reply::ok(out))
}

/// The pipeline resumes at its controls: the corrected fields are checked,
/// then posted, or the document stays in review with the new reasons.
fn approve(store: &mut Store, site: &Site, id: i64, actor: &str) -> Result<Reply> {
    let d = store.review_doc(id)?;
    let rt = site.inbox(Some(&d.inbox))?;
    let mut rec = recognition_of(&d);
    if let Some(r) = &rt.pipeline.recognizer {
        r.recheck(&mut rec);
    }
    match stages::decide(&rec, &rt) {
        Decision::Post { posting, fiscal_year, fy_start, fy_end, period } => {
            let er = EntryRecord { entry: posting.entry, fiscal_year, fy_start, fy_end, period, options: rt.company.ledger.batches.clone() };
            let (journal, batch) = store.approve(id, &er, actor)?;
            // A statement may have paid it already: its line waits on the suspense account.
            let party = er.entry.lines.iter().find_map(|l| l.aux_account.as_deref());
            let paid = store.rematch_bank_lines(rt.company.as_ref(), party, actor)?;
            let paid = if paid > 0 { format!("; {paid} waiting bank line(s) matched") } else { String::new() };
            Ok(Reply::ok(format!("doc:{id}: approved; entry in journal {journal}, batch {batch}{paid}\n")))
        }
        Decision::Review(reasons) => {
            store.still_in_review(id, &reasons, actor)?;
            Ok(Reply::fail(1, format!("doc:{id} stays in review: {}\n", reasons.join("; "))))
        }
        Decision::Import(_) => bail!("doc:{id} is a bank statement"),
    }
}

/// The document as recognition left it, with the reviewer's corrections.
fn recognition_of(d: &ReviewDoc) -> Recognition {
    let fields: BTreeMap<String, Field> = d
        .fields
        .iter()
        .map(|f| {
            let bbox = crate::capture::BBox::new(f.bbox[0], f.bbox[1], f.bbox[2], f.bbox[3]);
            (f.name.clone(), Field { value: f.value.clone(), page: f.page, bbox, source: f.source.clone(), confidence: f.confidence })
        })
        .collect();
    let vat_breakdown = d.vat_lines.iter().map(|v| VatLine { rate: v.rate, base: v.base, amount: v.amount }).collect();
    Recognition { category: d.category.clone(), category_reason: "review".into(), fields, vat_breakdown, checks: Vec::new() }
}

fn show(d: &ReviewDoc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "doc:{} {} (pages {:?}) {} [{}]", d.id, d.file, d.pages, d.category, d.state);
    for r in &d.reasons {
        let _ = writeln!(out, "  why: {r}");
    }
    let _ = writeln!(out, "  {:<18} {:<28} {:>4}  {:<26} {:<28} conf", "field", "value", "page", "box (x0 y0 x1 y1)", "source");
    for f in &d.fields {
        let b = f.bbox;
        let _ = writeln!(
            out,
            "  {:<18} {:<28} {:>4}  {:<26} {:<28} {:.2}",
            f.name,
            f.value,
            f.page,
            format!("{:.0} {:.0} {:.0} {:.0}", b[0], b[1], b[2], b[3]),
            f.source,
            f.confidence
        );
    }
    out
}

/// A value as a person types it, in the form recognition stores: amounts
/// "1234.56", dates "YYYY-MM-DD", identifiers upper case without spaces.
fn normalize(name: &str, value: &str) -> Result<String> {
    match name {
        "net_total" | "vat_total" | "gross_total" => {
            let t: String = value.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '€').collect();
            let t = match (t.rfind(','), t.rfind('.')) {
                (Some(c), Some(p)) if c > p => t.replace('.', "").replace(',', "."),
                (Some(_), Some(_)) => t.replace(',', ""),
                (Some(_), None) => t.replace(',', "."),
                _ => t,
            };
            let d: rust_decimal::Decimal = t.parse().map_err(|_| anyhow::anyhow!("{name}: `{value}` is not an amount"))?;
            let mut d = d.round_dp(2);
            d.rescale(2);
            Ok(d.to_string())
        }
        "invoice_date" | "due_date" => {
            for f in ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"] {
                if let Ok(d) = chrono::NaiveDate::parse_from_str(value, f) {
                    return Ok(d.to_string());
                }
            }
            bail!("{name}: `{value}` is not a date (YYYY-MM-DD or DD/MM/YYYY)")
        }
        "supplier_vat_id" | "iban" | "supplier_siret" | "supplier_siren" | "currency" => Ok(value.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()),
        _ => Ok(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn typed_values_are_stored_as_recognition_stores_them() {
        assert_eq!(normalize("gross_total", "1 234,56 €").unwrap(), "1234.56");
        assert_eq!(normalize("gross_total", "1,234.5").unwrap(), "1234.50");
        assert_eq!(normalize("net_total", "1.234,56").unwrap(), "1234.56");
        assert!(normalize("vat_total", "12,3x").unwrap_err().to_string().contains("not an amount"));
        assert_eq!(normalize("invoice_date", "31/01/2026").unwrap(), "2026-01-31");
        assert!(normalize("due_date", "2026-13-01").is_err());
        assert_eq!(normalize("iban", "fr76 3000 6000 0112 3456 7890 189").unwrap(), "FR7630006000011234567890189");
        assert_eq!(normalize("invoice_number", "FA-12").unwrap(), "FA-12");
    }
}
