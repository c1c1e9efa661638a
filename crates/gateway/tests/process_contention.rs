//! Contention against the real binary (one gateway; on PostgreSQL also two on one database):
//! an un-enroll and a `complete` of the same enrollment sent at the same moment end as one of
//! them after the other, with every 2xx standing; enrolls into capacity-limited courses and
//! un-enrolls of the same enrollments in opposite orders, and two invitations of the same new
//! addresses in opposite orders, never answer a 5xx. `measure_contended_workloads` (ignored)
//! runs the workloads at full size and prints the numbers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
mod load;

use common::Gateway;
use enroll_store::testing::TestDb;
use load::{
    absorb_token, gateways, opposite_enrolls, opposite_invitations, opposite_unenrolls,
    race_unenroll_complete,
};

/// One gateway on SQLite (one process per file); two on PostgreSQL.
fn start(db: &TestDb) -> (Vec<Gateway>, String) {
    let n = if db.url.starts_with("sqlite") { 1 } else { 2 };
    let gws = gateways(&db.url, n, &[]);
    let tok = absorb_token(&gws[0]);
    (gws, tok)
}

#[test]
fn an_unenroll_racing_a_complete_ends_in_a_serial_state() {
    for db in TestDb::all().unwrap() {
        let gws = gateways(&db.url, 1, &[]);
        let tok = absorb_token(&gws[0]);
        let (wrong, tally) = race_unenroll_complete(&gws, &tok, 30, "one");
        assert!(
            wrong.is_empty(),
            "{db:?}: {} of 30: {wrong:#?}",
            wrong.len()
        );
        assert_eq!(tally.server_errors(), 0, "{db:?}: {tally:?}");
    }
}

#[test]
fn across_two_gateways_an_unenroll_racing_a_complete_ends_in_a_serial_state() {
    let Some(db) = TestDb::postgres().unwrap() else {
        return;
    };
    let gws = gateways(&db.url, 2, &[]);
    let tok = absorb_token(&gws[0]);
    for run in 0..2 {
        let (wrong, tally) = race_unenroll_complete(&gws, &tok, 30, &format!("two{run}"));
        assert!(wrong.is_empty(), "{} of 30: {wrong:#?}", wrong.len());
        assert_eq!(tally.server_errors(), 0, "{tally:?}");
    }
}

#[test]
fn opposite_orders_and_duplicate_invitations_never_answer_5xx() {
    for db in TestDb::all().unwrap() {
        let (gws, tok) = start(&db);
        let enrolls = opposite_enrolls(&gws, &tok, 16, 2);
        assert_eq!(
            enrolls.statuses.get(&201).copied().unwrap_or_default()
                + enrolls.statuses.get(&422).copied().unwrap_or_default(),
            enrolls.total(),
            "{db:?}: enrolls are made or refused as already made: {enrolls:?}"
        );
        assert_eq!(
            enrolls.statuses.get(&201),
            Some(&(32 + 16)),
            "{db:?}: every re-enroll, and each plain enroll once: {enrolls:?}"
        );
        let unenrolls = opposite_unenrolls(&gws, &tok, 32, 3);
        assert_eq!(unenrolls.server_errors(), 0, "{db:?}: {unenrolls:?}");
        assert_eq!(unenrolls.doubled, 0, "{db:?}: {unenrolls:?}");
        assert_eq!(
            (unenrolls.statuses.get(&204), unenrolls.statuses.get(&422)),
            (Some(&3), Some(&(3 * 31))),
            "{db:?}: one un-enroll per round ends them, the others are told why: {unenrolls:?}"
        );
        for (status, job) in opposite_invitations(&gws, 200, "ci") {
            assert_eq!(status, "COMPLETE", "{db:?}: {job}");
        }
    }
}

/// The workloads at full size — on PostgreSQL through two gateways, with the deadlocks
/// PostgreSQL counted; on SQLite through one — printed: `ENROLL_TEST_DATABASE_URL=… cargo
/// test -p gateway --test process_contention -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement (a minute or two): run it on its own"]
fn measure_contended_workloads() {
    for db in TestDb::all().unwrap() {
        measure(&db);
    }
}

fn measure(db: &TestDb) {
    let (gws, tok) = start(db);
    eprintln!("{db:?}, {} gateway(s):", gws.len());
    let deadlocks = || {
        // PostgreSQL publishes its counters about once a second.
        if db.url.starts_with("sqlite") {
            return 0;
        }
        std::thread::sleep(std::time::Duration::from_millis(1500));
        db.pg_deadlocks().unwrap().unwrap_or_default()
    };
    let mut before = deadlocks();
    let mut report = |name: &str, what: String| {
        let after = deadlocks();
        eprintln!("{name}: {what}; deadlocks {}", after - before);
        before = after;
    };
    let mut wrong = 0;
    let mut race_errors = 0;
    let mut times = Vec::new();
    for run in 0..2 {
        let (w, tally) = race_unenroll_complete(&gws, &tok, 60, &format!("m{run}"));
        wrong += w.len();
        race_errors += tally.server_errors();
        times.push(tally.round_times());
    }
    report(
        "race (2 runs x 60 enrollments, un-enroll vs complete)",
        format!("{wrong} of 120 not serial, {race_errors} 5xx, runs {times:?}"),
    );
    let t = opposite_enrolls(&gws, &tok, 32, 5);
    report(
        "opposite enrolls (5 rounds x 64)",
        format!(
            "{} 5xx of {}: {:?}, rounds {}",
            t.server_errors(),
            t.total(),
            t.statuses,
            t.round_times()
        ),
    );
    let t = opposite_unenrolls(&gws, &tok, 64, 20);
    report(
        "opposite un-enrolls (20 rounds x 64)",
        format!(
            "{} 5xx of {}: {:?}, {} rounds with two 204s, rounds {}",
            t.server_errors(),
            t.total(),
            t.statuses,
            t.doubled,
            t.round_times()
        ),
    );
    let mut errors = 0;
    for trial in 0..6 {
        let started = std::time::Instant::now();
        let jobs = opposite_invitations(&gws, 1000, &format!("m{trial}"));
        let failed: Vec<&serde_json::Value> = jobs
            .iter()
            .filter(|(s, _)| s != "COMPLETE")
            .map(|(_, j)| &j["errors"])
            .collect();
        eprintln!(
            "invitation trial {trial}: {:?} in {:.1}s {}",
            jobs.iter().map(|j| &j.0).collect::<Vec<_>>(),
            started.elapsed().as_secs_f64(),
            failed
                .first()
                .map(|e| e.to_string().chars().take(200).collect::<String>())
                .unwrap_or_default()
        );
        errors += usize::from(!failed.is_empty());
    }
    report(
        "opposite invitations (6 trials x 2 x 1,000 new addresses)",
        format!("{errors} of 6 trials ended in ERROR"),
    );
}
