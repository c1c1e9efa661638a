//! Lookups and `Enrollments` reads with OData's query options: `$filter` (compiled to SQL),
//! `$orderby`, `$top`, `$skip`, `$select`, `$expand`, `$count`, `@odata.nextLink` paging and
//! `@odata.context`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::*;
use serde_json::{Value, json};

fn ids(body: &Value) -> Vec<Value> {
    body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Id"].clone())
        .collect()
}

#[actix_rt::test]
async fn users_by_login_name_or_email() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let (s, b) = call(
            &app,
            get("/Users?$filter=LoginName%20eq%20'i:0%23.f%7Cmembership%7Calice@demo.example'"),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["value"].as_array().unwrap().len(), 1, "{b}");
        assert_eq!(b["value"][0]["Email"], "alice@demo.example");
        // Bob has no LMS365 login of his own: his user name stands for it.
        let (_, b) = call(
            &app,
            get("/Users?$filter=LoginName%20eq%20'i:0%23.f%7Cmembership%7Cbob@demo.example'"),
        )
        .await;
        assert_eq!(b["value"][0]["Email"], "bob@demo.example", "{b}");
        let (_, b) = call(
            &app,
            get("/Users?$filter=Email%20eq%20'carol@demo.example'"),
        )
        .await;
        assert_eq!(
            b["value"][0]["LoginName"],
            "i:0#.f|membership|carol@demo.example"
        );
        assert!(
            b["@odata.context"]
                .as_str()
                .unwrap()
                .ends_with("/lms365/odata/v2/$metadata#Users")
        );
        let (s, u) = call(
            &app,
            get("/Users('i:0%23.f%7Cmembership%7Calice@demo.example')"),
        )
        .await;
        assert_eq!((s, &u["Title"]), (200, &json!("Alice Anders")), "{u}");
    }
}

#[actix_rt::test]
async fn courses_sessions_and_catalogs() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let (s, b) = call(&app, get("/Courses?$orderby=Id&$count=true")).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["@odata.count"], 5);
        assert_eq!(ids(&b), [101, 102, 103, 104, 105].map(Value::from));
        let (_, c) = call(&app, get("/Courses(103)?$expand=CourseSessions")).await;
        assert_eq!(c["CourseType"], "ClassRoom");
        assert_eq!(c["CourseSessionEnrollmentType"], "EnrollToSingle");
        assert_eq!(c["CourseSessions"][0]["Id"], BERLIN);
        assert_eq!(c["CourseSessions"][0]["MaxAttendees"], 20);
        let (_, c) = call(&app, get("/Courses(104)")).await;
        assert_eq!(c["EnrollmentFlow"], "LMSAdministratorsApproval");
        assert!(c.get("CourseSessions").is_none());
        let (_, l) = call(
            &app,
            get("/Courses?$filter=Id%20eq%20103&$expand=CourseSessions"),
        )
        .await;
        assert_eq!(l["value"][0]["CourseSessions"].as_array().unwrap().len(), 2);
        let (s, ss) = call(&app, get("/Courses(103)/CourseSessions")).await;
        assert_eq!(s, 200, "{ss}");
        assert_eq!(ss["value"][1]["Id"], ONLINE);
        let (_, cat) = call(&app, get("/CourseCatalogs")).await;
        assert_eq!(cat["value"][0]["Title"], "Demo Academy");
        let (_, cat) = call(&app, get("/CourseCatalogs(1)?$expand=Courses")).await;
        assert_eq!(cat["Courses"].as_array().unwrap().len(), 5);
        let (s, b) = call(&app, get("/CourseCatalogs(2)")).await;
        odata_error(s, &b, 404, "catalog");
        let (s, b) = call(&app, get("/Courses(999)")).await;
        odata_error(s, &b, 404, "Course not found");
    }
}

async fn enroll_all<S>(app: &S, course: i64, logins: &[&str]) -> Vec<String>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let mut out = Vec::new();
    for l in logins {
        let (s, e) = call(
            app,
            post(
                &format!("/Courses({course})/Enroll"),
                json!({"userLoginName": l}),
            ),
        )
        .await;
        assert_eq!(s, 201, "{e}");
        out.push(e["Id"].as_str().unwrap().to_string());
    }
    out
}

#[actix_rt::test]
async fn enrollments_with_query_options() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let people = [
            "admin@demo.example",
            ALICE_LOGIN,
            "bob@demo.example",
            "carol@demo.example",
        ];
        enroll_all(&app, 101, &people).await;
        enroll_all(&app, 102, &people[..2]).await;
        let (s, b) = call(
            &app,
            get("/Enrollments?$filter=CourseId%20eq%20101%20and%20CoursePassingStatus%20eq%20'NotStarted'&$count=true&$top=2&$orderby=UserLoginName%20desc&$select=Id,UserLoginName&$expand=Course"),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["@odata.count"], 4);
        let v = b["value"].as_array().unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0]["UserLoginName"],
            "i:0#.f|membership|carol@demo.example"
        );
        assert_eq!(v[1]["UserLoginName"], "i:0#.f|membership|bob@demo.example");
        assert_eq!(v[0]["Course"]["Title"], "Compliance Basics");
        assert!(
            v[0].get("RegistrationStatus").is_none(),
            "$select: {}",
            v[0]
        );
        assert!(
            b["@odata.context"]
                .as_str()
                .unwrap()
                .ends_with("$metadata#Enrollments(Id,UserLoginName)")
        );
        // $top ends the answer: no next page.
        assert!(b.get("@odata.nextLink").is_none());
        let (_, b) = call(&app, get("/Enrollments?$skip=5&$count=true&$expand=User")).await;
        assert_eq!(b["@odata.count"], 6);
        assert_eq!(b["value"].as_array().unwrap().len(), 1);
        assert!(b["value"][0]["User"]["LoginName"].is_string());
        let (_, b) = call(
            &app,
            get("/Enrollments?$filter=Course/Title%20eq%20'Data%20Privacy%20101'"),
        )
        .await;
        assert_eq!(b["value"].as_array().unwrap().len(), 2);
        let (_, b) = call(
            &app,
            get("/Enrollments?$filter=UserId%20eq%20'i:0%23.f%7Cmembership%7Calice@demo.example'%20and%20CourseId%20eq%20102"),
        )
        .await;
        assert_eq!(b["value"].as_array().unwrap().len(), 1, "{b}");
        let (_, b) = call(&app, get("/Enrollments?$filter=CourseId%20eq%20103")).await;
        assert_eq!(b["value"], json!([]));
    }
}

#[actix_rt::test]
async fn server_paging_follows_next_links() {
    for (_db, store, _) in stores() {
        let app = app_paged(&store, 2).await;
        let people = [
            "admin@demo.example",
            ALICE_LOGIN,
            "bob@demo.example",
            "carol@demo.example",
        ];
        let made = enroll_all(&app, 101, &people).await;
        let mut seen: Vec<String> = Vec::new();
        let mut next = Some(format!(
            "http://localhost{BASE}/Enrollments?$count=true&$filter=CourseId%20eq%20101"
        ));
        let mut pages = 0;
        while let Some(link) = next {
            let at = link.find(BASE).unwrap() + BASE.len();
            let path = link[at..].to_string();
            let (s, b) = call(&app, get(&path)).await;
            assert_eq!(s, 200, "{b}");
            assert_eq!(b["@odata.count"], 4, "{link}");
            seen.extend(ids(&b).iter().map(|v| v.as_str().unwrap().to_string()));
            next = b["@odata.nextLink"].as_str().map(str::to_string);
            pages += 1;
        }
        assert_eq!(pages, 2);
        let (mut a, mut b) = (seen.clone(), made.clone());
        a.sort();
        b.sort();
        assert_eq!(a, b, "every enrollment once");
        // With $top beyond the page: the next link carries what remains of it.
        let (_, b) = call(&app, get("/Enrollments?$top=3")).await;
        let link = b["@odata.nextLink"].as_str().unwrap();
        assert!(link.ends_with("$top=1&$skip=2"), "{link}");
    }
}

#[actix_rt::test]
async fn the_service_document_and_navigation() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let (s, d) = call(&app, get("/")).await;
        assert_eq!(s, 200, "{d}");
        let names: Vec<&str> = d["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Courses", "CourseCatalogs", "Users", "Enrollments"]);
        let (_, e) = call(
            &app,
            post(
                "/Courses(101)/Enroll",
                json!({"userLoginName": ALICE_LOGIN}),
            ),
        )
        .await;
        let id = e["Id"].as_str().unwrap();
        let (s, c) = call(
            &app,
            get(&format!("/Enrollments({id})/Course?$select=Title")),
        )
        .await;
        assert_eq!((s, &c["Title"]), (200, &json!("Compliance Basics")), "{c}");
        assert!(c.get("Id").is_none());
        let (_, u) = call(&app, get(&format!("/Enrollments({id})/User"))).await;
        assert_eq!(u["Email"], "alice@demo.example");
        let (_, e) = call(
            &app,
            get(&format!(
                "/Enrollments({id})?$expand=Course,User&$select=Id"
            )),
        )
        .await;
        assert_eq!(e["User"]["Email"], "alice@demo.example", "{e}");
        assert!(e.get("CourseId").is_none());
    }
}
