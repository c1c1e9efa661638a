//! One function per vendor operation.
pub mod invitation_lists;
pub mod invitations;
pub mod oauth;
pub mod registrations;
pub mod tags;

use crate::error::ScormError;
use actix_web::{HttpResponse, web};
use enroll_store::{Store, StoreResult};
use serde_json::Value;

/// Runs store work off the async workers.
pub(crate) async fn run<T: Send + 'static>(
    store: &web::Data<Store>,
    f: impl FnOnce(&Store) -> StoreResult<T> + Send + 'static,
) -> Result<T, ScormError> {
    Ok(store.call(f).await?)
}

/// A 200 JSON list page, with `X-Total-Count` when asked for.
pub(crate) fn page(body: Value, total: Option<i64>) -> HttpResponse {
    let mut r = HttpResponse::Ok();
    if let Some(t) = total {
        r.insert_header(("X-Total-Count", t.to_string()));
    }
    r.json(body)
}
