//! Issue 21 F10: a customer's Argon2 hash is never returned — not by the project or in-store
//! REST reads and queries (store-scoped view tokens included), not by `/me`, not by GraphQL,
//! not in sign-up, sign-in or update answers. The hash lives beside the body (migration 0007),
//! and customers stored before that migration still sign in: their hash moves out of the
//! body when the database is migrated.

use std::path::Path;
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;
use storekeep_core::storage::{Collection, Storage};
use storekeep_sql::{PgStore, SqliteStore};

use crate::harness::{postgres_url, Harness, Kind};
use crate::log_capture::Watch;
use crate::sessions::{access, Cust, Shop, A, PW};

/// Assert an answer carries no hash (and so no `password` of any customer in it).
fn no_hash(what: &str, status: StatusCode, body: &Value) {
    assert!(status.is_success(), "{what}: {status} {body}");
    let text = body.to_string();
    assert!(
        text.contains("shop.test"),
        "{what}: a customer is in the answer: {text}"
    );
    assert!(!text.contains("$argon2"), "{what}: the hash leaked: {text}");
    assert!(
        !text.contains("\"password\":\""),
        "{what}: a password field: {text}"
    );
}

/// A GraphQL query with the given token; the answer must have no errors.
async fn graphql(s: &Shop, token: &str, query: &str) -> (StatusCode, Value) {
    let uri = format!("/{}/graphql", s.p);
    let (status, body) =
        s.h.call(
            Method::POST,
            &uri,
            Some(token),
            Some(json!({ "query": query })),
        )
        .await;
    assert!(body.get("errors").is_none(), "{query}: {body}");
    (status, body)
}

/// Every read path of the customer `c` (of store `A` when `store` is set).
async fn every_read_path(s: &Shop, c: &Cust, store: Option<&str>) {
    let p = &s.p;
    let admin = s.h.admin_token.clone();
    let base = match store {
        None => format!("/{p}"),
        Some(st) => format!("/{p}/in-store/key={st}"),
    };
    let reads = [
        format!("/{p}/customers/{}", c.id),
        format!("/{p}/customers?where=id%3D%22{}%22", c.id),
        format!("/{p}/customers"),
        format!("{base}/customers/{}", c.id),
        format!("{base}/customers?limit=500"),
    ];
    for uri in &reads {
        let (status, body) = s.get(uri, &admin).await;
        no_hash(uri, status, &body);
    }
    // A store-scoped view token.
    let view = s.h.token(&format!("view_customers:{p}:{A}")).await;
    for uri in [
        format!("/{p}/in-store/key={A}/customers/{}", c.id),
        format!("/{p}/in-store/key={A}/customers"),
    ] {
        let (status, body) = s.get(&uri, &view).await;
        no_hash(&format!("view token {uri}"), status, &body);
    }
    // Sign-in answers (REST) and /me with a password-flow token.
    let sign_in = json!({"email": c.email, "password": PW});
    let (status, body) = s
        .post(&format!("{base}/login"), &admin, sign_in.clone())
        .await;
    no_hash("login", status, &body);
    let token = access(&s.login(store, c).await);
    let (status, body) = s.get(&s.me(store, ""), &token).await;
    no_hash("/me", status, &body);
    let anonymous = access(&s.anonymous().await);
    let (status, body) = s.post(&s.me(store, "/login"), &anonymous, sign_in).await;
    no_hash("/me/login", status, &body);
    let version = body["customer"]["version"].as_i64().unwrap();
    let update =
        json!({"version": version, "actions": [{"action": "setFirstName", "firstName": "X"}]});
    let (status, body) = s.post(&s.me(store, ""), &token, update).await;
    no_hash("update /me", status, &body);
    // GraphQL: the field exists and is null, for the admin and for the customer.
    let q = format!(
        "{{ customer(id: \"{}\") {{ email password }} customers {{ results {{ email password }} }} }}",
        c.id
    );
    let (status, body) = graphql(s, &admin, &q).await;
    no_hash("GraphQL customer(s)", status, &body);
    assert_eq!(body["data"]["customer"]["password"], Value::Null, "{body}");
    let (q, me) = match store {
        None => (
            "{ me { customer { email password } } }".to_string(),
            "/data/me",
        ),
        Some(st) => (
            format!("{{ inStore(key: \"{st}\") {{ me {{ customer {{ email password }} }} }} }}"),
            "/data/inStore/me",
        ),
    };
    let (status, body) = graphql(s, &token, &q).await;
    no_hash("GraphQL me", status, &body);
    let customer = body.pointer(me).unwrap()["customer"].clone();
    assert_eq!(customer["password"], Value::Null, "{body}");
    assert!(customer["email"].is_string(), "{body}");
}

#[tokio::test]
async fn the_hash_is_never_returned() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let admin = s.h.admin_token.clone();
        // Sign-up answers, project and in-store.
        for (uri, email) in [
            (format!("/{p}/customers"), "new-g@shop.test"),
            (
                format!("/{p}/in-store/key={A}/customers"),
                "new-a@shop.test",
            ),
        ] {
            let body = json!({"email": email, "password": PW});
            let (status, r) = s.h.call(Method::POST, &uri, Some(&admin), Some(body)).await;
            no_hash(&uri, status, &r);
        }
        every_read_path(&s, &s.g1, None).await;
        every_read_path(&s, &s.a1, Some(A)).await;
        // The hash is still where sign-in finds it.
        let stored =
            s.h.services
                .repo
                .storage()
                .get(
                    Collection::Customers,
                    &p,
                    storekeep_core::storage::Lookup::Id(&s.a1.id),
                )
                .await
                .unwrap()
                .unwrap();
        assert!(!stored.body.contains("argon2"), "{}", stored.body);
        assert!(stored.secret.unwrap().starts_with("$argon2id$"));
    })
    .await;
}

/// Put the database back to schema version 6 with the hash of every customer in its body
/// (as storekeep stored customers before migration 0007).
const TABLES: [&str; 8] = [
    "projects",
    "stores",
    "customers",
    "api_clients",
    "carts",
    "oauth_tokens",
    "client_secrets",
    "customer_tokens",
];

fn downgrade_sqlite(file: &Path) {
    let conn = rusqlite::Connection::open(file).unwrap();
    conn.execute_batch(
        "UPDATE customers SET body = json_set(body, '$.password', secret) WHERE secret IS NOT NULL",
    )
    .unwrap();
    for t in TABLES {
        conn.execute_batch(&format!("ALTER TABLE {t} DROP COLUMN secret"))
            .unwrap();
    }
    conn.execute_batch("DELETE FROM storekeep_migrations WHERE version = 7")
        .unwrap();
}

async fn downgrade_postgres(url: &str) {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query(
        "UPDATE customers SET body = jsonb_set(body, '{password}', to_jsonb(secret)) \
         WHERE secret IS NOT NULL",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for t in TABLES {
        sqlx::query(&format!("ALTER TABLE {t} DROP COLUMN secret"))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    sqlx::query("DELETE FROM storekeep_migrations WHERE version = 7")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

/// Sign up a customer on `h`; returns its id.
async fn old_customer(h: &Harness) -> String {
    let body = json!({"email": "Old@shop.test", "password": "old-pass", "key": "old"});
    let uri = format!("/{}/customers", h.project);
    let (status, r) = h
        .call(Method::POST, &uri, Some(&h.admin_token), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    r["customer"]["id"].as_str().unwrap().to_string()
}

/// After the migration, on the reopened storage: the old customer signs in, and neither
/// reads nor the stored body hold its hash.
async fn after_migration(before: &Harness, storage: Arc<dyn Storage>, kind: Kind, id: &str) {
    let stored = storage
        .get(
            Collection::Customers,
            &before.project,
            storekeep_core::storage::Lookup::Id(id),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.body.contains("argon2"),
        "migrated body: {}",
        stored.body
    );
    assert!(stored.secret.as_deref().unwrap().starts_with("$argon2id$"));
    let mut h = Harness::over(kind, storage, Watch::start())
        .await
        .cheap_passwords();
    h.project = before.project.clone();
    h.admin_token = before.admin_token.clone();
    let p = h.project.clone();
    let login = json!({"email": "old@shop.test", "password": "old-pass"});
    let (status, r) = h
        .call(
            Method::POST,
            &format!("/{p}/login"),
            Some(&h.admin_token),
            Some(login),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(!r.to_string().contains("argon2"), "{r}");
    let wrong = json!({"email": "old@shop.test", "password": "other"});
    let (status, r) = h
        .call(
            Method::POST,
            &format!("/{p}/login"),
            Some(&h.admin_token),
            Some(wrong),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{r}");
    let (status, r) = h
        .call(
            Method::GET,
            &format!("/{p}/customers/key=old"),
            Some(&h.admin_token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(!r.to_string().contains("argon2"), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_customers_stored_before_the_migration_still_sign_in() {
    let dir = std::env::temp_dir().join(format!("storekeep-f10-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("old.db");
    let url = format!("sqlite:{}", file.display());
    let store = SqliteStore::connect(&url).await.unwrap();
    let before = Harness::over(Kind::Sqlite, Arc::new(store.clone()), Watch::start())
        .await
        .cheap_passwords();
    let id = old_customer(&before).await;
    store.close().await;
    downgrade_sqlite(&file);
    let conn = rusqlite::Connection::open(&file).unwrap();
    let body: String = conn
        .query_row("SELECT body FROM customers WHERE id = ?1", [&id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(body.contains("$argon2id$"), "the old layout: {body}");
    drop(conn);
    let store = SqliteStore::connect(&url).await.unwrap();
    after_migration(&before, Arc::new(store.clone()), Kind::Sqlite, &id).await;
    store.close().await;
    drop(before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_customers_stored_before_the_migration_still_sign_in() {
    let Some(url) = postgres_url() else {
        println!("PostgreSQL pass skipped: STOREKEEP_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = format!("storekeep_f10_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let mut u = url::Url::parse(&url).unwrap();
    u.set_path(&format!("/{db}"));
    let fresh = u.to_string();
    let store = PgStore::connect(&fresh, 4).await.unwrap();
    let before = Harness::over(Kind::Postgres, Arc::new(store.clone()), Watch::start())
        .await
        .cheap_passwords();
    let id = old_customer(&before).await;
    store.close().await;
    downgrade_postgres(&fresh).await;
    let store = PgStore::connect(&fresh, 4).await.unwrap();
    after_migration(&before, Arc::new(store.clone()), Kind::Postgres, &id).await;
    store.close().await;
    drop(before);
    sqlx::query(&format!("DROP DATABASE {db} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
}
