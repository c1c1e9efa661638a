//! Whom an administrator acts on. Admins (role `admin`) reach every user of their tenant;
//! department administrators reach only the learners of their department and the departments
//! below it, as Absorb limits them. Lists hold only those learners, and a user outside the
//! scope is answered exactly as an unknown one (404 `User not found.`; an enrollment or attempt
//! of theirs is `Enrollment not found.` / `Attempt not found.`), so a department administrator
//! learns nothing of other departments. A department administrator without a department
//! reaches nobody.
use crate::auth::Caller;
use crate::error::AbsorbError;
use enroll_domain::model::{Learner, Role};
use enroll_store::learners::LearnerKey;
use enroll_store::{Store, StoreError, StoreResult};
use uuid::Uuid;

/// The learners an administrator may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every learner of the tenant (role `admin`).
    All,
    /// Learners of these departments (a department administrator's subtree; empty: nobody).
    Departments(Vec<Uuid>),
}

impl Scope {
    /// The scope of `user`. Reads the department tree only for a department administrator.
    pub fn of(s: &Store, tenant_id: Uuid, user: &Learner) -> StoreResult<Self> {
        Ok(match (user.role, user.department_id) {
            (Role::Admin, _) => Self::All,
            (Role::DepartmentAdmin, Some(root)) => {
                Self::Departments(s.department_scope(tenant_id, root)?)
            }
            // A learner reaches only itself (`/my-enrollments`), never through a scope.
            (Role::DepartmentAdmin, None) | (Role::Learner, _) => Self::Departments(Vec::new()),
        })
    }

    /// The departments a list is limited to (`None`: not limited), for
    /// `EnrollmentQuery::departments` and `LearnerQuery::departments`.
    pub fn departments(&self) -> Option<Vec<Uuid>> {
        match self {
            Self::All => None,
            Self::Departments(ds) => Some(ds.clone()),
        }
    }

    /// Whether the scope reaches `learner`.
    pub fn reaches(&self, learner: &Learner) -> bool {
        match self {
            Self::All => true,
            Self::Departments(ds) => learner.department_id.is_some_and(|d| ds.contains(&d)),
        }
    }

    /// Ok if the scope reaches `learner`; otherwise `NotFound(what)`, as for an unknown id.
    pub fn check(&self, learner: &Learner, what: &str) -> StoreResult<()> {
        if self.reaches(learner) {
            Ok(())
        } else {
            Err(StoreError::NotFound(what.into()))
        }
    }

    /// The learner an Absorb user id names, if the scope reaches them (`NotFound("user")` for
    /// an unknown user and for one outside the scope alike).
    pub fn learner(&self, s: &Store, tenant_id: Uuid, user: Uuid) -> StoreResult<Learner> {
        let l = s.learner(tenant_id, &crate::ids::user(user))?;
        self.check(&l, "user")?;
        Ok(l)
    }
}

impl Caller {
    /// The caller's [`Scope`] (run it inside a store call: a department administrator's reads
    /// the department tree).
    pub fn scope(&self, s: &Store) -> StoreResult<Scope> {
        Scope::of(s, self.tenant_id, &self.user)
    }

    /// The key to enroll the user `user` names: the Absorb id itself for an admin (the store
    /// resolves it), or, for a department administrator, the learner's ledger id once the
    /// scope is checked (`NotFound("user")` outside it).
    pub fn learner_key(&self, s: &Store, user: Uuid) -> StoreResult<LearnerKey> {
        if self.user.role == Role::Admin {
            return Ok(crate::ids::user(user));
        }
        Ok(LearnerKey::Id(
            self.scope(s)?.learner(s, self.tenant_id, user)?.id,
        ))
    }
}

/// [`Caller::learner_key`] for async callers (no store call for an admin).
pub(crate) async fn learner_key(
    caller: &Caller,
    store: &Store,
    user: Uuid,
) -> Result<LearnerKey, AbsorbError> {
    if caller.user.role == Role::Admin {
        return Ok(crate::ids::user(user));
    }
    let c = caller.clone();
    crate::handlers::run(store, move |s| c.learner_key(s, user)).await
}

/// Ok if `caller` reaches `learner`, else `NotFound(what)` (no store call for an admin).
pub(crate) async fn ensure_reaches(
    caller: &Caller,
    store: &Store,
    learner: &Learner,
    what: &'static str,
) -> Result<(), AbsorbError> {
    if caller.user.role == Role::Admin {
        return Ok(());
    }
    let (c, l) = (caller.clone(), learner.clone());
    crate::handlers::run(store, move |s| c.scope(s)?.check(&l, what)).await
}
