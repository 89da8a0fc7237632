//! What the classifier learns from: the documents whose category is
//! validated, with the words they were classified on.

use anyhow::Result;

use super::Store;
use crate::recognize::classify::Example;

/// Validated documents the classifier learns from, most recent first.
const TRAINING_LIMIT: i64 = 5000;

impl Store {
    /// Validated documents: a person set the category or approved the
    /// document in review, or a category rule decided it and the document
    /// passed every control and was posted. A guess of the classifier
    /// itself teaches nothing until a person confirms it. Documents a
    /// reviewer split are left out (their parts count). The most recent
    /// `TRAINING_LIMIT` only: retraining runs after each review decision on
    /// the store's thread, and recent documents say best what arrives now.
    pub fn training_examples(&self) -> Result<Vec<Example>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.category, w.words FROM documents d JOIN document_words w ON w.document_id = d.id
             WHERE d.state <> 'split' AND (
                 d.category_reason LIKE 'set by % in review'
                 OR EXISTS (SELECT 1 FROM events e WHERE e.document_id = d.id AND e.kind = 'approved')
                 OR (d.state = 'posted' AND d.category_reason NOT LIKE 'no rule matched%'))
             ORDER BY d.id DESC LIMIT ?",
        )?;
        let rows = stmt.query_map([TRAINING_LIMIT], |r| {
            let words: String = r.get(1)?;
            Ok(Example { category: r.get(0)?, words: words.split(' ').filter(|w| !w.is_empty()).map(String::from).collect() })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
