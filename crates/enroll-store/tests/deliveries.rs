//! The delivery task (`enroll_store::tasks`): a claimed batch goes out concurrently while each
//! destination still gets its messages in order, and an allow-list keeps messages away from
//! other hosts; on every backend.
#![cfg(feature = "deliveries")]
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use enroll_store::Store;
use enroll_store::outbox::{Channel, NewMessage};
use enroll_store::tasks::{DeliveryOptions, Tasks};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An HTTP endpoint that answers every POST with 200 after `delay`, recording the bodies.
fn slow_receiver(delay: Duration) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let keep = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let keep = keep.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':')
                        && k.eq_ignore_ascii_case("content-length")
                    {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap_or(());
                std::thread::sleep(delay);
                keep.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into());
                let mut s = stream;
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            });
        }
    });
    (url, got)
}

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
            .map(|_| slow_receiver(Duration::from_millis(400)))
            .collect();
        for n in 0..3 {
            for (url, _) in &receivers {
                store.enqueue(&message(url, &n.to_string())).unwrap();
            }
        }
        let started = Instant::now();
        let running = Tasks::new(store.clone()).start();
        let all = wait_until(Duration::from_secs(10), || {
            receivers
                .iter()
                .all(|(_, got)| got.lock().unwrap().len() == 3)
        })
        .await;
        let took = started.elapsed();
        running.stop();
        assert!(all, "every message delivered");
        for (_, got) in &receivers {
            assert_eq!(
                *got.lock().unwrap(),
                ["0", "1", "2"],
                "in order per destination"
            );
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
        let (allowed_url, allowed_got) = slow_receiver(Duration::ZERO);
        let (other_url, other_got) = slow_receiver(Duration::ZERO);
        let host = allowed_url
            .trim_start_matches("http://")
            .trim_end_matches("/hook")
            .to_string();
        let ok = store
            .enqueue(&message(&allowed_url, "to the allowed host"))
            .unwrap();
        let refused = store
            .enqueue(&message(&other_url, "to another host"))
            .unwrap();
        let running = Tasks::new(store.clone())
            .deliveries(DeliveryOptions {
                allowed_hosts: Some(vec![host.to_uppercase()]),
                ..DeliveryOptions::default()
            })
            .start();
        let status = |s: &Store, id| s.outbox_message(id).unwrap().status;
        let settled = wait_until(Duration::from_secs(10), || {
            status(&store, ok) == "delivered" && status(&store, refused) == "failed"
        })
        .await;
        running.stop();
        assert!(settled, "allowed one delivered, the other failed");
        assert_eq!(*allowed_got.lock().unwrap(), ["to the allowed host"]);
        assert!(
            other_got.lock().unwrap().is_empty(),
            "nothing sent to another host"
        );
        let msg = store.outbox_message(refused).unwrap();
        assert_eq!(msg.attempts, 1, "refused once, not retried");
        assert_eq!(msg.last_error.as_deref(), Some("destination not allowed"));
    }
}
