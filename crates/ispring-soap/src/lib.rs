//! iSpring Learn SOAP facade, mounted at `/ispring` (endpoint `/ispring/soap`).
//!
//! Errors are SOAP 1.1 Faults with iSpring's fault strings (`Authorization failed`,
//! `Wrong parameters`, `Permission denied`).
pub mod error;
mod routes;

pub use routes::configure;
