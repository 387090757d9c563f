//! The `{target}` segment of the single-resource routes (`/stores/{target}`,
//! `/customers/{target}`, `/carts/{target}`, `/me/carts/{target}`, their in-store forms and
//! `/carts/{target}/merge`). axum matches a path segment as a whole, so one route serves every
//! form of it: `{id}`, `key={key}`, `customer-id={id}`, `password-token={value}`,
//! `email-token={value}`. [`Seg`] parses the segment before any body is read, so a segment
//! that names nothing is a JSON 404 and never another route's error (issue 14, item 5:
//! `POST /customers/search` was routed as "update the customer with id `search`" and answered
//! about its body):
//! - an `{id}` must look like an id storekeep makes (a UUID, [`could_be_id`]); any other word
//!   is answered as the API answers an unknown id, "The Resource with ID '…' was not found.",
//!   on every method (before, only `GET` did, and `POST`/`DELETE` read their body or query
//!   first);
//! - a form the route does not take (`POST /customers/password-token=…`,
//!   `DELETE /carts/customer-id=…`, a merge by `{id}`) is the 404 of an unknown path.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use storekeep_core::common::could_be_id;
use storekeep_core::storage::Lookup;
use storekeep_core::{ApiError, ApiResult};

use crate::error::HttpError;
use crate::extract::PathParams;

/// The 404 of a path that names no endpoint (also the router's fallback).
pub fn no_such_endpoint() -> ApiError {
    ApiError::ResourceNotFound("The requested resource was not found.".into())
}

/// What a `{target}` segment names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `{id}`: a resource id.
    Id(String),
    /// `key={key}`.
    Key(String),
    /// `customer-id={id}`: a customer's active cart, or the merge into it.
    CustomerId(String),
    /// `password-token={value}`.
    PasswordToken(String),
    /// `email-token={value}`.
    EmailToken(String),
}

impl Target {
    /// Parse a segment; a segment that is none of the forms names no resource (404).
    pub fn parse(segment: &str) -> ApiResult<Target> {
        type Form = fn(String) -> Target;
        let prefixed: [(&str, Form); 4] = [
            ("key=", Target::Key),
            ("customer-id=", Target::CustomerId),
            ("password-token=", Target::PasswordToken),
            ("email-token=", Target::EmailToken),
        ];
        for (prefix, form) in prefixed {
            if let Some(v) = segment.strip_prefix(prefix) {
                return Ok(form(v.to_string()));
            }
        }
        match could_be_id(segment) {
            true => Ok(Target::Id(segment.to_string())),
            false => Err(ApiError::not_found_id(segment)),
        }
    }

    /// The id or key as a storage look-up (404 for the other forms).
    pub fn lookup(&self) -> ApiResult<Lookup<'_>> {
        match self {
            Target::Id(id) => Ok(Lookup::Id(id)),
            Target::Key(key) => Ok(Lookup::Key(key)),
            _ => Err(no_such_endpoint()),
        }
    }
}

/// The forms of `{target}` a route takes.
pub trait Forms {
    /// Does the route take this form?
    fn accepts(t: &Target) -> bool;
}

/// `{id}` or `key={key}`: every single-resource route that reads, updates or deletes.
pub struct IdOrKey;

impl Forms for IdOrKey {
    fn accepts(t: &Target) -> bool {
        matches!(t, Target::Id(_) | Target::Key(_))
    }
}

/// `GET`/`HEAD /customers/{target}`: also `password-token=` and `email-token=`.
pub struct CustomerRead;

impl Forms for CustomerRead {
    fn accepts(t: &Target) -> bool {
        !matches!(t, Target::CustomerId(_))
    }
}

/// `GET`/`HEAD /carts/{target}`: also `customer-id=` (the customer's active cart).
pub struct CartRead;

impl Forms for CartRead {
    fn accepts(t: &Target) -> bool {
        matches!(t, Target::Id(_) | Target::Key(_) | Target::CustomerId(_))
    }
}

/// `POST /carts/{target}/merge`: `customer-id=` only.
pub struct CustomerIdOnly;

impl Forms for CustomerIdOnly {
    fn accepts(t: &Target) -> bool {
        matches!(t, Target::CustomerId(_))
    }
}

/// The checked `{target}` of a route taking the forms `F`.
pub struct Seg<F>(pub Target, pub PhantomData<F>);

impl<F> Seg<F> {
    /// The id or key as a storage look-up.
    pub fn lookup(&self) -> ApiResult<Lookup<'_>> {
        self.0.lookup()
    }
}

impl<F: Forms, S: Send + Sync> FromRequestParts<S> for Seg<F> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let p = PathParams::from_request_parts(parts, state).await?;
        let t = Target::parse(p.get("target")).map_err(HttpError)?;
        match F::accepts(&t) {
            true => Ok(Seg(t, PhantomData)),
            false => Err(HttpError(no_such_endpoint())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_parse_to_their_forms() {
        let id = "0b8f1c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e";
        let parse = |s: &str| Target::parse(s).ok();
        assert_eq!(parse(id), Some(Target::Id(id.into())));
        assert_eq!(parse("key=k-1"), Some(Target::Key("k-1".into())));
        assert_eq!(parse("customer-id=x"), Some(Target::CustomerId("x".into())));
        assert_eq!(
            parse("password-token=v"),
            Some(Target::PasswordToken("v".into()))
        );
        assert_eq!(parse("email-token=v"), Some(Target::EmailToken("v".into())));
        for nothing in [
            "search",
            "",
            "0b8f1c1e2d3a4b5c8d9e0f1a2b3c4d5e",
            "password",
            "keys",
        ] {
            let e = Target::parse(nothing).unwrap_err();
            assert_eq!(
                (e.code(), e.status()),
                ("ResourceNotFound", 404),
                "{nothing}"
            );
        }
        assert!(IdOrKey::accepts(&Target::Key("k".into())));
        assert!(!IdOrKey::accepts(&Target::EmailToken("v".into())));
        assert!(CustomerRead::accepts(&Target::EmailToken("v".into())));
        assert!(!CustomerRead::accepts(&Target::CustomerId("c".into())));
        assert!(CartRead::accepts(&Target::CustomerId("c".into())));
        assert!(!CustomerIdOnly::accepts(&Target::Id(id.into())));
        assert!(Target::CustomerId("c".into()).lookup().is_err());
    }
}
