//! The `storekeep` binary as a process: it starts, and refuses a database URL without a
//! scheme with a hint. Having an integration test also makes `cargo test --workspace` build
//! `target/<profile>/storekeep`, which `storekeep-chaos`'s crash test starts and kills.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn storekeep() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_storekeep"));
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if k.starts_with("STOREKEEP_") || k.starts_with("CTP_") {
            c.env_remove(k);
        }
    }
    c
}

#[test]
fn prints_its_version() {
    let out = storekeep().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("storekeep "));
}

#[test]
fn a_database_url_without_scheme_is_refused_with_a_hint() {
    let out = storekeep()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "storekeep.db",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("must start with 'sqlite:'"), "{err}");
}
