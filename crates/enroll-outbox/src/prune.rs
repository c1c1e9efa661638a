//! Pruning finished messages: the background tasks keep the outbox's history bounded by age
//! and count. Pending deliveries are never pruned.
use super::schema::{outbox, outbox_attempts};
use super::{Channel, Outbox};
use diesel::prelude::*;
use enroll_db::StoreResult;

/// Rows deleted per transaction.
pub const BATCH: i64 = 1000;

/// What one [`Outbox::prune_messages`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrunedMessages {
    /// Finished post-backs and webhooks.
    pub deliveries: u64,
    /// Their delivery attempts.
    pub attempts: u64,
    /// Mail.
    pub mail: u64,
}

/// Messages no longer pending (delivered, given up, or mail: stored delivered).
const FINISHED: [&str; 2] = ["delivered", "failed"];

/// Pruning, part of [`Outbox`].
pub(crate) trait Prune: Outbox {
    /// Finished messages of `channel` created before `cutoff`, and all but the newest `keep`.
    fn prune_channel(&self, channel: Channel, cutoff: i64, keep: i64) -> StoreResult<(u64, u64)> {
        let finished = || {
            outbox::table
                .filter(outbox::channel.eq(channel.as_str()))
                .filter(outbox::status.eq_any(FINISHED))
                .into_boxed()
        };
        // The newest message past the count, if any: it and everything older goes.
        let boundary: Option<(i64, String)> = self.db().with_conn(|c| {
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
            let (m, a) = self.db().write(|c| {
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
}

impl<T: Outbox + ?Sized> Prune for T {}

/// Deletes finished messages of each channel created before `cutoff` (epoch ms), and all but
/// the newest `keep`, in batches.
pub(crate) fn prune<O: Outbox + ?Sized>(
    outbox: &O,
    cutoff: i64,
    keep: i64,
) -> StoreResult<PrunedMessages> {
    let mut out = PrunedMessages::default();
    for channel in [Channel::Http, Channel::Mail] {
        let (messages, attempts) = outbox.prune_channel(channel, cutoff, keep)?;
        match channel {
            Channel::Http => out.deliveries = messages,
            Channel::Mail => out.mail = messages,
        }
        out.attempts += attempts;
    }
    Ok(out)
}
