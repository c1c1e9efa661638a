//! One function per TrainerCentral operation (the accounts side in [`oauth`] and
//! [`consent`]), and what they share: running store work, JSON bodies, paging.
pub mod attendees;
pub mod consent;
pub mod courses;
pub mod members;
pub mod oauth;

use crate::error::TcError;
use enroll_store::{Store, StoreResult};
use serde_json::Value;
use std::collections::HashMap;

/// Runs a unit of work off the async workers (admitted by the ledger's queue) and maps store
/// errors to TrainerCentral's.
pub(crate) async fn run<T, F>(store: &Store, f: F) -> Result<T, TcError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
{
    Ok(store.call(f).await?)
}

/// A JSON object body, whatever the request's content type says.
pub fn json_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, TcError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(TcError::invalid(
            "body",
            "The request body must be a JSON object",
        )),
        Err(e) => Err(TcError::invalid(
            "body",
            format!("The request body is not valid JSON: {e}"),
        )),
    }
}

/// A query string as a map (repeated names: the last wins).
pub fn query(q: &str) -> Result<HashMap<String, String>, TcError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .map(|v| v.into_iter().collect())
        .map_err(|e| TcError::invalid("query", format!("The query string is malformed: {e}")))
}

/// The default and largest `limit`.
pub const LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// `limit` (1–200, default 50) and `si` (the record offset, from 0).
pub fn page(q: &HashMap<String, String>) -> Result<(i64, i64), TcError> {
    let num = |name: &str, min: i64, max: i64, default: i64| match q.get(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                TcError::invalid(
                    name,
                    format!("{name} must be a whole number from {min} to {max}"),
                )
            }),
    };
    Ok((
        num("limit", 1, MAX_LIMIT, LIMIT)?,
        num("si", 0, i64::from(i32::MAX), 0)?,
    ))
}
