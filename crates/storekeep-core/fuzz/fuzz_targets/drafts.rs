//! Fuzzes the create bodies: arbitrary bytes as `StoreDraft`, `CustomerDraft` and `CartDraft`,
//! through the draft checks and builders (see `storekeep_core_fuzz::drafts`).
//!
//! Run with `cargo fuzz run drafts` from `crates/storekeep-core/` (on a stable toolchain:
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run drafts`; `scripts/fuzz-short.sh` runs a bounded pass).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| storekeep_core_fuzz::drafts(data));
