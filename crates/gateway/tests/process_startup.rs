//! Start-up errors of the real binary: one clear line on stderr and exit status 1, no
//! backtrace, even with `RUST_BACKTRACE=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;

use common::{command, free_port, start};
use enroll_store::testing::TestDb;

/// Runs the binary to its end; (exit code, stderr).
fn fail(mut cmd: std::process::Command) -> (Option<i32>, String) {
    let out = cmd.env("RUST_BACKTRACE", "1").output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line(code: Option<i32>, err: &str, expected: &str) {
    assert_eq!(code, Some(1), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "not one line: {err}");
    assert!(lines[0].starts_with("gateway: error: "), "{err}");
    assert!(lines[0].contains(expected), "{expected:?} not in {err}");
}

#[test]
fn startup_errors_are_one_line_and_exit_1_even_with_rust_backtrace() {
    let db = TestDb::sqlite().unwrap();
    let (gw, _) = start(&db.url, free_port());
    let (code, err) = fail(command(&db.url, free_port()));
    assert_one_line(code, &err, "another process has the file open");
    let (code, err) = fail(command("mysql://localhost/x", free_port()));
    assert_one_line(code, &err, "unsupported database URL scheme 'mysql'");
    let (code, err) = fail(command("postgres://nobody@127.0.0.1:1/x", free_port()));
    assert_one_line(code, &err, "cannot open the postgresql database");
    let other = TestDb::sqlite().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gateway"));
    cmd.args(["--bind", &format!("127.0.0.1:{}", free_port())])
        .args([
            "--database-url",
            &other.url,
            "--seed-file",
            "/nonexistent/seed.json",
        ]);
    let (code, err) = fail(cmd);
    assert_one_line(
        code,
        &err,
        "cannot read the seed file /nonexistent/seed.json",
    );
    let (code, err) = fail(command(&other.url, gw.port));
    assert_one_line(
        code,
        &err,
        &format!("cannot listen on 127.0.0.1:{}", gw.port),
    );
}
