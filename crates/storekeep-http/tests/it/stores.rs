//! The Store endpoints over HTTP (`/{p}/stores…`) and the Project endpoints (`/{p}`): every
//! endpoint with success and errors, and the router's own answers (405, 413, unknown route).
//! Every update action is in `stores_actions.rs`.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, code, customer, in_store, post_raw, store};
use crate::harness::{each, Harness};

fn stores(h: &Harness) -> String {
    format!("/{}/stores", h.project)
}

#[tokio::test]
async fn create_get_head_and_delete() {
    each(|h| async move {
        let s = store(&h, "berlin").await;
        assert_eq!(
            (s["key"].as_str(), s["version"].as_i64()),
            (Some("berlin"), Some(1))
        );
        assert_eq!(s["name"], json!({"en": "berlin"}));
        assert_eq!(s["countries"], json!([{"code": "DE"}]));
        assert_eq!(s["distributionChannels"], json!([]));
        let base = stores(&h);
        let sid = s["id"].as_str().unwrap();
        for uri in [format!("{base}/{sid}"), format!("{base}/key=berlin")] {
            let (status, got) = admin(&h, Method::GET, &uri, None).await;
            assert_eq!((status, &got), (StatusCode::OK, &s), "{uri}");
            let (status, body) = admin(&h, Method::HEAD, &uri, None).await;
            assert_eq!((status, body), (StatusCode::OK, Value::Null), "{uri}");
        }
        for uri in [
            format!("{base}/key=nope"),
            format!("{base}/{}", uuid::Uuid::new_v4()),
        ] {
            let (status, body) = admin(&h, Method::GET, &uri, None).await;
            assert_eq!(
                (status, code(&body)),
                (StatusCode::NOT_FOUND, "ResourceNotFound")
            );
            let (status, body) = admin(&h, Method::HEAD, &uri, None).await;
            assert_eq!((status, body), (StatusCode::NOT_FOUND, Value::Null));
            let (status, _) = admin(&h, Method::DELETE, &format!("{uri}?version=1"), None).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        let (status, body) = admin(&h, Method::DELETE, &format!("{base}/key=berlin"), None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidInput"),
            "missing version"
        );
        let (status, body) = admin(
            &h,
            Method::DELETE,
            &format!("{base}/key=berlin?version=2"),
            None,
        )
        .await;
        assert_eq!(
            (status, body["errors"][0]["currentVersion"].as_i64()),
            (StatusCode::CONFLICT, Some(1))
        );
        let (status, gone) =
            admin(&h, Method::DELETE, &format!("{base}/{sid}?version=1"), None).await;
        assert_eq!((status, gone["id"].as_str()), (StatusCode::OK, Some(sid)));
        let (status, _) = admin(&h, Method::GET, &format!("{base}/{sid}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn create_errors() {
    each(|h| async move {
        store(&h, "dup").await;
        let base = stores(&h);
        let (status, body) = admin(&h, Method::POST, &base, Some(json!({"key": "dup"}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let msg = "A duplicate value '\"dup\"' exists for field 'key'.";
        assert_eq!(
            body,
            json!({"statusCode": 400, "message": msg, "errors": [
                {"code": "DuplicateField", "message": msg, "field": "key", "duplicateValue": "dup"}]})
        );
        let (status, body) = admin(&h, Method::POST, &base, Some(json!({"key": "fr", "languages": ["fr", "en"]}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(code(&body), "ProjectNotConfiguredForLanguages");
        assert_eq!(body["errors"][0]["languages"], json!(["fr"]));
        let channel = json!({"key": "ch", "distributionChannels": [{"typeId": "channel", "key": "web"}]});
        let (status, body) = admin(&h, Method::POST, &base, Some(channel)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body["errors"][0],
            json!({"code": "ReferencedResourceNotFound", "typeId": "channel", "key": "web", "message": body["message"]})
        );
        for bad in [json!({"key": "x"}), json!({"key": "has space"}), json!({"key": "cc", "countries": [{"code": "Germany"}]})] {
            let (status, body) = admin(&h, Method::POST, &base, Some(bad.clone())).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        }
        let t = h.admin_token.clone();
        for (raw, detail) in [
            ("{\"key\":", ""),
            ("{\"key\":\"k1\",\"countries\":\"DE\"}", "countries: JSON Array expected."),
            ("{\"name\":{\"en\":\"x\"}}", "key: Missing required value"),
        ] {
            let (status, body) = post_raw(&h, &base, &t, raw).await;
            assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "InvalidJsonInput"), "{raw}");
            let d = body["errors"][0]["detailedErrorMessage"].as_str().unwrap();
            assert!(d.contains(detail), "{raw}: {d}");
        }
    })
    .await;
}

#[tokio::test]
async fn query_with_where_sort_paging_and_head() {
    each(|h| async move {
        for key in ["q-a", "q-b", "q-c"] {
            store(&h, key).await;
        }
        let base = stores(&h);
        let uri = format!(
            "{base}?where=key%20in%20(%22q-a%22%2C%22q-b%22%2C%22q-c%22)&sort=key%20desc&limit=2"
        );
        let (status, page) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let keys: Vec<&str> = page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["q-c", "q-b"]);
        assert_eq!(
            (
                page["count"].as_i64(),
                page["total"].as_i64(),
                page["limit"].as_i64()
            ),
            (Some(2), Some(3), Some(2))
        );
        let (_, page) = admin(
            &h,
            Method::GET,
            &format!("{base}?sort=key%20asc&offset=2&withTotal=false"),
            None,
        )
        .await;
        assert_eq!(page["results"][0]["key"], "q-c");
        assert!(page.get("total").is_none());
        let (_, page) = admin(
            &h,
            Method::GET,
            &format!("{base}?where=name(en%20%3D%20%3An)&var.n=q-b"),
            None,
        )
        .await;
        assert_eq!(page["results"][0]["key"], "q-b");
        let (status, _) = admin(
            &h,
            Method::HEAD,
            &format!("{base}?where=key%3D%22q-a%22"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = admin(
            &h,
            Method::HEAD,
            &format!("{base}?where=key%3D%22zz%22"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for bad in [
            "where=key%20%3D",
            "where=colour%3D%22red%22",
            "limit=501",
            "offset=10001",
            "limit=-1",
            "sort=colour%20asc",
        ] {
            let (status, body) = admin(&h, Method::GET, &format!("{base}?{bad}"), None).await;
            assert_eq!(
                (status, code(&body)),
                (StatusCode::BAD_REQUEST, "InvalidInput"),
                "{bad}: {body}"
            );
        }
        let (status, _) = admin(
            &h,
            Method::GET,
            &format!("{base}?limit=500&offset=10000"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "the limits themselves are allowed");
    })
    .await;
}

#[tokio::test]
async fn update_errors() {
    each(|h| async move {
        store(&h, "up").await;
        let uri = format!("{}/key=up", stores(&h));
        let set =
            |v: i64| json!({"version": v, "actions": [{"action": "setName", "name": {"en": "U"}}]});
        let (status, body) = admin(&h, Method::POST, &uri, Some(set(3))).await;
        assert_eq!(
            (status, body["errors"][0]["currentVersion"].as_i64()),
            (StatusCode::CONFLICT, Some(1))
        );
        let (status, _) = admin(
            &h,
            Method::POST,
            &format!("{}/key=nope", stores(&h)),
            Some(set(1)),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let t = h.admin_token.clone();
        for raw in [
            "{\"version\":1,\"actions\":[{\"action\":\"fly\"}]}",
            "{\"version\":1,\"actions\":[{\"action\":\"setName\",\"name\":7}]}",
            "{\"actions\":[]}",
            "[]",
        ] {
            let (status, body) = post_raw(&h, &uri, &t, raw).await;
            assert_eq!(
                (status, code(&body)),
                (StatusCode::BAD_REQUEST, "InvalidJsonInput"),
                "{raw}"
            );
        }
        let (status, body) = admin(
            &h,
            Method::POST,
            &uri,
            Some(
                json!({"version": 1, "actions": [{"action": "setLanguages", "languages": ["de"]}]}),
            ),
        )
        .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "ProjectNotConfiguredForLanguages")
        );
        let (_, s) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(s["version"], 1, "failed updates change nothing");
    })
    .await;
}

#[tokio::test]
async fn a_store_referenced_by_a_customer_cannot_be_deleted() {
    each(|h| async move {
        let s = store(&h, "kept").await;
        let c = customer(&h, &in_store(&h, "kept"), "k@x.de").await;
        let uri = format!("{}/key=kept?version={}", stores(&h), s["version"]);
        let (status, body) = admin(&h, Method::DELETE, &uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let msg = "Can not delete a store while it is referenced by at least one customer.";
        assert_eq!(
            body,
            json!({"statusCode": 400, "message": msg,
                "errors": [{"code": "ReferenceExists", "message": msg, "referencedBy": "customer"}]})
        );
        let cust = format!("/{}/customers/{}?version=1", h.project, c["id"].as_str().unwrap());
        let (status, _) = admin(&h, Method::DELETE, &cust, None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = admin(&h, Method::DELETE, &uri, None).await;
        assert_eq!(status, StatusCode::OK, "free once the customer is gone");
    })
    .await;
}

#[tokio::test]
async fn router_answers_405_413_and_json_404() {
    each(|h| async move {
        let base = stores(&h);
        let (status, body) = admin(&h, Method::PUT, &base, Some(json!({"key": "put"}))).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed")
        );
        let (status, body) = admin(&h, Method::PATCH, &format!("{base}/key=x"), None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");

        let big = format!(
            "{{\"key\":\"big\",\"name\":{{\"en\":\"{}\"}}}}",
            "x".repeat(2 * 1024 * 1024)
        );
        let (status, body) = post_raw(&h, &base, &h.admin_token, big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert_eq!(body["statusCode"], 413);
        let (status, _) = admin(&h, Method::GET, &format!("{base}/key=big"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "nothing was stored");

        let req = Request::builder()
            .uri(format!("/{}/no/such/route", h.project))
            .header(header::AUTHORIZATION, format!("Bearer {}", h.admin_token))
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = h.send(req).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        let ct = headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap();
        assert!(ct.starts_with("application/json"), "{ct}");
    })
    .await;
}

#[tokio::test]
async fn project_get_and_update_with_languages_used_in_stores() {
    each(|h| async move {
        let uri = format!("/{}", h.project);
        let (status, p) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK, "{p}");
        assert_eq!((p["key"].as_str(), p["languages"].clone()), (Some(h.project.as_str()), json!(["en"])));
        let v = p["version"].as_i64().unwrap();
        let change = |v: i64, langs: Value| json!({"version": v, "actions": [{"action": "changeLanguages", "languages": langs}]});
        let (status, p) = admin(&h, Method::POST, &uri, Some(change(v, json!(["en", "de"])))).await;
        assert_eq!((status, p["languages"].clone()), (StatusCode::OK, json!(["en", "de"])), "{p}");
        let v = p["version"].as_i64().unwrap();
        let body = json!({"key": "de-store", "languages": ["de"]});
        let (status, _) = admin(&h, Method::POST, &stores(&h), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, err) = admin(&h, Method::POST, &uri, Some(change(v, json!(["en"])))).await;
        assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "LanguageUsedInStores"), "{err}");
        assert!(err["message"].as_str().unwrap().contains("de"), "{err}");
        let (status, err) = admin(&h, Method::POST, &uri, Some(change(v + 5, json!(["en", "de"])))).await;
        assert_eq!((status, err["errors"][0]["currentVersion"].as_i64()), (StatusCode::CONFLICT, Some(v)));
        let (status, p) = admin(&h, Method::POST, &uri,
            Some(json!({"version": v, "actions": [{"action": "changeName", "name": "Renamed"}]}))).await;
        assert_eq!((status, p["name"].as_str()), (StatusCode::OK, Some("Renamed")));
        let (status, err) = admin(&h, Method::POST, &uri, Some(json!({"version": v + 1, "actions": [{"action": "fly"}]}))).await;
        assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "InvalidJsonInput"));
    })
    .await;
}
