//! Authorization in one place: the table of (method, route) → what the route needs. The
//! [`Ctx`](crate::Ctx) extractor looks every API request up here; a route missing from the
//! table is refused (and the route-table test fails). `HEAD` needs what `GET` needs.
//!
//! Scope choices (stores.md §4, auth.md §5, the API reference): the Project resource is read
//! with `view_project_settings` and updated with `manage_project_settings` (both implied by
//! `manage_project`, D10); Stores use `view_stores`/`manage_stores`; API clients
//! `view_api_clients`/`manage_api_clients`; Customers (customers.md §5, auth.md §4)
//! `view_customers` for GET/HEAD and `manage_customers` for everything else, `/login`
//! included, and their in-store forms also with the store-scoped scopes of the path's store.
//! Carts (carts-in-store.md §2) use the orders scopes: `view_orders` for GET/HEAD,
//! `manage_orders` for create, update, delete and merge, in-store also store-scoped.
//!
//! My Customer endpoints (`/me…`, auth.md §6) need `manage_my_profile` (project-wide, or of the
//! path's store on the in-store forms) and a session token as [`Session`] says. Decisions
//! (auth.md §6, D1): `GET/POST/DELETE /me` and `/me/password` act on the token's customer and
//! take only a customer's token (an anonymous or client token is 403); `/me/signup`,
//! `/me/login`, `/me/password/reset` and `/me/email/confirm` take any token with the scope (an
//! anonymous session's, whose carts then go to the customer; a customer's; or a client's, for
//! a back end that signs shoppers up or in). A token from the in-store password flow of store
//! `s` is fenced to the in-store endpoints of `s` on *every* route (403 elsewhere, project
//! `/me` included). A token from the project-wide password flow (a global customer) may use
//! `/me` and the in-store `/me` of any store, since D1 makes global customers visible in every
//! store; if the customer is not visible in the path's store the answer is 404. Session
//! tokens carry only session scopes (`manage_my_*`, public catalog views), so they never pass
//! an admin route. My Carts (`/me/carts…`, `/me/active-cart`, project and in-store) need
//! `manage_my_orders` and a customer's or anonymous session's token ([`Session::Shopper`]):
//! they act on that token's own carts, so an API client's token is 403 there.

use axum::http::Method;
use storekeep_core::scopes::Perm;

/// What a route needs from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// No bearer token (health checks; the admin console's static page and files; the OAuth
    /// endpoints authenticate the client).
    Public,
    /// A bearer token of the path's project whose scopes grant `perm`; with `store_param`,
    /// for the store of the path's `{store}` segment (`key={storeKey}`), so that store-scoped
    /// scopes of that store count too.
    Perm { perm: Perm, store_param: bool },
    /// A My endpoint: what `Perm` needs, and a token of the kind `session` names.
    Me {
        perm: Perm,
        store_param: bool,
        session: Session,
    },
    /// Any valid token of the path's project, with whatever scopes: the route authorizes each
    /// operation itself. Only `/{project}/graphql` uses it; its resolvers check, field by field
    /// and mutation by mutation, the permission of the REST twin (project-wide, or for the
    /// store of `inStore(key)`/`inStores(keys)`/`storeKey`), the store fence of in-store
    /// session tokens and the session kind of `me` (storekeep-graphql's `access` module). A
    /// `GET` that accepts HTML and has no `query` parameter is answered with the console page
    /// before authentication (its handler takes `Result<Ctx, _>` and looks at the error only
    /// when it has to run a query): the page holds no data and signs in itself.
    Authenticated,
}

/// Which tokens a My endpoint takes (besides the scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// Only a customer's token (password flow): the endpoint acts on that customer.
    Customer,
    /// Any token: a customer's, an anonymous session's or an API client's.
    Any,
    /// A customer's or an anonymous session's token (not an API client's): the endpoint acts
    /// on that customer's or session's own resources (My Carts).
    Shopper,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Rule {
    pub method: Method,
    pub pattern: &'static str,
    pub need: Need,
}

const fn project(perm: Perm) -> Need {
    Need::Perm {
        perm,
        store_param: false,
    }
}

/// An in-store route: project-wide scopes grant it for every store, store-scoped ones for
/// the path's store only.
const fn in_store(perm: Perm) -> Need {
    Need::Perm {
        perm,
        store_param: true,
    }
}

/// A project-wide My endpoint.
const fn me(session: Session) -> Need {
    Need::Me {
        perm: Perm::ManageMyProfile,
        store_param: false,
        session,
    }
}

/// An in-store My endpoint (`manage_my_profile:{p}` or `manage_my_profile:{p}:{s}`).
const fn in_store_me(session: Session) -> Need {
    Need::Me {
        perm: Perm::ManageMyProfile,
        store_param: true,
        session,
    }
}

/// A project-wide My Carts endpoint (`manage_my_orders:{p}`, a shopper's token).
const fn my_orders() -> Need {
    Need::Me {
        perm: Perm::ManageMyOrders,
        store_param: false,
        session: Session::Shopper,
    }
}

/// An in-store My Carts endpoint (`manage_my_orders:{p}` or `manage_my_orders:{p}:{s}`).
const fn in_store_my_orders() -> Need {
    Need::Me {
        perm: Perm::ManageMyOrders,
        store_param: true,
        session: Session::Shopper,
    }
}

const fn rule(method: Method, pattern: &'static str, need: Need) -> Rule {
    Rule {
        method,
        pattern,
        need,
    }
}

static TABLE: &[Rule] = &[
    rule(Method::GET, "/health", Need::Public),
    // The admin console's page and files (routes/admin.rs): static, no data, no token.
    rule(Method::GET, "/admin/", Need::Public),
    rule(Method::GET, "/admin/assets/{file}", Need::Public),
    rule(Method::GET, "/{project}/graphql", Need::Authenticated),
    rule(Method::POST, "/{project}/graphql", Need::Authenticated),
    rule(Method::GET, "/ready", Need::Public),
    rule(Method::POST, "/oauth/token", Need::Public),
    rule(Method::POST, "/oauth/introspect", Need::Public),
    rule(
        Method::POST,
        "/oauth/{project}/customers/token",
        Need::Public,
    ),
    rule(
        Method::POST,
        "/oauth/{project}/in-store/{store}/customers/token",
        Need::Public,
    ),
    rule(
        Method::POST,
        "/oauth/{project}/anonymous/token",
        Need::Public,
    ),
    rule(Method::GET, "/{project}/me", me(Session::Customer)),
    rule(Method::POST, "/{project}/me", me(Session::Customer)),
    rule(Method::DELETE, "/{project}/me", me(Session::Customer)),
    rule(
        Method::POST,
        "/{project}/me/password",
        me(Session::Customer),
    ),
    rule(Method::POST, "/{project}/me/signup", me(Session::Any)),
    rule(Method::POST, "/{project}/me/login", me(Session::Any)),
    rule(
        Method::POST,
        "/{project}/me/password/reset",
        me(Session::Any),
    ),
    rule(
        Method::POST,
        "/{project}/me/email/confirm",
        me(Session::Any),
    ),
    rule(
        Method::GET,
        "/{project}/in-store/{store}/me",
        in_store_me(Session::Customer),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/me",
        in_store_me(Session::Customer),
    ),
    rule(
        Method::DELETE,
        "/{project}/in-store/{store}/me",
        in_store_me(Session::Customer),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/me/password",
        in_store_me(Session::Customer),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/me/signup",
        in_store_me(Session::Any),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/me/login",
        in_store_me(Session::Any),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/me/password/reset",
        in_store_me(Session::Any),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/me/email/confirm",
        in_store_me(Session::Any),
    ),
    rule(
        Method::GET,
        "/{project}",
        project(Perm::ViewProjectSettings),
    ),
    rule(
        Method::POST,
        "/{project}",
        project(Perm::ManageProjectSettings),
    ),
    rule(Method::GET, "/{project}/stores", project(Perm::ViewStores)),
    rule(
        Method::POST,
        "/{project}/stores",
        project(Perm::ManageStores),
    ),
    rule(
        Method::GET,
        "/{project}/stores/{target}",
        project(Perm::ViewStores),
    ),
    rule(
        Method::POST,
        "/{project}/stores/{target}",
        project(Perm::ManageStores),
    ),
    rule(
        Method::DELETE,
        "/{project}/stores/{target}",
        project(Perm::ManageStores),
    ),
    rule(
        Method::GET,
        "/{project}/api-clients",
        project(Perm::ViewApiClients),
    ),
    rule(
        Method::POST,
        "/{project}/api-clients",
        project(Perm::ManageApiClients),
    ),
    rule(
        Method::GET,
        "/{project}/api-clients/{id}",
        project(Perm::ViewApiClients),
    ),
    rule(
        Method::DELETE,
        "/{project}/api-clients/{id}",
        project(Perm::ManageApiClients),
    ),
    rule(
        Method::GET,
        "/{project}/customers",
        project(Perm::ViewCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/customers",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::GET,
        "/{project}/customers/{target}",
        project(Perm::ViewCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/customers/{target}",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::DELETE,
        "/{project}/customers/{target}",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/customers/password",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/customers/password-token",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/customers/password/reset",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/customers/email-token",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/customers/email/confirm",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/login",
        project(Perm::ManageCustomers),
    ),
    rule(
        Method::GET,
        "/{project}/in-store/{store}/customers",
        in_store(Perm::ViewCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/customers",
        in_store(Perm::ManageCustomers),
    ),
    rule(
        Method::GET,
        "/{project}/in-store/{store}/customers/{target}",
        in_store(Perm::ViewCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/customers/{target}",
        in_store(Perm::ManageCustomers),
    ),
    rule(
        Method::DELETE,
        "/{project}/in-store/{store}/customers/{target}",
        in_store(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/customers/password",
        in_store(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/customers/password-token",
        in_store(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/customers/password/reset",
        in_store(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/customers/email-token",
        in_store(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/customers/email/confirm",
        in_store(Perm::ManageCustomers),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/login",
        in_store(Perm::ManageCustomers),
    ),
    // Carts (carts-in-store.md §2–3): the orders scopes; My Carts: manage_my_orders and a
    // shopper's token.
    rule(Method::GET, "/{project}/carts", project(Perm::ViewOrders)),
    rule(
        Method::POST,
        "/{project}/carts",
        project(Perm::ManageOrders),
    ),
    rule(
        Method::GET,
        "/{project}/carts/{target}",
        project(Perm::ViewOrders),
    ),
    rule(
        Method::POST,
        "/{project}/carts/{target}",
        project(Perm::ManageOrders),
    ),
    rule(
        Method::DELETE,
        "/{project}/carts/{target}",
        project(Perm::ManageOrders),
    ),
    rule(
        Method::POST,
        "/{project}/carts/{target}/merge",
        project(Perm::ManageOrders),
    ),
    rule(
        Method::GET,
        "/{project}/in-store/{store}/carts",
        in_store(Perm::ViewOrders),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/carts",
        in_store(Perm::ManageOrders),
    ),
    rule(
        Method::GET,
        "/{project}/in-store/{store}/carts/{target}",
        in_store(Perm::ViewOrders),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/carts/{target}",
        in_store(Perm::ManageOrders),
    ),
    rule(
        Method::DELETE,
        "/{project}/in-store/{store}/carts/{target}",
        in_store(Perm::ManageOrders),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/carts/{target}/merge",
        in_store(Perm::ManageOrders),
    ),
    rule(Method::GET, "/{project}/me/carts", my_orders()),
    rule(Method::POST, "/{project}/me/carts", my_orders()),
    rule(Method::GET, "/{project}/me/carts/{target}", my_orders()),
    rule(Method::POST, "/{project}/me/carts/{target}", my_orders()),
    rule(Method::DELETE, "/{project}/me/carts/{target}", my_orders()),
    rule(Method::GET, "/{project}/me/active-cart", my_orders()),
    rule(
        Method::GET,
        "/{project}/in-store/{store}/me/carts",
        in_store_my_orders(),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/me/carts",
        in_store_my_orders(),
    ),
    rule(
        Method::GET,
        "/{project}/in-store/{store}/me/carts/{target}",
        in_store_my_orders(),
    ),
    rule(
        Method::POST,
        "/{project}/in-store/{store}/me/carts/{target}",
        in_store_my_orders(),
    ),
    rule(
        Method::DELETE,
        "/{project}/in-store/{store}/me/carts/{target}",
        in_store_my_orders(),
    ),
    rule(
        Method::GET,
        "/{project}/in-store/{store}/me/active-cart",
        in_store_my_orders(),
    ),
];

/// The whole table.
pub fn route_table() -> &'static [Rule] {
    TABLE
}

/// What `method` on the route `pattern` needs; `None` if the table does not list it.
pub fn need(method: &Method, pattern: &str) -> Option<Need> {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    TABLE
        .iter()
        .find(|r| r.method == method && r.pattern == pattern)
        .map(|r| r.need)
}
