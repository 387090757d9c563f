//! The per-request context: which project the path names (it must exist) and who is calling
//! (for `createdBy`/`lastModifiedBy`).

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use storekeep_core::common::ClientLogging;
use storekeep_core::ApiError;

use crate::error::HttpError;
use crate::AppState;

/// The project of the request and the caller's audit identity.
pub struct Ctx {
    pub project: String,
    pub by: ClientLogging,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                HttpError(ApiError::InvalidInput(
                    "The request path is not valid UTF-8.".into(),
                ))
            })?;
        let project = raw
            .iter()
            .find(|(k, _)| *k == "project")
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        ensure_project(state, &project).await?;
        Ok(Ctx {
            project,
            by: ClientLogging::default(),
        })
    }
}

/// 404 unless the project exists. Known projects are remembered (projects are never deleted
/// through the API), so the check costs a database round trip only once per project.
pub(crate) async fn ensure_project(state: &AppState, project: &str) -> Result<(), HttpError> {
    let known = state
        .known_projects
        .read()
        .map(|set| set.contains(project))
        .unwrap_or(false);
    if known {
        return Ok(());
    }
    state.services.projects.get(project).await?;
    if let Ok(mut set) = state.known_projects.write() {
        set.insert(project.to_string());
    }
    Ok(())
}
