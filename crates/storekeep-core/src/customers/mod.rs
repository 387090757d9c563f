//! Customers: the resource, its drafts and update actions, and the service behind the
//! customer endpoints, global (`/{p}/customers…`, `/{p}/login`) and in-store
//! (`/{p}/in-store/key={s}/…`). Every operation takes `store: Option<&str>` and applies the
//! store rules itself (D1 visibility, D2 email uniqueness, D3 in-store create, D4), so the
//! front-ends (REST, GraphQL, the OAuth password flow) cannot get them wrong.
//!
//! Passwords are stored only as Argon2id hashes ([`crate::password`]); password-reset and
//! email-verification tokens only as SHA-256 hashes, in their own collection, never in the
//! customer document (whose body is returned verbatim). Nothing here logs a password or a
//! token. Customer groups and custom types do not exist in storekeep yet: references to them
//! are `ReferencedResourceNotFound`. Sign-in and sign-up hand anonymous carts to the customer
//! through [`crate::carts`] (merge, `anonymousId` assignment) and answer with the active cart.

mod actions;
mod addresses;
mod draft;
mod draft_stores;
mod fence;
mod me;
mod model;
mod rules;
mod service;
mod signin;
mod tokens;

#[cfg(test)]
mod tests;

pub use crate::address::{Address, AddressOf, ADDRESS_SCHEMA};
pub use actions::{
    apply, check_locale, check_my_actions, ActionContext, CustomerUpdate, CustomerUpdateAction,
};
pub use addresses::address_id;
pub use draft::{
    build_customer, check_address, check_draft, AddressDraft, AnonymousCartSignInMode,
    CustomerChangePassword, CustomerCreateEmailToken, CustomerCreatePasswordResetToken,
    CustomerDraft, CustomerEmailVerify, CustomerGroupAssignmentDraft, CustomerResetPassword,
    CustomerSignin, MyCustomerSignin, Secret,
};
pub use me::{MyCustomerChangePassword, MyCustomerDraft};
pub use model::{
    AuthenticationMode, Customer, CustomerGroupAssignment, CustomerSignInResult, CustomerToken,
    CUSTOMER_SCHEMA,
};
pub use rules::{
    customer_uniqueness, normalize_email, store_email_scope, visible_in_store,
    CUSTOMER_NUMBER_SCOPE, EMAIL_SCOPE_PREFIX, GLOBAL_EMAIL_SCOPE,
};
pub use service::{CustomerEvents, CustomerService, NoCustomerEvents};
pub use tokens::{TokenKind, DEFAULT_TOKEN_TTL_MINUTES, MAX_TOKEN_TTL_MINUTES};
