//! Request bodies, read up to [`LIMIT`] bytes: a larger body is refused as soon as it passes
//! the limit (in the vendor's shape), without reading the rest.
use crate::error::IspringError;
use actix_web::web::{self, Bytes, BytesMut};
use futures_util::StreamExt;

/// The largest body accepted (a bulk enroll of 10,000 learners in 100 courses is about
/// 600 KB of XML).
pub const LIMIT: usize = 2 * 1024 * 1024;

/// The whole body, at most [`LIMIT`] bytes.
pub async fn read(mut payload: web::Payload) -> Result<Bytes, IspringError> {
    let mut buf = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            IspringError::WrongParameters(format!("the request body could not be read: {e}"))
        })?;
        if buf.len() + chunk.len() > LIMIT {
            return Err(IspringError::TooLarge(LIMIT));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}
