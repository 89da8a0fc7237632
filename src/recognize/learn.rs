//! Learning from a correction: where the corrected value is printed on the
//! document and which label stands before it (or above it) become a
//! supplier-specific mark, so that the supplier's next invoice in the same
//! layout is read right. Pure: pages in, a mark out.

use rust_decimal::Decimal;

use super::layout::{Doc, ItemKind};
use super::text::fold;
use crate::capture::Page;

/// A mark learned from one correction.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedMark {
    pub name: String,
    /// numeric | date | alphanumeric
    pub kind: &'static str,
    /// The label as printed, e.g. `N° de contrat`.
    pub label: String,
    /// right | below
    pub direction: &'static str,
}

/// The mark that would have read `value` for `field` on these pages, if
/// the value is printed with a label beside or above it.
pub fn learn(pages: &[Page], field: &str, value: &str) -> Option<LearnedMark> {
    let kind = match field {
        "net_total" | "vat_total" | "gross_total" => "numeric",
        "invoice_date" | "due_date" => "date",
        _ => {
            if value.parse::<Decimal>().is_ok() && value.contains('.') {
                "numeric"
            } else if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() {
                "date"
            } else {
                "alphanumeric"
            }
        }
    };
    let want = compact(value);
    let doc = Doc::build(pages);
    for page in &doc.pages {
        for (li, line) in page.lines.iter().enumerate() {
            for it in &line.items {
                let hit = match (&it.kind, kind) {
                    (ItemKind::Amount(a), "numeric") => value.parse::<Decimal>().is_ok_and(|v| v == a.value.abs()),
                    (ItemKind::Date(d), "date") => d.to_string() == value,
                    (_, "alphanumeric") => compact(&it.text) == want,
                    _ => false,
                };
                if !hit {
                    continue;
                }
                let ph = &line.phrases[it.phrase];
                // Beside: the phrase's text before the value, else the phrase before it.
                let before = ph.raw[..it.span.0].trim();
                let beside = if !before.is_empty() { Some(before.to_string()) } else { it.phrase.checked_sub(1).map(|p| line.phrases[p].raw.trim().to_string()) };
                if let Some(label) = beside.map(|l| label_words(&l)).filter(|l| useful(l)) {
                    return Some(LearnedMark { name: field.to_string(), kind, label, direction: "right" });
                }
                // Above: the phrase of the line above that overlaps the value's column.
                let above = li.checked_sub(1).and_then(|l| page.lines[l].phrases.iter().find(|p| p.bbox.x0 <= it.bbox.x1 && it.bbox.x0 <= p.bbox.x1));
                if let Some(label) = above.map(|p| label_words(&p.raw)).filter(|l| useful(l)) {
                    return Some(LearnedMark { name: field.to_string(), kind, label, direction: "below" });
                }
            }
        }
    }
    None
}

/// The file learned marks are kept in, in the rules folder; the pipelines'
/// recognizers read it after their own marks file.
pub const LEARNED_MARKS_FILE: &str = "learned-marks.yaml";

/// The learned-marks file with `mark` added, replacing an earlier one for
/// the same field and supplier (each block starts with its `# learned` line).
pub fn add_to_file(existing: &str, block: &str, name: &str, supplier: &str) -> String {
    let header = "# Marks learned from reviewers' corrections (`paperledger review set`): each\n# reads a field where the person found it on the supplier's invoice. Edit or\n# delete freely; `paperledger check` validates this file like marks.yaml.\nmarks:\n";
    let body = existing.split_once("\nmarks:\n").map_or("", |(_, b)| b);
    let mut blocks: Vec<String> = Vec::new();
    for line in body.lines() {
        if line.starts_with("  # learned from") || blocks.is_empty() {
            blocks.push(String::new());
        }
        let last = blocks.last_mut().expect("pushed");
        last.push_str(line);
        last.push('\n');
    }
    let same = |b: &String| b.contains(&format!("- name: {name}\n")) && b.contains(&format!("supplier: '{}'\n", supplier.replace('\'', "''")));
    blocks.retain(|b| !b.trim().is_empty() && !same(b));
    blocks.push(block.to_string());
    format!("{header}{}", blocks.concat())
}

/// A mark's YAML, as `rules/marks.yaml` reads it.
pub fn to_yaml(m: &LearnedMark, supplier: &str, from: &str) -> String {
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let regex = regex::escape(&m.label).replace(' ', r"\s+");
    format!(
        "  # learned from {from}\n  - name: {}\n    type: {}\n    supplier: {}\n    anchor: {{label: {}, direction: {}}}\n",
        m.name,
        m.kind,
        q(supplier),
        q(&regex),
        m.direction
    )
}

/// Compare values without case, spaces or punctuation.
fn compact(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The last few words of a label, without its colon: "N° de contrat".
fn label_words(s: &str) -> String {
    let s = s.trim().trim_end_matches([':', '.', '-', '#']).trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    words[words.len().saturating_sub(4)..].join(" ")
}

/// A label must say something: letters, not only numbers.
fn useful(label: &str) -> bool {
    label.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::testutil::Layout;

    fn page() -> Page {
        Layout::new()
            .text(50.0, 40.0, 12.0, "Télécom Hexagone SAS")
            .text(50.0, 120.0, 9.0, "N° de contrat : 4744092776")
            .text(300.0, 120.0, 9.0, "Facture n° TH2605000463")
            .text(50.0, 300.0, 9.0, "Montant à régler")
            .text(50.0, 312.0, 9.0, "217,76 €")
            .page(1)
    }

    #[test]
    fn a_value_beside_its_label() {
        let m = learn(&[page()], "invoice_number", "4744092776").unwrap();
        assert_eq!(m, LearnedMark { name: "invoice_number".into(), kind: "alphanumeric", label: "N° de contrat".into(), direction: "right" });
        let y = to_yaml(&m, "FR12473038057", "doc:7");
        assert!(y.contains(r"anchor: {label: 'N°\s+de\s+contrat', direction: right}"), "{y}");
        assert!(y.contains("supplier: 'FR12473038057'") && y.contains("# learned from doc:7"), "{y}");
    }

    #[test]
    fn a_value_under_its_label() {
        let m = learn(&[page()], "gross_total", "217.76").unwrap();
        assert_eq!((m.kind, m.label.as_str(), m.direction), ("numeric", "Montant à régler", "below"));
    }

    #[test]
    fn the_file_keeps_one_mark_per_field_and_supplier_and_loads() {
        let a = LearnedMark { name: "invoice_number".into(), kind: "alphanumeric", label: "N° de contrat".into(), direction: "right" };
        let b = LearnedMark { name: "gross_total".into(), kind: "numeric", label: "Montant à régler".into(), direction: "below" };
        let mut file = add_to_file("", &to_yaml(&a, "FR12473038057", "doc:1"), "invoice_number", "FR12473038057");
        file = add_to_file(&file, &to_yaml(&b, "FR12473038057", "doc:1"), "gross_total", "FR12473038057");
        let a2 = LearnedMark { label: "Référence".into(), ..a.clone() };
        file = add_to_file(&file, &to_yaml(&a2, "FR12473038057", "doc:2"), "invoice_number", "FR12473038057");
        let doc = crate::config::YamlDoc::from_text(std::path::Path::new(LEARNED_MARKS_FILE), &file);
        let marks = crate::recognize::parse_marks(&doc).unwrap_or_else(|e| panic!("{e:?}\n{file}"));
        assert_eq!(marks.marks.len(), 2, "{file}");
        assert!(file.contains("Référence") && !file.contains("contrat"), "the later correction replaced the earlier: {file}");
    }

    #[test]
    fn a_value_not_printed_teaches_nothing() {
        assert_eq!(learn(&[page()], "invoice_number", "ZZ-999"), None);
    }
}
