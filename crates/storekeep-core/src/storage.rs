//! The storage port: what the domain needs from a database, and nothing about SQL.
//!
//! Resources are stored as documents in an envelope (id, key, version, timestamps, body = the
//! resource's wire JSON). Writes carry optional uniqueness *claims* (e.g. an email in a scope)
//! that the backend enforces in the same transaction as the document write.

use async_trait::async_trait;

use crate::query::Query;

/// The document collections. The storage layer maps each to a table; it does not know what
/// the documents mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    Projects,
    Stores,
    Customers,
    ApiClients,
    Carts,
    /// OAuth tokens, stored by the SHA-256 of the token (never the token itself).
    OAuthTokens,
    /// API-client secrets as Argon2id hashes, by client id (apart from `ApiClients`, whose
    /// bodies are returned verbatim by queries).
    ClientSecrets,
    /// Customer password-reset and email-verification tokens, by the SHA-256 of the token.
    CustomerTokens,
}

impl Collection {
    /// Every collection, for migrations checks and tests.
    pub const ALL: [Collection; 8] = [
        Collection::Projects,
        Collection::Stores,
        Collection::Customers,
        Collection::ApiClients,
        Collection::Carts,
        Collection::OAuthTokens,
        Collection::ClientSecrets,
        Collection::CustomerTokens,
    ];

    /// The table name.
    pub fn table(self) -> &'static str {
        match self {
            Collection::Projects => "projects",
            Collection::Stores => "stores",
            Collection::Customers => "customers",
            Collection::ApiClients => "api_clients",
            Collection::Carts => "carts",
            Collection::OAuthTokens => "oauth_tokens",
            Collection::ClientSecrets => "client_secrets",
            Collection::CustomerTokens => "customer_tokens",
        }
    }
}

/// A stored document: the envelope plus the wire JSON body (as text), and a `secret` kept
/// beside the body, never in it (a customer's password hash): bodies are returned verbatim
/// to readers, the secret only to the domain. Written in the same statement as the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub id: String,
    pub key: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub last_modified_at: String,
    pub body: String,
    pub secret: Option<String>,
}

/// How a single document is addressed.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    Id(&'a str),
    Key(&'a str),
}

/// A uniqueness claim held by a document, written in the same transaction as the document.
/// Two documents of one project can never hold the same `(scope, value)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub scope: String,
    pub value: String,
}

/// A claim check that must find no claim held by *another* document whose scope starts
/// with `scope_prefix` and whose value equals `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub scope_prefix: String,
    pub value: String,
}

/// The uniqueness part of a write: claims to hold (replacing the document's earlier claims)
/// and exclusions to check. `lock` names a value that serialises writers that touch it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uniqueness {
    pub claims: Vec<Claim>,
    pub exclusions: Vec<Exclusion>,
    pub locks: Vec<String>,
}

/// One page of query results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub docs: Vec<Doc>,
    pub total: Option<u64>,
}

/// Storage failures. `Backend` becomes a 500 `General` error and its text is logged, never
/// sent; the others mean something to the domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    #[error("document not found")]
    NotFound,
    #[error("version conflict, current version {current_version}")]
    VersionConflict { current_version: i64 },
    #[error("duplicate key")]
    DuplicateKey,
    #[error("duplicate claim {scope}:{value}")]
    DuplicateClaim { scope: String, value: String },
    #[error("storage backend error: {0}")]
    Backend(String),
    /// A read ran past its time budget and was stopped.
    #[error("the read ran past its time budget")]
    TimedOut,
    /// Too many expensive reads are running and waiting; retry later.
    #[error("too many expensive reads in progress")]
    Overloaded,
    /// The document was refused before it reached the backend (a size limit of
    /// [`crate::resource`]); carries the API error to answer with.
    #[error("refused: {0}")]
    Refused(crate::error::ApiError),
}

/// The port every storage backend implements.
#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// Is the database reachable?
    async fn ping(&self) -> Result<(), StorageError>;

    /// Insert a new document. A key already used in the collection and project →
    /// `DuplicateKey`; a claim already held or an exclusion hit → `DuplicateClaim`.
    async fn insert(
        &self,
        coll: Collection,
        project: &str,
        doc: &Doc,
        uniq: &Uniqueness,
    ) -> Result<(), StorageError>;

    /// Fetch one document.
    async fn get(
        &self,
        coll: Collection,
        project: &str,
        by: Lookup<'_>,
    ) -> Result<Option<Doc>, StorageError>;

    /// Replace a document if its stored version is `expected_version`; the new envelope is
    /// `doc` (whose version is the new one). `uniq = Some` replaces the document's claims.
    /// Missing → `NotFound`; other version → `VersionConflict`.
    async fn update(
        &self,
        coll: Collection,
        project: &str,
        expected_version: i64,
        doc: &Doc,
        uniq: Option<&Uniqueness>,
    ) -> Result<(), StorageError>;

    /// Delete a document if its stored version is `expected_version`, with its claims.
    async fn delete(
        &self,
        coll: Collection,
        project: &str,
        id: &str,
        expected_version: i64,
    ) -> Result<(), StorageError>;

    /// Run a validated query.
    async fn query(&self, coll: Collection, project: &str, q: &Query)
        -> Result<Page, StorageError>;

    /// Count documents matching the query's filter (limit/offset/sort are ignored), stopping
    /// at `cap`.
    async fn count(
        &self,
        coll: Collection,
        project: &str,
        q: &Query,
        cap: u64,
    ) -> Result<u64, StorageError>;

    /// The id of the document of `coll` that holds the claim `(scope, value)`, if any (e.g.
    /// the customer with an email in a store).
    async fn find_claim_owner(
        &self,
        coll: Collection,
        project: &str,
        scope: &str,
        value: &str,
    ) -> Result<Option<String>, StorageError>;

    /// Count one attempt on the counter `key` of `project` and return `(count, expires_at_ms)`
    /// after it. A counted attempt sets the expiry to `now_ms + ttl_ms`; a counter whose expiry
    /// has passed starts again at 1; a counter already at `cap` stays there and keeps its
    /// expiry (so attempts refused at the cap do not prolong the refusal). One atomic statement,
    /// so concurrent attempts on several storekeep instances all count.
    async fn bump_counter(
        &self,
        project: &str,
        key: &str,
        now_ms: i64,
        ttl_ms: i64,
        cap: i64,
    ) -> Result<(i64, i64), StorageError>;

    /// Delete a counter (no-op when there is none).
    async fn reset_counter(&self, project: &str, key: &str) -> Result<(), StorageError>;

    /// Delete every counter (of every project) that expired at or before `now_ms`; returns
    /// how many.
    async fn purge_counters(&self, now_ms: i64) -> Result<u64, StorageError>;
}
