//! The sample generator: realistic born-digital PDF invoices with their
//! ground truth, for tests, benchmarks and demos.
//!
//! `generate` writes `NAME.pdf` and `NAME.truth.json` per document. Output is
//! a pure function of (seed, index, buyer): invoice i of seed S is the same
//! whatever `count` is. A pool of fictional suppliers (FR, DE, UK, BE, CH),
//! each with its own layout and house style (six layouts, three languages,
//! national number and date formats, different PDF producer habits), sells
//! catalogue items whose VAT category gives the rate per country. Totals
//! are `Decimal` with explicit rounding.

mod catalog;
pub mod copier;
mod fmt;
pub(crate) mod ids;
mod invoice;
mod labels;
mod layouts;
mod metrics;
mod pdf;
mod rng;
pub mod scan;
mod suppliers;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rust_decimal::Decimal;
use serde::Serialize;

use self::fmt::rate_key;
use self::invoice::Invoice;
use self::rng::Rng;
use self::suppliers::{LayoutKind, POOL};

/// The receiving company: its name and identifiers appear on every invoice
/// it receives (buyer block), and must not be taken for the supplier's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buyer {
    pub name: String,
    /// 9 digits, Luhn-valid.
    pub siren: String,
    /// FR + key + SIREN.
    pub vat_id: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

impl Buyer {
    /// A French buyer; the VAT id is derived from the SIREN (empty when the
    /// SIREN is not 9 digits).
    pub fn new(name: &str, siren: &str, street: &str, postcode: &str, city: &str) -> Buyer {
        Buyer {
            name: name.into(),
            siren: siren.into(),
            vat_id: if is_siren(siren) { ids::fr_vat(siren) } else { String::new() },
            street: street.into(),
            postcode: postcode.into(),
            city: city.into(),
            country: "France".into(),
        }
    }

    /// The demo company of the bundled site: Cabinet Demo SAS, SIREN
    /// 904518271, VAT FR01904518271 (not the SIREN 123456782 that public samples use).
    pub fn demo() -> Buyer {
        Buyer::new("Cabinet Demo SAS", "904518271", "12 rue de la Paix", "75002", "Paris")
    }

    /// Head-office SIRET (establishment 0001), empty without a valid SIREN.
    pub fn siret(&self) -> String {
        if is_siren(&self.siren) {
            ids::siret(&self.siren, 1)
        } else {
            String::new()
        }
    }
}

fn is_siren(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Debug, Clone)]
pub struct GenOptions {
    pub out_dir: PathBuf,
    pub count: usize,
    pub seed: u64,
    pub buyer: Buyer,
}

/// One written sample.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    pub pdf: PathBuf,
    pub truth: PathBuf,
    pub layout: String,
    pub language: String,
    pub category: String,
    pub pages: usize,
}

/// Ground truth of one file, as written to `NAME.truth.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    pub file: String,
    pub documents: Vec<TruthDoc>,
    /// How the sample was drawn, to group recognition errors by variation.
    pub generator: GenInfo,
}

#[derive(Debug, Clone, Serialize)]
pub struct TruthDoc {
    pub pages: Vec<u32>,
    pub category: String,
    pub fields: TruthFields,
    pub vat_breakdown: Vec<TruthVat>,
}

/// Field values normalized as `extract` prints them: amounts positive with
/// a dot, dates ISO, ids uppercase without spaces. Absent when not printed.
#[derive(Debug, Clone, Serialize)]
pub struct TruthFields {
    pub supplier_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier_vat_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier_siret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    pub invoice_number: String,
    pub invoice_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    pub currency: String,
    pub net_total: String,
    pub vat_total: String,
    pub gross_total: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TruthVat {
    pub rate: String,
    pub base: String,
    pub amount: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GenInfo {
    pub seed: u64,
    pub index: usize,
    pub supplier: String,
    pub layout: String,
    pub language: String,
    pub amount_format: String,
    pub currency_position: String,
    pub negative_style: String,
    pub date_format: String,
    pub text_mode: String,
    pub text_matrix: bool,
    pub flipped_ctm: bool,
    pub compressed: bool,
    pub shuffled_blocks: bool,
}

/// A sample in memory.
pub(crate) struct Sample {
    pub name: String,
    pub pdf: Vec<u8>,
    pub truth: Truth,
    pub layout: LayoutKind,
    /// Net, VAT and gross exactly as printed in the totals (for tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub printed_totals: [String; 3],
}

/// Writes `opts.count` invoices and credit notes with their truth files.
pub fn generate(opts: &GenOptions) -> anyhow::Result<Vec<GeneratedFile>> {
    std::fs::create_dir_all(&opts.out_dir).with_context(|| format!("creating {}", opts.out_dir.display()))?;
    let mut out = Vec::with_capacity(opts.count);
    for i in 0..opts.count {
        let s = make(opts.seed, i, &opts.buyer);
        let pdf = opts.out_dir.join(format!("{}.pdf", s.name));
        let truth = opts.out_dir.join(format!("{}.truth.json", s.name));
        // Truth first, then the PDF under a temporary name renamed into place:
        // a watcher never sees a half-written PDF nor a PDF without its truth.
        write_atomic(&truth, (serde_json::to_string_pretty(&s.truth)? + "\n").as_bytes())?;
        write_atomic(&pdf, &s.pdf)?;
        let d = &s.truth.documents[0];
        out.push(GeneratedFile {
            pdf,
            truth,
            layout: s.layout.name().to_string(),
            language: s.truth.generator.language.clone(),
            category: d.category.clone(),
            pages: d.pages.len(),
        });
    }
    Ok(out)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!("{}.part", path.extension().and_then(|e| e.to_str()).unwrap_or("")));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

fn money_str(v: Decimal) -> String {
    format!("{:.2}", v.abs())
}

/// Sample `index` of run `seed`.
pub(crate) fn make(seed: u64, index: usize, buyer: &Buyer) -> Sample {
    let mut r = Rng::derive(seed, index as u64);
    // Layouts rotate so that any 6 consecutive samples show all of them.
    let layout = LayoutKind::ALL[(index + (seed % 6) as usize) % 6];
    let candidates: Vec<usize> = (0..POOL.len()).filter(|&k| POOL[k].layout == layout).collect();
    let sup = suppliers::supplier(candidates[r.below(candidates.len())]);
    let credit = r.chance(12);
    let n_lines = if credit {
        r.range(1, 3) as usize
    } else {
        r.weighted(&[
            (1, 13),
            (2, 14),
            (3, 14),
            (4, 11),
            (5, 9),
            (6, 7),
            (7, 6),
            (8, 5),
            (9, 5),
            (10, 6),
            (11, 6),
            (12, 7),
        ])
    };
    let inv = invoice::build(&sup, buyer, credit, n_lines, &mut r);
    let (pages, printed) = layouts::render(&inv, Rng::new(r.next_u64()));
    let n_pages = pages.len();
    let h = &sup.house;
    let name = format!(
        "inv-{:04}-{}-{}{}",
        index + 1,
        layout.name(),
        inv.lang.code(),
        if credit { "-credit" } else { "" }
    );
    let meta = pdf::Meta {
        title: format!("{} {}", if credit { "Credit note" } else { "Invoice" }, inv.number),
        author: sup.def.name.to_string(),
        created: format!("D:{}093000+01'00'", inv.date.format("%Y%m%d")),
        creator: format!("{} invoicing", sup.display_name()),
    };
    let bytes = pdf::write_pdf(pages, &meta, &h.text.font_names, h.compress, seed ^ (index as u64).wrapping_mul(0x9E37_79B9));
    let truth = truth_of(&inv, &printed, n_pages, &name, seed, index);
    let printed_totals = [inv.net, inv.vat, inv.gross].map(|v| h.money.fmt(v, credit, true));
    Sample {
        name,
        pdf: bytes,
        truth,
        layout,
        printed_totals,
    }
}

fn truth_of(inv: &Invoice, printed: &layouts::Printed, n_pages: usize, name: &str, seed: u64, index: usize) -> Truth {
    let sup = inv.supplier;
    let h = &sup.house;
    let fields = TruthFields {
        supplier_name: sup.def.name.to_string(),
        supplier_vat_id: Some(sup.ids.vat.clone()),
        supplier_siret: if printed.siret.get() { sup.ids.siret.clone() } else { None },
        iban: printed.iban.get().then(|| sup.ids.iban.clone()),
        invoice_number: inv.number.clone(),
        invoice_date: inv.date.format("%Y-%m-%d").to_string(),
        due_date: if printed.due.get() {
            inv.due.map(|d| d.format("%Y-%m-%d").to_string())
        } else {
            None
        },
        currency: h.money.currency.code().to_string(),
        net_total: money_str(inv.net),
        vat_total: money_str(inv.vat),
        gross_total: money_str(inv.gross),
    };
    let vat_breakdown = inv
        .breakdown
        .iter()
        .map(|b| TruthVat {
            rate: rate_key(b.rate),
            base: money_str(b.base),
            amount: money_str(b.amount),
        })
        .collect();
    Truth {
        file: format!("{name}.pdf"),
        documents: vec![TruthDoc {
            pages: (1..=n_pages as u32).collect(),
            category: if inv.credit { "credit_note" } else { "purchase_invoice" }.to_string(),
            fields,
            vat_breakdown,
        }],
        generator: GenInfo {
            seed,
            index,
            supplier: sup.def.name.to_string(),
            layout: sup.def.layout.name().to_string(),
            language: inv.lang.code().to_string(),
            amount_format: h.money.num.name().to_string(),
            currency_position: format!("{:?}", h.money.pos),
            negative_style: if inv.credit { format!("{:?}", h.money.neg) } else { "n/a".to_string() },
            // The 15th of March 2026 in this sample's format: "15. März 2026".
            date_format: fmt::fmt_date(chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(), h.date, inv.lang),
            text_mode: h.text.mode.name().to_string(),
            text_matrix: h.text.use_tm || h.text.flip_y,
            flipped_ctm: h.text.flip_y,
            compressed: h.compress,
            shuffled_blocks: h.shuffle,
        },
    }
}
