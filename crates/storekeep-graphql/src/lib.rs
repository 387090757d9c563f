//! storekeep's GraphQL API (graphql.md): the commercetools schema of the Customers and Stores
//! slice — types, queries and mutations named as the public SDL names them — resolved over the
//! core services with the same scope and store rules as REST. It knows neither HTTP nor SQL:
//! the HTTP layer reads the GraphQL-over-HTTP request, authenticates the bearer token into a
//! [`Caller`] and calls [`execute`], which answers with the HTTP status and JSON body that
//! graphql.md prescribes (`extensions.code` carries the REST error codes, see [`error`]).
//!
//! Limits: a query may nest at most [`MAX_DEPTH`] levels and cost at most [`MAX_COMPLEXITY`]
//! (one per field, list fields multiplied by their `limit`, a `where` by its terms, an
//! introspection field by the size of its answer); before async-graphql looks at it, a
//! document may hold at most [`bounds::MAX_FIELDS`] fields and [`bounds::MAX_ALIASES`]
//! aliases with its fragments expanded (measured without expanding them, see [`bounds`]);
//! beyond, the request is refused with `QueryComplexityLimitExceeded` before anything runs.
//! At most [`MAX_RUNNING`] requests execute at once and [`MAX_WAITING`] wait for their turn;
//! past that a request is answered 503 `OverCapacity`. A query's answer may be at most
//! [`MAX_RESPONSE_BYTES`] long. Introspection is on.

mod access;
pub mod bounds;
mod carts;
mod common;
mod customers;
pub mod error;
mod inputs;
mod mutation;
mod query;
mod scalars;
mod stores;

use std::sync::{Arc, OnceLock};

use async_graphql::parser::types::OperationType;
use async_graphql::{EmptySubscription, Interface, Schema, Variables};
use serde::Deserialize;
use storekeep_core::oauth::Caller;
use storekeep_core::{ApiError, Services};
use tokio::sync::{Semaphore, SemaphorePermit};

pub use error::COMPLEXITY_LIMIT_CODE;
pub use query::{WHERE_COST, WHERE_TERM_COST};

use access::Gql;
use common::Initiator;
use customers::{Customer, CustomerEmailToken, CustomerPasswordToken};
use mutation::Mutation;
use query::Query;
use scalars::{DateTime, Long};
use stores::Store;

/// How deep a query may nest.
pub const MAX_DEPTH: usize = 20;
/// How costly a query may be: each field counts 1, and the `customers`/`stores` fields count
/// their selection once per result they may return (`limit`, default 20).
pub const MAX_COMPLEXITY: usize = 10_000;
/// Most directives on one field.
pub const MAX_DIRECTIVES: usize = 16;
/// Most requests executing at once (each holds at most one answer of at most
/// [`MAX_RESPONSE_BYTES`], so this bounds the memory of GraphQL answers).
pub const MAX_RUNNING: usize = 16;
/// Most requests waiting for one of the [`MAX_RUNNING`] turns; more are answered 503
/// `OverCapacity` with `Retry-After`.
pub const MAX_WAITING: usize = 256;
/// The longest answer to a query (serialized JSON); a longer one is refused with
/// `QueryComplexityLimitExceeded`. Mutations are answered whatever their size (their change
/// is made; they answer one resource).
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// `Versioned`: what every versioned resource has.
// The derive takes one `field(…)` per interface field; clippy reads two with the same type
// as a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "&str"),
    field(name = "version", ty = "Long"),
    field(name = "created_at", ty = "DateTime"),
    field(name = "last_modified_at", ty = "DateTime"),
    field(name = "created_by", ty = "Option<Initiator>"),
    field(name = "last_modified_by", ty = "Option<Initiator>")
)]
pub enum Versioned {
    Customer(Customer),
    Store(Store),
    CustomerPasswordToken(CustomerPasswordToken),
    CustomerEmailToken(CustomerEmailToken),
}

/// storekeep's schema.
pub type StorekeepSchema = Schema<Query, Mutation, EmptySubscription>;

fn build() -> StorekeepSchema {
    Schema::build(Query, Mutation::default(), EmptySubscription)
        .register_output_type::<Versioned>()
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_directives(MAX_DIRECTIVES)
        .extension(bounds::BoundsExtension)
        .finish()
}

/// The schema (built once).
pub fn schema() -> &'static StorekeepSchema {
    static SCHEMA: OnceLock<StorekeepSchema> = OnceLock::new();
    SCHEMA.get_or_init(build)
}

/// The schema in SDL, as `storekeep graphql-schema` prints it.
pub fn sdl() -> String {
    schema().sdl()
}

/// A GraphQL-over-HTTP request: the JSON body of `POST`, or the parameters of `GET`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphqlRequest {
    pub query: String,
    #[serde(default)]
    pub operation_name: Option<String>,
    #[serde(default)]
    pub variables: Option<serde_json::Value>,
}

/// Whether the operation the request selects is a mutation (`None` if it cannot be told:
/// the executor then reports the document's problem).
#[cfg(test)]
fn is_mutation(req: &GraphqlRequest) -> Option<bool> {
    let doc = async_graphql::parser::parse_query(&req.query).ok()?;
    let op = bounds::selected(&doc, req.operation_name.as_deref())?;
    Some(op.ty == OperationType::Mutation)
}

/// Turns to execute: [`MAX_RUNNING`] at once, [`MAX_WAITING`] more waiting.
struct Turns {
    admitted: Semaphore,
    running: Semaphore,
}

fn turns() -> &'static Turns {
    static TURNS: OnceLock<Turns> = OnceLock::new();
    TURNS.get_or_init(|| Turns {
        admitted: Semaphore::new(MAX_RUNNING + MAX_WAITING),
        running: Semaphore::new(MAX_RUNNING),
    })
}

/// Wait for a turn to execute, or `None` when too many requests wait already.
async fn take_turn() -> Option<(SemaphorePermit<'static>, SemaphorePermit<'static>)> {
    let t = turns();
    let admitted = t.admitted.try_acquire().ok()?;
    let running = t.running.acquire().await.ok()?;
    Some((admitted, running))
}

/// Does a GraphQL document hold a NUL character, raw or escaped (`\u0000`, `\u{0}`)? It would
/// reach the database as part of an argument, and PostgreSQL cannot store NUL in text, so
/// storekeep refuses it on every backend. (The scan does not tell strings from comments: a
/// comment that spells out a NUL escape is refused too.)
fn has_nul(doc: &str) -> bool {
    let b = doc.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0 => return true,
            b'\\' => {
                let rest = b.get(i + 1..).unwrap_or_default();
                if rest.starts_with(b"u0000") {
                    return true;
                }
                if let Some(braced) = rest.strip_prefix(b"u{") {
                    let zeros = braced.iter().take_while(|&&c| c == b'0').count();
                    if zeros > 0 && braced.get(zeros) == Some(&b'}') {
                        return true;
                    }
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    false
}

/// Execute a request for `caller` in `project`: the HTTP status and the JSON body
/// (`{data, errors}`). With `read_only` (a `GET` request) mutations are refused with 405.
pub async fn execute(
    services: Services,
    caller: Arc<Caller>,
    project: &str,
    req: GraphqlRequest,
    read_only: bool,
) -> (u16, serde_json::Value) {
    let variables = match req.variables.clone() {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(v @ serde_json::Value::Object(_)) => Variables::from_json(v),
        Some(_) => {
            return error::request_error(&ApiError::InvalidInput(
                "'variables' must be a JSON object.".into(),
            ))
        }
    };
    if has_nul(&req.query) {
        return error::request_error(&ApiError::InvalidInput(
            "The NUL character is not allowed in a GraphQL document.".into(),
        ));
    }
    let parsed = async_graphql::parser::parse_query(&req.query).ok();
    let mutation = parsed
        .as_ref()
        .and_then(|d| bounds::selected(d, req.operation_name.as_deref()))
        .map(|op| op.ty == OperationType::Mutation);
    if read_only && mutation == Some(true) {
        return error::request_error(&ApiError::MethodNotAllowed(
            "Mutations must be sent with POST.".into(),
        ));
    }
    let extra = match parsed.as_ref().map(bounds::check) {
        None => bounds::ExtraComplexity::default(),
        Some(Ok(extra)) => extra,
        Some(Err(bounds::Refusal::TooLarge(m))) => return error::limit_error(&m),
        Some(Err(bounds::Refusal::FragmentCycle(m))) => {
            return error::request_error(&ApiError::InvalidInput(m))
        }
    };
    let mut request = async_graphql::Request::new(req.query)
        .variables(variables)
        .data(Gql::new(services, caller, project))
        .data(extra);
    if let Some(doc) = parsed {
        request.set_parsed_query(doc);
    }
    if let Some(op) = req.operation_name {
        request = request.operation_name(op);
    }
    let Some(_turn) = take_turn().await else {
        return error::request_error(&ApiError::OverCapacity {
            message: "Too many GraphQL requests are in progress; retry later.".into(),
            retry_after_secs: 1,
        });
    };
    // Boxed: the executor's future is large (deeply nested resolver futures), and on a
    // 2 MiB thread stack an unoptimized build would overflow with it inline.
    let response = Box::pin(schema().execute(request)).await;
    let max_bytes = (mutation != Some(true)).then_some(MAX_RESPONSE_BYTES);
    error::finish(response, max_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_mutations_apart() {
        let req = |q: &str, op: Option<&str>| GraphqlRequest {
            query: q.into(),
            operation_name: op.map(str::to_string),
            variables: None,
        };
        let m = "# comment\nmutation DeleteStore($version: Long!) { deleteStore(version: $version, key: \"x\") { key } }";
        assert_eq!(is_mutation(&req(m, None)), Some(true));
        assert_eq!(is_mutation(&req("{ stores { total } }", None)), Some(false));
        let two = format!("{m}\nquery Q {{ stores {{ total }} }}");
        assert_eq!(is_mutation(&req(&two, Some("Q"))), Some(false));
        assert_eq!(is_mutation(&req(&two, Some("DeleteStore"))), Some(true));
        assert_eq!(is_mutation(&req(&two, None)), None);
        assert_eq!(is_mutation(&req("{ broken", None)), None);
    }

    /// Past [`MAX_RUNNING`] running and [`MAX_WAITING`] waiting, a request gets no turn.
    #[tokio::test]
    async fn turns_are_bounded() {
        let t = turns();
        let held = t
            .admitted
            .try_acquire_many((MAX_RUNNING + MAX_WAITING) as u32)
            .expect("no other test takes turns");
        assert!(take_turn().await.is_none(), "every turn is taken");
        drop(held);
        let turn = take_turn().await;
        assert!(turn.is_some());
    }

    /// An answer longer than the limit is replaced by a typed 400.
    #[test]
    fn long_answers_are_refused() {
        let data =
            async_graphql::Value::from_json(serde_json::json!({"s": "x".repeat(100)})).unwrap();
        let resp = || async_graphql::Response::new(data.clone());
        assert_eq!(error::finish(resp(), Some(200)).0, 200);
        let (status, body) = error::finish(resp(), Some(50));
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            COMPLEXITY_LIMIT_CODE
        );
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(
            error::finish(resp(), None).0,
            200,
            "mutations are not measured"
        );
    }

    #[test]
    fn finds_nul_characters_raw_and_escaped() {
        for doc in [
            "{ a(x: \"\0\") }",
            r#"{ a(x: "\u0000") }"#,
            r#"{ a(x: "\u{0}") }"#,
            r#"{ a(x: "\u{000}") }"#,
        ] {
            assert!(has_nul(doc), "{doc}");
        }
        for doc in [
            r#"{ a(x: "\\u0000") }"#,
            r#"{ a(x: "\u0001 \u{10}") }"#,
            "{ stores { total } }",
        ] {
            assert!(!has_nul(doc), "{doc}");
        }
    }
}
