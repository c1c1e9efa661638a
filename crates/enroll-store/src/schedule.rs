//! Enrollment schedules on the ledger (see [`enroll_domain::schedule`]): a course's default
//! due date or period, enrolling many learners in many courses with a schedule, changing an
//! enrollment's schedule and re-enrolling with a new one — all as an [`Actor`], each in one
//! transaction with its authorization check.
use crate::access::{Actor, check, departments_of, ledger_ids, scope_in};
use crate::conn::DbConn;
use crate::enrollments::{EnrollOptions, EnrollOutcome, EnrollRequest, Existing, enroll_all_in};
use crate::error::{StoreError, StoreResult};
use crate::models::{CourseRow, EnrollmentRecord, EnrollmentRow, uuid};
use crate::schema::courses;
use crate::store::{Store, on_backend};
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::Dialect;
use enroll_domain::schedule::{DueDefault, Resolved, Schedule};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// The default due rule of each of `course_ids` (ledger ids) that has one.
pub(crate) fn due_defaults_in(
    c: &mut DbConn,
    course_ids: &[&str],
) -> StoreResult<HashMap<String, DueDefault>> {
    let mut out = HashMap::new();
    for chunk in course_ids.chunks(400) {
        // One id (a single call's learner or course): a statement of fixed shape on the
        // backend's own connection, prepared once per connection; a list (`eq_any`) is
        // prepared again on every call on SQLite.
        let rows: Vec<(String, Option<i64>, Option<i64>)> = match chunk {
            [one] => on_backend!(c, c => courses::table
                .filter(courses::id.eq(*one))
                .select((
                    courses::id,
                    courses::default_due_at,
                    courses::default_due_hours,
                ))
                .load(c))?,
            _ => courses::table
                .filter(courses::id.eq_any(chunk))
                .select((
                    courses::id,
                    courses::default_due_at,
                    courses::default_due_hours,
                ))
                .load(c)?,
        };
        for (id, at, hours) in rows {
            match (at, hours) {
                (Some(at), _) => out.insert(id, DueDefault::At(from_millis(at))),
                (None, Some(h)) => out.insert(id, DueDefault::Hours(h)),
                (None, None) => None,
            };
        }
    }
    Ok(out)
}

/// Sets (or, with `None`, clears) a course's default due rule inside a caller's transaction.
pub fn set_due_default_in(
    c: &mut DbConn,
    course_id: Uuid,
    due: Option<DueDefault>,
) -> StoreResult<()> {
    let (at, hours) = match due {
        None => (None, None),
        Some(DueDefault::At(t)) => (Some(enroll_domain::clock::storable(t)?), None),
        Some(DueDefault::Hours(h)) if h > 0 => (None, Some(h)),
        Some(DueDefault::Hours(_)) => {
            return Err(StoreError::Invalid(
                "a default due period must be a positive number of hours".into(),
            ));
        }
    };
    diesel::update(courses::table.find(course_id.to_string()))
        .set((
            courses::default_due_at.eq(at),
            courses::default_due_hours.eq(hours),
        ))
        .execute(c)?;
    Ok(())
}

/// What a bulk enroll did, per (course, learner) pair in request order (courses outer): the
/// enrollment's id and whether it was created (false: the learner's enrollment was kept).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BulkOutcome {
    pub enrollments: Vec<(Uuid, bool)>,
}

/// Pairs from which a bulk enroll gives SQLite a large page cache for its transaction.
const LARGE: usize = 10_000;
/// That cache (KiB): the indexes a bulk of 100,000 enrollments touches fit in it, instead of
/// being spilled to the WAL midway and read back.
const LARGE_CACHE_KIB: i64 = 131_072;

/// Runs `f` with a large SQLite page cache when `large`, the everyday one restored after.
fn with_cache<T>(
    c: &mut DbConn,
    large: bool,
    f: impl FnOnce(&mut DbConn) -> StoreResult<T>,
) -> StoreResult<T> {
    use diesel::connection::SimpleConnection;
    if !large || c.is_pg() {
        return f(c);
    }
    c.batch_execute(&format!("PRAGMA cache_size = -{LARGE_CACHE_KIB}"))?;
    let out = f(c);
    let restored = c.batch_execute(&format!(
        "PRAGMA cache_size = {}",
        crate::conn::SQLITE_CACHE_KIB
    ));
    let out = out?;
    restored?;
    Ok(out)
}

/// Enrolling learners in courses, both named by a dialect's ids (see [`Store::enroll_many_as`]).
#[derive(Debug, Clone)]
pub struct BulkEnroll<'a> {
    pub dialect: Dialect,
    pub learners: &'a [String],
    pub courses: &'a [String],
    pub schedule: Schedule,
    /// When a learner is already enrolled in a course.
    pub existing: Existing,
}

fn options(dialect: Dialect, existing: Existing, r: &Resolved) -> EnrollOptions {
    let mut o = EnrollOptions::new(dialect);
    o.existing = existing;
    o.access = Some(r.access);
    o.due = r.due;
    o.lock_after_due = r.lock_after_due;
    o
}

/// The ledger ids of `ids`, in order; the first that names nothing is `NotFound("<what> <id>")`.
fn all_named(
    c: &mut DbConn,
    tenant_id: Uuid,
    dialect: Dialect,
    kind: Kind,
    ids: &[String],
    what: &str,
) -> StoreResult<Vec<String>> {
    let map = ledger_ids(c, tenant_id, dialect, kind, ids)?;
    ids.iter()
        .map(|id| {
            map.get(id)
                .cloned()
                .ok_or_else(|| StoreError::NotFound(format!("{what} {id}")))
        })
        .collect()
}

/// Applies a resolved schedule to a row (and the expiry it may cause at `now`).
fn set_schedule(row: &mut EnrollmentRow, r: &Resolved, now: OffsetDateTime) -> StoreResult<()> {
    row.access_at = Some(to_millis(r.access));
    row.due_at = r.due.map(to_millis);
    row.lock_after_due = r.lock_after_due;
    let mut e = row.to_record()?.core;
    e.refresh(now);
    e.dates.edited = Some(now);
    row.set_core(&e);
    Ok(())
}

impl Store {
    /// Sets (or clears) a course's default due rule.
    pub fn set_course_due_default(
        &self,
        tenant_id: Uuid,
        course_id: Uuid,
        due: Option<DueDefault>,
    ) -> StoreResult<()> {
        self.write(|c| {
            crate::courses::find_course(c, tenant_id, &crate::courses::CourseKey::Id(course_id))?
                .ok_or_else(|| StoreError::NotFound("course".into()))?;
            set_due_default_in(c, course_id, due)
        })
    }

    /// Enrolls every learner in every course as `actor`, with `b.schedule` (a period or the
    /// courses' defaults resolved per course), in one transaction: an unknown learner or
    /// course (`NotFound("learner <id>")`, `NotFound("course <id>")`) or a learner outside the
    /// actor's scope (`NotPermitted("learner <id>")`) refuses the whole call. Course by
    /// course, so a call of 100,000 pairs holds one course's rows in memory at a time.
    pub fn enroll_many_as(
        &self,
        tenant_id: Uuid,
        actor: &Actor,
        b: &BulkEnroll<'_>,
    ) -> StoreResult<BulkOutcome> {
        let now = self.now();
        self.write(|c| {
            let scope = scope_in(c, tenant_id, actor)?;
            let learners = all_named(
                c,
                tenant_id,
                b.dialect,
                Kind::Learner,
                b.learners,
                "learner",
            )?;
            let ids: Vec<&str> = learners.iter().map(String::as_str).collect();
            let departments = departments_of(c, tenant_id, &ids)?;
            for (l, named) in learners.iter().zip(b.learners) {
                let Some(d) = departments.get(l) else {
                    return Err(StoreError::NotFound(format!("learner {named}")));
                };
                check(&scope, uuid(l)?, *d, &format!("learner {named}"))?;
            }
            let course_ids = all_named(c, tenant_id, b.dialect, Kind::Course, b.courses, "course")?;
            let mut rows: HashMap<String, CourseRow> = HashMap::new();
            for chunk in course_ids.chunks(400) {
                // One course: fixed shape, prepared once per connection (see ledger_ids).
                let found: Vec<CourseRow> = match chunk {
                    [one] => on_backend!(c, c => courses::table
                        .filter(courses::tenant_id.eq(tenant_id.to_string()))
                        .filter(courses::id.eq(one))
                        .select(CourseRow::as_select())
                        .load(c))?,
                    _ => courses::table
                        .filter(courses::tenant_id.eq(tenant_id.to_string()))
                        .filter(courses::id.eq_any(chunk))
                        .select(CourseRow::as_select())
                        .load(c)?,
                };
                rows.extend(found.into_iter().map(|r| (r.id.clone(), r)));
            }
            let ids: Vec<&str> = course_ids.iter().map(String::as_str).collect();
            let defaults = due_defaults_in(c, &ids)?;
            let mut per_course = Vec::with_capacity(course_ids.len());
            for (id, named) in course_ids.iter().zip(b.courses) {
                let row = rows
                    .get(id)
                    .ok_or_else(|| StoreError::NotFound(format!("course {named}")))?;
                let r = b.schedule.resolve(defaults.get(id).copied(), now)?;
                per_course.push((row, options(b.dialect, b.existing, &r)));
            }
            let large = per_course.len() * learners.len() >= LARGE;
            with_cache(c, large, |c| {
                let mut out = BulkOutcome {
                    enrollments: Vec::with_capacity(per_course.len() * learners.len()),
                };
                for (co, opts) in &per_course {
                    let reqs: Vec<EnrollRequest<'_>> = learners
                        .iter()
                        .map(|l| EnrollRequest {
                            learner_id: l.clone(),
                            course: co,
                            opts,
                        })
                        .collect();
                    for o in enroll_all_in(c, &reqs, now)? {
                        out.enrollments.push((o.enrollment.core.id, o.created));
                    }
                }
                Ok(out)
            })
        })
    }

    /// Changes an active enrollment's schedule as `actor` (the course's default when the
    /// schedule asks for it); past a locking due date it expires at once.
    pub fn reschedule_as(
        &self,
        tenant_id: Uuid,
        actor: &Actor,
        enrollment_id: Uuid,
        schedule: &Schedule,
    ) -> StoreResult<EnrollmentRecord> {
        let now = self.now();
        self.write(|c| {
            let mut row = reachable(c, tenant_id, actor, enrollment_id)?;
            // Read again under its lock: only what this changes is written.
            crate::enrollments::lock::relock(c, std::slice::from_mut(&mut row))?;
            let defaults = due_defaults_in(c, &[row.course_id.as_str()])?;
            let r = schedule.resolve(defaults.get(&row.course_id).copied(), now)?;
            let before = row.clone();
            set_schedule(&mut row, &r, now)?;
            crate::enrollments::lock::save(c, &before, &row)?;
            row.to_record()
        })
    }

    /// Re-enrolls as `actor`: archives the active enrollment and continues its series with a
    /// new one on `schedule`, in one transaction.
    pub fn reenroll_as(
        &self,
        tenant_id: Uuid,
        actor: &Actor,
        enrollment_id: Uuid,
        schedule: &Schedule,
        dialect: Dialect,
    ) -> StoreResult<EnrollOutcome> {
        let now = self.now();
        self.write(|c| {
            let row = reachable(c, tenant_id, actor, enrollment_id)?;
            let course = crate::courses::find_course(
                c,
                tenant_id,
                &crate::courses::CourseKey::Id(uuid(&row.course_id)?),
            )?
            .ok_or_else(|| StoreError::NotFound("course".into()))?;
            let defaults = due_defaults_in(c, &[row.course_id.as_str()])?;
            let r = schedule.resolve(defaults.get(&row.course_id).copied(), now)?;
            let existing = Existing::Continue {
                same_instance: false,
            };
            let opts = options(dialect, existing, &r);
            let req = EnrollRequest {
                learner_id: row.learner_id.clone(),
                course: &course,
                opts: &opts,
            };
            enroll_all_in(c, &[req], now)?
                .pop()
                .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))
        })
    }
}

/// The active enrollment `id` names, checked against the actor's scope (`NotFound("enrollment")`
/// for an unknown or archived one, `NotPermitted("enrollment")` outside the scope).
fn reachable(
    c: &mut DbConn,
    tenant_id: Uuid,
    actor: &Actor,
    id: Uuid,
) -> StoreResult<EnrollmentRow> {
    let scope = scope_in(c, tenant_id, actor)?;
    let row = crate::enrollments::find_enrollment(c, tenant_id, id)?;
    if !row.active {
        return Err(StoreError::NotFound("enrollment".into()));
    }
    let departments = departments_of(c, tenant_id, &[row.learner_id.as_str()])?;
    let department = departments.get(&row.learner_id).copied().flatten();
    check(&scope, uuid(&row.learner_id)?, department, "enrollment")?;
    Ok(row)
}
