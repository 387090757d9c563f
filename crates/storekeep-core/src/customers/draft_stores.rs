//! The stores of a new customer (D3): the stores its draft names, resolved through the
//! repository, or the store of the in-store endpoint; checked against the store fence of
//! `fence.rs` (F3). Separate from `fence.rs` so that the pure fence rules do not import the
//! service that uses them.

use crate::common::{KeyReference, ResourceIdentifier};
use crate::error::{ApiError, ApiResult};
use crate::scopes::StoreGrant;
use crate::storage::Lookup;
use crate::stores::Store;

use super::fence::{check_gain, check_refs, key_ref};
use super::service::CustomerService;

impl CustomerService {
    /// The stores of a new customer (D3): in-store, omitted means the path store, and a
    /// given list must contain it; a limited `grant` reaches every one of them (F3).
    pub(super) async fn draft_stores(
        &self,
        project: &str,
        store: Option<&str>,
        grant: &StoreGrant,
        given: Option<&[ResourceIdentifier]>,
    ) -> ApiResult<Vec<KeyReference>> {
        let keys = match (given, store) {
            (Some(given), _) => self.named_stores(project, grant, given).await?,
            (None, None) => Vec::new(),
            (None, Some(s)) => match self.repo.find::<Store>(project, Lookup::Key(s)).await? {
                Some(_) => vec![key_ref(s)],
                None => {
                    return Err(ApiError::ResourceNotFound(format!(
                        "The Store with key '{s}' was not found."
                    )))
                }
            },
        };
        if let Some(s) = store.filter(|s| !keys.iter().any(|k| k.key == *s)) {
            return Err(ApiError::InvalidOperation(format!(
                "A customer created in store '{s}' must be assigned to store '{s}'."
            )));
        }
        check_gain(grant, None, &keys)?;
        Ok(keys)
    }

    /// The keys of the stores a draft names, in order and without repeats; a limited `grant`
    /// is checked on the identifiers first.
    async fn named_stores(
        &self,
        project: &str,
        grant: &StoreGrant,
        given: &[ResourceIdentifier],
    ) -> ApiResult<Vec<KeyReference>> {
        let resolved = self.resolve_stores(project, given).await?;
        let refs: Vec<&ResourceIdentifier> = given.iter().collect();
        check_refs(grant, &[], &refs, &resolved)?;
        let mut keys: Vec<KeyReference> = Vec::with_capacity(given.len());
        for r in given {
            r.resolve("store")?;
            let Some((_, key)) = resolved
                .iter()
                .find(|(i, _)| i.id == r.id && i.key == r.key)
            else {
                return Err(r.not_found("store"));
            };
            let k = key_ref(key);
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        Ok(keys)
    }
}
