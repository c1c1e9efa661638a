//! One function per iSpring operation, whatever the transport: parameters in as an
//! [`Input`], the answer out as an [`Out`](crate::value::Out) tree (the SOAP and REST layers wrap them).
pub mod content;
pub mod enrollments;
pub mod results;
pub mod statistics;
pub mod token;
pub mod users;

use crate::auth::Principal;
use crate::dates;
use crate::error::IspringError;
use crate::input::Input;
use enroll_domain::access::Scope;
use enroll_domain::model::Dialect;
use enroll_domain::schedule::{DueRule, Schedule};
use enroll_store::enrollments::{EnrollmentQuery, IdSet};
use enroll_store::{Store, StoreResult};
use time::Duration;
use uuid::Uuid;

/// Runs a unit of work off the async workers and maps store errors to iSpring's.
pub(crate) async fn run<T, F>(store: &Store, f: F) -> Result<T, IspringError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
{
    Ok(store.call(f).await?)
}

/// The longest due period: 100 years, in hours.
const MAX_DUE_HOURS: i64 = 876_000;

/// `accessDate`, `dueDateType`, `dueDate`, `duePeriod` (hours) and `lockAfterDueDate`, as
/// every enrolling operation takes them. With `access_required`, `accessDate` must be given.
pub fn schedule(input: &Input, access_required: bool) -> Result<Schedule, IspringError> {
    let access = match input.text("accessDate")? {
        Some(a) => Some(dates::parse(&a, "accessDate", false)?),
        None if access_required => {
            return Err(IspringError::WrongParameters(
                "accessDate: the parameter is required".into(),
            ));
        }
        None => None,
    };
    let kind = input.required("dueDateType")?;
    // Every given value must be well-formed, whichever the due date type uses.
    let period = input.int("duePeriod")?;
    let date = input
        .text("dueDate")?
        .map(|d| dates::parse(&d, "dueDate", true)) // a bare date: due by the end of that day
        .transpose()?;
    let due = match kind.as_str() {
        "unlimited" => DueRule::None,
        "default" => DueRule::CourseDefault,
        "due_date" => DueRule::At(date.ok_or_else(|| {
            IspringError::WrongParameters("dueDate: required when dueDateType is due_date".into())
        })?),
        "due_period" => match period {
            Some(h) if (1..=MAX_DUE_HOURS).contains(&h) => DueRule::After(Duration::hours(h)),
            Some(_) => {
                return Err(IspringError::WrongParameters(format!(
                    "duePeriod: a number of hours from 1 to {MAX_DUE_HOURS}"
                )));
            }
            None => {
                return Err(IspringError::WrongParameters(
                    "duePeriod: required when dueDateType is due_period".into(),
                ));
            }
        },
        other => {
            return Err(IspringError::WrongParameters(format!(
                "dueDateType: '{}' is not one of unlimited, default, due_date, due_period",
                other.chars().take(40).collect::<String>()
            )));
        }
    };
    Ok(Schedule {
        access,
        due,
        lock_after_due: input.bool("lockAfterDueDate")?.unwrap_or(false),
    })
}

/// Page size: default 100, at most 1,000.
pub const PAGE_SIZE: i64 = 100;
pub const MAX_PAGE_SIZE: i64 = 1000;

/// `pageSize` and `pageToken` (the position of the page's first item, as this service hands
/// it out in `nextPageToken`).
pub fn page(input: &Input) -> Result<(i64, i64), IspringError> {
    let size = match input.int("pageSize")? {
        None => PAGE_SIZE,
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
        Some(_) => {
            return Err(IspringError::WrongParameters(format!(
                "pageSize: from 1 to {MAX_PAGE_SIZE}"
            )));
        }
    };
    let foreign =
        || IspringError::WrongParameters("pageToken: not a token this service issued".into());
    // A string in queries and XML; a number in the JSON body of `POST /enrollments`.
    let token = match input {
        Input::Json(_) => input.int("pageToken")?,
        _ => input
            .text("pageToken")?
            .map(|t| t.parse::<i64>().map_err(|_| foreign()))
            .transpose()?,
    };
    let offset = match token {
        None => 0,
        Some(n) if n >= 0 => n,
        Some(_) => return Err(foreign()),
    };
    Ok((size, offset))
}

/// The `nextPageToken` after a page, when more items follow.
pub fn next_token(total: i64, size: i64, offset: i64) -> Option<String> {
    let next = offset.saturating_add(size);
    (next < total).then(|| next.to_string())
}

/// The departments a list is limited to: the caller's scope, narrowed by `departmentIds`.
pub fn departments(scope: &Scope, asked: Option<Vec<String>>) -> Option<Vec<Uuid>> {
    let asked: Option<Vec<Uuid>> =
        asked.map(|ds| ds.iter().filter_map(|d| Uuid::parse_str(d).ok()).collect());
    match (scope.departments(), asked) {
        (None, a) => a,
        (Some(s), None) => Some(s),
        (Some(s), Some(a)) => Some(a.into_iter().filter(|d| s.contains(d)).collect()),
    }
}

/// The current enrollments the caller reaches, narrowed by the usual id filters.
pub fn enrollment_query(
    p: &Principal,
    input: &Input,
    learners_field: &str,
) -> Result<EnrollmentQuery, IspringError> {
    let set = |ids: Vec<String>| IdSet {
        dialect: Dialect::Ispring,
        ids,
    };
    let enrollments: Option<Vec<Uuid>> = input
        .ids("enrollmentIds")?
        .map(|ids| ids.iter().filter_map(|i| Uuid::parse_str(i).ok()).collect());
    Ok(EnrollmentQuery {
        learners: input.ids(learners_field)?.map(set),
        courses: input.ids("courseIds")?.map(set),
        departments: departments(&p.scope, input.ids("departmentIds")?),
        filter: enrollments.map(|ids| enroll_store::catalog::enrollment_ids(&ids)),
        active_only: true,
        ..Default::default()
    })
}
