//! Issue 21 F9: emails that cannot be an address — empty, without `@`, with surrounding or
//! inner whitespace, control or zero-width characters — are refused with 400
//! `InvalidJsonInput` on every path that sets one: project and in-store sign-up, `/me/signup`
//! (project and in-store), `changeEmail` (admin and `/me`) and GraphQL sign-up. Such values
//! made look-alike accounts of an existing email. Case folding stays as it was.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::sessions::{access, Shop, A, PW};

/// Not addresses. Each would otherwise make a second account that reads like `a1@shop.test`.
const BAD: [&str; 12] = [
    "",
    " a1@shop.test",
    "a1@shop.test ",
    "a1@shop.test\n",
    "\ta1@shop.test",
    "a1\u{200B}@shop.test",
    "\u{FEFF}a1@shop.test",
    "a1@shop.test\u{0007}",
    "a1 @shop.test",
    "a1shop.test",
    "@shop.test",
    "a1@",
];

fn assert_invalid(what: &str, status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    assert_eq!(
        body["errors"][0]["code"], "InvalidJsonInput",
        "{what}: {body}"
    );
    assert_eq!(body["statusCode"], 400, "{what}: {body}");
    assert!(
        body["errors"][0]["detailedErrorMessage"]
            .as_str()
            .unwrap()
            .starts_with("email: invalid email address"),
        "{what}: {body}"
    );
}

#[tokio::test]
async fn emails_that_cannot_be_addresses_are_refused_everywhere() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let admin = s.h.admin_token.clone();
        let anonymous = access(&s.anonymous().await);
        let mine = access(&s.login(Some(A), &s.a2).await);
        for bad in BAD {
            let draft = json!({"email": bad, "password": PW});
            for uri in [
                format!("/{p}/customers"),
                format!("/{p}/in-store/key={A}/customers"),
            ] {
                let (status, body) = s.h.call(Method::POST, &uri, Some(&admin), Some(draft.clone())).await;
                assert_invalid(&format!("{uri} {bad:?}"), status, &body);
            }
            for store in [None, Some(A)] {
                let uri = s.me(store, "/signup");
                let (status, body) = s.post(&uri, &anonymous, draft.clone()).await;
                assert_invalid(&format!("{uri} {bad:?}"), status, &body);
            }
            let change = json!({"action": "changeEmail", "email": bad});
            let v = s.get(&format!("/{p}/customers/{}", s.a1.id), &admin).await.1["version"].clone();
            let uri = format!("/{p}/customers/{}", s.a1.id);
            let (status, body) = s.post(&uri, &admin, json!({"version": v, "actions": [change.clone()]})).await;
            assert_invalid(&format!("changeEmail {bad:?}"), status, &body);
            let v = s.get(&s.me(Some(A), ""), &mine).await.1["version"].clone();
            let (status, body) = s.post(&s.me(Some(A), ""), &mine, json!({"version": v, "actions": [change]})).await;
            assert_invalid(&format!("/me changeEmail {bad:?}"), status, &body);
            // GraphQL sign-up: the same error in the GraphQL error shape.
            let q = json!({
                "query": "mutation($e: String!) { customerSignUp(draft: {email: $e, password: \"pw\"}) { customer { id } } }",
                "variables": {"e": bad}
            });
            let (status, body) = s.h.call(Method::POST, &format!("/{p}/graphql"), Some(&admin), Some(q)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["errors"][0]["extensions"]["code"], "InvalidJsonInput", "GraphQL {bad:?}: {body}");
        }
        // Nothing was created or changed: one customer per email, a1 unchanged.
        let (status, page) = s.get(&format!("/{p}/customers?limit=500"), &admin).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["total"], 6, "{page}");
        let (_, a1) = s.get(&format!("/{p}/customers/{}", s.a1.id), &admin).await;
        assert_eq!((a1["email"].as_str(), a1["version"].as_i64()), (Some("a1@shop.test"), Some(1)));
        // Addresses of every other shape still pass; case is kept, compared case-insensitively.
        for (i, good) in ["O'Neil+tag@Example.co", "x@localhost", "\"a b\"@q.test", "jörg@bücher.de"]
            .into_iter()
            .enumerate()
        {
            let draft = json!({"email": good, "password": PW, "key": format!("good-{i}")});
            let (status, body) = s.h.call(Method::POST, &format!("/{p}/customers"), Some(&admin), Some(draft)).await;
            if good.contains(' ') {
                // A quoted local part with a space: refused too (the rule has no quoting).
                assert_invalid(good, status, &body);
                continue;
            }
            assert_eq!(status, StatusCode::CREATED, "{good}: {body}");
            assert_eq!(body["customer"]["email"], good);
        }
        let dup = json!({"email": "o'neil+TAG@example.CO", "password": PW});
        let (status, body) = s.h.call(Method::POST, &format!("/{p}/customers"), Some(&admin), Some(dup)).await;
        assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("DuplicateField")), "{body}");
    })
    .await;
}
