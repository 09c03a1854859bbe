//! Customer pages: the chat (alone or framed by the widget on the business's website) and the
//! page where a customer manages a booking with the token from their confirmation.

use actix_web::{HttpResponse, web};

use super::{Framing, html};
use crate::api::AppState;
use crate::api::error::ApiError;
use crate::html::escape;
use crate::storage::businesses;

const CHAT_PAGE: &str = include_str!("../../static/chat/chat.html");
const MANAGE_PAGE: &str = include_str!("../../static/manage/manage.html");
const INDEX_PAGE: &str = include_str!("../../static/index.html");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").get(|| async { html(INDEX_PAGE, Framing::Deny) }))
        .service(web::resource("/b/{slug}/chat").get(chat_page))
        .service(web::resource("/b/{slug}/manage/{booking}").get(manage_page));
}

async fn chat_page(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let slug = path.into_inner();
    let name = business_name(&state, slug.clone()).await?;
    let page = CHAT_PAGE
        .replace("{{slug}}", &escape(&slug))
        .replace("{{name}}", &escape(&name));
    Ok(html(page, Framing::Anywhere))
}

async fn manage_page(
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (slug, booking) = path.into_inner();
    business_name(&state, slug.clone()).await?;
    let page = MANAGE_PAGE
        .replace("{{slug}}", &escape(&slug))
        .replace("{{booking}}", &escape(&booking));
    Ok(html(page, Framing::Deny))
}

async fn business_name(state: &AppState, slug: String) -> Result<String, ApiError> {
    state
        .db
        .read(move |conn| {
            businesses::by_slug(conn, &slug)?
                .map(|b| b.name)
                .ok_or_else(|| ApiError::not_found("business"))
        })
        .await
}
