//! TrainerCentral ids: positive numbers (orgId, courseId, courseMemberId, portal member id),
//! sent as strings. Anything else is `INVALID_DATA` naming the parameter.
use crate::error::TcError;
use serde_json::Value;

/// A numeric id from a path or query (at most 18 digits).
pub fn number(text: &str, param: &str) -> Result<String, TcError> {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.trim_start_matches('0').to_string()).map(|s| if s.is_empty() { "0".into() } else { s })
    } else {
        Err(TcError::invalid(
            param,
            format!(
                "{param} must be a numeric id, not '{}'",
                t.chars().take(40).collect::<String>()
            ),
        ))
    }
}

/// A numeric id from JSON: a string of digits or a whole number.
pub fn json_number(v: &Value, param: &str) -> Result<String, TcError> {
    match v {
        Value::String(s) => number(s, param),
        Value::Number(n) if n.as_u64().is_some() => number(&n.to_string(), param),
        _ => Err(TcError::invalid(
            param,
            format!("{param} must be a numeric id"),
        )),
    }
}
