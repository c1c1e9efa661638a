//! One function per Absorb operation, grouped by resource.
pub mod attempts;
pub mod authenticate;
pub mod chapters;
pub mod courses;
pub mod enrollments;
pub mod lessons;
pub mod my_enrollments;
pub mod openapi;
pub mod session_roster;
pub mod sessions;
pub mod users;

use crate::error::AbsorbError;
use crate::params::Params;
use crate::scope::Scope;
use enroll_domain::model::Learner;
use enroll_store::courses::CourseDetail;
use enroll_store::models::EnrollmentView;
use enroll_store::{Store, StoreError, StoreResult};
use time::OffsetDateTime;
use uuid::Uuid;

/// Runs a unit of work off the async workers and maps store errors to Absorb errors.
pub(crate) async fn run<T, F>(store: &Store, f: F) -> Result<T, AbsorbError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
{
    Ok(store.call(f).await?)
}

/// The learner and course named by Absorb ids, and the learner's active enrollment in it; a
/// learner outside `scope` is not found.
pub(crate) fn active(
    s: &Store,
    scope: &Scope,
    tenant: Uuid,
    user: Uuid,
    course: Uuid,
) -> StoreResult<(Learner, CourseDetail, EnrollmentView)> {
    let learner = crate::scope::learner(scope, s, tenant, user)?;
    let detail = s.course(tenant, &crate::ids::course(course))?;
    let view = s
        .active_enrollment(tenant, learner.id, detail.course.id)?
        .ok_or_else(|| StoreError::NotFound("enrollment".into()))?;
    Ok((learner, detail, view))
}

/// The Absorb id of a learner.
pub(crate) fn user_id(l: &Learner) -> Uuid {
    crate::ids::user_id(l)
}

/// The deprecated `status`/`modifiedSince` filters applied to an in-memory list.
pub(crate) struct ItemFilter {
    status: Option<i32>,
    since: Option<OffsetDateTime>,
}

impl ItemFilter {
    pub(crate) fn from(p: &Params) -> Result<Self, AbsorbError> {
        Ok(Self {
            status: p.status()?,
            since: p.modified_since()?,
        })
    }

    /// The ledger states the `status` code stands for (several states share a code).
    pub(crate) fn states(&self) -> Option<Vec<enroll_domain::EnrollmentState>> {
        self.status.map(|code| {
            enroll_domain::EnrollmentState::ALL
                .into_iter()
                .filter(|s| crate::vocab::to_absorb(*s) == code)
                .collect()
        })
    }

    /// `modifiedSince`.
    pub(crate) fn since(&self) -> Option<OffsetDateTime> {
        self.since
    }

    pub(crate) fn keep(
        &self,
        state: enroll_domain::EnrollmentState,
        edited: Option<OffsetDateTime>,
    ) -> bool {
        self.status
            .is_none_or(|s| crate::vocab::to_absorb(state) == s)
            && self
                .since
                .is_none_or(|since| edited.is_some_and(|e| e > since))
    }
}
