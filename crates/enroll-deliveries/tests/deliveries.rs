//! The delivery task (`enroll_store::tasks`): a claimed batch goes out concurrently while each
//! destination still gets its messages in order, and an allow-list keeps messages away from
//! other hosts; on every backend.
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used, clippy::expect_used)]
use enroll_deliveries::testing::Receiver;
use enroll_deliveries::{Deliveries, DeliveryOptions};
use enroll_store::Store;
use enroll_store::outbox::Outbox as _;
use enroll_store::outbox::{Channel, NewMessage};
use enroll_store::tasks::Tasks;
use enroll_store::testing::demo::*;
use std::time::{Duration, Instant};

fn message(target: &str, body: &str) -> NewMessage {
    NewMessage {
        tenant_id: None,
        channel: Channel::Http,
        topic: "test.delivery".into(),
        target: target.into(),
        headers: vec![],
        content_type: "text/plain".into(),
        subject: None,
        body: body.into(),
    }
}

async fn wait_until(deadline: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

#[tokio::test]
async fn a_batch_goes_out_concurrently_in_order_per_destination() {
    for (_db, store, _) in stores() {
        // Four destinations taking 400 ms each, three messages each: one at a time that is
        // 4.8 s; concurrently across destinations (in order within each) about 1.2 s.
        let receivers: Vec<_> = (0..4)
            .map(|_| Receiver::slow(Duration::from_millis(400)).unwrap())
            .collect();
        for n in 0..3 {
            for r in &receivers {
                store.enqueue(&message(&r.url, &n.to_string())).unwrap();
            }
        }
        let started = Instant::now();
        let running = Tasks::new(store.clone())
            .worker(Deliveries::default())
            .start();
        let all = wait_until(Duration::from_secs(10), || {
            receivers.iter().all(|r| r.count() == 3)
        })
        .await;
        let took = started.elapsed();
        running.stop();
        assert!(all, "every message delivered");
        for r in &receivers {
            assert_eq!(r.bodies(), ["0", "1", "2"], "in order per destination");
        }
        assert!(
            took < Duration::from_millis(3_500),
            "12 deliveries of 400 ms to 4 destinations took {took:?}: not concurrent"
        );
    }
}

#[tokio::test]
async fn an_allow_list_keeps_deliveries_to_its_hosts() {
    for (_db, store, _) in stores() {
        let (allowed, other) = (Receiver::start().unwrap(), Receiver::start().unwrap());
        let host = allowed.url.trim_start_matches("http://").to_string();
        let ok = store
            .enqueue(&message(&allowed.url, "to the allowed host"))
            .unwrap();
        let refused = store
            .enqueue(&message(&other.url, "to another host"))
            .unwrap();
        let running = Tasks::new(store.clone())
            .worker(Deliveries::new(DeliveryOptions {
                allowed_hosts: Some(vec![host.to_uppercase()]),
                ..DeliveryOptions::default()
            }))
            .start();
        let status = |s: &Store, id| s.outbox_message(id).unwrap().status;
        let settled = wait_until(Duration::from_secs(10), || {
            status(&store, ok) == "delivered" && status(&store, refused) == "failed"
        })
        .await;
        running.stop();
        assert!(settled, "allowed one delivered, the other failed");
        assert_eq!(allowed.bodies(), ["to the allowed host"]);
        assert!(other.bodies().is_empty(), "nothing sent to another host");
        let msg = store.outbox_message(refused).unwrap();
        assert_eq!(msg.attempts, 1, "refused once, not retried");
        assert_eq!(msg.last_error.as_deref(), Some("destination not allowed"));
    }
}

#[tokio::test]
async fn a_message_queued_while_the_task_is_idle_goes_out_without_waiting_for_a_poll() {
    for (_db, store, _) in stores() {
        let rx = Receiver::start().unwrap();
        let running = Tasks::new(store.clone())
            .worker(Deliveries::default())
            .start();
        // Let the task find nothing and go idle (its slow poll is 5 s).
        tokio::time::sleep(Duration::from_millis(600)).await;
        let queued = Instant::now();
        store.enqueue(&message(&rx.url, "woken")).unwrap();
        let sent = wait_until(Duration::from_secs(10), || rx.count() == 1).await;
        let took = queued.elapsed();
        running.stop();
        assert!(sent, "delivered");
        assert!(
            took < Duration::from_millis(2_000),
            "the enqueue's notification wakes the task: took {took:?}"
        );
    }
}

/// Runs the delivery task with `allowed_hosts` until `id` is no longer pending (or 10 s).
async fn deliver_with(store: &Store, allowed_hosts: Vec<String>, id: uuid::Uuid) -> String {
    let running = Tasks::new(store.clone())
        .worker(Deliveries::new(DeliveryOptions {
            allowed_hosts: Some(allowed_hosts),
            ..DeliveryOptions::default()
        }))
        .start();
    let status = |s: &Store| s.outbox_message(id).unwrap().status;
    wait_until(Duration::from_secs(10), || status(store) != "pending").await;
    running.stop();
    status(store)
}

fn host_of(url: &str) -> String {
    url.trim_start_matches("http://").to_string()
}

#[tokio::test]
async fn a_redirect_to_a_host_outside_the_allow_list_is_not_followed() {
    for (_db, store, _) in stores() {
        let outside = Receiver::start().unwrap();
        let allowed = Receiver::redirecting(&format!("{}/internal", outside.url)).unwrap();
        let id = store.enqueue(&message(&allowed.url, "secret")).unwrap();
        let status = deliver_with(&store, vec![host_of(&allowed.url)], id).await;
        assert_eq!(allowed.count(), 1, "the allowed receiver was asked");
        assert_eq!(outside.count(), 0, "the redirect was not followed");
        assert_eq!(status, "failed", "{db:?}", db = store.backend());
        let msg = store.outbox_message(id).unwrap();
        assert_eq!(
            (msg.attempts, msg.last_error.as_deref()),
            (1, Some("redirected to a destination that is not allowed"))
        );
    }
}

#[tokio::test]
async fn a_redirect_to_an_allowed_host_is_followed() {
    for (_db, store, _) in stores() {
        let target = Receiver::start().unwrap();
        let first = Receiver::redirecting(&format!("{}/moved", target.url)).unwrap();
        let id = store.enqueue(&message(&first.url, "moved on")).unwrap();
        let hosts = vec![host_of(&first.url), host_of(&target.url)];
        assert_eq!(deliver_with(&store, hosts, id).await, "delivered");
        assert_eq!(target.bodies(), ["moved on"]);
    }
}

#[tokio::test]
async fn an_allowed_name_resolving_to_an_address_not_allowed_is_refused() {
    for (_db, store, _) in stores() {
        // `localhost` is on the list, but it resolves to loopback addresses, which are not
        // (only public addresses and addresses listed themselves are).
        let rx = Receiver::start().unwrap();
        let port = rx.url.rsplit(':').next().unwrap().to_string();
        let by_name = format!("http://localhost:{port}");
        let id = store.enqueue(&message(&by_name, "to loopback")).unwrap();
        let status = deliver_with(&store, vec![format!("localhost:{port}")], id).await;
        assert_eq!(status, "failed");
        assert_eq!(rx.count(), 0, "nothing sent");
        let msg = store.outbox_message(id).unwrap();
        assert_eq!(
            (msg.attempts, msg.last_error.as_deref()),
            (1, Some("destination not allowed"))
        );
        // Listing the loopback addresses themselves allows them.
        let id = store.enqueue(&message(&by_name, "listed")).unwrap();
        let hosts = vec![
            format!("localhost:{port}"),
            "127.0.0.1".into(),
            "::1".into(),
        ];
        assert_eq!(deliver_with(&store, hosts, id).await, "delivered");
        assert_eq!(rx.bodies(), ["listed"]);
    }
}
