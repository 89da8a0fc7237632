//! Writes sample invoices with their ground truth, and prints one Markdown
//! row per file (what it shows), as used for samples/README.md:
//!
//!     cargo run --example gen_samples -- --out samples/invoices --count 12 --seed 2
//!
//! `paperledger samples --out DIR --count N --seed S` does the same writing.

use std::path::PathBuf;

use paperledger::samplegen::{generate, Buyer, GenOptions};

fn main() -> anyhow::Result<()> {
    let mut out = PathBuf::from("samples/invoices");
    let (mut count, mut seed) = (12usize, 2u64);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| anyhow::anyhow!("{a} needs a value"));
        match a.as_str() {
            "--out" => out = PathBuf::from(val()?),
            "--count" => count = val()?.parse()?,
            "--seed" => seed = val()?.parse()?,
            other => anyhow::bail!("unknown argument {other}; usage: gen_samples --out DIR --count N --seed S"),
        }
    }
    let files = generate(&GenOptions {
        out_dir: out.clone(),
        count,
        seed,
        buyer: Buyer::demo(),
    })?;
    println!("| file | layout | lang | kind | pages | supplier | amounts | dates | text | VAT rates | gross |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for f in &files {
        let t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f.truth)?)?;
        let g = &t["generator"];
        let d = &t["documents"][0];
        let rates: Vec<String> = d["vat_breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| format!("{}%", b["rate"].as_str().unwrap()))
            .collect();
        let mut text = g["text_mode"].as_str().unwrap().to_string();
        if g["flipped_ctm"].as_bool() == Some(true) {
            text.push_str(", flipped CTM");
        } else if g["text_matrix"].as_bool() == Some(true) {
            text.push_str(", Tm");
        }
        if g["shuffled_blocks"].as_bool() == Some(true) {
            text.push_str(", shuffled");
        }
        if g["compressed"].as_bool() == Some(false) {
            text.push_str(", uncompressed");
        }
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} {} |",
            f.pdf.file_name().unwrap().to_string_lossy(),
            f.layout,
            f.language,
            if f.category == "credit_note" {
                format!("credit note ({})", g["negative_style"].as_str().unwrap())
            } else {
                "invoice".into()
            },
            f.pages,
            g["supplier"].as_str().unwrap(),
            g["amount_format"].as_str().unwrap(),
            g["date_format"].as_str().unwrap(),
            text,
            rates.join(" "),
            d["fields"]["gross_total"].as_str().unwrap(),
            d["fields"]["currency"].as_str().unwrap(),
        );
    }
    eprintln!("wrote {} samples to {}", files.len(), out.display());
    Ok(())
}
