//! Lesson enrollments, chapter enrollments and lesson attempts, and how they roll up into the
//! course enrollment's progress.
//!
//! Lesson enrollments exist implicitly from the course enrollment on (their ids are derived,
//! see `enroll_domain::lesson`); a row is written on the first attempt.
use crate::schema::{attempts, lesson_enrollments};
use diesel::prelude::*;
use enroll_db::on_backend;
use enroll_domain::clock::to_millis;
use enroll_domain::lesson::{
    AttemptStatus, chapter_enrollment_id, course_progress, lesson_enrollment_id,
};
use enroll_domain::model::Lesson;
use enroll_domain::{Command, DomainError, EnrollmentState};
use enroll_store::conn::DbConn;
use enroll_store::courses::{CourseDetail, find_course, load_detail};
use enroll_store::enrollments::commands::apply_locked;
use enroll_store::enrollments::find_enrollment;
use enroll_store::enrollments::lock::lock_enrollment;
use enroll_store::models::{EnrollmentRow, ts, uuid};
use enroll_store::{Ledger, Store, StoreError, StoreResult};
use time::OffsetDateTime;
use uuid::Uuid;

/// One lesson enrollment (stored or implicit).
#[derive(Debug, Clone, PartialEq)]
pub struct LessonEnrollment {
    pub id: Uuid,
    pub enrollment_id: Uuid,
    pub chapter_enrollment_id: Uuid,
    pub lesson: Lesson,
    pub state: EnrollmentState,
    pub progress: f64,
    pub score: Option<f64>,
    pub time_spent_ms: i64,
    pub attempts: i32,
    pub failures: i32,
    pub last_attempt: Option<OffsetDateTime>,
    pub started: Option<OffsetDateTime>,
    pub completed: Option<OffsetDateTime>,
    pub added: OffsetDateTime,
    pub edited: OffsetDateTime,
}

/// A chapter enrollment, derived from its lessons.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterEnrollment {
    pub id: Uuid,
    pub enrollment_id: Uuid,
    pub chapter_id: Uuid,
    pub name: String,
    pub state: EnrollmentState,
    pub progress: f64,
    pub score: Option<f64>,
    pub time_spent_ms: i64,
    pub started: Option<OffsetDateTime>,
    pub completed: Option<OffsetDateTime>,
    pub added: OffsetDateTime,
    pub lesson_enrollment_ids: Vec<Uuid>,
}

/// One lesson attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: Uuid,
    pub lesson_enrollment_id: Uuid,
    pub enrollment_id: Uuid,
    pub status: AttemptStatus,
    pub score: Option<f64>,
    pub started: OffsetDateTime,
    pub completed: Option<OffsetDateTime>,
    pub time_spent_ms: i64,
}

/// How to finish an attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishAttempt {
    pub status: AttemptStatus,
    pub score: Option<f64>,
    pub started: Option<OffsetDateTime>,
    pub completed: Option<OffsetDateTime>,
}

type LessonRowT = (
    String,
    String,
    String,
    f64,
    Option<f64>,
    i64,
    i32,
    i32,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
);

fn lesson_rows(conn: &mut DbConn, enrollment_ids: &[String]) -> StoreResult<Vec<LessonRowT>> {
    Ok(lesson_enrollments::table
        .filter(lesson_enrollments::enrollment_id.eq_any(enrollment_ids))
        .select((
            lesson_enrollments::enrollment_id,
            lesson_enrollments::lesson_id,
            lesson_enrollments::state,
            lesson_enrollments::progress,
            lesson_enrollments::score,
            lesson_enrollments::time_spent_ms,
            lesson_enrollments::attempts,
            lesson_enrollments::failures,
            lesson_enrollments::last_attempt_at,
            lesson_enrollments::started_at,
            lesson_enrollments::completed_at,
            lesson_enrollments::added_at,
            lesson_enrollments::updated_at,
        ))
        .load(conn)?)
}

/// Every lesson enrollment of the given course enrollments, in course order.
pub fn lessons_of(
    conn: &mut DbConn,
    detail: &CourseDetail,
    enrollments: &[EnrollmentRow],
) -> StoreResult<Vec<LessonEnrollment>> {
    let ids: Vec<String> = enrollments.iter().map(|e| e.id.clone()).collect();
    let rows = lesson_rows(conn, &ids)?;
    let mut out = Vec::new();
    for e in enrollments {
        let eid = uuid(&e.id)?;
        for lesson in &detail.lessons {
            let lid = lesson.id.to_string();
            let row = rows.iter().find(|r| r.0 == e.id && r.1 == lid);
            let added = enroll_domain::clock::from_millis(e.added_at);
            let le = match row {
                Some(r) => LessonEnrollment {
                    id: lesson_enrollment_id(eid, lesson.id),
                    enrollment_id: eid,
                    chapter_enrollment_id: chapter_enrollment_id(eid, lesson.chapter_id),
                    lesson: lesson.clone(),
                    state: r.2.parse().map_err(StoreError::Internal)?,
                    progress: r.3,
                    score: r.4,
                    time_spent_ms: r.5,
                    attempts: r.6,
                    failures: r.7,
                    last_attempt: ts(r.8),
                    started: ts(r.9),
                    completed: ts(r.10),
                    added: enroll_domain::clock::from_millis(r.11),
                    edited: enroll_domain::clock::from_millis(r.12),
                },
                None => LessonEnrollment {
                    id: lesson_enrollment_id(eid, lesson.id),
                    enrollment_id: eid,
                    chapter_enrollment_id: chapter_enrollment_id(eid, lesson.chapter_id),
                    lesson: lesson.clone(),
                    state: EnrollmentState::NotStarted,
                    progress: 0.0,
                    score: None,
                    time_spent_ms: 0,
                    attempts: 0,
                    failures: 0,
                    last_attempt: None,
                    started: None,
                    completed: None,
                    added,
                    edited: added,
                },
            };
            out.push(le);
        }
    }
    Ok(out)
}

/// Chapter enrollments derived from lesson enrollments of one course enrollment.
pub fn chapters_of(
    detail: &CourseDetail,
    lessons: &[LessonEnrollment],
    enrollment_id: Uuid,
    added: OffsetDateTime,
) -> Vec<ChapterEnrollment> {
    detail
        .chapters
        .iter()
        .map(|ch| {
            let mine: Vec<&LessonEnrollment> = lessons
                .iter()
                .filter(|l| l.lesson.chapter_id == ch.id && l.enrollment_id == enrollment_id)
                .collect();
            let done = mine
                .iter()
                .filter(|l| l.state == EnrollmentState::Completed)
                .count();
            let state = if !mine.is_empty() && done == mine.len() {
                EnrollmentState::Completed
            } else if mine.iter().any(|l| l.state != EnrollmentState::NotStarted) {
                EnrollmentState::InProgress
            } else {
                EnrollmentState::NotStarted
            };
            let scores: Vec<f64> = mine.iter().filter_map(|l| l.score).collect();
            ChapterEnrollment {
                id: chapter_enrollment_id(enrollment_id, ch.id),
                enrollment_id,
                chapter_id: ch.id,
                name: ch.name.clone(),
                state,
                progress: course_progress(done, mine.len()),
                score: (!scores.is_empty())
                    .then(|| scores.iter().sum::<f64>() / scores.len() as f64),
                time_spent_ms: mine.iter().map(|l| l.time_spent_ms).sum(),
                started: mine.iter().filter_map(|l| l.started).min(),
                completed: (state == EnrollmentState::Completed)
                    .then(|| mine.iter().filter_map(|l| l.completed).max())
                    .flatten(),
                added,
                lesson_enrollment_ids: mine.iter().map(|l| l.id).collect(),
            }
        })
        .collect()
}

fn attempt_from(
    row: (
        String,
        String,
        String,
        String,
        Option<f64>,
        i64,
        Option<i64>,
        i64,
    ),
) -> StoreResult<Attempt> {
    Ok(Attempt {
        id: uuid(&row.0)?,
        lesson_enrollment_id: uuid(&row.1)?,
        enrollment_id: uuid(&row.2)?,
        status: row.3.parse().map_err(StoreError::Internal)?,
        score: row.4,
        started: enroll_domain::clock::from_millis(row.5),
        completed: ts(row.6),
        time_spent_ms: row.7,
    })
}

macro_rules! attempt_cols {
    () => {
        (
            attempts::id,
            attempts::lesson_enrollment_id,
            attempts::enrollment_id,
            attempts::status,
            attempts::score,
            attempts::started_at,
            attempts::completed_at,
            attempts::time_spent_ms,
        )
    };
}

/// A course enrollment and its course's lessons; `write`: the enrollment read under its row
/// lock, for a write that rolls up into it (writes to one enrollment take turns).
fn load_ctx(
    conn: &mut DbConn,
    tenant_id: Uuid,
    enrollment_id: Uuid,
    write: bool,
) -> StoreResult<(EnrollmentRow, CourseDetail)> {
    let row = if write {
        lock_enrollment(conn, &tenant_id.to_string(), &enrollment_id.to_string())?
    } else {
        find_enrollment(conn, tenant_id, enrollment_id)?
    };
    let course = find_course(
        conn,
        tenant_id,
        &enroll_store::courses::CourseKey::Id(uuid(&row.course_id)?),
    )?
    .ok_or_else(|| StoreError::NotFound("course".into()))?;
    let detail = load_detail(conn, &course)?;
    Ok((row, detail))
}

/// Recomputes course progress from lesson enrollments and moves the course enrollment on (its
/// row locked by the caller).
fn roll_up(
    conn: &mut DbConn,
    row: &mut EnrollmentRow,
    detail: &CourseDetail,
    added_ms: i64,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let lessons = lessons_of(conn, detail, std::slice::from_ref(row))?;
    let done = lessons
        .iter()
        .filter(|l| l.state == EnrollmentState::Completed)
        .count();
    let progress = course_progress(done, lessons.len());
    let state: EnrollmentState = row.state.parse().map_err(StoreError::Internal)?;
    if state.is_terminal() {
        return Ok(());
    }
    if matches!(
        state,
        EnrollmentState::NotStarted | EnrollmentState::InProgress
    ) {
        apply_locked(
            conn,
            row,
            &Command::RecordProgress {
                progress,
                time_spent_ms: added_ms,
            },
            now,
        )?;
    }
    if done == lessons.len() && !lessons.is_empty() {
        let scores: Vec<f64> = lessons.iter().filter_map(|l| l.score).collect();
        let score = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
        apply_locked(conn, row, &Command::Complete { score }, now)?;
    }
    Ok(())
}

/// Lesson, chapter and attempt progress of the ledger's enrollments (what Absorb's lessons and attempts resources read and write).
///
/// Implemented for [`Store`]: bring the trait into scope to call its operations on one.
pub trait LessonProgress: Ledger {
    /// A course enrollment's lesson and chapter enrollments.
    fn lesson_tree(
        &self,
        tenant_id: Uuid,
        enrollment_id: Uuid,
    ) -> StoreResult<(Vec<LessonEnrollment>, Vec<ChapterEnrollment>)> {
        self.ledger().read(|c| {
            let (row, detail) = load_ctx(c, tenant_id, enrollment_id, false)?;
            let lessons = lessons_of(c, &detail, std::slice::from_ref(&row))?;
            let chapters = chapters_of(
                &detail,
                &lessons,
                enrollment_id,
                enroll_domain::clock::from_millis(row.added_at),
            );
            Ok((lessons, chapters))
        })
    }

    /// Lesson enrollments of one lesson across the given course enrollments.
    fn lesson_enrollments_for(
        &self,
        tenant_id: Uuid,
        enrollment_ids: &[Uuid],
        lesson_id: Uuid,
    ) -> StoreResult<Vec<LessonEnrollment>> {
        self.ledger().read(|c| {
            let mut out = Vec::new();
            for id in enrollment_ids {
                let (row, detail) = load_ctx(c, tenant_id, *id, false)?;
                out.extend(
                    lessons_of(c, &detail, std::slice::from_ref(&row))?
                        .into_iter()
                        .filter(|l| l.lesson.id == lesson_id),
                );
            }
            Ok(out)
        })
    }

    /// Starts an attempt on a lesson of an active course enrollment.
    fn start_attempt(
        &self,
        tenant_id: Uuid,
        enrollment_id: Uuid,
        lesson_id: Uuid,
    ) -> StoreResult<Attempt> {
        let now = self.ledger().now();
        let now_ms = to_millis(now);
        self.ledger().write(|c| {
            let (mut row, detail) = load_ctx(c, tenant_id, enrollment_id, true)?;
            if !row.active {
                return Err(DomainError::NotActive.into());
            }
            if !detail.lessons.iter().any(|l| l.id == lesson_id) {
                return Err(StoreError::NotFound("lesson".into()));
            }
            if row.state != EnrollmentState::InProgress.as_str() {
                // Starts it; or the domain says why not (terminal, pending approval, locked …).
                apply_locked(c, &mut row, &Command::Start, now)?;
            }
            let le_id = lesson_enrollment_id(enrollment_id, lesson_id).to_string();
            // Made on the first attempt; a second start finds it (no count first).
            on_backend!(c, c => diesel::insert_into(lesson_enrollments::table)
                .values((
                    lesson_enrollments::id.eq(&le_id),
                    lesson_enrollments::enrollment_id.eq(&row.id),
                    lesson_enrollments::lesson_id.eq(lesson_id.to_string()),
                    lesson_enrollments::state.eq(EnrollmentState::InProgress.as_str()),
                    lesson_enrollments::progress.eq(0.0),
                    lesson_enrollments::time_spent_ms.eq(0i64),
                    lesson_enrollments::attempts.eq(0),
                    lesson_enrollments::failures.eq(0),
                    lesson_enrollments::started_at.eq(now_ms),
                    lesson_enrollments::added_at.eq(row.added_at),
                    lesson_enrollments::updated_at.eq(now_ms),
                ))
                .on_conflict_do_nothing()
                .execute(c))?;
            let le_state: String = lesson_enrollments::table
                .find(&le_id)
                .select(lesson_enrollments::state)
                .first(c)?;
            let next_state = if le_state == EnrollmentState::Completed.as_str() {
                le_state
            } else {
                EnrollmentState::InProgress.as_str().to_string()
            };
            diesel::update(lesson_enrollments::table.find(&le_id))
                .set((
                    lesson_enrollments::attempts.eq(lesson_enrollments::attempts + 1),
                    lesson_enrollments::last_attempt_at.eq(now_ms),
                    lesson_enrollments::state.eq(next_state),
                    lesson_enrollments::updated_at.eq(now_ms),
                ))
                .execute(c)?;
            let id = Uuid::new_v4();
            diesel::insert_into(attempts::table)
                .values((
                    attempts::id.eq(id.to_string()),
                    attempts::lesson_enrollment_id.eq(&le_id),
                    attempts::enrollment_id.eq(&row.id),
                    attempts::status.eq(AttemptStatus::InProgress.as_str()),
                    attempts::started_at.eq(now_ms),
                    attempts::time_spent_ms.eq(0i64),
                ))
                .execute(c)?;
            let r = attempts::table
                .find(id.to_string())
                .select(attempt_cols!())
                .first(c)?;
            attempt_from(r)
        })
    }

    /// One attempt; `NotFound("attempt")` when absent or another tenant's. Lets a caller see
    /// whose attempt it is (its course enrollment) before acting on it.
    fn attempt(&self, tenant_id: Uuid, attempt_id: Uuid) -> StoreResult<Attempt> {
        self.ledger().with_conn(|c| {
            let a = attempts::table
                .find(attempt_id.to_string())
                .select(attempt_cols!())
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::NotFound("attempt".into()))?;
            let a = attempt_from(a)?;
            // Tenant isolation goes through the course enrollment.
            match find_enrollment(c, tenant_id, a.enrollment_id) {
                Ok(_) => Ok(a),
                Err(StoreError::NotFound(_)) => Err(StoreError::NotFound("attempt".into())),
                Err(e) => Err(e),
            }
        })
    }

    /// Attempts of one lesson of a course enrollment, oldest first.
    fn list_attempts(
        &self,
        tenant_id: Uuid,
        enrollment_id: Uuid,
        lesson_id: Uuid,
    ) -> StoreResult<Vec<Attempt>> {
        self.ledger().read(|c| {
            let (_, detail) = load_ctx(c, tenant_id, enrollment_id, false)?;
            if !detail.lessons.iter().any(|l| l.id == lesson_id) {
                return Err(StoreError::NotFound("lesson".into()));
            }
            let le_id = lesson_enrollment_id(enrollment_id, lesson_id).to_string();
            let rows = attempts::table
                .filter(attempts::lesson_enrollment_id.eq(le_id))
                .select(attempt_cols!())
                .order((attempts::started_at, attempts::id))
                .load(c)?;
            rows.into_iter().map(attempt_from).collect()
        })
    }

    /// Finishes an in-progress attempt; `owner` restricts it to one course enrollment.
    /// Updates the lesson enrollment and rolls progress up into the course enrollment.
    fn finish_attempt(
        &self,
        tenant_id: Uuid,
        attempt_id: Uuid,
        owner: Option<(Uuid, Uuid)>,
        finish: &FinishAttempt,
    ) -> StoreResult<Attempt> {
        let now = self.ledger().now();
        let now_ms = to_millis(now);
        if let Some(s) = finish.score
            && !(0.0..=100.0).contains(&s)
        {
            return Err(StoreError::Invalid(
                "score must be between 0 and 100".into(),
            ));
        }
        let attempt = |c: &mut DbConn| -> StoreResult<Attempt> {
            let a = attempts::table
                .find(attempt_id.to_string())
                .select(attempt_cols!())
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::NotFound("attempt".into()))?;
            attempt_from(a)
        };
        self.ledger().write(|c| {
            let enrollment_id = attempt(c)?.enrollment_id;
            // Tenant isolation goes through the course enrollment, whose row lock makes
            // writes to it (and its attempts) take turns.
            let (mut row, detail) = load_ctx(c, tenant_id, enrollment_id, true)
                .map_err(|_| StoreError::NotFound("attempt".into()))?;
            let a = attempt(c)?;
            if let Some((enrollment, lesson)) = owner
                && (enrollment != a.enrollment_id
                    || lesson_enrollment_id(enrollment, lesson) != a.lesson_enrollment_id)
            {
                return Err(StoreError::NotFound("attempt".into()));
            }
            // An ended enrollment's attempts are history: nothing is written to them.
            if !row.active {
                return Err(DomainError::NotActive.into());
            }
            if a.status != AttemptStatus::InProgress {
                return Err(StoreError::Invalid(
                    "the attempt is already finished".into(),
                ));
            }
            let started = finish.started.map_or(a.started, |s| s);
            let completed = finish.completed.unwrap_or(now);
            if completed < started {
                return Err(StoreError::Invalid(
                    "the attempt cannot end before it starts".into(),
                ));
            }
            let spent =
                i64::try_from((completed - started).whole_milliseconds()).unwrap_or(i64::MAX);
            let finished = finish.status != AttemptStatus::InProgress;
            diesel::update(attempts::table.find(attempt_id.to_string()))
                .set((
                    attempts::status.eq(finish.status.as_str()),
                    attempts::score.eq(finish.score),
                    attempts::started_at.eq(to_millis(started)),
                    attempts::completed_at.eq(finished.then_some(to_millis(completed))),
                    attempts::time_spent_ms.eq(spent),
                ))
                .execute(c)?;
            let le_id = a.lesson_enrollment_id.to_string();
            let statuses: Vec<String> = attempts::table
                .filter(attempts::lesson_enrollment_id.eq(&le_id))
                .select(attempts::status)
                .order((attempts::started_at, attempts::id))
                .load(c)?;
            let statuses: Vec<AttemptStatus> = statuses
                .into_iter()
                .map(|s| s.parse().map_err(StoreError::Internal))
                .collect::<StoreResult<_>>()?;
            let le_state = enroll_domain::lesson::lesson_state(&statuses);
            let failures = i32::try_from(
                statuses
                    .iter()
                    .filter(|s| **s == AttemptStatus::Failed)
                    .count(),
            )
            .unwrap_or(i32::MAX);
            diesel::update(lesson_enrollments::table.find(&le_id))
                .set((
                    lesson_enrollments::state.eq(le_state.as_str()),
                    lesson_enrollments::progress.eq(if le_state == EnrollmentState::Completed {
                        100.0
                    } else {
                        0.0
                    }),
                    lesson_enrollments::failures.eq(failures),
                    lesson_enrollments::time_spent_ms.eq(lesson_enrollments::time_spent_ms + spent),
                    lesson_enrollments::updated_at.eq(now_ms),
                ))
                .execute(c)?;
            if let Some(s) = finish.score {
                diesel::update(lesson_enrollments::table.find(&le_id))
                    .set(lesson_enrollments::score.eq(s))
                    .execute(c)?;
            }
            if le_state == EnrollmentState::Completed {
                diesel::update(
                    lesson_enrollments::table
                        .find(&le_id)
                        .filter(lesson_enrollments::completed_at.is_null()),
                )
                .set(lesson_enrollments::completed_at.eq(to_millis(completed)))
                .execute(c)?;
            }
            roll_up(c, &mut row, &detail, spent, now)?;
            let r = attempts::table
                .find(attempt_id.to_string())
                .select(attempt_cols!())
                .first(c)?;
            attempt_from(r)
        })
    }
}

impl LessonProgress for Store {}
