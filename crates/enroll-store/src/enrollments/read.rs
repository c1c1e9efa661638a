//! Reading enrollments: one by id, a learner's active one, and filtered, paged lists. Views
//! carry the learner and course with their crosswalk entries, so a facade names them in its
//! own dialect.
use crate::attributes::DialectAttributes;
use crate::conn::{DbConn, MultiBackend};
use crate::crosswalk;
use crate::crosswalk_column::{self, ExplicitIdsOf};
use crate::error::{StoreError, StoreResult};
use crate::filter::{DynFilter, Sort, edited_after, state_in};
use crate::list::named_by;
use crate::models::{CourseRow, EnrollmentRow, EnrollmentView, LearnerRow};
use crate::schema::{courses, enrollment_attributes, enrollments, learners};
use crate::store::{FirstRow, Store, on_backend};
use diesel::prelude::*;
use enroll_domain::EnrollmentState;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::Dialect;
use time::OffsetDateTime;
use uuid::Uuid;

/// Ids of one dialect (or ledger ids), as a list filter.
#[derive(Debug, Clone, PartialEq)]
pub struct IdSet {
    pub dialect: Dialect,
    pub ids: Vec<String>,
}

/// Query for [`Store::list_enrollments`].
#[derive(Debug, Clone, Default)]
pub struct EnrollmentQuery {
    pub learner_id: Option<Uuid>,
    pub course_id: Option<Uuid>,
    /// Learners named by a dialect's ids (unknown ids match nothing).
    pub learners: Option<IdSet>,
    /// Courses named by a dialect's ids (unknown ids match nothing).
    pub courses: Option<IdSet>,
    /// Only learners of these departments (a department admin's scope).
    pub departments: Option<Vec<Uuid>>,
    pub active_only: bool,
    /// Enrollments in these states, as they render at the ledger's time (an unswept expiry
    /// is `Expired`).
    pub states: Option<Vec<EnrollmentState>>,
    /// Enrollments edited after this instant, as they render (an unswept expiry is an edit).
    pub modified_since: Option<OffsetDateTime>,
    /// A compiled filter (see [`crate::filter::compile_filter`]).
    pub filter: Option<DynFilter>,
    /// A compiled sort (see [`crate::filter::compile_sort`]).
    pub order: Option<Sort>,
    pub limit: i64,
    pub offset: i64,
}

/// An enrollment row with its learner, course and stored dialect attributes.
type Joined = (EnrollmentRow, LearnerRow, CourseRow, Option<String>);

/// The columns of a [`Joined`] row (a macro: the selection's type depends on the backend).
macro_rules! joined_columns {
    () => {
        (
            EnrollmentRow::as_select(),
            LearnerRow::as_select(),
            CourseRow::as_select(),
            enrollment_attributes::attrs.nullable(),
        )
    };
}

/// Turns joined rows into views, loading the learners' and courses' crosswalk entries in one
/// query. Reads show time-based expiry at once; the sweep persists it.
pub(crate) fn views_in(
    conn: &mut DbConn,
    rows: Vec<Joined>,
    now: OffsetDateTime,
) -> StoreResult<Vec<EnrollmentView>> {
    let mut ids: Vec<&str> = rows.iter().map(|r| r.1.id.as_str()).collect();
    ids.extend(rows.iter().map(|r| r.2.id.as_str()));
    ids.sort_unstable();
    ids.dedup();
    let book = crosswalk::ids_of(conn, &ids)?;
    rows.iter()
        .map(|(e, l, c, attrs)| {
            let mut record = e.to_record()?;
            record.core.refresh(now);
            Ok(EnrollmentView {
                record,
                learner: l.to_domain(book.get(Kind::Learner, &l.id))?,
                course: c.to_domain(book.get(Kind::Course, &c.id))?,
                attributes: DialectAttributes::from_stored(attrs.as_deref())?,
            })
        })
        .collect()
}

/// The enrollment rows `ids` name, with learners and courses, as views (in no given order).
pub(crate) fn views_by_id(
    conn: &mut DbConn,
    tenant_id: &str,
    ids: &[&str],
    now: OffsetDateTime,
) -> StoreResult<Vec<EnrollmentView>> {
    if let [one] = ids {
        // One id (a read by id): the one-statement read, prepared once.
        let (Ok(t), Ok(id)) = (Uuid::parse_str(tenant_id), Uuid::parse_str(one)) else {
            return Ok(vec![]);
        };
        return match enrollment_in(conn, t, id, now) {
            Ok(v) => Ok(vec![v]),
            Err(StoreError::NotFound(_)) => Ok(vec![]),
            Err(e) => Err(e),
        };
    }
    let mut rows: Vec<Joined> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(400) {
        rows.extend(
            enrollments::table
                .inner_join(learners::table)
                .inner_join(courses::table)
                .left_join(enrollment_attributes::table)
                .filter(enrollments::tenant_id.eq(tenant_id))
                .filter(enrollments::id.eq_any(chunk))
                .select(joined_columns!())
                .load::<Joined>(conn)?,
        );
    }
    views_in(conn, rows, now)
}

/// One enrollment with its learner and course, in one statement: the learner's and course's
/// crosswalk entries come as two columns of the row (one round trip on PostgreSQL).
fn enrollment_in(
    c: &mut DbConn,
    tenant_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> StoreResult<EnrollmentView> {
    type WithIds = (
        EnrollmentRow,
        LearnerRow,
        CourseRow,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<WithIds> = on_backend!(c, c => enrollments::table
                .inner_join(learners::table)
                .inner_join(courses::table)
                .left_join(enrollment_attributes::table)
                .filter(enrollments::tenant_id.eq(tenant_id.to_string()))
                .filter(enrollments::id.eq(id.to_string()))
                .select((
                    EnrollmentRow::as_select(),
                    LearnerRow::as_select(),
                    CourseRow::as_select(),
                    enrollment_attributes::attrs.nullable(),
                    ExplicitIdsOf::<false>,
                    ExplicitIdsOf::<true>,
                ))
                .first_row(c))?;
    let (e, l, co, attrs, learner_ids, course_ids) =
        row.ok_or_else(|| StoreError::NotFound("enrollment".into()))?;
    let mut record = e.to_record()?;
    record.core.refresh(now);
    Ok(EnrollmentView {
        record,
        learner: l.to_domain(crosswalk_column::parse(learner_ids.as_deref())?)?,
        course: co.to_domain(crosswalk_column::parse(course_ids.as_deref())?)?,
        attributes: DialectAttributes::from_stored(attrs.as_deref())?,
    })
}

impl Store {
    /// One enrollment with its learner and course.
    pub fn enrollment(&self, tenant_id: Uuid, id: Uuid) -> StoreResult<EnrollmentView> {
        let now = self.now();
        self.with_conn(|c| enrollment_in(c, tenant_id, id, now))
    }

    /// [`Store::enrollment`] for async callers: a read by key that never waits for a
    /// connection on the async worker (see `Store::read_async`).
    pub async fn enrollment_async(&self, tenant_id: Uuid, id: Uuid) -> StoreResult<EnrollmentView> {
        let now = self.now();
        self.read_async(move |c| enrollment_in(c, tenant_id, id, now))
            .await
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
            let row: Option<Joined> = joined(tenant_id, &q, now)
                .select(joined_columns!())
                .first_row(c)?;
            Ok(views_in(c, row.into_iter().collect(), now)?.pop())
        })
    }

    /// A page of enrollments and the total matching count (one snapshot).
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
                counted(tenant_id, q, now).count().get_result(c)?
            } else {
                unjoined(tenant_id, q, now).count().get_result(c)?
            };
            let mut sel = joined(tenant_id, q, now).select(joined_columns!());
            sel = match q.order.as_ref().filter(|o| !o.is_empty()) {
                Some(o) => sel.order(o.clone().at(now)).then_order_by(enrollments::id),
                None => sel.order((enrollments::added_at, enrollments::id)),
            };
            let rows: Vec<Joined> = sel.limit(q.limit).offset(q.offset).load(c)?;
            Ok((total, views_in(c, rows, now)?))
        })
    }
}

/// Applies the query's conditions to a boxed query over `enrollments` (joined or not); `$now`
/// is the ledger's time the rows render at.
macro_rules! apply_conditions {
    ($b:ident, $q:ident, $t:expr, $now:expr) => {{
        if let Some(l) = $q.learner_id {
            $b = $b.filter(enrollments::learner_id.eq(l.to_string()));
        }
        if let Some(co) = $q.course_id {
            $b = $b.filter(enrollments::course_id.eq(co.to_string()));
        }
        if let Some(set) = &$q.learners {
            $b = $b.filter(named_by(
                "enrollments.learner_id",
                &$t,
                Kind::Learner,
                set.dialect,
                &set.ids,
            ));
        }
        if let Some(set) = &$q.courses {
            $b = $b.filter(named_by(
                "enrollments.course_id",
                &$t,
                Kind::Course,
                set.dialect,
                &set.ids,
            ));
        }
        if let Some(ds) = &$q.departments {
            $b = $b.filter(in_departments(&$t, ds));
        }
        if $q.active_only {
            $b = $b.filter(enrollments::active);
        }
        if let Some(states) = &$q.states {
            $b = $b.filter(state_in(states).at($now));
        }
        if let Some(since) = $q.modified_since {
            $b = $b.filter(edited_after(to_millis(since), to_millis($now)).at($now));
        }
        if let Some(f) = &$q.filter {
            $b = $b.filter(f.clone().at($now));
        }
        $b
    }};
}

/// The enrollment's learner belongs to one of `departments` (a department admin's scope).
fn in_departments(tenant: &str, departments: &[Uuid]) -> DynFilter {
    use odata_filter::{BindValue, SqlPart};
    let mut parts = vec![
        SqlPart::Raw(
            "(enrollments.learner_id IN (SELECT d.id FROM learners d WHERE d.tenant_id = ".into(),
        ),
        SqlPart::Bind(BindValue::Text(tenant.to_string())),
        SqlPart::Raw(" AND d.department_id IN (NULL".into()),
    ];
    for d in departments {
        parts.push(SqlPart::Raw(", ".into()));
        parts.push(SqlPart::Bind(BindValue::Text(d.to_string())));
    }
    parts.push(SqlPart::Raw(")))".into()));
    DynFilter::from_parts(parts)
}

fn joined(
    tenant_id: Uuid,
    q: &EnrollmentQuery,
    now: OffsetDateTime,
) -> enrollments_joined::BoxedQuery<'static> {
    let t = tenant_id.to_string();
    let mut b = enrollments::table
        .inner_join(learners::table)
        .inner_join(courses::table)
        .left_join(enrollment_attributes::table)
        .filter(enrollments::tenant_id.eq(t.clone()))
        .into_boxed();
    apply_conditions!(b, q, t, now)
}

/// [`joined`] without the attributes, for counts: every enrollment has one row either way.
fn counted(
    tenant_id: Uuid,
    q: &EnrollmentQuery,
    now: OffsetDateTime,
) -> enrollments_joined::Counted<'static> {
    let t = tenant_id.to_string();
    let mut b = enrollments::table
        .inner_join(learners::table)
        .inner_join(courses::table)
        .filter(enrollments::tenant_id.eq(t.clone()))
        .into_boxed();
    apply_conditions!(b, q, t, now)
}

/// The same conditions without the joins: counts need no learner or course columns unless the
/// filter names them, and foreign keys guarantee every enrollment has both.
fn unjoined(
    tenant_id: Uuid,
    q: &EnrollmentQuery,
    now: OffsetDateTime,
) -> enrollments::BoxedQuery<'static, MultiBackend> {
    let t = tenant_id.to_string();
    let mut b = enrollments::table
        .filter(enrollments::tenant_id.eq(t.clone()))
        .into_boxed();
    apply_conditions!(b, q, t, now)
}

mod enrollments_joined {
    use crate::conn::MultiBackend;
    use crate::schema::{courses, enrollment_attributes, enrollments, learners};
    /// The boxed enrollments ⋈ learners ⋈ courses ⟕ enrollment_attributes query.
    pub type BoxedQuery<'a> = diesel::dsl::IntoBoxed<
        'a,
        diesel::dsl::LeftJoin<
            diesel::dsl::InnerJoin<
                diesel::dsl::InnerJoin<enrollments::table, learners::table>,
                courses::table,
            >,
            enrollment_attributes::table,
        >,
        MultiBackend,
    >;
    /// The boxed enrollments ⋈ learners ⋈ courses query.
    pub type Counted<'a> = diesel::dsl::IntoBoxed<
        'a,
        diesel::dsl::InnerJoin<
            diesel::dsl::InnerJoin<enrollments::table, learners::table>,
            courses::table,
        >,
        MultiBackend,
    >;
}
