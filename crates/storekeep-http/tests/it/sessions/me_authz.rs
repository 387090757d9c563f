//! The route-table walk for the My routes (`Need::Me`): every row is refused without a token,
//! without its scope, with another project's token, with a token fenced to another store, and
//! (for customer rows) with a token that is not a customer's; it is allowed for a customer's
//! token of the path (and for any token with the scope on the `Session::Any` rows, for an
//! anonymous session's token too on the `Session::Shopper` rows — My Carts).

use axum::http::{Method, StatusCode};
use serde_json::json;
use storekeep_core::scopes::Perm;
use storekeep_http::authz::Session;
use storekeep_http::{route_table, Need};

use super::{access, Shop, A, B};

/// A concrete URI for a My route pattern in store `store`.
fn concrete(pattern: &str, project: &str, store: &str) -> String {
    pattern
        .replace("{project}", project)
        .replace("{store}", &format!("key={store}"))
        .replace("{target}", "no-such-cart")
}

fn refused(status: StatusCode) -> bool {
    status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN
}

#[tokio::test]
async fn every_my_route_is_fenced() {
    Shop::each(|s| async move {
        let p = s.p.clone();
        let rows: Vec<_> = route_table()
            .iter()
            .filter_map(|r| match r.need {
                Need::Me {
                    perm,
                    store_param,
                    session,
                } => Some((r.method.clone(), r.pattern, perm, store_param, session)),
                _ => None,
            })
            .collect();
        assert_eq!(
            rows.len(),
            28,
            "8 My Customer, 6 My Carts routes, project and in-store"
        );
        let in_store_a = s.token(Some(A), &s.a1).await;
        let global = s.token(None, &s.g1).await;
        let anonymous = access(&s.anonymous().await);
        let lacking_profile =
            s.h.token(&format!("manage_my_orders:{p} view_customers:{p}"))
                .await;
        let lacking_orders =
            s.h.token(&format!("manage_my_profile:{p} view_orders:{p}"))
                .await;
        let (_, foreign) = s.h.foreign_token("manage_project:{q}").await;
        for (method, pattern, perm, store_param, session) in rows {
            let lacking = match perm {
                Perm::ManageMyOrders => &lacking_orders,
                _ => &lacking_profile,
            };
            let what = format!("{method} {pattern}");
            let uri = concrete(pattern, &p, A);
            let call = |token: Option<String>, uri: String| {
                let s = &s;
                let method = method.clone();
                async move {
                    let body = (method == Method::POST).then(|| json!({}));
                    s.h.call(method, &uri, token.as_deref(), body).await
                }
            };
            let (status, _) = call(None, uri.clone()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} without a token");
            for (name, t) in [("lacking scope", lacking), ("foreign", &foreign)] {
                let (status, body) = call(Some(t.clone()), uri.clone()).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{what} {name}: {body}");
            }
            // The store fence: a store-A customer's token only on store A's routes.
            let (status, _) = call(Some(in_store_a.clone()), uri.clone()).await;
            assert_eq!(
                refused(status),
                !store_param,
                "{what} with a store-A customer"
            );
            let (status, _) = call(Some(in_store_a.clone()), concrete(pattern, &p, B)).await;
            assert!(refused(status), "{what} of store B with a store-A customer");
            let (status, _) = call(Some(global.clone()), uri.clone()).await;
            assert!(!refused(status), "{what} with a global customer: {status}");
            let (status, _) = call(Some(anonymous.clone()), uri.clone()).await;
            let (admin_status, _) = call(Some(s.h.admin_token.clone()), uri.clone()).await;
            match session {
                Session::Customer => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{what} anonymous");
                    assert_eq!(admin_status, StatusCode::FORBIDDEN, "{what} admin");
                }
                Session::Any => {
                    assert!(!refused(status), "{what} anonymous: {status}");
                    assert!(!refused(admin_status), "{what} admin: {admin_status}");
                }
                Session::Shopper => {
                    assert!(!refused(status), "{what} anonymous: {status}");
                    assert_eq!(admin_status, StatusCode::FORBIDDEN, "{what} admin");
                }
            }
        }
    })
    .await;
}
