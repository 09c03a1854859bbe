//! The business's standard questions to customers (business API key).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Owner, PathId};
use crate::setup::{self, QuestionInput};
use crate::storage::models::CustomerQuestion;
use crate::storage::questions;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionBody {
    pub prompt_en: Option<String>,
    /// Defaults to the English prompt.
    pub prompt_de: Option<String>,
    /// `text` (default) or `yes_no`.
    pub kind: Option<String>,
    pub active: Option<bool>,
    pub position: Option<i32>,
}

impl From<QuestionBody> for QuestionInput {
    fn from(b: QuestionBody) -> Self {
        Self {
            prompt_en: b.prompt_en,
            prompt_de: b.prompt_de,
            kind: b.kind,
            active: b.active,
            position: b.position,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuestionView {
    pub id: String,
    pub prompt_en: String,
    pub prompt_de: String,
    pub kind: String,
    pub active: bool,
    pub position: i32,
}

impl From<&CustomerQuestion> for QuestionView {
    fn from(q: &CustomerQuestion) -> Self {
        Self {
            id: q.id.clone(),
            prompt_en: q.prompt_en.clone(),
            prompt_de: q.prompt_de.clone(),
            kind: q.kind.clone(),
            active: q.active != 0,
            position: q.position,
        }
    }
}

/// Adds a question the chat asks every new customer before confirming.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/questions", tag = "chat", operation_id = "questions_create",
    params(("slug" = String, Path)), request_body = QuestionBody,
    responses((status = 201, body = QuestionView), (status = 422, body = ErrorBody)))]
pub async fn create(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<QuestionBody>,
) -> Result<HttpResponse, ApiError> {
    let question = owner
        .write(&state, move |conn, business, now| {
            setup::add_question(conn, business, body.into(), now)
        })
        .await?;
    Ok(HttpResponse::Created().json(QuestionView::from(&question)))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/questions", tag = "chat", operation_id = "questions_list",
    params(("slug" = String, Path)), responses((status = 200, body = Vec<QuestionView>)))]
pub async fn list(owner: Owner, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let id = owner.business.id;
    let all = state
        .db
        .read(move |conn| questions::all_of(conn, &id))
        .await?;
    Ok(HttpResponse::Ok().json(all.iter().map(QuestionView::from).collect::<Vec<_>>()))
}

#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/questions/{id}", tag = "chat", operation_id = "questions_update",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = QuestionBody,
    responses((status = 200, body = QuestionView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<QuestionBody>,
) -> Result<HttpResponse, ApiError> {
    let question = owner
        .write(&state, move |conn, business, now| {
            setup::update_question(conn, business, &id, body.into(), now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(QuestionView::from(&question)))
}

/// Stops asking the question; answers already given stay.
#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/questions/{id}", tag = "chat", operation_id = "questions_delete",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    owner.remove(&state, id, setup::remove_question).await
}
