//! Query and path parameters: GUIDs, booleans, paging (`_limit`, `_offset` = a PAGE index,
//! deprecated `limit`/`offset`), `_filter`, `_sort`, deprecated `status`/`modifiedSince`.
use crate::error::AbsorbError;
use actix_web::HttpRequest;
use enroll_domain::model::Dialect;
use enroll_store::enrollments::EnrollmentQuery;
use enroll_store::filter::{
    DynFilter, Field, FieldMap, Sort, StateCodes, compile_filter, compile_sort,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// Default and maximum page sizes (Absorb's documented 20 / 1000 are unverified; we use them).
pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 1000;
/// The largest page index (`_offset`): Absorb's paging fields are 32-bit.
pub const MAX_PAGE: i64 = i32::MAX as i64;

/// Absorb's 0–12 enrollment status of each canonical state (`vocab.rs`).
pub static ABSORB_STATUS: StateCodes = StateCodes::new(crate::vocab::to_absorb);

/// Enrollment fields for `_filter`/`_sort`, by their Absorb names.
pub const ENROLLMENT_FIELDS: FieldMap = &[
    ("id", Field::EnrollmentId),
    ("courseId", Field::CourseId(Dialect::Absorb)),
    ("courseName", Field::CourseTitle),
    ("userId", Field::LearnerId(Dialect::Absorb)),
    ("progress", Field::EnrollmentProgress),
    ("score", Field::EnrollmentScore),
    ("status", Field::EnrollmentStateCode(&ABSORB_STATUS)),
    ("dateCompleted", Field::EnrollmentCompleted),
    ("dateExpires", Field::EnrollmentExpires),
    ("dateEdited", Field::EnrollmentEdited),
    ("dateAdded", Field::EnrollmentAdded),
    ("dateStarted", Field::EnrollmentStarted),
    ("dateDue", Field::EnrollmentDue),
    ("accessDate", Field::EnrollmentAccess),
    ("isActive", Field::EnrollmentActive),
    ("credits", Field::EnrollmentCredits),
    ("jobTitle", Field::LearnerJobTitle),
    ("firstName", Field::LearnerFirstName),
    ("lastName", Field::LearnerLastName),
    ("username", Field::LearnerUsername),
];

/// User fields for `GET /users?_filter=…`.
pub const USER_FIELDS: FieldMap = &[
    ("id", Field::LearnerId(Dialect::Absorb)),
    ("username", Field::LearnerUsername),
    ("emailAddress", Field::LearnerEmail),
    ("email", Field::LearnerEmail),
    ("firstName", Field::LearnerFirstName),
    ("lastName", Field::LearnerLastName),
    ("jobTitle", Field::LearnerJobTitle),
    ("departmentId", Field::LearnerDepartmentId),
    ("dateAdded", Field::LearnerAdded),
    ("dateEdited", Field::LearnerEdited),
];

/// Course fields for `GET /courses?_filter=…`.
pub const COURSE_FIELDS: FieldMap = &[
    ("id", Field::CourseId(Dialect::Absorb)),
    ("name", Field::CourseTitle),
    ("requiresApproval", Field::CourseRequiresApproval),
    ("capacity", Field::CourseCapacity),
    ("dateAdded", Field::CourseAdded),
    ("dateEdited", Field::CourseEdited),
];

/// The raw query string as ordered pairs (repeated keys kept).
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses the request's query string.
    pub fn from(req: &HttpRequest) -> Result<Self, AbsorbError> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
            .map(Params)
            .map_err(|e| AbsorbError::BadRequest(format!("The query string is malformed: {e}")))
    }

    /// The last value of `name` (case-insensitive), empty or not: an empty number, flag or
    /// date (`_limit=`) is a 400 like any other value that does not parse.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The last value of a free-text parameter (`_filter`, `_sort`); empty means absent.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    /// Every value of `name`, also splitting comma lists (`userIds=a,b&userIds=c`). An empty
    /// item (`userIds=`, `a,,b`) is a 400.
    pub fn all(&self, name: &str) -> Result<Vec<&str>, AbsorbError> {
        let items: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, _)| {
                k.eq_ignore_ascii_case(name) || k.eq_ignore_ascii_case(&format!("{name}[]"))
            })
            .flat_map(|(_, v)| v.split(',').map(str::trim))
            .collect();
        if items.iter().any(|s| s.is_empty()) {
            return Err(AbsorbError::BadRequest(format!(
                "{name} has an empty value; send GUIDs."
            )));
        }
        Ok(items)
    }

    /// A boolean flag (`true`/`false`, default false).
    pub fn flag(&self, name: &str) -> Result<bool, AbsorbError> {
        match self.get(name) {
            None => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(AbsorbError::BadRequest(format!(
                "The value '{v}' is not valid for {name}."
            ))),
        }
    }

    /// `name` as an integer within `range`, if given.
    fn int(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>, AbsorbError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        match v.parse::<i64>() {
            Ok(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(AbsorbError::BadRequest(format!(
                "The value '{v}' is not valid for {name}: use an integer from {} to {}.",
                range.start(),
                range.end()
            ))),
        }
    }

    /// (page size, page index) from `_limit`/`_offset`, or the deprecated `limit`/`offset`
    /// when the new ones are absent. Every one given must be valid, used or not.
    pub fn page(&self) -> Result<(i64, i64), AbsorbError> {
        let limit = self.int("_limit", 1..=MAX_LIMIT)?;
        let old_limit = self.int("limit", 1..=MAX_LIMIT)?;
        let page = self.int("_offset", 0..=MAX_PAGE)?;
        let old_page = self.int("offset", 0..=MAX_PAGE)?;
        Ok((
            limit.or(old_limit).unwrap_or(DEFAULT_LIMIT),
            page.or(old_page).unwrap_or(0),
        ))
    }

    /// `_filter` compiled against `fields` (400 in Absorb's shape when it does not parse or
    /// names an unknown field).
    pub fn filter(&self, fields: FieldMap) -> Result<Option<DynFilter>, AbsorbError> {
        let Some(f) = self.text("_filter") else {
            return Ok(None);
        };
        let expr = odata_filter::parse(f)
            .map_err(|e| AbsorbError::BadRequest(format!("Invalid _filter: {e}")))?;
        compile_filter(&expr, fields)
            .map(Some)
            .map_err(|e| AbsorbError::BadRequest(format!("Invalid _filter: {e}")))
    }

    /// `_sort` compiled against `fields`.
    pub fn sort(&self, fields: FieldMap) -> Result<Option<Sort>, AbsorbError> {
        let Some(s) = self.text("_sort") else {
            return Ok(None);
        };
        let keys = crate::sort::parse_sort(s)
            .map_err(|e| AbsorbError::BadRequest(format!("Invalid _sort: {e}")))?;
        let order = compile_sort(&keys, fields)
            .map_err(|e| AbsorbError::BadRequest(format!("Invalid _sort: {e}")))?;
        Ok(Some(order).filter(|o| !o.is_empty()))
    }

    /// `_filter`, `_sort`, paging and the deprecated `status`/`modifiedSince` as a ledger query.
    pub fn enrollment_query(&self) -> Result<(EnrollmentQuery, i64, i64), AbsorbError> {
        let (limit, page) = self.page()?;
        let mut q = EnrollmentQuery {
            limit,
            offset: page.saturating_mul(limit),
            ..Default::default()
        };
        q.filter = self.filter(ENROLLMENT_FIELDS)?;
        q.order = self.sort(ENROLLMENT_FIELDS)?;
        if let Some(st) = self.status()? {
            q.states = Some(
                enroll_domain::EnrollmentState::ALL
                    .into_iter()
                    .filter(|s| crate::vocab::to_absorb(*s) == st)
                    .collect(),
            );
        }
        q.modified_since = self.modified_since()?;
        Ok((q, limit, page))
    }

    /// The deprecated `status` filter (0–12).
    pub fn status(&self) -> Result<Option<i32>, AbsorbError> {
        match self.get("status") {
            None => Ok(None),
            Some(v) => match v.parse::<i32>() {
                Ok(n) if (0..=12).contains(&n) => Ok(Some(n)),
                _ => Err(AbsorbError::BadRequest(format!(
                    "The value '{v}' is not valid for status."
                ))),
            },
        }
    }

    /// The deprecated `modifiedSince` filter.
    pub fn modified_since(&self) -> Result<Option<OffsetDateTime>, AbsorbError> {
        self.get("modifiedSince")
            .map(|v| datetime(v, "modifiedSince"))
            .transpose()
    }
}

/// Parses a path or query GUID.
pub fn guid(value: &str, name: &str) -> Result<Uuid, AbsorbError> {
    Uuid::parse_str(value.trim()).map_err(|_| {
        AbsorbError::BadRequest(format!(
            "The value '{value}' is not a valid GUID for {name}."
        ))
    })
}

/// Parses an ISO 8601 date-time (no offset = UTC) that the ledger can hold: its UTC year must
/// be 1 to 9999 ([`enroll_domain::clock::storable`]), or it is a 400 naming the field.
pub fn datetime(value: &str, name: &str) -> Result<OffsetDateTime, AbsorbError> {
    use time::format_description::well_known::Rfc3339;
    let t = OffsetDateTime::parse(value, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{value}Z"), &Rfc3339))
        .map_err(|_| {
            AbsorbError::BadRequest(format!(
                "The value '{value}' is not a valid date-time for {name}."
            ))
        })?;
    enroll_domain::clock::storable(t).map_err(|e| {
        AbsorbError::BadRequest(format!("The value '{value}' is not valid for {name}: {e}."))
    })?;
    Ok(t)
}
