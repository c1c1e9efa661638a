//! Bearer tokens, stored as hashes with an expiry by the injected clock.
use diesel::prelude::*;
use enroll_db::FirstRow;
use enroll_domain::clock::to_millis;
use enroll_domain::model::Dialect;
use enroll_store::error::StoreResult;
use enroll_store::models::uuid;
use enroll_store::schema::tokens;
use enroll_store::secrets::{hash_secret, new_token};
use enroll_store::{Ledger, Store};
use time::Duration;
use uuid::Uuid;

/// What a valid token stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenInfo {
    pub tenant_id: Uuid,
    /// Who it was issued to (a learner id, an app id …), as the dialect chose.
    pub subject: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// When it stops being valid (by the ledger clock).
    pub expires_at: time::OffsetDateTime,
}

/// Bearer tokens: issued as random secrets, stored as hashes, checked by the ledger's clock (Absorb's, iSpring's tokens).
///
/// Implemented for [`Store`]; in scope with `use enroll_auth::prelude::*`.
pub trait BearerTokens: Ledger {
    /// Issues a token valid for `ttl`. With `exclusive`, any earlier token of the same
    /// (dialect, subject) is revoked in the same transaction (Absorb's one-token-per-user rule).
    fn issue_token(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        subject: &str,
        scopes: &str,
        ttl: Duration,
        exclusive: bool,
    ) -> StoreResult<String> {
        let token = new_token();
        let now = to_millis(self.ledger().now());
        let expires =
            now.saturating_add(i64::try_from(ttl.whole_milliseconds()).unwrap_or(i64::MAX));
        let key = exclusive.then(|| format!("{}|{}|{}", dialect.as_str(), tenant_id, subject));
        self.ledger().write(|c| {
            if let Some(k) = &key {
                diesel::delete(tokens::table.filter(tokens::exclusive_key.eq(k))).execute(c)?;
            }
            // Opportunistic cleanup keeps the table small.
            diesel::delete(tokens::table.filter(tokens::expires_at.lt(now))).execute(c)?;
            diesel::insert_into(tokens::table)
                .values((
                    tokens::token_hash.eq(hash_secret(&token)),
                    tokens::tenant_id.eq(tenant_id.to_string()),
                    tokens::dialect.eq(dialect.as_str()),
                    tokens::subject.eq(subject),
                    tokens::scopes.eq(scopes),
                    tokens::exclusive_key.eq(&key),
                    tokens::expires_at.eq(expires),
                    tokens::created_at.eq(now),
                ))
                .execute(c)?;
            Ok(())
        })?;
        Ok(token)
    }

    /// The token's grant if it exists, belongs to `dialect` and has not expired.
    fn check_token(&self, dialect: Dialect, token: &str) -> StoreResult<Option<TokenInfo>> {
        let now = to_millis(self.ledger().now());
        let row: Option<(String, String, String, i64)> = self.ledger().with_conn(|c| {
            Ok(tokens::table
                .filter(tokens::token_hash.eq(hash_secret(token)))
                .filter(tokens::dialect.eq(dialect.as_str()))
                // Codes and refresh tokens (oauth.rs) are no bearer tokens.
                .filter(tokens::kind.eq("access"))
                .filter(tokens::expires_at.gt(now))
                .select((
                    tokens::tenant_id,
                    tokens::subject,
                    tokens::scopes,
                    tokens::expires_at,
                ))
                .first_row(c)?)
        })?;
        row.map(|(t, subject, scopes, exp)| {
            Ok(TokenInfo {
                tenant_id: uuid(&t)?,
                subject,
                scopes,
                expires_at: enroll_domain::clock::from_millis(exp),
            })
        })
        .transpose()
    }
}

impl BearerTokens for Store {}
