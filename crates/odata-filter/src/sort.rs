//! Sort expressions: OData's `$orderby=Name desc, Id`, and the neutral [`SortKey`] list that
//! [`sort_to_sql`] renders. A facade with a sort syntax of its own parses its items into keys
//! inside [`parse_sort_list`], which checks the list itself.
use crate::ast::is_field_path;
use crate::error::{FilterError, clip};
use crate::lexer::MAX_INPUT_LEN;
use crate::sql::FieldResolver;

/// Most sort keys accepted.
pub const MAX_SORT_KEYS: usize = 8;

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The field path as written (resolved case-insensitively by the caller's resolver).
    pub field: String,
    /// Descending rather than ascending.
    pub descending: bool,
}

impl SortKey {
    /// A key on `field`, which must be a field path (`name`, `customFields/string1`).
    pub fn new(field: &str, descending: bool) -> Result<Self, FilterError> {
        if is_field_path(field) {
            Ok(Self {
                field: field.to_string(),
                descending,
            })
        } else {
            Err(FilterError::new(format!(
                "invalid sort field '{}'",
                clip(field)
            )))
        }
    }
}

/// Parses a comma list of sort items, the frame every sort syntax shares: refuses empty
/// input, blank items, more than [`MAX_SORT_KEYS`] items and more than [`MAX_INPUT_LEN`]
/// bytes; `item` parses one trimmed, non-empty item (a vendor's own syntax, e.g. `-name`),
/// and its errors get the item's 0-based byte position.
pub fn parse_sort_list(
    input: &str,
    item: impl Fn(&str) -> Result<SortKey, FilterError>,
) -> Result<Vec<SortKey>, FilterError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(FilterError::new(format!(
            "the sort is longer than {MAX_INPUT_LEN} bytes"
        )));
    }
    if input.trim().is_empty() {
        return Err(FilterError::new("the sort is empty"));
    }
    let mut keys = Vec::new();
    let mut pos = 0;
    for raw in input.split(',') {
        let lead = raw.len() - raw.trim_start().len();
        if raw.trim().is_empty() {
            return Err(FilterError::at("empty item in sort list", pos + lead));
        }
        if keys.len() == MAX_SORT_KEYS {
            let msg = format!("at most {MAX_SORT_KEYS} sort fields are allowed");
            return Err(FilterError::at(msg, pos + lead));
        }
        keys.push(item(raw.trim()).map_err(|e| FilterError {
            position: Some(pos + lead),
            ..e
        })?);
        pos += raw.len() + 1;
    }
    Ok(keys)
}

/// Parses an OData `$orderby`: a comma list of `field [asc|desc]` (case-insensitive
/// direction), e.g. `Name desc, Id`.
pub fn parse_orderby(input: &str) -> Result<Vec<SortKey>, FilterError> {
    parse_sort_list(input, |item| {
        let mut words = item.split_whitespace();
        let name = words.next().unwrap_or_default();
        let descending = match words.next() {
            None => false,
            Some(w) if w.eq_ignore_ascii_case("asc") => false,
            Some(w) if w.eq_ignore_ascii_case("desc") => true,
            Some(w) => {
                let msg = format!("invalid sort direction '{}' (use asc or desc)", clip(w));
                return Err(FilterError::new(msg));
            }
        };
        if let Some(extra) = words.next() {
            return Err(FilterError::new(format!(
                "unexpected '{}' in sort item",
                clip(extra)
            )));
        }
        SortKey::new(name, descending)
    })
}

/// Renders keys as an ORDER BY list of whitelisted columns, e.g. `col1 ASC, col2 DESC`
/// (without the `ORDER BY`). No keys render as an empty string: omit the clause then.
pub fn sort_to_sql(keys: &[SortKey], resolver: &dyn FieldResolver) -> Result<String, FilterError> {
    if keys.len() > MAX_SORT_KEYS {
        return Err(FilterError::new(format!(
            "at most {MAX_SORT_KEYS} sort fields are allowed"
        )));
    }
    let parts = keys
        .iter()
        .map(|k| {
            let col = resolver.resolve(&k.field).ok_or_else(|| {
                FilterError::new(format!("unknown field '{}' in sort", clip(&k.field)))
            })?;
            Ok(format!(
                "{} {}",
                col.sql,
                if k.descending { "DESC" } else { "ASC" }
            ))
        })
        .collect::<Result<Vec<_>, FilterError>>()?;
    Ok(parts.join(", "))
}
