//! OData's system query options on a collection or entity: `$filter`, `$orderby`, `$top`,
//! `$skip`, `$select`, `$expand`, `$count` and `$format`, checked against the entity's
//! [`Vocabulary`], and server-driven paging (`@odata.nextLink`, see [`QueryOptions::next`]
//! and [`next_link`]).
//!
//! Option names are case-insensitive and need their `$`; parameters without one are the
//! service's own and left to the caller. Every refusal is a [`FilterError`] naming the option
//! and the value, fit to show the API user.
use crate::ast::Expr;
use crate::error::{FilterError, clip};
use crate::parser::parse;
use crate::sort::{SortKey, parse_orderby};

/// What an entity set offers to `$select` and `$expand`. `$filter` and `$orderby` fields are
/// checked when they are compiled, against the caller's field resolver.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary<'a> {
    /// Structural properties, as the service spells them.
    pub properties: &'a [&'a str],
    /// Navigation properties (expandable, and selectable too).
    pub navigations: &'a [&'a str],
}

/// The system query options of one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryOptions {
    /// `$filter`, parsed.
    pub filter: Option<Expr>,
    /// `$orderby` keys (empty: the service's own order).
    pub orderby: Vec<SortKey>,
    /// `$top`.
    pub top: Option<i64>,
    /// `$skip` (0 when absent).
    pub skip: i64,
    /// `$select`, canonical names (`None`: every structural property).
    pub select: Option<Vec<String>>,
    /// `$expand`, canonical navigation names.
    pub expand: Vec<String>,
    /// `$count=true`.
    pub count: bool,
}

/// One page of a collection: what to ask the database for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows at most.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

const UNSUPPORTED: &[&str] = &[
    "$search",
    "$apply",
    "$compute",
    "$skiptoken",
    "$deltatoken",
    "$levels",
    "$index",
    "$schemaversion",
    "$id",
];

fn non_negative(option: &str, value: &str) -> Result<i64, FilterError> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FilterError::new(format!(
            "invalid value '{}' for {option}: expected a non-negative integer",
            clip(value)
        )));
    }
    v.parse::<i64>().map_err(|_| {
        FilterError::new(format!(
            "invalid value '{}' for {option}: at most {} is allowed",
            clip(value),
            i64::MAX
        ))
    })
}

/// The canonical spelling of `name` among `names` (case-insensitive).
fn find<'a>(names: &[&'a str], name: &str) -> Option<&'a str> {
    names.iter().find(|n| n.eq_ignore_ascii_case(name)).copied()
}

/// Splits a comma list, refusing empty items.
fn items<'s>(option: &str, value: &'s str) -> Result<Vec<&'s str>, FilterError> {
    let parts: Vec<&str> = value.split(',').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(FilterError::new(format!(
            "invalid {option} '{}': empty item in the list",
            clip(value)
        )));
    }
    Ok(parts)
}

fn select(value: &str, vocab: &Vocabulary<'_>) -> Result<Option<Vec<String>>, FilterError> {
    let mut out: Vec<String> = Vec::new();
    for item in items("$select", value)? {
        if item == "*" {
            return Ok(None);
        }
        let name = find(vocab.properties, item)
            .or_else(|| find(vocab.navigations, item))
            .ok_or_else(|| {
                FilterError::new(format!("unknown property '{}' in $select", clip(item)))
            })?;
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Ok(Some(out))
}

fn expand(value: &str, vocab: &Vocabulary<'_>) -> Result<Vec<String>, FilterError> {
    let mut out: Vec<String> = Vec::new();
    for item in items("$expand", value)? {
        if item == "*" {
            return Ok(vocab.navigations.iter().map(|n| n.to_string()).collect());
        }
        if item.contains(['(', ')', '/', ';']) {
            return Err(FilterError::new(format!(
                "options and paths inside $expand are not supported: '{}'",
                clip(item)
            )));
        }
        let name = find(vocab.navigations, item).ok_or_else(|| {
            FilterError::new(format!(
                "'{}' is not a navigation property that $expand can expand here",
                clip(item)
            ))
        })?;
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// Reads the system query options among decoded query `pairs` (name, value), in any order.
/// Unknown or repeated `$` options, and values that do not parse, are errors.
pub fn parse_options(
    pairs: &[(String, String)],
    vocab: &Vocabulary<'_>,
) -> Result<QueryOptions, FilterError> {
    let mut q = QueryOptions::default();
    let mut seen: Vec<String> = Vec::new();
    for (raw, value) in pairs {
        if !raw.starts_with('$') {
            continue;
        }
        let name = raw.to_ascii_lowercase();
        if seen.contains(&name) {
            return Err(FilterError::new(format!(
                "the query option '{}' is given more than once",
                clip(raw)
            )));
        }
        seen.push(name.clone());
        match name.as_str() {
            "$filter" => q.filter = Some(parse(value).map_err(|e| prefixed("$filter", e))?),
            "$orderby" => q.orderby = parse_orderby(value).map_err(|e| prefixed("$orderby", e))?,
            "$top" => q.top = Some(non_negative("$top", value)?),
            "$skip" => q.skip = non_negative("$skip", value)?,
            "$select" => q.select = select(value, vocab)?,
            "$expand" => q.expand = expand(value, vocab)?,
            "$count" => {
                q.count = match value.trim().to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(FilterError::new(format!(
                            "invalid value '{}' for $count: expected true or false",
                            clip(value)
                        )));
                    }
                }
            }
            "$format" => {
                let v = value.trim().to_ascii_lowercase();
                if v != "json" && !v.starts_with("application/json") {
                    return Err(FilterError::new(format!(
                        "unsupported $format '{}': only json is served",
                        clip(value)
                    )));
                }
            }
            n if UNSUPPORTED.contains(&n) => {
                return Err(FilterError::new(format!(
                    "the query option '{}' is not supported",
                    clip(raw)
                )));
            }
            _ => {
                return Err(FilterError::new(format!(
                    "unknown system query option '{}'",
                    clip(raw)
                )));
            }
        }
    }
    Ok(q)
}

/// A `$filter`/`$orderby` error, saying which option it is in.
fn prefixed(option: &str, e: FilterError) -> FilterError {
    FilterError {
        message: format!("invalid {option}: {}", e.message),
        ..e
    }
}

impl QueryOptions {
    /// The page to read: `$skip`, and `$top` capped at `max_page` (the server's page size).
    pub fn page(&self, max_page: i64) -> Page {
        Page {
            limit: self.top.map_or(max_page, |t| t.min(max_page)),
            offset: self.skip,
        }
    }

    /// The `$skip` and `$top` of the next page, when the page read (`page`, `returned` rows
    /// of `total` matching) ended before the caller's `$top` and the matching rows did.
    pub fn next(&self, page: Page, returned: usize, total: i64) -> Option<(i64, Option<i64>)> {
        let returned = i64::try_from(returned).unwrap_or(i64::MAX);
        let end = self
            .top
            .map_or(total, |t| total.min(self.skip.saturating_add(t)));
        let next = page.offset.saturating_add(returned);
        (returned > 0 && next < end).then(|| {
            let top = self.top.map(|t| t.saturating_sub(returned));
            (next, top)
        })
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters stay as they are).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'$') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `@odata.nextLink` of a request to `base` (scheme, host and path) with query `pairs`:
/// the same options with `$skip` and `$top` replaced by the next page's.
pub fn next_link(base: &str, pairs: &[(String, String)], skip: i64, top: Option<i64>) -> String {
    let mut parts: Vec<String> = pairs
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("$skip") && !n.eq_ignore_ascii_case("$top"))
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    if let Some(t) = top {
        parts.push(format!("$top={t}"));
    }
    parts.push(format!("$skip={skip}"));
    format!("{base}?{}", parts.join("&"))
}
