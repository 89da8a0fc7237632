//! The fallback classifier: naive Bayes over the words of the documents
//! people validated. It is consulted only when no rule of
//! `rules/categories.yaml` matched, and its guess is used only at or above
//! the rules file's `classifier.min_confidence`; the category reason says
//! so, with the confidence and the words that weighed most.
//!
//! Pure: the store supplies the examples, the daemon swaps the trained
//! model into a [`Slot`] that every recognizer of the site shares.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use crate::capture::Page;

use super::text::{fold, word_tokens};

/// Where the site's current model lives; empty until trained.
pub type Slot = Arc<RwLock<Option<Arc<Classifier>>>>;

/// A new, empty slot.
pub fn slot() -> Slot {
    Arc::new(RwLock::new(None))
}

/// The model in the slot now, if any.
pub fn current(slot: &Slot) -> Option<Arc<Classifier>> {
    slot.read().map(|g| g.clone()).unwrap_or(None)
}

/// Put a model in (or take it out with None).
pub fn install(slot: &Slot, model: Option<Classifier>) {
    if let Ok(mut g) = slot.write() {
        *g = model.map(Arc::new);
    }
}

/// At most this many distinct words are kept per document (a long
/// statement says nothing more with its thousandth word).
const MAX_WORDS: usize = 3000;

/// The words a document is classified on: folded, alphabetic, at least
/// three letters, each once, sorted. Numbers and amounts are left out:
/// they belong to one document, not to its kind.
pub fn words_of<'a>(pages: impl IntoIterator<Item = &'a Page>) -> Vec<String> {
    let mut set = BTreeSet::new();
    for w in pages.into_iter().flat_map(|p| &p.words) {
        for (t, _, _) in word_tokens(&fold(&w.text)) {
            if t.chars().count() >= 3 && t.chars().all(char::is_alphabetic) {
                set.insert(t);
            }
        }
    }
    set.into_iter().take(MAX_WORDS).collect()
}

/// One validated document: its category and its words.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Example {
    pub category: String,
    pub words: Vec<String>,
}

/// A trained model.
#[derive(Debug)]
pub struct Classifier {
    categories: Vec<CategoryModel>,
    /// How many documents it learned from.
    pub trained_on: usize,
}

#[derive(Debug)]
struct CategoryModel {
    name: String,
    documents: usize,
    log_prior: f64,
    /// log P(word | category), Laplace-smoothed.
    log_p: HashMap<String, f64>,
    /// log P of a word this category never showed.
    log_unseen: f64,
}

/// What the classifier thinks of one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub category: String,
    /// Posterior probability of the category, 0..1.
    pub confidence: f64,
    /// The document's words that weighed most for it against the runner-up.
    pub words: Vec<String>,
}

/// Train on the examples. Categories with fewer than `min_documents`
/// examples are left out; at least two categories must remain, else the
/// model could only ever answer one thing, and the reason is returned.
pub fn train(examples: &[Example], min_documents: usize) -> Result<Classifier, String> {
    let mut by_cat: HashMap<&str, Vec<&Example>> = HashMap::new();
    for e in examples {
        by_cat.entry(e.category.as_str()).or_default().push(e);
    }
    let mut kept: Vec<(&str, Vec<&Example>)> = by_cat.into_iter().filter(|(_, v)| v.len() >= min_documents.max(1)).collect();
    kept.sort_by(|a, b| a.0.cmp(b.0));
    if kept.len() < 2 {
        return Err(format!(
            "not enough validated documents: {} in all; each category needs {} to be learned and at least two categories are needed",
            examples.len(),
            min_documents.max(1)
        ));
    }
    let vocab: BTreeSet<&str> = kept.iter().flat_map(|(_, v)| v.iter().flat_map(|e| e.words.iter().map(String::as_str))).collect();
    let v = vocab.len() as f64;
    let total: usize = kept.iter().map(|(_, v)| v.len()).sum();
    let categories = kept
        .into_iter()
        .map(|(name, docs)| {
            let mut counts: HashMap<String, f64> = HashMap::new();
            for e in &docs {
                for w in &e.words {
                    *counts.entry(w.clone()).or_default() += 1.0;
                }
            }
            let n: f64 = counts.values().sum();
            let denom = (n + v).ln();
            let log_p = counts.into_iter().map(|(w, c)| (w, (c + 1.0).ln() - denom)).collect();
            CategoryModel { name: name.to_string(), documents: docs.len(), log_prior: (docs.len() as f64 / total as f64).ln(), log_p, log_unseen: -denom }
        })
        .collect();
    Ok(Classifier { categories, trained_on: total })
}

impl Classifier {
    /// The categories it knows, each with how many documents taught it.
    pub fn categories(&self) -> Vec<(String, usize)> {
        self.categories.iter().map(|c| (c.name.clone(), c.documents)).collect()
    }

    /// The most probable category for these words. Only words some
    /// category has seen count: an unseen word says nothing.
    pub fn guess(&self, words: &[String]) -> Option<Guess> {
        let known: Vec<&String> = words.iter().filter(|w| self.categories.iter().any(|c| c.log_p.contains_key(*w))).collect();
        if known.is_empty() {
            return None;
        }
        let lp = |c: &CategoryModel, w: &str| c.log_p.get(w).copied().unwrap_or(c.log_unseen);
        let scores: Vec<f64> = self.categories.iter().map(|c| c.log_prior + known.iter().map(|w| lp(c, w)).sum::<f64>()).collect();
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
        let (best, second) = (order[0], order[1]);
        let max = scores[best];
        let sum: f64 = scores.iter().map(|s| (s - max).exp()).sum();
        let (b, s) = (&self.categories[best], &self.categories[second]);
        let mut telling: Vec<(&String, f64)> = known.iter().map(|w| (*w, lp(b, w) - lp(s, w))).filter(|(_, d)| *d > 0.0).collect();
        telling.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(y.0)));
        Some(Guess { category: b.name.clone(), confidence: 1.0 / sum, words: telling.into_iter().take(5).map(|(w, _)| w.clone()).collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(category: &str, text: &str) -> Example {
        Example { category: category.into(), words: text.split_whitespace().map(String::from).collect() }
    }

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    fn examples() -> Vec<Example> {
        vec![
            ex("purchase_invoice", "facture total tva echeance fournisseur"),
            ex("purchase_invoice", "facture montant tva reglement iban"),
            ex("purchase_invoice", "invoice total vat due supplier"),
            ex("payslip", "bulletin salaire brut net cotisations conges"),
            ex("payslip", "bulletin paie salaire net urssaf cotisations"),
            ex("payslip", "salaire brut heures conges employeur"),
        ]
    }

    #[test]
    fn learns_a_category_no_rule_names_and_says_why() {
        let c = train(&examples(), 2).unwrap();
        assert_eq!(c.trained_on, 6);
        let g = c.guess(&words("bulletin de salaire novembre cotisations net a payer")).unwrap();
        assert_eq!(g.category, "payslip");
        assert!(g.confidence > 0.9, "{g:?}");
        assert!(g.words.contains(&"salaire".to_string()) && g.words.contains(&"bulletin".to_string()), "{g:?}");
        let g = c.guess(&words("facture numero tva total")).unwrap();
        assert_eq!(g.category, "purchase_invoice");
    }

    #[test]
    fn mixed_evidence_gives_low_confidence_and_unknown_words_no_guess() {
        let c = train(&examples(), 2).unwrap();
        let g = c.guess(&words("facture salaire")).unwrap();
        assert!(g.confidence < 0.8, "{g:?}");
        assert!(c.guess(&words("zzz qqq")).is_none());
    }

    #[test]
    fn too_few_documents_is_said() {
        let e = train(&examples()[..4], 2).unwrap_err();
        assert!(e.contains("not enough validated documents: 4"), "{e}");
        // A category below the minimum is left out, not guessed.
        let mut more = examples();
        more.push(ex("receipt", "ticket caisse merci"));
        let c = train(&more, 2).unwrap();
        assert!(c.categories().iter().all(|(n, _)| n != "receipt"));
    }
}
