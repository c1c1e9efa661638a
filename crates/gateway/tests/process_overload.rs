//! Overload against the real binary, on every backend: with one place and a queue of one
//! (`--max-concurrent 1 --max-queued 1`), a burst of requests through Absorb, SCORM Cloud and
//! the admin API is answered at once — 200, or 503 with `Retry-After` in each vendor's own
//! error shape — never a 500 and never after a wait on the pool.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
mod load;

use common::{ALICE, Gateway};
use enroll_store::testing::TestDb;
use load::{Answer, absorb, absorb_token, admin, at_once, gateways, scorm};
use reqwest::Method;
use std::time::{Duration, Instant};

/// One of three vendors' reads, by `k`; the answer and how long it took.
fn request(gw: &Gateway, tok: &str, k: usize) -> (usize, Answer, Duration) {
    let started = Instant::now();
    let answer = match k % 3 {
        0 => absorb(
            gw,
            tok,
            Method::GET,
            &format!("/users/{ALICE}/enrollments?_limit=100"),
            None,
        ),
        1 => scorm(gw, Method::GET, "/registrations?learnerId=alice", None),
        _ => admin(gw, Method::GET, "/learners?limit=100", None),
    };
    (k % 3, answer, started.elapsed())
}

#[test]
fn a_burst_beyond_the_queue_is_answered_at_once_in_each_vendors_shape() {
    for db in TestDb::all().unwrap() {
        let gws = gateways(
            &db.url,
            1,
            &[
                "--max-concurrent",
                "1",
                "--max-queued",
                "1",
                "--pool-size",
                "1",
            ],
        );
        let tok = absorb_token(&gws[0]);
        let mut busy = [0usize; 3];
        let mut slowest_busy = Duration::ZERO;
        for _ in 0..3 {
            for (vendor, (status, retry, body), took) in at_once(48, |k| request(&gws[0], &tok, k))
            {
                assert!(
                    status == 200 || status == 503,
                    "{db:?}: {status} {body} (only answers or busy, never a 500)"
                );
                if status != 503 {
                    continue;
                }
                busy[vendor] += 1;
                slowest_busy = slowest_busy.max(took);
                assert_eq!(retry.as_deref(), Some("1"), "{db:?}: {body}");
                let shaped = match vendor {
                    0 => body["code"] == 503 && body["term"] == "ServiceUnavailable",
                    1 => body["message"].as_str().is_some_and(|m| m.contains("busy")),
                    _ => body["error"].as_str().is_some_and(|m| m.contains("busy")),
                };
                assert!(shaped, "{db:?}: vendor {vendor}: {body}");
            }
        }
        eprintln!("{db:?}: busy answers by vendor {busy:?}, slowest {slowest_busy:?}");
        assert!(
            busy.iter().all(|n| *n > 0),
            "{db:?}: each vendor answered busy: {busy:?}"
        );
        assert!(
            slowest_busy < Duration::from_secs(3),
            "{db:?}: busy answers come at once, not after a wait: {slowest_busy:?}"
        );
        // Afterwards the gateway answers as usual.
        let (s, _, b) = request(&gws[0], &tok, 0).1;
        assert_eq!(s, 200, "{b}");
    }
}
