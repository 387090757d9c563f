//! HTTP integration tests: the whole router in-process (`tower::ServiceExt::oneshot`), over
//! in-memory SQLite always and PostgreSQL too when `STOREKEEP_TEST_POSTGRES_URL` is set. One
//! binary; one module per area; the shared harness is in `harness.rs`.

// Helpers outside `#[test]` functions panic on broken fixtures, which clippy's
// allow-*-in-tests settings do not cover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

mod api_clients;
mod authz;
mod introspect;
mod logs;
mod oauth;
