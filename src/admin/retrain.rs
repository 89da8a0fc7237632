//! Retraining the fallback classifier from the validated documents: at
//! daemon start and reload, after each review decision, by the `retrain`
//! schedule job and `paperledger retrain`. Training is cheap (counting
//! words), so it is redone whole each time rather than updated.

use anyhow::Result;
use serde_json::{json, Value};

use crate::pipeline::Site;
use crate::recognize::classify;
use crate::store::Store;

/// Train on the store's validated documents and install the model in the
/// site's slot; say what was learned, or why nothing was.
pub fn retrain(store: &Store, site: &Site) -> Result<Value> {
    train_site(site, || store.training_examples())
}

/// Train the site's classifier on the examples `examples` gives (read only
/// when the classifier is enabled).
pub fn train_site(site: &Site, examples: impl FnOnce() -> Result<Vec<classify::Example>>) -> Result<Value> {
    let Some(settings) = site.inboxes.iter().find_map(|rt| rt.pipeline.recognizer.as_ref()).map(|r| r.category_rules().classifier.clone()) else {
        return Ok(json!({"retrained": false, "reason": "no pipeline recognizes documents"}));
    };
    if !settings.enabled {
        classify::install(&site.classifier, None);
        return Ok(json!({"retrained": false, "reason": "the classifier is disabled in the categories rules (classifier.enabled: false)"}));
    }
    let examples = examples()?;
    match classify::train(&examples, settings.min_documents) {
        Ok(model) => {
            let categories: serde_json::Map<String, Value> = model.categories().into_iter().map(|(c, n)| (c, json!(n))).collect();
            let out = json!({"retrained": true, "documents": model.trained_on, "categories": categories});
            tracing::info!(documents = model.trained_on, "classifier retrained");
            classify::install(&site.classifier, Some(model));
            Ok(out)
        }
        Err(reason) => {
            // An older model stays: fewer examples now means documents were voided, not that it learned wrong.
            Ok(json!({"retrained": false, "reason": reason, "kept_previous": classify::current(&site.classifier).is_some()}))
        }
    }
}

/// The result as a line for people.
pub fn describe(v: &Value) -> String {
    if v["retrained"].as_bool() == Some(true) {
        let cats = v["categories"].as_object().map(|m| m.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", ")).unwrap_or_default();
        format!("classifier retrained on {} validated documents ({cats})\n", v["documents"])
    } else {
        format!("classifier not retrained: {}\n", v["reason"].as_str().unwrap_or("?"))
    }
}
