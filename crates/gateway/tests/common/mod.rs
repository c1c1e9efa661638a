//! The real binary, started for a test: a free port, the demo seed, admin token `t`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";
pub const ALICE: &str = "a0000000-0000-4000-8000-000000000002";
pub const COURSE: &str = "c0000000-0000-4000-8000-000000000001";
pub const ABSORB_KEY: &str = "b1f0e3c2-7d4a-4e8b-9c61-2f5a8d7e4b10";
pub const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo-seed.json");

/// A running gateway, killed on drop.
pub struct Gateway {
    pub child: Child,
    pub base: String,
    pub port: u16,
}

impl Drop for Gateway {
    // A failed assertion must not leave the server running (it would hold the test's pipes).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The binary with the test's usual flags (more may follow).
pub fn command(url: &str, port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gateway"));
    cmd.args([
        "--bind",
        &format!("127.0.0.1:{port}"),
        "--database-url",
        url,
    ])
    .args([
        "--admin-token",
        "t",
        "--log-level",
        "warn",
        "--seed-file",
        SEED,
    ]);
    cmd
}

/// Starts `cmd` and waits until `/healthz` answers; returns how long that took.
pub fn start_with(mut cmd: Command, port: u16) -> (Gateway, Duration) {
    let started = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut gw = Gateway {
        child,
        base: format!("http://127.0.0.1:{port}"),
        port,
    };
    let client = reqwest::blocking::Client::new();
    loop {
        if let Ok(r) = client.get(format!("{}/healthz", gw.base)).send()
            && r.status() == 200
        {
            return (gw, started.elapsed());
        }
        if let Ok(Some(status)) = gw.child.try_wait() {
            panic!("the gateway exited at start: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "gateway did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn start(url: &str, port: u16) -> (Gateway, Duration) {
    start_with(command(url, port), port)
}

/// An admin API call with the token; the body is JSON.
pub fn admin(method: reqwest::Method, url: String, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::blocking::Client::new();
    let mut req = client.request(method, url).bearer_auth("t");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().unwrap();
    (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
}

/// `POST /absorb/authenticate` as the seed's Absorb admin; the status.
pub fn absorb_authenticate(gw: &Gateway) -> u16 {
    reqwest::blocking::Client::new()
        .post(format!("{}/absorb/authenticate", gw.base))
        .header("x-api-key", ABSORB_KEY)
        .header("x-api-version", "2")
        .json(&json!({
            "username": "admin@demo.example", "password": "Demo-Admin-1", "privateKey": ABSORB_KEY,
        }))
        .send()
        .unwrap()
        .status()
        .as_u16()
}
