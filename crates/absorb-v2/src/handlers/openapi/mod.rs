//! `GET /openapi.json`: an OpenAPI 3.0 document of exactly what this facade implements and how
//! it behaves: every operation with its path, query and header parameters (types and bounds
//! as the handlers enforce them), request bodies, and every status it can answer with the
//! body's schema. The client-compat suite runs a schema-driven checker against it.
mod components;
mod enrollments;
mod ops;
mod parameters;
mod requests;
mod resources;
mod schemas;

pub use ops::{OPS, Op};

use super::enrollments::BULK_CAP;
use actix_web::HttpResponse;
use serde_json::{Map, Value, json};

/// Statuses every authenticated operation can give: malformed input, missing or invalid
/// credentials, the database unreachable.
const COMMON_ERRORS: [u16; 3] = [400, 401, 503];

fn error_description(status: u16) -> &'static str {
    match status {
        400 => {
            "Malformed request: a GUID, number, date, flag or body that does not parse, a value out of range, a JSON body over 2 MiB, or an x-api-version other than 2."
        }
        401 => "The x-api-key header or the token is missing, invalid or expired.",
        403 => "The token belongs to a learner; this operation needs an administrator.",
        404 => {
            "A user, course, enrollment, session, chapter, lesson or attempt in the path does not exist in the caller's tenant, or (for a department administrator) belongs to a user outside the caller's department subtree: both are answered alike."
        }
        422 => {
            "The request is well-formed but the ledger refuses it (already enrolled, wrong state, a score outside 0–100, negative credits, an id in a list that is unknown or, for a department administrator, a user's outside the caller's department subtree)."
        }
        429 => {
            "Too many failed sign-ins for this user (5 in a row lock it for 30 s, doubling with each further failure up to 15 minutes; a success or a failure-free hour clears the count). While locked every sign-in of the user is refused, the right password included; Retry-After says when to try again."
        }
        _ => "The database is unreachable; retry later.",
    }
}

fn operation(op: &Op) -> Value {
    let mut parameters: Vec<Value> = ops::path_params(op.path)
        .map(|name| json!({"$ref": format!("#/components/parameters/{name}")}))
        .collect();
    parameters.extend(
        op.query
            .iter()
            .chain(["ApiVersion"].iter())
            .map(|name| json!({"$ref": format!("#/components/parameters/{name}")})),
    );
    let mut responses = Map::new();
    let (status, schema, description) = op.ok;
    let mut ok = json!({"description": description.replace("`BULK_CAP`", &BULK_CAP.to_string())});
    if let Some(schema) = schema {
        ok["content"] = json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}});
    }
    responses.insert(status.to_string(), ok);
    let mut errors: Vec<u16> = COMMON_ERRORS.iter().chain(op.errors).copied().collect();
    errors.sort_unstable();
    for code in errors {
        let mut description = error_description(code).to_string();
        if code == 400 && op.id == "listBulkEnrollments" {
            description.push_str(&format!(" Also: more than {BULK_CAP} matching enrollments (the list has no paging; narrow userIds, courseIds or _filter)."));
        }
        let mut response = json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GenericErrorResponse"}}}});
        if code == 429 {
            response["headers"] = json!({"Retry-After": {
                "description": "Seconds until the user may sign in again.",
                "schema": {"type": "integer", "minimum": 1},
            }});
        }
        responses.insert(code.to_string(), response);
    }
    let mut out = json!({
        "operationId": op.id,
        "summary": op.summary,
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(body) = op.body {
        out["requestBody"] = json!({"$ref": format!("#/components/requestBodies/{body}")});
    }
    if op.id == "authenticate" {
        out["security"] = json!([{"apiKey": []}]);
    }
    out
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for op in OPS {
        let entry = paths
            .entry(op.path.to_string())
            .or_insert_with(|| json!({}));
        entry[op.method] = operation(op);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Absorb Integration API v2 (enroll-gateway emulation)",
            "version": "2",
            "description": components::INFO,
        },
        "paths": paths,
        "security": [{"apiKey": [], "bearer": []}],
        "components": components::all(),
    })
}

/// `GET /openapi.json`.
pub async fn get() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
