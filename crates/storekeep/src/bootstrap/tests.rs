use std::sync::Arc;

use storekeep_core::Services;
use storekeep_sql::SqliteStore;

use super::*;

async fn services() -> Services {
    Services::new(Arc::new(SqliteStore::temporary().await.unwrap()))
}

fn with_client(secret: &str) -> Bootstrap {
    Bootstrap {
        project_key: Some("shop".into()),
        client_id: Some("shop-admin".into()),
        client_secret: Some(secret.into()),
        scopes: None,
    }
}

async fn count_clients(s: &Services, project: &str) -> u64 {
    let params = storekeep_core::query::QueryParams::default();
    s.api_clients
        .query(project, &params)
        .await
        .unwrap()
        .total
        .unwrap()
}

#[tokio::test]
async fn credentials_from_the_environment_are_idempotent() {
    let s = services().await;
    run(&s, &with_client("first-secret")).await.unwrap();
    let c = s.api_clients.get("shop", "shop-admin").await.unwrap();
    assert_eq!(c.scope, "manage_project:shop");
    assert!(s
        .oauth
        .authenticate_client("shop-admin", "first-secret")
        .await
        .is_ok());

    run(&s, &with_client("first-secret")).await.unwrap();
    assert_eq!(count_clients(&s, "shop").await, 1);
    assert_eq!(s.api_clients.get("shop", "shop-admin").await.unwrap(), c);

    run(&s, &with_client("second-secret")).await.unwrap();
    assert_eq!(count_clients(&s, "shop").await, 1);
    assert!(s
        .oauth
        .authenticate_client("shop-admin", "second-secret")
        .await
        .is_ok());
    assert!(s
        .oauth
        .authenticate_client("shop-admin", "first-secret")
        .await
        .is_err());
}

#[tokio::test]
async fn ctp_scopes_replace_the_default_scope() {
    let s = services().await;
    let b = Bootstrap {
        scopes: Some("view_stores:shop manage_api_clients:shop".into()),
        ..with_client("x-secret")
    };
    run(&s, &b).await.unwrap();
    let c = s.api_clients.get("shop", "shop-admin").await.unwrap();
    assert_eq!(c.scope, "view_stores:shop manage_api_clients:shop");
    let bad = Bootstrap {
        project_key: Some("other".into()),
        client_id: Some("other-admin".into()),
        scopes: Some("view_stores:shop".into()),
        ..with_client("x-secret")
    };
    assert!(run(&s, &bad).await.is_err(), "a scope of another project");
}

#[tokio::test]
async fn incomplete_credentials_are_refused() {
    let s = services().await;
    let no_secret = Bootstrap {
        client_secret: None,
        ..with_client("x")
    };
    assert!(run(&s, &no_secret).await.is_err());
    let no_project = Bootstrap {
        project_key: None,
        ..with_client("x")
    };
    assert!(run(&s, &no_project).await.is_err());
    let taken = Bootstrap {
        project_key: Some("elsewhere".into()),
        ..with_client("x")
    };
    run(&s, &with_client("x")).await.unwrap();
    assert!(
        run(&s, &taken).await.is_err(),
        "a client id of another project"
    );
}

#[tokio::test]
async fn the_first_start_creates_one_admin_client() {
    let s = services().await;
    let none = Bootstrap {
        project_key: None,
        client_id: None,
        client_secret: None,
        scopes: None,
    };
    run(&s, &none).await.unwrap();
    s.projects.get(DEFAULT_PROJECT).await.unwrap();
    assert_eq!(count_clients(&s, DEFAULT_PROJECT).await, 1);
    run(&s, &none).await.unwrap();
    assert_eq!(
        count_clients(&s, DEFAULT_PROJECT).await,
        1,
        "only on the first start"
    );
}

/// Several instances starting at once on one empty database (found by `storekeep-chaos
/// crash` with three instances on PostgreSQL: all but one failed with a duplicate id).
#[tokio::test]
async fn instances_bootstrapping_at_once_all_start() {
    let s = services().await;
    let b = with_client("same-secret");
    let (r1, r2, r3) = tokio::join!(run(&s, &b), run(&s, &b), run(&s, &b));
    r1.unwrap();
    r2.unwrap();
    r3.unwrap();
    assert_eq!(count_clients(&s, "shop").await, 1);
    assert!(s
        .oauth
        .authenticate_client("shop-admin", "same-secret")
        .await
        .is_ok());
}
