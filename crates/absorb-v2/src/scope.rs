//! Whom an administrator acts on: the ledger's one authorization rule
//! ([`enroll_domain::access::Scope`], read by [`enroll_store::access`]), rendered Absorb's way.
//! Admins (role `admin`) reach every user of their tenant; department administrators reach
//! only the learners of their department and the departments below it, as Absorb limits them.
//! Lists hold only those learners, and a user outside the scope is answered exactly as an
//! unknown one (404 `User not found.`; an enrollment or attempt of theirs is `Enrollment not
//! found.` / `Attempt not found.`), so a department administrator learns nothing of other
//! departments. A department administrator without a department reaches nobody. Writes on a
//! user's enrollments check the scope in the write's own transaction (the store's
//! `*_as` methods); the ledger's `NotPermitted` becomes the same 404.
use crate::auth::Caller;
use crate::error::AbsorbError;
pub use enroll_domain::access::Scope;
use enroll_domain::model::{Learner, Role};
use enroll_store::access::Actor;
use enroll_store::learners::LearnerKey;
use enroll_store::{Store, StoreError, StoreResult};
use uuid::Uuid;

/// Ok if `scope` reaches `learner`; otherwise `NotFound(what)`, as for an unknown id.
pub fn check(scope: &Scope, learner: &Learner, what: &str) -> StoreResult<()> {
    if scope.reaches(learner) {
        Ok(())
    } else {
        Err(StoreError::NotFound(what.into()))
    }
}

/// The learner an Absorb user id names, if `scope` reaches them (`NotFound("user")` for an
/// unknown user and for one outside the scope alike).
pub fn learner(scope: &Scope, s: &Store, tenant_id: Uuid, user: Uuid) -> StoreResult<Learner> {
    let l = s.learner(tenant_id, &crate::ids::user(user))?;
    check(scope, &l, "user")?;
    Ok(l)
}

impl Caller {
    /// Who the caller is to the ledger.
    pub fn actor(&self) -> Actor {
        Actor::Learner(self.user.id)
    }

    /// Whether the caller reaches every user (an admin): writes need no scope check.
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// The caller's [`Scope`] (run it inside a store call: a department administrator's reads
    /// the department tree; an admin's needs no read).
    pub fn scope(&self, s: &Store) -> StoreResult<Scope> {
        if self.is_admin() {
            return Ok(Scope::All);
        }
        s.scope(self.tenant_id, &self.actor())
    }
}

impl Caller {
    /// The key to act on the user `user` names after checking the scope in its own read: the
    /// Absorb id itself for an admin, or the learner's ledger id once the scope is checked
    /// (`NotFound("user")` outside it). For writes the store has no `*_as` method for yet
    /// (session enrollments); the others check in the write's transaction.
    pub fn learner_key(&self, s: &Store, user: Uuid) -> StoreResult<LearnerKey> {
        if self.is_admin() {
            return Ok(crate::ids::user(user));
        }
        Ok(LearnerKey::Id(
            learner(&self.scope(s)?, s, self.tenant_id, user)?.id,
        ))
    }
}

/// The key an Absorb user id gives the store.
pub fn learner_key(user: Uuid) -> LearnerKey {
    crate::ids::user(user)
}

/// Ok if `caller` reaches `learner`, else `NotFound(what)` (no store call for an admin).
pub(crate) async fn ensure_reaches(
    caller: &Caller,
    store: &Store,
    learner: &Learner,
    what: &'static str,
) -> Result<(), AbsorbError> {
    if caller.is_admin() {
        return Ok(());
    }
    let (c, l) = (caller.clone(), learner.clone());
    crate::handlers::run(store, move |s| check(&c.scope(s)?, &l, what)).await
}
