//! Fuzzes the update bodies: arbitrary bytes as `StoreUpdate`, `CustomerUpdate` and
//! `CartUpdate`, every action applied to a copy of a fixed resource (see
//! `storekeep_core_fuzz::updates`).
//!
//! Run with `cargo fuzz run updates` from `crates/storekeep-core/` (on a stable toolchain:
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run updates`; `scripts/fuzz-short.sh` runs a bounded pass).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| storekeep_core_fuzz::updates(data));
