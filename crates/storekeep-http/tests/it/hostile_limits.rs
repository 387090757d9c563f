//! Limits enforced exactly (issue 10 item 4), on every backend: each limit itself is accepted
//! and one past it refused with a typed error, and nothing is stored by a refused request.
//!
//! - `limit` 500 / 501, `offset` 10 000 / 10 001 and 100 / 101 `sort` expressions on every
//!   query endpoint and in GraphQL;
//! - 500 update actions / 501 on stores, customers and carts;
//! - bodies of exactly 2 MiB / 2 MiB + 1 byte (413), and 3 MiB of garbage — 413 too, so the
//!   size is checked before the body is parsed; the OAuth endpoints' 16 KiB form limit;
//! - GraphQL depth and complexity at and one past their limits (`QueryComplexityLimitExceeded`);
//! - GraphQL documents measured before validation: fields after fragment expansion (a
//!   fragment bomb), aliases, fragment cycles, directives; introspection and `where` counted
//!   in the complexity (issue 14 item 2, issue 21 items 8 and F2);
//! - predicate terms (50) and values (500) at and one past their limits, over REST and
//!   GraphQL, and errors that quote a short excerpt of a long predicate (issue 21 F2, F12);
//! - the NUL character, which PostgreSQL cannot store in text, refused alike on every backend
//!   wherever input enters: JSON bodies, query parameters, paths, OAuth forms and Basic
//!   credentials, predicates and GraphQL documents.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use storekeep_graphql::{MAX_COMPLEXITY, MAX_DEPTH};
use storekeep_http::MAX_BODY_BYTES;

use crate::fixtures::{admin, customer, id, post_raw, project, store};
use crate::harness::{basic, each, Harness};

/// The OAuth endpoints' form limit (`oauth_request.rs`).
const MAX_FORM_BYTES: usize = 16 * 1024;

/// The status and first error code of an answer (the GraphQL code for GraphQL answers).
fn outcome(status: StatusCode, body: &Value) -> (StatusCode, String) {
    let c = body["errors"][0]["code"]
        .as_str()
        .or(body["errors"][0]["extensions"]["code"].as_str())
        .unwrap_or("");
    (status, c.to_string())
}

fn bad(c: &str) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, c.to_string())
}

#[tokio::test]
async fn limit_offset_and_sort_count_are_exact_on_every_query_endpoint() {
    assert_eq!(storekeep_core::query::MAX_SORT_KEYS, 100);
    each(|h| async move {
        store(&h, "lim").await;
        let p = project(&h);
        let sorts = |n: usize| vec!["sort=id%20asc"; n].join("&");
        let (sorts_100, sorts_101) = (sorts(100), sorts(101));
        for base in [
            format!("{p}/stores"),
            format!("{p}/customers"),
            format!("{p}/in-store/key=lim/customers"),
            format!("{p}/carts"),
            format!("{p}/in-store/key=lim/carts"),
            format!("{p}/api-clients"),
        ] {
            for (q, ok) in [
                ("limit=500", true),
                ("limit=501", false),
                ("offset=10000", true),
                ("offset=10001", false),
                (sorts_100.as_str(), true),
                (sorts_101.as_str(), false),
            ] {
                let (status, body) = admin(&h, Method::GET, &format!("{base}?{q}"), None).await;
                if ok {
                    assert_eq!(status, StatusCode::OK, "{base}?{q:.40}: {body}");
                } else {
                    assert_eq!(outcome(status, &body), bad("InvalidInput"), "{base}?{q:.40}: {body}");
                }
            }
        }
        let gql = |args: &str| json!({"query": format!("{{ stores({args}) {{ count }} customers({args}) {{ count }} }}")});
        let sorts = |n: usize| format!("sort: [{}]", vec!["\"key asc\""; n].join(", "));
        let (sorts_100, sorts_101) = (sorts(100), sorts(101));
        for (args, ok) in [
            ("limit: 500", true),
            ("limit: 501", false),
            ("offset: 10000", true),
            ("offset: 10001", false),
            (sorts_100.as_str(), true),
            (sorts_101.as_str(), false),
        ] {
            let (status, body) = admin(&h, Method::POST, &format!("{p}/graphql"), Some(gql(args))).await;
            if ok {
                assert!(status == StatusCode::OK && body.get("errors").is_none(), "{args:.40}: {body}");
            } else {
                assert_eq!(outcome(status, &body), bad("InvalidInput"), "{args:.40}: {body}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn five_hundred_update_actions_pass_and_501_are_refused() {
    assert_eq!(storekeep_core::resource::MAX_UPDATE_ACTIONS, 500);
    each(|h| async move {
        let p = project(&h);
        store(&h, "acts").await;
        let c = customer(&h, &p, "acts@x.de").await;
        let (status, cart) = admin(
            &h,
            Method::POST,
            &format!("{p}/carts"),
            Some(json!({"currency": "EUR"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        type Action = fn(usize) -> Value;
        let targets: [(String, Action); 3] = [
            (
                format!("{p}/stores/key=acts"),
                |i| json!({"action": "setName", "name": {"en": format!("n{i}")}}),
            ),
            (
                format!("{p}/customers/{}", id(&c)),
                |i| json!({"action": "setFirstName", "firstName": format!("f{i}")}),
            ),
            (
                format!("{p}/carts/{}", id(&cart)),
                |i| json!({"action": "setCustomerEmail", "email": format!("e{i}@x.de")}),
            ),
        ];
        for (uri, action) in &targets {
            let actions = |n: usize| (0..n).map(action).collect::<Vec<_>>();
            let (status, err) = admin(
                &h,
                Method::POST,
                uri,
                Some(json!({"version": 1, "actions": actions(501)})),
            )
            .await;
            assert_eq!(outcome(status, &err), bad("InvalidInput"), "{uri}: {err}");
            let (status, r) = admin(
                &h,
                Method::POST,
                uri,
                Some(json!({"version": 1, "actions": actions(500)})),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{uri}: {r}");
            assert_eq!(
                r["version"], 2,
                "501 actions changed nothing; 500 made one version: {uri}"
            );
        }
    })
    .await;
}

/// POST raw bytes to `uri` with the admin token.
async fn post_bytes(h: &Harness, uri: &str, body: Vec<u8>) -> (StatusCode, Value) {
    post_raw(h, uri, &h.admin_token, body).await
}

/// `json` padded with trailing spaces to exactly `len` bytes (still valid JSON).
fn padded(json: &Value, len: usize) -> Vec<u8> {
    let mut b = json.to_string().into_bytes();
    assert!(b.len() <= len);
    b.resize(len, b' ');
    b
}

#[tokio::test]
async fn bodies_over_2_mib_are_413_before_they_are_parsed() {
    each(|h| async move {
        let p = project(&h);
        let stores = format!("{p}/stores");
        let (status, body) = post_bytes(
            &h,
            &stores,
            padded(&json!({"key": "exact"}), MAX_BODY_BYTES),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "exactly the limit: {body}");
        let (status, body) = post_bytes(
            &h,
            &stores,
            padded(&json!({"key": "over"}), MAX_BODY_BYTES + 1),
        )
        .await;
        assert_eq!(
            outcome(status, &body),
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge".into()
            ),
            "{body}"
        );
        assert_eq!(body["statusCode"], 413);
        assert!(body["message"].is_string(), "{body}");
        let (status, _) = admin(&h, Method::GET, &format!("{stores}/key=over"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "nothing stored");

        // Garbage (not UTF-8, not JSON) of 3 MiB: 413, not 400 — the size is checked first.
        let garbage: Vec<u8> = (0..3 * 1024 * 1024)
            .map(|i| (i * 7 % 251) as u8 | 0x80)
            .collect();
        let c = customer(&h, &p, "big@x.de").await;
        for uri in [
            stores.clone(),
            format!("{stores}/key=exact"),
            format!("{p}/customers"),
            format!("{p}/customers/{}", id(&c)),
            format!("{p}/carts"),
            format!("{p}/login"),
            format!("{p}/customers/password-token"),
        ] {
            let (status, body) = post_bytes(&h, &uri, garbage.clone()).await;
            assert_eq!(
                outcome(status, &body),
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "RequestEntityTooLarge".into()
                ),
                "{uri}: {body}"
            );
        }
        let (status, body) = post_bytes(&h, &format!("{p}/graphql"), garbage.clone()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert!(
            body["errors"][0]["extensions"]["code"].is_string(),
            "{body}"
        );

        // The OAuth endpoints read at most 16 KiB of form.
        let form = |len: usize| {
            let mut f = b"grant_type=client_credentials&x=".to_vec();
            f.resize(len, b'a');
            f
        };
        for (len, want) in [
            (MAX_FORM_BYTES, StatusCode::OK),
            (MAX_FORM_BYTES + 1, StatusCode::BAD_REQUEST),
        ] {
            let req = Request::builder()
                .method(Method::POST)
                .uri("/oauth/token")
                .header(header::AUTHORIZATION, basic(&h.admin_id, &h.admin_secret))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form(len)))
                .unwrap();
            let (status, _, body) = h.send(req).await;
            assert_eq!(status, want, "form of {len} bytes: {body}");
        }
    })
    .await;
}

/// A query nested exactly `depth` levels deep (`__type` → `ofType` … → `name`).
fn nested(depth: usize) -> String {
    let inner = format!(
        "{}name{}",
        "ofType { ".repeat(depth - 2),
        " }".repeat(depth - 2)
    );
    format!("{{ __type(name: \"Customer\") {{ {inner} }} }}")
}

/// A query of complexity exactly `cost`: `stores(limit: n) { results { id } }` costs
/// `2n + 1`, `stores(limit: 0) { total }` costs 1.
fn costing(cost: usize) -> String {
    let mut fields = Vec::new();
    let mut left = cost;
    while left >= 1001 {
        fields.push(format!(
            "s{}: stores(limit: 500) {{ results {{ id }} }}",
            fields.len()
        ));
        left -= 1001;
    }
    if left.is_multiple_of(2) && left > 0 {
        fields.push(format!("s{}: stores(limit: 0) {{ total }}", fields.len()));
        left -= 1;
    }
    if left > 0 {
        fields.push(format!(
            "s{}: stores(limit: {}) {{ results {{ id }} }}",
            fields.len(),
            left / 2
        ));
    }
    format!("{{ {} }}", fields.join(" "))
}

#[tokio::test]
async fn graphql_depth_and_complexity_limits_are_exact() {
    each(|h| async move {
        let uri = format!("{}/graphql", project(&h));
        for (query, ok, what) in [
            (nested(MAX_DEPTH), true, "depth at the limit"),
            (nested(MAX_DEPTH + 1), false, "depth past the limit"),
            (costing(MAX_COMPLEXITY), true, "complexity at the limit"),
            (
                costing(MAX_COMPLEXITY + 1),
                false,
                "complexity past the limit",
            ),
        ] {
            let (status, body) = admin(&h, Method::POST, &uri, Some(json!({"query": query}))).await;
            if ok {
                assert!(
                    status == StatusCode::OK && body.get("errors").is_none(),
                    "{what}: {body}"
                );
            } else {
                assert_eq!(
                    outcome(status, &body),
                    bad("QueryComplexityLimitExceeded"),
                    "{what}: {body}"
                );
                assert!(body.get("data").is_none(), "{what}: nothing ran: {body}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn graphql_documents_are_bounded_before_validation() {
    use storekeep_graphql::bounds::{MAX_ALIASES, MAX_FIELDS, SCHEMA_INTROSPECTION_COST};
    use storekeep_graphql::{MAX_DIRECTIVES, WHERE_COST, WHERE_TERM_COST};
    assert_eq!((MAX_FIELDS, MAX_ALIASES, MAX_DIRECTIVES), (2_000, 200, 16));
    each(|h| async move {
        let uri = format!("{}/graphql", project(&h));
        let bomb = |depth: usize| {
            let mut q = format!("{{ ...F{depth} }} fragment F0 on Query {{ __typename }} ");
            for i in 1..=depth {
                q.push_str(&format!("fragment F{i} on Query {{ ...F{} ...F{} }} ", i - 1, i - 1));
            }
            q
        };
        let aliases = |n: usize, field: &str| {
            let a: Vec<String> = (0..n).map(|i| format!("a{i}: {field}")).collect();
            format!("{{ {} }}", a.join(" "))
        };
        let schema = "__schema { types { name fields { name args { name } type { name ofType { name ofType { name } } } } } }";
        let max_schemas = MAX_COMPLEXITY / SCHEMA_INTROSPECTION_COST;
        let filtered = "stores(where: \"key = \\\"a\\\" or key = \\\"b\\\"\", limit: 0) { total }";
        // `stores(where: <2 terms>, limit: 0) { total }`: 1 + WHERE_COST + 2 × WHERE_TERM_COST.
        let max_filtered = MAX_COMPLEXITY / (1 + WHERE_COST + 2 * WHERE_TERM_COST);
        let directives = |n: usize| format!("{{ __typename {} }}", vec!["@include(if: true)"; n].join(" "));
        for (query, expect, what) in [
            // Issue 21 item 8: 2^24 fields after expansion, refused before expanding.
            (bomb(24), Some("fragments are expanded"), "fragment bomb"),
            (bomb(10), None, "1,024 fields after expansion"),
            (aliases(MAX_ALIASES, "__typename"), None, "aliases at the limit"),
            (aliases(MAX_ALIASES + 1, "__typename"), Some("aliased"), "aliases past the limit"),
            // Issue 14 item 2: 600 aliased `__schema`; ten fit in the complexity.
            (aliases(600, schema), Some(""), "600 aliased __schema"),
            (aliases(max_schemas - 1, schema), None, "introspection under the limit"),
            (aliases(max_schemas + 1, schema), Some("too complex"), "introspection past the limit"),
            // Issue 21 F2: `where` costs complexity, per alias.
            (aliases(max_filtered, filtered), None, "filtered queries under the limit"),
            (aliases(max_filtered + 1, filtered), Some("too complex"), "filtered queries past the limit"),
            (aliases(1_000, filtered), Some(""), "1,000 aliased filtered queries"),
        ] {
            let (status, body) = admin(&h, Method::POST, &uri, Some(json!({"query": query}))).await;
            match expect {
                None => assert!(
                    status == StatusCode::OK && body.get("errors").is_none(),
                    "{what}: {body:.300}"
                ),
                Some(message) => {
                    assert_eq!(outcome(status, &body), bad("QueryComplexityLimitExceeded"), "{what}: {body:.300}");
                    assert!(body["errors"][0]["message"].as_str().unwrap().contains(message), "{what}: {body}");
                    assert!(body.get("data").is_none(), "{what}: nothing ran: {body:.300}");
                }
            }
        }
        for (query, what) in [
            ("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }".to_string(), "fragment cycle"),
            (directives(MAX_DIRECTIVES + 1), "directives past the limit"),
        ] {
            let (status, body) = admin(&h, Method::POST, &uri, Some(json!({"query": query}))).await;
            assert_eq!(outcome(status, &body), bad("InvalidInput"), "{what}: {body:.300}");
        }
        let (status, body) = admin(&h, Method::POST, &uri, Some(json!({"query": directives(MAX_DIRECTIVES)}))).await;
        assert!(status == StatusCode::OK && body.get("errors").is_none(), "{body}");
    })
    .await;
}

/// URL-encode a query-parameter value.
fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn predicate_terms_and_values_are_capped_and_errors_quote_an_excerpt() {
    use storekeep_core::query::{
        MAX_PREDICATE_TERMS as MAX_TERMS, MAX_PREDICATE_VALUES as MAX_VALUES,
    };
    assert_eq!((MAX_TERMS, MAX_VALUES), (50, 500));
    each(|h| async move {
        store(&h, "caps").await;
        let p = project(&h);
        let terms = |n: usize| {
            let t: Vec<String> = (0..n).map(|i| format!("key = \"k{i}\"")).collect();
            t.join(" or ")
        };
        let values = |n: usize| {
            let v: Vec<String> = (0..n).map(|i| format!("\"k{i}\"")).collect();
            format!("key in ({})", v.join(", "))
        };
        for (pred, ok) in [
            (terms(MAX_TERMS), true),
            (terms(MAX_TERMS + 1), false),
            (values(MAX_VALUES), true),
            (values(MAX_VALUES + 1), false),
        ] {
            let (status, body) = admin(&h, Method::GET, &format!("{p}/stores?where={}", enc(&pred)), None).await;
            let gql = json!({"query": "query($w: String) { stores(where: $w) { count } }", "variables": {"w": pred}});
            let (gstatus, gbody) = admin(&h, Method::POST, &format!("{p}/graphql"), Some(gql)).await;
            if ok {
                assert_eq!(status, StatusCode::OK, "{pred:.60}: {body}");
                assert!(gstatus == StatusCode::OK && gbody.get("errors").is_none(), "{pred:.60}: {gbody}");
            } else {
                assert_eq!(outcome(status, &body), bad("InvalidInput"), "{pred:.60}: {body}");
                assert!(body["message"].as_str().unwrap().contains("too many"), "{body}");
                assert_eq!(outcome(gstatus, &gbody), bad("InvalidInput"), "{pred:.60}: {gbody}");
            }
        }

        // Issue 21 F12: a 60 KB predicate with an error is quoted in a short excerpt.
        let long = format!("key = \"{}\" and nope = 1", "x".repeat(60_000));
        let (status, body) = admin(&h, Method::GET, &format!("{p}/stores?where={}", enc(&long)), None).await;
        assert_eq!(outcome(status, &body), bad("InvalidInput"), "{body:.300}");
        let text = body.to_string();
        assert!(text.len() < 1_000, "{} bytes: {text:.300}", text.len());
        assert!(text.contains("Unknown field 'nope'") && text.contains("Predicate: ..."), "{text}");
        let gql = json!({"query": "query($w: String) { stores(where: $w) { count } }", "variables": {"w": long}});
        let (status, body) = admin(&h, Method::POST, &format!("{p}/graphql"), Some(gql)).await;
        assert_eq!(outcome(status, &body), bad("InvalidInput"), "{body:.300}");
        assert!(body.to_string().len() < 1_000, "{body:.300}");
    })
    .await;
}

#[tokio::test]
async fn nul_characters_are_refused_wherever_input_enters() {
    each(|h| async move {
        let p = project(&h);
        store(&h, "nul").await;
        let c = customer(&h, &p, "nul@x.de").await;
        let (front, front_secret) = h.client(&format!("manage_my_profile:{}", h.project)).await;
        let json_bodies = [
            (format!("{p}/customers"), r#"{"email":"a\u0000b@x.de","password":"pw"}"#.to_string()),
            (format!("{p}/stores"), r#"{"key":"nul2","name":{"en":"\u0000"}}"#.into()),
            (format!("{p}/customers/{}", id(&c)), r#"{"version":1,"actions":[{"action":"setFirstName","firstName":"\u0000"}]}"#.into()),
            (format!("{p}/login"), r#"{"email":"\u0000","password":"pw"}"#.into()),
            (format!("{p}/carts"), r#"{"currency":"EUR","anonymousId":"a\u0000"}"#.into()),
            (format!("{p}/graphql"), r#"{"query":"{ stores(where: $w) { total } }","variables":{"w":"key = \"\u0000\""}}"#.into()),
        ];
        for (uri, body) in json_bodies {
            let (status, r) = post_raw(&h, &uri, &h.admin_token, body.clone()).await;
            assert_eq!(outcome(status, &r), bad("InvalidJsonInput"), "{uri} {body}: {r}");
        }
        let gql = r#"mutation { customerSignUp(draft: {email: "a\u0000b@x.de", password: "pw"}) { customer { id } } }"#;
        let (status, r) = admin(&h, Method::POST, &format!("{p}/graphql"), Some(json!({"query": gql}))).await;
        assert_eq!(outcome(status, &r), bad("InvalidInput"), "GraphQL escape: {r}");
        for uri in [
            format!("{p}/stores?where=key%3D%22%00%22"),
            format!("{p}/customers?where=email%3D%22%5Cu0000%22"),
            format!("{p}/customers?where=email%3D%3Am&var.m=%00"),
            format!("{p}/stores?sort=key%00%20asc"),
            format!("{p}/stores/key=a%00b"),
            format!("{p}/customers/key=a%00b"),
            format!("{p}/in-store/key=a%00b/customers"),
            format!("{p}/customers/password-token=a%00b"),
        ] {
            let (status, r) = admin(&h, Method::GET, &uri, None).await;
            assert_eq!(outcome(status, &r), bad("InvalidInput"), "{uri}: {r}");
        }
        let oauth = [
            (format!("/oauth{p}/customers/token"), basic(&front, &front_secret), "grant_type=password&username=a%00b&password=pw"),
            (format!("/oauth{p}/customers/token"), basic(&front, &front_secret), "grant_type=password&username=a&password=p%00w"),
            ("/oauth/a%00b/customers/token".to_string(), basic(&front, &front_secret), "grant_type=password&username=a&password=pw"),
            (format!("/oauth{p}/in-store/key=a%00b/customers/token"), basic(&front, &front_secret), "grant_type=password&username=a&password=pw"),
            (format!("/oauth{p}/anonymous/token"), basic(&front, &front_secret), "grant_type=client_credentials&anonymous_id=a%00b"),
            ("/oauth/token".to_string(), basic("a\0b", "secret"), "grant_type=client_credentials"),
            ("/oauth/token".to_string(), basic(&front, &front_secret), "grant_type=client_credentials&scope=view_stores%00"),
        ];
        for (uri, auth, form) in oauth {
            let (status, _, r) = h.post_form(&uri, Some(&auth), form).await;
            assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::UNAUTHORIZED, "{uri} {form}: {status} {r}");
            // The OAuth error body; a malformed path gets the API's, as on every route.
            assert!(r["error"].is_string() || r["errors"][0]["code"].is_string(), "{uri}: {r}");
        }
        // `\\u0000` is an escaped backslash before `u0000`, not a NUL: stored as given.
        let body = r#"{"version":1,"actions":[{"action":"setFirstName","firstName":"\\u0000"}]}"#;
        let (status, r) = post_raw(&h, &format!("{p}/customers/{}", id(&c)), &h.admin_token, body).await;
        assert_eq!((status, r["firstName"].as_str()), (StatusCode::OK, Some("\\u0000")), "{r}");
    })
    .await;
}
