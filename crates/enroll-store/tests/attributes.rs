//! Dialect attributes beside an enrollment, on every backend: a write sets and removes them
//! (and that alone is an `updated` event), every read of views carries them, they go with
//! their enrollment, and migration `000901` carries the old Absorb columns over and back.
#![allow(clippy::unwrap_used)]
mod common;
use common::*;
use enroll_domain::EventKind as K;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::attributes::{AttributeValue, DialectAttributes};
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::{EnrollOptions, EnrollmentPatch, EnrollmentQuery};
use enroll_store::learners::LearnerKey;
use enroll_store::testing::revert_to;
use serde_json::{Value, json};
use uuid::Uuid;

fn set(name: &'static str, value: Value) -> AttributeValue {
    AttributeValue {
        dialect: Dialect::Absorb,
        name,
        value,
    }
}

/// Absorb's create-or-update of Alice's compliance enrollment with `attributes`; its id.
fn upsert(store: &Store, attributes: Vec<AttributeValue>) -> Uuid {
    let patch = EnrollmentPatch {
        attributes,
        ..Default::default()
    };
    let (alice, course) = (LearnerKey::Id(ALICE), CourseKey::Id(COMPLIANCE));
    let opts = EnrollOptions::new(Dialect::Absorb);
    let rec = store.upsert_enrollment(TENANT, &alice, &course, &opts, &patch);
    rec.unwrap().core.id
}

fn attrs(store: &Store, id: Uuid) -> DialectAttributes {
    store.enrollment(TENANT, id).unwrap().attributes
}

fn kinds(store: &Store, id: Uuid) -> Vec<K> {
    let events = store.enrollment_events(TENANT, id).unwrap();
    events.into_iter().map(|e| e.kind).collect()
}

#[test]
fn a_write_sets_and_removes_attributes_and_each_change_is_an_update() {
    for (_db, store, _) in stores() {
        let id = upsert(
            &store,
            vec![set("terms", json!(true)), set("key", json!("k"))],
        );
        let a = attrs(&store, id);
        assert_eq!(a.get(Dialect::Absorb, "terms"), Some(&json!(true)));
        assert_eq!(a.get(Dialect::Absorb, "key"), Some(&json!("k")));
        assert_eq!(a.get(Dialect::Lms365, "terms"), None);
        assert_eq!(kinds(&store, id), [K::Enrolled, K::Updated]);
        // The same values again: no change, no event; a removal is one.
        upsert(&store, vec![set("terms", json!(true))]);
        assert_eq!(kinds(&store, id).len(), 2);
        upsert(&store, vec![set("terms", Value::Null)]);
        let a = attrs(&store, id);
        assert_eq!(a.get(Dialect::Absorb, "terms"), None);
        assert_eq!(a.get(Dialect::Absorb, "key"), Some(&json!("k")));
        assert_eq!(kinds(&store, id), [K::Enrolled, K::Updated, K::Updated]);
        // Lists carry them as the single read does.
        let q = EnrollmentQuery {
            learner_id: Some(ALICE),
            limit: 10,
            ..Default::default()
        };
        let (total, page) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!((total, page.len()), (1, 1));
        assert_eq!(page[0].attributes, a);
        upsert(&store, vec![set("key", Value::Null)]);
        assert!(attrs(&store, id).is_empty());
    }
}

#[test]
fn attributes_go_with_their_enrollment() {
    for (_db, store, _) in stores() {
        let id = upsert(&store, vec![set("terms", json!(true))]);
        store.unenroll(TENANT, &[id]).unwrap();
        store.purge_enrollment(TENANT, id).unwrap();
        let left: i64 = store
            .read(|c| {
                use diesel::prelude::*;
                use enroll_store::schema::enrollment_attributes as ea;
                Ok(ea::table
                    .filter(ea::enrollment_id.eq(id.to_string()))
                    .count()
                    .get_result(c)?)
            })
            .unwrap();
        assert_eq!(left, 0);
    }
}

#[test]
fn migration_000901_carries_absorb_fields_over_and_back() {
    for (db, store, clock) in stores() {
        let id = upsert(
            &store,
            vec![
                set("acceptedTermsAndConditions", json!(true)),
                set("courseVersionId", json!(LESSON)),
            ],
        );
        let bare = enroll_bob(&store);
        drop(store);
        revert_to(&db, "20261205000901");
        // Back in the row's columns, as the facade wrote them before.
        let url = db.url.clone();
        let old = columns(&url, id);
        assert_eq!(old, (Some(LESSON.to_string()), true, None));
        assert_eq!(columns(&url, bare), (None, false, None));
        let store = db.store(clock.clone()).unwrap();
        let a = attrs(&store, id);
        assert_eq!(
            a.get(Dialect::Absorb, "acceptedTermsAndConditions"),
            Some(&json!(true))
        );
        assert_eq!(
            a.get(Dialect::Absorb, "courseVersionId"),
            Some(&json!(LESSON))
        );
        assert_eq!(a.get(Dialect::Absorb, "enrollmentKeyId"), None);
        assert!(attrs(&store, bare).is_empty());
    }
}

const LESSON: &str = "0b8b7d57-0000-4000-8000-00000000000a";

fn enroll_bob(store: &Store) -> Uuid {
    let (bob, course) = (LearnerKey::Id(BOB), CourseKey::Id(COMPLIANCE));
    let opts = EnrollOptions::new(Dialect::Absorb);
    store
        .enroll(TENANT, &bob, &course, &opts)
        .unwrap()
        .enrollment
        .core
        .id
}

/// The old columns (course version, accepted terms, enrollment key) of an enrollment, read
/// from a database at the schema before `000901`.
fn columns(url: &str, id: Uuid) -> (Option<String>, bool, Option<String>) {
    use diesel::prelude::*;
    use diesel::sql_types::{Bool, Nullable, Text};
    #[derive(QueryableByName)]
    struct Old {
        #[diesel(sql_type = Nullable<Text>)]
        course_version_id: Option<String>,
        #[diesel(sql_type = Bool)]
        accepted_terms: bool,
        #[diesel(sql_type = Nullable<Text>)]
        enrollment_key_id: Option<String>,
    }
    let sql = format!(
        "SELECT course_version_id, accepted_terms, enrollment_key_id FROM enrollments \
         WHERE id = '{id}'"
    );
    use enroll_store::conn::{DbConn, Manager, Target};
    let c = Manager::new(Target::from_url(url).unwrap(), &Default::default());
    let o: Old = match &mut c.open().unwrap() {
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => diesel::sql_query(sql).get_result(c).unwrap(),
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => diesel::sql_query(sql).get_result(c).unwrap(),
    };
    (o.course_version_id, o.accepted_terms, o.enrollment_key_id)
}
