//! SCORM Cloud API v2 as the matrix drives it: registrations found by learner and course, the
//! learner's progress reported from the launched course's page (the emulator's player).
use super::{Dialect, Pair, Seen, text};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

pub struct ScormCloud {
    base: String,
    client: Client,
    made: AtomicU32,
}

impl ScormCloud {
    pub fn new(base: &str) -> Self {
        Self {
            base: format!("{base}/scormcloud/api/v2"),
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            made: AtomicU32::new(0),
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .basic_auth("DEMOAPP", Some("demo-scorm-secret-key"))
    }

    fn send(&self, r: RequestBuilder) -> (u16, Value) {
        let resp = r.send().unwrap();
        (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
    }

    /// The pair's registration id, found as a client would (by learner and course).
    fn registration(&self, p: &Pair) -> Option<String> {
        let path = format!(
            "/registrations?learnerId={}&courseId={}",
            p.scorm_learner, p.scorm_course
        );
        let (s, b) = self.send(self.req(reqwest::Method::GET, &path));
        assert_eq!(s, 200, "scorm list: {b}");
        let regs = b["registrations"].as_array().unwrap();
        assert!(
            regs.len() <= 1,
            "one current registration per learner and course: {b}"
        );
        regs.first().and_then(|r| text(r, "id"))
    }

    /// Launches the registration and reports `fields` from the player page.
    fn report(&self, p: &Pair, fields: &[(&str, &str)]) {
        let id = self.registration(p).expect("a registration to launch");
        let (s, link) = self.send(
            self.req(
                reqwest::Method::POST,
                &format!("/registrations/{id}/launchLink"),
            )
            .json(&json!({"redirectOnExitUrl": "closer"})),
        );
        assert_eq!(s, 200, "launch link: {link}");
        let page = self
            .client
            .get(link["launchLink"].as_str().unwrap())
            .send()
            .unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().unwrap();
        let action = html
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the player's form")
            .replace("&amp;", "&");
        let resp = self.client.post(action).form(fields).send().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{}", resp.text().unwrap());
    }
}

impl Dialect for ScormCloud {
    fn name(&self) -> &'static str {
        "scormcloud"
    }

    fn create(&self, p: &Pair) {
        let n = self.made.fetch_add(1, Ordering::SeqCst);
        let body = json!({
            "registrationId": format!("matrix-{}-{n}", p.scorm_learner),
            "courseId": p.scorm_course, "learner": {"id": p.scorm_learner},
        });
        let (s, b) = self.send(
            self.req(reqwest::Method::POST, "/registrations")
                .json(&body),
        );
        assert_eq!(s, 204, "scorm create: {b}");
    }

    fn read(&self, p: &Pair) -> Seen {
        let Some(id) = self.registration(p) else {
            return Seen::gone();
        };
        let (s, r) = self.send(self.req(reqwest::Method::GET, &format!("/registrations/{id}")));
        assert_eq!(s, 200, "scorm read: {r}");
        let (s, _) = self.send(self.req(reqwest::Method::HEAD, &format!("/registrations/{id}")));
        assert_eq!(s, 200, "HEAD agrees with GET");
        let state = match (
            r["registrationCompletion"].as_str(),
            r["registrationSuccess"].as_str(),
        ) {
            (Some("UNKNOWN"), Some("UNKNOWN")) => "not_started",
            (Some("INCOMPLETE"), Some("UNKNOWN")) => "in_progress",
            (Some("COMPLETED"), Some("PASSED")) => {
                assert_eq!(r["registrationCompletionAmount"], 1.0, "{r}");
                "completed"
            }
            other => panic!("unexpected SCORM state {other:?}: {r}"),
        };
        Seen {
            state: state.into(),
            id: Some(id),
            generation: text(&r, "instance"),
        }
    }

    fn listed(&self, p: &Pair) -> bool {
        self.registration(p).is_some()
    }

    fn progress(&self, p: &Pair) {
        self.report(
            p,
            &[("progress", "40"), ("seconds", "120"), ("outcome", "")],
        );
    }

    fn complete(&self, p: &Pair) {
        self.report(
            p,
            &[("progress", "100"), ("score", "90"), ("outcome", "passed")],
        );
    }

    fn reenroll(&self, p: &Pair) {
        let id = self.registration(p).expect("a registration to re-enroll");
        let (s, b) = self.send(self.req(
            reqwest::Method::POST,
            &format!("/registrations/{id}/instances"),
        ));
        assert_eq!(s, 204, "scorm new instance: {b}");
    }

    fn cancel(&self, p: &Pair) {
        let id = self.registration(p).expect("a registration to delete");
        let (s, b) = self.send(self.req(reqwest::Method::DELETE, &format!("/registrations/{id}")));
        assert_eq!(s, 204, "scorm delete: {b}");
    }

    fn assert_removed(&self, id: &str) {
        // Gone, as the vendor shows a deleted registration: 404 on GET and HEAD, no launch.
        let (s, _) = self.send(self.req(reqwest::Method::GET, &format!("/registrations/{id}")));
        assert_eq!(s, 404);
        let (s, _) = self.send(self.req(reqwest::Method::HEAD, &format!("/registrations/{id}")));
        assert_eq!(s, 404);
        let (s, _) = self.send(
            self.req(
                reqwest::Method::POST,
                &format!("/registrations/{id}/launchLink"),
            )
            .json(&json!({"redirectOnExitUrl": "closer"})),
        );
        assert_eq!(s, 404, "no launch of a deleted registration");
    }
}
