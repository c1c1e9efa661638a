//! `addCourseAttendee.json` (invite to a course, or to the academy) and
//! `updateCourseAttendee/{courseMemberId}.json` (revoke, grant again, answer an access request).
use super::{json_body, run};
use crate::auth::{Need, authorize};
use crate::error::TcError;
use crate::ids;
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::EnrollmentState;
use enroll_domain::clock::{from_millis, to_millis};
use enroll_domain::model::Dialect;
use enroll_domain::transition::Command;
use enroll_store::Store;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::NewLearner;
use serde_json::{Map, Value, json};

const TC: Dialect = Dialect::TrainerCentral;
/// The latest expiry accepted (year 9999).
const MAX_MS: i64 = 253_402_300_799_999;

fn text(m: &Map<String, Value>, key: &str, max: usize) -> Result<Option<String>, TcError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s.trim().to_string())),
        Some(Value::String(_)) => Err(TcError::invalid(
            &format!("courseAttendee.{key}"),
            format!("courseAttendee.{key} is longer than {max} characters"),
        )),
        Some(_) => Err(TcError::invalid(
            &format!("courseAttendee.{key}"),
            format!("courseAttendee.{key} must be a string"),
        )),
    }
}

/// A plausible address: one `@`, something before it, a dotted domain after, no spaces.
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `expiryTime`: Unix milliseconds (a number or a string of digits), in the future.
fn expiry(v: Option<&Value>, now_ms: i64) -> Result<Option<i64>, TcError> {
    let bad = |m: &str| TcError::invalid("courseAttendee.expiryTime", m.to_string());
    let ms = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(_) => None,
    }
    .ok_or_else(|| bad("courseAttendee.expiryTime must be a Unix time in milliseconds"))?;
    if !(0..=MAX_MS).contains(&ms) {
        return Err(bad("courseAttendee.expiryTime is out of range"));
    }
    if ms <= now_ms {
        return Err(bad("courseAttendee.expiryTime must be in the future"));
    }
    Ok(Some(ms))
}

/// POST `/api/v4/{orgId}/addCourseAttendee.json`: with `courseId`, enrolls the learner (made
/// an academy learner first if new); without, invites to the academy only. An enrolled
/// learner, or (without a course) an existing academy learner, is `DUPLICATE_DATA` and
/// nothing changes.
pub async fn add(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, TcError> {
    let p = authorize(&req, &store, Some(&path), Need::USER_CREATE).await?;
    let body = json_body(&body)?;
    let a = match body.get("courseAttendee") {
        Some(Value::Object(a)) => a,
        Some(_) => {
            return Err(TcError::invalid(
                "courseAttendee",
                "courseAttendee must be a JSON object",
            ));
        }
        None => return Err(TcError::Mandatory("courseAttendee".into())),
    };
    let email =
        text(a, "email", 254)?.ok_or_else(|| TcError::Mandatory("courseAttendee.email".into()))?;
    if !valid_email(&email) {
        return Err(TcError::invalid(
            "courseAttendee.email",
            format!(
                "'{}' is not a valid e-mail address",
                email.chars().take(80).collect::<String>()
            ),
        ));
    }
    let profile = NewLearner {
        email: email.clone(),
        first_name: text(a, "firstName", 100)?.unwrap_or_default(),
        last_name: text(a, "lastName", 100)?.unwrap_or_default(),
        password: text(a, "password", 200)?,
        ..Default::default()
    };
    let course = match a.get("courseId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(v) => Some(ids::json_number(v, "courseAttendee.courseId")?),
    };
    let expires = expiry(a.get("expiryTime"), to_millis(store.now()))?;
    if course.is_none() && expires.is_some() {
        return Err(TcError::invalid(
            "courseAttendee.expiryTime",
            "courseAttendee.expiryTime needs a courseId",
        ));
    }
    let mut opts = EnrollOptions::new(TC);
    opts.expires = expires.map(from_millis);
    let tenant = p.tenant_id;
    let key = course.clone().map(|c| CourseKey::External(TC, c));
    let academy_only = key.is_none();
    let out = store
        .enroll_by_email_async(tenant, TC, profile, key, opts, academy_only)
        .await
        .map_err(TcError::from)
        .map_err(|e| match (e, &course) {
            (TcError::NotFound(_), Some(c)) => {
                TcError::NotFound(format!("No course with courseId {c}"))
            }
            (TcError::Duplicate(_), None) => TcError::Duplicate(format!(
                "{email} is already a learner of this academy; nothing was changed"
            )),
            (other, _) => other,
        })?;
    let mut answer = json!({ "portalMember": wire::portal_member(&p.org, &out.learner) });
    if let Some(s) = &out.series {
        answer["courseMember"] = json!([wire::course_member(&p.org, &s.id_in(TC), &s.current)]);
    }
    Ok(HttpResponse::Ok().json(answer))
}

/// What an update asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    /// `1`: access (grant again, or accept a request).
    Grant,
    /// `4`: no access (revoke, or reject a request).
    Revoke,
}

/// The status an update body asks for: `{"courseMember": {"status"}}`,
/// `{"courseMembers": [{"status"}]}` (the form one client uses for access requests) or
/// `{"courseAttendee": {"status"}}`; the status a string or a number.
fn wanted(body: &Map<String, Value>) -> Result<Wanted, TcError> {
    let member = match (
        body.get("courseMember"),
        body.get("courseMembers"),
        body.get("courseAttendee"),
    ) {
        (Some(Value::Object(m)), _, _) | (_, _, Some(Value::Object(m))) => m,
        (_, Some(Value::Array(list)), _) => match list.as_slice() {
            [Value::Object(m)] => m,
            _ => {
                return Err(TcError::invalid(
                    "courseMembers",
                    "courseMembers must hold exactly one object",
                ));
            }
        },
        (None, None, None) => return Err(TcError::Mandatory("courseMember".into())),
        _ => {
            return Err(TcError::invalid(
                "courseMember",
                "courseMember must be a JSON object",
            ));
        }
    };
    let status = match member.get("status") {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        None | Some(Value::Null) => return Err(TcError::Mandatory("courseMember.status".into())),
        Some(_) => String::new(),
    };
    match status.as_str() {
        "1" => Ok(Wanted::Grant),
        "4" => Ok(Wanted::Revoke),
        _ => Err(TcError::invalid(
            "courseMember.status",
            "courseMember.status must be 1 (grant access) or 4 (revoke access)",
        )),
    }
}

/// PUT (or POST) `/api/v4/{orgId}/updateCourseAttendee/{courseMemberId}.json`: status `4`
/// revokes the learner's access (the enrollment is cancelled; a pending request is
/// rejected); `1` grants it again (a revoked member gets a new enrollment under the same
/// courseMemberId, a finished one starts over, a pending request is accepted).
pub async fn update(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, TcError> {
    let (org, member) = path.into_inner();
    let p = authorize(&req, &store, Some(&org), Need::COURSE_UPDATE).await?;
    let member = ids::number(&member, "courseMemberId")?;
    let want = wanted(&json_body(&body)?)?;
    let tenant = p.tenant_id;
    let not_found = |m: &str| TcError::NotFound(format!("No course member with id {m}"));
    let m = member.clone();
    let named = run(&store, move |s| s.named_series(tenant, TC, &m))
        .await
        .map_err(|_| not_found(&member))?;
    let e = named.latest.current.record.core.clone();
    let pending = named.current
        && matches!(
            e.state,
            EnrollmentState::PendingApproval | EnrollmentState::Waitlisted
        );
    let m = member.clone();
    let view = match (want, named.current, pending) {
        (Wanted::Grant, _, true) => {
            let cmd = if e.state == EnrollmentState::Waitlisted {
                Command::Admit
            } else {
                Command::Approve
            };
            run(&store, move |s| {
                s.apply_command(tenant, e.id, &cmd)?;
                s.named_series(tenant, TC, &m).map(|n| n.latest)
            })
            .await?
        }
        (Wanted::Revoke, _, true) => {
            run(&store, move |s| {
                s.apply_command(tenant, e.id, &Command::Decline)?;
                s.named_series(tenant, TC, &m).map(|n| n.latest)
            })
            .await?
        }
        (Wanted::Grant, _, false) => run(&store, move |s| s.renew_series(tenant, TC, &m)).await?,
        (Wanted::Revoke, true, false) => {
            run(&store, move |s| {
                s.unenroll(tenant, &[e.id])?;
                s.named_series(tenant, TC, &m).map(|n| n.latest)
            })
            .await?
        }
        // Revoked already: nothing to do.
        (Wanted::Revoke, false, false) => named.latest,
    };
    let member = wire::course_member(&p.org, &view.id_in(TC), &view.current);
    Ok(HttpResponse::Ok().json(json!({ "courseMember": [member] })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked() {
        assert!(valid_email("ava@example.com"));
        for bad in [
            "",
            "ava",
            "@example.com",
            "ava@",
            "ava@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn expiry_is_unix_milliseconds_in_the_future() {
        assert_eq!(expiry(Some(&json!(2000)), 1000).ok(), Some(Some(2000)));
        assert_eq!(expiry(Some(&json!("2000")), 1000).ok(), Some(Some(2000)));
        assert!(expiry(Some(&json!(500)), 1000).is_err());
        assert!(expiry(Some(&json!("soon")), 1000).is_err());
        assert!(expiry(Some(&json!(1.5)), 1000).is_err());
        assert_eq!(expiry(None, 1000).ok(), Some(None));
    }
}
