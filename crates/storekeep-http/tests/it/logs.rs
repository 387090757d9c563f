//! Secrets and tokens never reach the log (issue 10 item 5). The whole binary runs under the
//! TRACE subscriber of `log_capture`, and every harness checks the secrets it saw when it is
//! dropped; the tests here run a representative workload — API clients, the client
//! credentials, password, anonymous and refresh flows, introspection, sign-ups, sign-ins,
//! password changes and resets, email verification, GraphQL — and check an explicit list of
//! every plain value involved, and that the harness noted each of them for its own check.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, in_store, project, store};
use crate::harness::{basic, Harness, Kind};

/// URL-encode a form value.
fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Assert that none of `values` is in the harness's log window, that the window holds the
/// request spans of `routes`, and that the harness noted every value for its drop check.
fn assert_clean(h: &Harness, values: &[(&str, String)], routes: &[&str]) {
    let log = h.logs.text();
    for r in routes {
        assert!(
            log.contains(&format!("route={r}")),
            "the subscriber captured the spans of {r} ({} bytes)",
            log.len()
        );
    }
    let noted = h.logs.secrets();
    for (what, value) in values {
        assert!(
            !log.contains(value.as_str()),
            "the {what} appears in the log"
        );
        assert!(noted.contains(value), "the harness noted the {what}");
    }
}

#[tokio::test]
async fn the_log_check_finds_what_it_looks_for() {
    let logs = crate::log_capture::Watch::start();
    logs.note_authorization(&basic("some-client", "Leaked-Secret-1"));
    logs.note_body(
        br#"{"customer": {"password": "$argon2id$v=19$hash"}, "access_token": "leaked-token-2"}"#,
    );
    logs.note_body(b"grant_type=password&username=u&password=Form-Pw-3");
    logs.note("short");
    tracing::info!(value = "Leaked-Secret-1 and Form-Pw-3", "a careless event");
    let mut noted = logs.secrets();
    noted.sort();
    assert_eq!(
        noted,
        ["Form-Pw-3", "Leaked-Secret-1", "leaked-token-2"],
        "hashes and short values are not looked for"
    );
    assert_eq!(logs.finish(), ["Form-Pw-3", "Leaked-Secret-1"]);
}

#[tokio::test]
async fn secrets_and_tokens_are_never_logged() {
    let h = Harness::new(Kind::Sqlite).await;
    let p = h.project.clone();
    let uri = format!("/{p}/api-clients");
    let draft = json!({"name": "logged", "scope": format!("manage_project:{p}")});
    let (status, created) = h
        .call(Method::POST, &uri, Some(&h.admin_token), Some(draft))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap().to_string();
    let secret = created["secret"].as_str().unwrap().to_string();
    let token = h.token_of(&id, &secret).await;
    let (status, _, _) = h
        .post_form(
            "/oauth/introspect",
            Some(&basic(&id, &secret)),
            &format!("token={token}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h
        .call(Method::GET, &format!("/{p}/stores"), Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h.request_token(&id, "wrong-secret-value", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = h
        .call(Method::DELETE, &format!("{uri}/{id}"), Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_clean(
        &h,
        &[
            ("client secret", secret),
            ("access token", token),
            ("admin secret", h.admin_secret.clone()),
            ("admin token", h.admin_token.clone()),
            ("wrong secret", "wrong-secret-value".into()),
        ],
        &["/oauth/token", "/{project}/api-clients/{id}"],
    );
}

/// The token response of a form post to an OAuth endpoint.
async fn oauth(h: &Harness, uri: &str, auth: &str, form: &str) -> Value {
    let (status, _, body) = h.post_form(uri, Some(auth), form).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body
}

/// A string field of a JSON body.
fn s(v: &Value, field: &str) -> String {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field}: {v}"))
        .to_string()
}

/// Sessions: the password flow (project and in-store), refresh, anonymous sessions and the
/// `/me` password change; returns the values involved.
async fn session_workload(h: &Harness, front: &str) -> Vec<(&'static str, String)> {
    let p = h.project.clone();
    let pw = "Session-Pw-1";
    let sign_up =
        json!({"email": "sess@log.test", "password": pw, "stores": [{"key": "log-store"}]});
    let (status, _) = admin(h, Method::POST, &format!("/{p}/customers"), Some(sign_up)).await;
    assert_eq!(status, StatusCode::CREATED);
    let form = format!(
        "grant_type=password&username=sess%40log.test&password={}",
        enc(pw)
    );
    let store_uri = format!("/oauth/{p}/in-store/key=log-store/customers/token");
    let session = oauth(h, &store_uri, front, &form).await;
    let refreshed = oauth(
        h,
        "/oauth/token",
        front,
        &format!(
            "grant_type=refresh_token&refresh_token={}",
            enc(&s(&session, "refresh_token"))
        ),
    )
    .await;
    let wrong = "grant_type=password&username=sess%40log.test&password=Wrong-Pw-99";
    let (status, _, _) = h.post_form(&store_uri, Some(front), wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let anon_uri = format!("/oauth/{p}/anonymous/token");
    let anon = oauth(h, &anon_uri, front, "grant_type=client_credentials").await;
    let me = format!("/{p}/in-store/key=log-store/me");
    let token = s(&refreshed, "access_token");
    let (status, c) = h.call(Method::GET, &me, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let change =
        json!({"version": c["version"], "currentPassword": pw, "newPassword": "Me-New-Pw-2"});
    let (status, body) = h
        .call(
            Method::POST,
            &format!("{me}/password"),
            Some(&token),
            Some(change),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    vec![
        ("customer password", pw.to_string()),
        ("wrong customer password", "Wrong-Pw-99".into()),
        ("new /me password", "Me-New-Pw-2".into()),
        ("customer access token", s(&session, "access_token")),
        ("customer refresh token", s(&session, "refresh_token")),
        ("refreshed access token", token),
        ("anonymous access token", s(&anon, "access_token")),
        ("anonymous refresh token", s(&anon, "refresh_token")),
    ]
}

/// Customer endpoints: sign-up, sign-in, password change, reset and email tokens; GraphQL
/// sign-in; returns the values involved.
async fn customer_workload(h: &Harness) -> Vec<(&'static str, String)> {
    let base = project(h);
    let post = |uri: String, body: Value| async move {
        let (status, r) = admin(h, Method::POST, &uri, Some(body)).await;
        assert_eq!(status.as_u16() / 100, 2, "{uri}: {r}");
        r
    };
    let c = post(
        format!("{base}/customers"),
        json!({"email": "cust@log.test", "password": "Cust-Pw-1"}),
    )
    .await;
    let id = s(&c["customer"], "id");
    post(
        format!("{base}/login"),
        json!({"email": "cust@log.test", "password": "Cust-Pw-1"}),
    )
    .await;
    let change =
        json!({"id": id, "version": 1, "currentPassword": "Cust-Pw-1", "newPassword": "Cust-Pw-2"});
    post(format!("{base}/customers/password"), change).await;
    let reset = post(
        format!("{base}/customers/password-token"),
        json!({"email": "cust@log.test"}),
    )
    .await;
    let reset_token = s(&reset, "value");
    let (status, _) = admin(
        h,
        Method::GET,
        &format!("{base}/customers/password-token={reset_token}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    post(
        format!("{base}/customers/password/reset"),
        json!({"tokenValue": reset_token, "newPassword": "Cust-Pw-3"}),
    )
    .await;
    let email = post(
        format!("{base}/customers/email-token"),
        json!({"id": id, "ttlMinutes": 60}),
    )
    .await;
    let email_token = s(&email, "value");
    post(
        format!("{base}/customers/email/confirm"),
        json!({"tokenValue": email_token}),
    )
    .await;
    let in_store_body = json!({"email": "shop@log.test", "password": "Store-Pw-1"});
    post(
        format!("{}/customers", in_store(h, "log-store")),
        in_store_body,
    )
    .await;
    let gql = json!({
        "query": "mutation($e: String!, $p: String!) { customerSignIn(draft: {email: $e, password: $p}) { customer { id } } }",
        "variables": {"e": "cust@log.test", "p": "Cust-Pw-3"}
    });
    let r = post(format!("{base}/graphql"), gql).await;
    assert!(r.get("errors").is_none(), "{r}");
    vec![
        ("sign-up password", "Cust-Pw-1".into()),
        ("changed password", "Cust-Pw-2".into()),
        ("reset password", "Cust-Pw-3".into()),
        ("in-store password", "Store-Pw-1".into()),
        ("password-reset token", reset_token),
        ("email token", email_token),
    ]
}

/// A representative workload over HTTP — a storefront API client, its client-credentials
/// token, the password, refresh and anonymous flows, sign-ups, sign-ins, password changes and
/// resets, email verification, GraphQL — returning every plain secret it involved (the admin
/// client's included): what must appear neither in logs nor in the database.
pub(crate) async fn workload(h: &Harness) -> Vec<(&'static str, String)> {
    store(h, "log-store").await;
    let p = h.project.clone();
    let scopes = format!("manage_my_profile:{p} create_anonymous_token:{p}");
    let draft = json!({"name": "front", "scope": scopes});
    let (status, front) = admin(h, Method::POST, &format!("/{p}/api-clients"), Some(draft)).await;
    assert_eq!(status, StatusCode::CREATED);
    let front_secret = s(&front, "secret");
    let front_auth = basic(&s(&front, "id"), &front_secret);
    let client = oauth(
        h,
        "/oauth/token",
        &front_auth,
        "grant_type=client_credentials",
    )
    .await;
    let mut values = vec![
        ("storefront client secret", front_secret),
        ("client-credentials token", s(&client, "access_token")),
        ("admin secret", h.admin_secret.clone()),
        ("admin token", h.admin_token.clone()),
    ];
    values.extend(session_workload(h, &front_auth).await);
    values.extend(customer_workload(h).await);
    values
}

#[tokio::test]
async fn a_representative_workload_logs_no_secret_at_trace_level() {
    let h = Harness::new(Kind::Sqlite).await.cheap_passwords();
    let values = workload(&h).await;
    assert_clean(
        &h,
        &values,
        &[
            "/oauth/token",
            "/oauth/{project}/in-store/{store}/customers/token",
            "/oauth/{project}/anonymous/token",
            "/{project}/in-store/{store}/me/password",
            "/{project}/customers/password/reset",
            "/{project}/customers/email/confirm",
            "/{project}/graphql",
        ],
    );
    assert!(
        h.logs.text().contains("TRACE") || h.logs.text().contains("DEBUG"),
        "the subscriber records below INFO"
    );
}

/// Every answer carries `X-Correlation-ID`: the caller's (at most 256 characters) echoed, or a
/// fresh one that differs per request.
#[tokio::test]
async fn correlation_ids_are_echoed_or_generated() {
    let h = Harness::new(Kind::Sqlite).await;
    let get = |id: Option<&str>| {
        let mut b = axum::http::Request::builder()
            .method(Method::GET)
            .uri("/health");
        if let Some(id) = id {
            b = b.header("x-correlation-id", id);
        }
        b.body(axum::body::Body::empty()).unwrap()
    };
    let id_of = |headers: &axum::http::HeaderMap| {
        headers
            .get("x-correlation-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .unwrap_or_default()
    };
    let (status, headers, _) = h.send(get(Some("my-trace-42"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(id_of(&headers), "my-trace-42");
    let (_, a, _) = h.send(get(None)).await;
    let (_, b, _) = h.send(get(None)).await;
    let (a, b) = (id_of(&a), id_of(&b));
    assert!(
        a.starts_with("storekeep/") && b.starts_with("storekeep/"),
        "{a} {b}"
    );
    assert_ne!(a, b, "generated ids differ per request");
    let long = "x".repeat(257);
    let (_, c, _) = h.send(get(Some(&long))).await;
    let c = id_of(&c);
    assert!(
        c.starts_with("storekeep/"),
        "an over-long id is replaced: {c}"
    );
}
