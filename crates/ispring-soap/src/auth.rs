//! iSpring credentials: a token from `POST /api/v3/token` (client credentials; 30 minutes by
//! the ledger clock, valid on both transports), or the legacy account URL, e-mail and password
//! of an account user (SOAP `<credentials>`, REST `X-Auth-Account-Url`/`X-Auth-Email`/
//! `X-Auth-Password`). A token acts for the account (every learner); a user acts with their
//! role: administrators reach everyone, department administrators their departments,
//! learners nobody else.
//!
//! A verified token is trusted for a moment without asking the database again
//! ([`enroll_web::credential_cache`], by its rules: no API revokes iSpring tokens; they end
//! by expiry, which the cache respects, or by a reset of the account, which reaches a cached
//! token within 25 ms on PostgreSQL, and within the cache's TTL on SQLite).
use crate::error::IspringError;
use crate::input::Input;
use actix_web::HttpRequest;
use enroll_auth::logins::Login;
use enroll_auth::prelude::*;
use enroll_domain::access::Scope;
use enroll_domain::model::Dialect;
use enroll_store::access::Actor;
use enroll_store::learners::LearnerKey;
use enroll_store::{Store, StoreError};
use enroll_web::{CredentialCache, CredentialKind};
use std::sync::LazyLock;
use uuid::Uuid;

/// Verified tokens: their account (tenant) and who acts.
static TOKENS: LazyLock<CredentialCache<(Uuid, Actor)>> = LazyLock::new(CredentialCache::new);

/// The subject of tokens issued to a client credential: the account itself.
pub const ACCOUNT: &str = "account";
/// Token lifetime (seconds), as iSpring documents.
pub const TOKEN_TTL: i64 = 1800;

/// Credentials as a caller sent them.
#[derive(Debug, Clone, PartialEq)]
pub enum Credentials {
    Token(String),
    Legacy {
        account_url: String,
        email: String,
        password: String,
    },
}

/// An authenticated caller: the tenant, who acts, and whom they reach.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant_id: Uuid,
    pub actor: Actor,
    pub scope: Scope,
}

impl Principal {
    /// Every operation manages other learners: a learner's own credentials are refused.
    pub fn require_admin(&self) -> Result<(), IspringError> {
        if self.scope.administers() {
            Ok(())
        } else {
            Err(IspringError::PermissionDenied(
                "The user has no permissions to manage enrollments".into(),
            ))
        }
    }
}

/// Too many failed sign-ins for the account (the ledger's throttle): refused as any failed
/// authorization is, saying when to try again.
fn throttled(retry_after: std::time::Duration) -> IspringError {
    IspringError::Unauthorized(format!(
        "Authorization failed: too many failed sign-ins for this user; try again in {} s",
        retry_after.as_secs().max(1)
    ))
}

fn failed() -> IspringError {
    IspringError::Unauthorized(
        "Authorization failed: the credentials are invalid or expired".into(),
    )
}

/// The account a legacy account URL names (`https://demo.ispringlearn.com/`, or only the host):
/// the tenant whose iSpring id is that host.
pub fn account_host(url: &str) -> String {
    let u = url.trim().to_ascii_lowercase();
    let u = u.split_once("://").map_or(u.as_str(), |(_, rest)| rest);
    u.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_string()
}

impl Credentials {
    /// From a SOAP `<credentials>` element.
    pub fn from_input(c: &Input) -> Result<Self, IspringError> {
        if let Some(t) = c.text("token")? {
            return Ok(Self::Token(t));
        }
        match (c.text("accountUrl")?, c.text("email")?, c.text("password")?) {
            (Some(account_url), Some(email), Some(password)) => Ok(Self::Legacy {
                account_url,
                email,
                password,
            }),
            _ => Err(IspringError::Unauthorized(
                "Authorization failed: give a token, or accountUrl, email and password".into(),
            )),
        }
    }

    /// From REST headers: `Authorization: Bearer <t>` (or the bare token), else the legacy
    /// `X-Auth-*` headers.
    pub fn from_headers(req: &HttpRequest) -> Result<Self, IspringError> {
        let h = |n: &str| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if let Some(a) = h("authorization") {
            let t = match a.split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
                _ => a.as_str(),
            };
            return Ok(Self::Token(t.to_string()));
        }
        match (
            h("x-auth-account-url"),
            h("x-auth-email"),
            h("x-auth-password"),
        ) {
            (Some(account_url), Some(email), Some(password)) => Ok(Self::Legacy {
                account_url,
                email,
                password,
            }),
            _ => Err(IspringError::Unauthorized(
                "Authorization failed: send Authorization: Bearer <token>".into(),
            )),
        }
    }

    /// Checks the credentials against the ledger.
    pub async fn verify(self, store: &Store) -> Result<Principal, IspringError> {
        let miss = match &self {
            Self::Token(t) => match TOKENS.get(store, CredentialKind::Token, t) {
                Ok((tenant_id, actor)) => return Self::principal(store, tenant_id, actor).await,
                Err(miss) => Some(miss),
            },
            Self::Legacy { .. } => None,
        };
        let (tenant_id, actor, expires_at) = store
            .call(move |s| {
                Ok(match self {
                    Self::Token(t) => s.check_token(Dialect::Ispring, &t)?.and_then(|info| {
                        let actor = match info.subject.strip_prefix("learner:") {
                            None if info.subject == ACCOUNT => Actor::Account,
                            Some(id) => Actor::Learner(Uuid::parse_str(id).ok()?),
                            None => return None,
                        };
                        Some(Ok((info.tenant_id, actor, Some(info.expires_at))))
                    }),
                    Self::Legacy {
                        account_url,
                        email,
                        password,
                    } => {
                        let host = account_host(&account_url);
                        let tenant = match s.tenant_by_external(Dialect::Ispring, &host) {
                            Ok(t) => t,
                            Err(StoreError::NotFound(_)) => return Ok(None),
                            Err(e) => return Err(e),
                        };
                        let user = match s.learner(tenant, &LearnerKey::Email(email)) {
                            Ok(u) => u,
                            Err(StoreError::NotFound(_)) => return Ok(None),
                            Err(e) => return Err(e),
                        };
                        match s.login(tenant, &user.username, &password)? {
                            Login::Accepted(l) => Some(Ok((tenant, Actor::Learner(l.id), None))),
                            Login::Refused => None,
                            Login::Throttled { retry_after } => Some(Err(throttled(retry_after))),
                        }
                    }
                })
            })
            .await?
            .ok_or_else(failed)??;
        if let (Some(miss), Some(until)) = (miss, expires_at) {
            TOKENS.put(miss, (tenant_id, actor), Some(until));
        }
        Self::principal(store, tenant_id, actor).await
    }

    /// Whom a verified caller reaches: an account token everyone, a user what their role
    /// gives them (read each time: a role can change).
    async fn principal(
        store: &Store,
        tenant_id: Uuid,
        actor: Actor,
    ) -> Result<Principal, IspringError> {
        let scope = match actor {
            Actor::Account => Scope::All,
            a => store.call(move |s| s.scope(tenant_id, &a)).await?,
        };
        Ok(Principal {
            tenant_id,
            actor,
            scope,
        })
    }
}
