//! SCORM Cloud API v2 facade (invitations and registrations), mounted at `/scormcloud/api/v2`.
//!
//! Every operation works on the durable ledger through [`enroll_store::Store`]: a SCORM
//! registration is an ordinary enrollment that every other dialect sees.
//!
//! # Choices where the vendor's behaviour is not documented
//! * Registrations created by the API or by invitations start as `not_started` enrollments
//!   (in SCORM Cloud an invitation *is* the registration; the ledger's `invited` state is for
//!   invitations that must be accepted first). A launch applies `Start` (→ `INCOMPLETE`).
//! * `POST /registrations` answers 204; a duplicate `registrationId` is 400. If the learner
//!   already has an active enrollment in the course that no registration owns (e.g. made
//!   through Absorb), the registration adopts it; if another registration owns it, 400 (the
//!   ledger keeps one active enrollment per learner and course: use a new instance).
//! * Learners are found by their SCORM id (the ledger's identifier crosswalk); unknown ones
//!   are created with that id (username `scormcloud:<id>`). A learner made in another dialect
//!   has no SCORM id of its own: it appears with its ledger UUID as `learner.id`, and that id
//!   works in requests. Invitation addresses are matched by SCORM id, then by e-mail, else a
//!   learner whose SCORM id is the address is created.
//! * New instance and reset both re-enroll: the old enrollment is archived as history and a
//!   fresh one becomes current (a reset keeps the instance number).
//! * `duplicateRegistrationOption` compares with the learner's latest registration for the
//!   course. `FAIL` skips the address and lists it in `errors`; a job with errors ends in
//!   `ERROR`. `processed` counts handled addresses (sent or skipped), so it reaches `total`.
//!   `CREATE_NEW` archives the old registration's enrollment (one active per learner/course):
//!   the old registration then answers 404, its history stays in the ledger.
//! * A public invitation's sign-up page never hands a visitor someone else's registration.
//!   An address the ledger does not know signs up at once, as in SCORM Cloud: a new learner,
//!   a registration, and a redirect (303) to its link. An address the ledger knows (a learner
//!   has it, or it signed up on this invitation before) must be proven: the answer is a
//!   "Check your mail" page (200) that shows nothing of the learner, and the address's
//!   mailbox (the mail outbox, topic `scormcloud.sign_up`) gets the link. Following it signs
//!   the address up then: the invitation's switches, expiry and cap apply at that moment
//!   (the sign-up counts toward `registrationCount` only then), and a learner who already has
//!   an active enrollment in the course (from another registration or dialect) joins it, no
//!   second enrollment is made. The typed name changes no existing learner's profile. One
//!   such mail per address and invitation every 5 minutes (ledger clock); the page is the
//!   same either way.
//! * Invalid addresses make the create call fail with 400 (naming the address); duplicates in
//!   the list are invited once. Addresses are stored lower-cased.
//! * Lists return 100 items per page. `filterBy` values: registrations `registration_id`
//!   (default), `course_id`, `course_title`, `learner_id`, `learner_first_name`,
//!   `learner_last_name`, `learner_email`; invitations `invitation_id` (default), `course_id`,
//!   `course_title`, `creating_user_email`; user invitations `email`. `filter` is a
//!   case-insensitive substring match. `orderBy`: `created_asc`, `created_desc` (default),
//!   `updated_asc`, `updated_desc`. `datetimeFilter`: `created` (default), `updated`.
//! * Tags: `PUT …/tags` replaces, the batch `PUT …/tags` adds, `DELETE` removes the listed tags.
//! * A missing token scope is 403 `{"message"}`; tokens last `expiration` seconds (default
//!   3600, at most 86400). `read`/`write` grant every `read:*`/`write:*` scope.
//! * Post-backs are JSON `RegistrationSchema` bodies; `authType` `HTTPBASIC` adds Basic auth,
//!   `FORM` posts a form with `data` (the JSON), `username` and `password`. The post-back
//!   password is never echoed in responses. `postBackTest` enqueues one such delivery.
//! * The mail outbox stores each invitation mail (plain text; the learner's link is appended
//!   to the body) instead of sending it; the admin API lists it.
//! * Learner pages (`/learn/…` under the mount): `launch/{token}` (launch links, valid for
//!   `expiry` seconds), `invite/{token}` (a learner's invitation link, reusable), `join/{token}`
//!   (a public invitation's sign-up form). There is no course content: the launched page shows
//!   the registration's state and a form that reports what a SCORM runtime would (progress,
//!   seconds, score, passed or failed) to `session/{token}`; each visit is a launch
//!   (`attempts` counts them, `launchHistory` lists them), a report updates its launch
//!   (`lastRuntimeUpdate`) and the registration. Input the form cannot take is a 400 page. A
//!   session takes reports for 4 hours after its launch (ledger clock); later, its page is
//!   the 404 "invalid or has expired" page and the learner launches again.
//! * Every token in a learner page's URL is a bearer capability. Launch links and sessions
//!   are random and stored only hashed (shown once, like API tokens). Invitation links and
//!   sign-up pages, which `url` shows on every read, are stored nowhere: each is the record's
//!   id with a MAC under the host's link key (`enroll_store::links`), so a copy of the
//!   database opens none; a forged or swapped token is the 404 page.
//! * `firstAccessDate` is the first launch, or the first learning activity when that came
//!   earlier (a registration completed through an API and launched afterwards keeps its
//!   `firstAccessDate` at or before `completedDate`); `lastAccessDate` the last launch.
//! * A registration has one id: an explicit `registrationId` (or one adopted for an
//!   enrollment made elsewhere) replaces the ledger id, which then answers 404. Learners and
//!   courses likewise: one with a SCORM id is not found by its ledger UUID.
//! * `course.version` is the course version the enrollment was made with (the admin API
//!   publishes new versions); `_` (the JavaScript SDK's cache-buster) is accepted on every
//!   GET; on the operations that take query parameters (lists, reads, launch history) any
//!   other unknown one is 400.
//!
//! # Embedding
//! Mount [`configure`] under a scope of your actix-web app. The host registers the ledger
//! (`web::Data<enroll_store::Store>`; without it each request is this facade's 500 and the
//! log says what is missing; open it with a link key kept outside the database,
//! `StoreBuilder::link_key`, so that a copy of the database opens no invitation link) and its
//! [`Links`] (where the facade is reachable: invitation and launch links point there), merges repeated slashes (the official Python SDK sends
//! `…/v2//invitations`) and runs the ledger's background tasks ([`enroll_store::tasks`]) with
//! this facade's [`background`] (post-backs) and [`invitation_worker`] (private-invitation
//! jobs) added.
//! `examples/embed.rs` is a complete program; in short:
//!
//! ```no_run
//! use actix_web::middleware::{NormalizePath, TrailingSlash};
//! use actix_web::{App, HttpServer, web};
//! use enroll_deliveries::{Deliveries, DeliveryOptions};
//! use enroll_store::{Store, tasks::Tasks};
//!
//! # async fn serve() -> std::io::Result<()> {
//! let store = Store::builder("sqlite://data/ledger.db").open().map_err(std::io::Error::other)?;
//! let links = scormcloud_invitations::Links::new("http://127.0.0.1:8080/scormcloud/api/v2");
//! let running = Tasks::new(store.clone())
//!     .worker(Deliveries::new(DeliveryOptions::default()).with(scormcloud_invitations::background()))
//!     .worker(scormcloud_invitations::invitation_worker(links.clone()))
//!     .start();
//! let links = web::Data::new(links);
//! let store = web::Data::new(store);
//! HttpServer::new(move || {
//!     App::new()
//!         .app_data(store.clone())
//!         .app_data(links.clone())
//!         .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
//!         .service(web::scope("/scormcloud/api/v2").configure(scormcloud_invitations::configure))
//! })
//! .bind("127.0.0.1:8080")?
//! .run()
//! .await?;
//! running.stop();
//! # Ok(()) }
//! ```
//!
//! Features `sqlite`, `postgres` and `deliveries` (post-backs; all default) pass through to
//! `enroll-store`;
//! `default-features = false, features = ["sqlite"]` builds without libpq.
pub mod auth;
pub mod error;
mod handlers;
mod pages;
mod player;
pub mod postback;
pub mod query;
pub mod render;
mod routes;
pub mod vocab;
pub mod wire;

use actix_web::{HttpRequest, web};
pub use routes::configure;

/// What this facade adds to the ledger's outbound deliveries
/// ([`enroll_deliveries::Deliveries::with`]): registration post-backs.
pub fn background() -> enroll_deliveries::Background {
    enroll_deliveries::Background::new().postback(render::postback)
}

/// The worker this facade adds to the ledger's background tasks
/// ([`enroll_store::tasks::Tasks::worker`]): private invitations' jobs, with their mails (their
/// links under `links`, the URL this facade is mounted at).
pub fn invitation_worker(links: Links) -> enroll_invitations::InvitationWorker {
    enroll_invitations::InvitationWorker::new(move |ctx| render::invitation_mail(&links, ctx))
}

/// Absolute links to the learner pages. The gateway registers one (from its public URL);
/// without it, links are derived from the request.
#[derive(Debug, Clone)]
pub struct Links {
    base: String,
}

impl Links {
    /// `base` is the facade's mount URL, e.g. `http://127.0.0.1:8080/scormcloud/api/v2`.
    pub fn new(base: impl Into<String>) -> Self {
        Self {
            base: base.into().trim_end_matches('/').to_string(),
        }
    }

    /// A launch link's page.
    pub fn launch(&self, token: &str) -> String {
        format!("{}/learn/launch/{token}", self.base)
    }

    /// A learner's invitation link.
    pub fn invite(&self, token: &str) -> String {
        format!("{}/learn/invite/{token}", self.base)
    }

    /// A launched session's report form target.
    pub fn session(&self, token: &str) -> String {
        format!("{}/learn/session/{token}", self.base)
    }

    /// A public invitation's sign-up page.
    pub fn join(&self, token: &str) -> String {
        format!("{}/learn/join/{token}", self.base)
    }

    /// The links for a request.
    pub fn of(req: &HttpRequest) -> Self {
        if let Some(l) = req.app_data::<web::Data<Links>>() {
            return l.get_ref().clone();
        }
        match req.url_for("scorm_launch", ["x"]) {
            Ok(u) => Self::new(u.as_str().trim_end_matches("/learn/launch/x")),
            Err(_) => Self::new(""),
        }
    }
}
