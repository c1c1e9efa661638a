//! iSpring Learn facade over the enrollment ledger, mounted at `/ispring`: the SOAP service and
//! its REST v3 twin, one ledger behind both.
//!
//! * **SOAP** at `POST /soap`, the WSDL 1.1 document (document/literal, XSD inline, SOAP 1.1
//!   and 1.2 bindings) at `GET /soap?wsdl`. Operations ([`soap::OPERATIONS`]):
//!   `enrollLearnersInCourses`, `getEnrollment`, `getEnrollments`, `changeEnrollment`,
//!   `reenroll`, `deleteEnrollments`, `getUser`, `getUsers`, `getContent`, `getContents`,
//!   `getLearnerResults`. Request elements are `<XxxRequest>` with `<credentials>` first;
//!   results are `SuccessResult{success}`, `GetEnrollmentResult{enrollment}`, … with the REST
//!   schemas' field names. Callers may send SOAP 1.1 or 1.2, the `http://` or the documented
//!   `https://` envelope and service namespaces (answered in the ones they used), prefixes or
//!   a default namespace, dates as `2019-09-24 10:30:00` or ISO 8601, optional elements
//!   omitted or empty. Faults carry iSpring's `faultstring`s (`Authorization failed`,
//!   `Wrong parameters`, `Permission denied`), `faultcode` `client`/`server` and the reason in
//!   `<detail><message>`; SOAP 1.1 faults are HTTP 500.
//! * **REST v3** ([`rest::ops`]): `POST /api/v3/token`, `POST|GET /enrollment`,
//!   `GET|POST /enrollments`, `GET|POST /enrollment/{id}`, `POST /enrollment/{id}/reenroll`,
//!   `POST /enrollment/delete`, `GET /user`, `GET /user/{id}`, `POST /users/find_existing`,
//!   `GET /content`, `GET /contents`, `GET /content/{id}`, `GET /learners/results`,
//!   `POST /statistics/course`, `POST /statistics/module`, `GET /task/{taskId}/status`. JSON,
//!   or XML (`<response>…`) when `Accept`/`Content-Type` ask for it; errors `{code, message}`.
//! * **Credentials** ([`auth`]): a token from `/api/v3/token` (client credentials, 1800 s of
//!   ledger time) on both transports — `Authorization: Bearer <t>`, the bare token, or
//!   `<credentials><token>` — acting for the account; or an account user's `accountUrl`,
//!   `email` and `password` (SOAP) / `X-Auth-Account-Url`, `X-Auth-Email`, `X-Auth-Password`
//!   (REST), acting with that user's role. The account URL names the tenant by its iSpring id
//!   (its host, e.g. `demo.ispringlearn.com`).
//! * **Permissions**: the ledger's one rule ([`enroll_domain::access`]): the account and
//!   administrators reach everyone, department administrators the learners of their
//!   departments and sub-departments, learners nobody (`Permission denied`). Writes check it
//!   in their own transaction; lists hold only reachable learners; a read by id outside the
//!   scope is `Permission denied`.
//!
//! # Choices where iSpring's documentation is silent
//! * Enrolling a learner already enrolled in a course leaves that enrollment as it is and the
//!   call still succeeds, so bulk calls can be repeated. A bulk call is one transaction:
//!   an unknown course or learner id is `Wrong parameters` naming it, and nothing is written.
//! * `reenroll` archives the enrollment and continues it with a new one (a new
//!   `enrollmentId`; the old id then answers 404). `deleteEnrollments` cancels and archives.
//! * Dates: `Enrollment` dates are `YYYY-MM-DD` (its schema's `format: date`), other dates RFC
//!   3339, all UTC. A bare `dueDate` is due by the end of that day. `dueDateType=default`
//!   takes the course's default due date or period (`defaultDue` in the seed), or none.
//!   `duePeriod` counts hours from the access date. After a due date with `lockAfterDueDate`
//!   the enrollment locks: it expires in the ledger (`isOverdue`, status `incomplete` here);
//!   changing its schedule later does not unlock it, `reenroll` does.
//! * `statistics/course`: `complete`/`passed` complete (with `awardedScore`), `failed` fails,
//!   `incomplete` marks not complete, `automatic` changes nothing; `statistics/module`: any
//!   module status starts a not-started enrollment (the ledger keeps no per-module state).
//!   Both run at once and answer a task id whose status is `complete`.
//! * Content items are the ledger's courses (type `Course`); users are the ledger's learners,
//!   all active. Pages: `pageSize` 1–1000 (default 100), `pageToken` as handed out. The
//!   unpaged `GET /enrollment` answers at most 10,000 enrollments (more: `Wrong parameters`).
//!   An enroll call takes at most 10,000 learners, 10,000 courses and 200,000 pairs; bodies
//!   at most 2 MiB ([`body::LIMIT`]).
//! * The README lists every deviation from the vendor.
//!
//! # Embedding
//! Mount [`configure`] under a scope of your actix-web app. The host registers the ledger
//! (`web::Data<enroll_store::Store>`; without it each request is this facade's 500 — a SOAP
//! Fault on `/soap`, `{code, message}` elsewhere — and the log says what is missing), merges
//! repeated slashes and runs the ledger's background tasks ([`enroll_store::tasks`]: the
//! expiry sweep persists locking after due dates). `examples/embed.rs` is a complete program;
//! in short:
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
//!         .service(web::scope("/ispring").configure(ispring_soap::configure))
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
pub mod vocab;
pub mod wire;
pub mod xml;

pub use routes::configure;
