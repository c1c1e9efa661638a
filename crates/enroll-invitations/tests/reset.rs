//! Resetting the seed's tenants: everything they own goes (set-based, see `purge.rs`), the seed
//! comes back, and other tenants are untouched; on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use enroll_auth::prelude::*;
use enroll_domain::Command;
use enroll_domain::model::Dialect;
use enroll_invitations::prelude::*;
use enroll_invitations::{NewInvitation, RenderedMail};
use enroll_store::courses::{CourseKey, NewCourse};
use enroll_store::enrollments::{EnrollOptions, EnrollmentQuery, NewSeries};
use enroll_store::learners::{LearnerKey, NewLearner};
use enroll_store::subscriptions::NewSubscription;
use enroll_store::testing::demo::*;

fn count(store: &enroll_store::Store, tenant: uuid::Uuid) -> i64 {
    let q = EnrollmentQuery {
        limit: 1,
        ..Default::default()
    };
    store.list_enrollments(tenant, &q).unwrap().0
}

#[test]
fn reset_brings_the_seed_back_and_leaves_other_tenants_alone() {
    for (db, store, _) in stores() {
        // Another tenant with an enrollment of its own.
        let other = store.create_tenant("Other", &Default::default()).unwrap();
        let l = store
            .create_learner(
                other.id,
                &NewLearner {
                    email: "o@other.example".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        let c: NewCourse =
            serde_json::from_value(serde_json::json!({"kind": "online_course", "title": "Theirs"}))
                .unwrap();
        let c = store.create_course(other.id, &c).unwrap();
        let opts = EnrollOptions::new(Dialect::Absorb);
        store
            .enroll(other.id, &LearnerKey::Id(l.id), &CourseKey::Id(c), &opts)
            .unwrap();

        // The seed's tenant gets rows in every part of the ledger.
        let alice = store
            .enroll(
                TENANT,
                &LearnerKey::Id(ALICE),
                &CourseKey::Id(COMPLIANCE),
                &opts,
            )
            .unwrap();
        store
            .apply_command(TENANT, alice.enrollment.core.id, &Command::Start)
            .unwrap();
        let series = NewSeries {
            dialect: Dialect::ScormCloud,
            name: "reset-reg".into(),
            course_id: "data-privacy-101".into(),
            learner_id: "bob".into(),
            learner_profile: NewLearner::default(),
            tracking_id: Some("tracking-1".into()),
            tags: vec!["t1".into()],
            subscription: Some(NewSubscription {
                target: "http://127.0.0.1:9/pb".into(),
                settings: "{}".into(),
                kinds: vec![],
            }),
        };
        let view = store.start_series(TENANT, &series).unwrap();
        let token = store
            .launch_link(TENANT, Dialect::ScormCloud, "reset-reg", 60, "closer")
            .unwrap();
        store.open_launch_link(&token).unwrap();
        store
            .apply_command(TENANT, view, &Command::Complete { score: None })
            .unwrap();
        let inv = NewInvitation {
            course_id: "compliance-basics".into(),
            creator_email: "admin@demo.example".into(),
            addresses: vec!["x1@reset.example".into(), "x2@reset.example".into()],
            tags: vec!["t2".into()],
            ..NewInvitation::default()
        };
        let inv = store
            .create_invitation(TENANT, Dialect::ScormCloud, &inv)
            .unwrap();
        let mail = |_: &enroll_invitations::MailContext<'_>| RenderedMail {
            subject: "s".into(),
            body: "b".into(),
            content_type: "text/plain".into(),
        };
        store
            .invitation_job_step(&inv.id, 10, 5_000, &mail)
            .unwrap();
        store.collect_events(100, &|_, _| vec![]).unwrap();
        let bearer = store
            .issue_token(
                TENANT,
                Dialect::Absorb,
                &ALICE.to_string(),
                "",
                time::Duration::hours(1),
                true,
            )
            .unwrap();
        assert!(count(&store, TENANT) >= 4);

        store.reset_to_seed(&seed()).unwrap();

        assert_eq!(
            count(&store, TENANT),
            0,
            "{db:?}: the seed has no enrollments"
        );
        assert_eq!(
            count(&store, other.id),
            1,
            "{db:?}: the other tenant keeps its own"
        );
        assert!(
            store
                .check_token(Dialect::Absorb, &bearer)
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .series(TENANT, Dialect::ScormCloud, "reset-reg")
                .is_err()
        );
        assert!(store.invitation(TENANT, &inv.id, None).is_err());
        let q = enroll_store::learners::LearnerQuery {
            limit: 100,
            ..Default::default()
        };
        assert_eq!(
            store.list_learners(TENANT, &q).unwrap().0,
            seed().tenants[0].learners.len() as i64
        );
        // The seed's explicit ids are back, and the learner can be enrolled again.
        let bob = store
            .learner(
                TENANT,
                &LearnerKey::External(Dialect::ScormCloud, "bob".into()),
            )
            .unwrap();
        assert_eq!(bob.id, BOB);
        store
            .enroll(
                TENANT,
                &LearnerKey::Id(BOB),
                &CourseKey::Id(COMPLIANCE),
                &opts,
            )
            .unwrap();
        if db.url.starts_with("sqlite") {
            let broken: Vec<(String,)> = store
                .with_conn(|c| {
                    use diesel::RunQueryDsl;
                    #[derive(diesel::QueryableByName)]
                    struct V {
                        #[diesel(sql_type = diesel::sql_types::Text)]
                        table: String,
                    }
                    let v: Vec<V> = diesel::sql_query("PRAGMA foreign_key_check").load(c)?;
                    Ok(v.into_iter().map(|v| (v.table,)).collect())
                })
                .unwrap();
            assert!(broken.is_empty(), "rows point nowhere: {broken:?}");
        }
        store.reset_to_seed(&seed()).unwrap();
        assert_eq!(count(&store, TENANT), 0);
    }
}
