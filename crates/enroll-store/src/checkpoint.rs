//! WAL checkpoints off the request path (SQLite).
//!
//! Every connection runs with `wal_autocheckpoint = 0`: left on, SQLite checkpoints inside
//! whichever commit crosses 1,000 WAL pages, and that request (and every writer queued behind
//! it) waits while pages are copied back and the files are synced, which showed as
//! second-long p99s under sustained writes. Instead one background thread per store runs a
//! PASSIVE checkpoint every [`INTERVAL`]: it copies what it can without taking the write lock
//! and never blocks readers or writers. Should the WAL still outgrow [`MAX_WAL_PAGES`] (a
//! passive checkpoint cannot finish while readers hold old snapshots), a TRUNCATE checkpoint
//! runs with writers held off, which bounds the file.
use crate::conn::{DbConn, Manager};
use crate::writer::Writer;
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Integer;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often the checkpointer looks at the WAL.
const INTERVAL: Duration = Duration::from_millis(100);
/// WAL size (in pages of 4 KiB) past which writers are held off for a full checkpoint.
const MAX_WAL_PAGES: i32 = 64 * 1024;

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
            Ok([r, ..]) if r.log >= MAX_WAL_PAGES => {
                log::info!(
                    "WAL at {} pages ({} checkpointed): truncating it with writers held off",
                    r.log,
                    r.checkpointed
                );
                if let Err(e) =
                    w.exclusive(|wc| Ok(wc.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?))
                {
                    log::warn!("WAL truncate failed: {e}");
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
