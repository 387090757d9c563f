//! HTTP integration tests: the whole router in-process (`tower::ServiceExt::oneshot`), over
//! in-memory SQLite always and PostgreSQL too when the tests were built with
//! `STOREKEEP_TEST_POSTGRES_URL` set (else `postgres_pass` is reported as ignored). One
//! binary; one module per area; the shared harness is in `harness.rs`.

// Helpers outside `#[test]` functions panic on broken fixtures, which clippy's
// allow-*-in-tests settings do not cover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod fixtures;
mod harness;
mod log_capture;

mod admin;
mod api_clients;
mod authz;
mod carts;
mod carts_in_store;
mod carts_merge;
mod customers;
mod customers_email;
mod customers_in_store;
mod customers_login;
mod customers_store_fence;
mod customers_tokens;
mod graphql;
mod hostile_input;
mod hostile_limits;
mod introspect;
mod leak_matrix;
mod logs;
mod my_carts;
mod oauth;
mod password_hash;
mod postgres_pass;
mod reliability_uniqueness;
mod reliability_versions;
mod resource_limits;
mod secrets_at_rest;
mod sessions;
mod stores;
mod stores_actions;
mod unknown_subpaths;
mod wire_json;
