//! One handler per REST operation: authenticate, read the parameters, run the operation
//! (`crate::handlers`), answer in the negotiated format.
use super::{Reply, auth, body, path, query, respond};
use crate::handlers::{content, enrollments, results, statistics, token, users};
use actix_web::{HttpRequest, HttpResponse, web};

/// `POST /api/v3/token` (AccessRequest; no authentication).
pub async fn access_token(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let store = super::store(&req)?;
        let form = body(&req, payload).await?;
        Ok(Reply::Ok(token::issue(&store, &form).await?))
    };
    respond(&req, r.await)
}

/// `POST /enrollment` (EnrollLearnersInCourses): 201, empty.
pub async fn enroll(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let input = body(&req, payload).await?;
        enrollments::enroll(&p, &store, &input).await?;
        Ok(Reply::Created)
    };
    respond(&req, r.await)
}

/// `GET /enrollment` (GetEnrollments): `{enrollments}`.
pub async fn list_all(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        Ok(Reply::Ok(
            enrollments::list_all(&p, &store, &query(&req)?).await?,
        ))
    };
    respond(&req, r.await)
}

/// `GET /enrollments` (ListEnrollments): a page.
pub async fn list_page(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        Ok(Reply::Ok(
            enrollments::list_page(&p, &store, &query(&req)?).await?,
        ))
    };
    respond(&req, r.await)
}

/// `POST /enrollments` (ListEnrollmentsByPost): a page, parameters in the body.
pub async fn list_page_by_post(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let input = body(&req, payload).await?;
        Ok(Reply::Ok(enrollments::list_page(&p, &store, &input).await?))
    };
    respond(&req, r.await)
}

/// `GET /enrollment/{enrollmentId}` (GetEnrollment): the enrollment (XML: `<enrollment>`).
pub async fn get(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let e = enrollments::get(&p, &store, path(&req, "enrollmentId")).await?;
        Ok(Reply::Ok(match super::Format::of(&req) {
            super::Format::Json => e,
            super::Format::Xml => crate::value::obj().put("enrollment", e).done(),
        }))
    };
    respond(&req, r.await)
}

/// `POST /enrollment/{enrollmentId}` (ChangeEnrollment): 200, empty.
pub async fn change(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let input = body(&req, payload).await?;
        enrollments::change(&p, &store, path(&req, "enrollmentId"), &input).await?;
        Ok(Reply::Empty)
    };
    respond(&req, r.await)
}

/// `POST /enrollment/{enrollmentId}/reenroll` (Reenroll): 200, empty.
pub async fn reenroll(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let input = body(&req, payload).await?;
        enrollments::reenroll(&p, &store, path(&req, "enrollmentId"), &input).await?;
        Ok(Reply::Empty)
    };
    respond(&req, r.await)
}

/// `POST /enrollment/delete` (Unenroll): 204.
pub async fn delete(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let input = body(&req, payload).await?;
        enrollments::delete(&p, &store, &input).await?;
        Ok(Reply::NoContent)
    };
    respond(&req, r.await)
}

/// `GET /user` (GetUsers): a list of users.
pub async fn users(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        Ok(Reply::Ok(users::list(&p, &store, &query(&req)?).await?))
    };
    respond(&req, r.await)
}

/// `GET /user/{userId}` (GetUserProfile): `{response: User}`.
pub async fn user(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let u = users::get(&p, &store, path(&req, "userId")).await?;
        let name = match super::Format::of(&req) {
            super::Format::Json => "response",
            super::Format::Xml => "userProfile",
        };
        Ok(Reply::Ok(crate::value::obj().put(name, u).done()))
    };
    respond(&req, r.await)
}

/// `POST /users/find_existing` (FindExistingUsers): the ids that exist.
pub async fn find_existing(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let extra = super::user_ids_header(&req)?;
        let input = body(&req, payload).await?;
        Ok(Reply::Ok(
            users::find_existing(&p, &store, &input, extra).await?,
        ))
    };
    respond(&req, r.await)
}

/// `GET /content` (GetContent): every content item of the given types.
pub async fn content_list(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        super::locale(&req)?;
        let base = super::base_url(&req);
        Ok(Reply::Ok(
            content::list(&p, &store, &base, &query(&req)?).await?,
        ))
    };
    respond(&req, r.await)
}

/// `GET /contents` (ListContent): a page.
pub async fn contents(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        super::locale(&req)?;
        let base = super::base_url(&req);
        Ok(Reply::Ok(
            content::page_of(&p, &store, &base, &query(&req)?).await?,
        ))
    };
    respond(&req, r.await)
}

/// `GET /content/{contentId}` (GetContentItem): `{contentItem}`.
pub async fn content_item(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        super::locale(&req)?;
        let base = super::base_url(&req);
        Ok(Reply::Ok(
            content::get(&p, &store, &base, path(&req, "contentId")).await?,
        ))
    };
    respond(&req, r.await)
}

/// `GET /learners/results` (ListLearnerResults): a page.
pub async fn learner_results(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        Ok(Reply::Ok(results::list(&p, &store, &query(&req)?).await?))
    };
    respond(&req, r.await)
}

/// `POST /statistics/course` (UpdateCourseStatus): `{taskId}`.
pub async fn course_status(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let input = body(&req, payload).await?;
        Ok(Reply::Ok(
            statistics::course_status(&p, &store, &input).await?,
        ))
    };
    respond(&req, r.await)
}

/// `POST /statistics/module` (UpdateModuleStatuses): `{taskId}`.
pub async fn module_statuses(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        let input = body(&req, payload).await?;
        Ok(Reply::Ok(
            statistics::module_statuses(&p, &store, &input).await?,
        ))
    };
    respond(&req, r.await)
}

/// `GET /task/{taskId}/status`: `{status}`.
pub async fn task_status(req: HttpRequest) -> HttpResponse {
    let r = async {
        let (p, store) = auth(&req).await?;
        Ok(Reply::Ok(
            statistics::task(&p, &store, path(&req, "taskId")).await?,
        ))
    };
    respond(&req, r.await)
}
