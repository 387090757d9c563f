//! [`StoreGrant`]: the stores a caller's scopes reach for one permission. Reading a resource
//! of a store needs only [`grants`] for that store; writing a store *into* a resource (a
//! customer's `stores`) needs every store it adds to be one the caller holds (issue 21, F3):
//! otherwise a token of store A could create accounts in store B and learn from
//! `DuplicateField` answers which emails exist there.

use super::{grants, Perm, Scope};

/// The stores a caller holds for a permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreGrant {
    /// Every store of the project: the caller holds the permission project-wide.
    Any,
    /// Only these stores (store-scoped scopes such as `manage_customers:{p}:{s}`, or a
    /// customer or anonymous session acting on an in-store endpoint).
    Only(Vec<String>),
}

impl StoreGrant {
    /// The grant of `scopes` for `perm` in `project`: [`StoreGrant::Any`] with the permission
    /// project-wide (or anything implying it, D10), else the stores of the store-scoped scopes
    /// that grant it.
    pub fn of(scopes: &[Scope], project: &str, perm: Perm) -> StoreGrant {
        if grants(scopes, project, perm, None) {
            return StoreGrant::Any;
        }
        let mut stores: Vec<String> = Vec::new();
        for s in scopes {
            if let Scope::Project {
                project: p,
                store: Some(key),
                ..
            } = s
            {
                if p == project && !stores.contains(key) && grants(scopes, project, perm, Some(key))
                {
                    stores.push(key.clone());
                }
            }
        }
        StoreGrant::Only(stores)
    }

    /// One store only.
    pub fn only(store: &str) -> StoreGrant {
        StoreGrant::Only(vec![store.to_string()])
    }

    /// Does the grant reach `store`?
    pub fn allows(&self, store: &str) -> bool {
        match self {
            StoreGrant::Any => true,
            StoreGrant::Only(stores) => stores.iter().any(|s| s == store),
        }
    }

    /// Is the grant limited to some stores?
    pub fn is_limited(&self) -> bool {
        matches!(self, StoreGrant::Only(_))
    }

    /// The stores of a limited grant, for messages (`*` for [`StoreGrant::Any`]).
    pub fn describe(&self) -> String {
        match self {
            StoreGrant::Any => "*".into(),
            StoreGrant::Only(stores) => stores
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(s: &str) -> Vec<Scope> {
        Scope::parse_list(s).unwrap()
    }

    #[test]
    fn project_wide_scopes_reach_every_store() {
        let g = StoreGrant::of(&scopes("manage_customers:pj"), "pj", Perm::ManageCustomers);
        assert_eq!(g, StoreGrant::Any);
        let g = StoreGrant::of(&scopes("manage_project:pj"), "pj", Perm::ManageCustomers);
        assert!(g.allows("anything"));
    }

    #[test]
    fn store_scopes_reach_their_stores_only() {
        let held = scopes("manage_customers:pj:sa view_customers:pj:sb manage_customers:qj:sc");
        let g = StoreGrant::of(&held, "pj", Perm::ManageCustomers);
        assert_eq!(g, StoreGrant::Only(vec!["sa".into()]));
        assert!(g.allows("sa") && !g.allows("sb") && !g.allows("sc"));
        assert!(g.is_limited());
        let v = StoreGrant::of(&held, "pj", Perm::ViewCustomers);
        assert_eq!(v, StoreGrant::Only(vec!["sa".into(), "sb".into()]));
        assert_eq!(v.describe(), "'sa', 'sb'");
    }

    #[test]
    fn no_scope_reaches_no_store() {
        let g = StoreGrant::of(&scopes("manage_orders:pj"), "pj", Perm::ManageCustomers);
        assert_eq!(g, StoreGrant::Only(Vec::new()));
        assert!(!g.allows("sa"));
    }
}
