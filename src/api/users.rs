//! Staff logins of a business (business API key or an owner's session). The API key creates
//! the first owner; owners add the others from the settings page.

use actix_web::{HttpResponse, web};

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{Access, JsonBody};
use super::views::{CreateUserBody, UpdateUserBody, UserView};
use crate::accounts::{self, NewUser, Password, UserUpdate};
use crate::domain::{UserRole, required_text};

/// Adds a login: `{"email","name","password","role":"owner"|"staff"}`.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/users", tag = "users", security(("api_key" = []), ("session" = [])),
    params(("slug" = String, Path)), request_body = CreateUserBody,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody),
        (status = 409, description = "email_taken", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    path: web::Path<String>,
    access: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<CreateUserBody>,
) -> Result<HttpResponse, ApiError> {
    let business = access.for_slug(&path)?;
    let user = NewUser::parse(
        &body.email,
        &body.name,
        body.role.as_deref().unwrap_or("staff"),
        &body.password,
    )?;
    let row =
        accounts::create_user(&state.db, &state.passwords, business.id, user, state.now()).await?;
    Ok(HttpResponse::Created().json(UserView::from(&row)))
}

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/users", tag = "users", security(("api_key" = []), ("session" = [])),
    params(("slug" = String, Path)), responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    path: web::Path<String>,
    access: Access,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let business = access.for_slug(&path)?;
    let rows = accounts::list_users(&state.db, business.id).await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(UserView::from).collect::<Vec<_>>()))
}

/// Renames, changes the role, sets a new password or (de)activates a login. A new password or
/// a deactivation ends that login's sessions; the last active owner cannot be removed (409
/// `last_owner`).
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/users/{id}", tag = "users", security(("api_key" = []), ("session" = [])),
    params(("slug" = String, Path), ("id" = String, Path)), request_body = UpdateUserBody,
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    path: web::Path<(String, String)>,
    access: Access,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<UpdateUserBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let session = access.session.as_ref().map(|s| s.token_hash.clone());
    let business = access.for_slug(&slug)?;
    let update = UserUpdate {
        name: body
            .name
            .as_deref()
            .map(|n| required_text("name", n, 100))
            .transpose()?,
        role: body
            .role
            .as_deref()
            .map(|r| UserRole::parse("role", r))
            .transpose()?,
        password: body
            .password
            .as_deref()
            .map(|p| Password::parse("password", p))
            .transpose()?,
        active: body.active,
    };
    let row = accounts::update_user(
        &state.db,
        &state.passwords,
        business.id,
        id,
        update,
        session,
        state.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(UserView::from(&row)))
}
