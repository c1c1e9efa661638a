//! The crosswalk inside another table's statement, so that a hot read is one statement (one
//! round trip on PostgreSQL): an enrollment's learner's or course's explicit ids as a column
//! of the enrollment's row ([`ExplicitIdsOf`]), and the record a dialect id names as a
//! condition of the record's own select ([`NamedBy`]).
//!
//! Typed expressions rather than `dsl::sql`: their static query ids keep the whole select
//! prepared once per connection and found by type, as the rest of a fixed-shape read is.
use crate::error::{StoreError, StoreResult};
use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Nullable, Text};
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_domain::model::Dialect;

/// The explicit ids of the row's learner (`COURSE = false`) or course (`COURSE = true`): a
/// correlated subquery aggregating the crosswalk entries to a JSON array of `[dialect, id]`
/// pairs (NULL or `[]` when there is none). Valid in a select over `enrollments`.
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

/// The ledger id that a dialect id names by the crosswalk rule ([`crate::crosswalk::ledger_id`]:
/// the explicit entry, else the id itself taken as a ledger id unless that record has an
/// explicit id in the dialect), as a scalar subquery: NULL when it names nothing. A lookup by
/// dialect id is then one statement, the record's own select, instead of three.
#[derive(Debug, Clone)]
pub(crate) struct NamedBy {
    tenant: String,
    dialect: &'static str,
    kind: &'static str,
    external: String,
    /// The id taken as a ledger id (UUID and text dialects, when it parses).
    derived: Option<String>,
}

impl NamedBy {
    pub(crate) fn new(tenant: &str, dialect: Dialect, kind: Kind, external: &str) -> Self {
        let derived = crate::crosswalk::taken_as_ledger_id(dialect, kind, external);
        NamedBy {
            tenant: tenant.to_string(),
            dialect: dialect.as_str(),
            kind: kind.as_str(),
            external: external.to_string(),
            derived,
        }
    }
}

impl Expression for NamedBy {
    type SqlType = Nullable<Text>;
}

impl<QS> AppearsOnTable<QS> for NamedBy {}

impl<QS> SelectableExpression<QS> for NamedBy {}

impl ValidGrouping<()> for NamedBy {
    type IsAggregate = is_aggregate::Never;
}

// One shape whatever the values (a missing derived id is bound as NULL): prepared once per
// connection.
impl QueryId for NamedBy {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> QueryFragment<DB> for NamedBy
where
    DB: Backend + HasSqlType<Text> + HasSqlType<Nullable<Text>>,
    String: ToSql<Text, DB>,
    str: ToSql<Text, DB>,
    Option<String>: ToSql<Nullable<Text>, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> diesel::QueryResult<()> {
        // Explicit entry first (p = 0), then the derived id (p = 1).
        out.push_sql("(SELECT c.id FROM (SELECT x.ledger_id AS id, 0 AS p FROM external_ids x WHERE x.tenant_id = ");
        out.push_bind_param::<Text, _>(&self.tenant)?;
        out.push_sql(" AND x.dialect = ");
        out.push_bind_param::<Text, _>(self.dialect)?;
        out.push_sql(" AND x.kind = ");
        out.push_bind_param::<Text, _>(self.kind)?;
        out.push_sql(" AND x.external_id = ");
        out.push_bind_param::<Text, _>(&self.external)?;
        out.push_sql(" UNION ALL SELECT ");
        out.push_bind_param::<Nullable<Text>, _>(&self.derived)?;
        out.push_sql(", 1 WHERE NOT EXISTS (SELECT 1 FROM external_ids y WHERE y.ledger_id = ");
        out.push_bind_param::<Nullable<Text>, _>(&self.derived)?;
        out.push_sql(" AND y.kind = ");
        out.push_bind_param::<Text, _>(self.kind)?;
        out.push_sql(" AND y.dialect = ");
        out.push_bind_param::<Text, _>(self.dialect)?;
        out.push_sql(" AND y.tenant_id = ");
        out.push_bind_param::<Text, _>(&self.tenant)?;
        out.push_sql(")) c WHERE c.id IS NOT NULL ORDER BY c.p LIMIT 1)");
        Ok(())
    }
}
