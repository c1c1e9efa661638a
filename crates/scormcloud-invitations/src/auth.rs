//! Authentication: HTTP Basic with the app id and secret key (APP_NORMAL), or a bearer token
//! from `POST /oauth/authenticate/application/token` whose scopes are checked per operation.
use crate::error::ScormError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use enroll_auth::prelude::*;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_web::{CredentialCache, CredentialKind};
use futures_util::future::LocalBoxFuture;
use std::sync::LazyLock;
use uuid::Uuid;

// Verified callers, so a request does not check its credential in the database first (see
// enroll_web::credential_cache for the rules: an app's Basic pair lives 2 s at most, a token
// also only while revocations are heard and never past its expiry). Keyed by a hash of the
// app id and secret, or of the token; no operation of this facade revokes either.
static BASIC: LazyLock<CredentialCache<Auth>> = LazyLock::new(CredentialCache::new);
static TOKENS: LazyLock<CredentialCache<Auth>> = LazyLock::new(CredentialCache::new);

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Auth {
    pub tenant_id: Uuid,
    /// The app id (Basic) or the token's subject.
    pub app_id: String,
    /// Granted scopes; empty = everything (a credential without scope limits).
    pub scopes: Vec<String>,
    /// Whether the caller used Basic (may request tokens).
    pub basic: bool,
}

impl Auth {
    /// Checks an operation's scope. A token grants `read:invitation` through that exact
    /// scope or the generic `read` (likewise `write`), as the vendor's reference lists.
    pub fn require(&self, scope: &str) -> Result<(), ScormError> {
        if self.scopes.is_empty() {
            return Ok(());
        }
        let generic = scope.split(':').next().unwrap_or(scope);
        if self.scopes.iter().any(|s| s == scope || s == generic) {
            return Ok(());
        }
        Err(ScormError::Forbidden(format!(
            "This operation requires the '{scope}' scope"
        )))
    }
}

/// The Basic credentials in a request, if any.
pub fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let h = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, rest) = h.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_string(), pass.to_string()))
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let h = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, rest) = h.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| rest.trim().to_string())
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

impl FromRequest for Auth {
    type Error = ScormError;
    type Future = LocalBoxFuture<'static, Result<Self, ScormError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let store = req.app_data::<web::Data<Store>>().cloned();
        let basic = basic_credentials(req);
        let token = bearer(req);
        Box::pin(async move {
            let store = store.ok_or(ScormError::Internal)?;
            if let Some(t) = token.filter(|t| !t.is_empty()) {
                let miss = match TOKENS.get(&store, CredentialKind::Token, &t) {
                    Ok(auth) => return Ok(auth),
                    Err(miss) => miss,
                };
                let info = store
                    .call(move |s| s.check_token(Dialect::ScormCloud, &t))
                    .await?
                    .ok_or(ScormError::Unauthorized)?;
                let auth = Self {
                    tenant_id: info.tenant_id,
                    app_id: info.subject,
                    scopes: split_scopes(&info.scopes),
                    basic: false,
                };
                TOKENS.put(miss, auth.clone(), Some(info.expires_at));
                return Ok(auth);
            }
            let (app, secret) = basic
                .filter(|(a, s)| !a.is_empty() && !s.is_empty())
                .ok_or(ScormError::Unauthorized)?;
            // The app id is part of the key: a secret is only valid with its own app. Basic
            // splits at the first ':', so no app id holds one and the pair is unambiguous.
            let pair = format!("{app}:{secret}");
            let miss = match BASIC.get(&store, CredentialKind::ApiKey, &pair) {
                Ok(auth) => return Ok(auth),
                Err(miss) => miss,
            };
            let app2 = app.clone();
            let p = store
                .call(move |s| s.verify_credential(Dialect::ScormCloud, Some(&app2), &secret))
                .await?
                .ok_or(ScormError::Unauthorized)?;
            let auth = Self {
                tenant_id: p.tenant_id,
                app_id: app,
                scopes: split_scopes(&p.scopes),
                basic: true,
            };
            BASIC.put(miss, auth.clone(), None);
            Ok(auth)
        })
    }
}
