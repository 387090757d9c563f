//! The OAuth endpoints on the API's port: `POST /oauth/token` (client-credentials grant) and
//! `POST /oauth/introspect`. Both authenticate the client themselves; their errors use the
//! OAuth error body (`error`, `error_description`).

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use storekeep_core::ApiError;

use crate::error::HttpResult;
use crate::oauth_request::OAuthRequest;
use crate::AppState;

/// A JSON answer that no cache may keep (RFC 6749 §5.1).
fn no_store<T: Serialize>(body: T) -> Response {
    let mut r = Json(body).into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

/// `POST /oauth/token`.
pub async fn token(State(s): State<AppState>, req: OAuthRequest) -> HttpResult<Response> {
    let client = req.client(&s).await?;
    match req.required("grant_type")? {
        "client_credentials" => {
            let t = s
                .services
                .oauth
                .client_credentials(&client, req.param("scope"))
                .await?;
            Ok(no_store(t))
        }
        other => Err(ApiError::UnsupportedGrantType(format!(
            "The grant type '{other}' is not supported at this endpoint."
        ))
        .into()),
    }
}

/// `POST /oauth/introspect`.
pub async fn introspect(State(s): State<AppState>, req: OAuthRequest) -> HttpResult<Response> {
    let client = req.client(&s).await?;
    let token = req.required("token")?;
    Ok(no_store(s.services.oauth.introspect(&client, token).await?))
}
