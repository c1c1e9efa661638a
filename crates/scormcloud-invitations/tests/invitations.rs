//! Invitations end to end on each backend: the job, its resumption, duplicates, public
//! sign-ups under a cap, paging.
mod common;
use common::{ALICE, TENANT, fixture, run_jobs, stores};
use enroll_domain::model::Dialect::ScormCloud;
use enroll_invitations::prelude::*;
use enroll_invitations::{
    ExistingPolicy, JobState, NewInvitation, Recipient, RecipientQuery, SignUp,
};
use enroll_store::list::ListWindow;
use enroll_store::outbox::Channel;
use enroll_store::outbox::Outbox as _;
use serde_json::json;

fn private(addresses: Vec<String>, option: ExistingPolicy) -> NewInvitation {
    NewInvitation {
        course_id: "compliance-basics".into(),
        creator_email: "admin@demo.example".into(),
        addresses,
        existing: option,
        ..NewInvitation::default()
    }
}

fn registration_id(r: &Recipient) -> String {
    r.series_names.id_in(
        ScormCloud,
        enroll_domain::crosswalk::Kind::Series,
        r.series_id,
    )
}

#[allow(clippy::unwrap_used)]
fn all_users(store: &enroll_store::Store, id: &str) -> Vec<Recipient> {
    let q = RecipientQuery {
        window: ListWindow {
            limit: 100_000,
            ..ListWindow::default()
        },
        include_report: true,
        ..RecipientQuery::default()
    };
    store
        .invitation_recipients(TENANT, id, false, &q)
        .unwrap()
        .1
}

#[actix_rt::test]
async fn private_invitation_job_creates_registrations_and_mails() {
    for (_db, store) in stores() {
        let app = app!(store);
        let (status, _, created) = call!(
            app,
            post,
            "//invitations/private",
            fixture("create_private_invitation")
        );
        assert_eq!(status, 200, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        let (_, _, job) = call!(app, get, format!("/invitations/private/{id}/jobStatus"));
        assert_eq!(
            job,
            json!({"status": "STARTED", "errors": [], "total": 2, "processed": 0})
        );
        run_jobs(&store);
        let (_, _, job) = call!(app, get, format!("/invitations/private/{id}/jobStatus"));
        assert_eq!(
            job,
            json!({"status": "COMPLETE", "errors": [], "total": 2, "processed": 2})
        );
        let users = all_users(&store, &id);
        assert_eq!(users.len(), 2, "duplicate addresses are invited once");
        // alice@demo.example is the seeded learner "alice": the registration is her enrollment.
        let alice = users
            .iter()
            .find(|u| u.email == "alice@demo.example")
            .unwrap();
        let reg = alice.series.as_ref().unwrap();
        assert_eq!(reg.current.learner.id, ALICE);
        let ledger = store
            .enrollment(TENANT, reg.current.record.core.id)
            .unwrap();
        assert_eq!(ledger.record.core.learner_id, ALICE);
        assert_eq!(ledger.record.source, "scormcloud");
        let (total, mails) = store
            .list_outbox(TENANT, Channel::Mail, None, 10, 0)
            .unwrap();
        assert_eq!(total, 2);
        assert!(
            mails
                .iter()
                .all(|m| m.subject.as_deref() == Some("Compliance training"))
        );
        assert!(mails.iter().any(|m| m.body.contains(&alice.token)));
    }
}

#[actix_rt::test]
async fn an_interrupted_job_resumes_without_duplicates() {
    for (db, store) in stores() {
        let addresses: Vec<String> = (0..30).map(|i| format!("p{i}@example.com")).collect();
        let inv = store
            .create_invitation(
                TENANT,
                ScormCloud,
                &private(addresses, ExistingPolicy::Resend),
            )
            .unwrap();
        let links = scormcloud_invitations::Links::new(common::BASE);
        let render = |c: &enroll_invitations::MailContext<'_>| {
            scormcloud_invitations::render::invitation_mail(&links, c)
        };
        // A lease of 1.5 s (leases follow the wall clock, not the ledger's clock).
        let st = store
            .invitation_job_step(&inv.id, 10, 1_500, &render)
            .unwrap();
        assert_eq!((st.state, st.processed), (JobState::Started, 10));
        drop(store); // the process dies between batches
        let clock = std::sync::Arc::new(enroll_domain::clock::FixedClock(
            time::macros::datetime!(2026-01-15 10:05 UTC),
        ));
        let store = db.store(clock).unwrap();
        assert_eq!(
            store.claim_invitation_job(5_000).unwrap(),
            None,
            "the lease still holds"
        );
        std::thread::sleep(std::time::Duration::from_millis(1_600));
        // Lease lapsed: the restarted runner claims it and finishes.
        assert_eq!(
            store.claim_invitation_job(5_000).unwrap().as_deref(),
            Some(inv.id.as_str())
        );
        loop {
            let st = store
                .invitation_job_step(&inv.id, 7, 5_000, &render)
                .unwrap();
            if st.finished() {
                assert_eq!(
                    (st.state, st.processed, st.total),
                    (JobState::Complete, 30, 30)
                );
                break;
            }
        }
        // Running it again changes nothing.
        store
            .invitation_job_step(&inv.id, 7, 5_000, &render)
            .unwrap();
        let users = all_users(&store, &inv.id);
        assert_eq!(users.len(), 30);
        let mut regs: Vec<_> = users.iter().map(registration_id).collect();
        regs.sort();
        regs.dedup();
        assert_eq!(regs.len(), 30);
        let (mails, _) = store
            .list_outbox(TENANT, Channel::Mail, None, 1, 0)
            .unwrap();
        assert_eq!(mails, 30);
        assert_eq!(
            store
                .invitation(TENANT, &inv.id, None)
                .unwrap()
                .enrolled_count,
            30
        );
    }
}

#[actix_rt::test]
async fn duplicate_registration_options() {
    for (_db, store) in stores() {
        let one = |opt| {
            let inv = store
                .create_invitation(
                    TENANT,
                    ScormCloud,
                    &private(vec!["alice@demo.example".into()], opt),
                )
                .unwrap();
            run_jobs(&store);
            let st = store.invitation_job_status(TENANT, &inv.id).unwrap();
            (st, all_users(&store, &inv.id))
        };
        let (_, first) = one(ExistingPolicy::Resend);
        let reg = registration_id(&first[0]);
        let (_, again) = one(ExistingPolicy::Resend);
        assert_eq!(registration_id(&again[0]), reg, "SEND_EXISTING re-sends");
        let before = store.series(TENANT, ScormCloud, &reg).unwrap();
        let (_, inst) = one(ExistingPolicy::NewInstance);
        assert_eq!(registration_id(&inst[0]), reg);
        let after = store.series(TENANT, ScormCloud, &reg).unwrap();
        assert_eq!(
            after.current.record.instance,
            before.current.record.instance + 1
        );
        assert_ne!(after.current.record.core.id, before.current.record.core.id);
        assert!(
            !store
                .enrollment(TENANT, before.current.record.core.id)
                .unwrap()
                .record
                .core
                .active
        );
        let (st, failed) = one(ExistingPolicy::Skip);
        assert_eq!(st.state, JobState::Error);
        assert!(
            st.errors[0].contains("alice@demo.example"),
            "{:?}",
            st.errors
        );
        assert!(failed.is_empty());
        let (_, new) = one(ExistingPolicy::NewSeries);
        let new_reg = registration_id(&new[0]);
        assert_ne!(new_reg, reg);
        let newest = store.series(TENANT, ScormCloud, &new_reg).unwrap();
        assert!(newest.current.record.core.active);
        // One active enrollment per learner and course: the old registration is gone.
        assert!(store.series(TENANT, ScormCloud, &reg).is_err());
    }
}

#[actix_rt::test]
async fn concurrent_public_sign_ups_respect_the_cap() {
    for (_db, store) in stores() {
        let inv = store
            .create_invitation(
                TENANT,
                ScormCloud,
                &NewInvitation {
                    course_id: "data-privacy-101".into(),
                    creator_email: "admin@demo.example".into(),
                    is_public: true,
                    cap: 3,
                    ..NewInvitation::default()
                },
            )
            .unwrap();
        let token = inv.public_token.clone().unwrap();
        let links = scormcloud_invitations::Links::new(common::BASE);
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (s, t, l) = (store.clone(), token.clone(), links.clone());
                std::thread::spawn(move || {
                    let render = |c: &enroll_invitations::MailContext<'_>| {
                        scormcloud_invitations::render::sign_up_mail(&l, c)
                    };
                    s.join_public_invitation(
                        &t,
                        &format!("v{i}@example.com"),
                        "V",
                        "Isitor",
                        &render,
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 3, "{results:?}");
        assert!(
            results
                .iter()
                .filter_map(|r| r.as_ref().err())
                .all(|e| e.to_string().contains("limit"))
        );
        let got = store.invitation(TENANT, &inv.id, None).unwrap();
        assert_eq!(got.enrolled_count, 3);
        // The same address coming back, even at the cap, gets the same link, by mail only.
        let winner = results.iter().position(Result::is_ok).unwrap();
        let Ok(SignUp::Joined(link)) = &results[winner] else {
            panic!("{results:?}")
        };
        let render = |c: &enroll_invitations::MailContext<'_>| {
            scormcloud_invitations::render::sign_up_mail(&links, c)
        };
        let again = store
            .join_public_invitation(
                &token,
                &format!("v{winner}@example.com"),
                "V",
                "Isitor",
                &render,
            )
            .unwrap();
        assert_eq!(again, SignUp::Mailed);
        let (_, mails) = store
            .list_outbox(
                TENANT,
                Channel::Mail,
                Some(&format!("v{winner}@example.com")),
                10,
                0,
            )
            .unwrap();
        assert_eq!(mails.len(), 1);
        assert!(mails[0].body.contains(link.as_str()), "{}", mails[0].body);
    }
}

#[actix_rt::test]
async fn paging_with_more_keeps_the_filters_and_refuses_extra_ones() {
    for (_db, store) in stores() {
        let app = app!(store);
        let addresses: Vec<String> = (0..150).map(|i| format!("u{i:03}@example.com")).collect();
        let inv = store
            .create_invitation(
                TENANT,
                ScormCloud,
                &private(addresses, ExistingPolicy::Resend),
            )
            .unwrap();
        run_jobs(&store);
        let path = format!("/invitations/private/{}/userInvitations", inv.id);
        let (s, h, first) = call!(
            app,
            get,
            format!("{path}?filter=EXAMPLE&filterBy=email&includeTotalCount=true")
        );
        assert_eq!(s, 200);
        assert_eq!(h.get("X-Total-Count").unwrap(), "150");
        let more = first["more"].as_str().unwrap();
        assert_eq!(first["userInvitations"].as_array().unwrap().len(), 100);
        let (s, h, second) = call!(
            app,
            get,
            format!("{path}?more={more}&includeTotalCount=true")
        );
        assert_eq!(s, 200);
        assert!(h.get("X-Total-Count").is_none(), "only on the first page");
        assert_eq!(second["userInvitations"].as_array().unwrap().len(), 50);
        assert!(second.get("more").is_none());
        let (_, _, some) = call!(app, get, format!("{path}?filter=u1"));
        assert_eq!(
            some["userInvitations"].as_array().unwrap().len(),
            50,
            "u100–u149"
        );
        let (s, _, err) = call!(app, get, format!("{path}?more={more}&filter=u2"));
        assert_eq!(s, 400);
        assert!(err["message"].as_str().unwrap().contains("more"));
        let (s, _, err) = call!(app, get, format!("{path}?more=garbage"));
        assert_eq!(
            (s, err["message"].as_str().unwrap()),
            (400, "the 'more' token is not valid")
        );
        let (s, _, all) = call!(app, get, path.clone());
        assert_eq!(s, 200);
        let (_, _, rest) = call!(
            app,
            get,
            format!("{path}?more={}", all["more"].as_str().unwrap())
        );
        assert_eq!(rest["userInvitations"].as_array().unwrap().len(), 50);
        assert!(rest.get("more").is_none());
    }
}

#[actix_rt::test]
async fn unauthenticated_and_bad_input() {
    for (_db, store) in stores() {
        let app = app!(store);
        let req = actix_web::test::TestRequest::get()
            .uri("/scormcloud/api/v2/invitations")
            .to_request();
        let resp = actix_web::test::call_service(&app, req).await;
        assert_eq!(resp.status().as_u16(), 401);
        let body: serde_json::Value = actix_web::test::read_body_json(resp).await;
        assert_eq!(body, json!({"error": "Authorization Required."}));
        let (s, _, b) = call!(
            app,
            post,
            "/invitations/private",
            json!({"courseId": "compliance-basics"})
        );
        assert_eq!(s, 400);
        assert!(
            b["message"].as_str().unwrap().contains("creatingUserEmail"),
            "{b}"
        );
        let (s, _, b) = call!(
            app,
            post,
            "/invitations/public",
            json!({"courseId": "nope", "creatingUserEmail": "a@b.example"})
        );
        assert_eq!(
            (s, b["message"].as_str().unwrap()),
            (404, "courseId 'nope' not found")
        );
        let (s, _, b) = call!(app, get, "/invitations?orderBy=random");
        assert_eq!(s, 400, "{b}");
        let (s, _, b) = call!(app, get, "/invitations/private/nope/jobStatus");
        assert_eq!(
            (s, b["message"].as_str().unwrap()),
            (404, "invitationId 'nope' not found")
        );
        let (s, _, _) = call!(app, get, "/no/such/route");
        assert_eq!(s, 404);
    }
}
