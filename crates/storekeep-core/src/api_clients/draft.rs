//! ApiClientDraft: the body of `POST /{projectKey}/api-clients`, and its validation.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::scopes::Scope;

/// Allowed `accessTokenValiditySeconds` (1 hour to 7 days).
pub const ACCESS_VALIDITY_RANGE: RangeInclusive<i64> = 3600..=604_800;
/// Allowed `refreshTokenValiditySeconds` (30 s to 1 year).
pub const REFRESH_VALIDITY_RANGE: RangeInclusive<i64> = 30..=31_536_000;
/// Access-token lifetime when the client sets none (48 h, D8).
pub const DEFAULT_ACCESS_VALIDITY_SECS: i64 = 172_800;
/// Refresh-token inactivity lifetime when the client sets none (200 days, D8).
pub const DEFAULT_REFRESH_VALIDITY_SECS: i64 = 17_280_000;
/// Longest client name accepted.
const MAX_NAME_LEN: usize = 256;

/// The body that creates an API client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiClientDraft {
    pub name: String,
    /// Space-separated scopes.
    pub scope: String,
    #[serde(default)]
    pub delete_days_after_creation: Option<i64>,
    #[serde(default)]
    pub access_token_validity_seconds: Option<i64>,
    #[serde(default)]
    pub refresh_token_validity_seconds: Option<i64>,
}

fn check_range(field: &str, v: Option<i64>, range: &RangeInclusive<i64>) -> ApiResult<()> {
    match v {
        Some(v) if !range.contains(&v) => Err(ApiError::invalid_field(
            field,
            json!(v),
            format!(
                "'{field}' must be between {} and {}, got {v}.",
                range.start(),
                range.end()
            ),
        )),
        _ => Ok(()),
    }
}

/// Parse and check a client's scope list for `project`: every scope known and well-formed,
/// of this project, and none of the identity scopes that only the authorization server sets.
pub fn check_client_scopes(scope: &str, project: &str) -> ApiResult<Vec<Scope>> {
    let scopes = Scope::parse_list(scope).map_err(|e| ApiError::InvalidInput(e.to_string()))?;
    if scopes.is_empty() {
        return Err(ApiError::InvalidInput(
            "An API client needs at least one scope.".into(),
        ));
    }
    for s in &scopes {
        match s.project() {
            Some(p) if p == project => {}
            Some(p) => {
                return Err(ApiError::InvalidInput(format!(
                    "The scope '{s}' is for project '{p}', not for '{project}'."
                )))
            }
            None => {
                return Err(ApiError::InvalidInput(format!(
                    "The scope '{s}' is set by the authorization server and cannot be given to an API client."
                )))
            }
        }
    }
    Ok(scopes)
}

impl ApiClientDraft {
    /// Check the draft for `project`; returns its parsed scopes.
    pub fn validate(&self, project: &str) -> ApiResult<Vec<Scope>> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
            return Err(ApiError::invalid_field(
                "name",
                json!(self.name),
                format!("'name' must have 1 to {MAX_NAME_LEN} characters."),
            ));
        }
        check_range(
            "accessTokenValiditySeconds",
            self.access_token_validity_seconds,
            &ACCESS_VALIDITY_RANGE,
        )?;
        check_range(
            "refreshTokenValiditySeconds",
            self.refresh_token_validity_seconds,
            &REFRESH_VALIDITY_RANGE,
        )?;
        check_range(
            "deleteDaysAfterCreation",
            self.delete_days_after_creation,
            &(1..=i64::from(u16::MAX)),
        )?;
        check_client_scopes(&self.scope, project)
    }
}
