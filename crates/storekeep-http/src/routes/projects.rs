//! `GET /{projectKey}` and `POST /{projectKey}`.

use axum::extract::State;
use axum::Json;
use storekeep_core::projects::{Project, ProjectUpdate};

use crate::error::HttpResult;
use crate::extract::AppJson;
use crate::{AppState, Ctx};

/// `GET /{projectKey}`.
pub async fn get_project(ctx: Ctx, State(s): State<AppState>) -> HttpResult<Json<Project>> {
    Ok(Json(s.services.projects.get(&ctx.project).await?))
}

/// `POST /{projectKey}` with project update actions.
pub async fn update_project(
    ctx: Ctx,
    State(s): State<AppState>,
    AppJson(u): AppJson<ProjectUpdate>,
) -> HttpResult<Json<Project>> {
    Ok(Json(s.services.projects.update(&ctx.project, u).await?))
}
