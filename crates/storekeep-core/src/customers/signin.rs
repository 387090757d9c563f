//! Sign-in and change-password. Every failed sign-in does the same work as a wrong password:
//! one Argon2 computation (the real one or `dummy_verify`) and the same storage reads, so the
//! answer time does not tell whether an email exists, in which store, or with which mode.

use crate::carts::AnonymousCarts;
use crate::common::ClientLogging;
use crate::error::{ApiError, ApiResult};
use crate::storage::{Collection, Lookup};

use super::draft::{CustomerChangePassword, CustomerSignin, MyCustomerSignin};
use super::model::{AuthenticationMode, Customer, CustomerSignInResult};
use super::rules::{normalize_email, store_email_scope, GLOBAL_EMAIL_SCOPE};
use super::service::CustomerService;
use crate::resource::{check_version, storage_error};

/// An id no customer has: the look-up made when no claim matched, for timing parity.
pub(super) const NO_CUSTOMER: &str = "00000000-0000-0000-0000-000000000000";

impl CustomerService {
    /// The id of the customer holding an email claim in `scope`, if any.
    async fn claim_owner(
        &self,
        project: &str,
        scope: &str,
        email: &str,
    ) -> ApiResult<Option<String>> {
        self.repo
            .storage()
            .find_claim_owner(Collection::Customers, project, scope, email)
            .await
            .map_err(|e| storage_error(e, ""))
    }

    /// The customer an endpoint finds by email (case-insensitively): the project endpoints
    /// find only global customers; a store's endpoints find the store's customer with that
    /// email, else the global one (D1). Always does the same reads whether found or not.
    pub async fn find_by_email(
        &self,
        project: &str,
        store: Option<&str>,
        email: &str,
    ) -> ApiResult<Option<Customer>> {
        let email = normalize_email(email);
        // Both look-ups always run in-store, so a store customer and a global one cost the
        // same; D2 guarantees that at most one of them exists.
        let in_store = match store {
            Some(s) => {
                self.claim_owner(project, &store_email_scope(s), &email)
                    .await?
            }
            None => None,
        };
        let global = self
            .claim_owner(project, GLOBAL_EMAIL_SCOPE, &email)
            .await?;
        let owner = in_store.or(global);
        let id = owner.as_deref().unwrap_or(NO_CUSTOMER);
        let found: Option<Customer> = self.repo.find(project, Lookup::Id(id)).await?;
        Ok(found.filter(|c| match store {
            None => c.is_global(),
            Some(s) => c.visible_in(Some(s)),
        }))
    }

    /// Check an email and password (the `/login` endpoints and the OAuth password flow):
    /// the customer, or `InvalidCredentials`, or 429 `TooManyRequests` when the sign-in
    /// throttle refuses the attempt before the password is checked (D12).
    pub async fn authenticate(
        &self,
        project: &str,
        store: Option<&str>,
        email: &str,
        password: &str,
    ) -> ApiResult<Customer> {
        self.throttle.admit(project, email).await?;
        let customer = self.check_password(project, store, email, password).await?;
        self.throttle.succeeded(project, email).await;
        Ok(customer)
    }

    /// The password check of [`Self::authenticate`]. A hash made with other parameters than
    /// the configured ones is replaced on success.
    async fn check_password(
        &self,
        project: &str,
        store: Option<&str>,
        email: &str,
        password: &str,
    ) -> ApiResult<Customer> {
        let found = self.find_by_email(project, store, email).await?;
        let with_hash = found.and_then(|c| match (&c.password, c.authentication_mode) {
            (Some(h), AuthenticationMode::Password) => Some((h.clone(), c)),
            _ => None,
        });
        let Some((hash, customer)) = with_hash else {
            self.passwords.dummy_verify(password).await?;
            return Err(ApiError::InvalidCredentials);
        };
        if !self.passwords.verify(password, &hash).await? {
            return Err(ApiError::InvalidCredentials);
        }
        if !self.passwords.needs_rehash(&hash) {
            return Ok(customer);
        }
        let mut next = customer.clone();
        next.password = Some(self.passwords.hash(password).await?);
        match self
            .repo
            .save(project, &customer, next, &ClientLogging::default(), None)
            .await
        {
            Ok(saved) => Ok(saved),
            Err(e) => {
                // The sign-in is valid; the next one will try the rehash again.
                tracing::warn!(error = %e, customer = %customer.meta.id, "could not store a rehashed password");
                Ok(customer)
            }
        }
    }

    /// `POST /login` and `POST /in-store/key={s}/login` (and the password flow): the
    /// anonymous cart is merged or adopted per `anonymousCartSignInMode`, the carts of
    /// `anonymousId` are handed over, and the answer carries the customer's active cart (in
    /// store `s` for the in-store endpoint), also when no anonymous cart was given. In store
    /// `s` the anonymous cart must be a cart of `s`, as on the Merge Cart endpoint (a cart of
    /// no store or another store is 404, issue 21 item 9); sign-up differs: the docs let an
    /// in-store sign-up take a cart without a store.
    pub async fn sign_in(
        &self,
        project: &str,
        store: Option<&str>,
        s: CustomerSignin,
    ) -> ApiResult<CustomerSignInResult> {
        let customer = self
            .authenticate(project, store, &s.email, s.password.expose())
            .await?;
        let anonymous = AnonymousCarts {
            cart: AnonymousCarts::cart_identifier(s.anonymous_cart, s.anonymous_cart_id)?,
            anonymous_id: s.anonymous_id,
            mode: s.anonymous_cart_sign_in_mode.unwrap_or_default(),
        };
        if let (Some(_), Some(r)) = (store, &anonymous.cart) {
            self.carts.visible_anonymous_cart(project, store, r).await?;
        }
        self.sign_in_carts(project, store, customer, &anonymous)
            .await
    }

    /// `POST /me/login` and `POST /in-store/key={s}/me/login`: `anonymous_id` is the token's
    /// anonymous session (if any); its active cart is the anonymous cart, handled per
    /// `activeCartSignInMode`, and its other carts are handed over.
    pub async fn sign_in_me(
        &self,
        project: &str,
        store: Option<&str>,
        s: MyCustomerSignin,
        anonymous_id: Option<&str>,
    ) -> ApiResult<CustomerSignInResult> {
        let customer = self
            .authenticate(project, store, &s.email, s.password.expose())
            .await?;
        let cart = match anonymous_id {
            Some(aid) => self.carts.session_cart(project, store, aid).await?,
            None => None,
        };
        let anonymous = AnonymousCarts {
            cart: cart.map(|c| crate::common::ResourceIdentifier {
                type_id: Some("cart".into()),
                id: Some(c.meta.id),
                key: None,
            }),
            anonymous_id: anonymous_id.map(str::to_string),
            mode: s.active_cart_sign_in_mode.unwrap_or_default(),
        };
        self.sign_in_carts(project, store, customer, &anonymous)
            .await
    }

    /// The cart part of a sign-in for an authenticated customer.
    async fn sign_in_carts(
        &self,
        project: &str,
        store: Option<&str>,
        customer: Customer,
        anonymous: &AnonymousCarts,
    ) -> ApiResult<CustomerSignInResult> {
        let cart = self
            .carts
            .sign_in_carts(
                project,
                store,
                &customer,
                &ClientLogging::default(),
                anonymous,
            )
            .await?;
        Ok(CustomerSignInResult { customer, cart })
    }

    /// `POST /customers/password` (global or in-store): the current password must match.
    pub async fn change_password(
        &self,
        project: &str,
        store: Option<&str>,
        by: &ClientLogging,
        b: CustomerChangePassword,
    ) -> ApiResult<Customer> {
        let current = self.get(project, store, Lookup::Id(&b.id)).await?;
        check_version(&current, b.version)?;
        self.passwords.check_policy(b.new_password.expose())?;
        let matches = match (&current.password, current.authentication_mode) {
            (Some(h), AuthenticationMode::Password) => {
                self.passwords
                    .verify(b.current_password.expose(), h)
                    .await?
            }
            _ => {
                self.passwords
                    .dummy_verify(b.current_password.expose())
                    .await?;
                false
            }
        };
        if !matches {
            return Err(ApiError::InvalidCurrentPassword);
        }
        let mut next = current.clone();
        next.password = Some(self.passwords.hash(b.new_password.expose()).await?);
        let saved = self.save(project, by, &current, next).await?;
        self.events
            .password_changed(project, &saved.meta.id, false)
            .await?;
        Ok(saved)
    }
}
