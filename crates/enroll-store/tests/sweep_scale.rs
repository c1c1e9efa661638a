//! A measurement, not run by default: a 10-year clock advance over a million enrollments
//! (`ENROLL_SWEEP_ROWS` to change the number), swept while another thread keeps writing, on
//! each backend. Prints how long the sweep took and the longest a concurrent write waited
//! (the sweep works in short batches, so that stays far below a second):
//! `cargo test -p enroll-store --release --test sweep_scale -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use diesel::connection::SimpleConnection;
use enroll_domain::OffsetClock;
use enroll_store::Store;
use enroll_store::testing::TestDb;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const TENANT: &str = "7d1c7c3e-0000-4000-8000-000000000001";
const DAY_MS: i64 = 86_400_000;

/// `rows` active, not-started enrollments of 1,000 learners in `rows / 1000` courses, each
/// expiring at some point of the next ten years, inserted by SQL.
fn load(store: &Store, rows: i64, now_ms: i64) {
    let courses = (rows / 1000).max(1);
    let pg = store.backend() == "postgresql";
    let uuid = |prefix: &str, n: &str| {
        if pg {
            format!("'{prefix}-0000-4000-8000-' || lpad(({n})::text, 12, '0')")
        } else {
            format!("printf('{prefix}-0000-4000-8000-%012d', {n})")
        }
    };
    let series = |n: i64| {
        if pg {
            format!("(SELECT generate_series(0::bigint, {}) AS i)", n - 1)
        } else {
            format!(
                "(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {}) \
                 SELECT i FROM s)",
                n - 1
            )
        }
    };
    let (learner, course) = (uuid("a1000000", "l.i"), uuid("c1000000", "c.i"));
    let sql = format!(
        "INSERT INTO tenants (id, name, created_at) VALUES ('{TENANT}', 'Sweep', 0);
         INSERT INTO learners (id, tenant_id, username, email, first_name, last_name, role,
             created_at, updated_at)
         SELECT {}, '{TENANT}', 'sweep' || i, 'sweep' || i || '@scale.example', '', '',
             'learner', 0, 0 FROM {} AS n;
         INSERT INTO courses (id, tenant_id, kind, title, description, requires_approval,
             version, created_at, updated_at)
         SELECT {}, '{TENANT}', 'online_course', 'Course ' || i, '', false, 1, 0, 0
             FROM {} AS n;
         INSERT INTO enrollments (id, tenant_id, learner_id, course_id, state, active,
             progress, time_spent_ms, lock_after_due, added_at, expires_at, updated_at,
             source, series_id, instance, course_version)
         SELECT {id}, '{TENANT}', {learner}, {course}, 'not_started', true, 0, 0, false,
             {now_ms}, {now_ms} + (l.i * {courses} + c.i) * {step}, {now_ms},
             'admin', {id}, 0, 1
         FROM {} AS l CROSS JOIN {} AS c;",
        uuid("a1000000", "i"),
        series(1000),
        uuid("c1000000", "i"),
        series(courses),
        series(1000),
        series(courses),
        id = uuid("e1000000", &format!("l.i * {courses} + c.i")),
        step = 3650 * DAY_MS / rows,
    );
    store.write(|c| Ok(c.batch_execute(&sql)?)).unwrap();
    // Statistics as a database that grew by use would have them (PostgreSQL plans a bulk-loaded
    // table without any until autovacuum gets to it).
    store.write(|c| Ok(c.batch_execute("ANALYZE")?)).unwrap();
}

#[test]
#[ignore = "a measurement (minutes): run it on its own"]
fn a_ten_year_advance_over_a_million_enrollments_never_holds_the_writer_for_long() {
    let rows: i64 = std::env::var("ENROLL_SWEEP_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    for db in TestDb::all().unwrap() {
        let clock = Arc::new(OffsetClock::new(0));
        let store = db.store(clock.clone()).unwrap();
        let t = Instant::now();
        load(&store, rows, enroll_domain::clock::to_millis(store.now()));
        eprintln!("{db:?}: {rows} enrollments loaded in {:.1?}", t.elapsed());
        clock.advance(time::Duration::days(3651));
        let done = AtomicBool::new(false);
        let (changed, took, probes, longest) = std::thread::scope(|s| {
            let probe = s.spawn(|| {
                let (mut n, mut longest) = (0u32, Duration::ZERO);
                while !done.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    store.set_setting("sweep_probe", &n.to_string()).unwrap();
                    longest = longest.max(t.elapsed());
                    n += 1;
                    std::thread::sleep(Duration::from_millis(5));
                }
                (n, longest)
            });
            let t = Instant::now();
            let changed = store.expire_due().unwrap();
            let took = t.elapsed();
            done.store(true, Ordering::Relaxed);
            let (n, longest) = probe.join().unwrap();
            (changed, took, n, longest)
        });
        let batches = (rows + enroll_store::enrollments::expiry::BATCH - 1)
            / enroll_store::enrollments::expiry::BATCH;
        eprintln!(
            "{db:?}: swept {changed} in {took:.1?} ({batches} batches, {:.1?} each on \
             average); {probes} concurrent writes, the longest waited {longest:.1?}",
            took / u32::try_from(batches).unwrap()
        );
        assert_eq!(changed, usize::try_from(rows).unwrap());
        assert!(longest < Duration::from_secs(1), "{db:?}: {longest:?}");
    }
}
