//! storekeep's GraphQL API (graphql.md): the commercetools schema of the Customers and Stores
//! slice — types, queries and mutations named as the public SDL names them — resolved over the
//! core services with the same scope and store rules as REST. It knows neither HTTP nor SQL:
//! the HTTP layer reads the GraphQL-over-HTTP request, authenticates the bearer token into a
//! [`Caller`] and calls [`execute`], which answers with the HTTP status and JSON body that
//! graphql.md prescribes (`extensions.code` carries the REST error codes, see [`error`]).
//!
//! Limits: a query may nest at most [`MAX_DEPTH`] levels and cost at most [`MAX_COMPLEXITY`]
//! (one per field, list fields multiplied by their `limit`); beyond, the request is refused with
//! `QueryComplexityLimitExceeded` before anything runs. Introspection is on.

mod access;
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

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{EmptySubscription, Interface, Schema, Variables};
use serde::Deserialize;
use storekeep_core::oauth::Caller;
use storekeep_core::{ApiError, Services};

pub use error::COMPLEXITY_LIMIT_CODE;

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
fn is_mutation(req: &GraphqlRequest) -> Option<bool> {
    let doc = async_graphql::parser::parse_query(&req.query).ok()?;
    let ty = match &doc.operations {
        DocumentOperations::Single(op) => op.node.ty,
        // Named operations are always "multiple", also when there is just one.
        DocumentOperations::Multiple(ops) => match req.operation_name.as_deref() {
            Some(name) => ops.iter().find(|(n, _)| n.as_str() == name)?.1.node.ty,
            None if ops.len() == 1 => ops.values().next()?.node.ty,
            None => return None,
        },
    };
    Some(ty == OperationType::Mutation)
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
    if read_only && is_mutation(&req) == Some(true) {
        return error::request_error(&ApiError::MethodNotAllowed(
            "Mutations must be sent with POST.".into(),
        ));
    }
    let mut request = async_graphql::Request::new(req.query)
        .variables(variables)
        .data(Gql::new(services, caller, project));
    if let Some(op) = req.operation_name {
        request = request.operation_name(op);
    }
    // Boxed: the executor's future is large (deeply nested resolver futures), and on a
    // 2 MiB thread stack an unoptimized build would overflow with it inline.
    let response = Box::pin(schema().execute(request)).await;
    error::finish(response)
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
