//! Absorb Integration API v2 facade over the enrollment ledger, mounted at `/absorb`.
//!
//! All 27 enrollment operations of Absorb's enrollments page, plus `POST /authenticate`,
//! `GET /users`, `GET /users/{id}`, `GET /courses`, `GET /courses/{id}` and
//! `GET /openapi.json`: an OpenAPI 3.0 document of exactly these operations
//! ([`handlers::openapi::OPS`]) as the facade behaves — path, query and header parameters
//! with the bounds the handlers enforce, request bodies, every status each operation can
//! answer with its schema (resources closed: every field listed, `nullable` only where it can
//! be null). The client-compat suite runs schemathesis against it
//! (`scripts/client-compat/absorb_schemathesis.sh`).
//!
//! Requests need `x-api-key` (the tenant's private key) and, except `/authenticate`, a token
//! from `POST /authenticate` with body `{"username", "password", "privateKey"}`, sent as
//! `Authorization: Bearer <token>` or as the raw token. Tokens last 4 hours by the ledger
//! clock and a new token for a user revokes the previous one: at once on every HTTP worker
//! of the process that issued it (one credential cache per process,
//! [`enroll_web::credential_cache`], emptied of the user's tokens by `/authenticate` before
//! it answers), and within 25 ms in every other process sharing a PostgreSQL database (the
//! deleted token's `NOTIFY` empties theirs). With SQLite opened shared
//! ([`enroll_store::options::SqliteLocking::Shared`]) tokens are not cached: every request
//! checks its token in the database. API keys are cached 2 s everywhere (no API revokes
//! them). Admins (role `admin`) act on anyone in their tenant; department administrators
//! only on the learners of their department and the departments below it ([`scope`]); a
//! learner's token reaches only `/my-enrollments` (403 elsewhere). The facade reads the
//! store as `web::Data<enroll_store::Store>`, which the host registers (see Embedding).
//!
//! Choices where Absorb's documentation is silent (our conventions, in Absorb's style):
//! * Paths marked uncertain in our research: un-enroll is `POST /enrollments/unenroll` with a
//!   JSON array of enrollment ids and answers **204**; an unknown id in the list is a 422 that
//!   names it and nothing is un-enrolled. Get-by-id is `GET /enrollments/{id}`; the bulk list is
//!   `GET /enrollments?userIds=…&courseIds=…` (repeated or comma-separated; a plain array, no
//!   paging, unknown ids match nothing; see below for its cap); the second "get user's
//!   enrollment" is `GET /courses/{courseId}/enrollments/{userId}`. Finishing an attempt is
//!   `POST /attempts/{attemptId}/finish` or `PUT /attempts/{attemptId}`, and for a specific
//!   user's lesson `POST …/lessons/{lessonId}/attempts/{attemptId}/finish` or `PUT …/{attemptId}`.
//! * `term` strings are the HTTP reason in PascalCase. Page size defaults to 20, max 1000;
//!   `_offset` is a page index, as documented.
//! * Status codes with no canonical twin: 7, 11, 12 read as in progress and 9 as not complete;
//!   create-or-update can set status 1, 3, 4 and 5 (others are 422). Re-sending the status an
//!   enrollment already has is a no-op.
//! * Lists of a user's enrollments include historical ones (`isActive: false`); single gets
//!   return the active enrollment.
//! * `_filter` and `_sort` apply on every list but a session roster: the enrollment lists
//!   (a user's, a course's, a lesson's, `/my-enrollments` and the bulk list) over
//!   [`params::ENROLLMENT_FIELDS`], `GET /users` over [`params::USER_FIELDS`] and
//!   `GET /courses` over [`params::COURSE_FIELDS`] (`id`, `name`, `requiresApproval`,
//!   `capacity`, `dateAdded`, `dateEdited`); the OpenAPI document names each operation's
//!   fields. An expression that does not parse, or names a field not in the list, is a 400 in
//!   Absorb's shape. `_sort` is Absorb's syntax ([`sort`]): `name,-dateAdded`.
//! * The bulk list has no paging, so it answers at most
//!   [`BULK_CAP`](handlers::enrollments::BULK_CAP) (10,000) enrollments: when more match, it is
//!   a 400 giving the count and asking to narrow `userIds`, `courseIds` or `_filter`, never a
//!   silently shortened list.
//! * `GET /courses/{courseId}/sessions/{sessionId}/enrollments` pages with `_limit`/`_offset`
//!   and honours `status`/`modifiedSince`; its `_filter`/`_sort` are not supported and
//!   answer 400 (never silently ignored).
//! * Sign-in (`POST /authenticate`): passwords are stored as PBKDF2-SHA256 hashes at
//!   600,000 rounds; a login repeated with a password this process has already verified
//!   against the same stored hash is answered without hashing again, and an older, weaker
//!   hash is replaced at the next successful login (`enroll_store::secrets`). Failed logins
//!   are throttled per user (the tenant and the username, any case; an unknown username
//!   alike): after 5 failures in a row the account is locked for 30 s, doubling with each
//!   further failure up to 15 minutes, and a failure-free hour starts the count afresh. While
//!   locked, every login of it, right password included, is a **429**
//!   `{"term": "TooManyRequests", …}` in Absorb's error shape with a `Retry-After` header
//!   (seconds); a success clears the count. The count is in the database, shared by every
//!   process on it (`enroll_auth::logins` states the policy). Private keys are not
//!   throttled: they are random keys, not passwords.
//! * `x-api-version`: absent or `2` is served; any other value (Absorb selects v1 behaviour
//!   with `1`, which is not emulated) is a 400 saying only version 2 is implemented. The
//!   document declares it as an optional header with the single value `2`.
//! * Query parameters: the last occurrence wins and names are case-insensitive, as ASP.NET
//!   binds them. A typed parameter (number, flag, date, status) with a value that does not
//!   parse is a 400, an empty one (`_limit=`) included; empty `_filter`/`_sort` mean absent.
//!   `_limit` is 1–1000, `_offset` (a page index) 0–2147483647, `status` 0–12. The deprecated
//!   `limit`/`offset` are used when `_limit`/`_offset` are absent, and are validated whenever
//!   given. Flags (`reEnroll`, `cancelSession`) are `true`/`false` in any case. Bulk
//!   `userIds`/`courseIds`: an empty item is a 400. Unknown parameters are ignored.
//! * Dates (`dateCompleted`, `dateExpires`, `modifiedSince`, attempt `startDate`/
//!   `completionDate`): RFC 3339, or without an offset meaning UTC. The ledger holds UTC years
//!   1 to 9999 (`enroll_domain::clock::storable`: what round-trips through the store and
//!   .NET's `DateTime` and RFC 3339 can render); anything outside is a 400 naming the field,
//!   and nothing is written.
//! * Department administrators (Absorb limits them to their departments; what it answers
//!   for a user outside them is not documented): every list holds only learners of the
//!   caller's department subtree (`GET /users`, a course's enrollments, the bulk list, session
//!   and lesson rosters), and an operation naming a user outside it is answered exactly as for
//!   a user that does not exist — 404 `User not found.`; an enrollment or attempt id of
//!   theirs is `Enrollment not found.` / `Attempt not found.` (404), or, in an un-enroll list,
//!   the 422 naming the id — so nothing about other departments leaks, not even that a user
//!   exists. A department administrator without a department reaches nobody. Courses are the
//!   whole tenant's catalog, and `/my-enrollments` is the caller's own, for every role.
//! * Methods: a known path answers a method it does not take (`TRACE`, `DELETE`, also `HEAD`
//!   and `OPTIONS`, as ASP.NET's attribute routing does) with 405, `Allow` listing its
//!   methods, in the `GenericErrorResponse` shape (`term` `MethodNotAllowed`); unknown paths
//!   are 404.
//! * Request bodies: unknown fields are ignored; a known field of the wrong type, invalid
//!   JSON, or a missing/empty required field is a 400. Create-or-update's `status`: 1, 3, 4,
//!   5 move the enrollment, 0 or null leave it, 2 and 6–12 are 422, others 400.
//!
//! # Embedding
//! Mount [`configure`] under a scope of your actix-web app. The host registers the ledger
//! (`web::Data<enroll_store::Store>`; without it each request is this facade's 500 and the
//! log says what is missing), merges repeated slashes (vendor SDKs send `…//…`) and runs
//! the ledger's background tasks ([`enroll_store::tasks`]). `examples/embed.rs` is a complete
//! program; in short:
//!
//! ```no_run
//! use actix_web::middleware::{NormalizePath, TrailingSlash};
//! use actix_web::{App, HttpServer, web};
//! use enroll_store::{Store, tasks::Tasks};
//!
//! # async fn serve() -> std::io::Result<()> {
//! let store = Store::builder("sqlite://data/ledger.db").open().map_err(std::io::Error::other)?;
//! let running = Tasks::new(store.clone()).start();
//! let store = web::Data::new(store);
//! HttpServer::new(move || {
//!     App::new()
//!         .app_data(store.clone())
//!         .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
//!         .service(web::scope("/absorb").configure(absorb_v2::configure))
//! })
//! .bind("127.0.0.1:8080")?
//! .run()
//! .await?;
//! running.stop();
//! # Ok(()) }
//! ```
//!
//! Features `sqlite` and `postgres` (both default) pass through to `enroll-store`;
//! `default-features = false, features = ["sqlite"]` builds without libpq.
pub mod attributes;
pub mod auth;
pub mod error;
pub mod handlers;
pub mod ids;
pub mod params;
mod routes;
pub mod scope;
pub mod sort;
pub mod vocab;
pub mod wire;

pub use routes::configure;
