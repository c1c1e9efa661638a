//! SCORM Cloud v2 wire types (camelCase JSON), as the 5.0.0 SDK models name them, and their
//! conversion from the store's views. Fields the SDK requires are always present.
use enroll_domain::vocab::to_scorm;
use enroll_store::scorm::invitations::{Invitation, UserInvitation};
use enroll_store::scorm::{JobStatus, PostBack, RegistrationView};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::{Iso8601, Rfc3339};

/// ISO 8601 UTC with milliseconds, e.g. `2026-11-22T10:00:00.000Z`.
pub fn fmt_dt(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses an ISO 8601 date-time; without an offset it is UTC (as the vendor documents), a
/// bare date is midnight UTC.
pub fn parse_dt(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Iso8601::DEFAULT) {
        return Some(t);
    }
    if let Ok(t) = OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339) {
        return Some(t);
    }
    OffsetDateTime::parse(&format!("{s}T00:00:00Z"), &Rfc3339).ok()
}

/// `expirationDate`: absent/null/empty = never, otherwise an ISO 8601 date-time.
pub fn de_opt_dt<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<OffsetDateTime>>, D::Error> {
    let v: Option<String> = Option::deserialize(d)?;
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(Some(None)),
        Some(s) => parse_dt(s)
            .map(|t| Some(Some(t)))
            .ok_or_else(|| serde::de::Error::custom(format!("'{s}' is not an ISO 8601 date-time"))),
    }
}

/// PostBackSchema.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostBackDto {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub auth_type: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    #[serde(default)]
    pub results_format: Option<String>,
    #[serde(default)]
    pub legacy: Option<bool>,
}

impl PostBackDto {
    /// Validates and converts; an empty URL means "no post-back".
    pub fn into_store(self) -> Result<Option<PostBack>, String> {
        let url = self.url.unwrap_or_default();
        if url.trim().is_empty() {
            return Ok(None);
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("postBack.url '{url}' is not an http(s) URL"));
        }
        let auth = self.auth_type.map(|a| a.to_ascii_uppercase());
        if let Some(a) = &auth
            && !["UNDEFINED", "FORM", "HTTPBASIC"].contains(&a.as_str())
        {
            return Err(format!(
                "postBack.authType '{a}' is not one of UNDEFINED, FORM, HTTPBASIC"
            ));
        }
        let format = self.results_format.map(|a| a.to_ascii_uppercase());
        if let Some(f) = &format
            && !["UNDEFINED", "COURSE", "ACTIVITY", "FULL"].contains(&f.as_str())
        {
            return Err(format!(
                "postBack.resultsFormat '{f}' is not one of UNDEFINED, COURSE, ACTIVITY, FULL"
            ));
        }
        Ok(Some(PostBack {
            url,
            auth_type: auth,
            user_name: self.user_name,
            password: self.password,
            results_format: format,
            legacy: self.legacy,
        }))
    }

    /// The response form: the password is never echoed.
    pub fn from_store(p: &PostBack) -> Value {
        json!({
            "url": p.url,
            "authType": p.auth_type.clone().unwrap_or_else(|| "UNDEFINED".into()),
            "userName": p.user_name,
            "resultsFormat": p.results_format.clone().unwrap_or_else(|| "COURSE".into()),
            "legacy": p.legacy.unwrap_or(false),
        })
    }
}

/// InvitationEmailSchema (create) / InvitationEmailUpdateSchema (update).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationEmailDto {
    pub subject: Option<String>,
    pub body: Option<String>,
    #[serde(default)]
    pub addresses: Option<Vec<String>>,
}

/// CreatePrivateInvitationSchema.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePrivateInvitation {
    pub course_id: String,
    pub creating_user_email: String,
    pub invitation_email: InvitationEmailDto,
    pub post_back: Option<PostBackDto>,
    #[serde(default, deserialize_with = "de_opt_dt")]
    pub expiration_date: Option<Option<OffsetDateTime>>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub duplicate_registration_option: Option<String>,
}

/// CreatePublicInvitationSchema.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePublicInvitation {
    pub course_id: String,
    pub creating_user_email: String,
    #[serde(default)]
    pub registration_cap: i32,
    pub post_back: Option<PostBackDto>,
    #[serde(default, deserialize_with = "de_opt_dt")]
    pub expiration_date: Option<Option<OffsetDateTime>>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// PrivateInvitationUpdateSchema / PublicInvitationUpdateSchema (other attributes ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationUpdateDto {
    pub allow_launch: Option<bool>,
    pub allow_new_registrations: Option<bool>,
    pub registration_cap: Option<i32>,
    pub invitation_email: Option<InvitationEmailDto>,
    pub post_back: Option<PostBackDto>,
    #[serde(default, deserialize_with = "de_opt_dt")]
    pub expiration_date: Option<Option<OffsetDateTime>>,
}

/// TagListSchema.
#[derive(Debug, Clone, Deserialize)]
pub struct TagList {
    pub tags: Vec<String>,
}

/// BatchTagsSchema.
#[derive(Debug, Clone, Deserialize)]
pub struct BatchTags {
    pub ids: Vec<String>,
    pub tags: Vec<String>,
}

/// LearnerSchema.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LearnerDto {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// CreateRegistrationSchema (`initialRegistrationState`/`initialSettings` are accepted and
/// ignored).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRegistration {
    pub course_id: String,
    pub learner: LearnerDto,
    pub registration_id: String,
    pub xapi_registration_id: Option<String>,
    #[serde(default)]
    pub registration_tags: Vec<String>,
    pub post_back: Option<PostBackDto>,
}

/// LaunchLinkRequestSchema (the fields the emulator uses).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchLinkRequest {
    pub expiry: Option<i64>,
    pub redirect_on_exit_url: Option<String>,
}

fn opt_dt(t: Option<OffsetDateTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(fmt_dt(t)))
}

/// InvitationSummarySchema.
pub fn invitation_summary(i: &Invitation) -> Value {
    json!({
        "id": i.id, "courseId": i.course_id, "isPublic": i.is_public,
        "createDate": fmt_dt(i.created), "updated": fmt_dt(i.updated),
    })
}

/// PrivateInvitationSchema (`invitationEmail.addresses` always present).
pub fn private_invitation(i: &Invitation, with_count: bool) -> Value {
    let mut v = json!({
        "id": i.id, "courseId": i.course_id, "courseTitle": i.course_title,
        "allowLaunch": i.allow_launch,
        "invitationEmail": {
            "subject": i.email_subject, "body": i.email_body, "addresses": i.addresses,
        },
        "createDate": fmt_dt(i.created), "updated": fmt_dt(i.updated),
        "postBack": i.post_back.as_ref().map(PostBackDto::from_store),
        "expirationDate": opt_dt(i.expiration),
    });
    if with_count {
        v["registrationCount"] = json!(i.registration_count);
        v["launchedRegistrationCount"] = json!(i.launched_registration_count.unwrap_or(0));
    }
    strip_nulls(v)
}

/// PublicInvitationSchema; `url` is the sign-up page.
pub fn public_invitation(i: &Invitation, url: &str, with_count: bool) -> Value {
    let mut v = json!({
        "id": i.id, "courseId": i.course_id, "courseTitle": i.course_title,
        "allowLaunch": i.allow_launch, "allowNewRegistrations": i.allow_new_registrations,
        "url": url, "createDate": fmt_dt(i.created), "updated": fmt_dt(i.updated),
        "postBack": i.post_back.as_ref().map(PostBackDto::from_store),
        "expirationDate": opt_dt(i.expiration), "registrationCap": i.registration_cap,
    });
    if with_count {
        v["registrationCount"] = json!(i.registration_count);
    }
    strip_nulls(v)
}

/// InvitationJobStatusSchema.
pub fn job_status(j: &JobStatus) -> Value {
    json!({"status": j.status, "errors": j.errors, "total": j.total, "processed": j.processed})
}

fn score(s: Option<f64>) -> Value {
    s.map_or(Value::Null, |s| json!({"scaled": s}))
}

/// UserInvitationSchemaRegistrationReport.
pub fn registration_report(r: &RegistrationView) -> Value {
    let (complete, success) = to_scorm(r.enrollment.state);
    strip_nulls(json!({
        "complete": complete, "success": success,
        "totalSecondsTracked": r.enrollment.time_spent_ms as f64 / 1000.0,
        "score": score(r.enrollment.score),
    }))
}

/// UserInvitationSchema; `url` is the learner's own link.
pub fn user_invitation(u: &UserInvitation, url: &str) -> Value {
    strip_nulls(json!({
        "email": u.email, "url": url, "isStarted": u.is_started, "updated": fmt_dt(u.updated),
        "registrationId": u.registration_id,
        "registrationReport": u.registration.as_ref().map(registration_report),
    }))
}

/// RegistrationSchema (`learner.id` always present).
pub fn registration(r: &RegistrationView, child_results: bool) -> Value {
    let e = &r.enrollment;
    let (completion, success) = to_scorm(e.state);
    let mut v = json!({
        "id": r.registration_id, "instance": r.instance,
        "xapiRegistrationId": r.xapi_registration_id,
        "updated": fmt_dt(r.updated),
        "registrationCompletion": completion,
        "registrationCompletionAmount": e.progress / 100.0,
        "registrationSuccess": success,
        "score": score(e.score),
        "totalSecondsTracked": e.time_spent_ms as f64 / 1000.0,
        "firstAccessDate": opt_dt(r.first_access.or(e.dates.started)),
        "lastAccessDate": opt_dt(r.last_access.or(e.dates.started)),
        "completedDate": opt_dt(e.dates.completed),
        "createdDate": fmt_dt(r.created),
        "course": {"id": r.course_scorm_id(), "title": r.course.title, "version": 0},
        "learner": {
            "id": r.learner_scorm_id(), "email": r.learner.email,
            "firstName": r.learner.first_name, "lastName": r.learner.last_name,
        },
        "tags": r.tags,
        "globalObjectives": [],
        "sharedData": [],
    });
    if child_results {
        v["activityDetails"] = strip_nulls(json!({
            "id": r.course_scorm_id(), "title": r.course.title,
            "attempts": if r.first_access.is_some() || e.dates.started.is_some() { 1 } else { 0 },
            "activityCompletion": completion, "activitySuccess": success,
            "score": score(e.score),
            "timeTracked": format!("{:.2}", e.time_spent_ms as f64 / 1000.0),
            "suspended": false, "children": [],
        }));
    }
    strip_nulls(v)
}

/// Drops `null` members (the SDK treats absent and null alike; absent is tidier).
pub fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}
