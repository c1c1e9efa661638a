//! Dialect attributes: what a dialect keeps about an enrollment that no other dialect has a
//! concept for (Absorb's course version, accepted terms and enrollment key), kept beside the
//! enrollment instead of in its row.
//!
//! Where the ledger has a neutral concept the field is a core column (`credits`: Absorb's
//! credits, LMS365's CEU). A field nothing writes has no place at all: the ledger issues no
//! certificates and records no collection an enrollment came through, so Absorb's
//! `certificateId` and `courseCollectionId`, LMS365's `CertificateId` and
//! `IsPartOfTrainingPlan` and iSpring's `certificate` render as their facades' documented
//! defaults (migration `000901` dropped the two columns, which nothing had written).
//!
//! Storage: table `enrollment_attributes`, one row per enrollment that has any, holding a
//! JSON object of dialect -> {name: value}. Views read it in the same statement as the
//! enrollment (a LEFT JOIN through its primary key), so no read takes another round trip; a
//! write changes it under the enrollment's lock, and a change is an edit of the enrollment
//! (an `updated` event), as a change of a core column is.
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::schema::enrollment_attributes as ea;
use diesel::prelude::*;
use enroll_domain::model::Dialect;
use serde_json::{Map, Value};

/// An enrollment's dialect attributes: by dialect, values by name. An absent attribute is
/// its dialect's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DialectAttributes(Map<String, Value>);

impl DialectAttributes {
    /// The value `dialect` keeps under `name`, if any.
    pub fn get(&self, dialect: Dialect, name: &str) -> Option<&Value> {
        self.0.get(dialect.as_str())?.get(name)
    }

    /// Sets `dialect`'s `name`; `Value::Null` removes it (back to the default).
    pub fn set(&mut self, dialect: Dialect, name: &str, value: Value) {
        let key = dialect.as_str();
        if value.is_null() {
            if let Some(Value::Object(m)) = self.0.get_mut(key) {
                m.remove(name);
                if m.is_empty() {
                    self.0.remove(key);
                }
            }
            return;
        }
        match self
            .0
            .entry(key)
            .or_insert_with(|| Value::Object(Map::new()))
        {
            Value::Object(m) => {
                m.insert(name.to_string(), value);
            }
            other => *other = Value::Object(Map::from_iter([(name.to_string(), value)])),
        }
    }

    /// No dialect keeps anything.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// From the stored text (`None`: no row, no attributes).
    pub(crate) fn from_stored(text: Option<&str>) -> StoreResult<Self> {
        match text.map(serde_json::from_str::<Value>).transpose() {
            Ok(None) => Ok(Self::default()),
            Ok(Some(Value::Object(m))) => Ok(Self(m)),
            Ok(Some(_)) | Err(_) => Err(StoreError::Internal(
                "bad enrollment attributes in database".into(),
            )),
        }
    }
}

/// One attribute a write sets (`Value::Null`: removes it), for
/// [`crate::enrollments::EnrollmentPatch::attributes`].
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeValue {
    /// The dialect that keeps it.
    pub dialect: Dialect,
    /// Its name within the dialect (the facade's wire name).
    pub name: &'static str,
    /// Its value; `Value::Null` removes it.
    pub value: Value,
}

/// The stored attributes of one enrollment (read under its lock by a writer).
pub(crate) fn of(conn: &mut DbConn, enrollment_id: &str) -> StoreResult<DialectAttributes> {
    let text: Option<String> = ea::table
        .find(enrollment_id)
        .select(ea::attrs)
        .first(conn)
        .optional()?;
    DialectAttributes::from_stored(text.as_deref())
}

/// Stores `attrs` as the enrollment's attributes (none: its row goes).
pub(crate) fn store(
    conn: &mut DbConn,
    enrollment_id: &str,
    attrs: &DialectAttributes,
) -> StoreResult<()> {
    if attrs.is_empty() {
        diesel::delete(ea::table.find(enrollment_id)).execute(conn)?;
        return Ok(());
    }
    let text = Value::Object(attrs.0.clone()).to_string();
    let updated = diesel::update(ea::table.find(enrollment_id))
        .set(ea::attrs.eq(&text))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ea::table)
            .values((ea::enrollment_id.eq(enrollment_id), ea::attrs.eq(&text)))
            .execute(conn)?;
    }
    Ok(())
}
