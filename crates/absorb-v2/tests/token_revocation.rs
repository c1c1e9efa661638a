//! A new token revokes the old one at once: on every HTTP worker of a process (one auth cache
//! per process), and across processes sharing a PostgreSQL database: at once where tokens
//! are not cached (a process that does not listen for revocations), within moments where
//! they are (its listener hears the deleted token's `NOTIFY`). Before, each worker had its own cache and `/authenticate` cleared only its own,
//! so the old token kept working on the other workers for up to 2 s.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::{App, HttpServer, web};
use common::*;
use enroll_auth::prelude::*;
use enroll_domain::OffsetClock;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::testing::TestDb;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One request on a new connection (actix hands new connections to its workers in turn).
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nx-api-key: {KEY}\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn authenticate(addr: SocketAddr) -> String {
    let body = format!(
        r#"{{"username":"admin@demo.example","password":"Demo-Admin-1","privateKey":"{KEY}"}}"#
    );
    let (s, token) = http(addr, "POST", "/absorb/authenticate", None, &body);
    assert_eq!(s, 200, "{token}");
    serde_json::from_str::<String>(&token).unwrap()
}

/// The facade served by `workers` HTTP workers on a free port.
fn serve(store: &Store, workers: usize) -> (SocketAddr, actix_web::dev::ServerHandle) {
    let store = store.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(store.clone()))
            .service(web::scope("/absorb").configure(absorb_v2::configure))
    })
    .workers(workers)
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

fn statuses(addr: SocketAddr, token: &str, n: usize) -> Vec<u16> {
    (0..n)
        .map(|_| http(addr, "GET", "/absorb/courses", Some(token), "").0)
        .collect()
}

#[actix_web::test]
async fn old_token_is_refused_on_every_worker_right_after_reauthentication() {
    for (_db, store, _) in stores() {
        let (addr, handle) = serve(&store, 4);
        let (backend, result) = (
            store.backend(),
            web::block(move || {
                let old = authenticate(addr);
                // Every worker verifies (and, on SQLite, caches) the old token.
                assert!(statuses(addr, &old, 16).iter().all(|s| *s == 200));
                let new = authenticate(addr);
                (statuses(addr, &old, 16), statuses(addr, &new, 16))
            })
            .await
            .unwrap(),
        );
        handle.stop(false).await;
        let (old, new) = result;
        assert!(
            old.iter().all(|s| *s == 401),
            "{backend}: old token on 16 connections: {old:?}"
        );
        assert!(
            new.iter().all(|s| *s == 200),
            "{backend}: new token: {new:?}"
        );
    }
}

#[actix_web::test]
async fn a_token_revoked_by_another_process_on_postgresql_is_refused_at_once() {
    // Processes that do not listen for revocations cache no tokens: refused at once.
    revoked_by_another_process(false).await;
}

#[actix_web::test]
async fn a_token_revoked_by_another_process_is_refused_within_moments_where_it_was_cached() {
    // Processes that listen (the gateway: its background tasks do) cache tokens, and hear
    // another process's revocation within their listener's poll (25 ms).
    revoked_by_another_process(true).await;
}

/// Waits (at most 5 s) until `store`'s listener hears revocations.
fn hearing(store: &Store) {
    store.listen();
    let until = Instant::now() + Duration::from_secs(5);
    while store.credential_generation().is_none() {
        assert!(Instant::now() < until, "the listener never subscribed");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The statuses of `token` on B from the revocation on: refused from some moment on, and
/// that moment within 1 s (at once when nothing is cached).
fn refused_from_then_on(addr: SocketAddr, token: &str, listening: bool) -> Vec<u16> {
    let revoked = Instant::now();
    let mut seen = Vec::new();
    loop {
        let s = statuses(addr, token, 1)[0];
        seen.push(s);
        if s == 401 || revoked.elapsed() > Duration::from_secs(1) {
            break;
        }
        assert!(listening, "accepted after the revocation: {seen:?}");
    }
    seen.extend(statuses(addr, token, 4));
    seen
}

async fn revoked_by_another_process(listening: bool) {
    // Without a server, TestDb says on the terminal that this test was skipped.
    let Some(db) = TestDb::postgres().unwrap() else {
        return;
    };
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/demo-seed.json"
    ))
    .unwrap();
    let a = db.store(Arc::new(OffsetClock::new(0))).unwrap();
    a.load_seed(&enroll_store::seed::Seed::from_json(&seed).unwrap())
        .unwrap();
    let b = db.store(Arc::new(OffsetClock::new(0))).unwrap();
    assert!(!a.single_process() && !b.single_process());
    if listening {
        hearing(&a);
        hearing(&b);
    }
    let (addr_a, ha) = serve(&a, 2);
    let (addr_b, hb) = serve(&b, 2);
    let tenant = a
        .verify_credential(Dialect::Absorb, None, KEY)
        .unwrap()
        .unwrap()
        .tenant_id;
    let revoker = a.clone();
    let result = web::block(move || {
        let first = authenticate(addr_a);
        let warm = statuses(addr_b, &first, 4);
        // Re-authenticating through A revokes the first token for B.
        let second = authenticate(addr_a);
        let after_reauth = refused_from_then_on(addr_b, &first, listening);
        let second_on_b = statuses(addr_b, &second, 4);
        // A revocation that never passes through B's process (as another gateway's would):
        // a new token issued straight in A's store.
        let subject = a_admin_subject(&revoker, tenant);
        revoker
            .issue_token(
                tenant,
                Dialect::Absorb,
                &subject,
                "",
                time::Duration::hours(4),
                true,
            )
            .unwrap();
        let after_store_revoke = refused_from_then_on(addr_b, &second, listening);
        (warm, after_reauth, second_on_b, after_store_revoke)
    })
    .await
    .unwrap();
    ha.stop(false).await;
    hb.stop(false).await;
    let (warm, after_reauth, second_on_b, after_store_revoke) = result;
    assert_eq!(warm, vec![200; 4]);
    let refused = |seen: &[u16]| seen.ends_with(&[401; 5]);
    assert!(
        refused(&after_reauth),
        "revoked through A's /authenticate: {after_reauth:?}"
    );
    assert_eq!(second_on_b, vec![200; 4]);
    assert!(
        refused(&after_store_revoke),
        "revoked in the database by another process: {after_store_revoke:?}"
    );
    if !listening {
        assert_eq!(after_reauth.len(), 5, "at once: {after_reauth:?}");
        assert_eq!(
            after_store_revoke.len(),
            5,
            "at once: {after_store_revoke:?}"
        );
    }
}

/// The admin's ledger id: the subject Absorb tokens are issued to.
fn a_admin_subject(store: &Store, tenant: uuid::Uuid) -> String {
    let user = store
        .learner(
            tenant,
            &enroll_store::learners::LearnerKey::Username("admin@demo.example".into()),
        )
        .unwrap();
    user.id.to_string()
}
