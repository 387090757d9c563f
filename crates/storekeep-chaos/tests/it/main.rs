//! The short CI forms of the chaos tools: the token and slow-client floods (module `floods`)
//! and `storekeep-chaos crash` (issue 10, item 2): three `SIGKILL`s of a
//! storekeep process under a write load on SQLite, and — when `STOREKEEP_TEST_POSTGRES_URL`
//! is set — three kills among two instances on one PostgreSQL database; every acknowledged
//! write must be found and the database must pass its integrity check. The full runs (≥ 20
//! kills), `timing` and `soak` are documented tools (docs/RELIABILITY.md).
//!
//! The server is the `storekeep` binary of the same target directory (`target/debug/storekeep`
//! next to this test's `deps/`); `cargo test --workspace` builds it because the `storekeep`
//! package has an integration test of its own. `STOREKEEP_BIN` names another binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use storekeep_chaos::crash::{self, BackendChoice, CrashOptions};

mod floods;

/// The storekeep binary built by this cargo invocation.
pub fn storekeep_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("STOREKEEP_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/it-<hash> → target/<profile>/storekeep
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory");
    let bin = dir.join(format!("storekeep{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p storekeep` (or `cargo test --workspace`, which builds it)",
        bin.display()
    );
    bin
}

fn options(backend: BackendChoice, instances: usize, seed: u64) -> CrashOptions {
    CrashOptions {
        bin: storekeep_bin(),
        backend,
        instances,
        kills: 3,
        writers: 4,
        min_uptime_ms: 200,
        max_uptime_ms: 1000,
        startup_kill_percent: 15,
        seed,
        max_seconds: 120,
        keep: false,
        log_filter: "warn".into(),
        quiet: true,
    }
}

fn check(s: &crash::CrashSummary) {
    println!("{}", s.render());
    assert!(s.passed(), "{}", s.render());
    assert_eq!(s.kills, 3);
    assert!(s.acked > 0, "the writers got acknowledged writes");
    assert!(s.integrity_checks >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_sqlite_acknowledged_writes_survive_sigkill() {
    let s = crash::run(&options(BackendChoice::Sqlite, 1, rand::random()))
        .await
        .unwrap();
    check(&s);
}

storekeep_testpg::postgres_test! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn crash_postgres_two_instances_acknowledged_writes_survive_sigkill() {
        let url = storekeep_testpg::url();
        let seed = rand::random();
        // A fresh database on the same server; the given one (with a fresh project key) if the
        // role may not create databases.
        let fresh = options(
            BackendChoice::Postgres {
                url: url.clone(),
                reuse: false,
            },
            2,
            seed,
        );
        let s = match crash::run(&fresh).await {
            Ok(s) => s,
            Err(e) if format!("{e:#}").contains("cannot create database") => {
                let reuse = BackendChoice::Postgres { url, reuse: true };
                crash::run(&options(reuse, 2, seed)).await.unwrap()
            }
            Err(e) => panic!("{e:#}"),
        };
        check(&s);
    }
}
