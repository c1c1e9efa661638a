//! Content: `GetContent` (`GET /content`), `ListContent` (`GET /contents`, paged) and
//! `GetContentItem` (`GET /content/{contentId}`). The ledger's courses are iSpring content
//! items of type `Course`.
use super::{next_token, page, run};
use crate::auth::Principal;
use crate::error::IspringError;
use crate::input::{Input, uuid};
use crate::value::{Out, obj};
use crate::wire;
use enroll_domain::model::Dialect;
use enroll_store::Store;

/// iSpring's content types (`ContentType`); the ledger holds only `Course`.
pub const CONTENT_TYPES: &[&str] = &[
    "iSpringSuiteModule",
    "Audio",
    "Video",
    "Image",
    "Quiz",
    "Survey",
    "SCORM",
    "Course",
    "LearningTrack",
    "WordDocument",
    "PowerPointPresentation",
    "PDFDocument",
    "ExcelSpreadsheet",
    "RolePlay",
    "Link",
    "Assignment",
    "Book",
    "Interaction",
    "Page",
    "OnlineQuiz",
    "ExternalCourse",
];

/// Whether `contentTypes` (valid names, or absent) lets courses through.
fn courses_wanted(input: &Input) -> Result<bool, IspringError> {
    let Some(types) = input.list("contentTypes")? else {
        return Ok(true);
    };
    for t in &types {
        if !CONTENT_TYPES.contains(&t.as_str()) {
            return Err(IspringError::WrongParameters(format!(
                "contentTypes: '{}' is not a content type",
                t.chars().take(40).collect::<String>()
            )));
        }
    }
    Ok(types.is_empty() || types.iter().any(|t| t == "Course"))
}

/// Where content item `id` reads back (`base` is the facade's REST base URL).
pub fn view_url(base: &str, id: &str) -> String {
    format!("{base}/content/{id}")
}

async fn items(
    p: &Principal,
    store: &Store,
    base: &str,
    ids: Option<Vec<String>>,
    size: i64,
    offset: i64,
) -> Result<(i64, Vec<Out>), IspringError> {
    let t = p.tenant_id;
    let (total, entries) = run(store, move |s| {
        let ids = ids.as_deref().map(|i| (Dialect::Ispring, i));
        s.catalog(t, ids, size, offset)
    })
    .await?;
    let out = entries
        .iter()
        .map(|c| wire::content_item(c, &view_url(base, &wire::course_id(&c.course))))
        .collect();
    Ok((total, out))
}

/// `GET /content`: every content item of the given types, a list of `contentItem`.
pub async fn list(
    p: &Principal,
    store: &Store,
    base: &str,
    input: &Input,
) -> Result<Out, IspringError> {
    p.require_admin()?;
    if !courses_wanted(input)? {
        return Ok(Out::List("contentItem", Vec::new()));
    }
    let (_, out) = items(p, store, base, None, i64::MAX, 0).await?;
    Ok(Out::List("contentItem", out))
}

/// `GET /contents` / `getContents`: a page, `{contentItems, nextPageToken?}`.
pub async fn page_of(
    p: &Principal,
    store: &Store,
    base: &str,
    input: &Input,
) -> Result<Out, IspringError> {
    p.require_admin()?;
    let (size, offset) = page(input)?;
    let ids = input.ids("contentItemIds")?;
    let (total, out) = if courses_wanted(input)? {
        items(p, store, base, ids, size, offset).await?
    } else {
        (0, Vec::new())
    };
    Ok(obj()
        .put("contentItems", Out::List("contentItem", out))
        .opt(
            "nextPageToken",
            next_token(total, size, offset).map(Out::Text),
        )
        .done())
}

/// `GET /content/{contentId}` / `getContent`: `{contentItem}`.
pub async fn get(p: &Principal, store: &Store, base: &str, id: &str) -> Result<Out, IspringError> {
    p.require_admin()?;
    let id = uuid(id, "contentItemId")?;
    let (_, mut out) = items(p, store, base, Some(vec![id]), 1, 0).await?;
    let item = out
        .pop()
        .ok_or_else(|| IspringError::NotFound("Content item not found".into()))?;
    Ok(obj().put("contentItem", item).done())
}
