//! The dialects of the cross-dialect matrix, each driving one (learner, course) pair through its
//! own vendor API and observing it back in the same neutral terms. A new facade adds one
//! implementation of [`Dialect`] and its entry in [`dialects`].
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
pub mod absorb;
pub mod ispring;
pub mod scormcloud;
pub mod trainercentral;

use serde_json::Value;

/// What a dialect sees of the pair's enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `not_started`, `in_progress`, `completed`, or `gone` (nothing current: un-enrolled, or
    /// never enrolled).
    pub state: String,
    /// The id this dialect uses for every later call (Absorb and iSpring: the enrollment; SCORM
    /// Cloud: the registration).
    pub id: Option<String>,
    /// Which enrollment of a series it is (Absorb and iSpring: the enrollment id; SCORM Cloud:
    /// the instance number).
    pub generation: Option<String>,
}

impl Seen {
    pub fn gone() -> Self {
        Self {
            state: "gone".into(),
            id: None,
            generation: None,
        }
    }
}

/// The pair a matrix cell works on: a learner made for the cell, and a course.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Ledger id (= Absorb and iSpring id) and SCORM Cloud learner id of the learner.
    pub learner: String,
    pub scorm_learner: String,
    /// Ledger id (= Absorb and iSpring id) and SCORM Cloud id of the course.
    pub course: String,
    pub scorm_course: String,
    /// The learner's e-mail address (how TrainerCentral finds a member).
    pub email: String,
}

/// One vendor dialect, as a client of its API would use it.
pub trait Dialect {
    fn name(&self) -> &'static str;
    /// Enrolls the learner (a new enrollment; refused if there is a current one).
    fn create(&self, p: &Pair);
    /// The pair's current enrollment as this dialect shows it (one read by id when it has one,
    /// else found the way a client would).
    fn read(&self, p: &Pair) -> Seen;
    /// Whether the dialect's list of the learner's enrollments holds the current one.
    fn listed(&self, p: &Pair) -> bool;
    /// Records progress short of completion.
    fn progress(&self, p: &Pair);
    /// Completes it with a passing score.
    fn complete(&self, p: &Pair);
    /// Re-enrolls over the current enrollment (the vendor's "again": Absorb's reEnroll, SCORM
    /// Cloud's new instance).
    fn reenroll(&self, p: &Pair);
    /// Un-enrolls.
    fn cancel(&self, p: &Pair);
    /// Checks that `id` (what this dialect called the enrollment before it was cancelled)
    /// now shows as that vendor shows a removed enrollment.
    fn assert_removed(&self, id: &str);
}

/// Every implemented dialect (the matrix is every ordered pair of them).
pub fn dialects(base: &str) -> Vec<Box<dyn Dialect>> {
    vec![
        Box::new(absorb::Absorb::new(base)),
        Box::new(scormcloud::ScormCloud::new(base)),
        Box::new(ispring::Ispring::new(base)),
        Box::new(trainercentral::TrainerCentral::new(base)),
    ]
}

/// `body[key]` as text.
pub fn text(body: &Value, key: &str) -> Option<String> {
    body.get(key)
        .and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| Some(v.to_string()))
        })
        .filter(|s| s != "null")
}
