//! A private invitation's job: turns each pending recipient into an enrollment (through the
//! one creation path) and a rendered mail, a batch per transaction together with the job's
//! counters. Recipients go `pending → sent | failed` through guarded updates, so concurrent
//! runners, or a runner resuming after a crash, never handle an address twice.
use super::{ExistingPolicy, InvitationRow, find_row};
use crate::schema::{invitation_recipients as ir, invitations as inv};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use enroll_domain::clock::to_millis;
use enroll_store::conn::DbConn;
use enroll_store::courses::{CourseKey, find_course};
use enroll_store::enrollments::{EnrollOptions, EnrollRequest, Existing, enroll_all_in};
use enroll_store::error::{StoreError, StoreResult};
use enroll_store::learners::ensure_learners_by_email;
use enroll_store::links::{LinkKey, Purpose};
use enroll_store::models::{CourseRow, uuid};
use enroll_store::outbox::{Channel, NewMessage, enqueue_all_in};
use enroll_store::{Ledger, Store};
use time::OffsetDateTime;

/// Where a private invitation's job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Started,
    Complete,
    /// Finished, with recipients that failed.
    Error,
}

impl JobState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Started => "started",
            Self::Complete => "complete",
            Self::Error => "error",
        }
    }
}

/// A private invitation job's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub state: JobState,
    pub total: i32,
    /// Recipients handled so far (sent or failed).
    pub processed: i32,
    pub errors: Vec<String>,
}

impl JobStatus {
    pub(crate) fn from_row(
        state: &str,
        total: i32,
        processed: i32,
        errors: &str,
    ) -> StoreResult<Self> {
        let state = match state {
            "started" => JobState::Started,
            "error" => JobState::Error,
            _ => JobState::Complete,
        };
        Ok(Self {
            state,
            total,
            processed,
            errors: serde_json::from_str(errors)
                .map_err(|e| StoreError::Internal(format!("bad job errors: {e}")))?,
        })
    }

    /// Whether the job has finished.
    pub fn finished(&self) -> bool {
        self.state != JobState::Started
    }
}

/// What an invitation mail is rendered from.
#[derive(Debug, Clone, PartialEq)]
pub struct MailContext<'a> {
    pub invitation_id: &'a str,
    pub course_title: &'a str,
    pub subject: Option<&'a str>,
    pub body: Option<&'a str>,
    pub email: &'a str,
    /// The recipient's link token.
    pub link_token: &'a str,
}

/// A rendered mail.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedMail {
    pub subject: String,
    pub body: String,
    pub content_type: String,
}

/// Renders an invitation mail (the dialect knows its wording and link format).
pub type MailRenderer<'r> = &'r (dyn Fn(&MailContext<'_>) -> RenderedMail + Sync);

/// A pending recipient: (id, e-mail).
type Pending = (String, String);

fn load(c: &mut DbConn, id: &str) -> StoreResult<(InvitationRow, CourseRow)> {
    let row: InvitationRow = inv::table
        .find(id)
        .select(InvitationRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("invitation '{id}'")))?;
    let course = find_course(
        c,
        uuid(&row.tenant_id)?,
        &CourseKey::Id(uuid(&row.course_id)?),
    )?
    .ok_or_else(|| StoreError::NotFound("course".into()))?;
    Ok((row, course))
}

fn pending(c: &mut DbConn, id: &str, limit: i64) -> StoreResult<Vec<Pending>> {
    Ok(ir::table
        .filter(ir::invitation_id.eq(id))
        .filter(ir::status.eq("pending"))
        .select((ir::id, ir::email))
        .order(ir::position)
        .limit(limit)
        .load(c)?)
}

fn status_in(c: &mut DbConn, id: &str) -> StoreResult<JobStatus> {
    let (s, t, p, e): (Option<String>, i32, i32, String) = inv::table
        .find(id)
        .select((
            inv::job_status,
            inv::job_total,
            inv::job_processed,
            inv::job_errors,
        ))
        .first(c)?;
    JobStatus::from_row(s.as_deref().unwrap_or("complete"), t, p, &e)
}

/// A recipient's outcome: (id, status, series, error).
type Mark = (String, &'static str, Option<String>, Option<String>);

/// Handles `rows` (pending, in order) in the caller's transaction; fails if another runner
/// handled one of them meanwhile (the caller then goes recipient by recipient).
fn batch_in(
    c: &mut DbConn,
    key: &LinkKey,
    invitation: &InvitationRow,
    course: &CourseRow,
    rows: &[Pending],
    now: OffsetDateTime,
    render: MailRenderer<'_>,
) -> StoreResult<()> {
    let now_ms = to_millis(now);
    let tenant = uuid(&invitation.tenant_id)?;
    let dialect = invitation.dialect()?;
    let emails: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let learners = ensure_learners_by_email(c, tenant, dialect, &emails, now_ms)?;
    let policy = super::ExistingPolicy::parse(&invitation.existing_policy);
    let opts = EnrollOptions {
        existing: match policy {
            ExistingPolicy::Resend | ExistingPolicy::Skip => Existing::Keep,
            ExistingPolicy::NewInstance => Existing::Continue {
                same_instance: false,
            },
            ExistingPolicy::NewSeries => Existing::NewSeries,
        },
        invitation_id: Some(invitation.id.clone()),
        ..EnrollOptions::from_source(dialect.as_str())
    };
    let reqs = rows
        .iter()
        .map(|(_, email)| {
            let l = learners
                .get(email)
                .ok_or_else(|| StoreError::Internal(format!("no learner for {email}")))?;
            Ok(EnrollRequest {
                learner_id: l.id.clone(),
                course,
                opts: &opts,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let outcomes = enroll_all_in(c, &reqs, now)?;
    let mut marks: Vec<Mark> = Vec::with_capacity(rows.len());
    let mut mails: Vec<NewMessage> = Vec::with_capacity(rows.len());
    let topic = format!("{}.invitation", dialect.as_str());
    let (mut linked, mut errors) = (0, Vec::new());
    for ((id, email), out) in rows.iter().zip(outcomes) {
        if !out.created && policy == ExistingPolicy::Skip {
            let msg = format!("{email}: already enrolled in this course");
            marks.push((id.clone(), "failed", None, Some(msg.clone())));
            errors.push(msg);
            continue;
        }
        marks.push((
            id.clone(),
            "sent",
            Some(out.enrollment.series_id.to_string()),
            None,
        ));
        linked += 1;
        let token = key.sign(Purpose::Recipient, id)?;
        let mail = render(&MailContext {
            invitation_id: &invitation.id,
            course_title: &course.title,
            subject: invitation.mail_subject.as_deref(),
            body: invitation.mail_body.as_deref(),
            email,
            link_token: &token,
        });
        mails.push(NewMessage {
            tenant_id: Some(tenant),
            channel: Channel::Mail,
            topic: topic.clone(),
            target: email.clone(),
            headers: vec![],
            content_type: mail.content_type,
            subject: Some(mail.subject),
            body: mail.body,
        });
    }
    enqueue_all_in(c, &mails, now_ms)?;
    if mark(c, &marks, now_ms)? != marks.len() {
        return Err(StoreError::Conflict(
            "another runner handled recipients of this batch".into(),
        ));
    }
    count(
        c,
        &invitation.id,
        i32::try_from(marks.len()).unwrap_or(i32::MAX),
        linked,
        &errors,
    )
}

/// Adds a batch's outcome to the job's counters.
fn count(
    c: &mut DbConn,
    id: &str,
    processed: i32,
    linked: i32,
    errors: &[String],
) -> StoreResult<()> {
    let stored: String = inv::table.find(id).select(inv::job_errors).first(c)?;
    let mut all: Vec<String> = serde_json::from_str(&stored)
        .map_err(|e| StoreError::Internal(format!("bad job errors: {e}")))?;
    all.extend(errors.iter().cloned());
    let text = serde_json::to_string(&all)
        .map_err(|e| StoreError::Internal(format!("cannot encode job errors: {e}")))?;
    diesel::update(inv::table.find(id))
        .set((
            inv::job_processed.eq(inv::job_processed + processed),
            inv::enrolled_count.eq(inv::enrolled_count + linked),
            inv::job_errors.eq(text),
        ))
        .execute(c)?;
    Ok(())
}

/// Moves recipients from `pending` to their outcome, in one guarded UPDATE per chunk; returns
/// how many were still pending.
fn mark(c: &mut DbConn, marks: &[Mark], now_ms: i64) -> StoreResult<usize> {
    let mut n = 0;
    for chunk in marks.chunks(400) {
        let pg = c.is_pg();
        let mut p = 0;
        let mut ph = || {
            p += 1;
            if pg { format!("${p}") } else { "?".into() }
        };
        let at = ph();
        let values: Vec<String> = chunk
            .iter()
            .map(|_| format!("({}, {}, {}, {})", ph(), ph(), ph(), ph()))
            .collect();
        let sql = format!(
            "UPDATE invitation_recipients SET status = v.column2, series_id = v.column3, \
             error = v.column4, updated_at = {at} FROM (VALUES {}) AS v \
             WHERE invitation_recipients.id = v.column1 AND invitation_recipients.status = 'pending'",
            values.join(", ")
        );
        n += enroll_db::on_backend!(c, c => {
            let mut q = diesel::sql_query(sql.as_str()).into_boxed().bind::<BigInt, _>(now_ms);
            for (id, status, series, error) in chunk {
                q = q
                    .bind::<Text, _>(id)
                    .bind::<Text, _>(*status)
                    .bind::<Nullable<Text>, _>(series.as_deref())
                    .bind::<Nullable<Text>, _>(error.as_deref());
            }
            q.execute(c)
        })?;
    }
    Ok(n)
}

/// Private invitations' sending jobs, step by step (what the invitation worker runs).
///
/// Implemented for [`Store`]; in scope with `use enroll_invitations::prelude::*`.
pub trait InvitationJobSteps: Ledger {
    /// Claims a started job whose lease has lapsed (leases follow the wall clock); returns its
    /// invitation id.
    fn claim_invitation_job(&self, lease_ms: i64) -> StoreResult<Option<String>> {
        let now = to_millis(OffsetDateTime::now_utc());
        let started = JobState::Started.as_str();
        let any: Vec<String> = self.ledger().with_conn(|c| {
            Ok(inv::table
                .filter(inv::job_status.eq(started))
                .select(inv::id)
                .limit(1)
                .load(c)?)
        })?;
        if any.is_empty() {
            return Ok(None);
        }
        self.ledger().write(|c| {
            let lapsed = || {
                inv::job_lease_until
                    .is_null()
                    .or(inv::job_lease_until.lt(now))
            };
            let candidates: Vec<String> = inv::table
                .filter(inv::job_status.eq(started))
                .filter(lapsed())
                .select(inv::id)
                .order(inv::created_at)
                .limit(8)
                .load(c)?;
            for id in candidates {
                let n = diesel::update(
                    inv::table
                        .filter(inv::id.eq(&id))
                        .filter(inv::job_status.eq(started))
                        .filter(lapsed()),
                )
                .set(inv::job_lease_until.eq(now.saturating_add(lease_ms)))
                .execute(c)?;
                if n == 1 {
                    return Ok(Some(id));
                }
            }
            Ok(None)
        })
    }

    /// Handles up to `batch` pending recipients of a job in one transaction (renewing the
    /// lease), or finishes the job when none are left. If the batch fails as a whole, each
    /// recipient is retried alone and one that still fails is marked failed with the reason,
    /// so a bad address cannot stall the job.
    fn invitation_job_step(
        &self,
        id: &str,
        batch: i64,
        lease_ms: i64,
        render: MailRenderer<'_>,
    ) -> StoreResult<JobStatus> {
        let now = self.ledger().now();
        let lease_until = to_millis(OffsetDateTime::now_utc()).saturating_add(lease_ms);
        let key = self.ledger().links().clone();
        let result = self.ledger().write(|c| {
            let (invitation, course) = load(c, id)?;
            if invitation.job_status.as_deref() != Some(JobState::Started.as_str()) {
                return status_in(c, id);
            }
            let rows = pending(c, id, batch)?;
            if rows.is_empty() {
                let st = status_in(c, id)?;
                let done = if st.errors.is_empty() {
                    JobState::Complete
                } else {
                    JobState::Error
                };
                diesel::update(inv::table.find(id))
                    .set((
                        inv::job_status.eq(done.as_str()),
                        inv::job_lease_until.eq(None::<i64>),
                        inv::updated_at.eq(to_millis(now)),
                    ))
                    .execute(c)?;
                return status_in(c, id);
            }
            batch_in(c, &key, &invitation, &course, &rows, now, render)?;
            diesel::update(inv::table.find(id))
                .set(inv::job_lease_until.eq(lease_until))
                .execute(c)?;
            status_in(c, id)
        });
        match result {
            Err(StoreError::Unavailable(m)) => Err(StoreError::Unavailable(m)),
            Err(e) => {
                log::warn!(
                    "invitation job {id}: batch failed ({e:?}); retrying recipients one by one"
                );
                self.ledger().job_singles(id, batch, render)
            }
            ok => ok,
        }
    }

    fn job_singles(
        &self,
        id: &str,
        batch: i64,
        render: MailRenderer<'_>,
    ) -> StoreResult<JobStatus> {
        let now = self.ledger().now();
        let rows = self.ledger().read(|c| pending(c, id, batch))?;
        let key = self.ledger().links().clone();
        for row in rows {
            let one = self.ledger().write(|c| {
                let (invitation, course) = load(c, id)?;
                batch_in(
                    c,
                    &key,
                    &invitation,
                    &course,
                    std::slice::from_ref(&row),
                    now,
                    render,
                )
            });
            if let Err(e) = one {
                log::warn!("invitation job {id}: recipient failed: {e:?}");
                let msg = format!("{}: {e}", row.1);
                self.ledger().write(|c| {
                    let n = diesel::update(
                        ir::table
                            .filter(ir::id.eq(&row.0))
                            .filter(ir::status.eq("pending")),
                    )
                    .set((ir::status.eq("failed"), ir::error.eq(&msg)))
                    .execute(c)?;
                    let errors = if n == 1 { vec![msg.clone()] } else { vec![] };
                    count(c, id, i32::try_from(n).unwrap_or(0), 0, &errors)
                })?;
            }
        }
        self.ledger().read(|c| status_in(c, id))
    }

    /// A private invitation job's status.
    fn invitation_job_status(&self, tenant_id: uuid::Uuid, id: &str) -> StoreResult<JobStatus> {
        let t = tenant_id.to_string();
        self.ledger().read(|c| {
            find_row(c, &t, id, Some(false))?;
            status_in(c, id)
        })
    }
}

impl InvitationJobSteps for Store {}
