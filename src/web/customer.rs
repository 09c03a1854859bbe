//! Customer pages: the chat (alone or framed by the widget on the business's website) and the
//! page where a customer manages a booking with the token from their confirmation.
//!
//! Their words come from the language records (`languages::{en,de,es}/pages.rs`), in the
//! language the browser prefers among those Chairside speaks (its `Accept-Language`), English
//! otherwise: written into the page's HTML where a page shows them from the start, and given to
//! its script as JSON for what it writes later. The scripts hold no words of any language.

use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use super::{Framing, html, with_security_headers};
use crate::api::AppState;
use crate::api::error::ApiError;
use crate::html::escape;
use crate::languages::{self, Locale};
use crate::storage::businesses;

const CHAT_PAGE: &str = include_str!("../../static/chat/chat.html");
const MANAGE_PAGE: &str = include_str!("../../static/manage/manage.html");
const INDEX_PAGE: &str = include_str!("../../static/index.html");
const WIDGET_SCRIPT: &str = include_str!("../../static/chat/widget.js");

/// Where the widget's script takes every language's label for its button.
const WIDGET_LABELS: &str = "{/* labels */}";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").get(|| async { html(INDEX_PAGE, Framing::Deny) }))
        .service(web::resource("/b/{slug}/chat").get(chat_page))
        .service(web::resource("/b/{slug}/manage/{booking}").get(manage_page))
        .service(web::resource("/static/chat/widget.js").get(widget_script));
}

async fn chat_page(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let slug = path.into_inner();
    let name = business_name(&state, slug.clone()).await?;
    let locale = page_language(&request);
    let page = customer_page(
        CHAT_PAGE,
        locale,
        "chat",
        &[("slug", &slug), ("name", &name)],
    );
    Ok(by_language(html(page, Framing::Anywhere)))
}

async fn manage_page(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (slug, booking) = path.into_inner();
    business_name(&state, slug.clone()).await?;
    let locale = page_language(&request);
    let page = customer_page(
        MANAGE_PAGE,
        locale,
        "manage",
        &[("slug", &slug), ("booking", &booking)],
    );
    Ok(by_language(html(page, Framing::Deny)))
}

/// The widget's script with the label of its button in every language, so that it can choose
/// by the browser's language on the business's own site, where it may fetch nothing (that
/// site's Content-Security-Policy decides).
async fn widget_script() -> HttpResponse {
    static SCRIPT: LazyLock<String> = LazyLock::new(|| {
        let labels: serde_json::Map<String, Value> = languages::ALL
            .iter()
            .map(|l| (l.code.to_owned(), Value::from(l.pages.chat.widget_button)))
            .collect();
        WIDGET_SCRIPT.replacen(WIDGET_LABELS, &Value::Object(labels).to_string(), 1)
    });
    with_security_headers(
        HttpResponse::Ok()
            .content_type("text/javascript; charset=utf-8")
            .body(SCRIPT.as_str()),
        Framing::Anywhere,
    )
}

fn page_language(request: &HttpRequest) -> Locale {
    request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default()
}

/// Caches must keep one copy of the page per language.
fn by_language(mut response: HttpResponse) -> HttpResponse {
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

/// `template` in `locale`: `{{lang}}`, `{{page_texts}}` (the JSON of the texts of `part`, the
/// record's `chat` or `manage`), every text as `{{chat.subtitle}}`, then `fields`, all escaped.
fn customer_page(template: &str, locale: Locale, part: &str, fields: &[(&str, &str)]) -> String {
    let texts = serde_json::to_value(&locale.language().pages).unwrap_or_default();
    // Inside <script> only "</script>" could end the JSON early; `<` written as an escape
    // cannot.
    let script_json = texts[part].to_string().replace('<', "\\u003c");
    let mut page = template
        .replace("{{lang}}", locale.as_str())
        .replace("{{page_texts}}", &script_json);
    let mut named = Vec::new();
    flatten("", &texts, &mut named);
    for (name, text) in named {
        page = page.replace(&format!("{{{{{name}}}}}"), &escape(text));
    }
    for (name, value) in fields {
        page = page.replace(&format!("{{{{{name}}}}}"), &escape(value));
    }
    page
}

/// Every string in `value`, by its dotted path: ("chat.subtitle", "Book, move or cancel …").
fn flatten<'a>(at: &str, value: &'a Value, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(text) => out.push((at.to_owned(), text)),
        Value::Object(fields) => {
            for (name, field) in fields {
                let path = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                flatten(&path, field, out);
            }
        }
        _ => {}
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_written_in_their_language_with_nothing_left_to_fill() {
        for locale in Locale::all() {
            for (template, part) in [(CHAT_PAGE, "chat"), (MANAGE_PAGE, "manage")] {
                let fields = [("slug", "s"), ("name", "<b>N</b>"), ("booking", "b")];
                let page = customer_page(template, locale, part, &fields);
                assert!(!page.contains("{{"), "{locale:?} {part}: {page}");
                assert!(page.contains(&format!("<html lang=\"{}\">", locale.as_str())));
                let title = match part {
                    "chat" => locale.language().pages.chat.title,
                    _ => locale.language().pages.manage.title,
                };
                assert!(page.contains(&format!("<title>{}</title>", escape(title))));
                assert!(!page.contains("<b>N</b>"), "names are escaped");
            }
        }
    }

    #[test]
    fn the_page_texts_cannot_end_their_script_element() {
        let page = customer_page(
            "<script type=\"application/json\">{{page_texts}}</script>",
            Locale::En,
            "chat",
            &[],
        );
        assert_eq!(page.matches("</script>").count(), 1, "{page}");
        assert!(page.contains("\"subtitle\":\"Book, move or cancel an appointment\""));
    }
}
