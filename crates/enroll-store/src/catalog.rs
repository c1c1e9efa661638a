//! The tenant's catalog and directory as a dialect lists them: courses with their description,
//! date added and default due rule; learners with their date added and the departments they
//! manage; and a list filter on enrollment ids.
use crate::access::ledger_ids;
use crate::crosswalk;
use crate::error::StoreResult;
use crate::filter::DynFilter;
use crate::models::{CourseRow, LearnerRow};
use crate::schedule::due_defaults_in;
use crate::schema::{courses, learners};
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::from_millis;
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::{Course, Dialect, Learner, Role};
use enroll_domain::schedule::DueDefault;
use odata_filter::{BindValue, SqlPart};
use time::OffsetDateTime;
use uuid::Uuid;

/// A course as a catalog lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseEntry {
    pub course: Course,
    pub description: String,
    pub added: OffsetDateTime,
    pub due_default: Option<DueDefault>,
}

/// A learner as a directory lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerEntry {
    pub learner: Learner,
    pub added: OffsetDateTime,
    /// The departments they administer (a department administrator's own department).
    pub manages: Vec<Uuid>,
}

/// Which learners [`Store::directory`] lists; every set given must match.
#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery {
    /// Named by a dialect's ids.
    pub ids: Option<(Dialect, Vec<String>)>,
    pub departments: Option<Vec<Uuid>>,
    pub usernames: Option<Vec<String>>,
    pub emails: Option<Vec<String>>,
}

/// `enrollments.id` is one of `ids`: a list filter for [`crate::enrollments::EnrollmentQuery`].
pub fn enrollment_ids(ids: &[Uuid]) -> DynFilter {
    let mut parts = vec![SqlPart::Raw("(enrollments.id IN (NULL".into())];
    for id in ids {
        parts.push(SqlPart::Raw(", ".into()));
        parts.push(SqlPart::Bind(BindValue::Text(id.to_string())));
    }
    parts.push(SqlPart::Raw("))".into()));
    DynFilter::from_parts(parts)
}

impl Store {
    /// A page of the tenant's courses by title (only those `ids` names in `dialect`, when
    /// given) and the total count.
    pub fn catalog(
        &self,
        tenant_id: Uuid,
        ids: Option<(Dialect, &[String])>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<CourseEntry>)> {
        self.read(|c| {
            let wanted = match ids {
                Some((d, ids)) => Some(
                    ledger_ids(c, tenant_id, d, Kind::Course, ids)?
                        .into_values()
                        .collect::<Vec<_>>(),
                ),
                None => None,
            };
            let base = || {
                let mut q = courses::table
                    .filter(courses::tenant_id.eq(tenant_id.to_string()))
                    .into_boxed();
                if let Some(w) = &wanted {
                    q = q.filter(courses::id.eq_any(w.clone()));
                }
                q
            };
            let total: i64 = base().count().get_result(c)?;
            let rows: Vec<CourseRow> = base()
                .select(CourseRow::as_select())
                .order((courses::title, courses::id))
                .limit(limit)
                .offset(offset)
                .load(c)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let book = crosswalk::ids_of(c, &ids)?;
            let defaults = due_defaults_in(c, &ids)?;
            let entries = rows
                .iter()
                .map(|r| {
                    Ok(CourseEntry {
                        course: r.to_domain(book.get(Kind::Course, &r.id))?,
                        description: r.description.clone(),
                        added: from_millis(r.created_at),
                        due_default: defaults.get(&r.id).copied(),
                    })
                })
                .collect::<StoreResult<_>>()?;
            Ok((total, entries))
        })
    }

    /// The tenant's learners matching `q`, oldest first.
    pub fn directory(&self, tenant_id: Uuid, q: &DirectoryQuery) -> StoreResult<Vec<LearnerEntry>> {
        self.read(|c| {
            let wanted = match &q.ids {
                Some((d, ids)) => Some(
                    ledger_ids(c, tenant_id, *d, Kind::Learner, ids)?
                        .into_values()
                        .collect::<Vec<_>>(),
                ),
                None => None,
            };
            let mut b = learners::table
                .filter(learners::tenant_id.eq(tenant_id.to_string()))
                .into_boxed();
            if let Some(w) = wanted {
                b = b.filter(learners::id.eq_any(w));
            }
            if let Some(ds) = &q.departments {
                let ds: Vec<String> = ds.iter().map(Uuid::to_string).collect();
                b = b.filter(learners::department_id.eq_any(ds));
            }
            if let Some(u) = &q.usernames {
                b = b.filter(learners::username.eq_any(u.clone()));
            }
            if let Some(e) = &q.emails {
                b = b.filter(learners::email.eq_any(e.clone()));
            }
            let rows: Vec<LearnerRow> = b
                .select(LearnerRow::as_select())
                .order((learners::created_at, learners::id))
                .load(c)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let book = crosswalk::ids_of(c, &ids)?;
            rows.iter()
                .map(|r| {
                    let learner = r.to_domain(book.get(Kind::Learner, &r.id))?;
                    let manages = match (learner.role, learner.department_id) {
                        (Role::DepartmentAdmin, Some(d)) => vec![d],
                        _ => Vec::new(),
                    };
                    Ok(LearnerEntry {
                        learner,
                        added: from_millis(r.created_at),
                        manages,
                    })
                })
                .collect()
        })
    }
}
