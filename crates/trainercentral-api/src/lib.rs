//! TrainerCentral (Zoho) API v4 facade, mounted at `/trainercentral/api/v4/{orgId}`.
//!
//! Errors: TrainerCentral does not document its error body. We answer in the Zoho API
//! convention `{"code": "...", "message": "...", "status": "error", "details": {}}`
//! (see [`error::TcError`]); this is our documented choice.
pub mod error;
mod routes;

pub use routes::configure;
