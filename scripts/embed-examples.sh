#!/usr/bin/env bash
# Runs each facade's embedding example (crates/<facade>/examples/embed.rs) as an embedder
# would build it — SQLite only, no libpq — with the demo seed, and checks that it serves:
# Absorb authenticates (through a `//` path) and lists courses; SCORM Cloud lists
# registrations and its private-invitation job completes, which only the background tasks
# the example starts can do; iSpring serves its WSDL, issues a token and enrolls over SOAP
# (through a `//` path), then lists the enrollment over REST; TrainerCentral issues a token
# (client credentials), invites a learner to a course and lists the course's members (through
# a `//` path). Needs curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bins=$(cargo build --quiet -p enroll-store -p absorb-v2 -p scormcloud-invitations -p ispring-soap \
  -p trainercentral-api \
  --no-default-features --features sqlite --examples --message-format=json-render-diagnostics \
  | grep '"reason":"compiler-artifact"' | grep '"kind":\["example"\]' \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')
bin() { echo "$bins" | grep "/$1\$"; }
WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts example $1 in its own directory (its SQLite file is data/embed.db there).
start() {
  mkdir -p "$WORK/$1"
  PORT=$(free_port)
  (cd "$WORK/$1" && BIND="127.0.0.1:$PORT" RUST_LOG=warn exec "$(bin "$1")" \
    "$ROOT/fixtures/demo-seed.json" >"$WORK/$1.log" 2>&1) &
  PID=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
    sleep 0.1
  done
  echo "example $1 did not start:"; cat "$WORK/$1.log"; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
c() { curl --fail-with-body -sS "$@"; }

echo "== absorb-embed"
start absorb-embed
KEY=b1f0e3c2-7d4a-4e8b-9c61-2f5a8d7e4b10
TOKEN=$(c -X POST "http://127.0.0.1:$PORT/absorb//authenticate" -H "x-api-key: $KEY" \
  -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin@demo.example\",\"password\":\"Demo-Admin-1\",\"privateKey\":\"$KEY\"}" \
  | tr -d '"')
c "http://127.0.0.1:$PORT/absorb/courses" -H "x-api-key: $KEY" -H "Authorization: Bearer $TOKEN" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["totalItems"] >= 1, d; print("courses:", d["totalItems"])'
stop

echo "== scormcloud-embed"
start scormcloud-embed
API="http://127.0.0.1:$PORT/scormcloud/api/v2"
AUTH=(-u DEMOAPP:demo-scorm-secret-key)
c "${AUTH[@]}" "$API//registrations" >/dev/null
ID=$(c "${AUTH[@]}" -X POST "$API/invitations/private" -H 'Content-Type: application/json' \
  -d @fixtures/scormcloud/create_private_invitation.json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 1 100); do
  status=$(c "${AUTH[@]}" "$API/invitations/private/$ID/jobStatus" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  [ "$status" = COMPLETE ] && break
  sleep 0.1
done
[ "$status" = COMPLETE ] || { echo "the invitation job did not run: $status"; cat "$WORK/scormcloud-embed.log"; exit 1; }
echo "private invitation job: $status"
stop

echo "== ispring-embed"
start ispring-embed
ISP="http://127.0.0.1:$PORT/ispring"
c "$ISP/soap?wsdl" | grep 'wsdl:definitions' >/dev/null || { echo "no WSDL"; exit 1; }
ITOKEN=$(c -X POST "$ISP/api/v3/token" -d client_id=demo-ispring-client \
  -d client_secret=demo-ispring-client-secret -d grant_type=client_credentials \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
c "$ISP//soap" -H 'Content-Type: text/xml' -d "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"https://ispringlearn.com/go/services/api/soap\"><s:Body><EnrollLearnersInCoursesRequest><credentials><token>$ITOKEN</token></credentials><courseIds><id>c0000000-0000-4000-8000-000000000001</id></courseIds><learnerIds><id>a0000000-0000-4000-8000-000000000002</id></learnerIds><dueDateType>unlimited</dueDateType></EnrollLearnersInCoursesRequest></s:Body></s:Envelope>" \
  | grep '<ns1:success>true</ns1:success>' >/dev/null || { echo "the SOAP enroll failed"; exit 1; }
c "$ISP/enrollments" -H "Authorization: Bearer $ITOKEN" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["enrollments"]) == 1, d; print("ispring enrollments:", len(d["enrollments"]))'
stop

echo "== trainercentral-embed"
start trainercentral-embed
TC="http://127.0.0.1:$PORT/trainercentral"
TTOKEN=$(c -X POST "$TC/oauth/v2/token" -d client_id=1000.DEMOCLIENT \
  -d client_secret=demo-trainercentral-client-secret -d grant_type=client_credentials \
  -d scope=TrainerCentral.userapi.CREATE,TrainerCentral.courseapi.READ \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
c -X POST "$TC/api/v4/60012345678/addCourseAttendee.json" -H "Authorization: Zoho-oauthtoken $TTOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"courseAttendee":{"email":"embed@example.com","firstName":"Em","lastName":"Bed","courseId":"70000000000001"}}' >/dev/null
c "$TC//api/v4/60012345678/course/70000000000001/courseMembers.json" -H "Authorization: Zoho-oauthtoken $TTOKEN" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [m["email"] for m in d["courseMembers"]] == ["embed@example.com"], d; print("trainercentral members:", len(d["courseMembers"]))'
stop
echo "embedding examples: 4 passed"
