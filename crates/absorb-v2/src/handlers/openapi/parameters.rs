//! `components/parameters`: path, query and header parameters with the bounds the handlers
//! enforce.
use serde_json::{Value, json};

fn param(name: &str, location: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": location, "required": location == "path", "schema": schema, "description": description})
}

fn deprecated(mut p: Value) -> Value {
    p["deprecated"] = json!(true);
    p
}

/// Everything under `components/parameters`.
pub(super) fn all() -> Value {
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
    out.extend(filters_and_sorts());
    Value::Object(out)
}

/// `_filter` and `_sort` of each kind of list, naming the fields each one takes (the handlers'
/// field lists themselves): `Filter`/`Sort` for enrollment lists, `UserFilter`/`UserSort` and
/// `CourseFilter`/`CourseSort`.
fn filters_and_sorts() -> Vec<(String, Value)> {
    use crate::params::{COURSE_FIELDS, ENROLLMENT_FIELDS, USER_FIELDS};
    use odata_filter::{MAX_DEPTH, MAX_INPUT_LEN, MAX_NODES, MAX_SORT_KEYS};
    let mut out = Vec::new();
    for (prefix, fields) in [
        ("", ENROLLMENT_FIELDS),
        ("User", USER_FIELDS),
        ("Course", COURSE_FIELDS),
    ] {
        let names = fields
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push((
            format!("{prefix}Filter"),
            param(
                "_filter",
                "query",
                json!({"type": "string", "maxLength": MAX_INPUT_LEN}),
                &format!("OData subset: eq ne gt ge lt le and or not (), substringof, startswith, endswith, tolower, toupper; literals 'text', numbers, true/false, null, guid'…', datetime'…'. Fields (case-insensitive): {names}. At most {MAX_INPUT_LEN} bytes, {MAX_DEPTH} levels of nesting and {MAX_NODES} terms. An expression that does not parse, exceeds those limits or names another field is a 400; empty means absent."),
            ),
        ));
        out.push((
            format!("{prefix}Sort"),
            param(
                "_sort",
                "query",
                json!({"type": "string", "maxLength": MAX_INPUT_LEN}),
                &format!("Comma-separated fields, `-` prefix for descending (e.g. `-dateAdded,name`), at most {MAX_SORT_KEYS}, in at most {MAX_INPUT_LEN} bytes. Fields (case-insensitive): {names}. Another field is a 400; empty means absent."),
            ),
        ));
    }
    out
}
