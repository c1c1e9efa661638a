//! Invitations to a course: private ones go to listed addresses (a durable job turns each into
//! an enrollment and a mail, see [`jobs`]); public ones are a link anyone can sign up through,
//! limited by a cap, an expiry date and open/closed and enabled/disabled switches, where an
//! address the ledger already knows must prove itself through a mailed link (see
//! [`sign_up`]). SCORM Cloud's invitations are these; TrainerCentral's invites can be too.
//!
//! A feature crate on the ledger: its operations are extension traits of
//! [`enroll_store::Store`] (bring them into scope with `use enroll_invitations::prelude::*`),
//! its tables are its own ([`schema`]), and its background work is a
//! [`enroll_store::tasks::Worker`] ([`InvitationWorker`]) a host adds to the ledger's tasks:
//!
//! ```no_run
//! # async fn host(store: enroll_store::Store) {
//! use enroll_invitations::{InvitationWorker, RenderedMail};
//! use enroll_store::tasks::Tasks;
//! let mail = |ctx: &enroll_invitations::MailContext<'_>| RenderedMail {
//!     subject: "You are invited".into(),
//!     body: format!("Open /invitations/{}", ctx.link_token),
//!     content_type: "text/plain".into(),
//! };
//! let running = Tasks::new(store).worker(InvitationWorker::new(mail)).start();
//! # running.stop();
//! # }
//! ```
//!
//! # Features
//! * `sqlite`, `postgres` (both default): the backends, as `enroll-store`'s.
pub mod jobs;
pub mod query;
pub mod recipients;
pub mod schema;
pub mod sign_up;
mod worker;

/// The operations' traits, to bring into scope at once.
pub mod prelude {
    pub use crate::jobs::InvitationJobSteps;
    pub use crate::query::InvitationQueries;
    pub use crate::recipients::InvitationRecipients;
    pub use crate::sign_up::InvitationSignUps;
    pub use crate::{InvitationTags, Invitations};
}

pub use jobs::{JobState, JobStatus, MailContext, MailRenderer, RenderedMail};
pub use query::{InvitationField, InvitationQuery};
pub use recipients::{Recipient, RecipientQuery};
pub use sign_up::SignUp;
pub use worker::InvitationWorker;

use crate::schema::{invitation_recipients as ir, invitations as inv};
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::crosswalk::Kind;
use enroll_domain::invitation::PublicAdmission;
use enroll_domain::model::{Course, Dialect};
use enroll_store::conn::DbConn;
use enroll_store::courses::{CourseKey, find_course};
use enroll_store::crosswalk;
use enroll_store::error::{StoreError, StoreResult};
use enroll_store::links::{LinkKey, Purpose};
use enroll_store::models::CourseRow;
use enroll_store::schema::courses;
use enroll_store::subscriptions::{self, NewSubscription, Scope, Subscription};
use enroll_store::tags::{self, TagKind};
use enroll_store::{Ledger, Store};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use uuid::Uuid;

/// What a recipient who already has an enrollment in the course gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExistingPolicy {
    /// A new mail for the enrollment (series) they have.
    #[default]
    Resend,
    /// A new instance of their series (a re-enrollment), and a mail.
    NewInstance,
    /// A new series (their current enrollment is archived), and a mail.
    NewSeries,
    /// Nothing: the recipient is reported as failed.
    Skip,
}

impl ExistingPolicy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Resend => "resend",
            Self::NewInstance => "new_instance",
            Self::NewSeries => "new_series",
            Self::Skip => "skip",
        }
    }

    fn parse(s: &str) -> Self {
        [Self::NewInstance, Self::NewSeries, Self::Skip]
            .into_iter()
            .find(|p| p.as_str() == s)
            .unwrap_or_default()
    }
}

/// An invitation to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewInvitation {
    /// The course, by `dialect`'s id; `dialect` is also the source of the enrollments made.
    pub course_id: String,
    pub creator_email: String,
    pub is_public: bool,
    /// Private: the addresses to invite.
    pub addresses: Vec<String>,
    pub mail_subject: Option<String>,
    pub mail_body: Option<String>,
    pub subscription: Option<NewSubscription>,
    pub expiration: Option<OffsetDateTime>,
    pub tags: Vec<String>,
    pub existing: ExistingPolicy,
    /// Public: 0 = unlimited.
    pub cap: i32,
}

/// A stored invitation.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub id: String,
    pub course: Course,
    pub is_public: bool,
    pub allow_launch: bool,
    pub allow_new_enrollments: bool,
    pub cap: i32,
    pub enrolled_count: i32,
    /// Recipients who launched their enrollment (computed on request).
    pub launched_count: Option<i64>,
    pub expiration: Option<OffsetDateTime>,
    pub creator_email: String,
    pub mail_subject: Option<String>,
    pub mail_body: Option<String>,
    pub existing: ExistingPolicy,
    /// Private invitations: every address, in the order given.
    pub addresses: Vec<String>,
    /// Public invitations: the token of the sign-up page's link (made from the invitation's
    /// id with the store's link key, not stored; see [`enroll_store::links`]).
    pub public_token: Option<String>,
    pub job: Option<JobStatus>,
    /// Subscriptions to the series it makes, one per dialect at most.
    pub subscriptions: Vec<Subscription>,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
}

impl Invitation {
    /// The domain rules for admitting a visitor (public invitations).
    pub fn admission(&self) -> PublicAdmission {
        PublicAdmission {
            allow_launch: self.allow_launch,
            allow_new_registrations: self.allow_new_enrollments,
            registration_cap: self.cap,
            registration_count: self.enrolled_count,
            expires_at: self.expiration,
        }
    }

    /// A dialect's subscription to the invitation's series.
    pub fn subscription(&self, dialect: Dialect) -> Option<&Subscription> {
        self.subscriptions
            .iter()
            .find(|s| s.dialect == dialect.as_str())
    }
}

/// The attributes an update may change (`None` = leave as is).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvitationUpdate {
    pub allow_launch: Option<bool>,
    pub allow_new_enrollments: Option<bool>,
    pub cap: Option<i32>,
    pub expiration: Option<Option<OffsetDateTime>>,
    pub subscription: Option<Option<NewSubscription>>,
    pub mail_subject: Option<String>,
    pub mail_body: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inv)]
pub(crate) struct InvitationRow {
    pub id: String,
    pub tenant_id: String,
    pub course_id: String,
    pub is_public: bool,
    pub allow_launch: bool,
    pub allow_new_enrollments: bool,
    pub enrollment_cap: i32,
    pub enrolled_count: i32,
    pub expires_at: Option<i64>,
    pub creator_email: String,
    pub mail_subject: Option<String>,
    pub mail_body: Option<String>,
    pub existing_policy: String,
    pub source: String,
    pub job_status: Option<String>,
    pub job_total: i32,
    pub job_processed: i32,
    pub job_errors: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl InvitationRow {
    /// The domain rules for admitting a visitor, from the stored row.
    pub(crate) fn admission(&self) -> PublicAdmission {
        PublicAdmission {
            allow_launch: self.allow_launch,
            allow_new_registrations: self.allow_new_enrollments,
            registration_cap: self.enrollment_cap,
            registration_count: self.enrolled_count,
            expires_at: self.expires_at.map(from_millis),
        }
    }

    /// The dialect that made it.
    pub(crate) fn dialect(&self) -> StoreResult<Dialect> {
        self.source.parse().map_err(StoreError::Internal)
    }
}

/// A syntactically plausible e-mail address (one `@`, something on each side, no spaces).
pub fn valid_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(l), Some(d), None) if !l.is_empty() && d.contains('.') && !d.starts_with('.')
            && !d.ends_with('.') && s.len() <= 254 && !s.chars().any(char::is_whitespace)
    )
}

pub(crate) fn find_row(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
    is_public: Option<bool>,
) -> StoreResult<InvitationRow> {
    let mut q = inv::table
        .filter(inv::tenant_id.eq(tenant_id.to_string()))
        .filter(inv::id.eq(id.to_string()))
        .into_boxed();
    if let Some(p) = is_public {
        q = q.filter(inv::is_public.eq(p));
    }
    q.select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("invitation '{id}'")))
}

/// Loads courses, addresses, subscriptions and counts for invitation rows (a fixed number of
/// queries, whatever the number of rows, but for the per-invitation counts); public ones get
/// their sign-up token from `key`.
pub(crate) fn complete(
    conn: &mut DbConn,
    key: &LinkKey,
    rows: Vec<InvitationRow>,
    with_addresses: bool,
    with_counts: bool,
) -> StoreResult<Vec<Invitation>> {
    let course_ids: Vec<&str> = rows.iter().map(|r| r.course_id.as_str()).collect();
    let course_rows: Vec<CourseRow> = courses::table
        .filter(courses::id.eq_any(&course_ids))
        .select(CourseRow::as_select())
        .load(conn)?;
    let book = crosswalk::ids_of(conn, &course_ids)?;
    let mut courses: HashMap<String, Course> = HashMap::new();
    for c in &course_rows {
        courses.insert(c.id.clone(), c.to_domain(book.get(Kind::Course, &c.id))?);
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut subs: HashMap<String, Vec<Subscription>> = HashMap::new();
    for s in subscriptions::of_many_in(conn, Scope::Invitation, &ids)? {
        subs.entry(s.object_id.clone()).or_default().push(s);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let addresses = if with_addresses && !r.is_public {
            ir::table
                .filter(ir::invitation_id.eq(&r.id))
                .select(ir::email)
                .order(ir::position)
                .load(conn)?
        } else {
            vec![]
        };
        let launched_count = if with_counts {
            Some(recipients::launched_count(conn, &r.id)?)
        } else {
            None
        };
        let job = r
            .job_status
            .as_deref()
            .map(|s| JobStatus::from_row(s, r.job_total, r.job_processed, &r.job_errors))
            .transpose()?;
        let public_token = if r.is_public {
            Some(key.sign(Purpose::PublicInvitation, &r.id)?)
        } else {
            None
        };
        out.push(Invitation {
            course: courses
                .get(&r.course_id)
                .cloned()
                .ok_or_else(|| StoreError::Internal("invitation without its course".into()))?,
            is_public: r.is_public,
            allow_launch: r.allow_launch,
            allow_new_enrollments: r.allow_new_enrollments,
            cap: r.enrollment_cap,
            enrolled_count: r.enrolled_count,
            launched_count,
            expiration: r.expires_at.map(from_millis),
            creator_email: r.creator_email,
            mail_subject: r.mail_subject,
            mail_body: r.mail_body,
            existing: ExistingPolicy::parse(&r.existing_policy),
            addresses,
            public_token,
            job,
            subscriptions: subs.remove(&r.id).unwrap_or_default(),
            created: from_millis(r.created_at),
            updated: from_millis(r.updated_at),
            id: r.id,
        });
    }
    Ok(out)
}

fn get_in(
    conn: &mut DbConn,
    key: &LinkKey,
    tenant_id: &str,
    id: &str,
    is_public: Option<bool>,
) -> StoreResult<Invitation> {
    let row = find_row(conn, tenant_id, id, is_public)?;
    complete(conn, key, vec![row], true, true)?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("invitation '{id}'")))
}

/// An invitation's life: create one for a course, read it, change it (SCORM Cloud's invitations).
///
/// Implemented for [`Store`]; in scope with `use enroll_invitations::prelude::*`.
pub trait Invitations: Ledger {
    /// Creates an invitation as `dialect`. A private one stores its addresses (lower-cased,
    /// each once) as the job's durable work list (status `Started`); the job runner does the
    /// rest.
    fn create_invitation(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        new: &NewInvitation,
    ) -> StoreResult<Invitation> {
        if new.creator_email.trim().is_empty() {
            return Err(StoreError::Invalid(
                "the creator's e-mail address is required".into(),
            ));
        }
        if new.cap < 0 {
            return Err(StoreError::Invalid(
                "the enrollment cap cannot be negative".into(),
            ));
        }
        tags::check(&new.tags)?;
        let expires = new
            .expiration
            .map(enroll_domain::clock::storable)
            .transpose()?;
        let mut addresses: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::with_capacity(new.addresses.len());
        for a in &new.addresses {
            let a = a.trim().to_lowercase();
            if !valid_email(&a) {
                return Err(StoreError::Invalid(format!(
                    "'{a}' is not a valid e-mail address"
                )));
            }
            if seen.insert(a.clone()) {
                addresses.push(a);
            }
        }
        if !new.is_public && addresses.is_empty() {
            return Err(StoreError::Invalid(
                "a private invitation needs at least one address".into(),
            ));
        }
        let total = i32::try_from(addresses.len())
            .map_err(|_| StoreError::Invalid("too many addresses".into()))?;
        let now = to_millis(self.ledger().now());
        let id = Uuid::new_v4().to_string();
        let t = tenant_id.to_string();
        let key = self.ledger().links().clone();
        let created = self.ledger().write(|c| {
            let course = find_course(
                c,
                tenant_id,
                &CourseKey::External(dialect, new.course_id.clone()),
            )?
            .ok_or_else(|| StoreError::NotFound(format!("course '{}'", new.course_id)))?;
            diesel::insert_into(inv::table)
                .values((
                    (
                        inv::id.eq(&id),
                        inv::tenant_id.eq(&t),
                        inv::course_id.eq(&course.id),
                        inv::is_public.eq(new.is_public),
                        inv::allow_launch.eq(true),
                        inv::allow_new_enrollments.eq(true),
                        inv::enrollment_cap.eq(new.cap),
                        inv::enrolled_count.eq(0),
                        inv::expires_at.eq(expires),
                        inv::creator_email.eq(&new.creator_email),
                        inv::mail_subject.eq(&new.mail_subject),
                        inv::mail_body.eq(&new.mail_body),
                    ),
                    (
                        inv::existing_policy.eq(new.existing.as_str()),
                        inv::source.eq(dialect.as_str()),
                        inv::job_status.eq((!new.is_public).then_some(JobState::Started.as_str())),
                        inv::job_total.eq(total),
                        inv::job_processed.eq(0),
                        inv::job_errors.eq("[]"),
                        inv::created_at.eq(now),
                        inv::updated_at.eq(now),
                    ),
                ))
                .execute(c)?;
            recipients::insert_work_list(c, &id, &addresses, now)?;
            if !new.is_public {
                enroll_db::notify_in(c, enroll_store::store::Topic::Jobs)?;
            }
            tags::add_in(c, &t, TagKind::Invitation, &id, &new.tags)?;
            let sub = new.subscription.as_ref();
            subscriptions::set_in(c, &t, Scope::Invitation, &id, dialect, sub, now)?;
            get_in(c, &key, &t, &id, None)
        })?;
        if !new.is_public {
            self.ledger().notify(enroll_store::store::Topic::Jobs);
        }
        Ok(created)
    }

    /// One invitation (`is_public` picks the kind; `None` = any).
    fn invitation(
        &self,
        tenant_id: Uuid,
        id: &str,
        is_public: Option<bool>,
    ) -> StoreResult<Invitation> {
        let t = tenant_id.to_string();
        let key = self.ledger().links().clone();
        self.ledger().read(|c| get_in(c, &key, &t, id, is_public))
    }

    /// Updates an invitation's attributes (as `dialect`, for its subscription).
    fn update_invitation(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        id: &str,
        is_public: bool,
        u: &InvitationUpdate,
    ) -> StoreResult<Invitation> {
        if u.cap.is_some_and(|c| c < 0) {
            return Err(StoreError::Invalid(
                "the enrollment cap cannot be negative".into(),
            ));
        }
        let expires = match u.expiration {
            Some(Some(t)) => Some(Some(enroll_domain::clock::storable(t)?)),
            Some(None) => Some(None),
            None => None,
        };
        let now = to_millis(self.ledger().now());
        let t = tenant_id.to_string();
        let key = self.ledger().links().clone();
        self.ledger().write(|c| {
            let mut r = find_row(c, &t, id, Some(is_public))?;
            r.allow_launch = u.allow_launch.unwrap_or(r.allow_launch);
            r.allow_new_enrollments = u.allow_new_enrollments.unwrap_or(r.allow_new_enrollments);
            r.enrollment_cap = u.cap.unwrap_or(r.enrollment_cap);
            if let Some(v) = expires {
                r.expires_at = v;
            }
            if let Some(v) = &u.mail_subject {
                r.mail_subject = Some(v.clone());
            }
            if let Some(v) = &u.mail_body {
                r.mail_body = Some(v.clone());
            }
            if let Some(sub) = &u.subscription {
                subscriptions::set_in(c, &t, Scope::Invitation, &r.id, dialect, sub.as_ref(), now)?;
            }
            diesel::update(inv::table.filter(inv::id.eq(&r.id)))
                .set((
                    inv::allow_launch.eq(r.allow_launch),
                    inv::allow_new_enrollments.eq(r.allow_new_enrollments),
                    inv::enrollment_cap.eq(r.enrollment_cap),
                    inv::expires_at.eq(r.expires_at),
                    inv::mail_subject.eq(&r.mail_subject),
                    inv::mail_body.eq(&r.mail_body),
                    inv::updated_at.eq(now),
                ))
                .execute(c)?;
            get_in(c, &key, &t, id, Some(is_public))
        })
    }
}

impl Invitations for Store {}

/// An invitation's tags.
///
/// Implemented for [`Store`]; in scope with `use enroll_invitations::prelude::*`.
pub trait InvitationTags: Ledger {
    /// An invitation's tags.
    fn invitation_tags(&self, tenant_id: Uuid, id: &str) -> StoreResult<Vec<String>> {
        let t = tenant_id.to_string();
        self.ledger().read(|c| {
            let row = find_row(c, &t, id, None)?;
            tags::of_in(c, &t, TagKind::Invitation, &row.id)
        })
    }

    /// Changes the tags of invitations, all or none (an unknown id fails the whole call).
    fn tag_invitations(
        &self,
        tenant_id: Uuid,
        ids: &[String],
        change: &enroll_store::enrollments::TagChange,
    ) -> StoreResult<()> {
        let t = tenant_id.to_string();
        self.ledger().write(|c| {
            for id in ids {
                let row = find_row(c, &t, id, None)?;
                change.apply(c, &t, TagKind::Invitation, &row.id)?;
            }
            Ok(())
        })
    }
}

impl InvitationTags for Store {}
