//! iSpring Learn facade over the enrollment ledger, mounted at `/ispring`: the SOAP service
//! (`POST /soap`, WSDL at `GET /soap?wsdl`) and its REST v3 twin, both on the same ledger.
//! See the crate's README section in the repository for the operations and deviations.
pub mod auth;
pub mod body;
pub mod dates;
pub mod error;
pub mod handlers;
pub mod ids;
pub mod input;
pub mod rest;
mod routes;
pub mod soap;
pub mod value;
pub mod wire;
pub mod xml;

pub use routes::configure;
