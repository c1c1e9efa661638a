//! Bounded growth: finished outbound messages (and their delivery attempts), mail and old
//! login failure counts are deleted, and events left pending that nobody collects stop being
//! pending (they stay in their enrollment's history), by age and by count, as [`Retention`]
//! says. Work goes in batches of [`BATCH`] rows, one short transaction each, so
//! a large backlog never holds the writer for long.
use super::Channel;
use super::schema::{outbox, outbox_attempts};
use crate::error::StoreResult;
use crate::events::schema::enrollment_events as ev;
use crate::options::Retention;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;

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

/// Messages no longer pending (delivered, given up, or mail: stored delivered).
const FINISHED: [&str; 2] = ["delivered", "failed"];

impl Store {
    /// Deletes what `retention` no longer keeps, in batches; returns how much.
    pub fn prune(&self, retention: &Retention) -> StoreResult<Pruned> {
        let now = to_millis(self.now());
        let age_cutoff = now.saturating_sub(ms(retention.messages_max_age));
        let keep = i64::try_from(retention.messages_max_count).unwrap_or(i64::MAX);
        let mut out = Pruned::default();
        for channel in [Channel::Http, Channel::Mail] {
            let (messages, attempts) = self.prune_channel(channel, age_cutoff, keep)?;
            match channel {
                Channel::Http => out.deliveries = messages,
                Channel::Mail => out.mail = messages,
            }
            out.attempts += attempts;
        }
        out.changes = self.prune_changes(
            now.saturating_sub(ms(retention.changes_max_age)),
            i64::try_from(retention.changes_max_count).unwrap_or(i64::MAX),
        )?;
        out.login_failures = self.prune_login_failures(now)?;
        Ok(out)
    }

    /// Finished messages of `channel` created before `cutoff`, and all but the newest `keep`.
    fn prune_channel(&self, channel: Channel, cutoff: i64, keep: i64) -> StoreResult<(u64, u64)> {
        let finished = || {
            outbox::table
                .filter(outbox::channel.eq(channel.as_str()))
                .filter(outbox::status.eq_any(FINISHED))
                .into_boxed()
        };
        // The newest message past the count, if any: it and everything older goes.
        let boundary: Option<(i64, String)> = self.with_conn(|c| {
            Ok(finished()
                .select((outbox::created_at, outbox::id))
                .order((outbox::created_at.desc(), outbox::id.desc()))
                .offset(keep)
                .first(c)
                .optional()?)
        })?;
        let (mut messages, mut attempts) = (0, 0);
        loop {
            // `write` may run the unit again (a deadlock on PostgreSQL): it borrows.
            let (m, a) = self.write(|c| {
                let mut q = finished().select(outbox::id);
                q = match boundary.clone() {
                    Some((at, id)) => q.filter(
                        outbox::created_at
                            .lt(cutoff)
                            .or(outbox::created_at.lt(at))
                            .or(outbox::created_at.eq(at).and(outbox::id.le(id))),
                    ),
                    None => q.filter(outbox::created_at.lt(cutoff)),
                };
                let ids: Vec<String> = q.order(outbox::created_at).limit(BATCH).load(c)?;
                if ids.is_empty() {
                    return Ok((0, 0));
                }
                let a = diesel::delete(
                    outbox_attempts::table.filter(outbox_attempts::outbox_id.eq_any(&ids)),
                )
                .execute(c)?;
                let m = diesel::delete(outbox::table.filter(outbox::id.eq_any(&ids))).execute(c)?;
                Ok((m, a))
            })?;
            messages += m as u64;
            attempts += a as u64;
            if m < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                return Ok((messages, attempts));
            }
        }
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
}
