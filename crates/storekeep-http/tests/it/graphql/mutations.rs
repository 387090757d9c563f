//! Customer mutations of API clients, global and with `storeKey`, successes and the REST
//! error codes in `extensions`.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{code, Gq, A, B, PW};

#[tokio::test]
async fn sign_up_global_and_in_store() {
    Gq::each(|g| async move {
        let draft = json!({
            "email": "new@gq.test", "password": "pw-1", "key": "new-one", "firstName": "New",
            "dateOfBirth": "1990-01-31",
            "addresses": [{"key": "home", "country": "DE", "city": "Berlin", "pOBox": "12"}, {"country": "FR"}],
            "defaultShippingAddress": 0, "billingAddresses": [1]
        });
        let r = g.admin("customer_sign_up", json!({ "draft": draft })).await;
        let c = &r["customerSignUp"]["customer"];
        assert_eq!(c["version"], 1);
        assert_eq!(c["dateOfBirth"], "1990-01-31");
        assert_eq!(c["storesRef"], json!([]));
        assert_eq!(c["addresses"][0]["pOBox"], "12");
        assert_eq!(c["defaultShippingAddress"]["city"], "Berlin");
        assert_eq!(c["shippingAddresses"], json!([]));
        assert_eq!(c["billingAddressIds"][0], c["addresses"][1]["id"]);
        assert_eq!(r["customerSignUp"]["cart"], Value::Null);

        let vars = json!({"draft": {"email": "shop@gq.test", "password": "pw"}, "storeKey": A});
        let r = g.admin("customer_sign_up", vars).await;
        assert_eq!(r["customerSignUp"]["customer"]["storesRef"], json!([{"key": A}]));

        let admin = Some(g.h.admin_token.as_str());
        let cases = [
            (json!({"draft": {"email": "NEW@gq.test", "password": "x"}}), "DuplicateField"),
            (json!({"draft": {"email": "x@gq.test", "password": "x", "stores": [{"key": B}]}, "storeKey": A}), "InvalidOperation"),
            (json!({"draft": {"email": "y@gq.test", "password": "x", "stores": [{"key": "nowhere"}]}}), "ReferencedResourceNotFound"),
            (json!({"draft": {"email": "z@gq.test"}}), "RequiredField"),
        ];
        for (vars, want) in cases {
            let (status, body) = g.post(admin, "customer_sign_up", vars).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(code(&body), want, "{body}");
            assert_eq!(body["data"], Value::Null, "{body}");
        }
        let (_, body) = g
            .post(admin, "customer_sign_up", json!({"draft": {"email": "NEW@gq.test", "password": "x"}}))
            .await;
        let ext = &body["errors"][0]["extensions"];
        assert_eq!((ext["field"].as_str(), ext["duplicateValue"].as_str()), (Some("email"), Some("NEW@gq.test")));
        let (_, body) = g
            .post(admin, "customer_sign_up", json!({"draft": {"email": "y@gq.test", "password": "x", "stores": [{"key": "nowhere"}]}}))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["typeId"], "store");
    })
    .await;
}

#[tokio::test]
async fn sign_in_global_and_in_store() {
    Gq::each(|g| async move {
        let r = g
            .admin(
                "customer_sign_in",
                json!({"email": "G1@gq.test", "password": PW}),
            )
            .await;
        assert_eq!(r["customerSignIn"]["customer"]["id"], g.g1.id.as_str());
        let r = g
            .admin(
                "customer_sign_in",
                json!({"email": g.a1.email, "password": PW, "storeKey": A}),
            )
            .await;
        assert_eq!(r["customerSignIn"]["customer"]["id"], g.a1.id.as_str());
        let admin = Some(g.h.admin_token.as_str());
        for vars in [
            json!({"email": g.g1.email, "password": "wrong"}),
            json!({"email": g.a1.email, "password": PW, "storeKey": B}),
            json!({"email": g.a1.email, "password": PW}),
        ] {
            let (status, body) = g.post(admin, "customer_sign_in", vars).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(code(&body), "InvalidCredentials", "{body}");
        }
    })
    .await;
}

#[tokio::test]
async fn update_customer_by_id_and_key_with_the_store_rules() {
    Gq::each(|g| async move {
        let r = g.admin("update_customer_inline", json!({"id": g.a1.id, "version": 1})).await;
        let c = &r["updateCustomer"];
        assert_eq!((c["version"].as_i64(), c["key"].as_str()), (Some(2), Some("ada")));
        assert_eq!(c["defaultShippingAddress"]["city"], "Berlin");

        let actions = json!([
            {"changeEmail": {"email": "ada@gq.test"}},
            {"setLastName": {"lastName": null}},
            {"addStore": {"store": {"key": B}}}
        ]);
        let vars = json!({"version": 2, "actions": actions, "key": "ada", "storeKey": A});
        let r = g.admin("update_customer", vars).await;
        let c = &r["updateCustomer"];
        assert_eq!(c["email"], "ada@gq.test");
        assert_eq!(c["lastName"], Value::Null);
        assert_eq!(c["storesRef"], json!([{"key": A}, {"key": B}]));

        let admin = Some(g.h.admin_token.as_str());
        let set_first = json!([{"setFirstName": {"firstName": "X"}}]);
        let (status, body) = g
            .post(admin, "update_customer", json!({"version": 1, "actions": set_first, "id": g.a1.id}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(code(&body), "ConcurrentModification");
        assert_eq!(body["errors"][0]["extensions"]["currentVersion"], 3);
        assert_eq!(body["data"]["updateCustomer"], Value::Null);
        assert_eq!(body["errors"][0]["path"], json!(["updateCustomer"]));

        let (_, body) = g
            .post(admin, "update_customer", json!({"version": 1, "actions": set_first, "id": g.b1.id, "storeKey": A}))
            .await;
        assert_eq!(code(&body), "ResourceNotFound", "b1 is not in store A: {body}");

        let invalid = [
            json!({"version": 3, "actions": set_first}),
            json!({"version": 3, "actions": [{}], "id": g.a1.id}),
            json!({"version": 3, "actions": [{"setFirstName": {}, "setLastName": {}}], "id": g.a1.id}),
        ];
        for vars in invalid {
            let (status, body) = g.post(admin, "update_customer", vars).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(code(&body), "InvalidInput", "{body}");
        }
        let (_, body) = g
            .post(admin, "update_customer", json!({"version": 3, "actions": [{"setStores": {"stores": [{"key": "nowhere"}]}}], "id": g.a1.id}))
            .await;
        assert_eq!(code(&body), "ReferencedResourceNotFound", "{body}");
    })
    .await;
}

#[tokio::test]
async fn delete_customer() {
    Gq::each(|g| async move {
        let admin = Some(g.h.admin_token.as_str());
        let (_, body) = g
            .post(
                admin,
                "delete_customer",
                json!({"version": 1, "id": g.a1.id, "storeKey": B}),
            )
            .await;
        assert_eq!(code(&body), "ResourceNotFound", "{body}");
        let (_, body) = g
            .post(
                admin,
                "delete_customer",
                json!({"version": 9, "id": g.a1.id}),
            )
            .await;
        assert_eq!(code(&body), "ConcurrentModification", "{body}");
        let r = g
            .admin(
                "delete_customer",
                json!({"version": 1, "id": g.a1.id, "storeKey": A}),
            )
            .await;
        assert_eq!(r["deleteCustomer"]["email"], g.a1.email.as_str());
        let gone = g.admin("customer", json!({ "id": g.a1.id })).await;
        assert_eq!(gone["customer"], Value::Null);
    })
    .await;
}

#[tokio::test]
async fn passwords_change_and_reset() {
    Gq::each(|g| async move {
        let admin = Some(g.h.admin_token.as_str());
        let vars = json!({"id": g.g1.id, "version": 1, "current": "wrong", "new": "pw-2"});
        let (_, body) = g.post(admin, "customer_change_password", vars).await;
        assert_eq!(code(&body), "InvalidCurrentPassword", "{body}");
        let vars = json!({"id": g.g1.id, "version": 1, "current": PW, "new": "pw-2"});
        let r = g.admin("customer_change_password", vars).await;
        assert_eq!(r["customerChangePassword"]["version"], 2);

        let (_, body) = g
            .post(
                admin,
                "customer_create_password_reset_token",
                json!({"email": "nobody@gq.test"}),
            )
            .await;
        assert_eq!(code(&body), "ResourceNotFound", "{body}");
        let (status, body) = g
            .post(
                admin,
                "customer_create_password_reset_token",
                json!({"email": g.g1.email, "ttl": 999999}),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "InvalidInput"),
            "{body}"
        );
        let t = g
            .admin(
                "customer_create_password_reset_token",
                json!({"email": g.g1.email, "ttl": 60}),
            )
            .await;
        let t = &t["customerCreatePasswordResetToken"];
        assert_eq!(t["customerId"], g.g1.id.as_str());
        assert_eq!(t["invalidateOlderTokens"], true);
        let token = t["value"].as_str().unwrap().to_string();

        let (_, body) = g
            .post(
                admin,
                "customer_reset_password",
                json!({"token": token, "new": "pw-3", "storeKey": "no-store"}),
            )
            .await;
        assert_eq!(code(&body), "ResourceNotFound", "unknown store: {body}");
        let r = g
            .admin(
                "customer_reset_password",
                json!({"token": token, "new": "pw-3"}),
            )
            .await;
        assert_eq!(r["customerResetPassword"]["id"], g.g1.id.as_str());
        let (_, body) = g
            .post(
                admin,
                "customer_reset_password",
                json!({"token": token, "new": "pw-4"}),
            )
            .await;
        assert_eq!(
            code(&body),
            "ResourceNotFound",
            "a token is single use: {body}"
        );
        let r = g
            .admin(
                "customer_sign_in",
                json!({"email": g.g1.email, "password": "pw-3"}),
            )
            .await;
        assert_eq!(r["customerSignIn"]["customer"]["id"], g.g1.id.as_str());
    })
    .await;
}

#[tokio::test]
async fn email_verification() {
    Gq::each(|g| async move {
        let admin = Some(g.h.admin_token.as_str());
        let (_, body) = g
            .post(
                admin,
                "customer_create_email_verification_token",
                json!({"id": g.a1.id, "ttl": 30, "storeKey": B}),
            )
            .await;
        assert_eq!(code(&body), "ResourceNotFound", "{body}");
        let (_, body) = g
            .post(
                admin,
                "customer_create_email_verification_token",
                json!({"id": g.a1.id, "ttl": 30, "version": 7}),
            )
            .await;
        assert_eq!(code(&body), "ConcurrentModification", "{body}");
        let t = g
            .admin(
                "customer_create_email_verification_token",
                json!({"id": g.a1.id, "ttl": 30, "storeKey": A}),
            )
            .await;
        let token = t["customerCreateEmailVerificationToken"]["value"]
            .as_str()
            .unwrap()
            .to_string();
        let (_, body) = g
            .post(
                admin,
                "customer_confirm_email",
                json!({"token": token, "storeKey": B}),
            )
            .await;
        assert_eq!(
            code(&body),
            "ResourceNotFound",
            "a1's token is not B's: {body}"
        );
        let r = g
            .admin(
                "customer_confirm_email",
                json!({"token": token, "version": 1}),
            )
            .await;
        assert_eq!(r["customerConfirmEmail"]["isEmailVerified"], true);
    })
    .await;
}
