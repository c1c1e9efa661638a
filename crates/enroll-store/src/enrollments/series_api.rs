//! The store's entry points for enrollment series named by a dialect (see [`super::series`]).
use super::EnrollOptions;
use super::create::EnrollRequest;
use super::series::{
    SeriesView, continue_in, current_or_404, end_in, find_current, instances_in, name_in,
    series_views,
};
use crate::courses::{CourseKey, find_course};
use crate::crosswalk;
use crate::error::{StoreError, StoreResult};
use crate::filter::state_in;
use crate::filter::{edited_order, edited_within};
use crate::learners::{NewLearner, ensure_learner};
use crate::list::{DateField, ListWindow, Order, id_like, person_like, text_like};
use crate::models::{EnrollmentRow, EnrollmentView};
use crate::schema::{courses, enrollments, learners};
use crate::store::Store;
use crate::subscriptions::{self, NewSubscription, Scope};
use crate::tags::{self, TagKind};
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::Kind;
use enroll_domain::model::Dialect;
use uuid::Uuid;

/// A series to start under a dialect's name (SCORM Cloud's createRegistration).
#[derive(Debug, Clone)]
pub struct NewSeries {
    pub dialect: Dialect,
    /// The dialect's name for the series.
    pub name: String,
    /// The course, by the dialect's id.
    pub course_id: String,
    /// The learner, by the dialect's id; created from `learner_profile` when unknown.
    pub learner_id: String,
    pub learner_profile: NewLearner,
    /// A tracking id the caller chose (derived otherwise: the series id).
    pub tracking_id: Option<String>,
    pub tags: Vec<String>,
    pub subscription: Option<NewSubscription>,
}

/// Fields a series list can be filtered on (case-insensitive substring).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesField {
    Name,
    CourseId,
    CourseTitle,
    LearnerId,
    LearnerFirstName,
    LearnerLastName,
    LearnerEmail,
    /// The learner's e-mail, first name, last name or full name.
    Learner,
}

/// Query for [`Store::list_series`]: current series, named as `dialect` names them.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesQuery {
    pub dialect: Dialect,
    /// The course, by the dialect's id.
    pub course_id: Option<String>,
    /// The learner, by the dialect's id.
    pub learner_id: Option<String>,
    pub text: Option<(SeriesField, String)>,
    /// Only series whose current enrollment is in one of these states (as it renders now).
    pub states: Option<Vec<enroll_domain::EnrollmentState>>,
    pub window: ListWindow,
}

impl Store {
    /// The current series `name` stands for in `dialect`; `NotFound` when there is none (or
    /// it ended).
    pub fn series(&self, tenant_id: Uuid, dialect: Dialect, name: &str) -> StoreResult<SeriesView> {
        let now = self.now();
        let t = tenant_id.to_string();
        // No read transaction around a read by key: on PostgreSQL its BEGIN, isolation level
        // and COMMIT were three of the read's nine round trips. A write between the reads
        // shows as it would had the read come a moment earlier or later.
        self.with_conn(|c| {
            let row = current_or_404(c, &t, dialect, name)?;
            one(series_views(c, &t, &[row], now)?)
        })
    }

    /// Whether `name` stands for a current series.
    pub fn series_exists(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        name: &str,
    ) -> StoreResult<bool> {
        let t = tenant_id.to_string();
        self.with_conn(|c| Ok(find_current(c, &t, dialect, name)?.is_some()))
    }

    /// Starts a series under a name (adopting the learner's current series in the course if
    /// it has no name in the dialect yet), with its tracking id, tags and subscription.
    /// Returns its current enrollment's id (SCORM Cloud's createRegistration answers no body:
    /// [`Store::series`] reads the series).
    pub fn start_series(&self, tenant_id: Uuid, new: &NewSeries) -> StoreResult<Uuid> {
        let now = self.now();
        let t = tenant_id.to_string();
        let key = CourseKey::External(new.dialect, new.course_id.clone());
        self.write(|c| {
            let course = find_course(c, tenant_id, &key)?
                .ok_or_else(|| StoreError::NotFound(format!("course '{}'", new.course_id)))?;
            let (learner, _) = ensure_learner(
                c,
                tenant_id,
                new.dialect,
                &new.learner_id,
                &new.learner_profile,
                to_millis(now),
            )?;
            let opts = EnrollOptions::new(new.dialect);
            let req = EnrollRequest {
                learner_id: learner.id,
                course: &course,
                opts: &opts,
            };
            let row = name_in(c, &req, new.dialect, &new.name, now)?;
            if let Some(tracking) = new.tracking_id.as_deref().filter(|x| *x != row.series_id) {
                crosswalk::forget(c, &t, new.dialect, Kind::SeriesTracking, &row.series_id)?;
                crosswalk::record(
                    c,
                    &t,
                    new.dialect,
                    Kind::SeriesTracking,
                    tracking,
                    &row.series_id,
                )?;
            }
            tags::add_in(c, &t, TagKind::Series, &row.series_id, &new.tags)?;
            if let Some(sub) = &new.subscription {
                let at = to_millis(now);
                subscriptions::set_in(
                    c,
                    &t,
                    Scope::Series,
                    &row.series_id,
                    new.dialect,
                    Some(sub),
                    at,
                )?;
            }
            crate::models::uuid(&row.enrollment_id)
        })
    }

    /// Continues a current series: a new instance, or (`same_instance`) a fresh enrollment in
    /// the current one's place (a reset).
    pub fn continue_series(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        name: &str,
        same_instance: bool,
    ) -> StoreResult<SeriesView> {
        let now = self.now();
        let t = tenant_id.to_string();
        self.write(|c| {
            let current = current_or_404(c, &t, dialect, name)?;
            let next = continue_in(c, &current, same_instance, dialect.as_str(), now)?;
            one(series_views(c, &t, &[next], now)?)
        })
    }

    /// Ends a current series (un-enrolls it; its name may then name another series).
    pub fn end_series(&self, tenant_id: Uuid, dialect: Dialect, name: &str) -> StoreResult<()> {
        let now = self.now();
        let t = tenant_id.to_string();
        self.write(|c| {
            let current = current_or_404(c, &t, dialect, name)?;
            end_in(c, current, dialect, now)
        })
    }

    /// Every instance of a current series, oldest first (see `instances_in`).
    pub fn series_instances(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        name: &str,
    ) -> StoreResult<Vec<EnrollmentView>> {
        let now = self.now();
        let t = tenant_id.to_string();
        self.read(|c| {
            let current = current_or_404(c, &t, dialect, name)?;
            instances_in(c, &t, &current.series_id, now)
        })
    }

    /// A page of current series and the total count.
    pub fn list_series(
        &self,
        tenant_id: Uuid,
        q: &SeriesQuery,
    ) -> StoreResult<(i64, Vec<SeriesView>)> {
        let now = self.now();
        let t = tenant_id.to_string();
        self.read(|c| {
            let Some(course) =
                crosswalk::narrowing(c, &t, q.dialect, Kind::Course, q.course_id.as_deref())?
            else {
                return Ok((0, vec![]));
            };
            let Some(learner) =
                crosswalk::narrowing(c, &t, q.dialect, Kind::Learner, q.learner_id.as_deref())?
            else {
                return Ok((0, vec![]));
            };
            let base = || {
                let mut b = enrollments::table
                    .inner_join(learners::table)
                    .inner_join(courses::table)
                    .filter(enrollments::tenant_id.eq(t.clone()))
                    .filter(enrollments::active)
                    .into_boxed();
                if let Some(x) = &course {
                    b = b.filter(enrollments::course_id.eq(x.clone()));
                }
                if let Some(x) = &learner {
                    b = b.filter(enrollments::learner_id.eq(x.clone()));
                }
                let w = &q.window;
                if !w.tags.is_empty() {
                    b = b.filter(tags::tagged(
                        "enrollments.series_id",
                        &t,
                        TagKind::Series,
                        &w.tags,
                    ));
                }
                let (since, until) = (w.since.map(to_millis), w.until.map(to_millis));
                b = match w.date_field {
                    DateField::Created => {
                        if let Some(s) = since {
                            b = b.filter(enrollments::added_at.ge(s));
                        }
                        match until {
                            Some(u) => b.filter(enrollments::added_at.le(u)),
                            None => b,
                        }
                    }
                    // As the rows render: an unswept expiry is an edit made now.
                    DateField::Updated if since.is_some() || until.is_some() => {
                        b.filter(edited_within(since, until, to_millis(now)).at(now))
                    }
                    DateField::Updated => b,
                };
                if let Some((field, text)) = &q.text {
                    let d = q.dialect;
                    b = b.filter(match field {
                        SeriesField::Name => {
                            id_like("enrollments.series_id", Kind::Series, d, text)
                        }
                        SeriesField::CourseId => id_like("courses.id", Kind::Course, d, text),
                        SeriesField::CourseTitle => text_like("courses.title", text),
                        SeriesField::LearnerId => id_like("learners.id", Kind::Learner, d, text),
                        SeriesField::LearnerFirstName => text_like("learners.first_name", text),
                        SeriesField::LearnerLastName => text_like("learners.last_name", text),
                        SeriesField::LearnerEmail => text_like("learners.email", text),
                        SeriesField::Learner => person_like(text),
                    });
                }
                if let Some(states) = &q.states {
                    b = b.filter(state_in(states).at(now));
                }
                b
            };
            let total: i64 = base().count().get_result(c)?;
            let sel = base().select(EnrollmentRow::as_select());
            let sel = match q.window.order {
                Order::CreatedAsc => {
                    sel.order((enrollments::added_at.asc(), enrollments::id.asc()))
                }
                Order::CreatedDesc => {
                    sel.order((enrollments::added_at.desc(), enrollments::id.desc()))
                }
                Order::UpdatedAsc => sel.order(edited_order(false).at(now)),
                Order::UpdatedDesc => sel.order(edited_order(true).at(now)),
            };
            let rows: Vec<EnrollmentRow> =
                sel.limit(q.window.limit).offset(q.window.offset).load(c)?;
            Ok((total, series_views(c, &t, &rows, now)?))
        })
    }

    /// The tags of a current series.
    pub fn series_tags(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        name: &str,
    ) -> StoreResult<Vec<String>> {
        let t = tenant_id.to_string();
        self.read(|c| {
            let cur = current_or_404(c, &t, dialect, name)?;
            tags::of_in(c, &t, TagKind::Series, &cur.series_id)
        })
    }

    /// Replaces (`replace`), adds to or removes from the tags of current series, all or none
    /// (an unknown name fails the whole call).
    pub fn tag_series(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        names: &[String],
        change: &TagChange,
    ) -> StoreResult<()> {
        let t = tenant_id.to_string();
        tags::check(change.tags())?;
        self.write(|c| {
            for name in names {
                let cur = current_or_404(c, &t, dialect, name)?;
                change.apply(c, &t, TagKind::Series, &cur.series_id)?;
            }
            Ok(())
        })
    }
}

/// A change to an object's tags.
#[derive(Debug, Clone, PartialEq)]
pub enum TagChange {
    Replace(Vec<String>),
    Add(Vec<String>),
    Remove(Vec<String>),
}

impl TagChange {
    fn tags(&self) -> &[String] {
        match self {
            Self::Replace(t) | Self::Add(t) | Self::Remove(t) => t,
        }
    }

    /// Applies the change to one object inside the caller's transaction.
    pub fn apply(
        &self,
        c: &mut crate::conn::DbConn,
        tenant: &str,
        kind: TagKind,
        object_id: &str,
    ) -> StoreResult<()> {
        match self {
            Self::Replace(t) => tags::set_in(c, tenant, kind, object_id, t),
            Self::Add(t) => tags::add_in(c, tenant, kind, object_id, t),
            Self::Remove(t) => tags::remove_in(c, tenant, kind, object_id, Some(t)),
        }
    }
}

fn one(mut v: Vec<SeriesView>) -> StoreResult<SeriesView> {
    v.pop()
        .ok_or_else(|| StoreError::Internal("no series view".into()))
}

/// A series named in a dialect, current or ended: its latest enrollment.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSeries {
    /// The view of the series' latest enrollment.
    pub latest: SeriesView,
    /// Whether that enrollment is the learner's active one in the course.
    pub current: bool,
}

impl Store {
    /// The series `name` stands for in `dialect`, current or ended (`NotFound` when the name
    /// names none).
    pub fn named_series(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        name: &str,
    ) -> StoreResult<NamedSeries> {
        let now = self.now();
        let t = tenant_id.to_string();
        self.read(|c| {
            let row = latest_named(c, &t, dialect, name)?;
            let current = row.active;
            Ok(NamedSeries {
                latest: one(series_views(c, &t, &[row], now)?)?,
                current,
            })
        })
    }

    /// Gives the learner of the series `name` access again: an ended series is followed by a
    /// new one that takes over the name (refused with `AlreadyEnrolled` when the learner has
    /// another current series in the course); a current one that is over (completed, failed,
    /// expired) continues with a new instance; a current open one stays as it is.
    pub fn renew_series(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        name: &str,
    ) -> StoreResult<SeriesView> {
        let now = self.now();
        let t = tenant_id.to_string();
        self.write(|c| {
            let row = latest_named(c, &t, dialect, name)?;
            let mut core = row.to_record()?.core;
            core.refresh(now);
            let next = if !row.active {
                let course = find_course(
                    c,
                    tenant_id,
                    &CourseKey::Id(crate::models::uuid(&row.course_id)?),
                )?
                .ok_or_else(|| StoreError::NotFound("course".into()))?;
                let opts = EnrollOptions::new(dialect);
                let req = EnrollRequest {
                    learner_id: row.learner_id.clone(),
                    course: &course,
                    opts: &opts,
                };
                let out = super::create::enroll_all_in(c, std::slice::from_ref(&req), now)?;
                let id = out
                    .first()
                    .map(|o| o.enrollment.core.id)
                    .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))?;
                let new = super::find_enrollment(c, tenant_id, id)?;
                crosswalk::forget(c, &t, dialect, Kind::Series, &row.series_id)?;
                crosswalk::record(c, &t, dialect, Kind::Series, name, &new.series_id)?;
                new
            } else if core.state.is_terminal() {
                continue_in(c, &row, false, dialect.as_str(), now)?
            } else {
                row
            };
            one(series_views(c, &t, &[next], now)?)
        })
    }

    /// Records the derived number, in a dialect that names series by number, of each series
    /// that has no name there yet (see [`crosswalk::record_derived`]).
    pub fn name_series(
        &self,
        tenant_id: Uuid,
        dialect: Dialect,
        series_ids: &[Uuid],
    ) -> StoreResult<usize> {
        let t = tenant_id.to_string();
        let ids: Vec<String> = series_ids.iter().map(Uuid::to_string).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.write(|c| crosswalk::record_derived(c, &t, dialect, Kind::Series, &ids))
    }
}

/// The latest enrollment of the series `name` names in `dialect`, current or not.
fn latest_named(
    c: &mut crate::conn::DbConn,
    tenant_id: &str,
    dialect: Dialect,
    name: &str,
) -> StoreResult<EnrollmentRow> {
    let series = crosswalk::ledger_id(c, tenant_id, dialect, Kind::Series, name)?
        .ok_or_else(|| StoreError::NotFound(format!("series '{name}'")))?;
    enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id))
        .filter(enrollments::series_id.eq(&series))
        .order((enrollments::added_at.desc(), enrollments::id.desc()))
        .select(EnrollmentRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("series '{name}'")))
}
