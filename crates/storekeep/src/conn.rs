//! One HTTP/1 connection and its timeouts (issue 21, F4: slow clients held connections
//! forever). The connection knows whether a request is in progress (the service wrapper
//! counts them) and when bytes last moved (the socket wrapper), so that:
//!
//! - a request head must be complete within the header-read timeout, counted from the
//!   connection's opening or from the first byte of a later request;
//! - a keep-alive connection with no request in progress and no bytes moving for the idle
//!   timeout is closed (a response that a client stops reading counts as idle too);
//! - a request body must arrive within the body-read timeout of its head;
//! - at most [`LARGE_BODY_SLOTS`] requests with a body over 64 KiB (or of unknown length) are
//!   in progress at once across all connections, so that bodies of up to 2 MiB cannot add up
//!   to gigabytes over thousands of connections; beyond, 503 `OverCapacity`;
//! - the listener may evict the connection when the connection limit is reached, but only
//!   while no request is in progress, and asks it to finish gracefully at shutdown.
//!
//! hyper's own header-read timer also runs while a keep-alive connection idles, so the two
//! timeouts could not differ; this module times both itself (hyper's is off).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, Response};
use axum::Router;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// Largest request head and read-ahead buffer of one connection. Bounds what a client that
/// sends headers (slowly or not) can make the server hold: 16 KiB, Node.js's default header
/// limit; hyper answers a longer head with 431.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// A body larger than this (or of unknown length) needs one of the large-body slots.
pub const LARGE_BODY_BYTES: u64 = 64 * 1024;

/// Requests with a large body in progress at once (each body at most 2 MiB).
pub const LARGE_BODY_SLOTS: usize = 64;

/// Does the request announce a large body (or one of unknown length)?
fn large_body(req: &Request<Incoming>) -> bool {
    let length = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match length {
        Some(n) => n > LARGE_BODY_BYTES,
        None => req
            .headers()
            .contains_key(axum::http::header::TRANSFER_ENCODING),
    }
}

/// The answer when every large-body slot is taken.
fn busy_with_large_bodies() -> Response<Body> {
    use axum::response::IntoResponse;
    storekeep_http::error::HttpError(storekeep_core::ApiError::OverCapacity {
        message: "The server is receiving too many large request bodies; retry later.".into(),
        retry_after_secs: 1,
    })
    .into_response()
}

/// The timeouts of a connection.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub header_read: Duration,
    pub idle: Duration,
    pub body_read: Duration,
}

/// The server's phase, as connections see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Serving,
    /// Finish the request in progress, then close.
    Draining,
}

/// What the listener and the connection's task know about one connection.
pub struct ConnState {
    /// Increasing with the time of opening (the listener evicts the oldest first).
    pub id: u64,
    opened: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds since `opened` when bytes last moved.
    last_activity_ms: AtomicU64,
    /// Milliseconds since `opened`, plus one, when the current request head began (0: none).
    head_started_ms: AtomicU64,
    evicting: AtomicBool,
    evict: Notify,
}

impl ConnState {
    /// A connection opened now: its first request head is timed from this moment.
    pub fn new(id: u64) -> ConnState {
        ConnState {
            id,
            opened: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last_activity_ms: AtomicU64::new(0),
            head_started_ms: AtomicU64::new(1),
            evicting: AtomicBool::new(false),
            evict: Notify::new(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.opened.elapsed().as_millis() as u64
    }

    fn on_bytes(&self, read: bool) {
        let now = self.now_ms();
        self.last_activity_ms.store(now, Ordering::Relaxed);
        if read && self.in_flight.load(Ordering::Acquire) == 0 {
            let _ = self.head_started_ms.compare_exchange(
                0,
                now + 1,
                Ordering::AcqRel,
                Ordering::Relaxed,
            );
        }
    }

    /// Is a request in progress?
    pub fn busy(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
    }

    /// How long the connection has been waiting for a request: since its current request
    /// head began, or, between requests, since bytes last moved.
    pub fn waiting(&self) -> Duration {
        let now = self.now_ms();
        let ms = match self.head_started_ms.load(Ordering::Acquire) {
            0 => now.saturating_sub(self.last_activity_ms.load(Ordering::Relaxed)),
            started => (now + 1).saturating_sub(started),
        };
        Duration::from_millis(ms)
    }

    /// Ask the connection to close if it is idle (the connection limit is reached). Returns
    /// false if it is busy or already asked.
    pub fn evict(&self) -> bool {
        if self.busy() || self.evicting.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.evict.notify_one();
        true
    }

    /// Why the connection should close now, if it should.
    fn expired(&self, t: &Timeouts) -> Option<&'static str> {
        if self.busy() {
            return None;
        }
        let now = self.now_ms();
        match self.head_started_ms.load(Ordering::Acquire) {
            0 => {
                let idle = now.saturating_sub(self.last_activity_ms.load(Ordering::Relaxed));
                (idle >= t.idle.as_millis() as u64).then_some("idle timeout")
            }
            started => {
                let reading = (now + 1).saturating_sub(started);
                (reading >= t.header_read.as_millis() as u64).then_some("header-read timeout")
            }
        }
    }
}

/// The socket, reporting every byte moved to the connection's state.
struct Tracked {
    io: TcpStream,
    state: Arc<ConnState>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.state.on_bytes(true);
        }
        r
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.state.on_bytes(false);
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.state.on_bytes(false);
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// Marks a request in progress until dropped (its response is ready or it was cancelled).
struct InFlight(Arc<ConnState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
        self.0.on_bytes(false);
    }
}

/// A request body that fails once its deadline has passed (a client sending its body slowly
/// cannot hold the connection and the handler past the body-read timeout).
struct DeadlineBody {
    inner: Incoming,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl hyper::body::Body for DeadlineBody {
    type Data = hyper::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err("request body read timed out".into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The connection's service: counts the request in progress, takes a large-body slot when
/// needed, puts the body under its deadline and runs the application.
fn service(
    app: Router,
    state: Arc<ConnState>,
    body_read: Duration,
    large_bodies: Arc<tokio::sync::Semaphore>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<Body>,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<Response<Body>, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |req: Request<Incoming>| {
        state.in_flight.fetch_add(1, Ordering::AcqRel);
        state.head_started_ms.store(0, Ordering::Release);
        let guard = InFlight(state.clone());
        let slot = large_body(&req).then(|| large_bodies.clone().try_acquire_owned().ok());
        let sleep = Box::pin(tokio::time::sleep(body_read));
        let req = req.map(|inner| Body::new(DeadlineBody { inner, sleep }));
        let app = app.clone();
        async move {
            if let Some(None) = slot {
                return Ok(busy_with_large_bodies());
            }
            let resp = app.oneshot(req).await;
            drop((guard, slot));
            resp
        }
    })
}

/// Serve one connection until it ends, times out, is evicted or the server drains.
pub async fn serve(
    stream: TcpStream,
    app: Router,
    state: Arc<ConnState>,
    timeouts: Timeouts,
    large_bodies: Arc<tokio::sync::Semaphore>,
    mut phase: watch::Receiver<Phase>,
) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Tracked {
        io: stream,
        state: state.clone(),
    });
    let svc = service(app, state.clone(), timeouts.body_read, large_bodies);
    let conn = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(None)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(io, svc);
    tokio::pin!(conn);
    // The timeouts are checked this often: each is enforced within a quarter of the shorter.
    let tick = (timeouts.header_read.min(timeouts.idle) / 4).max(Duration::from_millis(50));
    let mut draining = *phase.borrow() == Phase::Draining;
    if draining {
        conn.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            _ = tokio::time::sleep(tick) => {
                if let Some(why) = state.expired(&timeouts) {
                    tracing::debug!(reason = why, "closing a connection");
                    return;
                }
            }
            _ = state.evict.notified() => {
                if !state.busy() {
                    tracing::debug!("closing an idle connection: connection limit reached");
                    return;
                }
                state.evicting.store(false, Ordering::Release);
            }
            changed = phase.changed(), if !draining => {
                if changed.is_err() || *phase.borrow() == Phase::Draining {
                    draining = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}
