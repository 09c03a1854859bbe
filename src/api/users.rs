//! Staff logins of a business (business API key or an owner's session). The API key creates
//! the first owner; owners add the others from the settings page.

use actix_web::{HttpResponse, web};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ErrorBody};
use super::extract::{JsonBody, Owner, PathId};
use super::json::utc_time;
use crate::accounts::{self, NewUser, Password, UserUpdate};
use crate::domain::{UserRole, required_text};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserBody {
    /// The login name.
    pub email: String,
    pub name: String,
    /// At least 10 characters.
    pub password: String,
    /// `owner` or `staff` (default).
    pub role: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    pub name: Option<String>,
    pub role: Option<String>,
    pub password: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    /// `owner` or `staff`.
    pub role: String,
    pub active: bool,
    pub created_at: String,
}

impl From<&crate::storage::accounts::User> for UserView {
    fn from(u: &crate::storage::accounts::User) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.clone(),
            active: u.active != 0,
            created_at: utc_time(u.created_at),
        }
    }
}

/// Adds a login: `{"email","name","password","role":"owner"|"staff"}`.
#[utoipa::path(post, path = "/api/v1/businesses/{slug}/users", operation_id = "users_create", tag = "users",
    params(("slug" = String, Path)), request_body = CreateUserBody,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody),
        (status = 409, description = "email_taken", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<CreateUserBody>,
) -> Result<HttpResponse, ApiError> {
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

#[utoipa::path(get, path = "/api/v1/businesses/{slug}/users", operation_id = "users_list", tag = "users",
    params(("slug" = String, Path)), responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    Owner { business, .. }: Owner,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let rows = accounts::list_users(&state.db, business.id).await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(UserView::from).collect::<Vec<_>>()))
}

/// Renames, changes the role, sets a new password or (de)activates a login. A new password or
/// a deactivation ends that login's sessions; the last active owner cannot be removed (409
/// `last_owner`).
#[utoipa::path(patch, path = "/api/v1/businesses/{slug}/users/{id}", operation_id = "users_update", tag = "users",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = UpdateUserBody,
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    Owner { business, session }: Owner,
    PathId(id): PathId,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<UpdateUserBody>,
) -> Result<HttpResponse, ApiError> {
    let session = session.map(|s| s.token_hash);
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
