//! The REST v3 twin: the token, every enrollment operation in JSON and in XML, the three ways
//! to authenticate, paging, and errors as `{code, message}`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::TestRequest;
use common::*;
use serde_json::{Value, json};
use time::Duration;

#[actix_rt::test]
async fn tokens_come_from_client_credentials_and_last_30_minutes_of_ledger_time() {
    for (_db, store, clock) in stores() {
        let app = app(&store).await;
        let form = |secret: &str, grant: &str| {
            TestRequest::post().uri("/ispring/api/v3/token").set_form([
                ("client_id", CLIENT),
                ("client_secret", secret),
                ("grant_type", grant),
            ])
        };
        let (s, b) = json(&app, form(SECRET, "client_credentials")).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            (b["expires_in"].as_i64(), b["token_type"].as_str()),
            (Some(1800), Some("bearer"))
        );
        let t = b["access_token"].as_str().unwrap().to_string();
        let (s, b) = json(&app, form("wrong", "client_credentials")).await;
        assert_eq!((s, b["code"].as_i64()), (401, Some(401)), "{b}");
        assert!(b["message"].is_string());
        let (s, _) = json(&app, form(SECRET, "password")).await;
        assert_eq!(s, 400);
        let missing = TestRequest::post()
            .uri("/ispring/api/v3/token")
            .set_form([("client_id", CLIENT)]);
        assert_eq!(json(&app, missing).await.0, 400);
        // Valid on REST, in every header style, and on SOAP.
        assert_eq!(json(&app, get("/ispring/user", &t)).await.0, 200);
        let bare = TestRequest::get()
            .uri("/ispring/user")
            .insert_header(("Authorization", t.clone()));
        assert_eq!(json(&app, bare).await.0, 200);
        let (s, b) = soap(
            &app,
            envelope(
                "GetUser",
                &format!("{}<userId>{ALICE}</userId>", token_credentials(&t)),
            ),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        clock.advance(Duration::seconds(1801));
        let (s, b) = json(&app, get("/ispring/user", &t)).await;
        assert_eq!((s, b["code"].as_i64()), (401, Some(401)), "expired: {b}");
        assert_eq!(
            json(&app, TestRequest::get().uri("/ispring/user")).await.0,
            401
        );
    }
}

#[actix_rt::test]
async fn legacy_headers_authenticate_account_users() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let legacy = |email: &str, password: &str| {
            TestRequest::get()
                .uri("/ispring/user")
                .insert_header(("X-Auth-Account-Url", ACCOUNT))
                .insert_header(("X-Auth-Email", email.to_string()))
                .insert_header(("X-Auth-Password", password.to_string()))
        };
        assert_eq!(
            json(&app, legacy("admin@demo.example", "Demo-Admin-1"))
                .await
                .0,
            200
        );
        assert_eq!(
            json(&app, legacy("admin@demo.example", "wrong")).await.0,
            401
        );
        assert_eq!(
            json(&app, legacy("nobody@demo.example", "Demo-Admin-1"))
                .await
                .0,
            401
        );
        let other = legacy("admin@demo.example", "Demo-Admin-1")
            .insert_header(("X-Auth-Account-Url", "https://other.ispringlearn.com"));
        assert_eq!(json(&app, other).await.0, 401);
        // A learner's own credentials authenticate, but manage nothing.
        let (s, b) = json(&app, legacy("alice@demo.example", "Demo-Learner-1")).await;
        assert_eq!((s, b["code"].as_i64()), (403, Some(403)), "{b}");
    }
}

#[actix_rt::test]
async fn enrollments_round_trip_in_json() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let body = json!({
            "courseIds": [COMPLIANCE, PRIVACY], "learnerIds": [ALICE, BOB],
            "dueDateType": "default", "accessDate": "2030-01-01", "lockAfterDueDate": true,
        });
        let (s, _, b) = raw(&app, post_json("/ispring/enrollment", &t, body.clone())).await;
        assert_eq!((s, b.as_str()), (201, ""), "201 with an empty body");
        // Repeatable: the same call again changes nothing and succeeds.
        assert_eq!(
            raw(&app, post_json("/ispring/enrollment", &t, body))
                .await
                .0,
            201
        );
        assert_eq!(enrollment_count(&store), 4);

        let (s, b) = json(
            &app,
            get(&format!("/ispring/enrollment?courseIds[]={PRIVACY}"), &t),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let list = b["enrollments"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        // Data Privacy 101's default: 720 hours (30 days) after the access date.
        assert_eq!(list[0]["accessDate"], "2030-01-01");
        assert_eq!(list[0]["dueDate"], "2030-01-31");
        assert_eq!(list[0]["shouldLockAfterDueDate"], true);

        // Pages of one, then the rest by POST (pageToken as a number there).
        let (s, b) = json(&app, get("/ispring/enrollments?pageSize=3", &t)).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["enrollments"].as_array().unwrap().len(), 3);
        let next = b["nextPageToken"].as_str().unwrap().to_string();
        let page = json!({"pageSize": 3, "pageToken": next.parse::<i64>().unwrap()});
        let (s, b) = json(&app, post_json("/ispring/enrollments", &t, page)).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["enrollments"].as_array().unwrap().len(), 1);
        assert!(
            b.get("nextPageToken").is_none(),
            "the last page has none: {b}"
        );

        let id = active(&store, ALICE, COMPLIANCE)
            .unwrap()
            .record
            .core
            .id
            .to_string();
        let (s, e) = json(&app, get(&format!("/ispring/enrollment/{id}"), &t)).await;
        assert_eq!((s, e["learnerId"].as_str()), (200, Some(ALICE)), "{e}");
        assert_eq!(e["enrollmentTypeGroup"], 0);
        let change = json!({"accessDate": "2031-02-03 04:05:06", "dueDateType": "due_date", "dueDate": "2031-03-01"});
        let (s, _, b) = raw(
            &app,
            post_json(&format!("/ispring/enrollment/{id}"), &t, change.clone()),
        )
        .await;
        assert_eq!((s, b.as_str()), (200, ""));
        let (_, e) = json(&app, get(&format!("/ispring/enrollment/{id}"), &t)).await;
        assert_eq!(
            (e["accessDate"].as_str(), e["dueDate"].as_str()),
            (Some("2031-02-03"), Some("2031-03-01"))
        );
        let (s, _) = json(
            &app,
            post_json(&format!("/ispring/enrollment/{id}/reenroll"), &t, change),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(
            json(&app, get(&format!("/ispring/enrollment/{id}"), &t))
                .await
                .0,
            404,
            "archived"
        );
        let renewed = active(&store, ALICE, COMPLIANCE)
            .unwrap()
            .record
            .core
            .id
            .to_string();
        let del = json!({"enrollmentIds": [renewed]});
        let (s, _, b) = raw(
            &app,
            post_json("/ispring/enrollment/delete", &t, del.clone()),
        )
        .await;
        assert_eq!((s, b.as_str()), (204, ""));
        let (s, b) = json(&app, post_json("/ispring/enrollment/delete", &t, del)).await;
        assert_eq!(
            (s, b["code"].as_i64()),
            (400, Some(400)),
            "already deleted: {b}"
        );
        assert!(active(&store, ALICE, COMPLIANCE).is_none());
    }
}

#[actix_rt::test]
async fn xml_bodies_and_answers_follow_content_type_and_accept() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        // The legacy documentation's sample body, space-separated date and all.
        let body = format!(
            "<request><courseIds><id>{COMPLIANCE}</id></courseIds><learnerIds><id>{ALICE}</id></learnerIds><accessDate>2019-09-26 10:30:00</accessDate><dueDateType>unlimited</dueDateType></request>"
        );
        let req = TestRequest::post()
            .uri("/ispring/enrollment")
            .insert_header(("Authorization", format!("Bearer {t}")))
            .insert_header(("Content-Type", "application/xml"))
            .set_payload(body);
        assert_eq!(raw(&app, req).await.0, 201);
        let xml_get = |uri: &str| get(uri, &t).insert_header(("Accept", "application/xml"));
        let (s, ct, b) = raw(&app, xml_get("/ispring/enrollment")).await;
        assert_eq!(s, 200);
        assert!(ct.starts_with("application/xml"), "{ct}");
        assert!(
            b.starts_with("<?xml")
                && b.contains("<response><enrollments><enrollment><enrollmentId>"),
            "{b}"
        );
        assert_eq!(xml_text(&b, "accessDate").as_deref(), Some("2019-09-26"));
        let (_, _, b) = raw(&app, xml_get("/ispring/user")).await;
        assert_eq!(b.matches("<userProfile>").count(), 4, "{b}");
        // Errors too, and the delete sample's root element.
        let (s, _, b) = raw(&app, xml_get("/ispring/enrollment/not-an-id")).await;
        assert_eq!(s, 400);
        assert!(b.contains("<response><code>400</code><message>"), "{b}");
        let id = active(&store, ALICE, COMPLIANCE).unwrap().record.core.id;
        let req = TestRequest::post()
            .uri("/ispring/enrollment/delete")
            .insert_header(("Authorization", format!("Bearer {t}")))
            .insert_header(("Content-Type", "text/xml"))
            .set_payload(format!("<DeleteEnrollments><enrollmentIds><id>{id}</id></enrollmentIds></DeleteEnrollments>"));
        assert_eq!(raw(&app, req).await.0, 204);
    }
}

#[actix_rt::test]
async fn users_content_results_and_reported_statuses() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let (s, b) = json(&app, get("/ispring/user?emails[]=bob@demo.example", &t)).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b.as_array().unwrap().len(), 1);
        assert_eq!(b[0]["fields"]["login"], "bob@demo.example");
        assert_eq!(b[0]["status"], 1);
        let (_, b) = json(&app, get(&format!("/ispring/user/{CAROL}"), &t)).await;
        assert_eq!(b["response"]["role"], "department_administrator", "{b}");
        assert_eq!(b["response"]["manageableDepartmentIds"], json!([SALES]));
        let nobody = "a0000000-0000-4000-8000-0000000000ff";
        assert_eq!(
            json(&app, get(&format!("/ispring/user/{nobody}"), &t))
                .await
                .0,
            404
        );
        let (_, b) = json(
            &app,
            post_json(
                "/ispring/users/find_existing",
                &t,
                json!({"userIds": [ALICE, nobody]}),
            ),
        )
        .await;
        assert_eq!(b, json!([ALICE]));

        let (_, b) = json(&app, get("/ispring/content", &t)).await;
        assert_eq!(b.as_array().unwrap().len(), 5);
        let (_, b) = json(&app, get("/ispring/content?contentTypes[]=Video", &t)).await;
        assert_eq!(b, json!([]));
        assert_eq!(
            json(&app, get("/ispring/content?contentTypes[]=Nope", &t))
                .await
                .0,
            400
        );
        let (_, b) = json(&app, get(&format!("/ispring/content/{COMPLIANCE}"), &t)).await;
        let item = &b["contentItem"];
        assert_eq!(
            (item["title"].as_str(), item["contentItemType"].as_str()),
            (Some("Compliance Basics"), Some("Course"))
        );
        assert_eq!(
            item["viewUrl"],
            format!("http://localhost:8080/ispring/content/{COMPLIANCE}")
        );
        let (_, b) = json(&app, get("/ispring/contents?pageSize=4", &t)).await;
        assert_eq!(
            (
                b["contentItems"].as_array().unwrap().len(),
                b["nextPageToken"].as_str()
            ),
            (4, Some("4"))
        );

        let enroll = json!({"courseIds": [COMPLIANCE], "learnerIds": [ALICE, BOB], "dueDateType": "unlimited"});
        assert_eq!(
            raw(&app, post_json("/ispring/enrollment", &t, enroll))
                .await
                .0,
            201
        );
        let alice = active(&store, ALICE, COMPLIANCE)
            .unwrap()
            .record
            .core
            .id
            .to_string();
        let modules = json!({"enrollmentIds": [alice], "courseId": COMPLIANCE, "moduleStatuses": [
            {"contentItemId": COMPLIANCE, "date": "2026-01-01T00:00:00Z", "reason": "r", "status": "in_progress", "awardedScore": 0}]});
        let (s, b) = json(&app, post_json("/ispring/statistics/module", &t, modules)).await;
        assert_eq!(s, 200, "{b}");
        let module_task = b["taskId"].as_i64().unwrap();
        let status = |id: &str| format!("/ispring/learners/results?enrollmentIds={id}");
        let (_, b) = json(&app, get(&status(&alice), &t)).await;
        assert_eq!(b["results"][0]["completionStatus"], "in_progress", "{b}");
        let done = json!({"courseId": COMPLIANCE, "enrollmentIds": [alice], "status": "passed", "awardedScore": 88});
        let (s, b) = json(&app, post_json("/ispring/statistics/course", &t, done)).await;
        assert_eq!(s, 200, "{b}");
        let course_task = b["taskId"].as_i64().unwrap();
        assert!(course_task > module_task);
        let (_, b) = json(&app, get(&status(&alice), &t)).await;
        let r = &b["results"][0];
        assert_eq!(
            (
                r["completionStatus"].as_str(),
                r["awardedScore"].as_f64(),
                r["progress"].as_f64()
            ),
            (Some("complete"), Some(88.0), Some(100.0)),
            "{b}"
        );
        let (_, b) = json(
            &app,
            get(&format!("/ispring/task/{course_task}/status"), &t),
        )
        .await;
        assert_eq!(b, json!({"status": "complete"}));
        assert_eq!(json(&app, get("/ispring/task/999/status", &t)).await.0, 404);
        let (_, b) = json(
            &app,
            get(
                "/ispring/learners/results?completionStatuses[]=not_started",
                &t,
            ),
        )
        .await;
        assert_eq!(b["results"].as_array().unwrap().len(), 1, "only Bob: {b}");
        assert_eq!(b["results"][0]["userId"], BOB);
    }
}

#[actix_rt::test]
async fn wrong_methods_and_unknown_paths_answer_in_ispring_shape() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let req = TestRequest::delete()
            .uri("/ispring/enrollment")
            .insert_header(("Authorization", format!("Bearer {t}")));
        let resp = actix_web::test::call_service(&app, req.to_request()).await;
        assert_eq!(resp.status(), 405);
        assert_eq!(resp.headers().get("allow").unwrap(), "GET, POST");
        let (s, b) = json(&app, get("/ispring/nothing/here", &t)).await;
        assert_eq!((s, b["code"].as_i64()), (404, Some(404)));
        let v: Value = b;
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("/ispring/nothing/here")
        );
    }
}
