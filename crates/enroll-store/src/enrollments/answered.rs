//! Enrolling a learner named by the first of several keys that finds one (a login that may be
//! an external id, a user name or an address), answered with the enrollment as written: the
//! lookups on a read connection, the write through the writer's queue, and the answer's names
//! with one query — no read-back of the enrollment, its course and its learner.
use super::enrolled::enrolled_in;
use super::{EnrollOptions, EnrollOutcome};
use crate::courses::{CourseKey, find_course};
use crate::error::{StoreError, StoreResult};
use crate::learners::{LearnerKey, find_learner};
use crate::models::EnrollmentView;
use crate::store::Store;
use uuid::Uuid;

impl Store {
    /// Enrolls the learner found by the first of `keys` that names one in `course`, as `opts`
    /// says, and answers with the outcome and the enrollment as written (time-based expiry
    /// as of the call). `Ok(None)`: no key names a learner of the tenant. `NotFound("course")`:
    /// an unknown course.
    pub async fn enroll_first_async(
        &self,
        tenant_id: Uuid,
        keys: Vec<LearnerKey>,
        course: CourseKey,
        opts: EnrollOptions,
    ) -> StoreResult<Option<(EnrollOutcome, EnrollmentView)>> {
        let found = self
            .read_async(move |c| {
                for key in &keys {
                    if let Some(learner) = find_learner(c, tenant_id, key)? {
                        let course = find_course(c, tenant_id, &course)?
                            .ok_or_else(|| StoreError::NotFound("course".into()))?;
                        return Ok(Some((learner, course)));
                    }
                }
                Ok(None)
            })
            .await?;
        let Some((learner, course)) = found else {
            return Ok(None);
        };
        let out = self
            .enroll_resolved_async(learner.id.clone(), course.clone(), opts)
            .await?;
        let now = self.now();
        let made = Some((course, out.enrollment.clone()));
        let (_, series) = self
            .read_async(move |c| enrolled_in(c, &learner, made, now))
            .await?;
        let view = series
            .ok_or_else(|| StoreError::Internal("no enrolled series".into()))?
            .current;
        Ok(Some((out, view)))
    }
}
