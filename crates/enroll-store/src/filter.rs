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
use enroll_domain::EnrollmentState;
use enroll_domain::crosswalk::{IdStyle, Kind};
use enroll_domain::model::Dialect;
use odata_filter::{
    BindValue, Column, Expr, FieldResolver, FilterError, SortKey, SqlFilter, SqlPart, ValueKind,
};
use std::sync::OnceLock;

/// A canonical, filterable/sortable field of the enrollment (joined with learner and course),
/// learner or course listings.
#[derive(Debug, Clone, Copy)]
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
    /// A vendor's integer code of the state (e.g. Absorb's 0–12), from the canonical state.
    EnrollmentStateCode(&'static StateCodes),
    /// The canonical state name.
    EnrollmentState,
    /// The course's id in a dialect (the crosswalk rule).
    CourseId(Dialect),
    CourseTitle,
    CourseRequiresApproval,
    CourseCapacity,
    CourseAdded,
    CourseEdited,
    /// The learner's id in a dialect (the crosswalk rule).
    LearnerId(Dialect),
    LearnerUsername,
    LearnerEmail,
    LearnerFirstName,
    LearnerLastName,
    LearnerJobTitle,
    LearnerDepartmentId,
    LearnerAdded,
    LearnerEdited,
}

/// A vendor's integer code for each canonical state, given by a function of the domain's
/// vocabulary (e.g. `enroll_domain::vocab::to_absorb`); declare one as a `static`.
pub struct StateCodes {
    code: fn(EnrollmentState) -> i32,
    sql: OnceLock<String>,
}

impl std::fmt::Debug for StateCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StateCodes")
    }
}

impl StateCodes {
    /// Codes given by `code`.
    pub const fn new(code: fn(EnrollmentState) -> i32) -> Self {
        Self {
            code,
            sql: OnceLock::new(),
        }
    }

    fn sql(&'static self) -> &'static str {
        self.sql.get_or_init(|| {
            use EnrollmentState::{Completed, InProgress, NotStarted};
            // SQLite tries the arms in order for every row a filter or count visits (a
            // course's whole index range): the common states first make that a third cheaper.
            let common = [NotStarted, InProgress, Completed];
            let rest = EnrollmentState::ALL
                .into_iter()
                .filter(|s| !common.contains(s));
            let arms: String = common
                .into_iter()
                .chain(rest)
                .map(|s| format!(" WHEN '{}' THEN {}", s.as_str(), (self.code)(s)))
                .collect();
            format!("(CASE enrollments.state{arms} END)")
        })
    }
}

/// `COALESCE(<explicit id in the dialect>, <ledger id>)` for the records of `kind` whose ledger
/// id is `ledger_col`: the crosswalk rule in SQL, once per dialect.
fn external_id_sql(kind: Kind, ledger_col: &str, dialect: Dialect) -> &'static str {
    static SQL: OnceLock<std::sync::Mutex<Vec<(Kind, Dialect, &'static str)>>> = OnceLock::new();
    let cache = SQL.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, _, s)) = cache.iter().find(|(k, d, _)| *k == kind && *d == dialect) {
        return s;
    }
    let s: &'static str = Box::leak(
        format!(
            "COALESCE((SELECT x.external_id FROM external_ids x WHERE x.ledger_id = {ledger_col} \
             AND x.kind = '{}' AND x.dialect = '{}'), {ledger_col})",
            kind.as_str(),
            dialect.as_str()
        )
        .into_boxed_str(),
    );
    cache.push((kind, dialect, s));
    s
}

fn id_kind(dialect: Dialect, kind: Kind) -> ValueKind {
    match dialect.id_style(kind) {
        IdStyle::Uuid => ValueKind::Guid,
        IdStyle::Text | IdStyle::Number { .. } => ValueKind::Text,
    }
}

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
            Self::EnrollmentStateCode(codes) => (codes.sql(), Int, false),
            Self::EnrollmentState => ("enrollments.state", Text, false),
            Self::CourseId(d) => (
                external_id_sql(Kind::Course, "courses.id", d),
                id_kind(d, Kind::Course),
                false,
            ),
            Self::CourseTitle => ("courses.title", Text, false),
            Self::CourseRequiresApproval => ("courses.requires_approval", Bool, false),
            Self::CourseCapacity => ("courses.capacity", Int, true),
            Self::CourseAdded => ("courses.created_at", Timestamp, false),
            Self::CourseEdited => ("courses.updated_at", Timestamp, false),
            Self::LearnerId(d) => (
                external_id_sql(Kind::Learner, "learners.id", d),
                id_kind(d, Kind::Learner),
                false,
            ),
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
