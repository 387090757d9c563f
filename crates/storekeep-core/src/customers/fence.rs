//! The store fence of customer writes (issue 21, F3; docs/DESIGN.md). Through a token limited
//! to some stores ([`StoreGrant::Only`]: store-scoped `manage_customers:{p}:{s}`, or a customer
//! or anonymous session on an in-store endpoint), a customer's `stores` may only *gain* stores
//! the token holds. Everything else is 403 `insufficient_scope`, decided before any store is
//! looked up by key and before any uniqueness check, so the answer says nothing about other
//! stores or their customers' emails:
//!
//! - a draft or action naming a store the token does not hold (and the customer is not already
//!   in) is refused, whether that store exists or not;
//! - the result may not hold a store the customer was not in before unless the token holds it;
//! - the result may not be a global customer unless it was global before: a global customer is
//!   visible in every store (D1) and its email must be unique in all of them (D2).
//!
//! The result is checked after each store action, so the refusal does not wait for later
//! actions of the request (whose errors would otherwise decide the answer).
//!
//! Removing stores stays allowed (D4), the token's own included, as long as one remains.
//! The stores of a new customer (D3 and the fence) are worked out in `draft_stores.rs`, which
//! reads them through the service; the rules here are pure.

use crate::common::{KeyReference, ResourceIdentifier};
use crate::error::{ApiError, ApiResult};
use crate::scopes::StoreGrant;

fn refused(grant: &StoreGrant, why: &str) -> ApiError {
    ApiError::InsufficientScope(format!(
        "Insufficient scope. This token can only assign customers to the stores it holds ({}): {why}",
        grant.describe()
    ))
}

/// The key a store identifier names: its `key`, or the key its `id` resolved to. `None` for an
/// id that names no store (or a malformed identifier, which later checks report).
fn key_of<'a>(
    r: &'a ResourceIdentifier,
    resolved: &'a [(ResourceIdentifier, String)],
) -> Option<&'a str> {
    match (&r.id, &r.key) {
        (None, Some(k)) => Some(k.as_str()),
        (Some(_), None) => resolved
            .iter()
            .find(|(i, _)| i.id == r.id && i.key == r.key)
            .map(|(_, k)| k.as_str()),
        _ => None,
    }
}

/// Refuse a request whose store identifiers name a store outside the grant that the
/// customer (`current`, empty for a new one) is not in. An id naming no store is refused as
/// well, so a limited token cannot tell existing store ids from others.
pub(super) fn check_refs(
    grant: &StoreGrant,
    current: &[KeyReference],
    refs: &[&ResourceIdentifier],
    resolved: &[(ResourceIdentifier, String)],
) -> ApiResult<()> {
    if !grant.is_limited() {
        return Ok(());
    }
    for r in refs {
        if r.id.is_some() == r.key.is_some() {
            continue;
        }
        match key_of(r, resolved) {
            Some(k) if grant.allows(k) || current.iter().any(|s| s.key == k) => {}
            Some(k) => return Err(refused(grant, &format!("'{k}' is not one of them."))),
            None => return Err(refused(grant, "the store identifier names none of them.")),
        }
    }
    Ok(())
}

/// Refuse a result (`after`) that gains a store outside the grant, or becomes global, relative
/// to `before` (`None` for a new customer).
pub(super) fn check_gain(
    grant: &StoreGrant,
    before: Option<&[KeyReference]>,
    after: &[KeyReference],
) -> ApiResult<()> {
    if !grant.is_limited() {
        return Ok(());
    }
    let was_global = before.is_some_and(|b| b.is_empty());
    if after.is_empty() && !was_global {
        return Err(refused(
            grant,
            "a global customer belongs to every store, so this token cannot make one.",
        ));
    }
    let before = before.unwrap_or_default();
    for s in after {
        if !before.contains(s) && !grant.allows(&s.key) {
            return Err(refused(grant, &format!("'{}' is not one of them.", s.key)));
        }
    }
    Ok(())
}

pub(super) fn key_ref(key: &str) -> KeyReference {
    KeyReference {
        type_id: "store".into(),
        key: key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stores(keys: &[&str]) -> Vec<KeyReference> {
        keys.iter()
            .map(|k| KeyReference {
                type_id: "store".into(),
                key: k.to_string(),
            })
            .collect()
    }

    fn by_key(k: &str) -> ResourceIdentifier {
        ResourceIdentifier {
            type_id: None,
            id: None,
            key: Some(k.into()),
        }
    }

    fn by_id(id: &str) -> ResourceIdentifier {
        ResourceIdentifier {
            type_id: Some("store".into()),
            id: Some(id.into()),
            key: None,
        }
    }

    fn code(r: ApiResult<()>) -> &'static str {
        r.err().map(|e| e.code()).unwrap_or("ok")
    }

    #[test]
    fn a_limited_token_names_only_its_stores_or_the_customers() {
        let a = StoreGrant::only("a");
        let (ka, kb, kc) = (by_key("a"), by_key("b"), by_key("c"));
        let none: [(ResourceIdentifier, String); 0] = [];
        assert_eq!(code(check_refs(&a, &[], &[&ka], &none)), "ok");
        assert_eq!(
            code(check_refs(&a, &[], &[&ka, &kb], &none)),
            "insufficient_scope"
        );
        // An unknown store is refused the same way as an existing one.
        assert_eq!(
            code(check_refs(&a, &[], &[&kc], &none)),
            "insufficient_scope"
        );
        assert_eq!(code(check_refs(&a, &stores(&["b"]), &[&kb], &none)), "ok");
        let resolved = [
            (by_id("id-b"), "b".to_string()),
            (by_id("id-a"), "a".into()),
        ];
        let (ia, ib, ix) = (by_id("id-a"), by_id("id-b"), by_id("id-x"));
        assert_eq!(code(check_refs(&a, &[], &[&ia], &resolved)), "ok");
        assert_eq!(
            code(check_refs(&a, &[], &[&ib], &resolved)),
            "insufficient_scope"
        );
        assert_eq!(
            code(check_refs(&a, &[], &[&ix], &resolved)),
            "insufficient_scope"
        );
        assert_eq!(
            code(check_refs(&StoreGrant::Any, &[], &[&kb, &ix], &none)),
            "ok"
        );
    }

    #[test]
    fn a_limited_token_gains_only_its_stores_and_never_makes_global_customers() {
        let a = StoreGrant::only("a");
        let ok = |before: Option<&[KeyReference]>, after: &[&str]| {
            code(check_gain(&a, before, &stores(after)))
        };
        assert_eq!(ok(None, &["a"]), "ok");
        assert_eq!(ok(None, &["a", "b"]), "insufficient_scope");
        assert_eq!(ok(None, &[]), "insufficient_scope");
        let ab = stores(&["a", "b"]);
        assert_eq!(ok(Some(&ab), &["b"]), "ok", "D4: removing its own store");
        assert_eq!(ok(Some(&ab), &["a", "b"]), "ok");
        let only_a = stores(&["a"]);
        assert_eq!(
            ok(Some(&only_a), &[]),
            "insufficient_scope",
            "would become global"
        );
        assert_eq!(ok(Some(&only_a), &["a", "b"]), "insufficient_scope");
        assert_eq!(
            ok(Some(&[]), &["b"]),
            "insufficient_scope",
            "global to store B"
        );
        assert_eq!(ok(Some(&[]), &["a"]), "ok");
        assert_eq!(ok(Some(&[]), &[]), "ok");
        assert_eq!(code(check_gain(&StoreGrant::Any, Some(&only_a), &[])), "ok");
    }
}
