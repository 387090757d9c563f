//! The writers of a crash run. Each writer owns its resources (nobody else writes them), so
//! it always knows the version it expects: customers it creates and extends with `addAddress`
//! (every address key is unique, so each acknowledged write stays visible in the final
//! document), stores it creates and renames with `setName`. Every answered write is logged
//! (see [`super::log`]); after a write with an unknown outcome or a 409 the writer reads the
//! resource back and reports acknowledged versions that went missing.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::{Method, StatusCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::log::{AckLog, Counters};
use crate::client::{Credentials, Http, Reply};

/// Most addresses a writer adds to one customer before it moves on to a new one.
const MAX_ADDRESSES: usize = 30;

/// The instances' base URLs and which of them failed recently.
pub struct Cluster {
    pub bases: Vec<String>,
    down_until_ms: Vec<AtomicU64>,
    epoch: Instant,
}

impl Cluster {
    /// Instances at these base URLs.
    pub fn new(bases: Vec<String>) -> Cluster {
        let down_until_ms = bases.iter().map(|_| AtomicU64::new(0)).collect();
        Cluster {
            bases,
            down_until_ms,
            epoch: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// The writer's home instance unless it failed in the last moments, else the first one
    /// that did not (the way a load balancer routes around a dead backend).
    fn pick(&self, home: usize) -> usize {
        let now = self.now_ms();
        let n = self.bases.len().max(1);
        (0..n)
            .map(|i| (home + i) % n)
            .find(|&i| self.down_until_ms[i].load(Ordering::Relaxed) <= now)
            .unwrap_or(home % n)
    }

    fn mark_down(&self, i: usize) {
        self.down_until_ms[i].store(self.now_ms() + 300, Ordering::Relaxed);
    }
}

/// What a writer shares with the others.
pub struct Shared {
    pub cluster: Cluster,
    pub creds: Credentials,
    pub log: AckLog,
    pub counters: Counters,
    pub stop: AtomicBool,
    /// Writers give up waiting for a server after this.
    pub deadline: Instant,
    pub run: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Customer,
    Store,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::Store => "store",
        }
    }
    fn path(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Store => "stores",
        }
    }
}

/// A resource the writer owns.
struct Owned {
    kind: Kind,
    id: String,
    key: String,
    /// The version the writer expects the server to have.
    version: i64,
    /// The highest acknowledged version and its value (store name, last address key).
    acked: i64,
    acked_value: String,
    /// Acknowledged address keys (customers).
    addresses: Vec<String>,
}

/// How a request ended.
enum Outcome {
    Ack(Value),
    Conflict,
    /// Refused with a 4xx (no write happened).
    Rejected(Reply),
    Unauthorized,
    /// No usable answer: the write may or may not have happened.
    Unknown,
}

/// One writer: runs until `stop` (or the deadline), then returns.
pub async fn writer(shared: Arc<Shared>, index: usize, mut http: Http, seed: u64) {
    let mut w = Writer {
        s: shared,
        index,
        rng: StdRng::seed_from_u64(seed),
        owned: Vec::new(),
        seq: 0,
    };
    if !w.authorize(&mut http).await {
        return;
    }
    while !w.s.stop.load(Ordering::Relaxed) && Instant::now() < w.s.deadline {
        if !w.step(&mut http).await {
            break;
        }
    }
}

struct Writer {
    s: Arc<Shared>,
    index: usize,
    rng: StdRng,
    owned: Vec<Owned>,
    seq: u64,
}

impl Writer {
    fn home(&self) -> usize {
        self.index
    }

    fn log(&self, entry: Value) {
        if let Err(e) = self.s.log.append(&entry) {
            eprintln!("writer {}: cannot append to the log: {e:#}", self.index);
        }
    }

    /// Get an access token (retrying while the server is down); false at the deadline.
    async fn authorize(&mut self, http: &mut Http) -> bool {
        while Instant::now() < self.s.deadline {
            let i = self.s.cluster.pick(self.home());
            match http
                .authorize(&self.s.cluster.bases[i], &self.s.creds)
                .await
            {
                Ok(()) => {
                    Counters::bump(&self.s.counters.tokens);
                    self.log(json!({"t": "token", "writer": self.index}));
                    return true;
                }
                Err(_) => {
                    self.s.cluster.mark_down(i);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        false
    }

    async fn send(&self, http: &Http, method: Method, path: &str, body: Option<&Value>) -> Outcome {
        let i = self.s.cluster.pick(self.home());
        let r = http
            .call(method, &self.s.cluster.bases[i], path, body)
            .await;
        match r {
            Ok(r) if r.status.is_success() => Outcome::Ack(r.body),
            Ok(r) if r.status == StatusCode::CONFLICT => Outcome::Conflict,
            Ok(r) if r.status == StatusCode::UNAUTHORIZED => Outcome::Unauthorized,
            Ok(r) if r.status.is_server_error() => {
                Counters::bump(&self.s.counters.server_errors);
                Outcome::Unknown
            }
            Ok(r) => Outcome::Rejected(r),
            Err(_) => {
                self.s.cluster.mark_down(i);
                Outcome::Unknown
            }
        }
    }

    /// One write; false when the writer must stop.
    async fn step(&mut self, http: &mut Http) -> bool {
        let live: Vec<usize> = (0..self.owned.len())
            .filter(|&i| {
                let o = &self.owned[i];
                o.kind == Kind::Store || o.addresses.len() < MAX_ADDRESSES
            })
            .collect();
        let customers: Vec<usize> = live
            .iter()
            .copied()
            .filter(|&i| self.owned[i].kind == Kind::Customer)
            .collect();
        let stores: Vec<usize> = live
            .iter()
            .copied()
            .filter(|&i| self.owned[i].kind == Kind::Store)
            .collect();
        let roll = self.rng.gen_range(0..100);
        let outcome = if stores.is_empty() || roll < 4 {
            self.create(http, Kind::Store).await
        } else if customers.is_empty() || roll < 12 {
            self.create(http, Kind::Customer).await
        } else if roll < 72 {
            let i = customers[self.rng.gen_range(0..customers.len())];
            self.update(http, i).await
        } else {
            let i = stores[self.rng.gen_range(0..stores.len())];
            self.update(http, i).await
        };
        match outcome {
            Some(Outcome::Unauthorized) => {
                // An issued token is an acknowledged write too.
                Counters::bump(&self.s.counters.tokens_lost);
                self.log(json!({"t": "token", "writer": self.index, "lost": true}));
                self.authorize(http).await
            }
            _ => true,
        }
    }

    fn next_value(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}{}-{}-{}", self.s.run, self.index, self.seq)
    }

    /// Create a customer or a store. `None` when the outcome was handled here.
    async fn create(&mut self, http: &Http, kind: Kind) -> Option<Outcome> {
        let p = self.s.creds.project.clone();
        let (key, body, path, value) = match kind {
            Kind::Store => {
                let key = self.next_value("s");
                let name = self.next_value("n");
                let body = json!({"key": key, "name": {"en": name}});
                (key, body, format!("/{p}/stores"), name)
            }
            Kind::Customer => {
                let key = self.next_value("c");
                let email = format!("{key}@chaos.example");
                let body =
                    json!({"key": key, "email": email, "authenticationMode": "ExternalAuth"});
                // Half of them are customers of one of the writer's stores (store-scoped
                // email claims), created through the in-store endpoint.
                let stores: Vec<&Owned> = self
                    .owned
                    .iter()
                    .filter(|o| o.kind == Kind::Store)
                    .collect();
                let path = match stores.len() {
                    0 => format!("/{p}/customers"),
                    n if self.rng.gen_bool(0.5) => {
                        let s = &stores[self.rng.gen_range(0..n)].key;
                        format!("/{p}/in-store/key={s}/customers")
                    }
                    _ => format!("/{p}/customers"),
                };
                (key, body, path, email)
            }
        };
        match self.send(http, Method::POST, &path, Some(&body)).await {
            Outcome::Ack(b) => {
                let doc = if kind == Kind::Customer {
                    &b["customer"]
                } else {
                    &b
                };
                let (Some(id), Some(version)) = (doc["id"].as_str(), doc["version"].as_i64())
                else {
                    Counters::bump(&self.s.counters.rejected);
                    return None;
                };
                Counters::bump(&self.s.counters.acked);
                self.log(
                    json!({"t": "ack", "kind": kind.name(), "op": "create", "id": id,
                    "key": key, "version": version, "value": value}),
                );
                self.owned.push(Owned {
                    kind,
                    id: id.to_string(),
                    key,
                    version,
                    acked: version,
                    acked_value: value,
                    addresses: Vec::new(),
                });
                None
            }
            Outcome::Unknown => {
                Counters::bump(&self.s.counters.unknown);
                self.log(json!({"t": "unknown", "kind": kind.name(), "op": "create",
                    "key": key, "version": 1, "value": value}));
                self.adopt(http, kind, &key).await;
                None
            }
            Outcome::Rejected(r) => {
                self.rejected(&r, &key);
                None
            }
            other => Some(other),
        }
    }

    fn rejected(&self, r: &Reply, what: &str) {
        Counters::bump(&self.s.counters.rejected);
        eprintln!(
            "writer {}: {what} refused: {} {}",
            self.index, r.status, r.body
        );
    }

    /// Read a resource (by `id` or `key=…`) from any live instance, retrying while none
    /// answers: `Some(Some(doc))`, `Some(None)` for 404, `None` at the deadline.
    async fn read(&self, http: &Http, kind: Kind, target: &str) -> Option<Option<Value>> {
        let path = format!("/{}/{}/{target}", self.s.creds.project, kind.path());
        let mut pause = 20;
        while Instant::now() < self.s.deadline {
            match self.send(http, Method::GET, &path, None).await {
                Outcome::Ack(b) => return Some(Some(b)),
                Outcome::Rejected(r) if r.status == StatusCode::NOT_FOUND => return Some(None),
                // The next write sees the 401 too and gets a new token.
                Outcome::Unauthorized => return None,
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(pause)).await;
            pause = (pause * 2).min(400);
        }
        None
    }

    /// After a create with an unknown outcome: take the resource over if it exists.
    async fn adopt(&mut self, http: &Http, kind: Kind, key: &str) {
        let Some(Some(doc)) = self.read(http, kind, &format!("key={key}")).await else {
            return;
        };
        let (Some(id), Some(version)) = (doc["id"].as_str(), doc["version"].as_i64()) else {
            return;
        };
        Counters::bump(&self.s.counters.adopted);
        self.log(
            json!({"t": "adopt", "kind": kind.name(), "id": id, "key": key, "version": version}),
        );
        let addresses = address_keys(&doc);
        let value = match kind {
            Kind::Store => doc["name"]["en"].as_str().unwrap_or_default().to_string(),
            Kind::Customer => doc["email"].as_str().unwrap_or_default().to_string(),
        };
        self.owned.push(Owned {
            kind,
            id: id.to_string(),
            key: key.to_string(),
            version,
            acked: 0,
            acked_value: value,
            addresses,
        });
    }

    /// One update of owned resource `i`. `None` when the outcome was handled here.
    async fn update(&mut self, http: &Http, i: usize) -> Option<Outcome> {
        let (kind, version) = (self.owned[i].kind, self.owned[i].version);
        let value = match kind {
            Kind::Customer => self.next_value("a"),
            Kind::Store => self.next_value("n"),
        };
        let (op, action) = match kind {
            Kind::Customer => (
                "addAddress",
                json!({"action": "addAddress", "address": {"key": value, "country": "DE"}}),
            ),
            Kind::Store => (
                "setName",
                json!({"action": "setName", "name": {"en": value}}),
            ),
        };
        let o = &self.owned[i];
        let path = format!("/{}/{}/{}", self.s.creds.project, kind.path(), o.id);
        let body = json!({"version": version, "actions": [action]});
        let id = o.id.clone();
        match self.send(http, Method::POST, &path, Some(&body)).await {
            Outcome::Ack(b) => {
                let Some(v) = b["version"].as_i64() else {
                    Counters::bump(&self.s.counters.rejected);
                    return None;
                };
                Counters::bump(&self.s.counters.acked);
                self.log(json!({"t": "ack", "kind": kind.name(), "op": op, "id": id,
                    "version": v, "value": value}));
                let o = &mut self.owned[i];
                o.version = v;
                o.acked = v;
                o.acked_value = value.clone();
                if kind == Kind::Customer {
                    o.addresses.push(value);
                }
                None
            }
            Outcome::Unknown => {
                Counters::bump(&self.s.counters.unknown);
                self.log(
                    json!({"t": "unknown", "kind": kind.name(), "op": op, "id": id,
                    "version": version + 1, "value": value}),
                );
                self.resync(http, i).await;
                None
            }
            Outcome::Conflict => {
                Counters::bump(&self.s.counters.conflicts);
                self.resync(http, i).await;
                None
            }
            Outcome::Rejected(r) => {
                self.rejected(&r, &id);
                None
            }
            other => Some(other),
        }
    }

    /// Read owned resource `i` back and compare it with what was acknowledged.
    async fn resync(&mut self, http: &Http, i: usize) {
        let (kind, id) = (self.owned[i].kind, self.owned[i].id.clone());
        let Some(found) = self.read(http, kind, &id).await else {
            return;
        };
        let o = &mut self.owned[i];
        let Some(doc) = found else {
            // An acknowledged (or adopted) resource is gone.
            if o.acked > 0 {
                Counters::bump(&self.s.counters.lost_in_run);
            }
            let entry =
                json!({"t": "lost", "kind": kind.name(), "id": id, "from": 1, "to": o.acked});
            self.owned.remove(i);
            self.log(entry);
            return;
        };
        let seen = doc["version"].as_i64().unwrap_or(0);
        let mut lost = seen < o.acked;
        if seen == o.acked && kind == Kind::Store {
            lost |= doc["name"]["en"].as_str() != Some(o.acked_value.as_str());
        }
        let keys = address_keys(&doc);
        let missing = o.addresses.iter().filter(|a| !keys.contains(a)).count();
        lost |= missing > 0;
        let entry = lost.then(|| {
            json!({"t": "lost", "kind": kind.name(), "id": id, "from": seen + 1, "to": o.acked,
                "seen": seen, "missingAddresses": missing})
        });
        if lost {
            Counters::bump(&self.s.counters.lost_in_run);
        }
        o.version = seen;
        if lost {
            o.acked = seen;
            o.acked_value = doc["name"]["en"].as_str().unwrap_or_default().to_string();
        }
        if kind == Kind::Customer {
            o.addresses = keys;
        }
        if let Some(e) = entry {
            eprintln!("writer {}: LOST acknowledged write(s): {e}", self.index);
            self.log(e);
        }
    }
}

/// The `key`s of a customer document's addresses.
pub fn address_keys(doc: &Value) -> Vec<String> {
    doc["addresses"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["key"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
