//! `ListLearnerResults` (`GET /learners/results`, SOAP `getLearnerResults`): each current
//! enrollment the caller reaches, as a learner's result in a course.
use super::{enrollment_query, next_token, page, run};
use crate::auth::Principal;
use crate::error::IspringError;
use crate::input::Input;
use crate::value::{Out, obj};
use crate::vocab::to_ispring;
use crate::wire;
use enroll_domain::EnrollmentState;
use enroll_store::Store;

/// iSpring's completion statuses (`CompletionStatus`).
pub const STATUSES: &[&str] = &[
    "not_started",
    "in_progress",
    "pending",
    "complete",
    "passed",
    "accepted",
    "incomplete",
    "failed",
    "declined",
];

/// The ledger states `completionStatuses` names (`passed` and `accepted` read as `complete`).
fn states(asked: &[String]) -> Result<Vec<EnrollmentState>, IspringError> {
    let mut wanted = Vec::new();
    for s in asked {
        let s = s.as_str();
        if !STATUSES.contains(&s) {
            return Err(IspringError::WrongParameters(format!(
                "completionStatuses: '{}' is not a completion status",
                s.chars().take(40).collect::<String>()
            )));
        }
        let s = if s == "passed" || s == "accepted" {
            "complete"
        } else {
            s
        };
        wanted.extend(
            EnrollmentState::ALL
                .into_iter()
                .filter(|st| to_ispring(*st) == s),
        );
    }
    Ok(wanted)
}

/// A page of results: `{results, nextPageToken?}`. `userStatuses` other than 1 (active)
/// match nobody (every learner of the ledger is active); the date ranges are not supported.
pub async fn list(p: &Principal, store: &Store, input: &Input) -> Result<Out, IspringError> {
    p.require_admin()?;
    let (size, offset) = page(input)?;
    let mut q = enrollment_query(p, input, "userIds")?;
    if let Some(asked) = input.list("completionStatuses")? {
        q.states = Some(states(&asked)?);
    }
    for range in ["completionDate", "accessDate", "dueDate"] {
        if input.has(range) {
            return Err(IspringError::WrongParameters(format!(
                "{range}: filtering by date ranges is not supported by this service"
            )));
        }
    }
    if let Some(statuses) = input.list("userStatuses")? {
        for s in &statuses {
            if !["1", "3", "5"].contains(&s.as_str()) {
                return Err(IspringError::WrongParameters(format!(
                    "userStatuses: '{}' is not 1, 3 or 5",
                    s.chars().take(20).collect::<String>()
                )));
            }
        }
        if !statuses.is_empty() && !statuses.iter().any(|s| s == "1") {
            q.states = Some(Vec::new());
        }
    }
    (q.limit, q.offset) = (size, offset);
    let t = p.tenant_id;
    let now = store.now();
    let (total, views) = run(store, move |s| s.list_enrollments(t, &q)).await?;
    let items = views.iter().map(|v| wire::learner_result(v, now)).collect();
    Ok(obj()
        .put("results", Out::List("result", items))
        .opt(
            "nextPageToken",
            next_token(total, size, offset).map(Out::Text),
        )
        .done())
}
