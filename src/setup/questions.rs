//! The business's own questions to customers ("Are you a new patient?").

use chrono::NaiveDateTime;

use crate::domain::{ValidationError, required_text};
use crate::error::AppError;
use crate::storage::models::CustomerQuestion;
use crate::storage::{DbConnection, businesses, new_id, questions};

/// What a client may set on a question; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct QuestionInput {
    pub prompt_en: Option<String>,
    pub prompt_de: Option<String>,
    pub kind: Option<String>,
    pub active: Option<bool>,
    pub position: Option<i32>,
}

fn checked_kind(kind: &str) -> Result<String, ValidationError> {
    match kind {
        "text" | "yes_no" => Ok(kind.to_owned()),
        other => Err(ValidationError::new(
            "kind",
            format!("{other:?} is not one of: text, yes_no"),
        )),
    }
}

pub fn add_question(
    conn: &mut DbConnection,
    business_id: &str,
    input: QuestionInput,
    now: NaiveDateTime,
) -> Result<CustomerQuestion, AppError> {
    let prompt_en = required_text(
        "prompt_en",
        input.prompt_en.as_deref().unwrap_or_default(),
        300,
    )?;
    // A German prompt is optional; the English one stands in.
    let prompt_de = match input
        .prompt_de
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => required_text("prompt_de", p, 300)?,
        None => prompt_en.clone(),
    };
    let position = match input.position {
        Some(p) => p,
        None => questions::all_of(conn, business_id)?.len() as i32,
    };
    let question = CustomerQuestion {
        id: new_id(),
        business_id: business_id.to_owned(),
        position,
        prompt_en,
        prompt_de,
        kind: checked_kind(input.kind.as_deref().unwrap_or("text"))?,
        active: i32::from(input.active.unwrap_or(true)),
        created_at: now,
        updated_at: now,
    };
    questions::insert(conn, &question)?;
    businesses::touch_calendar(conn, business_id, now)?;
    Ok(question)
}

pub fn update_question(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
    input: QuestionInput,
    now: NaiveDateTime,
) -> Result<CustomerQuestion, AppError> {
    let mut question =
        questions::find(conn, business_id, id)?.ok_or(AppError::NotFound("question"))?;
    if let Some(prompt) = &input.prompt_en {
        question.prompt_en = required_text("prompt_en", prompt, 300)?;
    }
    if let Some(prompt) = &input.prompt_de {
        question.prompt_de = required_text("prompt_de", prompt, 300)?;
    }
    if let Some(kind) = &input.kind {
        question.kind = checked_kind(kind)?;
    }
    if let Some(active) = input.active {
        question.active = i32::from(active);
    }
    if let Some(position) = input.position {
        question.position = position;
    }
    question.updated_at = now;
    questions::save(conn, &question)?;
    Ok(question)
}

/// Stops asking a question; answers already given stay with their bookings.
pub fn remove_question(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let input = QuestionInput {
        active: Some(false),
        ..Default::default()
    };
    update_question(conn, business_id, id, input, now).map(|_| ())
}
