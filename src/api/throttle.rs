//! The per-client request limits (`crate::limits`) on the public endpoints, as a middleware
//! that each public resource wears: `.wrap(from_fn(limited(LimitClass::Chat)))`.
//!
//! Who is limited: anyone the endpoint does not know. A request that carries the business's own
//! API key or one of its staff sessions is the business's traffic (its website's server, the
//! staff page) and passes; an invalid key or session counts as none, so inventing one does not
//! escape the limit. For a booking's own resources, what is limited is the customer's manage
//! token, as the handler would read it. Signed webhooks wear no limit: their senders are the
//! platforms.

use actix_web::Error;
use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::AppState;
use super::client::request_origin;
use super::error::ApiError;
use super::extract::{authenticate, bearer_token, manage_token, session_token};
use crate::access;
use crate::limits::LimitClass;

type Limited = Result<ServiceResponse<EitherBody<BoxBody>>, Error>;

/// The middleware that applies `class`'s limit to a resource.
pub fn limited(
    class: LimitClass,
) -> impl Fn(ServiceRequest, Next<BoxBody>) -> LocalBoxFuture<'static, Limited> + 'static {
    move |req, next| Box::pin(admit(class, req, next))
}

async fn admit(class: LimitClass, req: ServiceRequest, next: Next<BoxBody>) -> Limited {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state.filter(|s| s.limits.enabled()) else {
        return pass(req, next).await;
    };
    if !counts(class, req.request()).await {
        return pass(req, next).await;
    }
    let client = request_origin(req.request()).client;
    match state.limits.check(class, &client) {
        Ok(()) => pass(req, next).await,
        Err(throttled) => Ok(req
            .error_response(ApiError::from(throttled))
            .map_into_right_body()),
    }
}

async fn pass(req: ServiceRequest, next: Next<BoxBody>) -> Limited {
    Ok(next.call(req).await?.map_into_left_body())
}

/// Whether the request counts against the limit (see the module's documentation).
async fn counts(class: LimitClass, req: &HttpRequest) -> bool {
    match class {
        LimitClass::Manage => {
            let api_key_sent = bearer_token(req).is_some_and(|t| access::is_api_key(&t));
            !api_key_sent && manage_token(req).is_some()
        }
        LimitClass::PasswordReset => true,
        LimitClass::Chat | LimitClass::Booking | LimitClass::Availability => {
            !business_traffic(req).await
        }
    }
}

/// The request proves to come from the business of its `{slug}` (API key or staff session).
async fn business_traffic(req: &HttpRequest) -> bool {
    if bearer_token(req).is_none() && session_token(req).is_none() {
        return false;
    }
    let Some(slug) = req.match_info().get("slug") else {
        return false;
    };
    matches!(authenticate(req).await, Ok(Some(access)) if access.business.slug == slug)
}
