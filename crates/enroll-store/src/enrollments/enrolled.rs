//! A new enrollment as the call that made it answers with it: the enrollment as written, its
//! learner and course, and its series' names, read with one query after the write. (A
//! [`SeriesView`](super::SeriesView) reads the enrollment back and the series' tags and
//! launches too: four more queries an invitation's answer has no use for.)
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::models::{CourseRow, EnrollmentRecord, EnrollmentView, LearnerRow};
use crate::schema::external_ids as x;
use crate::store::on_backend;
use diesel::prelude::*;
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_domain::model::{Dialect, Learner};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// An enrollment just made, with its learner and course, and its series' names.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrolledSeries {
    pub series_id: Uuid,
    /// Explicit names (`Kind::Series`) by dialect.
    pub names: ExternalIds,
    /// The enrollment as written (time-based expiry shown as of the call), without its
    /// dialect attributes: the answers made from it render none (read the enrollment for
    /// them).
    pub current: EnrollmentView,
}

impl EnrolledSeries {
    /// The series' id in `dialect`, by the crosswalk rule.
    pub fn id_in(&self, dialect: Dialect) -> String {
        self.names.id_in(dialect, Kind::Series, self.series_id)
    }
}

/// The learner of `learner` and, when an enrollment was `made` in a course for it, that
/// enrollment's [`EnrolledSeries`]: the crosswalk entries of all three in one query.
pub(crate) fn enrolled_in(
    conn: &mut DbConn,
    learner: &LearnerRow,
    made: Option<(CourseRow, EnrollmentRecord)>,
    now: OffsetDateTime,
) -> StoreResult<(Learner, Option<EnrolledSeries>)> {
    let series = made.as_ref().map(|(_, e)| e.series_id.to_string());
    let l = learner.id.as_str();
    let ids = match (&made, &series) {
        (Some((course, _)), Some(series)) => [l, course.id.as_str(), series.as_str()],
        _ => [l, l, l],
    };
    let book = names_of(conn, ids)?;
    let get = |kind: Kind, id: &str| {
        book.get(&(kind.as_str(), id.to_string()))
            .cloned()
            .unwrap_or_default()
    };
    let person = learner.to_domain(get(Kind::Learner, &learner.id))?;
    let enrolled = match (made, series) {
        (Some((course, mut record)), Some(series)) => {
            record.core.refresh(now);
            Some(EnrolledSeries {
                series_id: record.series_id,
                names: get(Kind::Series, &series),
                current: EnrollmentView {
                    course: course.to_domain(get(Kind::Course, &course.id))?,
                    learner: person.clone(),
                    record,
                    // Not read (see `EnrolledSeries::current`).
                    attributes: Default::default(),
                },
            })
        }
        _ => None,
    };
    Ok((person, enrolled))
}

/// The explicit ids of three records (repeat one to ask for fewer), by (kind, ledger id): a
/// static query on the concrete backend (see `on_backend!`), prepared once per connection,
/// where a list of ids (`crosswalk::ids_of`) is prepared again on every call.
fn names_of(
    conn: &mut DbConn,
    [a, b, c]: [&str; 3],
) -> StoreResult<HashMap<(&'static str, String), ExternalIds>> {
    let rows: Vec<(String, String, String, String)> = on_backend!(conn, db => x::table
        .filter(x::ledger_id.eq(a).or(x::ledger_id.eq(b)).or(x::ledger_id.eq(c)))
        .select((x::ledger_id, x::kind, x::dialect, x::external_id))
        .load(db))?;
    let mut book: HashMap<(&'static str, String), ExternalIds> = HashMap::new();
    for (ledger, kind, dialect, external) in rows {
        let Some(kind) = [Kind::Learner, Kind::Course, Kind::Series]
            .into_iter()
            .find(|k| k.as_str() == kind)
        else {
            continue; // another kind of record with the same ledger id: not asked for
        };
        let d: Dialect = dialect.parse().map_err(StoreError::Internal)?;
        book.entry((kind.as_str(), ledger))
            .or_default()
            .set(d, external);
    }
    Ok(book)
}
