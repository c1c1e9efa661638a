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
        "parameters": super::parameters::all(),
        "requestBodies": {
            "AuthenticationRequest": body("AuthenticationRequest", "The admin's or learner's credentials and the tenant's private key."),
            "CourseEnrollmentRequest": body("CourseEnrollmentRequest", "The settable fields of a course enrollment; read-only fields are accepted and ignored."),
            "UnenrollRequest": body("UnenrollRequest", "Enrollment ids; all are un-enrolled or none (an unknown id is a 422 naming it)."),
            "FinishAttemptRequest": body("FinishAttemptRequest", "The attempt's outcome."),
        },
        "schemas": schemas::all(),
    })
}
