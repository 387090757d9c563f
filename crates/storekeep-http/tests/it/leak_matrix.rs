//! The leak matrix (issue 5, item 6): every customer-facing REST route × every token kind ×
//! every target customer, each cell with its expected answer, on both backends. Zero leaks:
//! a cell may only succeed where its row says so, a success may only show the target (or,
//! on the My routes, the caller's own customer), and no answer — success or error — may
//! contain the id or email of any other customer.
//!
//! Each row is one line: method, path template, body template, who may call it (one letter
//! per token kind, in [`KINDS`] order: `y` = authorized, `-` = 403), and what an authorized
//! call answers ([`Then`]). Adding a route is adding its rows; a registered customer or My
//! route without a row fails [`every_customer_facing_route_has_rows`]. GraphQL has no
//! customer fields yet (no GraphQL endpoint is served); its cells belong here when it has.
//!
//! Writes are made harmless so that cells stay independent: updates are no-ops (D9) or
//! carry a wrong version (409 proves the caller reached the customer, 404 that it did not);
//! sign-ups use fresh emails; the sign-in throttle is off (it is tested in `sessions`).

use std::collections::BTreeSet;

use axum::http::Method;
use storekeep_core::oauth::ThrottleConfig;
use storekeep_http::registered_routes;

use crate::harness::each;
use crate::sessions::Shop;

/// The token kinds of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A customer of store A, signed in through store A.
    CustA,
    /// A customer of store B, signed in through store B.
    CustB,
    /// A global customer, signed in project-wide.
    Global,
    /// An anonymous session.
    Anon,
    /// An API client with `manage_customers:{p}:store-a`.
    StoreAdminA,
    /// An API client with `manage_project:{p}`.
    ProjectAdmin,
    /// An API client of another project (`manage_project:{q}`).
    Foreign,
}

const KINDS: [Kind; 7] = [
    Kind::CustA,
    Kind::CustB,
    Kind::Global,
    Kind::Anon,
    Kind::StoreAdminA,
    Kind::ProjectAdmin,
    Kind::Foreign,
];

/// What an authorized call answers.
#[derive(Debug, Clone, Copy)]
enum Then {
    /// This status if the target is visible from the row's store (D1: project rows see
    /// everyone, a store sees its own and the global customers), else 404.
    Vis(u16),
    /// 200, and the results hold the target iff it is visible.
    List,
    /// This status if the target can sign in at the row's store (project rows: global
    /// customers only), else the second status.
    SignIn(u16, u16),
    /// This status with the caller's own customer, whatever the target.
    Own(u16),
    /// 201 with a new customer.
    Signup,
    /// A token-value flow: this status if the target is visible and (for a customer's token)
    /// the caller itself, else 404.
    MyToken(u16),
}

/// One row of the matrix.
struct Row {
    method: Method,
    path: &'static str,
    body: Option<&'static str>,
    who: &'static str,
    then: Then,
}

const fn row(
    method: Method,
    path: &'static str,
    body: Option<&'static str>,
    who: &'static str,
    then: Then,
) -> Row {
    Row {
        method,
        path,
        body,
        who,
        then,
    }
}

const GET: Method = Method::GET;
const HEAD: Method = Method::HEAD;
const POST: Method = Method::POST;
const DEL: Method = Method::DELETE;

const NOOP: Option<&str> = Some(r#"{"version":{v},"actions":[]}"#);
const CHANGE_PW: Option<&str> =
    Some(r#"{"id":"{t}","version":999,"currentPassword":"x","newPassword":"y"}"#);
const EMAIL_TOKEN: Option<&str> = Some(r#"{"id":"{t}","version":999,"ttlMinutes":5}"#);
const PW_TOKEN: Option<&str> = Some(r#"{"email":"{email}"}"#);
const RESET: Option<&str> = Some(r#"{"tokenValue":"{ptok}","newPassword":"n","version":999}"#);
const CONFIRM: Option<&str> = Some(r#"{"tokenValue":"{etok}","version":999}"#);
const SIGNIN: Option<&str> = Some(r#"{"email":"{email}","password":"{pw}"}"#);
const MY_UPDATE: Option<&str> = Some(r#"{"version":999,"actions":[]}"#);
const MY_PW: Option<&str> =
    Some(r#"{"version":999,"currentPassword":"{pw}","newPassword":"y"}"#);
const SIGNUP: Option<&str> = Some(r#"{"email":"{fresh}","password":"{pw}"}"#);

use Then::{List, MyToken, Own, SignIn, Signup, Vis};

/// Kinds:          CustA CustB Global Anon StoreAdminA ProjectAdmin Foreign
const ADMIN_P: &str = "-----y-";
const ADMIN_A: &str = "----yy-";
const ADMIN_B: &str = "-----y-";
const ME_CUSTOMER_P: &str = "--y----";
const ME_CUSTOMER_A: &str = "y-y----";
const ME_CUSTOMER_B: &str = "-yy----";
const ME_ANY_P: &str = "--yy-y-";
const ME_ANY_A: &str = "y-yy-y-";
const ME_ANY_B: &str = "-yyy-y-";

#[rustfmt::skip]
static ROWS: &[Row] = &[
    // Customers, project-wide (customers.md §5).
    row(GET, "/{p}/customers/{t}", None, ADMIN_P, Vis(200)),
    row(HEAD, "/{p}/customers/{t}", None, ADMIN_P, Vis(200)),
    row(GET, "/{p}/customers/key={key}", None, ADMIN_P, Vis(200)),
    row(GET, "/{p}/customers/password-token={ptok}", None, ADMIN_P, Vis(200)),
    row(GET, "/{p}/customers/email-token={etok}", None, ADMIN_P, Vis(200)),
    row(GET, "/{p}/customers?where", None, ADMIN_P, List),
    row(HEAD, "/{p}/customers?where", None, ADMIN_P, Vis(200)),
    row(POST, "/{p}/customers/{t}", NOOP, ADMIN_P, Vis(200)),
    row(DEL, "/{p}/customers/{t}?version=999", None, ADMIN_P, Vis(409)),
    row(POST, "/{p}/customers/password", CHANGE_PW, ADMIN_P, Vis(409)),
    row(POST, "/{p}/customers/email-token", EMAIL_TOKEN, ADMIN_P, Vis(409)),
    row(POST, "/{p}/customers/password-token", PW_TOKEN, ADMIN_P, SignIn(200, 404)),
    row(POST, "/{p}/customers/password/reset", RESET, ADMIN_P, Vis(409)),
    row(POST, "/{p}/customers/email/confirm", CONFIRM, ADMIN_P, Vis(409)),
    row(POST, "/{p}/login", SIGNIN, ADMIN_P, SignIn(200, 400)),
    // Customers in store A.
    row(GET, "/{p}/in-store/key=store-a/customers/{t}", None, ADMIN_A, Vis(200)),
    row(HEAD, "/{p}/in-store/key=store-a/customers/{t}", None, ADMIN_A, Vis(200)),
    row(GET, "/{p}/in-store/key=store-a/customers/key={key}", None, ADMIN_A, Vis(200)),
    row(GET, "/{p}/in-store/key=store-a/customers/password-token={ptok}", None, ADMIN_A, Vis(200)),
    row(GET, "/{p}/in-store/key=store-a/customers/email-token={etok}", None, ADMIN_A, Vis(200)),
    row(GET, "/{p}/in-store/key=store-a/customers?where", None, ADMIN_A, List),
    row(HEAD, "/{p}/in-store/key=store-a/customers?where", None, ADMIN_A, Vis(200)),
    row(POST, "/{p}/in-store/key=store-a/customers/{t}", NOOP, ADMIN_A, Vis(200)),
    row(DEL, "/{p}/in-store/key=store-a/customers/{t}?version=999", None, ADMIN_A, Vis(409)),
    row(POST, "/{p}/in-store/key=store-a/customers/password", CHANGE_PW, ADMIN_A, Vis(409)),
    row(POST, "/{p}/in-store/key=store-a/customers/email-token", EMAIL_TOKEN, ADMIN_A, Vis(409)),
    row(POST, "/{p}/in-store/key=store-a/customers/password-token", PW_TOKEN, ADMIN_A, SignIn(200, 404)),
    row(POST, "/{p}/in-store/key=store-a/customers/password/reset", RESET, ADMIN_A, Vis(409)),
    row(POST, "/{p}/in-store/key=store-a/customers/email/confirm", CONFIRM, ADMIN_A, Vis(409)),
    row(POST, "/{p}/in-store/key=store-a/login", SIGNIN, ADMIN_A, SignIn(200, 400)),
    // Customers in store B (the store admin of A has no scope here).
    row(GET, "/{p}/in-store/key=store-b/customers/{t}", None, ADMIN_B, Vis(200)),
    row(HEAD, "/{p}/in-store/key=store-b/customers/{t}", None, ADMIN_B, Vis(200)),
    row(GET, "/{p}/in-store/key=store-b/customers/key={key}", None, ADMIN_B, Vis(200)),
    row(GET, "/{p}/in-store/key=store-b/customers/password-token={ptok}", None, ADMIN_B, Vis(200)),
    row(GET, "/{p}/in-store/key=store-b/customers/email-token={etok}", None, ADMIN_B, Vis(200)),
    row(GET, "/{p}/in-store/key=store-b/customers?where", None, ADMIN_B, List),
    row(HEAD, "/{p}/in-store/key=store-b/customers?where", None, ADMIN_B, Vis(200)),
    row(POST, "/{p}/in-store/key=store-b/customers/{t}", NOOP, ADMIN_B, Vis(200)),
    row(DEL, "/{p}/in-store/key=store-b/customers/{t}?version=999", None, ADMIN_B, Vis(409)),
    row(POST, "/{p}/in-store/key=store-b/customers/password", CHANGE_PW, ADMIN_B, Vis(409)),
    row(POST, "/{p}/in-store/key=store-b/customers/email-token", EMAIL_TOKEN, ADMIN_B, Vis(409)),
    row(POST, "/{p}/in-store/key=store-b/customers/password-token", PW_TOKEN, ADMIN_B, SignIn(200, 404)),
    row(POST, "/{p}/in-store/key=store-b/customers/password/reset", RESET, ADMIN_B, Vis(409)),
    row(POST, "/{p}/in-store/key=store-b/customers/email/confirm", CONFIRM, ADMIN_B, Vis(409)),
    row(POST, "/{p}/in-store/key=store-b/login", SIGNIN, ADMIN_B, SignIn(200, 400)),
    // My Customer, project-wide (auth.md §6).
    row(GET, "/{p}/me", None, ME_CUSTOMER_P, Own(200)),
    row(HEAD, "/{p}/me", None, ME_CUSTOMER_P, Own(200)),
    row(POST, "/{p}/me", MY_UPDATE, ME_CUSTOMER_P, Own(409)),
    row(DEL, "/{p}/me?version=999", None, ME_CUSTOMER_P, Own(409)),
    row(POST, "/{p}/me/password", MY_PW, ME_CUSTOMER_P, Own(409)),
    row(POST, "/{p}/me/signup", SIGNUP, ME_ANY_P, Signup),
    row(POST, "/{p}/me/login", SIGNIN, ME_ANY_P, SignIn(200, 400)),
    row(POST, "/{p}/me/password/reset", RESET, ME_ANY_P, MyToken(409)),
    row(POST, "/{p}/me/email/confirm", CONFIRM, ME_ANY_P, MyToken(409)),
    // My Customer in store A.
    row(GET, "/{p}/in-store/key=store-a/me", None, ME_CUSTOMER_A, Own(200)),
    row(HEAD, "/{p}/in-store/key=store-a/me", None, ME_CUSTOMER_A, Own(200)),
    row(POST, "/{p}/in-store/key=store-a/me", MY_UPDATE, ME_CUSTOMER_A, Own(409)),
    row(DEL, "/{p}/in-store/key=store-a/me?version=999", None, ME_CUSTOMER_A, Own(409)),
    row(POST, "/{p}/in-store/key=store-a/me/password", MY_PW, ME_CUSTOMER_A, Own(409)),
    row(POST, "/{p}/in-store/key=store-a/me/signup", SIGNUP, ME_ANY_A, Signup),
    row(POST, "/{p}/in-store/key=store-a/me/login", SIGNIN, ME_ANY_A, SignIn(200, 400)),
    row(POST, "/{p}/in-store/key=store-a/me/password/reset", RESET, ME_ANY_A, MyToken(409)),
    row(POST, "/{p}/in-store/key=store-a/me/email/confirm", CONFIRM, ME_ANY_A, MyToken(409)),
    // My Customer in store B.
    row(GET, "/{p}/in-store/key=store-b/me", None, ME_CUSTOMER_B, Own(200)),
    row(HEAD, "/{p}/in-store/key=store-b/me", None, ME_CUSTOMER_B, Own(200)),
    row(POST, "/{p}/in-store/key=store-b/me", MY_UPDATE, ME_CUSTOMER_B, Own(409)),
    row(DEL, "/{p}/in-store/key=store-b/me?version=999", None, ME_CUSTOMER_B, Own(409)),
    row(POST, "/{p}/in-store/key=store-b/me/password", MY_PW, ME_CUSTOMER_B, Own(409)),
    row(POST, "/{p}/in-store/key=store-b/me/signup", SIGNUP, ME_ANY_B, Signup),
    row(POST, "/{p}/in-store/key=store-b/me/login", SIGNIN, ME_ANY_B, SignIn(200, 400)),
    row(POST, "/{p}/in-store/key=store-b/me/password/reset", RESET, ME_ANY_B, MyToken(409)),
    row(POST, "/{p}/in-store/key=store-b/me/email/confirm", CONFIRM, ME_ANY_B, MyToken(409)),
];

mod run;

#[test]
fn every_customer_facing_route_has_rows() {
    let covered: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.method.to_string(), run::pattern_of(r.path)))
        .collect();
    for (method, pattern) in registered_routes() {
        let facing = pattern.starts_with("/{project}/")
            && (pattern.contains("/customers")
                || pattern.contains("/me")
                || pattern.ends_with("/login"));
        if facing {
            assert!(
                covered.contains(&(method.to_string(), pattern.to_string())),
                "{method} {pattern} is a customer-facing route without rows in the leak matrix"
            );
        }
    }
}

#[tokio::test]
async fn zero_leaks() {
    each(|h| async move {
        let shop = Shop::new(h, ThrottleConfig::disabled()).await;
        let m = run::Matrix::new(shop).await;
        let mut cells = 0;
        for row in ROWS {
            for (k, kind) in KINDS.iter().enumerate() {
                for target in m.targets() {
                    m.cell(row, k, *kind, &target).await;
                    cells += 1;
                }
            }
        }
        assert_eq!(cells, ROWS.len() * KINDS.len() * 6);
    })
    .await;
}
