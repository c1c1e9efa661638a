//! The outbound delivery task: turns queued changes of subscribed enrollments into messages
//! (the facades' renderers), then POSTs due messages with reqwest, recording every attempt and
//! retrying failures with exponential backoff (see [`crate::outbox`]).
use super::PostbackFn;
use crate::outbox::{Attempt, Message, RetryPolicy};
use crate::store::Store;
use std::time::Duration;

/// How often the task looks for work when idle.
const POLL: Duration = Duration::from_millis(250);
/// A claimed message is not picked up by another process for this long.
const LEASE_MS: i64 = 60_000;

/// How deliveries are sent.
#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// Per-request timeout (default 10 s).
    pub timeout: Duration,
    /// When to retry and when to give up.
    pub retry: RetryPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: "enroll-gateway".into(),
        }
    }
}

pub(super) async fn run(store: Store, renderers: Vec<PostbackFn>, options: DeliveryOptions) {
    let client = match reqwest::Client::builder()
        .timeout(options.timeout)
        .user_agent(options.user_agent.as_str())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            log::error!("outbound deliveries disabled: {e}");
            return;
        }
    };
    let policy = options.retry;
    let render = move |sub: &_, view: &_| renderers.iter().find_map(|r| r(sub, view));
    let render = std::sync::Arc::new(render);
    loop {
        let r = render.clone();
        if let Err(e) = store.call(move |s| s.collect_changes(200, &*r)).await {
            log::warn!("change collection failed: {e:?}");
        }
        let due = match store.call(|s| s.claim_deliveries(16, LEASE_MS)).await {
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
            match store
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
}

/// One POST. Header values (which may hold credentials) are never logged.
async fn deliver(client: &reqwest::Client, msg: &Message) -> Attempt {
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
