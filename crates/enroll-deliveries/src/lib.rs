//! Outbound deliveries of the ledger's events, a worker of its background tasks
//! ([`enroll_store::tasks::Tasks::worker`]): the events that subscriptions select are turned
//! into messages by the facades' renderers ([`Background`]), queued in the outbox in the same
//! transaction (durable, at least once, in order per destination), and POSTed with reqwest,
//! every attempt recorded, failures retried with exponential backoff.
//!
//! ```no_run
//! # async fn host(store: enroll_store::Store, facade: enroll_deliveries::Background) {
//! use enroll_deliveries::{Deliveries, DeliveryOptions};
//! use enroll_store::tasks::Tasks;
//! let deliveries = Deliveries::new(DeliveryOptions::default()).with(facade);
//! let running = Tasks::new(store).worker(deliveries).start();
//! # running.stop();
//! # }
//! ```
//!
//! # Features
//! * `sqlite`, `postgres` (both default): the backends, as `enroll-store`'s.
//! * `http` (default): sending with reqwest (rustls). Without it the worker only renders and
//!   queues the messages, and says so in the log.
#[cfg(feature = "http")]
mod destinations;
#[cfg(feature = "http")]
mod send;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use enroll_domain::model::Dialect;
use enroll_store::enrollments::SeriesView;
use enroll_store::events::{Notice, Rendered, Subscription};
use enroll_store::outbox::RetryPolicy;
use enroll_store::store::Store;
use enroll_store::tasks::Worker;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// A facade's renderer of notices: `None` for a subscription that is not its own.
type NoticeFn = Arc<dyn Fn(&Subscription, &Notice<'_>) -> Option<Vec<Rendered>> + Send + Sync>;

/// What a facade contributes to the deliveries: how its outbound messages look. Facades with
/// such work export a function returning one (e.g. `scormcloud_invitations::background`).
#[derive(Clone, Default)]
#[must_use]
pub struct Background {
    notices: Option<NoticeFn>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background")
            .field("notices", &self.notices.is_some())
            .finish()
    }
}

impl Background {
    /// Nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renders the state of a series whose enrollments' events a subscription selected: one
    /// delivery per notice, whatever its events (`None`: not this facade's subscription).
    /// SCORM Cloud's post-backs.
    pub fn postback(
        mut self,
        render: impl Fn(&Subscription, &SeriesView) -> Option<Rendered> + Send + Sync + 'static,
    ) -> Self {
        self.notices = Some(Arc::new(move |sub, notice| {
            render(sub, notice.series).map(|r| vec![r])
        }));
        self
    }

    /// Renders the notices of `dialect`'s subscriptions: any number of deliveries per notice
    /// (a webhook per event, say), enqueued in order.
    pub fn notices(
        mut self,
        dialect: Dialect,
        render: impl Fn(&Subscription, &Notice<'_>) -> Vec<Rendered> + Send + Sync + 'static,
    ) -> Self {
        self.notices = Some(Arc::new(move |sub, notice| {
            (sub.dialect == dialect.as_str()).then(|| render(sub, notice))
        }));
        self
    }
}

/// How deliveries are sent.
#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// Per-request timeout (default 10 s).
    pub timeout: Duration,
    /// When to retry and when to give up.
    pub retry: RetryPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Hosts deliveries may go to (`host` or `host:port`, case-insensitive); `None` (the
    /// default) allows any. A message to another host is not sent: it fails at once with
    /// "destination not allowed", visible in the outbox. For shared deployments, where
    /// tenants' post-back URLs must not reach internal services. With a list, a redirect is
    /// followed only to a host on it ("redirected to a destination that is not allowed"
    /// otherwise), and a host name only to public addresses or addresses listed themselves:
    /// names are checked after resolution (see `destinations.rs`).
    pub allowed_hosts: Option<Vec<String>>,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: "enroll-gateway".into(),
            allowed_hosts: None,
        }
    }
}

/// The delivery worker: every facade's renderers, asked in turn, and how messages are sent.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct Deliveries {
    hooks: Vec<Background>,
    options: DeliveryOptions,
}

impl Deliveries {
    /// Deliveries sent as `options` say, with no renderer yet.
    pub fn new(options: DeliveryOptions) -> Self {
        Self {
            hooks: Vec::new(),
            options,
        }
    }

    /// Adds a facade's renderers.
    pub fn with(mut self, background: Background) -> Self {
        self.hooks.push(background);
        self
    }
}

impl Worker for Deliveries {
    fn start(self: Box<Self>, store: Store) -> JoinHandle<()> {
        let renderers: Vec<NoticeFn> = self
            .hooks
            .iter()
            .filter_map(|h| h.notices.clone())
            .collect();
        #[cfg(feature = "http")]
        return tokio::spawn(send::run(store, renderers, self.options));
        #[cfg(not(feature = "http"))]
        {
            let _ = (store, self.options);
            if !renderers.is_empty() {
                log::warn!(
                    "outbound deliveries are not sent: enroll-deliveries was built without \
                     its `http` feature"
                );
            }
            tokio::spawn(async {})
        }
    }
}
