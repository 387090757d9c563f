//! The accept loop: a connection limit below the open-file limit, eviction of idle
//! connections when it is reached, and a graceful shutdown with a bound (issue 21, F4 and
//! item 2).
//!
//! At the limit a new connection is still accepted if an older connection with no request in
//! progress that has been waiting for at least a second (idle keep-alive, or a client still
//! sending its request head) can be closed for it, oldest first; otherwise it is answered
//! `503 OverCapacity` and closed at once. The second spares a client whose request has just
//! arrived and is about to be served. So a
//! flood of slow or idle connections cannot lock out a client that sends its request
//! promptly, and the process never runs out of descriptors (`axum::serve` has neither a limit
//! nor per-connection timeouts; 20,000 slow connections took every descriptor).
//!
//! Shutdown: stop accepting, let every connection finish its request in progress and close
//! (idle ones at once), and after the shutdown timeout close whatever is left.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use storekeep_core::ApiError;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::conn::{self, ConnState, Phase, Timeouts};

/// How long a connection must have waited for a request before it may be evicted.
pub const EVICTABLE_AFTER: Duration = Duration::from_secs(1);

/// Connections that may be open beyond the limit while evicted ones are closing.
pub const EVICTION_SLACK: usize = 16;

/// The limits of the listener.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub timeouts: Timeouts,
    /// Requests with a body over 64 KiB in progress at once ([`conn::LARGE_BODY_SLOTS`]).
    pub large_body_slots: usize,
    /// How long a connection must have waited for a request before it may be evicted.
    pub evictable_after: Duration,
    /// How long a shutdown waits for requests in progress before closing their connections.
    pub shutdown_timeout: Duration,
}

/// The open connections, oldest first.
#[derive(Default)]
struct Registry {
    conns: Mutex<BTreeMap<u64, Arc<ConnState>>>,
    next_id: AtomicU64,
    evicted: AtomicU64,
    refused: AtomicU64,
    last_report: Mutex<Option<Instant>>,
}

/// Removes a connection from the registry when its task ends (or is aborted).
struct Registered(Arc<Registry>, u64);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut c) = self.0.conns.lock() {
            c.remove(&self.1);
        }
    }
}

/// What a new connection gets.
enum Admission {
    Accept(Arc<ConnState>),
    Refuse,
}

impl Registry {
    fn admit(&self, max: usize, evictable_after: Duration) -> Admission {
        let Ok(mut conns) = self.conns.lock() else {
            return Admission::Refuse;
        };
        if conns.len() >= max {
            let room = conns.len() < max + EVICTION_SLACK
                && conns
                    .values()
                    .any(|c| !c.busy() && c.waiting() >= evictable_after && c.evict());
            if !room {
                self.refused.fetch_add(1, Ordering::Relaxed);
                return Admission::Refuse;
            }
            self.evicted.fetch_add(1, Ordering::Relaxed);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(ConnState::new(id));
        conns.insert(id, state.clone());
        Admission::Accept(state)
    }

    /// Warn about evictions and refusals at most every ten seconds.
    fn report(&self) {
        let Ok(mut last) = self.last_report.lock() else {
            return;
        };
        if last.is_some_and(|t| t.elapsed() < Duration::from_secs(10)) {
            return;
        }
        let (evicted, refused) = (
            self.evicted.swap(0, Ordering::Relaxed),
            self.refused.swap(0, Ordering::Relaxed),
        );
        if evicted + refused > 0 {
            tracing::warn!(
                evicted,
                refused,
                "connection limit reached: closed idle connections for new ones, refused the rest"
            );
            *last = Some(Instant::now());
        }
    }

    fn len(&self) -> usize {
        self.conns.lock().map(|c| c.len()).unwrap_or(0)
    }
}

/// Refused connections being answered at once (each holds a descriptor for at most
/// [`REFUSAL_LINGER`]); beyond, a refused connection is closed without an answer.
pub const REFUSAL_SLOTS: usize = 16;

/// How long a refused connection may take to receive its answer.
const REFUSAL_LINGER: Duration = Duration::from_secs(1);

/// The answer to a connection beyond the limit: a 503 `OverCapacity`, then close. The
/// client's request is read and thrown away first (up to 16 KiB), because closing a socket
/// with unread input makes the kernel send a reset that can destroy the answer in flight.
async fn refuse(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let e = ApiError::OverCapacity {
        message: "The server has too many open connections; retry later.".into(),
        retry_after_secs: 1,
    };
    let body = e.to_body().to_string();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_LINGER, async {
        let mut buf = [0u8; 4096];
        let mut read = 0;
        // The request head, if it is already there, then the answer.
        while read < 16 * 1024 {
            match tokio::time::timeout(Duration::from_millis(50), stream.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => read += n,
                _ => break,
            }
        }
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        while stream.read(&mut buf).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

/// Serve `app` on `listener` until `shutdown` resolves, then drain within the bound. Returns
/// how many connections were still open at the bound and had to be closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> usize {
    let registry = Arc::new(Registry::default());
    let (phase_tx, phase_rx) = watch::channel(Phase::Serving);
    let mut tasks = JoinSet::new();
    let mut refusing = JoinSet::new();
    let large_bodies = Arc::new(tokio::sync::Semaphore::new(limits.large_body_slots));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => match registry.admit(limits.max_connections, limits.evictable_after) {
                    Admission::Accept(state) => {
                        let guard = Registered(registry.clone(), state.id);
                        let (app, phase) = (app.clone(), phase_rx.clone());
                        let bodies = large_bodies.clone();
                        tasks.spawn(async move {
                            let t = limits.timeouts;
                            conn::serve(stream, app, state, t, bodies, phase).await;
                            drop(guard);
                        });
                    }
                    Admission::Refuse => {
                        if refusing.len() < REFUSAL_SLOTS {
                            refusing.spawn(refuse(stream));
                        }
                        registry.report();
                    }
                },
                Err(e) => {
                    // Out of descriptors (EMFILE) or a connection reset before accept: wait
                    // a little instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = tasks.join_next(), if !tasks.is_empty() => registry.report(),
            Some(_) = refusing.join_next(), if !refusing.is_empty() => {}
        }
    }
    drop(listener);
    refusing.abort_all();
    let open = registry.len();
    tracing::info!(
        connections = open,
        bound_secs = limits.shutdown_timeout.as_secs_f64(),
        "shutting down: no new connections; finishing requests in progress"
    );
    let _ = phase_tx.send(Phase::Draining);
    let drained = tokio::time::timeout(limits.shutdown_timeout, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_ok() {
        return 0;
    }
    let left = tasks.len();
    tracing::warn!(
        connections = left,
        "shutdown timeout reached: closing connections with requests still in progress"
    );
    tasks.shutdown().await;
    left
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// `/health`, and `/slow`, which reports that it started and then never answers.
    fn app(entered: tokio::sync::mpsc::UnboundedSender<()>) -> Router {
        let posted = entered.clone();
        Router::new()
            .route("/health", get(|| async { "ok" }))
            .route(
                "/slow",
                get(move || async move {
                    let _ = entered.send(());
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    "late"
                })
                .post(move || async move {
                    let _ = posted.send(());
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    "late"
                }),
            )
    }

    fn limits(max_connections: usize) -> Limits {
        let long = Duration::from_secs(3600);
        Limits {
            max_connections,
            large_body_slots: 1,
            evictable_after: Duration::ZERO,
            timeouts: Timeouts {
                header_read: long,
                idle: long,
                body_read: long,
            },
            shutdown_timeout: Duration::from_millis(500),
        }
    }

    struct Running {
        addr: std::net::SocketAddr,
        stop: tokio::sync::oneshot::Sender<()>,
        server: tokio::task::JoinHandle<usize>,
        entered: tokio::sync::mpsc::UnboundedReceiver<()>,
    }

    async fn start(max: usize) -> Running {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (tx, entered) = tokio::sync::mpsc::unbounded_channel();
        let server = tokio::spawn(serve(l, app(tx), limits(max), async {
            let _ = stopped.await;
        }));
        Running {
            addr,
            stop,
            server,
            entered,
        }
    }

    async fn send(addr: std::net::SocketAddr, path: &str) -> TcpStream {
        let mut c = TcpStream::connect(addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        c.write_all(req.as_bytes()).await.unwrap();
        c
    }

    async fn answer(mut c: TcpStream) -> String {
        let mut s = String::new();
        let _ = c.read_to_string(&mut s).await;
        s
    }

    #[tokio::test]
    async fn at_the_limit_the_oldest_idle_connection_makes_room() {
        let Running {
            addr, stop, server, ..
        } = start(2).await;
        let mut idle = Vec::new();
        for _ in 0..2 {
            idle.push(TcpStream::connect(addr).await.unwrap());
        }
        // Both idle connections are accepted before the next (one accept loop, in order).
        let ok = answer(send(addr, "/health").await).await;
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        // The oldest idle connection was closed for it.
        let mut first = idle.remove(0);
        let mut buf = [0u8; 16];
        assert_eq!(first.read(&mut buf).await.unwrap_or(0), 0);
        let _ = stop.send(());
        assert_eq!(
            server.await.unwrap(),
            0,
            "idle connections close at shutdown"
        );
    }

    #[tokio::test]
    async fn at_the_limit_with_every_connection_busy_the_answer_is_503() {
        let mut r = start(2).await;
        let _busy = [send(r.addr, "/slow").await, send(r.addr, "/slow").await];
        // Both requests are in progress: no connection may be evicted.
        r.entered.recv().await.unwrap();
        r.entered.recv().await.unwrap();
        let refused = answer(send(r.addr, "/health").await).await;
        assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
        assert!(refused.contains("retry-after: 1"), "{refused}");
        assert!(refused.contains(r#""code":"OverCapacity""#), "{refused}");
        // Shutdown: the two requests in progress are cut at the bound.
        let _ = r.stop.send(());
        assert_eq!(r.server.await.unwrap(), 2);
    }

    #[tokio::test]
    async fn large_bodies_beyond_the_slots_are_answered_503() {
        let mut r = start(8).await;
        let post = |len: usize| {
            format!("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: {len}\r\n\r\n{{")
        };
        let mut first = TcpStream::connect(r.addr).await.unwrap();
        first.write_all(post(100_000).as_bytes()).await.unwrap();
        // The handler runs only once the request holds the one slot.
        r.entered.recv().await.unwrap();
        let mut c = TcpStream::connect(r.addr).await.unwrap();
        c.write_all(post(100_000).as_bytes()).await.unwrap();
        let refused = answer(c).await;
        // A small body needs no slot.
        let small = answer(send(r.addr, "/health").await).await;
        assert!(small.starts_with("HTTP/1.1 200"), "{small}");
        assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
        assert!(refused.contains(r#""code":"OverCapacity""#), "{refused}");
        let _ = r.stop.send(());
        let _ = r.server.await;
    }
}
