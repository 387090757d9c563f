//! Request JSON as the API reads it (issue 22, items 1 and 2; docs/DESIGN.md "Request
//! JSON"): undeclared fields are ignored in drafts, update actions and token bodies (refused
//! only with `--strict-json`), and `detailedErrorMessage` names the field as sphere-json does
//! (`actions -> email: …`, enum values with the allowed ones).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, code, customer, id, project};
use crate::harness::{each, Harness};

/// The `detailedErrorMessage` of a 400 `InvalidJsonInput`.
fn detail(status: StatusCode, body: &Value) -> String {
    assert_eq!(
        (status, code(body)),
        (StatusCode::BAD_REQUEST, "InvalidJsonInput"),
        "{body}"
    );
    body["errors"][0]["detailedErrorMessage"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn update(h: &Harness, c: &Value, actions: Value) -> (StatusCode, Value) {
    let uri = format!("{}/customers/{}", project(h), id(c));
    let body = json!({"version": c["version"], "actions": actions});
    admin(h, Method::POST, &uri, Some(body)).await
}

#[tokio::test]
async fn undeclared_fields_are_ignored() {
    each(|h| async move {
        let p = project(&h);
        let draft = json!({"email": "u@x.de", "password": "secret-1", "emial": "typo@x.de",
            "addresses": [{"country": "DE", "colour": "red"}]});
        let (status, r) = admin(&h, Method::POST, &format!("{p}/customers"), Some(draft)).await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
        let c = r["customer"].clone();
        assert_eq!(c["email"], "u@x.de");
        assert!(
            c.get("emial").is_none() && c["addresses"][0].get("colour").is_none(),
            "{c}"
        );
        let (status, c2) = update(
            &h,
            &c,
            json!([{"action": "setFirstName", "firstName": "Ann", "lastName": "ignored"},
                   {"extra": 1, "action": "setLastName", "lastName": "Lee"}]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{c2}");
        assert_eq!(
            (&c2["firstName"], &c2["lastName"]),
            (&json!("Ann"), &json!("Lee"))
        );
        let body = json!({"email": "u@x.de", "ttlMinutes": 10, "note": "x"});
        let uri = format!("{p}/customers/password-token");
        let (status, t) = admin(&h, Method::POST, &uri, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{t}");
        assert!(t["value"].is_string(), "{t}");
    })
    .await;
}

#[tokio::test]
async fn strict_json_refuses_undeclared_fields() {
    each(|h| async move {
        let h = h.strict_json();
        let p = project(&h);
        let draft = json!({"email": "s@x.de", "password": "secret-1", "emial": "typo@x.de"});
        let (status, r) = admin(&h, Method::POST, &format!("{p}/customers"), Some(draft)).await;
        assert_eq!(detail(status, &r), "emial: Unknown field.");
        let c = customer(&h, &p, "s@x.de").await;
        let (status, r) = update(
            &h,
            &c,
            json!([{"action": "setFirstName", "firstName": "Ann", "colour": "red"}]),
        )
        .await;
        assert_eq!(detail(status, &r), "actions -> colour: Unknown field.");
        let (status, r) = update(
            &h,
            &c,
            json!([{"action": "addAddress", "address": {"country": "DE", "colour": "red"}}]),
        )
        .await;
        assert_eq!(
            detail(status, &r),
            "actions -> address -> colour: Unknown field."
        );
        // Nothing changed.
        let uri = format!("{p}/customers/{}", id(&c));
        let (_, now) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(now["version"], c["version"], "{now}");
    })
    .await;
}

#[tokio::test]
async fn errors_name_the_field_as_the_api_does() {
    each(|h| async move {
        let p = project(&h);
        let c = customer(&h, &p, "e@x.de").await;
        let cases = [
            (
                json!([{"action": "changeEmail", "email": 5}]),
                "actions -> email: JSON String expected.",
            ),
            (
                json!([{"action": "changeEmail"}]),
                "actions -> email: Missing required value",
            ),
            (
                json!([{"action": "setAuthenticationMode", "authMode": "invalid"}]),
                "actions -> authMode: Invalid enum value: 'invalid'. Expected one of: 'Password','ExternalAuth'",
            ),
            (
                json!([{"authMode": "invalid", "action": "setAuthenticationMode"}]),
                "actions -> authMode: Invalid enum value: 'invalid'. Expected one of: 'Password','ExternalAuth'",
            ),
            (
                json!([{"action": "addAddress", "address": {"country": 1}}]),
                "actions -> address -> country: JSON String expected.",
            ),
            (
                json!([{"action": "fly"}]),
                "actions: Invalid value 'fly' for type field 'action'.",
            ),
            (
                json!([{"email": "x@y.z"}]),
                "actions: Missing type field 'action'.",
            ),
        ];
        for (actions, want) in cases {
            let (status, r) = update(&h, &c, actions.clone()).await;
            assert_eq!(detail(status, &r), want, "{actions}");
        }
    })
    .await;
}
