//! GetAppToken: `POST /oauth/authenticate/application/token`.
use super::run;
use crate::auth::Auth;
use crate::error::ScormError;
use actix_web::{HttpResponse, web};
use enroll_auth::prelude::*;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use serde::Deserialize;
use serde_json::json;

/// The form fields.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    scope: Option<String>,
    expiration: Option<String>,
}

/// The scopes SCORM Cloud's authentication service documents; anything else is refused (400)
/// when a token is requested, as the vendor's OAuth does.
const SCOPES: &[&str] = &[
    "read",
    "write",
    "delete",
    "admin",
    "read:course",
    "write:course",
    "delete:course",
    "read:dispatch",
    "write:dispatch",
    "delete:dispatch",
    "read:invitation",
    "write:invitation",
    "delete:invitation",
    "read:ping",
    "read:registration",
    "write:registration",
    "delete:registration",
    "read:reporting",
    "read:xapicredential",
    "write:xapicredential",
    "delete:xapicredential",
    "read:xapipipe",
    "write:xapipipe",
    "delete:xapipipe",
    "read:appmgmt",
    "write:appmgmt",
    "delete:appmgmt",
    "read:learner",
    "write:learner",
    "read:about",
];

/// Default and maximum token lifetimes, in seconds.
const DEFAULT_TTL: i64 = 3600;
const MAX_TTL: i64 = 86_400;

/// Issues a bearer token for space-separated `scope`s, valid `expiration` seconds. Only
/// Basic (app id + secret) callers may ask, and only for scopes their credential holds.
pub async fn app_token(
    auth: Auth,
    store: web::Data<Store>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, ScormError> {
    if !auth.basic {
        return Err(ScormError::Forbidden(
            "tokens are issued to the app id and secret key (HTTP Basic) only".into(),
        ));
    }
    let f = form.into_inner();
    let scope = f.scope.unwrap_or_default();
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    if scopes.is_empty() {
        return Err(ScormError::BadRequest("scope is required".into()));
    }
    for s in &scopes {
        if !SCOPES.contains(s) {
            return Err(ScormError::BadRequest(format!(
                "'{s}' is not a valid scope"
            )));
        }
        auth.require(s)?;
    }
    let ttl = match f.expiration.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_TTL,
        Some(e) => match e.parse::<i64>() {
            Ok(n) if (1..=MAX_TTL).contains(&n) => n,
            _ => {
                return Err(ScormError::BadRequest(format!(
                    "expiration must be 1 to {MAX_TTL} seconds"
                )));
            }
        },
    };
    let (t, app, joined) = (auth.tenant_id, auth.app_id.clone(), scopes.join(" "));
    let token = run(&store, move |s| {
        s.issue_token(
            t,
            Dialect::ScormCloud,
            &app,
            &joined,
            time::Duration::seconds(ttl),
            false,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "access_token": token, "expires_in": ttl, "token_type": "Bearer",
    })))
}
