//! Sort expressions: Absorb's `_sort=name,-dateAdded` and OData's `$orderby=Name desc`.
use crate::error::FilterError;
use crate::sql::FieldResolver;

const MAX_KEYS: usize = 8;

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: String,
    pub descending: bool,
}

fn check(keys: Vec<SortKey>) -> Result<Vec<SortKey>, FilterError> {
    if keys.len() > MAX_KEYS {
        return Err(FilterError::new(format!(
            "at most {MAX_KEYS} sort fields are allowed"
        )));
    }
    Ok(keys)
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'/' | b'.'))
}

/// Parses Absorb's comma list, `-` prefix = descending.
pub fn parse_absorb_sort(input: &str) -> Result<Vec<SortKey>, FilterError> {
    let keys = input
        .split(',')
        .map(|item| {
            let item = item.trim();
            let (descending, name) = match item.strip_prefix('-') {
                Some(rest) => (true, rest.trim()),
                None => (false, item.strip_prefix('+').unwrap_or(item)),
            };
            if valid_name(name) {
                Ok(SortKey {
                    field: name.to_string(),
                    descending,
                })
            } else {
                Err(FilterError::new(format!("invalid sort field '{item}'")))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    check(keys)
}

/// Parses an OData `$orderby` list (`Name desc, Id asc`).
pub fn parse_orderby(input: &str) -> Result<Vec<SortKey>, FilterError> {
    let keys = input
        .split(',')
        .map(|item| {
            let mut words = item.split_whitespace();
            let name = words.next().unwrap_or("");
            let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(FilterError::new(format!(
                        "invalid sort direction '{other}'"
                    )));
                }
            };
            if words.next().is_some() || !valid_name(name) {
                return Err(FilterError::new(format!(
                    "invalid sort item '{}'",
                    item.trim()
                )));
            }
            Ok(SortKey {
                field: name.to_string(),
                descending,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    check(keys)
}

/// Renders keys as an ORDER BY list of whitelisted columns.
pub fn sort_to_sql(keys: &[SortKey], resolver: &dyn FieldResolver) -> Result<String, FilterError> {
    let keys = check(keys.to_vec())?;
    let parts = keys
        .iter()
        .map(|k| {
            let col = resolver
                .resolve(&k.field)
                .ok_or_else(|| FilterError::new(format!("unknown sort field '{}'", k.field)))?;
            Ok(format!(
                "{} {}",
                col.sql,
                if k.descending { "DESC" } else { "ASC" }
            ))
        })
        .collect::<Result<Vec<_>, FilterError>>()?;
    Ok(parts.join(", "))
}
