//! One function per LMS365 operation, grouped by entity set, and the OData glue they share:
//! query options, `$select`, `@odata.context`, `@odata.count` and `@odata.nextLink`.
pub mod catalogs;
pub mod courses;
pub mod enrollments;
pub mod service;
pub mod users;

use crate::error::ODataError;
use actix_web::{HttpRequest, HttpResponse};
use enroll_store::{Store, StoreResult};
use odata_filter::{Page, QueryOptions, Vocabulary, next_link, parse_options};
use serde_json::{Map, Value};

/// The server's page size: at most this many entities per answer, as LMS365 documents.
pub const MAX_PAGE: i64 = 10_000;

/// A smaller server page size a host may register (`App::app_data(PageSize(100))`), e.g. to
/// see `@odata.nextLink` paging without 10,000 entities.
#[derive(Debug, Clone, Copy)]
pub struct PageSize(pub i64);

/// The page size in force for `req`.
pub(crate) fn page_size(req: &HttpRequest) -> i64 {
    req.app_data::<PageSize>()
        .map_or(MAX_PAGE, |p| p.0.clamp(1, MAX_PAGE))
}

/// Runs a unit of work off the async workers and maps store errors to OData errors.
pub(crate) async fn run<T, F>(store: &Store, f: F) -> Result<T, ODataError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
{
    Ok(store.call(f).await?)
}

/// The decoded query string.
pub(crate) fn pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, ODataError> {
    serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ODataError::BadRequest(format!("The query string is malformed: {e}.")))
}

/// The query options of a collection request.
pub(crate) fn collection_options(
    req: &HttpRequest,
    vocab: &Vocabulary<'_>,
) -> Result<(Vec<(String, String)>, QueryOptions), ODataError> {
    let p = pairs(req)?;
    let q = parse_options(&p, vocab)?;
    Ok((p, q))
}

/// The query options of a single-entity request: only `$select`, `$expand` and `$format`.
pub(crate) fn entity_options(
    req: &HttpRequest,
    vocab: &Vocabulary<'_>,
) -> Result<QueryOptions, ODataError> {
    let p = pairs(req)?;
    for (name, _) in &p {
        let n = name.to_ascii_lowercase();
        if ["$filter", "$orderby", "$top", "$skip", "$count"].contains(&n.as_str()) {
            return Err(ODataError::BadRequest(format!(
                "The query option '{name}' applies to collections, not to a single entity."
            )));
        }
    }
    Ok(parse_options(&p, vocab)?)
}

/// The service root URL, e.g. `https://host/lms365/odata/v2` (without a trailing slash).
pub(crate) fn root(req: &HttpRequest) -> String {
    let url = req
        .url_for_static(crate::routes::ROOT)
        .map(|u| u.to_string())
        .unwrap_or_default();
    url.trim_end_matches('/').to_string()
}

/// Keeps the `$select`ed properties (and the expanded navigation properties) of an entity.
pub(crate) fn select(mut entity: Map<String, Value>, q: &QueryOptions) -> Map<String, Value> {
    if let Some(keep) = &q.select {
        entity.retain(|k, _| {
            k.starts_with('@') || keep.iter().any(|s| s == k) || q.expand.iter().any(|e| e == k)
        });
    }
    entity
}

/// `Set` or `Set(Prop1,Prop2)`: the context of a `$select`ed answer.
pub(crate) fn context_of(set: &str, q: &QueryOptions) -> String {
    match &q.select {
        Some(s) if !s.is_empty() => format!("{set}({})", s.join(",")),
        _ => set.to_string(),
    }
}

/// A single entity, with `@odata.context` `…/$metadata#<context>/$entity`.
pub(crate) fn entity_response(
    req: &HttpRequest,
    context: &str,
    entity: Map<String, Value>,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    let mut out = Map::new();
    out.insert(
        "@odata.context".into(),
        Value::String(format!("{}/$metadata#{context}/$entity", root(req))),
    );
    out.extend(entity);
    HttpResponse::build(status)
        .insert_header(("OData-Version", "4.0"))
        .json(Value::Object(out))
}

/// The answer to `/{Set}/$count`: the number of matching entities, as plain text.
pub(crate) fn count_response(total: i64) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("OData-Version", "4.0"))
        .content_type("text/plain")
        .body(total.to_string())
}

/// One page of a collection.
pub(crate) struct Collection {
    /// The path of the collection below the root, e.g. `Enrollments`.
    pub path: String,
    /// The context after `$metadata#`, e.g. `Enrollments(Id,CourseId)`.
    pub context: String,
    pub total: i64,
    pub page: Page,
    pub values: Vec<Map<String, Value>>,
}

impl Collection {
    /// A page of the entity set `set` (its path and, with the query's `$select`, its context).
    pub(crate) fn of(
        set: &str,
        q: &QueryOptions,
        total: i64,
        page: Page,
        values: Vec<Map<String, Value>>,
    ) -> Self {
        Self {
            path: set.into(),
            context: context_of(set, q),
            total,
            page,
            values,
        }
    }
}

/// The answer to a listing: the count alone (`…/$count`) or the collection page.
pub(crate) fn listed(
    req: &HttpRequest,
    pairs: &[(String, String)],
    q: &QueryOptions,
    c: Collection,
    count_only: bool,
) -> HttpResponse {
    if count_only {
        count_response(c.total)
    } else {
        collection_response(req, pairs, q, c)
    }
}

/// A collection page with `@odata.context`, `@odata.count` (`$count=true`) and
/// `@odata.nextLink` when more entities match than this page holds.
pub(crate) fn collection_response(
    req: &HttpRequest,
    pairs: &[(String, String)],
    q: &QueryOptions,
    c: Collection,
) -> HttpResponse {
    let base = root(req);
    let mut out = Map::new();
    out.insert(
        "@odata.context".into(),
        Value::String(format!("{base}/$metadata#{}", c.context)),
    );
    if q.count {
        out.insert("@odata.count".into(), Value::from(c.total));
    }
    let next = q.next(c.page, c.values.len(), c.total);
    out.insert(
        "value".into(),
        Value::Array(c.values.into_iter().map(Value::Object).collect()),
    );
    if let Some((skip, top)) = next {
        let link = next_link(&format!("{base}/{}", c.path), pairs, skip, top);
        out.insert("@odata.nextLink".into(), Value::String(link));
    }
    HttpResponse::Ok()
        .insert_header(("OData-Version", "4.0"))
        .json(Value::Object(out))
}
