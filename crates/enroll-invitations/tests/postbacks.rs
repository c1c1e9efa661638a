//! An invitation's post-back subscription on every backend: concurrent replacements leave one.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use enroll_domain::model::Dialect;
use enroll_invitations::prelude::*;
use enroll_invitations::{InvitationUpdate, NewInvitation};
use enroll_store::subscriptions::{NewSubscription, Subscription};
use enroll_store::testing::demo::{TENANT, stores};

#[test]
fn concurrent_replacements_of_an_invitations_post_back_leave_one() {
    for (_db, store, _) in stores() {
        let inv = store
            .create_invitation(
                TENANT,
                Dialect::ScormCloud,
                &NewInvitation {
                    course_id: "compliance-basics".into(),
                    creator_email: "admin@demo.example".into(),
                    is_public: true,
                    ..NewInvitation::default()
                },
            )
            .unwrap();
        std::thread::scope(|s| {
            for i in 0..16 {
                let (store, id) = (&store, inv.id.clone());
                s.spawn(move || {
                    let u = InvitationUpdate {
                        subscription: Some(Some(NewSubscription {
                            target: format!("http://receiver.invalid/{i}"),
                            settings: "{}".into(),
                            kinds: vec![],
                        })),
                        ..InvitationUpdate::default()
                    };
                    store
                        .update_invitation(TENANT, Dialect::ScormCloud, &id, true, &u)
                        .unwrap();
                });
            }
        });
        let mine: Vec<Subscription> = store
            .subscriptions(TENANT, Dialect::ScormCloud)
            .unwrap()
            .into_iter()
            .filter(|s| s.object_id == inv.id)
            .collect();
        assert_eq!(mine.len(), 1, "{}: {mine:?}", store.backend());
    }
}
