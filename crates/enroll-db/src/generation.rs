//! Which cached answers about credentials this process may still trust. A revocation (a
//! token deleted: revoked, replaced by a new one, its tenant reset) made by any process bumps
//! the credential generation of every process that shares the database:
//! * SQLite opened exclusively: this process is the database's only user, so its own
//!   revocations are all there are; facades evict what they revoke themselves and the
//!   generation stays 0.
//! * PostgreSQL: a trigger on `tokens` sends `NOTIFY enroll_credentials` in the transaction
//!   that deleted them (migration 000902), and each process's listener (notify.rs) bumps its
//!   generation when it hears it, within one poll of the socket ([`crate::notify`]'s `EVERY`,
//!   25 ms). While the listener is not connected, or has not polled lately, there is no
//!   generation: nothing may be trusted from a cache.
//! * SQLite opened shared: another process may revoke and cannot tell this one: no generation.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A listener that has not polled for this long may have missed a revocation.
const LIVE: Duration = Duration::from_secs(1);

/// The credential generation of one process's database handle.
#[derive(Debug)]
pub(crate) struct Generation {
    base: Instant,
    value: AtomicU64,
    /// Milliseconds after `base` of the listener's last poll while subscribed; 0: none.
    heard_at: AtomicU64,
}

impl Default for Generation {
    fn default() -> Self {
        Self {
            base: Instant::now(),
            value: AtomicU64::new(0),
            heard_at: AtomicU64::new(0),
        }
    }
}

#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
impl Generation {
    /// The generation, if the listener is live.
    pub(crate) fn current(&self) -> Option<u64> {
        let heard = self.heard_at.load(Ordering::Acquire);
        // Read after the liveness stamp: a bump made before it is seen.
        let value = self.value.load(Ordering::Acquire);
        let live = heard != 0 && self.millis().saturating_sub(heard) <= LIVE.as_millis() as u64;
        live.then_some(value)
    }

    /// Something may have been revoked: cached answers of earlier generations end.
    pub(crate) fn bump(&self) {
        self.value.fetch_add(1, Ordering::AcqRel);
    }

    /// The listener polled its subscribed connection and bumped for what it heard.
    pub(crate) fn polled(&self) {
        self.heard_at.store(self.millis().max(1), Ordering::Release);
    }

    /// The listener lost its connection: nothing is trusted until it is back (and bumps).
    pub(crate) fn deaf(&self) {
        self.heard_at.store(0, Ordering::Release);
        self.bump();
    }

    fn millis(&self) -> u64 {
        self.base.elapsed().as_millis() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generation_exists_only_while_the_listener_is_heard() {
        let g = Generation::default();
        assert_eq!(g.current(), None, "never subscribed");
        g.polled();
        let first = g.current().expect("live");
        g.bump();
        assert_eq!(g.current(), Some(first + 1));
        g.deaf();
        assert_eq!(g.current(), None, "connection lost");
        g.polled();
        assert!(g.current().unwrap() > first + 1, "what was missed ended");
    }
}
