//! The project-wide Customer endpoints over HTTP (`/{p}/customers…`): sign-up, get by id
//! and key, HEAD, update, delete, query — and their errors, some with exact bodies.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, code, customer, id, post_raw, project, sign_up};
use crate::harness::{each, Harness};

fn customers(h: &Harness) -> String {
    format!("{}/customers", project(h))
}

#[tokio::test]
async fn sign_up_returns_201_with_a_sign_in_result() {
    each(|h| async move {
        let body = json!({"email": "Ann@Example.com", "password": "secret-1", "key": "ann",
            "firstName": "Ann", "addresses": [{"country": "DE", "city": "Berlin"}],
            "defaultShippingAddress": 0});
        let (status, r) = admin(&h, Method::POST, &customers(&h), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
        assert!(r.get("cart").is_none(), "no active cart: {r}");
        let c = &r["customer"];
        assert_eq!(c["email"], "Ann@Example.com", "case is kept");
        assert_eq!(c["key"], "ann");
        assert_eq!(c["version"], 1);
        assert_eq!(c["stores"], json!([]));
        assert_eq!(c["isEmailVerified"], false);
        assert_eq!(c["authenticationMode"], "Password");
        assert!(
            c.get("password").is_none(),
            "the hash is never returned: {c}"
        );
        assert!(!r.to_string().contains("secret-1"), "plain password leaked");
        let address_id = c["addresses"][0]["id"].as_str().unwrap();
        assert_eq!(c["defaultShippingAddressId"], address_id);
        // The default index does not add the address to `shippingAddressIds` (issue 22
        // item 5, docs/DESIGN.md).
        assert_eq!(c["shippingAddressIds"], json!([]));
        assert_eq!(c["createdBy"]["clientId"], h.admin_id.as_str());
    })
    .await;
}

#[tokio::test]
async fn get_by_id_and_key_and_head() {
    each(|h| async move {
        let c = sign_up(
            &h,
            &project(&h),
            json!({"email": "g@x.de", "password": "p", "key": "g-1"}),
        )
        .await;
        let base = customers(&h);
        let (status, by_id) = admin(&h, Method::GET, &format!("{base}/{}", id(&c)), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(by_id, c);
        let (status, by_key) = admin(&h, Method::GET, &format!("{base}/key=g-1"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(by_key["id"], c["id"]);
        for (uri, want) in [
            (format!("{base}/{}", id(&c)), StatusCode::OK),
            (format!("{base}/key=g-1"), StatusCode::OK),
            (format!("{base}/key=nope"), StatusCode::NOT_FOUND),
            (
                format!("{base}/{}", uuid::Uuid::new_v4()),
                StatusCode::NOT_FOUND,
            ),
        ] {
            let (status, body) = admin(&h, Method::HEAD, &uri, None).await;
            assert_eq!((status, body), (want, Value::Null), "HEAD {uri}");
        }
    })
    .await;
}

#[tokio::test]
async fn unknown_id_and_key_are_404_with_the_api_body() {
    each(|h| async move {
        let base = customers(&h);
        let (status, body) = admin(&h, Method::GET, &format!("{base}/no-such-id"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let msg = "The Resource with ID 'no-such-id' was not found.";
        assert_eq!(
            body,
            json!({"statusCode": 404, "message": msg,
                "errors": [{"code": "ResourceNotFound", "message": msg}]})
        );
        let (status, body) = admin(&h, Method::GET, &format!("{base}/key=nope"), None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        let update = json!({"version": 1, "actions": []});
        let (status, _) = admin(&h, Method::POST, &format!("{base}/key=nope"), Some(update)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = admin(
            &h,
            Method::DELETE,
            &format!("{base}/key=nope?version=1"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn update_by_id_and_key() {
    each(|h| async move {
        let c = customer(&h, &project(&h), "u@x.de").await;
        let base = customers(&h);
        let actions = json!({"version": 1, "actions": [
            {"action": "setFirstName", "firstName": "Uma"},
            {"action": "setKey", "key": "uma"},
            {"action": "addAddress", "address": {"country": "DE", "key": "home"}},
        ]});
        let (status, u) = admin(
            &h,
            Method::POST,
            &format!("{base}/{}", id(&c)),
            Some(actions),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{u}");
        assert_eq!(u["version"], 2, "one version per request");
        assert_eq!(u["firstName"], "Uma");
        assert_eq!(u["addresses"][0]["key"], "home");
        assert!(u["addresses"][0]["id"].is_string());
        let change =
            json!({"version": 2, "actions": [{"action": "changeEmail", "email": "uma@x.de"}]});
        let (status, u) = admin(&h, Method::POST, &format!("{base}/key=uma"), Some(change)).await;
        assert_eq!(status, StatusCode::OK, "{u}");
        assert_eq!(
            (u["email"].as_str(), u["version"].as_i64()),
            (Some("uma@x.de"), Some(3))
        );
        assert_eq!(u["lastModifiedBy"]["clientId"], h.admin_id.as_str());
    })
    .await;
}

#[tokio::test]
async fn wrong_version_is_409_with_current_version() {
    each(|h| async move {
        let c = customer(&h, &project(&h), "v@x.de").await;
        let uri = format!("{}/{}", customers(&h), id(&c));
        let set =
            |v: i64| json!({"version": v, "actions": [{"action": "setLastName", "lastName": "V"}]});
        let (status, _) = admin(&h, Method::POST, &uri, Some(set(1))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = admin(&h, Method::POST, &uri, Some(set(1))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let msg = format!(
            "Object {} has a different version than expected. Expected: 1 - Actual: 2.",
            id(&c)
        );
        assert_eq!(
            body,
            json!({"statusCode": 409, "message": msg, "errors": [
                {"code": "ConcurrentModification", "message": msg, "currentVersion": 2}]})
        );
        let (status, body) = admin(&h, Method::DELETE, &format!("{uri}?version=1"), None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["errors"][0]["currentVersion"], 2);
    })
    .await;
}

#[tokio::test]
async fn malformed_bodies_are_invalid_json_input() {
    each(|h| async move {
        let c = customer(&h, &project(&h), "j@x.de").await;
        let create = customers(&h);
        let update = format!("{create}/{}", id(&c));
        let t = h.admin_token.clone();
        let cases: [(&str, String, &str); 5] = [
            (&create, "{\"email\":".into(), ""),
            (
                &create,
                json!({"password": "p"}).to_string(),
                "email: Missing required value",
            ),
            (
                &create,
                json!({"email": 7}).to_string(),
                "email: JSON String expected.",
            ),
            (
                &update,
                json!({"version": 1, "actions": [{"action": "fly"}]}).to_string(),
                "actions: Invalid value 'fly' for type field 'action'.",
            ),
            (
                &update,
                json!({"actions": []}).to_string(),
                "version: Missing required value",
            ),
        ];
        for (uri, body, detail) in cases {
            let (status, err) = post_raw(&h, uri, &t, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {err}");
            assert_eq!(code(&err), "InvalidJsonInput", "{body}: {err}");
            let d = err["errors"][0]["detailedErrorMessage"].as_str().unwrap();
            assert!(d.ends_with(detail), "{body}: {d}");
        }
        let (status, err) = post_raw(&h, &create, &t, "").await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::BAD_REQUEST, "InvalidJsonInput")
        );
    })
    .await;
}

#[tokio::test]
async fn invalid_values_are_refused() {
    each(|h| async move {
        let uri = customers(&h);
        for body in [
            json!({"email": "a@x.de", "password": "p", "key": "x"}),
            json!({"email": "a@x.de", "password": "p", "addresses": [{"country": "Germany"}]}),
            json!({"email": "a@x.de", "password": "p", "defaultBillingAddress": 3}),
            json!({"email": "a@x.de", "password": "p", "stores": [{"key": "no-such-store"}]}),
        ] {
            let (status, err) = admin(&h, Method::POST, &uri, Some(body.clone())).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {err}");
        }
        let (_, err) = admin(
            &h,
            Method::POST,
            &uri,
            Some(json!({"email": "a@x.de", "password": "p", "stores": [{"key": "no-such-store"}]})),
        )
        .await;
        assert_eq!(
            err["errors"][0],
            json!({"code": "ReferencedResourceNotFound", "typeId": "store", "key": "no-such-store",
                "message": err["message"]})
        );
    })
    .await;
}

#[tokio::test]
async fn duplicate_email_and_key_are_duplicate_field() {
    each(|h| async move {
        sign_up(
            &h,
            &project(&h),
            json!({"email": "dup@x.de", "password": "p", "key": "dup"}),
        )
        .await;
        let uri = customers(&h);
        let (status, body) = admin(
            &h,
            Method::POST,
            &uri,
            Some(json!({"email": "DUP@x.de", "password": "p"})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let msg = "A duplicate value '\"DUP@x.de\"' exists for field 'email'.";
        assert_eq!(
            body,
            json!({"statusCode": 400, "message": msg, "errors": [{"code": "DuplicateField",
                "message": msg, "field": "email", "duplicateValue": "DUP@x.de"}]})
        );
        let (status, body) = admin(
            &h,
            Method::POST,
            &uri,
            Some(json!({"email": "other@x.de", "password": "p", "key": "dup"})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            (body["errors"][0]["field"].as_str(), code(&body)),
            (Some("key"), "DuplicateField")
        );
        let other = customer(&h, &project(&h), "two@x.de").await;
        let set_key = json!({"version": 1, "actions": [{"action": "setKey", "key": "dup"}]});
        let (status, body) = admin(
            &h,
            Method::POST,
            &format!("{uri}/{}", id(&other)),
            Some(set_key),
        )
        .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "DuplicateField")
        );
    })
    .await;
}

#[tokio::test]
async fn delete_needs_the_version_and_accepts_data_erasure() {
    each(|h| async move {
        let base = customers(&h);
        let a = sign_up(
            &h,
            &project(&h),
            json!({"email": "d1@x.de", "password": "p", "key": "d1"}),
        )
        .await;
        let b = customer(&h, &project(&h), "d2@x.de").await;
        let (status, body) = admin(&h, Method::DELETE, &format!("{base}/{}", id(&a)), None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidInput")
        );
        let (status, body) = admin(
            &h,
            Method::DELETE,
            &format!("{base}/{}?version=x", id(&a)),
            None,
        )
        .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidInput")
        );
        let bad = format!("{base}/{}?version=1&dataErasure=maybe", id(&a));
        let (status, body) = admin(&h, Method::DELETE, &bad, None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidInput")
        );

        let (status, deleted) = admin(
            &h,
            Method::DELETE,
            &format!("{base}/key=d1?version=1"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{deleted}");
        assert_eq!(deleted["id"], a["id"]);
        let erase = format!("{base}/{}?version=1&dataErasure=True", id(&b));
        let (status, deleted) = admin(&h, Method::DELETE, &erase, None).await;
        assert_eq!(
            (status, deleted["email"].as_str()),
            (StatusCode::OK, Some("d2@x.de"))
        );
        for c in [&a, &b] {
            let (status, _) = admin(&h, Method::GET, &format!("{base}/{}", id(c)), None).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        // The email is free again.
        customer(&h, &project(&h), "d1@x.de").await;
    })
    .await;
}

#[tokio::test]
async fn query_with_where_sort_paging_and_total() {
    each(|h| async move {
        for (email, name) in [
            ("q1@x.de", "Cleo"),
            ("q2@x.de", "Abe"),
            ("q3@x.de", "Bea"),
            ("z@x.de", "Zed"),
        ] {
            sign_up(
                &h,
                &project(&h),
                json!({"email": email, "password": "p", "firstName": name}),
            )
            .await;
        }
        let base = customers(&h);
        let q = |query: &str| format!("{base}?{query}");
        let filter = "where=firstName%20in%20(%22Abe%22%2C%22Bea%22%2C%22Cleo%22)";
        let (status, page) = admin(
            &h,
            Method::GET,
            &q(&format!("{filter}&sort=firstName%20desc")),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let names: Vec<&str> = page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["firstName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Cleo", "Bea", "Abe"]);
        assert_eq!(
            (page["total"].as_i64(), page["count"].as_i64()),
            (Some(3), Some(3))
        );
        assert_eq!(
            (page["limit"].as_i64(), page["offset"].as_i64()),
            (Some(20), Some(0))
        );

        let paged = q(&format!(
            "{filter}&sort=firstName%20asc&limit=1&offset=1&withTotal=false"
        ));
        let (_, page) = admin(&h, Method::GET, &paged, None).await;
        assert_eq!(page["results"][0]["firstName"], "Bea");
        assert_eq!(
            (
                page["count"].as_i64(),
                page["limit"].as_i64(),
                page["offset"].as_i64()
            ),
            (Some(1), Some(1), Some(1))
        );
        assert!(page.get("total").is_none(), "{page}");

        let by_email = q("where=email%20%3D%20%22z%40x.de%22");
        let (_, page) = admin(&h, Method::GET, &by_email, None).await;
        assert_eq!(page["results"][0]["firstName"], "Zed");
        let (status, _) = admin(&h, Method::HEAD, &by_email, None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = admin(
            &h,
            Method::HEAD,
            &q("where=firstName%20%3D%20%22Nobody%22"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        for bad in [
            "where=firstName%20%3D",
            "where=nosuchfield%20%3D%201",
            "limit=501",
            "offset=10001",
            "sort=firstName%20sideways",
        ] {
            let (status, body) = admin(&h, Method::GET, &q(bad), None).await;
            assert_eq!(
                (status, code(&body)),
                (StatusCode::BAD_REQUEST, "InvalidInput"),
                "{bad}: {body}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn static_segments_win_over_the_target() {
    each(|h| async move {
        let base = customers(&h);
        // GET on the POST-only static routes is 405, not a look-up of a customer "password".
        for path in [
            "password",
            "password-token",
            "email-token",
            "password/reset",
            "email/confirm",
        ] {
            let (status, body) = admin(&h, Method::GET, &format!("{base}/{path}"), None).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{path}: {body}");
            assert_eq!(code(&body), "MethodNotAllowed");
        }
        // A key that starts like a static segment is still a key.
        sign_up(
            &h,
            &project(&h),
            json!({"email": "pw@x.de", "password": "p", "key": "password-x"}),
        )
        .await;
        let (status, c) = admin(&h, Method::GET, &format!("{base}/key=password-x"), None).await;
        assert_eq!(
            (status, c["email"].as_str()),
            (StatusCode::OK, Some("pw@x.de"))
        );
    })
    .await;
}
