//! The start-up banner of the real binary names the Absorb admin login and the authenticate
//! call, and what it prints works as printed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;

use common::{Gateway, command, free_port};
use enroll_store::testing::TestDb;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

#[test]
fn the_banner_prints_the_absorb_admin_login_and_a_working_authenticate_call() {
    let db = TestDb::sqlite().unwrap();
    let port = free_port();
    let mut cmd = command(&db.url, port);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let gw = Gateway {
        child,
        base: format!("http://127.0.0.1:{port}"),
        port,
    };
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    let call = loop {
        let line = lines.next().expect("the banner ended early").unwrap();
        banner.push(line.clone());
        if line.contains("/absorb/authenticate") {
            break line;
        }
    };
    let banner = banner.join("\n");
    assert!(
        banner.contains("absorb admin    admin@demo.example / Demo-Admin-1"),
        "{banner}"
    );
    // "POST <url>  x-api-key: <key>  Content-Type: application/json  body <json>"
    assert!(call.contains("Content-Type: application/json"), "{call}");
    let url = call.split_whitespace().nth(1).unwrap().to_string();
    let key = call
        .split("x-api-key: ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let body: Value = serde_json::from_str(call.split(" body ").nth(1).unwrap()).unwrap();
    assert_eq!(url, format!("{}/absorb/authenticate", gw.base));
    let client = reqwest::blocking::Client::new();
    let resp = loop {
        match client
            .post(&url)
            .header("x-api-key", key)
            .json(&body)
            .send()
        {
            Ok(r) => break r,
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    };
    assert_eq!(resp.status(), 200);
    let token: String = resp.json().unwrap();
    assert!(!token.is_empty());
}
