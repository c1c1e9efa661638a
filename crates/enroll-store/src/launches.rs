//! Launches of a series' current enrollment: launch links (short-lived tokens), the launch
//! itself (recorded, and `Start` on the ledger when the enrollment can start), the launch
//! history, and results the learner reports from the launched session.
//!
//! Launch links and session tokens are bearer capabilities shown once: random, and stored
//! only as their SHA-256. A session takes reports for [`SESSION_LIFETIME`] after its launch.
//!
//! A launch keeps the enrollment's results as of its last runtime update: a trigger
//! (migration 000007) copies every later change of the enrollment into its latest launch.
use crate::conn::DbConn;
use crate::enrollments::apply_in;
use crate::enrollments::series::{SeriesView, current_of, current_or_404, series_views};
use crate::error::{StoreError, StoreResult};
use crate::models::EnrollmentRow;
use crate::schema::{enrollments, launch_links as ll, launches as l};
use crate::secrets::{hash_secret, new_token};
use crate::store::{Store, on_backend};
use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::model::Dialect;
use enroll_domain::{Command, EnrollmentState};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use uuid::Uuid;

/// How long a launched session takes the learner's reports, from its launch (ledger clock):
/// a sitting's worth. After that the learner launches again for a new session.
pub const SESSION_LIFETIME: time::Duration = time::Duration::hours(4);

/// How often an enrollment was launched, and when it was first and last accessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaunchSummary {
    pub count: i64,
    /// The first access: the first launch, or the first learning activity when that came
    /// earlier (an enrollment completed through an API, launched afterwards, was first
    /// accessed when it was completed, not at the later launch).
    pub first: Option<OffsetDateTime>,
    /// The last launch.
    pub last: Option<OffsetDateTime>,
}

/// One launch: when, and the enrollment's results as of its last runtime update.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    pub id: Uuid,
    /// The instance (of its series) the launched enrollment is.
    pub instance: i32,
    pub launched_at: OffsetDateTime,
    pub last_update: OffsetDateTime,
    pub state: EnrollmentState,
    pub score: Option<f64>,
    pub time_spent_ms: i64,
}

/// What the learner reports from a launched session (a player's runtime data).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaunchResult {
    /// Progress 0–100, with the time spent since the last report.
    pub progress: Option<(f64, i64)>,
    /// `Some(true)`: passed (completed), `Some(false)`: failed.
    pub passed: Option<bool>,
    pub score: Option<f64>,
}

/// The launch summary columns of `launches` grouped by enrollment, written once for the
/// one-id query on the backend's own connection and the id-list query (see `summaries`).
macro_rules! per_enrollment {
    () => {
        (
            l::enrollment_id,
            count_star(),
            min(l::launched_at),
            max(l::launched_at),
        )
    };
}

/// Launch summaries of enrollments, by enrollment id.
pub fn summaries(conn: &mut DbConn, ids: &[&str]) -> StoreResult<HashMap<String, LaunchSummary>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(400) {
        let rows: Vec<(String, i64, Option<i64>, Option<i64>)> = match chunk {
            // One enrollment (a read by id): fixed-shape queries on the backend's own
            // connection, prepared once; id lists are prepared again on every call.
            [one] => on_backend!(conn, c => l::table
                .filter(l::enrollment_id.eq(*one))
                .group_by(l::enrollment_id)
                .select(per_enrollment!())
                .load(c))?,
            _ => l::table
                .filter(l::enrollment_id.eq_any(chunk))
                .group_by(l::enrollment_id)
                .select(per_enrollment!())
                .load(conn)?,
        };
        let launched: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let started: HashMap<String, i64> = match launched.as_slice() {
            [] => HashMap::new(),
            [one] => on_backend!(conn, c => enrollments::table
                .filter(enrollments::id.eq(*one))
                .filter(enrollments::started_at.is_not_null())
                .select((enrollments::id, enrollments::started_at.assume_not_null()))
                .load::<(String, i64)>(c))?
            .into_iter()
            .collect(),
            _ => enrollments::table
                .filter(enrollments::id.eq_any(&launched))
                .filter(enrollments::started_at.is_not_null())
                .select((enrollments::id, enrollments::started_at.assume_not_null()))
                .load::<(String, i64)>(conn)?
                .into_iter()
                .collect(),
        };
        for (id, count, first, last) in rows {
            let first = match (first, started.get(&id)) {
                (Some(f), Some(s)) => Some(f.min(*s)),
                (f, s) => f.or(s.copied()),
            };
            let s = LaunchSummary {
                count,
                first: first.map(from_millis),
                last: last.map(from_millis),
            };
            out.insert(id, s);
        }
    }
    Ok(out)
}

/// Records a launch of a current enrollment (a `Start` on the ledger when it can start; other
/// states are left alone, the launch is still recorded); returns the session's token.
fn launch_in(
    conn: &mut DbConn,
    row: &mut EnrollmentRow,
    now: OffsetDateTime,
) -> StoreResult<String> {
    if matches!(row.state.as_str(), "not_started" | "in_progress") {
        match apply_in(conn, row, &Command::Start, now) {
            Ok(_) | Err(StoreError::Domain(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let token = new_token();
    diesel::insert_into(l::table)
        .values((
            l::id.eq(Uuid::new_v4().to_string()),
            l::enrollment_id.eq(&row.id),
            l::launched_at.eq(to_millis(now)),
            l::updated_at.eq(to_millis(now)),
            l::state.eq(&row.state),
            l::score.eq(row.score),
            l::time_spent_ms.eq(row.time_spent_ms),
            l::token_hash.eq(hash_secret(&token)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Launches a current series directly (an invitation link): see [`Store::open_launch_link`].
pub fn launch_series_in(
    c: &mut DbConn,
    tenant: &str,
    series: &str,
    now: OffsetDateTime,
) -> StoreResult<(SeriesView, String)> {
    let mut cur =
        current_of(c, tenant, series)?.ok_or_else(|| StoreError::NotFound("enrollment".into()))?;
    let session = launch_in(c, &mut cur, now)?;
    let view = series_views(c, tenant, &[cur], now)?
        .pop()
        .ok_or_else(|| StoreError::NotFound("enrollment".into()))?;
    Ok((view, session))
}

impl Store {
    /// A launch link's token for a current series, valid for `expiry_secs`.
    pub fn launch_link(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        name: &str,
        expiry_secs: i64,
        redirect_url: &str,
    ) -> StoreResult<String> {
        let now = to_millis(self.now());
        let token = new_token();
        let t = tenant_id.to_string();
        self.write(|c| {
            let cur = current_or_404(c, &t, dialect, name)?;
            diesel::insert_into(ll::table)
                .values((
                    ll::token_hash.eq(hash_secret(&token)),
                    ll::tenant_id.eq(&t),
                    ll::series_id.eq(&cur.series_id),
                    ll::redirect_url.eq(redirect_url),
                    ll::expires_at.eq(now.saturating_add(expiry_secs.saturating_mul(1000))),
                    ll::created_at.eq(now),
                ))
                .execute(c)?;
            // Opportunistic cleanup keeps the table small.
            diesel::delete(ll::table.filter(ll::expires_at.lt(now))).execute(c)?;
            Ok(())
        })?;
        Ok(token)
    }

    /// Follows a launch link: records the launch of the series' current enrollment and returns
    /// the series, the redirect-on-exit URL and the launched session's token. Unknown or
    /// expired links, and series that have ended, are `NotFound("launch link")`.
    pub fn open_launch_link(&self, token: &str) -> StoreResult<(SeriesView, String, String)> {
        let now = self.now();
        self.write(|c| {
            let found: Option<(String, String, String)> = ll::table
                .filter(ll::token_hash.eq(hash_secret(token)))
                .filter(ll::expires_at.ge(to_millis(now)))
                .select((ll::tenant_id, ll::series_id, ll::redirect_url))
                .first(c)
                .optional()?;
            let (tenant, series, redirect) =
                found.ok_or_else(|| StoreError::NotFound("launch link".into()))?;
            let mut cur = current_of(c, &tenant, &series)?
                .ok_or_else(|| StoreError::NotFound("launch link".into()))?;
            let session = launch_in(c, &mut cur, now)?;
            let view = series_views(c, &tenant, &[cur], now)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("launch link".into()))?;
            Ok((view, redirect, session))
        })
    }

    /// Every launch of a current series' enrollments, oldest first.
    pub fn launch_history(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        name: &str,
    ) -> StoreResult<Vec<Launch>> {
        let t = tenant_id.to_string();
        self.read(|c| {
            let cur = current_or_404(c, &t, dialect, name)?;
            let rows: Vec<(String, i32, i64, i64, String, Option<f64>, i64)> = l::table
                .inner_join(enrollments::table)
                .filter(enrollments::tenant_id.eq(&t))
                .filter(enrollments::learner_id.eq(&cur.learner_id))
                .filter(enrollments::course_id.eq(&cur.course_id))
                .filter(enrollments::series_id.eq(&cur.series_id))
                .select((
                    l::id,
                    enrollments::instance,
                    l::launched_at,
                    l::updated_at,
                    l::state,
                    l::score,
                    l::time_spent_ms,
                ))
                .order((l::launched_at, l::id))
                .load(c)?;
            rows.into_iter()
                .map(|(id, instance, at, upd, state, score, ms)| {
                    Ok(Launch {
                        id: crate::models::uuid(&id)?,
                        instance,
                        launched_at: from_millis(at),
                        last_update: from_millis(upd),
                        state: state.parse().map_err(StoreError::Internal)?,
                        score,
                        time_spent_ms: ms,
                    })
                })
                .collect()
        })
    }

    /// Records what the learner reports from a launched session (the session's token came with
    /// the launch), through the ledger's commands; returns the series as it now is. A session
    /// older than [`SESSION_LIFETIME`], or of an enrollment that is no longer current, is
    /// `NotFound("session")`.
    pub fn report_launch(&self, session: &str, result: &LaunchResult) -> StoreResult<SeriesView> {
        let now = self.now();
        let lifetime = i64::try_from(SESSION_LIFETIME.whole_milliseconds()).unwrap_or(i64::MAX);
        let since = to_millis(now).saturating_sub(lifetime);
        self.write(|c| {
            let launched: Option<String> = l::table
                .filter(l::token_hash.eq(hash_secret(session)))
                .filter(l::launched_at.gt(since))
                .select(l::enrollment_id)
                .first(c)
                .optional()?;
            let id = launched.ok_or_else(|| StoreError::NotFound("session".into()))?;
            let mut row: EnrollmentRow = enrollments::table
                .find(&id)
                .select(EnrollmentRow::as_select())
                .first(c)?;
            if !row.active {
                return Err(StoreError::NotFound("session".into()));
            }
            if let Some((progress, ms)) = result.progress {
                apply_in(
                    c,
                    &mut row,
                    &Command::RecordProgress {
                        progress,
                        time_spent_ms: ms,
                    },
                    now,
                )?;
            }
            match result.passed {
                Some(true) => {
                    apply_in(
                        c,
                        &mut row,
                        &Command::Complete {
                            score: result.score,
                        },
                        now,
                    )?;
                }
                Some(false) => {
                    apply_in(
                        c,
                        &mut row,
                        &Command::Fail {
                            score: result.score,
                        },
                        now,
                    )?;
                }
                None => {}
            }
            let tenant = row.tenant_id.clone();
            series_views(c, &tenant, &[row], now)?
                .pop()
                .ok_or_else(|| StoreError::NotFound("session".into()))
        })
    }
}

/// The series among `series_ids` with at least one launch of any of their enrollments.
pub fn launched(conn: &mut DbConn, series_ids: &[&str]) -> StoreResult<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in series_ids.chunks(400) {
        // A series' first enrollment has its id; later ones are in the partial index on
        // `series_id` (its condition repeated word for word).
        let rows: Vec<String> = l::table
            .inner_join(enrollments::table)
            .filter(
                enrollments::id
                    .eq_any(chunk)
                    .or(enrollments::series_id.eq_any(chunk).and(diesel::dsl::sql::<
                        diesel::sql_types::Bool,
                    >(
                        "enrollments.series_id <> enrollments.id",
                    ))),
            )
            .select(enrollments::series_id)
            .distinct()
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}
