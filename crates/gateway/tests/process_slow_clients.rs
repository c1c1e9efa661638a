//! Slow or incomplete requests against the real binary, over raw TCP: every one gets a 408 or
//! a closed connection in bounded time, and the gateway keeps serving.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;

use common::{ABSORB_KEY, Gateway, command, free_port, start_with};
use enroll_store::testing::TestDb;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Sends `parts` (pausing `gap` between them) and reads until the server closes; the answer,
/// when its first byte came, and when the connection was closed.
fn exchange(gw: &Gateway, parts: &[&[u8]], gap: Duration) -> (String, Duration, Duration) {
    let mut s = TcpStream::connect(("127.0.0.1", gw.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let t = Instant::now();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(gap);
        }
        s.write_all(p).unwrap();
    }
    let (mut answer, mut first) = (Vec::new(), None);
    let mut buf = [0u8; 8192];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                first.get_or_insert(t.elapsed());
                answer.extend_from_slice(&buf[..n]);
            }
            Err(e) => panic!("not closed after {:?}: {e}", t.elapsed()),
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    (text, first.unwrap_or(t.elapsed()), t.elapsed())
}

#[test]
fn slow_or_incomplete_requests_get_a_408_or_a_closed_connection_in_bounded_time() {
    let db = TestDb::sqlite().unwrap();
    let port = free_port();
    let mut cmd = command(&db.url, port);
    cmd.args([
        "--body-timeout",
        "1",
        "--header-timeout",
        "1",
        "--keep-alive",
        "1",
    ]);
    let (gw, _) = start_with(cmd, port);
    let bound = Duration::from_secs(6);
    let none = Duration::ZERO;
    // Content-Length 1000, 13 bytes sent: Absorb and the admin API, each in its own shape.
    let head = format!(
        "POST /absorb/authenticate HTTP/1.1\r\nHost: x\r\nx-api-key: {ABSORB_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"username\":1"
    );
    let (answer, first, closed) = exchange(&gw, &[head.as_bytes()], none);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""term":"RequestTimeout""#), "{answer}");
    assert!(
        first >= Duration::from_millis(900) && closed < bound,
        "{first:?} {closed:?}"
    );
    let admin = b"POST /admin/v1/clock/advance HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\
                  Content-Length: 1000\r\n\r\n{\"days\": 1";
    let (answer, _, closed) = exchange(&gw, &[admin], none);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains(r#"{"error":"the request body did not arrive"#),
        "{answer}"
    );
    assert!(closed < bound, "{closed:?}");
    // A handler that ignores the body answers, and the connection is not kept.
    let ignored = b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789012";
    let (answer, _, closed) = exchange(&gw, &[ignored], none);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed < bound, "{closed:?}");
    // Half a head; nothing at all; an idle keep-alive connection after one answer.
    let (answer, _, closed) = exchange(&gw, &[b"GET /healthz HTTP/1.1\r\nHost: x\r\n"], none);
    assert!(
        answer.starts_with("HTTP/1.1 408") && closed < bound,
        "{answer} {closed:?}"
    );
    let (_, _, closed) = exchange(&gw, &[], none);
    assert!(closed < bound, "{closed:?}");
    let (answer, _, closed) = exchange(&gw, &[b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], none);
    assert!(
        answer.starts_with("HTTP/1.1 200") && closed < bound,
        "{answer} {closed:?}"
    );
    // A body that arrives in parts within the timeout is served as usual.
    let parts: [&[u8]; 2] = [
        b"POST /admin/v1/clock/advance HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\
          Connection: close\r\nContent-Length: 11\r\n\r\n{\"days\"",
        b": 1}",
    ];
    let (answer, _, _) = exchange(&gw, &parts, Duration::from_millis(300));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""offsetMs":86400000"#), "{answer}");
}
