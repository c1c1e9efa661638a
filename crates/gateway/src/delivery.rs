//! The outbox delivery worker: finds registrations whose results changed (SCORM Cloud
//! post-backs), then POSTs due HTTP messages with reqwest, recording every attempt and
//! retrying failures with exponential backoff (see `enroll_store::outbox`).
use crate::AppState;
use actix_web::web;
use enroll_store::outbox::{Attempt, Message, RetryPolicy};
use scormcloud_invitations::render;
use std::time::Duration;

/// How often the worker looks for work when idle.
pub const POLL: Duration = Duration::from_millis(250);
/// A claimed message is not picked up by another worker for this long.
pub const LEASE_MS: i64 = 60_000;
/// Per-request timeout.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the worker on the current runtime.
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent("enroll-gateway")
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                log::error!("delivery worker disabled: {e}");
                return;
            }
        };
        let policy = RetryPolicy::default();
        loop {
            if let Err(e) = state
                .store
                .call(|s| s.collect_changes(200, &render::postback))
                .await
            {
                log::warn!("post-back collection failed: {e:?}");
            }
            let due = match state.store.call(|s| s.claim_deliveries(16, LEASE_MS)).await {
                Ok(d) => d,
                Err(e) => {
                    log::warn!("outbox claim failed: {e:?}");
                    vec![]
                }
            };
            let idle = due.is_empty();
            for msg in due {
                let attempt = deliver(&client, &msg).await;
                let id = msg.id;
                match state
                    .store
                    .call(move |s| s.record_attempt(id, &attempt, &policy))
                    .await
                {
                    Ok(status) => log::debug!("outbox {id} → {} ({status})", msg.target),
                    Err(e) => log::warn!("outbox {id}: cannot record the attempt: {e:?}"),
                }
            }
            if idle {
                tokio::time::sleep(POLL).await;
            }
        }
    })
}

/// One POST. Header values (which may hold credentials) are never logged.
pub async fn deliver(client: &reqwest::Client, msg: &Message) -> Attempt {
    let mut req = client
        .post(&msg.target)
        .header("Content-Type", &msg.content_type)
        .body(msg.body.clone());
    for (k, v) in &msg.headers {
        req = req.header(k, v);
    }
    match req.send().await {
        Ok(resp) => Attempt {
            status_code: Some(resp.status().as_u16()),
            error: None,
        },
        Err(e) => Attempt {
            status_code: None,
            error: Some(if e.is_timeout() {
                "timed out".to_string()
            } else if e.is_connect() {
                "connection failed".to_string()
            } else {
                "request failed".to_string()
            }),
        },
    }
}
