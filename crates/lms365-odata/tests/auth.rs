//! API keys: Basic with user `api` or empty; read-only keys read but get 403 on writes, with
//! nothing written; `LMS365-User-Id` recorded with the enrollment's actions.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::TestRequest;
use common::*;
use serde_json::json;

#[actix_rt::test]
async fn keys_users_and_permissions() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let uri = format!("{BASE}/Courses");
        for (auth, want) in [
            (None, 401),
            (Some(basic("api", "wrong-key")), 401),
            (Some(basic("someone", KEY)), 401),
            (Some("Bearer demo-lms365-api-key".to_string()), 401),
            (Some(basic("api", KEY)), 200),
            (Some(basic("", KEY)), 200),
            (Some(basic("API", READ_ONLY_KEY)), 200),
        ] {
            let mut r = TestRequest::get().uri(&uri);
            if let Some(a) = auth.clone() {
                r = r.insert_header(("Authorization", a));
            }
            let (s, body, headers) = raw(&app, r).await;
            assert_eq!(s, want, "{auth:?}: {body}");
            if want == 401 {
                assert!(headers.get("www-authenticate").is_some());
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(v["error"]["code"], "Unauthorized");
            }
        }
        let before = enrollment_count(&store);
        let r = TestRequest::post()
            .uri(&format!("{BASE}/Courses(101)/Enroll"))
            .insert_header(("Authorization", basic("api", READ_ONLY_KEY)))
            .set_json(json!({"userLoginName": ALICE_LOGIN}));
        let (s, b) = call(&app, r).await;
        odata_error(s, &b, 403, "read-only");
        assert_eq!(enrollment_count(&store), before, "nothing written");
    }
}

#[actix_rt::test]
async fn the_acting_user_is_recorded() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let r = post(
            "/Courses(101)/Enroll",
            json!({"userLoginName": "bob@demo.example"}),
        )
        .insert_header(("LMS365-User-Id", "i:0#.f|membership|admin@demo.example"));
        let (s, e) = call(&app, r).await;
        assert_eq!(s, 201, "{e}");
        let id = e["Id"].as_str().unwrap().to_string();
        let r = post(
            &format!("/Enrollments({id})/Cancel"),
            json!({"message": "wrong course"}),
        )
        .insert_header(("LMS365-User-Id", "hr-bot"));
        assert_eq!(call(&app, r).await.0, 204);
        // The users are the principals of the enrollment's events; the message is the
        // cancellation's note.
        let events = store
            .enrollment_events(tenant(), uuid::Uuid::parse_str(&id).unwrap())
            .unwrap();
        let principals: Vec<Option<&str>> = events.iter().map(|e| e.principal.as_deref()).collect();
        assert_eq!(
            principals.first(),
            Some(&Some("i:0#.f|membership|admin@demo.example"))
        );
        assert_eq!(principals.last(), Some(&Some("hr-bot")));
        assert_eq!(events.last().unwrap().note.as_deref(), Some("wrong course"));
        let (_, e) = call(&app, get(&format!("/Enrollments({id})"))).await;
        assert_eq!(e["CancellationReason"], "wrong course");
        assert_eq!(e["RegistrationStatus"], "Cancelled");
    }
}
