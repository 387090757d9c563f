//! Hostile input over HTTP (issue 10 item 4): the fuzz corpora replayed against the router,
//! with deterministic mutations, on every backend. Every answer must be a 2xx or a typed 4xx
//! — the API's error body `{statusCode, message, errors:[{code, …}]}` (GraphQL: `errors` with
//! `extensions.code`) — and never a 5xx.
//!
//! - Predicates: every seed of `storekeep-predicate/fuzz/corpus/parse/` (every predicate of
//!   the spec), truncated, with flipped characters, deeply nested, as long `or` chains, with
//!   huge numbers and NUL characters, as `where` of the stores, customers (global and
//!   in-store), carts and API-client queries, of `HEAD`, as `sort`, and as GraphQL `where`.
//! - JSON bodies: every seed of `storekeep-core/fuzz/corpus/{drafts,updates}/` (a draft or an
//!   update of every action type), truncated, with flipped bytes, nested 100 000 deep, with
//!   huge numbers, wrong types, long strings, NUL characters and 10 000-element arrays, sent as
//!   creates and updates of stores, customers and carts.
//!
//! The mutations are in `mutations.rs`; the exact limits (`limit`, `offset`, update actions,
//! body size, GraphQL depth and complexity) and the NUL character are in `hostile_limits.rs`.

mod mutations;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, customer, id, post_raw, project, store};
use crate::harness::{each, Harness};

use mutations::{json_variants, predicate_extremes, predicate_variants, Rng};

/// The seed files of a corpus directory (relative to `crates/`), sorted.
pub fn seeds(dir: &str) -> Vec<(String, Vec<u8>)> {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("seed-")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Answers by status, for the figures, and every answer that is neither a 2xx nor a typed
/// 4xx ([`Tally::assert_clean`] fails on them, listing them all).
#[derive(Default)]
pub struct Tally(BTreeMap<String, usize>, Vec<String>);

impl Tally {
    /// Check one REST answer (`HEAD` answers have no body).
    pub fn rest(&mut self, what: &str, status: StatusCode, body: &Value, head: bool) {
        if !(status.is_success() || status.is_client_error()) {
            self.1.push(format!("{what}: {status} {body}"));
        }
        let code = if status.is_client_error() && !head {
            assert_eq!(body["statusCode"], status.as_u16(), "{what}: {body}");
            assert!(body["message"].is_string(), "{what}: {body}");
            let errors = body["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("{what}: {body}"));
            assert!(!errors.is_empty(), "{what}: {body}");
            for e in errors {
                assert!(
                    e["code"].is_string() && e["message"].is_string(),
                    "{what}: {body}"
                );
            }
            format!(" {}", errors[0]["code"].as_str().unwrap_or(""))
        } else {
            String::new()
        };
        *self
            .0
            .entry(format!("{}{code}", status.as_u16()))
            .or_default() += 1;
    }

    /// Check one GraphQL answer: data, or errors that each carry a code.
    pub fn graphql(&mut self, what: &str, status: StatusCode, body: &Value) {
        if !(status == StatusCode::OK || status.is_client_error()) {
            self.1.push(format!("{what}: {status} {body}"));
        }
        let mut key = format!("graphql {}", status.as_u16());
        if let Some(errors) = body.get("errors") {
            let errors = errors
                .as_array()
                .unwrap_or_else(|| panic!("{what}: {body}"));
            for e in errors {
                assert!(e["message"].is_string(), "{what}: {body}");
                assert!(e["extensions"]["code"].is_string(), "{what}: {body}");
            }
            key.push_str(&format!(
                " {}",
                errors[0]["extensions"]["code"].as_str().unwrap_or("")
            ));
        } else {
            assert!(body["data"].is_object(), "{what}: {body}");
        }
        *self.0.entry(key).or_default() += 1;
    }

    /// All answers counted.
    pub fn total(&self) -> usize {
        self.0.values().sum()
    }

    /// How many answers had a status of this class (`2`, `4`) — GraphQL ones included.
    pub fn class(&self, c: char) -> usize {
        let first = |k: &str| k.trim_start_matches("graphql ").starts_with(c);
        self.0
            .iter()
            .filter(|(k, _)| first(k))
            .map(|(_, n)| n)
            .sum()
    }

    /// Print the figures; fail if any answer was not a 2xx or a typed 4xx.
    pub fn assert_clean(&self, what: &str) {
        println!("{what}: {} answers: {:?}", self.total(), self.0);
        assert!(
            self.1.is_empty(),
            "{what}: {} answers are neither 2xx nor a typed 4xx:\n{}",
            self.1.len(),
            self.1.join("\n")
        );
    }
}

/// The longest URI sent (HTTP stacks refuse longer URIs before any handler runs;
/// longer predicates go only through GraphQL).
const MAX_QUERY: usize = 60_000;

/// Send one predicate everywhere a predicate goes.
async fn send_predicate(h: &Harness, t: &mut Tally, pred: &str) {
    let q: String = url::form_urlencoded::byte_serialize(pred.as_bytes()).collect();
    let p = project(h);
    for uri in [
        format!("{p}/stores?where={q}"),
        format!("{p}/customers?where={q}&var.missing=x"),
        format!("{p}/in-store/key=berlin/customers?where={q}"),
        format!("{p}/carts?where={q}&limit=1"),
        format!("{p}/api-clients?where={q}"),
        format!("{p}/stores?sort={q}"),
        format!("{p}/customers?where={q}&where={q}&sort={q}"),
    ]
    .into_iter()
    .filter(|u| u.len() <= MAX_QUERY)
    {
        let (status, body) = admin(h, Method::GET, &uri, None).await;
        t.rest(&format!("GET {pred:.200}"), status, &body, false);
    }
    if q.len() <= MAX_QUERY {
        let (status, body) = admin(h, Method::HEAD, &format!("{p}/stores?where={q}"), None).await;
        t.rest(&format!("HEAD {pred:.200}"), status, &body, true);
    }
    let doc = "query($w: String, $s: [String!]) { stores(where: $w, sort: $s) { total } \
               customers(where: $w) { count } }";
    let gql = json!({"query": doc, "variables": {"w": pred, "s": [pred]}});
    let (status, body) = admin(h, Method::POST, &format!("{p}/graphql"), Some(gql)).await;
    t.graphql(&format!("GraphQL {pred:.200}"), status, &body);
}

/// The stores `berlin` and `munich`, a customer of `berlin` and a cart in it.
async fn fixtures(h: &Harness) {
    store(h, "berlin").await;
    store(h, "munich").await;
    customer(
        h,
        &format!("{}/in-store/key=berlin", project(h)),
        "fixture@hostile.test",
    )
    .await;
}

#[tokio::test]
async fn predicate_corpus_replay_answers_only_2xx_or_typed_4xx() {
    each(|h| async move {
        fixtures(&h).await;
        let mut rng = Rng::new(0x5eed_0001);
        let mut t = Tally::default();
        let corpus = seeds("storekeep-predicate/fuzz/corpus/parse");
        assert!(corpus.len() >= 37, "the predicate corpus: {}", corpus.len());
        for (_, bytes) in &corpus {
            let seed = String::from_utf8_lossy(bytes).into_owned();
            for v in predicate_variants(&seed, &mut rng) {
                send_predicate(&h, &mut t, &v).await;
            }
        }
        for v in predicate_extremes() {
            send_predicate(&h, &mut t, &v).await;
        }
        t.assert_clean(&format!("{:?} predicates", h.kind));
        assert!(
            t.class('2') > 0 && t.class('4') > 0,
            "both kinds of answers"
        );
    })
    .await;
}

/// The resources the updates go to: `(store key, customer id, cart id)`.
async fn update_targets(h: &Harness) -> (String, String, String) {
    let base = format!("{}/in-store/key=berlin", project(h));
    let c = customer(h, &base, "target@hostile.test").await;
    let body = json!({"currency": "EUR", "customLineItems": [{"name": {"en": "Fee"}, "slug": "fee",
        "key": "fee-key", "money": {"currencyCode": "EUR", "centAmount": 150}, "quantity": 2}],
        "itemShippingAddresses": [{"key": "item-1", "country": "DE"}]});
    let (status, cart) = admin(h, Method::POST, &format!("{base}/carts"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    ("berlin".into(), id(&c), id(&cart))
}

/// The current version of the resource at `uri`.
async fn version(h: &Harness, uri: &str) -> i64 {
    let (status, r) = admin(h, Method::GET, uri, None).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {r}");
    r["version"].as_i64().unwrap()
}

/// Set a JSON body's `version` to `v` if it has one (so updates reach the actions).
fn with_version(body: &[u8], v: i64) -> Vec<u8> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut m)) if m.get("version").is_some_and(Value::is_i64) => {
            m.insert("version".into(), json!(v));
            Value::Object(m).to_string().into_bytes()
        }
        _ => body.to_vec(),
    }
}

#[tokio::test]
async fn draft_and_update_corpus_replay_answers_only_2xx_or_typed_4xx() {
    each(|h| async move {
        let h = h.cheap_passwords();
        fixtures(&h).await;
        let (s, c, k) = update_targets(&h).await;
        let p = project(&h);
        let mut rng = Rng::new(0x5eed_0002);
        let mut t = Tally::default();
        let drafts = seeds("storekeep-core/fuzz/corpus/drafts");
        let updates = seeds("storekeep-core/fuzz/corpus/updates");
        assert!(
            drafts.len() >= 10 && updates.len() >= 90,
            "{} {}",
            drafts.len(),
            updates.len()
        );
        for (name, seed) in &drafts {
            let uris = match name.split('-').nth(1) {
                Some("store") => vec![format!("{p}/stores")],
                Some("customer") => vec![
                    format!("{p}/customers"),
                    format!("{p}/in-store/key=berlin/customers"),
                ],
                _ => vec![
                    format!("{p}/carts"),
                    format!("{p}/in-store/key=berlin/carts"),
                ],
            };
            for body in json_variants(seed, &mut rng) {
                for uri in &uris {
                    let (status, r) = post_raw(&h, uri, &h.admin_token, body.clone()).await;
                    t.rest(
                        &format!("{name} → {uri}: {:.300}", String::from_utf8_lossy(&body)),
                        status,
                        &r,
                        false,
                    );
                }
            }
        }
        for (name, seed) in &updates {
            let uri = match name.split('-').nth(1) {
                Some("store") => format!("{p}/stores/key={s}"),
                Some("customer") => format!("{p}/customers/{c}"),
                _ => format!("{p}/carts/{k}"),
            };
            for body in json_variants(seed, &mut rng) {
                let body = with_version(&body, version(&h, &uri).await);
                let (status, r) = post_raw(&h, &uri, &h.admin_token, body.clone()).await;
                t.rest(
                    &format!("{name}: {:.300}", String::from_utf8_lossy(&body)),
                    status,
                    &r,
                    false,
                );
            }
        }
        t.assert_clean(&format!("{:?} drafts and updates", h.kind));
        assert!(
            t.class('2') > 100 && t.class('4') > 100,
            "both kinds of answers"
        );
    })
    .await;
}
