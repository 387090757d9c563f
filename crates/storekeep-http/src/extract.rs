//! Extractors that turn every kind of bad input into a typed API error: JSON bodies
//! (`AppJson`), query strings (`QueryPairs`), path parameters (`PathParams`; the `{target}`
//! segment is parsed by `routes::target`).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use storekeep_core::query::QueryParams;
use storekeep_core::{wire, ApiError};

use crate::error::HttpError;
use crate::AppState;

/// A JSON body; malformed or ill-shaped JSON is `InvalidJsonInput` with the API's wording
/// and path of the offending field in `detailedErrorMessage` (`storekeep_core::wire`).
pub struct AppJson<T>(pub T);

/// What a request body's undeclared fields do: ignored, as the API does (default), or
/// refused with `InvalidJsonInput` (`--strict-json`, docs/DESIGN.md "Request JSON").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnknownFields {
    #[default]
    Ignore,
    Refuse,
}

/// The member names of a `serde_ignored` path (positions dropped).
fn ignored_names(path: &serde_ignored::Path<'_>, out: &mut Vec<String>) {
    use serde_ignored::Path as P;
    match path {
        P::Root => {}
        P::Map { parent, key } => {
            ignored_names(parent, out);
            out.push(key.clone());
        }
        P::Seq { parent, .. }
        | P::Some { parent }
        | P::NewtypeStruct { parent }
        | P::NewtypeVariant { parent } => ignored_names(parent, out),
    }
}

/// Does JSON text hold an escaped NUL character (`\u0000`)? A raw NUL byte is invalid JSON
/// already; an escaped one would reach the database, and PostgreSQL stores NUL in neither
/// text nor JSONB, so storekeep refuses it on every backend. `\\u0000` (an escaped
/// backslash before `u0000`) is not a NUL.
pub fn has_nul_escape(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1..i + 6) == Some(b"u0000".as_slice()) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// The error for a NUL character in a request (see [`has_nul_escape`]).
fn nul_error(place: &str) -> ApiError {
    ApiError::InvalidInput(format!("The NUL character is not allowed in {place}."))
}

/// Parse a JSON body into `T`, ignoring undeclared fields.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    parse_json_with(bytes, UnknownFields::Ignore)
}

/// Parse a JSON body into `T`; `unknown` says what undeclared fields do.
pub fn parse_json_with<T: DeserializeOwned>(
    bytes: &[u8],
    unknown: UnknownFields,
) -> Result<T, ApiError> {
    if has_nul_escape(bytes) {
        return Err(ApiError::invalid_json(
            "The NUL character (\\u0000) is not allowed in strings.",
        ));
    }
    let mut first_unknown: Option<Vec<String>> = None;
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let mut note = |path: serde_ignored::Path<'_>| {
        if first_unknown.is_none() {
            let mut names = Vec::new();
            ignored_names(&path, &mut names);
            first_unknown = Some(names);
        }
    };
    let tracked = serde_ignored::Deserializer::new(&mut *de, &mut note);
    let value = serde_path_to_error::deserialize::<_, T>(tracked).map_err(|e| {
        ApiError::invalid_json(wire::describe(
            &wire::member_names(e.path()),
            &e.inner().to_string(),
        ))
    })?;
    de.end()
        .map_err(|e| ApiError::invalid_json(wire::describe(&[], &e.to_string())))?;
    match first_unknown {
        Some(names) if unknown == UnknownFields::Refuse => Err(ApiError::invalid_json(format!(
            "{}: Unknown field.",
            names.join(" -> ")
        ))),
        _ => Ok(value),
    }
}

impl<T> FromRequest<AppState> for AppJson<T>
where
    T: DeserializeOwned,
{
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(inner)
                if inner.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
            {
                HttpError(ApiError::PayloadTooLarge(
                    "The request body is larger than the server accepts.".into(),
                ))
            }
            other => HttpError(ApiError::invalid_json(other.body_text())),
        })?;
        parse_json_with(&bytes, state.unknown_fields)
            .map(AppJson)
            .map_err(HttpError)
    }
}

/// The decoded query string as grouped [`QueryParams`].
pub struct QueryPairs(pub QueryParams, pub Vec<(String, String)>);

impl QueryPairs {
    /// The last value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.1
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The required `version` parameter of deletes.
    pub fn version(&self) -> Result<i64, ApiError> {
        let raw = self.get("version").ok_or_else(|| {
            ApiError::InvalidInput("Missing required query parameter 'version'.".into())
        })?;
        raw.parse().map_err(|_| {
            ApiError::InvalidInput(format!(
                "Malformed parameter: version: '{raw}' is not a valid integer."
            ))
        })
    }
}

impl QueryPairs {
    /// The optional `dataErasure` flag of deletes (any letter case: the Python SDK sends
    /// `True`).
    pub fn data_erasure(&self) -> Result<bool, ApiError> {
        match self.get("dataErasure") {
            None => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::InvalidInput(format!(
                "Malformed parameter: dataErasure: '{v}' is not a boolean."
            ))),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if pairs
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(HttpError(nul_error("query parameters")));
        }
        Ok(QueryPairs(
            QueryParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.clone()))),
            pairs,
        ))
    }
}

/// The path parameters, by name.
pub struct PathParams(pub Vec<(String, String)>);

impl PathParams {
    /// A parameter's value ("" if absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The store key of an `/in-store/key={storeKey}/…` path.
    pub fn store_key(&self) -> Result<&str, ApiError> {
        let s = self.get("store");
        s.strip_prefix("key=").ok_or_else(|| {
            ApiError::ResourceNotFound(format!(
                "The store segment '{s}' must be written as key={{storeKey}}."
            ))
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                HttpError(ApiError::InvalidInput(
                    "The request path is not valid UTF-8.".into(),
                ))
            })?;
        let params: Vec<(String, String)> = raw
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if params.iter().any(|(_, v)| v.contains('\0')) {
            return Err(HttpError(nul_error("the request path")));
        }
        Ok(PathParams(params))
    }
}
