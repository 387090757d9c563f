//! The start-up bootstrap. With `CTP_PROJECT_KEY`, `CTP_CLIENT_ID` and `CTP_CLIENT_SECRET`,
//! that project and an API client with that id, secret and `manage_project:{key}` (or
//! `CTP_SCOPES`) are made to exist; an existing client is kept, with its secret hash updated
//! if the secret changed. Without client credentials, the first start (no API client in any
//! project) creates the project (`CTP_PROJECT_KEY` or `storekeep`) and an admin client and
//! prints their credentials once, to stdout, never through the log.

use anyhow::{anyhow, bail};
use storekeep_core::api_clients::{ApiClientDraft, EnsureOutcome};
use storekeep_core::projects::ProjectDraft;
use storekeep_core::Services;

/// The project created when none is named.
pub const DEFAULT_PROJECT: &str = "storekeep";

/// What the bootstrap is given.
pub struct Bootstrap {
    pub project_key: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scopes: Option<String>,
}

fn draft(project: &str, scopes: Option<&str>) -> ApiClientDraft {
    ApiClientDraft {
        name: "admin".into(),
        scope: scopes
            .map(str::to_string)
            .unwrap_or_else(|| format!("manage_project:{project}")),
        delete_days_after_creation: None,
        access_token_validity_seconds: None,
        refresh_token_validity_seconds: None,
    }
}

/// Create a project with storekeep's defaults if it is missing.
pub async fn ensure_project(services: &Services, key: &str) -> anyhow::Result<()> {
    let draft = ProjectDraft {
        key: key.to_string(),
        languages: vec!["en".into()],
        currencies: vec!["EUR".into()],
        countries: vec!["DE".into()],
        ..ProjectDraft::default()
    };
    if services
        .projects
        .create(draft)
        .await
        .map_err(|e| anyhow!("{e}"))?
        .is_some()
    {
        tracing::info!(project = %key, "created project");
    }
    Ok(())
}

/// Run the bootstrap.
pub async fn run(services: &Services, b: &Bootstrap) -> anyhow::Result<()> {
    let project = b.project_key.as_deref().unwrap_or(DEFAULT_PROJECT);
    match (&b.client_id, &b.client_secret) {
        (Some(id), Some(secret)) => {
            let Some(project) = b.project_key.as_deref() else {
                bail!("CTP_CLIENT_ID and CTP_CLIENT_SECRET need CTP_PROJECT_KEY too");
            };
            ensure_project(services, project).await?;
            let outcome = services
                .api_clients
                .ensure(project, id, secret, draft(project, b.scopes.as_deref()))
                .await
                .map_err(|e| anyhow!("cannot set up the API client '{id}': {e}"))?;
            match outcome {
                EnsureOutcome::Created => tracing::info!(client_id = %id, "created API client"),
                EnsureOutcome::SecretUpdated => {
                    tracing::info!(client_id = %id, "updated the API client's secret")
                }
                EnsureOutcome::Unchanged => {}
            }
            Ok(())
        }
        (Some(_), None) | (None, Some(_)) => {
            bail!("CTP_CLIENT_ID and CTP_CLIENT_SECRET must be given together")
        }
        (None, None) => {
            if let Some(key) = &b.project_key {
                ensure_project(services, key).await?;
            }
            if services
                .api_clients
                .any_exists()
                .await
                .map_err(|e| anyhow!("{e}"))?
            {
                return Ok(());
            }
            ensure_project(services, project).await?;
            let created = services
                .api_clients
                .create(project, draft(project, b.scopes.as_deref()))
                .await
                .map_err(|e| anyhow!("cannot create the admin API client: {e}"))?;
            println!(
                "storekeep: first start; created project '{project}' and an admin API client."
            );
            println!("storekeep: this secret is shown only now:");
            println!("  CTP_PROJECT_KEY={project}");
            println!("  CTP_CLIENT_ID={}", created.client.id);
            println!("  CTP_CLIENT_SECRET={}", created.secret);
            println!("  CTP_SCOPES={}", created.client.scope);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests;
