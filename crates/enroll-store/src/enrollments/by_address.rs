//! Enrolling a person named by e-mail address, made a learner of the tenant if new (an academy
//! invitation by address), in one transaction: for dialects that invite people, not ids.
use super::EnrollOptions;
use super::create::{EnrollRequest, enroll_all_in};
use super::enrolled::{EnrolledSeries, enrolled_in};
use crate::courses::{CourseKey, find_course};
use crate::crosswalk;
use crate::error::{StoreError, StoreResult};
use crate::learners::{LearnerKey, NewLearner, ensure_learner_with_email, find_learner};
use crate::store::Store;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::{Dialect, Learner};
use uuid::Uuid;

/// What [`Store::enroll_by_email_async`] did.
#[derive(Debug, Clone)]
pub struct AddressOutcome {
    pub learner: Learner,
    /// Whether the learner was created by this call.
    pub learner_created: bool,
    /// The new enrollment and its series, when a course was given.
    pub series: Option<EnrolledSeries>,
}

impl Store {
    /// Makes `profile.email` a learner of the tenant (the oldest learner with that address, or
    /// a new one from `profile`) and, with `course`, enrolls it as `opts` says; all or nothing.
    /// With `require_new_learner`, an address the tenant already has is refused
    /// (`Conflict`). The new series gets its derived number in `dialect`, if it names series
    /// by number, so that number finds it. For async callers: the lookups and the answer on
    /// read connections, the write through the writer's queue (on SQLite a group commit with
    /// others, holding no thread while it waits), as [`Store::enroll_async`] does.
    pub async fn enroll_by_email_async(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        profile: NewLearner,
        course: Option<CourseKey>,
        opts: EnrollOptions,
        require_new_learner: bool,
    ) -> StoreResult<AddressOutcome> {
        if profile.password.is_some() {
            let p = profile.clone();
            self.call(move |_| {
                crate::learners::prehash(tenant_id, [&p]);
                Ok(())
            })
            .await?;
        }
        let now = self.now();
        let t = tenant_id.to_string();
        let by_email = LearnerKey::Email(profile.email.clone());
        let (course_row, known) = self
            .read_async(move |c| {
                let course = match &course {
                    Some(k) => Some(
                        find_course(c, tenant_id, k)?
                            .ok_or_else(|| StoreError::NotFound("course".into()))?,
                    ),
                    None => None,
                };
                Ok((course, find_learner(c, tenant_id, &by_email)?))
            })
            .await?;
        let email = profile.email.clone();
        let taken =
            move || StoreError::Conflict(format!("'{email}' is already a learner of this account"));
        if require_new_learner && known.is_some() {
            return Err(taken());
        }
        let (row, created, made) = self
            .write_async(move |c| {
                let (row, created) = match &known {
                    Some(r) => (r.clone(), false),
                    None => ensure_learner_with_email(c, tenant_id, &profile, to_millis(now))?,
                };
                if require_new_learner && !created {
                    return Err(taken());
                }
                let made = match &course_row {
                    Some(co) => {
                        let req = EnrollRequest {
                            learner_id: row.id.clone(),
                            course: co,
                            opts: &opts,
                        };
                        let out = enroll_all_in(c, std::slice::from_ref(&req), now)?;
                        let e = out
                            .first()
                            .map(|o| o.enrollment.clone())
                            .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))?;
                        let series = e.series_id.to_string();
                        crosswalk::record_derived(c, &t, dialect, Kind::Series, &[&series])?;
                        Some((co.clone(), e))
                    }
                    None => None,
                };
                Ok((row, created, made))
            })
            .await?;
        // The answer from what the write made, with its names (one query).
        self.read_async(move |c| {
            let (learner, series) = enrolled_in(c, &row, made, now)?;
            Ok(AddressOutcome {
                learner,
                learner_created: created,
                series,
            })
        })
        .await
    }
}
