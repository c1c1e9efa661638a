#!/usr/bin/env bash
# Benchmark: a SCORM Cloud private invitation to N addresses (default 10,000), from the POST
# to jobStatus COMPLETE, on a release build with a fresh database (SQLite by default; pass a
# database URL as $1, e.g. postgres://postgres@127.0.0.1:5432/bench, to use another).
# Prints the elapsed time; target: COMPLETE within 2 s for 10,000 addresses.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
cargo build --quiet --release -p gateway
WORK=$(mktemp -d)
DB=${1:-sqlite://$WORK/bench.db}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/release/gateway --bind "127.0.0.1:$PORT" --database-url "$DB" \
  --seed-file fixtures/demo-seed.json --admin-token bench --log-level warn >"$WORK/log" 2>&1 &
GW=$!
trap 'kill $GW 2>/dev/null || true; wait $GW 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
python3 - "$PORT" "$N" <<'PY'
import base64, json, sys, time, urllib.request
port, n = sys.argv[1], int(sys.argv[2])
base = f"http://127.0.0.1:{port}/scormcloud/api/v2"
auth = "Basic " + base64.b64encode(b"DEMOAPP:demo-scorm-secret-key").decode()
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, headers={
        "Authorization": auth, "Content-Type": "application/json"},
        data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())
body = {"courseId": "compliance-basics", "creatingUserEmail": "admin@demo.example",
        "invitationEmail": {"subject": "Bench", "body": "Bench",
                            "addresses": [f"bench{i:05}@example.com" for i in range(n)]}}
t0 = time.perf_counter()
inv = call("POST", "/invitations/private", body)
t_created = time.perf_counter() - t0
while True:
    st = call("GET", f"/invitations/private/{inv['id']}/jobStatus")
    if st["status"] != "STARTED":
        break
    time.sleep(0.01)
elapsed = time.perf_counter() - t0
assert st["status"] == "COMPLETE" and st["processed"] == n, st
users = call("GET", f"/invitations/private/{inv['id']}/userInvitations?includeTotalCount=true")
print(f"private invitation to {n} addresses: POST answered in {t_created:.3f} s, "
      f"jobStatus COMPLETE after {elapsed:.3f} s")
PY
