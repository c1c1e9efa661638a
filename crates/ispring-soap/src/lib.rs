//! iSpring Learn facade, mounted at `/ispring` (endpoint `/ispring/soap`).
pub mod body;
pub mod dates;
pub mod error;
pub mod input;
mod routes;
pub mod soap;
pub mod value;
pub mod xml;

pub use routes::configure;
