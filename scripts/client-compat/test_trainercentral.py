"""What a real TrainerCentral integration does, with nothing but Python's standard HTTP client.

The authorization-code flow through the consent page: the page is fetched, its form filled in
as the portal's administrator and submitted; urllib follows the redirect to the client's
registered redirect URI (a listener on 127.0.0.1:8765, as the demo client registers), which
receives the code. Then, as Zoho's examples do (parameters in the query string of a POST): the
code exchanged, the access token refreshed, a learner invited to a course, the course's
members listed, the learner's access revoked; and what must fail does: a replayed code, a
revoked refresh token and its access tokens. Run by run.sh (GATEWAY set). Prints
'N passed, N failed' and exits non-zero on any failure.
"""
import html.parser
import http.server
import json
import os
import sys
import threading
import traceback
import urllib.error
import urllib.parse
import urllib.request

GATEWAY = os.environ["GATEWAY"]
ACCOUNTS = GATEWAY + "/trainercentral/oauth/v2"
ORG = "60012345678"
API = f"{GATEWAY}/trainercentral/api/v4/{ORG}"
COURSE = "70000000000001"
CLIENT_ID = "1000.DEMOCLIENT"
CLIENT_SECRET = "demo-trainercentral-client-secret"
REDIRECT = "http://127.0.0.1:8765/callback"
SCOPE = "TrainerCentral.userapi.CREATE,TrainerCentral.courseapi.READ,TrainerCentral.courseapi.UPDATE"
EMAIL = "compat.learner@example.com"

received = {}


class Callback(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.urlparse(self.path)
        received.update({k: v[0] for k, v in urllib.parse.parse_qs(q.query).items()})
        received["path"] = q.path
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"authorized")

    def log_message(self, *args):
        pass


class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a.get("action")
        if tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")


def call(method, url, body=None, token=None, scheme="Zoho-oauthtoken"):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"{scheme} {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def token_call(**params):
    url = f"{ACCOUNTS}/token?" + urllib.parse.urlencode(params)
    return call("POST", url)


results = []


def check(name, fn):
    try:
        fn()
        results.append((name, None))
        print(f"ok   {name}")
    except Exception:  # noqa: BLE001 - report every failure
        results.append((name, traceback.format_exc()))
        print(f"FAIL {name}\n{traceback.format_exc()}")


state = {}


def consent():
    query = urllib.parse.urlencode({
        "scope": SCOPE, "client_id": CLIENT_ID, "response_type": "code",
        "redirect_uri": REDIRECT, "access_type": "offline", "state": "compat-42",
        "prompt": "consent",
    })
    with urllib.request.urlopen(f"{ACCOUNTS}/auth?{query}", timeout=10) as r:
        page = r.read().decode()
    form = Form()
    form.feed(page)
    assert form.action and form.fields["client_id"] == CLIENT_ID, page
    fields = dict(form.fields, email="admin@demo.example", password="Demo-Admin-1",
                  approve="accept")
    target = urllib.parse.urljoin(f"{ACCOUNTS}/auth", form.action)
    data = urllib.parse.urlencode(fields).encode()
    # urllib follows the 302 to the redirect URI, where the listener takes the code.
    with urllib.request.urlopen(target, data=data, timeout=10) as r:
        assert r.status == 200 and r.read() == b"authorized"
        assert r.geturl().startswith(REDIRECT), r.geturl()
    assert received.get("path") == "/callback", received
    assert received["state"] == "compat-42", received
    assert received["location"] == "us" and received["accounts-server"].endswith("/trainercentral"), received
    state["code"] = received["code"]


def exchange():
    s, b = token_call(code=state["code"], client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                      redirect_uri=REDIRECT, grant_type="authorization_code")
    assert s == 200, b
    assert b["token_type"] == "Bearer" and b["expires_in"] == 3600, b
    assert b["refresh_token"] and b["access_token"], b
    state["refresh"], state["first"] = b["refresh_token"], b["access_token"]


def replayed_code():
    s, b = token_call(code=state["code"], client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                      redirect_uri=REDIRECT, grant_type="authorization_code")
    assert (s, b) == (400, {"error": "invalid_code"}), (s, b)


def refresh():
    s, b = token_call(refresh_token=state["refresh"], client_id=CLIENT_ID,
                      client_secret=CLIENT_SECRET, grant_type="refresh_token")
    assert s == 200 and "refresh_token" not in b, b
    state["access"] = b["access_token"]


def invite():
    s, b = call("POST", f"{API}/addCourseAttendee.json", {"courseAttendee": {
        "email": EMAIL, "firstName": "Compat", "lastName": "Learner", "courseId": COURSE}},
        token=state["access"])
    assert s == 200, b
    m = b["courseMember"][0]
    assert m["courseId"] == COURSE and m["status"] == "1", b
    assert b["portalMember"]["email"] == EMAIL, b
    state["member"] = m["id"]
    # Inviting again is refused, and changes nothing.
    s, b = call("POST", f"{API}/addCourseAttendee.json", {"courseAttendee": {
        "email": EMAIL, "firstName": "Compat", "lastName": "Learner", "courseId": COURSE}},
        token=state["access"])
    assert s == 400 and b["code"] == "DUPLICATE_DATA", b


def members():
    q = urllib.parse.urlencode({"filter": 3, "limit": 50, "si": 0, "searchText": "compat"})
    # Many clients send Bearer instead of Zoho-oauthtoken.
    s, b = call("GET", f"{API}/course/{COURSE}/courseMembers.json?{q}", token=state["access"],
                scheme="Bearer")
    assert s == 200, b
    rows = [m for m in b["courseMembers"] if m["email"] == EMAIL]
    assert len(rows) == 1 and rows[0]["id"] == state["member"], b


def revoke_access():
    s, b = call("PUT", f"{API}/updateCourseAttendee/{state['member']}.json",
                {"courseMember": {"status": "4"}}, token=state["access"])
    assert s == 200 and b["courseMember"][0]["status"] == "4", b
    q = urllib.parse.urlencode({"filter": 3, "searchText": EMAIL})
    s, b = call("GET", f"{API}/course/{COURSE}/courseMembers.json?{q}", token=state["access"])
    assert s == 200 and b["courseMembers"] == [], b


def revoke_tokens():
    s, b = call("POST", f"{ACCOUNTS}/token/revoke?" + urllib.parse.urlencode({"token": state["refresh"]}))
    assert s == 200, b
    for t in (state["first"], state["access"]):
        s, b = call("GET", f"{API}/courses.json", token=t)
        assert s == 401 and b["code"] == "INVALID_OAUTHTOKEN", b
    s, b = token_call(refresh_token=state["refresh"], client_id=CLIENT_ID,
                      client_secret=CLIENT_SECRET, grant_type="refresh_token")
    assert (s, b) == (400, {"error": "invalid_code"}), (s, b)


server = http.server.HTTPServer(("127.0.0.1", 8765), Callback)
threading.Thread(target=server.serve_forever, daemon=True).start()
for name, fn in [
    ("consent page redirects with a code", consent),
    ("code exchanged for tokens", exchange),
    ("replayed code refused", replayed_code),
    ("access token refreshed", refresh),
    ("learner invited to a course", invite),
    ("course members listed", members),
    ("access revoked", revoke_access),
    ("refresh token revoked with its access tokens", revoke_tokens),
]:
    check(name, fn)
server.shutdown()
failed = [n for n, e in results if e]
print(f"trainercentral: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
