"""zeep (PyPI), a SOAP client that generates its calls from a WSDL, against iSpring's endpoint.

zeep loads GET /ispring/soap?wsdl and calls every operation through the service it builds
from it, with plain Python values; zeep validates every answer against the WSDL's schema
(strict mode: an element the schema does not declare, or one out of order, fails). Faults come
back as zeep.exceptions.Fault with iSpring's faultstrings. One call goes through the SOAP 1.2
port. Run by run.sh (GATEWAY and ADMIN_TOKEN set: the demo tenant is reset to the seed first,
so the suites before it leave nothing behind). Prints 'N passed, N failed'; non-zero exit on
any failure.
"""
import datetime
import json
import os
import sys
import traceback
import urllib.parse
import urllib.request

import zeep
from zeep.exceptions import Fault

GATEWAY = os.environ["GATEWAY"]
COMPLIANCE = "c0000000-0000-4000-8000-000000000001"
PRIVACY = "c0000000-0000-4000-8000-000000000002"
ALICE = "a0000000-0000-4000-8000-000000000002"
BOB = "a0000000-0000-4000-8000-000000000003"
CAROL = "a0000000-0000-4000-8000-000000000004"
SALES = "5e000000-0000-4000-8000-000000000002"


def reset():
    req = urllib.request.Request(GATEWAY + "/admin/v1/reset", method="POST", data=b"",
                                 headers={"Authorization": "Bearer " + os.environ["ADMIN_TOKEN"]})
    urllib.request.urlopen(req, timeout=30).read()


def token():
    form = urllib.parse.urlencode({"client_id": "demo-ispring-client",
                                   "client_secret": "demo-ispring-client-secret",
                                   "grant_type": "client_credentials"}).encode()
    with urllib.request.urlopen(GATEWAY + "/ispring/api/v3/token", data=form, timeout=10) as r:
        return json.load(r)["access_token"]


reset()
CLIENT = zeep.Client(GATEWAY + "/ispring/soap?wsdl", settings=zeep.Settings(strict=True))
SERVICE = CLIENT.service
CRED = {"token": token()}
STATE = {}


def value(result, field):
    """zeep returns a result element with one child as that child's value."""
    return getattr(result, field) if hasattr(result, field) else result


def items(result, *path):
    """The items of a list inside a result (zeep unwraps single-child wrappers into lists)."""
    for field in path:
        if result is None or isinstance(result, list):
            break
        result = value(result, field)
    return result or []


def test_enroll_learners_in_courses():
    r = SERVICE.enrollLearnersInCourses(
        credentials=CRED, courseIds={"id": [COMPLIANCE, PRIVACY]}, learnerIds={"id": [ALICE, BOB]},
        accessDate=datetime.datetime(2030, 9, 24, 10, 30), dueDateType="due_period", duePeriod=48,
        lockAfterDueDate=True)
    assert value(r, "success") is True, r


def test_get_enrollments():
    r = SERVICE.getEnrollments(credentials=CRED, courseIds={"id": [COMPLIANCE]})
    enrollments = items(r, "enrollments", "enrollment")
    assert sorted(e.learnerId for e in enrollments) == [ALICE, BOB], r
    alice = next(e for e in enrollments if e.learnerId == ALICE)
    assert alice.accessDate == datetime.date(2030, 9, 24), alice
    assert alice.dueDate == datetime.date(2030, 9, 26), alice
    assert alice.shouldLockAfterDueDate is True and alice.enrollmentTypeGroup == 0
    STATE["alice"] = alice.enrollmentId


def test_get_enrollment():
    r = SERVICE.getEnrollment(credentials=CRED, enrollmentId=STATE["alice"])
    e = value(r, "enrollment")
    assert (e.enrollmentId, e.courseId, e.learnerId) == (STATE["alice"], COMPLIANCE, ALICE), e


def test_change_enrollment():
    r = SERVICE.changeEnrollment(
        credentials=CRED, enrollmentId=STATE["alice"], accessDate=datetime.datetime(2026, 1, 1, 9, 0),
        dueDateType="due_date", dueDate=datetime.date(2026, 3, 1), lockAfterDueDate=False)
    assert value(r, "success") is True
    e = value(SERVICE.getEnrollment(credentials=CRED, enrollmentId=STATE["alice"]), "enrollment")
    assert (e.accessDate, e.dueDate, e.shouldLockAfterDueDate) == (
        datetime.date(2026, 1, 1), datetime.date(2026, 3, 1), False), e


def test_reenroll():
    r = SERVICE.reenroll(credentials=CRED, enrollmentId=STATE["alice"],
                         accessDate=datetime.datetime(2026, 1, 2), dueDateType="default")
    assert value(r, "success") is True
    r = SERVICE.getEnrollments(credentials=CRED, learnerIds={"id": [ALICE]},
                               courseIds={"id": [COMPLIANCE]})
    [current] = items(r, "enrollments", "enrollment")
    assert current.enrollmentId != STATE["alice"], current
    STATE["alice"] = current.enrollmentId


def test_get_user():
    u = value(SERVICE.getUser(credentials=CRED, userId=CAROL), "userProfile")
    assert (u.role, u.fields.login, u.departmentId) == (
        "department_administrator", "carol@demo.example", SALES), u
    assert u.manageableDepartmentIds.id == [SALES]
    assert isinstance(u.addedDate, datetime.datetime)


def test_get_users():
    r = SERVICE.getUsers(credentials=CRED, departments={"id": [SALES]})
    users = items(r, "userProfiles", "userProfile")
    assert sorted(u.userId for u in users) == [ALICE, CAROL], r
    r = SERVICE.getUsers(credentials=CRED, emails={"value": ["bob@demo.example"]})
    assert [u.userId for u in items(r, "userProfiles", "userProfile")] == [BOB]


def test_get_content():
    c = value(SERVICE.getContent(credentials=CRED, contentItemId=PRIVACY), "contentItem")
    assert (c.title, c.contentItemType) == ("Data Privacy 101", "Course"), c


def test_get_contents():
    r = SERVICE.getContents(credentials=CRED, pageSize=3)
    assert len(items(r, "contentItems", "contentItem")) == 3 and r.nextPageToken == "3", r
    r = SERVICE.getContents(credentials=CRED, pageSize=3, pageToken=r.nextPageToken)
    assert len(items(r, "contentItems", "contentItem")) == 2 and r.nextPageToken is None, r


def test_get_learner_results():
    r = SERVICE.getLearnerResults(credentials=CRED, userIds={"id": [BOB]},
                                  completionStatuses={"value": ["not_started"]})
    results = items(r, "results", "result")
    assert sorted(x.courseTitle for x in results) == ["Compliance Basics", "Data Privacy 101"], r
    assert all(x.completionStatus == "not_started" and x.isOverdue is False for x in results)


def test_delete_enrollments():
    r = SERVICE.deleteEnrollments(credentials=CRED, enrollmentIds={"id": [STATE["alice"]]})
    assert value(r, "success") is True
    r = SERVICE.getEnrollments(credentials=CRED, enrollmentIds={"id": [STATE["alice"]]})
    assert not items(r, "enrollments", "enrollment"), r


def fault_of(call):
    try:
        call()
    except Fault as f:
        return f
    raise AssertionError("expected a Fault")


def test_faults():
    bad = {"token": "not-a-token"}
    f = fault_of(lambda: SERVICE.getUser(credentials=bad, userId=ALICE))
    assert (f.message, f.code) == ("Authorization failed", "client"), (f.message, f.code)
    carol = {"accountUrl": "https://demo.ispringlearn.com", "email": "carol@demo.example",
             "password": "Demo-Learner-1"}
    f = fault_of(lambda: SERVICE.enrollLearnersInCourses(
        credentials=carol, courseIds={"id": [COMPLIANCE]}, learnerIds={"id": [BOB]},
        dueDateType="unlimited"))
    assert f.message == "Permission denied", f.message
    f = fault_of(lambda: SERVICE.enrollLearnersInCourses(
        credentials=CRED, courseIds={"id": ["c0000000-0000-4000-8000-0000000000ff"]},
        learnerIds={"id": [ALICE]}, dueDateType="unlimited"))
    assert f.message == "Wrong parameters", f.message
    r = SERVICE.enrollLearnersInCourses(credentials=carol, courseIds={"id": [COMPLIANCE]},
                                        learnerIds={"id": [ALICE]}, dueDateType="unlimited")
    assert value(r, "success") is True


def test_soap_12_port():
    service = CLIENT.bind("LearnSoapService", "LearnSoap12Port")
    u = value(service.getUser(credentials=CRED, userId=ALICE), "userProfile")
    assert u.fields.email == "alice@demo.example", u
    f = fault_of(lambda: service.getUser(credentials={"token": "x"}, userId=ALICE))
    assert f.message == "Authorization failed", f.message


def main():
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    passed = failed = 0
    for name, fn in tests:
        try:
            fn()
            passed += 1
            print(f"ok   {name}")
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"iSpring (zeep {zeep.__version__}): {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
