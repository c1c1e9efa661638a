//! Response and request schemas, field for field as `wire.rs` and the handlers write and read
//! them: every field listed is always present (`required`), `nullable` where it can be null,
//! and nothing else appears (`additionalProperties: false`).
use serde_json::{Map, Value, json};

fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}
fn uuid_n() -> Value {
    json!({"type": "string", "format": "uuid", "nullable": true})
}
fn date() -> Value {
    json!({"type": "string", "format": "date-time"})
}
fn date_n() -> Value {
    json!({"type": "string", "format": "date-time", "nullable": true})
}
fn text() -> Value {
    json!({"type": "string"})
}
fn text_n() -> Value {
    json!({"type": "string", "nullable": true})
}
fn int() -> Value {
    json!({"type": "integer"})
}
fn number() -> Value {
    json!({"type": "number"})
}
fn boolean() -> Value {
    json!({"type": "boolean"})
}
fn status() -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": 12, "description": "0 NotStarted, 1 InProgress, 2 PendingApproval, 3 Complete, 4 NotComplete, 5 Failed, 6 Declined, 7 PendingEvaluationRequired, 8 OnWaitlist, 9 Absent, 10 NotApplicable, 11 PendingProctor, 12 ReadyForReview"})
}
fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}
fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A closed object whose every field is required.
fn object(fields: &[(&str, Value)]) -> Value {
    let props: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let required: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

/// The paged envelope `{totalItems, returnedItems, limit, offset, <name>: [item]}`.
fn envelope(name: &str, item: &str) -> Value {
    object(&[
        ("totalItems", int()),
        ("returnedItems", int()),
        ("limit", int()),
        (
            "offset",
            json!({"type": "integer", "description": "The page index."}),
        ),
        (name, array(reference(item))),
    ])
}

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

fn responses(s: &mut Map<String, Value>) {
    let mut put = |k: &str, v: Value| {
        s.insert(k.into(), v);
    };
    put(
        "GenericErrorResponse",
        object(&[
            ("validations", array(text())),
            ("code", int()),
            ("message", text()),
            ("term", text()),
            (
                "_meta",
                json!({"type": "object", "additionalProperties": {"type": "string"}}),
            ),
        ]),
    );
    put(
        "Token",
        json!({"type": "string", "description": "The bearer token."}),
    );
    put(
        "UserResource",
        object(&[
            ("id", uuid()),
            ("username", text()),
            ("emailAddress", text()),
            ("firstName", text()),
            ("lastName", text()),
            ("fullName", text()),
            ("jobTitle", text_n()),
            ("departmentId", uuid_n()),
            ("activeStatus", json!({"type": "integer", "enum": [0, 1]})),
            ("isLearner", boolean()),
            ("isAdmin", boolean()),
            ("externalId", uuid()),
        ]),
    );
    put("UsersResource", envelope("users", "UserResource"));
    let course = [
        ("id", uuid()),
        ("name", text()),
        (
            "courseType",
            json!({"type": "string", "enum": ["OnlineCourse", "InstructorLedCourse", "CourseBundle", "Curriculum"]}),
        ),
        ("activeStatus", json!({"type": "integer", "enum": [0, 1]})),
        ("requiresApproval", boolean()),
        ("capacity", json!({"type": "integer", "nullable": true})),
    ];
    put("CourseResource", object(&course));
    let mut detail = course.to_vec();
    detail.push((
        "sessions",
        array(object(&[("id", uuid()), ("name", text())])),
    ));
    detail.push((
        "chapters",
        array(object(&[("id", uuid()), ("name", text())])),
    ));
    detail.push((
        "lessons",
        array(object(&[
            ("id", uuid()),
            ("chapterId", uuid()),
            ("name", text()),
            ("type", text()),
        ])),
    ));
    put("CourseDetailResource", object(&detail));
    put("CoursesResource", envelope("courses", "CourseResource"));
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

/// Request bodies: what the handlers accept. Unknown fields are ignored (open objects); a
/// field of the wrong type, or a required one missing or null, is a 400.
fn requests(s: &mut Map<String, Value>) {
    let nonempty = json!({"type": "string", "minLength": 1, "pattern": "\\S"});
    s.insert(
        "AuthenticationRequest".into(),
        json!({
            "type": "object", "required": ["username", "password", "privateKey"],
            "properties": {"username": nonempty, "password": nonempty, "privateKey": nonempty},
        }),
    );
    s.insert("CourseEnrollmentRequest".into(), json!({
        "type": "object", "required": ["courseId"],
        "properties": {
            "courseId": uuid(),
            "status": {"type": "integer", "nullable": true, "minimum": 0, "maximum": 12,
                       "description": "1, 3, 4 or 5 move the enrollment there (re-sending its current status is a no-op); 0 or null leave it; 2 and 6–12 are a 422."},
            "dateCompleted": date_n(), "dateExpires": date_n(),
            "courseVersionId": uuid_n(), "acceptedTermsAndConditions": {"type": "boolean", "nullable": true},
            "enrollmentKeyId": uuid_n(), "credits": {"type": "number", "nullable": true},
            "score": {"type": "number", "nullable": true},
        },
    }));
    s.insert(
        "UnenrollRequest".into(),
        json!({"type": "array", "items": uuid(), "minItems": 1}),
    );
    s.insert("FinishAttemptRequest".into(), json!({
        "type": "object", "required": ["status"],
        "properties": {
            "status": {"type": "integer", "enum": [1, 3, 5], "description": "1 InProgress, 3 Complete, 5 Failed"},
            "score": {"type": "number", "nullable": true},
            "startDate": date_n(), "completionDate": date_n(),
        },
    }));
}

/// Every schema.
pub fn all() -> Value {
    let mut s = Map::new();
    responses(&mut s);
    requests(&mut s);
    Value::Object(s)
}
