//! Enrollment events: every change of an enrollment, recorded once, in the transaction that
//! makes it — its kind ([`enroll_domain::EventKind`]), the state before and after, who caused
//! it ([`Cause`]: a dialect or the ledger, and a principal where known) and the ledger time.
//! Creation is an event; changes are never coalesced. The events are an enrollment's history
//! ([`Store::enrollment_events`], oldest first) and the single source of outbound
//! notifications: [`subscriptions`] select them by scope and kind, [`notices`] turns them into
//! deliveries that each dialect renders.
pub mod cause;
pub mod notices;
mod record;
pub mod schema;
pub mod subscriptions;

pub use cause::Cause;
pub use notices::{Notice, Rendered, Renderer};
pub(crate) use record::{NewEvent, of_change, of_creation, record_in};
pub use subscriptions::{NewSubscription, Scope, Subscription};

use crate::error::{StoreError, StoreResult};
use crate::models::uuid;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::from_millis;
use enroll_domain::{EnrollmentState, EventKind};
use schema::enrollment_events as ev;
use time::OffsetDateTime;
use uuid::Uuid;

/// A recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Increases with every event of an enrollment (its order).
    pub id: i64,
    pub enrollment_id: Uuid,
    pub kind: EventKind,
    /// The state before (`None` for a creation).
    pub from: Option<EnrollmentState>,
    pub to: EnrollmentState,
    /// The dialect that caused it, `admin`, or [`cause::LEDGER`].
    pub dialect: String,
    pub principal: Option<String>,
    /// The ledger time of the change.
    pub at: OffsetDateTime,
    /// The message its caller gave with it (a cancellation message, a rejection reason).
    pub note: Option<String>,
}

type Row = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
);

pub(crate) fn to_event(r: Row) -> StoreResult<Event> {
    let bad = |e: String| StoreError::Internal(format!("stored event: {e}"));
    Ok(Event {
        id: r.0,
        enrollment_id: uuid(&r.1)?,
        kind: r.2.parse().map_err(bad)?,
        from: r.3.as_deref().map(str::parse).transpose().map_err(bad)?,
        to: r.4.parse().map_err(bad)?,
        dialect: r.5,
        principal: r.6,
        at: from_millis(r.7),
        note: r.8,
    })
}

macro_rules! columns {
    () => {
        (
            ev::id,
            ev::enrollment_id,
            ev::kind,
            ev::from_state,
            ev::to_state,
            ev::dialect,
            ev::principal,
            ev::at,
            ev::note,
        )
    };
}
pub(crate) use columns;

impl Store {
    /// An enrollment's history: its events, oldest first (`NotFound` for an enrollment the
    /// tenant does not have).
    pub fn enrollment_events(
        &self,
        tenant_id: Uuid,
        enrollment_id: Uuid,
    ) -> StoreResult<Vec<Event>> {
        self.read(|c| {
            crate::enrollments::find_enrollment(c, tenant_id, enrollment_id)?;
            let rows: Vec<Row> = ev::table
                .filter(ev::enrollment_id.eq(enrollment_id.to_string()))
                .select(columns!())
                .order(ev::id)
                .load(c)?;
            rows.into_iter().map(to_event).collect()
        })
    }
}
