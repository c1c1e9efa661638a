//! Checking a literal against a column's kind and turning it into a bind value.
use crate::ast::{CaseFn, CmpOp, FieldRef, Literal};
use crate::error::{FilterError, clip};
use crate::literal::{datetime, guid};
use crate::sql::{BindValue, Column, ValueKind};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The value to bind for `f op lit` on `col` (`lit` is not null), or a type error naming `f`.
pub(crate) fn bind_value(
    col: &Column,
    f: &FieldRef,
    op: CmpOp,
    lit: &Literal,
) -> Result<BindValue, FilterError> {
    // `tolower(name) eq 'Bob'` means what the user obviously wants: compare with 'bob'. Ordering
    // comparisons keep the literal as written.
    let case = if matches!(op, CmpOp::Eq | CmpOp::Ne) {
        f.case
    } else {
        None
    };
    let text = |s: &str| {
        BindValue::Text(match case {
            Some(CaseFn::Lower) => s.to_lowercase(),
            Some(CaseFn::Upper) => s.to_uppercase(),
            None => s.to_string(),
        })
    };
    let mismatch = |want: &str| {
        FilterError::new(format!(
            "field '{}' expects {want}, got {}",
            f.path,
            describe(lit)
        ))
    };
    Ok(match (col.kind, lit) {
        (ValueKind::Text, Literal::String(s) | Literal::Guid(s)) => text(s),
        (ValueKind::Text, _) => return Err(mismatch("a quoted string")),
        (ValueKind::Guid, Literal::Guid(g)) => text(g),
        (ValueKind::Guid, Literal::String(s)) => match guid(s) {
            Some(g) => text(&g),
            None => return Err(mismatch("a GUID")),
        },
        (ValueKind::Guid, _) => return Err(mismatch("a GUID")),
        (ValueKind::Int, Literal::Int(n)) => BindValue::Int(*n),
        (ValueKind::Int, Literal::Decimal(_)) => return Err(mismatch("a whole number")),
        (ValueKind::Int, _) => return Err(mismatch("a number")),
        // Precision loss above 2^53 is acceptable for a filter value.
        (ValueKind::Float, Literal::Int(n)) => BindValue::Float(*n as f64),
        (ValueKind::Float, Literal::Decimal(d)) => BindValue::Float(*d),
        (ValueKind::Float, _) => return Err(mismatch("a number")),
        (ValueKind::Bool, Literal::Bool(b)) => BindValue::Bool(*b),
        (ValueKind::Bool, _) => return Err(mismatch("true or false")),
        (ValueKind::Timestamp, Literal::DateTime(t)) => BindValue::Int(millis(*t)),
        (ValueKind::Timestamp, Literal::String(s)) => match datetime(s) {
            Some(t) => BindValue::Int(millis(t)),
            None => return Err(mismatch("a date-time")),
        },
        (ValueKind::Timestamp, _) => return Err(mismatch("a date-time")),
        (ValueKind::NumberText, Literal::Int(n)) => BindValue::Text(n.to_string()),
        (ValueKind::NumberText, Literal::String(s)) if s.parse::<i64>().is_ok() => {
            BindValue::Text(s.clone())
        }
        (ValueKind::NumberText, _) => return Err(mismatch("a whole number")),
    })
}

/// A literal as the user would have written it, for error messages.
fn describe(lit: &Literal) -> String {
    match lit {
        Literal::Null => "null".into(),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(n) => n.to_string(),
        Literal::Decimal(d) => d.to_string(),
        Literal::String(s) => format!("'{}'", clip(s)),
        Literal::Guid(g) => format!("guid'{g}'"),
        Literal::DateTime(t) => format!("datetime'{}'", t.format(&Rfc3339).unwrap_or_default()),
    }
}

/// Unix epoch milliseconds, rounded towards the past.
pub(crate) fn millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos().div_euclid(1_000_000)).unwrap_or(i64::MAX)
}
