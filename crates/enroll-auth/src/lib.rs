//! Signing in to the ledger, a feature any dialect may use: bearer tokens ([`tokens`]: random
//! secrets stored as hashes, checked by the ledger's clock), OAuth 2.0 ([`oauth`]: clients
//! over the ledger's credentials, one-time authorization codes, refresh tokens bound to their
//! client and grant, client credentials, revocation) and password logins ([`logins`]: hashed
//! at today's cost, throttled per account in the database).
//!
//! The operations are extension traits of [`enroll_store::Store`]; bring them into scope with
//! `use enroll_auth::prelude::*`:
//!
//! ```no_run
//! use enroll_auth::prelude::*;
//! # fn f(store: &enroll_store::Store, token: &str) -> enroll_store::StoreResult<()> {
//! let valid = store.check_token(enroll_domain::model::Dialect::Absorb, token)?;
//! # Ok(()) }
//! ```
//!
//! The tables (credentials, tokens, login failures) are the core's: tenants own their
//! credentials, and a tenant's reset and the pruning task reach them there.
//!
//! # Features
//! * `sqlite`, `postgres` (both default): the backends, as `enroll-store`'s.
pub mod logins;
pub mod oauth;
pub mod tokens;

/// The operations' traits, to bring into scope at once.
pub mod prelude {
    pub use crate::logins::PasswordLogins;
    pub use crate::oauth::OAuth;
    pub use crate::tokens::BearerTokens;
}
