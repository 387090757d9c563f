//! The matrix runner: the fixture (six customers with keys, live password and email tokens
//! and carts; carts of the anonymous session; one token per kind), filling a row's templates
//! for a target, the expected status of a cell, and the leak checks on its answer.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{gains, limited, Kind, Row, Then, KINDS};
use crate::sessions::{access, anonymous_id_of, Cust, Shop, A, B, PW};

/// A target customer and everything the templates need of it.
pub struct Target {
    pub name: &'static str,
    pub c: Cust,
    pub store: Option<&'static str>,
    pub key: String,
    pub version: i64,
    pub ptok: String,
    pub etok: String,
    /// The target's cart (the `{c}` of the cart rows) and the store it is in.
    pub cart: String,
    pub cart_store: Option<&'static str>,
    /// Every cart of the customer and the stores they are in.
    pub carts: Vec<(String, Option<&'static str>)>,
}

/// The matrix's shop, tokens and targets.
pub struct Matrix {
    shop: Shop,
    tokens: Vec<String>,
    targets: Vec<Target>,
    /// The anonymous session's id and carts.
    anon_id: String,
    anon_carts: Vec<String>,
    /// Carts of another anonymous session: of no store (`{stray}`) and of store B (key
    /// `stray-b`). No in-store sign-in may take them (item 9).
    strays: Vec<String>,
    /// The id of store B (`{sb}`).
    store_b_id: String,
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

/// Project rows see every cart; a store only the carts in it.
fn cart_visible(t: &Target, store: Option<&str>) -> bool {
    store.is_none() || t.cart_store == store
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

/// The REST status a GraphQL answer stands for: 403 for another project's token (refused
/// before any operation runs), else its error code's status, else 200 when the `subject`
/// customer is in `data` and 404 when it is not (`null`). GraphQL answers 200, or 400 when an
/// error is `InvalidInput`.
fn gql_status(status: StatusCode, out: &Value, subject: Option<&str>) -> u16 {
    if status == StatusCode::FORBIDDEN {
        return 403;
    }
    let code = out["errors"][0]["extensions"]["code"].as_str();
    assert!(
        status == StatusCode::OK
            || (status == StatusCode::BAD_REQUEST && code == Some("InvalidInput")),
        "GraphQL answers 200: {status} {out}"
    );
    match code {
        Some("insufficient_scope") => 403,
        Some("ConcurrentModification") => 409,
        Some("InvalidCredentials" | "DuplicateField" | "InvalidInput") => 400,
        Some("ResourceNotFound") => 404,
        Some(other) => panic!("unexpected GraphQL error {other}: {out}"),
        None => match subject {
            Some(id) if out["data"].to_string().contains(id) => 200,
            _ => 404,
        },
    }
}

/// The carts each fixture customer gets: its main cart first. Global customer `g1` also has
/// carts in both stores, so that its active cart exists everywhere.
fn cart_stores(name: &str, store: Option<&'static str>) -> Vec<Option<&'static str>> {
    match name {
        "g1" => vec![None, Some(A), Some(B)],
        _ => vec![store],
    }
}

/// Create a cart (for `owner`, a `customerId` or `anonymousId` field and maybe a `key`) in a
/// store or none.
async fn cart(shop: &Shop, owner: Value, store: Option<&str>) -> String {
    let in_store = store
        .map(|s| format!("/in-store/key={s}"))
        .unwrap_or_default();
    let mut draft = json!({"currency": "EUR"});
    if let (Some(d), Some(o)) = (draft.as_object_mut(), owner.as_object()) {
        d.extend(o.clone());
    }
    let c = admin(shop, &format!("/{}{in_store}/carts", shop.p), draft).await;
    c["id"].as_str().unwrap().to_string()
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
            let in_store = store
                .map(|s| format!("/in-store/key={s}"))
                .unwrap_or_default();
            let pt = json!({"email": c.email, "ttlMinutes": 60});
            let uri = format!("/{p}{in_store}/customers/password-token");
            let ptok = admin(&shop, &uri, pt).await["value"].clone();
            let et = json!({"id": c.id, "ttlMinutes": 60});
            let etok =
                admin(&shop, &format!("/{p}/customers/email-token"), et).await["value"].clone();
            let mut carts = Vec::new();
            for cs in cart_stores(name, store) {
                carts.push((cart(&shop, json!({"customerId": c.id}), cs).await, cs));
            }
            targets.push(Target {
                name,
                store,
                key,
                cart: carts[0].0.clone(),
                cart_store: carts[0].1,
                carts,
                version: updated["version"].as_i64().unwrap(),
                ptok: ptok.as_str().unwrap().to_string(),
                etok: etok.as_str().unwrap().to_string(),
                c,
            });
        }
        let anonymous = shop.anonymous().await;
        let anon_id = anonymous_id_of(&anonymous);
        let mut anon_carts = Vec::new();
        for cs in [None, Some(A), Some(B)] {
            anon_carts.push(cart(&shop, json!({"anonymousId": anon_id}), cs).await);
        }
        let mut strays = Vec::new();
        for (key, cs) in [("stray-none", None), ("stray-b", Some(B))] {
            let owner = json!({"anonymousId": "stray-session", "key": key});
            strays.push(cart(&shop, owner, cs).await);
        }
        let (_, sb) = shop
            .h
            .call(
                Method::GET,
                &format!("/{p}/stores/key={B}"),
                Some(&shop.h.admin_token),
                None,
            )
            .await;
        let store_b_id = sb["id"].as_str().unwrap().to_string();
        let mut tokens = Vec::new();
        for kind in KINDS {
            tokens.push(match kind {
                Kind::CustA => shop.token(Some(A), &shop.a1).await,
                Kind::CustB => shop.token(Some(B), &shop.b1).await,
                Kind::Global => shop.token(None, &shop.g1).await,
                Kind::Anon => access(&anonymous),
                Kind::StoreAdminA => {
                    let scope = format!("manage_customers:{p}:{A} manage_orders:{p}:{A}");
                    shop.h.token(&scope).await
                }
                Kind::ProjectAdmin => shop.h.admin_token.clone(),
                Kind::Foreign => shop.h.foreign_token("manage_project:{q}").await.1,
            });
        }
        Matrix {
            shop,
            tokens,
            targets,
            anon_id,
            anon_carts,
            strays,
            store_b_id,
            fresh: AtomicUsize::new(0),
        }
    }

    /// The targets.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// A template filled for target `t` in the row's store (`?where` becomes
    /// `?where=id="{t}"`; `{s}` is the store key, `{sv}` it or `null` as JSON).
    fn fill(&self, template: &str, t: &Target, store: Option<&str>) -> String {
        let n = self.fresh.fetch_add(1, Ordering::SeqCst);
        let sv = store.map_or("null".to_string(), |s| format!("\"{s}\""));
        template
            .replace("{sv}", &sv)
            .replace("{s}", store.unwrap_or(""))
            .replace("?where", "?where=id%3D%22{t}%22")
            .replace("?cart", "?where=id%3D%22{c}%22")
            .replace("{c}", &t.cart)
            .replace("{stray}", &self.strays[0])
            .replace("{sb}", &self.store_b_id)
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
        // A GraphQL list stands for 200 when it holds the target, 404 when it does not.
        let then = match row.then {
            Then::List if row.path.contains("/graphql") => Then::Vis(200),
            other => other,
        };
        match then {
            Then::GainNew(_) if limited(kind, store) => 403,
            Then::GainNew(ok) => ok,
            Then::Gain(_) | Then::Globalize(_)
                if limited(kind, store) && visible(t, store) && gains(then, t) =>
            {
                403
            }
            Then::Vis(ok) | Then::Gain(ok) | Then::Globalize(ok) if visible(t, store) => ok,
            Then::SignIn(ok, _) if signs_in(t, store) => ok,
            Then::SignIn(_, fail) => fail,
            Then::List => 200,
            Then::Own(ok) => ok,
            Then::MyToken(ok) if own(kind).is_none_or(|o| o == t.name) && visible(t, store) => ok,
            Then::OwnOrNull if own(kind).is_some() => 200,
            Then::Created => 201,
            Then::Fixed(status) => status,
            Then::CartVis(ok) if cart_visible(t, store) => ok,
            Then::CartList | Then::MyCartList | Then::OwnCart => 200,
            Then::ActiveCart
                if t.carts
                    .iter()
                    .any(|(_, cs)| store.is_none() || *cs == store) =>
            {
                200
            }
            Then::MyCart(ok) if own(kind) == Some(t.name) && cart_visible(t, store) => ok,
            Then::Vis(_)
            | Then::Gain(_)
            | Then::Globalize(_)
            | Then::MyToken(_)
            | Then::OwnOrNull
            | Then::CartVis(_)
            | Then::ActiveCart
            | Then::MyCart(_) => 404,
        }
    }

    /// Run one cell and check it.
    pub async fn cell(&self, row: &Row, k: usize, kind: Kind, t: &Target) {
        let store = row_store(row.path);
        let path = row.path.split('#').next().unwrap_or(row.path);
        let uri = self.fill(path, t, store);
        let body = row
            .body
            .map(|b| serde_json::from_str::<Value>(&self.fill(b, t, store)).unwrap());
        let request = format!(
            "{uri} {}",
            body.as_ref().map(Value::to_string).unwrap_or_default()
        );
        let token = Some(self.tokens[k].as_str());
        let (status, out) = self
            .shop
            .h
            .call(row.method.clone(), &uri, token, body)
            .await;
        let what = format!("{} {} as {kind:?} on {}", row.method, row.path, t.name);
        let want = self.expected(row, k, kind, t);
        self.check_leaks(kind, t, &out, &what, &request);
        if want == 403 {
            let text = out.to_string();
            assert!(
                !text.contains(&t.c.email) && !text.contains(&t.c.id),
                "{what}: {text}"
            );
        }
        if path.ends_with("/graphql") {
            let subject = match row.then {
                Then::Own(_) | Then::OwnOrNull => self.own_id(kind),
                _ => Some(t.c.id.as_str()),
            };
            assert_eq!(gql_status(status, &out, subject), want, "{what}: {out}");
            if want != 200 && !request.contains(&t.c.email) {
                assert!(!out.to_string().contains(&t.c.email), "{what}: {out}");
            }
            return;
        }
        assert_eq!(status.as_u16(), want, "{what}: {out}");
        if status == StatusCode::OK && row.method == Method::GET {
            self.check_subject(row, kind, t, &out, &what);
        }
    }

    /// The id of a kind's own customer.
    fn own_id(&self, kind: Kind) -> Option<&str> {
        let o = own(kind)?;
        self.targets
            .iter()
            .find(|x| x.name == o)
            .map(|x| x.c.id.as_str())
    }

    /// No answer names a customer, or shows a cart, other than the target's and the
    /// caller's own (a customer token's customer appears e.g. in `createdBy` of what it
    /// writes); the anonymous session's carts show only to it, the stray carts to nobody.
    /// Echoing what the request itself says (`request`: its URI and body) is no leak.
    fn check_leaks(&self, kind: Kind, t: &Target, out: &Value, what: &str, request: &str) {
        let text = out.to_string();
        let mine = own(kind);
        let shows = |secret: &str| text.contains(secret) && !request.contains(secret);
        for other in &self.targets {
            if other.name == t.name || Some(other.name) == mine {
                continue;
            }
            let carts = other.carts.iter().map(|(id, _)| id);
            for secret in [&other.c.id, &other.c.email, &other.key]
                .into_iter()
                .chain(carts)
            {
                assert!(
                    !shows(secret),
                    "LEAK {what}: the answer names {} or its carts: {text}",
                    other.name
                );
            }
        }
        let mut hidden: Vec<&String> = self.strays.iter().collect();
        if kind != Kind::Anon {
            hidden.extend(self.anon_carts.iter().chain([&self.anon_id]));
        }
        for secret in hidden {
            assert!(!shows(secret), "LEAK {what}: {text}");
        }
    }

    /// After the whole matrix: no sign-in took a stray cart (item 9).
    pub async fn check_strays_untouched(&self) {
        for id in &self.strays {
            let uri = format!("/{}/carts/{id}", self.shop.p);
            let h = &self.shop.h;
            let (status, c) = h.call(Method::GET, &uri, Some(&h.admin_token), None).await;
            assert_eq!(status, StatusCode::OK, "{c}");
            assert!(
                c["customerId"].is_null(),
                "a sign-in took the stray cart: {c}"
            );
            assert_eq!(c["cartState"], "Active", "{c}");
        }
    }
}

/// `[id]` if `yes`, else nothing.
fn one(yes: bool, id: &str) -> Vec<&str> {
    if yes {
        vec![id]
    } else {
        Vec::new()
    }
}

impl Matrix {
    /// The ids of a paged answer's results.
    fn result_ids(out: &Value) -> Vec<&str> {
        out["results"]
            .as_array()
            .map(|rs| rs.iter().filter_map(|r| r["id"].as_str()).collect())
            .unwrap_or_default()
    }

    /// A successful read shows the right customer or cart.
    fn check_subject(&self, row: &Row, kind: Kind, t: &Target, out: &Value, what: &str) {
        let store = row_store(row.path);
        match row.then {
            Then::Own(_) => {
                assert_eq!(out["id"].as_str(), self.own_id(kind), "{what}");
            }
            Then::List => {
                let want = one(visible(t, store), &t.c.id);
                assert_eq!(Self::result_ids(out), want, "{what}");
            }
            Then::CartList => {
                let want = one(cart_visible(t, store), &t.cart);
                assert_eq!(Self::result_ids(out), want, "{what}");
            }
            Then::MyCartList => {
                let mine = own(kind) == Some(t.name) && cart_visible(t, store);
                assert_eq!(Self::result_ids(out), one(mine, &t.cart), "{what}");
            }
            Then::ActiveCart => {
                assert_eq!(out["customerId"].as_str(), Some(t.c.id.as_str()), "{what}");
            }
            Then::OwnCart => match self.own_id(kind) {
                Some(id) => assert_eq!(out["customerId"].as_str(), Some(id), "{what}"),
                None => assert_eq!(out["anonymousId"].as_str(), Some(&*self.anon_id), "{what}"),
            },
            Then::CartVis(_) | Then::MyCart(_) => {
                assert_eq!(out["id"].as_str(), Some(t.cart.as_str()), "{what}: {out}");
            }
            _ => assert_eq!(out["id"].as_str(), Some(t.c.id.as_str()), "{what}: {out}"),
        }
    }
}
