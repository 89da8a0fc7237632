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

const ORDER: [&str; 4] = ["extract", "categorize", "recognize", "post"];

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
