//! Enrolling a person named by e-mail address, made a learner of the tenant if new (an academy
//! invitation by address), in one transaction: for dialects that invite people, not ids.
use super::create::{EnrollRequest, enroll_all_in};
use super::series::series_views;
use super::{EnrollOptions, SeriesView};
use crate::courses::{CourseKey, find_course};
use crate::crosswalk;
use crate::error::{StoreError, StoreResult};
use crate::learners::{NewLearner, ensure_learner_with_email, learner_of};
use crate::store::Store;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::{Dialect, Learner};
use uuid::Uuid;

/// What [`Store::enroll_by_email`] did.
#[derive(Debug, Clone)]
pub struct AddressOutcome {
    pub learner: Learner,
    /// Whether the learner was created by this call.
    pub learner_created: bool,
    /// The new enrollment's series, when a course was given.
    pub series: Option<SeriesView>,
}

impl Store {
    /// Makes `profile.email` a learner of the tenant (the oldest learner with that address, or
    /// a new one from `profile`) and, with `course`, enrolls it as `opts` says; all or nothing.
    /// With `require_new_learner`, an address the tenant already has is refused
    /// (`Conflict`). The new series gets its derived number in `dialect`, if it names series
    /// by number, so that number finds it.
    pub fn enroll_by_email(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        profile: &NewLearner,
        course: Option<&CourseKey>,
        opts: &EnrollOptions,
        require_new_learner: bool,
    ) -> StoreResult<AddressOutcome> {
        crate::learners::prehash(tenant_id, [profile]);
        let now = self.now();
        let t = tenant_id.to_string();
        // The course is looked up first: an unknown one writes nothing.
        let course_row = match course {
            Some(k) => Some(
                self.with_conn(|c| find_course(c, tenant_id, k))?
                    .ok_or_else(|| StoreError::NotFound("course".into()))?,
            ),
            None => None,
        };
        self.write(|c| {
            let (row, created) = ensure_learner_with_email(c, tenant_id, profile, to_millis(now))?;
            if require_new_learner && !created {
                return Err(StoreError::Conflict(format!(
                    "'{}' is already a learner of this account",
                    profile.email
                )));
            }
            let series = match &course_row {
                Some(co) => {
                    let req = EnrollRequest {
                        learner_id: row.id.clone(),
                        course: co,
                        opts,
                    };
                    let out = enroll_all_in(c, std::slice::from_ref(&req), now)?;
                    let id = out
                        .first()
                        .map(|o| o.enrollment.core.id)
                        .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))?;
                    let e = super::find_enrollment(c, tenant_id, id)?;
                    crosswalk::record_derived(c, &t, dialect, Kind::Series, &[&e.series_id])?;
                    series_views(c, &t, &[e], now)?.pop()
                }
                None => None,
            };
            Ok(AddressOutcome {
                learner: learner_of(c, &row)?,
                learner_created: created,
                series,
            })
        })
    }
}
