//! The matrix runner: the fixture (six customers with keys and live password and email
//! tokens, one token per kind), filling a row's templates for a target, the expected status
//! of a cell, and the leak checks on its answer.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{Kind, Row, Then, KINDS};
use crate::sessions::{access, Cust, Shop, A, B, PW};

/// A target customer and everything the templates need of it.
pub struct Target {
    pub name: &'static str,
    pub c: Cust,
    pub store: Option<&'static str>,
    pub key: String,
    pub version: i64,
    pub ptok: String,
    pub etok: String,
}

/// The matrix's shop, tokens and targets.
pub struct Matrix {
    shop: Shop,
    tokens: Vec<String>,
    targets: Vec<Target>,
    fresh: AtomicUsize,
}

/// The route pattern of a row's path template (for the coverage check).
pub fn pattern_of(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let mut out = Vec::new();
    for seg in path.split('/') {
        let s = if seg == "{p}" {
            "{project}"
        } else if seg.starts_with("key=store-") {
            "{store}"
        } else if seg.contains('{') {
            "{target}"
        } else {
            seg
        };
        out.push(s);
    }
    out.join("/")
}

/// The store of a row (`None` for project-wide rows).
fn row_store(path: &str) -> Option<&'static str> {
    if path.contains("key=store-a/") || path.ends_with("key=store-a") {
        Some(A)
    } else if path.contains("key=store-b") {
        Some(B)
    } else {
        None
    }
}

/// D1: project rows see every customer; a store sees its own and the global ones.
fn visible(t: &Target, store: Option<&str>) -> bool {
    match store {
        None => true,
        Some(s) => t.store.is_none() || t.store == Some(s),
    }
}

/// Who can sign in (or be found by email) at a row: global customers project-wide, the
/// store's and the global ones in a store.
fn signs_in(t: &Target, store: Option<&str>) -> bool {
    match store {
        None => t.store.is_none(),
        Some(_) => visible(t, store),
    }
}

/// The fixture name of a kind's own customer.
fn own(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::CustA => Some("a1"),
        Kind::CustB => Some("b1"),
        Kind::Global => Some("g1"),
        _ => None,
    }
}

async fn admin(shop: &Shop, uri: &str, body: Value) -> Value {
    let h = &shop.h;
    let (status, out) = h
        .call(Method::POST, uri, Some(&h.admin_token), Some(body))
        .await;
    assert!(status.is_success(), "{uri}: {status} {out}");
    out
}

impl Matrix {
    /// Keys and tokens for every customer, a token of every kind.
    pub async fn new(shop: Shop) -> Matrix {
        let p = shop.p.clone();
        let fixtures = [
            ("a1", shop.a1.clone(), Some(A)),
            ("a2", shop.a2.clone(), Some(A)),
            ("b1", shop.b1.clone(), Some(B)),
            ("b2", shop.b2.clone(), Some(B)),
            ("g1", shop.g1.clone(), None),
            ("g2", shop.g2.clone(), None),
        ];
        let mut targets = Vec::new();
        for (name, c, store) in fixtures {
            let key = format!("k-{name}");
            let u = json!({"version": 1, "actions": [{"action": "setKey", "key": key}]});
            let updated = admin(&shop, &format!("/{p}/customers/{}", c.id), u).await;
            let in_store = store.map(|s| format!("/in-store/key={s}")).unwrap_or_default();
            let pt = json!({"email": c.email, "ttlMinutes": 60});
            let uri = format!("/{p}{in_store}/customers/password-token");
            let ptok = admin(&shop, &uri, pt).await["value"].clone();
            let et = json!({"id": c.id, "ttlMinutes": 60});
            let etok = admin(&shop, &format!("/{p}/customers/email-token"), et).await["value"].clone();
            targets.push(Target {
                name,
                store,
                key,
                version: updated["version"].as_i64().unwrap(),
                ptok: ptok.as_str().unwrap().to_string(),
                etok: etok.as_str().unwrap().to_string(),
                c,
            });
        }
        let mut tokens = Vec::new();
        for kind in KINDS {
            tokens.push(match kind {
                Kind::CustA => shop.token(Some(A), &shop.a1).await,
                Kind::CustB => shop.token(Some(B), &shop.b1).await,
                Kind::Global => shop.token(None, &shop.g1).await,
                Kind::Anon => access(&shop.anonymous().await),
                Kind::StoreAdminA => shop.h.token(&format!("manage_customers:{p}:{A}")).await,
                Kind::ProjectAdmin => shop.h.admin_token.clone(),
                Kind::Foreign => shop.h.foreign_token("manage_project:{q}").await.1,
            });
        }
        Matrix {
            shop,
            tokens,
            targets,
            fresh: AtomicUsize::new(0),
        }
    }

    /// The targets.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// A template filled for target `t` (`?where` becomes `?where=id="{t}"`).
    fn fill(&self, template: &str, t: &Target) -> String {
        let n = self.fresh.fetch_add(1, Ordering::SeqCst);
        template
            .replace("?where", "?where=id%3D%22{t}%22")
            .replace("{p}", &self.shop.p)
            .replace("{t}", &t.c.id)
            .replace("{key}", &t.key)
            .replace("{ptok}", &t.ptok)
            .replace("{etok}", &t.etok)
            .replace("{email}", &t.c.email)
            .replace("{pw}", PW)
            .replace("{v}", &t.version.to_string())
            .replace("{fresh}", &format!("fresh-{n}@signup.test"))
    }

    /// What the cell must answer.
    fn expected(&self, row: &Row, k: usize, kind: Kind, t: &Target) -> u16 {
        if row.who.as_bytes().get(k) != Some(&b'y') {
            return 403;
        }
        let store = row_store(row.path);
        match row.then {
            Then::Vis(ok) if visible(t, store) => ok,
            Then::SignIn(ok, _) if signs_in(t, store) => ok,
            Then::SignIn(_, fail) => fail,
            Then::List => 200,
            Then::Own(ok) => ok,
            Then::Signup => 201,
            Then::MyToken(ok) if own(kind).is_none_or(|o| o == t.name) && visible(t, store) => ok,
            Then::Vis(_) | Then::MyToken(_) => 404,
        }
    }

    /// Run one cell and check it.
    pub async fn cell(&self, row: &Row, k: usize, kind: Kind, t: &Target) {
        let uri = self.fill(row.path, t);
        let body = row
            .body
            .map(|b| serde_json::from_str::<Value>(&self.fill(b, t)).unwrap());
        let token = Some(self.tokens[k].as_str());
        let (status, out) = self.shop.h.call(row.method.clone(), &uri, token, body).await;
        let what = format!("{} {} as {kind:?} on {}", row.method, row.path, t.name);
        let want = self.expected(row, k, kind, t);
        assert_eq!(status.as_u16(), want, "{what}: {out}");
        self.check_leaks(row, kind, t, &out, &what);
        if status == StatusCode::OK && row.method == Method::GET {
            self.check_subject(row, kind, t, &out, &what);
        }
    }

    /// No answer names a customer other than the target (and, on My rows, the caller's own).
    fn check_leaks(&self, row: &Row, kind: Kind, t: &Target, out: &Value, what: &str) {
        let text = out.to_string();
        let mine = matches!(row.then, Then::Own(_)).then(|| own(kind)).flatten();
        for other in &self.targets {
            if other.name == t.name || Some(other.name) == mine {
                continue;
            }
            for secret in [&other.c.id, &other.c.email, &other.key] {
                assert!(
                    !text.contains(secret.as_str()),
                    "LEAK {what}: the answer names {}: {text}",
                    other.name
                );
            }
        }
    }

    /// A successful read shows the right customer.
    fn check_subject(&self, row: &Row, kind: Kind, t: &Target, out: &Value, what: &str) {
        match row.then {
            Then::Own(_) => {
                let o = own(kind).unwrap_or("none");
                let expected = self.targets.iter().find(|x| x.name == o);
                assert_eq!(out["id"].as_str(), expected.map(|x| x.c.id.as_str()), "{what}");
            }
            Then::List => {
                let ids: Vec<&str> = out["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|r| r["id"].as_str())
                    .collect();
                let want: Vec<&str> = match visible(t, row_store(row.path)) {
                    true => vec![t.c.id.as_str()],
                    false => Vec::new(),
                };
                assert_eq!(ids, want, "{what}");
            }
            _ => assert_eq!(out["id"].as_str(), Some(t.c.id.as_str()), "{what}: {out}"),
        }
    }
}
