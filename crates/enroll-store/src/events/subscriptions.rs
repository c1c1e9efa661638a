//! Subscriptions: who is told about which enrollment events, and how. A subscription selects
//! events by scope — a tenant, a course, a learner, an enrollment, a series, the series an
//! invitation made — and by kinds (none listed: every kind). Its target and settings belong to
//! the dialect that renders its deliveries (opaque to the ledger): SCORM Cloud's post-backs
//! on a registration or invitation, a webhook facade's subscriptions on a tenant or course.
//! Delivery is [`super::notices`]'s.
pub use super::notices::Rendered;
use super::schema::enrollment_events as ev;
use super::schema::subscriptions as s;
use crate::conn::{DbConn, MultiBackend};
use crate::error::{StoreError, StoreResult};
use crate::models::EnrollmentRow;
use crate::store::{Store, on_backend};
use diesel::prelude::*;
use enroll_domain::EventKind;
use enroll_domain::clock::to_millis;
use enroll_domain::model::Dialect;
use std::str::FromStr;
use uuid::Uuid;

/// What a subscription watches: every enrollment of its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every enrollment of the tenant.
    Tenant,
    /// A course's enrollments.
    Course,
    /// A learner's enrollments.
    Learner,
    /// One enrollment.
    Enrollment,
    /// One enrollment series (a SCORM Cloud registration).
    Series,
    /// Every series an invitation made.
    Invitation,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 6] = [
        Self::Tenant,
        Self::Course,
        Self::Learner,
        Self::Enrollment,
        Self::Series,
        Self::Invitation,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::Course => "course",
            Self::Learner => "learner",
            Self::Enrollment => "enrollment",
            Self::Series => "series",
            Self::Invitation => "invitation",
        }
    }
}

impl FromStr for Scope {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| StoreError::Internal(format!("unknown subscription scope '{s}'")))
    }
}

/// A subscription to make: where deliveries go, the dialect's own settings for them, and the
/// event kinds it selects (empty: every kind).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewSubscription {
    pub target: String,
    pub settings: String,
    pub kinds: Vec<EventKind>,
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub id: String,
    pub tenant_id: String,
    pub scope: Scope,
    /// The watched object's ledger id (the tenant's for [`Scope::Tenant`]).
    pub object_id: String,
    /// The kinds selected; empty: every kind.
    pub kinds: Vec<EventKind>,
    /// The newest event when it was made: it hears of later events only.
    pub since_event: i64,
    /// The dialect that renders its deliveries.
    pub dialect: String,
    pub target: String,
    pub settings: String,
    pub created_at: i64,
}

impl Subscription {
    /// Whether it selects events of `kind`.
    pub fn selects(&self, kind: EventKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }

    /// Whether it selects `event` (one recorded after it was made).
    pub fn selects_event(&self, event: &super::Event) -> bool {
        event.id > self.since_event && self.selects(event.kind)
    }
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    i64,
);

macro_rules! columns {
    () => {
        (
            s::id,
            s::tenant_id,
            s::scope,
            s::object_id,
            s::kinds,
            s::since_event,
            s::dialect,
            s::target,
            s::settings,
            s::created_at,
        )
    };
}

fn to_subscription(r: Row) -> StoreResult<Subscription> {
    Ok(Subscription {
        id: r.0,
        tenant_id: r.1,
        scope: r.2.parse()?,
        object_id: r.3,
        kinds: decode_kinds(&r.4)?,
        since_event: r.5,
        dialect: r.6,
        target: r.7,
        settings: r.8,
        created_at: r.9,
    })
}

/// `,completed,failed,`; empty for every kind.
fn encode_kinds(kinds: &[EventKind]) -> String {
    let mut k = kinds.to_vec();
    k.sort_unstable();
    k.dedup();
    if k.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = k.iter().map(|k| k.as_str()).collect();
    format!(",{},", names.join(","))
}

fn decode_kinds(text: &str) -> StoreResult<Vec<EventKind>> {
    text.split(',')
        .filter(|k| !k.is_empty())
        .map(|k| k.parse().map_err(StoreError::Internal))
        .collect()
}

fn load(conn: &mut DbConn, q: s::BoxedQuery<'_, MultiBackend>) -> StoreResult<Vec<Subscription>> {
    let rows: Vec<Row> = q
        .select(columns!())
        .order((s::created_at, s::id))
        .load(conn)?;
    rows.into_iter().map(to_subscription).collect()
}

fn insert_in(
    conn: &mut DbConn,
    tenant_id: &str,
    scope: Scope,
    object_id: &str,
    dialect: Dialect,
    sub: &NewSubscription,
    now_ms: i64,
) -> StoreResult<String> {
    let id = Uuid::new_v4().to_string();
    let since: Option<i64> = ev::table.select(diesel::dsl::max(ev::id)).first(conn)?;
    diesel::insert_into(s::table)
        .values((
            s::id.eq(&id),
            s::tenant_id.eq(tenant_id),
            s::scope.eq(scope.as_str()),
            s::object_id.eq(object_id),
            s::kinds.eq(encode_kinds(&sub.kinds)),
            s::since_event.eq(since.unwrap_or(0)),
            s::dialect.eq(dialect.as_str()),
            s::target.eq(&sub.target),
            s::settings.eq(&sub.settings),
            s::created_at.eq(now_ms),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Sets (replaces) or, with `None`, removes a dialect's subscription to an object (SCORM
/// Cloud's one post-back per registration or invitation).
pub fn set_in(
    conn: &mut DbConn,
    tenant_id: &str,
    scope: Scope,
    object_id: &str,
    dialect: Dialect,
    sub: Option<&NewSubscription>,
    now_ms: i64,
) -> StoreResult<()> {
    // Several subscriptions may watch one object (webhooks), so no unique index can make
    // this one-per-object; two concurrent sets on PostgreSQL take turns on a lock of the
    // object instead (SQLite's one writer already serialises them), so neither leaves a
    // second subscription behind.
    let key = lock_key(&[scope.as_str(), object_id, dialect.as_str()]);
    conn.on_pg(&format!("SELECT pg_advisory_xact_lock({key})"))?;
    diesel::delete(
        s::table
            .filter(s::tenant_id.eq(tenant_id))
            .filter(s::scope.eq(scope.as_str()))
            .filter(s::object_id.eq(object_id))
            .filter(s::dialect.eq(dialect.as_str())),
    )
    .execute(conn)?;
    if let Some(sub) = sub {
        insert_in(conn, tenant_id, scope, object_id, dialect, sub, now_ms)?;
    }
    Ok(())
}

/// A stable 64-bit key for an advisory lock on `parts` (FNV-1a: the same in every process).
fn lock_key(parts: &[&str]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.join("/").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

/// A dialect's subscription to an object, if any (the newest).
pub fn of_in(
    conn: &mut DbConn,
    scope: Scope,
    object_id: &str,
    dialect: Dialect,
) -> StoreResult<Option<Subscription>> {
    let q = s::table
        .filter(s::scope.eq(scope.as_str()))
        .filter(s::object_id.eq(object_id))
        .filter(s::dialect.eq(dialect.as_str()))
        .into_boxed();
    Ok(load(conn, q)?.pop())
}

/// The subscriptions to many objects of a scope (every dialect's).
pub fn of_many_in(
    conn: &mut DbConn,
    scope: Scope,
    object_ids: &[&str],
) -> StoreResult<Vec<Subscription>> {
    let mut out = Vec::new();
    for chunk in object_ids.chunks(400) {
        let q = s::table
            .filter(s::scope.eq(scope.as_str()))
            .filter(s::object_id.eq_any(chunk))
            .into_boxed();
        out.extend(load(conn, q)?);
    }
    Ok(out)
}

/// Who an enrollment's events concern: the objects a subscription may watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subject {
    pub tenant_id: String,
    pub course_id: String,
    pub learner_id: String,
    pub enrollment_id: String,
    pub series_id: String,
    pub invitation_id: Option<String>,
}

impl Subject {
    pub fn of(row: &EnrollmentRow) -> Self {
        Self {
            tenant_id: row.tenant_id.clone(),
            course_id: row.course_id.clone(),
            learner_id: row.learner_id.clone(),
            enrollment_id: row.id.clone(),
            series_id: row.series_id.clone(),
            invitation_id: row.invitation_id.clone(),
        }
    }

    /// Whether `sub` watches this subject.
    pub fn watched_by(&self, sub: &Subscription) -> bool {
        let id = sub.object_id.as_str();
        sub.tenant_id == self.tenant_id
            && match sub.scope {
                Scope::Tenant => true,
                Scope::Course => id == self.course_id,
                Scope::Learner => id == self.learner_id,
                Scope::Enrollment => id == self.enrollment_id,
                Scope::Series => id == self.series_id,
                Scope::Invitation => self.invitation_id.as_deref() == Some(id),
            }
    }
}

/// The subscriptions of one tenant that watch any of `subjects` (whatever kinds they select).
pub(crate) fn watching_in(
    conn: &mut DbConn,
    tenant_id: &str,
    subjects: &[&Subject],
) -> StoreResult<Vec<Subscription>> {
    if let [one] = subjects {
        return watching_one(conn, tenant_id, one);
    }
    let mut out: Vec<Subscription> = Vec::new();
    for chunk in subjects.chunks(200) {
        let ids = |f: fn(&Subject) -> Option<&str>| -> Vec<&str> {
            let mut v: Vec<&str> = chunk.iter().filter_map(|x| f(x)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (courses, learners) = (ids(|x| Some(&x.course_id)), ids(|x| Some(&x.learner_id)));
        let enrollments = ids(|x| Some(&x.enrollment_id));
        let (series, invitations) = (
            ids(|x| Some(&x.series_id)),
            ids(|x| x.invitation_id.as_deref()),
        );
        let of = |scope: Scope| s::scope.eq(scope.as_str());
        let q = s::table
            .filter(s::tenant_id.eq(tenant_id))
            .filter(
                of(Scope::Tenant)
                    .or(of(Scope::Course).and(s::object_id.eq_any(courses)))
                    .or(of(Scope::Learner).and(s::object_id.eq_any(learners)))
                    .or(of(Scope::Enrollment).and(s::object_id.eq_any(enrollments)))
                    .or(of(Scope::Series).and(s::object_id.eq_any(series)))
                    .or(of(Scope::Invitation).and(s::object_id.eq_any(invitations))),
            )
            .into_boxed();
        for sub in load(conn, q)? {
            if !out.iter().any(|o| o.id == sub.id) {
                out.push(sub);
            }
        }
    }
    Ok(out)
}

/// [`watching_in`] for one subject, the case of nearly every write: a query of fixed shape, so
/// the connection prepares it once (the lists of the general case are prepared on every call).
fn watching_one(conn: &mut DbConn, tenant_id: &str, x: &Subject) -> StoreResult<Vec<Subscription>> {
    let of = |scope: Scope| s::scope.eq(scope.as_str());
    // On the backend's own connection: through the multi-backend wrapper diesel renders this
    // query's SQL on every write to find its prepared statement (most of its cost).
    let rows: Vec<Row> = on_backend!(conn, c => s::table
        .filter(s::tenant_id.eq(tenant_id))
        .filter(
            of(Scope::Tenant)
                .or(of(Scope::Course).and(s::object_id.eq(&x.course_id)))
                .or(of(Scope::Learner).and(s::object_id.eq(&x.learner_id)))
                .or(of(Scope::Enrollment).and(s::object_id.eq(&x.enrollment_id)))
                .or(of(Scope::Series).and(s::object_id.eq(&x.series_id)))
                .or(of(Scope::Invitation)
                    .and(s::object_id.nullable().eq(x.invitation_id.as_deref()))),
        )
        .select(columns!())
        .order((s::created_at, s::id))
        .load(c))?;
    rows.into_iter().map(to_subscription).collect()
}

impl Store {
    /// Subscribes `dialect` to the events of an object of `scope` (`object_id`: a course's,
    /// learner's, enrollment's, series' or invitation's ledger id of the tenant; `None` for
    /// [`Scope::Tenant`]). An object may have many subscriptions. `NotFound` names an unknown
    /// object; `Invalid` a missing or superfluous id or an empty target.
    pub fn create_subscription(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        scope: Scope,
        object_id: Option<Uuid>,
        new: &NewSubscription,
    ) -> StoreResult<Subscription> {
        if new.target.trim().is_empty() {
            return Err(StoreError::Invalid("a subscription needs a target".into()));
        }
        let t = tenant_id.to_string();
        let object = match (scope, object_id) {
            (Scope::Tenant, None) => t.clone(),
            (Scope::Tenant, Some(_)) => {
                return Err(StoreError::Invalid(
                    "a tenant subscription names no object".into(),
                ));
            }
            (_, None) => {
                return Err(StoreError::Invalid(format!(
                    "a {} subscription names its {}",
                    scope.as_str(),
                    scope.as_str()
                )));
            }
            (_, Some(id)) => id.to_string(),
        };
        let now = to_millis(self.now());
        self.write(|c| {
            if !super::notices::object_exists(c, &t, scope, &object)? {
                return Err(StoreError::NotFound(scope.as_str().into()));
            }
            let id = insert_in(c, &t, scope, &object, dialect, new, now)?;
            let q = s::table.filter(s::id.eq(id)).into_boxed();
            load(c, q)?
                .pop()
                .ok_or_else(|| StoreError::Internal("subscription not saved".into()))
        })
    }

    /// A dialect's subscriptions in a tenant, oldest first.
    pub fn subscriptions(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
    ) -> StoreResult<Vec<Subscription>> {
        self.read(|c| {
            let q = s::table
                .filter(s::tenant_id.eq(tenant_id.to_string()))
                .filter(s::dialect.eq(dialect.as_str()))
                .into_boxed();
            load(c, q)
        })
    }

    /// One of a dialect's subscriptions (`NotFound("subscription")` otherwise).
    pub fn subscription(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        id: &str,
    ) -> StoreResult<Subscription> {
        self.read(|c| {
            let q = s::table
                .filter(s::tenant_id.eq(tenant_id.to_string()))
                .filter(s::dialect.eq(dialect.as_str()))
                .filter(s::id.eq(id.to_string()))
                .into_boxed();
            load(c, q)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("subscription".into()))
        })
    }

    /// Deletes one of a dialect's subscriptions (`NotFound("subscription")` otherwise). Events
    /// recorded before are no longer delivered to it.
    pub fn delete_subscription(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        id: &str,
    ) -> StoreResult<()> {
        let n = self.write(|c| {
            Ok(diesel::delete(
                s::table
                    .filter(s::tenant_id.eq(tenant_id.to_string()))
                    .filter(s::dialect.eq(dialect.as_str()))
                    .filter(s::id.eq(id)),
            )
            .execute(c)?)
        })?;
        if n == 0 {
            return Err(StoreError::NotFound("subscription".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_none_means_every_kind() {
        let kinds = [EventKind::Failed, EventKind::Completed, EventKind::Failed];
        let text = encode_kinds(&kinds);
        assert_eq!(text, ",completed,failed,");
        assert_eq!(
            decode_kinds(&text).ok(),
            Some(vec![EventKind::Completed, EventKind::Failed])
        );
        let text = encode_kinds(&[EventKind::Completed, EventKind::Started]);
        assert_eq!(text, ",started,completed,");
        assert_eq!(encode_kinds(&[]), "");
        assert_eq!(decode_kinds("").ok(), Some(vec![]));
    }
}
