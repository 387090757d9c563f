//! Password-reset and email-verification tokens. A token value is 256 random bits
//! (base64url) handed out once; storage keeps only its SHA-256 as the document id, in the
//! `CustomerTokens` collection. Tokens are single use (consumed by deleting them at their
//! version, so two concurrent uses cannot both succeed), expire after `ttlMinutes` (D8), and
//! a successful reset or confirmation deletes the customer's other tokens of that kind.

use serde::{Deserialize, Serialize};

use crate::clock::timestamp_of;
use crate::common::ClientLogging;
use crate::error::{ApiError, ApiResult};
use crate::oauth::{random_token, sha256_hex};
use crate::query::{Field, FieldType, Query, Schema};
use crate::resource::{check_version, from_doc, storage_error, Meta, Resource};
use crate::storage::{Collection, Lookup, StorageError};

use super::draft::{
    CustomerCreateEmailToken, CustomerCreatePasswordResetToken, CustomerEmailVerify,
    CustomerResetPassword,
};
use super::model::{AuthenticationMode, Customer, CustomerToken};
use super::rules::{expired_tokens_of, normalize_email, tokens_of};
use super::service::CustomerService;

/// Default lifetime of both token kinds, in minutes (D8).
pub const DEFAULT_TOKEN_TTL_MINUTES: i64 = 1440;
/// Longest lifetime of both token kinds, in minutes (D8).
pub const MAX_TOKEN_TTL_MINUTES: i64 = 10_080;
/// Tokens deleted per storage page when invalidating.
const PAGE: u32 = 100;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Password,
    Email,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Password => "password",
            TokenKind::Email => "email",
        }
    }

    fn expired(self) -> ApiError {
        match self {
            TokenKind::Password => ApiError::ExpiredCustomerPasswordToken,
            TokenKind::Email => ApiError::ExpiredCustomerEmailToken,
        }
    }
}

/// A stored token: the document id is the SHA-256 of the value; `tokenId` is the id shown
/// to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenRecord {
    #[serde(flatten)]
    meta: Meta,
    token_id: String,
    kind: TokenKind,
    customer_id: String,
    /// Epoch milliseconds.
    expires_at: i64,
    invalidate_older_tokens: bool,
}

const TOKEN_SCHEMA: Schema = Schema(&[
    Field::body("customerId", FieldType::String),
    Field::body("kind", FieldType::String),
    Field::body("expiresAt", FieldType::Number),
]);

impl Resource for TokenRecord {
    const COLLECTION: Collection = Collection::CustomerTokens;
    const TYPE_ID: &'static str = "customer-token";

    fn schema() -> Schema {
        TOKEN_SCHEMA
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn key(&self) -> Option<&str> {
        None
    }
}

/// 404 for an unknown, used or foreign token. The value is never echoed.
fn token_not_found() -> ApiError {
    ApiError::ResourceNotFound(
        "The token was not found, was already used or was invalidated.".into(),
    )
}

/// The owner of the tokens an unknown email's password-token requests store (D7): an id
/// shaped like a customer id, which no customer has (customer ids are random version-4
/// UUIDs; this one starts with eight zeros and comes from a hash of store and email).
fn no_customer_id(store: Option<&str>, email: &str) -> String {
    let h = sha256_hex(&format!(
        "{}\n{}",
        store.unwrap_or(""),
        normalize_email(email)
    ));
    format!(
        "00000000-{}-{}-{}-{}",
        &h[0..4],
        &h[4..8],
        &h[8..12],
        &h[12..24]
    )
}

/// Check a token lifetime (D8).
pub fn check_ttl(ttl_minutes: i64) -> ApiResult<()> {
    if (1..=MAX_TOKEN_TTL_MINUTES).contains(&ttl_minutes) {
        Ok(())
    } else {
        Err(ApiError::InvalidInput(format!(
            "ttlMinutes must be between 1 and {MAX_TOKEN_TTL_MINUTES}, got {ttl_minutes}."
        )))
    }
}

fn check_optional_version(c: &Customer, version: Option<i64>) -> ApiResult<()> {
    match version {
        Some(v) => check_version(c, v),
        None => Ok(()),
    }
}

impl CustomerService {
    /// Delete the customer's tokens (of one kind, or all); `only_expired` keeps live ones.
    pub(super) async fn delete_tokens_where(
        &self,
        project: &str,
        customer_id: &str,
        kind: TokenKind,
        only_expired: bool,
    ) -> ApiResult<()> {
        let now = self.clock.now_ms();
        let storage = self.repo.storage();
        let mut offset = 0;
        loop {
            let filter = if only_expired {
                expired_tokens_of(customer_id, kind.as_str(), now)
            } else {
                tokens_of(customer_id, kind.as_str())
            };
            let q = Query {
                filter: Some(filter),
                offset,
                ..Query::all(PAGE)
            };
            let page = storage
                .query(Collection::CustomerTokens, project, &q)
                .await
                .map_err(|e| storage_error(e, ""))?;
            let n = page.docs.len();
            let mut kept = 0;
            for doc in page.docs {
                let t: TokenRecord = from_doc(&doc)?;
                if only_expired && t.expires_at > now {
                    kept += 1;
                    continue;
                }
                match storage
                    .delete(Collection::CustomerTokens, project, &doc.id, doc.version)
                    .await
                {
                    Ok(()) | Err(StorageError::NotFound | StorageError::VersionConflict { .. }) => {
                    }
                    Err(e) => return Err(storage_error(e, "")),
                }
            }
            if n < PAGE as usize {
                return Ok(());
            }
            offset += kept;
        }
    }

    /// Delete the customer's tokens of one kind or (`None`) of every kind.
    pub(super) async fn delete_tokens(
        &self,
        project: &str,
        customer_id: &str,
        kind: Option<TokenKind>,
    ) -> ApiResult<()> {
        for k in [TokenKind::Password, TokenKind::Email] {
            if kind.is_none_or(|want| want == k) {
                self.delete_tokens_where(project, customer_id, k, false)
                    .await?;
            }
        }
        Ok(())
    }

    /// Make and store a token for `customer` (whose expired tokens of the kind are purged;
    /// with `invalidate_older` all its older ones).
    async fn issue_token(
        &self,
        project: &str,
        customer_id: &str,
        kind: TokenKind,
        ttl_minutes: i64,
        invalidate_older: bool,
    ) -> ApiResult<CustomerToken> {
        let value = random_token();
        let now = self.clock.now_ms();
        let created = timestamp_of(now);
        let expires_at = now + ttl_minutes * 60_000;
        let record = TokenRecord {
            meta: Meta {
                id: sha256_hex(&value),
                version: 1,
                created_at: created.clone(),
                last_modified_at: created.clone(),
                created_by: None,
                last_modified_by: None,
            },
            token_id: crate::common::new_id(),
            kind,
            customer_id: customer_id.to_string(),
            expires_at,
            invalidate_older_tokens: invalidate_older,
        };
        self.delete_tokens_where(project, customer_id, kind, !invalidate_older)
            .await?;
        self.repo
            .create(project, &record, &Default::default())
            .await
            .map_err(|e| storage_error(e, ""))?;
        Ok(CustomerToken {
            id: record.token_id,
            customer_id: record.customer_id,
            value,
            expires_at: timestamp_of(expires_at),
            invalidate_older_tokens: invalidate_older,
            created_at: created.clone(),
            last_modified_at: Some(created),
        })
    }

    /// `POST /customers/password-token`: a reset token for the customer with this email (as
    /// sign-in finds it). An unknown email is 404 after the same reads and hashing (D7).
    pub async fn create_password_token(
        &self,
        project: &str,
        store: Option<&str>,
        b: CustomerCreatePasswordResetToken,
    ) -> ApiResult<CustomerToken> {
        let ttl = b.ttl_minutes.unwrap_or(DEFAULT_TOKEN_TTL_MINUTES);
        check_ttl(ttl)?;
        let invalidate = b.invalidate_older_tokens.unwrap_or(false);
        match self.find_by_email(project, store, &b.email).await? {
            Some(c) => {
                self.issue_token(project, &c.meta.id, TokenKind::Password, ttl, invalidate)
                    .await
            }
            None => {
                // The work of a known email, write included (D7): the commit of the stored
                // token is most of the answer time — without a write an unknown email
                // answered in half the time (measured by `storekeep-chaos timing`) — so an
                // unknown email stores a token too, through the same purge of expired
                // tokens, insert and expiry, for a customer id no customer has, one per
                // store and email: repeated requests pile up tokens exactly as they do for
                // a known email. Its value is dropped here, so it can never be used.
                let nobody = no_customer_id(store, &b.email);
                self.issue_token(project, &nobody, TokenKind::Password, ttl, false)
                    .await?;
                Err(ApiError::ResourceNotFound(format!(
                    "The Customer with email '{}' was not found.",
                    b.email
                )))
            }
        }
    }

    /// `POST /customers/email-token`: an email-verification token for a customer by id.
    pub async fn create_email_token(
        &self,
        project: &str,
        store: Option<&str>,
        b: CustomerCreateEmailToken,
    ) -> ApiResult<CustomerToken> {
        check_ttl(b.ttl_minutes)?;
        let c = self.get(project, store, Lookup::Id(&b.id)).await?;
        check_optional_version(&c, b.version)?;
        let invalidate = b.invalidate_older_tokens.unwrap_or(false);
        self.issue_token(
            project,
            &c.meta.id,
            TokenKind::Email,
            b.ttl_minutes,
            invalidate,
        )
        .await
    }

    /// The live token of this kind and value and its customer (visible from `store`).
    /// Unknown, used or foreign → 404; expired → `Expired…Token`.
    async fn token_customer(
        &self,
        project: &str,
        store: Option<&str>,
        kind: TokenKind,
        value: &str,
    ) -> ApiResult<(TokenRecord, Customer)> {
        let id = sha256_hex(value);
        let token = self
            .repo
            .find::<TokenRecord>(project, Lookup::Id(&id))
            .await?
            .filter(|t| t.kind == kind)
            .ok_or_else(token_not_found)?;
        let customer = self
            .repo
            .find::<Customer>(project, Lookup::Id(&token.customer_id))
            .await?
            .filter(|c| c.visible_in(store))
            .ok_or_else(token_not_found)?;
        if token.expires_at <= self.clock.now_ms() {
            return Err(kind.expired());
        }
        Ok((token, customer))
    }

    /// Use a token up: exactly one of several concurrent uses succeeds.
    async fn consume(&self, project: &str, t: &TokenRecord) -> ApiResult<()> {
        match self
            .repo
            .storage()
            .delete(
                Collection::CustomerTokens,
                project,
                &t.meta.id,
                t.meta.version,
            )
            .await
        {
            Ok(()) => Ok(()),
            Err(StorageError::NotFound | StorageError::VersionConflict { .. }) => {
                Err(token_not_found())
            }
            Err(e) => Err(storage_error(e, "")),
        }
    }

    /// `GET /customers/password-token={token}`.
    pub async fn get_by_password_token(
        &self,
        project: &str,
        store: Option<&str>,
        value: &str,
    ) -> ApiResult<Customer> {
        Ok(self
            .token_customer(project, store, TokenKind::Password, value)
            .await?
            .1)
    }

    /// `GET /customers/email-token={token}`.
    pub async fn get_by_email_token(
        &self,
        project: &str,
        store: Option<&str>,
        value: &str,
    ) -> ApiResult<Customer> {
        Ok(self
            .token_customer(project, store, TokenKind::Email, value)
            .await?
            .1)
    }

    /// `POST /customers/password/reset`: set a new password with a reset token; the
    /// customer's password tokens are all invalidated, and the [`CustomerEvents`] hook is told
    /// (to revoke the customer's OAuth tokens).
    ///
    /// [`CustomerEvents`]: super::CustomerEvents
    pub async fn reset_password(
        &self,
        project: &str,
        store: Option<&str>,
        by: &ClientLogging,
        b: CustomerResetPassword,
    ) -> ApiResult<Customer> {
        let (token, current) = self
            .token_customer(project, store, TokenKind::Password, b.token_value.expose())
            .await?;
        check_optional_version(&current, b.version)?;
        if current.authentication_mode != AuthenticationMode::Password {
            return Err(ApiError::InvalidOperation(
                "The customer uses the authentication mode 'ExternalAuth' and has no password."
                    .into(),
            ));
        }
        self.passwords.check_policy(b.new_password.expose())?;
        let hash = self.passwords.hash(b.new_password.expose()).await?;
        self.consume(project, &token).await?;
        let mut next = current.clone();
        next.password = Some(hash);
        let saved = self.save(project, by, &current, next).await?;
        self.delete_tokens(project, &saved.meta.id, Some(TokenKind::Password))
            .await?;
        self.events
            .password_changed(project, &saved.meta.id, true)
            .await?;
        Ok(saved)
    }

    /// `POST /customers/email/confirm`: mark the email verified with an email token; the
    /// customer's email tokens are all invalidated.
    pub async fn verify_email(
        &self,
        project: &str,
        store: Option<&str>,
        by: &ClientLogging,
        b: CustomerEmailVerify,
    ) -> ApiResult<Customer> {
        let (token, current) = self
            .token_customer(project, store, TokenKind::Email, b.token_value.expose())
            .await?;
        check_optional_version(&current, b.version)?;
        self.consume(project, &token).await?;
        let mut next = current.clone();
        next.is_email_verified = true;
        let saved = self.save(project, by, &current, next).await?;
        self.delete_tokens(project, &saved.meta.id, Some(TokenKind::Email))
            .await?;
        Ok(saved)
    }
}
