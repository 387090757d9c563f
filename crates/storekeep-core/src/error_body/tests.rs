use serde_json::json;

use super::*;

/// Where each variant sits in [`examples`]. Exhaustive: a new error variant does not compile
/// until it is placed here, and the test below then wants its example (and so its snapshot).
fn position(e: &ApiError) -> usize {
    use ApiError as E;
    match e {
        E::InvalidJsonInput { .. } => 0,
        E::InvalidInput(_) => 1,
        E::InvalidOperation(_) => 2,
        E::InvalidField { .. } => 3,
        E::RequiredField { .. } => 4,
        E::DuplicateField { .. } => 5,
        E::ReferencedResourceNotFound { .. } => 6,
        E::ReferenceExists { .. } => 7,
        E::ResourceNotFound(_) => 8,
        E::ConcurrentModification { .. } => 9,
        E::InvalidCredentials => 10,
        E::InvalidCurrentPassword => 11,
        E::ExpiredCustomerPasswordToken => 12,
        E::ExpiredCustomerEmailToken => 13,
        E::ProjectNotConfiguredForLanguages { .. } => 14,
        E::LanguageUsedInStores(_) => 15,
        E::CountryNotConfiguredInStore { .. } => 16,
        E::MaxResourceLimitExceeded { .. } => 17,
        E::InvalidToken(_) => 18,
        E::InsufficientScope(_) => 19,
        E::InvalidClient(_) => 20,
        E::InvalidScope(_) => 21,
        E::InvalidRequest(_) => 22,
        E::UnsupportedGrantType(_) => 23,
        E::InvalidGrant(_) => 24,
        E::InvalidCustomerAccountCredentials(_) => 25,
        E::AnonymousIdAlreadyInUse(_) => 26,
        E::TooManyRequests { .. } => 27,
        E::MethodNotAllowed(_) => 28,
        E::PayloadTooLarge(_) => 29,
        E::General(_) => 30,
        E::ServiceUnavailable(_) => 31,
        E::OverCapacity { .. } => 32,
        E::ResourceSizeLimitExceeded(_) => 33,
        E::QueryTimedOut(_) => 34,
    }
}

#[test]
fn every_variant_has_one_example() {
    let all = examples();
    for (i, e) in all.iter().enumerate() {
        assert_eq!(position(e), i, "example {i} is {}", e.code());
    }
    assert_eq!(all.len(), 35);
}

#[test]
fn the_wire_code_is_the_errors_code() {
    for e in examples() {
        let detail = serde_json::to_value(e.detail()).unwrap();
        assert_eq!(detail["code"], e.code());
        assert_eq!(ErrorBody::rest(&e).status_code, e.status());
    }
}

/// One snapshot per code: the REST body, the OAuth body and the GraphQL error.
#[test]
fn each_code_has_its_wire_shape() {
    for e in examples() {
        let all = json!({
            "status": e.status(),
            "rest": ErrorBody::rest(&e),
            "oauth": ErrorBody::oauth(&e),
            "graphql": e.graphql_error(),
        });
        insta::assert_json_snapshot!(e.code(), all);
    }
}

#[test]
fn bodies_read_back() {
    for e in examples() {
        for body in [ErrorBody::rest(&e), ErrorBody::oauth(&e)] {
            let text = serde_json::to_string(&body).unwrap();
            let back: ErrorBody = serde_json::from_str(&text).unwrap();
            assert_eq!(back, body, "{text}");
        }
        let g = GraphQlErrorBody::of(&e);
        let back: GraphQlErrorBody =
            serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
        assert_eq!(back, g);
    }
}
