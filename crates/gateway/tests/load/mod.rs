//! Contended workloads against real gateways (one, or two on one PostgreSQL database): many
//! requests released at once, their statuses counted. Shared by the contention tests and the
//! ignored measurement that runs them at full size.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::common::{ABSORB_KEY, COURSE, Gateway, TENANT, command, free_port, start_with};
use reqwest::Method;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// `n` gateways on `url`, started at the same moment, with `extra` flags.
pub fn gateways(url: &str, n: usize, extra: &[&str]) -> Vec<Gateway> {
    std::thread::scope(|s| {
        let started: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(move || {
                    let port = free_port();
                    let mut cmd = command(url, port);
                    cmd.args(["--workers", "2"]).args(extra);
                    start_with(cmd, port).0
                })
            })
            .collect();
        started
            .into_iter()
            .map(|h| h.join().expect("the gateways start"))
            .collect()
    })
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// An Absorb token for the demo admin.
pub fn absorb_token(gw: &Gateway) -> String {
    client()
        .post(format!("{}/absorb/authenticate", gw.base))
        .header("x-api-key", ABSORB_KEY)
        .json(&json!({"username": "admin@demo.example", "password": "Demo-Admin-1", "privateKey": ABSORB_KEY}))
        .send()
        .unwrap()
        .json()
        .unwrap()
}

/// A response: status, `Retry-After`, JSON body (or Null).
pub type Answer = (u16, Option<String>, Value);

fn answer(resp: reqwest::blocking::Response) -> Answer {
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, retry, resp.json().unwrap_or(Value::Null))
}

/// An Absorb call with the token.
pub fn absorb(gw: &Gateway, tok: &str, method: Method, path: &str, body: Option<Value>) -> Answer {
    let mut r = client()
        .request(method, format!("{}/absorb{path}", gw.base))
        .header("x-api-key", ABSORB_KEY)
        .header("x-api-version", "2")
        .bearer_auth(tok);
    if let Some(b) = body {
        r = r.json(&b);
    }
    answer(r.send().unwrap())
}

/// An admin API call under the demo tenant (`path` after `/tenants/{t}`), or at `/admin/v1`
/// itself when `path` starts with `//`.
pub fn admin(gw: &Gateway, method: Method, path: &str, body: Option<Value>) -> Answer {
    let url = match path.strip_prefix("//") {
        Some(p) => format!("{}/admin/v1/{p}", gw.base),
        None => format!("{}/admin/v1/tenants/{TENANT}{path}", gw.base),
    };
    let mut r = client().request(method, url).bearer_auth("t");
    if let Some(b) = body {
        r = r.json(&b);
    }
    answer(r.send().unwrap())
}

/// A SCORM Cloud call with the demo app's credentials.
pub fn scorm(gw: &Gateway, method: Method, path: &str, body: Option<Value>) -> Answer {
    let mut r = client()
        .request(method, format!("{}/scormcloud/api/v2{path}", gw.base))
        .basic_auth("DEMOAPP", Some("demo-scorm-secret-key"));
    if let Some(b) = body {
        r = r.json(&b);
    }
    answer(r.send().unwrap())
}

/// Runs `f(i)` on `n` threads released at once; the results in order.
pub fn at_once<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (f, barrier) = (&f, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    f(i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// A new learner (admin API); its id.
pub fn new_learner(gw: &Gateway, email: &str) -> String {
    let (s, _, l) = admin(
        gw,
        Method::POST,
        "/learners",
        Some(json!({"email": email, "firstName": "Load", "lastName": "Test"})),
    );
    assert_eq!(s, 201, "{l}");
    l["id"].as_str().unwrap().to_string()
}

/// A new online course; its id.
pub fn new_course(gw: &Gateway, title: &str, capacity: Option<i32>) -> String {
    let (s, _, c) = admin(
        gw,
        Method::POST,
        "/courses",
        Some(json!({"kind": "online_course", "title": title, "capacity": capacity})),
    );
    assert_eq!(s, 201, "{c}");
    c["id"].as_str().unwrap().to_string()
}

/// Enrolls through the admin API; the enrollment's id.
pub fn enroll(gw: &Gateway, learner: &str, course: &str) -> String {
    let (s, _, e) = admin(
        gw,
        Method::POST,
        "/enrollments",
        Some(json!({"learnerId": learner, "courseId": course})),
    );
    assert_eq!(s, 201, "{e}");
    e["id"].as_str().unwrap().to_string()
}

/// Statuses counted, and each round's time.
#[derive(Debug, Default)]
pub struct Tally {
    pub statuses: BTreeMap<u16, usize>,
    pub rounds: Vec<Duration>,
    /// A few bodies of 5xx answers, for the failure message.
    pub samples: Vec<Value>,
    /// Rounds in which more than one of several exclusive requests succeeded.
    pub doubled: usize,
}

impl Tally {
    pub fn add(&mut self, answers: &[Answer], took: Duration) {
        for (s, _, body) in answers {
            *self.statuses.entry(*s).or_default() += 1;
            if *s >= 500 && self.samples.len() < 3 {
                self.samples.push(body.clone());
            }
        }
        self.rounds.push(took);
    }

    pub fn total(&self) -> usize {
        self.statuses.values().sum()
    }

    pub fn server_errors(&self) -> usize {
        self.statuses
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn round_times(&self) -> String {
        let ms: Vec<String> = self
            .rounds
            .iter()
            .map(|d| format!("{:.2}s", d.as_secs_f64()))
            .collect();
        ms.join(" ")
    }
}

/// Un-enrolls (Absorb) and admin `complete`s of `n` fresh enrollments, each pair sent at the
/// same moment through alternating gateways. Returns the rounds that ended in a state no
/// serial order of the two produces (described), and the tally.
pub fn race_unenroll_complete(
    gws: &[Gateway],
    tok: &str,
    n: usize,
    tag: &str,
) -> (Vec<String>, Tally) {
    let ids: Vec<String> = (0..n)
        .map(|i| {
            let gw = &gws[i % gws.len()];
            let l = new_learner(gw, &format!("race-{tag}-{i}@load.example"));
            enroll(gw, &l, COURSE)
        })
        .collect();
    let started = Instant::now();
    let answers = at_once(2 * n, |k| {
        let (id, gw) = (&ids[k / 2], &gws[k % gws.len()]);
        if k % 2 == 0 {
            absorb(
                gw,
                tok,
                Method::POST,
                "/enrollments/unenroll",
                Some(json!([id])),
            )
        } else {
            admin(
                gw,
                Method::POST,
                &format!("/enrollments/{id}/commands"),
                Some(json!({"command": "complete", "score": 90})),
            )
        }
    });
    let mut tally = Tally::default();
    tally.add(&answers, started.elapsed());
    let mut wrong = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let (un, done) = (&answers[2 * i], &answers[2 * i + 1]);
        let (_, _, e) = admin(&gws[0], Method::GET, &format!("/enrollments/{id}"), None);
        let serial = match (un.0, done.0) {
            // Un-enroll first: the enrollment is cancelled, `complete` refused.
            (204, 409) => e["state"] == "cancelled" && e["active"] == false && e["score"].is_null(),
            // `complete` first: the un-enroll archives it with its result.
            (204, 200) => {
                e["state"] == "completed"
                    && e["active"] == false
                    && e["score"] == 90.0
                    && done.2["state"] == "completed"
            }
            _ => false,
        };
        if !serial {
            wrong.push(format!(
                "un-enroll {} / complete {}: now {} active {} score {}",
                un.0, done.0, e["state"], e["active"], e["score"]
            ));
        }
    }
    (wrong, tally)
}

/// Two learners enroll (Absorb) into `courses` capacity-limited courses, one in course order and
/// the other in the opposite order, all `2 × courses` requests at once, for `rounds` rounds;
/// every other course's request re-enrolls (201), the others are plain enrolls (201 the first
/// time, then 422: already enrolled).
pub fn opposite_enrolls(gws: &[Gateway], tok: &str, courses: usize, rounds: usize) -> Tally {
    let learners = [
        new_learner(&gws[0], &format!("opp-a-{}@load.example", free_port())),
        new_learner(&gws[0], &format!("opp-b-{}@load.example", free_port())),
    ];
    let ids: Vec<String> = (0..courses)
        .map(|i| new_course(&gws[0], &format!("Seats {i}"), Some(1)))
        .collect();
    let mut tally = Tally::default();
    for _ in 0..rounds {
        let started = Instant::now();
        let answers = at_once(2 * courses, |k| {
            let (who, i) = (k % 2, k / 2);
            let course = if who == 0 {
                &ids[i]
            } else {
                &ids[courses - 1 - i]
            };
            let again = if i % 2 == 0 { "?reEnroll=true" } else { "" };
            let path = format!("/users/{}/enrollments/{course}{again}", learners[who]);
            absorb(&gws[k % gws.len()], tok, Method::POST, &path, None)
        });
        tally.add(&answers, started.elapsed());
    }
    tally
}

/// The same four enrollments un-enrolled (Absorb) in one order and in the opposite order,
/// `per_round` requests at once, for `rounds` rounds (fresh enrollments each round).
pub fn opposite_unenrolls(gws: &[Gateway], tok: &str, per_round: usize, rounds: usize) -> Tally {
    let learners: Vec<String> = (0..4)
        .map(|i| new_learner(&gws[0], &format!("un-{i}-{}@load.example", free_port())))
        .collect();
    let mut tally = Tally::default();
    for _ in 0..rounds {
        let ids: Vec<String> = learners
            .iter()
            .map(|l| enroll(&gws[0], l, COURSE))
            .collect();
        let reversed: Vec<String> = ids.iter().rev().cloned().collect();
        let started = Instant::now();
        let answers = at_once(per_round, |k| {
            let body = if k % 2 == 0 { &ids } else { &reversed };
            absorb(
                &gws[k % gws.len()],
                tok,
                Method::POST,
                "/enrollments/unenroll",
                Some(json!(body)),
            )
        });
        tally.doubled += usize::from(answers.iter().filter(|a| a.0 == 204).count() > 1);
        tally.add(&answers, started.elapsed());
    }
    tally
}

/// Two private SCORM Cloud invitations of the same `n` new addresses, in opposite orders,
/// created at the same moment (through different gateways when there are two); their jobs'
/// final statuses and errors.
pub fn opposite_invitations(gws: &[Gateway], n: usize, tag: &str) -> Vec<(String, Value)> {
    let addresses: Vec<String> = (0..n)
        .map(|i| format!("inv-{tag}-{i}@load.example"))
        .collect();
    let reversed: Vec<String> = addresses.iter().rev().cloned().collect();
    let created = at_once(2, |k| {
        let list = if k == 0 { &addresses } else { &reversed };
        scorm(
            &gws[k % gws.len()],
            Method::POST,
            "/invitations/private",
            Some(json!({
                "courseId": "compliance-basics", "creatingUserEmail": "admin@demo.example",
                "invitationEmail": {"subject": "Hi", "addresses": list},
            })),
        )
    });
    let jobs: Vec<String> = created
        .iter()
        .map(|(s, _, inv)| {
            assert_eq!(*s, 200, "{inv}");
            format!(
                "/invitations/private/{}/jobStatus",
                inv["id"].as_str().unwrap()
            )
        })
        .collect();
    let until = Instant::now() + Duration::from_secs(300);
    jobs.iter()
        .map(|job| {
            loop {
                let (_, _, st) = scorm(&gws[0], Method::GET, job, None);
                let status = st["status"].as_str().unwrap_or_default().to_string();
                if status != "STARTED" && !status.is_empty() {
                    break (status, st);
                }
                assert!(Instant::now() < until, "the job did not finish: {st}");
                std::thread::sleep(Duration::from_millis(200));
            }
        })
        .collect()
}
