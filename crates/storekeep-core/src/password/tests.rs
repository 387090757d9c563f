//! Tests of the Argon2 pool: hashing, verification, limits.

use super::*;

fn cheap(min_length: Option<usize>) -> Passwords {
    Passwords::new(PasswordConfig {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
        min_length,
        max_concurrent: Some(2),
    })
    .unwrap()
}

#[tokio::test]
async fn hash_then_verify() {
    let p = cheap(None);
    let h = p.hash("s3cret").await.unwrap();
    assert!(h.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{h}");
    assert!(p.verify("s3cret", &h).await.unwrap());
    assert!(!p.verify("S3cret", &h).await.unwrap());
    assert!(!p.verify("", &h).await.unwrap());
    // Fresh salt every time.
    assert_ne!(h, p.hash("s3cret").await.unwrap());
    assert_eq!(p.operations(), 5);
}

#[tokio::test]
async fn phc_strings_interoperate_with_the_argon2_crate() {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};
    let p = Passwords::default();
    let ours = p.hash("s3cret").await.unwrap();
    let parsed = PasswordHash::new(&ours).unwrap();
    assert!(Argon2::default()
        .verify_password(b"s3cret", &parsed)
        .is_ok());
    assert!(Argon2::default()
        .verify_password(b"other", &parsed)
        .is_err());
    let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
    let theirs = Argon2::default()
        .hash_password(b"pw", &salt)
        .unwrap()
        .to_string();
    assert!(p.verify("pw", &theirs).await.unwrap());
    assert!(!p.verify("pw2", &theirs).await.unwrap());
    assert!(!p.needs_rehash(&theirs));
}

#[tokio::test]
async fn garbage_hash_never_matches() {
    let p = cheap(None);
    assert!(!p.verify("x", "not-a-phc-string").await.unwrap());
    assert!(!p.verify("x", "").await.unwrap());
    assert!(p.needs_rehash("not-a-phc-string"));
}

#[tokio::test]
async fn dummy_verify_counts_as_work() {
    let p = cheap(None);
    p.dummy_verify("whatever").await.unwrap();
    assert_eq!(p.operations(), 1);
}

#[tokio::test]
async fn rehash_when_parameters_change() {
    let old = cheap(None);
    let h = old.hash("pw").await.unwrap();
    assert!(!old.needs_rehash(&h));
    let new = Passwords::new(PasswordConfig {
        memory_kib: 128,
        ..old.config().clone()
    })
    .unwrap();
    assert!(new.needs_rehash(&h));
    // A hash of other parameters still verifies (parameters come from the PHC string).
    assert!(new.verify("pw", &h).await.unwrap());
    let argon2i = "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$aGFzaA";
    assert!(old.needs_rehash(argon2i));
}

#[test]
fn default_is_owasp() {
    let p = Passwords::default();
    assert_eq!(p.config().memory_kib, 19456);
    assert_eq!(p.config().iterations, 2);
    assert_eq!(p.config().parallelism, 1);
    assert!(p.check_policy("").is_ok(), "no policy by default (D11)");
}

#[test]
fn policy_min_length() {
    let p = cheap(Some(8));
    assert!(matches!(
        p.check_policy("short"),
        Err(ApiError::InvalidInput(_))
    ));
    assert!(p.check_policy("long enough").is_ok());
    assert!(p.check_policy("ääääääää").is_ok(), "counts characters");
}

#[test]
fn bad_config_is_refused() {
    let bad = PasswordConfig {
        memory_kib: 1,
        ..PasswordConfig::default()
    };
    assert!(Passwords::new(bad).is_err());
    let zero = PasswordConfig {
        max_concurrent: Some(0),
        ..PasswordConfig::default()
    };
    assert!(Passwords::new(zero).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn at_most_max_concurrent_hashes() {
    use std::sync::atomic::AtomicUsize;
    let p = cheap(None);
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (p, running, peak) = (p.clone(), running.clone(), peak.clone());
        tasks.push(tokio::spawn(async move {
            p.run(move |_, _| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
            })
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(p.operations(), 8);
    assert_eq!(peak.load(Ordering::SeqCst), 2, "two permits, eight jobs");
    assert_eq!(p.inner.permits.available_permits(), 2);
}

/// Every `.rs` file under `dir` (recursively), skipping build output.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() && name != "target" && !name.starts_with('.') {
            rust_files(&p, out);
        } else if name.ends_with(".rs") || name == "Cargo.toml" {
            out.push(p);
        }
    }
}

/// The single entry point: no source file of the workspace outside this module calls Argon2
/// or depends on the crate (issue 14: client secrets were hashed outside the pool).
#[test]
fn argon2_runs_only_in_the_pool() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let crates = here.parent().unwrap();
    let pool_dir = here.join("src").join("password");
    let mut files = Vec::new();
    rust_files(crates, &mut files);
    assert!(files.len() > 50, "found the workspace's sources");
    let calls = [
        "Argon2::",
        "argon2::Argon2",
        "hash_password",
        "verify_password",
        "PasswordHasher",
        "PasswordVerifier",
    ];
    let mut found = Vec::new();
    for f in files.iter().filter(|f| !f.starts_with(&pool_dir)) {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let is_manifest = f.ends_with("Cargo.toml");
        let own_manifest = f == &here.join("Cargo.toml");
        for line in text.lines() {
            let dep = is_manifest && !own_manifest && line.trim_start().starts_with("argon2");
            if dep || (!is_manifest && calls.iter().any(|c| line.contains(c))) {
                found.push(format!("{}: {}", f.display(), line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "Argon2 outside the pool:\n{}",
        found.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_over_capacity_at_once() {
    let p = Passwords::with_queue(
        PasswordConfig {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
            min_length: None,
            max_concurrent: Some(1),
        },
        Some(2),
    )
    .unwrap();
    assert_eq!((p.max_concurrent(), p.max_queue()), (1, 2));
    // One computing (held until released) and two waiting fill the pool.
    let (release, gate) = std::sync::mpsc::channel::<()>();
    let gate = Arc::new(std::sync::Mutex::new(gate));
    let mut held = Vec::new();
    for _ in 0..3 {
        let (p, gate) = (p.clone(), gate.clone());
        held.push(tokio::spawn(async move {
            p.run(move |_, _| {
                let _ = gate.lock().unwrap().recv();
            })
            .await
        }));
    }
    while p.inner.admission.available_permits() > 0 {
        tokio::task::yield_now().await;
    }
    let refused = p
        .verify("pw", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA")
        .await;
    match refused {
        Err(ApiError::OverCapacity {
            retry_after_secs, ..
        }) => assert_eq!(retry_after_secs, RETRY_AFTER_SECS),
        other => panic!("expected OverCapacity, got {other:?}"),
    }
    assert_eq!(p.dummy_verify("x").await.unwrap_err().status(), 503);
    assert_eq!(p.rejected(), 2);
    for _ in 0..3 {
        release.send(()).unwrap();
    }
    for h in held {
        h.await.unwrap().unwrap();
    }
    // Drained: the pool admits again.
    p.dummy_verify("x").await.unwrap();
    assert_eq!(p.operations(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_caller_keeps_its_permit_until_the_work_ends() {
    let p = cheap(None);
    let (release, gate) = std::sync::mpsc::channel::<()>();
    let started = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let s = started.clone();
    let job = {
        let p = p.clone();
        tokio::spawn(async move {
            p.run(move |_, _| {
                s.store(true, Ordering::SeqCst);
                let _ = gate.recv();
            })
            .await
        })
    };
    while !started.load(Ordering::SeqCst) {
        tokio::task::yield_now().await;
    }
    // The caller goes away (a disconnected client); the computation goes on.
    job.abort();
    let _ = job.await;
    assert_eq!(
        p.inner.permits.available_permits(),
        1,
        "the running computation still holds its permit"
    );
    release.send(()).unwrap();
    while p.inner.permits.available_permits() < 2 {
        tokio::task::yield_now().await;
    }
    assert!(
        p.inner.buffers.lock().unwrap().len() <= 2,
        "one buffer per permit at most"
    );
}
