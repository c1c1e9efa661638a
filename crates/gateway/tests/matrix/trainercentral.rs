//! TrainerCentral as the matrix drives it: invites with `addCourseAttendee`, finds the member
//! in `courseMembers.json` by address and reads its `courseEngagement`, re-enrolls by granting
//! a completed member access again and cancels by revoking (`updateCourseAttendee`).
//! TrainerCentral's API has no call that records a learner's progress (learners make it in the
//! academy): the column's progress and completion go through iSpring's REST API, as an academy
//! player would report them to the ledger.
use super::ispring::Ispring;
use super::{Dialect, Pair, Seen, text};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{Value, json};

const ORG: &str = "60012345678";
/// Compliance Basics, the matrix's course.
const COURSE: &str = "70000000000001";

pub struct TrainerCentral {
    base: String,
    client: Client,
    token: String,
    player: Ispring,
}

impl TrainerCentral {
    pub fn new(base: &str) -> Self {
        let client = Client::new();
        let token: Value = client
            .post(format!("{base}/trainercentral/oauth/v2/token"))
            .form(&[
                ("client_id", "1000.DEMOCLIENT"),
                ("client_secret", "demo-trainercentral-client-secret"),
                ("grant_type", "client_credentials"),
                (
                    "scope",
                    "TrainerCentral.userapi.CREATE,TrainerCentral.courseapi.ALL",
                ),
            ])
            .send()
            .unwrap()
            .json()
            .unwrap();
        Self {
            base: format!("{base}/trainercentral/api/v4/{ORG}"),
            client,
            token: token["access_token"].as_str().unwrap().to_string(),
            player: Ispring::new(base),
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Zoho-oauthtoken {}", self.token))
    }

    fn send(&self, r: RequestBuilder) -> (u16, Value) {
        let resp = r.send().unwrap();
        (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
    }

    /// The pair's current course member, found by address.
    fn member(&self, p: &Pair) -> Option<Value> {
        let path = format!(
            "/course/{COURSE}/courseMembers.json?filter=3&searchText={}",
            p.email
        );
        let (s, b) = self.send(self.req(reqwest::Method::GET, &path));
        assert_eq!(s, 200, "trainercentral members: {b}");
        let rows: Vec<&Value> = b["courseMembers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["email"] == p.email.as_str())
            .collect();
        assert!(rows.len() <= 1, "one current member: {b}");
        rows.first().map(|m| (*m).clone())
    }

    fn engagement(&self, id: &str) -> (u16, Value) {
        let path = format!("/course/{COURSE}/courseMember/{id}/courseEngagement.json");
        self.send(self.req(reqwest::Method::GET, &path))
    }

    fn update(&self, p: &Pair, status: &str) {
        let id = self
            .member(p)
            .and_then(|m| text(&m, "id"))
            .expect("a member");
        let (s, b) = self.send(
            self.req(
                reqwest::Method::PUT,
                &format!("/updateCourseAttendee/{id}.json"),
            )
            .json(&json!({"courseMember": {"status": status}})),
        );
        assert_eq!(s, 200, "trainercentral update {status}: {b}");
    }
}

impl Dialect for TrainerCentral {
    fn name(&self) -> &'static str {
        "trainercentral"
    }

    fn create(&self, p: &Pair) {
        let (s, b) = self.send(
            self.req(reqwest::Method::POST, "/addCourseAttendee.json")
                .json(
                    &json!({"courseAttendee": {"email": p.email, "firstName": "Matrix",
                    "lastName": "Cell", "courseId": COURSE}}),
                ),
        );
        assert_eq!(s, 200, "trainercentral invite: {b}");
    }

    fn read(&self, p: &Pair) -> Seen {
        let Some(m) = self.member(p) else {
            return Seen::gone();
        };
        let id = text(&m, "id").unwrap();
        let (s, e) = self.engagement(&id);
        assert_eq!(s, 200, "{e}");
        let e = &e["courseEngagement"];
        let started = e["startedTime"] != "" || e["completionPercentage"] != "0";
        let state = match e["status"].as_str() {
            Some("3") => "completed",
            Some("1") if started => "in_progress",
            Some("1") => "not_started",
            other => panic!("unexpected TrainerCentral status {other:?}: {e}"),
        };
        Seen {
            state: state.into(),
            id: Some(id),
            generation: text(e, "enrolledTime"),
        }
    }

    fn listed(&self, p: &Pair) -> bool {
        self.member(p).is_some()
    }

    fn progress(&self, p: &Pair) {
        self.player.progress(p);
    }

    fn complete(&self, p: &Pair) {
        self.player.complete(p);
    }

    fn reenroll(&self, p: &Pair) {
        self.update(p, "1");
    }

    fn cancel(&self, p: &Pair) {
        self.update(p, "4");
    }

    fn assert_removed(&self, id: &str) {
        // A revoked member stays readable by its id, with status 4, out of the member list.
        let (s, e) = self.engagement(id);
        assert_eq!(
            (s, &e["courseEngagement"]["status"]),
            (200, &json!("4")),
            "{e}"
        );
    }
}
