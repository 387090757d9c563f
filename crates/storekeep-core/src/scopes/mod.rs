//! OAuth scopes: the [`Scope`] type that parses and prints every scope form of the API
//! (`manage_project:{p}`, `view_X:{p}`, `manage_X:{p}:{storeKey}`, `customer_id:{id}`, …), the
//! implications between scopes (decisions.md D10), and the [`Perm`]issions storekeep's routes
//! need with [`grants`], the one function that decides whether a set of scopes allows a
//! permission in a project (and, for in-store routes, a store). Nothing here knows HTTP.

mod grant;
mod names;
mod perm;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::common::valid_key;

pub use grant::StoreGrant;
pub use names::ScopeName;
pub use perm::{grants, insufficient_scope, Perm};

/// One OAuth scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A permission in a project, project-wide (`store: None`) or for one store
    /// (`manage_customers:{p}:{storeKey}`).
    Project {
        name: ScopeName,
        project: String,
        store: Option<String>,
    },
    /// `customer_id:{id}`: set by the password flow, identifies the customer of Me endpoints.
    CustomerId(String),
    /// `anonymous_id:{id}`: set by the anonymous-session flow.
    AnonymousId(String),
    /// `external_user_id:{id}`: the external user recorded in `createdBy`/`lastModifiedBy`.
    ExternalUserId(String),
}

/// Why a scope string is not a scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// The scope name is not one the API knows.
    #[error("Unknown scope '{0}'.")]
    Unknown(String),
    /// The scope name is known but the rest is not `{projectKey}[:{storeKey}]` as allowed.
    #[error("Malformed scope '{scope}': {why}.")]
    Malformed { scope: String, why: &'static str },
}

/// Longest identity value (`customer_id:…`) accepted.
const MAX_IDENTITY_LEN: usize = 256;

fn malformed(scope: &str, why: &'static str) -> ScopeError {
    ScopeError::Malformed {
        scope: scope.to_string(),
        why,
    }
}

impl Scope {
    /// Parse one scope.
    pub fn parse(s: &str) -> Result<Scope, ScopeError> {
        let Some((name, rest)) = s.split_once(':') else {
            return match ScopeName::parse(s) {
                Some(_) => Err(malformed(s, "the project key is missing")),
                None => Err(ScopeError::Unknown(s.to_string())),
            };
        };
        let identity = match name {
            "customer_id" => Some(Scope::CustomerId as fn(String) -> Scope),
            "anonymous_id" => Some(Scope::AnonymousId as fn(String) -> Scope),
            "external_user_id" => Some(Scope::ExternalUserId as fn(String) -> Scope),
            _ => None,
        };
        if let Some(make) = identity {
            if rest.is_empty()
                || rest.len() > MAX_IDENTITY_LEN
                || rest.chars().any(char::is_control)
            {
                return Err(malformed(s, "the id must have 1 to 256 characters"));
            }
            return Ok(make(rest.to_string()));
        }
        let name = ScopeName::parse(name).ok_or_else(|| ScopeError::Unknown(s.to_string()))?;
        let mut parts = rest.split(':');
        let project = parts.next().unwrap_or_default();
        let store = parts.next();
        if parts.next().is_some() {
            return Err(malformed(s, "too many ':'-separated parts"));
        }
        if !valid_key(project) {
            return Err(malformed(s, "the project key is not a valid key"));
        }
        if let Some(store) = store {
            if !name.has_store_form() {
                return Err(malformed(s, "this scope has no store-scoped form"));
            }
            if !valid_key(store) {
                return Err(malformed(s, "the store key is not a valid key"));
            }
        }
        Ok(Scope::Project {
            name,
            project: project.to_string(),
            store: store.map(str::to_string),
        })
    }

    /// Parse a space-separated scope list (duplicates are dropped, order kept).
    pub fn parse_list(s: &str) -> Result<Vec<Scope>, ScopeError> {
        let mut out: Vec<Scope> = Vec::new();
        for part in s.split_whitespace() {
            let scope = Scope::parse(part)?;
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
        Ok(out)
    }

    /// A project-wide scope.
    pub fn project_wide(name: ScopeName, project: &str) -> Scope {
        Scope::Project {
            name,
            project: project.to_string(),
            store: None,
        }
    }

    /// The project a project scope belongs to.
    pub fn project(&self) -> Option<&str> {
        match self {
            Scope::Project { project, .. } => Some(project),
            _ => None,
        }
    }

    /// Does holding `self` give everything `other` gives (D10)? `manage_project:{p}` implies
    /// every scope of `p`; `view_project:{p}` every `view_*` of `p`; `manage_X` implies
    /// `view_X`; a project-wide `X:{p}` implies `X:{p}:{s}` for every store `s`, never the
    /// other way round. Identity scopes imply only themselves.
    pub fn implies(&self, other: &Scope) -> bool {
        if self == other {
            return true;
        }
        let (
            Scope::Project {
                name: held,
                project: hp,
                store: hs,
            },
            Scope::Project {
                name: want,
                project: wp,
                store: ws,
            },
        ) = (self, other)
        else {
            return false;
        };
        if hp != wp {
            return false;
        }
        if *held == ScopeName::MANAGE_PROJECT {
            return true;
        }
        if *held == ScopeName::VIEW_PROJECT {
            return want.is_view();
        }
        let store_ok = match (hs, ws) {
            (None, _) => true,
            (Some(h), Some(w)) => h == w,
            (Some(_), None) => false,
        };
        store_ok && held.implies_name(*want)
    }

    /// Is `self` implied by one of `held`?
    pub fn implied_by(&self, held: &[Scope]) -> bool {
        held.iter().any(|h| h.implies(self))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Project {
                name,
                project,
                store: None,
            } => write!(f, "{}:{project}", name.as_str()),
            Scope::Project {
                name,
                project,
                store: Some(s),
            } => write!(f, "{}:{project}:{s}", name.as_str()),
            Scope::CustomerId(id) => write!(f, "customer_id:{id}"),
            Scope::AnonymousId(id) => write!(f, "anonymous_id:{id}"),
            Scope::ExternalUserId(id) => write!(f, "external_user_id:{id}"),
        }
    }
}

/// The space-separated wire form of a scope list.
pub fn scope_string(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(Scope::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}
