//! The in-store Customer endpoints (`/{p}/in-store/key={s}/customers…`): store defaults
//! (D3), visibility across stores (D1: a store sees its own and the global customers),
//! moving customers (D4), unknown stores (D5), store-scoped tokens, in-store queries.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, code, customer, id, in_store, project, sign_up, store};
use crate::harness::{each, Harness};

/// `/{p}/in-store/key={s}/customers`.
fn customers(h: &Harness, s: &str) -> String {
    format!("{}/customers", in_store(h, s))
}

#[tokio::test]
async fn in_store_sign_up_defaults_and_checks_the_stores() {
    each(|h| async move {
        store(&h, "a-store").await;
        store(&h, "b-store").await;
        let c = customer(&h, &in_store(&h, "a-store"), "a@x.de").await;
        assert_eq!(c["stores"], json!([{"typeId": "store", "key": "a-store"}]));

        let both = json!({"email": "ab@x.de", "password": "p",
            "stores": [{"key": "a-store"}, {"typeId": "store", "key": "b-store"}]});
        let c = sign_up(&h, &in_store(&h, "a-store"), both).await;
        assert_eq!(c["stores"].as_array().unwrap().len(), 2);

        let elsewhere = json!({"email": "b@x.de", "password": "p", "stores": [{"key": "b-store"}]});
        let (status, body) =
            admin(&h, Method::POST, &customers(&h, "a-store"), Some(elsewhere)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidOperation"),
            "D3"
        );
        let empty = json!({"email": "e@x.de", "password": "p", "stores": []});
        let (status, body) = admin(&h, Method::POST, &customers(&h, "a-store"), Some(empty)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidOperation"),
            "D3"
        );
    })
    .await;
}

#[tokio::test]
async fn a_store_sees_its_own_and_the_global_customers_only() {
    each(|h| async move {
        store(&h, "a-store").await;
        store(&h, "b-store").await;
        let a = sign_up(&h, &in_store(&h, "a-store"), json!({"email": "a@x.de", "password": "p", "key": "ca"})).await;
        let g = sign_up(&h, &project(&h), json!({"email": "g@x.de", "password": "p", "key": "cg"})).await;
        let in_a = customers(&h, "a-store");
        let in_b = customers(&h, "b-store");
        for (uri, want) in [
            (format!("{in_a}/{}", id(&a)), StatusCode::OK),
            (format!("{in_a}/key=ca"), StatusCode::OK),
            (format!("{in_a}/key=cg"), StatusCode::OK),
            (format!("{in_b}/{}", id(&g)), StatusCode::OK),
            (format!("{in_b}/{}", id(&a)), StatusCode::NOT_FOUND),
            (format!("{in_b}/key=ca"), StatusCode::NOT_FOUND),
        ] {
            let (status, body) = admin(&h, Method::GET, &uri, None).await;
            assert_eq!(status, want, "GET {uri}: {body}");
            let (status, body) = admin(&h, Method::HEAD, &uri, None).await;
            assert_eq!((status, body), (want, Value::Null), "HEAD {uri}");
        }
        let (_, body) = admin(&h, Method::GET, &format!("{in_b}/{}", id(&a)), None).await;
        let msg = format!("The Resource with ID '{}' was not found.", id(&a));
        assert_eq!(
            body,
            json!({"statusCode": 404, "message": msg, "errors": [{"code": "ResourceNotFound", "message": msg}]}),
            "the same answer as for an id that does not exist"
        );
        // Update and delete through another store's routes are 404 too, and change nothing.
        let set = json!({"version": 1, "actions": [{"action": "setFirstName", "firstName": "X"}]});
        let (status, _) = admin(&h, Method::POST, &format!("{in_b}/key=ca"), Some(set.clone())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = admin(&h, Method::DELETE, &format!("{in_b}/{}?version=1", id(&a)), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, u) = admin(&h, Method::POST, &format!("{in_a}/key=ca"), Some(set.clone())).await;
        assert_eq!((status, u["version"].as_i64()), (StatusCode::OK, Some(2)));
        let (status, u) = admin(&h, Method::POST, &format!("{in_b}/key=cg"), Some(set)).await;
        assert_eq!((status, u["firstName"].as_str()), (StatusCode::OK, Some("X")), "D1");
        let (status, d) = admin(&h, Method::DELETE, &format!("{in_a}/key=ca?version=2"), None).await;
        assert_eq!((status, d["id"].clone()), (StatusCode::OK, a["id"].clone()));
        let (status, _) = admin(&h, Method::DELETE, &format!("{in_b}/{}?version=2", id(&g)), None).await;
        assert_eq!(status, StatusCode::OK, "a global customer can be deleted in any store");
    })
    .await;
}

#[tokio::test]
async fn in_store_query_and_head_see_only_visible_customers() {
    each(|h| async move {
        store(&h, "a-store").await;
        store(&h, "b-store").await;
        for (base, email) in [
            (in_store(&h, "a-store"), "a1@x.de"),
            (in_store(&h, "a-store"), "a2@x.de"),
            (in_store(&h, "b-store"), "b1@x.de"),
            (project(&h), "g1@x.de"),
        ] {
            customer(&h, &base, email).await;
        }
        let emails = |page: &Value| -> Vec<String> {
            page["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["email"].as_str().unwrap().to_string())
                .collect()
        };
        let sorted = "sort=email%20asc";
        let (status, page) = admin(
            &h,
            Method::GET,
            &format!("{}?{sorted}", customers(&h, "a-store")),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(emails(&page), ["a1@x.de", "a2@x.de", "g1@x.de"]);
        assert_eq!(page["total"], 3);
        let (_, page) = admin(
            &h,
            Method::GET,
            &format!("{}?{sorted}", customers(&h, "b-store")),
            None,
        )
        .await;
        assert_eq!(emails(&page), ["b1@x.de", "g1@x.de"]);
        let (_, page) = admin(
            &h,
            Method::GET,
            &format!("{}/customers?{sorted}", project(&h)),
            None,
        )
        .await;
        assert_eq!(page["total"], 4, "the project sees every customer");

        let b1 = "where=email%20%3D%20%22b1%40x.de%22";
        let (_, page) = admin(
            &h,
            Method::GET,
            &format!("{}?{b1}", customers(&h, "a-store")),
            None,
        )
        .await;
        assert_eq!(
            (page["count"].as_i64(), page["total"].as_i64()),
            (Some(0), Some(0))
        );
        let (status, _) = admin(
            &h,
            Method::HEAD,
            &format!("{}?{b1}", customers(&h, "a-store")),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = admin(
            &h,
            Method::HEAD,
            &format!("{}?{b1}", customers(&h, "b-store")),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let paged = format!(
            "{}?{sorted}&limit=1&offset=2&withTotal=false",
            customers(&h, "a-store")
        );
        let (_, page) = admin(&h, Method::GET, &paged, None).await;
        assert_eq!(emails(&page), ["g1@x.de"]);
        assert!(page.get("total").is_none());
    })
    .await;
}

#[tokio::test]
async fn moving_a_customer_out_of_the_path_store_is_allowed() {
    each(|h| async move {
        store(&h, "a-store").await;
        store(&h, "b-store").await;
        let c = customer(&h, &in_store(&h, "a-store"), "m@x.de").await;
        let uri = format!("{}/{}", customers(&h, "a-store"), id(&c));
        let mv = json!({"version": 1, "actions": [
            {"action": "addStore", "store": {"key": "b-store"}},
            {"action": "removeStore", "store": {"key": "a-store"}}]});
        let (status, moved) = admin(&h, Method::POST, &uri, Some(mv)).await;
        assert_eq!(status, StatusCode::OK, "D4: {moved}");
        assert_eq!(
            moved["stores"],
            json!([{"typeId": "store", "key": "b-store"}])
        );
        let (status, _) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "no longer visible in a-store"
        );
        let unknown =
            json!({"version": 2, "actions": [{"action": "addStore", "store": {"key": "nowhere"}}]});
        let uri_b = format!("{}/{}", customers(&h, "b-store"), id(&c));
        let (status, body) = admin(&h, Method::POST, &uri_b, Some(unknown)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "ReferencedResourceNotFound"),
            "D5"
        );
    })
    .await;
}

#[tokio::test]
async fn unknown_store_is_404_for_allowed_callers_and_403_for_others() {
    each(|h| async move {
        store(&h, "a-store").await;
        let p = h.project.clone();
        let nowhere = customers(&h, "nowhere");
        let (status, body) = admin(&h, Method::GET, &nowhere, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let msg = "The Store with key 'nowhere' was not found.";
        assert_eq!(
            body,
            json!({"statusCode": 404, "message": msg, "errors": [{"code": "ResourceNotFound", "message": msg}]})
        );
        let (status, _) = admin(&h, Method::POST, &format!("{}/login", in_store(&h, "nowhere")),
            Some(json!({"email": "a@x.de", "password": "p"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A token scoped to the unknown store may ask about it: 404.
        let own = h.token(&format!("manage_customers:{p}:nowhere")).await;
        let (status, _) = h.call(Method::GET, &nowhere, Some(&own), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A token of another store learns nothing: 403 for known and unknown stores alike.
        let other = h.token(&format!("manage_customers:{p}:a-store")).await;
        let (status, body) = h.call(Method::GET, &nowhere, Some(&other), None).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("insufficient_scope")));
        let (status, _) = h.call(Method::GET, &customers(&h, "b-store"), Some(&other), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A segment without `key=` is no store.
        let (status, body) = admin(&h, Method::GET, &format!("/{p}/in-store/a-store/customers"), None).await;
        assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "ResourceNotFound"));
    })
    .await;
}

#[tokio::test]
async fn a_deleted_store_is_gone_at_once_from_in_store_paths() {
    each(|h| async move {
        let s = store(&h, "short-lived").await;
        let uri = customers(&h, "short-lived");
        let (status, _) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK, "known and remembered");
        let del = format!(
            "/{}/stores/key=short-lived?version={}",
            h.project, s["version"]
        );
        let (status, _) = admin(&h, Method::DELETE, &del, None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "ResourceNotFound")
        );
        // Re-created under the same key, it is found again at once (misses are not remembered).
        store(&h, "short-lived").await;
        let (status, _) = admin(&h, Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn store_scoped_tokens_reach_their_store_only() {
    each(|h| async move {
        store(&h, "a-store").await;
        store(&h, "b-store").await;
        let p = h.project.clone();
        let manage_a = h.token(&format!("manage_customers:{p}:a-store")).await;
        let view_a = h.token(&format!("view_customers:{p}:a-store")).await;
        let draft = |email: &str| json!({"email": email, "password": "p"});

        let (status, r) = h
            .call(
                Method::POST,
                &customers(&h, "a-store"),
                Some(&manage_a),
                Some(draft("s1@x.de")),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
        let by = r["customer"]["createdBy"]["clientId"].as_str().unwrap();
        assert_ne!(by, h.admin_id, "written by the store-scoped client");
        let c = r["customer"].clone();
        let one = format!("{}/{}", customers(&h, "a-store"), id(&c));
        let (status, _) = h.call(Method::GET, &one, Some(&manage_a), None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, r) = h
            .call(
                Method::POST,
                &format!("{}/login", in_store(&h, "a-store")),
                Some(&manage_a),
                Some(json!({"email": "s1@x.de", "password": "p"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{r}");

        for (method, uri, body) in [
            (
                Method::POST,
                customers(&h, "b-store"),
                Some(draft("s2@x.de")),
            ),
            (
                Method::GET,
                format!("{}/{}", customers(&h, "b-store"), id(&c)),
                None,
            ),
            (Method::GET, format!("/{p}/customers"), None),
            (Method::GET, format!("/{p}/customers/{}", id(&c)), None),
            (
                Method::POST,
                format!("/{p}/customers"),
                Some(draft("s3@x.de")),
            ),
            (
                Method::POST,
                format!("/{p}/login"),
                Some(json!({"email": "s1@x.de", "password": "p"})),
            ),
        ] {
            let (status, body) = h.call(method.clone(), &uri, Some(&manage_a), body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri}: {body}");
            assert_eq!(body["errors"][0]["code"], "insufficient_scope");
        }

        let (status, page) = h
            .call(Method::GET, &customers(&h, "a-store"), Some(&view_a), None)
            .await;
        assert_eq!((status, page["total"].as_i64()), (StatusCode::OK, Some(1)));
        let set = json!({"version": 1, "actions": [{"action": "setFirstName", "firstName": "V"}]});
        for (method, uri, body) in [
            (Method::POST, one.clone(), Some(set)),
            (
                Method::POST,
                customers(&h, "a-store"),
                Some(draft("s4@x.de")),
            ),
            (Method::DELETE, format!("{one}?version=1"), None),
        ] {
            let (status, body) = h.call(method.clone(), &uri, Some(&view_a), body).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "view_ cannot write: {method} {uri}: {body}"
            );
        }
        let msg = {
            let (_, body) = h
                .call(
                    Method::DELETE,
                    &format!("{one}?version=1"),
                    Some(&view_a),
                    None,
                )
                .await;
            body["message"].as_str().unwrap().to_string()
        };
        assert!(
            msg.contains(&format!("manage_customers:{p}:a-store")),
            "{msg}"
        );
    })
    .await;
}
