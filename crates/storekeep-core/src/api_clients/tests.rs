use super::*;

fn d(scope: &str) -> ApiClientDraft {
    ApiClientDraft {
        name: "n".into(),
        scope: scope.into(),
        delete_days_after_creation: None,
        access_token_validity_seconds: None,
        refresh_token_validity_seconds: None,
    }
}

fn code(r: crate::ApiResult<Vec<crate::scopes::Scope>>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn valid_drafts_return_their_scopes() {
    let scopes = d("manage_project:p1 view_customers:p1:berlin")
        .validate("p1")
        .unwrap();
    assert_eq!(scopes.len(), 2);
    let mut full = d("view_stores:p1");
    full.access_token_validity_seconds = Some(*ACCESS_VALIDITY_RANGE.start());
    full.refresh_token_validity_seconds = Some(*REFRESH_VALIDITY_RANGE.end());
    full.delete_days_after_creation = Some(1);
    assert!(full.validate("p1").is_ok());
}

#[test]
fn scopes_are_checked() {
    assert_eq!(code(d("nope:p1").validate("p1")), "InvalidInput");
    assert_eq!(code(d("view_stores:p2").validate("p1")), "InvalidInput");
    assert_eq!(
        code(d("manage_customers:p1:b@d").validate("p1")),
        "InvalidInput"
    );
    assert_eq!(code(d("anonymous_id:x").validate("p1")), "InvalidInput");
    assert_eq!(code(d("").validate("p1")), "InvalidInput");
}

#[test]
fn validity_ranges_are_checked() {
    for (access, refresh) in [
        (Some(3599), None),
        (Some(604_801), None),
        (None, Some(29)),
        (None, Some(31_536_001)),
    ] {
        let mut draft = d("view_stores:p1");
        draft.access_token_validity_seconds = access;
        draft.refresh_token_validity_seconds = refresh;
        assert_eq!(code(draft.validate("p1")), "InvalidField");
    }
    let mut unnamed = d("view_stores:p1");
    unnamed.name = " ".into();
    assert_eq!(code(unnamed.validate("p1")), "InvalidField");
}

#[test]
fn the_create_response_hides_its_secret_from_debug() {
    let c = ApiClientWithSecret {
        client: ApiClient {
            id: "id1".into(),
            name: "n".into(),
            scope: "view_stores:p1".into(),
            created_at: "2024-01-01T00:00:00.000Z".into(),
            last_used_at: None,
            delete_at: None,
            access_token_validity_seconds: None,
            refresh_token_validity_seconds: None,
        },
        secret: "s3cr3t-value".into(),
    };
    assert!(!format!("{c:?}").contains("s3cr3t-value"));
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["secret"], "s3cr3t-value");
    assert_eq!(json["id"], "id1");
}
