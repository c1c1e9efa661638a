//! The pruning task: keeps the ledger's outbound history within its [`Retention`] (finished
//! post-backs and their attempts, mail, queued changes nobody collects, old login failure
//! counts), whether or not a delivery task runs.
use crate::options::Retention;
use crate::store::Store;
use std::time::Duration;

/// How often it runs (first at start).
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);

pub(super) async fn run(store: Store, retention: Retention) {
    let mut tick = tokio::time::interval(PRUNE_EVERY);
    loop {
        tick.tick().await;
        match store.call(move |s| s.prune(&retention)).await {
            Ok(p) if p.any() => log::info!("pruned {p:?}"),
            Ok(_) => {}
            Err(e) => log::warn!("pruning failed: {e:?}"),
        }
    }
}
