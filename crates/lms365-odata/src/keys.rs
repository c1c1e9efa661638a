//! OData resource paths: an entity set with an optional key, `Courses(101)`,
//! `Enrollments(5f0c…)`, `Users('i:0#.f|membership|kayb@x.example')`, `Courses(Id=101)`.
use crate::error::ODataError;
use uuid::Uuid;

/// One path segment: an entity set's name and the key in parentheses, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
    pub key: Option<String>,
}

fn clip(s: &str) -> String {
    s.chars().take(100).collect()
}

/// Reads `Name` or `Name(key)`; anything else is a 400 naming the segment.
pub fn segment(raw: &str) -> Result<Segment, ODataError> {
    let Some(open) = raw.find('(') else {
        return Ok(Segment {
            name: raw.to_string(),
            key: None,
        });
    };
    let (name, rest) = raw.split_at(open);
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ODataError::BadRequest(format!(
                "The key in the segment '{}' is malformed: expected {name}(<key>).",
                clip(raw)
            ))
        })?;
    // The named form `Id=…` names the only key property.
    let inner = inner
        .strip_prefix("Id=")
        .or_else(|| inner.strip_prefix("id="))
        .unwrap_or(inner);
    Ok(Segment {
        name: name.to_string(),
        key: Some(inner.to_string()),
    })
}

fn unquote(key: &str) -> Option<String> {
    let inner = key.strip_prefix('\'')?.strip_suffix('\'')?;
    // OData doubles quotes inside string literals; a lone one is malformed.
    let text = inner.replace("''", "\u{0}");
    (!text.contains('\'')).then(|| text.replace('\u{0}', "'"))
}

/// An `Edm.Int64` key: `101`.
pub fn number(set: &str, key: &str) -> Result<i64, ODataError> {
    key.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ODataError::BadRequest(format!(
            "The key value '{}' of {set} is not a valid Edm.Int64: give a positive number, \
                 e.g. {set}(101).",
            clip(key)
        ))
    })
}

/// An `Edm.Guid` key: bare (OData v4), quoted, or `guid'…'` (v3).
pub fn guid(set: &str, key: &str) -> Result<Uuid, ODataError> {
    let bare = key
        .strip_prefix("guid'")
        .and_then(|k| k.strip_suffix('\''))
        .map(str::to_string)
        .or_else(|| unquote(key))
        .unwrap_or_else(|| key.to_string());
    Uuid::parse_str(&bare)
        .ok()
        .filter(|_| bare.len() == 36)
        .ok_or_else(|| {
            ODataError::BadRequest(format!(
                "The key value '{}' of {set} is not a valid Edm.Guid.",
                clip(key)
            ))
        })
}

/// An `Edm.String` key: `'text'` (quotes doubled inside).
pub fn string(set: &str, key: &str) -> Result<String, ODataError> {
    unquote(key).filter(|s| !s.is_empty()).ok_or_else(|| {
        ODataError::BadRequest(format!(
            "The key value '{}' of {set} is not a valid Edm.String: quote it, e.g. {set}('x').",
            clip(key)
        ))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_keys() {
        assert_eq!(segment("Courses").unwrap().key, None);
        assert_eq!(segment("Courses(101)").unwrap().key.as_deref(), Some("101"));
        assert_eq!(
            segment("Courses(Id=101)").unwrap().key.as_deref(),
            Some("101")
        );
        for bad in ["Courses(", "Courses()", "Courses(1", "Courses(1)x"] {
            assert!(segment(bad).is_err(), "{bad}");
        }
        assert_eq!(number("Courses", "101").unwrap(), 101);
        for bad in ["abc", "-1", "0", "1.5", "99999999999999999999"] {
            assert!(number("Courses", bad).is_err(), "{bad}");
        }
        let g = "5f0c6f3e-0000-4000-8000-000000000001";
        for k in [g.to_string(), format!("'{g}'"), format!("guid'{g}'")] {
            assert_eq!(guid("Enrollments", &k).unwrap().to_string(), g);
        }
        assert!(guid("Enrollments", "abc").is_err());
        assert_eq!(string("Users", "'O''Brien'").unwrap(), "O'Brien");
        assert!(string("Users", "'a'b'").is_err());
        assert!(string("Users", "abc").is_err());
    }
}
