//! The ledger clock: read it, move it. The offset from the wall clock is bounded to
//! ±36,500 days (100 years, [`MAX_OFFSET_MS`]); an advance that would leave the bound, or
//! whose amount overflows, is a 400 and changes nothing.
use super::{AdminError, Result};
use crate::AppState;
use actix_web::{HttpResponse, web};
use enroll_domain::clock::MAX_OFFSET_MS;
use serde::Deserialize;
use serde_json::{Value, json};

/// Mounts `GET /clock` and `POST /clock/advance`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/clock", web::get().to(get_clock))
        .route("/clock/advance", web::post().to(advance_clock));
}

fn clock_json(st: &AppState) -> Value {
    let now = st
        .store
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    json!({"now": now, "offsetMs": st.clock.offset_ms()})
}

async fn get_clock(st: web::Data<AppState>) -> Result<HttpResponse> {
    Ok(HttpResponse::Ok().json(clock_json(&st)))
}

/// `{"days": 8}`; any of `seconds`, `minutes`, `hours`, `days` (integers, may be negative).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Advance {
    #[serde(default)]
    seconds: i64,
    #[serde(default)]
    minutes: i64,
    #[serde(default)]
    hours: i64,
    #[serde(default)]
    days: i64,
}

impl Advance {
    /// The amount in milliseconds, `None` when it does not fit in 64 bits.
    fn millis(&self) -> Option<i64> {
        [
            (self.seconds, 1_000),
            (self.minutes, 60_000),
            (self.hours, 3_600_000),
            (self.days, 86_400_000),
        ]
        .into_iter()
        .try_fold(0i64, |sum, (n, unit)| n.checked_mul(unit)?.checked_add(sum))
    }
}

/// Adds to the offset shared through the database (one atomic update, so advances from several
/// gateways all count) and takes the stored result as this process's offset.
async fn advance_clock(st: web::Data<AppState>, body: web::Json<Advance>) -> Result<HttpResponse> {
    let by = body.millis().ok_or_else(|| {
        AdminError::BadRequest(format!(
            "the advance is too large: the clock offset must stay within ±{MAX_OFFSET_MS} ms \
             (±36500 days)"
        ))
    })?;
    st.clock.advance(&st.store, by).await?;
    Ok(HttpResponse::Ok().json(clock_json(&st)))
}
