use super::*;

fn s(text: &str) -> Scope {
    Scope::parse(text).unwrap()
}

fn list(text: &str) -> Vec<Scope> {
    Scope::parse_list(text).unwrap()
}

#[test]
fn every_form_parses_and_prints_back() {
    for text in [
        "manage_project:p1",
        "view_project:p1",
        "view_project_settings:p1",
        "manage_project_settings:p1",
        "view_stores:p1",
        "manage_stores:p1",
        "view_customers:p1",
        "manage_customers:p1",
        "view_customers:p1:berlin",
        "manage_customers:p1:berlin",
        "manage_my_profile:p1",
        "manage_my_profile:p1:berlin",
        "manage_my_orders:p1",
        "manage_my_orders:p1:berlin",
        "view_orders:p1:berlin",
        "manage_api_clients:p1",
        "view_api_clients:p1",
        "create_anonymous_token:p1",
        "introspect_oauth_tokens:p1",
        "manage_products:p1",
        "view_published_products:p1",
        "manage_customer_groups:p1",
        "manage_types:p1",
        "manage_shopping_lists:p1:berlin",
        "manage_payments:p1",
        "manage_key_value_documents:p1",
        "customer_id:0b5f-42",
        "anonymous_id:anon:with:colons",
        "external_user_id:user@example.com",
    ] {
        assert_eq!(s(text).to_string(), text);
    }
}

#[test]
fn parts_are_typed() {
    assert_eq!(
        s("manage_customers:p1:berlin"),
        Scope::Project {
            name: ScopeName::parse("manage_customers").unwrap(),
            project: "p1".into(),
            store: Some("berlin".into()),
        }
    );
    assert_eq!(s("customer_id:c1"), Scope::CustomerId("c1".into()));
    assert_eq!(s("anonymous_id:a1"), Scope::AnonymousId("a1".into()));
    assert_eq!(s("manage_stores:p1").project(), Some("p1"));
    assert_eq!(s("customer_id:c1").project(), None);
}

#[test]
fn malformed_and_unknown_scopes_are_refused() {
    for (text, unknown) in [
        ("frobnicate:p1", true),
        ("frobnicate", true),
        ("", true),
        ("manage_stores", false),
        ("manage_stores:", false),
        ("manage_stores:p", false),
        ("manage_stores:p1:berlin", false),
        ("manage_customers:p1:", false),
        ("manage_customers:p1:bad$key", false),
        ("manage_customers:p1:berlin:extra", false),
        ("manage_project:p1:berlin", false),
        ("customer_id:", false),
    ] {
        let err = Scope::parse(text).unwrap_err();
        assert_eq!(
            matches!(err, ScopeError::Unknown(_)),
            unknown,
            "{text}: {err}"
        );
    }
}

#[test]
fn lists_split_on_whitespace_and_drop_duplicates() {
    let l = list(" view_stores:p1  manage_stores:p1\tview_stores:p1 ");
    assert_eq!(scope_string(&l), "view_stores:p1 manage_stores:p1");
    assert!(list("").is_empty());
    assert!(Scope::parse_list("view_stores:p1 nope:p1").is_err());
}

#[test]
fn manage_implies_view_and_manage_project_implies_everything() {
    assert!(s("manage_stores:p1").implies(&s("view_stores:p1")));
    assert!(!s("view_stores:p1").implies(&s("manage_stores:p1")));
    assert!(!s("manage_stores:p1").implies(&s("view_customers:p1")));
    for want in [
        "manage_api_clients:p1",
        "view_customers:p1:berlin",
        "introspect_oauth_tokens:p1",
        "create_anonymous_token:p1",
        "manage_my_profile:p1:berlin",
    ] {
        assert!(s("manage_project:p1").implies(&s(want)), "{want}");
    }
    assert!(!s("manage_project:p1").implies(&s("view_stores:p2")));
    assert!(!s("manage_project:p1").implies(&s("customer_id:c1")));
}

#[test]
fn view_project_implies_only_views() {
    assert!(s("view_project:p1").implies(&s("view_stores:p1")));
    assert!(s("view_project:p1").implies(&s("view_customers:p1:berlin")));
    assert!(!s("view_project:p1").implies(&s("manage_stores:p1")));
    assert!(!s("view_project:p1").implies(&s("introspect_oauth_tokens:p1")));
}

#[test]
fn store_scopes_imply_only_their_store() {
    assert!(s("manage_customers:p1").implies(&s("manage_customers:p1:berlin")));
    assert!(s("manage_customers:p1").implies(&s("view_customers:p1:berlin")));
    assert!(s("manage_customers:p1:berlin").implies(&s("view_customers:p1:berlin")));
    assert!(!s("manage_customers:p1:berlin").implies(&s("manage_customers:p1:paris")));
    assert!(!s("manage_customers:p1:berlin").implies(&s("manage_customers:p1")));
    assert!(!s("view_customers:p1:berlin").implies(&s("manage_customers:p1:berlin")));
}

#[test]
fn grants_project_wide_routes() {
    let view = list("view_stores:p1");
    assert!(grants(&view, "p1", Perm::ViewStores, None));
    assert!(!grants(&view, "p1", Perm::ManageStores, None));
    assert!(!grants(&view, "p2", Perm::ViewStores, None));
    let admin = list("manage_project:p1");
    for perm in Perm::ALL {
        assert!(grants(&admin, "p1", perm, None), "{perm:?}");
        assert!(grants(&admin, "p1", perm, Some("berlin")), "{perm:?}");
        assert!(!grants(&admin, "p2", perm, None), "{perm:?}");
    }
    let settings = list("manage_project_settings:p1");
    assert!(grants(&settings, "p1", Perm::ViewProjectSettings, None));
    assert!(!grants(&settings, "p1", Perm::ViewStores, None));
}

#[test]
fn store_scoped_scopes_grant_only_their_stores_routes() {
    let berlin = list("manage_customers:p1:berlin");
    assert!(grants(&berlin, "p1", Perm::ManageCustomers, Some("berlin")));
    assert!(grants(&berlin, "p1", Perm::ViewCustomers, Some("berlin")));
    assert!(!grants(&berlin, "p1", Perm::ManageCustomers, Some("paris")));
    assert!(
        !grants(&berlin, "p1", Perm::ManageCustomers, None),
        "never project-wide"
    );
    assert!(!grants(&berlin, "p1", Perm::ViewStores, Some("berlin")));
    assert!(!grants(
        &berlin,
        "p2",
        Perm::ManageCustomers,
        Some("berlin")
    ));
    let global = list("view_customers:p1");
    assert!(
        grants(&global, "p1", Perm::ViewCustomers, Some("berlin")),
        "every store"
    );
    assert!(grants(&global, "p1", Perm::ViewCustomers, Some("paris")));
    assert!(!grants(
        &global,
        "p1",
        Perm::ManageCustomers,
        Some("berlin")
    ));
    let profile = list("manage_my_profile:p1:berlin customer_id:c1");
    assert!(grants(
        &profile,
        "p1",
        Perm::ManageMyProfile,
        Some("berlin")
    ));
    assert!(!grants(&profile, "p1", Perm::ManageMyProfile, None));
    let stores = list("manage_stores:p1");
    assert!(
        grants(&stores, "p1", Perm::ViewStores, Some("berlin")),
        "stores have no store-scoped form: the project-wide scope counts"
    );
}

#[test]
fn identity_scopes_grant_nothing() {
    let ids = list("customer_id:c1 anonymous_id:a1 external_user_id:u1");
    for perm in Perm::ALL {
        assert!(!grants(&ids, "p1", perm, None), "{perm:?}");
    }
}

#[test]
fn every_permission_has_a_known_scope() {
    for perm in Perm::ALL {
        let name = perm.scope_name();
        assert_ne!(name, ScopeName::MANAGE_PROJECT, "{perm:?}");
        assert!(grants(&[perm.needed_scope("p1", None)], "p1", perm, None));
    }
}

#[test]
fn the_403_lists_the_acceptable_scopes() {
    let e = insufficient_scope("p1", Perm::ViewStores, None);
    assert_eq!(e.status(), 403);
    assert_eq!(
        e.to_string(),
        "Insufficient scope. One of the following scopes is missing: view_stores:p1, manage_stores:p1"
    );
    let e = insufficient_scope("p1", Perm::ManageCustomers, Some("berlin"));
    assert_eq!(
        e.to_string(),
        "Insufficient scope. One of the following scopes is missing: manage_customers:p1, manage_customers:p1:berlin"
    );
    let e = insufficient_scope("p1", Perm::ViewCustomers, Some("berlin"));
    assert!(e.to_string().ends_with(
        "view_customers:p1, manage_customers:p1, view_customers:p1:berlin, manage_customers:p1:berlin"
    ));
}
