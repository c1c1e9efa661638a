//! The one-ledger promise, as a matrix: for every ordered pair of implemented dialects, an
//! enrollment created, progressed, completed, re-enrolled, cancelled and created again through
//! one dialect reads the same in the other — its state, its presence in lists, and ids that stay
//! valid for every later call and across a restart. Runs the real binary with several HTTP
//! workers, on SQLite and (with `ENROLL_TEST_DATABASE_URL`) PostgreSQL.
//!
//! New facades add their `Dialect` in `matrix/` and in `matrix::dialects`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
mod matrix;

use common::{Gateway, TENANT, admin, command, free_port, start_with};
use enroll_store::testing::TestDb;
use matrix::{Dialect, Pair, Seen, dialects};
use serde_json::json;

/// Compliance Basics: its SCORM Cloud id is the seed's; in Absorb its ledger id.
const COURSE: &str = "c0000000-0000-4000-8000-000000000001";
const SCORM_COURSE: &str = "compliance-basics";

fn gateway(url: &str) -> Gateway {
    let port = free_port();
    let mut cmd = command(url, port);
    cmd.args(["--workers", "3"]);
    start_with(cmd, port).0
}

/// A learner of its own for one cell of the matrix.
fn pair(gw: &Gateway, cell: &str) -> Pair {
    let (s, l) = admin(
        reqwest::Method::POST,
        format!("{}/admin/v1/tenants/{TENANT}/learners", gw.base),
        Some(json!({
            "email": format!("{cell}@matrix.example"), "firstName": "Matrix", "lastName": cell,
            "ids": {"scormcloud": cell},
        })),
    );
    assert_eq!(s, 201, "{l}");
    Pair {
        learner: l["id"].as_str().unwrap().to_string(),
        scorm_learner: cell.to_string(),
        course: COURSE.into(),
        scorm_course: SCORM_COURSE.into(),
        email: format!("{cell}@matrix.example"),
    }
}

fn expect(observer: &dyn Dialect, p: &Pair, state: &str, step: &str) -> Seen {
    let seen = observer.read(p);
    assert_eq!(
        seen.state,
        state,
        "{step}: {} sees {seen:?}",
        observer.name()
    );
    assert_eq!(
        observer.listed(p),
        state != "gone",
        "{step}: {}'s list",
        observer.name()
    );
    seen
}

#[test]
fn every_dialect_sees_what_every_other_does() {
    for db in TestDb::all().unwrap() {
        let mut gw = gateway(&db.url);
        let names: Vec<&str> = dialects(&gw.base).iter().map(|d| d.name()).collect();
        let cells: Vec<(usize, usize)> = (0..names.len())
            .flat_map(|a| (0..names.len()).map(move |b| (a, b)))
            .collect();
        // Created in one dialect, seen in the other; the ids seen are kept for after a restart.
        let mut first = Vec::new();
        for &(a, b) in &cells {
            let ds = dialects(&gw.base);
            let cell = format!("{}-{}", names[a], names[b]);
            let p = pair(&gw, &cell);
            ds[a].create(&p);
            let seen = expect(ds[b].as_ref(), &p, "not_started", &format!("{cell} create"));
            assert!(seen.id.is_some(), "{cell}: an id in {}", names[b]);
            first.push((p, seen));
        }
        drop(gw);
        gw = gateway(&db.url);
        for (&(a, b), (p, before)) in cells.iter().zip(&first) {
            let ds = dialects(&gw.base);
            let (actor, observer) = (ds[a].as_ref(), ds[b].as_ref());
            let cell = format!("{} → {}", actor.name(), observer.name());
            let again = expect(observer, p, "not_started", &format!("{cell} after restart"));
            assert_eq!(&again, before, "{cell}: ids are stable across a restart");
            actor.progress(p);
            expect(observer, p, "in_progress", &format!("{cell} progress"));
            actor.complete(p);
            let done = expect(observer, p, "completed", &format!("{cell} complete"));
            actor.reenroll(p);
            let renewed = expect(observer, p, "not_started", &format!("{cell} re-enroll"));
            assert_ne!(
                renewed.generation, done.generation,
                "{cell}: the re-enrollment is a new enrollment in the series"
            );
            actor.cancel(p);
            expect(observer, p, "gone", &format!("{cell} cancel"));
            observer.assert_removed(renewed.id.as_deref().unwrap());
            actor.create(p);
            let back = expect(observer, p, "not_started", &format!("{cell} create again"));
            assert_ne!(back.generation, renewed.generation, "{cell}");
        }
    }
}

/// Each facade owns its vocabulary for the ledger's states; they agree. A state written in
/// one dialect's value, read back through another dialect and written in the first again,
/// keeps its meaning — except where a dialect has one value for several states (listed).
#[test]
fn the_facades_vocabularies_agree() {
    use absorb_v2::vocab::{from_absorb, to_absorb};
    use enroll_domain::EnrollmentState;
    use ispring_soap::vocab::{from_ispring, to_ispring};
    use lms365_odata::vocab::{from_lms365, to_lms365};
    use scormcloud_invitations::vocab::{from_scorm, to_scorm};
    use trainercentral_api::vocab::{from_trainercentral, to_trainercentral};
    type Through = fn(EnrollmentState) -> Option<EnrollmentState>;
    let vocabularies: [(&str, Through); 5] = [
        ("absorb", |s| from_absorb(to_absorb(s))),
        ("scormcloud", |s| {
            let (c, x) = to_scorm(s);
            from_scorm(c, x)
        }),
        ("ispring", |s| from_ispring(to_ispring(s))),
        ("trainercentral", |s| {
            from_trainercentral(to_trainercentral(s))
        }),
        ("lms365", |s| {
            let (r, p) = to_lms365(s);
            from_lms365(r, p)
        }),
    ];
    let mut collapsed = Vec::new();
    for s in EnrollmentState::ALL {
        for (name, through) in vocabularies {
            let back = through(s).unwrap_or_else(|| panic!("{name} cannot read back {s:?}"));
            // Every other dialect renders what came back as it renders the state itself.
            let same = to_absorb(back) == to_absorb(s)
                && to_scorm(back) == to_scorm(s)
                && to_ispring(back) == to_ispring(s)
                && to_trainercentral(back) == to_trainercentral(s)
                && to_lms365(back) == to_lms365(s);
            if !same {
                collapsed.push(format!("{name}: {s} -> {back}"));
            }
        }
        // Finished states mean the same everywhere.
        let done = [
            to_absorb(s) == 3,
            to_scorm(s) == ("COMPLETED", "PASSED"),
            to_ispring(s) == "complete",
            to_trainercentral(s) == 3,
            to_lms365(s).1 == "Completed",
        ];
        assert!(
            done.iter().all(|d| *d == (s == EnrollmentState::Completed)),
            "{s:?}"
        );
        let failed = [
            to_absorb(s) == 5,
            to_scorm(s) == ("COMPLETED", "FAILED"),
            to_ispring(s) == "failed",
            to_lms365(s).1 == "Failed",
        ];
        assert!(
            failed.iter().all(|f| *f == (s == EnrollmentState::Failed)),
            "{s:?}"
        );
    }
    // The states a dialect has no value of its own for: they read back as the state whose
    // value they borrow (Absorb, SCORM Cloud and iSpring show an invitation as not started;
    // SCORM Cloud has no words for approval, waiting lists, refusals and endings; Absorb and
    // iSpring show an expired enrollment as not complete; TrainerCentral has five statuses:
    // invited, active, requested, completed and revoked).
    let shared = [
        "absorb: invited -> not started",
        "scormcloud: invited -> not started",
        "ispring: invited -> not started",
        "scormcloud: pending approval -> not started",
        "scormcloud: waitlisted -> not started",
        "ispring: waitlisted -> pending approval",
        "trainercentral: waitlisted -> pending approval",
        "trainercentral: in progress -> not started",
        "trainercentral: failed -> not started",
        "trainercentral: not complete -> not started",
        "scormcloud: declined -> not started",
        "trainercentral: declined -> cancelled",
        "absorb: expired -> not complete",
        "scormcloud: expired -> in progress",
        "ispring: expired -> not complete",
        "trainercentral: expired -> cancelled",
        "scormcloud: cancelled -> not started",
        "ispring: cancelled -> declined",
    ];
    assert_eq!(collapsed, shared);
}
