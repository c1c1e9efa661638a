//! The admin token check, run before routing inside `/admin/v1`: no path, query or body is
//! looked at (so no schema is revealed) until the caller has shown the token.
use super::AdminError;
use crate::AppState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};

/// Middleware for the admin scope: 401 `{"error": …}` without `Authorization: Bearer <token>`.
pub async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let allowed = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|st| token_matches(req.headers(), &st.admin_token));
    if allowed {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let mut resp = AdminError::Unauthorized.error_response();
    resp.headers_mut().insert(
        actix_web::http::header::WWW_AUTHENTICATE,
        actix_web::http::header::HeaderValue::from_static("Bearer"),
    );
    Ok(req.into_response(resp).map_into_right_body())
}

fn token_matches(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    given.is_some_and(|t| enroll_store::secrets::constant_time_eq(t.as_bytes(), token.as_bytes()))
}
