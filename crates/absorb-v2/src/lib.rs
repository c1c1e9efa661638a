//! Absorb Integration API v2 facade, mounted at `/absorb`.
pub mod error;
mod routes;

pub use routes::configure;
