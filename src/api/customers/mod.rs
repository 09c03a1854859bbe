//! Customers' data for their business's owners (GDPR art. 15 and 17): find a person, link the
//! bookings that are theirs, export everything stored about them, erase it. Owners and the API
//! key only: the staff role is refused ([`Owner`]).

pub mod json;

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Owner, PathId};
use super::json::{BookingView, CustomerHintView, utc_time};
use crate::booking::{BookingDetails, BusinessProfile, with_details};
use crate::error::AppError;
use crate::privacy::{self, SearchQuery, merge};
use crate::storage::models::{Booking, Business};
use crate::storage::{DbConnection, privacy as stored, to_db_time};
use json::{
    BookingIdsBody, CustomerDetailView, CustomerRecordView, ErasureView, ExportBusinessView,
    ExportView, LinkedView, SearchView,
};

/// The most bookings one merge links.
const MAX_BOOKINGS_PER_MERGE: usize = 200;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Part of a name (2+ characters), a phone number in any format, or an email address.
    q: Option<String>,
}

/// Customer records and unlinked bookings that match a name, phone number or email address.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/customers", operation_id = "customers_search", tag = "customers",
    params(("slug" = String, Path), SearchParams),
    responses((status = 200, body = SearchView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search(
    params: web::Query<SearchParams>,
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let query = SearchQuery::parse("q", params.q.as_deref().unwrap_or_default())?;
    let view = state
        .db
        .read(move |conn| {
            let found = privacy::search(conn, &business, &query)?;
            let profile = BusinessProfile::from_row(&business)?;
            let unlinked = with_details(conn, &profile, found.unlinked_bookings)?;
            Ok::<_, AppError>(SearchView {
                customers: found
                    .customers
                    .iter()
                    .map(CustomerRecordView::from)
                    .collect(),
                unlinked_bookings: unlinked.iter().map(BookingView::from).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A new customer record made from unlinked bookings that staff confirm are one person's
/// (the contact of the latest of them), with those bookings linked to it.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/customers", operation_id = "customers_create", tag = "customers",
    params(("slug" = String, Path)), request_body = BookingIdsBody,
    responses((status = 201, body = LinkedView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    body: JsonBody<BookingIdsBody>,
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ids = booking_ids(body.0)?;
    let now = state.now();
    let linked = ids.len();
    let customer_id = state
        .db
        .write(move |conn| merge::create_from(conn, &business, &ids, now))
        .await?;
    Ok(HttpResponse::Created().json(LinkedView {
        customer_id,
        linked,
    }))
}

/// Links bookings that staff confirm are the customer's (a manual merge).
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/customers/{id}/bookings", operation_id = "customers_link", tag = "customers",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = BookingIdsBody,
    responses((status = 200, body = LinkedView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn link(
    PathId(customer_id): PathId,
    body: JsonBody<BookingIdsBody>,
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ids = booking_ids(body.0)?;
    let now = state.now();
    let id = customer_id.clone();
    let linked = state
        .db
        .write(move |conn| merge::link(conn, &business, &id, &ids, now))
        .await?;
    Ok(HttpResponse::Ok().json(LinkedView {
        customer_id,
        linked,
    }))
}

/// The customer, their bookings, and what erasing them would remove.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/customers/{id}", operation_id = "customers_get", tag = "customers",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = CustomerDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    PathId(customer_id): PathId,
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .db
        .read(move |conn| {
            let record = privacy::gather(conn, &business, &customer_id)?;
            let visits = visits_of(conn, &record.customer.id)?;
            Ok::<_, AppError>(CustomerDetailView::new(&record, visits))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Everything stored about the customer as one JSON document, offered as a download.
#[utoipa::path(get, path = "/api/v1/businesses/{slug}/customers/{id}/export", operation_id = "customers_export", tag = "customers",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ExportView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    PathId(customer_id): PathId,
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let exported_at = utc_time(to_db_time(state.now()));
    let view = state
        .db
        .read(move |conn| export_view(conn, &business, &customer_id, exported_at))
        .await?;
    let filename = format!("customer-{}.json", view.customer.id);
    Ok(HttpResponse::Ok()
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        // The document is personal data: no cache may keep a copy.
        .insert_header(("cache-control", "no-store"))
        .json(view))
}

fn export_view(
    conn: &mut DbConnection,
    business: &Business,
    customer_id: &str,
    exported_at: String,
) -> Result<ExportView, AppError> {
    let record = privacy::gather(conn, business, customer_id)?;
    let visits = visits_of(conn, &record.customer.id)?;
    let about = ExportBusinessView {
        slug: business.slug.clone(),
        name: business.name.clone(),
    };
    Ok(ExportView::new(&record, about, visits, exported_at)?)
}

/// Erases the customer: contact details, identities and transcripts removed, bookings kept as
/// anonymous time blocks, queued messages cancelled, mail files naming them deleted. Erasing
/// an erased customer changes nothing and says so.
#[utoipa::path(delete, path = "/api/v1/businesses/{slug}/customers/{id}", operation_id = "customers_erase", tag = "customers",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ErasureView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn erase(
    PathId(customer_id): PathId,
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let now = state.now();
    let erased = state
        .db
        .write(move |conn| privacy::erase(conn, &business, &customer_id, now))
        .await?;
    let mut summary = erased.summary;
    if let Some(dir) = state.mailer.mail_dir() {
        summary.mail_files_deleted =
            privacy::mail_files::remove_naming(dir.to_owned(), erased.traces)
                .await
                .map_err(|e| ApiError::internal(&format!("removing mail files: {e}")))?;
    }
    state.db.truncate_log().await?;
    Ok(HttpResponse::Ok().json(ErasureView::from(summary)))
}

/// Bookings as staff see them: with a hint where an unlinked booking's contact names a known
/// customer.
pub async fn staff_views(
    state: &AppState,
    business: &Business,
    details: &[BookingDetails],
) -> Result<Vec<BookingView>, ApiError> {
    let rows: Vec<Booking> = details.iter().map(|d| d.booking.clone()).collect();
    let business = business.clone();
    let hints = state
        .db
        .read(move |conn| privacy::hints_for(conn, &business, &rows))
        .await?;
    Ok(details
        .iter()
        .map(|d| {
            let mut view = BookingView::from(d);
            view.customer_hint = hints.get(&d.booking.id).map(CustomerHintView::from);
            view
        })
        .collect())
}

fn visits_of(conn: &mut DbConnection, customer_id: &str) -> Result<i64, AppError> {
    Ok(stored::visits(conn, &[customer_id.to_owned()])?
        .first()
        .map_or(0, |(_, n)| *n))
}

fn booking_ids(body: BookingIdsBody) -> Result<Vec<String>, ApiError> {
    let ids: Vec<String> = body
        .booking_ids
        .into_iter()
        .map(|id| id.trim().to_owned())
        .collect();
    if ids.is_empty() || ids.len() > MAX_BOOKINGS_PER_MERGE {
        return Err(ApiError::invalid(
            "booking_ids",
            format!("give 1 to {MAX_BOOKINGS_PER_MERGE} booking ids"),
        ));
    }
    if ids.iter().any(|id| id.is_empty() || id.len() > 64) {
        return Err(ApiError::invalid(
            "booking_ids",
            "each booking id must be a non-empty id of at most 64 characters",
        ));
    }
    Ok(ids)
}
