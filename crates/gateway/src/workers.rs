//! Background workers: persist time-based expiry and follow the shared clock offset.
use crate::{AppState, CLOCK_KEY};
use actix_web::web;
use std::time::Duration;

/// How often the sweep runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Starts the sweep on the current runtime.
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        loop {
            tick.tick().await;
            let clock = state.clock.clone();
            let result = state
                .store
                .call(move |s| {
                    // Several gateways on one PostgreSQL share the offset through the database.
                    if let Some(offset) = s.setting(CLOCK_KEY)?.and_then(|v| v.parse().ok()) {
                        clock.set_offset_ms(offset);
                    }
                    s.expire_due()
                })
                .await;
            match result {
                Ok(0) => {}
                Ok(n) => log::info!("expired {n} enrollment(s)"),
                Err(e) => log::warn!("expiry sweep failed: {e:?}"),
            }
        }
    })
}
