//! Course, session, chapter and lesson enrollments, attempts, and the create answers.
use super::schemas::*;
use serde_json::{Map, Value, json};

/// The course enrollment resource (`full`: the user-course one, with `timeSpentTicks`,
/// `accessDate` and `avatar`).
fn enrollment(full: bool) -> Value {
    let mut f = vec![
        ("id", uuid()),
        ("courseId", uuid()),
        ("courseName", text()),
        ("progress", number()),
        ("score", number()),
        ("status", status()),
        ("dateCompleted", date_n()),
        ("dateExpires", date_n()),
        ("dateEdited", date_n()),
        ("dateAdded", date_n()),
        ("fullName", text()),
        ("courseVersionId", uuid_n()),
        ("userId", uuid()),
        ("acceptedTermsAndConditions", boolean()),
        ("timeSpent", text()),
        ("dateStarted", date_n()),
        ("enrollmentKeyId", uuid_n()),
        ("certificateId", uuid_n()),
        ("credits", json!({"type": "number", "nullable": true})),
        ("isActive", boolean()),
        ("dateDue", date_n()),
        ("jobTitle", text_n()),
        ("courseCollectionId", uuid_n()),
    ];
    if full {
        f.push((
            "timeSpentTicks",
            json!({"type": "integer", "format": "int64"}),
        ));
        f.push(("accessDate", date_n()));
        f.push((
            "avatar",
            json!({"type": "string", "nullable": true, "enum": [null]}),
        ));
    }
    object(&f)
}

/// Adds the schemas of this module.
pub(super) fn add(s: &mut Map<String, Value>) {
    let mut put = |k: &str, v: Value| {
        s.insert(k.into(), v);
    };
    put("UserCourseEnrollmentResource", enrollment(true));
    put("CourseEnrollmentResource", enrollment(false));
    put(
        "UserCourseEnrollmentsResource",
        envelope("enrollments", "UserCourseEnrollmentResource"),
    );
    put(
        "CourseEnrollmentsResource",
        envelope("enrollments", "CourseEnrollmentResource"),
    );
    put(
        "UserCourseEnrollmentList",
        array(reference("UserCourseEnrollmentResource")),
    );
    put(
        "SessionEnrollmentResource",
        object(&[
            ("id", uuid()),
            ("sessionId", uuid()),
            ("courseEnrollmentId", uuid()),
            ("name", text()),
            ("userId", uuid()),
            ("fullName", text()),
            ("status", status()),
            ("progress", number()),
            ("score", number()),
            ("timeSpent", text()),
            ("dateEnrolled", date()),
            ("dateStarted", date_n()),
            ("dateCompleted", date_n()),
            ("dateEdited", date()),
        ]),
    );
    put(
        "SessionEnrollmentList",
        array(reference("SessionEnrollmentResource")),
    );
    put(
        "SessionEnrollmentsResource",
        envelope("enrollments", "SessionEnrollmentResource"),
    );
    put(
        "ChapterEnrollmentResource",
        object(&[
            ("id", uuid()),
            ("courseEnrollmentId", uuid()),
            ("chapterId", uuid()),
            ("sessionId", uuid_n()),
            ("lessonId", uuid_n()),
            ("name", text()),
            ("userId", uuid()),
            ("fullName", text()),
            ("status", status()),
            ("progress", number()),
            ("score", number()),
            ("timeSpent", text()),
            ("dateEnrolled", date()),
            ("dateStarted", date_n()),
            ("dateCompleted", date_n()),
            ("lessonEnrollmentIds", array(uuid())),
        ]),
    );
    put(
        "ChapterEnrollmentList",
        array(reference("ChapterEnrollmentResource")),
    );
    put(
        "LessonEnrollmentResource",
        object(&[
            ("id", uuid()),
            ("chapterEnrollmentId", uuid()),
            ("type", text()),
            ("attempts", int()),
            ("failures", int()),
            ("lastAttempt", date_n()),
            ("courseEnrollmentId", uuid()),
            ("chapterId", uuid()),
            ("lessonId", uuid()),
            ("name", text()),
            ("userId", uuid()),
            ("fullName", text()),
            ("status", status()),
            ("progress", number()),
            ("score", number()),
            ("timeSpent", text()),
            ("dateEnrolled", date()),
            ("dateStarted", date_n()),
            ("dateCompleted", date_n()),
            ("dateEdited", date()),
            ("dateAdded", date()),
        ]),
    );
    put(
        "LessonEnrollmentList",
        array(reference("LessonEnrollmentResource")),
    );
    put(
        "LessonEnrollmentsResource",
        envelope("lessonEnrollments", "LessonEnrollmentResource"),
    );
    let attempt_status = json!({"type": "integer", "enum": [1, 3, 5], "description": "1 InProgress, 3 Complete, 5 Failed"});
    put(
        "AttemptResource",
        object(&[
            ("id", uuid()),
            (
                "timeSpentTicks",
                json!({"type": "integer", "format": "int64"}),
            ),
            ("status", attempt_status),
            ("score", number()),
            ("startDate", date()),
            ("completionDate", date_n()),
        ]),
    );
    put("AttemptList", array(reference("AttemptResource")));
    put(
        "EnrollmentCreated",
        object(&[
            ("enrollmentId", uuid()),
            ("courseId", uuid()),
            ("userId", uuid()),
        ]),
    );
    put(
        "SessionEnrollmentCreated",
        object(&[
            ("userId", uuid()),
            ("courseId", uuid()),
            ("sessionId", uuid()),
            ("enrollmentId", uuid()),
            ("sessionEnrollmentId", uuid()),
        ]),
    );
    put(
        "AttemptStarted",
        object(&[
            ("attemptId", uuid()),
            ("courseId", uuid()),
            ("userId", uuid()),
        ]),
    );
    put("AttemptFinished", object(&[("attemptId", uuid())]));
}
