//! An enrollment's learner's or course's explicit ids as one column of the enrollment's own
//! row: a correlated subquery that aggregates the crosswalk entries to a JSON array
//! (`[[dialect, id], …]`). A read by id then takes one statement, one round trip on
//! PostgreSQL, instead of the row and then the crosswalk ([`crate::crosswalk::ids_of`]).
//!
//! A typed expression rather than `dsl::sql`: its static query id keeps the whole select
//! prepared once per connection and found by type, as the rest of a fixed-shape read is.
use crate::error::{StoreError, StoreResult};
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Nullable, Text};
use enroll_domain::crosswalk::ExternalIds;
use enroll_domain::model::Dialect;

/// The explicit ids of the row's learner (`COURSE = false`) or course (`COURSE = true`), as a
/// JSON array of `[dialect, id]` pairs (NULL or `[]` when there is none). Valid in a select
/// over `enrollments`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ExplicitIdsOf<const COURSE: bool>;

impl<const COURSE: bool> ExplicitIdsOf<COURSE> {
    /// The condition after `WHERE x.ledger_id = `.
    fn record() -> &'static str {
        if COURSE {
            "enrollments.course_id AND x.kind = 'course')"
        } else {
            "enrollments.learner_id AND x.kind = 'learner')"
        }
    }
}

impl<const COURSE: bool> Expression for ExplicitIdsOf<COURSE> {
    type SqlType = Nullable<Text>;
}

impl<const COURSE: bool, QS> AppearsOnTable<QS> for ExplicitIdsOf<COURSE> {}

impl<const COURSE: bool, QS> SelectableExpression<QS> for ExplicitIdsOf<COURSE> {}

impl<const COURSE: bool> ValidGrouping<()> for ExplicitIdsOf<COURSE> {
    type IsAggregate = is_aggregate::Never;
}

impl<const COURSE: bool> QueryId for ExplicitIdsOf<COURSE> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

#[cfg(feature = "sqlite")]
impl<const COURSE: bool> QueryFragment<diesel::sqlite::Sqlite> for ExplicitIdsOf<COURSE> {
    fn walk_ast<'b>(
        &'b self,
        mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> diesel::QueryResult<()> {
        out.push_sql("(SELECT json_group_array(json_array(x.dialect, x.external_id)) FROM external_ids x WHERE x.ledger_id = ");
        out.push_sql(Self::record());
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<const COURSE: bool> QueryFragment<diesel::pg::Pg> for ExplicitIdsOf<COURSE> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> diesel::QueryResult<()> {
        out.push_sql("(SELECT json_agg(json_build_array(x.dialect, x.external_id))::text FROM external_ids x WHERE x.ledger_id = ");
        out.push_sql(Self::record());
        Ok(())
    }
}

/// The ids an [`ExplicitIdsOf`] column holds.
pub(crate) fn parse(json: Option<&str>) -> StoreResult<ExternalIds> {
    let mut ids = ExternalIds::default();
    let pairs: Vec<(String, String)> = match json {
        Some(j) => serde_json::from_str(j).map_err(|e| StoreError::Internal(e.to_string()))?,
        None => Vec::new(),
    };
    for (dialect, external) in pairs {
        let d: Dialect = dialect.parse().map_err(StoreError::Internal)?;
        ids.set(d, external);
    }
    Ok(ids)
}
