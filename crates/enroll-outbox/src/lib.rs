//! The shared outbox: one durable mechanism for outgoing HTTP deliveries (SCORM Cloud
//! post-backs; LMS365 webhooks can reuse it) and for rendered mail (kept for the admin API).
//!
//! A message is written in the same transaction as the change it announces, so nothing is
//! lost on a crash. The delivery worker claims due HTTP messages with a lease (so two processes
//! on one PostgreSQL do not send the same message at once), records every attempt, and
//! reschedules failures with exponential backoff until [`RetryPolicy::max_attempts`].
//! Messages to one destination go out in order: a message is claimed only when no older one
//! for its destination is still pending.
//!
//! Leases and retry times are operational, so they follow the wall clock; the ledger's
//! (possibly advanced) clock only dates the messages (`created_at`, `delivered_at`).
mod prune;
pub mod schema;

use diesel::prelude::*;
use enroll_db::conn::DbConn;
use enroll_db::{Db, StoreError, StoreResult, Topic};
use enroll_domain::clock::{from_millis, to_millis};
pub use prune::{BATCH as PRUNE_BATCH, PrunedMessages};
use schema::{outbox, outbox_attempts};
use time::OffsetDateTime;
use uuid::Uuid;

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// An HTTP POST to `target`, retried until it succeeds.
    Http,
    /// An e-mail to `target`; stored in the mailbox the admin API lists (never sent out).
    Mail,
}

impl Channel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Mail => "mail",
        }
    }
}

/// A message to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub tenant_id: Option<Uuid>,
    pub channel: Channel,
    /// What it is about, e.g. `scormcloud.postback` or `scormcloud.invitation`.
    pub topic: String,
    /// URL (HTTP) or e-mail address (mail).
    pub target: String,
    /// Extra request headers (e.g. `Authorization`).
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    /// Mail subject.
    pub subject: Option<String>,
    pub body: String,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub channel: String,
    pub topic: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    pub subject: Option<String>,
    pub body: String,
    /// `pending`, `delivered` or `failed` (gave up).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
}

/// When to retry and when to give up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    pub max_attempts: i32,
    pub base_backoff_ms: i64,
    pub max_backoff_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_backoff_ms: 1_000,
            max_backoff_ms: 3_600_000,
        }
    }
}

impl RetryPolicy {
    /// The wait after the `attempt`-th failure (1-based): base × 2^(attempt-1), capped.
    pub fn backoff_ms(&self, attempt: i32) -> i64 {
        let shift = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.base_backoff_ms
            .saturating_mul(1i64 << shift)
            .min(self.max_backoff_ms)
    }
}

/// The result of one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub status_code: Option<u16>,
    pub error: Option<String>,
}

impl Attempt {
    /// A 2xx answer.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

type Row = (
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    i32,
    i64,
    Option<String>,
    i64,
    Option<i64>,
);

macro_rules! columns {
    () => {
        (
            outbox::id,
            outbox::tenant_id,
            outbox::channel,
            outbox::topic,
            outbox::target,
            outbox::headers,
            outbox::content_type,
            outbox::subject,
            outbox::body,
            outbox::status,
            outbox::attempts,
            outbox::next_attempt_at,
            outbox::last_error,
            outbox::created_at,
            outbox::delivered_at,
        )
    };
}

fn to_message(r: Row) -> StoreResult<Message> {
    let headers: Vec<(String, String)> = serde_json::from_str(&r.5)
        .map_err(|e| StoreError::Internal(format!("bad outbox headers: {e}")))?;
    Ok(Message {
        id: uuid(&r.0)?,
        tenant_id: r.1.as_deref().map(uuid).transpose()?,
        channel: r.2,
        topic: r.3,
        target: r.4,
        headers,
        content_type: r.6,
        subject: r.7,
        body: r.8,
        status: r.9,
        attempts: r.10,
        next_attempt_at: from_millis(r.11),
        last_error: r.12,
        created_at: from_millis(r.13),
        delivered_at: r.14.map(from_millis),
    })
}

/// Enqueues a message inside a caller's transaction. Mail is stored as delivered at once.
pub fn enqueue_in(conn: &mut DbConn, msg: &NewMessage, now_ms: i64) -> StoreResult<Uuid> {
    enqueue_all_in(conn, std::slice::from_ref(msg), now_ms)?
        .pop()
        .ok_or_else(|| StoreError::Internal("no id for the enqueued message".into()))
}

/// Enqueues messages inside a caller's transaction (multi-row inserts, 400 messages per
/// statement), in the order given: their ids, in order. Mail is stored as delivered at once.
pub fn enqueue_all_in(
    conn: &mut DbConn,
    msgs: &[NewMessage],
    now_ms: i64,
) -> StoreResult<Vec<Uuid>> {
    let next_attempt = wall_ms();
    let mut ids = Vec::with_capacity(msgs.len());
    for chunk in msgs.chunks(400) {
        let rows = chunk
            .iter()
            .map(|msg| {
                // Time-ordered: messages of one destination created in the same millisecond
                // keep their order.
                let id = Uuid::now_v7();
                ids.push(id);
                let headers = serde_json::to_string(&msg.headers)
                    .map_err(|e| StoreError::Internal(format!("cannot encode headers: {e}")))?;
                let mail = msg.channel == Channel::Mail;
                Ok((
                    outbox::id.eq(id.to_string()),
                    outbox::tenant_id.eq(msg.tenant_id.map(|t| t.to_string())),
                    outbox::channel.eq(msg.channel.as_str()),
                    outbox::topic.eq(&msg.topic),
                    outbox::target.eq(&msg.target),
                    outbox::headers.eq(headers),
                    outbox::content_type.eq(&msg.content_type),
                    outbox::subject.eq(&msg.subject),
                    outbox::body.eq(&msg.body),
                    outbox::status.eq(if mail { "delivered" } else { "pending" }),
                    outbox::attempts.eq(0),
                    outbox::next_attempt_at.eq(next_attempt),
                    outbox::created_at.eq(now_ms),
                    outbox::delivered_at.eq(mail.then_some(now_ms)),
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        // Every column bound (no DEFAULT): one statement on SQLite too.
        enroll_db::on_backend!(conn, c => diesel::insert_into(outbox::table).values(&rows).execute(c))?;
    }
    if msgs.iter().any(|m| m.channel != Channel::Mail) {
        enroll_db::notify_in(conn, Topic::Deliveries)?;
    }
    Ok(ids)
}

/// No older message for the same destination is still pending (per-destination order).
const OLDEST_OF_DESTINATION: &str = "NOT EXISTS (SELECT 1 FROM outbox o2 WHERE o2.channel = \
     outbox.channel AND o2.target = outbox.target AND o2.status = 'pending' AND \
     (o2.created_at < outbox.created_at OR (o2.created_at = outbox.created_at AND o2.id < outbox.id)))";

fn uuid(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Internal(format!("bad uuid in database: {e}")))
}

/// The wall clock in epoch milliseconds: leases and retry times must not move with the
/// ledger's test clock (an advanced clock would end every lease early).
fn wall_ms() -> i64 {
    to_millis(OffsetDateTime::now_utc())
}

/// The outbox's operations over a database, for the ledger (the store implements it) and
/// anything built on it: bring the trait into scope to call them.
pub trait Outbox {
    /// The database the outbox lives in.
    fn db(&self) -> &Db;

    /// The ledger's clock: what dates the messages.
    fn now(&self) -> OffsetDateTime;

    /// Enqueues one message in its own transaction.
    fn enqueue(&self, msg: &NewMessage) -> StoreResult<Uuid> {
        let now = to_millis(self.now());
        let id = self.db().write(|c| enqueue_in(c, msg, now))?;
        self.db().notify(Topic::Deliveries);
        Ok(id)
    }

    /// Claims up to `limit` due HTTP messages for `lease_ms` (others skip them meanwhile),
    /// at most one per destination, and only a destination's oldest pending message.
    fn claim_deliveries(&self, limit: i64, lease_ms: i64) -> StoreResult<Vec<Message>> {
        let now = wall_ms();
        // A cheap read first: the write turn is taken only when something is due.
        let due: i64 = self.db().with_conn(|c| {
            Ok(outbox::table
                .filter(outbox::channel.eq(Channel::Http.as_str()))
                .filter(outbox::status.eq("pending"))
                .filter(outbox::next_attempt_at.le(now))
                .count()
                .get_result(c)?)
        })?;
        if due == 0 {
            return Ok(vec![]);
        }
        self.db().write(|c| {
            let rows: Vec<Row> = outbox::table
                .filter(outbox::channel.eq(Channel::Http.as_str()))
                .filter(outbox::status.eq("pending"))
                .filter(outbox::next_attempt_at.le(now))
                .filter(
                    outbox::lease_until
                        .is_null()
                        .or(outbox::lease_until.lt(now)),
                )
                .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    OLDEST_OF_DESTINATION,
                ))
                .select(columns!())
                .order((outbox::next_attempt_at, outbox::id))
                .limit(limit)
                .load(c)?;
            let mut claimed = Vec::with_capacity(rows.len());
            for r in rows {
                // Guarded claim: on PostgreSQL a concurrent worker re-checks after our commit.
                let n = diesel::update(
                    outbox::table
                        .filter(outbox::id.eq(&r.0))
                        .filter(outbox::status.eq("pending"))
                        .filter(
                            outbox::lease_until
                                .is_null()
                                .or(outbox::lease_until.lt(now)),
                        ),
                )
                .set(outbox::lease_until.eq(now.saturating_add(lease_ms)))
                .execute(c)?;
                if n == 1 {
                    claimed.push(to_message(r)?);
                }
            }
            Ok(claimed)
        })
    }

    /// When the next pending HTTP message falls due (wall clock), if any is pending.
    fn next_delivery_due(&self) -> StoreResult<Option<OffsetDateTime>> {
        self.db().with_conn(|c| {
            let at: Option<i64> = outbox::table
                .filter(outbox::channel.eq(Channel::Http.as_str()))
                .filter(outbox::status.eq("pending"))
                .select(diesel::dsl::min(outbox::next_attempt_at))
                .first(c)?;
            Ok(at.map(from_millis))
        })
    }

    /// Records an attempt: delivered on 2xx, else rescheduled with backoff or given up.
    /// Returns the message's new status.
    fn record_attempt(
        &self,
        id: Uuid,
        attempt: &Attempt,
        policy: &RetryPolicy,
    ) -> StoreResult<String> {
        let (now, dated) = (wall_ms(), to_millis(self.now()));
        self.db().write(|c| {
            let (attempts, status): (i32, String) = outbox::table
                .filter(outbox::id.eq(id.to_string()))
                .select((outbox::attempts, outbox::status))
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::NotFound("outbox message".into()))?;
            if status != "pending" {
                return Ok(status);
            }
            let n = attempts.saturating_add(1);
            diesel::insert_into(outbox_attempts::table)
                .values((
                    outbox_attempts::outbox_id.eq(id.to_string()),
                    outbox_attempts::attempt.eq(n),
                    outbox_attempts::attempted_at.eq(dated),
                    outbox_attempts::status_code.eq(attempt.status_code.map(i32::from)),
                    outbox_attempts::error.eq(&attempt.error),
                ))
                .execute(c)?;
            let error = attempt.error.clone().or_else(|| {
                attempt
                    .status_code
                    .filter(|_| !attempt.succeeded())
                    .map(|s| format!("HTTP {s}"))
            });
            let new_status = if attempt.succeeded() {
                "delivered"
            } else if n >= policy.max_attempts {
                "failed"
            } else {
                "pending"
            };
            diesel::update(outbox::table.filter(outbox::id.eq(id.to_string())))
                .set((
                    outbox::attempts.eq(n),
                    outbox::status.eq(new_status),
                    outbox::lease_until.eq(None::<i64>),
                    outbox::last_error.eq(error),
                    outbox::next_attempt_at.eq(now.saturating_add(policy.backoff_ms(n))),
                    outbox::delivered_at.eq(attempt.succeeded().then_some(dated)),
                ))
                .execute(c)?;
            Ok(new_status.to_string())
        })
    }

    /// A page of a tenant's messages on one channel, newest first, and the total count.
    fn list_outbox(
        &self,
        tenant_id: Uuid,
        channel: Channel,
        target: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<Message>)> {
        self.db().read(|c| {
            let base = || {
                let mut q = outbox::table
                    .filter(outbox::tenant_id.eq(tenant_id.to_string()))
                    .filter(outbox::channel.eq(channel.as_str()))
                    .into_boxed();
                if let Some(t) = target {
                    q = q.filter(outbox::target.eq(t.to_string()));
                }
                q
            };
            let total: i64 = base().count().get_result(c)?;
            let rows: Vec<Row> = base()
                .select(columns!())
                .order((outbox::created_at.desc(), outbox::id))
                .limit(limit)
                .offset(offset)
                .load(c)?;
            Ok((
                total,
                rows.into_iter()
                    .map(to_message)
                    .collect::<StoreResult<_>>()?,
            ))
        })
    }

    /// One message by id.
    fn outbox_message(&self, id: Uuid) -> StoreResult<Message> {
        self.db().with_conn(|c| {
            let r: Row = outbox::table
                .filter(outbox::id.eq(id.to_string()))
                .select(columns!())
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::NotFound("outbox message".into()))?;
            to_message(r)
        })
    }

    /// Deletes finished messages created before `cutoff` (epoch ms), and all but the newest
    /// `keep` of each channel, in batches; returns how many.
    fn prune_messages(&self, cutoff: i64, keep: i64) -> StoreResult<PrunedMessages> {
        prune::prune(self, cutoff, keep)
    }
}
