//! The identifier crosswalk in the database: explicit dialect ids of tenants, learners, courses
//! and enrollment series (the rule that names records without one is
//! [`enroll_domain::crosswalk`]).
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::schema::external_ids as x;
use crate::store::{FirstRow, on_backend};
use diesel::prelude::*;
use enroll_domain::crosswalk::{ExternalIds, IdStyle, Kind, derived_number};
use enroll_domain::model::Dialect;
use std::collections::HashMap;
use uuid::Uuid;

/// The ledger id an explicit dialect id names, if the crosswalk has it.
pub fn explicit(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    kind: Kind,
    external_id: &str,
) -> StoreResult<Option<String>> {
    Ok(on_backend!(conn, c => x::table
        .filter(x::tenant_id.eq(tenant_id))
        .filter(x::dialect.eq(dialect.as_str()))
        .filter(x::kind.eq(kind.as_str()))
        .filter(x::external_id.eq(external_id))
        .select(x::ledger_id)
        .first_row(c))?)
}

/// The dialect's explicit id of a record, if the crosswalk has one.
pub fn explicit_of(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    kind: Kind,
    ledger_id: &str,
) -> StoreResult<Option<String>> {
    Ok(on_backend!(conn, c => x::table
        .filter(x::ledger_id.eq(ledger_id))
        .filter(x::kind.eq(kind.as_str()))
        .filter(x::dialect.eq(dialect.as_str()))
        .filter(x::tenant_id.eq(tenant_id))
        .select(x::external_id)
        .first_row(c))?)
}

/// The ledger id a dialect id names by the crosswalk rule: the explicit entry, else (UUID and
/// text dialects) the id itself taken as a ledger id, unless that record has an explicit id
/// in the dialect (a record has one id per dialect: once one is chosen, the derived one no
/// longer names it). The caller checks that record exists.
pub fn ledger_id(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    kind: Kind,
    external_id: &str,
) -> StoreResult<Option<String>> {
    if let Some(id) = explicit(conn, tenant_id, dialect, kind, external_id)? {
        return Ok(Some(id));
    }
    match taken_as_ledger_id(dialect, kind, external_id) {
        Some(id) if explicit_of(conn, tenant_id, dialect, kind, &id)?.is_none() => Ok(Some(id)),
        _ => Ok(None),
    }
}

/// The ledger id a dialect id is taken as when it has no explicit entry: the id itself, in
/// UUID and text dialects, when it is a UUID (the half of the rule [`ledger_id`] and
/// `crosswalk_column::NamedBy` check against the record's own explicit id).
pub(crate) fn taken_as_ledger_id(
    dialect: Dialect,
    kind: Kind,
    external_id: &str,
) -> Option<String> {
    match dialect.id_style(kind) {
        IdStyle::Uuid | IdStyle::Text => Uuid::parse_str(external_id).ok().map(|u| u.to_string()),
        IdStyle::Number { .. } => None,
    }
}

/// A list's filter on a dialect id: `Some(None)` without one, `Some(Some(ledger id))` for an
/// id that names a record, `None` for one that names nothing (the list is empty).
pub fn narrowing(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    kind: Kind,
    external_id: Option<&str>,
) -> StoreResult<Option<Option<String>>> {
    match external_id {
        None => Ok(Some(None)),
        Some(id) => Ok(ledger_id(conn, tenant_id, dialect, kind, id)?.map(Some)),
    }
}

/// Explicit ids of a set of records, by (kind, ledger id).
#[derive(Debug, Default)]
pub struct IdBook(HashMap<(String, String), ExternalIds>);

impl IdBook {
    /// A record's explicit ids (none recorded: empty).
    pub fn get(&self, kind: Kind, ledger_id: &str) -> ExternalIds {
        self.0
            .get(&(kind.as_str().to_string(), ledger_id.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// The explicit ids of the records `ledger_ids` name (of any kind), in one query per 500.
pub fn ids_of(conn: &mut DbConn, ledger_ids: &[&str]) -> StoreResult<IdBook> {
    type Row = (String, String, String, String);
    let mut out = IdBook::default();
    // One view names two records (its learner and course): a query of fixed shape on the
    // backend's own connection is prepared once per connection and found by its type. A list
    // (`eq_any`) is prepared again on every call on SQLite, its SQL rebuilt through the
    // multi-backend wrapper: that was 45 % of a read by id's instructions. Two lookups joined
    // by UNION ALL, not `a OR b` (which SQLite runs as an IN list over a temporary b-tree
    // opened and zeroed per call); the same id twice just sets its entries twice.
    let pair = match ledger_ids {
        [a] => Some((*a, *a)),
        [a, b] => Some((*a, *b)),
        _ => None,
    };
    if let Some((a, b)) = pair {
        let rows: Vec<Row> = on_backend!(conn, c => x::table
            .filter(x::ledger_id.eq(a))
            .select((x::ledger_id, x::kind, x::dialect, x::external_id))
            .union_all(
                x::table
                    .filter(x::ledger_id.eq(b))
                    .select((x::ledger_id, x::kind, x::dialect, x::external_id)),
            )
            .load(c))?;
        out.add(rows)?;
        return Ok(out);
    }
    for chunk in ledger_ids.chunks(500) {
        let rows: Vec<Row> = x::table
            .filter(x::ledger_id.eq_any(chunk))
            .select((x::ledger_id, x::kind, x::dialect, x::external_id))
            .load(conn)?;
        out.add(rows)?;
    }
    Ok(out)
}

impl IdBook {
    fn add(&mut self, rows: Vec<(String, String, String, String)>) -> StoreResult<()> {
        for (ledger, kind, dialect, external) in rows {
            let d: Dialect = dialect.parse().map_err(StoreError::Internal)?;
            self.0.entry((kind, ledger)).or_default().set(d, external);
        }
        Ok(())
    }
}

/// One record's explicit ids.
pub fn ids_for(conn: &mut DbConn, kind: Kind, ledger_id: &str) -> StoreResult<ExternalIds> {
    Ok(ids_of(conn, &[ledger_id])?.get(kind, ledger_id))
}

/// Records an explicit id; one already naming another record (or this record already having
/// one in the dialect) is a conflict.
pub fn record(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    kind: Kind,
    external_id: &str,
    ledger_id: &str,
) -> StoreResult<()> {
    diesel::insert_into(x::table)
        .values((
            x::tenant_id.eq(tenant_id),
            x::dialect.eq(dialect.as_str()),
            x::kind.eq(kind.as_str()),
            x::external_id.eq(external_id),
            x::ledger_id.eq(ledger_id),
        ))
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "the {} id '{external_id}' of this {} is already taken",
                dialect.as_str(),
                kind.as_str()
            )),
            other => other,
        })?;
    Ok(())
}

/// Records a new learner's or course's ids: the explicit ones given, plus the derived number
/// of every number-keyed dialect without one (so that number can be looked up).
pub fn record_new(
    conn: &mut DbConn,
    tenant_id: &str,
    kind: Kind,
    ledger_id: Uuid,
    given: &ExternalIds,
) -> StoreResult<ExternalIds> {
    let mut all = given.clone();
    for d in Dialect::ALL {
        if let (None, IdStyle::Number { digits }) = (given.explicit(d), d.id_style(kind)) {
            all.set(d, derived_number(ledger_id, digits).to_string());
        }
    }
    let id = ledger_id.to_string();
    for (d, external) in all.iter() {
        record(conn, tenant_id, d, kind, external, &id)?;
    }
    Ok(all)
}

/// [`record_new`] for many records at once (multi-row inserts, 400 entries per statement),
/// in the order given; an id already taken fails the whole call.
pub fn record_new_all(
    conn: &mut DbConn,
    tenant_id: &str,
    kind: Kind,
    records: &[(Uuid, ExternalIds)],
) -> StoreResult<()> {
    let mut entries: Vec<(Dialect, String, String)> = Vec::new();
    for (ledger_id, given) in records {
        let mut all = given.clone();
        for d in Dialect::ALL {
            if let (None, IdStyle::Number { digits }) = (given.explicit(d), d.id_style(kind)) {
                all.set(d, derived_number(*ledger_id, digits).to_string());
            }
        }
        let id = ledger_id.to_string();
        entries.extend(all.iter().map(|(d, e)| (d, e.to_string(), id.clone())));
    }
    for chunk in entries.chunks(400) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(d, external, ledger)| {
                (
                    x::tenant_id.eq(tenant_id),
                    x::dialect.eq(d.as_str()),
                    x::kind.eq(kind.as_str()),
                    x::external_id.eq(external.as_str()),
                    x::ledger_id.eq(ledger.as_str()),
                )
            })
            .collect();
        on_backend!(conn, c => diesel::insert_into(x::table).values(&values).execute(c)).map_err(
            |e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!(
                    "an id of a new {} is already taken",
                    kind.as_str()
                )),
                other => other,
            },
        )?;
    }
    Ok(())
}

/// Forgets a record's explicit id in a dialect (e.g. a deleted SCORM registration's id, which
/// may then name a new registration).
pub fn forget(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    kind: Kind,
    ledger_id: &str,
) -> StoreResult<()> {
    diesel::delete(
        x::table
            .filter(x::tenant_id.eq(tenant_id))
            .filter(x::dialect.eq(dialect.as_str()))
            .filter(x::kind.eq(kind.as_str()))
            .filter(x::ledger_id.eq(ledger_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// Records the derived number of each of `ledger_ids` that has no id in `dialect` yet, when
/// the dialect names `kind` by number (a record made elsewhere, shown in a number-keyed
/// dialect for the first time, must be found by the number it was shown with). Numbers are
/// derived, so concurrent calls record the same entries; the later insert does nothing.
pub fn record_derived(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    kind: Kind,
    ledger_ids: &[&str],
) -> StoreResult<usize> {
    let IdStyle::Number { digits } = dialect.id_style(kind) else {
        return Ok(0);
    };
    let mut n = 0;
    for id in ledger_ids {
        if explicit_of(conn, tenant_id, dialect, kind, id)?.is_some() {
            continue;
        }
        let number = derived_number(
            Uuid::parse_str(id).map_err(|e| StoreError::Internal(e.to_string()))?,
            digits,
        );
        n += on_backend!(conn, c => diesel::insert_into(x::table)
            .values((
                x::tenant_id.eq(tenant_id),
                x::dialect.eq(dialect.as_str()),
                x::kind.eq(kind.as_str()),
                x::external_id.eq(number.to_string()),
                x::ledger_id.eq(*id),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(n)
}
