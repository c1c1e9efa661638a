//! LMS365 (Learn365) Cloud API facade over the enrollment ledger, mounted at
//! `/lms365/odata/v2`: OData v4 JSON, errors `{"error": {"code": "...", "message": "..."}}`.
//!
//! * **Entity sets** ([`entities`]): `Courses` with contained `CourseSessions`,
//!   `CourseCatalogs` (one per tenant, `Id` 1), `Users` and `Enrollments`; the service document
//!   at `/` and the CSDL document at `/$metadata`, which declares exactly what is served.
//! * **Operations** ([`handlers`]): `GET Courses`, `Courses({Id})` (`$expand=CourseSessions`),
//!   `Courses({Id})/CourseSessions`, `POST Courses({Id})/Enroll` (`userLoginName` — an e-mail,
//!   a user name or a claims login such as `i:0#.f|membership|kayb@tenant.onmicrosoft.com`,
//!   all naming the same learner —, `courseSessionId(s)`, `ignoreMaxAttendees`,
//!   `ignoreEnrollmentFlow`); `GET Users`, `Users('{Id}')`; `GET CourseCatalogs`,
//!   `CourseCatalogs({Id})` (`$expand=Courses`), `CourseCatalogs({Id})/Courses`;
//!   `GET Enrollments`, `Enrollments({Id})` (and its `/Course`, `/User`),
//!   `POST Enrollments`, `PATCH Enrollments({Id})` (204), and the bound actions `Cancel`,
//!   `Approve`, `Reject`, `Complete`, `Retake`, `Purge` (204; plain or qualified with
//!   [`NAMESPACE`]).
//! * **Query options** on every collection, through the workspace's one OData
//!   implementation (`odata-filter`): `$filter` compiled to SQL by the ledger, `$orderby`,
//!   `$top`, `$skip`, `$select`, `$expand`, `$count=true`; pages of at most
//!   [`handlers::MAX_PAGE`] with `@odata.nextLink`; `@odata.context` on every answer. Unknown
//!   properties and bad syntax are 400s naming the problem.
//! * **Auth** ([`auth`]): HTTP Basic, user `api` or empty, the API key as password; a
//!   read-only key (its ledger credential's scopes are `read`) gets 403 on writes; 401
//!   otherwise. `LMS365-User-Id` on a write is recorded with the enrollment's actions.
//! * **Webhooks** ([`webhooks`], mounted apart, at `/lms365/webhooks`): subscribe, list and
//!   unsubscribe; deliveries rendered by [`webhooks::background`] (a host adds it to the
//!   ledger's tasks) and sent through the ledger's one outbox.
//! * **Ledger concepts**: the enrollment flow (a course that requires approval leaves
//!   enrollments pending until `Approve`/`Reject`; `ignoreEnrollmentFlow` skips it), seats and
//!   waiting lists (`ignoreMaxAttendees` seats anyway), session rules (a single-session course
//!   without a session awaits the learner's choice, and the learner is mailed; a session on an
//!   "enroll to all sessions" course is refused) are the ledger's, readable by every dialect.
//!
//! # Choices where LMS365's documentation is silent
//! * Ids: courses are numbers (the ledger's crosswalk), enrollments and sessions GUIDs, users
//!   their LMS365 login when they have one, else the ledger's UUID.
//! * `RegistrationStatus`/`CoursePassingStatus` strings come from [`vocab`], this facade's
//!   own table (the cross-dialect test checks it agrees with the other facades').
//! * Enrolling a user already enrolled answers 200 with their current enrollment (201 when
//!   created): repeated and concurrent calls make one enrollment.
//! * `Retake` starts a new enrollment (new `Id`) in the same series; `Cancel` ends one, which
//!   stays readable by `Id` (`Cancelled`, `CancellationReason`); `Enrollments` lists current
//!   enrollments; `Purge` deletes one that is not active.
//! * The README lists every deviation from the vendor.
//!
//! # Embedding
//! Mount [`configure`] under a scope of your actix-web app. The host registers the ledger
//! (`web::Data<enroll_store::Store>`; without it each request is this facade's OData 500 and
//! the log says what is missing), merges repeated slashes and runs the ledger's background
//! tasks ([`enroll_store::tasks`]). A host may register a smaller server page size
//! ([`handlers::PageSize`]). `examples/embed.rs` is a complete program; in short:
//!
//! ```no_run
//! use actix_web::middleware::{NormalizePath, TrailingSlash};
//! use actix_web::{App, HttpServer, web};
//! use enroll_deliveries::{Deliveries, DeliveryOptions};
//! use enroll_store::{Store, tasks::Tasks};
//!
//! # async fn serve() -> std::io::Result<()> {
//! let store = Store::builder("sqlite://data/ledger.db").open().map_err(std::io::Error::other)?;
//! let webhooks = Deliveries::new(DeliveryOptions::default())
//!     .with(lms365_odata::webhooks::background());
//! let running = Tasks::new(store.clone()).worker(webhooks).start();
//! let store = web::Data::new(store);
//! HttpServer::new(move || {
//!     App::new()
//!         .app_data(store.clone())
//!         .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
//!         .service(web::scope("/lms365/odata/v2").configure(lms365_odata::configure))
//!         .service(web::scope("/lms365/webhooks").configure(lms365_odata::webhooks::configure))
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
pub mod entities;
pub mod error;
pub mod handlers;
pub mod keys;
pub mod narrow;
mod routes;
pub mod vocab;
pub mod webhooks;
pub mod wire;

pub use routes::{NAMESPACE, ROOT, configure};
