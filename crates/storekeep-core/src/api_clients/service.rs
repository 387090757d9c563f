//! The API-client service: create (returning the secret once), get, query, delete (revoking
//! the client's tokens), and the idempotent `ensure` of the start-up bootstrap.

use std::sync::Arc;

use crate::clock::{timestamp_of, Clock};
use crate::common::valid_key;
use crate::error::{ApiError, ApiResult};
use crate::oauth::{random_client_id, random_token, OAuthService};
use crate::projects::ProjectService;
use crate::query::{parse_query_params, Query, QueryParams};
use crate::resource::{PagedQueryResponse, Repo};
use crate::scopes::scope_string;
use crate::storage::Collection;

use super::draft::check_client_scopes;
use super::store::{delete_client, insert_client, load_client};
use super::{ApiClient, ApiClientDraft, ApiClientWithSecret, API_CLIENT_SCHEMA};

/// What [`ApiClientService::ensure`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnsureOutcome {
    /// The client did not exist and was created.
    Created,
    /// The client existed with another secret; its secret hash was replaced.
    SecretUpdated,
    /// The client existed with this secret.
    Unchanged,
}

/// How often [`ApiClientService::ensure`] looks at a client that another instance may be
/// creating at the same moment, and how long it waits between looks.
const ENSURE_ATTEMPTS: u32 = 10;
const ENSURE_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// Operations on API clients.
#[derive(Clone)]
pub struct ApiClientService {
    repo: Repo,
    projects: ProjectService,
    oauth: OAuthService,
    clock: Arc<dyn Clock>,
}

impl ApiClientService {
    /// A service over a repository.
    pub fn new(
        repo: Repo,
        projects: ProjectService,
        oauth: OAuthService,
        clock: Arc<dyn Clock>,
    ) -> Self {
        ApiClientService {
            repo,
            projects,
            oauth,
            clock,
        }
    }

    /// The same service over another OAuth service (see `Services::with_passwords`).
    pub fn with_oauth(mut self, oauth: OAuthService) -> Self {
        self.oauth = oauth;
        self
    }

    /// `POST /{p}/api-clients`: a new client with a generated id and secret.
    pub async fn create(&self, project: &str, d: ApiClientDraft) -> ApiResult<ApiClientWithSecret> {
        self.create_with(project, &random_client_id(), &random_token(), d)
            .await
    }

    /// Create a client with a chosen id and secret (bootstrap, CLI).
    pub async fn create_with(
        &self,
        project: &str,
        id: &str,
        secret: &str,
        d: ApiClientDraft,
    ) -> ApiResult<ApiClientWithSecret> {
        let scopes = d.validate(project)?;
        check_credentials(id, secret)?;
        self.projects.get(project).await?;
        let now = self.clock.now_ms();
        let created_at = timestamp_of(now);
        let delete_at = d
            .delete_days_after_creation
            .map(|days| timestamp_of(now.saturating_add(days.saturating_mul(86_400_000))));
        let client = ApiClient {
            id: id.to_string(),
            name: d.name.trim().to_string(),
            scope: scope_string(&scopes),
            created_at: created_at.clone(),
            last_used_at: None,
            delete_at,
            access_token_validity_seconds: d.access_token_validity_seconds,
            refresh_token_validity_seconds: d.refresh_token_validity_seconds,
        };
        // The secret first: it claims the id across projects. Without its client document
        // a secret authenticates nothing, so a failure in between leaves no usable client.
        self.oauth
            .secrets()
            .insert(project, id, secret, &created_at)
            .await?;
        if let Err(e) = insert_client(&self.repo, project, &client).await {
            let _ = self.oauth.secrets().delete(id).await;
            return Err(e);
        }
        Ok(ApiClientWithSecret {
            client,
            secret: secret.to_string(),
        })
    }

    /// `GET /{p}/api-clients/{id}`.
    pub async fn get(&self, project: &str, id: &str) -> ApiResult<ApiClient> {
        load_client(&self.repo, project, id)
            .await?
            .map(|(c, _)| c)
            .ok_or_else(|| ApiError::not_found_id(id))
    }

    /// `GET /{p}/api-clients`.
    pub async fn query(
        &self,
        project: &str,
        params: &QueryParams,
    ) -> ApiResult<PagedQueryResponse> {
        let q = parse_query_params(params, API_CLIENT_SCHEMA)?;
        self.repo.query(Collection::ApiClients, project, &q).await
    }

    /// `HEAD /{p}/api-clients?where=…`.
    pub async fn exists(&self, project: &str, params: &QueryParams) -> ApiResult<bool> {
        let filter = params.filter(API_CLIENT_SCHEMA)?;
        let q = Query {
            filter,
            ..Query::all(1)
        };
        self.repo.exists(Collection::ApiClients, project, &q).await
    }

    /// `DELETE /{p}/api-clients/{id}`: the client, its secret and all its tokens.
    pub async fn delete(&self, project: &str, id: &str) -> ApiResult<ApiClient> {
        // The client document first: without it no token of the client is accepted any
        // more, even if what follows fails half-way. A token request may bump the
        // document's version (`lastUsedAt`) in between; then read it again.
        let mut attempts = 0;
        let client = loop {
            let (client, version) = load_client(&self.repo, project, id)
                .await?
                .ok_or_else(|| ApiError::not_found_id(id))?;
            match delete_client(&self.repo, project, id, version).await {
                Ok(()) => break client,
                Err(ApiError::ConcurrentModification { .. }) if attempts < 3 => attempts += 1,
                Err(e) => return Err(e),
            }
        };
        self.oauth.secrets().delete(id).await?;
        self.oauth.revoke_client(id).await?;
        Ok(client)
    }

    /// Make sure a client with this id and secret exists in `project` (bootstrap): create it
    /// with `scope` if missing; if it exists, keep it (and its scopes) but store the new
    /// secret's hash when the secret changed. An id used by another project is refused.
    ///
    /// Several instances may bootstrap one database at the same moment: a create that loses
    /// the race (duplicate id) looks again, and a secret without its client document is taken
    /// for an interrupted create (and replaced) only when it is still alone after a while —
    /// until then another instance may be between its two writes.
    pub async fn ensure(
        &self,
        project: &str,
        id: &str,
        secret: &str,
        d: ApiClientDraft,
    ) -> ApiResult<EnsureOutcome> {
        check_credentials(id, secret)?;
        let mut attempt = 1;
        loop {
            let last = attempt >= ENSURE_ATTEMPTS;
            match self.ensure_once(project, id, secret, &d, last).await {
                Ok(Some(outcome)) => return Ok(outcome),
                Err(ApiError::DuplicateField { .. }) if !last => {}
                Ok(None) if !last => {}
                Ok(None) => {
                    return Err(ApiError::General(
                        "API client bootstrap did not settle".into(),
                    ))
                }
                Err(e) => return Err(e),
            }
            attempt += 1;
            tokio::time::sleep(ENSURE_PAUSE).await;
        }
    }

    /// One look at the client: the outcome, or `None` to look again later.
    async fn ensure_once(
        &self,
        project: &str,
        id: &str,
        secret: &str,
        d: &ApiClientDraft,
        last: bool,
    ) -> ApiResult<Option<EnsureOutcome>> {
        let secrets = self.oauth.secrets();
        match secrets.project_of(id).await? {
            None => {
                self.create_with(project, id, secret, d.clone()).await?;
                Ok(Some(EnsureOutcome::Created))
            }
            Some(p) if p != project => Err(ApiError::InvalidInput(format!(
                "The API client id '{id}' is already used in another project."
            ))),
            Some(_) => {
                if load_client(&self.repo, project, id).await?.is_none() {
                    if !last {
                        return Ok(None);
                    }
                    // A secret without its client (an interrupted create): start over.
                    secrets.delete(id).await?;
                    self.create_with(project, id, secret, d.clone()).await?;
                    return Ok(Some(EnsureOutcome::Created));
                }
                if secrets.matches(id, secret).await? {
                    return Ok(Some(EnsureOutcome::Unchanged));
                }
                secrets
                    .replace(id, secret, &timestamp_of(self.clock.now_ms()))
                    .await?;
                Ok(Some(EnsureOutcome::SecretUpdated))
            }
        }
    }

    /// Check a scope list for a project (for callers that build drafts, like the CLI).
    pub fn check_scopes(scope: &str, project: &str) -> ApiResult<()> {
        check_client_scopes(scope, project).map(|_| ())
    }

    /// Does any API client exist in any project? (First-start detection.)
    pub async fn any_exists(&self) -> ApiResult<bool> {
        self.repo
            .exists(
                Collection::ClientSecrets,
                crate::oauth::OAUTH_PARTITION,
                &Query::all(1),
            )
            .await
    }
}

/// Client ids are keys (`[A-Za-z0-9_-]`, 2..256) so that they survive HTTP Basic auth; a
/// secret must not be empty.
fn check_credentials(id: &str, secret: &str) -> ApiResult<()> {
    if !valid_key(id) {
        return Err(ApiError::InvalidInput(
            "An API client id may only contain alphanumeric characters, underscores and hyphens and must have 2 to 256 characters.".into(),
        ));
    }
    if secret.is_empty() || secret.len() > 1024 {
        return Err(ApiError::InvalidInput(
            "An API client secret must have 1 to 1024 characters.".into(),
        ));
    }
    Ok(())
}
