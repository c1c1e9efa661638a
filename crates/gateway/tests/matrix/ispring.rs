//! iSpring Learn as the matrix drives it: enrolls over SOAP (`enrollLearnersInCourses`), the
//! rest over the REST v3 twin — the enrollment found by learner and course, its state from the
//! learner's results, progress and completion reported as module and course statuses,
//! `reenroll` and `enrollment/delete`.
use super::{Dialect, Pair, Seen, text};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{Value, json};

pub struct Ispring {
    base: String,
    client: Client,
    token: String,
}

impl Ispring {
    pub fn new(base: &str) -> Self {
        let client = Client::new();
        let base = format!("{base}/ispring");
        let token: Value = client
            .post(format!("{base}/api/v3/token"))
            .form(&[
                ("client_id", "demo-ispring-client"),
                ("client_secret", "demo-ispring-client-secret"),
                ("grant_type", "client_credentials"),
            ])
            .send()
            .unwrap()
            .json()
            .unwrap();
        Self {
            base,
            client,
            token: token["access_token"].as_str().unwrap().to_string(),
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    fn send(&self, r: RequestBuilder) -> (u16, Value) {
        let resp = r.send().unwrap();
        (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
    }

    /// The pair's current enrollment, found as a client would (by learner and course).
    fn current(&self, p: &Pair) -> Option<String> {
        let path = format!(
            "/enrollment?learnerIds[]={}&courseIds[]={}",
            p.learner, p.course
        );
        let (s, b) = self.send(self.req(reqwest::Method::GET, &path));
        assert_eq!(s, 200, "ispring list: {b}");
        let list = b["enrollments"].as_array().unwrap();
        assert!(list.len() <= 1, "one current enrollment: {b}");
        list.first().and_then(|e| text(e, "enrollmentId"))
    }

    fn report(&self, path: &str, body: Value) {
        let (s, b) = self.send(self.req(reqwest::Method::POST, path).json(&body));
        assert_eq!(s, 200, "ispring {path}: {b}");
        let task = b["taskId"].as_i64().unwrap();
        let (s, b) = self.send(self.req(reqwest::Method::GET, &format!("/task/{task}/status")));
        assert_eq!((s, &b["status"]), (200, &json!("complete")), "{b}");
    }
}

impl Dialect for Ispring {
    fn name(&self) -> &'static str {
        "ispring"
    }

    fn create(&self, p: &Pair) {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"https://ispringlearn.com/go/services/api/soap\"><SOAP-ENV:Body><EnrollLearnersInCoursesRequest><credentials><token>{}</token></credentials><courseIds><id>{}</id></courseIds><learnerIds><id>{}</id></learnerIds><dueDateType>unlimited</dueDateType></EnrollLearnersInCoursesRequest></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            self.token, p.course, p.learner
        );
        let resp = self
            .client
            .post(format!("{}/soap", self.base))
            .header("Content-Type", "text/xml; charset=utf-8")
            .body(body)
            .send()
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().unwrap();
        assert_eq!(status, 200, "ispring enroll: {text}");
        assert!(text.contains("<ns1:success>true</ns1:success>"), "{text}");
    }

    fn read(&self, p: &Pair) -> Seen {
        let Some(id) = self.current(p) else {
            return Seen::gone();
        };
        let (s, e) = self.send(self.req(reqwest::Method::GET, &format!("/enrollment/{id}")));
        assert_eq!(
            (s, e["learnerId"].as_str()),
            (200, Some(p.learner.as_str())),
            "{e}"
        );
        let (s, r) = self.send(self.req(
            reqwest::Method::GET,
            &format!("/learners/results?enrollmentIds[]={id}"),
        ));
        assert_eq!(s, 200, "{r}");
        let state = match r["results"][0]["completionStatus"].as_str() {
            Some("not_started") => "not_started",
            Some("in_progress") => "in_progress",
            Some("complete") => "completed",
            other => panic!("unexpected iSpring status {other:?}: {r}"),
        };
        Seen {
            state: state.into(),
            id: Some(id.clone()),
            generation: Some(id),
        }
    }

    fn listed(&self, p: &Pair) -> bool {
        let (s, b) = self.send(self.req(
            reqwest::Method::GET,
            &format!("/enrollments?learnerIds[]={}", p.learner),
        ));
        assert_eq!(s, 200, "ispring page: {b}");
        b["enrollments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["courseId"] == p.course.as_str())
    }

    fn progress(&self, p: &Pair) {
        let id = self.current(p).expect("an enrollment to progress");
        self.report(
            "/statistics/module",
            json!({"enrollmentIds": [id], "courseId": p.course, "moduleStatuses": [{
                "contentItemId": "c2000000-0000-4000-8000-000000000001", "status": "in_progress",
                "date": "2026-01-01T00:00:00Z", "reason": "matrix", "awardedScore": 0}]}),
        );
    }

    fn complete(&self, p: &Pair) {
        let id = self.current(p).expect("an enrollment to complete");
        self.report(
            "/statistics/course",
            json!({"courseId": p.course, "enrollmentIds": [id], "status": "passed", "awardedScore": 90}),
        );
    }

    fn reenroll(&self, p: &Pair) {
        let id = self.current(p).expect("an enrollment to re-enroll");
        let (s, b) = self.send(
            self.req(reqwest::Method::POST, &format!("/enrollment/{id}/reenroll"))
                .json(&json!({"accessDate": "2020-01-01", "dueDateType": "unlimited"})),
        );
        assert_eq!(s, 200, "ispring reenroll: {b}");
    }

    fn cancel(&self, p: &Pair) {
        let id = self.current(p).expect("an enrollment to delete");
        let (s, b) = self.send(
            self.req(reqwest::Method::POST, "/enrollment/delete")
                .json(&json!({"enrollmentIds": [id]})),
        );
        assert_eq!(s, 204, "ispring delete: {b}");
    }

    fn assert_removed(&self, id: &str) {
        // Deleted enrollments are gone from iSpring's API: 404 by id, absent from lists.
        let (s, b) = self.send(self.req(reqwest::Method::GET, &format!("/enrollment/{id}")));
        assert_eq!(s, 404, "{b}");
        let (s, b) = self.send(self.req(
            reqwest::Method::GET,
            &format!("/enrollment?enrollmentIds[]={id}"),
        ));
        assert_eq!((s, &b["enrollments"]), (200, &json!([])), "{b}");
    }
}
