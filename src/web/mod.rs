//! The staff web page: plain HTML, CSS and JavaScript from `static/staff/`, embedded in the
//! binary at compile time, so `cargo run --release` serves it from any directory and a release
//! is one file. No build step: the files are served exactly as written.
//!
//! The pages hold no data; they call the same `/api/v1` endpoints as any client, with the
//! session cookie and the CSRF header. A strict Content-Security-Policy allows only these
//! files, so an injected script has nowhere to come from.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};

use crate::api::error::ApiError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $content_type:literal) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_bytes!(concat!("../../static/staff/", $name)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("common.js", "text/javascript; charset=utf-8"),
    asset!("day.js", "text/javascript; charset=utf-8"),
    asset!("login.js", "text/javascript; charset=utf-8"),
    asset!("settings.js", "text/javascript; charset=utf-8"),
];

const DAY_PAGE: &str = include_str!("../../static/staff/day.html");
const LOGIN_PAGE: &str = include_str!("../../static/staff/login.html");
const SETTINGS_PAGE: &str = include_str!("../../static/staff/settings.html");

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'self'";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/staff").get(|| page(DAY_PAGE)))
        .service(web::resource("/staff/login").get(|| page(LOGIN_PAGE)))
        .service(web::resource("/staff/settings").get(|| page(SETTINGS_PAGE)))
        .service(web::resource("/staff/assets/{name}").get(asset));
}

fn with_security_headers(mut response: HttpResponse) -> HttpResponse {
    let headers = response.headers_mut();
    let set = |headers: &mut header::HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(
            header::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    };
    set(headers, "content-security-policy", CONTENT_SECURITY_POLICY);
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "same-origin");
    set(headers, "x-frame-options", "DENY");
    // Pages and assets change with each release; revalidating costs one small request.
    set(headers, "cache-control", "no-cache");
    response
}

async fn page(html: &'static str) -> HttpResponse {
    with_security_headers(
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html),
    )
}

async fn asset(name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name.as_str())
        .ok_or_else(|| ApiError::not_found("asset"))?;
    Ok(with_security_headers(
        HttpResponse::Ok()
            .content_type(asset.content_type)
            .body(asset.body),
    ))
}
