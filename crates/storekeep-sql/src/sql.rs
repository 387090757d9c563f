//! SQL text shared by both backends. `$n` placeholders work on both (SQLite numbers them in
//! order of first appearance, and every statement here uses them in ascending order).

use storekeep_core::query::Query;

use crate::compile::{Bind, Compiler};
use crate::dialect::Dialect;

/// Envelope columns as selected, in the order the backends read them (the secret kept beside
/// the body last).
pub fn select_cols(d: Dialect) -> String {
    format!(
        "t.id, t.key, t.version, t.created_at, t.last_modified_at, {}, t.secret",
        d.body_select()
    )
}

/// Insert a document: $1 project, $2 id, $3 key, $4 version, $5 created, $6 modified, $7 body,
/// $8 secret.
pub fn insert_doc(d: Dialect, table: &str) -> String {
    format!(
        "INSERT INTO {table} (project_key, id, key, version, created_at, last_modified_at, body, secret) \
         VALUES ($1, $2, $3, $4, $5, $6, {}, $8)",
        d.body_param(7)
    )
}

/// Select by id: $1 project, $2 id.
pub fn get_by_id(d: Dialect, table: &str) -> String {
    format!(
        "SELECT {} FROM {table} t WHERE t.project_key = $1 AND t.id = $2",
        select_cols(d)
    )
}

/// Select by key: $1 project, $2 key.
pub fn get_by_key(d: Dialect, table: &str) -> String {
    format!(
        "SELECT {} FROM {table} t WHERE t.project_key = $1 AND t.key = $2",
        select_cols(d)
    )
}

/// Conditional update: $1 project, $2 id, $3 key, $4 new version, $5 modified, $6 body,
/// $7 expected version, $8 secret.
pub fn update_doc(d: Dialect, table: &str) -> String {
    format!(
        "UPDATE {table} SET key = $3, version = $4, last_modified_at = $5, body = {}, secret = $8 \
         WHERE project_key = $1 AND id = $2 AND version = $7",
        d.body_param(6)
    )
}

/// The stored version: $1 project, $2 id.
pub fn current_version(table: &str) -> String {
    format!("SELECT version FROM {table} WHERE project_key = $1 AND id = $2")
}

/// Conditional delete: $1 project, $2 id, $3 expected version.
pub fn delete_doc(table: &str) -> String {
    format!("DELETE FROM {table} WHERE project_key = $1 AND id = $2 AND version = $3")
}

/// Take the lock row of a claim value: $1 project, $2 lock key.
pub const LOCK_CLAIM: &str =
    "INSERT INTO claim_locks (project_key, lock_key, n) VALUES ($1, $2, 1) \
     ON CONFLICT (project_key, lock_key) DO UPDATE SET n = claim_locks.n + 1";

/// Find a conflicting claim of another owner: $1 project, $2 coll, $3 value, $4 scope prefix,
/// $5 prefix length, $6 owner.
pub const FIND_EXCLUDED: &str = "SELECT scope FROM claims WHERE project_key = $1 AND coll = $2 \
     AND value = $3 AND substr(scope, 1, $5) = $4 AND owner_id <> $6 LIMIT 1";

/// Hold a claim: $1 project, $2 coll, $3 scope, $4 value, $5 owner.
pub const INSERT_CLAIM: &str =
    "INSERT INTO claims (project_key, coll, scope, value, owner_id) VALUES ($1, $2, $3, $4, $5)";

/// Drop the claims of a document: $1 project, $2 coll, $3 owner.
pub const DELETE_CLAIMS: &str =
    "DELETE FROM claims WHERE project_key = $1 AND coll = $2 AND owner_id = $3";

/// The owner of a claim: $1 project, $2 coll, $3 scope, $4 value.
pub const FIND_CLAIM_OWNER: &str = "SELECT owner_id FROM claims WHERE project_key = $1 \
     AND coll = $2 AND scope = $3 AND value = $4";

/// A compiled query: SQL and the binds after `$1` (the project key).
pub struct CompiledQuery {
    pub select: String,
    pub count: String,
    pub binds: Vec<Bind>,
    /// The binds of `count` (the filter's only: sort keys may bind JSON paths too).
    pub count_binds: Vec<Bind>,
}

/// Compile a query over a table. `$1` is the project key; limit and offset are bound last.
pub fn query(d: Dialect, table: &str, q: &Query, count_cap: Option<u64>) -> CompiledQuery {
    let mut c = Compiler::new(d, 2);
    let cond = match &q.filter {
        Some(f) => format!(" AND ({})", c.filter(f.root())),
        None => String::new(),
    };
    let count_binds = c.binds.clone();
    let order = c.order_by(&q.sort);
    let n = c.binds.len() + 2;
    let select = format!(
        "SELECT {} FROM {table} t WHERE t.project_key = $1{cond} ORDER BY {order} LIMIT ${} OFFSET ${}",
        select_cols(d),
        n,
        n + 1
    );
    let count = match count_cap {
        Some(cap) => format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM {table} t WHERE t.project_key = $1{cond} LIMIT {cap}) AS capped"
        ),
        None => format!("SELECT COUNT(*) FROM {table} t WHERE t.project_key = $1{cond}"),
    };
    CompiledQuery {
        select,
        count,
        binds: c.binds,
        count_binds,
    }
}

/// Count an attempt: $1 project, $2 key, $3 now (ms), $4 ttl (ms), $5 cap. Returns the count
/// and the expiry after the statement (see `Storage::bump_counter`).
pub const BUMP_COUNTER: &str = "INSERT INTO counters (project_key, counter_key, n, expires_at) \
     VALUES ($1, $2, 1, $3 + $4) ON CONFLICT (project_key, counter_key) DO UPDATE SET \
     n = CASE WHEN counters.expires_at <= $3 THEN 1 \
     WHEN counters.n >= $5 THEN counters.n ELSE counters.n + 1 END, \
     expires_at = CASE WHEN counters.expires_at <= $3 OR counters.n < $5 THEN $3 + $4 \
     ELSE counters.expires_at END \
     RETURNING n, expires_at";

/// Delete a counter: $1 project, $2 key.
pub const RESET_COUNTER: &str = "DELETE FROM counters WHERE project_key = $1 AND counter_key = $2";

/// Delete expired counters: $1 now (ms).
pub const PURGE_COUNTERS: &str = "DELETE FROM counters WHERE expires_at <= $1";
