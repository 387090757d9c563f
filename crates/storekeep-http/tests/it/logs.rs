//! Secrets and tokens never reach the log: a TRACE-level subscriber captures everything while
//! a client is created, a token issued, introspected and used, and the client deleted.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::http::{Method, StatusCode};
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

use crate::harness::{basic, Harness, Kind};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The process-wide TRACE subscriber, installed once; every test's events land in its
/// buffer (a thread-local subscriber misses events while other tests run in parallel, because
/// of tracing's per-callsite interest caching).
fn captured() -> &'static Buffer {
    static BUF: OnceLock<Buffer> = OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Buffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(buf.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        buf
    })
}

#[tokio::test]
async fn secrets_and_tokens_are_never_logged() {
    let buf = captured();
    let h = Harness::new(Kind::Sqlite).await;
    let p = h.project.clone();
    let uri = format!("/{p}/api-clients");
    let draft = json!({"name": "logged", "scope": format!("manage_project:{p}")});
    let (status, created) = h
        .call(Method::POST, &uri, Some(&h.admin_token), Some(draft))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap().to_string();
    let secret = created["secret"].as_str().unwrap().to_string();
    let token = h.token_of(&id, &secret).await;
    let (status, _, _) = h
        .post_form(
            "/oauth/introspect",
            Some(&basic(&id, &secret)),
            &format!("token={token}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h
        .call(Method::GET, &format!("/{p}/stores"), Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h.request_token(&id, "wrong-secret-value", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = h
        .call(Method::DELETE, &format!("{uri}/{id}"), Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);

    let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("route=/oauth/token") && log.contains("route=/{project}/api-clients/{id}"),
        "the subscriber captured the request spans ({} bytes)",
        log.len()
    );
    for (what, value) in [
        ("client secret", secret.as_str()),
        ("access token", token.as_str()),
        ("admin secret", h.admin_secret.as_str()),
        ("admin token", h.admin_token.as_str()),
        ("wrong secret", "wrong-secret-value"),
    ] {
        assert!(!log.contains(value), "the {what} appears in the log");
    }
}
