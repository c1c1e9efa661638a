//! `POST /authenticate`: a bare JSON string token, valid 4 hours by the ledger clock.
use super::run;
use crate::auth::{ApiKey, forget_tokens_of};
use crate::error::AbsorbError;
use actix_web::{HttpResponse, web};
use enroll_auth::logins::Login;
use enroll_auth::prelude::*;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use serde::Deserialize;

/// Token lifetime.
pub const TOKEN_TTL_HOURS: i64 = 4;

/// The authenticate body; all three fields are required and non-empty.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticateBody {
    username: Option<String>,
    password: Option<String>,
    private_key: Option<String>,
}

/// Authenticate (Absorb "basic" method). Issuing a token revokes the user's previous one.
/// Repeated failures lock the user out for a while: 429 with `Retry-After` (see the crate
/// docs and `enroll_auth::logins`).
pub async fn authenticate(
    key: ApiKey,
    store: web::Data<Store>,
    body: web::Json<AuthenticateBody>,
) -> Result<HttpResponse, AbsorbError> {
    let b = body.into_inner();
    let missing: Vec<&str> = [
        ("username", &b.username),
        ("password", &b.password),
        ("privateKey", &b.private_key),
    ]
    .into_iter()
    .filter(|(_, v)| v.as_deref().is_none_or(|s| s.trim().is_empty()))
    .map(|(n, _)| n)
    .collect();
    if !missing.is_empty() {
        return Err(AbsorbError::BadRequest(format!(
            "Required body parameters were not included: {}.",
            missing.join(", ")
        )));
    }
    let (username, password, private_key) = (
        b.username.unwrap_or_default(),
        b.password.unwrap_or_default(),
        b.private_key.unwrap_or_default(),
    );
    let (user, token) = run(&store, move |s| {
        // The body's private key must be this tenant's key too.
        let same_tenant = s
            .verify_credential(Dialect::Absorb, None, private_key.trim())?
            .is_some_and(|p| p.tenant_id == key.tenant_id);
        if !same_tenant {
            return Ok(None);
        }
        let user = match s.login(key.tenant_id, &username, &password)? {
            Login::Accepted(user) => user,
            Login::Refused => return Ok(None),
            Login::Throttled { retry_after } => {
                let secs = retry_after.as_millis().div_ceil(1000).max(1);
                return Ok(Some(Err(u64::try_from(secs).unwrap_or(u64::MAX))));
            }
        };
        let ttl = time::Duration::hours(TOKEN_TTL_HOURS);
        let token = s.issue_token(
            key.tenant_id,
            Dialect::Absorb,
            &user.id.to_string(),
            "",
            ttl,
            true,
        )?;
        Ok(Some(Ok((user.id, token))))
    })
    .await?
    .ok_or_else(|| {
        AbsorbError::Unauthorized("The username, password or private key is incorrect.".into())
    })?
    .map_err(|retry_after_secs| AbsorbError::TooManyRequests { retry_after_secs })?;
    // Every worker of this process forgets the user's older tokens before the new one is
    // handed out; other processes never cache tokens (see crate::auth).
    forget_tokens_of(user);
    Ok(HttpResponse::Ok().json(token))
}
