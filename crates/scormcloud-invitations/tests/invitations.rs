//! Invitations end to end on each backend: the job, its resumption, duplicates, public
//! sign-ups under a cap, paging.
mod common;
use common::{ALICE, TENANT, fixture, run_jobs, stores};
use enroll_store::outbox::Channel;
use enroll_store::scorm::invitations::UserInvitationQuery;
use enroll_store::scorm::{DuplicateOption, ListWindow, NewInvitation};
use serde_json::json;

fn private(addresses: Vec<String>, option: DuplicateOption) -> NewInvitation {
    NewInvitation {
        course_id: "compliance-basics".into(),
        creating_user_email: "admin@demo.example".into(),
        addresses,
        duplicate_option: option,
        ..NewInvitation::default()
    }
}

#[allow(clippy::unwrap_used)]
fn all_users(store: &enroll_store::Store, id: &str) -> Vec<enroll_store::scorm::UserInvitation> {
    let q = UserInvitationQuery {
        window: ListWindow {
            limit: 100_000,
            ..ListWindow::default()
        },
        include_report: true,
        ..UserInvitationQuery::default()
    };
    store
        .scorm_user_invitations(TENANT, id, false, &q)
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
        let reg = alice.registration.as_ref().unwrap();
        assert_eq!(reg.learner.id, ALICE);
        let ledger = store.enrollment(TENANT, reg.enrollment.id).unwrap();
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
            .scorm_create_invitation(TENANT, &private(addresses, DuplicateOption::SendExisting))
            .unwrap();
        let links = scormcloud_invitations::Links::new(common::BASE);
        let render = |c: &enroll_store::scorm::MailContext<'_>| {
            scormcloud_invitations::render::invitation_mail(&links, c)
        };
        let st = store.scorm_job_step(&inv.id, 10, 5_000, &render).unwrap();
        assert_eq!((st.status.as_str(), st.processed), ("STARTED", 10));
        drop(store); // the process dies between batches
        let clock = std::sync::Arc::new(enroll_domain::clock::FixedClock(
            time::macros::datetime!(2026-01-15 10:05 UTC),
        ));
        let store = db.store(clock).unwrap();
        // Lease lapsed: the restarted runner claims it and finishes.
        assert_eq!(
            store.scorm_claim_job(5_000).unwrap().as_deref(),
            Some(inv.id.as_str())
        );
        loop {
            let st = store.scorm_job_step(&inv.id, 7, 5_000, &render).unwrap();
            if st.finished() {
                assert_eq!(
                    (st.status.as_str(), st.processed, st.total),
                    ("COMPLETE", 30, 30)
                );
                break;
            }
        }
        // Running it again changes nothing.
        store.scorm_job_step(&inv.id, 7, 5_000, &render).unwrap();
        let users = all_users(&store, &inv.id);
        assert_eq!(users.len(), 30);
        let mut regs: Vec<_> = users
            .iter()
            .map(|u| u.registration_id.clone().unwrap())
            .collect();
        regs.sort();
        regs.dedup();
        assert_eq!(regs.len(), 30);
        let (mails, _) = store
            .list_outbox(TENANT, Channel::Mail, None, 1, 0)
            .unwrap();
        assert_eq!(mails, 30);
        assert_eq!(
            store
                .scorm_invitation(TENANT, &inv.id, None)
                .unwrap()
                .registration_count,
            30
        );
    }
}

#[actix_rt::test]
async fn duplicate_registration_options() {
    for (_db, store) in stores() {
        let one = |opt| {
            let inv = store
                .scorm_create_invitation(TENANT, &private(vec!["alice@demo.example".into()], opt))
                .unwrap();
            run_jobs(&store);
            let st = store.scorm_job_status(TENANT, &inv.id).unwrap();
            (st, all_users(&store, &inv.id))
        };
        let (_, first) = one(DuplicateOption::SendExisting);
        let reg = first[0].registration_id.clone().unwrap();
        let (_, again) = one(DuplicateOption::SendExisting);
        assert_eq!(
            again[0].registration_id.as_ref(),
            Some(&reg),
            "SEND_EXISTING re-sends"
        );
        let before = store.scorm_registration(TENANT, &reg).unwrap();
        let (_, inst) = one(DuplicateOption::InstanceExisting);
        assert_eq!(inst[0].registration_id.as_ref(), Some(&reg));
        let after = store.scorm_registration(TENANT, &reg).unwrap();
        assert_eq!(after.instance, before.instance + 1);
        assert_ne!(after.enrollment.id, before.enrollment.id);
        assert!(
            !store
                .enrollment(TENANT, before.enrollment.id)
                .unwrap()
                .record
                .core
                .active
        );
        let (st, failed) = one(DuplicateOption::Fail);
        assert_eq!(st.status, "ERROR");
        assert!(
            st.errors[0].contains("alice@demo.example"),
            "{:?}",
            st.errors
        );
        assert!(failed.is_empty());
        let (_, new) = one(DuplicateOption::CreateNew);
        let new_reg = new[0].registration_id.clone().unwrap();
        assert_ne!(new_reg, reg);
        let newest = store.scorm_registration(TENANT, &new_reg).unwrap();
        assert!(newest.enrollment.active);
        assert!(
            !store
                .scorm_registration(TENANT, &reg)
                .unwrap()
                .enrollment
                .active
        );
    }
}

#[actix_rt::test]
async fn concurrent_public_sign_ups_respect_the_cap() {
    for (_db, store) in stores() {
        let inv = store
            .scorm_create_invitation(
                TENANT,
                &NewInvitation {
                    course_id: "data-privacy-101".into(),
                    creating_user_email: "admin@demo.example".into(),
                    is_public: true,
                    registration_cap: 3,
                    ..NewInvitation::default()
                },
            )
            .unwrap();
        let token = inv.public_token.clone().unwrap();
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (s, t) = (store.clone(), token.clone());
                std::thread::spawn(move || {
                    s.scorm_public_join(&t, &format!("v{i}@example.com"), "V", "Isitor")
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
        let got = store.scorm_invitation(TENANT, &inv.id, None).unwrap();
        assert_eq!(got.registration_count, 3);
        // The same visitor coming back gets the same link, even at the cap.
        let winner = results.iter().position(Result::is_ok).unwrap();
        let again = store
            .scorm_public_join(&token, &format!("v{winner}@example.com"), "V", "Isitor")
            .unwrap();
        assert_eq!(&again, results[winner].as_ref().unwrap());
    }
}

#[actix_rt::test]
async fn paging_with_more_keeps_the_filters_and_refuses_extra_ones() {
    for (_db, store) in stores() {
        let app = app!(store);
        let addresses: Vec<String> = (0..150).map(|i| format!("u{i:03}@example.com")).collect();
        let inv = store
            .scorm_create_invitation(TENANT, &private(addresses, DuplicateOption::SendExisting))
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
