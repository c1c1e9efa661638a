//! Ledger enrollments: create, read, drive with commands, and their history of events.
use super::{Result, dto, run, tenant};
use crate::AppState;
use actix_web::{HttpResponse, web};
use enroll_domain::Command;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::LearnerKey;
use serde::Deserialize;
use uuid::Uuid;

/// Mounts `POST /tenants/{t}/enrollments`, `GET /tenants/{t}/enrollments/{e}`,
/// `POST /tenants/{t}/enrollments/{e}/commands` and `GET /tenants/{t}/enrollments/{e}/events`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tenants/{tenant}/enrollments", web::post().to(create))
        .route(
            "/tenants/{tenant}/enrollments/{enrollment}/events",
            web::get().to(events),
        )
        .route(
            "/tenants/{tenant}/enrollments/{enrollment}",
            web::get().to(get),
        )
        .route(
            "/tenants/{tenant}/enrollments/{enrollment}/commands",
            web::post().to(apply_command),
        );
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewEnrollment {
    learner_id: Uuid,
    course_id: Uuid,
    #[serde(default)]
    reenroll: bool,
    session_id: Option<Uuid>,
}

async fn create(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewEnrollment>,
) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let opts = EnrollOptions {
        session_id: b.session_id,
        ..EnrollOptions::from_source("admin").reenroll(b.reenroll)
    };
    let v = run(&st.store, move |s| {
        let learner = LearnerKey::Id(b.learner_id);
        let out = s.enroll(t, &learner, &CourseKey::Id(b.course_id), &opts)?;
        s.enrollment(t, out.enrollment.core.id)
    })
    .await?;
    Ok(HttpResponse::Created().json(dto::enrollment(&v)))
}

async fn get(st: web::Data<AppState>, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse> {
    let (t, e) = path.into_inner();
    let v = run(&st.store, move |s| s.enrollment(t, e)).await?;
    Ok(HttpResponse::Ok().json(dto::enrollment(&v)))
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
    #[serde(rename_all = "camelCase")]
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

impl From<AdminCommand> for Command {
    fn from(c: AdminCommand) -> Self {
        match c {
            AdminCommand::Accept => Self::Accept,
            AdminCommand::Approve => Self::Approve,
            AdminCommand::Decline => Self::Decline,
            AdminCommand::Admit => Self::Admit,
            AdminCommand::Start => Self::Start,
            AdminCommand::RecordProgress {
                progress,
                time_spent_ms,
            } => Self::RecordProgress {
                progress,
                time_spent_ms,
            },
            AdminCommand::Complete { score } => Self::Complete { score },
            AdminCommand::Fail { score } => Self::Fail { score },
            AdminCommand::MarkNotComplete => Self::MarkNotComplete,
            AdminCommand::Expire => Self::Expire,
            AdminCommand::Cancel => Self::Cancel,
        }
    }
}

async fn apply_command(
    st: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<AdminCommand>,
) -> Result<HttpResponse> {
    let (t, e) = path.into_inner();
    let cmd = Command::from(body.into_inner());
    // The enrollment as this command left it, read in the same transaction.
    let v = run(&st.store, move |s| s.apply_command_view(t, e, &cmd)).await?;
    Ok(HttpResponse::Ok().json(dto::enrollment(&v)))
}

/// `GET /tenants/{t}/enrollments/{e}/events`: the enrollment's history, oldest first.
async fn events(st: web::Data<AppState>, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse> {
    let (t, e) = path.into_inner();
    let t = tenant(&st, t).await?;
    let items = run(&st.store, move |s| s.enrollment_events(t, e)).await?;
    let items: Vec<serde_json::Value> = items.iter().map(dto::event).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({"events": items})))
}
