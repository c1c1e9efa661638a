//! SCORM Cloud API v2 facade (invitations and registrations), mounted at `/scormcloud/api/v2`.
pub mod error;
mod routes;

pub use routes::configure;
