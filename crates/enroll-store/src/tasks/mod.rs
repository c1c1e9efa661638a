//! The ledger's background tasks, for the gateway and for any host that embeds a facade:
//!
//! * the expiry sweep (enrollments whose end date passed become `expired`), every 5 s, in
//!   short batches;
//! * the clock refresh, when given a [`SharedClock`] (another process may have advanced it);
//! * the private-invitation jobs (a facade's [`Background`] renders the mails), woken by new
//!   jobs, with a slow poll for jobs whose runner stopped;
//! * with the `deliveries` feature, outbound deliveries (post-backs, webhooks): the events
//!   subscriptions select, rendered by their facades, POSTed with retries and backoff (see
//!   [`crate::events::notices`] and [`crate::outbox`]);
//! * pruning, every minute: finished deliveries and their attempts, mail, events left pending
//!   that no task collects and old login failure counts, by age and count
//!   ([`Tasks::retention`]).
//!
//! ```no_run
//! # async fn host(store: enroll_store::Store, facade: enroll_store::tasks::Background) {
//! use enroll_store::tasks::Tasks;
//! let running = Tasks::new(store).with(facade).start();
//! // … serve …
//! running.stop();
//! # }
//! ```
//! `start` spawns on the current tokio runtime (`#[actix_web::main]` provides one). Each task
//! claims its work with a lease in the database, so several processes on one PostgreSQL
//! database share it.
mod invitations;
mod prune;
mod sweep;

#[cfg(feature = "deliveries")]
mod deliveries;
#[cfg(feature = "deliveries")]
mod destinations;

use crate::clock::SharedClock;
use crate::enrollments::SeriesView;
use crate::events::{Notice, Rendered, Subscription};
use crate::invitations::{MailContext, RenderedMail};
use crate::options::Retention;
use crate::store::Store;
use enroll_domain::model::Dialect;
use std::sync::Arc;
use tokio::task::JoinHandle;

#[cfg(feature = "deliveries")]
pub use deliveries::DeliveryOptions;

type MailFn = Arc<dyn Fn(&MailContext<'_>) -> RenderedMail + Send + Sync>;
/// A facade's renderer of notices: `None` for a subscription that is not its own.
type NoticeFn = Arc<dyn Fn(&Subscription, &Notice<'_>) -> Option<Vec<Rendered>> + Send + Sync>;

/// What a facade contributes to the background tasks: how its invitation mails and its
/// outbound deliveries look. Facades with such work export a function returning one (e.g.
/// `scormcloud_invitations::background`).
#[derive(Clone, Default)]
#[must_use]
pub struct Background {
    mail: Option<MailFn>,
    notices: Option<NoticeFn>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background")
            .field("mail", &self.mail.is_some())
            .field("notices", &self.notices.is_some())
            .finish()
    }
}

impl Background {
    /// Nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renders the mail of a private invitation's recipient.
    pub fn invitation_mail(
        mut self,
        render: impl Fn(&MailContext<'_>) -> RenderedMail + Send + Sync + 'static,
    ) -> Self {
        self.mail = Some(Arc::new(render));
        self
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

/// Collects the tasks to run, then [`Tasks::start`]s them.
#[derive(Debug)]
#[must_use]
pub struct Tasks {
    store: Store,
    clock: Option<SharedClock>,
    hooks: Vec<Background>,
    retention: Retention,
    #[cfg(feature = "deliveries")]
    deliveries: DeliveryOptions,
}

impl Tasks {
    /// The expiry sweep on `store`, plus what is added. The tasks use connections of their
    /// own (a small pool beside the requests'), outside the requests' admission queue: an
    /// overload of requests does not stall them.
    pub fn new(store: Store) -> Self {
        Self {
            store: store.background(),
            clock: None,
            hooks: Vec::new(),
            retention: Retention::default(),
            #[cfg(feature = "deliveries")]
            deliveries: DeliveryOptions::default(),
        }
    }

    /// Keeps `clock` (the store's) in step with the offset stored in the database.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Adds a facade's renderers: its invitation jobs and deliveries run too. Deliveries ask
    /// every facade in turn; invitation jobs have one mail renderer, the first one added (only
    /// SCORM Cloud has private invitations today).
    pub fn with(mut self, background: Background) -> Self {
        self.hooks.push(background);
        self
    }

    /// How much outbound history is kept (default: [`Retention::default`]).
    pub fn retention(mut self, retention: Retention) -> Self {
        self.retention = retention;
        self
    }

    /// How deliveries are sent (timeout, retries).
    #[cfg(feature = "deliveries")]
    pub fn deliveries(mut self, options: DeliveryOptions) -> Self {
        self.deliveries = options;
        self
    }

    /// Spawns the tasks on the current tokio runtime; they run until [`Running::stop`] (or
    /// the runtime ends). On PostgreSQL it also starts the store's notification listener, so
    /// work queued by other processes wakes these tasks.
    pub fn start(self) -> Running {
        self.store.listen();
        let mut handles = vec![
            tokio::spawn(sweep::run(self.store.clone())),
            tokio::spawn(prune::run(self.store.clone(), self.retention)),
        ];
        if let Some(clock) = self.clock {
            handles.push(tokio::spawn(sweep::refresh(self.store.clone(), clock)));
        }
        if let Some(mail) = self.hooks.iter().find_map(|h| h.mail.clone()) {
            handles.push(tokio::spawn(invitations::run(self.store.clone(), mail)));
        }
        let renderers: Vec<NoticeFn> = self
            .hooks
            .iter()
            .filter_map(|h| h.notices.clone())
            .collect();
        #[cfg(feature = "deliveries")]
        handles.push(tokio::spawn(deliveries::run(
            self.store,
            renderers,
            self.deliveries,
        )));
        #[cfg(not(feature = "deliveries"))]
        if !renderers.is_empty() {
            log::warn!(
                "outbound deliveries are not sent: enroll-store was built without its \
                 `deliveries` feature"
            );
        }
        Running { handles }
    }
}

/// The started tasks.
#[derive(Debug)]
#[must_use = "the tasks run until `stop`; keep the handle"]
pub struct Running {
    handles: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops every task (work in a transaction finishes or rolls back; leases lapse).
    pub fn stop(self) {
        self.handles.iter().for_each(JoinHandle::abort);
    }
}
