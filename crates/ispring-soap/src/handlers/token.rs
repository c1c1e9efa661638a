//! `AccessRequest`: `POST /api/v3/token` with the form fields `client_id`, `client_secret` and
//! `grant_type=client_credentials` → `{access_token, expires_in, token_type}`. Tokens act for
//! the account and last [`TOKEN_TTL`] seconds by the ledger clock.
use super::run;
use crate::auth::{ACCOUNT, TOKEN_TTL};
use crate::error::IspringError;
use crate::input::Input;
use crate::value::{Out, obj};
use enroll_auth::prelude::*;
use enroll_domain::model::Dialect;
use enroll_store::Store;

/// Issues a token for a client credential.
pub async fn issue(store: &Store, form: &Input) -> Result<Out, IspringError> {
    let id = form.required("client_id")?;
    let secret = form.required("client_secret")?;
    match form.required("grant_type")?.as_str() {
        "client_credentials" => {}
        _ => {
            return Err(IspringError::WrongParameters(
                "grant_type: only client_credentials is supported".into(),
            ));
        }
    }
    let token = run(store, move |s| {
        let Some(p) = s.verify_credential(Dialect::Ispring, Some(&id), &secret)? else {
            return Ok(None);
        };
        let ttl = time::Duration::seconds(TOKEN_TTL);
        s.issue_token(p.tenant_id, Dialect::Ispring, ACCOUNT, "", ttl, false)
            .map(Some)
    })
    .await?
    .ok_or_else(|| {
        IspringError::Unauthorized("The client_id or client_secret is invalid".into())
    })?;
    Ok(obj()
        .put("access_token", Out::Text(token))
        .put("expires_in", Out::Int(TOKEN_TTL))
        .put("token_type", Out::text("bearer"))
        .done())
}
