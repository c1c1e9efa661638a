//! OData filter/sort expressions turned into SQL with bound parameters.
//!
//! Facades name their vendor's fields and map each to a canonical [`Field`]; only the store
//! knows the SQL behind a field. Values are always bind parameters ([`DynFilter`] pushes them
//! through diesel's bind mechanism), field SQL comes only from this whitelist.
//!
//! [`DynFilter`] and [`Sort`] are opaque: only [`compile_filter`], [`compile_sort`] and the
//! store's own list helpers make them, so no public API of the store takes SQL text:
//!
//! ```compile_fail
//! // A filter cannot be made from SQL text outside the store…
//! let f = enroll_store::filter::DynFilter(odata_filter::SqlFilter::default());
//! ```
//! ```compile_fail
//! // …nor can a list's order.
//! let q = enroll_store::enrollments::EnrollmentQuery {
//!     order: Some("1; DROP TABLE enrollments".to_string()),
//!     ..Default::default()
//! };
//! ```
//! ```
//! use enroll_store::filter::{Field, FieldMap, compile_filter, compile_sort};
//! const FIELDS: FieldMap = &[("score", Field::EnrollmentScore)];
//! let filter = compile_filter(&odata_filter::parse("score ge 50")?, FIELDS)?;
//! let order = compile_sort(&odata_filter::parse_orderby("score desc")?, FIELDS)?;
//! let q = enroll_store::enrollments::EnrollmentQuery {
//!     filter: Some(filter),
//!     order: Some(order),
//!     ..Default::default()
//! };
//! # let _ = q;
//! # Ok::<(), odata_filter::FilterError>(())
//! ```
//!
//! Fields read as each row renders at the ledger's current time: an enrollment past its
//! expiry date (or past a due date that locks it) that the sweep has not persisted yet is
//! `expired`, and was edited then, in filters, state lists, counts and sorts alike. The store
//! binds its clock's time when it runs the query.
use crate::conn::MultiBackend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Double, Text};
use enroll_domain::EnrollmentState;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::{IdStyle, Kind};
use enroll_domain::model::Dialect;
use odata_filter::{
    BindValue, Column, Expr, FieldResolver, FilterError, SortKey, SqlPart, ValueKind,
};
use std::sync::OnceLock;
use time::OffsetDateTime;

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
    /// A vendor's name for the state (e.g. LMS365's `CoursePassingStatus`), from the canonical
    /// state.
    EnrollmentStateName(&'static StateNames),
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
    /// The learner's login in a dialect: its explicit id there, else its username after the
    /// given prefix (code, never input; e.g. a claims prefix such as `i:0#.f|membership|`).
    LearnerLogin(Dialect, &'static str),
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
/// vocabulary (e.g. Absorb's status integers); declare one as a `static`.
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
            format!(
                "(CASE WHEN {} THEN {} ELSE (CASE enrollments.state{arms} END) END)",
                lapsed_sql(),
                (self.code)(EnrollmentState::Expired)
            )
        })
    }
}

/// A vendor's name for each canonical state, given by a function of the domain's vocabulary
/// (e.g. the second half of LMS365's `to_lms365`); declare one as a `static`.
pub struct StateNames {
    name: fn(EnrollmentState) -> &'static str,
    sql: OnceLock<String>,
}

impl std::fmt::Debug for StateNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StateNames")
    }
}

impl StateNames {
    /// Names given by `name`.
    pub const fn new(name: fn(EnrollmentState) -> &'static str) -> Self {
        Self {
            name,
            sql: OnceLock::new(),
        }
    }

    fn sql(&'static self) -> &'static str {
        self.sql.get_or_init(|| {
            let quoted = |s: EnrollmentState| (self.name)(s).replace('\'', "''");
            let arms: String = EnrollmentState::ALL
                .into_iter()
                .map(|s| format!(" WHEN '{}' THEN '{}'", s.as_str(), quoted(s)))
                .collect();
            format!(
                "(CASE WHEN {} THEN '{}' ELSE (CASE enrollments.state{arms} END) END)",
                lapsed_sql(),
                quoted(EnrollmentState::Expired)
            )
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
        IdStyle::Text => ValueKind::Text,
        IdStyle::Number { .. } => ValueKind::NumberText,
    }
}

/// `COALESCE(<explicit learner id in the dialect>, '<prefix>' || learners.username)`, once per
/// (dialect, prefix). The prefix comes from code; a quote in it would be doubled.
fn login_sql(dialect: Dialect, prefix: &'static str) -> &'static str {
    type Cache = std::sync::Mutex<Vec<(Dialect, &'static str, &'static str)>>;
    static SQL: OnceLock<Cache> = OnceLock::new();
    let cache = SQL.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, _, s)) = cache.iter().find(|(d, p, _)| *d == dialect && *p == prefix) {
        return s;
    }
    let s: &'static str = Box::leak(
        format!(
            "COALESCE((SELECT x.external_id FROM external_ids x WHERE x.ledger_id = learners.id \
             AND x.kind = '{}' AND x.dialect = '{}'), '{}' || learners.username)",
            Kind::Learner.as_str(),
            dialect.as_str(),
            prefix.replace('\'', "''")
        )
        .into_boxed_str(),
    );
    cache.push((dialect, prefix, s));
    s
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
            Self::EnrollmentEdited => (edited_sql(), Timestamp, false),
            Self::EnrollmentTimeSpentMs => ("enrollments.time_spent_ms", Int, false),
            Self::EnrollmentCredits => ("enrollments.credits", Float, true),
            Self::EnrollmentStateCode(codes) => (codes.sql(), Int, false),
            Self::EnrollmentStateName(names) => (names.sql(), Text, false),
            Self::EnrollmentState => (state_sql(), Text, false),
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
            Self::LearnerLogin(d, prefix) => (login_sql(d, prefix), Text, false),
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
    odata_filter::to_sql(expr, &Resolver(fields)).map(|f| DynFilter(Fragment::from_parts(f.parts)))
}

/// Compiles sort keys to an ORDER BY list (whitelisted columns only); no keys, an empty sort.
pub fn compile_sort(keys: &[SortKey], fields: FieldMap) -> Result<Sort, FilterError> {
    odata_filter::sort_to_sql(keys, &Resolver(fields))
        .map(|sql| Sort(Fragment::from_parts(vec![SqlPart::Raw(sql)])))
}

/// Stands for the ledger's current time (epoch ms) in field SQL; bound when the query runs.
const NOW: &str = "{ledger_now}";

/// An active, open enrollment whose expiry date, or locking due date, has passed at
/// [`NOW`]: what `Enrollment::due_expiry` decides, in SQL. The states are the domain's
/// non-terminal ones. Never NULL (dates are tested for presence), so it can be negated.
fn lapsed_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let open: Vec<String> = EnrollmentState::ALL
            .into_iter()
            .filter(|s| !s.is_terminal())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        // The date tests first: most rows have neither date, and the rest is then skipped.
        format!(
            "(((enrollments.expires_at IS NOT NULL AND enrollments.expires_at <= {NOW}) OR \
             (enrollments.lock_after_due AND enrollments.due_at IS NOT NULL AND \
             enrollments.due_at <= {NOW})) AND enrollments.active AND enrollments.state IN ({}))",
            open.join(", ")
        )
    })
}

/// The state a row renders at [`NOW`].
fn state_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "(CASE WHEN {} THEN '{}' ELSE enrollments.state END)",
            lapsed_sql(),
            EnrollmentState::Expired.as_str()
        )
    })
}

/// When a row renders as last edited at [`NOW`]: a lapsed enrollment expires now.
fn edited_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "(CASE WHEN {} THEN {NOW} ELSE enrollments.updated_at END)",
            lapsed_sql()
        )
    })
}

/// `enrollments` rows whose rendered state is one of `states` at the ledger's time.
pub(crate) fn state_in(states: &[EnrollmentState]) -> DynFilter {
    let mut parts = vec![SqlPart::Raw(format!("({} IN (NULL", state_sql()))];
    for s in states {
        parts.push(SqlPart::Raw(", ".into()));
        parts.push(SqlPart::Bind(BindValue::Text(s.as_str().to_string())));
    }
    parts.push(SqlPart::Raw("))".into()));
    DynFilter::from_parts(parts)
}

/// `enrollments` rows edited after `since_ms` as they render at the ledger's time `now_ms`.
pub(crate) fn edited_after(since_ms: i64, now_ms: i64) -> DynFilter {
    edited_within(Some(since_ms.saturating_add(1)), None, now_ms)
}

/// `enrollments` rows whose edit time as they render at the ledger's time `now_ms` lies in
/// `since_ms..=until_ms` (either end open). A lapsed row renders as edited now, so it is in
/// exactly when now is; every other row by its stored time, whose index stays usable.
pub(crate) fn edited_within(
    since_ms: Option<i64>,
    until_ms: Option<i64>,
    now_ms: i64,
) -> DynFilter {
    let mut parts = vec![SqlPart::Raw("((TRUE".into())];
    if let Some(s) = since_ms {
        parts.push(SqlPart::Raw(" AND enrollments.updated_at >= ".into()));
        parts.push(SqlPart::Bind(BindValue::Int(s)));
    }
    if let Some(u) = until_ms {
        parts.push(SqlPart::Raw(" AND enrollments.updated_at <= ".into()));
        parts.push(SqlPart::Bind(BindValue::Int(u)));
    }
    let now_inside = since_ms.is_none_or(|s| s <= now_ms) && until_ms.is_none_or(|u| now_ms <= u);
    parts.push(SqlPart::Raw(if now_inside {
        format!(") OR {})", lapsed_sql())
    } else {
        format!(") AND NOT {})", lapsed_sql())
    }));
    DynFilter::from_parts(parts)
}

/// Sorts `enrollments` by their edit time as they render at the ledger's time, then by id.
pub(crate) fn edited_order(descending: bool) -> Sort {
    let dir = if descending { "DESC" } else { "ASC" };
    Sort(Fragment::from_parts(vec![SqlPart::Raw(format!(
        "{} {dir}, enrollments.id {dir}",
        edited_sql()
    ))]))
}

/// SQL text from this module's whitelist, bound values, and the ledger's time.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Raw(String),
    Bind(BindValue),
    Now,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Fragment {
    parts: Vec<Part>,
    now: Option<i64>,
}

impl Fragment {
    /// Parts of trusted SQL text (the whitelist's, never input) and binds; [`NOW`] in the
    /// text becomes the ledger-time placeholder.
    fn from_parts(parts: Vec<SqlPart>) -> Self {
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                SqlPart::Raw(text) => {
                    let mut pieces = text.split(NOW);
                    if let Some(first) = pieces.next().filter(|p| !p.is_empty()) {
                        out.push(Part::Raw(first.to_string()));
                    }
                    for piece in pieces {
                        out.push(Part::Now);
                        if !piece.is_empty() {
                            out.push(Part::Raw(piece.to_string()));
                        }
                    }
                }
                SqlPart::Bind(v) => out.push(Part::Bind(v)),
            }
        }
        Self {
            parts: out,
            now: None,
        }
    }

    fn mentions(&self, prefix: &str) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Raw(s) if s.contains(prefix)))
    }

    fn walk<'b>(&'b self, out: &mut AstPass<'_, 'b, MultiBackend>) -> diesel::QueryResult<()> {
        // The SQL text varies with the filter: never cache the prepared statement.
        out.unsafe_to_cache_prepared();
        for part in &self.parts {
            match part {
                Part::Raw(s) => out.push_sql(s),
                Part::Bind(BindValue::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                Part::Bind(BindValue::Int(v)) => out.push_bind_param::<BigInt, _>(v)?,
                Part::Bind(BindValue::Float(v)) => out.push_bind_param::<Double, _>(v)?,
                Part::Bind(BindValue::Bool(v)) => out.push_bind_param::<Bool, _>(v)?,
                Part::Now => match &self.now {
                    Some(now) => out.push_bind_param::<BigInt, _>(now)?,
                    None => {
                        return Err(diesel::result::Error::QueryBuilderError(
                            "a field that depends on the ledger's time was used without it".into(),
                        ));
                    }
                },
            }
        }
        Ok(())
    }
}

/// A boolean SQL expression made of whitelisted SQL text and bound values, made only by
/// [`compile_filter`] and the store's list helpers.
#[derive(Debug, Clone, PartialEq)]
pub struct DynFilter(Fragment);

impl DynFilter {
    /// Whitelisted text (never input) and binds: for this crate's list helpers only.
    pub(crate) fn from_parts(parts: Vec<SqlPart>) -> Self {
        Self(Fragment::from_parts(parts))
    }

    /// Whether the SQL text names `prefix` (e.g. `learners.`), i.e. needs that table joined.
    pub fn mentions(&self, prefix: &str) -> bool {
        self.0.mentions(prefix)
    }

    /// The filter evaluated at the ledger's time `now` (fields that render differently as
    /// time passes, such as an enrollment's state, need it).
    pub(crate) fn at(mut self, now: OffsetDateTime) -> Self {
        self.0.now = Some(to_millis(now));
        self
    }
}

/// An ORDER BY list of whitelisted fields, made only by [`compile_sort`].
#[derive(Debug, Clone, PartialEq)]
pub struct Sort(Fragment);

impl Sort {
    /// No sort keys: the list's own order applies.
    pub fn is_empty(&self) -> bool {
        self.0
            .parts
            .iter()
            .all(|p| matches!(p, Part::Raw(s) if s.trim().is_empty()))
    }

    /// The sort evaluated at the ledger's time `now` (see [`DynFilter::at`]).
    pub(crate) fn at(mut self, now: OffsetDateTime) -> Self {
        self.0.now = Some(to_millis(now));
        self
    }
}

macro_rules! sql_expression {
    ($ty:ty, $sql_type:ty) => {
        impl Expression for $ty {
            type SqlType = $sql_type;
        }

        impl<QS> AppearsOnTable<QS> for $ty {}
        impl<QS> SelectableExpression<QS> for $ty {}

        impl ValidGrouping<()> for $ty {
            type IsAggregate = is_aggregate::Never;
        }

        impl QueryId for $ty {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl QueryFragment<MultiBackend> for $ty {
            fn walk_ast<'b>(
                &'b self,
                mut out: AstPass<'_, 'b, MultiBackend>,
            ) -> diesel::QueryResult<()> {
                self.0.walk(&mut out)
            }
        }
    };
}

sql_expression!(DynFilter, Bool);
// An ORDER BY list is not a value; diesel only needs some type to carry it into `order`.
sql_expression!(Sort, Text);
