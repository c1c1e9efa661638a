//! The private-invitation job: turns each pending address into a registration and a rendered
//! invitation mail, in batches, each batch one transaction together with the job's counters.
//! Rows go `pending → sent` (or `failed`) through a guarded update, so concurrent runners or a
//! runner resuming after a crash never handle an address twice.
use super::batch::{self, PendingRow};
use super::invitations::{InvitationRow, find_row};
use super::registrations::{
    Attach, RegistrationRow, create_in, renew_in, resolve_learner_by_email,
};
use super::schema::{
    scorm_invitations as si, scorm_registrations as sr, scorm_user_invitations as sui,
};
use super::{DuplicateOption, new_id};
use crate::conn::DbConn;
use crate::courses::{CourseKey, find_course};
use crate::error::{StoreError, StoreResult};
use crate::models::uuid;
use crate::outbox::{Channel, NewMessage, enqueue_in};
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use time::OffsetDateTime;

/// A private invitation job's state (SCORM Cloud's InvitationJobStatusSchema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    /// `STARTED`, `COMPLETE` or `ERROR`.
    pub status: String,
    pub total: i32,
    /// Addresses handled so far (sent or failed).
    pub processed: i32,
    pub errors: Vec<String>,
}

impl JobStatus {
    pub const STARTED: &'static str = "STARTED";
    pub const COMPLETE: &'static str = "COMPLETE";
    pub const ERROR: &'static str = "ERROR";

    pub(crate) fn from_row(
        status: &str,
        total: i32,
        processed: i32,
        errors: &str,
    ) -> StoreResult<Self> {
        Ok(Self {
            status: status.to_string(),
            total,
            processed,
            errors: serde_json::from_str(errors)
                .map_err(|e| StoreError::Internal(format!("bad job errors: {e}")))?,
        })
    }

    /// Whether the job has finished.
    pub fn finished(&self) -> bool {
        self.status != Self::STARTED
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
    /// The user invitation's link token.
    pub link_token: &'a str,
    pub registration_id: &'a str,
}

/// A rendered mail.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedMail {
    pub subject: String,
    pub body: String,
    pub content_type: String,
}

/// Renders an invitation mail (the facade knows the vendor's wording and link format).
pub type MailRenderer<'r> = &'r (dyn Fn(&MailContext<'_>) -> RenderedMail + Sync);

/// What a batch did (added to the job's counters by `finish_batch`).
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub processed: i32,
    pub linked: i32,
    pub errors: Vec<String>,
}

/// Handles one address with its own guarded claim and live lookups (the reference the
/// set-based batch decides like; used for order-dependent cases and for retries).
pub(crate) fn handle_address(
    c: &mut DbConn,
    inv: &InvitationRow,
    course: &crate::models::CourseRow,
    row: &PendingRow,
    now: OffsetDateTime,
    render: MailRenderer<'_>,
    out: &mut Batch,
) -> StoreResult<()> {
    let (id, email, token) = row;
    let now_ms = to_millis(now);
    // The guarded claim: a row another runner already handled is skipped.
    let claimed = diesel::update(
        sui::table
            .filter(sui::id.eq(id))
            .filter(sui::status.eq("pending")),
    )
    .set((sui::status.eq("sent"), sui::updated_at.eq(now_ms)))
    .execute(c)?;
    if claimed == 0 {
        return Ok(());
    }
    out.processed += 1;
    let tenant = uuid(&inv.tenant_id)?;
    let (learner, fresh) = resolve_learner_by_email(c, tenant, email, None, None, now_ms)?;
    let existing: Option<RegistrationRow> = if fresh {
        None
    } else {
        sr::table
            .filter(sr::tenant_id.eq(&inv.tenant_id))
            .filter(sr::learner_id.eq(&learner.id))
            .filter(sr::course_id.eq(&course.id))
            .select(RegistrationRow::as_select())
            .order((sr::created_at.desc(), sr::id.desc()))
            .first(c)
            .optional()?
    };
    let attach = if fresh { Attach::Fresh } else { Attach::Adopt };
    let option = inv
        .duplicate_option
        .as_deref()
        .and_then(DuplicateOption::parse)
        .unwrap_or_default();
    let reg = match (existing, option) {
        (None, _) => create_in(
            c,
            &learner,
            course,
            &new_id(),
            None,
            Some(&inv.id),
            None,
            attach,
            now,
        )?,
        (Some(r), DuplicateOption::Fail) => {
            let msg = format!(
                "{email}: already has registration '{}' for this course (duplicateRegistrationOption FAIL)",
                r.registration_id
            );
            diesel::update(sui::table.filter(sui::id.eq(id)))
                .set((sui::status.eq("failed"), sui::error.eq(&msg)))
                .execute(c)?;
            out.errors.push(msg);
            return Ok(());
        }
        (Some(r), DuplicateOption::SendExisting) => r,
        (Some(r), DuplicateOption::InstanceExisting) => {
            renew_in(c, &r, false, now)?;
            r
        }
        (Some(_), DuplicateOption::CreateNew) => create_in(
            c,
            &learner,
            course,
            &new_id(),
            None,
            Some(&inv.id),
            None,
            Attach::Reenroll,
            now,
        )?,
    };
    diesel::update(sui::table.filter(sui::id.eq(id)))
        .set(sui::registration_pk.eq(&reg.id))
        .execute(c)?;
    out.linked += 1;
    let mail = render(&MailContext {
        invitation_id: &inv.id,
        course_title: &course.title,
        subject: inv.email_subject.as_deref(),
        body: inv.email_body.as_deref(),
        email,
        link_token: token,
        registration_id: &reg.registration_id,
    });
    enqueue_in(
        c,
        &NewMessage {
            tenant_id: Some(tenant),
            channel: Channel::Mail,
            topic: "scormcloud.invitation".into(),
            target: email.clone(),
            headers: vec![],
            content_type: mail.content_type,
            subject: Some(mail.subject),
            body: mail.body,
        },
        now_ms,
    )?;
    Ok(())
}

pub(super) fn finish_batch(
    c: &mut DbConn,
    inv_id: &str,
    b: &Batch,
    lease_until: i64,
) -> StoreResult<()> {
    let (errors,): (String,) = si::table
        .filter(si::id.eq(inv_id))
        .select((si::job_errors,))
        .first(c)?;
    let mut all: Vec<String> = serde_json::from_str(&errors)
        .map_err(|e| StoreError::Internal(format!("bad job errors: {e}")))?;
    all.extend(b.errors.iter().cloned());
    let text = serde_json::to_string(&all)
        .map_err(|e| StoreError::Internal(format!("cannot encode job errors: {e}")))?;
    diesel::update(si::table.filter(si::id.eq(inv_id)))
        .set((
            si::job_processed.eq(si::job_processed + b.processed),
            si::registration_count.eq(si::registration_count + b.linked),
            si::job_errors.eq(text),
            si::job_lease_until.eq(lease_until),
        ))
        .execute(c)?;
    Ok(())
}

pub(super) fn pending(c: &mut DbConn, inv_id: &str, limit: i64) -> StoreResult<Vec<PendingRow>> {
    Ok(sui::table
        .filter(sui::invitation_id.eq(inv_id))
        .filter(sui::status.eq("pending"))
        .select((sui::id, sui::email, sui::token))
        .order(sui::position)
        .limit(limit)
        .load(c)?)
}

pub(super) fn load_job(
    c: &mut DbConn,
    inv_id: &str,
) -> StoreResult<(InvitationRow, crate::models::CourseRow)> {
    let inv: InvitationRow = si::table
        .filter(si::id.eq(inv_id))
        .select(InvitationRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("invitationId '{inv_id}'")))?;
    let tenant = uuid(&inv.tenant_id)?;
    let course = find_course(c, tenant, &CourseKey::Id(uuid(&inv.course_id)?))?
        .ok_or_else(|| StoreError::NotFound("course".into()))?;
    Ok((inv, course))
}

fn status_in(c: &mut DbConn, inv_id: &str) -> StoreResult<JobStatus> {
    let (s, t, p, e): (Option<String>, i32, i32, String) = si::table
        .filter(si::id.eq(inv_id))
        .select((
            si::job_status,
            si::job_total,
            si::job_processed,
            si::job_errors,
        ))
        .first(c)?;
    JobStatus::from_row(s.as_deref().unwrap_or(JobStatus::COMPLETE), t, p, &e)
}

impl Store {
    /// Claims a started job whose lease has lapsed; returns its invitation id.
    pub fn scorm_claim_job(&self, lease_ms: i64) -> StoreResult<Option<String>> {
        let now = to_millis(self.now());
        let started: i64 = self.with_conn(|c| {
            Ok(si::table
                .filter(si::job_status.eq(JobStatus::STARTED))
                .count()
                .get_result(c)?)
        })?;
        if started == 0 {
            return Ok(None);
        }
        self.write(|c| {
            let candidates: Vec<String> = si::table
                .filter(si::job_status.eq(JobStatus::STARTED))
                .filter(
                    si::job_lease_until
                        .is_null()
                        .or(si::job_lease_until.lt(now)),
                )
                .select(si::id)
                .order(si::created_at)
                .limit(8)
                .load(c)?;
            for id in candidates {
                let n = diesel::update(
                    si::table
                        .filter(si::id.eq(&id))
                        .filter(si::job_status.eq(JobStatus::STARTED))
                        .filter(
                            si::job_lease_until
                                .is_null()
                                .or(si::job_lease_until.lt(now)),
                        ),
                )
                .set(si::job_lease_until.eq(now.saturating_add(lease_ms)))
                .execute(c)?;
                if n == 1 {
                    return Ok(Some(id));
                }
            }
            Ok(None)
        })
    }

    /// Handles up to `batch` pending addresses of a job in one transaction (renewing the
    /// lease), or finishes the job when none are left. If the batch fails as a whole, each
    /// address is retried alone and one that still fails is marked failed with the reason,
    /// so a bad address cannot stall the job.
    pub fn scorm_job_step(
        &self,
        invitation_id: &str,
        batch: i64,
        lease_ms: i64,
        render: MailRenderer<'_>,
    ) -> StoreResult<JobStatus> {
        let now = self.now();
        let lease_until = to_millis(now).saturating_add(lease_ms);
        let result = self.write(|c| {
            let (inv, course) = load_job(c, invitation_id)?;
            if inv.job_status.as_deref() != Some(JobStatus::STARTED) {
                return status_in(c, invitation_id);
            }
            let rows = pending(c, invitation_id, batch)?;
            if rows.is_empty() {
                let st = status_in(c, invitation_id)?;
                let done = if st.errors.is_empty() {
                    JobStatus::COMPLETE
                } else {
                    JobStatus::ERROR
                };
                diesel::update(si::table.filter(si::id.eq(invitation_id)))
                    .set((
                        si::job_status.eq(done),
                        si::job_lease_until.eq(None::<i64>),
                        si::updated_at.eq(to_millis(now)),
                    ))
                    .execute(c)?;
                return status_in(c, invitation_id);
            }
            let mut b = Batch::default();
            if batch::order_free(&course)? {
                batch::run(c, &inv, &course, &rows, now, render, &mut b)?;
            } else {
                for row in &rows {
                    handle_address(c, &inv, &course, row, now, render, &mut b)?;
                }
            }
            finish_batch(c, invitation_id, &b, lease_until)?;
            status_in(c, invitation_id)
        });
        match result {
            Err(StoreError::Unavailable(m)) => Err(StoreError::Unavailable(m)),
            Err(e) => {
                log::warn!(
                    "invitation job {invitation_id}: batch failed ({e:?}); retrying addresses one by one"
                );
                self.scorm_job_singles(invitation_id, batch, lease_until, render)
            }
            ok => ok,
        }
    }

    fn scorm_job_singles(
        &self,
        invitation_id: &str,
        batch: i64,
        lease_until: i64,
        render: MailRenderer<'_>,
    ) -> StoreResult<JobStatus> {
        let now = self.now();
        let rows = self.read(|c| pending(c, invitation_id, batch))?;
        for row in rows {
            let one = self.write(|c| {
                let (inv, course) = load_job(c, invitation_id)?;
                let mut b = Batch::default();
                handle_address(c, &inv, &course, &row, now, render, &mut b)?;
                finish_batch(c, invitation_id, &b, lease_until)
            });
            if let Err(e) = one {
                log::warn!("invitation job {invitation_id}: address failed: {e:?}");
                let msg = format!("{}: {e}", row.1);
                self.write(|c| {
                    let n = diesel::update(
                        sui::table
                            .filter(sui::id.eq(&row.0))
                            .filter(sui::status.eq("pending")),
                    )
                    .set((sui::status.eq("failed"), sui::error.eq(&msg)))
                    .execute(c)?;
                    let b = Batch {
                        processed: i32::try_from(n).unwrap_or(0),
                        linked: 0,
                        errors: if n == 1 { vec![msg.clone()] } else { vec![] },
                    };
                    finish_batch(c, invitation_id, &b, lease_until)
                })?;
            }
        }
        self.read(|c| status_in(c, invitation_id))
    }

    /// GetPrivateInvitationJobStatus.
    pub fn scorm_job_status(
        &self,
        tenant_id: uuid::Uuid,
        invitation_id: &str,
    ) -> StoreResult<JobStatus> {
        self.read(|c| {
            find_row(c, tenant_id, invitation_id, Some(false))?;
            status_in(c, invitation_id)
        })
    }
}
