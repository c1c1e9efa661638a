//! Results reported by an administrator: `UpdateCourseStatus` (`POST /statistics/course`) and
//! `UpdateModuleStatuses` (`POST /statistics/module`), each answering a task id, and
//! `GET /task/{taskId}/status`. The ledger applies the change in the request's transaction
//! (all enrollments or none) and records the task as finished.
use super::run;
use crate::auth::Principal;
use crate::error::IspringError;
use crate::input::{Input, uuid};
use crate::value::{Out, obj};
use enroll_domain::{Command, EnrollmentState};
use enroll_store::Store;
use enroll_store::authorized::Drive;
use enroll_store::operations::OperationStatus;
use uuid::Uuid;

fn ids(input: &Input) -> Result<(Vec<Uuid>, Uuid), IspringError> {
    let course = Uuid::parse_str(&uuid(&input.required("courseId")?, "courseId")?)
        .map_err(|_| IspringError::Internal)?;
    let enrollments = input
        .required_ids("enrollmentIds")?
        .iter()
        .filter_map(|i| Uuid::parse_str(i).ok())
        .collect();
    Ok((enrollments, course))
}

fn score(input: &Input) -> Result<Option<f64>, IspringError> {
    match input.num("awardedScore")? {
        Some(s) if !(0.0..=100.0).contains(&s) => Err(IspringError::WrongParameters(
            "awardedScore: from 0 to 100".into(),
        )),
        s => Ok(s),
    }
}

async fn drive(
    p: &Principal,
    store: &Store,
    input: &Input,
    command: Option<Command>,
    unless: &'static [EnrollmentState],
    operation: &'static str,
) -> Result<Out, IspringError> {
    let (enrollments, course) = ids(input)?;
    let ledger_course = run(store, {
        let t = p.tenant_id;
        move |s| {
            s.course(t, &crate::ids::course(course))
                .map(|d| d.course.id)
        }
    })
    .await
    .map_err(|e| match e {
        IspringError::NotFound(m) => IspringError::WrongParameters(m),
        other => other,
    })?;
    let (t, actor) = (p.tenant_id, p.actor);
    let id = run(store, move |s| {
        let d = Drive {
            enrollment_ids: &enrollments,
            course_id: Some(ledger_course),
            command,
            unless,
            operation,
        };
        s.apply_as(t, &actor, &d)
    })
    .await
    .map_err(|e| match e {
        IspringError::NotFound(m) => IspringError::WrongParameters(m),
        other => other,
    })?;
    Ok(obj().put("taskId", Out::Int(id)).done())
}

/// `POST /statistics/course`: `complete`/`passed` complete the enrollments (with
/// `awardedScore`), `failed` fails them, `incomplete` marks them not complete; `automatic`
/// leaves them to the learner's own results (no change). Enrollments already in the target
/// state are left as they are.
pub async fn course_status(
    p: &Principal,
    store: &Store,
    input: &Input,
) -> Result<Out, IspringError> {
    p.require_admin()?;
    let score = score(input)?;
    let status = input.required("status")?;
    let (command, unless): (Option<Command>, &'static [EnrollmentState]) = match status.as_str() {
        "complete" | "passed" => (
            Some(Command::Complete { score }),
            &[EnrollmentState::Completed],
        ),
        "failed" => (Some(Command::Fail { score }), &[EnrollmentState::Failed]),
        "incomplete" => (
            Some(Command::MarkNotComplete),
            &[EnrollmentState::NotComplete],
        ),
        "automatic" => (None, &[]),
        other => {
            return Err(IspringError::WrongParameters(format!(
                "status: '{}' is not one of complete, incomplete, passed, failed, automatic",
                other.chars().take(40).collect::<String>()
            )));
        }
    };
    drive(p, store, input, command, unless, "course_status").await
}

/// `POST /statistics/module`: module statuses are learning activity on the course
/// enrollment: an enrollment not started yet starts (in progress); the ledger keeps no
/// per-module state.
pub async fn module_statuses(
    p: &Principal,
    store: &Store,
    input: &Input,
) -> Result<Out, IspringError> {
    p.require_admin()?;
    let statuses = match input {
        Input::Json(v) => v
            .get("moduleStatuses")
            .and_then(|m| m.as_array())
            .map(|a| a.iter().map(|x| Input::Json(x.clone())).collect::<Vec<_>>()),
        Input::Xml(e) => e
            .child("moduleStatuses")
            .map(|m| m.children.iter().map(|x| Input::Xml(x.clone())).collect()),
        Input::RestXml(e) => e.child("moduleStatuses").map(|m| {
            m.children
                .iter()
                .map(|x| Input::RestXml(x.clone()))
                .collect()
        }),
        Input::Query(_) => None,
    }
    .filter(|s: &Vec<Input>| !s.is_empty())
    .ok_or_else(|| {
        IspringError::WrongParameters("moduleStatuses: at least one is required".into())
    })?;
    for m in &statuses {
        uuid(&m.required("contentItemId")?, "contentItemId")?;
        let s = m.required("status")?;
        if !super::results::STATUSES.contains(&s.as_str()) {
            return Err(IspringError::WrongParameters(format!(
                "status: '{}' is not a completion status",
                s.chars().take(40).collect::<String>()
            )));
        }
        score(m)?;
    }
    // Every state but "not started" stays as it is.
    const STARTED: &[EnrollmentState] = &[
        EnrollmentState::Invited,
        EnrollmentState::PendingApproval,
        EnrollmentState::Waitlisted,
        EnrollmentState::AwaitingSessionChoice,
        EnrollmentState::InProgress,
        EnrollmentState::Completed,
        EnrollmentState::Failed,
        EnrollmentState::NotComplete,
        EnrollmentState::Declined,
        EnrollmentState::Expired,
        EnrollmentState::Cancelled,
    ];
    drive(
        p,
        store,
        input,
        Some(Command::Start),
        STARTED,
        "module_statuses",
    )
    .await
}

/// iSpring's name for a task's status (`TaskStatusEnum`).
fn task_status(s: OperationStatus) -> &'static str {
    match s {
        OperationStatus::Waiting => "waiting",
        OperationStatus::Running => "in_progress",
        OperationStatus::Complete => "complete",
        OperationStatus::Cancelled => "cancelled",
        OperationStatus::Failed => "error",
    }
}

/// `GET /task/{taskId}/status`: `{status}`.
pub async fn task(p: &Principal, store: &Store, id: &str) -> Result<Out, IspringError> {
    p.require_admin()?;
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| IspringError::WrongParameters("taskId: expected a whole number".into()))?;
    let t = p.tenant_id;
    let op = run(store, move |s| s.operation(t, id)).await?;
    Ok(obj()
        .put("status", Out::text(task_status(op.status)))
        .done())
}
