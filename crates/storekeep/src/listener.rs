//! The accept loop: a connection limit below the open-file limit, eviction of idle
//! connections when it is reached, and a graceful shutdown with a bound (issue 21, F4 and
//! item 2).
//!
//! At the limit a new connection is still accepted if an older connection with no request in
//! progress (idle keep-alive, or a client still sending its request head) can be closed for
//! it, oldest first; otherwise it is answered `503 OverCapacity` and closed at once. So a
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

/// Connections that may be open beyond the limit while evicted ones are closing.
pub const EVICTION_SLACK: usize = 16;

/// The limits of the listener.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub timeouts: Timeouts,
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
    fn admit(&self, max: usize) -> Admission {
        let Ok(mut conns) = self.conns.lock() else {
            return Admission::Refuse;
        };
        if conns.len() >= max {
            let room = conns.len() < max + EVICTION_SLACK
                && conns.values().any(|c| !c.busy() && c.evict());
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

/// The answer to a connection beyond the limit: written without waiting, then closed.
fn refuse(stream: TcpStream) {
    let e = ApiError::OverCapacity {
        message: "The server has too many open connections; retry later.".into(),
        retry_after_secs: 1,
    };
    let body = e.to_body().to_string();
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.try_write(format!("{head}{body}").as_bytes());
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
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => match registry.admit(limits.max_connections) {
                    Admission::Accept(state) => {
                        let guard = Registered(registry.clone(), state.id);
                        let (app, phase) = (app.clone(), phase_rx.clone());
                        tasks.spawn(async move {
                            conn::serve(stream, app, state, limits.timeouts, phase).await;
                            drop(guard);
                        });
                    }
                    Admission::Refuse => {
                        refuse(stream);
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
        }
    }
    drop(listener);
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
