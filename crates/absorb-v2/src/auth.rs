//! Absorb authentication: `x-api-key` (the tenant's private key) on every call, and a bearer
//! token from `POST /authenticate` (`Authorization: Bearer <token>`, or the raw token — some
//! generated clients send it without the scheme).
//!
//! Both are verified once per process and then trusted for a moment
//! ([`enroll_web::credential_cache`]): keys everywhere, tokens by the cache's rules. A
//! revocation of a token (a new token for its user) through this process's `/authenticate`
//! forgets the user's tokens ([`forget_tokens_of`]) before it answers; one made by another
//! process sharing a PostgreSQL database reaches this one's cache within 25 ms.
use crate::error::AbsorbError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use enroll_auth::prelude::*;
use enroll_domain::model::{Dialect, Learner, Role};
use enroll_store::Store;
use enroll_store::learners::LearnerKey;
use enroll_web::{CredentialCache, CredentialKind};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock};
use uuid::Uuid;

/// Verified private keys: their tenant.
static KEYS: LazyLock<CredentialCache<Uuid>> = LazyLock::new(CredentialCache::new);
/// Verified tokens: their tenant and user.
static TOKENS: LazyLock<CredentialCache<(Uuid, Arc<Learner>)>> =
    LazyLock::new(CredentialCache::new);

/// Forgets every cached token of `user`, on every worker of this process (a new token
/// revokes the old ones).
pub fn forget_tokens_of(user: Uuid) {
    TOKENS.evict(CredentialKind::Token, |(_, l)| l.id == user);
}

/// The tenant whose private key came in `x-api-key`.
#[derive(Debug, Clone, Copy)]
pub struct ApiKey {
    pub tenant_id: Uuid,
}

/// An authenticated Absorb user (admin or learner) of a tenant.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tenant_id: Uuid,
    // Shared with the auth cache: every request of a cached token gets this user.
    pub user: Arc<Learner>,
}

impl Caller {
    /// Admin operations (acting on any user of the tenant) need an admin role; a learner's
    /// token reaches only `/my-enrollments`.
    pub fn require_admin(&self) -> Result<(), AbsorbError> {
        match self.user.role {
            Role::Admin | Role::DepartmentAdmin => Ok(()),
            Role::Learner => Err(AbsorbError::Forbidden(
                "This operation requires an administrator.".into(),
            )),
        }
    }
}

fn store(req: &HttpRequest) -> Result<Store, AbsorbError> {
    req.app_data::<web::Data<Store>>()
        .map(|s| s.get_ref().clone())
        .ok_or_else(|| {
            log::error!("absorb-v2: no web::Data<Store> registered");
            AbsorbError::Internal
        })
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// `x-api-version`: absent or `2`. This facade implements version 2 only; a client asking
/// for another version (Absorb selects v1 behaviour with `1`) is told so rather than served
/// v2 responses it does not expect.
pub fn api_version(req: &HttpRequest) -> Result<(), AbsorbError> {
    for value in req.headers().get_all("x-api-version") {
        if !value.to_str().is_ok_and(|v| v.trim() == "2") {
            let shown: String = String::from_utf8_lossy(value.as_bytes())
                .chars()
                .take(40)
                .collect();
            return Err(AbsorbError::BadRequest(format!(
                "The x-api-version '{shown}' is not supported; this API implements version 2."
            )));
        }
    }
    Ok(())
}

/// Verifies `x-api-version` and `x-api-key`.
pub async fn api_key(req: &HttpRequest) -> Result<ApiKey, AbsorbError> {
    api_version(req)?;
    let key = header(req, "x-api-key")
        .ok_or_else(|| AbsorbError::Unauthorized("The x-api-key header is missing.".into()))?
        .to_string();
    let store = store(req)?;
    let miss = match KEYS.get(&store, CredentialKind::ApiKey, &key) {
        Ok(tenant_id) => return Ok(ApiKey { tenant_id }),
        Err(miss) => miss,
    };
    let principal = store
        .call(move |s| s.verify_credential(Dialect::Absorb, None, &key))
        .await?;
    let tenant_id = principal
        .map(|p| p.tenant_id)
        .ok_or_else(|| AbsorbError::Unauthorized("The API key is invalid.".into()))?;
    KEYS.put(miss, tenant_id, None);
    Ok(ApiKey { tenant_id })
}

impl FromRequest for ApiKey {
    type Error = AbsorbError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { api_key(&req).await })
    }
}

impl FromRequest for Caller {
    type Error = AbsorbError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let key = api_key(&req).await?;
            let raw = header(&req, "authorization").ok_or_else(|| {
                AbsorbError::Unauthorized("The Authorization header is missing.".into())
            })?;
            let token = raw
                .strip_prefix("Bearer ")
                .or_else(|| raw.strip_prefix("bearer "))
                .unwrap_or(raw)
                .trim()
                .trim_matches('"')
                .to_string();
            let store = store(&req)?;
            let miss = match TOKENS.get(&store, CredentialKind::Token, &token) {
                Ok((tenant_id, user)) if tenant_id == key.tenant_id => {
                    return Ok(Caller { tenant_id, user });
                }
                // Another tenant's token, as the database would say too.
                Ok(_) => return Err(invalid_token()),
                Err(miss) => miss,
            };
            let (user, expires_at) = store
                .call(move |s| {
                    let Some(info) = s.check_token(Dialect::Absorb, &token)? else {
                        return Ok(None);
                    };
                    if info.tenant_id != key.tenant_id {
                        return Ok(None);
                    }
                    let id = Uuid::parse_str(&info.subject)
                        .map_err(|e| enroll_store::StoreError::Internal(e.to_string()))?;
                    let user = s.learner(info.tenant_id, &LearnerKey::Id(id))?;
                    Ok(Some((user, info.expires_at)))
                })
                .await?
                .ok_or_else(invalid_token)?;
            let user = Arc::new(user);
            TOKENS.put(miss, (key.tenant_id, Arc::clone(&user)), Some(expires_at));
            Ok(Caller {
                tenant_id: key.tenant_id,
                user,
            })
        })
    }
}

fn invalid_token() -> AbsorbError {
    AbsorbError::Unauthorized("The token is invalid or has expired.".into())
}
