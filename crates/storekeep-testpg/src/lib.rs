//! Whether the PostgreSQL pass of storekeep's test suites runs.
//!
//! The decision is made when the tests are built (`build.rs`): with
//! `STOREKEEP_TEST_POSTGRES_URL` set, [`ENABLED`] is true and [`postgres_test!`] stamps
//! ordinary tests; without it, every PostgreSQL test is compiled as
//! `#[ignore = "PostgreSQL pass skipped: set STOREKEEP_TEST_POSTGRES_URL"]`, so
//! `cargo test` lists it as ignored, with the reason, instead of reporting a pass that ran
//! nothing. With `STOREKEEP_REQUIRE_POSTGRES=1` (set by `.ci/run`) a build without the URL
//! fails, so CI cannot skip them.

/// The variable naming the PostgreSQL database of the tests.
pub const URL_ENV: &str = "STOREKEEP_TEST_POSTGRES_URL";

/// The variable that makes the PostgreSQL pass mandatory (`1`).
pub const REQUIRE_ENV: &str = "STOREKEEP_REQUIRE_POSTGRES";

/// The reason shown for an ignored PostgreSQL test (the literal in [`postgres_test!`]).
pub const SKIP_REASON: &str = "PostgreSQL pass skipped: set STOREKEEP_TEST_POSTGRES_URL";

/// Were the tests built with a PostgreSQL URL?
pub const ENABLED: bool = cfg!(storekeep_pg);

/// The PostgreSQL URL of the tests. Only PostgreSQL tests call it: they are ignored when the
/// tests were built without a URL, so running one anyway (`--include-ignored`), or running a
/// test binary built with the URL without it, fails here instead of passing untested.
pub fn url() -> String {
    match std::env::var(URL_ENV) {
        Ok(url) if !url.trim().is_empty() => url,
        _ if ENABLED => fail(&format!(
            "the tests were built with {URL_ENV} but it is not set when they run"
        )),
        _ => fail(&format!("{SKIP_REASON} (and rebuild the tests)")),
    }
}

/// The URL when the PostgreSQL pass runs (for harnesses that run both backends in one test).
pub fn configured() -> Option<String> {
    ENABLED.then(url)
}

#[allow(clippy::panic)]
fn fail(msg: &str) -> ! {
    panic!("{msg}")
}

/// A PostgreSQL test: the item as given when the tests were built with
/// `STOREKEEP_TEST_POSTGRES_URL`, else the same item marked ignored with [`SKIP_REASON`].
///
/// ```text
/// storekeep_testpg::postgres_test! {
///     #[tokio::test]
///     async fn postgres() { /* uses storekeep_testpg::url() */ }
/// }
/// ```
#[cfg(storekeep_pg)]
#[macro_export]
macro_rules! postgres_test {
    ($($item:tt)*) => {
        $($item)*
    };
}

/// A PostgreSQL test: the item as given when the tests were built with
/// `STOREKEEP_TEST_POSTGRES_URL`, else the same item marked ignored with [`SKIP_REASON`].
#[cfg(not(storekeep_pg))]
#[macro_export]
macro_rules! postgres_test {
    ($($item:tt)*) => {
        #[ignore = "PostgreSQL pass skipped: set STOREKEEP_TEST_POSTGRES_URL"]
        $($item)*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CI sets `STOREKEEP_REQUIRE_POSTGRES=1`: a test binary built without the URL (and so
    /// skipping every PostgreSQL test) must not pass there, even if it was built elsewhere.
    #[test]
    fn required_postgres_pass_is_enabled() {
        let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| v.trim() == "1");
        assert!(!required || ENABLED, "{REQUIRE_ENV}=1 but {SKIP_REASON}");
    }

    /// The reason in the macro is the documented one.
    #[test]
    fn skip_reason_matches_the_macro() {
        let src = include_str!("lib.rs");
        assert!(src.contains(&format!("#[ignore = \"{SKIP_REASON}\"]")));
    }
}
