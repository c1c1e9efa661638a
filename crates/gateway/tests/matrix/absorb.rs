//! Absorb Integration API v2 as the matrix drives it.
use super::{Dialect, Pair, Seen, text};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{Value, json};

const KEY: &str = "b1f0e3c2-7d4a-4e8b-9c61-2f5a8d7e4b10";

pub struct Absorb {
    base: String,
    client: Client,
    token: String,
}

impl Absorb {
    pub fn new(base: &str) -> Self {
        let client = Client::new();
        let token: String = client
            .post(format!("{base}/absorb/authenticate"))
            .header("x-api-key", KEY)
            .json(&json!({"username": "admin@demo.example", "password": "Demo-Admin-1", "privateKey": KEY}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        Self {
            base: format!("{base}/absorb"),
            client,
            token,
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("x-api-key", KEY)
            .header("x-api-version", "2")
            .bearer_auth(&self.token)
    }

    fn send(&self, r: RequestBuilder) -> (u16, Value) {
        let resp = r.send().unwrap();
        (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
    }

    fn status(&self, p: &Pair, status: i32) {
        let (s, b) = self.send(
            self.req(
                reqwest::Method::POST,
                &format!("/users/{}/enrollments", p.learner),
            )
            .json(&json!({"courseId": p.course, "status": status, "score": 90})),
        );
        assert_eq!(s, 201, "absorb create-or-update status {status}: {b}");
    }
}

impl Dialect for Absorb {
    fn name(&self) -> &'static str {
        "absorb"
    }

    fn create(&self, p: &Pair) {
        let path = format!("/users/{}/enrollments/{}", p.learner, p.course);
        let (s, b) = self.send(self.req(reqwest::Method::POST, &path));
        assert_eq!(s, 201, "absorb create: {b}");
    }

    fn read(&self, p: &Pair) -> Seen {
        let path = format!("/users/{}/enrollments/{}", p.learner, p.course);
        let (s, b) = self.send(self.req(reqwest::Method::GET, &path));
        if s == 404 {
            return Seen::gone();
        }
        assert_eq!(s, 200, "absorb read: {b}");
        // The enrollment id reads back on its own route too.
        let id = text(&b, "id").unwrap();
        let (s2, by_id) = self.send(self.req(reqwest::Method::GET, &format!("/enrollments/{id}")));
        assert_eq!((s2, &by_id["status"]), (200, &b["status"]), "{by_id}");
        let state = match b["status"].as_i64() {
            Some(0) => "not_started",
            Some(1) => "in_progress",
            Some(3) => "completed",
            other => panic!("unexpected Absorb status {other:?}: {b}"),
        };
        Seen {
            state: state.into(),
            id: Some(id.clone()),
            generation: Some(id),
        }
    }

    fn listed(&self, p: &Pair) -> bool {
        let path = format!("/users/{}/enrollments?_filter=isActive eq true", p.learner);
        let (s, b) = self.send(self.req(reqwest::Method::GET, &path));
        assert_eq!(s, 200, "absorb list: {b}");
        b["enrollments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["courseId"] == p.course.as_str())
    }

    fn progress(&self, p: &Pair) {
        self.status(p, 1);
    }

    fn complete(&self, p: &Pair) {
        self.status(p, 3);
    }

    fn reenroll(&self, p: &Pair) {
        let path = format!(
            "/users/{}/enrollments/{}?reEnroll=true",
            p.learner, p.course
        );
        let (s, b) = self.send(self.req(reqwest::Method::POST, &path));
        assert_eq!(s, 201, "absorb re-enroll: {b}");
    }

    fn cancel(&self, p: &Pair) {
        let id = self.read(p).id.expect("an enrollment to cancel");
        let (s, b) = self.send(
            self.req(reqwest::Method::POST, "/enrollments/unenroll")
                .json(&json!([id])),
        );
        assert_eq!(s, 204, "absorb un-enroll: {b}");
    }

    fn assert_removed(&self, id: &str) {
        // Absorb keeps un-enrolled enrollments as history: still readable, no longer active.
        let (s, b) = self.send(self.req(reqwest::Method::GET, &format!("/enrollments/{id}")));
        assert_eq!((s, &b["isActive"]), (200, &json!(false)), "{b}");
    }
}
