//! The business's FAQ as the chat uses it: prepared for matching once per configuration
//! version (it is cached with the calendar), and each entry's answer per language.

use crate::languages::Locale;
use crate::storage::models::FaqRow;
use crate::storage::{DbConnection, StorageResult, faq};
use crate::understanding::{FaqExamples, FaqIndex};

/// One entry's answers, by language.
#[derive(Debug, Clone)]
pub struct FaqAnswers {
    pub id: String,
    pub answers: Vec<(Locale, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Faq {
    pub entries: Vec<FaqAnswers>,
    pub index: FaqIndex,
}

impl Faq {
    pub fn load(conn: &mut DbConnection, business_id: &str) -> StorageResult<Self> {
        let rows = faq::all_of(conn, business_id)?;
        Self::from_rows(&rows)
    }

    fn from_rows(rows: &[FaqRow]) -> StorageResult<Self> {
        let mut entries = Vec::with_capacity(rows.len());
        let mut examples = Vec::with_capacity(rows.len());
        for row in rows {
            let translations = row.translations.decode("translations", &row.id)?;
            // A language Chairside no longer speaks is skipped, not an error: the rest still work.
            let answers = translations
                .iter()
                .filter_map(|t| Some((Locale::from_tag(&t.locale)?, t.answer.clone())))
                .collect();
            entries.push(FaqAnswers {
                id: row.id.clone(),
                answers,
            });
            examples.push(FaqExamples {
                id: row.id.clone(),
                examples: translations.into_iter().flat_map(|t| t.examples).collect(),
            });
        }
        Ok(Self {
            entries,
            index: FaqIndex::new(&examples),
        })
    }

    /// The answer of entry `id` in `locale`, else in `fallback` (the business's language), else
    /// in the first language it was written in.
    pub fn answer(&self, id: &str, locale: Locale, fallback: Locale) -> Option<&str> {
        let entry = self.entries.iter().find(|e| e.id == id)?;
        let find = |wanted: Locale| {
            entry
                .answers
                .iter()
                .find(|(l, _)| *l == wanted)
                .map(|(_, a)| a.as_str())
        };
        find(locale)
            .or_else(|| find(fallback))
            .or_else(|| entry.answers.first().map(|(_, a)| a.as_str()))
    }
}
