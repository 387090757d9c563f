//! The permissions storekeep's routes need, and [`grants`]: whether a token's scopes allow
//! one in a project and, for in-store routes, a store.

use crate::error::ApiError;

use super::{Scope, ScopeName};

/// A permission a route needs. Each is satisfied by one scope name (and whatever implies it,
/// D10); permissions whose scope has a store-scoped form can be granted for one store only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Perm {
    ViewStores,
    ManageStores,
    ViewCustomers,
    ManageCustomers,
    ViewProjectSettings,
    ManageProjectSettings,
    ViewApiClients,
    ManageApiClients,
    ManageMyProfile,
    ViewOrders,
    ManageOrders,
    ManageMyOrders,
    CreateAnonymousToken,
    IntrospectOauthTokens,
}

impl Perm {
    /// Every permission.
    pub const ALL: [Perm; 14] = [
        Perm::ViewStores,
        Perm::ManageStores,
        Perm::ViewCustomers,
        Perm::ManageCustomers,
        Perm::ViewProjectSettings,
        Perm::ManageProjectSettings,
        Perm::ViewApiClients,
        Perm::ManageApiClients,
        Perm::ManageMyProfile,
        Perm::ViewOrders,
        Perm::ManageOrders,
        Perm::ManageMyOrders,
        Perm::CreateAnonymousToken,
        Perm::IntrospectOauthTokens,
    ];

    /// The scope name that grants exactly this permission.
    pub fn scope_name(self) -> ScopeName {
        let n = match self {
            Perm::ViewStores => "view_stores",
            Perm::ManageStores => "manage_stores",
            Perm::ViewCustomers => "view_customers",
            Perm::ManageCustomers => "manage_customers",
            Perm::ViewProjectSettings => "view_project_settings",
            Perm::ManageProjectSettings => "manage_project_settings",
            Perm::ViewApiClients => "view_api_clients",
            Perm::ManageApiClients => "manage_api_clients",
            Perm::ManageMyProfile => "manage_my_profile",
            Perm::ViewOrders => "view_orders",
            Perm::ManageOrders => "manage_orders",
            Perm::ManageMyOrders => "manage_my_orders",
            Perm::CreateAnonymousToken => "create_anonymous_token",
            Perm::IntrospectOauthTokens => "introspect_oauth_tokens",
        };
        // Every name above is in the table; fall back to the strongest scope if not.
        ScopeName::parse(n).unwrap_or(ScopeName::MANAGE_PROJECT)
    }

    /// The scope this permission needs in `project` (for `store`, where the scope has a
    /// store-scoped form).
    pub fn needed_scope(self, project: &str, store: Option<&str>) -> Scope {
        let name = self.scope_name();
        Scope::Project {
            name,
            project: project.to_string(),
            store: store.filter(|_| name.has_store_form()).map(str::to_string),
        }
    }

    /// The scopes that an endpoint needing this permission lists (any one suffices): the
    /// scope itself, its `manage_` form for a `view_` scope, and their store-scoped forms on
    /// in-store routes.
    pub fn options(self, project: &str, store: Option<&str>) -> Vec<String> {
        let name = self.scope_name();
        let mut names = vec![name];
        if let Some(resource) = name.as_str().strip_prefix("view_") {
            if let Some(m) = ScopeName::parse(&format!("manage_{resource}")) {
                names.push(m);
            }
        }
        let mut out: Vec<String> = names
            .iter()
            .map(|n| format!("{}:{project}", n.as_str()))
            .collect();
        if let Some(s) = store {
            for n in names.iter().filter(|n| n.has_store_form()) {
                out.push(format!("{}:{project}:{s}", n.as_str()));
            }
        }
        out
    }
}

/// Do `scopes` allow `perm` in `project`? `store` is the store of an in-store route
/// (`/in-store/key={s}/…`), `None` on project-wide routes. Store-scoped scopes grant only
/// their own store's routes; project-wide scopes grant the in-store routes of every store.
pub fn grants(scopes: &[Scope], project: &str, perm: Perm, store: Option<&str>) -> bool {
    perm.needed_scope(project, store).implied_by(scopes)
}

/// The 403 for a missing permission, listing the scopes that would do.
pub fn insufficient_scope(project: &str, perm: Perm, store: Option<&str>) -> ApiError {
    ApiError::InsufficientScope(format!(
        "Insufficient scope. One of the following scopes is missing: {}",
        perm.options(project, store).join(", ")
    ))
}
