//! Generic persistence of versioned resources: load, create, update with optimistic
//! concurrency and the no-op rule (D9), delete, query. Resource services build on this so that
//! the envelope, version and error mapping are written once.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::common::{now_timestamp, ClientLogging};
use crate::error::{ApiError, ApiResult};
use crate::query::{Query, Schema};
use crate::storage::{Collection, Doc, Lookup, Storage, StorageError, Uniqueness};

/// The metadata every versioned resource carries (flattened into its wire JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub id: String,
    pub version: i64,
    pub created_at: String,
    pub last_modified_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<ClientLogging>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<ClientLogging>,
}

impl Meta {
    /// Metadata of a resource created now by `by`.
    pub fn new(id: String, by: &ClientLogging) -> Self {
        let now = now_timestamp();
        let by = (!by.is_empty()).then(|| by.clone());
        Meta {
            id,
            version: 1,
            created_at: now.clone(),
            last_modified_at: now,
            created_by: by.clone(),
            last_modified_by: by,
        }
    }
}

/// A versioned resource stored as a document.
pub trait Resource: Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync {
    /// Its collection.
    const COLLECTION: Collection;
    /// Its `typeId` in references.
    const TYPE_ID: &'static str;
    /// Its queryable fields.
    fn schema() -> Schema;
    /// Its metadata.
    fn meta(&self) -> &Meta;
    /// Its metadata, mutable.
    fn meta_mut(&mut self) -> &mut Meta;
    /// Its key, if it has one.
    fn key(&self) -> Option<&str>;

    /// What it stores beside its wire JSON, never in it (see [`Doc::secret`]).
    fn secret(&self) -> Option<&str> {
        None
    }

    /// Take back the secret stored beside the body when the resource is read.
    fn set_secret(&mut self, _secret: Option<String>) {}

    /// Its id.
    fn id(&self) -> &str {
        &self.meta().id
    }
}

/// A page of query results as the API returns it; results are kept as the stored wire JSON.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PagedQueryResponse {
    pub limit: u32,
    pub offset: u32,
    pub count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    pub results: Vec<Box<RawValue>>,
}

/// Maps storage errors to API errors. `Backend` errors are logged and hidden.
pub fn storage_error(e: StorageError, id: &str) -> ApiError {
    match e {
        StorageError::NotFound => ApiError::not_found_id(id),
        StorageError::VersionConflict { current_version } => ApiError::ConcurrentModification {
            current_version: Some(current_version),
            message: format!(
                "Object {id} has a different version than expected. Actual: {current_version}."
            ),
        },
        StorageError::DuplicateKey => ApiError::InvalidInput("duplicate key".into()),
        StorageError::DuplicateClaim { value, .. } => ApiError::DuplicateField {
            field: "unknown".into(),
            duplicate_value: serde_json::Value::String(value),
        },
        StorageError::Backend(msg) => {
            tracing::error!(error = %msg, "storage failure");
            ApiError::general()
        }
        StorageError::TimedOut => ApiError::QueryTimedOut(
            "The query timed out. Make its predicate cheaper: fewer terms, or fields with an \
             index (id, key, email)."
                .into(),
        ),
        StorageError::Overloaded => ApiError::OverCapacity {
            message: "Too many expensive queries are in progress; retry later.".into(),
            retry_after_secs: 1,
        },
        StorageError::Refused(e) => e,
    }
}

/// The largest resource storekeep stores: its wire JSON in bytes (issue 21 F6). The API
/// allows 16 MB per document and recommends at most 100 KB on average and 2 MB for large ones
/// (docs.commercetools.com/api/limits); storekeep keeps one query page bounded instead:
/// 500 results × 128 KiB = 64 MiB at most (docs/RELIABILITY.md).
pub const MAX_RESOURCE_BYTES: usize = 128 * 1024;

/// The longest string a resource may hold anywhere (a field or a key of a JSON object), in
/// characters (issue 21 F6). The API documents no general string limit ("limitations in
/// length and content of string fields are documented" per field); this is storekeep's.
pub const MAX_STRING_CHARS: usize = 4096;

/// The first string of `v` longer than [`MAX_STRING_CHARS`]: its path and length.
fn long_string(v: &serde_json::Value, path: &mut String) -> Option<(String, usize)> {
    use serde_json::Value;
    let too_long = |s: &str| {
        let n = s.chars().count();
        (n > MAX_STRING_CHARS).then_some(n)
    };
    match v {
        Value::String(s) => too_long(s).map(|n| (path.clone(), n)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let hit = long_string(item, path);
            path.truncate(len);
            hit
        }),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k);
            let hit = match too_long(k) {
                Some(n) => Some((path.clone(), n)),
                None => long_string(item, path),
            };
            path.truncate(len);
            hit
        }),
        _ => None,
    }
}

/// Refuse a serialised resource over the size limits: 400 `InvalidInput` naming the first
/// string over [`MAX_STRING_CHARS`], else 400 `ResourceSizeLimitExceeded` over
/// [`MAX_RESOURCE_BYTES`].
pub fn check_size(body: &str) -> ApiResult<()> {
    // A body shorter than the string limit (most are) cannot hold a longer string.
    if body.chars().count() > MAX_STRING_CHARS {
        let v: serde_json::Value = serde_json::from_str(body).map_err(|e| {
            tracing::error!(error = %e, "a serialised resource is not JSON");
            ApiError::general()
        })?;
        if let Some((path, n)) = long_string(&v, &mut String::new()) {
            return Err(ApiError::InvalidInput(format!(
                "The value of '{path}' is too long: {n} characters, at most {MAX_STRING_CHARS} are allowed."
            )));
        }
    }
    if body.len() > MAX_RESOURCE_BYTES {
        return Err(ApiError::ResourceSizeLimitExceeded(format!(
            "The resource would be {} bytes; at most {MAX_RESOURCE_BYTES} bytes are allowed.",
            body.len()
        )));
    }
    Ok(())
}

/// Persistence of resources of any type over a [`Storage`].
#[derive(Clone)]
pub struct Repo {
    storage: Arc<dyn Storage>,
}

fn lookup_not_found(by: Lookup<'_>) -> ApiError {
    match by {
        Lookup::Id(id) => ApiError::not_found_id(id),
        Lookup::Key(key) => ApiError::not_found_key(key),
    }
}

fn to_doc<T: Resource>(r: &T) -> Result<Doc, StorageError> {
    let body = serde_json::to_string(r).map_err(|e| {
        tracing::error!(error = %e, "cannot serialize resource");
        StorageError::Backend("serialize".into())
    })?;
    check_size(&body).map_err(StorageError::Refused)?;
    let m = r.meta();
    Ok(Doc {
        id: m.id.clone(),
        key: r.key().map(str::to_string),
        version: m.version,
        created_at: m.created_at.clone(),
        last_modified_at: m.last_modified_at.clone(),
        body,
        secret: r.secret().map(str::to_string),
    })
}

/// Decode a stored document.
pub fn from_doc<T: Resource>(doc: &Doc) -> ApiResult<T> {
    let mut r: T = serde_json::from_str(&doc.body).map_err(|e| {
        tracing::error!(error = %e, id = %doc.id, "stored document does not decode");
        ApiError::general()
    })?;
    r.set_secret(doc.secret.clone());
    Ok(r)
}

impl Repo {
    /// A repository over a storage backend.
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Repo { storage }
    }

    /// The storage backend.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// The stored document, if any.
    pub async fn get_doc(
        &self,
        coll: Collection,
        project: &str,
        by: Lookup<'_>,
    ) -> ApiResult<Option<Doc>> {
        let id = match by {
            Lookup::Id(s) | Lookup::Key(s) => s,
        };
        self.storage
            .get(coll, project, by)
            .await
            .map_err(|e| storage_error(e, id))
    }

    /// The resource, if any.
    pub async fn find<T: Resource>(&self, project: &str, by: Lookup<'_>) -> ApiResult<Option<T>> {
        match self.get_doc(T::COLLECTION, project, by).await? {
            Some(doc) => from_doc(&doc).map(Some),
            None => Ok(None),
        }
    }

    /// The resource, or 404 `ResourceNotFound`.
    pub async fn load<T: Resource>(&self, project: &str, by: Lookup<'_>) -> ApiResult<T> {
        self.find(project, by)
            .await?
            .ok_or_else(|| lookup_not_found(by))
    }

    /// Insert a new resource. A duplicate key becomes `DuplicateField` on `key`.
    pub async fn create<T: Resource>(
        &self,
        project: &str,
        r: &T,
        uniq: &Uniqueness,
    ) -> Result<(), StorageError> {
        let doc = to_doc(r)?;
        self.storage
            .insert(T::COLLECTION, project, &doc, uniq)
            .await
    }

    /// Write `updated` over the stored version `expected` (bumping version and time unless
    /// nothing changed, D9). Returns the resource as stored.
    pub async fn save<T: Resource>(
        &self,
        project: &str,
        original: &T,
        mut updated: T,
        by: &ClientLogging,
        uniq: Option<&Uniqueness>,
    ) -> Result<T, StorageError> {
        if &updated == original {
            return Ok(updated);
        }
        let expected = original.meta().version;
        {
            let m = updated.meta_mut();
            m.version = expected + 1;
            m.last_modified_at = now_timestamp();
            if !by.is_empty() {
                m.last_modified_by = Some(by.clone());
            }
        }
        let doc = to_doc(&updated)?;
        self.storage
            .update(T::COLLECTION, project, expected, &doc, uniq)
            .await?;
        Ok(updated)
    }

    /// Delete a resource at a version.
    pub async fn delete<T: Resource>(
        &self,
        project: &str,
        r: &T,
        expected_version: i64,
    ) -> Result<(), StorageError> {
        self.storage
            .delete(T::COLLECTION, project, r.id(), expected_version)
            .await
    }

    /// Run a query and shape the paged response.
    pub async fn query(
        &self,
        coll: Collection,
        project: &str,
        q: &Query,
    ) -> ApiResult<PagedQueryResponse> {
        let page = self
            .storage
            .query(coll, project, q)
            .await
            .map_err(|e| storage_error(e, ""))?;
        let mut results = Vec::with_capacity(page.docs.len());
        for d in page.docs {
            let raw = RawValue::from_string(d.body).map_err(|e| {
                tracing::error!(error = %e, "stored document is not JSON");
                ApiError::general()
            })?;
            results.push(raw);
        }
        Ok(PagedQueryResponse {
            limit: q.limit,
            offset: q.offset,
            count: results.len(),
            total: page.total,
            results,
        })
    }

    /// Does any document match the query's filter?
    pub async fn exists(&self, coll: Collection, project: &str, q: &Query) -> ApiResult<bool> {
        self.storage
            .count(coll, project, q, 1)
            .await
            .map(|n| n > 0)
            .map_err(|e| storage_error(e, ""))
    }
}

/// Check the version given in a request against the resource's, before any work.
pub fn check_version<T: Resource>(r: &T, expected: i64) -> ApiResult<()> {
    let current = r.meta().version;
    if current == expected {
        Ok(())
    } else {
        Err(ApiError::version_conflict(r.id(), expected, current))
    }
}

/// Map a storage error of a write on `r` (version conflicts carry the current version).
pub fn write_error<T: Resource>(r: &T, expected: i64, e: StorageError) -> ApiError {
    match e {
        StorageError::VersionConflict { current_version } => {
            ApiError::version_conflict(r.id(), expected, current_version)
        }
        StorageError::DuplicateKey => match r.key() {
            Some(k) => ApiError::duplicate("key", k),
            None => ApiError::general(),
        },
        other => storage_error(other, r.id()),
    }
}

/// Most update actions one request may carry.
pub const MAX_UPDATE_ACTIONS: usize = 500;

/// Refuse requests with more update actions than the API allows.
pub fn check_action_count(n: usize) -> ApiResult<()> {
    if n > MAX_UPDATE_ACTIONS {
        return Err(ApiError::InvalidInput(format!(
            "Too many update actions: {n}; at most {MAX_UPDATE_ACTIONS} are allowed per request."
        )));
    }
    Ok(())
}
