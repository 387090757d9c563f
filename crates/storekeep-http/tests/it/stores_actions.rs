//! Every Store update action over HTTP: its effect (or, for actions naming channels, product
//! selections or types — resources storekeep does not hold — the `ReferencedResourceNotFound`
//! error), one version per request, and no change when a request fails.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{admin, code, store};
use crate::harness::{each, Harness};

/// POST one update of store `key` at `version`.
async fn update(h: &Harness, key: &str, version: i64, actions: Value) -> (StatusCode, Value) {
    let uri = format!("/{}/stores/key={key}", h.project);
    admin(
        h,
        Method::POST,
        &uri,
        Some(json!({"version": version, "actions": actions})),
    )
    .await
}

#[tokio::test]
async fn name_languages_and_countries() {
    each(|h| async move {
        store(&h, "act").await;
        let (status, s) = update(
            &h,
            "act",
            1,
            json!([
                {"action": "setName", "name": {"en": "Renamed"}},
                {"action": "setLanguages", "languages": ["en", "en"]},
                {"action": "setCountries", "countries": [{"code": "AT"}, {"code": "CH"}]},
                {"action": "addCountry", "country": {"code": "FR"}},
                {"action": "addCountry", "country": {"code": "FR"}},
                {"action": "removeCountry", "country": {"code": "CH"}},
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{s}");
        assert_eq!(s["version"], 2, "one version per request");
        assert_eq!(s["name"], json!({"en": "Renamed"}));
        assert_eq!(s["languages"], json!(["en"]));
        assert_eq!(s["countries"], json!([{"code": "AT"}, {"code": "FR"}]));
        let (status, s) = update(
            &h,
            "act",
            2,
            json!([
            {"action": "setName"}, {"action": "setLanguages"}, {"action": "setCountries"}]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{s}");
        assert!(s.get("name").is_none(), "{s}");
        assert_eq!(
            (s["languages"].clone(), s["countries"].clone()),
            (json!([]), json!([]))
        );
        let (status, err) = update(
            &h,
            "act",
            3,
            json!([{"action": "addCountry", "country": {"code": "Austria"}}]),
        )
        .await;
        assert_eq!(
            (status, code(&err)),
            (StatusCode::BAD_REQUEST, "InvalidJsonInput")
        );
    })
    .await;
}

#[tokio::test]
async fn channel_selection_and_type_actions() {
    each(|h| async move {
        store(&h, "refs").await;
        let channel = json!({"typeId": "channel", "key": "web"});
        let selection = json!({"typeId": "product-selection", "id": "ps-1"});
        for (action, type_id) in [
            (json!({"action": "setDistributionChannels", "distributionChannels": [channel]}), "channel"),
            (json!({"action": "addDistributionChannel", "distributionChannel": channel}), "channel"),
            (json!({"action": "removeDistributionChannel", "distributionChannel": channel}), "channel"),
            (json!({"action": "setSupplyChannels", "supplyChannels": [channel]}), "channel"),
            (json!({"action": "addSupplyChannel", "supplyChannel": channel}), "channel"),
            (json!({"action": "removeSupplyChannel", "supplyChannel": channel}), "channel"),
            (json!({"action": "addProductSelection", "productSelection": selection, "active": true}), "product-selection"),
            (json!({"action": "removeProductSelection", "productSelection": selection}), "product-selection"),
            (json!({"action": "changeProductSelectionActive", "productSelection": selection, "active": false}), "product-selection"),
            (json!({"action": "setProductSelections", "productSelections": [{"productSelection": selection}]}), "product-selection"),
            (json!({"action": "setCustomType", "type": {"key": "store-type"}}), "type"),
        ] {
            let (status, err) = update(&h, "refs", 1, json!([action])).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{action}: {err}");
            assert_eq!(code(&err), "ReferencedResourceNotFound", "{action}");
            assert_eq!(err["errors"][0]["typeId"], type_id, "{action}");
        }
        // Emptying the lists and removing the custom type need no reference and succeed; on
        // a store that has none of them that changes nothing, so the version stays (D9).
        let (status, s) = update(&h, "refs", 1, json!([
            {"action": "setDistributionChannels", "distributionChannels": []},
            {"action": "setSupplyChannels"},
            {"action": "setProductSelections", "productSelections": []},
            {"action": "setCustomType"},
        ])).await;
        assert_eq!((status, s["version"].as_i64()), (StatusCode::OK, Some(1)), "{s}");
        assert_eq!((s["distributionChannels"].clone(), s["productSelections"].clone()), (json!([]), json!([])));
        let (status, err) = update(&h, "refs", 1, json!([{"action": "setCustomField", "name": "f", "value": 1}])).await;
        assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "InvalidOperation"), "{err}");
        let both = json!({"typeId": "channel", "id": "c1", "key": "web"});
        let (status, err) = update(&h, "refs", 1, json!([{"action": "addSupplyChannel", "supplyChannel": both}])).await;
        assert_eq!((status, code(&err)), (StatusCode::BAD_REQUEST, "InvalidJsonInput"), "id and key: {err}");
    })
    .await;
}

#[tokio::test]
async fn storefront_actions() {
    each(|h| async move {
        store(&h, "front").await;
        let actions = [
            (
                "setCheckoutUrlTemplate",
                "checkoutUrlTemplate",
                "https://shop.example/checkout/{checkoutId}",
            ),
            (
                "setOrderUrlTemplate",
                "orderUrlTemplate",
                "https://shop.example/orders/{orderId}",
            ),
            (
                "setTermsOfServiceUrl",
                "termsOfServiceUrl",
                "https://shop.example/terms",
            ),
            (
                "setPrivacyPolicyUrl",
                "privacyPolicyUrl",
                "https://shop.example/privacy",
            ),
            (
                "setRefundPolicyUrl",
                "refundPolicyUrl",
                "https://shop.example/refunds",
            ),
            (
                "setShippingPolicyUrl",
                "shippingPolicyUrl",
                "https://shop.example/shipping",
            ),
            (
                "setCookiePolicyUrl",
                "cookiePolicyUrl",
                "https://shop.example/cookies",
            ),
            (
                "setImprintUrl",
                "imprintUrl",
                "https://shop.example/imprint",
            ),
            ("setFaqUrl", "faqUrl", "https://shop.example/faq"),
            (
                "setContactUrl",
                "contactUrl",
                "https://shop.example/contact",
            ),
        ];
        let set: Vec<Value> = actions
            .iter()
            .map(|(a, f, v)| json!({"action": a, *f: v}))
            .collect();
        let (status, s) = update(&h, "front", 1, Value::Array(set)).await;
        assert_eq!(status, StatusCode::OK, "{s}");
        for (_, field, value) in actions {
            assert_eq!(s["storefront"][field], value, "{field}");
        }
        for (action, field, _) in actions {
            let bad = if field.ends_with("Template") {
                "https://shop.example/{other}"
            } else {
                "http://insecure.example"
            };
            let (status, err) =
                update(&h, "front", 2, json!([{"action": action, field: bad}])).await;
            assert_eq!(
                (status, code(&err)),
                (StatusCode::BAD_REQUEST, "InvalidField"),
                "{action}: {err}"
            );
            assert_eq!(
                (
                    err["errors"][0]["field"].as_str(),
                    err["errors"][0]["invalidValue"].as_str()
                ),
                (Some(field), Some(bad))
            );
        }
        let unset: Vec<Value> = actions
            .iter()
            .map(|(a, _, _)| json!({"action": a}))
            .collect();
        let (status, s) = update(&h, "front", 2, Value::Array(unset)).await;
        assert_eq!(status, StatusCode::OK, "{s}");
        assert!(s.get("storefront").is_none(), "all unset: {s}");
    })
    .await;
}

#[tokio::test]
async fn a_failing_action_leaves_the_store_unchanged() {
    each(|h| async move {
        store(&h, "atomic").await;
        let (status, _) = update(
            &h,
            "atomic",
            1,
            json!([
                {"action": "setName", "name": {"en": "Half"}},
                {"action": "addDistributionChannel", "distributionChannel": {"key": "nope"}},
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (_, s) = admin(
            &h,
            Method::GET,
            &format!("/{}/stores/key=atomic", h.project),
            None,
        )
        .await;
        assert_eq!(
            (s["version"].as_i64(), s["name"].clone()),
            (Some(1), json!({"en": "atomic"}))
        );
    })
    .await;
}
