//! Enrollment series as the dialects see them (a SCORM Cloud registration is one): found by a
//! dialect's name for them, read with their current enrollment, listed, started (named),
//! continued (a new instance, or a reset) and ended.
use super::cancel::unenroll_in;
use super::create::{EnrollRequest, enroll_all_in};
use super::read::views_by_id;
use super::{EnrollOptions, Existing, active_row};
use crate::conn::DbConn;
use crate::crosswalk;
use crate::error::{StoreError, StoreResult};
use crate::launches::{LaunchSummary, summaries};
use crate::models::{EnrollmentRow, EnrollmentView, uuid};
use crate::schema::enrollments;
use crate::store::{FirstRow, on_backend};
use crate::subscriptions::{self, Scope};
use crate::tags::{self, TagKind};
use diesel::prelude::*;
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_domain::model::Dialect;
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// A current series: its current enrollment (with learner and course), its names and
/// tracking ids, tags and the current enrollment's launches.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesView {
    pub series_id: Uuid,
    pub current: EnrollmentView,
    /// Explicit names (`Kind::Series`) by dialect.
    pub names: ExternalIds,
    /// Explicit tracking ids (`Kind::SeriesTracking`) by dialect.
    pub tracking: ExternalIds,
    pub tags: Vec<String>,
    pub launches: LaunchSummary,
}

impl SeriesView {
    /// The series' id in `dialect`, by the crosswalk rule.
    pub fn id_in(&self, dialect: Dialect) -> String {
        self.names.id_in(dialect, Kind::Series, self.series_id)
    }

    /// The series' tracking id in `dialect` (derived: the series id).
    pub fn tracking_id_in(&self, dialect: Dialect) -> String {
        self.tracking
            .id_in(dialect, Kind::SeriesTracking, self.series_id)
    }
}

/// The series a dialect's name stands for, and its current enrollment, if it is current.
pub fn find_current(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    name: &str,
) -> StoreResult<Option<EnrollmentRow>> {
    // The crosswalk rule inside the series' first enrollment's select: one statement.
    let named = crate::crosswalk_column::NamedBy::new(tenant_id, dialect, Kind::Series, name);
    let first: Option<(String, String, String)> = on_backend!(conn, c => enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id))
        .filter(enrollments::id.nullable().eq(named))
        .select((enrollments::id, enrollments::learner_id, enrollments::course_id))
        .first_row(c))?;
    let Some((series_id, learner, course)) = first else {
        return Ok(None);
    };
    Ok(active_row(conn, tenant_id, &learner, &course)?.filter(|e| e.series_id == series_id))
}

/// A series' current enrollment: the learner's active enrollment in the course, when it
/// belongs to the series (at most one active enrollment per learner and course).
pub fn current_of(
    conn: &mut DbConn,
    tenant_id: &str,
    series_id: &str,
) -> StoreResult<Option<EnrollmentRow>> {
    let first: Option<(String, String)> = on_backend!(conn, c => enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id))
        .filter(enrollments::id.eq(series_id))
        .select((enrollments::learner_id, enrollments::course_id))
        .first_row(c))?;
    let Some((learner, course)) = first else {
        return Ok(None);
    };
    Ok(active_row(conn, tenant_id, &learner, &course)?.filter(|e| e.series_id == series_id))
}

/// Views of series from their current (or latest) enrollment rows, in the rows' order.
pub fn series_views(
    conn: &mut DbConn,
    tenant_id: &str,
    rows: &[EnrollmentRow],
    now: OffsetDateTime,
) -> StoreResult<Vec<SeriesView>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let series: Vec<&str> = rows.iter().map(|r| r.series_id.as_str()).collect();
    let mut views: HashMap<String, EnrollmentView> = views_by_id(conn, tenant_id, &ids, now)?
        .into_iter()
        .map(|v| (v.record.core.id.to_string(), v))
        .collect();
    let book = crosswalk::ids_of(conn, &series)?;
    let mut tags = tags::of_many_in(conn, tenant_id, TagKind::Series, &series)?;
    let mut launches = summaries(conn, &ids)?;
    rows.iter()
        .map(|r| {
            Ok(SeriesView {
                series_id: uuid(&r.series_id)?,
                current: views
                    .remove(&r.id)
                    .ok_or_else(|| StoreError::Internal("series without its enrollment".into()))?,
                names: book.get(Kind::Series, &r.series_id),
                tracking: book.get(Kind::SeriesTracking, &r.series_id),
                tags: tags.remove(&r.series_id).unwrap_or_default(),
                launches: launches.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// The current series a dialect's name stands for, or `NotFound`.
pub(crate) fn current_or_404(
    conn: &mut DbConn,
    tenant_id: &str,
    dialect: Dialect,
    name: &str,
) -> StoreResult<EnrollmentRow> {
    find_current(conn, tenant_id, dialect, name)?
        .ok_or_else(|| StoreError::NotFound(format!("series '{name}'")))
}

pub use enroll_domain::error::SeriesConflict;

/// Starts (or adopts) the learner's series in a course under `name`, inside the caller's
/// transaction: the learner's current series in the course takes the name if it has none in
/// the dialect yet; without one, a new enrollment starts a series. A name whose series ended
/// may name a new one.
pub(crate) fn name_in(
    conn: &mut DbConn,
    req: &EnrollRequest<'_>,
    dialect: Dialect,
    name: &str,
    now: OffsetDateTime,
) -> StoreResult<NamedSeries> {
    let tenant = req.course.tenant_id.clone();
    if let Some(old) = crosswalk::explicit(conn, &tenant, dialect, Kind::Series, name)? {
        if current_of(conn, &tenant, &old)?.is_some() {
            return Err(SeriesConflict::NameTaken(name.into()).into());
        }
        crosswalk::forget(conn, &tenant, dialect, Kind::Series, &old)?;
    } else if crosswalk::taken_as_ledger_id(dialect, Kind::Series, name).is_some()
        && find_current(conn, &tenant, dialect, name)?.is_some()
    {
        // The name is the ledger id of a series without a name of its own in this dialect,
        // which it names already (a name that cannot be taken as a ledger id names nothing
        // else: no lookup).
        return Err(SeriesConflict::NameTaken(name.into()).into());
    }
    let row = match active_row(conn, &tenant, &req.learner_id, &req.course.id)? {
        Some(e) => {
            let names = crosswalk::ids_for(conn, Kind::Series, &e.series_id)?;
            if let Some(other) = names.explicit(dialect) {
                return Err(SeriesConflict::LearnerNamed(other.into()).into());
            }
            NamedSeries {
                enrollment_id: e.id,
                series_id: e.series_id,
            }
        }
        None => {
            // The outcome says what the new row holds: no read back.
            let out = enroll_all_in(conn, std::slice::from_ref(req), now)?;
            let o = out
                .first()
                .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))?;
            NamedSeries {
                enrollment_id: o.enrollment.core.id.to_string(),
                series_id: o.enrollment.series_id.to_string(),
            }
        }
    };
    if name != row.series_id {
        crosswalk::record(conn, &tenant, dialect, Kind::Series, name, &row.series_id)?;
    }
    Ok(row)
}

/// The series [`name_in`] named, and its current enrollment (ledger ids).
pub(crate) struct NamedSeries {
    pub(crate) enrollment_id: String,
    pub(crate) series_id: String,
}

/// Continues a current series with a new enrollment (the next instance, or with
/// `same_instance` in the current one's place) as `source`; returns the new enrollment.
pub(crate) fn continue_in(
    conn: &mut DbConn,
    current: &EnrollmentRow,
    same_instance: bool,
    source: &'static str,
    now: OffsetDateTime,
) -> StoreResult<EnrollmentRow> {
    let tenant = uuid(&current.tenant_id)?;
    let course = crate::courses::find_course(
        conn,
        tenant,
        &crate::courses::CourseKey::Id(uuid(&current.course_id)?),
    )?
    .ok_or_else(|| StoreError::NotFound("course".into()))?;
    let opts = EnrollOptions {
        existing: Existing::Continue { same_instance },
        invitation_id: current.invitation_id.clone(),
        ..EnrollOptions::from_source(source)
    };
    let req = EnrollRequest {
        learner_id: current.learner_id.clone(),
        course: &course,
        opts: &opts,
    };
    let out = enroll_all_in(conn, &[req], now)?;
    let id = out
        .first()
        .map(|o| o.enrollment.core.id)
        .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))?;
    super::find_enrollment(conn, tenant, id)
}

/// Ends a current series: un-enrolls its current enrollment and forgets what the series
/// carried in the dialect (its name, tracking id, tags and subscription).
pub(crate) fn end_in(
    conn: &mut DbConn,
    current: EnrollmentRow,
    dialect: Dialect,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let (tenant, series) = (current.tenant_id.clone(), current.series_id.clone());
    unenroll_in(conn, &mut [current], now)?;
    crosswalk::forget(conn, &tenant, dialect, Kind::Series, &series)?;
    crosswalk::forget(conn, &tenant, dialect, Kind::SeriesTracking, &series)?;
    tags::remove_in(conn, &tenant, TagKind::Series, &series, None)?;
    subscriptions::set_in(conn, &tenant, Scope::Series, &series, dialect, None, 0)?;
    Ok(())
}

/// Every instance of a series: per instance number, the latest enrollment that held it, in
/// instance order.
pub(crate) fn instances_in(
    conn: &mut DbConn,
    tenant_id: &str,
    series_id: &str,
    now: OffsetDateTime,
) -> StoreResult<Vec<EnrollmentView>> {
    let first: Option<(String, String)> = enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id))
        .filter(enrollments::id.eq(series_id))
        .select((enrollments::learner_id, enrollments::course_id))
        .first(conn)
        .optional()?;
    let Some((learner, course)) = first else {
        return Ok(vec![]);
    };
    let rows: Vec<(String, i32)> = enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id))
        .filter(enrollments::learner_id.eq(&learner))
        .filter(enrollments::course_id.eq(&course))
        .filter(enrollments::series_id.eq(series_id))
        // Ids are v7 UUIDs, ordered by creation within a process: rows created in the same
        // (ledger) millisecond, as with a frozen clock, still come in the order they were made.
        .order((enrollments::added_at, enrollments::id))
        .select((enrollments::id, enrollments::instance))
        .load(conn)?;
    // Later enrollments of an instance number (resets) replace earlier ones.
    let mut latest: std::collections::BTreeMap<i32, String> = Default::default();
    for (id, instance) in rows {
        latest.insert(instance, id);
    }
    let ids: Vec<&str> = latest.values().map(String::as_str).collect();
    let mut views = views_by_id(conn, tenant_id, &ids, now)?;
    views.sort_by_key(|v| v.record.instance);
    Ok(views)
}
