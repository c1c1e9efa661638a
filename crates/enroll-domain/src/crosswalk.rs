//! The identifier crosswalk: the one rule that names a ledger record in every dialect.
//!
//! Tenants, learners, courses and enrollment series have a ledger id (a UUID; a series is
//! named by its first enrollment's id). In each dialect a record has exactly one id:
//!
//! 1. the id recorded for it in the crosswalk for that dialect, if any: ids a caller chose (a
//!    SCORM Cloud registration or learner id, an LMS365 login name, a seed's TrainerCentral
//!    member number, …);
//! 2. otherwise its ledger id, written the dialect's way ([`IdStyle`]): UUID-keyed dialects
//!    (Absorb, iSpring) and free-text ones (SCORM Cloud) use the UUID as it is; number-keyed
//!    ones (LMS365 courses, TrainerCentral) get [`derived_number`], which the store records in
//!    the crosswalk when the learner or course is created, so it can be looked up. (Series in
//!    number-keyed dialects get their numbers the same way once those facades exist.)
//!
//! A lookup by a dialect id finds the crosswalk entry first; failing that, in UUID and text
//! dialects, the id is taken as a ledger id, and names that record only if the record has no
//! explicit id in the dialect: one record, one id per dialect, so a record renamed by an
//! explicit id is no longer found (nor changed, nor ended) by its ledger id.
use crate::model::Dialect;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use uuid::Uuid;

/// What a crosswalk entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Tenant,
    Learner,
    Course,
    /// An enrollment series: an enrollment and the re-enrollments that continue it (a SCORM
    /// Cloud registration and its instances).
    Series,
    /// The id a learning-record store files a series' statements under (SCORM Cloud's
    /// `xapiRegistrationId`); derived: the series id.
    SeriesTracking,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::Learner => "learner",
            Self::Course => "course",
            Self::Series => "series",
            Self::SeriesTracking => "series_tracking",
        }
    }
}

/// How a dialect writes an id of some kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdStyle {
    /// A UUID: the ledger id itself.
    Uuid,
    /// Free text: the ledger id's text unless the caller chose another.
    Text,
    /// A positive number of this many digits at most, derived from the ledger id.
    Number { digits: u32 },
}

impl Dialect {
    /// How this dialect writes ids of `kind`.
    pub fn id_style(self, kind: Kind) -> IdStyle {
        match (self, kind) {
            (Self::Absorb | Self::Ispring, _) => IdStyle::Uuid,
            (Self::ScormCloud, _) | (Self::Lms365, Kind::Learner | Kind::SeriesTracking) => {
                IdStyle::Text
            }
            (Self::Lms365, _) => IdStyle::Number { digits: 9 },
            (Self::TrainerCentral, _) => IdStyle::Number { digits: 17 },
        }
    }
}

/// The number a number-keyed dialect derives from a ledger id: `digits` digits, stable.
pub fn derived_number(ledger_id: Uuid, digits: u32) -> i64 {
    let digits = digits.clamp(2, 18);
    let floor = 10i64.pow(digits - 1);
    // Numbers in [10^(digits-1), 10^digits): always `digits` digits long.
    let span = u128::try_from(9 * floor).unwrap_or(1);
    floor + i64::try_from(ledger_id.as_u128() % span).unwrap_or(0)
}

/// The id the rule gives a record in a dialect when the crosswalk has no entry for it.
pub fn derived_id(dialect: Dialect, kind: Kind, ledger_id: Uuid) -> String {
    match dialect.id_style(kind) {
        IdStyle::Uuid | IdStyle::Text => ledger_id.to_string(),
        IdStyle::Number { digits } => derived_number(ledger_id, digits).to_string(),
    }
}

/// A record's crosswalk entries: its explicit id per dialect (dialects without one use
/// [`derived_id`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ExternalIds(BTreeMap<Dialect, String>);

impl ExternalIds {
    /// The explicit id in `dialect`, if the crosswalk has one.
    pub fn explicit(&self, dialect: Dialect) -> Option<&str> {
        self.0.get(&dialect).map(String::as_str)
    }

    /// The record's id in `dialect`, by the crosswalk rule.
    pub fn id_in(&self, dialect: Dialect, kind: Kind, ledger_id: Uuid) -> String {
        self.explicit(dialect)
            .map_or_else(|| derived_id(dialect, kind, ledger_id), str::to_string)
    }

    /// Records an explicit id.
    pub fn set(&mut self, dialect: Dialect, id: impl Into<String>) {
        self.0.insert(dialect, id.into());
    }

    /// Every explicit entry.
    pub fn iter(&self) -> impl Iterator<Item = (Dialect, &str)> {
        self.0.iter().map(|(d, s)| (*d, s.as_str()))
    }

    /// No explicit entry at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(Dialect, String)> for ExternalIds {
    fn from_iter<I: IntoIterator<Item = (Dialect, String)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

// Seed files name dialects by their stored names (`absorb`, `scormcloud`, `lms365`, …) and,
// as earlier seed files did, `scorm` and `lms365Login`; numbers may be JSON numbers.
impl<'de> Deserialize<'de> for ExternalIds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ids;
        impl<'de> Visitor<'de> for Ids {
            type Value = ExternalIds;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of dialect name to id")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<ExternalIds, M::Error> {
                let mut out = ExternalIds::default();
                while let Some(key) = m.next_key::<String>()? {
                    let dialect = match key.as_str() {
                        "scorm" => Dialect::ScormCloud,
                        "lms365Login" => Dialect::Lms365,
                        other => other.parse().map_err(de::Error::custom)?,
                    };
                    let id = match m.next_value::<serde_json_like::Scalar>()? {
                        serde_json_like::Scalar::Text(s) => s,
                        serde_json_like::Scalar::Number(n) => n.to_string(),
                    };
                    if id.trim().is_empty() {
                        return Err(de::Error::custom(format!("the {key} id is empty")));
                    }
                    out.set(dialect, id);
                }
                Ok(out)
            }
        }
        d.deserialize_map(Ids)
    }
}

mod serde_json_like {
    use serde::Deserialize;

    /// An id value: text, or a whole number.
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub(super) enum Scalar {
        Text(String),
        Number(i64),
    }
}
