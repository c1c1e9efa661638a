//! Waking background work across processes on PostgreSQL: writes that give other processes
//! work send `NOTIFY <channel>` in their transaction (delivered when it commits); each
//! process's listener turns those into in-process wake-ups ([`crate::Db::notified`]).
use crate::conn::DbConn;
#[cfg(feature = "postgres")]
use crate::conn::Manager;
use crate::db::Topic;
use crate::error::StoreResult;
#[cfg(feature = "postgres")]
use diesel::connection::SimpleConnection;
#[cfg(feature = "postgres")]
use std::sync::Weak;
#[cfg(feature = "postgres")]
use std::time::Duration;

/// How often the listener looks at its connection for notifications.
#[cfg(feature = "postgres")]
const EVERY: Duration = Duration::from_millis(100);

/// Tells the other processes about `topic`, inside the caller's transaction (PostgreSQL; a
/// no-op on SQLite, where the in-process wake-up is enough).
pub fn send(conn: &mut DbConn, topic: Topic) -> StoreResult<()> {
    Ok(conn.on_pg(&format!("NOTIFY {}", topic.channel()))?)
}

#[cfg(feature = "postgres")]
pub(crate) fn listen(manager: &Manager, signals: &Weak<[tokio::sync::Notify; 3]>) {
    let mut conn = None;
    loop {
        std::thread::sleep(EVERY);
        let Some(signals) = signals.upgrade() else {
            return;
        };
        if conn.is_none() {
            conn = subscribe(manager);
        }
        #[allow(irrefutable_let_patterns)]
        let Some(DbConn::Pg(c)) = conn.as_mut() else {
            continue;
        };
        let mut broken = false;
        for n in c.notifications_iter() {
            match n {
                Ok(n) => {
                    if let Some(t) = Topic::ALL.into_iter().find(|t| t.channel() == n.channel) {
                        signals[t.index()].notify_one();
                    }
                }
                Err(e) => {
                    log::warn!("notification listener: {e}; reconnecting");
                    broken = true;
                    break;
                }
            }
        }
        if broken {
            conn = None;
            // Whatever was missed meanwhile: let the work look once.
            signals.iter().for_each(tokio::sync::Notify::notify_one);
        }
    }
}

#[cfg(feature = "postgres")]
fn subscribe(manager: &Manager) -> Option<DbConn> {
    let mut conn = manager.open().ok()?;
    let sql: String = Topic::ALL
        .iter()
        .map(|t| format!("LISTEN {};", t.channel()))
        .collect();
    match conn.batch_execute(&sql) {
        Ok(()) => Some(conn),
        Err(e) => {
            log::warn!("notification listener: cannot LISTEN: {e}");
            None
        }
    }
}
