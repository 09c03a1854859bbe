//! The OpenAPI document, generated from the handlers' annotations so it cannot drift from them.

use actix_web::HttpResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    availability, bookings, businesses, calendars, channels, chat, chat_links, closures,
    conversations, customers, error, events, faq, health, notifications, questions, schedule,
    services, session, staff, users, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Chairside", description = "Appointment booking by chat for small businesses."),
    paths(
        health::healthz, health::metrics,
        businesses::create, businesses::get, businesses::update, businesses::profile,
        staff::create, staff::list, staff::get, staff::update, staff::delete, staff::get_hours, staff::put_hours,
        services::create, services::list, services::get, services::update, services::delete,
        closures::create, closures::list, closures::get, closures::update, closures::delete,
        availability::get,
        bookings::create, bookings::list, bookings::get, bookings::cancel, bookings::reschedule, bookings::set_status,
        schedule::get,
        chat::post, chat::messages, chat_links::create,
        conversations::list, conversations::get, conversations::reply, conversations::take_over, conversations::hand_back,
        questions::create, questions::list, questions::update, questions::delete,
        faq::create, faq::list, faq::update, faq::delete,
        session::log_in, session::current, session::log_out,
        session::request_password_reset, session::confirm_password_reset,
        users::create, users::list, users::update,
        bookings::walk_in, events::stream,
        bookings::calendar, bookings::renew_link, calendars::feed, calendars::rotate, notifications::list,
        channels::list, channels::put, channels::delete, channels::menus,
        customers::search, customers::create, customers::get, customers::link, customers::export, customers::erase,
        openapi_json,
        webhooks::messenger_verify, webhooks::messenger_events, webhooks::whatsapp_verify, webhooks::whatsapp_events,
        webhooks::telegram_update, webhooks::twilio_message,
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail, businesses::BusinessView, businesses::CreatedBusinessView)),
    modifiers(&Security),
    // Most operations take the business API key or a staff session; the public ones and those
    // with other credentials say so on their own.
    security(("api_key" = []), ("session" = [])),
    tags(
        (name = "businesses"), (name = "staff"), (name = "services"), (name = "closures"),
        (name = "bookings"), (name = "calendars"), (name = "chat"), (name = "notifications"),
        (name = "operations"), (name = "session"), (name = "users"), (name = "channels"), (name = "customers"),
        (name = "webhooks"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme("admin_token", bearer("CHAIRSIDE_ADMIN_TOKEN"));
        components.add_security_scheme(
            "api_key",
            bearer("The business API key returned when the business was created"),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "chairside_session",
                "A staff login's session (POST /api/v1/session); state-changing requests also \
                 need the session's CSRF token in X-CSRF-Token",
            ))),
        );
        components.add_security_scheme(
            "manage_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Manage-Token",
                "The booking's manage token (also accepted as ?token=)",
            ))),
        );
    }
}

#[utoipa::path(get, path = "/api/v1/openapi.json", operation_id = "openapi_json", security(()), tag = "operations", responses((status = 200, description = "This document")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
