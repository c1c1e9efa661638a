//! Snapshot tests of every response schema, driven by the request samples in
//! `fixtures/scormcloud/`. Each body is first checked against the SDK's model of that schema
//! (fields, types, enums, required fields), then frozen with its status. Generated ids, tokens
//! and links are redacted; the clock is frozen.
mod common;
use common::sdk::assert_conforms;
use common::{fixture, redact, run_jobs, stores};
use serde_json::{Value, json};

/// Checks `v` is the SDK's `model`, then snapshots status and body under `name`.
fn snap(name: &str, status: u16, model: &str, mut v: Value) {
    assert_conforms(model, &v);
    redact(&mut v);
    insta::assert_json_snapshot!(name, json!({"status": status, "body": v}));
}

#[actix_rt::test]
async fn every_schema() {
    for (_db, store) in stores() {
        let app = app!(store);
        let (s, _, v) = call!(
            app,
            post,
            "/invitations/private",
            fixture("create_private_invitation")
        );
        let private = v["id"].as_str().unwrap().to_string();
        snap("invitation_summary_schema", s, "InvitationSummarySchema", v);
        run_jobs(&store);
        let (s, _, v) = call!(
            app,
            get,
            format!("/invitations/private/{private}/jobStatus")
        );
        snap(
            "invitation_job_status_schema",
            s,
            "InvitationJobStatusSchema",
            v,
        );
        let (s, _, v) = call!(app, get, format!("/invitations/private/{private}"));
        snap("private_invitation_schema", s, "PrivateInvitationSchema", v);
        let (s, _, v) = call!(
            app,
            post,
            "/invitations/public",
            fixture("create_public_invitation")
        );
        let public = v["id"].as_str().unwrap().to_string();
        snap("public_invitation_schema", s, "PublicInvitationSchema", v);
        let (s, _, v) = call!(app, get, format!("/invitations/public/{public}"));
        snap("get_public_invitation", s, "PublicInvitationSchema", v);
        let (s, _, v) = call!(
            app,
            get,
            "/invitations/private?includeRegistrationCount=true"
        );
        snap("private_invitation_list", s, "PrivateInvitationList", v);
        let (s, _, v) = call!(app, get, "/invitations/public");
        snap("public_invitation_list", s, "PublicInvitationList", v);
        let (s, _, mut v) = call!(app, get, "/invitations?orderBy=created_asc");
        // Both were created at the frozen instant: their order falls to the random ids.
        v["invitations"]
            .as_array_mut()
            .unwrap()
            .sort_by_key(|i| i["courseId"].as_str().unwrap_or_default().to_string());
        snap("invitation_summary_list", s, "InvitationSummaryList", v);
        let (s, _, v) = call!(
            app,
            put,
            format!("/invitations/private/{private}"),
            fixture("update_private_invitation")
        );
        snap(
            "private_invitation_updated",
            s,
            "PrivateInvitationSchema",
            v,
        );
        let (s, _, v) = call!(
            app,
            put,
            format!("/invitations/public/{public}"),
            fixture("update_public_invitation")
        );
        snap("public_invitation_updated", s, "PublicInvitationSchema", v);
        let (s, _, v) = call!(
            app,
            get,
            format!(
                "/invitations/private/{private}/userInvitations?includeRegistrationReport=true&orderBy=created_asc"
            )
        );
        snap("user_invitation_list", s, "UserInvitationList", v);
        let (s, _, _) = call!(
            app,
            put,
            format!("/invitations/{private}/tags"),
            fixture("tag_list")
        );
        assert_eq!(s, 204);
        let (s, _, v) = call!(app, get, format!("/invitations/{private}/tags"));
        snap("tag_list_schema", s, "TagListSchema", v);

        let (s, _, _) = call!(app, post, "/registrations", fixture("create_registration"));
        assert_eq!(s, 204);
        let (s, _, _) = call!(app, put, "/registrations/tags", fixture("batch_tags"));
        assert_eq!(s, 204);
        let (s, _, v) = call!(
            app,
            post,
            "/registrations/reg-fixture-1/launchLink",
            fixture("launch_link_request")
        );
        snap("launch_link_schema", s, "LaunchLinkSchema", v.clone());
        let path = v["launchLink"]
            .as_str()
            .unwrap()
            .split("/scormcloud/api/v2")
            .nth(1)
            .unwrap()
            .to_string();
        let req = actix_web::test::TestRequest::get()
            .uri(&format!("/scormcloud/api/v2{path}"))
            .to_request();
        assert_eq!(
            actix_web::test::call_service(&app, req)
                .await
                .status()
                .as_u16(),
            200
        );
        let (s, _, v) = call!(
            app,
            get,
            "/registrations/reg-fixture-1?includeChildResults=true"
        );
        snap("registration_schema", s, "RegistrationSchema", v);
        let (s, _, v) = call!(app, get, "/registrations?courseId=data-privacy-101");
        snap("registration_list_schema", s, "RegistrationListSchema", v);
        let (s, _, v) = call!(app, get, "/registrations?courseId=no-such-course");
        assert_eq!(s, 200);
        assert_eq!(
            v,
            json!({"registrations": []}),
            "registrations is always present"
        );
        let (s, _, v) = call!(app, get, "/registrations/reg-fixture-1/launchHistory");
        snap(
            "launch_history_list_schema",
            s,
            "LaunchHistoryListSchema",
            v,
        );
        let (s, _, _) = call!(
            app,
            post,
            "/registrations/postBackTest",
            fixture("post_back")
        );
        assert_eq!(s, 204);

        let (s, _, v) = call!(app, post, "/registrations", fixture("create_registration"));
        snap("message_schema_duplicate", s, "MessageSchema", v);
        let (s, _, v) = call!(app, get, "/registrations/missing");
        snap("message_schema_not_found", s, "MessageSchema", v);
        let req = actix_web::test::TestRequest::post()
            .uri("/scormcloud/api/v2/oauth/authenticate/application/token")
            .insert_header(common::basic())
            .set_form([("scope", "read:invitation write:invitation")])
            .to_request();
        let resp = actix_web::test::call_service(&app, req).await;
        let s = resp.status().as_u16();
        let v: Value = actix_web::test::read_body_json(resp).await;
        snap("application_token", s, "ApplicationToken", v);
    }
}

#[test]
fn request_fixtures_parse_as_the_vendor_schemas() {
    use scormcloud_invitations::wire::*;
    let p: CreatePrivateInvitation =
        serde_json::from_value(fixture("create_private_invitation")).unwrap();
    assert_eq!(p.invitation_email.addresses.unwrap().len(), 3);
    assert!(p.post_back.unwrap().into_store().unwrap().is_some());
    let _: CreatePublicInvitation =
        serde_json::from_value(fixture("create_public_invitation")).unwrap();
    let u: InvitationUpdateDto =
        serde_json::from_value(fixture("update_private_invitation")).unwrap();
    assert_eq!(
        u.expiration_date,
        Some(None),
        "an empty expirationDate clears it"
    );
    let _: InvitationUpdateDto =
        serde_json::from_value(fixture("update_public_invitation")).unwrap();
    let _: CreateRegistration = serde_json::from_value(fixture("create_registration")).unwrap();
    let _: LaunchLinkRequest = serde_json::from_value(fixture("launch_link_request")).unwrap();
    let _: TagList = serde_json::from_value(fixture("tag_list")).unwrap();
    let _: BatchTags = serde_json::from_value(fixture("batch_tags")).unwrap();
    let pb: PostBackDto = serde_json::from_value(fixture("post_back")).unwrap();
    assert_eq!(
        pb.into_store().unwrap().unwrap().auth_type.as_deref(),
        Some("FORM")
    );
}

#[test]
fn the_sdk_check_refuses_what_scorm_cloud_would_not_send() {
    let refused =
        |model: &str, v: Value| std::panic::catch_unwind(|| assert_conforms(model, &v)).is_err();
    assert!(!refused(
        "LaunchLinkSchema",
        json!({"launchLink": "http://x"})
    ));
    assert!(refused("LaunchLinkSchema", json!({})), "required field");
    assert!(
        refused("LaunchLinkSchema", json!({"launchLink": "x", "extra": 1})),
        "foreign field"
    );
    assert!(
        refused("LaunchLinkSchema", json!({"launchLink": 7})),
        "type"
    );
    assert!(
        refused("InvitationJobStatusSchema", json!({"status": "DONE"})),
        "enum"
    );
    assert!(
        refused(
            "RegistrationListSchema",
            json!({"registrations": [{"registrationCompletion": "DONE"}]})
        ),
        "enum model in a list"
    );
    assert!(
        refused(
            "RegistrationSchema",
            json!({"course": {"id": "c", "name": "x"}})
        ),
        "nested model"
    );
    assert!(
        refused("RegistrationSchema", json!({"dispatchId": null})),
        "null"
    );
}
