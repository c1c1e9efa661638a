//! The accounts side's token endpoint, as Zoho Accounts has it: POST `/oauth/v2/token`
//! (`grant_type` `authorization_code`, `refresh_token` or `client_credentials`; parameters in
//! the query string, as Zoho's examples send them, or a form body) and POST
//! `/oauth/v2/token/revoke?token=`. Errors are `{"error": "<code>"}` with status 400.
use super::run;
use crate::auth::{ACCESS_TTL, parse_scopes};
use crate::error::OAuthError;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_auth::oauth::{GrantError, Issued};
use enroll_auth::prelude::*;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use serde_json::json;
use std::collections::HashMap;

const TC: Dialect = Dialect::TrainerCentral;

/// The request's parameters: the query string, then a form body over it.
pub fn params(req: &HttpRequest, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let parse = |s: &[u8]| {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(s)
            .map_err(|_| OAuthError::bad("invalid_request"))
    };
    let mut all: HashMap<String, String> =
        parse(req.query_string().as_bytes())?.into_iter().collect();
    let form = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if form || (!body.is_empty() && body.iter().all(|b| b.is_ascii_graphic())) {
        all.extend(parse(body)?);
    }
    Ok(all)
}

/// Where the API is, as the token answer's `api_domain` (the mount this request came in
/// under).
fn api_domain(req: &HttpRequest) -> String {
    let info = req.connection_info();
    let path = req.path();
    let mount = path.find("/oauth/v2/").map_or("", |i| &path[..i]);
    format!("{}://{}{mount}", info.scheme(), info.host())
}

fn answer(req: &HttpRequest, i: &Issued) -> HttpResponse {
    let mut body = json!({
        "access_token": i.access_token,
        "scope": i.scopes,
        "api_domain": api_domain(req),
        "token_type": "Bearer",
        "expires_in": i.expires_in.whole_seconds(),
    });
    if let Some(r) = &i.refresh_token {
        body["refresh_token"] = json!(r);
    }
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(body)
}

/// Zoho's word for a refused grant; a wrong secret of a known client is
/// `invalid_client_secret`.
async fn refused(store: &Store, client_id: String, e: GrantError) -> OAuthError {
    OAuthError::bad(match e {
        GrantError::InvalidClient => {
            match run(store, move |s| s.oauth_client(TC, &client_id)).await {
                Ok(Some(_)) => "invalid_client_secret",
                _ => "invalid_client",
            }
        }
        GrantError::InvalidCode | GrantError::InvalidRefreshToken => "invalid_code",
        GrantError::RedirectMismatch => "invalid_redirect_uri",
    })
}

/// POST `/oauth/v2/token`.
pub async fn token(
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let p = params(&req, &body)?;
    let get = |k: &str| {
        p.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let need = |k: &str| get(k).ok_or_else(|| OAuthError::bad("invalid_request"));
    let grant = need("grant_type").map_err(|_| OAuthError::bad("unsupported_grant_type"))?;
    let client_id = need("client_id").map_err(|_| OAuthError::bad("invalid_client"))?;
    let secret = need("client_secret").map_err(|_| OAuthError::bad("invalid_client_secret"))?;
    let id = client_id.clone();
    let out = match grant.as_str() {
        "authorization_code" => {
            let code = need("code").map_err(|_| OAuthError::bad("invalid_code"))?;
            let uri = get("redirect_uri");
            run(&store, move |s| {
                s.redeem_code(TC, &id, &secret, &code, uri.as_deref(), ACCESS_TTL)
            })
            .await?
        }
        "refresh_token" => {
            let refresh = need("refresh_token").map_err(|_| OAuthError::bad("invalid_code"))?;
            run(&store, move |s| {
                s.refresh_access(TC, &id, &secret, &refresh, ACCESS_TTL)
            })
            .await?
        }
        "client_credentials" => {
            let scopes = get("scope")
                .and_then(|s| parse_scopes(&s))
                .ok_or_else(|| OAuthError::bad("invalid_scope"))?;
            let client = run(&store, {
                let id = id.clone();
                move |s| s.oauth_client(TC, &id)
            })
            .await?;
            if let Some(c) = client {
                let asked: Vec<&str> = scopes.iter().map(String::as_str).collect();
                if !c.refused_scopes(&asked).is_empty() {
                    return Err(OAuthError::bad("invalid_scope"));
                }
            }
            let joined = scopes.join(" ");
            run(&store, move |s| {
                s.client_credentials(TC, &id, &secret, &joined, ACCESS_TTL)
            })
            .await?
            .map(|(_, issued)| issued)
        }
        _ => return Err(OAuthError::bad("unsupported_grant_type")),
    };
    match out {
        Ok(issued) => Ok(answer(&req, &issued)),
        Err(e) => Err(refused(&store, client_id, e).await),
    }
}

/// POST `/oauth/v2/token/revoke?token=`: ends an access token, or a refresh token with every
/// access token made from it. An unknown token is no error (RFC 7009).
pub async fn revoke(
    req: HttpRequest,
    store: web::Data<Store>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let p = params(&req, &body)?;
    let token = p
        .get("token")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OAuthError::bad("invalid_request"))?;
    run(&store, move |s| s.revoke_token(TC, &token)).await?;
    // Before the answer: no worker of this process may accept a revoked token after it.
    crate::auth::forget_tokens();
    Ok(HttpResponse::Ok().json(json!({ "status": "success" })))
}
