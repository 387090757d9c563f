//! The leak matrix (issue 5, item 6): every customer-facing route — the Customer, My Customer,
//! Cart and My Cart REST routes, project-wide and in two stores, and GraphQL — × every token
//! kind ([`KINDS`]) × every target (six customers: two of store A, two of store B, two global;
//! for cart rows, the target's cart), each cell with its expected answer, on both backends.
//! Zero leaks: a cell may only succeed where its row says so, a success shows only the target
//! (or, on My rows, the caller's own customer or carts), and no answer — success or error —
//! contains the id, email or key of any other customer, or the id of another's cart.
//!
//! Each row is one line: method, path template, body template, who may call it (one letter
//! per token kind, in [`KINDS`] order: `y` = authorized, `-` = 403), and what an authorized
//! call answers ([`Then`]). Adding a route is adding its rows; a registered customer, cart or
//! My route without a row fails [`every_customer_facing_route_has_rows`]. GraphQL
//! (`POST /{p}/graphql`) has one row per operation that can reach a customer; its answer is
//! read as the REST status it stands for (`insufficient_scope` → 403, a customer in `data` →
//! 200, `null` → 404, …), see `run::gql_status`.
//!
//! Writes are made harmless so that cells stay independent: updates are no-ops (D9) or
//! carry a wrong version (409 proves the caller reached the resource, 404 that it did not);
//! sign-ups and carts are new; the sign-in throttle is off (it is tested in `sessions`).

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
    /// An API client with `manage_customers:{p}:store-a manage_orders:{p}:store-a`.
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
    /// 201 with a new resource (a sign-up, a cart).
    Created,
    /// This status whoever the target (a malformed body: authorization passed, nothing read).
    Fixed(u16),
    /// This status if the target's cart is visible from the row's store (project rows see
    /// every cart; a store only its own carts), else 404.
    CartVis(u16),
    /// 200, and the results hold the target's cart iff it is visible.
    CartList,
    /// The target customer's active cart: 200 if it has a cart the row's store sees, else 404.
    ActiveCart,
    /// This status if the target's cart is the caller's own and visible, else 404.
    MyCart(u16),
    /// 200, and the results hold the target's cart iff it is the caller's own and visible.
    MyCartList,
    /// The caller's own active cart (every shopper has one in every store): 200.
    OwnCart,
    /// A token-value flow: this status if the target is visible and (for a customer's token)
    /// the caller itself, else 404.
    MyToken(u16),
    /// GraphQL `me`: the caller's own customer (200), `null` for an anonymous session (404).
    OwnOrNull,
    /// A write that would add a store the caller may not hold to the target (F3): a caller
    /// limited to other stores ([`run::limited`]) gets 403 wherever it sees the target, before
    /// any uniqueness check; everyone else this status if the target is visible, else 404.
    Gain(u16),
    /// A sign-up into a store the caller may not hold: limited callers 403, others this status.
    GainNew(u16),
    /// A write that would make the target global (in every store): limited callers get 403 for
    /// the store customers they see; otherwise as [`Then::Vis`].
    Globalize(u16),
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
const MY_PW: Option<&str> = Some(r#"{"version":999,"currentPassword":"{pw}","newPassword":"y"}"#);
const SIGNUP: Option<&str> = Some(r#"{"email":"{fresh}","password":"{pw}"}"#);
const DRAFT: Option<&str> = SIGNUP;
const WRONG_VERSION: Option<&str> = MY_UPDATE;

use Then::{
    ActiveCart, CartList, CartVis, Created, Fixed, Gain, GainNew, Globalize, List, MyCart,
    MyCartList, MyToken, Own, OwnCart, OwnOrNull, SignIn, Vis,
};

// Writes into other stores (issue 21, F3). Updates end with an action that fails, so that the
// callers allowed to make them change nothing (400) and cells stay independent; sign-ups use
// the target's email, so a caller allowed to make them meets `DuplicateField` (400) — which a
// limited caller must never see for another store's email.
const SIGNUP_AB: Option<&str> =
    Some(r#"{"email":"{email}","password":"{pw}","stores":[{"key":"store-a"},{"key":"store-b"}]}"#);
const ADD_B: Option<&str> = Some(
    r#"{"version":{v},"actions":[{"action":"addStore","store":{"key":"store-b"}},{"action":"removeAddress","addressId":"none"}]}"#,
);
const SET_AB: Option<&str> = Some(
    r#"{"version":{v},"actions":[{"action":"setStores","stores":[{"key":"store-a"},{"key":"store-b"}]},{"action":"removeAddress","addressId":"none"}]}"#,
);
const SET_B_BY_ID: Option<&str> = Some(
    r#"{"version":{v},"actions":[{"action":"setStores","stores":[{"typeId":"store","id":"{sb}"}]},{"action":"removeAddress","addressId":"none"}]}"#,
);
const SET_NONE: Option<&str> = Some(
    r#"{"version":{v},"actions":[{"action":"setStores","stores":[]},{"action":"removeAddress","addressId":"none"}]}"#,
);
const REMOVE_A: Option<&str> = Some(
    r#"{"version":{v},"actions":[{"action":"removeStore","store":{"key":"store-a"}},{"action":"removeAddress","addressId":"none"}]}"#,
);
// In-store sign-ins naming an anonymous cart the store does not see (issue 21, item 9): one of
// no store (by id), one of store B (by key).
const SIGNIN_STRAY: Option<&str> =
    Some(r#"{"email":"{email}","password":"{pw}","anonymousCart":{"id":"{stray}"}}"#);
const SIGNIN_STRAY_B: Option<&str> = Some(
    r#"{"email":"{email}","password":"{pw}","anonymousCart":{"typeId":"cart","key":"stray-b"}}"#,
);
const G_SIGN_UP_AB: Option<&str> = Some(
    r#"{"query":"mutation($e:String!,$p:String!,$s:KeyReferenceInput){customerSignUp(draft:{email:$e,password:$p,stores:[{key:\"store-a\"},{key:\"store-b\"}]},storeKey:$s){customer{id}}}","variables":{"e":"{email}","p":"{pw}","s":{sv}}}"#,
);
const G_SIGN_ME_UP_AB: Option<&str> = Some(
    r#"{"query":"mutation($e:String!,$p:String!,$s:KeyReferenceInput){customerSignMeUp(draft:{email:$e,password:$p,stores:[{key:\"store-a\"},{key:\"store-b\"}]},storeKey:$s){customer{id}}}","variables":{"e":"{email}","p":"{pw}","s":{sv}}}"#,
);
const G_ADD_B: Option<&str> = Some(
    r#"{"query":"mutation($t:String,$s:KeyReferenceInput){updateCustomer(id:$t,version:{v},storeKey:$s,actions:[{addStore:{store:{key:\"store-b\"}}},{removeAddress:{addressId:\"none\"}}]){id}}","variables":{"t":"{t}","s":{sv}}}"#,
);
const G_SIGN_IN_STRAY: Option<&str> = Some(
    r#"{"query":"mutation($e:String!,$p:String!,$c:String,$s:KeyReferenceInput){customerSignIn(draft:{email:$e,password:$p,anonymousCart:{id:$c}},storeKey:$s){customer{id}}}","variables":{"e":"{email}","p":"{pw}","c":"{stray}","s":{sv}}}"#,
);

const CART: Option<&str> = Some(r#"{"currency":"EUR"}"#);
const NOT_A_DRAFT: Option<&str> = Some("[]");
/// A merge that hands over no carts (no cart has this `anonymousId`): the answer is the
/// target's active cart as the row's store sees it.
const MERGE_NOTHING: Option<&str> = Some(r#"{"anonymousId":"no-such-session"}"#);

// GraphQL documents (the store of an in-store row is the path's `#key=…` marker).
const G_BY_ID: Option<&str> =
    Some(r#"{"query":"query($t:String){customer(id:$t){id email key}}","variables":{"t":"{t}"}}"#);
const G_BY_KEY: Option<&str> =
    Some(r#"{"query":"query($k:String){customer(key:$k){id email}}","variables":{"k":"{key}"}}"#);
const G_BY_PTOK: Option<&str> = Some(
    r#"{"query":"query($v:String){customer(passwordToken:$v){id email}}","variables":{"v":"{ptok}"}}"#,
);
const G_BY_ETOK: Option<&str> = Some(
    r#"{"query":"query($v:String){customer(emailToken:$v){id email}}","variables":{"v":"{etok}"}}"#,
);
const G_QUERY: Option<&str> = Some(
    r#"{"query":"query($w:String){customers(where:$w){results{id email}}}","variables":{"w":"id=\"{t}\""}}"#,
);
const G_IN_STORE: Option<&str> = Some(
    r#"{"query":"query($s:KeyReferenceInput!,$t:String){inStore(key:$s){customer(id:$t){id email}}}","variables":{"s":"{s}","t":"{t}"}}"#,
);
const G_IN_STORE_QUERY: Option<&str> = Some(
    r#"{"query":"query($s:KeyReferenceInput!,$w:String){inStore(key:$s){customers(where:$w){results{id email}}}}","variables":{"s":"{s}","w":"id=\"{t}\""}}"#,
);
const G_ME: Option<&str> = Some(r#"{"query":"{me{customer{id email}}}"}"#);
const G_IN_STORE_ME: Option<&str> = Some(
    r#"{"query":"query($s:KeyReferenceInput!){inStore(key:$s){me{customer{id email}}}}","variables":{"s":"{s}"}}"#,
);
const G_SIGN_ME_IN: Option<&str> = Some(
    r#"{"query":"mutation($e:String!,$p:String!,$s:KeyReferenceInput){customerSignMeIn(draft:{email:$e,password:$p},storeKey:$s){customer{id email}}}","variables":{"e":"{email}","p":"{pw}","s":{sv}}}"#,
);
const G_SIGN_IN: Option<&str> = Some(
    r#"{"query":"mutation($e:String!,$p:String!,$s:KeyReferenceInput){customerSignIn(draft:{email:$e,password:$p},storeKey:$s){customer{id email}}}","variables":{"e":"{email}","p":"{pw}","s":{sv}}}"#,
);
const G_UPDATE_ME: Option<&str> = Some(
    r#"{"query":"mutation($s:KeyReferenceInput){updateMyCustomer(version:999,actions:[],storeKey:$s){id}}","variables":{"s":{sv}}}"#,
);

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
const SHOPPER_P: &str = "--yy---";
const SHOPPER_A: &str = "y-yy---";
const SHOPPER_B: &str = "-yyy---";

#[rustfmt::skip]
static ROWS: &[Row] = &[
    // Customers, project-wide (customers.md §5).
    row(POST, "/{p}/customers", DRAFT, ADMIN_P, Created),
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
    row(POST, "/{p}/in-store/key=store-a/customers", DRAFT, ADMIN_A, Created),
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
    // Writes into other stores through store A (F3) and foreign anonymous carts (item 9).
    row(POST, "/{p}/in-store/key=store-a/customers", SIGNUP_AB, ADMIN_A, GainNew(400)),
    row(POST, "/{p}/in-store/key=store-a/customers/{t}", ADD_B, ADMIN_A, Gain(400)),
    row(POST, "/{p}/in-store/key=store-a/customers/{t}", SET_AB, ADMIN_A, Gain(400)),
    row(POST, "/{p}/in-store/key=store-a/customers/key={key}", SET_B_BY_ID, ADMIN_A, Gain(400)),
    row(POST, "/{p}/in-store/key=store-a/customers/{t}", SET_NONE, ADMIN_A, Globalize(400)),
    row(POST, "/{p}/in-store/key=store-a/customers/{t}", REMOVE_A, ADMIN_A, Globalize(400)),
    row(POST, "/{p}/in-store/key=store-a/login", SIGNIN_STRAY, ADMIN_A, SignIn(404, 400)),
    row(POST, "/{p}/in-store/key=store-a/login", SIGNIN_STRAY_B, ADMIN_A, SignIn(404, 400)),
    // Customers in store B (the store admin of A has no scope here).
    row(POST, "/{p}/in-store/key=store-b/customers", DRAFT, ADMIN_B, Created),
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
    row(POST, "/{p}/in-store/key=store-b/login", SIGNIN_STRAY, ADMIN_B, SignIn(404, 400)),
    // My Customer, project-wide (auth.md §6).
    row(GET, "/{p}/me", None, ME_CUSTOMER_P, Own(200)),
    row(HEAD, "/{p}/me", None, ME_CUSTOMER_P, Own(200)),
    row(POST, "/{p}/me", MY_UPDATE, ME_CUSTOMER_P, Own(409)),
    row(DEL, "/{p}/me?version=999", None, ME_CUSTOMER_P, Own(409)),
    row(POST, "/{p}/me/password", MY_PW, ME_CUSTOMER_P, Own(409)),
    row(POST, "/{p}/me/signup", SIGNUP, ME_ANY_P, Created),
    row(POST, "/{p}/me/login", SIGNIN, ME_ANY_P, SignIn(200, 400)),
    row(POST, "/{p}/me/password/reset", RESET, ME_ANY_P, MyToken(409)),
    row(POST, "/{p}/me/email/confirm", CONFIRM, ME_ANY_P, MyToken(409)),
    // My Customer in store A.
    row(GET, "/{p}/in-store/key=store-a/me", None, ME_CUSTOMER_A, Own(200)),
    row(HEAD, "/{p}/in-store/key=store-a/me", None, ME_CUSTOMER_A, Own(200)),
    row(POST, "/{p}/in-store/key=store-a/me", MY_UPDATE, ME_CUSTOMER_A, Own(409)),
    row(DEL, "/{p}/in-store/key=store-a/me?version=999", None, ME_CUSTOMER_A, Own(409)),
    row(POST, "/{p}/in-store/key=store-a/me/password", MY_PW, ME_CUSTOMER_A, Own(409)),
    row(POST, "/{p}/in-store/key=store-a/me/signup", SIGNUP, ME_ANY_A, Created),
    row(POST, "/{p}/in-store/key=store-a/me/signup", SIGNUP_AB, ME_ANY_A, GainNew(400)),
    row(POST, "/{p}/in-store/key=store-a/me/login", SIGNIN, ME_ANY_A, SignIn(200, 400)),
    row(POST, "/{p}/in-store/key=store-a/me/password/reset", RESET, ME_ANY_A, MyToken(409)),
    row(POST, "/{p}/in-store/key=store-a/me/email/confirm", CONFIRM, ME_ANY_A, MyToken(409)),
    // My Customer in store B.
    row(GET, "/{p}/in-store/key=store-b/me", None, ME_CUSTOMER_B, Own(200)),
    row(HEAD, "/{p}/in-store/key=store-b/me", None, ME_CUSTOMER_B, Own(200)),
    row(POST, "/{p}/in-store/key=store-b/me", MY_UPDATE, ME_CUSTOMER_B, Own(409)),
    row(DEL, "/{p}/in-store/key=store-b/me?version=999", None, ME_CUSTOMER_B, Own(409)),
    row(POST, "/{p}/in-store/key=store-b/me/password", MY_PW, ME_CUSTOMER_B, Own(409)),
    row(POST, "/{p}/in-store/key=store-b/me/signup", SIGNUP, ME_ANY_B, Created),
    row(POST, "/{p}/in-store/key=store-b/me/signup", SIGNUP_AB, ME_ANY_B, GainNew(400)),
    row(POST, "/{p}/in-store/key=store-b/me/login", SIGNIN, ME_ANY_B, SignIn(200, 400)),
    row(POST, "/{p}/in-store/key=store-b/me/password/reset", RESET, ME_ANY_B, MyToken(409)),
    row(POST, "/{p}/in-store/key=store-b/me/email/confirm", CONFIRM, ME_ANY_B, MyToken(409)),
    // Carts, project-wide (carts-in-store.md §2; the orders scopes).
    row(POST, "/{p}/carts", CART, ADMIN_P, Created),
    row(GET, "/{p}/carts/{c}", None, ADMIN_P, CartVis(200)),
    row(HEAD, "/{p}/carts/{c}", None, ADMIN_P, CartVis(200)),
    row(GET, "/{p}/carts/customer-id={t}", None, ADMIN_P, ActiveCart),
    row(GET, "/{p}/carts?cart", None, ADMIN_P, CartList),
    row(HEAD, "/{p}/carts?cart", None, ADMIN_P, CartVis(200)),
    row(POST, "/{p}/carts/{c}", WRONG_VERSION, ADMIN_P, CartVis(409)),
    row(DEL, "/{p}/carts/{c}?version=999", None, ADMIN_P, CartVis(409)),
    row(POST, "/{p}/carts/customer-id={t}/merge", NOT_A_DRAFT, ADMIN_P, Fixed(400)),
    row(POST, "/{p}/carts/customer-id={t}/merge", MERGE_NOTHING, ADMIN_P, ActiveCart),
    // Carts in store A and B.
    row(POST, "/{p}/in-store/key=store-a/carts", CART, ADMIN_A, Created),
    row(GET, "/{p}/in-store/key=store-a/carts/{c}", None, ADMIN_A, CartVis(200)),
    row(HEAD, "/{p}/in-store/key=store-a/carts/{c}", None, ADMIN_A, CartVis(200)),
    row(GET, "/{p}/in-store/key=store-a/carts/customer-id={t}", None, ADMIN_A, ActiveCart),
    row(GET, "/{p}/in-store/key=store-a/carts?cart", None, ADMIN_A, CartList),
    row(HEAD, "/{p}/in-store/key=store-a/carts?cart", None, ADMIN_A, CartVis(200)),
    row(POST, "/{p}/in-store/key=store-a/carts/{c}", WRONG_VERSION, ADMIN_A, CartVis(409)),
    row(DEL, "/{p}/in-store/key=store-a/carts/{c}?version=999", None, ADMIN_A, CartVis(409)),
    row(POST, "/{p}/in-store/key=store-a/carts/customer-id={t}/merge", NOT_A_DRAFT, ADMIN_A, Fixed(400)),
    row(POST, "/{p}/in-store/key=store-a/carts/customer-id={t}/merge", MERGE_NOTHING, ADMIN_A, ActiveCart),
    row(POST, "/{p}/in-store/key=store-b/carts", CART, ADMIN_B, Created),
    row(GET, "/{p}/in-store/key=store-b/carts/{c}", None, ADMIN_B, CartVis(200)),
    row(HEAD, "/{p}/in-store/key=store-b/carts/{c}", None, ADMIN_B, CartVis(200)),
    row(GET, "/{p}/in-store/key=store-b/carts/customer-id={t}", None, ADMIN_B, ActiveCart),
    row(GET, "/{p}/in-store/key=store-b/carts?cart", None, ADMIN_B, CartList),
    row(HEAD, "/{p}/in-store/key=store-b/carts?cart", None, ADMIN_B, CartVis(200)),
    row(POST, "/{p}/in-store/key=store-b/carts/{c}", WRONG_VERSION, ADMIN_B, CartVis(409)),
    row(DEL, "/{p}/in-store/key=store-b/carts/{c}?version=999", None, ADMIN_B, CartVis(409)),
    row(POST, "/{p}/in-store/key=store-b/carts/customer-id={t}/merge", NOT_A_DRAFT, ADMIN_B, Fixed(400)),
    row(POST, "/{p}/in-store/key=store-b/carts/customer-id={t}/merge", MERGE_NOTHING, ADMIN_B, ActiveCart),
    // My Carts (manage_my_orders and a shopper's token), project-wide, in store A and B.
    row(POST, "/{p}/me/carts", CART, SHOPPER_P, Created),
    row(GET, "/{p}/me/carts?cart", None, SHOPPER_P, MyCartList),
    row(HEAD, "/{p}/me/carts?cart", None, SHOPPER_P, MyCart(200)),
    row(GET, "/{p}/me/carts/{c}", None, SHOPPER_P, MyCart(200)),
    row(HEAD, "/{p}/me/carts/{c}", None, SHOPPER_P, MyCart(200)),
    row(POST, "/{p}/me/carts/{c}", WRONG_VERSION, SHOPPER_P, MyCart(409)),
    row(DEL, "/{p}/me/carts/{c}?version=999", None, SHOPPER_P, MyCart(409)),
    row(GET, "/{p}/me/active-cart", None, SHOPPER_P, OwnCart),
    row(HEAD, "/{p}/me/active-cart", None, SHOPPER_P, OwnCart),
    row(POST, "/{p}/in-store/key=store-a/me/carts", CART, SHOPPER_A, Created),
    row(GET, "/{p}/in-store/key=store-a/me/carts?cart", None, SHOPPER_A, MyCartList),
    row(HEAD, "/{p}/in-store/key=store-a/me/carts?cart", None, SHOPPER_A, MyCart(200)),
    row(GET, "/{p}/in-store/key=store-a/me/carts/{c}", None, SHOPPER_A, MyCart(200)),
    row(HEAD, "/{p}/in-store/key=store-a/me/carts/{c}", None, SHOPPER_A, MyCart(200)),
    row(POST, "/{p}/in-store/key=store-a/me/carts/{c}", WRONG_VERSION, SHOPPER_A, MyCart(409)),
    row(DEL, "/{p}/in-store/key=store-a/me/carts/{c}?version=999", None, SHOPPER_A, MyCart(409)),
    row(GET, "/{p}/in-store/key=store-a/me/active-cart", None, SHOPPER_A, OwnCart),
    row(HEAD, "/{p}/in-store/key=store-a/me/active-cart", None, SHOPPER_A, OwnCart),
    row(POST, "/{p}/in-store/key=store-b/me/carts", CART, SHOPPER_B, Created),
    row(GET, "/{p}/in-store/key=store-b/me/carts?cart", None, SHOPPER_B, MyCartList),
    row(HEAD, "/{p}/in-store/key=store-b/me/carts?cart", None, SHOPPER_B, MyCart(200)),
    row(GET, "/{p}/in-store/key=store-b/me/carts/{c}", None, SHOPPER_B, MyCart(200)),
    row(HEAD, "/{p}/in-store/key=store-b/me/carts/{c}", None, SHOPPER_B, MyCart(200)),
    row(POST, "/{p}/in-store/key=store-b/me/carts/{c}", WRONG_VERSION, SHOPPER_B, MyCart(409)),
    row(DEL, "/{p}/in-store/key=store-b/me/carts/{c}?version=999", None, SHOPPER_B, MyCart(409)),
    row(GET, "/{p}/in-store/key=store-b/me/active-cart", None, SHOPPER_B, OwnCart),
    row(HEAD, "/{p}/in-store/key=store-b/me/active-cart", None, SHOPPER_B, OwnCart),
    // GraphQL, project-wide.
    row(POST, "/{p}/graphql", G_BY_ID, ADMIN_P, Vis(200)),
    row(POST, "/{p}/graphql", G_BY_KEY, ADMIN_P, Vis(200)),
    row(POST, "/{p}/graphql", G_BY_PTOK, ADMIN_P, Vis(200)),
    row(POST, "/{p}/graphql", G_BY_ETOK, ADMIN_P, Vis(200)),
    row(POST, "/{p}/graphql", G_QUERY, ADMIN_P, List),
    row(POST, "/{p}/graphql", G_SIGN_IN, ADMIN_P, SignIn(200, 400)),
    row(POST, "/{p}/graphql", G_ME, SHOPPER_P, OwnOrNull),
    row(POST, "/{p}/graphql", G_UPDATE_ME, ME_CUSTOMER_P, Own(409)),
    row(POST, "/{p}/graphql", G_SIGN_ME_IN, ME_ANY_P, SignIn(200, 400)),
    // GraphQL in store A and B.
    row(POST, "/{p}/graphql#key=store-a", G_IN_STORE, ADMIN_A, Vis(200)),
    row(POST, "/{p}/graphql#key=store-a", G_IN_STORE_QUERY, ADMIN_A, List),
    row(POST, "/{p}/graphql#key=store-a", G_SIGN_IN, ADMIN_A, SignIn(200, 400)),
    row(POST, "/{p}/graphql#key=store-a", G_IN_STORE_ME, SHOPPER_A, OwnOrNull),
    row(POST, "/{p}/graphql#key=store-a", G_UPDATE_ME, ME_CUSTOMER_A, Own(409)),
    row(POST, "/{p}/graphql#key=store-a", G_SIGN_ME_IN, ME_ANY_A, SignIn(200, 400)),
    row(POST, "/{p}/graphql#key=store-a", G_SIGN_UP_AB, ADMIN_A, GainNew(400)),
    row(POST, "/{p}/graphql#key=store-a", G_ADD_B, ADMIN_A, Gain(400)),
    row(POST, "/{p}/graphql#key=store-a", G_SIGN_ME_UP_AB, ME_ANY_A, GainNew(400)),
    row(POST, "/{p}/graphql#key=store-a", G_SIGN_IN_STRAY, ADMIN_A, SignIn(404, 400)),
    row(POST, "/{p}/graphql#key=store-b", G_IN_STORE, ADMIN_B, Vis(200)),
    row(POST, "/{p}/graphql#key=store-b", G_IN_STORE_QUERY, ADMIN_B, List),
    row(POST, "/{p}/graphql#key=store-b", G_SIGN_IN, ADMIN_B, SignIn(200, 400)),
    row(POST, "/{p}/graphql#key=store-b", G_IN_STORE_ME, SHOPPER_B, OwnOrNull),
    row(POST, "/{p}/graphql#key=store-b", G_UPDATE_ME, ME_CUSTOMER_B, Own(409)),
    row(POST, "/{p}/graphql#key=store-b", G_SIGN_ME_IN, ME_ANY_B, SignIn(200, 400)),
];

/// Is the kind's token limited to stores other than everything (F3)? The store admin of A
/// holds store A only; a shopper's token on an in-store row holds that row's store only.
fn limited(kind: Kind, store: Option<&str>) -> bool {
    match kind {
        Kind::StoreAdminA => true,
        Kind::CustA | Kind::CustB | Kind::Global | Kind::Anon => store.is_some(),
        Kind::ProjectAdmin | Kind::Foreign => false,
    }
}

/// Does a store-changing update change what the target is in? An added store always does;
/// making a customer global only when it is not global yet.
fn gains(then: Then, t: &run::Target) -> bool {
    match then {
        Then::Globalize(_) => t.store.is_some(),
        _ => true,
    }
}

mod run;

#[test]
fn every_customer_facing_route_has_rows() {
    let covered: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.method.to_string(), run::pattern_of(r.path)))
        .collect();
    for (method, pattern) in registered_routes() {
        let facing = pattern.starts_with("/{project}/")
            && pattern
                .split('/')
                .any(|seg| ["customers", "login", "me", "carts", "active-cart"].contains(&seg));
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
                    m.cell(row, k, *kind, target).await;
                    cells += 1;
                }
            }
        }
        assert_eq!(cells, ROWS.len() * KINDS.len() * 6);
        m.check_strays_untouched().await;
    })
    .await;
}
