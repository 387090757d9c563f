//! Store mutations: `createStore`, `updateStore`, `deleteStore`, needing `manage_stores` (stores
//! have no store-scoped scopes, stores.md §4).

use async_graphql::{Context, Object};
use storekeep_core::scopes::Perm;
use storekeep_core::stores::{StoreDraft, StoreUpdate};
use storekeep_core::ApiResult;

use super::target;
use crate::access::gql;
use crate::common::to_core;
use crate::inputs::actions as to_actions;
use crate::inputs::stores::{CreateStore, StoreUpdateAction};
use crate::scalars::Long;
use crate::stores::Store;

/// The store mutations.
#[derive(Default)]
pub struct StoreMutation;

#[Object]
impl StoreMutation {
    /// Create a store: `POST /stores`.
    async fn create_store(
        &self,
        ctx: &Context<'_>,
        draft: CreateStore,
    ) -> ApiResult<Option<Store>> {
        let g = gql(ctx)?;
        g.require(Perm::ManageStores, None)?;
        let d: StoreDraft = to_core(&draft)?;
        Ok(Some(Store(
            Box::pin(g.services.stores.create(&g.project, &g.by, d)).await?,
        )))
    }

    /// Apply update actions to the store with `id` or `key`.
    async fn update_store(
        &self,
        ctx: &Context<'_>,
        version: Long,
        actions: Vec<StoreUpdateAction>,
        id: Option<String>,
        key: Option<String>,
    ) -> ApiResult<Option<Store>> {
        let g = gql(ctx)?;
        g.require(Perm::ManageStores, None)?;
        let target = target(&id, &key)?;
        let u = StoreUpdate {
            version: version.0,
            actions: to_actions("StoreUpdateAction", &actions)?,
        };
        let s = Box::pin(g.services.stores.update(&g.project, &g.by, target, u)).await?;
        Ok(Some(Store(s)))
    }

    /// Delete the store with `id` or `key`.
    async fn delete_store(
        &self,
        ctx: &Context<'_>,
        version: Long,
        id: Option<String>,
        key: Option<String>,
    ) -> ApiResult<Option<Store>> {
        let g = gql(ctx)?;
        g.require(Perm::ManageStores, None)?;
        let target = target(&id, &key)?;
        let s = Box::pin(g.services.stores.delete(&g.project, target, version.0)).await?;
        Ok(Some(Store(s)))
    }
}
