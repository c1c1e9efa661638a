//! Merging repeated slashes in request paths (the official SCORM Cloud Python SDK sends
//! `…/v2//invitations`).
//!
//! actix's `NormalizePath::new(TrailingSlash::MergeOnly)` does the same, but runs a regex
//! replace on every request's path; this checks for `//` first, so the common, already
//! normal path costs one substring scan.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::middleware::Next;

/// Middleware (`App::wrap(from_fn(merge_slashes))`): rewrites `a//b///c` to `a/b/c` before
/// routing, keeping the query string.
pub async fn merge_slashes(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.path().contains("//") {
        let mut path = String::with_capacity(req.path().len());
        for ch in req.path().chars() {
            if !(ch == '/' && path.ends_with('/')) {
                path.push(ch);
            }
        }
        let uri = req.uri();
        let rebuilt = match uri.query() {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let mut parts = uri.clone().into_parts();
        // The merged path is a subset of a valid path; should it still not parse, route the
        // request unchanged (it then gets the mount's not-found answer).
        if let Ok(pq) = rebuilt.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(new) = Uri::from_parts(parts) {
                req.match_info_mut().get_mut().update(&new);
                req.head_mut().uri = new;
            }
        }
    }
    next.call(req).await
}
