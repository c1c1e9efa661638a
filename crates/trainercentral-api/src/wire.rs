//! TrainerCentral's wire format: camelCase keys, every value a string (ids, numbers, times in
//! Unix milliseconds, flags `"true"`/`"false"`), as the vendor's answers carry them.
use crate::vocab::to_trainercentral;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::{Course, Dialect, Learner, Role};
use enroll_store::enrollments::SeriesView;
use enroll_store::models::EnrollmentView;
use serde_json::{Value, json};
use time::OffsetDateTime;

const TC: Dialect = Dialect::TrainerCentral;

/// A course member's `role`: a learner of the course (what `filter=3` lists).
pub const MEMBER_ROLE: &str = "3";

/// A portal member's `role` code: `1` administrator, `2` department administrator, `5`
/// learner (`portalMembers.json?type=5`).
pub fn role_code(role: Role) -> &'static str {
    match role {
        Role::Admin => "1",
        Role::DepartmentAdmin => "2",
        Role::Learner => "5",
    }
}

fn ms(t: Option<OffsetDateTime>) -> String {
    t.map(|t| to_millis(t).to_string()).unwrap_or_default()
}

/// A learner's id here (its portal member id).
pub fn learner_id(l: &Learner) -> String {
    l.ids.id_in(TC, Kind::Learner, l.id)
}

/// A course's id here.
pub fn course_id(c: &Course) -> String {
    c.ids.id_in(TC, Kind::Course, c.id)
}

/// Whole percent, as a string.
pub fn percent(p: f64) -> String {
    format!("{}", p.clamp(0.0, 100.0).round() as i64)
}

/// A course member (`addCourseAttendee`, `updateCourseAttendee`): the learner's series in
/// the course, its id `id` here, as of its latest enrollment `current`.
pub fn course_member(org: &str, id: &str, current: &EnrollmentView) -> Value {
    let e = &current.record.core;
    let status = to_trainercentral(e.state).to_string();
    json!({
        "id": id,
        "courseMembersId": id,
        "courseId": course_id(&current.course),
        "orgId": org,
        "orgMemberId": learner_id(&current.learner),
        "role": MEMBER_ROLE,
        "status": status,
        "currentStatus": status,
        "completionPercentage": percent(e.progress),
        "invitedTime": ms(e.dates.added),
        "expiryTime": ms(e.dates.expires),
        "time": ms(e.dates.edited.or(e.dates.added)),
    })
}

/// A row of `course/{courseId}/courseMembers.json`.
pub fn course_member_row(org: &str, s: &SeriesView) -> Value {
    let mut v = course_member(org, &s.id_in(TC), &s.current);
    let l = &s.current.learner;
    let e = &s.current.record.core;
    if let Value::Object(m) = &mut v {
        for (k, val) in [
            ("email", l.email.clone()),
            ("name", full_name(l)),
            ("userId", learner_id(l)),
            ("course", s.current.course.title.clone()),
            ("enrolledTime", ms(e.dates.added)),
            ("lastLogin", String::new()),
            ("country", String::new()),
            ("ipAddress", String::new()),
            ("imageUrl", String::new()),
            ("totalRevenue", "0".into()),
            ("formattedTotalRevenue", "0".into()),
        ] {
            m.insert(k.into(), json!(val));
        }
    }
    v
}

fn full_name(l: &Learner) -> String {
    format!("{} {}", l.first_name, l.last_name)
        .trim()
        .to_string()
}

/// A portal (academy) member.
pub fn portal_member(org: &str, l: &Learner) -> Value {
    let id = learner_id(l);
    json!({
        "id": id,
        "orgMemberId": id,
        "orgId": org,
        "email": l.email,
        "emailId": l.email,
        "firstName": l.first_name,
        "lastName": l.last_name,
        "name": full_name(l),
        "role": role_code(l.role),
        "status": "1",
        "loginType": "0",
        "invitedBy": "",
        // The ledger keeps no sign-up or edit time per learner here: empty.
        "time": "",
        "lastUpdatedTime": "",
        "links": {
            "enrolledCourses": format!("/api/v4/{org}/portalMembers/{id}/courses.json"),
            "enrolledSessions": format!("/api/v4/{org}/portalMembers/{id}/sessions.json"),
        },
    })
}

/// `fetchuserdetails.json`.
pub fn user_details(org: &str, l: &Learner) -> Value {
    json!({
        "orgMemberId": learner_id(l),
        "orgId": org,
        "email": l.email,
        "emailId": l.email,
        "firstName": l.first_name,
        "lastName": l.last_name,
        "userFirstName": l.first_name,
        "userLastName": l.last_name,
        "status": "1",
    })
}

/// A course (`courses.json`, `courses/{courseId}.json`).
pub fn course(org: &str, c: &Course) -> Value {
    let id = course_id(c);
    json!({
        "id": id,
        "courseId": id,
        "courseName": c.title,
        "subTitle": "",
        "orgId": org,
        "publishStatus": "1",
        "isPrivateCourse": "false",
        "isHiddenCourse": "false",
        "courseURL": format!("/course/{id}"),
        "links": {
            "sessions": format!("/api/v4/{org}/course/{id}/sessions.json"),
        },
    })
}

/// `courseEngagement.json`: the member's progress in the course, from the ledger.
pub fn engagement(s: &SeriesView, completed_lessons: usize, total_lessons: usize) -> Value {
    let e = &s.current.record.core;
    json!({
        "courseId": course_id(&s.current.course),
        "courseMemberId": s.id_in(TC),
        "orgMemberId": learner_id(&s.current.learner),
        "status": to_trainercentral(e.state).to_string(),
        "completionPercentage": percent(e.progress),
        "completedLesson": completed_lessons.to_string(),
        "totalLesson": total_lessons.to_string(),
        "score": e.score.map(percent).unwrap_or_default(),
        "timeSpent": e.time_spent_ms.to_string(),
        "enrolledTime": ms(e.dates.added),
        "startedTime": ms(e.dates.started),
        "completedTime": ms(e.dates.completed),
        "expiryTime": ms(e.dates.expires),
    })
}
