//! The PostgreSQL pass of this suite. Every `each` test runs on PostgreSQL too when the tests
//! were built with `STOREKEEP_TEST_POSTGRES_URL`; without it, this test is the one reported as
//! ignored ("PostgreSQL pass skipped: set STOREKEEP_TEST_POSTGRES_URL"), so a run without
//! PostgreSQL says so instead of counting the SQLite halves alone as the whole suite.

use axum::http::{Method, StatusCode};

use crate::harness::{postgres_url, Harness, Kind};

storekeep_testpg::postgres_test! {
    #[tokio::test]
    async fn postgres_pass_runs() {
        assert!(postgres_url().is_some(), "`each` runs the PostgreSQL pass");
        let h = Harness::new(Kind::Postgres).await;
        let (status, body) = h
            .call(Method::GET, &format!("/{}", h.project), Some(&h.admin_token), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["key"], h.project.as_str());
    }
}
