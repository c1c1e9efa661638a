//! Expired means one thing in every read: an enrollment past its expiry date (or past a due
//! date that locks it) that the sweep has not persisted yet renders as expired, and filters,
//! state lists, counts and sorts see it expired too, at the ledger's current time.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_domain::EnrollmentState;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::{EnrollOptions, EnrollmentQuery};
use enroll_store::filter::{Field, FieldMap, StateCodes, compile_filter, compile_sort};
use enroll_store::learners::LearnerKey;
use uuid::Uuid;

/// A dialect's status integers, as a facade declares them (these are Absorb's).
fn codes(state: EnrollmentState) -> i32 {
    use EnrollmentState::*;
    match state {
        Invited | AwaitingSessionChoice | NotStarted => 0,
        InProgress => 1,
        PendingApproval => 2,
        Completed => 3,
        NotComplete | Expired => 4,
        Failed => 5,
        Declined => 6,
        Waitlisted => 8,
        Cancelled => 10,
    }
}

static CODES: StateCodes = StateCodes::new(codes);
const FIELDS: FieldMap = &[
    ("state", Field::EnrollmentState),
    ("status", Field::EnrollmentStateCode(&CODES)),
    ("edited", Field::EnrollmentEdited),
];

fn filtered(store: &Store, filter: &str) -> (i64, Vec<EnrollmentState>) {
    let expr = odata_filter::parse(filter).unwrap();
    let q = EnrollmentQuery {
        filter: Some(compile_filter(&expr, FIELDS).unwrap()),
        limit: 100,
        ..Default::default()
    };
    let (total, rows) = store.list_enrollments(TENANT, &q).unwrap();
    (total, rows.iter().map(|v| v.record.core.state).collect())
}

/// Alice in Compliance Basics expiring in a day, Bob in it without an expiry.
fn enroll_two(store: &Store) -> Uuid {
    let expiring = EnrollOptions {
        expires: Some(store.now() + time::Duration::days(1)),
        ..EnrollOptions::new(Dialect::Absorb)
    };
    let course = CourseKey::Id(COMPLIANCE);
    let alice = store
        .enroll(TENANT, &LearnerKey::Id(ALICE), &course, &expiring)
        .unwrap()
        .enrollment
        .core
        .id;
    store
        .enroll(
            TENANT,
            &LearnerKey::Id(BOB),
            &course,
            &EnrollOptions::new(Dialect::Absorb),
        )
        .unwrap();
    alice
}

#[test]
fn an_unswept_expired_enrollment_filters_counts_and_sorts_as_it_renders() {
    for (_db, store, clock) in stores() {
        let alice = enroll_two(&store);
        assert_eq!(filtered(&store, "state eq 'expired'").0, 0);
        // Past the expiry; the sweep has not run.
        clock.advance(time::Duration::days(2));
        let rendered = store.enrollment(TENANT, alice).unwrap();
        assert_eq!(rendered.record.core.state, EnrollmentState::Expired);

        let (n, states) = filtered(&store, "state eq 'expired'");
        assert_eq!(
            (n, states),
            (1, vec![EnrollmentState::Expired]),
            "{}",
            store.backend()
        );
        let (n, states) = filtered(&store, "state eq 'not_started'");
        assert_eq!((n, states), (1, vec![EnrollmentState::NotStarted]));
        // A vendor's code of the state (Absorb: expired reads as 4, not started as 0).
        assert_eq!(filtered(&store, "status eq 4").0, 1);
        assert_eq!(filtered(&store, "status eq 0").0, 1);
        assert_eq!(filtered(&store, "status ne 0").0, 1);

        // The list of states and the count agree with the rows too.
        let q = EnrollmentQuery {
            states: Some(vec![EnrollmentState::Expired]),
            limit: 100,
            ..Default::default()
        };
        let (n, rows) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!((n, rows.len()), (1, 1));
        assert_eq!(rows[0].record.core.id, alice);
        let q = EnrollmentQuery {
            states: Some(vec![EnrollmentState::NotStarted]),
            limit: 100,
            ..Default::default()
        };
        let (n, rows) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!((n, rows.len()), (1, 1));
        assert_ne!(rows[0].record.core.id, alice);

        // Sorted by state code: not started (0) before expired (4), whatever is stored.
        let keys = odata_filter::parse_orderby("status").unwrap();
        let q = EnrollmentQuery {
            order: Some(compile_sort(&keys, FIELDS).unwrap()),
            limit: 100,
            ..Default::default()
        };
        let (_, rows) = store.list_enrollments(TENANT, &q).unwrap();
        let states: Vec<_> = rows.iter().map(|v| v.record.core.state).collect();
        assert_eq!(
            states,
            [EnrollmentState::NotStarted, EnrollmentState::Expired]
        );

        // The sweep persists what the reads already said: nothing changes for them.
        assert_eq!(store.expire_due().unwrap(), 1);
        assert_eq!(filtered(&store, "state eq 'expired'").0, 1);
        assert_eq!(filtered(&store, "status eq 0").0, 1);
    }
}

#[test]
fn the_edit_date_of_an_unswept_expiry_filters_as_it_renders() {
    for (_db, store, clock) in stores() {
        let alice = enroll_two(&store);
        let before = store.now();
        clock.advance(time::Duration::days(2));
        let edited = store
            .enrollment(TENANT, alice)
            .unwrap()
            .record
            .core
            .dates
            .edited
            .unwrap();
        assert!(edited > before + time::Duration::days(1), "{edited}");
        let since = (before + time::Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        // Only Alice's enrollment changed (it expired) after the hour following the enrolls.
        let (n, states) = filtered(&store, &format!("edited gt datetime'{since}'"));
        assert_eq!((n, states), (1, vec![EnrollmentState::Expired]));
        let q = EnrollmentQuery {
            modified_since: Some(before + time::Duration::hours(1)),
            limit: 100,
            ..Default::default()
        };
        let (n, rows) = store.list_enrollments(TENANT, &q).unwrap();
        assert_eq!((n, rows.len()), (1, 1));
        assert_eq!(rows[0].record.core.id, alice);
    }
}

#[test]
fn series_lists_by_update_time_see_an_unswept_expiry_as_an_edit_made_now() {
    use enroll_store::enrollments::SeriesQuery;
    use enroll_store::list::{DateField, ListWindow, Order};
    for (_db, store, clock) in stores() {
        let alice = enroll_two(&store);
        let before = store.now();
        clock.advance(time::Duration::days(2));
        let list = |since, until, order| {
            let q = SeriesQuery {
                dialect: Dialect::ScormCloud,
                course_id: None,
                learner_id: None,
                text: None,
                states: None,
                window: ListWindow {
                    since,
                    until,
                    date_field: DateField::Updated,
                    order,
                    limit: 10,
                    ..Default::default()
                },
            };
            let (n, rows) = store.list_series(TENANT, &q).unwrap();
            let ids: Vec<Uuid> = rows.iter().map(|s| s.current.record.core.id).collect();
            (n, ids)
        };
        let hour_after = Some(before + time::Duration::hours(1));
        assert_eq!(list(hour_after, None, Order::CreatedAsc), (1, vec![alice]));
        // Before the expiry rendered: Bob's only (Alice's enrollment now reads as edited now).
        let (n, ids) = list(None, hour_after, Order::CreatedAsc);
        assert_eq!(n, 1);
        assert_ne!(ids, [alice]);
        // Newest edit first: Alice's expiry.
        let (_, ids) = list(None, None, Order::UpdatedDesc);
        assert_eq!(ids[0], alice);
        let (_, ids) = list(None, None, Order::UpdatedAsc);
        assert_eq!(ids[1], alice);
    }
}
