//! Link tokens on each backend: made with the store's link key and stored nowhere; a database
//! opens only with the key its links were made with; the migration that dropped the stored
//! tokens keeps every invitation and recipient.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns
use diesel::RunQueryDsl;
use enroll_domain::SystemClock;
use enroll_domain::model::Dialect::ScormCloud;
use enroll_invitations::prelude::*;
use enroll_invitations::{MailContext, NewInvitation, RecipientQuery, RenderedMail, SignUp};
use enroll_store::conn::{Manager, Target};
use enroll_store::links::LinkKey;
use enroll_store::options::Options;
use enroll_store::testing::TestDb;
use enroll_store::testing::demo::{TENANT, seed};
use enroll_store::{Store, StoreError, StoreResult};
use std::sync::Arc;

fn open(db: &TestDb, key: Option<&LinkKey>) -> StoreResult<Store> {
    let mut b = Store::builder(&db.url).clock(Arc::new(SystemClock));
    if let Some(k) = key {
        b = b.link_key(k.clone());
    }
    b.open()
}

fn public(store: &Store) -> String {
    let inv = store
        .create_invitation(
            TENANT,
            ScormCloud,
            &NewInvitation {
                course_id: "compliance-basics".into(),
                creator_email: "admin@demo.example".into(),
                is_public: true,
                ..NewInvitation::default()
            },
        )
        .unwrap();
    inv.public_token.unwrap()
}

fn render(c: &MailContext<'_>) -> RenderedMail {
    RenderedMail {
        subject: "link".into(),
        body: format!("open {}", c.link_token),
        content_type: "text/plain".into(),
    }
}

fn refused(r: StoreResult<Store>) -> String {
    match r {
        Err(StoreError::Config(m)) => m,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn a_database_opens_only_with_the_key_its_links_were_made_with() {
    for db in TestDb::all().unwrap() {
        let key = LinkKey::generate();
        let store = open(&db, Some(&key)).unwrap();
        store.load_seed(&seed()).unwrap();
        let token = public(&store);
        assert_eq!(token.len(), 64);
        assert!(store.public_invitation_by_token(&token).is_ok());
        drop(store);
        let m = refused(open(&db, Some(&LinkKey::generate())));
        assert!(m.contains("another link key"), "{m}");
        assert!(
            m.contains(&key.fingerprint()) && !m.contains(&key.to_hex()),
            "{m}"
        );
        let m = refused(open(&db, None));
        assert!(m.contains("another link key"), "{m}");
        let store = open(&db, Some(&key)).unwrap();
        assert!(store.public_invitation_by_token(&token).is_ok());
    }
}

#[test]
fn without_a_key_the_store_keeps_one_in_the_database() {
    for db in TestDb::all().unwrap() {
        let store = open(&db, None).unwrap();
        store.load_seed(&seed()).unwrap();
        let token = public(&store);
        drop(store);
        let store = open(&db, None).unwrap();
        assert!(store.public_invitation_by_token(&token).is_ok());
        assert!(store.setting("link_key").unwrap().is_some());
        drop(store);
        refused(open(&db, Some(&LinkKey::generate())));
    }
}

#[test]
fn a_host_key_is_taken_while_no_link_was_handed_out_and_leaves_no_copy_behind() {
    for db in TestDb::all().unwrap() {
        let store = open(&db, None).unwrap();
        store.load_seed(&seed()).unwrap();
        drop(store);
        let key = LinkKey::generate();
        let store = open(&db, Some(&key)).unwrap();
        assert_eq!(
            store.setting("link_key").unwrap(),
            None,
            "a key in the database"
        );
        let token = public(&store);
        drop(store);
        refused(open(&db, None));
        let store = open(&db, Some(&key)).unwrap();
        assert!(store.public_invitation_by_token(&token).is_ok());
    }
}

/// Runs SQL on a connection of its own; Err if the statement fails.
fn sql(db: &TestDb, text: &str) -> Result<usize, diesel::result::Error> {
    let mut c = Manager::new(Target::from_url(&db.url).unwrap(), &Options::default())
        .open()
        .unwrap();
    diesel::sql_query(text).execute(&mut c)
}

/// Reverts migrations, newest first, down to and including the link-token one (later
/// migrations come and go; this test is about that one).
fn revert_link_tokens(db: &TestDb) {
    enroll_store::testing::revert_to(db, "20261205000101");
}

#[test]
fn the_migration_keeps_invitations_and_recipients_and_stores_no_token() {
    for db in TestDb::all().unwrap() {
        let store = open(&db, None).unwrap();
        store.load_seed(&seed()).unwrap();
        let token = public(&store);
        let joined = store
            .join_public_invitation(&token, "fresh@example.com", "F", "Resh", &render)
            .unwrap();
        let private = store
            .create_invitation(
                TENANT,
                ScormCloud,
                &NewInvitation {
                    course_id: "compliance-basics".into(),
                    creator_email: "admin@demo.example".into(),
                    addresses: vec!["alice@demo.example".into(), "p@example.com".into()],
                    ..NewInvitation::default()
                },
            )
            .unwrap();
        let id = store.claim_invitation_job(5_000).unwrap().unwrap();
        while !store
            .invitation_job_step(&id, 500, 5_000, &render)
            .unwrap()
            .finished()
        {}
        let recipients = |s: &Store| {
            let public = s.public_invitation_by_token(&token).unwrap().id;
            [(public, true), (private.id.clone(), false)]
                .iter()
                .flat_map(|(id, p)| {
                    let q = RecipientQuery {
                        window: enroll_store::list::ListWindow {
                            limit: 100,
                            ..Default::default()
                        },
                        ..RecipientQuery::default()
                    };
                    s.invitation_recipients(TENANT, id, *p, &q).unwrap().1
                })
                .map(|r| (r.email, r.token, r.series_id))
                .collect::<Vec<_>>()
        };
        let before = recipients(&store);
        assert_eq!(before.len(), 3, "{before:?}");
        assert!(before.iter().any(|r| SignUp::Joined(r.1.clone()) == joined));
        drop(store);

        // Back to stored tokens (the down migration makes new ones), then forward again.
        revert_link_tokens(&db);
        assert!(
            sql(
                &db,
                "SELECT token, public_token FROM invitation_recipients, invitations"
            )
            .is_ok()
        );
        let store = open(&db, None).unwrap();
        assert_eq!(
            recipients(&store),
            before,
            "same recipients, series and links"
        );
        for column in [
            "SELECT public_token FROM invitations",
            "SELECT token FROM invitation_recipients",
        ] {
            assert!(sql(&db, column).is_err(), "{column} is still stored");
        }
        let inv = store.invitation(TENANT, &private.id, Some(false)).unwrap();
        assert_eq!(inv.addresses, private.addresses);
        assert_eq!(inv.enrolled_count, 2);
    }
}
