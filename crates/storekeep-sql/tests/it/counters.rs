//! Counters (`bump_counter`, `reset_counter`, `purge_counters`): the sign-in throttle's state,
//! shared by every storekeep instance on one database.

use std::sync::Arc;

use storekeep_core::storage::Storage;

use crate::{project, Kind};

cases!(
    counts_up_to_the_cap_and_expires,
    counters_are_per_project_and_key,
    reset_and_purge,
    concurrent_bumps_all_count,
);

const TTL: i64 = 60_000;

async fn counts_up_to_the_cap_and_expires(s: Arc<dyn Storage>, _: Kind) {
    let p = project();
    let t0 = 1_000_000;
    for i in 1..=3 {
        let (n, exp) = s.bump_counter(&p, "k", t0 + i, TTL, 3).await.unwrap();
        assert_eq!(
            (n, exp),
            (i, t0 + i + TTL),
            "attempt {i} counts and extends"
        );
    }
    // At the cap: not counted, expiry kept.
    let (n, exp) = s.bump_counter(&p, "k", t0 + 10, TTL, 3).await.unwrap();
    assert_eq!((n, exp), (3, t0 + 3 + TTL));
    // A higher cap counts again (the cap belongs to the caller, not the row).
    let (n, _) = s.bump_counter(&p, "k", t0 + 11, TTL, 5).await.unwrap();
    assert_eq!(n, 4);
    // Once expired, the counter starts again at 1.
    let later = t0 + 11 + TTL;
    let (n, exp) = s.bump_counter(&p, "k", later, TTL, 3).await.unwrap();
    assert_eq!((n, exp), (1, later + TTL));
}

async fn counters_are_per_project_and_key(s: Arc<dyn Storage>, _: Kind) {
    let (p, q) = (project(), project());
    s.bump_counter(&p, "a", 0, TTL, 9).await.unwrap();
    s.bump_counter(&p, "a", 1, TTL, 9).await.unwrap();
    assert_eq!(s.bump_counter(&p, "b", 2, TTL, 9).await.unwrap().0, 1);
    assert_eq!(s.bump_counter(&q, "a", 3, TTL, 9).await.unwrap().0, 1);
    assert_eq!(s.bump_counter(&p, "a", 4, TTL, 9).await.unwrap().0, 3);
}

async fn reset_and_purge(s: Arc<dyn Storage>, _: Kind) {
    let p = project();
    s.bump_counter(&p, "r", 0, TTL, 9).await.unwrap();
    s.reset_counter(&p, "r").await.unwrap();
    s.reset_counter(&p, "never").await.unwrap();
    assert_eq!(s.bump_counter(&p, "r", 1, TTL, 9).await.unwrap().0, 1);
    // Far in the past: expired for any `now`, purged; the live one stays.
    s.bump_counter(&p, "old", -10 * TTL, 1, 9).await.unwrap();
    let purged = s.purge_counters(0).await.unwrap();
    assert!(purged >= 1, "{purged}");
    assert_eq!(s.bump_counter(&p, "old", 2, TTL, 9).await.unwrap().0, 1);
    assert_eq!(s.bump_counter(&p, "r", 3, TTL, 9).await.unwrap().0, 2);
}

async fn concurrent_bumps_all_count(s: Arc<dyn Storage>, _: Kind) {
    let p = project();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let s = s.clone();
            let p = p.clone();
            tokio::spawn(async move { s.bump_counter(&p, "c", i, TTL, 1000).await.unwrap().0 })
        })
        .collect();
    let mut seen = Vec::new();
    for t in tasks {
        seen.push(t.await.unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=16).collect::<Vec<i64>>(), "no increment is lost");
}
