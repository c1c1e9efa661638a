//! The real binary: quick start, a committed enrollment survives SIGKILL and restart, the clock
//! persists. Runs on SQLite, and on PostgreSQL when `ENROLL_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use enroll_store::testing::TestDb;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";
const ALICE: &str = "a0000000-0000-4000-8000-000000000002";
const COURSE: &str = "c0000000-0000-4000-8000-000000000001";

struct Gateway {
    child: Child,
    base: String,
}

impl Drop for Gateway {
    // A failed assertion must not leave the server running (it would hold the test's pipes).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(url: &str, port: u16) -> (Gateway, Duration) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args([
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
            "--admin-token",
            "t",
            "--log-level",
            "warn",
        ])
        .args([
            "--seed-file",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo-seed.json"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let gw = Gateway {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::blocking::Client::new();
    loop {
        if let Ok(r) = client.get(format!("{}/healthz", gw.base)).send()
            && r.status() == 200
        {
            return (gw, started.elapsed());
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "gateway did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn admin(method: reqwest::Method, url: String, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::blocking::Client::new();
    let mut req = client.request(method, url).bearer_auth("t");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().unwrap();
    (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
}

#[test]
fn committed_enrollment_survives_sigkill_and_restart() {
    for db in TestDb::all().unwrap() {
        let port = free_port();
        let (mut gw, boot) = start(&db.url, port);
        // The README promises /healthz within 1 s; allow slack for a loaded CI machine.
        assert!(boot < Duration::from_secs(10), "slow start: {boot:?}");
        let (status, created) = admin(
            reqwest::Method::POST,
            format!("{}/admin/v1/tenants/{TENANT}/enrollments", gw.base),
            Some(json!({"learnerId": ALICE, "courseId": COURSE})),
        );
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        let (status, _) = admin(
            reqwest::Method::POST,
            format!("{}/admin/v1/clock/advance", gw.base),
            Some(json!({"days": 3})),
        );
        assert_eq!(status, 200);
        gw.child.kill().unwrap(); // SIGKILL
        gw.child.wait().unwrap();
        drop(gw);

        let (gw, _) = start(&db.url, port);
        let (status, got) = admin(
            reqwest::Method::GET,
            format!("{}/admin/v1/tenants/{TENANT}/enrollments/{id}", gw.base),
            None,
        );
        assert_eq!(status, 200, "{got}");
        assert_eq!(got["learnerId"], ALICE);
        assert_eq!(got["state"], "not_started");
        let (_, clock) = admin(
            reqwest::Method::GET,
            format!("{}/admin/v1/clock", gw.base),
            None,
        );
        assert_eq!(clock["offsetMs"], 3 * 86_400_000);
        // Re-seeding on restart did not duplicate or reset anything.
        let (_, dup) = admin(
            reqwest::Method::POST,
            format!("{}/admin/v1/tenants/{TENANT}/enrollments", gw.base),
            Some(json!({"learnerId": ALICE, "courseId": COURSE})),
        );
        assert!(
            dup["error"].as_str().unwrap().contains("already enrolled"),
            "{dup}"
        );
        drop(gw);
    }
}

#[test]
fn unknown_database_scheme_is_a_startup_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["--database-url", "mysql://localhost/x", "--seed-file", ""])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unsupported database URL scheme 'mysql'"),
        "{err}"
    );
}

#[test]
fn second_gateway_on_the_same_sqlite_file_is_refused() {
    let db = TestDb::sqlite().unwrap();
    let (gw, _) = start(&db.url, free_port());
    // The first gateway holds the file exclusively (unix-excl VFS): a second process sharing
    // it would write behind the first one's in-process writer.
    let out = Command::new(env!("CARGO_BIN_EXE_gateway"))
        .args(["--bind", &format!("127.0.0.1:{}", free_port())])
        .args(["--database-url", &db.url, "--seed-file", ""])
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another process has the file open"), "{err}");
    let ready = reqwest::blocking::get(format!("{}/readyz", gw.base)).unwrap();
    assert_eq!(ready.status(), 200, "the first gateway stopped answering");
}
