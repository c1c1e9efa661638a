//! WAL checkpoints off the request path (SQLite).
//!
//! Every connection runs with `wal_autocheckpoint = 0`: left on, SQLite checkpoints inside
//! whichever commit crosses 1,000 WAL pages, and that request (and every writer queued behind
//! it) waits while pages are copied back and the files are synced, which showed as
//! second-long p99s under sustained writes. Instead one background thread per store runs a
//! PASSIVE checkpoint every [`INTERVAL`]: it copies what it can without taking the write lock
//! and never blocks readers or writers.
//!
//! A passive checkpoint alone never lets the WAL shrink under steady writes: SQLite rewinds
//! the WAL only when a write transaction starts with every frame already copied back, and new
//! frames keep arriving while the copy runs. So once the WAL passes [`REWIND_PAGES`], a last
//! passive checkpoint runs in turn with the writers, between two batches; it has only the few
//! frames written since the previous pass to copy, and the next batch starts the WAL over.
//! That pass syncs both files and holds writers off for tens of milliseconds under load, so it
//! waits until writers have left the connection alone for a moment (`Writer::idle`), unless
//! the WAL has reached [`MAX_WAL_PAGES`].
use crate::conn::{DbConn, Manager};
use crate::writer::Writer;
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Integer;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// A passive pass this short leaves little for the pass under the writers' turn.
const QUICK_PASS: Duration = Duration::from_millis(5);
/// How often the checkpointer looks at the WAL.
const INTERVAL: Duration = Duration::from_millis(100);
/// WAL size (in pages of 4 KiB) past which the WAL is rewound when writers are idle (64 MiB).
const REWIND_PAGES: i32 = 16 * 1024;
/// … and past which it is rewound even with writers queued (1 GiB).
const MAX_WAL_PAGES: i32 = 256 * 1024;

#[derive(diesel::QueryableByName)]
struct CheckpointRow {
    #[diesel(sql_type = Integer)]
    log: i32,
    #[diesel(sql_type = Integer)]
    checkpointed: i32,
}

/// Starts the checkpointer; it ends when the store (its writer) is dropped.
pub(crate) fn spawn(manager: Manager, writer: &Arc<Writer>) {
    let writer = Arc::downgrade(writer);
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || run(&manager, &writer));
    if let Err(e) = spawned {
        log::warn!("no WAL checkpointer thread ({e}); the WAL grows until restart");
    }
}

fn run(manager: &Manager, writer: &Weak<Writer>) {
    let mut conn = None;
    loop {
        std::thread::sleep(INTERVAL);
        let Some(w) = writer.upgrade() else { return };
        if conn.is_none() {
            conn = manager.open().ok();
        }
        let Some(DbConn::Sqlite(c)) = conn.as_mut() else {
            continue;
        };
        let row: Result<Vec<CheckpointRow>, _> =
            diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").load(c);
        match row.as_deref() {
            Ok([r, ..]) if r.log >= MAX_WAL_PAGES || (r.log >= REWIND_PAGES && w.idle()) => {
                log::debug!(
                    "WAL at {} pages ({} copied back): rewinding it",
                    r.log,
                    r.checkpointed
                );
                // More passes without the lock first, until one is quick: each copies (and
                // syncs) only what arrived during the previous one, so the pass under the lock
                // has little to copy and, above all, little unsynced WAL to wait for.
                for _ in 0..8 {
                    let t = std::time::Instant::now();
                    if let Err(e) = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                        log::warn!("WAL checkpoint failed: {e}");
                        break;
                    }
                    if t.elapsed() < QUICK_PASS {
                        break;
                    }
                }
                let t = std::time::Instant::now();
                let tail =
                    w.exclusive(|wc| Ok(wc.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")?));
                log::debug!("WAL rewind held writers off for {:?}", t.elapsed());
                if let Err(e) = tail {
                    log::warn!("WAL checkpoint failed: {e}");
                }
            }
            Ok(_) => {}
            Err(e) => {
                log::warn!("WAL checkpoint failed: {e}");
                conn = None;
            }
        }
    }
}
