//! Events are the single source of outbound notifications, on every backend: subscriptions
//! select them by scope and kind, each is collected once and rendered by its dialect, and the
//! deliveries queue in the outbox in event order.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use enroll_domain::model::Dialect;
use enroll_domain::{Command, EventKind as K};
use enroll_store::Store;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::EnrollOptions;
use enroll_store::events::{NewSubscription, Notice, Rendered, Scope, Subscription};
use enroll_store::learners::LearnerKey;
use enroll_store::outbox::Channel;
use enroll_store::outbox::Outbox as _;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A webhook-style renderer: one delivery per event, its body "<target> <kind> <enrollment>".
fn per_event(sub: &Subscription, n: &Notice<'_>) -> Vec<Rendered> {
    n.events
        .iter()
        .map(|e| Rendered {
            topic: "test.event".into(),
            headers: vec![],
            content_type: "text/plain".into(),
            body: format!("{} {} {}", sub.target, e.kind, e.enrollment_id),
        })
        .collect()
}

fn enroll(store: &Store, learner: Uuid, course: Uuid) -> Uuid {
    let opts = EnrollOptions::new(Dialect::Lms365);
    store
        .enroll(
            TENANT,
            &LearnerKey::Id(learner),
            &CourseKey::Id(course),
            &opts,
        )
        .unwrap()
        .enrollment
        .core
        .id
}

fn subscribe(
    store: &Store,
    scope: Scope,
    object: Option<Uuid>,
    target: &str,
    kinds: &[K],
) -> Subscription {
    let new = NewSubscription {
        target: format!("http://hooks.invalid/{target}"),
        settings: "{}".into(),
        kinds: kinds.to_vec(),
    };
    store
        .create_subscription(TENANT, Dialect::Lms365, scope, object, &new)
        .unwrap()
}

/// What each destination was sent, in the order it is sent (collected three events at a
/// time, so runs of events span collections).
fn delivered(store: &Store) -> BTreeMap<String, Vec<String>> {
    while store.collect_events(3, &per_event).unwrap() > 0 {}
    let (_, mut msgs) = store
        .list_outbox(TENANT, Channel::Http, None, 1000, 0)
        .unwrap();
    msgs.sort_by_key(|m| (m.created_at, m.id));
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in msgs {
        let target = m.target.replace("http://hooks.invalid/", "");
        let body = m.body.replace(&m.target, "").trim().to_string();
        out.entry(target).or_default().push(body);
    }
    out
}

#[test]
fn subscriptions_select_by_scope_and_kind_and_each_event_goes_out_once_in_order() {
    for (_db, store, _) in stores() {
        subscribe(&store, Scope::Tenant, None, "all", &[]);
        subscribe(
            &store,
            Scope::Course,
            Some(COMPLIANCE),
            "done",
            &[K::Completed],
        );
        subscribe(&store, Scope::Learner, Some(BOB), "bob", &[K::Enrolled]);
        let alice = enroll(&store, ALICE, COMPLIANCE);
        let bob = enroll(&store, BOB, LEADERSHIP);
        store.apply_command(TENANT, alice, &Command::Start).unwrap();
        let done = Command::Complete { score: None };
        store.apply_command(TENANT, alice, &done).unwrap();
        let only_alice = subscribe(&store, Scope::Enrollment, Some(alice), "alice", &[]);
        store.unenroll(TENANT, &[alice, bob]).unwrap();
        let sent = delivered(&store);
        let want = |items: &[(&str, Uuid)]| -> Vec<String> {
            items.iter().map(|(k, id)| format!("{k} {id}")).collect()
        };
        assert_eq!(
            sent["all"],
            want(&[
                ("enrolled", alice),
                ("enrolled", bob),
                ("started", alice),
                ("completed", alice),
                ("archived", alice),
                ("cancelled", bob),
            ]),
            "{}",
            store.backend()
        );
        assert_eq!(sent["done"], want(&[("completed", alice)]));
        assert_eq!(sent["bob"], want(&[("enrolled", bob)]));
        assert_eq!(sent["alice"], want(&[("archived", alice)]));
        assert_eq!(sent.len(), 4);
        // Collected once: nothing more, and a deleted subscription gets nothing new.
        assert_eq!(store.collect_events(100, &per_event).unwrap(), 0);
        store
            .delete_subscription(TENANT, Dialect::Lms365, &only_alice.id)
            .unwrap();
        assert!(
            store
                .delete_subscription(TENANT, Dialect::Lms365, &only_alice.id)
                .is_err()
        );
        let again = enroll(&store, ALICE, COMPLIANCE);
        let sent = delivered(&store);
        assert_eq!(sent["all"].last(), Some(&format!("enrolled {again}")));
        assert_eq!(sent["alice"].len(), 1);
    }
}

#[test]
fn the_subscription_api_checks_its_objects_and_lists_a_dialects_own() {
    for (_db, store, _) in stores() {
        let new = NewSubscription {
            target: "http://hooks.invalid/x".into(),
            settings: "{\"secret\": 1}".into(),
            kinds: vec![K::Completed, K::Started],
        };
        let create =
            |scope, object| store.create_subscription(TENANT, Dialect::Lms365, scope, object, &new);
        assert!(create(Scope::Course, Some(Uuid::new_v4())).is_err());
        assert!(create(Scope::Course, None).is_err());
        assert!(create(Scope::Tenant, Some(COMPLIANCE)).is_err());
        let sub = create(Scope::Course, Some(COMPLIANCE)).unwrap();
        assert_eq!(sub.kinds, [K::Started, K::Completed]);
        assert_eq!(
            (sub.scope, sub.object_id.as_str()),
            (Scope::Course, &*COMPLIANCE.to_string())
        );
        assert_eq!(
            store.subscriptions(TENANT, Dialect::Lms365).unwrap(),
            std::slice::from_ref(&sub)
        );
        assert!(
            store
                .subscriptions(TENANT, Dialect::Absorb)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .subscription(TENANT, Dialect::Lms365, &sub.id)
                .unwrap(),
            sub
        );
        assert!(
            store
                .subscription(TENANT, Dialect::Absorb, &sub.id)
                .is_err()
        );
        let blank = NewSubscription {
            target: " ".into(),
            ..new.clone()
        };
        assert!(
            store
                .create_subscription(TENANT, Dialect::Lms365, Scope::Tenant, None, &blank)
                .is_err()
        );
    }
}

#[test]
fn events_before_a_subscription_are_not_its_business() {
    for (_db, store, _) in stores() {
        let alice = enroll(&store, ALICE, COMPLIANCE);
        subscribe(&store, Scope::Tenant, None, "all", &[]);
        store.apply_command(TENANT, alice, &Command::Start).unwrap();
        let sent = delivered(&store);
        assert_eq!(sent["all"], [format!("started {alice}")]);
    }
}

#[test]
fn changes_queued_before_the_migration_are_still_delivered() {
    use enroll_store::enrollments::NewSeries;
    use enroll_store::learners::NewLearner;
    for (db, store, clock) in stores() {
        let post = NewSubscription {
            target: "http://receiver.invalid/postback".into(),
            settings: "{}".into(),
            kinds: vec![K::Started, K::Progressed],
        };
        let series = store
            .start_series(
                TENANT,
                &NewSeries {
                    dialect: Dialect::ScormCloud,
                    name: "queued".into(),
                    course_id: "compliance-basics".into(),
                    learner_id: "alice".into(),
                    learner_profile: NewLearner::default(),
                    tracking_id: None,
                    tags: vec![],
                    subscription: Some(post),
                },
            )
            .unwrap();
        let id = series;
        store.apply_command(TENANT, id, &Command::Start).unwrap();
        drop(store);
        // Back to the trigger and its queue (the pending event becomes a queued change), and
        // forward again.
        enroll_store::testing::revert_to(&db, "20261205000602");
        let store = db.store(clock.clone()).unwrap();
        let rendered = |sub: &Subscription, n: &Notice<'_>| {
            vec![Rendered {
                topic: "t".into(),
                headers: vec![],
                content_type: "text/plain".into(),
                body: format!(
                    "{} {}",
                    sub.target,
                    n.series.current.record.core.state.as_str()
                ),
            }]
        };
        assert_eq!(
            store.collect_events(100, &rendered).unwrap(),
            1,
            "{}",
            store.backend()
        );
        let (_, msgs) = store
            .list_outbox(TENANT, Channel::Http, None, 10, 0)
            .unwrap();
        assert_eq!(msgs[0].body, "http://receiver.invalid/postback in_progress");
        // Subscriptions from before the migration (post-backs) select every kind but creation.
        let subs = store.subscriptions(TENANT, Dialect::ScormCloud).unwrap();
        let all_but_creation: Vec<K> = K::ALL
            .into_iter()
            .filter(|k| !matches!(k, K::Enrolled | K::ReEnrolled))
            .collect();
        assert_eq!(subs[0].kinds, all_but_creation);
    }
}
