//! `pipelines/NAME.yaml`: the ordered stages a document goes through.

use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::config::{Issue, YamlDoc};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineFile {
    /// Must match the file name (`purchase-invoices.yaml` → `purchase-invoices`).
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub stages: Vec<StageSpec>,
}

/// One stage; written as `- extract: {}`, `- categorize: {rules: categories.yaml}`, …
#[derive(Debug, Clone)]
pub enum StageSpec {
    Extract(ExtractStage),
    Split(SplitStage),
    Categorize(CategorizeStage),
    Recognize(RecognizeStage),
    Post(PostStage),
}

// A single-key map `NAME: {settings}`; parsed by hand because the YAML
// library reads externally tagged enums only from `!tags`, which admins
// should not have to write.
impl<'de> Deserialize<'de> for StageSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let map = serde_yaml::Mapping::deserialize(d)?;
        if map.len() != 1 {
            return Err(D::Error::custom(format!(
                "a stage is one `NAME: {{settings}}` entry, found {} keys; the stages are {}",
                map.len(),
                ORDER.join(", ")
            )));
        }
        let (k, v) = map.into_iter().next().expect("one entry");
        let name = k.as_str().ok_or_else(|| D::Error::custom("a stage name must be text"))?.to_string();
        // `- extract:` with nothing after it means default settings.
        let v = if v.is_null() { serde_yaml::Value::Mapping(Default::default()) } else { v };
        let bad = |e: serde_yaml::Error| D::Error::custom(format!("{name}: {e}"));
        Ok(match name.as_str() {
            "extract" => StageSpec::Extract(serde_yaml::from_value(v).map_err(bad)?),
            "split" => StageSpec::Split(serde_yaml::from_value(v).map_err(bad)?),
            "categorize" => StageSpec::Categorize(serde_yaml::from_value(v).map_err(bad)?),
            "recognize" => StageSpec::Recognize(serde_yaml::from_value(v).map_err(bad)?),
            "post" => StageSpec::Post(serde_yaml::from_value(v).map_err(bad)?),
            other => {
                return Err(D::Error::custom(format!("unknown stage `{other}`: the stages are {}", ORDER.join(", "))))
            }
        })
    }
}

impl StageSpec {
    pub fn name(&self) -> &'static str {
        match self {
            StageSpec::Extract(_) => "extract",
            StageSpec::Split(_) => "split",
            StageSpec::Categorize(_) => "categorize",
            StageSpec::Recognize(_) => "recognize",
            StageSpec::Post(_) => "post",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractStage {
    /// A page with fewer characters than this has no usable text layer.
    #[serde(default = "default_min_chars")]
    pub min_chars_per_page: usize,
    /// OCR of those pages (scans) and of image files.
    #[serde(default)]
    pub ocr: OcrStage,
}

impl Default for ExtractStage {
    fn default() -> Self {
        ExtractStage { min_chars_per_page: default_min_chars(), ocr: OcrStage::default() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcrStage {
    /// Tesseract languages, `+`-separated, e.g. `fra+eng` (installed ones are used).
    #[serde(default = "default_ocr_languages")]
    pub languages: String,
    /// Rendering resolution of scanned pages.
    #[serde(default = "default_ocr_dpi")]
    pub dpi: u32,
    /// A page still being read after this many seconds is abandoned (the file fails with the reason).
    #[serde(default = "default_ocr_timeout")]
    pub page_timeout_secs: u64,
}

impl Default for OcrStage {
    fn default() -> Self {
        OcrStage { languages: default_ocr_languages(), dpi: default_ocr_dpi(), page_timeout_secs: default_ocr_timeout() }
    }
}

impl ExtractStage {
    pub fn ocr_settings(&self) -> crate::capture::ocr::OcrSettings {
        crate::capture::ocr::OcrSettings {
            languages: self.ocr.languages.clone(),
            dpi: self.ocr.dpi,
            page_timeout: std::time::Duration::from_secs(self.ocr.page_timeout_secs),
            ..Default::default()
        }
    }
}

fn default_ocr_languages() -> String { "fra+deu+eng".into() }
fn default_ocr_dpi() -> u32 { 300 }
fn default_ocr_timeout() -> u64 { 60 }

/// `split`: where one scanned file holds several documents.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitStage {
    #[serde(default)]
    pub separators: SeparatorSheets,
    /// Cut every N pages (inside what separator sheets delimit); 0 = off.
    #[serde(default)]
    pub every_pages: u32,
    /// Cut where the content says a new document starts: a "page 1/N"
    /// restart, another issuer (VAT id, SIREN/SIRET, IBAN), a new heading.
    #[serde(default = "yes")]
    pub auto: bool,
    /// Collate a fronts file and a backs file of the inbox into one.
    #[serde(default)]
    pub duplex: Option<DuplexStage>,
}

/// Duplex by two passes: `NAME_front.pdf` + `NAME_back.pdf` → `NAME.duplex.pdf`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplexStage {
    /// File name ending (before `.pdf`) of the front sides.
    #[serde(default = "default_fronts")]
    pub fronts_suffix: String,
    /// File name ending of the back sides.
    #[serde(default = "default_backs")]
    pub backs_suffix: String,
    /// The turned-over stack is scanned last page first.
    #[serde(default = "yes")]
    pub backs_reversed: bool,
    /// A half whose partner has not arrived after this long is processed alone.
    #[serde(default = "default_duplex_wait")]
    pub wait_secs: u64,
}

impl Default for DuplexStage {
    fn default() -> Self {
        DuplexStage { fronts_suffix: default_fronts(), backs_suffix: default_backs(), backs_reversed: true, wait_secs: default_duplex_wait() }
    }
}

fn default_fronts() -> String { "_front".into() }
fn default_backs() -> String { "_back".into() }
fn default_duplex_wait() -> u64 { 900 }

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeparatorSheets {
    /// A blank page separates documents (scanner specks tolerated).
    #[serde(default = "yes")]
    pub blank: bool,
    /// Ink below this share of the page, in percent, is a blank page.
    #[serde(default = "default_max_ink")]
    pub max_ink_percent: f32,
    /// Barcode / QR value of separator sheets (`null`: none); the value
    /// followed by `:category` also names the next document's category.
    #[serde(default = "default_barcode")]
    pub barcode: Option<String>,
}

impl Default for SeparatorSheets {
    fn default() -> Self {
        SeparatorSheets { blank: true, max_ink_percent: default_max_ink(), barcode: default_barcode() }
    }
}

impl Default for SplitStage {
    fn default() -> Self {
        SplitStage { separators: SeparatorSheets::default(), every_pages: 0, auto: true, duplex: None }
    }
}

impl SplitStage {
    /// The split settings for one file; `collated`: a duplex pair's collated file.
    pub fn settings(&self, collated: bool) -> crate::split::SplitSettings {
        crate::split::SplitSettings {
            blank_separators: self.separators.blank,
            max_ink_percent: self.separators.max_ink_percent,
            barcode: self.separators.barcode.clone(),
            every_pages: self.every_pages,
            auto: self.auto && self.every_pages == 0,
            duplex: collated,
        }
    }
}

fn yes() -> bool { true }
fn default_max_ink() -> f32 { 0.3 }
fn default_barcode() -> Option<String> { Some("PATCHT".into()) }

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorizeStage {
    /// Categorization rules file, in the rules folder.
    #[serde(default = "default_categories")]
    pub rules: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecognizeStage {
    /// Recognized marks file, in the rules folder.
    #[serde(default = "default_marks")]
    pub marks: PathBuf,
    /// Accepted rounding difference in the controls (net + VAT = gross, base × rate = VAT).
    #[serde(default = "default_tolerance", with = "rust_decimal::serde::str")]
    pub amount_tolerance: Decimal,
    /// A field recognized with less confidence sends the document to review.
    #[serde(default = "default_min_confidence")]
    pub min_confidence: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostStage {
    /// Categories this pipeline posts; a document of another category waits for review.
    #[serde(default = "default_post_categories")]
    pub categories: Vec<String>,
}

fn default_min_chars() -> usize { 20 }
fn default_categories() -> PathBuf { PathBuf::from("categories.yaml") }
fn default_marks() -> PathBuf { PathBuf::from("marks.yaml") }
fn default_tolerance() -> Decimal { Decimal::new(2, 2) }
fn default_min_confidence() -> f32 { 0.5 }
fn default_post_categories() -> Vec<String> {
    vec!["purchase_invoice".into(), "credit_note".into(), "sales_invoice".into()]
}

const ORDER: [&str; 5] = ["extract", "split", "categorize", "recognize", "post"];

impl PipelineFile {
    /// Stage order and settings; problems located in the pipeline file.
    pub fn validate(&self, doc: &YamlDoc, expected_name: &str) -> Vec<Issue> {
        let mut issues = Vec::new();
        if self.name != expected_name {
            issues.push(doc.issue_at("name", format!("the pipeline is named `{}` but its file is `{expected_name}.yaml`: make them the same", self.name)));
        }
        if self.stages.is_empty() {
            issues.push(doc.issue_at("stages", "no stage: list at least `- extract: {}`"));
        }
        let mut last = None;
        for (i, st) in self.stages.iter().enumerate() {
            let pos = ORDER.iter().position(|n| *n == st.name()).unwrap_or(0);
            if let Some(prev) = last {
                if pos <= prev {
                    issues.push(doc.issue_at(&format!("stages[{i}]"), format!(
                        "stage `{}` is out of order or repeated: stages run in the order {}",
                        st.name(), ORDER.join(" → ")
                    )));
                }
            } else if st.name() != "extract" {
                issues.push(doc.issue_at(&format!("stages[{i}]"), "the first stage must be `extract`: nothing else works without the document's text"));
            }
            last = Some(pos);
            match st {
                StageSpec::Extract(e) => {
                    let o = &e.ocr;
                    let bad_lang = o.languages.split('+').any(|l| l.is_empty() || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                    if bad_lang {
                        issues.push(doc.issue_at(&format!("stages[{i}].extract.ocr.languages"), format!("`{}` is not a tesseract language list: write codes joined by +, e.g. fra+deu+eng", o.languages)));
                    }
                    if !(70..=600).contains(&o.dpi) {
                        issues.push(doc.issue_at(&format!("stages[{i}].extract.ocr.dpi"), "must be between 70 and 600 (300 suits invoices)"));
                    }
                    if o.page_timeout_secs == 0 {
                        issues.push(doc.issue_at(&format!("stages[{i}].extract.ocr.page_timeout_secs"), "must be at least 1 second"));
                    }
                }
                StageSpec::Split(sp) => {
                    let at = |k: &str| format!("stages[{i}].split.{k}");
                    if !(0.0..=20.0).contains(&sp.separators.max_ink_percent) {
                        issues.push(doc.issue_at(&at("separators.max_ink_percent"), "must be between 0 and 20 (percent of the page; 0.3 tolerates scanner specks)"));
                    }
                    if sp.separators.barcode.as_deref().is_some_and(|b| b.trim().is_empty() || b.contains(':')) {
                        issues.push(doc.issue_at(&at("separators.barcode"), "write the separator sheets' value, e.g. PATCHT (without `:category`), or null for none"));
                    }
                    if let Some(d) = &sp.duplex {
                        let bad = |v: &str| v.is_empty() || v.contains(['/', '.']);
                        if bad(&d.fronts_suffix) || bad(&d.backs_suffix) || d.fronts_suffix.eq_ignore_ascii_case(&d.backs_suffix) {
                            issues.push(doc.issue_at(&at("duplex"), "fronts_suffix and backs_suffix must be two different name endings without `/` or `.`, e.g. _front and _back"));
                        }
                    }
                    if sp.every_pages > 0 && sp.auto {
                        issues.push(doc.issue_at(&at("every_pages"), "cutting every N pages and automatic splitting exclude each other: set `auto: false` or `every_pages: 0`"));
                    }
                }
                StageSpec::Recognize(r) => {
                    if !(0.0..=1.0).contains(&r.min_confidence) {
                        issues.push(doc.issue_at(&format!("stages[{i}].recognize.min_confidence"), "must be between 0 and 1"));
                    }
                    if r.amount_tolerance < Decimal::ZERO {
                        issues.push(doc.issue_at(&format!("stages[{i}].recognize.amount_tolerance"), "must not be negative"));
                    }
                }
                StageSpec::Post(p) if p.categories.is_empty() => {
                    issues.push(doc.issue_at(&format!("stages[{i}].post.categories"), "empty: list the categories this pipeline posts, e.g. [purchase_invoice, credit_note]"));
                }
                _ => {}
            }
        }
        let has = |n: &str| self.stages.iter().any(|s| s.name() == n);
        if has("post") && !has("recognize") {
            issues.push(doc.issue_at("stages", "`post` needs a `recognize` stage before it"));
        }
        issues
    }

    pub fn stage<T>(&self, pick: impl Fn(&StageSpec) -> Option<&T>) -> Option<&T> {
        self.stages.iter().find_map(pick)
    }
}
