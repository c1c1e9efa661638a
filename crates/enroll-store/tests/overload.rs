//! Overload, on every backend: beyond the places and the bounded queue a request's unit of
//! work is refused at once with `Busy` (the SQLite writer's queue too), and the background
//! tasks keep their own connections, so requests holding every pooled connection do not stall
//! the clock refresh.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use enroll_domain::SystemClock;
use enroll_store::clock::{CLOCK_OFFSET_KEY, SharedClock};
use enroll_store::options::SqliteLocking;
use enroll_store::tasks::Tasks;
use enroll_store::testing::TestDb;
use enroll_store::{Store, StoreError};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A store with one pooled connection, one place and a queue of two.
fn tight(db: &TestDb) -> Store {
    Store::builder(&db.url)
        .clock(Arc::new(SystemClock))
        .pool_size(1)
        .max_concurrent(1)
        .max_queued(2)
        .open()
        .unwrap()
}

#[tokio::test]
async fn beyond_the_queue_requests_are_refused_at_once() {
    for db in TestDb::all().unwrap() {
        let pg = db.url.starts_with("postgres");
        let store = tight(&db);
        // One unit holds the place (and, inside a write, the SQLite writer's turn) …
        let (release, held) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        let holder = tokio::spawn({
            let store = store.clone();
            async move {
                store
                    .call(move |s| {
                        s.write(|_| {
                            started.send(()).unwrap();
                            held.recv().unwrap();
                            Ok(())
                        })
                    })
                    .await
            }
        });
        tokio::task::spawn_blocking(move || running.recv().unwrap())
            .await
            .unwrap();
        // … two more wait for it …
        let calls: Vec<_> = (0..2)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.call(|s| s.setting(CLOCK_OFFSET_KEY)).await })
            })
            .collect();
        // … and on SQLite two async writes wait in the writer's queue (elsewhere they are
        // units like the others) …
        let writes: Vec<_> = (0..if pg { 0 } else { 2 })
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move { store.write_async(move |_| Ok(i)).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        // … so the next ones are refused without waiting.
        for _ in 0..3 {
            let t = Instant::now();
            let out = store.call(|s| s.setting(CLOCK_OFFSET_KEY)).await;
            assert!(matches!(out, Err(StoreError::Busy(_))), "{db:?}: {out:?}");
            let out = store.write_async(|_| Ok(())).await;
            assert!(matches!(out, Err(StoreError::Busy(_))), "{db:?}: {out:?}");
            assert!(t.elapsed() < Duration::from_millis(200), "{db:?}: at once");
        }
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        for c in calls {
            c.await.unwrap().unwrap();
        }
        for (i, w) in writes.into_iter().enumerate() {
            assert_eq!(
                w.await.unwrap().unwrap(),
                i,
                "{db:?}: the queued writes ran"
            );
        }
        assert!(store.call(|s| s.setting(CLOCK_OFFSET_KEY)).await.is_ok());
    }
}

#[tokio::test]
async fn the_clock_refresh_goes_on_while_requests_hold_every_connection() {
    for db in TestDb::all().unwrap() {
        let pg = db.url.starts_with("postgres");
        // Shared SQLite locking: the test's second handle stands for another writer.
        let open = || {
            Store::builder(&db.url)
                .sqlite_locking(SqliteLocking::Shared)
                .pool_size(1)
                .max_concurrent(1)
        };
        let clock = SharedClock::new();
        let store = open().clock(clock.clock()).open().unwrap();
        let running = Tasks::new(store.clone()).clock(clock.clone()).start();
        // A request holds the one pooled connection (and its place) until released.
        let (release, held) = mpsc::channel::<()>();
        let holder = tokio::task::spawn_blocking({
            let store = store.clone();
            move || {
                store.with_conn(|_| {
                    held.recv().unwrap();
                    Ok(())
                })
            }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        // Another process moves the ledger clock.
        let other = if pg {
            open().open().unwrap()
        } else {
            store.clone()
        };
        tokio::task::spawn_blocking(move || other.advance_clock_offset(3_600_000))
            .await
            .unwrap()
            .unwrap();
        // The tasks' refresh (every 5 s) takes it, through connections of their own.
        let until = Instant::now() + Duration::from_secs(8);
        while clock.offset_ms() != 3_600_000 {
            assert!(
                Instant::now() < until,
                "{db:?}: the clock refresh stalled behind the requests"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        running.stop();
    }
}
