//! The wire form of an [`ApiError`], typed: [`ErrorDetail`] is the code with the code's own
//! fields (one variant per wire code), [`ErrorObject`] an entry of `errors[]` (the detail and
//! the message), [`ErrorBody`] the envelope `{statusCode, message, errors}` of REST and OAuth
//! (OAuth adds `error` and `error_description` for every code, REST for the OAuth family only),
//! and [`GraphQlError`] a GraphQL error (`extensions` = the detail). Every front-end renders
//! from these, so one error looks the same on every path; the snapshots in
//! `src/snapshots/` pin the JSON of each code (docs/DESIGN.md, "Error bodies").

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;

/// An error code with its code-specific fields (`code` is the tag).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all_fields = "camelCase")]
pub enum ErrorDetail {
    InvalidJsonInput {
        detailed_error_message: String,
    },
    InvalidInput,
    InvalidOperation,
    InvalidField {
        field: String,
        invalid_value: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        allowed_values: Option<Vec<Value>>,
    },
    RequiredField {
        field: String,
    },
    DuplicateField {
        field: String,
        duplicate_value: Value,
    },
    ReferencedResourceNotFound {
        type_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    },
    ReferenceExists {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        referenced_by: Option<String>,
    },
    ResourceNotFound,
    ConcurrentModification {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        current_version: Option<i64>,
    },
    InvalidCredentials,
    InvalidCurrentPassword,
    ExpiredCustomerPasswordToken,
    ExpiredCustomerEmailToken,
    ProjectNotConfiguredForLanguages {
        languages: Vec<String>,
    },
    LanguageUsedInStores,
    CountryNotConfiguredInStore {
        store_countries: Vec<String>,
        country: String,
    },
    MaxResourceLimitExceeded {
        exceeded_resource: String,
    },
    #[serde(rename = "invalid_token")]
    InvalidToken,
    #[serde(rename = "insufficient_scope")]
    InsufficientScope,
    #[serde(rename = "invalid_client")]
    InvalidClient,
    #[serde(rename = "invalid_scope")]
    InvalidScope,
    #[serde(rename = "invalid_request")]
    InvalidRequest,
    #[serde(rename = "unsupported_grant_type")]
    UnsupportedGrantType,
    #[serde(rename = "invalid_grant")]
    InvalidGrant,
    #[serde(rename = "invalid_customer_account_credentials")]
    InvalidCustomerAccountCredentials,
    AnonymousIdAlreadyInUse,
    TooManyRequests,
    MethodNotAllowed,
    RequestEntityTooLarge,
    General,
    ServiceUnavailable,
    OverCapacity,
    ResourceSizeLimitExceeded,
    QueryTimedOut,
}

/// An entry of `errors[]`: the code, its fields and the message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorObject {
    #[serde(flatten)]
    pub detail: ErrorDetail,
    pub message: String,
}

/// The error body of the REST and OAuth endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub status_code: u16,
    pub message: String,
    pub errors: Vec<ErrorObject>,
    /// RFC 6749's error name: on every OAuth endpoint answer, and on REST answers of the
    /// OAuth family (`invalid_token`, `insufficient_scope`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(
        default,
        rename = "error_description",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_description: Option<String>,
}

/// One error of a GraphQL answer as storekeep produces it for an [`ApiError`]: the message and
/// the detail as `extensions` (async-graphql adds `locations` and `path` to field errors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphQlError {
    pub message: String,
    pub extensions: ErrorDetail,
}

/// The body of a GraphQL request that could not be executed at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphQlErrorBody {
    pub errors: Vec<GraphQlError>,
}

impl ApiError {
    /// The code and its fields (the one exhaustive match from error to wire fields).
    pub fn detail(&self) -> ErrorDetail {
        use ApiError as E;
        use ErrorDetail as D;
        match self {
            E::InvalidJsonInput { detailed, .. } => D::InvalidJsonInput {
                detailed_error_message: detailed.clone(),
            },
            E::InvalidInput(_) => D::InvalidInput,
            E::InvalidOperation(_) => D::InvalidOperation,
            E::InvalidField {
                field,
                invalid_value,
                allowed_values,
                ..
            } => D::InvalidField {
                field: field.clone(),
                invalid_value: invalid_value.clone(),
                allowed_values: allowed_values.clone(),
            },
            E::RequiredField { field } => D::RequiredField {
                field: field.clone(),
            },
            E::DuplicateField {
                field,
                duplicate_value,
            } => D::DuplicateField {
                field: field.clone(),
                duplicate_value: duplicate_value.clone(),
            },
            E::ReferencedResourceNotFound { type_id, id, key } => D::ReferencedResourceNotFound {
                type_id: type_id.clone(),
                id: id.clone(),
                key: key.clone(),
            },
            E::ReferenceExists { referenced_by, .. } => D::ReferenceExists {
                referenced_by: referenced_by.clone(),
            },
            E::ResourceNotFound(_) => D::ResourceNotFound,
            E::ConcurrentModification {
                current_version, ..
            } => D::ConcurrentModification {
                current_version: *current_version,
            },
            E::InvalidCredentials => D::InvalidCredentials,
            E::InvalidCurrentPassword => D::InvalidCurrentPassword,
            E::ExpiredCustomerPasswordToken => D::ExpiredCustomerPasswordToken,
            E::ExpiredCustomerEmailToken => D::ExpiredCustomerEmailToken,
            E::ProjectNotConfiguredForLanguages { languages } => {
                D::ProjectNotConfiguredForLanguages {
                    languages: languages.clone(),
                }
            }
            E::LanguageUsedInStores(_) => D::LanguageUsedInStores,
            E::CountryNotConfiguredInStore {
                store_countries,
                country,
                ..
            } => D::CountryNotConfiguredInStore {
                store_countries: store_countries.clone(),
                country: country.clone(),
            },
            E::MaxResourceLimitExceeded {
                exceeded_resource, ..
            } => D::MaxResourceLimitExceeded {
                exceeded_resource: exceeded_resource.clone(),
            },
            E::InvalidToken(_) => D::InvalidToken,
            E::InsufficientScope(_) => D::InsufficientScope,
            E::InvalidClient(_) => D::InvalidClient,
            E::InvalidScope(_) => D::InvalidScope,
            E::InvalidRequest(_) => D::InvalidRequest,
            E::UnsupportedGrantType(_) => D::UnsupportedGrantType,
            E::InvalidGrant(_) => D::InvalidGrant,
            E::InvalidCustomerAccountCredentials(_) => D::InvalidCustomerAccountCredentials,
            E::AnonymousIdAlreadyInUse(_) => D::AnonymousIdAlreadyInUse,
            E::TooManyRequests { .. } => D::TooManyRequests,
            E::MethodNotAllowed(_) => D::MethodNotAllowed,
            E::PayloadTooLarge(_) => D::RequestEntityTooLarge,
            E::General(_) => D::General,
            E::ServiceUnavailable(_) => D::ServiceUnavailable,
            E::OverCapacity { .. } => D::OverCapacity,
            E::ResourceSizeLimitExceeded(_) => D::ResourceSizeLimitExceeded,
            E::QueryTimedOut(_) => D::QueryTimedOut,
        }
    }

    /// The entry of `errors[]`.
    pub fn error_object(&self) -> ErrorObject {
        ErrorObject {
            detail: self.detail(),
            message: self.to_string(),
        }
    }

    /// The entry of `errors[]` as JSON.
    pub fn to_error_object(&self) -> Value {
        serde_json::to_value(self.error_object()).unwrap_or(Value::Null)
    }

    /// The REST error body as JSON ([`ErrorBody::rest`]).
    pub fn to_body(&self) -> Value {
        serde_json::to_value(ErrorBody::rest(self)).unwrap_or(Value::Null)
    }

    /// The GraphQL error of this error.
    pub fn graphql_error(&self) -> GraphQlError {
        GraphQlError {
            message: self.to_string(),
            extensions: self.detail(),
        }
    }
}

impl ErrorBody {
    fn envelope(e: &ApiError, error: Option<&str>) -> Self {
        ErrorBody {
            status_code: e.status(),
            message: e.to_string(),
            errors: vec![e.error_object()],
            error: error.map(str::to_string),
            error_description: error.map(|_| e.to_string()),
        }
    }

    /// The body of a REST answer: `error`/`error_description` only for the OAuth family.
    pub fn rest(e: &ApiError) -> Self {
        ErrorBody::envelope(e, e.is_auth_error().then(|| e.code()))
    }

    /// The body of an OAuth endpoint's answer: `error`/`error_description` for every code. An
    /// overloaded hashing pool is RFC 6749's `temporarily_unavailable` there (oauthlib and the
    /// SDKs know that name); `errors[0].code` stays the API's `OverCapacity`.
    pub fn oauth(e: &ApiError) -> Self {
        let error = match e {
            ApiError::OverCapacity { .. } => "temporarily_unavailable",
            other => other.code(),
        };
        ErrorBody::envelope(e, Some(error))
    }
}

impl GraphQlErrorBody {
    /// The body of a GraphQL request that could not be read.
    pub fn of(e: &ApiError) -> Self {
        GraphQlErrorBody {
            errors: vec![e.graphql_error()],
        }
    }
}

/// One error of every code, with every optional field set where the code has one (for the
/// snapshot tests here and the rendering tests of the front-ends).
pub fn examples() -> Vec<ApiError> {
    use serde_json::json;
    vec![
        ApiError::invalid_json("actions -> name: Missing required value"),
        ApiError::InvalidInput("Malformed parameter: where: Syntax error.".into()),
        ApiError::InvalidOperation("The cart is in state 'Merged'.".into()),
        ApiError::InvalidField {
            field: "locale".into(),
            invalid_value: json!("xx"),
            allowed_values: Some(vec![json!("de"), json!("en")]),
            message: "Locale 'xx' is not one of the project's languages.".into(),
        },
        ApiError::RequiredField {
            field: "password".into(),
        },
        ApiError::duplicate("email", "a@example.com"),
        ApiError::ReferencedResourceNotFound {
            type_id: "store".into(),
            id: None,
            key: Some("berlin".into()),
        },
        ApiError::ReferenceExists {
            referenced_by: Some("customer".into()),
            message: "Can not delete a store while it is referenced by a customer.".into(),
        },
        ApiError::not_found_id("8f1c"),
        ApiError::version_conflict("8f1c", 1, 2),
        ApiError::InvalidCredentials,
        ApiError::InvalidCurrentPassword,
        ApiError::ExpiredCustomerPasswordToken,
        ApiError::ExpiredCustomerEmailToken,
        ApiError::ProjectNotConfiguredForLanguages {
            languages: vec!["fr".into()],
        },
        ApiError::LanguageUsedInStores("The language 'de' is used by stores.".into()),
        ApiError::CountryNotConfiguredInStore {
            store: "berlin".into(),
            store_countries: vec!["DE".into(), "AT".into()],
            country: "FR".into(),
        },
        ApiError::MaxResourceLimitExceeded {
            message: "The maximum number of stores is reached.".into(),
            exceeded_resource: "store".into(),
        },
        ApiError::InvalidToken("invalid_token".into()),
        ApiError::InsufficientScope("Insufficient scope.".into()),
        ApiError::InvalidClient("Please provide valid client credentials.".into()),
        ApiError::InvalidScope("Invalid scope 'x'.".into()),
        ApiError::InvalidRequest("Missing grant_type.".into()),
        ApiError::UnsupportedGrantType("The grant type 'x' is not supported.".into()),
        ApiError::InvalidGrant("The refresh token was not found.".into()),
        ApiError::InvalidCustomerAccountCredentials(
            "Customer account with the given credentials not found.".into(),
        ),
        ApiError::AnonymousIdAlreadyInUse("The anonymous id is already in use.".into()),
        ApiError::TooManyRequests {
            message: "Too many sign-in attempts.".into(),
            retry_after_secs: 7,
        },
        ApiError::MethodNotAllowed("The method is not allowed on this resource.".into()),
        ApiError::PayloadTooLarge("The request body is too large.".into()),
        ApiError::general(),
        ApiError::ServiceUnavailable("The database is unreachable.".into()),
        ApiError::OverCapacity {
            message: "Too many password computations are waiting.".into(),
            retry_after_secs: 1,
        },
        ApiError::ResourceSizeLimitExceeded("The resource is larger than 131072 bytes.".into()),
        ApiError::QueryTimedOut("The query timed out.".into()),
    ]
}

#[cfg(test)]
mod tests;
