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
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

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
                let info = store
                    .call(move |s| s.check_token(Dialect::ScormCloud, &t))
                    .await?
                    .ok_or(ScormError::Unauthorized)?;
                return Ok(Self {
                    tenant_id: info.tenant_id,
                    app_id: info.subject,
                    scopes: split_scopes(&info.scopes),
                    basic: false,
                });
            }
            let (app, secret) = basic
                .filter(|(a, s)| !a.is_empty() && !s.is_empty())
                .ok_or(ScormError::Unauthorized)?;
            let app2 = app.clone();
            let p = store
                .call(move |s| s.verify_credential(Dialect::ScormCloud, Some(&app2), &secret))
                .await?
                .ok_or(ScormError::Unauthorized)?;
            Ok(Self {
                tenant_id: p.tenant_id,
                app_id: app,
                scopes: split_scopes(&p.scopes),
                basic: true,
            })
        })
    }
}
