//! The whole test binary runs under one process-wide TRACE subscriber whose output lands in
//! an in-memory buffer (installed by the first [`Harness`](crate::harness::Harness)), and
//! every harness checks on drop that no secret it saw appears in what was logged while it
//! lived (issue 10 item 5).
//!
//! The harness notes secrets as they pass through it: bearer tokens and Basic credentials of
//! requests, passwords, client secrets and tokens of JSON and form bodies, and the access and
//! refresh tokens, client secrets and customer-token values of responses. Tests run in
//! parallel in one process, so a harness scans the log written from its creation to its drop
//! (other tests' events included); the buffer drops what no live harness still needs.
//!
//! A value counts as a secret only if it has at least 8 characters and is not a plain word
//! (`password` is a grant type as well as a common test password), so fixtures such as
//! `"p"` are not looked for.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;
use tracing_subscriber::fmt::MakeWriter;

/// The captured log: bytes from absolute offset `base` on, and the start offsets of the live
/// watches (the bytes before the smallest are no longer needed).
#[derive(Default)]
struct Log {
    base: usize,
    bytes: Vec<u8>,
    watches: BTreeMap<u64, usize>,
    next_watch: u64,
}

impl Log {
    fn end(&self) -> usize {
        self.base + self.bytes.len()
    }

    /// Forget the bytes that no live watch needs.
    fn trim(&mut self) {
        let keep_from = self.watches.values().min().copied().unwrap_or(self.end());
        let drop = keep_from.saturating_sub(self.base).min(self.bytes.len());
        if drop > 0 {
            self.bytes.drain(..drop);
            self.base += drop;
        }
    }
}

/// The writer the subscriber formats into.
#[derive(Clone, Default)]
pub struct Buffer(Arc<Mutex<Log>>);

impl Buffer {
    fn lock(&self) -> MutexGuard<'_, Log> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lock().bytes.extend_from_slice(buf);
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

/// The process-wide TRACE subscriber, installed at first use (a thread-local subscriber would
/// miss events while other tests run in parallel, because of tracing's per-callsite interest
/// caching).
pub fn buffer() -> &'static Buffer {
    static BUF: OnceLock<Buffer> = OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Buffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(buf.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the test binary");
        buf
    })
}

/// Is `v` worth looking for in the log?
fn is_secret(v: &str) -> bool {
    v.chars().count() >= 8 && !v.chars().all(|c| c.is_ascii_alphabetic())
}

/// The secrets one harness has seen, and the part of the log it checks.
pub struct Watch {
    id: u64,
    secrets: Arc<Mutex<HashSet<String>>>,
}

/// JSON keys whose string values are secrets, in requests and responses.
const SECRET_KEYS: [&str; 9] = [
    "password",
    "newPassword",
    "currentPassword",
    "secret",
    "client_secret",
    "access_token",
    "refresh_token",
    "tokenValue",
    "token",
];

/// Form fields whose values are secrets.
const SECRET_FORM_FIELDS: [&str; 4] = ["password", "client_secret", "refresh_token", "token"];

impl Watch {
    /// Start watching the log from now.
    pub fn start() -> Watch {
        let mut log = buffer().lock();
        let id = log.next_watch;
        log.next_watch += 1;
        let end = log.end();
        log.watches.insert(id, end);
        Watch {
            id,
            secrets: Arc::default(),
        }
    }

    /// A watch over the same secrets that checks nothing itself (a second instance).
    pub fn share(&self) -> Watch {
        Watch {
            id: u64::MAX,
            secrets: self.secrets.clone(),
        }
    }

    /// Note a secret value.
    pub fn note(&self, v: &str) {
        if is_secret(v) {
            let mut s = self.secrets.lock().unwrap_or_else(|e| e.into_inner());
            s.insert(v.to_string());
        }
    }

    /// Note the secrets of an `Authorization` header value.
    pub fn note_authorization(&self, value: &str) {
        if let Some(t) = value.strip_prefix("Bearer ") {
            self.note(t);
        } else if let Some(b) = value.strip_prefix("Basic ") {
            let decoded = STANDARD.decode(b).unwrap_or_default();
            let text = String::from_utf8_lossy(&decoded);
            if let Some((_, secret)) = text.split_once(':') {
                self.note(secret);
            }
        }
    }

    /// Note the secrets of a request or response body (JSON or a form). Bodies far over the
    /// server's limit are refused unread, so they are not looked into either.
    pub fn note_body(&self, bytes: &[u8]) {
        if bytes.len() > 4 * storekeep_http::MAX_BODY_BYTES {
            return;
        }
        if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
            self.note_json(&v);
        } else if let Ok(text) = std::str::from_utf8(bytes) {
            for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
                if SECRET_FORM_FIELDS.contains(&k.as_ref()) {
                    self.note(&v);
                }
            }
        }
    }

    fn note_json(&self, v: &Value) {
        match v {
            Value::Object(m) => {
                // A customer token (`{id, customerId, value, expiresAt}`), REST or GraphQL.
                if m.contains_key("customerId") && m.contains_key("expiresAt") {
                    if let Some(Value::String(t)) = m.get("value") {
                        self.note(t);
                    }
                }
                for (k, x) in m {
                    match x {
                        Value::String(s) if SECRET_KEYS.contains(&k.as_str()) => {
                            // Stored hashes are returned on purpose; only plain values count.
                            if !s.starts_with("$argon2") {
                                self.note(s);
                            }
                        }
                        _ => self.note_json(x),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.note_json(x)),
            _ => {}
        }
    }

    /// The secrets noted so far.
    pub fn secrets(&self) -> Vec<String> {
        let s = self.secrets.lock().unwrap_or_else(|e| e.into_inner());
        s.iter().cloned().collect()
    }

    /// The secrets that appear in the log written since the watch started.
    pub fn leaked(&self) -> Vec<String> {
        let log = buffer().lock();
        let Some(start) = log.watches.get(&self.id) else {
            return Vec::new();
        };
        let from = start.saturating_sub(log.base).min(log.bytes.len());
        let text = String::from_utf8_lossy(&log.bytes[from..]);
        let mut found: Vec<String> = self
            .secrets()
            .into_iter()
            .filter(|s| text.contains(s.as_str()))
            .collect();
        found.sort();
        found
    }

    /// The log written since the watch started.
    pub fn text(&self) -> String {
        let log = buffer().lock();
        let start = log.watches.get(&self.id).copied().unwrap_or(log.end());
        let from = start.saturating_sub(log.base).min(log.bytes.len());
        String::from_utf8_lossy(&log.bytes[from..]).into_owned()
    }
}

impl Watch {
    /// Stop watching without the drop check; the secrets found in the log (the check's own
    /// test).
    pub fn finish(mut self) -> Vec<String> {
        let leaked = self.leaked();
        self.stop();
        leaked
    }

    /// Forget the watch's part of the log.
    fn stop(&mut self) {
        let mut log = buffer().lock();
        log.watches.remove(&self.id);
        log.trim();
        self.id = u64::MAX;
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if self.id == u64::MAX {
            return;
        }
        // Not while a test is already failing: a second panic would abort the binary.
        let leaked = if std::thread::panicking() {
            Vec::new()
        } else {
            self.leaked()
        };
        self.stop();
        assert!(
            leaked.is_empty(),
            "secrets appear in the TRACE log: {leaked:?}"
        );
    }
}
