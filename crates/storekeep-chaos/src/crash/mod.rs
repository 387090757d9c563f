//! `storekeep-chaos crash`: crash durability (issue 10, item 2).
//!
//! Starts one storekeep (SQLite file in a scratch directory) or several on one fresh
//! PostgreSQL database, runs concurrent writers that log every acknowledged write, kills a
//! server with `SIGKILL` at random moments — sometimes again during its start-up — and
//! restarts it, `kills` times. After each SQLite kill a copy of the crashed files passes
//! `PRAGMA integrity_check`. At the end every acknowledged write is verified through the API
//! ([`verify`]), the database is checked once more (SQLite: the real file after a last kill;
//! PostgreSQL: `amcheck`), and the server logs must hold no panic.

pub mod log;
pub mod verify;
pub mod writers;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::client::Http;
use crate::db::{self, PgDatabase};
use crate::server::{self, Instance, ServerSpec};
use log::{AckLog, Counters};
use writers::{Cluster, Shared};

/// Where the servers keep their data.
#[derive(Debug, Clone)]
pub enum BackendChoice {
    /// A SQLite file in the run's scratch directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `url` (or `url` itself with `reuse`).
    Postgres { url: String, reuse: bool },
}

/// Options of a crash run.
#[derive(Debug, Clone)]
pub struct CrashOptions {
    pub bin: PathBuf,
    pub backend: BackendChoice,
    /// Instances on the database (1 for SQLite).
    pub instances: usize,
    pub kills: u32,
    pub writers: usize,
    /// A server runs this long (uniformly random, ms) after it is ready before it is killed.
    pub min_uptime_ms: u64,
    pub max_uptime_ms: u64,
    /// Percent chance that a restarted server is killed again during its start-up.
    pub startup_kill_percent: u32,
    pub seed: u64,
    /// Hard limit of the whole run.
    pub max_seconds: u64,
    /// Keep the scratch directory (and the PostgreSQL database) even when the run passes.
    pub keep: bool,
    pub log_filter: String,
    pub quiet: bool,
}

/// The result of a crash run.
#[derive(Debug, Clone, Default)]
pub struct CrashSummary {
    pub backend: String,
    pub instances: usize,
    pub kills: u32,
    pub startup_kills: u32,
    /// Acknowledged creates and updates in the client log.
    pub acked: u64,
    pub tokens: u64,
    pub tokens_lost: u64,
    pub unknown: u64,
    pub unknown_applied: u64,
    pub adopted: u64,
    pub server_errors: u64,
    pub conflicts: u64,
    pub rejected: u64,
    pub resources: u64,
    /// Acknowledged writes missing (must be 0).
    pub lost: u64,
    pub lost_examples: Vec<String>,
    pub inconsistent: Vec<String>,
    /// Integrity checks run and the problems they reported.
    pub integrity_checks: u32,
    pub integrity_problems: Vec<String>,
    /// Why the PostgreSQL `amcheck` pass was skipped, if it was.
    pub integrity_note: Option<String>,
    pub panics: usize,
    pub seconds: f64,
    pub scratch: PathBuf,
}

impl CrashSummary {
    /// Did the run find nothing wrong?
    pub fn passed(&self) -> bool {
        self.lost == 0
            && self.tokens_lost == 0
            && self.inconsistent.is_empty()
            && self.integrity_problems.is_empty()
            && self.rejected == 0
            && self.panics == 0
    }

    /// A human-readable report.
    pub fn render(&self) -> String {
        let mut out = format!(
            "crash {backend} x{inst}: {kills} kills ({sk} during start-up) in {secs:.0} s\n\
             acknowledged writes: {acked} (+{tokens} tokens) on {res} resources; verified: {ver}; LOST: {lost}\n\
             unknown outcome: {unk} ({applied} applied, {adopted} creates adopted); 5xx: {e5}; 409: {c}; refused: {rej}\n\
             integrity checks: {ic}, problems: {ip}{note}; inconsistencies: {inc}; tokens lost: {tl}; panics in server logs: {pan}\n\
             result: {verdict}\n",
            backend = self.backend,
            inst = self.instances,
            kills = self.kills,
            sk = self.startup_kills,
            secs = self.seconds,
            acked = self.acked,
            tokens = self.tokens,
            res = self.resources,
            ver = self.acked.saturating_sub(self.lost),
            lost = self.lost,
            unk = self.unknown,
            applied = self.unknown_applied,
            adopted = self.adopted,
            e5 = self.server_errors,
            c = self.conflicts,
            rej = self.rejected,
            ic = self.integrity_checks,
            ip = self.integrity_problems.len(),
            note = self
                .integrity_note
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            inc = self.inconsistent.len(),
            tl = self.tokens_lost,
            pan = self.panics,
            verdict = if self.passed() { "PASS" } else { "FAIL" },
        );
        for line in self
            .lost_examples
            .iter()
            .chain(&self.inconsistent)
            .chain(&self.integrity_problems)
            .take(20)
        {
            out.push_str(&format!("  - {line}\n"));
        }
        if !self.passed() || self.scratch.exists() {
            out.push_str(&format!("files: {}\n", self.scratch.display()));
        }
        out
    }
}

/// Run the crash test.
pub async fn run(o: &CrashOptions) -> anyhow::Result<CrashSummary> {
    let scratch = server::scratch_dir("storekeep-chaos-crash")?;
    let (url, pg) = match &o.backend {
        BackendChoice::Sqlite => {
            if o.instances != 1 {
                bail!("SQLite runs with one instance (one writer process per file)");
            }
            (
                format!("sqlite:{}", scratch.join("chaos.db").display()),
                None,
            )
        }
        BackendChoice::Postgres { url, reuse } => {
            let pg = PgDatabase::open(url, *reuse, "storekeep_chaos").await?;
            (pg.url.clone(), Some(pg))
        }
    };
    let result = run_on(o, &scratch, &url).await;
    let passed = matches!(&result, Ok(s) if s.passed());
    if let Some(pg) = &pg {
        if passed && !o.keep {
            pg.drop_created().await?;
        } else if let Some(name) = pg.created_name() {
            eprintln!("kept PostgreSQL database {name}");
        }
    }
    if passed && !o.keep {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    result
}

async fn run_on(
    o: &CrashOptions,
    scratch: &std::path::Path,
    url: &str,
) -> anyhow::Result<CrashSummary> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.max_seconds.clamp(10, 3600));
    let run = format!("{:06x}", rand::random::<u32>() & 0xff_ffff);
    let creds = server::random_creds(&format!("chaos-{run}"));
    let spec = ServerSpec {
        bin: o.bin.clone(),
        database_url: url.to_string(),
        creds: creds.clone(),
        extra_args: vec!["--pg-max-connections".into(), "8".into()],
        log_dir: scratch.to_path_buf(),
        log_filter: o.log_filter.clone(),
    };
    let mut instances = (0..o.instances.max(1))
        .map(|i| Instance::new(spec.clone(), i))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // All at once: several instances bootstrapping one empty database is part of the test.
    for inst in &mut instances {
        inst.start()?;
    }
    let probe = Http::new(2);
    for inst in &mut instances {
        inst.wait_ready(&probe, Duration::from_secs(60)).await?;
    }
    let shared = Arc::new(Shared {
        cluster: Cluster::new(instances.iter().map(Instance::base).collect()),
        creds: creds.clone(),
        log: AckLog::create(&scratch.join("acks.jsonl"))?,
        counters: Counters::default(),
        stop: AtomicBool::new(false),
        deadline,
        run,
    });
    let tasks: Vec<_> = (0..o.writers.clamp(1, 64))
        .map(|i| {
            let http = Http::new(4);
            tokio::spawn(writers::writer(
                shared.clone(),
                i,
                http,
                o.seed.wrapping_add(i as u64),
            ))
        })
        .collect();
    let mut summary = CrashSummary {
        backend: if o.instances > 1 || url.starts_with("postgres") {
            "postgres".into()
        } else {
            "sqlite".into()
        },
        instances: o.instances.max(1),
        scratch: scratch.to_path_buf(),
        ..CrashSummary::default()
    };
    let db_path = server::sqlite_path(url);
    let killing = kill_loop(o, &mut instances, &probe, db_path, deadline, &mut summary).await;
    // Let the writers work on the restarted server for a moment, then stop them.
    tokio::time::sleep(Duration::from_millis(500)).await;
    shared.stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.context("a writer task failed")?;
    }
    shared.log.flush()?;
    killing?;
    finish(&mut instances, &shared, url, &mut summary).await?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Kill and restart servers `o.kills` times.
async fn kill_loop(
    o: &CrashOptions,
    instances: &mut [Instance],
    probe: &Http,
    db_path: Option<PathBuf>,
    deadline: Instant,
    summary: &mut CrashSummary,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(o.seed ^ 0x6b69_6c6c);
    let check_dir = summary.scratch.join("check");
    while summary.kills < o.kills && Instant::now() < deadline {
        let t = rng.gen_range(0..instances.len());
        let up = rng.gen_range(o.min_uptime_ms..=o.max_uptime_ms.max(o.min_uptime_ms));
        tokio::time::sleep(Duration::from_millis(up)).await;
        let inst = &mut instances[t];
        loop {
            inst.kill9()?;
            summary.kills += 1;
            if let Some(db) = &db_path {
                summary.integrity_checks += 1;
                let problems = db::sqlite_check_copy(db, &check_dir).await?;
                summary.integrity_problems.extend(
                    problems
                        .into_iter()
                        .map(|p| format!("after kill {}: {p}", summary.kills)),
                );
            }
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..100))).await;
            inst.start()?;
            let again = summary.kills < o.kills && rng.gen_range(0..100) < o.startup_kill_percent;
            if !again {
                break;
            }
            summary.startup_kills += 1;
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..150))).await;
        }
        inst.wait_ready(probe, Duration::from_secs(60)).await?;
        if !o.quiet {
            eprintln!("kill {}/{}: instance {t} restarted", summary.kills, o.kills);
        }
    }
    Ok(())
}

/// Verify the log, run the last integrity check, gather the counters.
async fn finish(
    instances: &mut [Instance],
    shared: &Shared,
    url: &str,
    summary: &mut CrashSummary,
) -> anyhow::Result<()> {
    let mut http = Http::new(4);
    let base = instances[0].base();
    http.authorize(&base, &shared.creds).await?;
    let entries = log::read(shared.log.path())?;
    let v = verify::verify(&http, &base, &shared.creds.project, &entries).await?;
    let c = &shared.counters;
    summary.acked = v.acked;
    summary.resources = v.resources;
    summary.lost = v.lost.len() as u64;
    summary.lost_examples = v
        .lost
        .iter()
        .take(10)
        .map(|(id, ver)| format!("lost: {id} version {ver}"))
        .collect();
    summary.inconsistent = v.inconsistent;
    summary.unknown_applied = v.unknown_applied;
    summary.tokens = Counters::get(&c.tokens);
    summary.tokens_lost = Counters::get(&c.tokens_lost);
    summary.unknown = Counters::get(&c.unknown);
    summary.adopted = Counters::get(&c.adopted);
    summary.server_errors = Counters::get(&c.server_errors);
    summary.conflicts = Counters::get(&c.conflicts);
    summary.rejected = Counters::get(&c.rejected);
    // The last check: the real database after one more crash (SQLite), amcheck (PostgreSQL).
    for inst in instances.iter_mut() {
        inst.kill9()?;
        summary.panics += server::panics_in(&inst.log_path());
    }
    if let Some(db) = server::sqlite_path(url) {
        summary.integrity_checks += 1;
        let problems = db::sqlite_check(&db).await?;
        summary
            .integrity_problems
            .extend(problems.into_iter().map(|p| format!("final: {p}")));
    } else {
        match db::pg_check(url).await? {
            Some(problems) => {
                summary.integrity_checks += 1;
                summary.integrity_problems.extend(problems);
            }
            None => summary.integrity_note = Some("amcheck unavailable: skipped".into()),
        }
    }
    Ok(())
}
