//! The ApiClient resource as the API returns it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::query::{Column, Field, FieldType, Schema};

/// An API client. Stored exactly like this (the query endpoint returns stored bodies), so it
/// never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiClient {
    /// The OAuth `client_id`.
    pub id: String,
    pub name: String,
    /// Space-separated scopes.
    pub scope: String,
    pub created_at: String,
    /// The day (`YYYY-MM-DD`) of the last token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_validity_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_validity_seconds: Option<i64>,
}

/// The create response: the client plus its `secret`, shown this one time. Its `Debug`
/// hides the secret so that it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ApiClientWithSecret {
    #[serde(flatten)]
    pub client: ApiClient,
    pub secret: String,
}

impl fmt::Debug for ApiClientWithSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClientWithSecret")
            .field("client", &self.client)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The queryable fields of an ApiClient.
pub const API_CLIENT_SCHEMA: Schema = Schema(&[
    Field::column("id", FieldType::String, Column::Id),
    Field::body("name", FieldType::String),
    Field::body("scope", FieldType::String),
    Field::column("createdAt", FieldType::DateTime, Column::CreatedAt),
    Field::body("lastUsedAt", FieldType::DateTime),
    Field::body("deleteAt", FieldType::DateTime),
    Field::body("accessTokenValiditySeconds", FieldType::Number),
    Field::body("refreshTokenValiditySeconds", FieldType::Number),
]);
