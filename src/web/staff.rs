//! The staff page: day view, inbox, settings, customers (owners' privacy tools), login, and setting a new password through an
//! emailed link.

use std::sync::LazyLock;

use actix_web::web;

use super::{Framing, html};
use crate::html::escape;
use crate::languages;

const DAY_PAGE: &str = include_str!("../../static/staff/day.html");
const INBOX_PAGE: &str = include_str!("../../static/staff/inbox.html");
const LOGIN_PAGE: &str = include_str!("../../static/staff/login.html");
const SETTINGS_PAGE: &str = include_str!("../../static/staff/settings.html");
const RESET_PAGE: &str = include_str!("../../static/staff/reset.html");
const CUSTOMERS_PAGE: &str = include_str!("../../static/staff/customers.html");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/staff").get(|| async { html(DAY_PAGE, Framing::Deny) }))
        .service(web::resource("/staff/login").get(|| async { html(LOGIN_PAGE, Framing::Deny) }))
        .service(web::resource("/staff/reset").get(|| async { html(RESET_PAGE, Framing::Deny) }))
        .service(web::resource("/staff/inbox").get(|| async { html(INBOX_PAGE, Framing::Deny) }))
        .service(
            web::resource("/staff/settings")
                .get(|| async { html(SETTINGS.as_str(), Framing::Deny) }),
        )
        .service(
            web::resource("/staff/customers").get(|| async { html(CUSTOMERS_PAGE, Framing::Deny) }),
        );
}

/// The settings page, its choice of the business's language offering every language Chairside
/// speaks, each by its own name.
static SETTINGS: LazyLock<String> = LazyLock::new(|| {
    let options: String = languages::ALL
        .iter()
        .map(|l| {
            format!(
                "<option value=\"{}\">{}</option>",
                escape(l.code),
                escape(l.name)
            )
        })
        .collect();
    SETTINGS_PAGE.replace("{{language_options}}", &options)
});
