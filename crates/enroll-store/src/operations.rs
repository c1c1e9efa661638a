//! Asynchronous operations: requests a dialect accepts and later reports on by number (a task
//! id). The ledger does the work inside the request's own transaction and records the
//! operation there, finished, so a status query reads what really happened — an operation that
//! failed was never recorded, its request was refused. Numbers count from 1 per tenant.
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::schema::operations;
#[cfg(feature = "postgres")]
use crate::schema::tenants;
use crate::store::{FirstRow, Store};
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use time::OffsetDateTime;
use uuid::Uuid;

/// Where an operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationStatus {
    /// Accepted, not started.
    Waiting,
    /// Being worked on.
    Running,
    /// Done.
    Complete,
    /// Stopped before it finished.
    Cancelled,
    /// Ended in an error.
    Failed,
}

impl OperationStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Running => "running",
            Self::Complete => "complete",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        [
            Self::Waiting,
            Self::Running,
            Self::Complete,
            Self::Cancelled,
            Self::Failed,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| StoreError::Internal(format!("bad operation status '{s}' in database")))
    }
}

/// One recorded operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub id: i64,
    /// What was asked for (the caller's name for it).
    pub kind: String,
    pub status: OperationStatus,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
}

/// Records a finished operation of `kind` inside the caller's transaction; its number.
pub(crate) fn record_in(
    c: &mut DbConn,
    tenant_id: Uuid,
    kind: &str,
    now: OffsetDateTime,
) -> StoreResult<i64> {
    let t = tenant_id.to_string();
    // Concurrent requests of one tenant take turns for the next number (PostgreSQL; SQLite
    // has one writer).
    #[cfg(feature = "postgres")]
    #[allow(irrefutable_let_patterns)]
    if let DbConn::Pg(pg) = c {
        tenants::table
            .filter(tenants::id.eq(&t))
            .select(tenants::id)
            .for_update()
            .load::<String>(pg)?;
    }
    let last: Option<i64> = operations::table
        .filter(operations::tenant_id.eq(&t))
        .select(diesel::dsl::max(operations::id))
        .first(c)?;
    let id = last.unwrap_or(0) + 1;
    let now_ms = to_millis(now);
    diesel::insert_into(operations::table)
        .values((
            operations::tenant_id.eq(&t),
            operations::id.eq(id),
            operations::kind.eq(kind),
            operations::status.eq(OperationStatus::Complete.as_str()),
            operations::created_at.eq(now_ms),
            operations::updated_at.eq(now_ms),
        ))
        .execute(c)?;
    Ok(id)
}

impl Store {
    /// A tenant's operation by number; `NotFound("operation")` when there is none.
    pub fn operation(&self, tenant_id: Uuid, id: i64) -> StoreResult<Operation> {
        let row: Option<(i64, String, String, i64, i64)> = self.with_conn(|c| {
            Ok(operations::table
                .filter(operations::tenant_id.eq(tenant_id.to_string()))
                .filter(operations::id.eq(id))
                .select((
                    operations::id,
                    operations::kind,
                    operations::status,
                    operations::created_at,
                    operations::updated_at,
                ))
                .first_row(c)?)
        })?;
        let (id, kind, status, created, updated) =
            row.ok_or_else(|| StoreError::NotFound("operation".into()))?;
        Ok(Operation {
            id,
            kind,
            status: OperationStatus::parse(&status)?,
            created: from_millis(created),
            updated: from_millis(updated),
        })
    }
}
