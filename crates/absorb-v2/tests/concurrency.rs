//! 64 concurrent identical creates: one enrollment, 63 Absorb-shaped 422s, never a 500.
mod common;
use common::*;

#[actix_web::test]
async fn sixty_four_identical_creates_make_one_enrollment() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = admin(&app).await;
        let uri = format!("/absorb/users/{BOB}/enrollments/{COMPLIANCE}");
        let results =
            futures_util::future::join_all((0..64).map(|_| send(&app, post(&uri, &t)))).await;
        let created = results.iter().filter(|(s, _)| *s == 201).count();
        let refused: Vec<_> = results.iter().filter(|(s, _)| *s == 422).collect();
        assert_eq!(
            (created, refused.len()),
            (1, 63),
            "{:?}",
            results
                .iter()
                .filter(|(s, _)| *s != 201 && *s != 422)
                .take(2)
                .collect::<Vec<_>>()
        );
        assert!(
            refused
                .iter()
                .all(|(_, e)| e["term"] == "UnprocessableEntity"
                    && e["message"].as_str().unwrap().contains("already enrolled"))
        );
        let (_, list) = send(&app, get(&format!("/absorb/users/{BOB}/enrollments"), &t)).await;
        assert_eq!(list["totalItems"], 1);
    }
}
