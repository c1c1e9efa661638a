//! Background workers: persist time-based expiry and follow the shared clock offset.
use crate::AppState;
use actix_web::web;
use enroll_store::clock::StoredOffset;
use std::time::Duration;

/// How often the sweep runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Starts the sweep on the current runtime.
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        let mut warned: Option<String> = None;
        loop {
            tick.tick().await;
            follow_clock(&state, &mut warned).await;
            match state.store.call(|s| s.expire_due()).await {
                Ok(0) => {}
                Ok(n) => log::info!("expired {n} enrollment(s)"),
                Err(e) => log::warn!("expiry sweep failed: {e:?}"),
            }
        }
    })
}

/// Several gateways on one PostgreSQL share the offset through the database. An invalid
/// stored value counts as 0 (as the store's advance does), with one warning per value.
async fn follow_clock(state: &AppState, warned: &mut Option<String>) {
    let _turn = state.clock_turn.lock().await;
    match state.store.call(|s| s.clock_offset()).await {
        Ok(StoredOffset::Absent) => {}
        Ok(StoredOffset::Valid(offset)) => state.clock.set_offset_ms(offset),
        Ok(StoredOffset::Invalid(text)) => {
            state.clock.set_offset_ms(0);
            if warned.as_deref() != Some(text.as_str()) {
                log::warn!("ignoring the invalid stored clock offset {text:?}");
                *warned = Some(text);
            }
        }
        Err(e) => log::warn!("cannot read the stored clock offset: {e:?}"),
    }
}
