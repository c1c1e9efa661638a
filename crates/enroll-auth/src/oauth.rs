//! OAuth 2.0 over the ledger's credentials and tokens (RFC 6749): a credential is a client
//! (its key id the `client_id`, its hashed secret the `client_secret`, the redirect URIs it
//! may receive codes at, the scopes it may be granted: "" = any), and a token row is an
//! access token, a one-time authorization code or a refresh token bound to its client.
//! Every lifetime is counted on the ledger's clock; every secret is stored as its SHA-256.
//!
//! A consent ([`OAuth::issue_code`]) starts a *grant*: the code, the refresh token it is
//! exchanged for and every access token minted from that refresh token share the grant's id,
//! so revoking the refresh token ends them all.
use diesel::prelude::*;
use enroll_db::FirstRow;
use enroll_domain::clock::to_millis;
use enroll_domain::model::Dialect;
use enroll_store::error::StoreResult;
use enroll_store::models::uuid;
use enroll_store::schema::{credentials, tokens};
use enroll_store::secrets::{constant_time_eq, hash_secret, new_token};
use enroll_store::{Ledger, Store};
use time::Duration;
use uuid::Uuid;

/// What a token row is.
const ACCESS: &str = "access";
const CODE: &str = "code";
const REFRESH: &str = "refresh";

/// An OAuth client: a credential of a dialect.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthClient {
    pub tenant_id: Uuid,
    pub credential_id: Uuid,
    /// The scopes it may be granted, space-separated ("" = any).
    pub scopes: String,
    /// Where its authorization codes may be sent.
    pub redirect_uris: Vec<String>,
}

impl OAuthClient {
    /// Whether `uri` is one of its redirect URIs (exact match, as RFC 6749 §3.1.2 asks).
    pub fn redirects_to(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|u| u == uri)
    }

    /// The requested scopes it may not be granted (empty: all allowed).
    pub fn refused_scopes<'a>(&self, requested: &[&'a str]) -> Vec<&'a str> {
        if self.scopes.trim().is_empty() {
            return vec![];
        }
        let allowed: Vec<&str> = self.scopes.split_whitespace().collect();
        requested
            .iter()
            .filter(|s| !allowed.contains(s))
            .copied()
            .collect()
    }
}

/// What a resource owner consented to.
#[derive(Debug, Clone, Copy)]
pub struct Consent<'a> {
    /// Who consented (e.g. `learner:<id>`).
    pub subject: &'a str,
    /// Space-separated.
    pub scopes: &'a str,
    /// Where the code is sent (the exchange must name it again).
    pub redirect_uri: &'a str,
    /// A refresh token goes with the exchange (`access_type=offline`).
    pub offline: bool,
}

/// Why a grant was refused (RFC 6749 §5.2's errors, which each dialect words its own way).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    /// Unknown client id, or a wrong secret.
    #[error("client authentication failed")]
    InvalidClient,
    /// The code is unknown, used, expired, or was issued to another client.
    #[error("the authorization code is invalid, used or expired")]
    InvalidCode,
    /// The redirect URI differs from the one the code was issued for.
    #[error("the redirect URI does not match")]
    RedirectMismatch,
    /// The refresh token is unknown, revoked, or belongs to another client.
    #[error("the refresh token is invalid")]
    InvalidRefreshToken,
}

/// Tokens issued by a grant.
#[derive(Debug, Clone, PartialEq)]
pub struct Issued {
    pub access_token: String,
    /// Issued on an authorization code exchange when the consent asked for offline access.
    pub refresh_token: Option<String>,
    /// Space-separated.
    pub scopes: String,
    /// The access token's lifetime.
    pub expires_in: Duration,
    pub tenant_id: Uuid,
    /// Who consented (or the client, for client credentials).
    pub subject: String,
}

/// A stored code or refresh token.
struct Held {
    hash: String,
    dialect: &'static str,
    tenant_id: String,
    subject: String,
    scopes: String,
    client_id: Option<String>,
    grant_id: Option<String>,
    redirect_uri: Option<String>,
    expires_at: i64,
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.whole_milliseconds()).unwrap_or(i64::MAX)
}

/// OAuth 2.0 flows over the ledger's credentials and tokens: clients, authorization codes, refresh and client-credentials grants, revocation (TrainerCentral's and SCORM Cloud's token endpoints).
///
/// Implemented for [`Store`]; in scope with `use enroll_auth::prelude::*`.
pub trait OAuth: Ledger {
    /// The OAuth client `client_id` names in `dialect`, if any.
    fn oauth_client(&self, dialect: Dialect, client_id: &str) -> StoreResult<Option<OAuthClient>> {
        let row: Option<(String, String, String, String)> = self.ledger().with_conn(|c| {
            Ok(credentials::table
                .filter(credentials::dialect.eq(dialect.as_str()))
                .filter(credentials::key_id.eq(client_id))
                .select((
                    credentials::id,
                    credentials::tenant_id,
                    credentials::scopes,
                    credentials::redirect_uris,
                ))
                .first_row(c)?)
        })?;
        row.map(|(id, t, scopes, uris)| {
            Ok(OAuthClient {
                tenant_id: uuid(&t)?,
                credential_id: uuid(&id)?,
                scopes,
                redirect_uris: uris.split_whitespace().map(str::to_string).collect(),
            })
        })
        .transpose()
    }

    /// Sets the redirect URIs of a credential (an OAuth client).
    fn set_redirect_uris(&self, credential_id: Uuid, uris: &[String]) -> StoreResult<()> {
        self.ledger()
            .write(|c| enroll_store::tenants::set_redirect_uris_in(c, credential_id, uris))
    }

    /// Issues a one-time authorization code valid for `ttl` for a consent to `client`.
    fn issue_code(
        &self,
        client: &OAuthClient,
        dialect: Dialect,
        consent: &Consent<'_>,
        ttl: Duration,
    ) -> StoreResult<String> {
        let Consent {
            subject,
            scopes,
            redirect_uri,
            offline,
        } = *consent;
        let code = new_token();
        let now = to_millis(self.ledger().now());
        // The grant's id says whether a refresh token goes with it ("offline:" prefix).
        let grant = format!(
            "{}{}",
            if offline { "offline:" } else { "online:" },
            Uuid::new_v4().simple()
        );
        self.ledger().write(|c| {
            diesel::delete(tokens::table.filter(tokens::expires_at.lt(now))).execute(c)?;
            insert(
                c,
                &hash_secret(&code),
                client.tenant_id,
                dialect,
                CODE,
                subject,
                scopes,
                Some(client.credential_id),
                Some(&grant),
                Some(redirect_uri),
                now.saturating_add(millis(ttl)),
                now,
            )
        })?;
        Ok(code)
    }

    /// Exchanges an authorization code (RFC 6749 §4.1.3): the client authenticates, the code
    /// must be its own, unexpired, unused and issued for `redirect_uri`. The code is used up
    /// by a successful exchange, whoever else presents it at the same moment.
    fn redeem_code(
        &self,
        dialect: Dialect,
        client_id: &str,
        secret: &str,
        code: &str,
        redirect_uri: Option<&str>,
        access_ttl: Duration,
    ) -> StoreResult<Result<Issued, GrantError>> {
        let Some(client) = self
            .ledger()
            .authenticate_client(dialect, client_id, secret)?
        else {
            return Ok(Err(GrantError::InvalidClient));
        };
        let now = to_millis(self.ledger().now());
        let hash = hash_secret(code);
        self.ledger().write(|c| {
            let Some(held) = held(c, &hash, dialect, CODE)? else {
                return Ok(Err(GrantError::InvalidCode));
            };
            if held.expires_at <= now
                || held.client_id.as_deref() != Some(&client.credential_id.to_string())
            {
                return Ok(Err(GrantError::InvalidCode));
            }
            if redirect_uri.is_some_and(|u| held.redirect_uri.as_deref() != Some(u)) {
                return Ok(Err(GrantError::RedirectMismatch));
            }
            // Used once: of two concurrent exchanges, one deletes the row.
            let gone = diesel::delete(tokens::table.filter(tokens::token_hash.eq(&held.hash)))
                .execute(c)?;
            if gone != 1 {
                return Ok(Err(GrantError::InvalidCode));
            }
            let refresh = held
                .grant_id
                .as_deref()
                .is_some_and(|g| g.starts_with("offline:"))
                .then(new_token);
            if let Some(r) = &refresh {
                insert_like(c, &held, &hash_secret(r), REFRESH, i64::MAX, now)?;
            }
            let access = new_token();
            insert_like(
                c,
                &held,
                &hash_secret(&access),
                ACCESS,
                now.saturating_add(millis(access_ttl)),
                now,
            )?;
            Ok(Ok(Issued {
                access_token: access,
                refresh_token: refresh,
                scopes: held.scopes.clone(),
                expires_in: access_ttl,
                tenant_id: uuid(&held.tenant_id)?,
                subject: held.subject.clone(),
            }))
        })
    }

    /// A new access token for a refresh token (RFC 6749 §6), which must be the client's own.
    fn refresh_access(
        &self,
        dialect: Dialect,
        client_id: &str,
        secret: &str,
        refresh_token: &str,
        access_ttl: Duration,
    ) -> StoreResult<Result<Issued, GrantError>> {
        let Some(client) = self
            .ledger()
            .authenticate_client(dialect, client_id, secret)?
        else {
            return Ok(Err(GrantError::InvalidClient));
        };
        let now = to_millis(self.ledger().now());
        let hash = hash_secret(refresh_token);
        self.ledger().write(|c| {
            let Some(held) = held(c, &hash, dialect, REFRESH)? else {
                return Ok(Err(GrantError::InvalidRefreshToken));
            };
            if held.client_id.as_deref() != Some(&client.credential_id.to_string()) {
                return Ok(Err(GrantError::InvalidRefreshToken));
            }
            diesel::delete(tokens::table.filter(tokens::expires_at.lt(now))).execute(c)?;
            let access = new_token();
            let expires = now.saturating_add(millis(access_ttl));
            insert_like(c, &held, &hash_secret(&access), ACCESS, expires, now)?;
            Ok(Ok(Issued {
                access_token: access,
                refresh_token: None,
                scopes: held.scopes.clone(),
                expires_in: access_ttl,
                tenant_id: uuid(&held.tenant_id)?,
                subject: held.subject.clone(),
            }))
        })
    }

    /// An access token for the client itself (RFC 6749 §4.4) with `scopes` (which the caller
    /// checked with [`OAuthClient::refused_scopes`]).
    fn client_credentials(
        &self,
        dialect: Dialect,
        client_id: &str,
        secret: &str,
        scopes: &str,
        access_ttl: Duration,
    ) -> StoreResult<Result<(OAuthClient, Issued), GrantError>> {
        let Some(client) = self
            .ledger()
            .authenticate_client(dialect, client_id, secret)?
        else {
            return Ok(Err(GrantError::InvalidClient));
        };
        let now = to_millis(self.ledger().now());
        let access = new_token();
        let subject = format!("client:{client_id}");
        self.ledger().write(|c| {
            diesel::delete(tokens::table.filter(tokens::expires_at.lt(now))).execute(c)?;
            insert(
                c,
                &hash_secret(&access),
                client.tenant_id,
                dialect,
                ACCESS,
                &subject,
                scopes,
                Some(client.credential_id),
                None,
                None,
                now.saturating_add(millis(access_ttl)),
                now,
            )
        })?;
        let issued = Issued {
            access_token: access,
            refresh_token: None,
            scopes: scopes.to_string(),
            expires_in: access_ttl,
            tenant_id: client.tenant_id,
            subject,
        };
        Ok(Ok((client, issued)))
    }

    /// Revokes a token of `dialect` (RFC 7009): an access token ends; a refresh token ends
    /// with every access token of its grant. Unknown tokens are no error (nothing to do).
    /// Returns how many tokens ended.
    fn revoke_token(&self, dialect: Dialect, token: &str) -> StoreResult<usize> {
        let hash = hash_secret(token);
        self.ledger().write(|c| {
            let row: Option<(String, Option<String>)> = tokens::table
                .filter(tokens::token_hash.eq(&hash))
                .filter(tokens::dialect.eq(dialect.as_str()))
                .select((tokens::kind, tokens::grant_id))
                .first_row(c)?;
            let Some((kind, grant)) = row else {
                return Ok(0);
            };
            let mut n =
                diesel::delete(tokens::table.filter(tokens::token_hash.eq(&hash))).execute(c)?;
            if let (REFRESH, Some(g)) = (kind.as_str(), grant) {
                n += diesel::delete(tokens::table.filter(tokens::grant_id.eq(g))).execute(c)?;
            }
            Ok(n)
        })
    }

    /// The client `client_id` if `secret` is its secret.
    fn authenticate_client(
        &self,
        dialect: Dialect,
        client_id: &str,
        secret: &str,
    ) -> StoreResult<Option<OAuthClient>> {
        let stored: Option<String> = self.ledger().with_conn(|c| {
            Ok(credentials::table
                .filter(credentials::dialect.eq(dialect.as_str()))
                .filter(credentials::key_id.eq(client_id))
                .select(credentials::secret_hash)
                .first_row(c)?)
        })?;
        match stored {
            Some(h) if constant_time_eq(h.as_bytes(), hash_secret(secret).as_bytes()) => {
                self.ledger().oauth_client(dialect, client_id)
            }
            _ => Ok(None),
        }
    }
}

impl OAuth for Store {}

fn held(
    c: &mut enroll_store::conn::DbConn,
    hash: &str,
    dialect: Dialect,
    kind: &str,
) -> StoreResult<Option<Held>> {
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    );
    let row: Option<Row> = tokens::table
        .filter(tokens::token_hash.eq(hash))
        .filter(tokens::dialect.eq(dialect.as_str()))
        .filter(tokens::kind.eq(kind))
        .select((
            tokens::tenant_id,
            tokens::subject,
            tokens::scopes,
            tokens::client_id,
            tokens::grant_id,
            tokens::redirect_uri,
            tokens::expires_at,
        ))
        .first_row(c)?;
    Ok(row.map(
        |(tenant_id, subject, scopes, client_id, grant_id, redirect_uri, expires_at)| Held {
            hash: hash.to_string(),
            dialect: dialect.as_str(),
            tenant_id,
            subject,
            scopes,
            client_id,
            grant_id,
            redirect_uri,
            expires_at,
        },
    ))
}

/// A token of the same grant, client and subject as `held`.
fn insert_like(
    c: &mut enroll_store::conn::DbConn,
    held: &Held,
    hash: &str,
    kind: &str,
    expires_at: i64,
    now: i64,
) -> StoreResult<()> {
    diesel::insert_into(tokens::table)
        .values((
            tokens::token_hash.eq(hash),
            tokens::tenant_id.eq(&held.tenant_id),
            tokens::dialect.eq(held.dialect),
            tokens::kind.eq(kind),
            tokens::subject.eq(&held.subject),
            tokens::scopes.eq(&held.scopes),
            tokens::client_id.eq(&held.client_id),
            tokens::grant_id.eq(&held.grant_id),
            tokens::expires_at.eq(expires_at),
            tokens::created_at.eq(now),
        ))
        .execute(c)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn insert(
    c: &mut enroll_store::conn::DbConn,
    hash: &str,
    tenant_id: Uuid,
    dialect: Dialect,
    kind: &str,
    subject: &str,
    scopes: &str,
    client: Option<Uuid>,
    grant: Option<&str>,
    redirect_uri: Option<&str>,
    expires_at: i64,
    now: i64,
) -> StoreResult<()> {
    diesel::insert_into(tokens::table)
        .values((
            tokens::token_hash.eq(hash),
            tokens::tenant_id.eq(tenant_id.to_string()),
            tokens::dialect.eq(dialect.as_str()),
            tokens::kind.eq(kind),
            tokens::subject.eq(subject),
            tokens::scopes.eq(scopes),
            tokens::client_id.eq(client.map(|u| u.to_string())),
            tokens::grant_id.eq(grant),
            tokens::redirect_uri.eq(redirect_uri),
            tokens::expires_at.eq(expires_at),
            tokens::created_at.eq(now),
        ))
        .execute(c)?;
    Ok(())
}
