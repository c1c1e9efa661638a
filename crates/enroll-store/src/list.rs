//! What every list takes: a time window on creation or last change, tags, an order and a
//! page; and case-insensitive substring matching for text filters.
use crate::filter::DynFilter;
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::Dialect;
use odata_filter::{BindValue, SqlPart};
use time::OffsetDateTime;

/// Which timestamp `since`/`until` apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateField {
    #[default]
    Created,
    Updated,
}

/// Sort order of a list (ties broken by id, so pages never overlap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    CreatedAsc,
    #[default]
    CreatedDesc,
    UpdatedAsc,
    UpdatedDesc,
}

/// The window of a list: dates, tags, order and page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListWindow {
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub date_field: DateField,
    /// Items having any of these tags.
    pub tags: Vec<String>,
    pub order: Order,
    pub limit: i64,
    pub offset: i64,
}

diesel::define_sql_function!(
    /// SQL `lower(text)`, on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// A LIKE pattern matching `s` anywhere, lower-cased, with `%`, `_` and `\` escaped (use
/// with `ESCAPE '\'`).
pub fn like_pattern(s: &str) -> String {
    let escaped = s
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// `lower(<the record's id in dialect>) LIKE pattern`, for a record of `kind` whose ledger id
/// is the SQL column `ledger_col`: the crosswalk rule in SQL (the explicit id, else the
/// ledger id). `ledger_col` and `kind` come from code, never input; dialect and pattern are
/// bound.
pub fn id_like(ledger_col: &'static str, kind: Kind, dialect: Dialect, text: &str) -> DynFilter {
    DynFilter::from_parts(vec![
        SqlPart::Raw(format!(
            "(lower(COALESCE((SELECT x.external_id FROM external_ids x \
                 WHERE x.ledger_id = {ledger_col} AND x.kind = '{}' AND x.dialect = ",
            kind.as_str()
        )),
        SqlPart::Bind(BindValue::Text(dialect.as_str().to_string())),
        SqlPart::Raw(format!("), {ledger_col})) LIKE ")),
        SqlPart::Bind(BindValue::Text(like_pattern(text))),
        SqlPart::Raw(" ESCAPE '\\')".into()),
    ])
}

/// `lower(column) LIKE pattern` for a text column named in code.
pub fn text_like(column: &'static str, text: &str) -> DynFilter {
    DynFilter::from_parts(vec![
        SqlPart::Raw(format!("(lower({column}) LIKE ")),
        SqlPart::Bind(BindValue::Text(like_pattern(text))),
        SqlPart::Raw(" ESCAPE '\\')".into()),
    ])
}

/// The learner's e-mail, first name, last name or full name (`first last`) contains `text`,
/// case-insensitively.
pub(crate) fn person_like(text: &str) -> DynFilter {
    let mut parts = vec![SqlPart::Raw("(".into())];
    let columns = [
        "learners.email",
        "learners.first_name",
        "learners.last_name",
        "(learners.first_name || ' ' || learners.last_name)",
    ];
    for (i, col) in columns.iter().enumerate() {
        if i > 0 {
            parts.push(SqlPart::Raw(" OR ".into()));
        }
        parts.push(SqlPart::Raw(format!("lower({col}) LIKE ")));
        parts.push(SqlPart::Bind(BindValue::Text(like_pattern(text))));
        parts.push(SqlPart::Raw(" ESCAPE '\\'".into()));
    }
    parts.push(SqlPart::Raw(")".into()));
    DynFilter::from_parts(parts)
}

/// `(?, ?, …)` binding `values` (never empty: an empty list binds one value nothing equals).
fn bound_list(parts: &mut Vec<SqlPart>, values: &[String]) {
    parts.push(SqlPart::Raw("(".into()));
    if values.is_empty() {
        parts.push(SqlPart::Raw("NULL".into()));
    }
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            parts.push(SqlPart::Raw(", ".into()));
        }
        parts.push(SqlPart::Bind(BindValue::Text(v.clone())));
    }
    parts.push(SqlPart::Raw(")".into()));
}

/// `column` holds a record of `kind` that one of `ids` names in `dialect` by the crosswalk rule
/// (an explicit entry, or the id taken as a ledger id). `column` and `kind` come from code.
pub(crate) fn named_by(
    column: &'static str,
    tenant: &str,
    kind: Kind,
    dialect: Dialect,
    ids: &[String],
) -> DynFilter {
    let mut parts = vec![SqlPart::Raw(format!("({column} IN "))];
    bound_list(&mut parts, ids);
    parts.push(SqlPart::Raw(format!(
        " OR {column} IN (SELECT x.ledger_id FROM external_ids x WHERE x.tenant_id = "
    )));
    parts.push(SqlPart::Bind(BindValue::Text(tenant.to_string())));
    parts.push(SqlPart::Raw(" AND x.dialect = ".into()));
    parts.push(SqlPart::Bind(BindValue::Text(dialect.as_str().to_string())));
    parts.push(SqlPart::Raw(format!(
        " AND x.kind = '{}' AND x.external_id IN ",
        kind.as_str()
    )));
    bound_list(&mut parts, ids);
    parts.push(SqlPart::Raw("))".into()));
    DynFilter::from_parts(parts)
}

/// `column` holds an object (of the tag kind `kind`) having any of `tags`.
pub fn tagged(
    column: &'static str,
    tenant: &str,
    kind: &'static str,
    tags: &[String],
) -> DynFilter {
    let mut parts = vec![SqlPart::Raw(format!(
        "({column} IN (SELECT t.object_id FROM tags t WHERE t.tenant_id = "
    ))];
    parts.push(SqlPart::Bind(BindValue::Text(tenant.to_string())));
    parts.push(SqlPart::Raw(format!(
        " AND t.kind = '{kind}' AND t.tag IN "
    )));
    bound_list(&mut parts, tags);
    parts.push(SqlPart::Raw("))".into()));
    DynFilter::from_parts(parts)
}
