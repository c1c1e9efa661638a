//! Admission control: a bounded queue in front of the store.
//!
//! A request's unit of work (`Db::blocking` and the async entry points) runs once it
//! holds one of `max_concurrent` places (by default as many as the pool has connections, so
//! an admitted unit never waits for one); others wait for a place, in arrival order, without
//! holding a thread. At most `max_queued` wait: one more is refused at once with
//! [`StoreError::Busy`] (facades answer 503 with `Retry-After` in their vendor's shape). A
//! wait is bounded by the queue: each unit ahead holds its place for one unit of work, whose
//! own waits (a pooled connection, at most 10 s) are bounded. Before, every request took a
//! blocking thread that sat up to 10 s on the pool, and an overload stalled everything, the
//! background tasks too. The background tasks are not admitted here: they have connections
//! of their own.
//!
//! No timer is involved: it works on any tokio runtime, with or without its time driver.
use crate::error::{StoreError, StoreResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The places and the queue.
#[derive(Debug)]
pub(crate) struct Admission {
    places: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_queued: usize,
}

/// A place, held while the unit runs.
pub(crate) type Place = OwnedSemaphorePermit;

impl Admission {
    pub(crate) fn new(max_concurrent: usize, max_queued: usize) -> Self {
        Self {
            places: Arc::new(Semaphore::new(max_concurrent.max(1))),
            waiting: AtomicUsize::new(0),
            max_queued,
        }
    }

    /// A place for one unit of work: at once when one is free, else after the units queued
    /// before it; `Busy` at once when the queue is full.
    pub(crate) async fn enter(&self) -> StoreResult<Place> {
        // The semaphore is fair: with units waiting, no place is free to take here.
        if let Ok(place) = self.places.clone().try_acquire_owned() {
            return Ok(place);
        }
        let _queued = Queued::join(&self.waiting, self.max_queued).ok_or_else(|| {
            StoreError::Busy(format!(
                "{} units of work are queued for the store already",
                self.max_queued
            ))
        })?;
        self.places
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Unavailable("the store is closing".into()))
    }

    /// Units waiting for a place right now.
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

/// One unit's spot in the queue, left when dropped (also when its caller goes away).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn join(waiting: &'a AtomicUsize, max: usize) -> Option<Self> {
        waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Self(waiting))
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beyond_the_places_and_the_queue_units_are_refused_at_once() {
        let a = Arc::new(Admission::new(1, 2));
        let running = a.enter().await.unwrap();
        // Two wait for the one place …
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let a = a.clone();
                tokio::spawn(async move { a.enter().await.map(drop) })
            })
            .collect();
        while a.queued() < 2 {
            tokio::task::yield_now().await;
        }
        // … the next one is refused without waiting.
        let started = std::time::Instant::now();
        assert!(matches!(a.enter().await, Err(StoreError::Busy(_))));
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
        drop(running);
        for w in waiters {
            w.await.unwrap().unwrap();
        }
        assert_eq!(a.queued(), 0);
        assert!(a.enter().await.is_ok());
    }
}
