//! The one error type of the API. Every wire error code is a variant; `code()`, `status()` and
//! `detail()` (in [`crate::error_body`]) are the exhaustive matches that the front-ends (REST,
//! OAuth, GraphQL) render from.

use serde_json::{json, Value};

/// An error as the commercetools API reports it. Its wire form — `{statusCode, message,
/// errors:[{code, message, ...extra}]}` and the GraphQL error — is typed in
/// [`crate::error_body`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The request body is not valid JSON or does not have the expected shape.
    #[error("{message}")]
    InvalidJsonInput { message: String, detailed: String },
    /// A value breaks a constraint (bad key format, bad query parameter, bad predicate).
    #[error("{0}")]
    InvalidInput(String),
    /// The resource's state forbids the operation.
    #[error("{0}")]
    InvalidOperation(String),
    /// A field has a value that is not allowed.
    #[error("{message}")]
    InvalidField {
        field: String,
        invalid_value: Value,
        allowed_values: Option<Vec<Value>>,
        message: String,
    },
    /// A required field is missing.
    #[error("A value is required for field {field}.")]
    RequiredField { field: String },
    /// A value that must be unique already exists.
    #[error("A duplicate value '{duplicate_value}' exists for field '{field}'.")]
    DuplicateField {
        field: String,
        duplicate_value: Value,
    },
    /// A draft or action references a resource that does not exist (or is not visible here).
    #[error("The referenced object of type '{type_id}' {} was not found. It either doesn't exist, or it can't be accessed from this endpoint (e.g., if the endpoint is a store-scoped one).", ref_text(.id, .key))]
    ReferencedResourceNotFound {
        type_id: String,
        id: Option<String>,
        key: Option<String>,
    },
    /// The resource is still referenced by others and cannot be deleted.
    #[error("{message}")]
    ReferenceExists {
        referenced_by: Option<String>,
        message: String,
    },
    /// The resource addressed by the URL does not exist (or not in the addressed store).
    #[error("{0}")]
    ResourceNotFound(String),
    /// The version in the request is not the current version of the resource.
    #[error("{message}")]
    ConcurrentModification {
        current_version: Option<i64>,
        message: String,
    },
    /// Wrong email or password at sign-in.
    #[error("Account with the given credentials not found.")]
    InvalidCredentials,
    /// Wrong current password on change-password.
    #[error("The given current password does not match.")]
    InvalidCurrentPassword,
    /// The password-reset token has expired.
    #[error("The password token has expired.")]
    ExpiredCustomerPasswordToken,
    /// The email-verification token has expired.
    #[error("The email token has expired.")]
    ExpiredCustomerEmailToken,
    /// Store languages that the project does not have.
    #[error("The project is not configured for languages: {}.", .languages.join(", "))]
    ProjectNotConfiguredForLanguages { languages: Vec<String> },
    /// A project language that stores still use cannot be removed.
    #[error("{0}")]
    LanguageUsedInStores(String),
    /// A cart in a store names a country that is not among the store's countries.
    #[error("The country {country} is not configured for the store {store}.")]
    CountryNotConfiguredInStore {
        store: String,
        store_countries: Vec<String>,
        country: String,
    },
    /// A limit on the number of resources is reached.
    #[error("{message}")]
    MaxResourceLimitExceeded {
        message: String,
        exceeded_resource: String,
    },
    /// Missing, unknown or expired bearer token.
    #[error("{0}")]
    InvalidToken(String),
    /// The token lacks the scope the endpoint needs.
    #[error("{0}")]
    InsufficientScope(String),
    /// OAuth: the client could not be authenticated (missing, malformed, unknown or wrong
    /// credentials).
    #[error("{0}")]
    InvalidClient(String),
    /// OAuth: the requested scope is malformed or not allowed for the client.
    #[error("{0}")]
    InvalidScope(String),
    /// OAuth: a required parameter is missing or the request is malformed.
    #[error("{0}")]
    InvalidRequest(String),
    /// OAuth: the grant type is not supported at this endpoint.
    #[error("{0}")]
    UnsupportedGrantType(String),
    /// OAuth: the grant (e.g. a refresh token) is unknown, expired or revoked.
    #[error("{0}")]
    InvalidGrant(String),
    /// OAuth password flow: no customer with these credentials (in that store).
    #[error("{0}")]
    InvalidCustomerAccountCredentials(String),
    /// OAuth anonymous flow: the requested `anonymous_id` is already used by another session.
    #[error("{0}")]
    AnonymousIdAlreadyInUse(String),
    /// Too many requests (sign-in throttling).
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// The HTTP method is not supported on this resource.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The request body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The resource a write would store is larger than the server keeps (issue 21 F6).
    #[error("{0}")]
    ResourceSizeLimitExceeded(String),
    /// Server-side failure. The message never carries internal details.
    #[error("{0}")]
    General(String),
    /// The server cannot serve the request right now (database unreachable).
    #[error("{0}")]
    ServiceUnavailable(String),
    /// A read ran past its time budget (an expensive predicate) and was stopped; the API's
    /// `QueryTimedOut` (400).
    #[error("{0}")]
    QueryTimedOut(String),
    /// The server is at capacity for this kind of work (the Argon2 pool's wait queue is
    /// full); the API's 503 `OverCapacity` ("retry with backoff"), with `Retry-After`.
    #[error("{message}")]
    OverCapacity {
        message: String,
        retry_after_secs: u64,
    },
}

fn ref_text(id: &Option<String>, key: &Option<String>) -> String {
    match (id, key) {
        (Some(id), _) => format!("with identifier '{id}'"),
        (None, Some(key)) => format!("with key '{key}'"),
        (None, None) => String::new(),
    }
}

impl ApiError {
    /// The wire error code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidJsonInput { .. } => "InvalidJsonInput",
            ApiError::InvalidInput(_) => "InvalidInput",
            ApiError::InvalidOperation(_) => "InvalidOperation",
            ApiError::InvalidField { .. } => "InvalidField",
            ApiError::RequiredField { .. } => "RequiredField",
            ApiError::DuplicateField { .. } => "DuplicateField",
            ApiError::ReferencedResourceNotFound { .. } => "ReferencedResourceNotFound",
            ApiError::ReferenceExists { .. } => "ReferenceExists",
            ApiError::ResourceNotFound(_) => "ResourceNotFound",
            ApiError::ConcurrentModification { .. } => "ConcurrentModification",
            ApiError::InvalidCredentials => "InvalidCredentials",
            ApiError::InvalidCurrentPassword => "InvalidCurrentPassword",
            ApiError::ExpiredCustomerPasswordToken => "ExpiredCustomerPasswordToken",
            ApiError::ExpiredCustomerEmailToken => "ExpiredCustomerEmailToken",
            ApiError::ProjectNotConfiguredForLanguages { .. } => "ProjectNotConfiguredForLanguages",
            ApiError::CountryNotConfiguredInStore { .. } => "CountryNotConfiguredInStore",
            ApiError::MaxResourceLimitExceeded { .. } => "MaxResourceLimitExceeded",
            ApiError::LanguageUsedInStores(_) => "LanguageUsedInStores",
            ApiError::InvalidToken(_) => "invalid_token",
            ApiError::InsufficientScope(_) => "insufficient_scope",
            ApiError::InvalidClient(_) => "invalid_client",
            ApiError::InvalidScope(_) => "invalid_scope",
            ApiError::InvalidRequest(_) => "invalid_request",
            ApiError::UnsupportedGrantType(_) => "unsupported_grant_type",
            ApiError::InvalidGrant(_) => "invalid_grant",
            ApiError::InvalidCustomerAccountCredentials(_) => {
                "invalid_customer_account_credentials"
            }
            ApiError::AnonymousIdAlreadyInUse(_) => "AnonymousIdAlreadyInUse",
            ApiError::TooManyRequests { .. } => "TooManyRequests",
            ApiError::MethodNotAllowed(_) => "MethodNotAllowed",
            ApiError::PayloadTooLarge(_) => "RequestEntityTooLarge",
            ApiError::ResourceSizeLimitExceeded(_) => "ResourceSizeLimitExceeded",
            ApiError::General(_) => "General",
            ApiError::ServiceUnavailable(_) => "ServiceUnavailable",
            ApiError::OverCapacity { .. } => "OverCapacity",
            ApiError::QueryTimedOut(_) => "QueryTimedOut",
        }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::InvalidJsonInput { .. }
            | ApiError::InvalidInput(_)
            | ApiError::InvalidOperation(_)
            | ApiError::InvalidField { .. }
            | ApiError::RequiredField { .. }
            | ApiError::DuplicateField { .. }
            | ApiError::ReferencedResourceNotFound { .. }
            | ApiError::ReferenceExists { .. }
            | ApiError::InvalidCredentials
            | ApiError::InvalidCurrentPassword
            | ApiError::ExpiredCustomerPasswordToken
            | ApiError::ExpiredCustomerEmailToken
            | ApiError::ProjectNotConfiguredForLanguages { .. }
            | ApiError::CountryNotConfiguredInStore { .. }
            | ApiError::MaxResourceLimitExceeded { .. }
            | ApiError::ResourceSizeLimitExceeded(_)
            | ApiError::LanguageUsedInStores(_)
            | ApiError::InvalidScope(_)
            | ApiError::InvalidRequest(_)
            | ApiError::UnsupportedGrantType(_)
            | ApiError::InvalidGrant(_)
            | ApiError::InvalidCustomerAccountCredentials(_)
            | ApiError::AnonymousIdAlreadyInUse(_)
            | ApiError::QueryTimedOut(_) => 400,
            ApiError::InvalidToken(_) | ApiError::InvalidClient(_) => 401,
            ApiError::InsufficientScope(_) => 403,
            ApiError::ResourceNotFound(_) => 404,
            ApiError::MethodNotAllowed(_) => 405,
            ApiError::ConcurrentModification { .. } => 409,
            ApiError::PayloadTooLarge(_) => 413,
            ApiError::TooManyRequests { .. } => 429,
            ApiError::General(_) => 500,
            ApiError::ServiceUnavailable(_) | ApiError::OverCapacity { .. } => 503,
        }
    }

    /// Whether the error belongs to the OAuth family (rendered with an `error` field too).
    pub fn is_auth_error(&self) -> bool {
        matches!(
            self,
            ApiError::InvalidToken(_)
                | ApiError::InsufficientScope(_)
                | ApiError::InvalidClient(_)
                | ApiError::InvalidScope(_)
                | ApiError::InvalidRequest(_)
                | ApiError::UnsupportedGrantType(_)
                | ApiError::InvalidGrant(_)
                | ApiError::InvalidCustomerAccountCredentials(_)
                | ApiError::AnonymousIdAlreadyInUse(_)
        )
    }

    // ----- constructors with the API's message templates -----

    /// `ResourceNotFound` for a resource addressed by id.
    pub fn not_found_id(id: &str) -> Self {
        ApiError::ResourceNotFound(format!("The Resource with ID '{id}' was not found."))
    }

    /// `ResourceNotFound` for a resource addressed by key.
    pub fn not_found_key(key: &str) -> Self {
        ApiError::ResourceNotFound(format!("The Resource with key '{key}' was not found."))
    }

    /// `ConcurrentModification` with the API's message.
    pub fn version_conflict(id: &str, expected: i64, current: i64) -> Self {
        ApiError::ConcurrentModification {
            current_version: Some(current),
            message: format!(
                "Object {id} has a different version than expected. Expected: {expected} - Actual: {current}."
            ),
        }
    }

    /// `DuplicateField` for a string value.
    pub fn duplicate(field: &str, value: &str) -> Self {
        ApiError::DuplicateField {
            field: field.to_string(),
            duplicate_value: json!(value),
        }
    }

    /// `InvalidJsonInput` with the detail of what was wrong.
    pub fn invalid_json(detail: impl Into<String>) -> Self {
        let detailed = detail.into();
        ApiError::InvalidJsonInput {
            message: "Request body does not contain valid JSON.".into(),
            detailed,
        }
    }

    /// `InvalidField` for a string value.
    pub fn invalid_field(field: &str, value: Value, message: impl Into<String>) -> Self {
        ApiError::InvalidField {
            field: field.to_string(),
            invalid_value: value,
            allowed_values: None,
            message: message.into(),
        }
    }

    /// The 500 every storage failure becomes (details are logged, never sent).
    pub fn general() -> Self {
        ApiError::General("Sorry, we are unable to process your request right now.".into())
    }
}

/// Result alias for domain operations.
pub type ApiResult<T> = Result<T, ApiError>;
