//! Absorb Integration API v2 facade over the enrollment ledger, mounted at `/absorb`.
//!
//! All 27 enrollment operations of Absorb's enrollments page, plus `POST /authenticate`,
//! `GET /users` (`_filter`), `GET /users/{id}`, `GET /courses`, `GET /courses/{id}` and
//! `GET /openapi.json` (the list of what is implemented: [`handlers::openapi::ROUTES`]).
//!
//! Requests need `x-api-key` (the tenant's private key) and, except `/authenticate`, a token:
//! `Authorization: Bearer <token>` or the raw token. Tokens last 4 hours by the ledger clock
//! and a new token for a user revokes the previous one. Admin users act on anyone in their
//! tenant; a learner's token reaches only `/my-enrollments` (403 elsewhere). The facade reads
//! the store as `web::Data<enroll_store::Store>`, which the host registers.
//!
//! Choices where Absorb's documentation is silent (our conventions, in Absorb's style):
//! * Paths marked uncertain in our research: un-enroll is `POST /enrollments/unenroll` with a
//!   JSON array of enrollment ids and answers **204**; an unknown id in the list is a 422 that
//!   names it and nothing is un-enrolled. Get-by-id is `GET /enrollments/{id}`; the bulk list is
//!   `GET /enrollments?userIds=…&courseIds=…` (repeated or comma-separated; a plain array, no
//!   paging, unknown ids match nothing); the second "get user's enrollment" is
//!   `GET /courses/{courseId}/enrollments/{userId}`. Finishing an attempt is
//!   `POST /attempts/{attemptId}/finish` or `PUT /attempts/{attemptId}`, and for a specific
//!   user's lesson `POST …/lessons/{lessonId}/attempts/{attemptId}/finish` or `PUT …/{attemptId}`.
//! * `term` strings are the HTTP reason in PascalCase. Page size defaults to 20, max 1000;
//!   `_offset` is a page index, as documented.
//! * Status codes with no canonical twin: 7, 11, 12 read as in progress and 9 as not complete;
//!   create-or-update can set status 1, 3, 4 and 5 (others are 422). Re-sending the status an
//!   enrollment already has is a no-op.
//! * Lists of a user's enrollments include historical ones (`isActive: false`); single gets
//!   return the active enrollment.
//! * `GET /courses/{courseId}/sessions/{sessionId}/enrollments` pages with `_limit`/`_offset`
//!   and honours `status`/`modifiedSince`; its `_filter`/`_sort` are not supported yet.
pub mod auth;
pub mod auth_cache;
pub mod error;
pub mod handlers;
pub mod ids;
pub mod params;
mod routes;
pub mod wire;

pub use routes::configure;
