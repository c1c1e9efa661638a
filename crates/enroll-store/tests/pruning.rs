//! Growth is bounded: finished deliveries and their attempts, mail and queued changes that no
//! task collects are pruned by age and by count; pending deliveries never are; and the
//! background tasks prune without a delivery task. On every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
mod common;
use common::*;
use diesel::prelude::*;
use enroll_domain::Command;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::enrollments::NewSeries;
use enroll_store::events::schema::enrollment_events;
use enroll_store::learners::NewLearner;
use enroll_store::options::Retention;
use enroll_store::outbox::Outbox as _;
use enroll_store::outbox::schema::{outbox, outbox_attempts};
use enroll_store::outbox::{Attempt, Channel, NewMessage, RetryPolicy};
use enroll_store::subscriptions::NewSubscription;
use std::time::Duration;
use uuid::Uuid;

const DAY: Duration = Duration::from_secs(24 * 3600);

fn message(channel: Channel, n: usize) -> NewMessage {
    NewMessage {
        tenant_id: Some(TENANT),
        channel,
        topic: "test".into(),
        target: format!("http://receiver.invalid/{n}"),
        headers: vec![],
        content_type: "text/plain".into(),
        subject: None,
        body: n.to_string(),
    }
}

/// A post-back that was answered `status` (so delivered on 2xx, given up otherwise).
fn finished_delivery(store: &Store, n: usize, status: u16) -> Uuid {
    let id = store.enqueue(&message(Channel::Http, n)).unwrap();
    let once = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    let attempt = Attempt {
        status_code: Some(status),
        error: None,
    };
    store.record_attempt(id, &attempt, &once).unwrap();
    id
}

fn ids(store: &Store, channel: Channel) -> Vec<String> {
    store
        .with_conn(|c| {
            Ok(outbox::table
                .filter(outbox::channel.eq(channel.as_str()))
                .select(outbox::id)
                .order(outbox::id)
                .load(c)?)
        })
        .unwrap()
}

fn count_attempts(store: &Store) -> i64 {
    store
        .with_conn(|c| Ok(outbox_attempts::table.count().get_result(c)?))
        .unwrap()
}

fn count_changes(store: &Store) -> i64 {
    store
        .with_conn(|c| {
            Ok(enrollment_events::table
                .filter(enrollment_events::pending)
                .count()
                .get_result(c)?)
        })
        .unwrap()
}

#[test]
fn finished_messages_and_their_attempts_go_by_age_and_by_count_pending_ones_stay() {
    for (_db, store, clock) in stores() {
        let old_delivered = finished_delivery(&store, 0, 200);
        let old_failed = finished_delivery(&store, 1, 500);
        let pending = store.enqueue(&message(Channel::Http, 2)).unwrap();
        let old_mail = store.enqueue(&message(Channel::Mail, 3)).unwrap();
        assert_eq!(count_attempts(&store), 2);
        clock.advance(time::Duration::days(3));
        let new: Vec<Uuid> = (10..14)
            .map(|n| finished_delivery(&store, n, 204))
            .collect();
        let mails: Vec<Uuid> = (20..24)
            .map(|n| store.enqueue(&message(Channel::Mail, n)).unwrap())
            .collect();
        let retention = Retention {
            messages_max_age: 2 * DAY,
            messages_max_count: 3,
            ..Retention::default()
        };
        let pruned = store.prune(&retention).unwrap();
        // By age: the three-day-old ones; by count: the oldest of the four new ones each.
        assert_eq!(
            (pruned.deliveries, pruned.attempts, pruned.mail),
            (3, 3, 2),
            "{pruned:?}"
        );
        let mut want: Vec<String> = new[1..].iter().map(Uuid::to_string).collect();
        want.push(pending.to_string());
        want.sort();
        assert_eq!(ids(&store, Channel::Http), want);
        let mut want: Vec<String> = mails[1..].iter().map(Uuid::to_string).collect();
        want.sort();
        assert_eq!(ids(&store, Channel::Mail), want);
        assert_eq!(count_attempts(&store), 3);
        for gone in [old_delivered, old_failed, old_mail] {
            assert!(store.outbox_message(gone).is_err());
        }
        // Nothing more to do.
        assert!(!store.prune(&retention).unwrap().any());
    }
}

/// A SCORM-style series with a post-back subscription: its changes are queued for delivery.
fn watched_series(store: &Store) -> Uuid {
    store
        .start_series(
            TENANT,
            &NewSeries {
                dialect: Dialect::ScormCloud,
                name: "watched".into(),
                course_id: "compliance-basics".into(),
                learner_id: "alice".into(),
                learner_profile: NewLearner::default(),
                tracking_id: None,
                tags: vec![],
                subscription: Some(NewSubscription {
                    target: "http://receiver.invalid/postback".into(),
                    settings: "{}".into(),
                    kinds: vec![],
                }),
            },
        )
        .unwrap()
}

#[test]
fn changes_nobody_collects_are_dropped_by_age_and_by_count() {
    for (_db, store, clock) in stores() {
        let e = watched_series(&store);
        store.apply_command(TENANT, e, &Command::Start).unwrap();
        let queued = count_changes(&store);
        assert!(queued >= 1);
        clock.advance(time::Duration::days(8));
        for p in [10.0, 20.0, 30.0] {
            let progress = Command::RecordProgress {
                progress: p,
                time_spent_ms: 1,
            };
            store.apply_command(TENANT, e, &progress).unwrap();
        }
        assert_eq!(count_changes(&store), queued + 3);
        // The default keeps a week: the first changes go.
        let pruned = store.prune(&Retention::default()).unwrap();
        assert_eq!(pruned.changes, u64::try_from(queued).unwrap(), "{pruned:?}");
        assert_eq!(count_changes(&store), 3);
        // A count of two keeps the newest two.
        let two = Retention {
            changes_max_count: 2,
            ..Retention::default()
        };
        assert_eq!(store.prune(&two).unwrap().changes, 1);
        assert_eq!(count_changes(&store), 2);
    }
}

#[tokio::test]
async fn the_background_tasks_prune_even_without_a_delivery_task() {
    for (_db, store, clock) in stores() {
        let e = watched_series(&store);
        store.apply_command(TENANT, e, &Command::Start).unwrap();
        store.enqueue(&message(Channel::Mail, 1)).unwrap();
        clock.advance(time::Duration::days(40));
        assert!(count_changes(&store) >= 1);
        // The tasks a host starts (the delivery task may be compiled out): pruning runs at
        // once, then every minute.
        let running = enroll_store::tasks::Tasks::new(store.clone()).start();
        let mut done = false;
        for _ in 0..200 {
            if count_changes(&store) == 0 && ids(&store, Channel::Mail).is_empty() {
                done = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        running.stop();
        assert!(done, "{}: nothing pruned", store.backend());
    }
}
