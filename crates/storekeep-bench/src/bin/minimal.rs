//! `storekeep-bench-minimal`: the reference server storekeep is measured against — a minimal
//! axum + SQLite server with no business logic, serving only the requests `storekeep-bench`
//! makes to seed (token, store, customer creation) and to run W1, W2 and W4.
//!
//! It is a measurement reference, not an implementation of the commercetools API: no
//! validation beyond what keeps it from crashing, no predicates (W2's `where` is cut between
//! its quotes), no store visibility rules (an in-store read sees every customer), no update
//! actions but `setFirstName`, no passwords (W3, W5 and W6 are not served), one project (the
//! project segment of the path is ignored), and stores live in memory only.
//!
//! What it does do is the work any such server has to do: HTTP/1 with axum, a bearer-token
//! check on every API request (a string comparison with the token made at start), JSON in and
//! out, and a durable SQLite file like storekeep's (WAL, `synchronous=FULL`). Reads run inline
//! on the async worker thread on a small pool of read-only connections with cached statements;
//! writes run one at a time on one write connection in `spawn_blocking`, each in its own
//! autocommit transaction (no group commit).
//!
//! ```text
//! storekeep-bench-minimal --listen 127.0.0.1:8990 --database /tmp/storekeep-minimal.db
//! storekeep-bench --api-url http://127.0.0.1:8990 --project-key bench --client-id x \
//!     --client-secret y --password-customers 0 --workloads w1,w2,w4 --server-pid <PID>
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Parser;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension};
use serde_json::{json, Value};

/// A minimal axum + SQLite server for storekeep-bench's W1, W2 and W4 (a reference, not an
/// API implementation).
#[derive(Parser, Debug)]
#[command(name = "storekeep-bench-minimal", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8990")]
    listen: SocketAddr,
    /// SQLite database file (created if missing).
    #[arg(long, default_value = "/tmp/storekeep-minimal.db")]
    database: String,
    /// Project key named in the token's scope.
    #[arg(long, default_value = "bench")]
    project_key: String,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    email TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS customers_email ON customers (email, scope);
";

struct App {
    /// `Bearer <token>`, the one accepted `Authorization` header.
    bearer: String,
    token: String,
    scope: String,
    path: String,
    readers: Mutex<Vec<Connection>>,
    writer: Mutex<Connection>,
    stores: Mutex<HashMap<String, Value>>,
}

type Shared = Arc<App>;

/// Why a database call failed.
enum Fail {
    Sql(rusqlite::Error),
    Internal(&'static str),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Self {
        Fail::Sql(e)
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let message = match self {
            Fail::Sql(e) => e.to_string(),
            Fail::Internal(m) => m.to_string(),
        };
        error(StatusCode::INTERNAL_SERVER_ERROR, "General", &message)
    }
}

/// A commercetools-shaped error body.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({
        "statusCode": status.as_u16(),
        "message": message,
        "errors": [{"code": code, "message": message}],
    });
    (status, Json(body)).into_response()
}

/// A JSON document already serialized (a stored body).
fn raw_json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn open_reader(path: &str) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

fn open_writer(path: &str) -> anyhow::Result<Connection> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open {path}"))?;
    let mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    anyhow::ensure!(mode.eq_ignore_ascii_case("wal"), "journal_mode is {mode}");
    c.execute_batch("PRAGMA synchronous = FULL;")?;
    c.execute_batch(SCHEMA)?;
    Ok(c)
}

impl App {
    /// Run a read inline on a pooled read-only connection (opened on demand).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, Fail> {
        let pooled = self
            .readers
            .lock()
            .map_err(|_| Fail::Internal("reader pool poisoned"))?
            .pop();
        let c = match pooled {
            Some(c) => c,
            None => open_reader(&self.path)?,
        };
        let r = f(&c);
        if let Ok(mut idle) = self.readers.lock() {
            idle.push(c);
        }
        Ok(r?)
    }
}

/// Run a write on the write connection, on the blocking pool.
async fn write<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
) -> Result<T, Fail> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let c = app
            .writer
            .lock()
            .map_err(|_| Fail::Internal("writer poisoned"))?;
        Ok(f(&c)?)
    })
    .await
    .map_err(|_| Fail::Internal("write task failed"))?
}

/// `key=abc` → `abc`.
fn key(segment: &str) -> Option<&str> {
    segment.strip_prefix("key=")
}

async fn auth(State(app): State<Shared>, req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == app.bearer.as_bytes());
    if ok {
        next.run(req).await
    } else {
        error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "missing or invalid bearer token",
        )
    }
}

/// `POST /oauth/token`: any client gets the token.
async fn issue_token(State(app): State<Shared>) -> Json<Value> {
    Json(json!({
        "access_token": app.token,
        "token_type": "Bearer",
        "expires_in": 172_800,
        "scope": app.scope,
    }))
}

/// `GET /{p}/stores/key={k}`.
async fn get_store(State(app): State<Shared>, Path((_p, seg)): Path<(String, String)>) -> Response {
    let found = key(&seg).and_then(|k| app.stores.lock().ok()?.get(k).cloned());
    match found {
        Some(store) => Json(store).into_response(),
        None => error(StatusCode::NOT_FOUND, "ResourceNotFound", "no such store"),
    }
}

/// `POST /{p}/stores`: echo the draft with an id and version.
async fn create_store(State(app): State<Shared>, Json(mut draft): Json<Value>) -> Response {
    let Some(k) = draft.get("key").and_then(Value::as_str).map(str::to_owned) else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidInput",
            "a store needs a key",
        );
    };
    if let Some(m) = draft.as_object_mut() {
        m.insert("id".into(), json!(uuid::Uuid::new_v4().to_string()));
        m.insert("version".into(), json!(1));
    }
    let Ok(mut stores) = app.stores.lock() else {
        return Fail::Internal("stores poisoned").into_response();
    };
    if stores.contains_key(&k) {
        return error(
            StatusCode::BAD_REQUEST,
            "DuplicateField",
            "the key is taken",
        );
    }
    stores.insert(k, draft.clone());
    (StatusCode::CREATED, Json(draft)).into_response()
}

/// `POST /{p}/customers`.
async fn create_customer(
    State(app): State<Shared>,
    Path(_p): Path<String>,
    Json(draft): Json<Value>,
) -> Response {
    insert_customer(&app, draft, None).await
}

/// `POST /{p}/in-store/key={s}/customers`.
async fn create_customer_in_store(
    State(app): State<Shared>,
    Path((_p, seg)): Path<(String, String)>,
    Json(draft): Json<Value>,
) -> Response {
    let Some(store) = key(&seg) else {
        return error(StatusCode::NOT_FOUND, "ResourceNotFound", "no such store");
    };
    insert_customer(&app, draft, Some(store.to_owned())).await
}

async fn insert_customer(app: &Shared, mut draft: Value, store: Option<String>) -> Response {
    let Some(m) = draft.as_object_mut() else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidInput",
            "expected an object",
        );
    };
    let Some(email) = m.get("email").and_then(Value::as_str).map(str::to_owned) else {
        return error(StatusCode::BAD_REQUEST, "InvalidInput", "email is required");
    };
    let id = uuid::Uuid::new_v4().to_string();
    m.remove("password");
    m.insert("id".into(), json!(id));
    m.insert("version".into(), json!(1));
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    m.insert("createdAt".into(), json!(now));
    if let Some(s) = &store {
        m.insert("stores".into(), json!([{"typeId": "store", "key": s}]));
    }
    let body = draft.to_string();
    let scope = store.unwrap_or_default();
    let inserted = write(app, move |c| {
        c.prepare_cached(
            "INSERT INTO customers (id, scope, email, version, body) VALUES (?1, ?2, ?3, 1, ?4)",
        )?
        .execute(params![id, scope, email, body])
    })
    .await;
    match inserted {
        Ok(_) => (StatusCode::CREATED, Json(json!({"customer": draft}))).into_response(),
        Err(Fail::Sql(e)) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
            error(
                StatusCode::BAD_REQUEST,
                "DuplicateField",
                "a customer with this email exists",
            )
        }
        Err(e) => e.into_response(),
    }
}

/// W1: `GET /{p}/in-store/key={s}/customers/{id}`.
async fn get_customer(
    State(app): State<Shared>,
    Path((_p, _s, id)): Path<(String, String, String)>,
) -> Response {
    let found = app.read(|c| {
        c.prepare_cached("SELECT body FROM customers WHERE id = ?1")?
            .query_row([&id], |r| r.get::<_, String>(0))
            .optional()
    });
    match found {
        Ok(Some(body)) => raw_json(StatusCode::OK, body),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "no such customer",
        ),
        Err(e) => e.into_response(),
    }
}

/// W2: `GET /{p}/in-store/key={s}/customers?where=email = "…"`: the email is what lies
/// between the first and the last double quote.
async fn query_customers(
    State(app): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = q
        .get("where")
        .and_then(|w| w.get(w.find('"')? + 1..w.rfind('"')?));
    let Some(email) = email else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidInput",
            "expected where=email = \"…\"",
        );
    };
    let bodies = app.read(|c| {
        c.prepare_cached("SELECT body FROM customers WHERE email = ?1 LIMIT 20")?
            .query_map([email], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    });
    match bodies {
        Ok(bodies) => raw_json(
            StatusCode::OK,
            format!(
                r#"{{"limit":20,"offset":0,"count":{},"results":[{}]}}"#,
                bodies.len(),
                bodies.join(",")
            ),
        ),
        Err(e) => e.into_response(),
    }
}

/// What a W4 update came to.
enum Updated {
    Body(String),
    Conflict(i64),
    Missing,
}

/// W4: `POST /{p}/in-store/key={s}/customers/{id}` with `setFirstName` actions.
async fn update_customer(
    State(app): State<Shared>,
    Path((_p, _s, id)): Path<(String, String, String)>,
    Json(update): Json<Value>,
) -> Response {
    let Some(version) = update.get("version").and_then(Value::as_i64) else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidInput",
            "version is required",
        );
    };
    let mut first_name = None;
    for a in update
        .get("actions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if a.get("action").and_then(Value::as_str) != Some("setFirstName") {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidInput",
                "only setFirstName is supported",
            );
        }
        first_name = a
            .get("firstName")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    let updated = write(&app, move |c| {
        let body = c
            .prepare_cached(
                "UPDATE customers \
                 SET body = json_set(body, '$.firstName', ?1, '$.version', ?2 + 1), \
                     version = ?2 + 1 \
                 WHERE id = ?3 AND version = ?2 RETURNING body",
            )?
            .query_row(params![first_name, version, id], |r| r.get::<_, String>(0))
            .optional()?;
        if let Some(body) = body {
            return Ok(Updated::Body(body));
        }
        let current = c
            .prepare_cached("SELECT version FROM customers WHERE id = ?1")?
            .query_row([&id], |r| r.get::<_, i64>(0))
            .optional()?;
        Ok(current.map_or(Updated::Missing, Updated::Conflict))
    })
    .await;
    match updated {
        Ok(Updated::Body(body)) => raw_json(StatusCode::OK, body),
        Ok(Updated::Conflict(current)) => {
            let message = format!(
                "The customer has a different version than expected. \
                 Expected: {version} - Actual: {current}."
            );
            let body = json!({
                "statusCode": 409,
                "message": message,
                "errors": [{
                    "code": "ConcurrentModification",
                    "message": message,
                    "currentVersion": current,
                }],
            });
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
        Ok(Updated::Missing) => error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "no such customer",
        ),
        Err(e) => e.into_response(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let writer = open_writer(&a.database)?;
    let token = uuid::Uuid::new_v4().simple().to_string();
    let app = Arc::new(App {
        bearer: format!("Bearer {token}"),
        token,
        scope: format!("manage_project:{}", a.project_key),
        path: a.database.clone(),
        readers: Mutex::new(Vec::new()),
        writer: Mutex::new(writer),
        stores: Mutex::new(HashMap::new()),
    });
    let api = Router::new()
        .route("/{p}/stores", post(create_store))
        .route("/{p}/stores/{key}", get(get_store))
        .route("/{p}/customers", post(create_customer))
        .route(
            "/{p}/in-store/{store}/customers",
            get(query_customers).post(create_customer_in_store),
        )
        .route(
            "/{p}/in-store/{store}/customers/{id}",
            get(get_customer).post(update_customer),
        )
        .route_layer(middleware::from_fn_with_state(app.clone(), auth));
    let router = Router::new()
        .route("/oauth/token", post(issue_token))
        .merge(api)
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(a.listen)
        .await
        .with_context(|| format!("cannot listen on {}", a.listen))?;
    eprintln!(
        "storekeep-bench-minimal listening on {} (database {})",
        a.listen, a.database
    );
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
