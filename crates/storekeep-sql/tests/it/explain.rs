//! Queries by indexed fields use the indexes on both backends.

use std::collections::HashMap;

use serde_json::json;
use storekeep_core::customers::visible_in_store;
use storekeep_core::query::{
    base_fields, validate_predicate, Field, FieldType, Query, Schema, ValidFilter,
};
use storekeep_core::storage::{Collection, Storage, Uniqueness};
use storekeep_sql::Backend;

use crate::{doc, project, Kind};

backend_cases!(indexed_lookups);

const BASE: [Field; 7] = base_fields();
const CUSTOMER: Schema = Schema(&[
    BASE[0],
    BASE[1],
    BASE[2],
    Field::body("email", FieldType::String),
]);
const CART: Schema = Schema(&[
    BASE[0],
    BASE[1],
    BASE[2],
    Field::body("anonymousId", FieldType::String),
]);

/// Documents per collection, so that an index is clearly the cheaper plan for PostgreSQL.
const ROWS: usize = 2000;

async fn fill(store: &std::sync::Arc<dyn Storage>, p: &str) {
    let mut tasks = Vec::new();
    for chunk in 0..8 {
        let (store, p) = (store.clone(), p.to_string());
        tasks.push(tokio::spawn(async move {
            for i in (chunk..ROWS).step_by(8) {
                for coll in [Collection::Stores, Collection::Customers, Collection::Carts] {
                    let body = json!({
                        "email": format!("user{i}@example.com"),
                        "anonymousId": format!("anon-{i}"),
                        "n": i,
                    });
                    let d = doc(&format!("id-{i:05}"), Some(&format!("key-{i:05}")), 1, body);
                    store
                        .insert(coll, &p, &d, &Uniqueness::default())
                        .await
                        .expect("insert");
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
}

/// Refresh PostgreSQL's statistics so the planner knows the table sizes.
async fn analyze() {
    let pool = sqlx::PgPool::connect(&storekeep_testpg::url())
        .await
        .expect("connect");
    for t in ["stores", "customers", "carts"] {
        sqlx::query(&format!("ANALYZE {t}"))
            .execute(&pool)
            .await
            .expect("analyze");
    }
    pool.close().await;
}

async fn plan(b: &Backend, coll: Collection, p: &str, schema: Schema, src: &str) -> String {
    let q = match src {
        "" => Query::all(20),
        _ => Query {
            filter: Some(validate_predicate(src, schema, &HashMap::new()).expect("valid")),
            ..Query::all(20)
        },
    };
    let r = match b {
        Backend::Sqlite(s) => s.explain(coll, p, &q).await,
        Backend::Postgres(s) => s.explain(coll, p, &q).await,
    };
    r.expect("explain")
}

async fn indexed_lookups(b: Backend, kind: Kind) {
    let store = b.storage();
    let p = project();
    fill(&store, &p).await;
    if kind == Kind::Postgres {
        analyze().await;
    }
    let st = crate::fixture::SCHEMA;
    let cases = [
        (
            Collection::Stores,
            st,
            "id = \"id-00042\"",
            "PRIMARY KEY",
            "stores_pkey",
        ),
        (
            Collection::Stores,
            st,
            "key = \"key-00042\"",
            "stores_key",
            "stores_key",
        ),
        (Collection::Stores, st, "", "PRIMARY KEY", "stores_pkey"),
        (
            Collection::Customers,
            CUSTOMER,
            "id = \"id-00042\"",
            "PRIMARY KEY",
            "customers_pkey",
        ),
        (
            Collection::Customers,
            CUSTOMER,
            "key = \"key-00042\"",
            "customers_key",
            "customers_key",
        ),
        (
            Collection::Customers,
            CUSTOMER,
            "email = \"user42@example.com\"",
            "customers_email",
            "customers_email",
        ),
        (
            Collection::Carts,
            CART,
            "anonymousId = \"anon-42\"",
            "carts_anonymous",
            "carts_anonymous",
        ),
    ];
    let mut failures = Vec::new();
    for (coll, schema, src, sqlite_index, pg_index) in cases {
        let text = plan(&b, coll, &p, schema, src).await;
        let ok = match kind {
            Kind::Sqlite => {
                let uses = ["USING INDEX", "USING PRIMARY KEY", "USING COVERING INDEX"]
                    .iter()
                    .any(|u| text.contains(u));
                let full_scan = text.lines().any(|l| {
                    let l = l.trim();
                    l.starts_with("SCAN") && !l.contains("USING")
                });
                // Lookups by id, key or email need no sort step for the id tie-breaker.
                let sorts = text.contains("TEMP B-TREE") && !src.is_empty();
                uses && !full_scan && !sorts && text.contains(sqlite_index)
            }
            Kind::Postgres => {
                let uses = ["Index Scan", "Bitmap Index Scan", "Index Only Scan"]
                    .iter()
                    .any(|u| text.contains(u));
                uses && !text.contains("Seq Scan") && text.contains(pg_index)
            }
        };
        if !ok {
            failures.push(format!("{coll:?} where {src:?}:\n{text}"));
        }
    }
    // The in-store form of the lookup (W2 of the benchmark) adds the visibility filter (D1):
    // still the email index, and on SQLite no sort step.
    let in_store = Query {
        filter: ValidFilter::and_opt(
            Some(
                validate_predicate("email = \"user42@example.com\"", CUSTOMER, &HashMap::new())
                    .expect("valid"),
            ),
            Some(visible_in_store("s")),
        ),
        ..Query::all(20)
    };
    let text = match &b {
        Backend::Sqlite(s) => s.explain(Collection::Customers, &p, &in_store).await,
        Backend::Postgres(s) => s.explain(Collection::Customers, &p, &in_store).await,
    }
    .expect("explain");
    let ok = match kind {
        Kind::Sqlite => text.contains("customers_email") && !text.contains("TEMP B-TREE"),
        Kind::Postgres => text.contains("customers_email") && !text.contains("Seq Scan"),
    };
    if !ok {
        failures.push(format!("in-store email lookup:\n{text}"));
    }
    // The lookups themselves still answer correctly.
    let q = Query {
        filter: Some(
            validate_predicate("email = \"user42@example.com\"", CUSTOMER, &HashMap::new())
                .expect("valid"),
        ),
        ..Query::all(20)
    };
    let page = store
        .query(Collection::Customers, &p, &q)
        .await
        .expect("query");
    assert_eq!(
        crate::fixture::ids(&page.docs),
        vec!["id-00042".to_string()]
    );
    assert!(
        failures.is_empty(),
        "{kind:?}: plans without index use:\n{}",
        failures.join("\n")
    );
}

backend_cases!(exclusion_check_generic_plan);

/// PostgreSQL caches a generic plan for a prepared statement; without planner statistics
/// (autovacuum off, nothing analysed) it once chose `claims_owner` for the exclusion check and
/// scanned every claim of the collection per sign-up. The check must use `claims_value`.
async fn exclusion_check_generic_plan(_b: Backend, kind: Kind) {
    if kind != Kind::Postgres {
        return;
    }
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&storekeep_testpg::url())
        .await
        .expect("connect");
    sqlx::query("SET plan_cache_mode = force_generic_plan")
        .execute(&mut conn)
        .await
        .expect("set");
    let prepare = format!(
        "PREPARE excl(text, text, text, text, int, text) AS {}",
        storekeep_sql::sql::FIND_EXCLUDED
    );
    sqlx::raw_sql(&prepare)
        .execute(&mut conn)
        .await
        .expect("prepare");
    let rows: Vec<String> = sqlx::query_scalar(
        "EXPLAIN EXECUTE excl('p', 'customers', 'a@example.com', 'email:', 6, 'o')",
    )
    .fetch_all(&mut conn)
    .await
    .expect("explain");
    let plan = rows.join("\n");
    assert!(plan.contains("claims_value"), "generic plan:\n{plan}");
}
