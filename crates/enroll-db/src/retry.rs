//! Transactions that PostgreSQL aborted for conflicting with concurrent ones (a deadlock,
//! `40P01`; a serialization failure, `40001`) are run again: bounded, after a random pause
//! that grows with each try (so two that deadlocked do not meet again in step). Used by
//! [`crate::Db::write`] alone. The lock order (see `enrollments::lock`) keeps such aborts
//! rare; this keeps the rare one from reaching a caller.
use crate::error::{StoreError, StoreResult};
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

/// Runs after the first, at most.
const RETRIES: u32 = 8;

/// Runs `attempt` until it succeeds, fails otherwise than by a conflict, or has been retried
/// [`RETRIES`] times (then the conflict is returned: [`StoreError::Busy`]).
pub fn on_conflict<T>(mut attempt: impl FnMut() -> StoreResult<T>) -> StoreResult<T> {
    let mut tries = 0;
    loop {
        match attempt() {
            Err(StoreError::Busy(why)) if tries < RETRIES => {
                log::debug!("transaction aborted ({why}); running it again");
                std::thread::sleep(pause(tries));
                tries += 1;
            }
            other => return other,
        }
    }
}

/// A random pause in [1 ms, 2^tries ms], at most 256 ms ("full jitter").
fn pause(tries: u32) -> Duration {
    let ceiling = 1u64 << tries.min(8);
    let random = RandomState::new().hash_one(std::time::Instant::now());
    Duration::from_micros(1_000 + random % (ceiling * 1_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_are_retried_a_bounded_number_of_times() {
        let mut runs = 0;
        let out: StoreResult<()> = on_conflict(|| {
            runs += 1;
            Err(StoreError::Busy("deadlock detected".into()))
        });
        assert!(matches!(out, Err(StoreError::Busy(_))));
        assert_eq!(runs, RETRIES + 1);
        let mut runs = 0;
        let out = on_conflict(|| {
            runs += 1;
            if runs < 3 {
                Err(StoreError::Busy("deadlock detected".into()))
            } else {
                Ok(runs)
            }
        });
        assert_eq!(out.ok(), Some(3));
        let mut runs = 0;
        let out: StoreResult<()> = on_conflict(|| {
            runs += 1;
            Err(StoreError::Conflict("duplicate".into()))
        });
        assert!(matches!(out, Err(StoreError::Conflict(_))));
        assert_eq!(runs, 1, "other failures are not retried");
    }

    #[test]
    fn pauses_stay_within_their_bound() {
        for tries in 0..12 {
            let p = pause(tries);
            let ceiling = Duration::from_millis(1 + (1 << tries.min(8)));
            assert!(
                p >= Duration::from_millis(1) && p <= ceiling,
                "{tries}: {p:?}"
            );
        }
    }
}
