//! Course enrollments: enroll / re-enroll, commands, reads, lists and un-enrollment.
use crate::conn::DbConn;
use crate::courses::{CourseKey, find_course};
use crate::error::{StoreError, StoreResult};
use crate::filter::DynFilter;
use crate::learners::{LearnerKey, find_learner_id};
use crate::models::{CourseRow, EnrollmentRecord, EnrollmentRow, EnrollmentView, LearnerRow};
use crate::schema::{courses, enrollments, learners, session_enrollments, sessions};
use crate::store::{FirstRow, Store, on_backend};
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::enrollment::initial_state;
use enroll_domain::model::{CourseKind, Dialect, SessionEnrollmentType};
use enroll_domain::{Command, DomainError, Enrollment, EnrollmentState};
use time::OffsetDateTime;
use uuid::Uuid;

/// How to enroll.
#[derive(Debug, Clone)]
pub struct EnrollOptions {
    /// Archive an existing active enrollment and start a new one.
    pub reenroll: bool,
    /// Who made the call: a dialect's name (`Dialect::as_str`) or `admin`.
    pub source: &'static str,
    /// Start in `invited` (invitations).
    pub invited: bool,
    /// The instructor-led session to join.
    pub session_id: Option<Uuid>,
    pub due: Option<OffsetDateTime>,
    pub expires: Option<OffsetDateTime>,
    pub access: Option<OffsetDateTime>,
    pub lock_after_due: bool,
}

impl EnrollOptions {
    /// Plain options for a dialect.
    pub fn new(dialect: Dialect) -> Self {
        Self::from_source(dialect.as_str())
    }

    /// Plain options for any source (e.g. `admin`).
    pub fn from_source(source: &'static str) -> Self {
        Self {
            reenroll: false,
            source,
            invited: false,
            session_id: None,
            due: None,
            expires: None,
            access: None,
            lock_after_due: false,
        }
    }
}

/// What an enroll call did.
#[derive(Debug, Clone)]
pub struct EnrollOutcome {
    pub enrollment: EnrollmentRecord,
    /// The enrollment archived by a re-enrollment.
    pub archived: Option<Uuid>,
    /// The session enrollment created, when a session was given.
    pub session_enrollment_id: Option<Uuid>,
}

/// Enrolls inside a caller's transaction (learner and course already resolved).
pub fn enroll_in(
    conn: &mut DbConn,
    learner_id: &str,
    course: &CourseRow,
    opts: &EnrollOptions,
    now: OffsetDateTime,
) -> StoreResult<EnrollOutcome> {
    let now_ms = to_millis(now);
    let existing = active_row(conn, &course.tenant_id, learner_id, &course.id)?;
    let mut archived = None;
    if let Some(old) = existing {
        if !opts.reenroll {
            return Err(DomainError::AlreadyEnrolled.into());
        }
        diesel::update(enrollments::table.find(&old.id))
            .set((
                enrollments::active.eq(false),
                enrollments::updated_at.eq(now_ms),
            ))
            .execute(conn)?;
        diesel::update(
            session_enrollments::table.filter(session_enrollments::enrollment_id.eq(&old.id)),
        )
        .set(session_enrollments::active.eq(false))
        .execute(conn)?;
        archived = Some(crate::models::uuid(&old.id)?);
    }
    let kind: CourseKind = course.to_domain()?.kind;
    let session_type = course.to_domain()?.session_type;
    if let Some(sid) = opts.session_id {
        let found: i64 = sessions::table
            .filter(sessions::id.eq(sid.to_string()))
            .filter(sessions::course_id.eq(&course.id))
            .count()
            .get_result(conn)?;
        if found == 0 {
            return Err(StoreError::NotFound("session".into()));
        }
        if session_type == Some(SessionEnrollmentType::AllSessions) {
            return Err(StoreError::Invalid(
                "this course enrolls learners in all of its sessions; omit the session".into(),
            ));
        }
    }
    let full = match course.capacity {
        Some(cap) => {
            let taken: i64 = enrollments::table
                .filter(enrollments::course_id.eq(&course.id))
                .filter(enrollments::active)
                .count()
                .get_result(conn)?;
            taken >= i64::from(cap)
        }
        None => false,
    };
    let needs_session = kind == CourseKind::InstructorLed
        && session_type == Some(SessionEnrollmentType::SingleSession)
        && opts.session_id.is_none();
    let state = initial_state(opts.invited, course.requires_approval, full, needs_session);
    // Time-ordered (v7): new ids land at the end of the primary-key index instead of on a
    // random page of it, one page write less per enrollment on a large table.
    let id = Uuid::now_v7();
    let row = EnrollmentRow::new_active(
        id,
        &course.tenant_id,
        learner_id,
        &course.id,
        state,
        opts,
        now_ms,
    );
    on_backend!(conn, c => diesel::insert_into(enrollments::table).values(&row).execute(c))
        .map_err(|e| match StoreError::from(e) {
            // A concurrent enroll won the race for the one active slot.
            StoreError::Conflict(_) => StoreError::Domain(DomainError::AlreadyEnrolled),
            // The learner or course was deleted after the caller resolved it.
            StoreError::Invalid(_) => StoreError::NotFound("user or course".into()),
            other => other,
        })?;
    let mut session_enrollment_id = None;
    let session_ids: Vec<String> = match (opts.session_id, session_type) {
        (Some(sid), _) => vec![sid.to_string()],
        (None, Some(SessionEnrollmentType::AllSessions)) => sessions::table
            .filter(sessions::course_id.eq(&course.id))
            .select(sessions::id)
            .load(conn)?,
        _ => vec![],
    };
    for sid in session_ids {
        let se = insert_session_enrollment(conn, &row.id, &sid, now_ms)?;
        session_enrollment_id.get_or_insert(se);
    }
    Ok(EnrollOutcome {
        enrollment: row.to_record()?,
        archived,
        session_enrollment_id,
    })
}

/// Adds an active session enrollment to a course enrollment.
pub fn insert_session_enrollment(
    conn: &mut DbConn,
    enrollment_id: &str,
    session_id: &str,
    now_ms: i64,
) -> StoreResult<Uuid> {
    let id = Uuid::new_v4();
    diesel::insert_into(session_enrollments::table)
        .values((
            session_enrollments::id.eq(id.to_string()),
            session_enrollments::enrollment_id.eq(enrollment_id),
            session_enrollments::session_id.eq(session_id),
            session_enrollments::state.eq(EnrollmentState::NotStarted.as_str()),
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

/// The active enrollment row of (learner, course), if any.
// `active` itself, not `active = ?`: only a literal condition lets the planner use the partial
// unique index (`WHERE active`); a bound `true` sent it scanning the learner's enrollments.
pub fn active_row(
    conn: &mut DbConn,
    tenant_id: &str,
    learner_id: &str,
    course_id: &str,
) -> StoreResult<Option<EnrollmentRow>> {
    Ok(on_backend!(conn, c => enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id))
        .filter(enrollments::learner_id.eq(learner_id))
        .filter(enrollments::course_id.eq(course_id))
        .filter(enrollments::active)
        .select(EnrollmentRow::as_select())
        .first_row(c))?)
}

/// Loads one enrollment row of a tenant.
pub fn find_enrollment(conn: &mut DbConn, tenant_id: Uuid, id: Uuid) -> StoreResult<EnrollmentRow> {
    on_backend!(conn, c => enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id.to_string()))
        .filter(enrollments::id.eq(id.to_string()))
        .select(EnrollmentRow::as_select())
        .first_row(c))?
    .ok_or_else(|| StoreError::NotFound("enrollment".into()))
}

/// Applies a domain command to a stored enrollment (expiry first) and saves it.
pub fn apply_in(
    conn: &mut DbConn,
    row: &mut EnrollmentRow,
    cmd: &Command,
    now: OffsetDateTime,
) -> StoreResult<Enrollment> {
    let mut e = row.to_record()?.core;
    let expired = e.refresh(now);
    let result = e.apply(cmd, now);
    if result.is_ok() || expired {
        row.absorb_core(&e);
        diesel::update(enrollments::table.find(row.id.clone()))
            .set(&*row)
            .execute(conn)?;
    }
    result?;
    Ok(e)
}

/// Query for [`Store::list_enrollments`].
#[derive(Debug, Clone, Default)]
pub struct EnrollmentQuery {
    pub learner_id: Option<Uuid>,
    pub course_id: Option<Uuid>,
    pub learner_ids: Option<Vec<Uuid>>,
    pub course_ids: Option<Vec<Uuid>>,
    pub active_only: bool,
    pub states: Option<Vec<EnrollmentState>>,
    pub modified_since: Option<OffsetDateTime>,
    pub filter: Option<DynFilter>,
    /// A compiled ORDER BY list (see [`crate::filter::compile_sort`]).
    pub order: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

type Joined = (EnrollmentRow, LearnerRow, CourseRow);

/// The learner (its id: all an enroll needs of it) and the course an enroll names, or 404s.
pub(crate) fn resolve_pair(
    c: &mut DbConn,
    tenant_id: Uuid,
    learner: &LearnerKey,
    course: &CourseKey,
) -> StoreResult<(String, CourseRow)> {
    let l = find_learner_id(c, tenant_id, learner)?
        .ok_or_else(|| StoreError::NotFound("user".into()))?;
    let co =
        find_course(c, tenant_id, course)?.ok_or_else(|| StoreError::NotFound("course".into()))?;
    Ok((l, co))
}

fn view(now: OffsetDateTime, (e, l, c): Joined) -> StoreResult<EnrollmentView> {
    let mut record = e.to_record()?;
    // Reads show time-based expiry at once; the sweep persists it.
    record.core.refresh(now);
    Ok(EnrollmentView {
        record,
        learner: l.to_domain()?,
        course: c.to_domain()?,
    })
}

impl Store {
    /// Enrolls a learner in a course (both named by any dialect key), in one transaction.
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
        self.write(|c| enroll_in(c, &l, &co, opts, now))
    }

    /// [`Store::enroll`] for async callers (see [`Store::write_async`]).
    pub async fn enroll_async(
        &self,
        tenant_id: Uuid,
        learner: LearnerKey,
        course: CourseKey,
        opts: EnrollOptions,
    ) -> StoreResult<EnrollOutcome> {
        let now = self.now();
        let (l, co) = self
            .call_read(move |s| s.with_conn(|c| resolve_pair(c, tenant_id, &learner, &course)))
            .await?;
        self.write_async(move |c| enroll_in(c, &l, &co, &opts, now))
            .await
    }

    /// One enrollment with its learner and course.
    pub fn enrollment(&self, tenant_id: Uuid, id: Uuid) -> StoreResult<EnrollmentView> {
        let now = self.now();
        // One statement: no transaction needed for a consistent row.
        self.with_conn(|c| {
            let row: Option<Joined> = on_backend!(c, c => enrollments::table
                .inner_join(learners::table)
                .inner_join(courses::table)
                .filter(enrollments::tenant_id.eq(tenant_id.to_string()))
                .filter(enrollments::id.eq(id.to_string()))
                .select((
                    EnrollmentRow::as_select(),
                    LearnerRow::as_select(),
                    CourseRow::as_select(),
                ))
                .first_row(c))?;
            view(
                now,
                row.ok_or_else(|| StoreError::NotFound("enrollment".into()))?,
            )
        })
    }

    /// The learner's active enrollment in a course, if any.
    pub fn active_enrollment(
        &self,
        tenant_id: Uuid,
        learner_id: Uuid,
        course_id: Uuid,
    ) -> StoreResult<Option<EnrollmentView>> {
        let q = EnrollmentQuery {
            learner_id: Some(learner_id),
            course_id: Some(course_id),
            active_only: true,
            ..Default::default()
        };
        let now = self.now();
        self.with_conn(|c| {
            let row: Option<Joined> = joined(tenant_id, &q)
                .select((
                    EnrollmentRow::as_select(),
                    LearnerRow::as_select(),
                    CourseRow::as_select(),
                ))
                .first_row(c)?;
            row.map(|r| view(now, r)).transpose()
        })
    }

    /// A page of enrollments and the total matching count.
    pub fn list_enrollments(
        &self,
        tenant_id: Uuid,
        q: &EnrollmentQuery,
    ) -> StoreResult<(i64, Vec<EnrollmentView>)> {
        let now = self.now();
        self.read(|c| {
            let needs_join = q
                .filter
                .as_ref()
                .is_some_and(|f| f.mentions("learners.") || f.mentions("courses."));
            let total: i64 = if needs_join {
                joined(tenant_id, q).count().get_result(c)?
            } else {
                unjoined(tenant_id, q).count().get_result(c)?
            };
            let mut sel = joined(tenant_id, q).select((
                EnrollmentRow::as_select(),
                LearnerRow::as_select(),
                CourseRow::as_select(),
            ));
            sel = match &q.order {
                Some(o) => sel
                    .order(diesel::dsl::sql::<diesel::sql_types::Text>(o))
                    .then_order_by(enrollments::id),
                None => sel.order((enrollments::added_at, enrollments::id)),
            };
            let rows: Vec<Joined> = sel.limit(q.limit).offset(q.offset).load(c)?;
            Ok((
                total,
                rows.into_iter()
                    .map(|r| view(now, r))
                    .collect::<StoreResult<_>>()?,
            ))
        })
    }

    /// Applies a command to an active enrollment.
    pub fn apply_command(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        cmd: &Command,
    ) -> StoreResult<Enrollment> {
        let now = self.now();
        self.write(|c| {
            let mut row = find_enrollment(c, tenant_id, id)?;
            apply_in(c, &mut row, cmd, now)
        })
    }

    /// Un-enrolls a list of enrollments, all or none: open ones are cancelled, finished ones
    /// archived. Unknown or already-archived ids fail the whole call, naming the id.
    pub fn unenroll(&self, tenant_id: Uuid, ids: &[Uuid]) -> StoreResult<usize> {
        let now = self.now();
        self.write(|c| {
            for id in ids {
                let mut row = find_enrollment(c, tenant_id, *id)
                    .map_err(|_| StoreError::NotFound(format!("enrollment {id}")))?;
                if !row.active {
                    return Err(StoreError::Invalid(format!(
                        "enrollment {id} is not active"
                    )));
                }
                let mut e = row.to_record()?.core;
                e.refresh(now);
                if !e.state.is_terminal() {
                    e.apply(&Command::Cancel, now)?;
                }
                e.archive(now);
                row.absorb_core(&e);
                diesel::update(enrollments::table.find(row.id.clone()))
                    .set(&row)
                    .execute(c)?;
                diesel::update(
                    session_enrollments::table
                        .filter(session_enrollments::enrollment_id.eq(&row.id)),
                )
                .set(session_enrollments::active.eq(false))
                .execute(c)?;
            }
            Ok(ids.len())
        })
    }

    /// Persists time-based expiry for every enrollment that is due; returns how many changed.
    ///
    /// The candidates are found on a read connection (indexed by date, see migration
    /// 000005), so the write transaction only re-reads and updates the rows that change.
    pub fn expire_due(&self) -> StoreResult<usize> {
        let now = self.now();
        let now_ms = to_millis(now);
        // Rows already expired (or finished) stay in the date range but would not change:
        // only the ones that do change go to the write.
        let rows: Vec<EnrollmentRow> = self.with_conn(|c| {
            Ok(enrollments::table
                .filter(enrollments::active)
                .filter(
                    enrollments::expires_at
                        .le(now_ms)
                        .or(enrollments::lock_after_due
                            .eq(true)
                            .and(enrollments::due_at.le(now_ms))),
                )
                .select(EnrollmentRow::as_select())
                .load(c)?)
        })?;
        let mut candidates = Vec::new();
        for row in rows {
            if row.to_record()?.core.refresh(now) {
                candidates.push((row.tenant_id, row.id));
            }
        }
        if candidates.is_empty() {
            return Ok(0);
        }
        self.write(|c| {
            let mut changed = 0;
            for (tenant, id) in &candidates {
                let (tenant, id) = (crate::models::uuid(tenant)?, crate::models::uuid(id)?);
                let mut row = find_enrollment(c, tenant, id)?;
                let mut e = row.to_record()?.core;
                if row.active && e.refresh(now) {
                    row.absorb_core(&e);
                    diesel::update(enrollments::table.find(row.id.clone()))
                        .set(&row)
                        .execute(c)?;
                    changed += 1;
                }
            }
            Ok(changed)
        })
    }
}

/// Applies the query's conditions to a boxed query over `enrollments` (joined or not).
macro_rules! apply_conditions {
    ($b:ident, $q:ident) => {{
        if let Some(l) = $q.learner_id {
            $b = $b.filter(enrollments::learner_id.eq(l.to_string()));
        }
        if let Some(co) = $q.course_id {
            $b = $b.filter(enrollments::course_id.eq(co.to_string()));
        }
        if let Some(ls) = &$q.learner_ids {
            $b = $b.filter(
                enrollments::learner_id.eq_any(ls.iter().map(Uuid::to_string).collect::<Vec<_>>()),
            );
        }
        if let Some(cs) = &$q.course_ids {
            $b = $b.filter(
                enrollments::course_id.eq_any(cs.iter().map(Uuid::to_string).collect::<Vec<_>>()),
            );
        }
        if $q.active_only {
            $b = $b.filter(enrollments::active);
        }
        if let Some(states) = &$q.states {
            $b = $b.filter(
                enrollments::state.eq_any(
                    states
                        .iter()
                        .map(|s| s.as_str().to_string())
                        .collect::<Vec<_>>(),
                ),
            );
        }
        if let Some(since) = $q.modified_since {
            $b = $b.filter(enrollments::updated_at.gt(to_millis(since)));
        }
        if let Some(f) = &$q.filter {
            $b = $b.filter(f.clone());
        }
        $b
    }};
}

fn joined(tenant_id: Uuid, q: &EnrollmentQuery) -> enrollments_joined::BoxedQuery<'static> {
    let mut b = enrollments::table
        .inner_join(learners::table)
        .inner_join(courses::table)
        .filter(enrollments::tenant_id.eq(tenant_id.to_string()))
        .into_boxed();
    apply_conditions!(b, q)
}

/// The same conditions without the joins: counts need no learner or course columns unless the
/// filter names them, and foreign keys guarantee every enrollment has both.
fn unjoined(
    tenant_id: Uuid,
    q: &EnrollmentQuery,
) -> enrollments::BoxedQuery<'static, crate::conn::MultiBackend> {
    let mut b = enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id.to_string()))
        .into_boxed();
    apply_conditions!(b, q)
}

mod enrollments_joined {
    use crate::conn::MultiBackend;
    use crate::schema::{courses, enrollments, learners};
    /// The boxed enrollments ⋈ learners ⋈ courses query.
    pub type BoxedQuery<'a> = diesel::dsl::IntoBoxed<
        'a,
        diesel::dsl::InnerJoin<
            diesel::dsl::InnerJoin<enrollments::table, learners::table>,
            courses::table,
        >,
        MultiBackend,
    >;
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
    pub course_version_id: Option<Uuid>,
    pub accepted_terms: Option<bool>,
    pub enrollment_key_id: Option<Uuid>,
    pub credits: Option<f64>,
    pub score: Option<f64>,
}

/// Applies a patch to a stored enrollment inside a caller's transaction.
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
    let already = patch.unless_state.is_some_and(|s| s.as_str() == row.state);
    if let Some(cmd) = patch.command.as_ref().filter(|_| !already) {
        apply_in(conn, row, cmd, now)?;
    }
    if let Some(t) = patch.completed {
        row.completed_at = Some(to_millis(t));
    }
    if let Some(t) = patch.expires {
        row.expires_at = Some(to_millis(t));
    }
    if let Some(v) = patch.course_version_id {
        row.course_version_id = Some(v.to_string());
    }
    if let Some(v) = patch.accepted_terms {
        row.accepted_terms = v;
    }
    if let Some(v) = patch.enrollment_key_id {
        row.enrollment_key_id = Some(v.to_string());
    }
    if let Some(v) = patch.credits {
        row.credits = Some(v);
    }
    if let Some(v) = patch.score {
        row.score = Some(v);
    }
    row.updated_at = to_millis(now);
    diesel::update(enrollments::table.find(row.id.clone()))
        .set(&*row)
        .execute(conn)?;
    Ok(())
}

impl Store {
    /// Creates or updates the learner's active enrollment in a course and applies `patch`
    /// (with `reenroll`, an existing one is archived and a new one patched), in one transaction.
    pub fn upsert_enrollment(
        &self,
        tenant_id: Uuid,
        learner: &LearnerKey,
        course: &CourseKey,
        opts: &EnrollOptions,
        patch: &EnrollmentPatch,
    ) -> StoreResult<EnrollmentRecord> {
        let now = self.now();
        self.write(|c| {
            let (l, co) = resolve_pair(c, tenant_id, learner, course)?;
            let existing = active_row(c, &co.tenant_id, &l, &co.id)?;
            let mut row = match existing {
                Some(row) if !opts.reenroll => row,
                _ => {
                    let out = enroll_in(c, &l, &co, opts, now)?;
                    find_enrollment(c, tenant_id, out.enrollment.core.id)?
                }
            };
            patch_in(c, &mut row, patch, now)?;
            row.to_record()
        })
    }
}

impl EnrollmentRow {
    /// A fresh active enrollment row created at `now_ms` with `opts`' dates and source.
    pub fn new_active(
        id: Uuid,
        tenant_id: &str,
        learner_id: &str,
        course_id: &str,
        state: EnrollmentState,
        opts: &EnrollOptions,
        now_ms: i64,
    ) -> Self {
        Self {
            id: id.to_string(),
            tenant_id: tenant_id.into(),
            learner_id: learner_id.into(),
            course_id: course_id.into(),
            state: state.as_str().into(),
            active: true,
            progress: 0.0,
            score: None,
            time_spent_ms: 0,
            lock_after_due: opts.lock_after_due,
            added_at: now_ms,
            started_at: None,
            completed_at: None,
            due_at: opts.due.map(to_millis),
            expires_at: opts.expires.map(to_millis),
            access_at: opts.access.map(to_millis),
            updated_at: now_ms,
            course_version_id: None,
            accepted_terms: false,
            enrollment_key_id: None,
            certificate_id: None,
            credits: None,
            collection_id: None,
            source: opts.source.into(),
        }
    }
}
