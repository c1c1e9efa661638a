//! LMS365 (Learn365) OData v2 facade, mounted at `/lms365/odata/v2`.
//!
//! Errors use the OData v4 JSON error body `{"error": {"code": "...", "message": "..."}}`.
pub mod error;
mod routes;

pub use routes::configure;
