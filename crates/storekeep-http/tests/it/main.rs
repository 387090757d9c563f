//! HTTP integration tests: the whole router in-process (`tower::ServiceExt::oneshot`), over
//! in-memory SQLite always and PostgreSQL too when `STOREKEEP_TEST_POSTGRES_URL` is set. One
//! binary; one module per area; the shared harness is in `harness.rs`.

mod harness;

mod api_clients;
mod authz;
mod introspect;
mod logs;
mod oauth;
