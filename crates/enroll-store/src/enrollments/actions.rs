//! Actions on one enrollment by id: approve, decline, start, complete, cancel (with a note),
//! re-enroll and purge, and patches of its dates and results. Each is one transaction, and
//! its changes are the enrollment's events like any other write's (the history,
//! [`Store::enrollment_events`]): who acted is the store handle's cause
//! ([`Store::caused_by`]), and the note an action's caller gives ([`Acting::note`]) is
//! recorded on the events it makes.
//!
//! Enrolling with `notify_session_choice` mails a learner left to choose a session (the
//! mailbox of the outbox).
use super::cancel::unenroll_locked;
use super::commands::{apply_locked, patch_in};
use super::create::{EnrollRequest, enroll_all_in};
use super::lock::lock_enrollment;
use super::{EnrollOptions, EnrollmentPatch, Existing, find_enrollment};
use crate::conn::DbConn;
use crate::courses::{CourseKey, find_course};
use crate::error::{StoreError, StoreResult};
use crate::events::schema::enrollment_events as ev;
use crate::models::{EnrollmentRow, EnrollmentView};
use crate::outbox::{Channel, NewMessage, enqueue_in};
use crate::schema::sessions;
use crate::schema::{enrollments, learners};
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::{Command, EnrollmentState, EventKind};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// Through which dialect an action comes, and why (who acts is the store handle's cause).
#[derive(Debug, Clone, Default)]
pub struct Acting {
    /// The dialect's name (`Dialect::as_str`) or `admin`: the source of a re-enrollment.
    pub source: &'static str,
    /// A message that goes with the action (a cancellation message, a rejection reason),
    /// recorded on its events.
    pub note: Option<String>,
}

/// An action on an enrollment.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Approve a pending enrollment.
    Approve,
    /// Turn a pending or waitlisted enrollment down.
    Decline,
    /// Start it (first learning activity).
    Start,
    /// Complete it.
    Complete,
    /// Un-enroll (the one cancel path).
    Cancel,
    /// Re-enroll over it: it is archived and its series continues with a new enrollment, in
    /// `session` when given; the course's approval is skipped (an administrator's action).
    Reenroll { session: Option<Uuid> },
}

/// After an enrollment was created: the mail asking the learner to choose a session when it
/// waits for one and the caller asks.
pub(crate) fn after_enroll(
    conn: &mut DbConn,
    r: &EnrollRequest<'_>,
    row: &EnrollmentRow,
    now_ms: i64,
) -> StoreResult<()> {
    if r.opts.notify_session_choice && row.state == EnrollmentState::AwaitingSessionChoice.as_str()
    {
        mail_session_choice(conn, r, row, now_ms)?;
    }
    Ok(())
}

fn mail_session_choice(
    conn: &mut DbConn,
    r: &EnrollRequest<'_>,
    row: &EnrollmentRow,
    now_ms: i64,
) -> StoreResult<()> {
    let (email, first): (String, String) = learners::table
        .filter(learners::id.eq(&row.learner_id))
        .select((learners::email, learners::first_name))
        .first(conn)?;
    let names: Vec<String> = sessions::table
        .filter(sessions::course_id.eq(&row.course_id))
        .order((sessions::starts_at, sessions::id))
        .select(sessions::name)
        .load(conn)?;
    let title = &r.course.title;
    let body = format!(
        "Hello {first},\n\nyou are enrolled in \"{title}\". To finish your enrollment, choose \
         one of its sessions:\n\n{}\n",
        names
            .iter()
            .map(|n| format!("  - {n}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let msg = NewMessage {
        tenant_id: Some(crate::models::uuid(&row.tenant_id)?),
        channel: Channel::Mail,
        topic: "enrollment.session_choice".into(),
        target: email,
        headers: Vec::new(),
        content_type: "text/plain; charset=utf-8".into(),
        subject: Some(format!("Choose a session of {title}")),
        body,
    };
    enqueue_in(conn, &msg, now_ms)?;
    Ok(())
}

/// Runs `action` on the locked enrollment `row`; answers the enrollment the action leaves
/// (for a re-enroll, the new one).
fn act_in(
    c: &mut DbConn,
    tenant_id: Uuid,
    id: Uuid,
    action: &Action,
    acting: &Acting,
    now: OffsetDateTime,
) -> StoreResult<String> {
    crate::events::cause::with_note(acting.note.clone());
    if let Action::Reenroll { session } = action {
        return reenroll_in(c, tenant_id, id, *session, acting, now);
    }
    let mut row = lock_enrollment(c, &tenant_id.to_string(), &id.to_string())?;
    if !row.active {
        return Err(StoreError::Invalid(format!(
            "enrollment {id} is not active: it was cancelled or continued by a re-enrollment"
        )));
    }
    match action {
        Action::Cancel => {
            let mut rows = [row];
            unenroll_locked(c, &mut rows, now)?;
            [row] = rows;
        }
        other => {
            let cmd = match other {
                Action::Approve => Command::Approve,
                Action::Decline => Command::Decline,
                Action::Start => Command::Start,
                _ => Command::Complete { score: None },
            };
            apply_locked(c, &mut row, &cmd, now)?;
        }
    }
    Ok(row.id)
}

fn reenroll_in(
    c: &mut DbConn,
    tenant_id: Uuid,
    id: Uuid,
    session: Option<Uuid>,
    acting: &Acting,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let old = find_enrollment(c, tenant_id, id)?;
    if !old.active {
        return Err(StoreError::Invalid(format!(
            "enrollment {id} is not active: only the learner's current enrollment can be \
             re-enrolled"
        )));
    }
    let course_id = crate::models::uuid(&old.course_id)?;
    let course = find_course(c, tenant_id, &CourseKey::Id(course_id))?
        .ok_or_else(|| StoreError::NotFound("course".into()))?;
    let opts = EnrollOptions {
        existing: Existing::Continue {
            same_instance: false,
        },
        session_id: session,
        skip_approval: true,
        ..EnrollOptions::from_source(acting.source)
    };
    let req = EnrollRequest {
        learner_id: old.learner_id.clone(),
        course: &course,
        opts: &opts,
    };
    let out = enroll_all_in(c, &[req], now)?
        .pop()
        .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))?;
    // Another re-enroll got there first: this id is no longer the current enrollment.
    if out.archived != Some(id) {
        return Err(StoreError::Invalid(format!(
            "enrollment {id} is not active: only the learner's current enrollment can be \
             re-enrolled"
        )));
    }
    Ok(out.enrollment.core.id.to_string())
}

impl Store {
    /// Runs an action on an enrollment, its events carrying `acting`'s note, in one
    /// transaction; answers the enrollment as it left it (a re-enroll: the new enrollment).
    pub fn act(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        action: &Action,
        acting: &Acting,
    ) -> StoreResult<EnrollmentView> {
        let now = self.now();
        let t = tenant_id.to_string();
        self.write(|c| {
            let out = act_in(c, tenant_id, id, action, acting, now)?;
            super::read::views_by_id(c, &t, &[&out], now)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("enrollment".into()))
        })
    }

    /// Applies a patch to an enrollment (its dates, results, a state change) in one
    /// transaction, its events carrying `acting`'s note.
    pub fn patch_enrollment(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        patch: &EnrollmentPatch,
        acting: &Acting,
    ) -> StoreResult<()> {
        let now = self.now();
        self.write(|c| {
            let mut row = lock_enrollment(c, &tenant_id.to_string(), &id.to_string())?;
            crate::events::cause::with_note(acting.note.clone());
            patch_in(c, &mut row, patch, now)
        })
    }

    /// Deletes an enrollment that is no longer active, with everything recorded under it
    /// (session and lesson enrollments, attempts, launches, its events). An active one is
    /// refused with `Invalid`: cancel it first.
    pub fn purge_enrollment(&self, tenant_id: Uuid, id: Uuid) -> StoreResult<()> {
        self.write(|c| {
            let row = lock_enrollment(c, &tenant_id.to_string(), &id.to_string())?;
            if row.active {
                return Err(StoreError::Invalid(format!(
                    "enrollment {id} is active: only enrollments that are not active can be \
                     purged"
                )));
            }
            diesel::delete(enrollments::table.filter(enrollments::id.eq(&row.id))).execute(c)?;
            Ok(())
        })
    }

    /// The note of the latest cancellation event of each of the enrollments `ids` that has
    /// one (a cancellation reason), by enrollment id.
    pub fn cancellation_notes(
        &self,
        tenant_id: Uuid,
        ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, String>> {
        let wanted: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        self.with_conn(|c| {
            let mut out = HashMap::new();
            for chunk in wanted.chunks(400) {
                let ours: Vec<String> = enrollments::table
                    .filter(enrollments::tenant_id.eq(tenant_id.to_string()))
                    .filter(enrollments::id.eq_any(chunk))
                    .select(enrollments::id)
                    .load(c)?;
                let rows: Vec<(String, Option<String>)> = ev::table
                    .filter(ev::enrollment_id.eq_any(ours))
                    .filter(ev::kind.eq(EventKind::Cancelled.as_str()))
                    .filter(ev::note.is_not_null())
                    .order(ev::id)
                    .select((ev::enrollment_id, ev::note))
                    .load(c)?;
                for (e, note) in rows {
                    if let Some(n) = note {
                        out.insert(crate::models::uuid(&e)?, n);
                    }
                }
            }
            Ok(out)
        })
    }
}
