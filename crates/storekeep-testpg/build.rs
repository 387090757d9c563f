//! Decides at build time whether the PostgreSQL tests run: `cfg(storekeep_pg)` when
//! `STOREKEEP_TEST_POSTGRES_URL` is set and not empty. With `STOREKEEP_REQUIRE_POSTGRES=1`
//! (CI) a missing URL fails the build. Cargo re-runs this script when either variable
//! changes, which rebuilds this crate and the test binaries that use it (only test targets
//! depend on it, never a library).

use std::process::ExitCode;

const URL: &str = "STOREKEEP_TEST_POSTGRES_URL";
const REQUIRE: &str = "STOREKEEP_REQUIRE_POSTGRES";

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed={URL}");
    println!("cargo::rerun-if-env-changed={REQUIRE}");
    println!("cargo::rustc-check-cfg=cfg(storekeep_pg)");
    let configured = std::env::var(URL).is_ok_and(|u| !u.trim().is_empty());
    let required = std::env::var(REQUIRE).is_ok_and(|v| v.trim() == "1");
    if configured {
        println!("cargo::rustc-cfg=storekeep_pg");
    } else if required {
        eprintln!("{REQUIRE}=1 but {URL} is not set: the PostgreSQL tests would be skipped");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
