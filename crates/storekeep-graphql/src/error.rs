//! Errors on the wire (graphql.md §1). Every error carries an error code of the HTTP API in
//! `extensions.code`, with that code's extra fields beside it (`currentVersion`, `field`,
//! `duplicateValue`, `typeId`, …): the extensions are the typed
//! [`ErrorDetail`](storekeep_core::error_body::ErrorDetail) the REST error objects flatten.
//!
//! Resolvers simply return `ApiError`s with `?`: async-graphql keeps the original error as the
//! `source` of each `ServerError`, and [`finish`] turns it into the extensions, so no resolver
//! can forget a code. Errors that async-graphql raises itself (syntax, unknown fields, bad
//! argument values) are request errors: `InvalidInput`. The depth and complexity limits answer
//! `QueryComplexityLimitExceeded`.
//!
//! HTTP status: 200 for results, including field errors; 400 when an error is `InvalidInput`,
//! `QueryComplexityLimitExceeded` (graphql.md §1, the 29 January 2026 change) or
//! `QueryTimedOut` (400 on REST).

use async_graphql::{ErrorExtensionValues, ServerError, Value};
use storekeep_core::error_body::GraphQlErrorBody;
use storekeep_core::ApiError;

/// The code of a query over the depth or complexity limit (conventions.md §9.2).
pub const COMPLEXITY_LIMIT_CODE: &str = "QueryComplexityLimitExceeded";

/// async-graphql's message for a query over the complexity limit (also used by
/// [`crate::bounds::BoundsExtension`]).
pub(crate) const TOO_COMPLEX: &str = "Query is too complex.";

/// The messages async-graphql's validator uses for its depth and complexity limits.
const LIMIT_MESSAGES: [&str; 2] = ["Query is nested too deep.", TOO_COMPLEX];

/// Codes that make the whole answer a 400 (`QueryTimedOut` is a 400 on REST too).
const BAD_REQUEST_CODES: [&str; 3] = ["InvalidInput", COMPLEXITY_LIMIT_CODE, "QueryTimedOut"];

/// The extensions of an API error: its code and extra fields (the message is the error's).
fn api_extensions(e: &ApiError) -> ErrorExtensionValues {
    let mut ext = ErrorExtensionValues::default();
    if let Ok(serde_json::Value::Object(obj)) = serde_json::to_value(e.detail()) {
        for (k, v) in obj {
            ext.set(k, Value::from_json(v).unwrap_or(Value::Null));
        }
    }
    ext
}

fn code_only(code: &str) -> ErrorExtensionValues {
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", code);
    ext
}

/// Give one error its `extensions.code` (and extra fields).
fn with_code(mut e: ServerError) -> ServerError {
    if let Some(api) = e.source::<ApiError>() {
        let ext = api_extensions(api);
        e.extensions = Some(ext);
    } else if LIMIT_MESSAGES.contains(&e.message.as_str()) {
        e.extensions = Some(code_only(COMPLEXITY_LIMIT_CODE));
    } else if e.extensions.as_ref().and_then(|x| x.get("code")).is_none() {
        e.extensions = Some(code_only("InvalidInput"));
    }
    e
}

fn code_of(e: &ServerError) -> Option<&str> {
    match e.extensions.as_ref()?.get("code")? {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    }
}

/// A `Write` that only counts, and fails once past a limit (so that measuring a huge answer
/// stops early).
struct Measure {
    len: usize,
    max: usize,
}

impl std::io::Write for Measure {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.len = self.len.saturating_add(buf.len());
        if self.len > self.max {
            return Err(std::io::Error::other("too long"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `body` serializes to more than `max` bytes.
fn longer_than(body: &serde_json::Value, max: usize) -> bool {
    serde_json::to_writer(&mut Measure { len: 0, max }, body).is_err()
}

/// The answer to a request refused by a limit: 400 `QueryComplexityLimitExceeded`.
pub fn limit_error(message: &str) -> (u16, serde_json::Value) {
    let body = serde_json::json!({"errors": [{"message": message, "extensions": {"code": COMPLEXITY_LIMIT_CODE}}]});
    (400, body)
}

/// The HTTP status and JSON body of an executed request; an answer longer than `max_bytes`
/// (when given) is replaced by a `QueryComplexityLimitExceeded` error.
pub fn finish(
    mut resp: async_graphql::Response,
    max_bytes: Option<usize>,
) -> (u16, serde_json::Value) {
    resp.errors = std::mem::take(&mut resp.errors)
        .into_iter()
        .map(with_code)
        .collect();
    let bad_request = resp
        .errors
        .iter()
        .any(|e| code_of(e).is_some_and(|c| BAD_REQUEST_CODES.contains(&c)));
    // A request that never executed (no error has a path) has no `data` entry.
    let request_error = !resp.errors.is_empty()
        && resp.data == Value::Null
        && resp.errors.iter().all(|e| e.path.is_empty());
    let mut body = serde_json::to_value(&resp).unwrap_or_else(|_| {
        let e = ApiError::General("The response could not be rendered.".into());
        serde_json::to_value(GraphQlErrorBody::of(&e)).unwrap_or_default()
    });
    if request_error {
        if let Some(map) = body.as_object_mut() {
            map.remove("data");
        }
    }
    if let Some(max) = max_bytes.filter(|&max| longer_than(&body, max)) {
        return limit_error(&format!(
            "The answer would be longer than {max} bytes; ask for fewer fields or results."
        ));
    }
    (if bad_request { 400 } else { 200 }, body)
}

/// The answer to a request that could not even be read (bad JSON body, no `query`): a GraphQL
/// error body with the API error's code, and its HTTP status.
pub fn request_error(e: &ApiError) -> (u16, serde_json::Value) {
    let body = serde_json::to_value(GraphQlErrorBody::of(e)).unwrap_or_default();
    (e.status(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A resolver's error and an unreadable request carry the typed detail of every code as
    /// their extensions, the same detail the REST error objects carry.
    #[test]
    fn every_code_has_its_detail_as_extensions() {
        for e in storekeep_core::error_body::examples() {
            let detail = serde_json::to_value(e.detail()).unwrap();
            let field = async_graphql::Error::new_with_source(e.clone())
                .into_server_error(async_graphql::Pos::default());
            let field = with_code(field);
            assert_eq!(
                serde_json::to_value(&field.extensions).unwrap(),
                detail,
                "{}",
                e.code()
            );
            let (status, body) = request_error(&e);
            assert_eq!(status, e.status());
            assert_eq!(body["errors"][0]["extensions"], detail);
            assert_eq!(body["errors"][0]["message"], e.to_string());
        }
    }
}
