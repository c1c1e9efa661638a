//! The enrollment fields only Absorb has, kept as Absorb's dialect attributes beside the
//! enrollment (`enroll_store::attributes`), and the wire defaults of fields the ledger has no
//! source for.
//!
//! - `courseVersionId`, `acceptedTermsAndConditions`, `enrollmentKeyId`: written by the
//!   enrollment create-or-update body, stored under these names (ids as text); absent means
//!   `null` / `false` (`false` is stored as absent).
//! - `credits`: a core field of the ledger (LMS365's CEU too), not an attribute.
//! - `certificateId`, `courseCollectionId`: the ledger issues no certificates and records no
//!   collection an enrollment came through (the old columns were never written), so both
//!   always render `null`.
use enroll_domain::model::Dialect;
use enroll_store::attributes::{AttributeValue, DialectAttributes};
use serde_json::Value;
use uuid::Uuid;

/// `courseVersionId`.
pub const COURSE_VERSION_ID: &str = "courseVersionId";
/// `acceptedTermsAndConditions`.
pub const ACCEPTED_TERMS: &str = "acceptedTermsAndConditions";
/// `enrollmentKeyId`.
pub const ENROLLMENT_KEY_ID: &str = "enrollmentKeyId";

/// Absorb's value of `name`.
fn get<'a>(a: &'a DialectAttributes, name: &str) -> Option<&'a Value> {
    a.get(Dialect::Absorb, name)
}

/// An id attribute (`null` when absent or not an id).
pub fn id(a: &DialectAttributes, name: &str) -> Option<Uuid> {
    get(a, name)
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
}

/// `acceptedTermsAndConditions` (`false` when absent).
pub fn accepted_terms(a: &DialectAttributes) -> bool {
    get(a, ACCEPTED_TERMS)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The attributes an enrollment body sets (only the fields it names).
pub fn from_body(
    course_version_id: Option<Uuid>,
    accepted_terms: Option<bool>,
    enrollment_key_id: Option<Uuid>,
) -> Vec<AttributeValue> {
    let set = |name, value| AttributeValue {
        dialect: Dialect::Absorb,
        name,
        value,
    };
    let text = |id: Uuid| Value::String(id.to_string());
    let mut out = Vec::new();
    out.extend(course_version_id.map(|v| set(COURSE_VERSION_ID, text(v))));
    // `false` is the default: stored as no attribute, as before any body set it.
    out.extend(accepted_terms.map(|v| {
        set(
            ACCEPTED_TERMS,
            if v { Value::Bool(true) } else { Value::Null },
        )
    }));
    out.extend(enrollment_key_id.map(|v| set(ENROLLMENT_KEY_ID, text(v))));
    out
}
