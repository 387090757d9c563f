//! Short CI forms of `storekeep-chaos token-flood` (issue 14, item 1), `slow-flood` (issue 21,
//! F4), `introspection-flood` (issue 14, item 2), `fragment-flood` (issue 21, item 8) and
//! `predicate-flood` (issue 21, F2) and `size-flood` (issue 21, F6) against the real binary on SQLite: memory, descriptors and
//! status codes only, no timing.

use std::collections::BTreeMap;
use std::time::Duration;

use storekeep_chaos::crash::BackendChoice;
use storekeep_chaos::flood::queries::{self, QueryFloodOptions, QueryFloodReport, QueryKind};
use storekeep_chaos::flood::sizes::{self, SizeFloodOptions};
use storekeep_chaos::flood::slow::{self, SlowFloodOptions};
use storekeep_chaos::flood::tokens::{self, TokenFloodOptions};
use storekeep_chaos::flood::FD_RESERVE;
use storekeep_chaos::target::{Target, TargetChoice};

use crate::storekeep_bin;

fn spawn(extra_args: &[&str]) -> TargetChoice {
    TargetChoice::Spawn {
        bin: storekeep_bin(),
        backend: BackendChoice::Sqlite,
        extra_args: extra_args.iter().map(|s| s.to_string()).collect(),
        log_filter: "warn".into(),
    }
}

/// 300 concurrent failing token requests of each kind, twice: every answer is 401
/// `invalid_client` or 503 `OverCapacity`, the full queue is reached, the server stays under
/// 256 MiB and `/health` and a read answer 200 throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_flood_degrades_to_503_in_bounded_memory() {
    let t = Target::open(&spawn(&[]), "token-flood-ci").await.unwrap();
    let o = TokenFloodOptions {
        requests: 300,
        rounds: 2,
        max_rss_mib: 256,
        settle: Duration::from_secs(1),
    };
    let r = tokens::run(&t, &o).await;
    t.close(false).await.unwrap();
    let r = r.unwrap();
    println!("{}", r.render());
    assert!(r.passed(), "{}", r.render());
    assert_eq!(r.rounds.len(), 4);
    for round in &r.rounds {
        assert!(round.unauthorized > 0, "some requests were verified");
        assert!(round.over_capacity > 0, "the queue bound was reached");
        assert!(round.peak_rss_kib > 0, "the server's memory was sampled");
    }
}

/// 160 slow-header and idle connections, opened over 8 s, against a limit of 40: every one is
/// closed by the server (timeouts or eviction), `/health` and a read answer 200 throughout,
/// memory and descriptors stay bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_closed_and_health_answers() {
    let args = [
        "--max-connections",
        "40",
        "--header-read-timeout-secs",
        "2",
        "--idle-timeout-secs",
        "3",
    ];
    let t = Target::open(&spawn(&args), "slow-flood-ci").await.unwrap();
    let o = SlowFloodOptions {
        connections: 160,
        trickle: Duration::from_millis(500),
        ramp: Duration::from_secs(8),
        duration: Duration::from_secs(16),
        max_rss_mib: 256,
        max_fds: Some(40 + FD_RESERVE),
    };
    let r = slow::run(&t, &o).await;
    t.close(false).await.unwrap();
    let r = r.unwrap();
    println!("{}", r.render());
    assert!(r.passed(), "{}", r.render());
    assert_eq!(r.connect_failures, 0);
    assert_eq!(r.closed.0 + r.closed.1, 160);
    assert!(r.probes.read_us.len() + r.probes.health_us.len() > 10);
}

/// Run a query flood of `kind` against a fresh server: one round, 256 MiB bound.
async fn query_flood(kind: QueryKind, requests: usize, customers: usize) -> QueryFloodReport {
    let t = Target::open(&spawn(&[]), "query-flood-ci").await.unwrap();
    let o = QueryFloodOptions {
        kind,
        requests,
        rounds: 1,
        max_rss_mib: 256,
        settle: Duration::from_secs(1),
        client_timeout: Duration::from_secs(120),
        depth: 24,
        customers,
    };
    let r = queries::run(&t, &o).await;
    t.close(false).await.unwrap();
    let r = r.unwrap();
    println!("{}", r.render());
    assert!(r.passed(), "{}", r.render());
    assert!(
        r.rounds[0].peak_rss_kib > 0,
        "the server's memory was sampled"
    );
    r
}

/// How many answers of a round had this label and outcome.
fn count(r: &QueryFloodReport, label: &str, outcome: &str) -> usize {
    r.rounds[0]
        .outcomes
        .get(&(label.to_string(), outcome.to_string()))
        .copied()
        .unwrap_or(0)
}

/// Issue 14 item 2: 32 concurrent introspection requests — half the 600 aliased
/// `__schema` (refused before anything runs), half the 9 the complexity admits (answered, or
/// 503 past the GraphQL turns) — in bounded memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_flood_is_refused_or_answered_in_bounded_memory() {
    let r = query_flood(QueryKind::Introspection, 32, 0).await;
    assert_eq!(
        count(&r, "600 × __schema", "400 QueryComplexityLimitExceeded"),
        16
    );
    let admitted = count(&r, "9 × __schema", "200") + count(&r, "9 × __schema", "503 OverCapacity");
    assert_eq!(admitted, 16);
}

/// Issue 21 item 8: 8 concurrent fragment bombs of depth 24 (2^24 fields once expanded) are
/// all refused with the API's error, in bounded memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_bombs_are_refused_before_expansion() {
    let r = query_flood(QueryKind::FragmentBomb, 8, 0).await;
    assert_eq!(
        count(&r, "fragment bomb", "400 QueryComplexityLimitExceeded"),
        8
    );
}

/// Issue 21 F2: 16 concurrent expensive predicates over 300 customers, REST and GraphQL:
/// over-cap ones refused, the rest answered (or stopped by the read budget, or 503), in
/// bounded memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn predicate_flood_is_refused_or_bounded() {
    let r = query_flood(QueryKind::Predicate, 16, 300).await;
    assert_eq!(count(&r, "REST 500 terms", "400 InvalidInput"), 4);
    assert_eq!(
        count(
            &r,
            "GraphQL 1,000 × 10 terms",
            "400 QueryComplexityLimitExceeded"
        ),
        4
    );
    let rest_50: usize = ["200", "400 QueryTimedOut", "503 OverCapacity"]
        .iter()
        .map(|o| count(&r, "REST 50 terms", o))
        .sum();
    assert_eq!(rest_50, 4);
}

/// Issue 21 F6, short form of `size-flood`: 20 sign-ups with a 1,000,000-character
/// `firstName` are all refused (400), their replacements near the size limit (8 name fields
/// and 22 street names of 4,096 characters, about 124 KB) are stored, and 8 clients × 2
/// store-scoped queries over them all answer 200 with the server under 256 MiB and `/health`
/// and a read answering throughout. Statuses and memory only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_resources_are_refused_and_queries_stay_bounded() {
    let t = Target::open(&spawn(&[]), "size-flood-ci").await.unwrap();
    let o = SizeFloodOptions {
        customers: 20,
        field_chars: 1_000_000,
        fill_chars: 4096,
        fill_addresses: 22,
        queries: 8,
        rounds: 2,
        max_rss_mib: 256,
        settle: Duration::from_secs(1),
    };
    let r = sizes::run(&t, &o).await;
    t.close(false).await.unwrap();
    let r = r.unwrap();
    println!("{}", r.render());
    assert!(r.passed(), "{}", r.render());
    assert_eq!(r.oversized, BTreeMap::from([(400, 20)]), "{}", r.render());
    assert_eq!(r.filled, BTreeMap::from([(201, 20)]), "{}", r.render());
    assert_eq!(r.queries, BTreeMap::from([(200, 16)]), "{}", r.render());
    assert!(
        r.largest_answer > 20 * 100_000,
        "the page holds the big customers"
    );
    assert!(r.peak_rss_kib > 0, "the server's memory was sampled");
}
