//! Bounded growth: finished outbound messages (and their delivery attempts), mail and old
//! login failure counts are deleted, and events left pending that nobody collects stop being
//! pending (they stay in their enrollment's history), by age and by count, as [`Retention`]
//! says. Work goes in batches of [`BATCH`] rows, one short transaction each, so
//! a large backlog never holds the writer for long.
use crate::error::StoreResult;
use crate::events::schema::enrollment_events as ev;
use crate::options::Retention;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_outbox::Outbox;

/// A failed login this long after the previous one starts the count afresh (`enroll-auth`'s
/// `logins::FAILURE_WINDOW`): older counts whose lock has ended are pruned.
pub const LOGIN_FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(3600);

/// Rows deleted per transaction.
pub const BATCH: i64 = 1000;

/// What one [`Store::prune`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Finished post-backs.
    pub deliveries: u64,
    /// Their delivery attempts.
    pub attempts: u64,
    pub mail: u64,
    /// Pending events nobody collected (no longer pending).
    pub changes: u64,
    /// Old login failure counts.
    pub login_failures: u64,
}

impl Pruned {
    /// Whether anything was deleted.
    pub fn any(&self) -> bool {
        *self != Self::default()
    }
}

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Store {
    /// Deletes what `retention` no longer keeps, in batches; returns how much.
    pub fn prune(&self, retention: &Retention) -> StoreResult<Pruned> {
        let now = to_millis(self.now());
        let age_cutoff = now.saturating_sub(ms(retention.messages_max_age));
        let keep = i64::try_from(retention.messages_max_count).unwrap_or(i64::MAX);
        let messages = self.prune_messages(age_cutoff, keep)?;
        let mut out = Pruned {
            deliveries: messages.deliveries,
            attempts: messages.attempts,
            mail: messages.mail,
            ..Pruned::default()
        };
        out.changes = self.prune_changes(
            now.saturating_sub(ms(retention.changes_max_age)),
            i64::try_from(retention.changes_max_count).unwrap_or(i64::MAX),
        )?;
        out.login_failures = self.prune_login_failures(now)?;
        Ok(out)
    }

    /// Pending events older than `cutoff`, and all but the newest `keep`: no longer pending.
    fn prune_changes(&self, cutoff: i64, keep: i64) -> StoreResult<u64> {
        // Ids grow with time: the oldest events have the lowest ids.
        let boundary: Option<i64> = self.with_conn(|c| {
            Ok(ev::table
                .filter(ev::pending)
                .select(ev::id)
                .order(ev::id.desc())
                .offset(keep)
                .first(c)
                .optional()?)
        })?;
        let mut cleared = 0;
        loop {
            let n = self.write(|c| {
                let ids: Vec<i64> = ev::table
                    .filter(ev::pending)
                    .filter(
                        ev::at
                            .lt(cutoff)
                            .or(ev::id.le(boundary.unwrap_or(i64::MIN))),
                    )
                    .select(ev::id)
                    .order(ev::id)
                    .limit(BATCH)
                    .load(c)?;
                if ids.is_empty() {
                    return Ok(0);
                }
                Ok(diesel::update(ev::table.filter(ev::id.eq_any(&ids)))
                    .set(ev::pending.eq(false))
                    .execute(c)?)
            })?;
            cleared += n as u64;
            if n < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                return Ok(cleared);
            }
        }
    }

    /// Deletes failure counts older than the failure window of logins (an hour) whose lock has ended; returns
    /// how many.
    pub(crate) fn prune_login_failures(&self, now_ms: i64) -> StoreResult<u64> {
        use crate::schema::login_failures as f;
        self.write(|c| {
            let n = diesel::delete(
                f::table
                    .filter(f::last_failure_at.lt(now_ms.saturating_sub(ms(LOGIN_FAILURE_WINDOW))))
                    .filter(f::locked_until.is_null().or(f::locked_until.le(now_ms))),
            )
            .execute(c)?;
            Ok(n as u64)
        })
    }
}
