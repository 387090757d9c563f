//! Document writes and reads: insert/get, keys, optimistic versions, delete, concurrency, and
//! durability of the file-backed SQLite database.

use std::sync::Arc;

use serde_json::json;
use storekeep_core::storage::{Collection, Doc, Lookup, Storage, StorageError};
use storekeep_sql::SqliteStore;

use crate::{assert_err, body, doc, none, project, put, ts, Kind};

const C: Collection = Collection::Stores;

cases!(
    insert_and_get,
    duplicate_keys,
    update_versions,
    update_to_taken_key,
    delete_versions,
    concurrent_updates,
    ping,
);

async fn insert_and_get(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    let mut d = doc(
        "a1",
        Some("ka"),
        1,
        json!({"x": 1, "s": "ü \"q\"", "nested": {"l": [1, 2]}}),
    );
    d.created_at = ts(10);
    d.last_modified_at = ts(11);
    put(&store, &p, &d).await;

    let by_id = store
        .get(C, &p, Lookup::Id("a1"))
        .await
        .unwrap()
        .expect("by id");
    assert_eq!(
        (by_id.id.as_str(), by_id.key.as_deref(), by_id.version),
        ("a1", Some("ka"), 1)
    );
    assert_eq!(
        (by_id.created_at.as_str(), by_id.last_modified_at.as_str()),
        (ts(10).as_str(), ts(11).as_str())
    );
    assert_eq!(body(&by_id), body(&d));

    let by_key = store
        .get(C, &p, Lookup::Key("ka"))
        .await
        .unwrap()
        .expect("by key");
    assert_eq!(by_key, by_id);

    assert_eq!(store.get(C, &p, Lookup::Id("nope")).await.unwrap(), None);
    assert_eq!(store.get(C, &p, Lookup::Key("nope")).await.unwrap(), None);
    // Another project, another collection: not visible.
    assert_eq!(
        store.get(C, &project(), Lookup::Id("a1")).await.unwrap(),
        None
    );
    let other = Collection::Carts;
    assert_eq!(store.get(other, &p, Lookup::Id("a1")).await.unwrap(), None);
}

async fn duplicate_keys(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    put(&store, &p, &doc("a1", Some("k"), 1, json!({}))).await;
    let dup = store
        .insert(C, &p, &doc("a2", Some("k"), 1, json!({})), &none())
        .await;
    assert_err(dup, StorageError::DuplicateKey, "same key, same project");
    assert_eq!(store.get(C, &p, Lookup::Id("a2")).await.unwrap(), None);

    // The same key in another project or collection is fine.
    put(&store, &project(), &doc("a2", Some("k"), 1, json!({}))).await;
    store
        .insert(
            Collection::Carts,
            &p,
            &doc("a2", Some("k"), 1, json!({})),
            &none(),
        )
        .await
        .unwrap();

    // NULL keys may repeat.
    put(&store, &p, &doc("n1", None, 1, json!({}))).await;
    put(&store, &p, &doc("n2", None, 1, json!({}))).await;
    let n2 = store
        .get(C, &p, Lookup::Id("n2"))
        .await
        .unwrap()
        .expect("n2");
    assert_eq!(n2.key, None);
}

async fn update_versions(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    put(&store, &p, &doc("a1", Some("k1"), 1, json!({"v": 1}))).await;

    let mut v2 = doc("a1", Some("k2"), 2, json!({"v": 2}));
    v2.last_modified_at = ts(5);
    store.update(C, &p, 1, &v2, None).await.unwrap();
    let got = store
        .get(C, &p, Lookup::Id("a1"))
        .await
        .unwrap()
        .expect("a1");
    assert_eq!((got.version, got.key.as_deref()), (2, Some("k2")));
    assert_eq!(got.last_modified_at, ts(5));
    assert_eq!(got.created_at, ts(1), "createdAt is not rewritten");
    assert_eq!(body(&got), json!({"v": 2}));
    assert_eq!(store.get(C, &p, Lookup::Key("k1")).await.unwrap(), None);
    assert!(store.get(C, &p, Lookup::Key("k2")).await.unwrap().is_some());

    // Stale version: nothing written, the current version is reported.
    let stale = doc("a1", Some("k3"), 2, json!({"v": 99}));
    let r = store.update(C, &p, 1, &stale, None).await;
    assert_err(
        r,
        StorageError::VersionConflict { current_version: 2 },
        "stale",
    );
    let r = store.update(C, &p, 7, &stale, None).await;
    assert_err(
        r,
        StorageError::VersionConflict { current_version: 2 },
        "ahead",
    );
    let got = store
        .get(C, &p, Lookup::Id("a1"))
        .await
        .unwrap()
        .expect("a1");
    assert_eq!(body(&got), json!({"v": 2}));

    // Missing document (also: present only in another project).
    let r = store
        .update(C, &p, 1, &doc("zz", None, 2, json!({})), None)
        .await;
    assert_err(r, StorageError::NotFound, "missing");
    let r = store.update(C, &project(), 2, &v2, None).await;
    assert_err(r, StorageError::NotFound, "other project");
}

async fn update_to_taken_key(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    put(&store, &p, &doc("a1", Some("k1"), 1, json!({}))).await;
    put(&store, &p, &doc("a2", Some("k2"), 1, json!({}))).await;
    let r = store
        .update(C, &p, 1, &doc("a2", Some("k1"), 2, json!({"x": 1})), None)
        .await;
    assert_err(r, StorageError::DuplicateKey, "key held by a1");
    let a2 = store
        .get(C, &p, Lookup::Id("a2"))
        .await
        .unwrap()
        .expect("a2");
    assert_eq!((a2.version, a2.key.as_deref()), (1, Some("k2")));
    // Clearing a key is allowed, and NULL keys may repeat.
    store
        .update(C, &p, 1, &doc("a2", None, 2, json!({})), None)
        .await
        .unwrap();
    store
        .update(C, &p, 1, &doc("a1", None, 2, json!({})), None)
        .await
        .unwrap();
}

async fn delete_versions(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    put(&store, &p, &doc("a1", Some("k1"), 3, json!({}))).await;
    assert_err(
        store.delete(C, &p, "a1", 2).await,
        StorageError::VersionConflict { current_version: 3 },
        "wrong version",
    );
    assert!(store.get(C, &p, Lookup::Id("a1")).await.unwrap().is_some());
    assert_err(
        store.delete(C, &p, "zz", 1).await,
        StorageError::NotFound,
        "missing",
    );
    assert_err(
        store.delete(C, &project(), "a1", 3).await,
        StorageError::NotFound,
        "other project",
    );
    store.delete(C, &p, "a1", 3).await.unwrap();
    assert_eq!(store.get(C, &p, Lookup::Id("a1")).await.unwrap(), None);
    assert_err(
        store.delete(C, &p, "a1", 3).await,
        StorageError::NotFound,
        "deleted twice",
    );
    // The key is free again.
    put(&store, &p, &doc("a2", Some("k1"), 1, json!({}))).await;
}

async fn concurrent_updates(store: Arc<dyn Storage>, _kind: Kind) {
    let p = project();
    put(
        &store,
        &p,
        &doc("a1", Some("k"), 1, json!({"winner": null})),
    )
    .await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (store, p) = (store.clone(), p.clone());
        tasks.push(tokio::spawn(async move {
            let d = doc("a1", Some("k"), 2, json!({ "winner": i }));
            (i, store.update(C, &p, 1, &d, None).await)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (i, r) = t.await.expect("task");
        match r {
            Ok(()) => winners.push(i),
            Err(e) => assert_eq!(e, StorageError::VersionConflict { current_version: 2 }),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one update wins: {winners:?}");
    let got = store
        .get(C, &p, Lookup::Id("a1"))
        .await
        .unwrap()
        .expect("a1");
    assert_eq!(got.version, 2);
    assert_eq!(body(&got), json!({ "winner": winners[0] }));
}

async fn ping(store: Arc<dyn Storage>, _kind: Kind) {
    store.ping().await.unwrap();
}

/// A unique scratch directory under the system temp dir, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("storekeep-it-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_survives_reopen() {
    let dir = TempDir::new();
    let url = format!("sqlite:{}", dir.0.join("store.db").display());
    let p = project();
    let d: Doc = doc("a1", Some("k1"), 1, json!({"name": {"en": "x"}}));
    {
        let s = SqliteStore::connect(&url).await.unwrap();
        s.insert(C, &p, &d, &none()).await.unwrap();
        s.update(C, &p, 1, &doc("a1", Some("k1"), 2, json!({"v": 2})), None)
            .await
            .unwrap();
        s.close().await;
    }
    // Reopening runs the migrations again (a no-op) and sees the committed data.
    let s = SqliteStore::connect(&url).await.unwrap();
    let got = s
        .get(C, &p, Lookup::Key("k1"))
        .await
        .unwrap()
        .expect("survived");
    assert_eq!((got.id.as_str(), got.version), ("a1", 2));
    assert_eq!(body(&got), json!({"v": 2}));
    assert!(s.integrity_check().await.unwrap());
    // The reopened database is writable.
    s.insert(C, &p, &doc("a2", Some("k2"), 1, json!({})), &none())
        .await
        .unwrap();
    s.close().await;

    // Planner statistics were seeded once (not again on reopen) for the indexes.
    let path = url.trim_start_matches("sqlite:");
    let conn = rusqlite::Connection::open(path).unwrap();
    let stats: Vec<(String, String, String)> = conn
        .prepare("SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);
    for (tbl, idx, stat) in [
        ("customers", "customers", "1000000 10000 1"),
        ("customers", "customers_email", "1000000 10000 2 1"),
    ] {
        let row = (tbl.to_string(), idx.to_string(), stat.to_string());
        assert!(stats.contains(&row), "{row:?} in {stats:?}");
    }
    let mut names: Vec<(&str, &str)> = stats
        .iter()
        .map(|(t, i, _)| (t.as_str(), i.as_str()))
        .collect();
    names.dedup();
    assert_eq!(
        names.len(),
        stats.len(),
        "no duplicate statistics: {stats:?}"
    );
}
