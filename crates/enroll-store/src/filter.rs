//! OData filter/sort expressions turned into SQL with bound parameters.
//!
//! Facades name their vendor's fields and map each to a canonical [`Field`]; only the store
//! knows the SQL behind a field. Values are always bind parameters ([`DynFilter`] pushes them
//! through diesel's bind mechanism), field SQL comes only from this whitelist.
use crate::conn::MultiBackend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Double, Text};
use odata_filter::{
    BindValue, Column, Expr, FieldResolver, FilterError, SortKey, SqlFilter, SqlPart, ValueKind,
};
use std::sync::LazyLock;

/// A canonical, filterable/sortable field of the enrollment (joined with learner and course)
/// or learner listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    EnrollmentId,
    EnrollmentActive,
    EnrollmentProgress,
    EnrollmentScore,
    EnrollmentAdded,
    EnrollmentStarted,
    EnrollmentCompleted,
    EnrollmentDue,
    EnrollmentExpires,
    EnrollmentAccess,
    EnrollmentEdited,
    EnrollmentTimeSpentMs,
    EnrollmentCredits,
    /// Absorb's 0–12 status, computed from the canonical state.
    EnrollmentAbsorbStatus,
    /// The canonical state name.
    EnrollmentState,
    CourseAbsorbId,
    CourseTitle,
    LearnerAbsorbId,
    LearnerUsername,
    LearnerEmail,
    LearnerFirstName,
    LearnerLastName,
    LearnerJobTitle,
    LearnerDepartmentId,
    LearnerAdded,
    LearnerEdited,
}

static ABSORB_STATUS_SQL: LazyLock<String> = LazyLock::new(|| {
    use enroll_domain::EnrollmentState::{Completed, InProgress, NotStarted};
    // SQLite tries the arms in order for every row a filter or count visits (a course's
    // whole index range): the common states first make that a third cheaper.
    let common = [NotStarted, InProgress, Completed];
    let rest = enroll_domain::EnrollmentState::ALL
        .into_iter()
        .filter(|s| !common.contains(s));
    let arms: String = common
        .into_iter()
        .chain(rest)
        .map(|s| {
            format!(
                " WHEN '{}' THEN {}",
                s.as_str(),
                enroll_domain::vocab::to_absorb(s)
            )
        })
        .collect();
    format!("(CASE enrollments.state{arms} END)")
});

impl Field {
    /// The SQL and type behind the field.
    pub fn column(self) -> Column {
        use ValueKind::*;
        let (sql, kind, nullable): (&'static str, ValueKind, bool) = match self {
            Self::EnrollmentId => ("enrollments.id", Guid, false),
            Self::EnrollmentActive => ("enrollments.active", Bool, false),
            Self::EnrollmentProgress => ("enrollments.progress", Float, false),
            Self::EnrollmentScore => ("enrollments.score", Float, true),
            Self::EnrollmentAdded => ("enrollments.added_at", Timestamp, false),
            Self::EnrollmentStarted => ("enrollments.started_at", Timestamp, true),
            Self::EnrollmentCompleted => ("enrollments.completed_at", Timestamp, true),
            Self::EnrollmentDue => ("enrollments.due_at", Timestamp, true),
            Self::EnrollmentExpires => ("enrollments.expires_at", Timestamp, true),
            Self::EnrollmentAccess => ("enrollments.access_at", Timestamp, true),
            Self::EnrollmentEdited => ("enrollments.updated_at", Timestamp, false),
            Self::EnrollmentTimeSpentMs => ("enrollments.time_spent_ms", Int, false),
            Self::EnrollmentCredits => ("enrollments.credits", Float, true),
            Self::EnrollmentAbsorbStatus => (ABSORB_STATUS_SQL.as_str(), Int, false),
            Self::EnrollmentState => ("enrollments.state", Text, false),
            Self::CourseAbsorbId => ("courses.absorb_id", Guid, true),
            Self::CourseTitle => ("courses.title", Text, false),
            Self::LearnerAbsorbId => ("learners.absorb_id", Guid, true),
            Self::LearnerUsername => ("learners.username", Text, false),
            Self::LearnerEmail => ("learners.email", Text, false),
            Self::LearnerFirstName => ("learners.first_name", Text, false),
            Self::LearnerLastName => ("learners.last_name", Text, false),
            Self::LearnerJobTitle => ("learners.job_title", Text, true),
            Self::LearnerDepartmentId => ("learners.department_id", Guid, true),
            Self::LearnerAdded => ("learners.created_at", Timestamp, false),
            Self::LearnerEdited => ("learners.updated_at", Timestamp, false),
        };
        Column {
            sql,
            kind,
            nullable,
        }
    }
}

/// A facade's vocabulary: vendor field name → canonical field (matched case-insensitively).
pub type FieldMap = &'static [(&'static str, Field)];

struct Resolver(FieldMap);

impl FieldResolver for Resolver {
    fn resolve(&self, path: &str) -> Option<Column> {
        self.0
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(path))
            .map(|(_, f)| f.column())
    }
}

/// Compiles a parsed filter against a facade's field map.
pub fn compile_filter(expr: &Expr, fields: FieldMap) -> Result<DynFilter, FilterError> {
    odata_filter::to_sql(expr, &Resolver(fields)).map(DynFilter)
}

/// Compiles sort keys to an ORDER BY list (whitelisted columns only).
pub fn compile_sort(keys: &[SortKey], fields: FieldMap) -> Result<String, FilterError> {
    odata_filter::sort_to_sql(keys, &Resolver(fields))
}

/// A boolean SQL expression made of whitelisted SQL text and bound values.
#[derive(Debug, Clone)]
pub struct DynFilter(pub SqlFilter);

impl DynFilter {
    /// Whether the SQL text names `prefix` (e.g. `learners.`), i.e. needs that table joined.
    pub fn mentions(&self, prefix: &str) -> bool {
        self.0
            .parts
            .iter()
            .any(|p| matches!(p, SqlPart::Raw(s) if s.contains(prefix)))
    }
}

impl Expression for DynFilter {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for DynFilter {}
impl<QS> SelectableExpression<QS> for DynFilter {}

impl ValidGrouping<()> for DynFilter {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for DynFilter {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<MultiBackend> for DynFilter {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> diesel::QueryResult<()> {
        // The SQL text varies with the filter: never cache the prepared statement.
        out.unsafe_to_cache_prepared();
        for part in &self.0.parts {
            match part {
                SqlPart::Raw(s) => out.push_sql(s),
                SqlPart::Bind(BindValue::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                SqlPart::Bind(BindValue::Int(v)) => out.push_bind_param::<BigInt, _>(v)?,
                SqlPart::Bind(BindValue::Float(v)) => out.push_bind_param::<Double, _>(v)?,
                SqlPart::Bind(BindValue::Bool(v)) => out.push_bind_param::<Bool, _>(v)?,
            }
        }
        Ok(())
    }
}
