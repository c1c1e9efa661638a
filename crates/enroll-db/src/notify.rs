//! Waking background work across processes on PostgreSQL: writes that give other processes
//! work send `NOTIFY <channel>` in their transaction (delivered when it commits); each
//! process's listener turns those into in-process wake-ups ([`crate::Db::notified`]). It also
//! hears revocations of credentials (`enroll_credentials`, sent by a trigger on `tokens`) and
//! bumps this process's credential generation (generation.rs).
use crate::conn::DbConn;
#[cfg(feature = "postgres")]
use crate::conn::Manager;
use crate::db::Topic;
use crate::error::StoreResult;
#[cfg(feature = "postgres")]
use crate::generation::Generation;
#[cfg(feature = "postgres")]
use diesel::connection::SimpleConnection;
#[cfg(feature = "postgres")]
use std::sync::{Arc, Weak};
#[cfg(feature = "postgres")]
use std::time::Duration;

/// How often the listener looks at its connection for notifications: also how long another
/// process's revocation can take to end what this process cached (generation.rs).
#[cfg(feature = "postgres")]
const EVERY: Duration = Duration::from_millis(25);

/// The channel revocations of credentials are announced on (migration 000902's trigger).
#[cfg(feature = "postgres")]
const CREDENTIALS: &str = "enroll_credentials";

/// Tells the other processes about `topic`, inside the caller's transaction (PostgreSQL; a
/// no-op on SQLite, where the in-process wake-up is enough).
pub fn send(conn: &mut DbConn, topic: Topic) -> StoreResult<()> {
    Ok(conn.on_pg(&format!("NOTIFY {}", topic.channel()))?)
}

#[cfg(feature = "postgres")]
pub(crate) fn listen(
    manager: &Manager,
    signals: &Weak<[tokio::sync::Notify; 3]>,
    generation: &Arc<Generation>,
) {
    let mut conn = None;
    loop {
        std::thread::sleep(EVERY);
        let Some(signals) = signals.upgrade() else {
            generation.deaf();
            return;
        };
        if conn.is_none() {
            conn = subscribe(manager);
            // Whatever was revoked before the subscription was not heard.
            generation.bump();
        }
        #[allow(irrefutable_let_patterns)]
        let Some(DbConn::Pg(c)) = conn.as_mut() else {
            continue;
        };
        let mut broken = false;
        for n in c.notifications_iter() {
            match n {
                Ok(n) if n.channel == CREDENTIALS => generation.bump(),
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
            generation.deaf();
            conn = None;
            // Whatever was missed meanwhile: let the work look once.
            signals.iter().for_each(tokio::sync::Notify::notify_one);
        } else {
            generation.polled();
        }
    }
}

#[cfg(feature = "postgres")]
fn subscribe(manager: &Manager) -> Option<DbConn> {
    let mut conn = manager.open().ok()?;
    let sql: String = Topic::ALL
        .iter()
        .map(|t| t.channel())
        .chain([CREDENTIALS])
        .map(|channel| format!("LISTEN {channel};"))
        .collect();
    match conn.batch_execute(&sql) {
        Ok(()) => Some(conn),
        Err(e) => {
            log::warn!("notification listener: cannot LISTEN: {e}");
            None
        }
    }
}
