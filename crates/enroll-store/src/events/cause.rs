//! Who caused a change: the dialect (or `admin`, or the ledger itself) and, where known, the
//! principal acting through it.
//!
//! A host gives each facade a [`Store`] that names its dialect ([`Store::caused_by`]); every
//! write through that handle records it on the events it makes. The cause travels with the
//! unit of work: [`Store::write`] sets it for the closure's run on whatever thread runs it
//! (the SQLite writer's included), so no write path below has to pass it along.
use crate::store::Store;
use enroll_domain::model::Dialect;
use std::cell::RefCell;
use std::sync::Arc;

/// The dialect the ledger's own work is recorded under (the expiry sweep, background jobs,
/// a store handle that names no cause).
pub const LEDGER: &str = "ledger";

/// Who caused a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// A dialect's name ([`Dialect::as_str`]), `admin` (the admin API) or [`LEDGER`].
    pub dialect: String,
    /// Who acted through it, when known (an account, a learner id, an API key).
    pub principal: Option<String>,
    /// A message that goes with the change (a cancellation message, a rejection reason):
    /// recorded on the events of the unit of work that gives it (an action's note).
    pub note: Option<String>,
}

impl Cause {
    /// A dialect's facade, principal unknown.
    pub fn dialect(d: Dialect) -> Self {
        Self::source(d.as_str())
    }

    /// Any source by name (e.g. `admin`), principal unknown.
    pub fn source(name: impl Into<String>) -> Self {
        Self {
            dialect: name.into(),
            principal: None,
            note: None,
        }
    }

    /// The ledger itself: time-based expiry, background jobs.
    pub fn ledger() -> Self {
        Self::source(LEDGER)
    }

    /// The same source, acted on by `principal`.
    pub fn by(mut self, principal: impl Into<String>) -> Self {
        self.principal = Some(principal.into());
        self
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Cause>>> = const { RefCell::new(None) };
}

/// The cause of the unit of work running on this thread ([`Cause::ledger`] when none is set).
pub(crate) fn current() -> Arc<Cause> {
    CURRENT
        .with(|c| c.borrow().clone())
        .unwrap_or_else(|| Arc::new(Cause::ledger()))
}

/// Runs `f` with `cause` as the current cause, and restores the previous one after.
pub(crate) fn scoped<T>(cause: Option<Arc<Cause>>, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Arc<Cause>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|c| c.replace(cause));
    let _restore = Restore(previous);
    f()
}

/// Names `principal` as the one acting for the rest of the current unit of work, unless its
/// cause names one already: an authorized write's actor (see [`crate::access::scope_in`]).
/// [`Store::write`] restores the handle's own cause when the unit ends.
pub(crate) fn act_as(principal: impl FnOnce() -> String) {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        let mut cause = c.as_deref().cloned().unwrap_or_else(Cause::ledger);
        if cause.principal.is_none() {
            cause.principal = Some(principal());
            *c = Some(Arc::new(cause));
        }
    });
}

/// Records `note` on the events of the rest of the current unit of work (a cancellation
/// message, a rejection reason). [`Store::write`] restores the handle's own cause when the
/// unit ends.
pub(crate) fn with_note(note: Option<String>) {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        let mut cause = c.as_deref().cloned().unwrap_or_else(Cause::ledger);
        cause.note = note;
        *c = Some(Arc::new(cause));
    });
}

impl Store {
    /// This store, recording `cause` on every event its writes make (see the module docs).
    /// Cheap: a host makes one per mounted facade.
    pub fn caused_by(&self, cause: Cause) -> Store {
        self.with_cause(Some(Arc::new(cause)))
    }
}
