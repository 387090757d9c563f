//! The OAuth endpoints on the API's port (auth.md §1): `POST /oauth/token` (client-credentials
//! and refresh-token grants), the password flow `POST /oauth/{projectKey}/customers/token` and
//! `POST /oauth/{projectKey}/in-store/key={storeKey}/customers/token`, the anonymous session
//! flow `POST /oauth/{projectKey}/anonymous/token`, and `POST /oauth/introspect`. All
//! authenticate the client themselves. The password and anonymous endpoints also take
//! `grant_type=refresh_token`, because the SDKs send the refresh request to the URI of the
//! flow that issued the token. Every error uses the OAuth error body (`error`,
//! `error_description`), a throttled password flow's 429 included (with `Retry-After`), and
//! the 503 of a full Argon2 queue (`error` = `temporarily_unavailable`, with `Retry-After`).
//! Passwords, tokens and secrets are never logged.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use storekeep_core::error_body::ErrorBody;
use storekeep_core::oauth::{ClientRecord, PasswordGrant, TokenEndpoint};
use storekeep_core::{ApiError, ApiResult};

use crate::error::{error_response, HttpError};
use crate::extract::PathParams;
use crate::oauth_request::OAuthRequest;
use crate::AppState;

/// An error of an OAuth endpoint: the API's error body plus `error` and `error_description`
/// for every code, and the usual headers (`WWW-Authenticate`, `Retry-After`).
pub struct OAuthError(ApiError);

impl From<ApiError> for OAuthError {
    fn from(e: ApiError) -> Self {
        OAuthError(e)
    }
}

impl From<HttpError> for OAuthError {
    fn from(e: HttpError) -> Self {
        OAuthError(e.0)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = ErrorBody::oauth(&self.0);
        error_response(self.0, &body)
    }
}

/// Result of an OAuth handler.
type OAuthResult = Result<Response, OAuthError>;

/// A JSON answer that no cache may keep (RFC 6749 §5.1).
fn no_store<T: Serialize>(body: T) -> Response {
    let mut r = Json(body).into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

fn unsupported(grant: &str) -> ApiError {
    ApiError::UnsupportedGrantType(format!(
        "The grant type '{grant}' is not supported at this endpoint."
    ))
}

/// The refresh-token grant of any token endpoint.
async fn refresh(
    s: &AppState,
    client: &ClientRecord,
    req: &OAuthRequest,
    at: TokenEndpoint<'_>,
) -> ApiResult<Response> {
    let token = req.required("refresh_token")?;
    let t = s
        .services
        .oauth
        .refresh_grant(client, token, req.param("scope"), at)
        .await?;
    Ok(no_store(t))
}

/// `POST /oauth/token`.
pub async fn token(State(s): State<AppState>, req: OAuthRequest) -> OAuthResult {
    let client = req.client(&s).await?;
    let oauth = &s.services.oauth;
    match req.required("grant_type")? {
        "client_credentials" => Ok(no_store(
            oauth
                .client_credentials(&client, req.param("scope"))
                .await?,
        )),
        "refresh_token" => Ok(refresh(&s, &client, &req, TokenEndpoint::default()).await?),
        other => Err(unsupported(other).into()),
    }
}

/// `POST /oauth/{projectKey}/customers/token` and
/// `POST /oauth/{projectKey}/in-store/key={storeKey}/customers/token`.
pub async fn customer_token(
    State(s): State<AppState>,
    p: PathParams,
    req: OAuthRequest,
) -> OAuthResult {
    let client = req.client(&s).await?;
    let store = match p.get("store") {
        "" => None,
        _ => Some(p.store_key()?),
    };
    let at = TokenEndpoint {
        project: Some(p.get("project")),
        store,
    };
    match req.required("grant_type")? {
        "password" => {
            let g = PasswordGrant {
                project: p.get("project"),
                store,
                username: req.required("username")?,
                password: req.required("password")?,
                scope: req.param("scope"),
            };
            let customers = &s.services.customers;
            Ok(no_store(
                s.services
                    .oauth
                    .password_grant(customers, &client, g)
                    .await?,
            ))
        }
        "refresh_token" => Ok(refresh(&s, &client, &req, at).await?),
        other => Err(unsupported(other).into()),
    }
}

/// `POST /oauth/{projectKey}/anonymous/token`.
pub async fn anonymous_token(
    State(s): State<AppState>,
    p: PathParams,
    req: OAuthRequest,
) -> OAuthResult {
    let client = req.client(&s).await?;
    let project = p.get("project");
    let at = TokenEndpoint {
        project: Some(project),
        store: None,
    };
    match req.required("grant_type")? {
        "client_credentials" => {
            let (scope, id) = (req.param("scope"), req.param("anonymous_id"));
            let oauth = &s.services.oauth;
            Ok(no_store(
                oauth.anonymous_grant(&client, project, scope, id).await?,
            ))
        }
        "refresh_token" => Ok(refresh(&s, &client, &req, at).await?),
        other => Err(unsupported(other).into()),
    }
}

/// `POST /oauth/introspect`.
pub async fn introspect(State(s): State<AppState>, req: OAuthRequest) -> OAuthResult {
    let client = req.client(&s).await?;
    let token = req.required("token")?;
    Ok(no_store(s.services.oauth.introspect(&client, token).await?))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use http_body_util::BodyExt;

    fn over_capacity() -> ApiError {
        ApiError::OverCapacity {
            message: "busy".into(),
            retry_after_secs: 1,
        }
    }

    async fn parts(r: Response) -> (u16, Option<String>, serde_json::Value) {
        let status = r.status().as_u16();
        let retry = r
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_string());
        let body = r.into_body().collect().await.unwrap().to_bytes();
        (status, retry, serde_json::from_slice(&body).unwrap())
    }

    /// A full Argon2 queue on an OAuth endpoint: the OAuth error body, 503, `Retry-After`.
    #[tokio::test]
    async fn over_capacity_is_an_oauth_503_with_retry_after() {
        let (status, retry, body) = parts(OAuthError(over_capacity()).into_response()).await;
        assert_eq!(status, 503);
        assert_eq!(retry.as_deref(), Some("1"));
        assert_eq!(body["error"], "temporarily_unavailable");
        assert_eq!(body["error_description"], "busy");
        assert_eq!(body["statusCode"], 503);
        assert_eq!(body["errors"][0]["code"], "OverCapacity");
    }

    /// The same on a REST endpoint: the API error body, without the OAuth fields.
    #[tokio::test]
    async fn over_capacity_is_an_api_503_with_retry_after() {
        let (status, retry, body) = parts(HttpError(over_capacity()).into_response()).await;
        assert_eq!(status, 503);
        assert_eq!(retry.as_deref(), Some("1"));
        assert_eq!(body["statusCode"], 503);
        assert_eq!(body["message"], "busy");
        assert_eq!(body["errors"][0]["code"], "OverCapacity");
        assert!(body.get("error").is_none());
    }

    /// Every error code answers with the typed body on both paths (the snapshots in
    /// storekeep-core pin its JSON), with the error's status.
    #[tokio::test]
    async fn every_code_renders_its_typed_body() {
        for e in storekeep_core::error_body::examples() {
            let (status, _, rest) = parts(HttpError(e.clone()).into_response()).await;
            assert_eq!(status, e.status(), "{}", e.code());
            assert_eq!(rest, serde_json::to_value(ErrorBody::rest(&e)).unwrap());
            let (status, _, oauth) = parts(OAuthError(e.clone()).into_response()).await;
            assert_eq!(status, e.status(), "{}", e.code());
            assert_eq!(oauth, serde_json::to_value(ErrorBody::oauth(&e)).unwrap());
        }
    }
}
