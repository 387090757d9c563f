//! A small keep-alive HTTP/1 client for the API and the auth server, with the bearer token
//! of a client-credentials grant.

use anyhow::{anyhow, Context};
use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// Where the server is and how to authenticate.
#[derive(Debug, Clone)]
pub struct Target {
    pub api_url: String,
    pub auth_url: String,
    pub project: String,
    pub client_id: String,
    pub client_secret: String,
}

/// An API client sharing one connection pool.
#[derive(Clone)]
pub struct Api {
    http: Client<HttpConnector, Full<Bytes>>,
    pub target: Target,
    token: String,
}

/// A response: status and parsed JSON body (Null when empty or not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

fn basic(id: &str, secret: &str) -> String {
    let raw = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// A keep-alive HTTP/1 client. `max_idle` only bounds the connections kept idle for reuse:
/// hyper's legacy client opens a new connection whenever a request finds none idle, so the
/// number of connections in use is not limited (a flood of N requests gets N connections).
fn http_client(max_idle: usize) -> Client<HttpConnector, Full<Bytes>> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(max_idle)
        .build(connector)
}

impl Api {
    /// Connect and obtain a client-credentials token.
    pub async fn connect(target: Target, concurrency: usize) -> anyhow::Result<Api> {
        let mut api = Api {
            http: http_client(concurrency * 2),
            target,
            token: String::new(),
        };
        let url = format!("{}/oauth/token", api.target.auth_url);
        let r = api
            .form(
                &url,
                "grant_type=client_credentials",
                &api.target.client_id.clone(),
                &api.target.client_secret.clone(),
            )
            .await?;
        if !r.status.is_success() {
            return Err(anyhow!("token request failed: {} {}", r.status, r.body));
        }
        api.token = r.body["access_token"]
            .as_str()
            .context("no access_token")?
            .to_string();
        Ok(api)
    }

    /// The same target and token on a new, empty connection pool keeping up to `max_idle`
    /// idle connections: a burst of requests on it opens its own connections and does not
    /// take the warm ones of this client.
    pub fn with_own_pool(&self, max_idle: usize) -> Api {
        Api {
            http: http_client(max_idle),
            target: self.target.clone(),
            token: self.token.clone(),
        }
    }

    /// POST a form to the auth server with Basic client authentication.
    pub async fn form(
        &self,
        url: &str,
        body: &str,
        id: &str,
        secret: &str,
    ) -> anyhow::Result<Reply> {
        let req = Request::builder()
            .method(Method::POST)
            .uri(url)
            .header("authorization", basic(id, secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body.to_string())))?;
        self.send(req).await
    }

    /// A call to the API with the bearer token; `path` starts with `/{project}`.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Reply> {
        let uri = format!("{}{}", self.target.api_url, path);
        let bytes = match body {
            Some(v) => Bytes::from(serde_json::to_vec(v)?),
            None => Bytes::new(),
        };
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json")
            .body(Full::new(bytes))?;
        self.send(req).await
    }

    async fn send(&self, req: Request<Full<Bytes>>) -> anyhow::Result<Reply> {
        let resp = self.http.request(req).await?;
        let status = resp.status();
        let bytes = resp.into_body().collect().await?.to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Ok(Reply { status, body })
    }
}

/// Percent-encode a query parameter value.
pub fn enc(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}
