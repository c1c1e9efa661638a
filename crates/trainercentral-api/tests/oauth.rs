//! The accounts side as integrations use it: the consent page and its redirect with a
//! one-time code, the exchange, refresh tokens bound to their client, revocation, and the
//! API's token and scope checks — all on the ledger's clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::TestRequest;
use common::*;
use serde_json::Value;
use time::Duration;

fn auth_query(scope: &str, access: &str) -> String {
    serde_urlencoded::to_string([
        ("scope", scope),
        ("client_id", CLIENT),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("access_type", access),
        ("state", "xyz 1"),
        ("prompt", "consent"),
    ])
    .unwrap()
}

fn consent_form(scope: &str, access: &str, password: &str, approve: &str) -> TestRequest {
    TestRequest::post()
        .uri("/trainercentral/oauth/v2/auth")
        .set_form([
            ("scope", scope),
            ("client_id", CLIENT),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("access_type", access),
            ("state", "xyz 1"),
            ("email", ADMIN_EMAIL),
            ("password", password),
            ("approve", approve),
        ])
}

/// The query of a redirect to the client.
fn redirected(location: &str) -> std::collections::HashMap<String, String> {
    let (base, q) = location.split_once('?').unwrap();
    assert_eq!(base, REDIRECT);
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .unwrap()
        .into_iter()
        .collect()
}

fn exchange(code: &str, client: &str, secret: &str) -> TestRequest {
    TestRequest::post()
        .uri("/trainercentral/oauth/v2/token")
        .set_form([
            ("grant_type", "authorization_code"),
            ("client_id", client),
            ("client_secret", secret),
            ("redirect_uri", REDIRECT),
            ("code", code),
        ])
}

fn refresh(token: &str, client: &str, secret: &str) -> TestRequest {
    // As Zoho's examples: the parameters in the query string of a POST.
    let q = serde_urlencoded::to_string([
        ("refresh_token", token),
        ("client_id", client),
        ("client_secret", secret),
        ("grant_type", "refresh_token"),
    ])
    .unwrap();
    TestRequest::post().uri(&format!("/trainercentral/oauth/v2/token?{q}"))
}

#[actix_rt::test]
async fn the_authorization_code_flow_gives_tokens_that_call_the_api() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let scope = "TrainerCentral.userapi.CREATE,TrainerCentral.courseapi.READ";
        let page = TestRequest::get().uri(&format!(
            "/trainercentral/oauth/v2/auth?{}",
            auth_query(scope, "offline")
        ));
        let (s, _, html) = raw(&app, page).await;
        assert_eq!(s, 200, "{html}");
        assert!(html.contains("TrainerCentral.userapi.CREATE") && html.contains("<form"));
        // A wrong password shows the page again; nothing is issued.
        let (s, loc, html) = raw(&app, consent_form(scope, "offline", "nope", "accept")).await;
        assert_eq!((s, loc.as_str()), (401, ""), "{html}");
        let (s, loc, _) = raw(
            &app,
            consent_form(scope, "offline", ADMIN_PASSWORD, "accept"),
        )
        .await;
        assert_eq!(s, 302);
        let q = redirected(&loc);
        assert_eq!(q["state"], "xyz 1");
        assert_eq!(q["location"], "us");
        let code = q["code"].clone();
        let (s, t) = json(&app, exchange(&code, CLIENT, SECRET)).await;
        assert_eq!(s, 200, "{t}");
        assert_eq!(t["token_type"], "Bearer");
        assert_eq!(t["expires_in"], 3600);
        assert_eq!(
            t["scope"],
            "TrainerCentral.userapi.CREATE TrainerCentral.courseapi.READ"
        );
        let access = t["access_token"].as_str().unwrap().to_string();
        let refresh_token = t["refresh_token"].as_str().unwrap().to_string();
        // The code is used up.
        let (s, b) = json(&app, exchange(&code, CLIENT, SECRET)).await;
        assert_eq!((s, b), (400, serde_json::json!({"error": "invalid_code"})));
        // Both header schemes call the API.
        let uri = api("/courses.json");
        let (s, b) = json(&app, get(&uri, &access)).await;
        assert_eq!(s, 200, "{b}");
        let bearer = TestRequest::get()
            .uri(&uri)
            .insert_header(("Authorization", format!("Bearer {access}")));
        assert_eq!(json(&app, bearer).await.0, 200);
        // Refresh, then revoke the refresh token: both access tokens end.
        let (s, r) = json(&app, refresh(&refresh_token, CLIENT, SECRET)).await;
        assert_eq!(s, 200, "{r}");
        assert!(r.get("refresh_token").is_none());
        let second = r["access_token"].as_str().unwrap().to_string();
        assert_eq!(json(&app, get(&uri, &second)).await.0, 200);
        let revoke = TestRequest::post().uri(&format!(
            "/trainercentral/oauth/v2/token/revoke?token={refresh_token}"
        ));
        assert_eq!(json(&app, revoke).await.0, 200);
        for t in [&access, &second] {
            let (s, b) = json(&app, get(&uri, t)).await;
            assert_eq!(
                (s, &b["code"]),
                (401, &Value::from("INVALID_OAUTHTOKEN")),
                "{b}"
            );
        }
        let (s, b) = json(&app, refresh(&refresh_token, CLIENT, SECRET)).await;
        assert_eq!((s, &b["error"]), (400, &Value::from("invalid_code")));
    }
}

#[actix_rt::test]
async fn denied_consent_and_bad_requests_never_issue_a_code() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let scope = "TrainerCentral.userapi.CREATE";
        let (s, loc, _) = raw(&app, consent_form(scope, "online", ADMIN_PASSWORD, "deny")).await;
        assert_eq!(s, 302);
        let q = redirected(&loc);
        assert_eq!(q["error"], "access_denied");
        assert!(!q.contains_key("code"));
        // An unregistered redirect URI is never redirected to.
        let bad = auth_query(scope, "online").replace("8765", "9999");
        let (s, loc, html) = raw(
            &app,
            TestRequest::get().uri(&format!("/trainercentral/oauth/v2/auth?{bad}")),
        )
        .await;
        assert_eq!((s, loc.as_str()), (400, ""));
        assert!(html.contains("invalid_redirect_uri"));
        // An unknown scope goes back as an error.
        let (s, loc, _) = raw(
            &app,
            TestRequest::get().uri(&format!(
                "/trainercentral/oauth/v2/auth?{}",
                auth_query("ZohoCRM.modules.ALL", "online")
            )),
        )
        .await;
        assert_eq!(s, 302);
        assert_eq!(redirected(&loc)["error"], "invalid_scope");
        // A learner (not an administrator) cannot consent.
        let learner = TestRequest::post()
            .uri("/trainercentral/oauth/v2/auth")
            .set_form([
                ("scope", scope),
                ("client_id", CLIENT),
                ("response_type", "code"),
                ("redirect_uri", REDIRECT),
                ("email", "alice@demo.example"),
                ("password", "Demo-Learner-1"),
                ("approve", "accept"),
            ]);
        let (s, loc, _) = raw(&app, learner).await;
        assert_eq!((s, loc.as_str()), (403, ""));
    }
}

#[actix_rt::test]
async fn codes_expire_and_refresh_tokens_belong_to_their_client() {
    for (_db, store, clock) in stores() {
        let app = app(&store).await;
        let scope = "TrainerCentral.courseapi.READ";
        let code = |loc: String| redirected(&loc)["code"].clone();
        let (_, loc, _) = raw(
            &app,
            consent_form(scope, "offline", ADMIN_PASSWORD, "accept"),
        )
        .await;
        let late = code(loc);
        clock.advance(Duration::seconds(121));
        let (s, b) = json(&app, exchange(&late, CLIENT, SECRET)).await;
        assert_eq!((s, b), (400, serde_json::json!({"error": "invalid_code"})));
        let (_, loc, _) = raw(
            &app,
            consent_form(scope, "offline", ADMIN_PASSWORD, "accept"),
        )
        .await;
        let fresh = code(loc);
        let (s, b) = json(&app, exchange(&fresh, CLIENT, "wrong")).await;
        assert_eq!(
            (s, &b["error"]),
            (400, &Value::from("invalid_client_secret"))
        );
        let (s, b) = json(&app, exchange(&fresh, "1000.NOBODY", "x")).await;
        assert_eq!((s, &b["error"]), (400, &Value::from("invalid_client")));
        let (s, t) = json(&app, exchange(&fresh, CLIENT, SECRET)).await;
        assert_eq!(s, 200, "{t}");
        let r = t["refresh_token"].as_str().unwrap().to_string();
        // Another client of the portal cannot use the refresh token.
        store
            .add_credential(
                tenant(),
                enroll_domain::model::Dialect::TrainerCentral,
                Some("1000.OTHER"),
                "other-secret",
                "",
            )
            .unwrap();
        let (s, b) = json(&app, refresh(&r, "1000.OTHER", "other-secret")).await;
        assert_eq!((s, &b["error"]), (400, &Value::from("invalid_code")));
        // Access tokens end after an hour of ledger time; the refresh token lasts.
        let access = t["access_token"].as_str().unwrap().to_string();
        clock.advance(Duration::seconds(3601));
        let (s, b) = json(&app, get(&api("/courses.json"), &access)).await;
        assert_eq!((s, &b["code"]), (401, &Value::from("INVALID_OAUTHTOKEN")));
        clock.advance(Duration::days(90));
        assert_eq!(json(&app, refresh(&r, CLIENT, SECRET)).await.0, 200);
    }
}

#[actix_rt::test]
async fn each_operation_needs_its_scope() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let read_only = token_with(&app, "TrainerCentral.courseapi.READ").await;
        let body = attendee("scoped@example.com", Some(COMPLIANCE));
        let (s, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &read_only, &body),
        )
        .await;
        assert_eq!(
            (s, &b["code"]),
            (401, &Value::from("INVALID_OAUTHSCOPE")),
            "{b}"
        );
        assert_eq!(b["details"]["scope"], "TrainerCentral.userapi.CREATE");
        assert_eq!(counts(&store).0, 0);
        let (s, _) = json(&app, get(&api("/portalMembers.json?type=5"), &read_only)).await;
        assert_eq!(s, 401);
        // The group's ALL scope covers every operation of the group.
        let all = token_with(&app, "TrainerCentral.userapi.ALL").await;
        let (s, b) = json(
            &app,
            send("POST", &api("/addCourseAttendee.json"), &all, &body),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        // No token, an unknown one, another scheme.
        let (s, b) = json(&app, TestRequest::get().uri(&api("/courses.json"))).await;
        assert_eq!((s, &b["code"]), (401, &Value::from("INVALID_OAUTHTOKEN")));
        let (s, _) = json(&app, get(&api("/courses.json"), "unknown")).await;
        assert_eq!(s, 401);
        let basic = TestRequest::get()
            .uri(&api("/courses.json"))
            .insert_header(("Authorization", "Basic abc"));
        assert_eq!(json(&app, basic).await.0, 401);
        // A client may not take scopes beyond its own; unknown grant types are refused.
        let req = TestRequest::post()
            .uri("/trainercentral/oauth/v2/token")
            .set_form([
                ("client_id", CLIENT),
                ("client_secret", SECRET),
                ("grant_type", "password"),
            ]);
        let (s, b) = json(&app, req).await;
        assert_eq!(
            (s, &b["error"]),
            (400, &Value::from("unsupported_grant_type"))
        );
    }
}

#[actix_rt::test]
async fn a_token_in_use_is_refused_at_once_when_revoked_or_expired() {
    for (db, store, clock) in stores() {
        let app = app(&store).await;
        let uri = api("/courses.json");
        for end in ["revoked", "expired"] {
            let t = token_with(&app, "TrainerCentral.courseapi.READ").await;
            // Twice: where the process may remember verified tokens, the second call is
            // answered from that memory.
            for _ in 0..2 {
                assert_eq!(json(&app, get(&uri, &t)).await.0, 200, "{db:?}");
            }
            if end == "revoked" {
                let revoke = TestRequest::post()
                    .uri(&format!("/trainercentral/oauth/v2/token/revoke?token={t}"));
                assert_eq!(json(&app, revoke).await.0, 200);
            } else {
                clock.advance(Duration::hours(1));
            }
            let (s, b) = json(&app, get(&uri, &t)).await;
            assert_eq!(
                (s, &b["code"]),
                (401, &Value::from("INVALID_OAUTHTOKEN")),
                "{end} on {db:?}: {b}"
            );
        }
        // Another portal's orgId with a token in use is still no portal of the token's.
        let t = token_with(&app, "TrainerCentral.courseapi.READ").await;
        assert_eq!(json(&app, get(&uri, &t)).await.0, 200);
        let (s, b) = json(&app, get("/trainercentral/api/v4/123/courses.json", &t)).await;
        assert_eq!(
            (s, &b["code"]),
            (404, &Value::from("RESOURCE_NOT_FOUND")),
            "{b}"
        );
    }
}
