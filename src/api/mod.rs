//! The HTTP API under `/api/v1`, plus `/healthz` and `/metrics`.
//!
//! Handlers are thin: they turn the request into domain values, call one use case (which does
//! its work in a transaction on the blocking pool), and turn the result into a view. Errors of
//! every layer become responses in [`error`].

mod availability;
mod bookings;
mod businesses;
mod calendars;
mod channels;
pub mod chat;
mod chat_links;
pub mod client;
mod closures;
mod conversations;
pub mod customers;
pub mod error;
mod events;
pub mod extract;
mod faq;
mod health;
pub mod json;
mod notifications;
pub mod openapi;
mod questions;
mod schedule;
mod services;
mod session;
mod staff;
pub mod throttle;
mod users;
pub mod webhooks;

use std::sync::Arc;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Next, from_fn};
use actix_web::{HttpResponse, web};

use crate::access::Secrets;
use crate::accounts::HashingPool;
use crate::booking::Scheduler;
use crate::clock::Clock;
use crate::config::Config;
use crate::conversation::ConversationEngine;
use crate::jobs::JobQueue;
use crate::limits::{LimitClass, Limits};
use crate::metrics::Metrics;
use crate::notifications::Mailer;
use crate::storage::Database;
use error::{ApiError, ErrorBody};
use throttle::limited;

/// What every handler may use. Shared by all workers.
pub struct AppState {
    pub db: Database,
    pub scheduler: Scheduler,
    pub config: Arc<Config>,
    pub metrics: Metrics,
    pub clock: Arc<dyn Clock>,
    pub secrets: Secrets,
    /// Opens and seals stored secrets (channel connections).
    pub vault: crate::vault::Vault,
    /// Wakes this process's job workers after a transaction added work.
    pub jobs: JobQueue,
    pub conversations: ConversationEngine,
    /// Where email goes (SMTP, or files when no server is configured).
    pub mailer: Mailer,
    /// Per-client request limits of the public endpoints.
    pub limits: Limits,
    /// The bounded pool every Argon2 hash runs on.
    pub passwords: HashingPool,
    /// The staff pages' open event streams, counted per login.
    pub streams: events::OpenStreams,
    /// Parsed channel connections, by page, number or slug.
    pub directory: Arc<crate::channels::Directory>,
    /// Asks Meta whose page a channel claim's token is.
    pub ownership: Arc<crate::channels::ownership::OwnershipCheck>,
}

impl AppState {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

/// Registers every route. Each path is one resource listing its methods, so a request with
/// another method gets 405 rather than 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").get(health::healthz))
        .service(web::resource("/metrics").get(health::metrics))
        .service(web::resource("/calendars/{token}.ics").get(calendars::feed))
        .service(
            web::scope("/webhooks")
                .service(
                    web::resource("/messenger")
                        .get(webhooks::messenger_verify)
                        .post(webhooks::messenger_events),
                )
                .service(
                    web::resource("/whatsapp")
                        .get(webhooks::whatsapp_verify)
                        .post(webhooks::whatsapp_events),
                )
                .service(web::resource("/telegram/{slug}").post(webhooks::telegram_update))
                .service(web::resource("/twilio/{slug}").post(webhooks::twilio_message)),
        )
        .service(
            web::scope("/api/v1")
                .service(web::resource("/openapi.json").get(openapi::openapi_json))
                .service(web::resource("/businesses").post(businesses::create))
                .service(
                    web::resource("/businesses/{slug}")
                        .get(businesses::get)
                        .patch(businesses::update),
                )
                .service(
                    web::resource("/businesses/{slug}/profile")
                        .wrap(from_fn(limited(LimitClass::Availability)))
                        .get(businesses::profile),
                )
                .service(
                    web::resource("/businesses/{slug}/staff")
                        .post(staff::create)
                        .get(staff::list),
                )
                .service(
                    web::resource("/businesses/{slug}/staff/{id}")
                        .get(staff::get)
                        .patch(staff::update)
                        .delete(staff::delete),
                )
                .service(
                    web::resource("/businesses/{slug}/staff/{id}/hours")
                        .get(staff::get_hours)
                        .put(staff::put_hours),
                )
                .service(
                    web::resource("/businesses/{slug}/services")
                        .post(services::create)
                        .get(services::list),
                )
                .service(
                    web::resource("/businesses/{slug}/services/{id}")
                        .get(services::get)
                        .patch(services::update)
                        .delete(services::delete),
                )
                .service(
                    web::resource("/businesses/{slug}/closures")
                        .post(closures::create)
                        .get(closures::list),
                )
                .service(
                    web::resource("/businesses/{slug}/closures/{id}")
                        .get(closures::get)
                        .patch(closures::update)
                        .delete(closures::delete),
                )
                .service(
                    web::resource("/businesses/{slug}/availability")
                        .wrap(from_fn(limited(LimitClass::Availability)))
                        .get(availability::get),
                )
                .service(
                    web::resource("/businesses/{slug}/bookings")
                        .wrap(from_fn(limited(LimitClass::Booking)))
                        .post(bookings::create)
                        .get(bookings::list),
                )
                .service(web::resource("/businesses/{slug}/schedule").get(schedule::get))
                .service(
                    web::resource("/bookings/{id}")
                        .wrap(from_fn(limited(LimitClass::Manage)))
                        .get(bookings::get),
                )
                .service(
                    web::resource("/bookings/{id}/cancel")
                        .wrap(from_fn(limited(LimitClass::Manage)))
                        .post(bookings::cancel),
                )
                .service(
                    web::resource("/bookings/{id}/reschedule")
                        .wrap(from_fn(limited(LimitClass::Manage)))
                        .post(bookings::reschedule),
                )
                .service(web::resource("/bookings/{id}/status").post(bookings::set_status))
                .service(web::resource("/bookings/{id}/manage-link").post(bookings::renew_link))
                .service(
                    web::resource("/businesses/{slug}/chat")
                        .wrap(from_fn(limited(LimitClass::Chat)))
                        .post(chat::post),
                )
                .service(
                    web::resource("/businesses/{slug}/customers")
                        .get(customers::search)
                        .post(customers::create),
                )
                .service(
                    web::resource("/businesses/{slug}/customers/{id}")
                        .get(customers::get)
                        .delete(customers::erase),
                )
                .service(
                    web::resource("/businesses/{slug}/customers/{id}/bookings")
                        .post(customers::link),
                )
                .service(
                    web::resource("/businesses/{slug}/customers/{id}/export")
                        .get(customers::export),
                )
                .service(
                    web::resource("/businesses/{slug}/customers/{id}/chat-link")
                        .post(chat_links::create),
                )
                .service(
                    web::resource("/businesses/{slug}/chat/{conversation_id}/messages")
                        .wrap(from_fn(limited(LimitClass::Chat)))
                        .get(chat::messages),
                )
                .service(web::resource("/businesses/{slug}/conversations").get(conversations::list))
                .service(
                    web::resource("/businesses/{slug}/conversations/{id}").get(conversations::get),
                )
                .service(
                    web::resource("/businesses/{slug}/conversations/{id}/messages")
                        .post(conversations::reply),
                )
                .service(
                    web::resource("/businesses/{slug}/conversations/{id}/take-over")
                        .post(conversations::take_over),
                )
                .service(
                    web::resource("/businesses/{slug}/conversations/{id}/hand-back")
                        .post(conversations::hand_back),
                )
                .service(
                    web::resource("/businesses/{slug}/faq")
                        .post(faq::create)
                        .get(faq::list),
                )
                .service(
                    web::resource("/businesses/{slug}/faq/{id}")
                        .patch(faq::update)
                        .delete(faq::delete),
                )
                .service(
                    web::resource("/businesses/{slug}/questions")
                        .post(questions::create)
                        .get(questions::list),
                )
                .service(
                    web::resource("/businesses/{slug}/questions/{id}")
                        .patch(questions::update)
                        .delete(questions::delete),
                )
                .service(
                    web::resource("/session")
                        .post(session::log_in)
                        .get(session::current)
                        .delete(session::log_out),
                )
                .service(
                    web::resource("/session/password-reset")
                        .wrap(from_fn(limited(LimitClass::PasswordReset)))
                        .post(session::request_password_reset),
                )
                .service(
                    web::resource("/session/password-reset/confirm")
                        .wrap(from_fn(limited(LimitClass::PasswordReset)))
                        .post(session::confirm_password_reset),
                )
                .service(
                    web::resource("/businesses/{slug}/users")
                        .post(users::create)
                        .get(users::list),
                )
                .service(web::resource("/businesses/{slug}/users/{id}").patch(users::update))
                .service(web::resource("/businesses/{slug}/walk-ins").post(bookings::walk_in))
                .service(web::resource("/businesses/{slug}/events").get(events::stream))
                .service(
                    web::resource("/bookings/{id}/calendar.ics")
                        .wrap(from_fn(limited(LimitClass::Manage)))
                        .get(bookings::calendar),
                )
                .service(
                    web::resource("/businesses/{slug}/staff/{id}/calendar-feed")
                        .post(calendars::rotate),
                )
                .service(web::resource("/businesses/{slug}/notifications").get(notifications::list))
                .service(web::resource("/businesses/{slug}/channels").get(channels::list))
                .service(
                    web::resource("/businesses/{slug}/channels/{platform}")
                        .put(channels::put)
                        .delete(channels::delete),
                )
                .service(
                    web::resource("/businesses/{slug}/channels/{platform}/menus")
                        .post(channels::menus),
                ),
        );
}

/// Answers requests that match no route, or no method of a route, with the JSON error shape.
pub fn json_error_pages<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new()
        .handler(StatusCode::NOT_FOUND, |res| {
            json_error(res, "not_found", "no such resource")
        })
        .handler(StatusCode::METHOD_NOT_ALLOWED, |res| {
            json_error(
                res,
                "method_not_allowed",
                "this resource does not support that method",
            )
        })
}

fn json_error<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
    code: &str,
    message: &str,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let already_json = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if already_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, _) = res.into_parts();
    let body = ErrorBody {
        error: ApiError::new(status, code, message).body,
    };
    let response = HttpResponse::build(status).json(body).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(
        req, response,
    )))
}

/// Counts and times every request by its route pattern (not its path, which would give one
/// series per booking id) and its method folded to a few names, so that made-up methods and
/// paths cannot add series; logs refused and failed requests with the client's address.
pub async fn record_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    let started = std::time::Instant::now();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let request = response.request();
        let route = request.match_pattern();
        let method = crate::metrics::method_label(request.method().as_str());
        let status = response.status();
        metrics.record_request(
            route.as_deref(),
            method,
            status.as_u16(),
            started.elapsed().as_secs_f64(),
        );
        log_refusal(request, method, status);
    }
    Ok(response.map_body(|_, body| EitherBody::left(body.boxed())))
}

/// One log line per failed request: errors loudly, refusals that may be an attack (401, 403,
/// 429, 503) as information, other client errors for debugging only.
fn log_refusal(req: &actix_web::HttpRequest, method: &str, status: StatusCode) {
    if !(status.is_client_error() || status.is_server_error()) {
        return;
    }
    let client = client::request_origin(req).client;
    let path = req.path();
    let code = status.as_u16();
    if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
        tracing::error!(%client, method, path, status = code, "request failed");
    } else if matches!(code, 401 | 403 | 429 | 503) {
        tracing::info!(%client, method, path, status = code, "request refused");
    } else {
        tracing::debug!(%client, method, path, status = code, "request refused");
    }
}
