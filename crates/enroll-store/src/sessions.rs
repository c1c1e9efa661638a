//! Session enrollments of instructor-led courses.
use crate::conn::DbConn;
use crate::courses::CourseKey;
use crate::crosswalk;
use crate::enrollments::cancel::end_sessions_in;
use crate::enrollments::commands::apply_locked;
use crate::enrollments::lock::{active_rows_locked, lock_courses, lock_learners, lock_sessions};
use crate::enrollments::{
    EnrollOptions, EnrollOutcome, EnrollRequest, Existing, enroll_all_in,
    insert_session_enrollment, resolve_pair,
};
use crate::error::{StoreError, StoreResult};
use crate::learners::LearnerKey;
use crate::models::LearnerRow;
use crate::models::{ts, uuid};
use crate::schema::{enrollments, learners, session_enrollments, sessions};
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::Learner;
use enroll_domain::{Command, DomainError, EnrollmentState};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// One session enrollment.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEnrollment {
    pub id: Uuid,
    pub enrollment_id: Uuid,
    pub session_id: Uuid,
    pub session_name: String,
    pub learner_id: Uuid,
    pub state: EnrollmentState,
    pub active: bool,
    pub progress: f64,
    pub score: Option<f64>,
    pub time_spent_ms: i64,
    pub added: OffsetDateTime,
    pub started: Option<OffsetDateTime>,
    pub completed: Option<OffsetDateTime>,
    pub edited: OffsetDateTime,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    f64,
    Option<f64>,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
);

fn to_domain(r: Row) -> StoreResult<SessionEnrollment> {
    Ok(SessionEnrollment {
        id: uuid(&r.0)?,
        enrollment_id: uuid(&r.1)?,
        session_id: uuid(&r.2)?,
        session_name: r.3,
        learner_id: uuid(&r.4)?,
        state: r.5.parse().map_err(StoreError::Internal)?,
        active: r.6,
        progress: r.7,
        score: r.8,
        time_spent_ms: r.9,
        added: from_millis(r.10),
        started: ts(r.11),
        completed: ts(r.12),
        edited: from_millis(r.13),
    })
}

fn query(tenant_id: Uuid) -> crate::sessions::Boxed<'static> {
    session_enrollments::table
        .inner_join(enrollments::table)
        .inner_join(sessions::table)
        .filter(enrollments::tenant_id.eq(tenant_id.to_string()))
        .into_boxed()
}

/// The boxed session-enrollment query.
pub type Boxed<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<
        diesel::dsl::InnerJoin<session_enrollments::table, enrollments::table>,
        sessions::table,
    >,
    crate::conn::MultiBackend,
>;

macro_rules! cols {
    () => {
        (
            session_enrollments::id,
            session_enrollments::enrollment_id,
            session_enrollments::session_id,
            sessions::name,
            enrollments::learner_id,
            session_enrollments::state,
            session_enrollments::active,
            session_enrollments::progress,
            session_enrollments::score,
            session_enrollments::time_spent_ms,
            session_enrollments::added_at,
            session_enrollments::started_at,
            session_enrollments::completed_at,
            session_enrollments::updated_at,
        )
    };
}

/// Free places of capacity-limited sessions, counted like a course's seats (every active
/// session enrollment takes one) with the sessions locked (PostgreSQL), so concurrent joins
/// count in turn. Sessions without a capacity are not tracked: always a place.
pub(crate) struct Places(HashMap<String, i64>);

impl Places {
    /// Locks the capacity-limited ones of `sessions` (id, capacity) and counts their places.
    pub(crate) fn lock(conn: &mut DbConn, sessions: &[(String, Option<i32>)]) -> StoreResult<Self> {
        let mut free: HashMap<String, i64> = sessions
            .iter()
            .filter_map(|(id, cap)| cap.map(|c| (id.clone(), i64::from(c))))
            .collect();
        if free.is_empty() {
            return Ok(Self(free));
        }
        let ids: Vec<String> = free.keys().cloned().collect();
        lock_sessions(conn, &ids)?;
        let taken: Vec<(String, i64)> = session_enrollments::table
            .filter(session_enrollments::session_id.eq_any(&ids))
            .filter(session_enrollments::active)
            .group_by(session_enrollments::session_id)
            .select((session_enrollments::session_id, diesel::dsl::count_star()))
            .load(conn)?;
        for (session, n) in taken {
            if let Some(f) = free.get_mut(&session) {
                *f -= n;
            }
        }
        Ok(Self(free))
    }

    /// Takes a place in `session`; `false` when it is full (the session enrollment is then
    /// waitlisted, as a full course's enrollment is).
    pub(crate) fn take(&mut self, session: &str) -> bool {
        match self.0.get_mut(session) {
            Some(free) if *free <= 0 => false,
            Some(free) => {
                *free -= 1;
                true
            }
            None => true,
        }
    }
}

/// Which of a session's enrollments [`Store::session_roster`] answers, one page of them.
#[derive(Debug, Clone, Default)]
pub struct RosterQuery {
    /// Only session enrollments in one of these states.
    pub states: Option<Vec<EnrollmentState>>,
    /// Only session enrollments changed after this instant.
    pub edited_after: Option<OffsetDateTime>,
    /// Only learners of these departments (a department admin's scope).
    pub departments: Option<Vec<Uuid>>,
    pub limit: i64,
    pub offset: i64,
}

impl Store {
    /// Session enrollments of one course enrollment (active first, then historical).
    pub fn session_enrollments(
        &self,
        tenant_id: Uuid,
        enrollment_id: Uuid,
    ) -> StoreResult<Vec<SessionEnrollment>> {
        self.read(|c| {
            let rows: Vec<Row> = query(tenant_id)
                .filter(session_enrollments::enrollment_id.eq(enrollment_id.to_string()))
                .select(cols!())
                .order((
                    session_enrollments::active.desc(),
                    session_enrollments::added_at,
                ))
                .load(c)?;
            rows.into_iter().map(to_domain).collect()
        })
    }

    /// [`Store::session_enrollments`] of many course enrollments at once (a page of a list),
    /// by course enrollment id; enrollments without any are absent.
    pub fn session_enrollments_of(
        &self,
        tenant_id: Uuid,
        enrollment_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, Vec<SessionEnrollment>>> {
        let wanted: Vec<String> = enrollment_ids.iter().map(Uuid::to_string).collect();
        self.read(|c| {
            let mut out: HashMap<Uuid, Vec<SessionEnrollment>> = HashMap::new();
            for chunk in wanted.chunks(400) {
                let rows: Vec<Row> = query(tenant_id)
                    .filter(session_enrollments::enrollment_id.eq_any(chunk))
                    .select(cols!())
                    .order((
                        session_enrollments::active.desc(),
                        session_enrollments::added_at,
                    ))
                    .load(c)?;
                for row in rows {
                    let se = to_domain(row)?;
                    out.entry(se.enrollment_id).or_default().push(se);
                }
            }
            Ok(out)
        })
    }

    /// A page of one session's enrollments with their learners, narrowed by `q` in the
    /// database; the total counts every match.
    pub fn session_roster(
        &self,
        tenant_id: Uuid,
        session_id: Uuid,
        q: &RosterQuery,
    ) -> StoreResult<(i64, Vec<(SessionEnrollment, Learner)>)> {
        self.read(|c| {
            let sid = session_id.to_string();
            let t = tenant_id.to_string();
            let base = || {
                let mut b =
                    query(tenant_id).filter(session_enrollments::session_id.eq(sid.clone()));
                if let Some(states) = &q.states {
                    b = b.filter(
                        session_enrollments::state
                            .eq_any(states.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
                    );
                }
                if let Some(after) = q.edited_after {
                    b = b.filter(session_enrollments::updated_at.gt(to_millis(after)));
                }
                if let Some(ds) = &q.departments {
                    b = b.filter(
                        enrollments::learner_id.eq_any(
                            learners::table
                                .filter(learners::tenant_id.eq(t.clone()))
                                .filter(
                                    learners::department_id
                                        .eq_any(ds.iter().map(Uuid::to_string).collect::<Vec<_>>()),
                                )
                                .select(learners::id),
                        ),
                    );
                }
                b
            };
            let total: i64 = base().count().get_result(c)?;
            let rows: Vec<Row> = base()
                .select(cols!())
                .order((session_enrollments::added_at, session_enrollments::id))
                .limit(q.limit)
                .offset(q.offset)
                .load(c)?;
            let roster: Vec<SessionEnrollment> = rows
                .into_iter()
                .map(to_domain)
                .collect::<StoreResult<_>>()?;
            let ids: Vec<String> = roster.iter().map(|r| r.learner_id.to_string()).collect();
            let learner_rows: Vec<LearnerRow> = learners::table
                .filter(learners::tenant_id.eq(&t))
                .filter(learners::id.eq_any(&ids))
                .select(LearnerRow::as_select())
                .load(c)?;
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let book = crosswalk::ids_of(c, &refs)?;
            let by_id: HashMap<String, Learner> = learner_rows
                .iter()
                .map(|r| Ok((r.id.clone(), r.to_domain(book.get(Kind::Learner, &r.id))?)))
                .collect::<StoreResult<_>>()?;
            let page = roster
                .into_iter()
                .map(|r| {
                    let l = by_id
                        .get(&r.learner_id.to_string())
                        .cloned()
                        .ok_or_else(|| {
                            StoreError::Internal("roster row without its learner".into())
                        })?;
                    Ok((r, l))
                })
                .collect::<StoreResult<_>>()?;
            Ok((total, page))
        })
    }

    /// Enrolls a learner in one session of an instructor-led course (Absorb's "create ILC
    /// enrollment"): creates the course enrollment when there is none; with `cancel_session`
    /// an existing session enrollment is cancelled and replaced; with `reenroll` the course
    /// enrollment is archived and a new one started.
    pub fn enroll_session(
        &self,
        tenant_id: Uuid,
        learner: &LearnerKey,
        course: &CourseKey,
        session_id: Uuid,
        opts: &EnrollOptions,
        cancel_session: bool,
    ) -> StoreResult<EnrollOutcome> {
        let now = self.now();
        let now_ms = to_millis(now);
        let sid = session_id.to_string();
        self.write(|c| {
            let (l, co) = resolve_pair(c, tenant_id, learner, course)?;
            let session: Option<(String, Option<i32>)> = sessions::table
                .filter(sessions::id.eq(&sid))
                .filter(sessions::course_id.eq(&co.id))
                .select((sessions::id, sessions::capacity))
                .first(c)
                .optional()?;
            let session = session.ok_or_else(|| StoreError::NotFound("session".into()))?;
            // The lock order: the course, its session, the learner (when a re-enroll may
            // replace the enrollment), then the enrollment.
            if co.capacity.is_some() {
                lock_courses(c, &[&co.id])?;
            }
            let mut places = Places::lock(c, std::slice::from_ref(&session))?;
            let opts = EnrollOptions {
                session_id: Some(session_id),
                ..opts.clone()
            };
            if opts.existing != Existing::Refuse {
                lock_learners(c, &[&l])?;
            }
            let existing = active_rows_locked(c, &co.tenant_id, &[(&l, &co.id)])?
                .into_values()
                .next();
            let Some(mut row) = existing.filter(|_| opts.existing == Existing::Refuse) else {
                let req = EnrollRequest {
                    learner_id: l.clone(),
                    course: &co,
                    opts: &opts,
                };
                return enroll_all_in(c, &[req], now)?
                    .pop()
                    .ok_or_else(|| StoreError::Internal("no enroll outcome".into()));
            };
            let in_session: Vec<String> = session_enrollments::table
                .filter(session_enrollments::enrollment_id.eq(&row.id))
                .filter(session_enrollments::active)
                .select(session_enrollments::session_id)
                .load(c)?;
            if !in_session.is_empty() {
                if !cancel_session {
                    return Err(DomainError::AlreadyEnrolled.into());
                }
                end_sessions_in(c, &[&row.id], now)?;
                if in_session.contains(&sid) {
                    // Its own place is free again.
                    places = Places::lock(c, std::slice::from_ref(&session))?;
                }
            }
            let se = insert_session_enrollment(c, &row.id, &sid, places.take(&sid), now_ms)?;
            if row.state == EnrollmentState::AwaitingSessionChoice.as_str() {
                apply_locked(c, &mut row, &Command::ChooseSession, now)?;
            }
            Ok(EnrollOutcome {
                enrollment: row.to_record()?,
                created: false,
                archived: None,
                session_enrollment_id: Some(se),
            })
        })
    }
}
