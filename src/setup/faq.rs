//! The business's own questions and answers ("Is there parking?"), as owners write them.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use crate::domain::{ValidationError, required_text};
use crate::error::AppError;
use crate::languages::Locale;
use crate::storage::json_text::JsonText;
use crate::storage::models::{FaqRow, FaqTranslation};
use crate::storage::{DbConnection, businesses, faq, new_id};

/// More entries than an owner maintains by hand; past this a list is a mistake or an attack.
pub const MAX_ENTRIES: usize = 200;
const MAX_EXAMPLES: usize = 12;
const MAX_EXAMPLE_CHARS: usize = 300;
const MAX_ANSWER_CHARS: usize = 1000;

/// What a client may set on an entry; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct FaqInput {
    pub translations: Option<Vec<FaqTranslation>>,
    pub position: Option<i32>,
}

/// Each language once, one Chairside speaks, with at least one way of asking and an answer.
/// Answers are kept as written: every page and message shows them as text, never as markup.
fn checked(translations: &[FaqTranslation]) -> Result<Vec<FaqTranslation>, ValidationError> {
    if translations.is_empty() {
        return Err(ValidationError::new(
            "translations",
            "give at least one language with examples and an answer",
        ));
    }
    let mut seen = HashSet::new();
    translations
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let field = |name: &str| format!("translations[{i}].{name}");
            let locale = Locale::parse(&field("locale"), &t.locale)?;
            if !seen.insert(locale) {
                return Err(ValidationError::new(
                    field("locale"),
                    format!("{:?} is given twice", locale.as_str()),
                ));
            }
            if t.examples.is_empty() || t.examples.len() > MAX_EXAMPLES {
                return Err(ValidationError::new(
                    field("examples"),
                    format!("give 1 to {MAX_EXAMPLES} ways customers ask this"),
                ));
            }
            let examples = t
                .examples
                .iter()
                .enumerate()
                .map(|(j, e)| {
                    required_text(&format!("{}[{j}]", field("examples")), e, MAX_EXAMPLE_CHARS)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(FaqTranslation {
                locale: locale.as_str().to_owned(),
                examples,
                answer: required_text(&field("answer"), &t.answer, MAX_ANSWER_CHARS)?,
            })
        })
        .collect()
}

pub fn add_entry(
    conn: &mut DbConnection,
    business_id: &str,
    input: FaqInput,
    now: NaiveDateTime,
) -> Result<FaqRow, AppError> {
    let existing = faq::all_of(conn, business_id)?.len();
    if existing >= MAX_ENTRIES {
        return Err(ValidationError::new(
            "translations",
            format!("a business keeps at most {MAX_ENTRIES} FAQ entries"),
        )
        .into());
    }
    let translations = checked(input.translations.as_deref().unwrap_or_default())?;
    let entry = FaqRow {
        id: new_id(),
        business_id: business_id.to_owned(),
        position: input.position.unwrap_or(existing as i32),
        translations: JsonText::encode(&translations)?,
        created_at: now,
        updated_at: now,
    };
    faq::insert(conn, &entry)?;
    businesses::touch_calendar(conn, business_id, now)?;
    Ok(entry)
}

pub fn update_entry(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
    input: FaqInput,
    now: NaiveDateTime,
) -> Result<FaqRow, AppError> {
    let mut entry = faq::find(conn, business_id, id)?.ok_or(AppError::NotFound("FAQ entry"))?;
    if let Some(translations) = &input.translations {
        entry.translations = JsonText::encode(&checked(translations)?)?;
    }
    if let Some(position) = input.position {
        entry.position = position;
    }
    entry.updated_at = now;
    faq::save(conn, &entry)?;
    businesses::touch_calendar(conn, business_id, now)?;
    Ok(entry)
}

pub fn delete_entry(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if !faq::delete(conn, business_id, id)? {
        return Err(AppError::NotFound("FAQ entry"));
    }
    businesses::touch_calendar(conn, business_id, now)?;
    Ok(())
}
