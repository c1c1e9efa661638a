//! The outbound delivery task: turns pending events of subscriptions into messages (the
//! facades' renderers), then POSTs due messages with reqwest, recording every attempt and
//! retrying failures with exponential backoff (see `enroll_store::outbox`).
//!
//! A claim holds at most one message per destination (the oldest pending one), so the claimed
//! batch is sent concurrently — at most [`BATCH`] requests at a time — while each destination
//! still receives its messages in order.
use crate::destinations::{AllowList, Resolver};
use crate::{DeliveryOptions, NoticeFn};
use enroll_store::events::{Notice, Rendered, Subscription};
use enroll_store::outbox::{Attempt, Message, Outbox, RetryPolicy};
use enroll_store::store::{Store, Topic};
use std::sync::Arc;
use std::time::Duration;

/// Idle, the task waits for a change or a queued message (notified in this process, and by
/// `NOTIFY` from others on PostgreSQL), for the next retry falling due, or at most this long.
const IDLE_POLL: Duration = Duration::from_secs(5);
/// The shortest wait between rounds: bounds the rounds under a stream of writes (every write
/// notifies) and while another process holds a due message's lease.
const MIN_GAP: Duration = Duration::from_millis(250);
/// A claimed message is not picked up by another process for this long.
const LEASE_MS: i64 = 60_000;
/// Messages claimed (and sent concurrently) per round.
pub const BATCH: i64 = 16;

/// Redirects followed at most.
const MAX_REDIRECTS: usize = 10;
/// The error a refused redirect ends a delivery with.
const REDIRECT_REFUSED: &str = "redirected to a destination that is not allowed";

pub(crate) async fn run(store: Store, renderers: Vec<NoticeFn>, options: DeliveryOptions) {
    let list = options
        .allowed_hosts
        .as_deref()
        .map(|hosts| Arc::new(AllowList::new(hosts)));
    let mut builder = reqwest::Client::builder()
        .timeout(options.timeout)
        .user_agent(options.user_agent.as_str());
    if let Some(list) = &list {
        // Every hop is checked against the list; every name is resolved through it.
        let hops = list.clone();
        builder = builder
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= MAX_REDIRECTS {
                    attempt.error("too many redirects")
                } else if hops.permits_url(attempt.url()) {
                    attempt.follow()
                } else {
                    attempt.error(REDIRECT_REFUSED)
                }
            }))
            .dns_resolver(Arc::new(Resolver(list.clone())));
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            log::error!("outbound deliveries disabled: {e}");
            return;
        }
    };
    let policy = options.retry;
    type Render = dyn Fn(&Subscription, &Notice<'_>) -> Vec<Rendered> + Send + Sync;
    let render: Arc<Render> = Arc::new(move |sub, notice| {
        renderers
            .iter()
            .find_map(|r| r(sub, notice))
            .unwrap_or_default()
    });
    loop {
        let r = render.clone();
        if let Err(e) = store.call(move |s| s.collect_events(200, &*r)).await {
            log::warn!("event collection failed: {e:?}");
        }
        let due = match store.call(|s| s.claim_deliveries(BATCH, LEASE_MS)).await {
            Ok(d) => d,
            Err(e) => {
                log::warn!("outbox claim failed: {e:?}");
                vec![]
            }
        };
        let idle = due.is_empty();
        let mut sending = tokio::task::JoinSet::new();
        for msg in due {
            let (store, client, list) = (store.clone(), client.clone(), list.clone());
            sending.spawn(async move {
                let allowed = match &list {
                    Some(list) => list.permits(&msg.target).await,
                    None => true,
                };
                let (attempt, policy) = if allowed {
                    let attempt = deliver(&client, &msg).await;
                    // A refused redirect refuses again: no retry.
                    let give_up = attempt.error.as_deref() == Some(REDIRECT_REFUSED);
                    let policy = RetryPolicy {
                        max_attempts: if give_up { 1 } else { policy.max_attempts },
                        ..policy
                    };
                    (attempt, policy)
                } else {
                    log::warn!(
                        "outbox {}: {} is not an allowed destination",
                        msg.id,
                        msg.target
                    );
                    let refused = Attempt {
                        status_code: None,
                        error: Some("destination not allowed".into()),
                    };
                    // No retry can change the answer.
                    (
                        refused,
                        RetryPolicy {
                            max_attempts: 1,
                            ..policy
                        },
                    )
                };
                let id = msg.id;
                match store
                    .call(move |s| s.record_attempt(id, &attempt, &policy))
                    .await
                {
                    Ok(status) => log::debug!("outbox {id} → {} ({status})", msg.target),
                    Err(e) => log::warn!("outbox {id}: cannot record the attempt: {e:?}"),
                }
            });
        }
        // The next claim waits for this round: a destination's next message is claimable
        // only once this one is recorded.
        while sending.join_next().await.is_some() {}
        if idle {
            idle_wait(&store).await;
        }
    }
}

/// Sleeps until there may be work: a notification, the next retry's due time, or
/// [`IDLE_POLL`]; never less than [`MIN_GAP`].
async fn idle_wait(store: &Store) {
    let until_due = match store.call(|s| s.next_delivery_due()).await {
        Ok(Some(at)) => {
            let left = at - time::OffsetDateTime::now_utc();
            Duration::try_from(left).unwrap_or(Duration::ZERO)
        }
        _ => IDLE_POLL,
    };
    let wait = until_due.clamp(MIN_GAP, IDLE_POLL);
    let started = tokio::time::Instant::now();
    tokio::select! {
        () = store.notified(Topic::Changes) => {}
        () = store.notified(Topic::Deliveries) => {}
        () = tokio::time::sleep(wait) => {}
    }
    tokio::time::sleep_until(started + MIN_GAP).await;
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
            error: Some(if e.is_redirect() {
                // A refused hop, or too many of them.
                let mut cause: Option<&dyn std::error::Error> = Some(&e);
                let mut refused = false;
                while let Some(c) = cause {
                    refused |= c.to_string().contains(REDIRECT_REFUSED);
                    cause = c.source();
                }
                if refused {
                    REDIRECT_REFUSED.to_string()
                } else {
                    "too many redirects".to_string()
                }
            } else if e.is_timeout() {
                "timed out".to_string()
            } else if e.is_connect() {
                "connection failed".to_string()
            } else {
                "request failed".to_string()
            }),
        },
    }
}
