//! The admin API under `/admin/v1`, protected by `Authorization: Bearer <admin token>`:
//! tenants, dialect credentials, departments, learners, courses, enrollments (read and drive),
//! seed loading and reset, and the clock.
use crate::{AppState, CLOCK_KEY};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use enroll_domain::Command;
use enroll_domain::model::{Department, Dialect};
use enroll_store::courses::{CourseKey, NewCourse};
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::{LearnerKey, NewLearner};
use enroll_store::seed::Seed;
use enroll_store::{Store, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Admin API errors: `{"error": "..."}` with a fitting status.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("missing or invalid admin token")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("internal error")]
    Internal,
}

impl ResponseError for AdminError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(json!({"error": self.to_string()}))
    }
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(w) => Self::NotFound(format!("{w} not found")),
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Invalid(m) => Self::BadRequest(m),
            StoreError::Domain(d) => Self::Conflict(d.to_string()),
            other => {
                log::error!("admin API: {other:?}");
                Self::Internal
            }
        }
    }
}

type Result<T> = std::result::Result<T, AdminError>;

/// Mounts the admin routes (relative to `/admin/v1`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .error_handler(|e, _| AdminError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| AdminError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| AdminError::BadRequest(e.to_string()).into()),
    )
    .route("/tenants", web::get().to(list_tenants))
    .route("/tenants", web::post().to(create_tenant))
    .route(
        "/tenants/{tenant}/credentials",
        web::get().to(list_credentials),
    )
    .route(
        "/tenants/{tenant}/credentials",
        web::post().to(create_credential),
    )
    .route(
        "/tenants/{tenant}/departments",
        web::get().to(list_departments),
    )
    .route(
        "/tenants/{tenant}/departments",
        web::post().to(create_department),
    )
    .route("/tenants/{tenant}/learners", web::get().to(list_learners))
    .route("/tenants/{tenant}/learners", web::post().to(create_learner))
    .route("/tenants/{tenant}/courses", web::get().to(list_courses))
    .route("/tenants/{tenant}/courses", web::post().to(create_course))
    .route(
        "/tenants/{tenant}/courses/{course}",
        web::get().to(get_course),
    )
    .route(
        "/tenants/{tenant}/enrollments",
        web::post().to(create_enrollment),
    )
    .route(
        "/tenants/{tenant}/enrollments/{enrollment}",
        web::get().to(get_enrollment),
    )
    .route(
        "/tenants/{tenant}/enrollments/{enrollment}/commands",
        web::post().to(apply_command),
    )
    .route("/seed", web::post().to(load_seed))
    .route("/reset", web::post().to(reset))
    .route("/clock", web::get().to(get_clock))
    .route("/clock/advance", web::post().to(advance_clock))
    .default_service(web::to(|| async {
        AdminError::NotFound("no such admin route".into()).error_response()
    }));
}

fn authorize(req: &HttpRequest, state: &AppState) -> Result<()> {
    let given = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(t)
            if enroll_store::secrets::constant_time_eq(
                t.as_bytes(),
                state.admin_token.as_bytes(),
            ) =>
        {
            Ok(())
        }
        _ => Err(AdminError::Unauthorized),
    }
}

async fn run<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce(&Store) -> enroll_store::StoreResult<T> + Send + 'static,
) -> Result<T> {
    Ok(store.call(f).await?)
}

async fn list_tenants(req: HttpRequest, st: web::Data<AppState>) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let tenants = run(&st.store, |s| s.list_tenants()).await?;
    let items: Vec<Value> = tenants
        .into_iter()
        .map(|(t, ids)| {
            let org = ids
                .explicit(Dialect::TrainerCentral)
                .and_then(|o| o.parse::<i64>().ok());
            json!({"id": t.id, "name": t.name, "trainercentralOrgId": org})
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"tenants": items})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewTenant {
    name: String,
    trainercentral_org_id: Option<i64>,
}

async fn create_tenant(
    req: HttpRequest,
    st: web::Data<AppState>,
    body: web::Json<NewTenant>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let b = body.into_inner();
    let mut ids = enroll_domain::crosswalk::ExternalIds::default();
    if let Some(org) = b.trainercentral_org_id {
        ids.set(Dialect::TrainerCentral, org.to_string());
    }
    let t = run(&st.store, move |s| s.create_tenant(&b.name, &ids)).await?;
    Ok(HttpResponse::Created().json(json!({"id": t.id, "name": t.name})))
}

async fn tenant(st: &AppState, id: Uuid) -> Result<Uuid> {
    if run(&st.store, move |s| s.tenant_exists(id)).await? {
        Ok(id)
    } else {
        Err(AdminError::NotFound("tenant not found".into()))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewCredential {
    dialect: Dialect,
    key_id: Option<String>,
    secret: String,
    #[serde(default)]
    scopes: String,
}

async fn create_credential(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewCredential>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let id = run(&st.store, move |s| {
        s.add_credential(t, b.dialect, b.key_id.as_deref(), &b.secret, &b.scopes)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({"id": id})))
}

async fn list_credentials(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let rows = run(&st.store, move |s| s.list_credentials(t)).await?;
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(id, d, k, sc)| json!({"id": id, "dialect": d, "keyId": k, "scopes": sc}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"credentials": items})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewDepartment {
    id: Option<Uuid>,
    parent_id: Option<Uuid>,
    name: String,
}

async fn create_department(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewDepartment>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let d = Department {
        id: b.id.unwrap_or_else(Uuid::new_v4),
        tenant_id: t,
        parent_id: b.parent_id,
        name: b.name,
    };
    let id = d.id;
    run(&st.store, move |s| s.create_department(&d)).await?;
    Ok(HttpResponse::Created().json(json!({"id": id})))
}

async fn list_departments(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let items = run(&st.store, move |s| s.list_departments(t)).await?;
    Ok(HttpResponse::Ok().json(json!({"departments": items})))
}

async fn create_learner(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewLearner>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let l = run(&st.store, move |s| s.create_learner(t, &b)).await?;
    Ok(HttpResponse::Created().json(l))
}

#[derive(Deserialize)]
struct Page {
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list_learners(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: web::Query<Page>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let (limit, offset) = (
        page.limit.unwrap_or(100).clamp(1, 1000),
        page.offset.unwrap_or(0).max(0),
    );
    let q = enroll_store::learners::LearnerQuery {
        limit,
        offset,
        ..Default::default()
    };
    let (total, items) = run(&st.store, move |s| s.list_learners(t, &q)).await?;
    Ok(HttpResponse::Ok().json(json!({"total": total, "learners": items})))
}

async fn create_course(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewCourse>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let id = run(&st.store, move |s| s.create_course(t, &b)).await?;
    Ok(HttpResponse::Created().json(json!({"id": id})))
}

async fn list_courses(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: web::Query<Page>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let (limit, offset) = (
        page.limit.unwrap_or(100).clamp(1, 1000),
        page.offset.unwrap_or(0).max(0),
    );
    let q = enroll_store::courses::CourseQuery {
        limit,
        offset,
        ..Default::default()
    };
    let (total, items) = run(&st.store, move |s| s.list_courses(t, &q)).await?;
    Ok(HttpResponse::Ok().json(json!({"total": total, "courses": items})))
}

async fn get_course(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let (t, c) = path.into_inner();
    let d = run(&st.store, move |s| s.course(t, &CourseKey::Id(c))).await?;
    Ok(HttpResponse::Ok().json(json!({
        "course": d.course, "sessions": d.sessions, "chapters": d.chapters, "lessons": d.lessons, "members": d.members,
    })))
}

fn enrollment_json(v: &enroll_store::models::EnrollmentView) -> Value {
    let e = &v.record.core;
    json!({
        "id": e.id, "learnerId": e.learner_id, "courseId": e.course_id, "state": e.state.as_str(),
        "active": e.active, "progress": e.progress, "score": e.score, "timeSpentMs": e.time_spent_ms,
        "source": v.record.source,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewEnrollment {
    learner_id: Uuid,
    course_id: Uuid,
    #[serde(default)]
    reenroll: bool,
    session_id: Option<Uuid>,
}

async fn create_enrollment(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewEnrollment>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let opts = EnrollOptions {
        session_id: b.session_id,
        ..EnrollOptions::from_source("admin").reenroll(b.reenroll)
    };
    let v = run(&st.store, move |s| {
        let out = s.enroll(
            t,
            &LearnerKey::Id(b.learner_id),
            &CourseKey::Id(b.course_id),
            &opts,
        )?;
        s.enrollment(t, out.enrollment.core.id)
    })
    .await?;
    Ok(HttpResponse::Created().json(enrollment_json(&v)))
}

async fn get_enrollment(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let (t, e) = path.into_inner();
    let v = run(&st.store, move |s| s.enrollment(t, e)).await?;
    Ok(HttpResponse::Ok().json(enrollment_json(&v)))
}

/// A command for the ledger, e.g. `{"command": "complete", "score": 90}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", tag = "command")]
enum AdminCommand {
    Accept,
    Approve,
    Decline,
    Admit,
    Start,
    RecordProgress {
        progress: f64,
        #[serde(default)]
        time_spent_ms: i64,
    },
    Complete {
        score: Option<f64>,
    },
    Fail {
        score: Option<f64>,
    },
    MarkNotComplete,
    Expire,
    Cancel,
}

async fn apply_command(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<AdminCommand>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let (t, e) = path.into_inner();
    let cmd = match body.into_inner() {
        AdminCommand::Accept => Command::Accept,
        AdminCommand::Approve => Command::Approve,
        AdminCommand::Decline => Command::Decline,
        AdminCommand::Admit => Command::Admit,
        AdminCommand::Start => Command::Start,
        AdminCommand::RecordProgress {
            progress,
            time_spent_ms,
        } => Command::RecordProgress {
            progress,
            time_spent_ms,
        },
        AdminCommand::Complete { score } => Command::Complete { score },
        AdminCommand::Fail { score } => Command::Fail { score },
        AdminCommand::MarkNotComplete => Command::MarkNotComplete,
        AdminCommand::Expire => Command::Expire,
        AdminCommand::Cancel => Command::Cancel,
    };
    let v = run(&st.store, move |s| {
        s.apply_command(t, e, &cmd)?;
        s.enrollment(t, e)
    })
    .await?;
    Ok(HttpResponse::Ok().json(enrollment_json(&v)))
}

async fn load_seed(
    req: HttpRequest,
    st: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| AdminError::BadRequest("the seed must be UTF-8 JSON".into()))?;
    let seed = Seed::from_json(text)?;
    let created = run(&st.store, move |s| s.load_seed(&seed)).await?;
    Ok(HttpResponse::Ok().json(json!({"tenantsCreated": created})))
}

async fn reset(req: HttpRequest, st: web::Data<AppState>) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let seed = st.seed.clone().ok_or_else(|| {
        AdminError::BadRequest("the gateway was started without a seed file".into())
    })?;
    run(&st.store, move |s| s.reset_to_seed(&seed)).await?;
    Ok(HttpResponse::Ok().json(json!({"reset": true})))
}

fn clock_json(st: &AppState) -> Value {
    let now = st.clock.now_rfc3339();
    json!({"now": now, "offsetMs": st.clock.offset_ms()})
}

async fn get_clock(req: HttpRequest, st: web::Data<AppState>) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    Ok(HttpResponse::Ok().json(clock_json(&st)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Advance {
    #[serde(default)]
    seconds: i64,
    #[serde(default)]
    minutes: i64,
    #[serde(default)]
    hours: i64,
    #[serde(default)]
    days: i64,
}

async fn advance_clock(
    req: HttpRequest,
    st: web::Data<AppState>,
    body: web::Json<Advance>,
) -> Result<HttpResponse> {
    authorize(&req, &st)?;
    let a = body.into_inner();
    let by = time::Duration::seconds(a.seconds)
        + time::Duration::minutes(a.minutes)
        + time::Duration::hours(a.hours)
        + time::Duration::days(a.days);
    let offset = st.clock.advance(by);
    run(&st.store, move |s| {
        s.set_setting(CLOCK_KEY, &offset.to_string())
    })
    .await?;
    Ok(HttpResponse::Ok().json(clock_json(&st)))
}
