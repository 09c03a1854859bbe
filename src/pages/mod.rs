//! Customer-facing pages: the chat (alone or embedded by the widget), the page where a
//! customer manages a booking, and the files they load. Everything is compiled into the binary,
//! so `chairside` serves its pages from any working directory with no build step.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::api::AppState;
use crate::api::error::ApiError;
use crate::storage::businesses;

/// (URL path under /static/, content type, contents)
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "chat/chat.css",
        "text/css; charset=utf-8",
        include_str!("../../static/chat/chat.css"),
    ),
    (
        "chat/chat.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/chat/chat.js"),
    ),
    (
        "chat/widget.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/chat/widget.js"),
    ),
    (
        "manage/manage.css",
        "text/css; charset=utf-8",
        include_str!("../../static/manage/manage.css"),
    ),
    (
        "manage/manage.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/manage/manage.js"),
    ),
];

const CHAT_PAGE: &str = include_str!("../../static/chat/chat.html");
const MANAGE_PAGE: &str = include_str!("../../static/manage/manage.html");
const INDEX_PAGE: &str = include_str!("../../static/index.html");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").get(index))
        .service(web::resource("/b/{slug}/chat").get(chat_page))
        .service(web::resource("/b/{slug}/manage/{booking}").get(manage_page))
        .service(web::resource("/static/{path:.*}").get(asset));
}

async fn index() -> HttpResponse {
    html(INDEX_PAGE.to_owned())
}

async fn asset(path: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == path.as_str()) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(*body),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found"),
    }
}

/// The chat page of a business; embeddable in any site (the widget frames it).
async fn chat_page(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let slug = path.into_inner();
    let name = business_name(&state, slug.clone()).await?;
    Ok(html(
        CHAT_PAGE
            .replace("{{slug}}", &escape(&slug))
            .replace("{{name}}", &escape(&name)),
    ))
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
    Ok(html(page))
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

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(body)
}

/// Escapes text for HTML text and attribute values.
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
