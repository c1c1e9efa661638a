//! `components`: security schemes, parameters, request bodies and response schemas.
use super::schemas;
use serde_json::{Value, json};

/// The document's description: authentication and versioning, as the facade handles them.
pub const INFO: &str = "Every operation needs `x-api-key` (the tenant's private key). Except \
`POST /authenticate`, each also needs a token from `POST /authenticate` (body `{\"username\", \
\"password\", \"privateKey\"}`), sent as `Authorization: Bearer <token>` or as the raw token. \
`x-api-version` may be omitted or `2`; any other value is a 400. Admins act on every user of \
the tenant; a department administrator only on the learners of their department and the \
departments below it: lists hold only those, and a user outside is answered as an unknown \
one (404, or the 422 of an unknown id in an un-enroll list); without a department they reach \
nobody. Courses and `/my-enrollments` are the same for every role. Unsupported methods on a \
known path are 405 with an `Allow` header; unknown paths are 404. Errors are \
`GenericErrorResponse`.";

fn param(name: &str, location: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": location, "required": location == "path", "schema": schema, "description": description})
}

fn deprecated(mut p: Value) -> Value {
    p["deprecated"] = json!(true);
    p
}

fn parameters() -> Value {
    let uuid = json!({"type": "string", "format": "uuid"});
    let mut out = serde_json::Map::new();
    for name in [
        "userId",
        "courseId",
        "sessionId",
        "chapterId",
        "lessonId",
        "attemptId",
        "id",
    ] {
        out.insert(
            name.into(),
            param(
                name,
                "path",
                uuid.clone(),
                "A GUID; anything else is a 400.",
            ),
        );
    }
    let limit = json!({"type": "integer", "minimum": 1, "maximum": crate::params::MAX_LIMIT, "default": crate::params::DEFAULT_LIMIT});
    let offset =
        json!({"type": "integer", "minimum": 0, "maximum": crate::params::MAX_PAGE, "default": 0});
    let status = json!({"type": "integer", "minimum": 0, "maximum": 12});
    let date = json!({"type": "string", "format": "date-time"});
    let flag = json!({"type": "boolean", "default": false});
    let ids = json!({"type": "array", "items": uuid, "maxItems": 1000});
    let entries = [
        (
            "Filter",
            param(
                "_filter",
                "query",
                json!({"type": "string"}),
                "OData subset: eq ne gt ge lt le and or not (), substringof, startswith, endswith, tolower, toupper; literals 'text', numbers, true/false, guid'…', datetime'…'. Fields: the resource's camelCase names. An expression that does not parse or names an unknown field is a 400.",
            ),
        ),
        (
            "Sort",
            param(
                "_sort",
                "query",
                json!({"type": "string"}),
                "Comma-separated fields, `-` prefix for descending (e.g. `-dateAdded,courseName`). An unknown field is a 400.",
            ),
        ),
        (
            "Limit",
            param("_limit", "query", limit.clone(), "Page size."),
        ),
        (
            "Offset",
            param(
                "_offset",
                "query",
                offset.clone(),
                "Page index (not an item offset).",
            ),
        ),
        (
            "LegacyLimit",
            deprecated(param(
                "limit",
                "query",
                limit,
                "Deprecated form of `_limit` (used when `_limit` is absent).",
            )),
        ),
        (
            "LegacyOffset",
            deprecated(param(
                "offset",
                "query",
                offset,
                "Deprecated form of `_offset` (used when `_offset` is absent).",
            )),
        ),
        (
            "Status",
            deprecated(param(
                "status",
                "query",
                status,
                "Only enrollments with this status code (0–12).",
            )),
        ),
        (
            "ModifiedSince",
            deprecated(param(
                "modifiedSince",
                "query",
                date,
                "Only enrollments edited after this instant; its UTC year must be 1–9999. Without an offset it is UTC.",
            )),
        ),
        (
            "ReEnroll",
            param(
                "reEnroll",
                "query",
                flag.clone(),
                "Archive the active enrollment as historical and create a new one.",
            ),
        ),
        (
            "CancelSession",
            param(
                "cancelSession",
                "query",
                flag,
                "Cancel the user's session enrollment in another session of the course.",
            ),
        ),
        (
            "UserIds",
            param(
                "userIds",
                "query",
                ids.clone(),
                "User GUIDs (repeated or comma-separated, at most 1000). Unknown ids match nothing. At least one of userIds and courseIds is required.",
            ),
        ),
        (
            "CourseIds",
            param(
                "courseIds",
                "query",
                ids,
                "Course GUIDs (repeated or comma-separated, at most 1000). Unknown ids match nothing.",
            ),
        ),
        (
            "ApiVersion",
            param(
                "x-api-version",
                "header",
                json!({"type": "string", "enum": ["2"]}),
                "The API version: omitted or `2`; any other value is a 400.",
            ),
        ),
    ];
    for (k, v) in entries {
        out.insert(k.into(), v);
    }
    Value::Object(out)
}

fn body(schema: &str, description: &str) -> Value {
    json!({"required": true, "description": description, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

/// Everything under `components`.
pub fn all() -> Value {
    json!({
        "securitySchemes": {
            "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key", "description": "The tenant's private key."},
            "bearer": {"type": "http", "scheme": "bearer", "description": "A token from POST /authenticate; the raw token without `Bearer ` is accepted too."},
        },
        "parameters": parameters(),
        "requestBodies": {
            "AuthenticationRequest": body("AuthenticationRequest", "The admin's or learner's credentials and the tenant's private key."),
            "CourseEnrollmentRequest": body("CourseEnrollmentRequest", "The settable fields of a course enrollment; read-only fields are accepted and ignored."),
            "UnenrollRequest": body("UnenrollRequest", "Enrollment ids; all are un-enrolled or none (an unknown id is a 422 naming it)."),
            "FinishAttemptRequest": body("FinishAttemptRequest", "The attempt's outcome."),
        },
        "schemas": schemas::all(),
    })
}
