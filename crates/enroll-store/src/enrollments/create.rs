//! The one way enrollments are created: a single enroll, a bulk enroll (N learners × M
//! courses), an invitation's batch and a series' next instance all call [`enroll_all_in`].
//!
//! Requests are handled in order, as if one after another: a request for a (learner, course)
//! pair that an earlier request of the same call touched sees that request's result (such
//! requests wait for a later round). Within a round the work is set-based: one lookup of the
//! active enrollments, one archive update, one seat count per capacity-limited course and
//! session, and the inserts (a single statement for one request, prepared once). Locks are
//! taken in the global order (see [`super::lock`]): capacity-limited courses and sessions,
//! then the learners whose enrollment a request may replace, then their active enrollments.
use super::cancel::end_sessions_in;
use super::lock::{active_rows_locked, lock_courses, lock_learners};
use super::{EnrollOptions, EnrollOutcome, Existing};
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::events::{self, NewEvent};
use crate::models::{CourseRow, EnrollmentRow, uuid};
use crate::schema::{enrollments, session_enrollments, sessions};
use crate::sessions::Places;
use crate::store::on_backend;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::enrollment::initial_state;
use enroll_domain::model::{CourseKind, SessionEnrollmentType};
use enroll_domain::{DomainError, Enrollment, EnrollmentState, EventKind, NewEnrollment};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use uuid::Uuid;

/// Rows per multi-row statement (well under both backends' bound-parameter limits).
const CHUNK: usize = 400;

/// One enrollment to make: a learner (ledger id), a course and how.
#[derive(Debug, Clone)]
pub struct EnrollRequest<'a> {
    pub learner_id: String,
    pub course: &'a CourseRow,
    pub opts: &'a EnrollOptions,
}

impl EnrollRequest<'_> {
    fn pair(&self) -> (&str, &str) {
        (&self.learner_id, &self.course.id)
    }
}

/// Makes the enrollments `reqs` ask for, inside the caller's transaction; one outcome per
/// request, in order. Fails as a whole on the first refusal (an [`Existing::Refuse`] request
/// whose learner is enrolled, an unknown session, …).
pub fn enroll_all_in(
    conn: &mut DbConn,
    reqs: &[EnrollRequest<'_>],
    now: OffsetDateTime,
) -> StoreResult<Vec<EnrollOutcome>> {
    let mut out: Vec<Option<EnrollOutcome>> = vec![None; reqs.len()];
    let mut pending: Vec<usize> = (0..reqs.len()).collect();
    while !pending.is_empty() {
        let mut seen = HashSet::new();
        let (round, later): (Vec<usize>, Vec<usize>) = pending
            .into_iter()
            .partition(|i| seen.insert(reqs[*i].pair()));
        let done = round_in(conn, reqs, &round, now)?;
        for (i, o) in round.into_iter().zip(done) {
            out[i] = Some(o);
        }
        pending = later;
    }
    out.into_iter()
        .map(|o| o.ok_or_else(|| StoreError::Internal("an enroll request was not handled".into())))
        .collect()
}

/// What one request of a round will do.
struct Plan {
    series: Option<(String, i32)>,
    archived: Option<EnrollmentRow>,
    kept: Option<EnrollmentRow>,
}

fn round_in(
    conn: &mut DbConn,
    reqs: &[EnrollRequest<'_>],
    round: &[usize],
    now: OffsetDateTime,
) -> StoreResult<Vec<EnrollOutcome>> {
    let now_ms = to_millis(now);
    let tenant = tenant_of(reqs, round)?;
    let capped: Vec<&str> = round
        .iter()
        .map(|i| reqs[*i].course)
        .filter(|c| c.capacity.is_some())
        .map(|c| c.id.as_str())
        .collect();
    lock_courses(conn, &capped)?;
    let sessions = course_sessions(conn, reqs, round)?;
    let mut places = Places::lock(conn, &joined_sessions(reqs, round, &sessions)?)?;
    // Concurrent re-enrolls of one learner take turns, each seeing the enrollment the one
    // before made, instead of racing for the one active slot.
    let replacing: Vec<&str> = round
        .iter()
        .map(|i| &reqs[*i])
        .filter(|r| r.opts.existing != Existing::Refuse)
        .map(|r| r.learner_id.as_str())
        .collect();
    lock_learners(conn, &replacing)?;
    let pairs: Vec<(&str, &str)> = round.iter().map(|i| reqs[*i].pair()).collect();
    let active = active_rows_locked(conn, &tenant, &pairs)?;
    let mut plans = Vec::with_capacity(round.len());
    for &i in round {
        let r = &reqs[i];
        let existing = active
            .get(&(r.learner_id.clone(), r.course.id.clone()))
            .cloned();
        plans.push(match (existing, r.opts.existing) {
            (None, _) => Plan {
                series: None,
                archived: None,
                kept: None,
            },
            (Some(_), Existing::Refuse) => return Err(DomainError::AlreadyEnrolled.into()),
            (Some(e), Existing::Keep) => Plan {
                series: None,
                archived: None,
                kept: Some(e),
            },
            (Some(e), Existing::Continue { same_instance }) => Plan {
                series: Some((e.series_id.clone(), e.instance + i32::from(!same_instance))),
                archived: Some(e),
                kept: None,
            },
            (Some(e), Existing::NewSeries) => Plan {
                series: None,
                archived: Some(e),
                kept: None,
            },
        });
    }
    archive(conn, plans.iter().filter_map(|p| p.archived.as_ref()), now)?;
    let creating: Vec<usize> = (0..round.len())
        .filter(|k| plans[*k].kept.is_none())
        .collect();
    let mut seats = free_seats(conn, reqs, round, &creating)?;
    let mut rows = Vec::with_capacity(creating.len());
    let mut continues = Vec::with_capacity(creating.len());
    for &k in &creating {
        let r = &reqs[round[k]];
        let (kind, session_type) = (r.course.kind()?, r.course.session_type()?);
        let wanted = r.opts.sessions();
        check_sessions(r, &wanted, session_type, &sessions)?;
        let full = match seats.get_mut(&r.course.id) {
            _ if r.opts.ignore_capacity => false,
            Some(free) if *free <= 0 => true,
            Some(free) => {
                *free -= 1;
                false
            }
            None => false,
        };
        let needs_session = kind == CourseKind::InstructorLed
            && session_type == Some(SessionEnrollmentType::SingleSession)
            && wanted.is_empty();
        let state = initial_state(
            r.opts.invited,
            r.course.requires_approval && !r.opts.skip_approval,
            full,
            needs_session,
        );
        // Time-ordered (v7): new ids land at the end of the primary-key index instead of on
        // a random page of it, one page write less per enrollment on a large table.
        let id = Uuid::now_v7();
        let (series_id, instance) = plans[k]
            .series
            .clone()
            .unwrap_or_else(|| (id.to_string(), 0));
        continues.push(plans[k].series.is_some());
        rows.push(EnrollmentRow::new_active(
            id,
            r,
            state,
            (series_id, instance),
            now,
        )?);
    }
    insert_rows(conn, &rows)?;
    let created: Vec<NewEvent> = rows
        .iter()
        .zip(&continues)
        .map(|(row, c)| events::of_creation(row, *c))
        .collect();
    events::record_in(conn, &created)?;
    let mut made = rows.into_iter();
    let mut out = Vec::with_capacity(round.len());
    for (k, plan) in plans.into_iter().enumerate() {
        if let Some(e) = plan.kept {
            out.push(EnrollOutcome {
                enrollment: e.to_record()?,
                created: false,
                archived: None,
                session_enrollment_id: None,
            });
            continue;
        }
        let row = made
            .next()
            .ok_or_else(|| StoreError::Internal("enrollment rows out of step".into()))?;
        let r = &reqs[round[k]];
        let mut first_session = None;
        for sid in joins(r, &sessions)? {
            let seated = places.take(&sid) || r.opts.ignore_capacity;
            let se = insert_session_enrollment(conn, &row.id, &sid, seated, now_ms)?;
            first_session.get_or_insert(se);
        }
        super::actions::after_enroll(conn, r, &row, now_ms)?;
        out.push(EnrollOutcome {
            enrollment: row.to_record()?,
            created: true,
            archived: plan.archived.map(|a| uuid(&a.id)).transpose()?,
            session_enrollment_id: first_session,
        });
    }
    Ok(out)
}

fn tenant_of(reqs: &[EnrollRequest<'_>], round: &[usize]) -> StoreResult<String> {
    let mut tenants = round.iter().map(|i| &reqs[*i].course.tenant_id);
    let first = tenants.next().cloned().unwrap_or_default();
    if tenants.any(|t| *t != first) {
        return Err(StoreError::Internal("one enroll call spans tenants".into()));
    }
    Ok(first)
}

/// Archives re-enrolled enrollments (rows locked by the caller) in one update, records their
/// `archived` events and ends their session enrollments.
fn archive<'r>(
    conn: &mut DbConn,
    rows: impl Iterator<Item = &'r EnrollmentRow>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let rows: Vec<&EnrollmentRow> = rows.collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let archived: Vec<NewEvent> = rows
        .iter()
        .map(|r| {
            let state = Some(r.state.as_str());
            NewEvent::caused(r, EventKind::Archived, state, &r.state, to_millis(now))
        })
        .collect();
    events::record_in(conn, &archived)?;
    for chunk in ids.chunks(CHUNK) {
        diesel::update(enrollments::table.filter(enrollments::id.eq_any(chunk)))
            .set((
                enrollments::active.eq(false),
                enrollments::updated_at.eq(to_millis(now)),
            ))
            .execute(conn)?;
    }
    end_sessions_in(conn, &ids, now)
}

/// The sessions (id, capacity) of the instructor-led courses of the round, by course, in
/// session order.
fn course_sessions(
    conn: &mut DbConn,
    reqs: &[EnrollRequest<'_>],
    round: &[usize],
) -> StoreResult<HashMap<String, Vec<(String, Option<i32>)>>> {
    let mut ids: Vec<&str> = Vec::new();
    for &i in round {
        let c = reqs[i].course;
        if c.kind()? == CourseKind::InstructorLed && !ids.contains(&c.id.as_str()) {
            ids.push(&c.id);
        }
    }
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, Option<i32>)> = sessions::table
        .filter(sessions::course_id.eq_any(&ids))
        .select((sessions::course_id, sessions::id, sessions::capacity))
        .order((sessions::starts_at, sessions::id))
        .load(conn)?;
    let mut out: HashMap<String, Vec<(String, Option<i32>)>> = HashMap::new();
    for (course, session, capacity) in rows {
        out.entry(course).or_default().push((session, capacity));
    }
    Ok(out)
}

/// The sessions a request's new enrollment joins: the one it names, or every session of a
/// course that enrolls in all of them.
fn joins(
    r: &EnrollRequest<'_>,
    sessions: &HashMap<String, Vec<(String, Option<i32>)>>,
) -> StoreResult<Vec<String>> {
    let wanted = r.opts.sessions();
    Ok(match (wanted.is_empty(), r.course.session_type()?) {
        (false, _) => wanted.iter().map(Uuid::to_string).collect(),
        (true, Some(SessionEnrollmentType::AllSessions)) => sessions
            .get(&r.course.id)
            .map(|s| s.iter().map(|(id, _)| id.clone()).collect())
            .unwrap_or_default(),
        _ => vec![],
    })
}

/// Refuses sessions a request may not join: one that is not the course's, any on a course
/// that enrolls in all of its sessions, more than one on a single-session course.
fn check_sessions(
    r: &EnrollRequest<'_>,
    wanted: &[Uuid],
    session_type: Option<SessionEnrollmentType>,
    sessions: &HashMap<String, Vec<(String, Option<i32>)>>,
) -> StoreResult<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let known = sessions.get(&r.course.id);
    for sid in wanted {
        if !known.is_some_and(|s| s.iter().any(|(id, _)| *id == sid.to_string())) {
            return Err(StoreError::NotFound("session".into()));
        }
    }
    if session_type == Some(SessionEnrollmentType::AllSessions) {
        return Err(StoreError::Invalid(
            "this course enrolls learners in all of its sessions; omit the session".into(),
        ));
    }
    let mut unique = wanted.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != wanted.len() {
        return Err(StoreError::Invalid("a session is named twice".into()));
    }
    if wanted.len() > 1 && session_type == Some(SessionEnrollmentType::SingleSession) {
        return Err(StoreError::Invalid(
            "this course enrolls learners in one session; name one session".into(),
        ));
    }
    Ok(())
}

/// The sessions (id, capacity) the round's requests may join.
fn joined_sessions(
    reqs: &[EnrollRequest<'_>],
    round: &[usize],
    sessions: &HashMap<String, Vec<(String, Option<i32>)>>,
) -> StoreResult<Vec<(String, Option<i32>)>> {
    let mut out = Vec::new();
    for &i in round {
        let r = &reqs[i];
        let known = sessions.get(&r.course.id);
        for sid in joins(r, sessions)? {
            if let Some(s) = known.and_then(|k| k.iter().find(|(id, _)| *id == sid)) {
                out.push(s.clone());
            }
        }
    }
    Ok(out)
}

/// Free seats of the capacity-limited courses the creating requests name (the caller locked
/// them, so concurrent enrolls into one course count in turn).
fn free_seats(
    conn: &mut DbConn,
    reqs: &[EnrollRequest<'_>],
    round: &[usize],
    creating: &[usize],
) -> StoreResult<HashMap<String, i64>> {
    let mut caps: HashMap<String, i64> = HashMap::new();
    for &k in creating {
        let c = reqs[round[k]].course;
        if let Some(cap) = c.capacity {
            caps.insert(c.id.clone(), i64::from(cap));
        }
    }
    if caps.is_empty() {
        return Ok(caps);
    }
    let ids: Vec<String> = caps.keys().cloned().collect();
    let tenant = tenant_of(reqs, round)?;
    let taken: Vec<(String, i64)> = enrollments::table
        .filter(enrollments::tenant_id.eq(&tenant))
        .filter(enrollments::course_id.eq_any(&ids))
        .filter(enrollments::active)
        .group_by(enrollments::course_id)
        .select((enrollments::course_id, diesel::dsl::count_star()))
        .load(conn)?;
    for (course, n) in taken {
        if let Some(free) = caps.get_mut(&course) {
            *free -= n;
        }
    }
    Ok(caps)
}

fn insert_rows(conn: &mut DbConn, rows: &[EnrollmentRow]) -> StoreResult<()> {
    let result = match (conn, rows) {
        (_, []) => Ok(0),
        // One row (every single enroll): a static insert, prepared once per connection.
        (c, [row]) => {
            on_backend!(c, c => diesel::insert_into(enrollments::table).values(row).execute(c))
        }
        // Multi-row INSERTs: every column is bound (no DEFAULT, see `EnrollmentRow`), so
        // SQLite takes a chunk as one statement too (with a DEFAULT, diesel would insert row by
        // row in a transaction of its own, which cannot nest in ours).
        (c, rows) => rows.chunks(CHUNK).try_fold(0, |n, chunk| {
            Ok(
                n + on_backend!(c, c => diesel::insert_into(enrollments::table)
                .values(chunk)
                .execute(c))?,
            )
        }),
    };
    result
        .map(|_| ())
        .map_err(|e: diesel::result::Error| match StoreError::from(e) {
            // A concurrent enroll won the race for the one active slot.
            StoreError::Conflict(_) => StoreError::Domain(DomainError::AlreadyEnrolled),
            // The learner or course was deleted after the caller resolved it.
            StoreError::Invalid(_) => StoreError::NotFound("user or course".into()),
            other => other,
        })
}

/// Adds an active session enrollment to a course enrollment: waitlisted when the session
/// had no free place (counted like a course's seats).
pub fn insert_session_enrollment(
    conn: &mut DbConn,
    enrollment_id: &str,
    session_id: &str,
    seated: bool,
    now_ms: i64,
) -> StoreResult<Uuid> {
    let id = Uuid::new_v4();
    let state = if seated {
        EnrollmentState::NotStarted
    } else {
        EnrollmentState::Waitlisted
    };
    diesel::insert_into(session_enrollments::table)
        .values((
            session_enrollments::id.eq(id.to_string()),
            session_enrollments::enrollment_id.eq(enrollment_id),
            session_enrollments::session_id.eq(session_id),
            session_enrollments::state.eq(state.as_str()),
            session_enrollments::active.eq(true),
            session_enrollments::progress.eq(0.0),
            session_enrollments::time_spent_ms.eq(0i64),
            session_enrollments::added_at.eq(now_ms),
            session_enrollments::updated_at.eq(now_ms),
        ))
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Domain(DomainError::Invalid(
                "the learner is already enrolled in this session".into(),
            )),
            other => other,
        })?;
    Ok(id)
}

impl EnrollmentRow {
    /// A fresh active enrollment row for a request, at `now`, in a series: the domain's new
    /// enrollment ([`Enrollment::new`]: its state, dates and starting values) with what the
    /// ledger keeps beside it (source, series, course version, invitation).
    fn new_active(
        id: Uuid,
        r: &EnrollRequest<'_>,
        state: EnrollmentState,
        (series_id, instance): (String, i32),
        now: OffsetDateTime,
    ) -> StoreResult<Self> {
        let o = r.opts;
        let e = Enrollment::new(
            NewEnrollment {
                id,
                tenant_id: uuid(&r.course.tenant_id)?,
                learner_id: uuid(&r.learner_id)?,
                course_id: uuid(&r.course.id)?,
                state,
                due: o.due,
                expires: o.expires,
                access: o.access,
                lock_after_due: o.lock_after_due,
            },
            now,
        );
        let added = to_millis(e.dates.added.unwrap_or(now));
        let mut row = Self {
            id: id.to_string(),
            tenant_id: r.course.tenant_id.clone(),
            learner_id: r.learner_id.clone(),
            course_id: r.course.id.clone(),
            state: String::new(),
            active: false,
            progress: 0.0,
            score: None,
            time_spent_ms: 0,
            lock_after_due: false,
            added_at: added,
            started_at: None,
            completed_at: None,
            due_at: None,
            expires_at: None,
            access_at: None,
            updated_at: added,
            credits: None,
            source: o.source.into(),
            series_id,
            instance,
            course_version: r.course.version,
            invitation_id: o.invitation_id.clone(),
        };
        row.set_core(&e);
        Ok(row)
    }
}
