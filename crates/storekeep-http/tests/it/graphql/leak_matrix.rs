//! The leak matrix of GraphQL: every kind of token against every read that can reach a
//! customer, asserting exactly which customers' emails the answer contains — none where the
//! operation is refused (`insufficient_scope`), and only the permitted ones elsewhere. The
//! sessions issue's REST matrix has no shared table yet; this one covers `/graphql`.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{code, Gq, A, B};

/// What a cell expects: the customers (fixture names) visible, or a refusal.
#[derive(Debug, Clone, Copy)]
enum Want {
    Sees(&'static [&'static str]),
    Refused,
}

use Want::{Refused, Sees};

/// Every `…@gq.test` string in a value.
fn emails(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) if s.ends_with("@gq.test") => {
            out.insert(s.trim_end_matches("@gq.test").to_string());
        }
        Value::Array(items) => items.iter().for_each(|i| emails(i, out)),
        Value::Object(map) => map.values().for_each(|i| emails(i, out)),
        _ => {}
    }
}

const OPS: [&str; 8] = [
    "customers",
    "inStore(A).customers",
    "inStore(B).customers",
    "customer(b1)",
    "inStore(A).customer(b1)",
    "me",
    "inStore(A).me",
    "inStore(B).me",
];

/// Rows: token kind, then one cell per operation of [`OPS`].
const MATRIX: [(&str, [Want; 8]); 6] = [
    (
        "admin",
        [
            Sees(&["a1", "b1", "g1"]),
            Sees(&["a1", "g1"]),
            Sees(&["b1", "g1"]),
            Sees(&["b1"]),
            Sees(&[]),
            Refused,
            Refused,
            Refused,
        ],
    ),
    (
        "customers of A",
        [
            Refused,
            Sees(&["a1", "g1"]),
            Refused,
            Refused,
            Sees(&[]),
            Refused,
            Refused,
            Refused,
        ],
    ),
    (
        "customer a1 in A",
        [
            Refused,
            Refused,
            Refused,
            Refused,
            Refused,
            Refused,
            Sees(&["a1"]),
            Refused,
        ],
    ),
    (
        "global customer g1",
        [
            Refused,
            Refused,
            Refused,
            Refused,
            Refused,
            Sees(&["g1"]),
            Sees(&["g1"]),
            Sees(&["g1"]),
        ],
    ),
    (
        "anonymous session",
        [
            Refused,
            Refused,
            Refused,
            Refused,
            Refused,
            Sees(&[]),
            Sees(&[]),
            Sees(&[]),
        ],
    ),
    (
        "storefront client",
        [
            Refused, Refused, Refused, Refused, Refused, Refused, Refused, Refused,
        ],
    ),
];

#[tokio::test]
async fn graphql_leak_matrix() {
    Gq::each(|g| async move {
        let p = g.p.clone();
        let tokens = [
            g.h.admin_token.clone(),
            g.h.token(&format!("manage_customers:{p}:{A}")).await,
            g.customer_token(Some(A), &g.a1).await,
            g.customer_token(None, &g.g1).await,
            g.anonymous_token().await,
            g.h.token(&format!("manage_my_profile:{p} create_anonymous_token:{p}"))
                .await,
        ];
        let ops: [(&str, Value); 8] = [
            ("customers", json!({})),
            ("in_store_customers", json!({ "store": A })),
            ("in_store_customers", json!({ "store": B })),
            ("customer", json!({ "id": g.b1.id })),
            ("in_store_customer", json!({"store": A, "id": g.b1.id})),
            ("me", json!({})),
            ("in_store_me", json!({ "store": A })),
            ("in_store_me", json!({ "store": B })),
        ];
        for ((who, row), token) in MATRIX.iter().zip(&tokens) {
            for (i, (doc, vars)) in ops.iter().enumerate() {
                let (_, body) = g.post(Some(token), doc, vars.clone()).await;
                let what = format!("{who} × {}", OPS[i]);
                let mut seen = BTreeSet::new();
                emails(&body, &mut seen);
                match row[i] {
                    Refused => {
                        assert_eq!(code(&body), "insufficient_scope", "{what}: {body}");
                        assert!(seen.is_empty(), "{what} leaked {seen:?}");
                    }
                    Sees(want) => {
                        assert!(body.get("errors").is_none(), "{what}: {body}");
                        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
                        assert_eq!(seen, want, "{what}: {body}");
                    }
                }
            }
        }
    })
    .await;
}
