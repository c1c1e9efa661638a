//! LMS365 API keys: HTTP Basic with the user name `api` (or empty) and the key as password.
//! A key is read-only (its ledger credential's scopes are exactly `read`) or full-control;
//! a read-only key gets 403 on writes. Writes may name the user they act for in the
//! `LMS365-User-Id` header; the ledger records it with the enrollment's actions.
//!
//! A verified key is trusted for a moment without asking the database again, in every
//! deployment ([`enroll_web::credential_cache`]): no API revokes a key.
use crate::error::ODataError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use base64::Engine;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::events::Cause;
use enroll_web::{CredentialCache, CredentialKind};
use std::future::Future;
use std::pin::Pin;
use std::sync::LazyLock;
use uuid::Uuid;

/// Verified keys: their tenant, and whether they have full control.
static KEYS: LazyLock<CredentialCache<(Uuid, bool)>> = LazyLock::new(CredentialCache::new);

/// The scope of a read-only key.
pub const READ_ONLY: &str = "read";
/// The header naming the user a write acts for.
pub const ON_BEHALF_OF: &str = "LMS365-User-Id";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tenant_id: Uuid,
    /// Full control (writes allowed) rather than read-only.
    pub full_control: bool,
    /// The `LMS365-User-Id` header, if sent.
    pub on_behalf_of: Option<String>,
}

impl Caller {
    /// The ledger for this caller's writes: one that records the `LMS365-User-Id` user as
    /// the principal of the events the writes make (the host's handle otherwise).
    pub fn store(&self, store: &Store) -> Store {
        match &self.on_behalf_of {
            Some(user) => store.caused_by(Cause::dialect(Dialect::Lms365).by(user.clone())),
            None => store.clone(),
        }
    }

    /// Refuses a write with a read-only key.
    pub fn require_write(&self) -> Result<(), ODataError> {
        if self.full_control {
            Ok(())
        } else {
            Err(ODataError::Forbidden(
                "The API key is read-only: writes need a key with full control.".into(),
            ))
        }
    }
}

/// The API key of a Basic `Authorization` header whose user is `api` or empty.
fn api_key(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get("authorization")?.to_str().ok()?.trim();
    let (scheme, b64) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (user, key) = text.split_once(':')?;
    let user_ok = user.is_empty() || user.eq_ignore_ascii_case("api");
    (user_ok && !key.is_empty() && key.len() <= 512).then(|| key.to_string())
}

fn on_behalf_of(req: &HttpRequest) -> Result<Option<String>, ODataError> {
    let Some(v) = req.headers().get(ON_BEHALF_OF) else {
        return Ok(None);
    };
    let v = v
        .to_str()
        .map_err(|_| ODataError::BadRequest(format!("The {ON_BEHALF_OF} header is not text.")))?
        .trim();
    if v.is_empty() || v.len() > 256 {
        return Err(ODataError::BadRequest(format!(
            "The {ON_BEHALF_OF} header must name a user (1 to 256 characters)."
        )));
    }
    Ok(Some(v.to_string()))
}

impl FromRequest for Caller {
    type Error = ODataError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let store = req.app_data::<web::Data<Store>>().cloned();
        let key = api_key(req);
        let behalf = on_behalf_of(req);
        Box::pin(async move {
            let store = store.ok_or(ODataError::Internal)?;
            let key = key.ok_or(ODataError::Unauthorized)?;
            let on_behalf_of = behalf?;
            let (tenant_id, full_control) = match KEYS.get(&store, CredentialKind::ApiKey, &key) {
                Ok(known) => known,
                Err(miss) => {
                    let found = store
                        .call(move |s| s.verify_credential(Dialect::Lms365, None, &key))
                        .await?;
                    let p = found.ok_or(ODataError::Unauthorized)?;
                    let known = (p.tenant_id, p.scopes.trim() != READ_ONLY);
                    KEYS.put(miss, known, None);
                    known
                }
            };
            Ok(Caller {
                tenant_id,
                full_control,
                on_behalf_of,
            })
        })
    }
}
