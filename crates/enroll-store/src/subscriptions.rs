//! Subscriptions: who is told when an enrollment series changes (SCORM Cloud's post-backs on a
//! registration or on the invitation that made it; LMS365's webhooks can join), and the one
//! mechanism that turns changes into outbound deliveries.
//!
//! Changes are captured by the database itself: a trigger (migration 000007) queues every
//! update of an enrollment whose series, or whose invitation, has a subscription into
//! `enrollment_changes`, in the transaction that makes the change. [`Store::collect_changes`]
//! deletes what it takes from that queue and enqueues the rendered deliveries in the outbox in
//! the same transaction: each change is delivered exactly once, whichever process collects it.
use crate::conn::DbConn;
use crate::enrollments::series::{SeriesView, series_views};
use crate::error::{StoreError, StoreResult};
use crate::models::{EnrollmentRow, uuid};
use crate::outbox::{Channel, NewMessage, enqueue_in};
use crate::schema::{enrollment_changes as ec, enrollments, subscriptions as s};
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::model::Dialect;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What a subscription watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One enrollment series.
    Series,
    /// Every series an invitation made.
    Invitation,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Series => "series",
            Self::Invitation => "invitation",
        }
    }
}

/// A subscription to set: where deliveries go and the dialect's own settings for them
/// (opaque to the ledger: the dialect renders the deliveries).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubscription {
    pub target: String,
    pub settings: String,
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = s)]
pub struct Subscription {
    pub id: String,
    pub tenant_id: String,
    pub scope: String,
    pub object_id: String,
    pub dialect: String,
    pub target: String,
    pub settings: String,
    pub created_at: i64,
}

/// Sets (replaces) or, with `None`, removes a dialect's subscription to an object.
pub fn set_in(
    conn: &mut DbConn,
    tenant_id: &str,
    scope: Scope,
    object_id: &str,
    dialect: Dialect,
    sub: Option<&NewSubscription>,
    now_ms: i64,
) -> StoreResult<()> {
    diesel::delete(
        s::table
            .filter(s::scope.eq(scope.as_str()))
            .filter(s::object_id.eq(object_id))
            .filter(s::dialect.eq(dialect.as_str())),
    )
    .execute(conn)?;
    if let Some(sub) = sub {
        diesel::insert_into(s::table)
            .values((
                s::id.eq(Uuid::new_v4().to_string()),
                s::tenant_id.eq(tenant_id),
                s::scope.eq(scope.as_str()),
                s::object_id.eq(object_id),
                s::dialect.eq(dialect.as_str()),
                s::target.eq(&sub.target),
                s::settings.eq(&sub.settings),
                s::created_at.eq(now_ms),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A dialect's subscription to an object, if any.
pub fn of_in(
    conn: &mut DbConn,
    scope: Scope,
    object_id: &str,
    dialect: Dialect,
) -> StoreResult<Option<Subscription>> {
    Ok(s::table
        .filter(s::scope.eq(scope.as_str()))
        .filter(s::object_id.eq(object_id))
        .filter(s::dialect.eq(dialect.as_str()))
        .select(Subscription::as_select())
        .first(conn)
        .optional()?)
}

/// The subscriptions to many objects of a scope (every dialect's).
pub fn of_many_in(
    conn: &mut DbConn,
    scope: Scope,
    object_ids: &[&str],
) -> StoreResult<Vec<Subscription>> {
    let mut out = Vec::new();
    for chunk in object_ids.chunks(400) {
        out.extend(
            s::table
                .filter(s::scope.eq(scope.as_str()))
                .filter(s::object_id.eq_any(chunk))
                .select(Subscription::as_select())
                .load::<Subscription>(conn)?,
        );
    }
    Ok(out)
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

/// Renders a series' state for a subscription (the dialect knows its format); `None` skips it.
pub type Renderer<'r> = &'r (dyn Fn(&Subscription, &SeriesView) -> Option<Rendered> + Sync);

impl Store {
    /// Takes up to `limit` queued changes and enqueues one delivery per subscription of each
    /// changed series (changes to one series waiting together are announced once, with its
    /// latest state), all in one transaction. Returns how many deliveries were enqueued.
    pub fn collect_changes(&self, limit: i64, render: Renderer<'_>) -> StoreResult<usize> {
        // A cheap indexed read first: the write turn is taken only when something is queued.
        let queued: Vec<i64> = self.with_conn(|c| {
            Ok(ec::table
                .select(ec::id)
                .order(ec::id)
                .limit(limit)
                .load(c)?)
        })?;
        if queued.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        self.write(|c| {
            // Only the changes this transaction deletes are ours: a concurrent collector that
            // took one first leaves nothing to delete.
            let mut taken: BTreeMap<(String, String), EnrollmentRow> = BTreeMap::new();
            for id in &queued {
                let row: Option<(String, String)> = ec::table
                    .find(id)
                    .select((ec::tenant_id, ec::enrollment_id))
                    .first(c)
                    .optional()?;
                let Some((tenant, enrollment)) = row else {
                    continue;
                };
                if diesel::delete(ec::table.find(id)).execute(c)? == 0 {
                    continue;
                }
                let e: EnrollmentRow = enrollments::table
                    .find(&enrollment)
                    .select(EnrollmentRow::as_select())
                    .first(c)?;
                taken.insert((tenant, e.series_id.clone()), e);
            }
            let mut sent = 0;
            for ((tenant, series), changed) in taken {
                // The series' latest enrollment: its current one, or the one that ended it.
                let latest =
                    crate::enrollments::series::current_of(c, &tenant, &series)?.unwrap_or(changed);
                let Some(view) =
                    series_views(c, &tenant, std::slice::from_ref(&latest), now)?.pop()
                else {
                    continue;
                };
                let mut subs: Vec<Subscription> = s::table
                    .filter(s::scope.eq(Scope::Series.as_str()))
                    .filter(s::object_id.eq(&series))
                    .select(Subscription::as_select())
                    .load(c)?;
                if let Some(inv) = &latest.invitation_id {
                    let by_inv: Vec<Subscription> = s::table
                        .filter(s::scope.eq(Scope::Invitation.as_str()))
                        .filter(s::object_id.eq(inv))
                        .select(Subscription::as_select())
                        .load(c)?;
                    // A series' own subscription wins over its invitation's in a dialect.
                    let own: Vec<String> = subs.iter().map(|x| x.dialect.clone()).collect();
                    subs.extend(by_inv.into_iter().filter(|i| !own.contains(&i.dialect)));
                }
                for sub in subs {
                    let Some(r) = render(&sub, &view) else {
                        continue;
                    };
                    enqueue_in(
                        c,
                        &NewMessage {
                            tenant_id: Some(uuid(&tenant)?),
                            channel: Channel::Http,
                            topic: r.topic,
                            target: sub.target.clone(),
                            headers: r.headers,
                            content_type: r.content_type,
                            subject: None,
                            body: r.body,
                        },
                        to_millis(now),
                    )?;
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
                StoreError::Internal("a queued change lost its enrollment".into())
            }
            other => other,
        })
    }
}
