//! A new enrollment as the call that made it answers with it: the enrollment as written, its
//! learner and course, and its series' names, read with one query after the write. (A
//! [`SeriesView`](super::SeriesView) reads the enrollment back and the series' tags and
//! launches too: four more queries an invitation's answer has no use for.)
use crate::conn::DbConn;
use crate::crosswalk;
use crate::error::StoreResult;
use crate::models::{CourseRow, EnrollmentRecord, EnrollmentView, LearnerRow};
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_domain::model::{Dialect, Learner};
use time::OffsetDateTime;
use uuid::Uuid;

/// An enrollment just made, with its learner and course, and its series' names.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrolledSeries {
    pub series_id: Uuid,
    /// Explicit names (`Kind::Series`) by dialect.
    pub names: ExternalIds,
    /// The enrollment as written (time-based expiry shown as of the call).
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
    let mut ids = vec![learner.id.as_str()];
    if let (Some((course, _)), Some(series)) = (&made, &series) {
        ids.extend([course.id.as_str(), series.as_str()]);
    }
    let book = crosswalk::ids_of(conn, &ids)?;
    let person = learner.to_domain(book.get(Kind::Learner, &learner.id))?;
    let enrolled = match (made, series) {
        (Some((course, mut record)), Some(series)) => {
            record.core.refresh(now);
            Some(EnrolledSeries {
                series_id: record.series_id,
                names: book.get(Kind::Series, &series),
                current: EnrollmentView {
                    course: course.to_domain(book.get(Kind::Course, &course.id))?,
                    learner: person.clone(),
                    record,
                },
            })
        }
        _ => None,
    };
    Ok((person, enrolled))
}
