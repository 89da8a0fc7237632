//! Categorization rules (`rules/categories.yaml`): ordered, explainable,
//! first match decides.

use std::collections::HashSet;

use regex::Regex;
use serde::Deserialize;

use crate::config::{Issue, YamlDoc};

use super::layout::Doc;
use super::text::{edits, fold, word_tokens};

/// The categories every site knows; a rules file may declare more.
pub const BUILTIN_CATEGORIES: [&str; 6] = ["purchase_invoice", "sales_invoice", "credit_note", "bank_statement", "receipt", "other"];

const BUILTIN_FILE: &str = include_str!("../../rules/categories.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    rules: Vec<RuleSpec>,
    #[serde(default)]
    classifier: Option<ClassifierSpec>,
}

/// The fallback classifier's settings (see `classify`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassifierSpec {
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    min_confidence: Option<f64>,
    #[serde(default)]
    min_documents: Option<usize>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    name: String,
    category: String,
    #[serde(default)]
    any: Option<Vec<String>>,
    #[serde(default)]
    all: Option<Vec<String>>,
    #[serde(default)]
    none: Option<Vec<String>>,
    /// One of these is a whole printed phrase (a title alone on its line).
    #[serde(default)]
    exact: Option<Vec<String>>,
    /// One of these words or phrases, with OCR's misread letters tolerated.
    #[serde(default)]
    fuzzy: Option<Vec<String>>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    issuer: Option<IssuerSpec>,
    #[serde(default)]
    pages: Pages,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum IssuerSpec {
    /// The document's issuer (supplier) is the company itself.
    Company,
}

/// Which pages a rule reads.
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Pages {
    First,
    #[default]
    All,
}

/// Validated categorization rules.
#[derive(Debug, Clone)]
pub struct CategoryRules {
    /// Every category a rule may name (built-in and declared).
    pub categories: Vec<String>,
    /// The category when no rule matches.
    pub default: String,
    pub rules: Vec<CategoryRule>,
    /// When no rule matches: the classifier trained on validated documents.
    pub classifier: ClassifierSettings,
}

/// When and how far the classifier is trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifierSettings {
    pub enabled: bool,
    /// Its guess is used at or above this probability; below, the default
    /// category stands (and the reason shows the guess).
    pub min_confidence: f64,
    /// Validated documents a category needs before it is learned.
    pub min_documents: usize,
}

impl Default for ClassifierSettings {
    fn default() -> Self {
        ClassifierSettings { enabled: true, min_confidence: 0.9, min_documents: 3 }
    }
}

#[derive(Debug, Clone)]
pub struct CategoryRule {
    pub name: String,
    pub category: String,
    pub pages: Pages,
    any: Vec<Keyword>,
    all: Vec<Keyword>,
    none: Vec<Keyword>,
    exact: Vec<Keyword>,
    fuzzy: Vec<Keyword>,
    regex: Option<FoldedRegex>,
    issuer_company: bool,
}

/// A word or phrase to find, compared token by token (case and accents
/// ignored); a final `*` matches any word starting with the last token.
#[derive(Debug, Clone)]
struct Keyword {
    text: String,
    tokens: Vec<String>,
    prefix: bool,
}

impl Keyword {
    fn new(text: &str) -> Keyword {
        let t = text.trim();
        let prefix = t.ends_with('*');
        let folded = fold(t.trim_end_matches('*'));
        let tokens = folded.split_whitespace().flat_map(|w| word_tokens(w).into_iter().map(|x| x.0)).collect();
        Keyword { text: t.to_string(), tokens, prefix }
    }

    /// The whole phrase is the keyword.
    fn is_phrase(&self, phrase: &[String]) -> bool {
        !self.tokens.is_empty() && phrase == self.tokens.as_slice()
    }

    /// Like `matches`, each token within a few edits: one for 5 to 8
    /// letters, two from 9 (shorter words must be exact: too many near misses).
    /// Returns the words found.
    fn fuzzy_match(&self, phrase: &[String]) -> Option<String> {
        let n = self.tokens.len();
        if n == 0 || phrase.len() < n {
            return None;
        }
        let close = |t: &str, p: &str| {
            let allowed = match t.chars().count() {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            edits(t, p) <= allowed
        };
        (0..=phrase.len() - n).find(|&i| self.tokens.iter().enumerate().all(|(k, t)| close(t, &phrase[i + k]))).map(|i| phrase[i..i + n].join(" "))
    }

    fn matches(&self, phrase: &[String]) -> bool {
        let n = self.tokens.len();
        if n == 0 || phrase.len() < n {
            return false;
        }
        (0..=phrase.len() - n).any(|i| {
            self.tokens.iter().enumerate().all(|(k, t)| {
                let p = &phrase[i + k];
                if self.prefix && k == n - 1 {
                    p.starts_with(t.as_str())
                } else {
                    p == t
                }
            })
        })
    }
}


impl Default for CategoryRules {
    fn default() -> Self {
        CategoryRules::builtin()
    }
}

impl CategoryRules {
    /// The rules shipped in `rules/categories.yaml`.
    pub fn builtin() -> CategoryRules {
        let doc = YamlDoc::from_text(std::path::Path::new("rules/categories.yaml"), BUILTIN_FILE);
        parse_categories(&doc).unwrap_or_else(|e| panic!("built-in rules/categories.yaml is invalid: {e:?}"))
    }

    pub fn knows(&self, category: &str) -> bool {
        self.categories.iter().any(|c| c == category)
    }
}

/// Parse and validate a categories rules file; every problem is reported
/// at its line and column.
pub fn parse_categories(doc: &YamlDoc) -> Result<CategoryRules, Vec<Issue>> {
    let file: CategoriesFile = doc.parse().map_err(|i| vec![i])?;
    let mut issues = Vec::new();
    let mut categories: Vec<String> = BUILTIN_CATEGORIES.iter().map(|s| s.to_string()).collect();
    for (i, c) in file.categories.iter().enumerate() {
        if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_') {
            issues.push(
                doc.issue_at(&format!("categories[{i}]"), format!("category `{c}` must be lowercase letters, digits and underscores, e.g. `fuel_receipt`")),
            );
        } else if !categories.contains(c) {
            categories.push(c.clone());
        }
    }
    let known = |c: &str| categories.iter().any(|k| k == c);
    let list = categories.join(", ");
    let default = file.default.clone().unwrap_or_else(|| "other".to_string());
    if !known(&default) {
        issues.push(doc.issue_at("default", format!("unknown category `{default}`: declare it under `categories:` or use one of: {list}")));
    }
    let mut names = HashSet::new();
    let mut rules = Vec::new();
    for (i, r) in file.rules.iter().enumerate() {
        let at = |k: &str| format!("rules[{i}].{k}");
        if r.name.trim().is_empty() {
            issues.push(doc.issue_at(&at("name"), "a rule needs a name (it is shown in each document's history)"));
        } else if !names.insert(r.name.clone()) {
            issues.push(doc.issue_at(&at("name"), format!("duplicate rule name `{}`: give each rule its own name", r.name)));
        }
        if !known(&r.category) {
            issues.push(doc.issue_at(&at("category"), format!("unknown category `{}`: declare it under `categories:` or use one of: {list}", r.category)));
        }
        let mut keywords = |key: &str, v: &Option<Vec<String>>| -> Vec<Keyword> {
            let Some(v) = v else { return Vec::new() };
            if v.is_empty() {
                issues.push(doc.issue_at(&at(key), format!("empty keyword list: give at least one word or remove `{key}`")));
            }
            v.iter()
                .enumerate()
                .map(|(j, w)| {
                    let k = Keyword::new(w);
                    if k.tokens.is_empty() {
                        issues.push(doc.issue_at(&format!("rules[{i}].{key}[{j}]"), format!("keyword {w:?} has no letters or digits: write a word")));
                    }
                    k
                })
                .collect()
        };
        let any = keywords("any", &r.any);
        let all = keywords("all", &r.all);
        let none = keywords("none", &r.none);
        let exact = keywords("exact", &r.exact);
        let fuzzy = keywords("fuzzy", &r.fuzzy);
        let regex = match &r.regex {
            None => None,
            Some(src) if src.trim().is_empty() => {
                issues.push(doc.issue_at(&at("regex"), "empty regex: write a pattern or remove `regex`"));
                None
            }
            Some(src) => match compile_folded(src) {
                Ok(re) => Some(re),
                Err(e) => {
                    issues.push(doc.issue_at(
                        &at("regex"),
                        format!("invalid regex: {e}; fix the pattern (escape ( ) [ ] . * + ? with a backslash to match them literally)"),
                    ));
                    None
                }
            },
        };
        if r.any.is_none() && r.all.is_none() && r.exact.is_none() && r.fuzzy.is_none() && r.regex.is_none() && r.issuer.is_none() {
            issues.push(doc.issue_at(&format!("rules[{i}]"), format!("rule `{}` has nothing to match: add `any`, `all`, `exact`, `fuzzy`, `regex` or `issuer`", r.name)));
        }
        rules.push(CategoryRule {
            name: r.name.clone(),
            category: r.category.clone(),
            pages: r.pages,
            any,
            all,
            none,
            exact,
            fuzzy,
            regex,
            issuer_company: r.issuer == Some(IssuerSpec::Company),
        });
    }
    let mut classifier = ClassifierSettings::default();
    if let Some(c) = &file.classifier {
        classifier.enabled = c.enabled;
        if let Some(m) = c.min_confidence {
            if !(0.5..=1.0).contains(&m) {
                issues.push(doc.issue_at("classifier.min_confidence", format!("{m} is out of range: give a probability between 0.5 and 1.0, e.g. 0.9")));
            }
            classifier.min_confidence = m;
        }
        if let Some(n) = c.min_documents {
            if n == 0 {
                issues.push(doc.issue_at("classifier.min_documents", "0 documents: a category needs at least 1 validated document to be learned"));
            }
            classifier.min_documents = n;
        }
    }
    if issues.is_empty() {
        Ok(CategoryRules { categories, default, rules, classifier })
    } else {
        Err(issues)
    }
}

/// The regex parser's message without its ASCII-art pointer.
pub(crate) fn first_line(e: &dyn std::fmt::Display) -> String {
    let s = e.to_string();
    let last = s.lines().filter(|l| !l.trim().is_empty()).last().unwrap_or("").trim();
    last.trim_start_matches("error:").trim().to_string()
}

/// A pattern matched on folded text: accents and case folded out of the
/// pattern too (so it matches whatever the case printed), `^`/`$` at each
/// text block.
/// Checked now (syntax), compiled at first use: compiling every rule's
/// pattern at every start cost milliseconds per `extract`.
pub(crate) fn compile_folded(src: &str) -> Result<FoldedRegex, String> {
    // Folding only touches letters, never regex syntax (\D stays \D: the
    // escape is case-sensitive, so only fold what is not after a backslash).
    let mut pat = String::with_capacity(src.len());
    let mut escaped = false;
    for c in src.chars() {
        if escaped {
            pat.push(c);
            escaped = false;
        } else if c == '\\' {
            pat.push(c);
            escaped = true;
        } else if c.is_ascii() {
            pat.push(c.to_ascii_lowercase());
        } else {
            pat.push_str(&fold(&c.to_string()));
        }
    }
    // The text is folded to lower case, so the pattern is too: a Unicode
    // case-insensitive pattern is slow to compile.
    let pattern = format!("(?m){pat}");
    regex_syntax::ParserBuilder::new().build().parse(&pattern).map_err(|e| first_line(&e))?;
    Ok(FoldedRegex { pattern, compiled: std::sync::OnceLock::new() })
}

/// A rules file's pattern on folded text, compiled when first used.
#[derive(Debug, Clone)]
pub(crate) struct FoldedRegex {
    pattern: String,
    compiled: std::sync::OnceLock<Option<Regex>>,
}

impl FoldedRegex {
    pub fn find<'h>(&self, haystack: &'h str) -> Option<regex::Match<'h>> {
        // A pattern that parses but exceeds the compiler's size limit never matches.
        self.compiled.get_or_init(|| Regex::new(&self.pattern).ok()).as_ref()?.find(haystack)
    }
}

/// The text a rule reads: per page, each phrase's tokens and folded text.
pub(crate) struct CatText {
    pages: Vec<Vec<Vec<String>>>,
    folded: Vec<String>,
}

impl CatText {
    pub fn new(doc: &Doc) -> CatText {
        let mut pages = Vec::new();
        let mut folded = Vec::new();
        for p in &doc.pages {
            let mut phrases = Vec::new();
            let mut text = String::new();
            for l in &p.lines {
                for ph in &l.phrases {
                    phrases.push(ph.norm.split(' ').flat_map(|w| word_tokens(w).into_iter().map(|t| t.0)).collect());
                    text.push_str(&ph.norm);
                    text.push('\n');
                }
            }
            pages.push(phrases);
            folded.push(text);
        }
        CatText { pages, folded }
    }

    fn scope(&self, pages: Pages) -> usize {
        match pages {
            Pages::First => self.pages.len().min(1),
            Pages::All => self.pages.len(),
        }
    }

    fn phrases(&self, pages: Pages) -> impl Iterator<Item = &Vec<String>> {
        self.pages[..self.scope(pages)].iter().flatten()
    }

    fn has(&self, k: &Keyword, pages: Pages) -> bool {
        self.pages[..self.scope(pages)].iter().flatten().any(|ph| k.matches(ph))
    }
}

impl CategoryRule {
    /// Why this rule matches, or None.
    pub(crate) fn check(&self, text: &CatText, issuer_is_company: Option<&str>) -> Option<String> {
        let mut why = Vec::new();
        if self.issuer_company {
            why.push(format!("the issuer is the company ({})", issuer_is_company?));
        }
        if !self.any.is_empty() {
            let k = self.any.iter().find(|k| text.has(k, self.pages))?;
            why.push(format!("matched {:?}", k.text));
        }
        if !self.all.is_empty() {
            if !self.all.iter().all(|k| text.has(k, self.pages)) {
                return None;
            }
            why.push(format!("matched {}", self.all.iter().map(|k| format!("{:?}", k.text)).collect::<Vec<_>>().join(", ")));
        }
        if !self.exact.is_empty() {
            let k = self.exact.iter().find(|k| text.phrases(self.pages).any(|ph| k.is_phrase(ph)))?;
            why.push(format!("the phrase {:?} stands alone", k.text));
        }
        if !self.fuzzy.is_empty() {
            let (k, seen) = self.fuzzy.iter().find_map(|k| text.phrases(self.pages).find_map(|ph| k.fuzzy_match(ph)).map(|seen| (k, seen)))?;
            why.push(if k.tokens.join(" ") == seen { format!("matched {:?}", k.text) } else { format!("matched {:?} (read {seen:?})", k.text) });
        }
        if let Some(re) = &self.regex {
            let m = text.folded[..text.scope(self.pages)].iter().find_map(|t| re.find(t))?;
            why.push(format!("matched {:?}", m.as_str().trim()));
        }
        if let Some(k) = self.none.iter().find(|k| text.has(k, self.pages)) {
            let _ = k;
            return None;
        }
        Some(format!("rule {:?}: {}", self.name, why.join(" and ")))
    }
}

impl CategoryRules {
    /// The category and why, or None when no rule matched.
    pub(crate) fn decide(&self, doc: &Doc, issuer_is_company: Option<&str>) -> Option<(String, String)> {
        let text = CatText::new(doc);
        self.rules.iter().find_map(|r| r.check(&text, issuer_is_company).map(|why| (r.category.clone(), why)))
    }

    /// What no rule decided: the classifier's guess when it is confident
    /// enough and names a category these rules know, else the default.
    pub(crate) fn fallback(&self, guess: Option<super::classify::Guess>, trained_on: usize) -> (String, String) {
        let default = || (self.default.clone(), format!("no rule matched: default {:?}", self.default));
        let Some(g) = guess.filter(|_| self.classifier.enabled) else { return default() };
        let said = format!("classifier ({trained_on} validated documents): {} at {:.2}, on the words {}", g.category, g.confidence, g.words.iter().map(|w| format!("{w:?}")).collect::<Vec<_>>().join(", "));
        if g.confidence >= self.classifier.min_confidence && self.knows(&g.category) {
            (g.category, format!("no rule matched; {said}"))
        } else {
            let (c, why) = default();
            (c, format!("{why}; {said}, below {:.2}", self.classifier.min_confidence))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::pages_from_text;
    use super::*;
    use std::path::Path;

    fn rules(yaml: &str) -> Result<CategoryRules, Vec<Issue>> {
        parse_categories(&YamlDoc::from_text(Path::new("categories.yaml"), yaml))
    }

    fn decide(r: &CategoryRules, pages: &[&str]) -> (String, String) {
        r.decide(&Doc::build(&pages_from_text(pages)), None).unwrap_or_else(|| r.fallback(None, 0))
    }

    #[test]
    fn exact_phrases_and_fuzzy_words() {
        let r = rules(
            "categories: [delivery_note]\nrules:\n  - name: title\n    category: delivery_note\n    exact: [\"bon de livraison\"]\n  - name: ocr\n    category: purchase_invoice\n    fuzzy: [facture]\n",
        )
        .unwrap();
        assert_eq!(decide(&r, &["BON DE LIVRAISON\nN° 12"]).0, "delivery_note");
        // Inside a sentence it is not the document's title.
        assert_eq!(decide(&r, &["Voir le bon de livraison joint"]).0, "other");
        // An OCR misreading one letter of a 7-letter word.
        let (cat, why) = decide(&r, &["FACTIRE N° 12"]);
        assert_eq!(cat, "purchase_invoice");
        assert!(why.contains("(read \"factire\")"), "{why}");
        // Two letters off a 7-letter word is another word.
        assert_eq!(decide(&r, &["FACTORIE"]).0, "other");
        assert_eq!(edits("kitten", "sitting"), 3);
    }

    #[test]
    fn builtin_file_parses() {
        let r = CategoryRules::builtin();
        assert!(r.rules.len() >= 5);
        assert_eq!(r.default, "other");
    }

    #[test]
    fn credit_notes_win_over_invoice_words() {
        let r = CategoryRules::builtin();
        for (text, want) in [
            ("AVOIR N° AV-2026-004\nSur facture F-2026-001", "credit_note"),
            ("Facture d'avoir\nFacture n° 12", "credit_note"),
            ("CREDIT NOTE\nInvoice reference INV-77", "credit_note"),
            ("Gutschrift Nr. 4711\nzur Rechnung 4700", "credit_note"),
            ("Rechnungskorrektur\nRechnung 12", "credit_note"),
            ("Stornorechnung 2026-7", "credit_note"),
            ("FACTURE N° F-12\nTotal TTC 120,00", "purchase_invoice"),
            ("Invoice INV-1\nAmount due 10.00", "purchase_invoice"),
            ("Rechnung 12\nGesamtbetrag 10,00", "purchase_invoice"),
            ("Relevé de compte\nSolde au 31/01", "bank_statement"),
            ("Kontoauszug 1/2026", "bank_statement"),
            ("TICKET DE CAISSE\nTOTAL 12,00", "receipt"),
            ("Bonjour, voici le compte rendu de la réunion", "other"),
        ] {
            assert_eq!(decide(&r, &[text]).0, want, "{text}");
        }
    }

    #[test]
    fn reason_names_rule_and_words() {
        let r = CategoryRules::builtin();
        let (_, why) = decide(&r, &["AVOIR\nTotal 10,00"]);
        assert!(why.starts_with("rule \"credit-note-fr\": matched"), "{why}");
        assert!(why.contains("avoir"), "{why}");
        let (_, why) = decide(&r, &["nothing here"]);
        assert_eq!(why, "no rule matched: default \"other\"");
    }

    #[test]
    fn the_word_avoir_in_a_sentence_is_not_a_credit_note() {
        let r = CategoryRules::builtin();
        assert_eq!(decide(&r, &["FACTURE N° 12\nPour avoir droit à l'escompte, payez avant le 10"]).0, "purchase_invoice");
    }

    #[test]
    fn any_all_none_regex_pages_and_prefix() {
        let r = rules(
            "categories: [fuel_receipt]\nrules:\n  - name: fuel\n    category: fuel_receipt\n    all: [carburant, litres]\n    none: [facture]\n  - name: late\n    category: receipt\n    any: [\"quittung*\"]\n    pages: first\n  - name: re\n    category: other\n    regex: '^réf\\.? \\d+'\n",
        )
        .unwrap();
        assert_eq!(decide(&r, &["Carburant 40 litres"]).0, "fuel_receipt");
        assert_eq!(decide(&r, &["Carburant 40 litres", "Facture"]).0, "other");
        assert_eq!(decide(&r, &["x", "Quittungsbeleg"]).0, "other", "pages: first");
        assert_eq!(decide(&r, &["Quittungsbeleg"]).0, "receipt");
        let (c, why) = decide(&r, &["REF 12"]);
        assert_eq!((c.as_str(), why.as_str()), ("other", "rule \"re\": matched \"ref 12\""));
    }

    #[test]
    fn issuer_company_rule() {
        let r = CategoryRules::builtin();
        let doc = Doc::build(&pages_from_text(&["FACTURE N° 1"]));
        assert_eq!(r.decide(&doc, Some("VAT id FR11123456782")).unwrap().0, "sales_invoice");
        assert_eq!(r.decide(&doc, None).unwrap().0, "purchase_invoice");
    }

    #[test]
    fn validation_reports_positions() {
        let e = rules("rules:\n  - name: a\n    category: nope\n    any: [x]\n  - name: a\n    category: other\n    regex: '(unclosed'\n  - name: c\n    category: other\n    any: []\n  - name: d\n    category: other\n").unwrap_err();
        let msgs: Vec<String> = e.iter().map(|i| i.to_string()).collect();
        assert!(msgs.iter().any(|m| m.starts_with("categories.yaml:3:5: unknown category `nope`")), "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.starts_with("categories.yaml:5:5: duplicate rule name")), "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.starts_with("categories.yaml:7:5: invalid regex")), "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.starts_with("categories.yaml:10:5: empty keyword list")), "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.starts_with("categories.yaml:11:3: rule `d` has nothing to match")), "{msgs:#?}");
        let e = rules("rules:\n  - name: a\n    category: other\n    anyy: [x]\n").unwrap_err();
        assert!(e[0].to_string().contains("unknown field `anyy`"), "{}", e[0]);
        assert_eq!((e[0].line, e[0].col), (4, 5));
    }
}
