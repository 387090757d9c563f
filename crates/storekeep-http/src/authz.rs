//! Authorization in one place: the table of (method, route) → what the route needs. The
//! [`Ctx`](crate::Ctx) extractor looks every API request up here; a route missing from the
//! table is refused (and the route-table test fails). `HEAD` needs what `GET` needs.
//!
//! Scope choices (stores.md §4, auth.md §5, the API reference): the Project resource is read
//! with `view_project_settings` and updated with `manage_project_settings` (both implied by
//! `manage_project`, D10); Stores use `view_stores`/`manage_stores`; API clients
//! `view_api_clients`/`manage_api_clients`.

use axum::http::Method;
use storekeep_core::scopes::Perm;

/// What a route needs from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// No bearer token (health checks; the OAuth endpoints authenticate the client).
    Public,
    /// A bearer token of the path's project whose scopes grant `perm`; with `store_param`,
    /// for the store of the path's `{store}` segment (`key={storeKey}`), so that store-scoped
    /// scopes of that store count too.
    Perm { perm: Perm, store_param: bool },
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

const fn rule(method: Method, pattern: &'static str, need: Need) -> Rule {
    Rule {
        method,
        pattern,
        need,
    }
}

static TABLE: [Rule; 15] = [
    rule(Method::GET, "/health", Need::Public),
    rule(Method::GET, "/ready", Need::Public),
    rule(Method::POST, "/oauth/token", Need::Public),
    rule(Method::POST, "/oauth/introspect", Need::Public),
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
];

/// The whole table.
pub fn route_table() -> &'static [Rule] {
    &TABLE
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
