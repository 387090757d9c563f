//! Extractors that turn every kind of bad input into a typed API error: JSON bodies
//! (`AppJson`), query strings (`QueryPairs`), path parameters (`PathParams`; the `{target}`
//! segment is parsed by `routes::target`).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use storekeep_core::query::QueryParams;
use storekeep_core::ApiError;

use crate::error::HttpError;

/// A JSON body; malformed or ill-shaped JSON is `InvalidJsonInput` with the path of the
/// offending field in `detailedErrorMessage`.
pub struct AppJson<T>(pub T);

/// Turn a serde error at a path into the API's wording.
fn describe(path: &str, e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let at = if path.is_empty() || path == "." {
        String::new()
    } else {
        format!("{path}: ")
    };
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let full = if at.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        };
        return format!("{full}: Missing required value");
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        // serde_path_to_error's path already ends with the unknown field.
        let full = if path.ends_with(field) {
            path.to_string()
        } else {
            format!("{at}{field}")
        };
        return format!("{full}: Unknown field.");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let v = rest.split('`').next().unwrap_or_default();
        return format!("{at}Unknown value '{v}'.");
    }
    format!("{at}{msg}")
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

/// Parse a JSON body into `T`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if has_nul_escape(bytes) {
        return Err(ApiError::invalid_json(
            "The NUL character (\\u0000) is not allowed in strings.",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            Err(ApiError::invalid_json(describe(&path, e.inner())))
        }
    }
}

impl<S, T> FromRequest<S> for AppJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
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
        parse_json(&bytes).map(AppJson).map_err(HttpError)
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
