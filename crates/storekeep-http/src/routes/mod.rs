//! The REST routes. Every route is listed here; handlers live in one module per resource.

mod health;
mod projects;
mod stores;

use axum::routing::get;
use axum::Router;

use crate::AppState;

/// All API routes (without fallbacks and layers).
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route(
            "/{project}",
            get(projects::get_project).post(projects::update_project),
        )
        .route(
            "/{project}/stores",
            get(stores::query_stores)
                .head(stores::head_stores)
                .post(stores::create_store),
        )
        .route(
            "/{project}/stores/{target}",
            get(stores::get_store)
                .head(stores::head_store)
                .post(stores::update_store)
                .delete(stores::delete_store),
        )
}
