//! LMS365 as the matrix drives it: `Courses(101)/Enroll` by the learner's claims login, the
//! enrollment found with `$filter` on `UserId` and `CourseId`, progress through `PATCH`
//! (`CoursePassingStatus` 2), and the bound actions `Complete`, `Retake` and `Cancel`.
use super::{Dialect, Pair, Seen, text};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{Value, json};

const KEY: &str = "demo-lms365-api-key";
/// Compliance Basics in LMS365 (the seed's number for it).
const COURSE: i64 = 101;

pub struct Lms365 {
    base: String,
    client: Client,
}

impl Lms365 {
    pub fn new(base: &str) -> Self {
        Self {
            base: format!("{base}/lms365/odata/v2"),
            client: Client::new(),
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .basic_auth("api", Some(KEY))
    }

    fn send(&self, r: RequestBuilder) -> (u16, Value) {
        let resp = r.send().unwrap();
        (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
    }

    /// The pair's current enrollment, found as a client would (by user and course).
    fn current(&self, p: &Pair) -> Option<String> {
        let (s, b) = self.send(self.req(reqwest::Method::GET, "/Enrollments").query(&[(
            "$filter",
            format!("UserId eq '{}' and CourseId eq {COURSE}", p.learner),
        )]));
        assert_eq!(s, 200, "lms365 list: {b}");
        let list = b["value"].as_array().unwrap();
        assert!(list.len() <= 1, "one current enrollment: {b}");
        list.first().and_then(|e| text(e, "Id"))
    }

    fn action(&self, p: &Pair, action: &str, body: Value) {
        let id = self.current(p).expect("a current enrollment");
        let (s, b) = self.send(
            self.req(
                reqwest::Method::POST,
                &format!("/Enrollments({id})/{action}"),
            )
            .json(&body),
        );
        assert_eq!(s, 204, "lms365 {action}: {b}");
    }
}

impl Dialect for Lms365 {
    fn name(&self) -> &'static str {
        "lms365"
    }

    fn create(&self, p: &Pair) {
        let login = format!("i:0#.f|membership|{}@matrix.example", p.scorm_learner);
        let (s, b) = self.send(
            self.req(reqwest::Method::POST, &format!("/Courses({COURSE})/Enroll"))
                .json(&json!({"userLoginName": login})),
        );
        assert_eq!(s, 201, "lms365 enroll: {b}");
    }

    fn read(&self, p: &Pair) -> Seen {
        let Some(id) = self.current(p) else {
            return Seen::gone();
        };
        let (s, e) = self.send(self.req(reqwest::Method::GET, &format!("/Enrollments({id})")));
        assert_eq!(
            (s, e["UserId"].as_str(), &e["RegistrationStatus"]),
            (200, Some(p.learner.as_str()), &json!("Enrolled")),
            "{e}"
        );
        let state = match e["CoursePassingStatus"].as_str() {
            Some("NotStarted") => "not_started",
            Some("InProgress") => "in_progress",
            Some("Completed") => "completed",
            other => panic!("unexpected LMS365 status {other:?}: {e}"),
        };
        Seen {
            state: state.into(),
            id: Some(id.clone()),
            generation: Some(id),
        }
    }

    fn listed(&self, p: &Pair) -> bool {
        let (s, b) = self.send(
            self.req(reqwest::Method::GET, "/Enrollments")
                .query(&[("$filter", format!("UserId eq '{}'", p.learner))]),
        );
        assert_eq!(s, 200, "lms365 list: {b}");
        b["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["CourseId"] == COURSE)
    }

    fn progress(&self, p: &Pair) {
        let id = self.current(p).expect("an enrollment to progress");
        let (s, b) = self.send(
            self.req(reqwest::Method::PATCH, &format!("/Enrollments({id})"))
                .json(&json!({"CoursePassingStatus": 2})),
        );
        assert_eq!(s, 204, "lms365 patch: {b}");
    }

    fn complete(&self, p: &Pair) {
        self.action(p, "Complete", json!({}));
    }

    fn reenroll(&self, p: &Pair) {
        self.action(p, "Retake", json!({}));
    }

    fn cancel(&self, p: &Pair) {
        self.action(p, "Cancel", json!({"message": "matrix"}));
    }

    fn assert_removed(&self, id: &str) {
        // Cancelled enrollments stay readable by id, and leave the (current) list.
        let (s, e) = self.send(self.req(reqwest::Method::GET, &format!("/Enrollments({id})")));
        assert_eq!(
            (s, &e["RegistrationStatus"]),
            (200, &json!("Cancelled")),
            "{e}"
        );
        assert_eq!(e["CanUnenroll"], json!(false), "{e}");
        let (s, b) = self.send(
            self.req(reqwest::Method::GET, "/Enrollments")
                .query(&[("$filter", format!("Id eq {id}"))]),
        );
        assert_eq!((s, &b["value"]), (200, &json!([])), "{b}");
    }
}
