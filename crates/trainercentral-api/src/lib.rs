//! TrainerCentral (Zoho) API v4 facade over the enrollment ledger, with the accounts side
//! its integrations get tokens from. Mount [`configure`] at `/trainercentral`:
//!
//! * **Accounts** (`/oauth/v2`, Zoho Accounts' paths): `GET /auth` (`scope`, `client_id`,
//!   `response_type=code`, `redirect_uri`, `access_type`, `state`, `prompt`) shows a consent
//!   page where an administrator of the portal signs in; allowing redirects to the client's
//!   registered `redirect_uri` with a `code` valid two minutes, used once. `POST /token` with
//!   `grant_type=authorization_code` (a refresh token too when `access_type=offline`),
//!   `refresh_token` or `client_credentials` answers `{access_token, refresh_token?, scope,
//!   api_domain, token_type, expires_in: 3600}`; `POST /token/revoke?token=` ends a token (a
//!   refresh token with every access token made from it). Parameters in the query string or
//!   a form body. Errors `{"error": "invalid_code"}` and the like ([`error::OAuthError`]).
//!   Clients are the ledger's credentials of the `trainercentral` dialect with redirect URIs
//!   (`redirectUris` in the seed); lifetimes run on the ledger's clock ([`enroll_auth::oauth`]).
//! * **API** (`/api/v4/{orgId}`), with `Authorization: Zoho-oauthtoken <t>` or `Bearer <t>`
//!   and the operation's scope ([`auth`]): `POST addCourseAttendee.json`,
//!   `PUT|POST updateCourseAttendee/{courseMemberId}.json`,
//!   `GET course/{courseId}/courseMembers.json`,
//!   `GET course/{courseId}/courseMember/{courseMemberId}/courseEngagement.json`,
//!   `GET portalMembers.json?type=5`, `DELETE portalMembers/{id}.json`,
//!   `GET fetchuserdetails.json?email=`, `GET courses.json`,
//!   `GET courses/{courseId}.json`; and `GET /api/v4/org/portals.json`.
//!
//! # The ledger in TrainerCentral's terms
//! The portal (orgId) is the tenant; academy learners (portal members) are its learners and
//! courses its courses, named by numbers ([`ids`]). A course member is a learner's enrollment
//! series in a course, its `courseMemberId` the series' number: an attendee added here is the
//! same enrollment in every other dialect, and progress made anywhere is its
//! `completionPercentage`. Status codes (strings): `1` active, `2` access requested, `3`
//! completed, `4` revoked (cancelled, declined or expired), `0` invited
//! ([`vocab`]).
//!
//! # Choices where TrainerCentral's documentation is silent
//! * Errors: `{"code", "message", "status": "error", "details"}` (the Zoho API convention),
//!   codes `INVALID_DATA` / `MANDATORY_NOT_FOUND` / `DUPLICATE_DATA` (400),
//!   `INVALID_OAUTHTOKEN` / `INVALID_OAUTHSCOPE` (401), `RESOURCE_NOT_FOUND` /
//!   `INVALID_URL_PATTERN` (404), `INVALID_REQUEST_METHOD` (405), `SERVICE_UNAVAILABLE` (503).
//!   Another portal's orgId or ids are `RESOURCE_NOT_FOUND`, as unknown ones.
//! * `addCourseAttendee` answers 200 `{courseMember: [member], portalMember}` (without a
//!   course only `portalMember`). A learner already enrolled in the course, or (without a
//!   course) already an academy learner, is `DUPLICATE_DATA` and nothing changes; any
//!   number of identical concurrent calls make one enrollment. `expiryTime` (Unix ms, in the
//!   future) is when the enrollment expires on the ledger's clock.
//! * `updateCourseAttendee` takes `{"courseMember": {"status": "4"|"1"}}` (also
//!   `{"courseMembers": [{…}]}` and `{"courseAttendee": {…}}`): `4` revokes (cancels the
//!   enrollment; rejects a pending request), `1` grants access again (a revoked member gets a
//!   new enrollment under the same courseMemberId, a completed or expired one starts over as
//!   the next enrollment of its series, a pending request is accepted). It answers
//!   `{courseMember: [member]}`.
//! * Lists: `limit` 1–200 (default 50), `si` the offset from 0. `courseMembers.json` lists
//!   current members (revoked ones are left out); `filter=2` only pending requests.
//!   `portalMembers.json` lists every academy member, administrators included (their role
//!   `1`). `courses.json` accepts `filter` 1–4 and every course matches.
//! * `DELETE portalMembers/{id}.json` deletes the learner with every enrollment of theirs
//!   (in every dialect) and answers `{"code": "SUCCESS", "status": "success", …}`.
//!
//! # Embedding
//! Mount [`configure`] under a scope of your actix-web app. The host registers the ledger
//! (`web::Data<enroll_store::Store>`; without it each request is this facade's 500 in
//! Zoho's shape and the log says what is missing), merges repeated slashes and runs the
//! ledger's background tasks ([`enroll_store::tasks`]: the expiry sweep persists
//! `expiryTime`). `examples/embed.rs` is a complete program; in short:
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
//!         .service(web::scope("/trainercentral").configure(trainercentral_api::configure))
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
pub mod auth;
pub mod error;
pub mod handlers;
pub mod ids;
mod routes;
pub mod vocab;
pub mod wire;

pub use routes::configure;
