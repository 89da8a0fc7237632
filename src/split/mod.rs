//! Split: one scanned file, many documents. Decides where each document
//! starts from what every page shows (separator sheets, page numbering,
//! the issuer's identifiers, a document's opening labels). No I/O: the
//! pipeline gathers the page signals, this module only decides.

mod signals;

pub use signals::{is_blank, page_numbering, separator_code, starts_document};

use serde::Serialize;

/// How a file is cut into documents (the pipeline's `split` stage).
#[derive(Debug, Clone, PartialEq)]
pub struct SplitSettings {
    /// A blank page (specks tolerated) separates documents and belongs to none.
    pub blank_separators: bool,
    /// Ink below this share of the page, in percent, is blank.
    pub max_ink_percent: f32,
    /// A page carrying a barcode / QR code with this value separates
    /// documents; `VALUE:category` also names the next document's category.
    pub barcode: Option<String>,
    /// Cut every N pages (within what separators delimit); 0 = off.
    pub every_pages: u32,
    /// Cut where the content says a new document starts.
    pub auto: bool,
    /// The file is a collated duplex pair: a blank even page is a blank
    /// back side, dropped without cutting.
    pub duplex: bool,
}

/// A separator code read on a page: the sheet's value, and the category it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeparatorCode {
    pub category: Option<String>,
}

/// Identifiers of the document's issuer seen on a page, normalized.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Issuer {
    /// SIREN (from a SIRET or a French VAT id), or a foreign VAT id.
    pub company: Option<String>,
    pub iban: Option<String>,
}

impl Issuer {
    /// `Some(true)` when both sides name an issuer of the same kind and it differs.
    fn differs(&self, other: &Issuer) -> bool {
        let diff = |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(x), Some(y)) if x != y);
        // The company identity decides when both have one; an IBAN only otherwise
        // (a supplier may print two bank accounts, never two SIRENs).
        if self.company.is_some() && other.company.is_some() {
            return diff(&self.company, &other.company);
        }
        diff(&self.iban, &other.iban)
    }
    fn merge(&mut self, o: &Issuer) {
        if self.company.is_none() {
            self.company = o.company.clone();
        }
        if self.iban.is_none() {
            self.iban = o.iban.clone();
        }
    }
    fn is_empty(&self) -> bool {
        self.company.is_none() && self.iban.is_none()
    }
}

/// What the pipeline saw on one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageSignals {
    /// 1-based page number in the file.
    pub number: u32,
    pub blank: bool,
    pub separator: Option<SeparatorCode>,
    /// "Page k / N" printed on the page.
    pub numbering: Option<(u32, u32)>,
    pub issuer: Issuer,
    /// The invoice number recognized on this page alone (confident only).
    pub invoice_number: Option<String>,
    /// Invoice / number / date labels in the upper part of the page.
    pub starts_document: bool,
    /// A gross total was recognized on this page.
    pub has_total: bool,
}

/// One document cut out of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Its pages, 1-based numbers in the file, in order.
    pub pages: Vec<u32>,
    /// Named by the separator sheet before it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Why the document starts where it does.
    pub reason: String,
}

/// The whole plan: documents and the pages that belong to none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitPlan {
    pub documents: Vec<Segment>,
    /// Separator sheets (and blank pages between them): `(page, why)`.
    pub separators: Vec<(u32, String)>,
}

/// Cut the pages into documents.
pub fn plan(pages: &[PageSignals], s: &SplitSettings) -> SplitPlan {
    let mut documents: Vec<Segment> = Vec::new();
    let mut separators = Vec::new();
    // Pages between two separators, with the category and reason that opened the group.
    let mut groups: Vec<(Vec<&PageSignals>, Option<String>, String)> = vec![(Vec::new(), None, "first page".into())];
    for p in pages {
        if s.duplex && p.blank && p.number % 2 == 0 {
            separators.push((p.number, "blank back side".to_string()));
            continue;
        }
        let sep = if let (Some(code), Some(value)) = (&p.separator, &s.barcode) {
            Some((code.category.clone(), format!("separator sheet (barcode {value}{})", code.category.as_ref().map(|c| format!(":{c}")).unwrap_or_default())))
        } else if s.blank_separators && p.blank {
            Some((None, "blank separator sheet".to_string()))
        } else {
            None
        };
        match sep {
            Some((category, why)) => {
                separators.push((p.number, why.clone()));
                let last = groups.last_mut().expect("one group at least");
                if last.0.is_empty() {
                    // Consecutive separators (a sheet's blank back): keep the named category.
                    last.1 = category.or(last.1.take());
                    last.2 = format!("after page {}'s {why}", p.number);
                } else {
                    groups.push((Vec::new(), category, format!("after page {}'s {why}", p.number)));
                }
            }
            None => groups.last_mut().expect("one group at least").0.push(p),
        }
    }
    for (group, category, reason) in groups {
        if group.is_empty() {
            continue;
        }
        let cuts: Vec<(usize, String)> = if s.every_pages > 0 {
            (0..group.len()).step_by(s.every_pages as usize).skip(1).map(|i| (i, format!("every {} pages", s.every_pages))).collect()
        } else if s.auto {
            auto_cuts(&group)
        } else {
            Vec::new()
        };
        let mut starts: Vec<(usize, String)> = vec![(0, reason)];
        starts.extend(cuts);
        for (k, (start, why)) in starts.iter().enumerate() {
            let end = starts.get(k + 1).map_or(group.len(), |n| n.0);
            documents.push(Segment {
                pages: group[*start..end].iter().map(|p| p.number).collect(),
                // The separator's category names the first document after it only.
                category: if k == 0 { category.clone() } else { None },
                reason: why.clone(),
            });
        }
    }
    SplitPlan { documents, separators }
}

/// Where a new document starts inside a run of pages, from the content.
fn auto_cuts(pages: &[&PageSignals]) -> Vec<(usize, String)> {
    let mut cuts = Vec::new();
    let mut issuer = pages.first().map(|p| p.issuer.clone()).unwrap_or_default();
    let mut number = pages.first().and_then(|p| p.invoice_number.clone());
    let mut has_total = pages.first().is_some_and(|p| p.has_total);
    for i in 1..pages.len() {
        let (prev, p) = (pages[i - 1], pages[i]);
        let cut = match (p.numbering, prev.numbering) {
            (Some((1, n)), _) => Some(format!("page {} reads 1/{n}", p.number)),
            // "Page 2/3" continues whatever came before.
            (Some((k, _)), _) if k > 1 => None,
            // The previous page said more pages follow.
            (_, Some((k, n))) if k < n => None,
            _ => content_cut(p, &issuer, number.as_deref(), has_total, prev.numbering),
        };
        match cut {
            Some(why) => {
                cuts.push((i, why));
                issuer = p.issuer.clone();
                number = p.invoice_number.clone();
                has_total = p.has_total;
            }
            None => {
                issuer.merge(&p.issuer);
                if number.is_none() {
                    number = p.invoice_number.clone();
                }
                has_total |= p.has_total;
            }
        }
    }
    cuts
}

fn content_cut(p: &PageSignals, issuer: &Issuer, number: Option<&str>, has_total: bool, prev_numbering: Option<(u32, u32)>) -> Option<String> {
    if !p.issuer.is_empty() && p.issuer.differs(issuer) {
        let show = |i: &Issuer| i.company.clone().or(i.iban.clone()).unwrap_or_default();
        return Some(format!("page {}: the issuer changes ({} → {})", p.number, show(issuer), show(&p.issuer)));
    }
    let same_number = matches!((p.invoice_number.as_deref(), number), (Some(a), Some(b)) if a == b);
    if p.starts_document && !same_number {
        if let (Some(a), Some(b)) = (p.invoice_number.as_deref(), number) {
            return Some(format!("page {}: another invoice number ({b} → {a})", p.number));
        }
        if has_total {
            return Some(format!("page {}: a new document's heading after the previous one's totals", p.number));
        }
        if matches!(prev_numbering, Some((k, n)) if k == n) {
            return Some(format!("page {}: a new document's heading after the last page of the previous one", p.number));
        }
    }
    None
}

#[cfg(test)]
mod tests;
