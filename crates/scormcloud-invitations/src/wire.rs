//! SCORM Cloud v2 wire types (camelCase JSON), as the 5.0.0 SDK models name them, and their
//! conversion from the store's views. Fields the SDK requires are always present.
use crate::postback::PostBack;
use crate::vocab::{to_scorm, to_scorm_completion_amount};
use enroll_domain::model::Dialect;
use enroll_invitations::{Invitation, JobState, JobStatus, Recipient};
use enroll_store::enrollments::SeriesView;
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

/// The invitation's post-back, if this facade set one.
fn invitation_postback(i: &Invitation) -> Option<Value> {
    i.subscription(Dialect::ScormCloud)
        .and_then(PostBack::of)
        .map(|p| PostBackDto::from_store(&p))
}

/// InvitationSummarySchema.
pub fn invitation_summary(i: &Invitation) -> Value {
    json!({
        "id": i.id, "courseId": i.course.id_in(Dialect::ScormCloud), "isPublic": i.is_public,
        "createDate": fmt_dt(i.created), "updated": fmt_dt(i.updated),
    })
}

/// PrivateInvitationSchema (`invitationEmail.addresses` always present).
pub fn private_invitation(i: &Invitation, with_count: bool) -> Value {
    let mut v = json!({
        "id": i.id, "courseId": i.course.id_in(Dialect::ScormCloud), "courseTitle": i.course.title,
        "allowLaunch": i.allow_launch,
        "invitationEmail": {
            "subject": i.mail_subject, "body": i.mail_body, "addresses": i.addresses,
        },
        "createDate": fmt_dt(i.created), "updated": fmt_dt(i.updated),
        "postBack": invitation_postback(i),
        "expirationDate": opt_dt(i.expiration),
    });
    if with_count {
        v["registrationCount"] = json!(i.enrolled_count);
        v["launchedRegistrationCount"] = json!(i.launched_count.unwrap_or(0));
    }
    strip_nulls(v)
}

/// PublicInvitationSchema; `url` is the sign-up page.
pub fn public_invitation(i: &Invitation, url: &str, with_count: bool) -> Value {
    let mut v = json!({
        "id": i.id, "courseId": i.course.id_in(Dialect::ScormCloud), "courseTitle": i.course.title,
        "allowLaunch": i.allow_launch, "allowNewRegistrations": i.allow_new_enrollments,
        "url": url, "createDate": fmt_dt(i.created), "updated": fmt_dt(i.updated),
        "postBack": invitation_postback(i),
        "expirationDate": opt_dt(i.expiration), "registrationCap": i.cap,
    });
    if with_count {
        v["registrationCount"] = json!(i.enrolled_count);
    }
    strip_nulls(v)
}

/// InvitationJobStatusSchema.
pub fn job_status(j: &JobStatus) -> Value {
    let status = match j.state {
        JobState::Started => "STARTED",
        JobState::Complete => "COMPLETE",
        JobState::Error => "ERROR",
    };
    json!({"status": status, "errors": j.errors, "total": j.total, "processed": j.processed})
}

fn score(s: Option<f64>) -> Value {
    s.map_or(Value::Null, |s| json!({"scaled": s}))
}

/// UserInvitationSchemaRegistrationReport.
pub fn registration_report(r: &SeriesView) -> Value {
    let e = &r.current.record.core;
    let (complete, success) = to_scorm(e.state);
    strip_nulls(json!({
        "complete": complete, "success": success,
        "totalSecondsTracked": e.time_spent_ms as f64 / 1000.0,
        "score": score(e.score),
    }))
}

/// UserInvitationSchema; `url` is the learner's own link.
pub fn user_invitation(u: &Recipient, url: &str) -> Value {
    let registration_id = u.series_names.id_in(
        Dialect::ScormCloud,
        enroll_domain::crosswalk::Kind::Series,
        u.series_id,
    );
    strip_nulls(json!({
        "email": u.email, "url": url, "isStarted": u.is_started, "updated": fmt_dt(u.updated),
        "registrationId": registration_id,
        "registrationReport": u.series.as_ref().map(registration_report),
    }))
}

/// RegistrationSchema (`learner.id` always present). Every value derives from the ledger: the
/// state through `vocab.rs`, access dates and attempts from the current instance's launches,
/// the course version from the version the enrollment was made on.
pub fn registration(r: &SeriesView, child_results: bool) -> Value {
    let rec = &r.current.record;
    let e = &rec.core;
    let (completion, success) = to_scorm(e.state);
    let (course, learner) = (&r.current.course, &r.current.learner);
    let first_access = r.launches.first.or(e.dates.started);
    let last_access = r.launches.last.or(e.dates.started);
    let mut v = json!({
        "id": r.id_in(Dialect::ScormCloud), "instance": rec.instance,
        "xapiRegistrationId": r.tracking_id_in(Dialect::ScormCloud),
        "updated": opt_dt(e.dates.edited),
        "registrationCompletion": completion,
        "registrationCompletionAmount": to_scorm_completion_amount(e.state, e.progress),
        "registrationSuccess": success,
        "score": score(e.score),
        "totalSecondsTracked": e.time_spent_ms as f64 / 1000.0,
        "firstAccessDate": opt_dt(first_access),
        "lastAccessDate": opt_dt(last_access),
        "completedDate": opt_dt(e.dates.completed),
        "createdDate": opt_dt(e.dates.added),
        "course": {"id": course.id_in(Dialect::ScormCloud), "title": course.title, "version": rec.course_version},
        "learner": {
            "id": learner.id_in(Dialect::ScormCloud), "email": learner.email,
            "firstName": learner.first_name, "lastName": learner.last_name,
        },
        "tags": r.tags,
        "globalObjectives": [],
        "sharedData": [],
    });
    if child_results {
        v["activityDetails"] = strip_nulls(json!({
            "id": course.id_in(Dialect::ScormCloud), "title": course.title,
            "attempts": r.launches.count,
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
