//! The request of an OAuth endpoint: parameters from the query string (as the API
//! specification models them) and from an `application/x-www-form-urlencoded` body (what the
//! SDKs send), and the client's credentials from HTTP Basic auth or, as a fallback, from
//! `client_id`/`client_secret` in the body. Anything malformed is a typed OAuth error
//! (`invalid_request`, `invalid_client`), never a 500 or axum's plain-text rejection.

use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use storekeep_core::oauth::{invalid_client, ClientRecord};
use storekeep_core::{ApiError, ApiResult};

use crate::error::HttpError;
use crate::AppState;

/// Largest OAuth request body accepted (bytes).
const MAX_FORM_BYTES: usize = 16 * 1024;

/// Client id and secret as sent (the secret's `Debug` is hidden).
struct Credentials {
    id: String,
    secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A parsed OAuth request.
pub struct OAuthRequest {
    params: Vec<(String, String)>,
    credentials: ApiResult<Credentials>,
}

fn invalid_request(msg: &str) -> ApiError {
    ApiError::InvalidRequest(msg.to_string())
}

/// Decode `a=b&c=d`; bytes that are not UTF-8 (raw or percent-encoded) are refused.
fn parse_pairs(raw: &[u8]) -> ApiResult<Vec<(String, String)>> {
    let text = std::str::from_utf8(raw)
        .map_err(|_| invalid_request("The request parameters are not valid UTF-8."))?;
    let mut out = Vec::new();
    for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
        // NUL is refused too: PostgreSQL cannot bind it as text (a user name, a scope).
        let bad = |s: &str| s.contains('\u{FFFD}') || s.contains('\0');
        if k.is_empty() || bad(&k) || bad(&v) {
            return Err(invalid_request("The request parameters are malformed."));
        }
        out.push((k.into_owned(), v.into_owned()));
    }
    Ok(out)
}

/// The credentials of an `Authorization: Basic …` header; `Ok(None)` without the header.
fn basic_credentials(headers: &HeaderMap) -> ApiResult<Option<Credentials>> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| invalid_client())?.trim();
    let (scheme, encoded) = value.split_once(' ').ok_or_else(invalid_client)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(invalid_client());
    }
    let encoded = encoded.trim();
    let bytes = STANDARD
        .decode(encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .map_err(|_| invalid_client())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid_client())?;
    // NUL never belongs to a client id or secret (and PostgreSQL cannot bind it as text).
    if text.contains('\0') {
        return Err(invalid_client());
    }
    let (id, secret) = text.split_once(':').ok_or_else(invalid_client)?;
    Ok(Some(Credentials {
        id: id.to_string(),
        secret: secret.to_string(),
    }))
}

fn last<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Basic auth, else `client_id`/`client_secret` of the body; both → `invalid_request`
/// (RFC 6749 §2.3: one method per request), neither → `invalid_client`.
fn credentials(headers: &HeaderMap, body: &[(String, String)]) -> ApiResult<Credentials> {
    let basic = basic_credentials(headers)?;
    let form = match (last(body, "client_id"), last(body, "client_secret")) {
        (Some(id), Some(secret)) => Some(Credentials {
            id: id.to_string(),
            secret: secret.to_string(),
        }),
        _ => None,
    };
    match (basic, form) {
        (Some(_), Some(_)) => Err(invalid_request(
            "The client must use only one authentication method per request.",
        )),
        (Some(c), None) | (None, Some(c)) => Ok(c),
        (None, None) => Err(invalid_client()),
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn parse(headers: &HeaderMap, query: &str, body: &[u8]) -> ApiResult<OAuthRequest> {
    let query_pairs = parse_pairs(query.as_bytes())?;
    if query_pairs.iter().any(|(k, _)| k == "client_secret") {
        return Err(invalid_request(
            "Client credentials must not be sent in the query string.",
        ));
    }
    let body_pairs = if body.is_empty() {
        Vec::new()
    } else if is_form(headers) {
        parse_pairs(body)?
    } else {
        return Err(invalid_request(
            "The request body must be application/x-www-form-urlencoded.",
        ));
    };
    let mut params = query_pairs;
    params.extend(body_pairs.iter().cloned());
    for (i, (k, _)) in params.iter().enumerate() {
        if params[..i].iter().any(|(k2, _)| k2 == k) {
            return Err(ApiError::InvalidRequest(format!(
                "The parameter '{k}' is given more than once."
            )));
        }
    }
    Ok(OAuthRequest {
        credentials: credentials(headers, &body_pairs),
        params,
    })
}

impl OAuthRequest {
    /// A parameter's value.
    pub fn param(&self, name: &str) -> Option<&str> {
        last(&self.params, name)
    }

    /// A required parameter (`invalid_request` if missing or empty).
    pub fn required(&self, name: &str) -> ApiResult<&str> {
        self.param(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            ApiError::InvalidRequest(format!("Missing required parameter '{name}'."))
        })
    }

    /// Authenticate the client that sent the request.
    pub async fn client(&self, state: &AppState) -> ApiResult<ClientRecord> {
        let c = self.credentials.as_ref().map_err(Clone::clone)?;
        state
            .services
            .oauth
            .authenticate_client(&c.id, &c.secret)
            .await
    }
}

impl FromRequest<AppState> for OAuthRequest {
    type Rejection = HttpError;

    async fn from_request(req: Request, _: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                HttpError(invalid_request(
                    "The request body is too large or could not be read.",
                ))
            })?;
        parse(&parts.headers, parts.uri.query().unwrap_or(""), &bytes).map_err(HttpError)
    }
}
