//! Response and request schemas, field for field as `wire.rs` and the handlers write and read
//! them: every field listed is always present (`required`), `nullable` where it can be null,
//! and nothing else appears (`additionalProperties: false`). Building blocks here; the
//! schemas in `resources.rs` (users, courses, errors), `enrollments.rs` and `requests.rs`.
use serde_json::{Map, Value, json};

pub(super) fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}
pub(super) fn uuid_n() -> Value {
    json!({"type": "string", "format": "uuid", "nullable": true})
}
pub(super) fn date() -> Value {
    json!({"type": "string", "format": "date-time"})
}
pub(super) fn date_n() -> Value {
    json!({"type": "string", "format": "date-time", "nullable": true})
}
pub(super) fn text() -> Value {
    json!({"type": "string"})
}
pub(super) fn text_n() -> Value {
    json!({"type": "string", "nullable": true})
}
pub(super) fn int() -> Value {
    json!({"type": "integer"})
}
pub(super) fn number() -> Value {
    json!({"type": "number"})
}
pub(super) fn boolean() -> Value {
    json!({"type": "boolean"})
}
pub(super) fn status() -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": 12, "description": "0 NotStarted, 1 InProgress, 2 PendingApproval, 3 Complete, 4 NotComplete, 5 Failed, 6 Declined, 7 PendingEvaluationRequired, 8 OnWaitlist, 9 Absent, 10 NotApplicable, 11 PendingProctor, 12 ReadyForReview"})
}
pub(super) fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}
pub(super) fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A closed object whose every field is required.
pub(super) fn object(fields: &[(&str, Value)]) -> Value {
    let props: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let required: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

/// The paged envelope `{totalItems, returnedItems, limit, offset, <name>: [item]}`.
pub(super) fn envelope(name: &str, item: &str) -> Value {
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

/// Every schema.
pub fn all() -> Value {
    let mut s = Map::new();
    super::resources::add(&mut s);
    super::enrollments::add(&mut s);
    super::requests::add(&mut s);
    Value::Object(s)
}
