"""The official SCORM Cloud SDK (rustici-software-cloud-v2) against the gateway.

Every invitation operation (all 16) and the registration operations go through the SDK's own
API classes; the assertions check what comes back. Run by run.sh (GATEWAY, ADMIN_TOKEN set).
Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import base64
import datetime
import http.server
import json
import os
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

import rustici_software_cloud_v2 as sc
from rustici_software_cloud_v2.rest import ApiException

GATEWAY = os.environ["GATEWAY"]
ADMIN_TOKEN = os.environ["ADMIN_TOKEN"]
TENANT = "7d1c7c3e-0000-4000-8000-000000000001"
COURSE = "compliance-basics"
OTHER_COURSE = "data-privacy-101"


def client(username="DEMOAPP", password="demo-scorm-secret-key", token=None):
    cfg = sc.Configuration()
    # The SDK's default host ends in a slash, so it sends ".../api/v2//invitations".
    cfg.host = GATEWAY + "/scormcloud/api/v2/"
    cfg.username = username
    cfg.password = password
    cfg.access_token = token or ""
    return sc.ApiClient(cfg)


API = client()
INV = sc.InvitationsApi(API)
REG = sc.RegistrationApi(API)
STATE = {}


def admin(method, path, body=None):
    req = urllib.request.Request(
        GATEWAY + "/admin/v1" + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + ADMIN_TOKEN, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, data=None, follow=True):
    """(status, headers, body text) of a page, errors included."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    body = None if data is None else urllib.parse.urlencode(data).encode()
    try:
        with opener.open(urllib.request.Request(url, data=body), timeout=10) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def expect_api_error(status, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ApiException as e:
        assert e.status == status, f"expected {status}, got {e.status}: {e.body}"
        return json.loads(e.body) if e.body else None
    raise AssertionError(f"expected HTTP {status}, the call succeeded")


def wait_job(inv_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        st = INV.get_private_invitation_job_status(inv_id)
        if st.status in ("COMPLETE", "ERROR"):
            return st
        assert st.status == "STARTED", st.status
        time.sleep(0.05)
    raise AssertionError("job did not finish")


# --------------------------------------------------------------------------------------------
def test_unauthenticated_is_401_with_error_body():
    anon = sc.InvitationsApi(client(username="", password=""))
    body = expect_api_error(401, anon.get_all_invitations)
    assert body == {"error": "Authorization Required."}, body
    wrong = sc.InvitationsApi(client(password="wrong"))
    expect_api_error(401, wrong.get_all_invitations)


def test_create_private_invitation_and_job_completes():
    addresses = ["alice@demo.example"] + [f"learner{i:03}@example.com" for i in range(120)]
    req = sc.CreatePrivateInvitationSchema(
        course_id=COURSE,
        creating_user_email="admin@demo.example",
        invitation_email=sc.InvitationEmailSchema(
            subject="Compliance training", body="Please take this course.", addresses=addresses
        ),
        tags=["sdk", "q1"],
        duplicate_registration_option="SEND_EXISTING",
    )
    summary = INV.create_private_invitation(req)
    assert summary.id and summary.course_id == COURSE and summary.is_public is False
    assert isinstance(summary.create_date, datetime.datetime)
    st = wait_job(summary.id)
    assert st.status == "COMPLETE" and st.total == 121 and st.processed == 121, st
    assert st.errors == []
    STATE["private"] = summary.id
    STATE["addresses"] = addresses


def test_get_private_invitation():
    inv = INV.get_private_invitation(STATE["private"], include_registration_count=True)
    assert inv.id == STATE["private"] and inv.course_id == COURSE
    assert inv.course_title == "Compliance Basics"
    assert inv.allow_launch is True
    assert inv.invitation_email.addresses == STATE["addresses"]
    assert inv.invitation_email.subject == "Compliance training"
    assert inv.registration_count == 121 and inv.launched_registration_count == 0


def test_private_user_invitations_page_with_more():
    first = INV.get_private_user_invitations(STATE["private"], include_registration_report=True)
    assert len(first.user_invitations) == 100 and first.more
    u = first.user_invitations[0]
    assert u.registration_id and u.url.startswith(GATEWAY) and u.is_started is False
    assert u.registration_report.complete == "UNKNOWN"
    # "When passing this token, no other filter parameters can be sent."
    expect_api_error(400, INV.get_private_user_invitations, STATE["private"], more=first.more,
                     since=datetime.datetime(2000, 1, 1))
    second = INV.get_private_user_invitations(STATE["private"], more=first.more)
    assert len(second.user_invitations) == 21 and not second.more
    emails = [x.email for x in first.user_invitations + second.user_invitations]
    assert sorted(emails) == sorted(STATE["addresses"])
    alice = [x for x in first.user_invitations if x.email == "alice@demo.example"][0]
    STATE["alice_reg"] = alice.registration_id
    STATE["alice_url"] = alice.url
    one = INV.get_private_user_invitations(STATE["private"], filter="learner007", filter_by="email")
    assert [x.email for x in one.user_invitations] == ["learner007@example.com"]


def test_invitation_lists_filters_and_total_count():
    data, status, headers = INV.get_private_invitations_with_http_info(
        course_id=COURSE, tags=["sdk"], include_total_count=True, include_registration_count=True
    )
    assert status == 200 and headers.get("X-Total-Count") == "1", headers
    assert [i.id for i in data.invitations] == [STATE["private"]]
    assert data.invitations[0].registration_count == 121
    assert INV.get_private_invitations(course_id=OTHER_COURSE).invitations == []
    assert INV.get_private_invitations(tags=["nope"]).invitations == []
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    all_ = INV.get_all_invitations(since=since, datetime_filter="created", order_by="created_asc")
    assert STATE["private"] in [i.id for i in all_.invitations]
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    assert INV.get_all_invitations(since=future).invitations == []
    expect_api_error(400, INV.get_all_invitations, order_by="sideways")


def test_update_private_invitation_and_invitation_link():
    status, _, page = fetch(STATE["alice_url"])
    assert status == 200 and STATE["alice_reg"] in page, status
    upd = INV.update_private_invitation(
        STATE["private"],
        sc.PrivateInvitationUpdateSchema(
            allow_launch=False, invitation_email=sc.InvitationEmailUpdateSchema(subject="New subject")
        ),
    )
    assert upd.allow_launch is False and upd.invitation_email.subject == "New subject"
    assert upd.launched_registration_count == 1
    status, _, page = fetch(STATE["alice_url"])
    assert status == 403 and "disabled" in page, (status, page)
    upd = INV.update_private_invitation(STATE["private"], sc.PrivateInvitationUpdateSchema(allow_launch=True))
    assert upd.allow_launch is True
    users = INV.get_private_user_invitations(STATE["private"], filter="alice", filter_by="email")
    assert users.user_invitations[0].is_started is True


def test_public_invitation_signup_cap_and_close():
    pub = INV.create_public_invitation(sc.CreatePublicInvitationSchema(
        course_id=OTHER_COURSE, creating_user_email="admin@demo.example", registration_cap=1,
        tags=["public"],
    ))
    assert pub.url and pub.registration_cap == 1 and pub.allow_new_registrations is True
    STATE["public"] = pub.id
    status, _, page = fetch(pub.url)
    assert status == 200 and "<form" in page
    status, headers, _ = fetch(pub.url, {"firstName": "Pat", "lastName": "Public",
                                         "email": "pat@example.com"}, follow=False)
    assert status == 303, status
    status, _, page = fetch(headers["Location"])
    assert status == 200 and "Pat Public" in page
    status, _, page = fetch(pub.url, {"firstName": "Quinn", "lastName": "Q", "email": "quinn@example.com"})
    assert status == 403 and "limit" in page, (status, page)
    got = INV.get_public_invitation(pub.id, include_registration_count=True)
    assert got.registration_count == 1 and got.course_title
    users = INV.get_public_user_invitations(pub.id, include_registration_report=True)
    assert [u.email for u in users.user_invitations] == ["pat@example.com"]
    assert users.user_invitations[0].is_started is True
    assert users.user_invitations[0].registration_report.complete == "INCOMPLETE"
    upd = INV.update_public_invitation(pub.id, sc.PublicInvitationUpdateSchema(
        registration_cap=0, allow_new_registrations=False))
    assert upd.registration_cap == 0 and upd.allow_new_registrations is False
    status, _, page = fetch(pub.url, {"firstName": "Quinn", "lastName": "Q", "email": "quinn@example.com"})
    assert status == 403 and "closed" in page, (status, page)
    INV.update_public_invitation(pub.id, sc.PublicInvitationUpdateSchema(allow_new_registrations=True))
    status, _, _ = fetch(pub.url, {"firstName": "Quinn", "lastName": "Q", "email": "quinn@example.com"})
    assert status == 200
    lst = INV.get_public_invitations(course_id=OTHER_COURSE)
    assert [i.id for i in lst.invitations] == [pub.id]
    assert lst.invitations[0].url == pub.url
    kinds = {i.id: i.is_public for i in INV.get_all_invitations().invitations}
    assert kinds[pub.id] is True and kinds[STATE["private"]] is False
    expect_api_error(404, INV.get_private_invitation, pub.id)


def test_invitation_tags():
    iid = STATE["private"]
    assert sorted(INV.get_invitation_tags(iid).tags) == ["q1", "sdk"]
    INV.put_invitation_tags(iid, sc.TagListSchema(tags=["a", "b"]))
    assert INV.get_invitation_tags(iid).tags == ["a", "b"]
    INV.delete_invitation_tags(iid, sc.TagListSchema(tags=["a"]))
    assert INV.get_invitation_tags(iid).tags == ["b"]
    INV.put_invitation_tags_batch(sc.BatchTagsSchema(ids=[iid, STATE["public"]], tags=["batch"]))
    assert INV.get_invitation_tags(iid).tags == ["b", "batch"]
    assert INV.get_invitation_tags(STATE["public"]).tags == ["batch", "public"]
    expect_api_error(404, INV.get_invitation_tags, "no-such-invitation")
    body = expect_api_error(404, INV.put_invitation_tags_batch,
                            sc.BatchTagsSchema(ids=[iid, "missing"], tags=["x"]))
    assert "missing" in body["message"]
    assert "x" not in INV.get_invitation_tags(iid).tags  # all or nothing


def test_duplicate_option_fail_reports_errors():
    summary = INV.create_private_invitation(sc.CreatePrivateInvitationSchema(
        course_id=COURSE, creating_user_email="admin@demo.example",
        invitation_email=sc.InvitationEmailSchema(addresses=["alice@demo.example", "fresh@example.com"]),
        duplicate_registration_option="FAIL",
    ))
    st = wait_job(summary.id)
    assert st.status == "ERROR" and st.total == 2 and st.processed == 2, st
    assert len(st.errors) == 1 and "alice@demo.example" in st.errors[0]
    users = INV.get_private_user_invitations(summary.id)
    assert [u.email for u in users.user_invitations] == ["fresh@example.com"]


def test_bad_invitation_input_is_400_message():
    body = expect_api_error(400, INV.create_private_invitation, sc.CreatePrivateInvitationSchema(
        course_id=COURSE, creating_user_email="admin@demo.example",
        invitation_email=sc.InvitationEmailSchema(addresses=["not-an-address"])))
    assert "not-an-address" in body["message"]
    expect_api_error(404, INV.create_private_invitation, sc.CreatePrivateInvitationSchema(
        course_id="no-such-course", creating_user_email="a@b.example",
        invitation_email=sc.InvitationEmailSchema(addresses=["x@example.com"])))


# --------------------------------------------------------------------------------------------
def test_create_registration_and_duplicate_is_400():
    REG.create_registration(sc.CreateRegistrationSchema(
        course_id=OTHER_COURSE, registration_id="sdk-reg-1",
        learner=sc.LearnerSchema(id="sdk-learner-1", email="sdk1@example.com",
                                 first_name="Sam", last_name="Sdk"),
        registration_tags=["api"],
    ))
    body = expect_api_error(400, REG.create_registration, sc.CreateRegistrationSchema(
        course_id=OTHER_COURSE, registration_id="sdk-reg-1",
        learner=sc.LearnerSchema(id="someone-else")))
    assert "sdk-reg-1" in body["message"]
    REG.get_registration("sdk-reg-1")  # HEAD: exists
    expect_api_error(404, REG.get_registration, "no-such-registration")


def test_registration_progress_launch_link_and_history():
    r = REG.get_registration_progress("sdk-reg-1")
    assert r.id == "sdk-reg-1" and r.learner.id == "sdk-learner-1" and r.learner.first_name == "Sam"
    assert r.course.id == OTHER_COURSE and r.registration_completion == "UNKNOWN"
    assert r.first_access_date is None and r.instance == 0 and r.tags == ["api"]
    link = REG.build_registration_launch_link(
        "sdk-reg-1", sc.LaunchLinkRequestSchema(redirect_on_exit_url="https://example.com/done", expiry=60))
    status, _, page = fetch(link.launch_link)
    assert status == 200 and "https://example.com/done" in page
    r = REG.get_registration_progress("sdk-reg-1", include_child_results=True)
    assert r.registration_completion == "INCOMPLETE" and r.first_access_date is not None
    assert r.activity_details.activity_completion == "INCOMPLETE"
    hist = REG.get_registration_launch_history("sdk-reg-1")
    assert len(hist.launch_history) == 1 and hist.launch_history[0].completion_status == "INCOMPLETE"
    expect_api_error(400, REG.build_registration_launch_link, "sdk-reg-1",
                     sc.LaunchLinkRequestSchema(redirect_on_exit_url="https://x.example", expiry=5))
    expect_api_error(404, REG.build_registration_launch_link, "nope",
                     sc.LaunchLinkRequestSchema(redirect_on_exit_url="closer"))


def test_cross_dialect_progress_shows_in_registration_report():
    # The invitation's registration for alice is the same ledger enrollment the other dialects
    # (and the admin API) drive.
    x = admin("GET", f"/tenants/{TENANT}/series/scormcloud/{STATE['alice_reg']}")
    assert x["learnerId"] == "a0000000-0000-4000-8000-000000000002"
    admin("POST", f"/tenants/{TENANT}/enrollments/{x['enrollmentId']}/commands",
          {"command": "complete", "score": 87.5})
    r = REG.get_registration_progress(STATE["alice_reg"])
    assert r.registration_completion == "COMPLETED" and r.registration_success == "PASSED"
    assert r.score.scaled == 87.5 and r.completed_date is not None and r.learner.id == "alice"
    users = INV.get_private_user_invitations(STATE["private"], filter="alice", filter_by="email",
                                             include_registration_report=True)
    rep = users.user_invitations[0].registration_report
    assert rep.complete == "COMPLETED" and rep.success == "PASSED" and rep.score.scaled == 87.5


def test_registration_list_filters_and_more():
    data, _, headers = REG.get_registrations_with_http_info(course_id=COURSE, include_total_count=True)
    total = int(headers["X-Total-Count"])
    assert total == 122, total  # 121 addresses + fresh@example.com
    assert len(data.registrations) == 100 and data.more
    rest = REG.get_registrations(more=data.more)
    assert len(rest.registrations) == total - 100 and not rest.more
    ids = {r.id for r in data.registrations + rest.registrations}
    assert len(ids) == total
    assert [r.id for r in REG.get_registrations(learner_id="sdk-learner-1").registrations] == ["sdk-reg-1"]
    assert REG.get_registrations(course_id="no-such-course").registrations == []
    assert [r.id for r in REG.get_registrations(tags=["api"]).registrations] == ["sdk-reg-1"]
    found = REG.get_registrations(filter="Sam", filter_by="learner_first_name")
    assert [r.id for r in found.registrations] == ["sdk-reg-1"]


def test_instances_reset_tags_and_delete():
    REG.create_new_registration_instance("sdk-reg-1")
    r = REG.get_registration_progress("sdk-reg-1")
    assert r.instance == 1 and r.registration_completion == "UNKNOWN"
    REG.put_registration_tags("sdk-reg-1", sc.TagListSchema(tags=["t1", "t2"]))
    assert REG.get_registration_tags("sdk-reg-1").tags == ["t1", "t2"]
    REG.delete_registration_tags("sdk-reg-1", sc.TagListSchema(tags=["t1"]))
    REG.put_registration_tags_batch(sc.BatchTagsSchema(ids=["sdk-reg-1", STATE["alice_reg"]], tags=["b"]))
    assert REG.get_registration_tags("sdk-reg-1").tags == ["b", "t2"]
    REG.delete_registration_progress("sdk-reg-1")
    r = REG.get_registration_progress("sdk-reg-1")
    assert r.instance == 1 and r.registration_completion == "UNKNOWN"
    REG.delete_registration("sdk-reg-1")
    expect_api_error(404, REG.get_registration, "sdk-reg-1")
    expect_api_error(404, REG.get_registration_progress, "sdk-reg-1")


class Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Receiver.received.append((self.path, {k.lower(): v for k, v in self.headers.items()},
                                  self.rfile.read(n).decode()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_postbacks_are_delivered():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        REG.test_registration_postback(sc.PostBackSchema(url=url + "/test", auth_type="FORM",
                                                         user_name="u", password="p"))
        REG.create_registration(sc.CreateRegistrationSchema(
            course_id=OTHER_COURSE, registration_id="sdk-reg-pb",
            learner=sc.LearnerSchema(id="sdk-learner-pb"),
            post_back=sc.PostBackSchema(url=url + "/pb", auth_type="HTTPBASIC", user_name="hook",
                                        password="s3cret"),
        ))
        x = admin("GET", f"/tenants/{TENANT}/series/scormcloud/sdk-reg-pb")
        admin("POST", f"/tenants/{TENANT}/enrollments/{x['enrollmentId']}/commands",
              {"command": "fail", "score": 20})
        deadline = time.time() + 15
        while time.time() < deadline and len(Receiver.received) < 2:
            time.sleep(0.1)
        by_path = {p: (h, b) for p, h, b in Receiver.received}
        assert "/test" in by_path and "/pb" in by_path, Receiver.received
        form = urllib.parse.parse_qs(by_path["/test"][1])
        assert form["username"] == ["u"] and form["password"] == ["p"] and "data" in form
        headers, body = by_path["/pb"]
        assert headers["authorization"] == "Basic " + base64.b64encode(b"hook:s3cret").decode()
        reg = json.loads(body)
        assert reg["id"] == "sdk-reg-pb" and reg["registrationSuccess"] == "FAILED"
        assert reg["learner"]["id"] == "sdk-learner-pb"
    finally:
        srv.shutdown()


def test_oauth_token_scopes_are_enforced():
    token = sc.AuthenticationApi(API).get_app_token("read:invitation read:registration", expiration=300)
    assert token.access_token and token.expires_in == 300
    t = client(username="", password="", token=token.access_token)
    assert sc.InvitationsApi(t).get_invitation_tags(STATE["private"]).tags
    sc.RegistrationApi(t).get_registrations(course_id=COURSE)
    body = expect_api_error(403, sc.InvitationsApi(t).put_invitation_tags, STATE["private"],
                            sc.TagListSchema(tags=["z"]))
    assert "write:invitation" in body["message"]
    expect_api_error(403, sc.RegistrationApi(t).delete_registration, STATE["alice_reg"])
    generic = sc.AuthenticationApi(API).get_app_token("write")
    w = sc.InvitationsApi(client(username="", password="", token=generic.access_token))
    w.put_invitation_tags(STATE["private"], sc.TagListSchema(tags=["via-token"]))
    expect_api_error(403, w.get_invitation_tags, STATE["private"])
    bad = client(username="", password="", token="not-a-token")
    expect_api_error(401, sc.InvitationsApi(bad).get_all_invitations)


def test_invitation_mail_is_in_the_outbox():
    mail = admin("GET", f"/tenants/{TENANT}/mail?to=learner042@example.com")
    assert mail["total"] == 1, mail
    m = mail["messages"][0]
    assert m["subject"] == "Compliance training" and "Please take this course." in m["body"]
    assert "/learn/invite/" in m["body"]


def main():
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_")]
    passed = failed = 0
    for name, fn in tests:
        try:
            fn()
            passed += 1
            print(f"ok   {name}")
        except Exception:  # noqa: BLE001 — report every failure, keep going
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
