//! A small keep-alive HTTP/1 client for the API and the auth server (the same shape as
//! `storekeep-bench`'s), with a per-request timeout so that a killed server shows up as a
//! prompt error, and a bearer token from the client-credentials grant.

use std::time::Duration;

use anyhow::{anyhow, Context};
use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// How long one request may take before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The API client credentials of a project.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub project: String,
    pub client_id: String,
    pub client_secret: String,
}

/// An HTTP client sharing one connection pool; `token` is empty until [`Http::authorize`].
#[derive(Clone)]
pub struct Http {
    http: Client<HttpConnector, Full<Bytes>>,
    token: String,
    timeout: Duration,
}

/// A response: status, parsed JSON body (Null when empty or not JSON) and `Retry-After`.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<String>,
}

fn basic(id: &str, secret: &str) -> String {
    let raw = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Percent-encode a query parameter or form value.
pub fn enc(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

impl Http {
    /// A client keeping up to `idle` connections per host.
    pub fn new(idle: usize) -> Http {
        Http::with_idle(idle.max(1))
    }

    /// A client that opens a new connection for every request (probes during a flood, where
    /// the server may close idle connections at any moment).
    pub fn unpooled() -> Http {
        Http::with_idle(0)
    }

    fn with_idle(idle: usize) -> Http {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(2)));
        let http = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(idle)
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Http {
            http,
            token: String::new(),
            timeout: REQUEST_TIMEOUT,
        }
    }

    /// The same client with another per-request timeout (a client that gives up sooner and
    /// disconnects).
    pub fn with_timeout(&self, timeout: Duration) -> Http {
        Http {
            timeout,
            ..self.clone()
        }
    }

    /// Obtain a client-credentials token from the auth server at `base`.
    pub async fn authorize(&mut self, base: &str, creds: &Credentials) -> anyhow::Result<()> {
        let r = self
            .form(
                &format!("{base}/oauth/token"),
                "grant_type=client_credentials",
                creds,
            )
            .await?;
        if !r.status.is_success() {
            return Err(anyhow!("token request failed: {} {}", r.status, r.body));
        }
        self.token = r.body["access_token"]
            .as_str()
            .context("no access_token in the token response")?
            .to_string();
        Ok(())
    }

    /// The bearer token of [`Http::authorize`].
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The same client (its own connection pool) with another bearer token.
    pub fn with_token(&self, token: &str) -> Http {
        Http {
            http: self.http.clone(),
            token: token.to_string(),
            timeout: self.timeout,
        }
    }

    /// POST a form with Basic client authentication (the OAuth endpoints).
    pub async fn form(&self, url: &str, body: &str, creds: &Credentials) -> anyhow::Result<Reply> {
        let req = Request::builder()
            .method(Method::POST)
            .uri(url)
            .header(
                "authorization",
                basic(&creds.client_id, &creds.client_secret),
            )
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body.to_string())))?;
        self.send(req).await
    }

    /// A call with the bearer token: `base` is `http://host:port`, `path` starts with `/`.
    pub async fn call(
        &self,
        method: Method,
        base: &str,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Reply> {
        let bytes = match body {
            Some(v) => Bytes::from(serde_json::to_vec(v)?),
            None => Bytes::new(),
        };
        let req = Request::builder()
            .method(method)
            .uri(format!("{base}{path}"))
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json")
            .body(Full::new(bytes))?;
        self.send(req).await
    }

    /// A GET with the bearer token whose body is counted, not kept (large answers): the
    /// status and the body's length in bytes.
    pub async fn get_len(&self, base: &str, path: &str) -> anyhow::Result<(StatusCode, u64)> {
        let req = Request::builder()
            .method(Method::GET)
            .uri(format!("{base}{path}"))
            .header("authorization", format!("Bearer {}", self.token))
            .body(Full::new(Bytes::new()))?;
        let work = async {
            let resp = self.http.request(req).await?;
            let status = resp.status();
            let mut body = resp.into_body();
            let mut n = 0u64;
            while let Some(frame) = body.frame().await {
                if let Some(data) = frame?.data_ref() {
                    n += data.len() as u64;
                }
            }
            Ok::<_, anyhow::Error>((status, n))
        };
        tokio::time::timeout(REQUEST_TIMEOUT, work)
            .await
            .map_err(|_| anyhow!("request timed out after {REQUEST_TIMEOUT:?}"))?
    }

    /// A GET without authentication (`/health`, `/ready`).
    pub async fn probe(&self, url: &str) -> anyhow::Result<StatusCode> {
        let req = Request::builder()
            .method(Method::GET)
            .uri(url)
            .body(Full::new(Bytes::new()))?;
        Ok(self.send(req).await?.status)
    }

    async fn send(&self, req: Request<Full<Bytes>>) -> anyhow::Result<Reply> {
        let work = async {
            let resp = self.http.request(req).await?;
            let status = resp.status();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let bytes = resp.into_body().collect().await?.to_bytes();
            Ok::<_, anyhow::Error>((status, retry_after, bytes))
        };
        let timeout = self.timeout;
        let (status, retry_after, bytes) = tokio::time::timeout(timeout, work)
            .await
            .map_err(|_| anyhow!("request timed out after {timeout:?}"))??;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Ok(Reply {
            status,
            body,
            retry_after,
        })
    }
}
