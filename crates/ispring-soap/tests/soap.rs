//! The SOAP endpoint: every operation end to end on the ledger, the envelopes real callers
//! send (SOAP 1.1 and 1.2, `http`/`https` namespaces, prefixes or a default namespace, both
//! date formats, optional elements omitted or empty), the vendor's own malformed sample, and
//! iSpring's faults.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use actix_web::test::TestRequest;
use common::*;
use enroll_domain::EnrollmentState;

fn ids(tag: &str, ids: &[&str]) -> String {
    let items: String = ids.iter().map(|i| format!("<id>{i}</id>")).collect();
    format!("<{tag}>{items}</{tag}>")
}

#[actix_rt::test]
async fn every_operation_works_on_the_ledger() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let c = token_credentials(&token(&app).await);
        let call = |op: &str, inner: String| envelope(op, &format!("{c}{inner}"));
        let enroll = format!(
            "{}{}<accessDate>2030-09-24 10:30:00</accessDate><dueDateType>due_period</dueDateType><duePeriod>48</duePeriod><lockAfterDueDate>true</lockAfterDueDate>",
            ids("courseIds", &[COMPLIANCE]),
            ids("learnerIds", &[ALICE, BOB])
        );
        let (s, b) = soap(&app, call("EnrollLearnersInCourses", enroll)).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(xml_text(&b, "success").as_deref(), Some("true"), "{b}");
        let e = active(&store, ALICE, COMPLIANCE).expect("Alice is enrolled");
        assert_eq!(e.record.source, "ispring");
        assert!(e.record.core.lock_after_due);
        let eid = e.record.core.id.to_string();

        let (s, b) = soap(
            &app,
            call("GetEnrollments", ids("courseIds", &[COMPLIANCE])),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b.matches("<ns1:enrollment>").count(), 2, "{b}");
        let (s, b) = soap(
            &app,
            call(
                "GetEnrollment",
                format!("<enrollmentId>{eid}</enrollmentId>"),
            ),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(xml_text(&b, "accessDate").as_deref(), Some("2030-09-24"));
        assert_eq!(xml_text(&b, "dueDate").as_deref(), Some("2030-09-26"));
        assert_eq!(
            xml_text(&b, "shouldLockAfterDueDate").as_deref(),
            Some("true")
        );

        let change = format!(
            "<enrollmentId>{eid}</enrollmentId><accessDate>2020-01-01T00:00:00Z</accessDate><dueDateType>unlimited</dueDateType>"
        );
        let (s, b) = soap(&app, call("ChangeEnrollment", change.clone())).await;
        assert_eq!(s, 200, "{b}");
        let e = active(&store, ALICE, COMPLIANCE).unwrap().record.core;
        assert_eq!((e.dates.due, e.lock_after_due), (None, false));

        let (s, b) = soap(&app, call("Reenroll", change)).await;
        assert_eq!(s, 200, "{b}");
        let renewed = active(&store, ALICE, COMPLIANCE).unwrap();
        assert_ne!(renewed.record.core.id.to_string(), eid);
        assert_eq!(
            renewed.record.series_id.to_string(),
            eid,
            "the re-enrollment continues it"
        );

        let (s, b) = soap(&app, call("GetUser", format!("<userId>{CAROL}</userId>"))).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            xml_text(&b, "role").as_deref(),
            Some("department_administrator")
        );
        assert_eq!(xml_text(&b, "login").as_deref(), Some("carol@demo.example"));
        let (s, b) = soap(&app, call("GetUsers", ids("departments", &[SALES]))).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            b.matches("<ns1:userProfile>").count(),
            2,
            "alice and carol: {b}"
        );

        let (s, b) = soap(
            &app,
            call(
                "GetContent",
                format!("<contentItemId>{PRIVACY}</contentItemId>"),
            ),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(xml_text(&b, "title").as_deref(), Some("Data Privacy 101"));
        let (s, b) = soap(&app, call("GetContents", "<pageSize>2</pageSize>".into())).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b.matches("<ns1:contentItem>").count(), 2, "{b}");
        assert_eq!(xml_text(&b, "nextPageToken").as_deref(), Some("2"));

        let (s, b) = soap(&app, call("GetLearnerResults", ids("userIds", &[BOB]))).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            xml_text(&b, "completionStatus").as_deref(),
            Some("not_started")
        );
        assert_eq!(
            xml_text(&b, "courseTitle").as_deref(),
            Some("Compliance Basics")
        );

        let bob = active(&store, BOB, COMPLIANCE)
            .unwrap()
            .record
            .core
            .id
            .to_string();
        let gone = renewed.record.core.id.to_string();
        let (s, b) = soap(
            &app,
            call("DeleteEnrollments", ids("enrollmentIds", &[&gone, &bob])),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert!(
            active(&store, ALICE, COMPLIANCE).is_none()
                && active(&store, BOB, COMPLIANCE).is_none()
        );
        let cancelled = store.enrollment(tenant(), renewed.record.core.id).unwrap();
        assert_eq!(cancelled.record.core.state, EnrollmentState::Cancelled);
    }
}

/// The enroll call with the given envelope/body namespaces, prefix and access date.
fn variant(
    envelope_ns: &str,
    service_ns: &str,
    prefixed: bool,
    access: &str,
    token: &str,
) -> String {
    let (open, close, decl) = if prefixed {
        (
            "<isp:EnrollLearnersInCoursesRequest>",
            "</isp:EnrollLearnersInCoursesRequest>",
            format!(" xmlns:isp=\"{service_ns}\""),
        )
    } else {
        (
            "<EnrollLearnersInCoursesRequest>",
            "</EnrollLearnersInCoursesRequest>",
            format!(" xmlns=\"{service_ns}\""),
        )
    };
    let p = if prefixed { "isp:" } else { "" };
    format!(
        "<env:Envelope xmlns:env=\"{envelope_ns}\"{decl}><env:Header/><env:Body>{open}<{p}credentials><{p}token>{token}</{p}token></{p}credentials><{p}courseIds><{p}id>{COMPLIANCE}</{p}id></{p}courseIds><{p}learnerIds><{p}id>{ALICE}</{p}id></{p}learnerIds><{p}accessDate>{access}</{p}accessDate><{p}dueDateType>due_date</{p}dueDateType><{p}dueDate>2031-01-31</{p}dueDate><{p}duePeriod/><{p}lockAfterDueDate></{p}lockAfterDueDate>{close}</env:Body></env:Envelope>"
    )
}

#[actix_rt::test]
async fn the_envelopes_real_callers_send_are_understood() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let cases = [
            (SOAP11, NS, false, "2030-09-24 10:30:00", "text/xml"),
            (
                "https://schemas.xmlsoap.org/soap/envelope/",
                NS,
                true,
                "2030-09-24T10:30:00",
                "text/xml",
            ),
            (
                SOAP11,
                "http://ispringlearn.com/go/services/api/soap",
                true,
                "2030-09-24T10:30:00+00:00",
                "text/xml",
            ),
            (
                "http://www.w3.org/2003/05/soap-envelope",
                NS,
                false,
                "2030-09-24T12:30:00+02:00",
                "application/soap+xml",
            ),
            (SOAP11, NS, false, "2030-09-24T10:30Z", "text/xml"),
        ];
        for (env, ns, prefixed, access, ctype) in cases {
            let body = variant(env, ns, prefixed, access, &t);
            let req = TestRequest::post()
                .uri("/ispring/soap")
                .insert_header(("Content-Type", format!("{ctype}; charset=utf-8")))
                .set_payload(body);
            let (s, ct, b) = raw(&app, req).await;
            assert_eq!(s, 200, "{env} {ns} {access}: {b}");
            assert!(ct.starts_with(ctype), "answered as {ct}");
            // The answer speaks the caller's envelope and service namespaces.
            assert!(b.contains(&format!("xmlns:SOAP-ENV=\"{env}\"")), "{b}");
            assert!(b.contains(&format!("xmlns:ns1=\"{ns}\"")), "{b}");
            let e = active(&store, ALICE, COMPLIANCE).unwrap().record.core;
            let at = e.dates.access.unwrap();
            assert_eq!((at.hour(), at.minute()), (10, 30), "{access}");
            // A bare due date is due by the end of that day.
            assert_eq!(e.dates.due.unwrap().date().to_string(), "2031-01-31");
            // Empty optional elements mean "not given".
            assert!(!e.lock_after_due);
        }
        assert_eq!(
            enrollment_count(&store),
            1,
            "repeated enrolls keep the enrollment"
        );
        // The method name as the element, without the `Request` suffix, works too.
        let body = envelope("", "").replace(
            "<Request></Request>",
            &format!("<enrollLearnersInCourses>{}{}{}<dueDateType>unlimited</dueDateType></enrollLearnersInCourses>", token_credentials(&t), ids("courseIds", &[PRIVACY]), ids("learnerIds", &[ALICE])),
        );
        let (s, b) = soap(&app, body).await;
        assert_eq!(s, 200, "{b}");
        assert!(active(&store, ALICE, PRIVACY).is_some());
    }
}

/// The vendor's sample request, verbatim but for its token: `</soap:duePeriod>` closes an
/// element it never opened, under an undeclared prefix.
const VENDOR_SAMPLE: &str = include_str!("../../../fixtures/ispring/soap/vendor-sample-enroll.xml");

#[actix_rt::test]
async fn the_vendors_malformed_sample_is_a_client_fault_and_writes_nothing() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let (s, b) = soap(&app, VENDOR_SAMPLE.replace("{{TOKEN}}", &t)).await;
        assert_eq!(s, 500, "{b}");
        assert_eq!(xml_text(&b, "faultcode").as_deref(), Some("client"), "{b}");
        assert_eq!(
            xml_text(&b, "faultstring").as_deref(),
            Some("Wrong parameters")
        );
        assert!(
            xml_text(&b, "message").unwrap().contains("not well-formed"),
            "{b}"
        );
        assert_eq!(enrollment_count(&store), 0);
        // Repaired (`</duePeriod>`), the same request works.
        let fixed = VENDOR_SAMPLE
            .replace("{{TOKEN}}", &t)
            .replace("</soap:duePeriod>", "</duePeriod>");
        let (s, b) = soap(&app, fixed).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(enrollment_count(&store), 1);
    }
}

#[actix_rt::test]
async fn faults_use_ispring_faultstrings_and_soap_12_its_own_shape() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        let t = token(&app).await;
        let inner = |c: &str, course: &str| {
            format!(
                "{c}{}{}<dueDateType>unlimited</dueDateType>",
                ids("courseIds", &[course]),
                ids("learnerIds", &[ALICE])
            )
        };
        let fault = |b: &str| {
            (
                xml_text(b, "faultcode").unwrap_or_default(),
                xml_text(b, "faultstring").unwrap_or_default(),
            )
        };
        let (s, b) = soap(
            &app,
            envelope(
                "EnrollLearnersInCourses",
                &inner(&token_credentials("nope"), COMPLIANCE),
            ),
        )
        .await;
        assert_eq!(
            (s, fault(&b)),
            (500, ("client".into(), "Authorization failed".into())),
            "{b}"
        );
        let (s, b) = soap(
            &app,
            envelope("EnrollLearnersInCourses", &inner("", COMPLIANCE)),
        )
        .await;
        assert_eq!(
            (s, fault(&b).1),
            (500, "Authorization failed".into()),
            "{b}"
        );
        let alice = user_credentials("alice@demo.example", "Demo-Learner-1");
        let (s, b) = soap(
            &app,
            envelope("EnrollLearnersInCourses", &inner(&alice, COMPLIANCE)),
        )
        .await;
        assert_eq!((s, fault(&b).1), (500, "Permission denied".into()), "{b}");
        let unknown = "c0000000-0000-4000-8000-0000000000ff";
        let (s, b) = soap(
            &app,
            envelope(
                "EnrollLearnersInCourses",
                &inner(&token_credentials(&t), unknown),
            ),
        )
        .await;
        assert_eq!((s, fault(&b).1), (500, "Wrong parameters".into()), "{b}");
        assert!(
            xml_text(&b, "message").unwrap().contains(unknown),
            "names the id: {b}"
        );
        let (s, b) = soap(&app, envelope("LaunchRocket", &token_credentials(&t))).await;
        assert_eq!((s, fault(&b).1), (500, "Wrong parameters".into()), "{b}");
        assert_eq!(enrollment_count(&store), 0);
        // SOAP 1.2: Code/Reason/Detail, a Sender fault is a 400.
        let body = envelope(
            "EnrollLearnersInCourses",
            &inner(&token_credentials("nope"), COMPLIANCE),
        )
        .replace(SOAP11, "http://www.w3.org/2003/05/soap-envelope");
        let req = TestRequest::post()
            .uri("/ispring/soap")
            .insert_header(("Content-Type", "application/soap+xml"))
            .set_payload(body);
        let (s, ct, b) = raw(&app, req).await;
        assert_eq!(s, 400, "{b}");
        assert!(ct.starts_with("application/soap+xml"));
        assert_eq!(xml_text(&b, "Value").as_deref(), Some("SOAP-ENV:Sender"));
        assert_eq!(
            xml_text(&b, "Text").as_deref(),
            Some("Authorization failed")
        );
    }
}

#[actix_rt::test]
async fn our_wsdl_lists_our_operations_at_this_address() {
    for (_db, store, _) in stores() {
        let app = app(&store).await;
        for q in ["?wsdl", "?WSDL"] {
            let (s, ct, b) = raw(&app, TestRequest::get().uri(&format!("/ispring/soap{q}"))).await;
            assert_eq!(s, 200);
            assert!(ct.starts_with("text/xml"));
            let root = ispring_soap::xml::parse(b.as_bytes()).expect("well-formed");
            assert_eq!(root.name, "definitions");
            let port_type = root.child("portType").unwrap();
            let ops: Vec<String> = port_type.all("operation").map(|o| o.name.clone()).collect();
            assert_eq!(ops.len(), ispring_soap::soap::OPERATIONS.len());
            assert!(
                b.contains("location=\"http://localhost:8080/ispring/soap\""),
                "the address is this endpoint"
            );
            for op in ispring_soap::soap::OPERATIONS {
                let lower = op[..1].to_ascii_lowercase() + &op[1..];
                assert!(
                    b.contains(&format!("<wsdl:operation name=\"{lower}\">")),
                    "{op}"
                );
                assert!(
                    b.contains(&format!("<xs:element name=\"{op}Request\">")),
                    "{op}"
                );
            }
        }
    }
}
