//! The expiry sweep and the clock refresh: two tasks, so a long sweep (a clock advance that
//! expires many enrollments, in batches) never delays the refresh, nor the other way round.
use crate::clock::SharedClock;
use crate::store::Store;
use std::time::Duration;

/// How often the sweep runs, and the clock refresh.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Every [`SWEEP_EVERY`] (after the previous sweep ends): persists the expiry of enrollments
/// whose end date has passed by the ledger clock.
pub(super) async fn run(store: Store) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.call(|s| s.expire_due()).await {
            Ok(0) => {}
            Ok(n) => log::info!("expired {n} enrollment(s)"),
            Err(e) => log::warn!("expiry sweep failed: {e:?}"),
        }
    }
}

/// Every [`SWEEP_EVERY`]: takes the stored clock offset (another process may have moved it).
pub(super) async fn refresh(store: Store, clock: SharedClock) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut warned: Option<String> = None;
    loop {
        tick.tick().await;
        clock.refresh(&store, &mut warned).await;
    }
}
