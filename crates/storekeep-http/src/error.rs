//! Rendering of [`ApiError`] as the API's error body, with the headers some errors need
//! (`WWW-Authenticate` on 401, `Retry-After` on 429 and on 503 `OverCapacity`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use storekeep_core::error_body::ErrorBody;
use storekeep_core::ApiError;

/// An API error on its way to the client.
#[derive(Debug)]
pub struct HttpError(pub ApiError);

impl From<ApiError> for HttpError {
    fn from(e: ApiError) -> Self {
        HttpError(e)
    }
}

/// Handler result.
pub type HttpResult<T> = Result<T, HttpError>;

/// A JSON response with the given status.
pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let body = ErrorBody::rest(&self.0);
        error_response(self.0, &body)
    }
}

/// The answer of an error with its (REST or OAuth) body: the error's status and headers.
pub fn error_response(e: ApiError, body: &ErrorBody) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(body).unwrap_or_default();
    let mut r = json_response(status, body);
    match &e {
        ApiError::InvalidToken(_) => {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"storekeep\", error=\"invalid_token\""),
            );
        }
        ApiError::InvalidClient(_) => {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"storekeep\""),
            );
        }
        ApiError::InsufficientScope(_) => {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "Bearer realm=\"storekeep\", error=\"insufficient_scope\"",
                ),
            );
        }
        ApiError::TooManyRequests {
            retry_after_secs, ..
        }
        | ApiError::OverCapacity {
            retry_after_secs, ..
        } => {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        _ => {}
    }
    r
}
