//! The authenticated user's own enrollments (`/my-enrollments`): the only routes a learner's
//! token reaches.
use super::enrollments::{caller_user, one, page};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, guid};
use crate::wire::Created;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::LearnerKey;

/// `GET /my-enrollments/{courseId}` — get the current user's course enrollment.
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AbsorbError> {
    let course = guid(&path, "courseId")?;
    let user = caller_user(&caller);
    // The caller's own enrollment: no administrator scope applies.
    one(&caller, false, &store, &req, user, course).await
}

/// `POST /my-enrollments/{courseId}` — enroll the current user in a course. 201.
pub async fn create(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, AbsorbError> {
    let course = guid(&path, "courseId")?;
    let (t, learner) = (caller.tenant_id, caller.user.id);
    let opts = EnrollOptions::new(Dialect::Absorb);
    let out = store
        .enroll_async(t, LearnerKey::Id(learner), crate::ids::course(course), opts)
        .await?;
    Ok(HttpResponse::Created().json(Created {
        enrollment_id: out.enrollment.core.id,
        course_id: course,
        user_id: caller_user(&caller),
    }))
}

/// `GET /my-enrollments` — list the current user's course enrollments.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
) -> Result<HttpResponse, AbsorbError> {
    let (mut q, limit, pg) = Params::from(&req)?.enrollment_query()?;
    q.learner_id = Some(caller.user.id);
    page(&store, caller.tenant_id, q, limit, pg, true).await
}
