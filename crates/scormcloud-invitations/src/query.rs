//! Query parameters of the list operations and the opaque `more` token.
//!
//! The token carries the original filters and the next offset, so a continuation respects the
//! first request's filters; as documented, no other filter may be sent along with it.
use crate::error::ScormError;
use crate::wire::parse_dt;
use actix_web::HttpRequest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use enroll_store::list::{DateField, ListWindow, Order};
use std::collections::BTreeMap;

/// Items per page.
pub const PAGE_SIZE: i64 = 100;

/// Parameters that are not filters (allowed alongside `more`). `_` is the cache-buster the
/// official JavaScript SDK adds to every GET when its `cache` option is off.
const NON_FILTERS: &[&str] = &[
    "_",
    "more",
    "includeTotalCount",
    "includeRegistrationCount",
    "includeRegistrationReport",
    "includeChildResults",
    "includeInteractionsAndObjectives",
    "includeHistoryLog",
    "includeRuntime",
    "courseVersion",
];

/// A list request: its filters (from the query or the `more` token) and page offset.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub filters: BTreeMap<String, String>,
    pub options: BTreeMap<String, String>,
    pub offset: i64,
    /// Whether this page came from a `more` token.
    pub continued: bool,
}

impl ListParams {
    /// Parses the request's query string; `allowed` names the filters this operation takes.
    pub fn from_request(req: &HttpRequest, allowed: &[&str]) -> Result<Self, ScormError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
            .map_err(|e| ScormError::BadRequest(format!("invalid query string: {e}")))?;
        let mut p = Self::default();
        let mut more = None;
        for (k, v) in pairs {
            if k == "more" {
                more = Some(v);
            } else if NON_FILTERS.contains(&k.as_str()) {
                p.options.insert(k, v);
            } else if allowed.contains(&k.as_str()) {
                p.filters.insert(k, v);
            } else {
                return Err(ScormError::BadRequest(format!(
                    "unknown query parameter '{k}'"
                )));
            }
        }
        if let Some(token) = more.filter(|m| !m.is_empty()) {
            if !p.filters.is_empty() {
                return Err(ScormError::BadRequest(
                    "No other filter parameters can be sent along with 'more'".into(),
                ));
            }
            let (filters, offset) = decode_more(&token)?;
            p.filters = filters;
            p.offset = offset;
            p.continued = true;
        }
        Ok(p)
    }

    /// A filter's value (empty strings count as absent).
    pub fn get(&self, k: &str) -> Option<&str> {
        self.filters
            .get(k)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// A boolean option (`true`/`false` in any case, as Python's `True` is sent).
    pub fn flag(&self, k: &str) -> Result<bool, ScormError> {
        match self
            .options
            .get(k)
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("") | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(other) => Err(ScormError::BadRequest(format!(
                "{k} must be true or false, not '{other}'"
            ))),
        }
    }

    /// The `more` token of the next page, when `total` goes beyond this one.
    pub fn next(&self, total: i64, shown: usize) -> Option<String> {
        let next = self.offset + i64::try_from(shown).unwrap_or(0);
        (shown > 0 && next < total).then(|| encode_more(&self.filters, next))
    }

    /// Whether to send `X-Total-Count` (first page only).
    pub fn total_header(&self) -> Result<bool, ScormError> {
        Ok(!self.continued && self.flag("includeTotalCount")?)
    }

    /// since/until/datetimeFilter/tags/orderBy as a store window.
    pub fn window(&self) -> Result<ListWindow, ScormError> {
        let date = |k: &str| {
            self.get(k)
                .map(|s| {
                    parse_dt(s).ok_or_else(|| {
                        ScormError::BadRequest(format!("{k} '{s}' is not an ISO 8601 date-time"))
                    })
                })
                .transpose()
        };
        let date_field = match self
            .get("datetimeFilter")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("created") => DateField::Created,
            Some("updated") => DateField::Updated,
            Some(o) => {
                return Err(ScormError::BadRequest(format!(
                    "datetimeFilter '{o}' is not one of: created, updated"
                )));
            }
        };
        let order = match self.get("orderBy").map(str::to_ascii_lowercase).as_deref() {
            None | Some("created_desc") => Order::CreatedDesc,
            Some("created_asc") => Order::CreatedAsc,
            Some("updated_asc") => Order::UpdatedAsc,
            Some("updated_desc") => Order::UpdatedDesc,
            Some(o) => {
                return Err(ScormError::BadRequest(format!(
                    "orderBy '{o}' is not one of: created_asc, created_desc, updated_asc, updated_desc"
                )));
            }
        };
        let tags = self
            .get("tags")
            .map(|t| {
                t.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(ListWindow {
            since: date("since")?,
            until: date("until")?,
            date_field,
            tags,
            order,
            limit: PAGE_SIZE,
            offset: self.offset,
        })
    }

    /// `filter` with its `filterBy` field (lower-cased; `default` when absent).
    pub fn filter_by(&self, default: &str) -> Option<(String, String)> {
        self.get("filter").map(|f| {
            (
                self.get("filterBy").unwrap_or(default).to_ascii_lowercase(),
                f.to_string(),
            )
        })
    }
}

fn encode_more(filters: &BTreeMap<String, String>, offset: i64) -> String {
    let body = serde_json::json!({"f": filters, "o": offset}).to_string();
    URL_SAFE_NO_PAD.encode(body)
}

fn decode_more(token: &str) -> Result<(BTreeMap<String, String>, i64), ScormError> {
    let bad = || ScormError::BadRequest("the 'more' token is not valid".into());
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| bad())?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let offset = v["o"].as_i64().filter(|o| *o >= 0).ok_or_else(bad)?;
    let filters = serde_json::from_value(v["f"].clone()).map_err(|_| bad())?;
    Ok((filters, offset))
}
