//! LMS365 (Learn365) Cloud API facade over the enrollment ledger, mounted at
//! `/lms365/odata/v2`: OData v4 JSON, errors `{"error": {"code": "...", "message": "..."}}`.
pub mod auth;
pub mod entities;
pub mod error;
pub mod handlers;
pub mod keys;
mod routes;
pub mod wire;

pub use routes::{NAMESPACE, ROOT, configure};
