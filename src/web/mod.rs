//! The pages people open in a browser: the staff page (day view, inbox, settings) and the
//! customer pages (the chat, alone or framed by the widget, and the page that manages one
//! booking).
//!
//! Plain HTML, CSS and JavaScript from `static/`, embedded in the binary at compile time, so
//! `cargo run --release` serves them from any directory and a release is one file. No build
//! step: files are served as written, except that the customer pages and the widget's script
//! get their words written in (see `customer`). The pages hold no data; they call the same
//! `/api/v1` endpoints as any client. A strict Content-Security-Policy allows only these files,
//! so an injected script has nowhere to come from.

mod customer;
mod staff;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};

use crate::api::error::ApiError;

struct Asset {
    /// The path under `static/`, which is also its URL under `/static/`.
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $content_type:literal) => {
        Asset {
            path: $path,
            content_type: $content_type,
            body: include_bytes!(concat!("../../static/", $path)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("staff/app.css", "text/css; charset=utf-8"),
    asset!("staff/common.js", "text/javascript; charset=utf-8"),
    asset!("staff/customers.js", "text/javascript; charset=utf-8"),
    asset!("staff/day.js", "text/javascript; charset=utf-8"),
    asset!("staff/inbox.js", "text/javascript; charset=utf-8"),
    asset!("staff/login.js", "text/javascript; charset=utf-8"),
    asset!("staff/reset.js", "text/javascript; charset=utf-8"),
    asset!("staff/settings.js", "text/javascript; charset=utf-8"),
    asset!("chat/chat.css", "text/css; charset=utf-8"),
    asset!("chat/chat.js", "text/javascript; charset=utf-8"),
    asset!("manage/manage.css", "text/css; charset=utf-8"),
    asset!("manage/manage.js", "text/javascript; charset=utf-8"),
];

/// Who may put a page in a frame.
#[derive(Clone, Copy)]
enum Framing {
    /// Nobody: staff pages and the booking page.
    Deny,
    /// Any site: the chat, which the widget frames on the business's own website.
    Anywhere,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    staff::configure(cfg);
    customer::configure(cfg);
    // Last: the widget's script, under /static/ too, is written per language by `customer`.
    cfg.service(web::resource("/static/{path:.*}").get(asset));
}

fn with_security_headers(mut response: HttpResponse, framing: Framing) -> HttpResponse {
    let policy = match framing {
        Framing::Deny => {
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        }
        Framing::Anywhere => {
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'"
        }
    };
    let headers = response.headers_mut();
    let set = |headers: &mut header::HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(
            header::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    };
    set(headers, "content-security-policy", policy);
    set(headers, "x-content-type-options", "nosniff");
    // Booking pages carry a manage token in their URL; it must not leak to other sites.
    set(headers, "referrer-policy", "same-origin");
    if let Framing::Deny = framing {
        set(headers, "x-frame-options", "DENY");
    }
    // Pages and assets change with each release; revalidating costs one small request.
    set(headers, "cache-control", "no-cache");
    response
}

fn html(body: impl Into<String>, framing: Framing) -> HttpResponse {
    with_security_headers(
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body.into()),
        framing,
    )
}

async fn asset(path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.path == path.as_str())
        .ok_or_else(|| ApiError::not_found("asset"))?;
    // The widget's script is loaded by other sites; everything else only by these pages.
    Ok(with_security_headers(
        HttpResponse::Ok()
            .content_type(asset.content_type)
            .body(asset.body),
        Framing::Anywhere,
    ))
}
