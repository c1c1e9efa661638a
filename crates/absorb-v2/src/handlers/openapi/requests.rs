//! Request bodies.
use super::schemas::{uuid, uuid_n};
use serde_json::{Map, Value, json};

/// Request bodies: what the handlers accept. Unknown fields are ignored (open objects); a
/// field of the wrong type, or a required one missing or null, is a 400.
pub(super) fn add(s: &mut Map<String, Value>) {
    let nonempty = json!({"type": "string", "minLength": 1, "pattern": "\\S"});
    // What the ledger accepts (a value outside is a 422 naming the field).
    let score = json!({"type": "number", "nullable": true, "minimum": 0, "maximum": 100,
                       "description": "A percentage, 0 to 100; outside that range is a 422."});
    let credits = json!({"type": "number", "nullable": true, "minimum": 0,
                         "description": "Not negative; a negative value is a 422."});
    let ledger_date = |what: &str| {
        json!({"type": "string", "format": "date-time", "nullable": true,
        "description": format!("{what}; its UTC year must be 1–9999 (else a 400). Without an offset it is UTC.")})
    };
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
            "dateCompleted": ledger_date("When it was completed"),
            "dateExpires": ledger_date("When it expires"),
            "courseVersionId": uuid_n(), "acceptedTermsAndConditions": {"type": "boolean", "nullable": true},
            "enrollmentKeyId": uuid_n(), "credits": credits,
            "score": score,
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
            "score": score,
            "startDate": ledger_date("When the attempt started"),
            "completionDate": ledger_date("When it ended (default: now); not before startDate, else a 422"),
        },
    }));
}
