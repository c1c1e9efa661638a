//! `GET /openapi.json`: an OpenAPI 3 document of exactly what this facade implements.
use actix_web::HttpResponse;
use serde_json::{Map, Value, json};

/// Every implemented operation: (method, path, summary). `routes.rs` registers the same set;
/// a test checks that each of these paths is routed.
pub const ROUTES: &[(&str, &str, &str)] = &[
    (
        "post",
        "/authenticate",
        "Authenticate (returns a bare JSON string token)",
    ),
    ("get", "/users", "List users"),
    ("get", "/users/{userId}", "Get user"),
    ("get", "/courses", "List courses"),
    ("get", "/courses/{courseId}", "Get course"),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/sessions",
        "List user's session enrollments for specific course",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/sessions/{sessionId}",
        "Get user's session enrollment for specific course",
    ),
    (
        "post",
        "/users/{userId}/enrollments/{courseId}/sessions/{sessionId}",
        "Create ILC enrollment for user",
    ),
    (
        "get",
        "/courses/{courseId}/sessions/{sessionId}/enrollments",
        "List an ILC's session enrollments",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/chapters",
        "List chapter enrollments for a specified course",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/chapters/{chapterId}",
        "Get chapter enrollment for a specified course",
    ),
    (
        "post",
        "/users/{userId}/enrollments/{courseId}",
        "Create enrollment for user and course",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}",
        "Get user's enrollment for specific course",
    ),
    (
        "post",
        "/users/{userId}/enrollments",
        "Create or update course enrollment",
    ),
    (
        "get",
        "/users/{userId}/enrollments",
        "List course enrollments for specific user",
    ),
    (
        "post",
        "/enrollments/unenroll",
        "Un-enroll users from courses",
    ),
    ("get", "/enrollments/{id}", "Get course enrollment"),
    (
        "get",
        "/courses/{courseId}/enrollments",
        "List enrollments for specific course",
    ),
    (
        "get",
        "/courses/{courseId}/enrollments/{userId}",
        "Get user's enrollment for specific course",
    ),
    (
        "get",
        "/enrollments",
        "List course enrollments for bulk user list",
    ),
    (
        "get",
        "/courses/{courseId}/lessons/{lessonId}/enrollments",
        "Lists enrollments for a lesson",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/chapters/{chapterId}/lessons/{lessonId}",
        "Get lesson enrollment",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/lessons",
        "List user's lesson enrollments from specific course",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}",
        "Get user's lesson enrollment",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/chapters/{chapterId}/lessons",
        "List user's lesson enrollments from specific chapter",
    ),
    (
        "get",
        "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts",
        "List user's attempts for specific lesson",
    ),
    (
        "post",
        "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts",
        "Start attempt for active lesson enrollment",
    ),
    ("post", "/attempts/{attemptId}/finish", "Finish attempt"),
    ("put", "/attempts/{attemptId}", "Finish attempt (PUT form)"),
    (
        "post",
        "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts/{attemptId}/finish",
        "Finish a specific user's lesson attempt",
    ),
    (
        "put",
        "/users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts/{attemptId}",
        "Finish a specific user's lesson attempt (PUT form)",
    ),
    (
        "get",
        "/my-enrollments/{courseId}",
        "Get currently authenticated user's course enrollment",
    ),
    (
        "post",
        "/my-enrollments/{courseId}",
        "Create course enrollment for the currently authenticated user",
    ),
    (
        "get",
        "/my-enrollments",
        "List currently authenticated user's course enrollments",
    ),
];

fn params(path: &str) -> Vec<Value> {
    let mut out: Vec<Value> = path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}))
        .collect();
    out.push(json!({"name": "x-api-key", "in": "header", "required": true, "schema": {"type": "string"}}));
    out.push(json!({"name": "x-api-version", "in": "header", "schema": {"type": "string", "enum": ["2"]}}));
    out
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for (method, path, summary) in ROUTES {
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = json!({
            "summary": summary,
            "parameters": params(path),
            "responses": {
                "200": {"description": "OK"}, "201": {"description": "Created"},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}
            }
        });
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Absorb Integration API v2 (enroll-gateway emulation)", "version": "2"},
        "paths": paths,
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}, "bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "GenericErrorResponse", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GenericErrorResponse"}}}}},
            "schemas": {"GenericErrorResponse": {"type": "object", "properties": {
                "validations": {"type": "array", "items": {"type": "string"}}, "code": {"type": "integer"},
                "message": {"type": "string"}, "term": {"type": "string"}, "_meta": {"type": "object", "additionalProperties": {"type": "string"}}
            }}}
        }
    })
}

/// `GET /openapi.json`.
pub async fn get() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
