//! The business's own questions and answers (business API key or owner session).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Owner, PathId};
use crate::setup::{self, FaqInput};
use crate::storage::faq;
use crate::storage::models::{FaqRow, FaqTranslation};

/// One language of an entry.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqTranslationBody {
    /// A language Chairside speaks: `en`, `de`, `es`.
    pub locale: String,
    /// Ways customers ask it (1–12); customers' other phrasings are matched by meaning.
    pub examples: Vec<String>,
    /// The answer, shown as plain text.
    pub answer: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqBody {
    /// Every language of the entry; replaces the ones stored.
    pub translations: Option<Vec<FaqTranslationBody>>,
    pub position: Option<i32>,
}

impl From<FaqBody> for FaqInput {
    fn from(b: FaqBody) -> Self {
        Self {
            translations: b.translations.map(|ts| {
                ts.into_iter()
                    .map(|t| FaqTranslation {
                        locale: t.locale,
                        examples: t.examples,
                        answer: t.answer,
                    })
                    .collect()
            }),
            position: b.position,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FaqView {
    pub id: String,
    pub position: i32,
    pub translations: Vec<FaqTranslationBody>,
}

impl TryFrom<&FaqRow> for FaqView {
    type Error = ApiError;

    fn try_from(row: &FaqRow) -> Result<Self, ApiError> {
        let translations = row.translations.decode("translations", &row.id)?;
        Ok(Self {
            id: row.id.clone(),
            position: row.position,
            translations: translations
                .into_iter()
                .map(|t| FaqTranslationBody {
                    locale: t.locale,
                    examples: t.examples,
                    answer: t.answer,
                })
                .collect(),
        })
    }
}

/// Adds a question and its answer; the chat answers it from then on.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/faq", tag = "chat", operation_id = "faq_create",
    params(("slug" = String, Path)), request_body = FaqBody,
    responses((status = 201, body = FaqView), (status = 422, body = ErrorBody)))]
pub async fn create(
    owner: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<FaqBody>,
) -> Result<HttpResponse, ApiError> {
    let entry = owner
        .write(&state, move |conn, business, now| {
            setup::add_entry(conn, business, body.into(), now)
        })
        .await?;
    Ok(HttpResponse::Created().json(FaqView::try_from(&entry)?))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/faq", tag = "chat", operation_id = "faq_list",
    params(("slug" = String, Path)), responses((status = 200, body = Vec<FaqView>)))]
pub async fn list(owner: Owner, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let id = owner.business.id;
    let all = state.db.read(move |conn| faq::all_of(conn, &id)).await?;
    let views = all
        .iter()
        .map(FaqView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(views))
}

#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/faq/{id}", tag = "chat", operation_id = "faq_update",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = FaqBody,
    responses((status = 200, body = FaqView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<FaqBody>,
) -> Result<HttpResponse, ApiError> {
    let entry = owner
        .write(&state, move |conn, business, now| {
            setup::update_entry(conn, business, &id, body.into(), now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FaqView::try_from(&entry)?))
}

#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/faq/{id}", tag = "chat", operation_id = "faq_delete",
    params(("slug" = String, Path), ("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    owner: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    owner.remove(&state, id, setup::delete_entry).await
}
