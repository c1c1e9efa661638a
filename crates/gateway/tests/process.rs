//! The real binary: quick start, a committed enrollment survives SIGKILL and restart, the clock
//! persists. Runs on SQLite, and on PostgreSQL when `ENROLL_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;

use common::{ALICE, COURSE, TENANT, admin, free_port, start};
use enroll_store::testing::TestDb;
use serde_json::json;
use std::process::Command;
use std::time::Duration;

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
