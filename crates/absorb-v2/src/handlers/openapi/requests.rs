//! Request bodies.
use super::schemas::*;
use serde_json::{Map, Value, json};

/// Request bodies: what the handlers accept. Unknown fields are ignored (open objects); a
/// field of the wrong type, or a required one missing or null, is a 400.
pub(super) fn add(s: &mut Map<String, Value>) {
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
