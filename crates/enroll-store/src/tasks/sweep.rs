//! The expiry sweep and the clock refresh.
use crate::clock::SharedClock;
use crate::store::Store;
use std::time::Duration;

/// How often the sweep runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Every [`SWEEP_EVERY`]: takes the stored clock offset (when following one), then persists
/// the expiry of enrollments whose end date has passed by the ledger clock.
pub(super) async fn run(store: Store, clock: Option<SharedClock>) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    let mut warned: Option<String> = None;
    loop {
        tick.tick().await;
        if let Some(clock) = &clock {
            clock.refresh(&store, &mut warned).await;
        }
        match store.call(|s| s.expire_due()).await {
            Ok(0) => {}
            Ok(n) => log::info!("expired {n} enrollment(s)"),
            Err(e) => log::warn!("expiry sweep failed: {e:?}"),
        }
    }
}
