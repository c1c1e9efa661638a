//! Enrolling, un-enrolling and driving enrollments: the store's entry points over
//! [`super::create`], [`super::cancel`] and the domain's transition table. Every write works
//! on enrollment rows read under their locks and saves only what it changed (see
//! [`super::lock`]).
use super::cancel::unenroll_locked;
use super::create::{EnrollRequest, enroll_all_in};
use super::lock::{lock_enrollment, lock_enrollments, relock, save, save_with};
use super::{EnrollOptions, EnrollOutcome, Existing, active_row, resolve_pair};
use crate::attributes::{self, AttributeValue};
use crate::conn::DbConn;
use crate::courses::CourseKey;
use crate::error::{StoreError, StoreResult};
use crate::learners::LearnerKey;
use crate::models::{CourseRow, EnrollmentRecord, EnrollmentRow, EnrollmentView};
use crate::store::Store;
use enroll_domain::clock::{storable, to_millis};
use enroll_domain::{Command, DomainError, Enrollment, EnrollmentState};
use time::OffsetDateTime;
use uuid::Uuid;

/// Applies a domain command to a stored enrollment (expiry first) and saves what changed. On
/// PostgreSQL `row` is first read again under its lock, so a caller's earlier, unlocked read
/// is never written back over a concurrent change.
pub fn apply_in(
    conn: &mut DbConn,
    row: &mut EnrollmentRow,
    cmd: &Command,
    now: OffsetDateTime,
) -> StoreResult<Enrollment> {
    relock(conn, std::slice::from_mut(row))?;
    apply_locked(conn, row, cmd, now)
}

/// [`apply_in`] for a row read under its lock in this transaction.
pub fn apply_locked(
    conn: &mut DbConn,
    row: &mut EnrollmentRow,
    cmd: &Command,
    now: OffsetDateTime,
) -> StoreResult<Enrollment> {
    let before = row.clone();
    let (e, result) = applied(row, cmd, now)?;
    save(conn, &before, row)?;
    result?;
    Ok(e)
}

/// Runs `cmd` on the row (expiry first): the row holds the outcome (the expiry even when the
/// command is refused), to be saved.
fn applied(
    row: &mut EnrollmentRow,
    cmd: &Command,
    now: OffsetDateTime,
) -> StoreResult<(Enrollment, Result<(), DomainError>)> {
    let mut e = row.to_record()?.core;
    let expired = e.refresh(now);
    let result = e.apply(cmd, now);
    if result.is_ok() || expired {
        row.set_core(&e);
    }
    Ok((e, result))
}

/// Settable fields of an enrollment (Absorb's create-or-update). `None` = leave as is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrollmentPatch {
    /// A state change, applied through the transition table …
    pub command: Option<Command>,
    /// … unless the enrollment is already in this state (idempotent updates).
    pub unless_state: Option<EnrollmentState>,
    pub completed: Option<OffsetDateTime>,
    pub expires: Option<OffsetDateTime>,
    /// When it was made (a registration date set by the caller).
    pub added: Option<OffsetDateTime>,
    pub started: Option<OffsetDateTime>,
    pub due: Option<OffsetDateTime>,
    /// Time spent, replacing the recorded one (milliseconds, not negative).
    pub time_spent_ms: Option<i64>,
    /// Dialect attributes to set or (`Value::Null`) remove; the others are left as they are
    /// (see [`crate::attributes`]).
    pub attributes: Vec<AttributeValue>,
    pub credits: Option<f64>,
    pub score: Option<f64>,
}

/// Applies a patch to a stored enrollment inside a caller's transaction, in one update of the
/// columns it changes (the row is read again under its lock first, see [`apply_in`]).
pub fn patch_in(
    conn: &mut DbConn,
    row: &mut EnrollmentRow,
    patch: &EnrollmentPatch,
    now: OffsetDateTime,
) -> StoreResult<()> {
    if let Some(s) = patch.score
        && !(0.0..=100.0).contains(&s)
    {
        return Err(StoreError::Invalid(
            "score must be between 0 and 100".into(),
        ));
    }
    if let Some(c) = patch.credits
        && !(c.is_finite() && c >= 0.0)
    {
        return Err(StoreError::Invalid(
            "credits must be a non-negative number".into(),
        ));
    }
    // Dates the ledger cannot hold are refused, never stored as something else.
    let completed = patch.completed.map(storable).transpose()?;
    let expires = patch.expires.map(storable).transpose()?;
    let added = patch.added.map(storable).transpose()?;
    let started = patch.started.map(storable).transpose()?;
    let due = patch.due.map(storable).transpose()?;
    if patch.time_spent_ms.is_some_and(|t| t < 0) {
        return Err(StoreError::Invalid("time spent cannot be negative".into()));
    }
    relock(conn, std::slice::from_mut(row))?;
    let before = row.clone();
    let already = patch.unless_state.is_some_and(|s| s.as_str() == row.state);
    if let Some(cmd) = patch.command.as_ref().filter(|_| !already) {
        let (_, result) = applied(row, cmd, now)?;
        if let Err(e) = result {
            save(conn, &before, row)?;
            return Err(e.into());
        }
    }
    if completed.is_some() {
        row.completed_at = completed;
    }
    if expires.is_some() {
        row.expires_at = expires;
    }
    if let Some(a) = added {
        row.added_at = a;
    }
    if started.is_some() {
        row.started_at = started;
    }
    if due.is_some() {
        row.due_at = due;
    }
    if let Some(t) = patch.time_spent_ms {
        row.time_spent_ms = t;
    }
    if let Some(v) = patch.credits {
        row.credits = Some(v);
    }
    if let Some(v) = patch.score {
        row.score = Some(v);
    }
    row.updated_at = to_millis(now);
    let attributes = set_attributes(conn, &row.id, &patch.attributes)?;
    save_with(conn, &before, row, attributes)
}

/// Sets dialect attributes of an enrollment read under its lock; whether they changed.
fn set_attributes(conn: &mut DbConn, id: &str, values: &[AttributeValue]) -> StoreResult<bool> {
    if values.is_empty() {
        return Ok(false);
    }
    let before = attributes::of(conn, id)?;
    let mut after = before.clone();
    for v in values {
        after.set(v.dialect, v.name, v.value.clone());
    }
    if after == before {
        return Ok(false);
    }
    attributes::store(conn, id, &after)?;
    Ok(true)
}

/// Applies a command to one enrollment inside a caller's transaction; `cancel` ends it as an
/// un-enroll does (cancelled, archived, its session enrollments ended), so it no longer holds
/// the learner's active enrollment in the course.
fn command_in(
    c: &mut DbConn,
    tenant_id: Uuid,
    id: Uuid,
    cmd: &Command,
    now: OffsetDateTime,
) -> StoreResult<Enrollment> {
    let mut row = lock_enrollment(c, &tenant_id.to_string(), &id.to_string())?;
    // A refused command (and any cancel the table refuses) saves only the expiry it found.
    if !matches!(cmd, Command::Cancel) || applied(&mut row.clone(), cmd, now)?.1.is_err() {
        return apply_locked(c, &mut row, cmd, now);
    }
    // The cancel and the archiving in one save: one `cancelled` event.
    let mut rows = [row];
    unenroll_locked(c, &mut rows, now)?;
    let [row] = rows;
    Ok(row.to_record()?.core)
}

/// How often an enroll that re-enrolls is retried when a concurrent one won the race for the
/// active slot (PostgreSQL; SQLite runs writes one at a time): each retry sees the winner's
/// enrollment and re-enrolls over it.
const RACE_RETRIES: usize = 8;

fn retrying<T>(opts: &EnrollOptions, mut f: impl FnMut() -> StoreResult<T>) -> StoreResult<T> {
    let mut tries = 0;
    loop {
        match f() {
            Err(StoreError::Domain(DomainError::AlreadyEnrolled))
                if opts.existing != Existing::Refuse && tries < RACE_RETRIES =>
            {
                tries += 1;
            }
            other => return other,
        }
    }
}

fn one(outcomes: Vec<EnrollOutcome>) -> StoreResult<EnrollOutcome> {
    outcomes
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))
}

impl Store {
    /// Enrolls a learner in a course (both named by any key), in one transaction.
    pub fn enroll(
        &self,
        tenant_id: Uuid,
        learner: &LearnerKey,
        course: &CourseKey,
        opts: &EnrollOptions,
    ) -> StoreResult<EnrollOutcome> {
        let now = self.now();
        // Resolved before the write: on SQLite writes take turns on one connection, and these
        // two lookups were a quarter of an enroll's turn. The foreign keys still guard the
        // insert should either be deleted in between.
        let (l, co) = self.with_conn(|c| resolve_pair(c, tenant_id, learner, course))?;
        retrying(opts, || {
            let req = EnrollRequest {
                learner_id: l.clone(),
                course: &co,
                opts,
            };
            self.write(|c| one(enroll_all_in(c, std::slice::from_ref(&req), now)?))
        })
    }

    /// [`Store::enroll`] for async callers (see [`Store::write_async`]).
    pub async fn enroll_async(
        &self,
        tenant_id: Uuid,
        learner: LearnerKey,
        course: CourseKey,
        opts: EnrollOptions,
    ) -> StoreResult<EnrollOutcome> {
        let (l, co) = self
            .read_async(move |c| resolve_pair(c, tenant_id, &learner, &course))
            .await?;
        self.enroll_resolved_async(l, co, opts).await
    }

    /// The write of [`Store::enroll_async`], the learner and course resolved.
    pub(crate) async fn enroll_resolved_async(
        &self,
        learner_id: String,
        course: CourseRow,
        opts: EnrollOptions,
    ) -> StoreResult<EnrollOutcome> {
        let now = self.now();
        let mut tries = 0;
        loop {
            let (l, co, o) = (learner_id.clone(), course.clone(), opts.clone());
            let result = self
                .write_async(move |c| {
                    let req = EnrollRequest {
                        learner_id: l.clone(),
                        course: &co,
                        opts: &o,
                    };
                    one(enroll_all_in(c, &[req], now)?)
                })
                .await;
            match result {
                Err(StoreError::Domain(DomainError::AlreadyEnrolled))
                    if opts.existing != Existing::Refuse && tries < RACE_RETRIES =>
                {
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    /// Enrolls every learner in every course (ledger ids), in one transaction; unknown ids fail
    /// the whole call. Pairs already enrolled are handled as `opts.existing` says.
    pub fn enroll_many(
        &self,
        tenant_id: Uuid,
        learner_ids: &[Uuid],
        course_ids: &[Uuid],
        opts: &EnrollOptions,
    ) -> StoreResult<Vec<EnrollOutcome>> {
        let now = self.now();
        retrying(opts, || {
            self.write(|c| {
                let mut learners = Vec::with_capacity(learner_ids.len());
                for l in learner_ids {
                    learners.push(
                        crate::learners::find_learner_id(c, tenant_id, &LearnerKey::Id(*l))?
                            .ok_or_else(|| StoreError::NotFound(format!("learner {l}")))?,
                    );
                }
                let mut courses = Vec::with_capacity(course_ids.len());
                for co in course_ids {
                    courses.push(
                        crate::courses::find_course(c, tenant_id, &CourseKey::Id(*co))?
                            .ok_or_else(|| StoreError::NotFound(format!("course {co}")))?,
                    );
                }
                let reqs: Vec<EnrollRequest<'_>> = courses
                    .iter()
                    .flat_map(|co| {
                        learners.iter().map(move |l| EnrollRequest {
                            learner_id: l.clone(),
                            course: co,
                            opts,
                        })
                    })
                    .collect();
                enroll_all_in(c, &reqs, now)
            })
        })
    }

    /// Applies a command to an active enrollment (`cancel` ends it, see `command_in`).
    pub fn apply_command(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        cmd: &Command,
    ) -> StoreResult<Enrollment> {
        let now = self.now();
        self.write(|c| command_in(c, tenant_id, id, cmd, now))
    }

    /// [`Store::apply_command`], answering the enrollment as the command left it (read in the
    /// same transaction, so a concurrent write cannot show in its place).
    pub fn apply_command_view(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        cmd: &Command,
    ) -> StoreResult<EnrollmentView> {
        let now = self.now();
        self.write(|c| {
            command_in(c, tenant_id, id, cmd, now)?;
            super::read::views_by_id(c, &tenant_id.to_string(), &[&id.to_string()], now)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("enrollment".into()))
        })
    }

    /// Un-enrolls a list of enrollments, all or none (see [`super::cancel::unenroll_in`]).
    /// Unknown or already-archived ids fail the whole call, naming the id. The rows are locked
    /// in id order, whatever the list's order.
    pub fn unenroll(&self, tenant_id: Uuid, ids: &[Uuid]) -> StoreResult<usize> {
        let now = self.now();
        let wanted: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        self.write(|c| {
            let mut rows = lock_enrollments(c, &tenant_id.to_string(), &wanted)?;
            if let Some(id) = wanted.iter().find(|id| !rows.iter().any(|r| r.id == **id)) {
                return Err(StoreError::NotFound(format!("enrollment {id}")));
            }
            unenroll_locked(c, &mut rows, now)?;
            Ok(ids.len())
        })
    }

    /// Creates or updates the learner's active enrollment in a course and applies `patch`
    /// (re-enrolling first as `opts.existing` says), in one transaction.
    pub fn upsert_enrollment(
        &self,
        tenant_id: Uuid,
        learner: &LearnerKey,
        course: &CourseKey,
        opts: &EnrollOptions,
        patch: &EnrollmentPatch,
    ) -> StoreResult<EnrollmentRecord> {
        let now = self.now();
        // An existing enrollment is updated, not refused: only a re-enroll replaces it.
        let mut opts = opts.clone();
        if opts.existing == Existing::Refuse {
            opts.existing = Existing::Keep;
        }
        retrying(&opts, || {
            self.write(|c| {
                let (l, co) = resolve_pair(c, tenant_id, learner, course)?;
                let req = EnrollRequest {
                    learner_id: l.clone(),
                    course: &co,
                    opts: &opts,
                };
                one(enroll_all_in(c, &[req], now)?)?;
                let mut row = active_row(c, &co.tenant_id, &l, &co.id)?
                    .ok_or_else(|| StoreError::NotFound("enrollment".into()))?;
                patch_in(c, &mut row, patch, now)?;
                row.to_record()
            })
        })
    }
}
