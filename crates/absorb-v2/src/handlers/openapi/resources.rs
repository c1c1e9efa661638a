//! Users, courses, the token and `GenericErrorResponse`.
use super::schemas::*;
use serde_json::{Map, Value, json};

/// Adds the schemas of this module.
pub(super) fn add(s: &mut Map<String, Value>) {
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
}
