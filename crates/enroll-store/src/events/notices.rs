//! From events to outbound deliveries: the one mechanism behind every dialect's
//! notifications (SCORM Cloud's post-backs, webhooks).
//!
//! An event that some subscription watches is recorded `pending`, in the transaction of its
//! change. [`Store::collect_events`] takes pending events (clearing the flag in its own
//! transaction, so each is taken once, whichever process collects it), finds the
//! subscriptions that select them, has the dialects render [`Notice`]s and enqueues the
//! deliveries in the outbox in that same transaction: durable and at least once, in order per
//! destination (see [`crate::outbox`]). Subscriptions are matched when the events are
//! collected: one deleted meanwhile gets nothing; one made meanwhile hears of the events
//! recorded after it only.
use super::schema::enrollment_events as ev;
use super::subscriptions::{Scope, Subject, Subscription, watching_in};
use super::{Event, Row, columns, to_event};
use crate::conn::DbConn;
use crate::enrollments::series::{SeriesView, current_of, series_views};
use crate::error::{StoreError, StoreResult};
use crate::models::{EnrollmentRow, uuid};
use crate::outbox::{Channel, NewMessage, enqueue_in};
use crate::schema::{courses, enrollments, learners};
use crate::store::{FirstRow, Store, on_backend};
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use std::collections::{HashMap, HashSet};

/// What a subscription is told about: a run of consecutive events of one series that it
/// selects (oldest first), and the series' latest state (its current enrollment, or the one
/// that ended it). A dialect that announces states (SCORM Cloud) renders `series` once; one
/// that announces events (webhooks) renders each of `events`.
#[derive(Debug, Clone, Copy)]
pub struct Notice<'a> {
    pub events: &'a [Event],
    pub series: &'a SeriesView,
}

/// A delivery a dialect rendered for a subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// What it is about, e.g. `scormcloud.postback`.
    pub topic: String,
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    pub body: String,
}

/// Renders a notice for a subscription (the dialect knows its format); nothing to skip it.
pub type Renderer<'r> = &'r (dyn Fn(&Subscription, &Notice<'_>) -> Vec<Rendered> + Sync);

/// Whether the object a subscription of `scope` names is the tenant's.
pub(crate) fn object_exists(
    c: &mut DbConn,
    tenant_id: &str,
    scope: Scope,
    id: &str,
) -> StoreResult<bool> {
    let found: Option<String> = match scope {
        Scope::Tenant => Some(id.to_string()),
        Scope::Course => on_backend!(c, c => courses::table
            .filter(courses::tenant_id.eq(tenant_id))
            .filter(courses::id.eq(id))
            .select(courses::id)
            .first_row(c))?,
        Scope::Learner => on_backend!(c, c => learners::table
            .filter(learners::tenant_id.eq(tenant_id))
            .filter(learners::id.eq(id))
            .select(learners::id)
            .first_row(c))?,
        Scope::Enrollment | Scope::Series => on_backend!(c, c => enrollments::table
            .filter(enrollments::tenant_id.eq(tenant_id))
            .filter(enrollments::id.eq(id))
            .select(enrollments::id)
            .first_row(c))?,
        // The `enroll-invitations` crate's table, named in SQL (the core cannot use that
        // crate's schema).
        Scope::Invitation => {
            use diesel::sql_types::{Bool, Text};
            let found =
                diesel::dsl::sql::<Bool>("EXISTS (SELECT 1 FROM invitations WHERE tenant_id = ")
                    .bind::<Text, _>(tenant_id)
                    .sql(" AND id = ")
                    .bind::<Text, _>(id)
                    .sql(")");
            diesel::select(found)
                .get_result::<bool>(c)?
                .then(|| id.to_string())
        }
    };
    Ok(found.is_some())
}

/// Of the subscriptions watching a subject, those that apply: a series' own subscription
/// replaces, in its dialect, the one the series inherits from the invitation that made it.
fn applying(subs: Vec<Subscription>, subject: &Subject) -> Vec<Subscription> {
    let own: HashSet<String> = subs
        .iter()
        .filter(|s| s.scope == Scope::Series && subject.watched_by(s))
        .map(|s| s.dialect.clone())
        .collect();
    subs.into_iter()
        .filter(|s| subject.watched_by(s))
        .filter(|s| !(s.scope == Scope::Invitation && own.contains(&s.dialect)))
        .collect()
}

/// An id of a pending event.
#[derive(QueryableByName)]
struct PendingId {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// The oldest `limit` pending events' ids, by the partial index of pending events. SQLite is
/// told to use that index: with statistics gathered while the events table was small (the
/// bench's bulk load ran ANALYZE before any create), its planner scanned and sorted every
/// event on each collection instead, about 4 million instructions per wake-up over 8,000
/// events, competing with the writes that had just woken it.
fn pending_ids(c: &mut DbConn, limit: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<PendingId> = match c {
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => {
            diesel::sql_query("SELECT id FROM enrollment_events WHERE pending ORDER BY id LIMIT $1")
                .bind::<diesel::sql_types::BigInt, _>(limit)
                .load(c)?
        }
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT id FROM enrollment_events INDEXED BY enrollment_events_pending \
             WHERE pending ORDER BY id LIMIT ?",
        )
        .bind::<diesel::sql_types::BigInt, _>(limit)
        .load(c)?,
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
}

impl Store {
    /// Takes up to `limit` pending events and enqueues what `render` makes of them for the
    /// subscriptions that select them, all in one transaction (see the module docs). Returns
    /// how many deliveries were enqueued.
    pub fn collect_events(&self, limit: i64, render: Renderer<'_>) -> StoreResult<usize> {
        // A cheap indexed read first: the write turn is taken only when something is pending.
        let queued: Vec<i64> = self.with_conn(|c| pending_ids(c, limit))?;
        if queued.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        self.write(|c| {
            let taken = take(c, &queued)?;
            let mut by_tenant: HashMap<String, Vec<Subscription>> = HashMap::new();
            let mut views: HashMap<(String, String), Option<SeriesView>> = HashMap::new();
            // Per subscription, its events in order, cut into runs of one series.
            let mut notices: Vec<(Subscription, String, Vec<Event>)> = Vec::new();
            for (event, row) in &taken {
                let subject = Subject::of(row);
                if !by_tenant.contains_key(&row.tenant_id) {
                    let subjects: Vec<Subject> = taken
                        .iter()
                        .filter(|(_, r)| r.tenant_id == row.tenant_id)
                        .map(|(_, r)| Subject::of(r))
                        .collect();
                    let refs: Vec<&Subject> = subjects.iter().collect();
                    let subs = watching_in(c, &row.tenant_id, &refs)?;
                    by_tenant.insert(row.tenant_id.clone(), subs);
                }
                let subs = by_tenant.get(&row.tenant_id).cloned().unwrap_or_default();
                for sub in applying(subs, &subject) {
                    if !sub.selects_event(event) {
                        continue;
                    }
                    let last = notices.iter_mut().rev().find(|(s, _, _)| s.id == sub.id);
                    match last {
                        Some((_, series, events)) if *series == row.series_id => {
                            events.push(event.clone());
                        }
                        _ => notices.push((sub, row.series_id.clone(), vec![event.clone()])),
                    }
                }
            }
            let mut sent = 0;
            for (sub, series, events) in notices {
                let key = (sub.tenant_id.clone(), series);
                if !views.contains_key(&key) {
                    let latest = current_of(c, &key.0, &key.1)?;
                    let latest = match latest {
                        Some(row) => Some(row),
                        // Ended: the series' enrollment the last event was about.
                        None => taken
                            .iter()
                            .rev()
                            .find(|(_, r)| r.series_id == key.1)
                            .map(|(_, r)| r.clone()),
                    };
                    let view = match latest {
                        Some(row) => series_views(c, &key.0, &[row], now)?.pop(),
                        None => None,
                    };
                    views.insert(key.clone(), view);
                }
                let Some(Some(view)) = views.get(&key) else {
                    continue;
                };
                let notice = Notice {
                    events: &events,
                    series: view,
                };
                for r in render(&sub, &notice) {
                    let msg = NewMessage {
                        tenant_id: Some(uuid(&sub.tenant_id)?),
                        channel: Channel::Http,
                        topic: r.topic,
                        target: sub.target.clone(),
                        headers: r.headers,
                        content_type: r.content_type,
                        subject: None,
                        body: r.body,
                    };
                    enqueue_in(c, &msg, to_millis(now))?;
                    sent += 1;
                }
            }
            Ok(sent)
        })
        .inspect(|n| {
            if *n > 0 {
                self.notify(crate::store::Topic::Deliveries);
            }
        })
        .map_err(|e| match e {
            StoreError::NotFound(_) => {
                StoreError::Internal("a pending event lost its enrollment".into())
            }
            other => other,
        })
    }
}

/// Takes pending events (only those this transaction clears are ours: a concurrent collector
/// that took one first leaves nothing to clear), with their enrollments, oldest first.
fn take(c: &mut DbConn, ids: &[i64]) -> StoreResult<Vec<(Event, EnrollmentRow)>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let cleared = diesel::update(ev::table.find(id).filter(ev::pending))
            .set(ev::pending.eq(false))
            .execute(c)?;
        if cleared == 0 {
            continue;
        }
        let row: Row = ev::table.find(id).select(columns!()).first(c)?;
        let event = to_event(row)?;
        let e: EnrollmentRow = enrollments::table
            .find(event.enrollment_id.to_string())
            .select(EnrollmentRow::as_select())
            .first(c)?;
        out.push((event, e));
    }
    Ok(out)
}
